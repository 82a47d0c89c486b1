import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../accounts/index.js';
import { DEFAULT_PERMISSIONS } from '../accounts/roles.js';
import { fingerprint, tempWarehouse } from '../testing/index.js';
import { ORG_USERS, seedOrg } from '../testing/org.js';
import { CONSOLE_ALLOWED as ALLOWED, CONSOLE_REFUSED as REFUSED, X_FILE } from '../testing/sql-corpus.js';
import type { Warehouse } from '../warehouse/port.js';
import { checkConsoleAst, checkConsoleSql, consolePolicy, firstKeyword, locate, runConsoleSql, type ConsolePolicy } from './console.js';
import { AccessGate } from './gate.js';
import { accessOf, type Access } from './scope.js';

/**
 * The guard on DuckDB's real parse, on access-gate connections: ana (analyst: all rows, masked) and ray (sales rep:
 * scoped views, in clear). Each check runs on the connection the statement would run on.
 */
let raw: Warehouse;
let gate: AccessGate;
let cleanup: () => Promise<void>;

function accessFor(login: string): Access {
  const u = ORG_USERS.find((x) => x.login === login)!;
  const user = { userId: 1, displayName: null, employeeId: null, department: null, branch: null, disabled: false, failedAttempts: 0, lockedUntil: null, passwordChangedAt: '', createdAt: '', ...u } as User;
  return accessOf(user, DEFAULT_PERMISSIONS[u.role]);
}

const as = <T>(login: string, fn: (wh: Warehouse) => Promise<T>) => gate.read(accessFor(login), fn);
const check = (sql: string, login = 'ray') => as(login, (wh) => checkConsoleSql(wh, sql));

beforeAll(async () => {
  const t = await tempWarehouse();
  cleanup = t.cleanup;
  raw = t.wh;
  await seedOrg(raw);
  gate = new AccessGate(raw);
  rmSync(X_FILE, { force: true });
});

afterAll(async () => {
  await gate.close();
  await cleanup();
});

describe('the console guard: refused', () => {
  it.each(REFUSED)('%s → %s', async (sql, code) => {
    const r = await check(sql);
    expect(r?.code).toBe(code);
    expect(r?.message).toBeTruthy();
  });

  it('names what was refused and where (line, column in characters)', async () => {
    expect(await check(`SELECT '张三',\n  x FROM\n   main.customers`)).toMatchObject({
      code: 'sql_table_not_allowed',
      what: 'main.customers',
      line: 3,
      column: 4,
    });
    const f = await check(`SELECT * FROM customers WHERE name = current_setting('x')`);
    expect(f).toMatchObject({ code: 'sql_function_not_allowed', what: 'current_setting', line: 1, column: 38 });
    expect(f?.message).toMatch(/current_setting \(line 1, column 38\) reads DuckDB settings/);
    expect(await check(`SELECT * FROM read_csv('/etc/passwd')`)).toMatchObject({ what: 'read_csv', line: 1, column: 15 });
    expect(await check(`SELECT 1; DROP TABLE customers`)).toMatchObject({ code: 'sql_multiple_statements' });
    expect(await check(`COPY (SELECT 1) TO '/tmp/x'`)).toMatchObject({ code: 'sql_not_select', what: 'COPY' });
    expect((await check(`SELECT * FROM 'x.csv'`))?.message).toMatch(/reading files is not allowed/);
    expect(await check(`SELECT *\nFROM customers WHERE ) x`)).toMatchObject({ code: 'sql_syntax', line: 2, column: 22 });
  });

  it('checking runs nothing: no file written, nothing attached, the warehouse unchanged', async () => {
    const before = await fingerprint(raw);
    for (const [sql] of REFUSED) await check(sql);
    expect(existsSync(X_FILE)).toBe(false);
    expect(await fingerprint(raw)).toEqual(before);
    const dbs = (await raw.query(`SELECT database_name AS d FROM duckdb_databases() WHERE NOT internal ORDER BY 1`)).rows.map((r) => r.d);
    expect(dbs).toEqual(['wh']);
  });

  it("the gate's own helpers are not warehouse tables", async () => {
    expect(await check(`SELECT * FROM tm_scope_employees`)).toMatchObject({ code: 'sql_table_not_allowed', what: 'tm_scope_employees' });
    expect(await check(`SELECT * FROM tm_scope_root`)).toMatchObject({ code: 'sql_table_not_allowed', what: 'tm_scope_root' });
    expect(await check(`SELECT tm_mask_name('x') AS n`)).toBeUndefined(); // the masks are harmless functions
  });
});

describe('the console guard: allowed', () => {
  it.each(ALLOWED)('%s', async (sql) => {
    for (const login of ['ray', 'ana']) {
      await as(login, async (wh) => {
        expect(await checkConsoleSql(wh, sql)).toBeUndefined();
        await expect(wh.query(sql)).resolves.toBeDefined();
      });
    }
  });

  it('the policy: the warehouse tables, the loaded functions and types', async () => {
    const policy = await as('ana', (wh) => consolePolicy(wh));
    expect([...policy.tables].sort()).toEqual(expect.arrayContaining(['customers', 'orders', 'order_items', 'tm_rfm', 'tm_segments']));
    expect(policy.functions.has('sum')).toBe(true);
    expect(policy.functions.has('read_csv')).toBe(false); // a table function
    expect(policy.types.has('json')).toBe(true);
  });
});

describe('the console guard: pure parts', () => {
  it('an unknown node or expression in the syntax tree is refused, not trusted', () => {
    const p: ConsolePolicy = { tables: new Set(), functions: new Set(), types: new Set() };
    const ast = (node: unknown) => ({ error: false, statements: [{ node }] });
    expect(checkConsoleAst('x', ast({ type: 'SELECT_NODE', from_table: { type: 'SOMETHING_NEW', query_location: 0 } }), p)?.code).toBe('sql_construct_not_allowed');
    expect(checkConsoleAst('x', ast({ type: 'SELECT_NODE', select_list: [{ class: 'NEW_EXPR', type: 'X' }] }), p)?.code).toBe('sql_construct_not_allowed');
    expect(checkConsoleAst('x', { error: true, error_type: 'not implemented' }, p)?.code).toBe('sql_not_select');
    expect(checkConsoleAst('x', null, p)?.code).toBe('sql_empty');
  });

  it('keywords and locations', () => {
    expect(firstKeyword(' /* c */ -- d\n (( copy x')).toBe('COPY');
    expect(locate('ab\n张三x', 9)).toEqual({ line: 2, column: 3 });
    expect(locate('abc', '18446744073709551615')).toBeUndefined();
  });
});

describe('console time budget', () => {
  it('interrupts a statement that runs past the budget, and the connection answers the next one', async () => {
    const t = await tempWarehouse();
    try {
      // 10^10 rows of a cross join: minutes of work, stopped at 300 ms.
      const out = await runConsoleSql(t.wh, 'SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b', { limit: 10, budgetMs: 300 });
      expect('refusal' in out && out.refusal.code).toBe('sql_timeout');
      const next = await runConsoleSql(t.wh, 'SELECT 41 + 1 AS x', { limit: 10, budgetMs: 5_000 });
      expect('result' in next && next.result.rows).toEqual([{ x: 42 }]);
    } finally {
      await t.cleanup();
    }
  });
});
