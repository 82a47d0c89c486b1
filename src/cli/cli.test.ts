/**
 * The `tidemark` command run as a real child process (`node bin/tidemark.js …`, so `npx tsc -p .`
 * first; `npm test` does) against real temporary DuckDB files. stdout is a pipe here, so output is
 * JSON unless a format is asked for.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES } from '../schema/index.js';
import { scratch } from '../testing/index.js';
import { openWarehouse } from '../warehouse/duckdb.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// TIDEMARK_TEST_BIN: run another entry point (e.g. while a command module is being written).
const BIN = process.env.TIDEMARK_TEST_BIN ?? join(ROOT, 'bin/tidemark.js');
const s = scratch('tidemark-cli-');
const DB = join(s.dir, 'wh.duckdb');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function tidemark(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: s.dir, env: { ...process.env, TIDEMARK_DB: undefined, TIDEMARK_DEBUG: undefined, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin?.end();
  });
}

async function json(args: readonly string[]): Promise<any> {
  const r = await tidemark(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** A usage error: exit 2 and one `tidemark: …` line on stderr matching `message`. */
async function usageError(args: readonly string[], message: RegExp): Promise<void> {
  const r = await tidemark(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^tidemark: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
}

const REPORT = {
  importId: 1,
  file: 'members.csv',
  entity: 'customers',
  format: 'csv',
  encoding: 'gb18030',
  mapping: { customer_id: '会员卡号', name: '姓名', phone: '手机' },
  customFields: ['积分'],
  rowsRead: 6,
  loaded: 3,
  merged: 1,
  quarantined: 2,
  tables: { customers: { inserted: 3, updated: 0, unchanged: 0 } },
  rules: [{ rule: 'phone_e164', field: 'phone', count: 2, examples: [{ line: 2, before: '138 0013 8000', after: '+8613800138000' }] }],
  quarantineSample: [{ line: 5, reason: 'missing customer_id', raw: ',无名氏,' }],
  seconds: 0.4,
};

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('build first: npx tsc -p . (npm test does)');
  const wh = await openWarehouse({ path: DB });
  await wh.run(`INSERT INTO customers (customer_id, name, city, registered_at, is_stub) VALUES
    ('C1', '张三', '上海', TIMESTAMP '2023-05-01 10:00:00', false),
    ('C2', '李四', '北京', TIMESTAMP '2023-06-01 10:00:00', false),
    ('C3', '王五', '成都', NULL, false)`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status) VALUES
    ('O1', 'C1', TIMESTAMP '2024-01-05 10:00:00', 100.00, 'completed'),
    ('O2', 'C1', TIMESTAMP '2024-02-05 10:00:00', 200.00, 'completed'),
    ('O3', 'C2', TIMESTAMP '2024-02-06 10:00:00', 50.00, 'cancelled'),
    ('O4', 'C3', TIMESTAMP '2024-02-07 10:00:00', 30.00, 'paid')`);
  await wh.run(
    `INSERT INTO tm_imports VALUES (1, 'members.csv', 'abc123', 'customers', TIMESTAMP '2024-03-01 09:00:00', TIMESTAMP '2024-03-01 09:00:01', 6, 3, 1, 2, $1)`,
    [JSON.stringify(REPORT)],
  );
  await wh.run(`INSERT INTO tm_quarantine VALUES (1, 'members.csv', 5, ',无名氏,', 'missing customer_id'), (1, 'members.csv', 6, 'x,y', 'wrong number of fields')`);
  await wh.close();
});

afterAll(() => s.cleanup());

describe('the program', () => {
  it('prints its version', async () => {
    const r = await tidemark(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('lists every command in --help', async () => {
    const r = await tidemark(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['start', 'status', 'import', 'log', 'overview', 'sql', 'export', 'demo']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('an unknown command is a usage error', async () => {
    await usageError(['staus'], /unknown command 'staus'.*Did you mean status/);
  });

  it('an unknown flag is a usage error naming it', async () => {
    await usageError(['status', '--db', DB, '--bogus'], /unknown option '--bogus'/);
  });

  it('a runtime failure exits 1 with one line and no stack trace', async () => {
    const r = await tidemark(['status', '--db', join(s.dir, 'nope.duckdb')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tidemark: warehouse .*nope\.duckdb does not exist[^\n]*\n$/);
  });

  it('TIDEMARK_DEBUG=1 adds the stack trace', async () => {
    const r = await tidemark(['status', '--db', join(s.dir, 'nope.duckdb')], { TIDEMARK_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('names the process holding the warehouse', async () => {
    const holder: ChildProcess = spawn(
      process.execPath,
      ['--input-type=module', '-e', `import { openWarehouse } from ${JSON.stringify(join(ROOT, 'dist/src/warehouse/duckdb.js'))}; await openWarehouse({ path: ${JSON.stringify(DB)} }); console.log('ready'); setTimeout(() => {}, 60000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((ok, fail) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
        holder.once('exit', () => fail(new Error('holder exited')));
      });
      const r = await tidemark(['status', '--db', DB]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^tidemark: warehouse .* is in use by another process \\(PID ${holder.pid}\\)`));
    } finally {
      holder.kill();
      await new Promise((ok) => (holder.exitCode !== null ? ok(null) : holder.once('exit', ok)));
    }
  });
});

describe('status', () => {
  it('reports path, size, time zone, rows per table and the last imports', async () => {
    const st = await json(['status', '--db', DB]);
    expect(st.path).toBe(DB);
    expect(st.sizeBytes).toBe(statSync(DB).size);
    expect(st.timeZone).toBe('Asia/Shanghai');
    expect(st.tables.find((t: any) => t.table === 'customers')).toMatchObject({ rows: 3, labelZh: '客户' });
    expect(st.tables.find((t: any) => t.table === 'orders').rows).toBe(4);
    expect(st.tables.map((t: any) => t.table)).toEqual(ENTITIES.map((e) => e.name));
    expect(st.imports).toEqual([
      { importId: 1, startedAt: '2024-03-01 09:00:00', finishedAt: '2024-03-01 09:00:01', file: 'members.csv', entity: 'customers', rowsRead: 6, loaded: 3, merged: 1, quarantined: 2 },
    ]);
  });

  it('uses $TIDEMARK_DB without --db', async () => {
    const r = await tidemark(['status', '--json'], { TIDEMARK_DB: DB });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).path).toBe(DB);
  });
});

describe('log', () => {
  it('lists imports', async () => {
    const list = await json(['log', '--db', DB]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ importId: 1, file: 'members.csv', quarantined: 2 });
  });

  it('--id shows the stored report and the quarantined rows, limited by --limit', async () => {
    const d = await json(['log', '--db', DB, '--id', '1']);
    expect(d.report).toEqual(REPORT);
    expect(d.import.fileSha256).toBe('abc123');
    expect(d.quarantineTotal).toBe(2);
    expect(d.quarantine).toEqual([
      { line: 5, reason: 'missing customer_id', raw: ',无名氏,' },
      { line: 6, reason: 'wrong number of fields', raw: 'x,y' },
    ]);
    const one = await json(['log', '--db', DB, '--id', '1', '--limit', '1']);
    expect(one.quarantine).toHaveLength(1);
  });

  it('bad input', async () => {
    await usageError(['log', '--db', DB, '--id', '99'], /--id: there is no import 99/);
    await usageError(['log', '--db', DB, '--limit', 'abc'], /--limit must be a positive integer/);
    await usageError(['log', '--db', DB, '--id', '1x'], /--id must be a positive integer/);
  });
});

describe('sql', () => {
  it('runs a query: JSON when piped', async () => {
    const r = await json(['sql', '--db', DB, 'SELECT customer_id, name, registered_at FROM customers ORDER BY customer_id']);
    expect(r.columns).toEqual([
      { name: 'customer_id', type: 'VARCHAR' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'registered_at', type: 'TIMESTAMP' },
    ]);
    expect(r.rows[0]).toEqual({ customer_id: 'C1', name: '张三', registered_at: '2023-05-01 10:00:00' });
    expect(r.rowCount).toBe(3);
  });

  it('--format table and csv', async () => {
    const t = await tidemark(['sql', '--db', DB, '--format', 'table', 'SELECT name, sum(amount) AS revenue FROM orders JOIN customers USING (customer_id) GROUP BY name ORDER BY name']);
    expect(t.code).toBe(0);
    expect(t.stdout).toBe(['name  revenue', '────  ───────', '张三   300.00', '李四    50.00', '王五    30.00', '(3 rows)', ''].join('\n'));
    const c = await tidemark(['sql', '--db', DB, '--format', 'csv', "SELECT name, 'a,b' AS x FROM customers ORDER BY customer_id LIMIT 2"]);
    expect(c.stdout).toBe('name,x\n张三,"a,b"\n李四,"a,b"\n');
  });

  it('refuses writes, exit 2, warehouse unchanged', async () => {
    const before = statSync(DB).mtimeMs;
    await usageError(['sql', '--db', DB, 'DELETE FROM customers'], /tidemark sql is read-only: DELETE statements are not allowed/);
    await usageError(['sql', '--db', DB, 'SELECT 1; DROP TABLE customers'], /tidemark sql is read-only/);
    await usageError(['sql', '--db', DB, "SELECT nextval('tm_import_seq')"], /read-only/);
    const n = await json(['sql', '--db', DB, 'SELECT count(*) AS n FROM customers']);
    expect(n.rows[0].n).toBe(3);
    expect(statSync(DB).mtimeMs).toBe(before);
  });

  it('has no file access', async () => {
    await usageError(['sql', '--db', DB, "SELECT * FROM read_csv('/etc/passwd')"], /no file access.*\/etc\/passwd/);
    await usageError(['sql', '--db', DB, "COPY customers TO 'leak.csv'"], /read-only: COPY/);
    expect(existsSync(join(s.dir, 'leak.csv'))).toBe(false);
  });

  it('bad input', async () => {
    await usageError(['sql', '--db', DB, '--format', 'xml', 'SELECT 1'], /--format.*'xml' is invalid.*table, json, csv/);
    await usageError(['sql', '--db', DB, 'SELECT * FROM nosuchtable'], /Catalog Error: Table with name nosuchtable does not exist/);
    await usageError(['sql', '--db', DB, 'SELEC 1'], /syntax error/);
    await usageError(['sql', '--db', DB], /missing required argument 'query'/);
  });
});

describe('export', () => {
  it('a table to CSV: BOM, CRLF, Chinese intact', async () => {
    const out = join(s.dir, 'out', 'customers.csv');
    const r = await json(['export', '--db', DB, '--table', 'customers', '--out', out]);
    expect(r).toMatchObject({ out, format: 'csv', rows: 3 });
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFcustomer_id,kind,name,')).toBe(true);
    expect(text.split('\r\n')[1]).toMatch(/^C1,,张三,/);
  });

  it('a query to XLSX, re-read with exceljs', async () => {
    const out = join(s.dir, 'orders.xlsx');
    await json(['export', '--db', DB, '--sql', 'SELECT o.order_id, c.name, o.ordered_at, o.amount FROM orders o JOIN customers c USING (customer_id) ORDER BY order_id', '--out', out]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['order_id', 'name', 'ordered_at', 'amount']);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['O1', '张三', new Date(Date.UTC(2024, 0, 5, 10)), 100]);
    expect(ws.rowCount).toBe(5);
  });

  it('to Parquet, by extension', async () => {
    const out = join(s.dir, 'orders.parquet');
    const r = await json(['export', '--db', DB, '--table', 'orders', '--out', out]);
    expect(r).toMatchObject({ format: 'parquet', rows: 4 });
    expect(readFileSync(out).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('bad input', async () => {
    const out = join(s.dir, 'bad.csv');
    await usageError(['export', '--db', DB, '--table', 'nosuch', '--out', out], /--table: unknown table 'nosuch'/);
    await usageError(['export', '--db', DB, '--table', 'customers; DROP TABLE orders', '--out', out], /--table: unknown table/);
    await usageError(['export', '--db', DB, '--table', 'customers'], /required option '--out <file>' not specified/);
    await usageError(['export', '--db', DB, '--table', 'customers', '--out', out, '--format', 'pdf'], /--format.*'pdf' is invalid/);
    await usageError(['export', '--db', DB, '--table', 'customers', '--out', join(s.dir, 'x.txt')], /--format: cannot tell the format/);
    await usageError(['export', '--db', DB, '--out', out], /exactly one of --table NAME or --sql/);
    await usageError(['export', '--db', DB, '--table', 'orders', '--sql', 'SELECT 1', '--out', out], /exactly one of --table/);
    await usageError(['export', '--db', DB, '--sql', 'DELETE FROM orders', '--out', out], /tidemark sql is read-only: DELETE/);
    await usageError(['export', '--db', DB, '--sql', "SELECT * FROM read_csv('/etc/passwd')", '--out', out], /no file access/);
    expect(readdirSync(s.dir).filter((f) => f.startsWith('bad') || f.startsWith('.bad') || f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('overview', () => {
  it('the whole span of orders', async () => {
    const o = await json(['overview', '--db', DB]);
    // O1 O2 (C1), O4 (C3) count; O3 is cancelled. Revenue 100 + 200 + 30.
    expect(o).toEqual({
      from: '2024-01-05',
      to: '2024-02-07',
      customers: 3,
      stubCustomers: 0,
      activeCustomers: 2,
      newCustomers: 2,
      returningCustomers: 0,
      repeatCustomers: 1,
      orders: 3,
      anonymousOrders: 0,
      cancelledOrders: 1,
      revenue: 330,
      aov: 110,
      repurchaseRate: 0.5,
    });
  });

  it('a period', async () => {
    const o = await json(['overview', '--db', DB, '--from', '2024-02-01', '--to', '2024-02-29']);
    // O2 (C1, who ordered O1 in January: returning) and O4 (C3: new).
    expect(o).toMatchObject({ orders: 2, revenue: 230, activeCustomers: 2, newCustomers: 1, returningCustomers: 1, repurchaseRate: 0 });
  });

  it('bad dates name the flag', async () => {
    await usageError(['overview', '--db', DB, '--from', '2024-13-01'], /--from: '2024-13-01' is not a date; use YYYY-MM-DD/);
    await usageError(['overview', '--db', DB, '--to', 'yesterday'], /--to: 'yesterday' is not a date/);
    await usageError(['overview', '--db', DB, '--from', '2024-03-01', '--to', '2024-02-01'], /--from: 2024-03-01 is after --to 2024-02-01/);
  });
});

/** `tidemark start` serving: its JSON once it listens, and stop() sends SIGINT (Ctrl-C) and resolves with the exit code. */
async function serving(args: readonly string[]): Promise<{ json: any; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], { cwd: s.dir, env: { ...process.env, TIDEMARK_DB: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((done) => child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1))));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const json = await new Promise<any>((done, fail) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      try {
        done(JSON.parse(out));
      } catch {
        // not complete yet
      }
    });
    void exited.then((code) => fail(new Error(`tidemark start exited (${code}) before it printed its JSON: ${err}`)));
  });
  return {
    json,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

describe('start', () => {
  it('builds the demo warehouse when there is none, then only reads it', async () => {
    const fresh = join(s.dir, 'fresh', 'demo.duckdb');
    const first = await json(['start', '--db', fresh, '--no-serve']);
    expect(first.state).toBe('built-demo');
    expect(first.warehouse).toBe(fresh);
    expect(first.demo).toMatchObject({ seed: 42, customers: 20000 });
    expect(first.overview.orders).toBeGreaterThan(0);
    expect(first.overview.customers).toBeGreaterThan(0);
    const size = statSync(fresh).size;
    const again = await json(['start', '--db', fresh, '--no-serve']);
    expect(again.state).toBe('existing');
    expect(again.demo).toBeNull();
    expect(again.overview).toEqual(first.overview);
    expect(statSync(fresh).size).toBe(size);
  });

  it('shows an existing warehouse without touching it', async () => {
    const r = await json(['start', '--db', DB, '--no-serve']);
    expect(r).toMatchObject({ state: 'existing', demo: null, overview: { orders: 3, revenue: 330 } });
    expect(r.serving).toBeUndefined();
    expect(existsSync(`${DB}.meta.sqlite`)).toBe(false);
  });

  it('never mixes demo data into a warehouse that has data but no orders', async () => {
    const path = join(s.dir, 'no-orders.duckdb');
    const wh = await openWarehouse({ path });
    await wh.run(`INSERT INTO customers (customer_id, name) VALUES ('REAL1', '真实客户')`);
    await wh.close();
    const r = await json(['start', '--db', path, '--no-serve']);
    expect(r).toMatchObject({ state: 'no-orders', demo: null, overview: { customers: 1, orders: 0 } });
  });

  it('without --no-serve, runs the dashboard on 127.0.0.1 with the demo logins until Ctrl-C', async () => {
    const path = join(s.dir, 'fresh', 'demo.duckdb');
    const run = await serving(['start', '--db', path, '--port', '0']);
    try {
      expect(run.json).toMatchObject({ state: 'existing', warehouse: path });
      const sv = run.json.serving;
      expect(sv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sv.usersCreated).toBe(true);
      expect(sv.logins.map((l: any) => [l.login, l.role, l.password, l.personalData])).toEqual([
        ['admin', 'admin', 'tidemark-demo', 'clear'],
        ['manager', 'manager', 'tidemark-demo', 'clear'],
        ['rep', 'sales_rep', 'tidemark-demo', 'masked'],
      ]);
      // The rep signs in and sees their own customers, phones masked.
      const login = await fetch(`${sv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'rep', password: 'tidemark-demo' }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(/,(?=\s*tm_)/).map((c) => c.split(';')[0]!.trim()).join('; ');
      const list = (await (await fetch(`${sv.url}/api/customers?limit=5`, { headers: { cookie } })).json()) as any;
      expect(list.total).toBeGreaterThan(100);
      for (const c of list.customers) {
        expect(c.owner).toBe('E024');
        if (c.phone) expect(c.phone).toMatch(/^(\+86)?1\d\d\*{4}\d{4}$/);
      }
    } finally {
      expect(await run.stop()).toBe(0);
    }
    expect(existsSync(`${path}.server.json`)).toBe(false);
    // A second run finds the accounts and prints the same logins, creating nothing.
    const again = await serving(['start', '--db', path, '--port', '0']);
    expect(again.json.serving).toMatchObject({ usersCreated: false, logins: [{ login: 'admin' }, { login: 'manager' }, { login: 'rep' }] });
    expect(await again.stop()).toBe(0);
  });

  it('never adds demo logins to a warehouse that is not a generated demo', async () => {
    const run = await serving(['start', '--db', DB, '--port', '0']);
    try {
      expect(run.json.serving).toMatchObject({ usersCreated: false, logins: [] });
      expect(run.json.serving.note).toMatch(/not \(only\) a generated demo.*tidemark user add/);
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });

  it('refuses a bad --port, naming the flag', async () => {
    await usageError(['start', '--db', DB, '--port', 'x'], /--port/);
  });

  it('refuses an address this machine does not have, naming --host (203.0.113.7 is TEST-NET-3, never local)', async () => {
    await usageError(['start', '--db', DB, '--port', '0', '--host', '203.0.113.7'], /--host: cannot listen on 203\.0\.113\.7/);
  });
});
