import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MetaStore, metaPathOf } from '../../accounts/index.js';
import { generateDemo } from '../../demo/index.js';
import { ensureDemoUsers, maskDemoReps, type DemoLogin } from '../../demo/users.js';
import { writeAtomically } from '../../export/index.js';
import { ENTITIES, quoteIdent } from '../../schema/index.js';
import { overview, type Overview } from '../../overview/index.js';
import { startServer, type RunningServer } from '../../server/serve.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import { addCommonOptions, dbPathOf, formatNumber, parsePositiveInt, printJson, Progress, untilStopped, UsageError, wantJson, write, type CommonOptions } from '../output.js';
import { openCatalog } from './analysis.js';
import { renderOverview } from './overview.js';
import { existingTables } from './status.js';

/** The demo `tidemark start` builds: fixed, so every first run shows the same numbers. */
export const START_DEMO = { customers: 20_000, seed: 42 } as const;

/** Rows in orders, in all entity tables together, and imports logged (all 0 for a fresh file). */
async function contents(wh: Warehouse): Promise<{ orders: number; rows: number }> {
  const have = await existingTables(wh);
  const present = ENTITIES.filter((e) => have.has(e.name));
  const parts = present.map((e) => `SELECT '${e.name}' AS t, count(*) AS n FROM ${quoteIdent(e.name)}`);
  if (have.has('tm_imports')) parts.push(`SELECT 'tm_imports' AS t, count(*) AS n FROM tm_imports`);
  if (!parts.length) return { orders: 0, rows: 0 };
  let orders = 0;
  let rows = 0;
  for (const r of (await wh.query(parts.join(' UNION ALL '))).rows) {
    rows += Number(r.n);
    if (r.t === 'orders') orders = Number(r.n);
  }
  return { orders, rows };
}

