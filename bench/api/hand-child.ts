/**
 * The engine side of bench/api, in its own process (the server is not running; the warehouse is opened read-only):
 * - hand: each (endpoint, login) pair's hand SQL (hand.ts) single-client: one warm-up run (its rows are returned for
 *   the comparison with the API's answer), then ROUNDS timed runs; the median.
 * - gate: the access gate without HTTP: the time to set up a fresh gate connection for each login (its ~40 view
 *   statements), and the overview's trend query through `runQuery` on a pooled gate connection vs on the raw warehouse.
 * Usage: node hand-child.js DB FROM TO ROUNDS ENDPOINT:LOGIN,…
 */
import { AccessGate, accessOf } from '../../src/access/index.js';
import { DEFAULT_PERMISSIONS, type User } from '../../src/accounts/index.js';
import { buildCatalog } from '../../src/metrics/catalog/index.js';
import { runQuery } from '../../src/query/run.js';
import { openWarehouse, type Row } from '../../src/warehouse/index.js';
import { ENDPOINTS, LOGINS } from './endpoints.js';
import { handStatements, STATUS_TABLES_SQL } from './hand.js';

const [db, from, to, roundsArg, pairsArg] = process.argv.slice(2);
if (!db || !from || !to || !pairsArg) throw new Error('usage: hand-child.js DB FROM TO ROUNDS ENDPOINT:LOGIN,…');
const rounds = Number(roundsArg ?? 3);
const period = { from, to };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

const wh = await openWarehouse({ path: db, readOnly: true });
const tables = (await wh.query(STATUS_TABLES_SQL)).rows.map((r) => String(r.table_name));

/** Logins with the same row scope share one measurement (the same statements). */
const hand: { endpoint: string; login: string; ms: number | null; runs: number[]; rows: Row[]; sqls?: string }[] = [];
for (const pair of pairsArg.split(',')) {
  const [e, l] = pair.split(':');
  const endpoint = ENDPOINTS.find((x) => x.name === e);
  const login = LOGINS.find((x) => x.login === l);
  if (!endpoint || !login) throw new Error(`unknown pair ${pair}`);
  const sqls = handStatements(endpoint.hand, period, login, tables);
  if (!sqls) {
    hand.push({ endpoint: endpoint.name, login: login.login, ms: null, runs: [], rows: [] });
    continue;
  }
  const same = hand.find((h) => h.endpoint === endpoint.name && h.sqls === sqls.join(';'));
  if (same) {
    hand.push({ ...same, login: login.login });
    continue;
  }
  // The rows of the last statement; statements that each return one row (the overview's counts and figures) are merged into one.
  const once = async () => {
    const all: Row[][] = [];
    for (const sql of sqls) all.push((await wh.query(sql)).rows);
    return all.every((r) => r.length === 1) ? [Object.assign({}, ...all.map((r) => r[0]!)) as Row] : all[all.length - 1]!;
  };
  const rows = await once();
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await once();
    runs.push(performance.now() - t);
  }
  hand.push({ endpoint: endpoint.name, login: login.login, ms: median(runs), runs, rows, sqls: sqls.join(';') });
}

// The gate without HTTP.
const catalog = buildCatalog();
const trend = { metrics: ['revenue', 'orders', 'buying_customers', 'aov', 'repurchase_rate'], dimensions: ['month'], from, to };
const rawRuns: number[] = [];
await runQuery(wh, catalog, trend, { today: to });
for (let i = 0; i < rounds; i++) {
  const t = performance.now();
  await runQuery(wh, catalog, trend, { today: to });
  rawRuns.push(performance.now() - t);
}
const gate: { login: string; setupMs: number; trendMs: number; runs: number[] }[] = [];
for (const l of LOGINS) {
  const user: User = { userId: 0, login: l.login, displayName: null, role: l.role, employeeId: l.employeeId ?? null, department: l.department ?? null, branch: null, disabled: false, failedAttempts: 0, lockedUntil: null, passwordChangedAt: '', createdAt: '' };
  const access = accessOf(user, DEFAULT_PERMISSIONS[l.role]);
  const g = new AccessGate(wh);
  // The first read of a scope opens and sets up its connection; a trivial query isolates that cost.
  let t = performance.now();
  await g.read(access, (c) => c.query('SELECT 1'));
  const setupMs = performance.now() - t;
  await g.read(access, (c) => runQuery(c, catalog, trend, { today: to }));
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    t = performance.now();
    await g.read(access, (c) => runQuery(c, catalog, trend, { today: to }));
    runs.push(performance.now() - t);
  }
  await g.close();
  gate.push({ login: l.login, setupMs, trendMs: median(runs), runs });
}
await wh.close();
const out = { peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), hand, gate, rawTrendMs: median(rawRuns), rawTrendRuns: rawRuns };
process.stdout.write(JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