/** What generateDemo reports (src/demo). */
export interface DemoSummary {
  readonly seed: number;
  readonly customers: number;
  readonly tables: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export type StartState = 'built-demo' | 'existing' | 'no-orders';

export interface StartResult {
  readonly warehouse: string;
  readonly state: StartState;
  readonly demo: DemoSummary | null;
  readonly overview: Overview;
}

/**
 * The first thing a new user runs (`npm start`). Without a warehouse, or with an empty one (no rows,
 * no imports), it builds the demo warehouse; then it returns the overview. A warehouse that has data
 * but no orders is left alone: demo customers must never be mixed into real ones.
 *
 * The demo is built in a temporary file next to the target and renamed into place when complete,
 * so a failed or interrupted build (Ctrl-C) never leaves a half-built warehouse at the default path.
 */
export async function start(path: string, progress: Progress): Promise<StartResult> {
  const target = resolve(path);
  if (existsSync(target)) {
    const ro = await openWarehouse({ path: target, readOnly: true });
    try {
      const c = await contents(ro);
      if (c.rows > 0) {
        return { warehouse: ro.path, state: c.orders > 0 ? 'existing' : 'no-orders', demo: null, overview: await overview(ro) };
      }
    } finally {
      await ro.close();
    }
  }
  const demo = await buildDemo(target, progress);
  const ro = await openWarehouse({ path: target, readOnly: true });
  try {
    return { warehouse: ro.path, state: 'built-demo', demo, overview: await overview(ro) };
  } finally {
    await ro.close();
  }
}

/** Built under a temporary name and renamed when done, so an interrupted build leaves nothing behind. */
async function buildDemo(target: string, progress: Progress): Promise<DemoSummary> {
  return writeAtomically(
    target,
    async (tmp) => {
      const wh = await openWarehouse({ path: tmp });
      try {
        return await generateDemo(wh, {
          ...START_DEMO,
          onProgress: (step: string, done: number, total: number) => progress.update(done, total, `Building demo: ${step}`),
        });
      } finally {
        progress.done();
        await wh.close();
      }
    },
    // close() checkpoints, so normally there is no WAL left; it moves along if there is.
    { companions: ['.wal'], onAbort: () => progress.done() },
  );
}

/** Commands to try after the overview. Run through `npm start`, `tidemark` is not on the PATH: show `npx tidemark`. */
export function whatNext(path: string, dbGiven: boolean, serving = false): string {
  const t = process.env.npm_lifecycle_event ? 'npx tidemark' : 'tidemark';
  const lines: [string, string][] = [
    [`${t} status`, 'tables, row counts, recent imports'],
    [`${t} overview --from 2024-01-01 --to 2024-12-31`, 'the same numbers for a period'],
    [`${t} sql "SUMMARIZE customers"`, 'read-only SQL on the warehouse'],
    [`${t} sql "SELECT channel, count(*) AS orders, sum(amount) AS revenue FROM orders GROUP BY ALL ORDER BY revenue DESC"`, ''],
    [`${t} export --table customers --out customers.xlsx`, 'to Excel, CSV or Parquet'],
    [`${t} import my-orders.csv --entity orders`, 'your own data: CSV (UTF-8/GBK), XLSX, JSON, Parquet'],
    [`${t} --help`, 'every command'],
  ];
  const w = Math.max(...lines.filter(([, d]) => d).map(([c]) => c.length));
  let out = serving ? '\nWhat next (after Ctrl-C: while the dashboard runs, it holds the warehouse):\n' : '\nWhat next:\n';
  for (const [c, d] of lines) out += d ? `  ${c.padEnd(w)}  ${d}\n` : `  ${c}\n`;
  if (dbGiven) out += `(add --db ${JSON.stringify(path)} to each, or set TIDEMARK_DB)\n`;
  return out;
}

/** The dashboard `tidemark start` serves: the address, and the demo logins that work (none for a real warehouse). */
export interface Serving {
  readonly url: string;
  readonly dashboard: boolean;
  /** The accounts store next to the warehouse. */
  readonly accounts: string;
  /** Whether this run created the demo accounts. */
  readonly usersCreated: boolean;
  readonly logins: readonly (DemoLogin & { readonly personalData: 'clear' | 'masked' })[];
  /** Why there are no demo logins, when there are none. */
  readonly note: string | null;
}

/** Default port of the dashboard; when it is taken (and --port was not given) the next free one up to +19. */
export const START_PORT = 8080;
const PORT_TRIES = 20;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The demo accounts (src/demo/users.ts), added only to a demo warehouse whose accounts store has no user yet; the demo's
 * sales_rep role then loses see_personal_data, so the rep's login shows masking.
 */
async function demoAccounts(path: string): Promise<{ created: boolean; logins: readonly DemoLogin[]; reason: string | null }> {
  const ro = await openWarehouse({ path, readOnly: true });
  try {
    const meta = MetaStore.open(metaPathOf(ro.path));
    try {
      const r = await ensureDemoUsers(meta, ro);
      if (r.created) maskDemoReps(meta);
      return r;
    } finally {
      meta.close();
    }
  } finally {
    await ro.close();
  }
}

async function listen(opts: { dbPath: string; port: number | undefined; host: string; version: string | undefined }): Promise<RunningServer> {
  const catalog = openCatalog({});
  const first = opts.port ?? START_PORT;
  const tries = opts.port === undefined ? PORT_TRIES : 1;
  for (let k = 0; ; k++) {
    try {
      return await startServer({ dbPath: opts.dbPath, catalog, port: first + k, host: opts.host, ...(opts.version ? { version: opts.version } : {}) });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EADDRINUSE' && k + 1 < tries) continue;
      if (code === 'EADDRINUSE') {
        throw new UsageError(opts.port === undefined ? `ports ${first}–${first + tries - 1} on ${opts.host} are all in use; choose one with --port` : `--port: ${first} on ${opts.host} is in use; choose another (0: any free port)`);
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host: cannot listen on ${opts.host} (${code})`);
      throw e;
    }
  }
}

/** Starts the dashboard on the warehouse after the overview: demo accounts first (while nothing holds the file), then the server. */
export async function serveStart(r: StartResult, opts: { port: number | undefined; host: string; version?: string }): Promise<{ server: RunningServer; serving: Serving }> {
  const accounts = await demoAccounts(r.warehouse);
  const server = await listen({ dbPath: r.warehouse, port: opts.port, host: opts.host, version: opts.version });
  const masked = !server.meta.permissionsOf('sales_rep').includes('see_personal_data');
  const logins = accounts.logins.map((l) => ({ ...l, personalData: l.role === 'sales_rep' && masked ? ('masked' as const) : ('clear' as const) }));
  let note = accounts.reason;
  if (!logins.length && server.meta.userCount() === 0) note = `${note ?? 'no accounts'}; create the first admin with \`tidemark user add LOGIN --role admin\``;
  return { server, serving: { url: server.url, dashboard: server.dashboard, accounts: metaPathOf(r.warehouse), usersCreated: accounts.created, logins, note } };
}

/** What `tidemark start` prints once the dashboard runs: where, and who can sign in. */
export function renderServing(s: Serving, host: string): string {
  const t = process.env.npm_lifecycle_event ? 'npx tidemark' : 'tidemark';
  let out = `\nThe dashboard is running: ${s.url}   (Ctrl-C stops it)\n`;
  if (!s.dashboard) out += `(dist/web is missing, so only the API answers there: \`npm run build\` builds the dashboard)\n`;
  if (s.logins.length) {
    out += `${s.usersCreated ? 'Demo accounts created' : 'Demo accounts'} — password for each: ${s.logins[0]!.password}\n`;
    const w = Math.max(...s.logins.map((l) => l.login.length));
    for (const l of s.logins) {
      const id = l.employeeId ?? l.branch;
      const who = id ? ` — ${l.positionName ? `${l.positionName} (${id})` : id}` : '';
      const masking = l.role === 'sales_rep' ? (l.personalData === 'masked' ? '; names and phones masked (138****5678)' : '; personal data in clear') : '';
      out += `  ${l.login.padEnd(w)}  ${l.shows}${who}${masking}\n`;
    }
    if (s.logins.some((l) => l.role === 'sales_rep' && l.personalData === 'masked')) {
      out += `(the demo's sales_rep role has see_personal_data revoked; \`${t} role reset sales_rep\` gives it back)\n`;
    }
    out += isLoopback(host)
      ? `Only this computer can connect (${host}): the demo password is published, so do not open it to the network.\n`
      : `WARNING: listening on ${host} with accounts whose password is published in the README: anyone who can reach this address can sign in. Use --host 127.0.0.1.\n`;
  } else {
    out += `Sign in with your accounts (${s.accounts}).${s.note ? ` No demo accounts: ${s.note}.` : ''}\n`;
  }
  return out;
}

interface StartOpts extends CommonOptions {
  /** false with --no-serve. */
  readonly serve: boolean;
  readonly port?: string;
  readonly host: string;
}

export function registerStart(program: Command, version?: string): void {
  const cmd = program
    .command('start')
    .description('first run: build the demo warehouse if there is none, show the overview, then run the dashboard with demo logins (Ctrl-C stops it)')
    .option('--no-serve', 'print the overview and exit, without starting the dashboard')
    .option('--port <n>', `dashboard port (default ${START_PORT}, or the next free one; 0: any free port)`)
    .option('--host <address>', 'address to listen on; the demo logins have a published password, so keep the default', '127.0.0.1');
  addCommonOptions(cmd);
  cmd.action(async (opts: StartOpts) => {
    const path = dbPathOf(opts);
    const port = opts.port === undefined ? undefined : parsePositiveInt('--port', opts.port, { allowZero: true });
    const progress = new Progress('Building demo');
    const r = await start(path, progress);
    const json = wantJson(opts);
    let out = '';
    if (!json) {
      if (r.state === 'built-demo' && r.demo) {
        const rows = Object.values(r.demo.tables).reduce((a, n) => a + n, 0);
        out += `Built the demo warehouse ${r.warehouse}: ${formatNumber(r.demo.customers)} customers, ${formatNumber(rows)} rows in ${r.demo.seconds.toFixed(1)} s (seed ${r.demo.seed}).\n\n`;
      } else if (r.state === 'no-orders') {
        out += `Warehouse ${r.warehouse} has data but no orders yet, so the numbers below are empty. Import orders with tidemark import.\n\n`;
      } else {
        out += `Warehouse ${r.warehouse}\n\n`;
      }
      out += renderOverview(r.overview);
      out += whatNext(r.warehouse, opts.db !== undefined, opts.serve);
    }
    if (!opts.serve) {
      if (json) await printJson(r);
      else await write(out);
      return;
    }
    const { server, serving } = await serveStart(r, { port, host: opts.host, ...(version ? { version } : {}) });
    // Listening for Ctrl-C before anything is printed: whoever reads the URL may stop the server right away.
    const stopped = untilStopped();
    try {
      if (json) await printJson({ ...r, serving });
      else await write(out + renderServing(serving, opts.host));
      if (!isLoopback(opts.host) && serving.logins.length && json) {
        await write(`tidemark: WARNING: listening on ${opts.host} with demo accounts whose password is published\n`, process.stderr);
      }
      await stopped;
    } finally {
      await server.close();
    }
    if (!json) await write('Dashboard stopped.\n', process.stderr);
  });
}
