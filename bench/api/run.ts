import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { MetaStore, metaPathOf, newPasswordHash } from '../../src/accounts/index.js';
import { openWarehouse, type Row } from '../../src/warehouse/index.js';
import { demoWarehouse } from '../demo-warehouse.js';
import { ENDPOINTS, LOGINS, type Endpoint, type Login, type Period } from './endpoints.js';

/**
 * bench/api: the HTTP API under load. A copy of the demo warehouse (the server opens its warehouse read-write), a
 * metadata store with one login per role (endpoints.ts) and an API token each, then `tidemark serve --port 0` in its
 * own process. For every endpoint × login: one request (status checked, its numbers compared with the hand SQL's),
 * BENCH_SINGLE (3) sequential requests (single-client latency, median), then autocannon with BENCH_CONNECTIONS (50)
 * connections for BENCH_SECONDS (30) s: p50/p90/p99/max latency of the answered requests, requests/s, non-2xx, errors,
 * timeouts, and the requests still unanswered when the time was up. The server runs those to the end (minutes for a
 * slow endpoint), so after such a row it is killed and started again; otherwise the next row waits until it is idle.
 * Server CPU per request is measured over the sequential requests. The server's peak RSS is VmHWM from /proc/<pid>/status. Before the server starts, the baseline runs in
 * another process (hand-child.ts): each question as hand-written DuckDB SQL, single client, median of BENCH_ROUNDS
 * (3); and the access gate without HTTP. BENCH_TAG names the results file (results-<warehouse>-<tag>.json).
 * Usage: npm run bench:api -- [customers] [seed]   (default 1000000 42; the demo warehouse of bench:reports, built
 *        and cached in bench/out/reports if missing)   or   npm run bench:api -- --db PATH (a warehouse to copy)
 * BENCH_ONLY=overview,drill and BENCH_LOGINS=bench_admin,bench_rep pick endpoints and logins.
 */
const args = process.argv.slice(2);
const dbArg = args[0] === '--db' ? args[1] : undefined;
const customers = dbArg ? null : Number(args[0] ?? 1_000_000);
const seed = dbArg ? null : Number(args[1] ?? 42);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Seconds before autocannon gives up on a request (counted as a timeout and an error). */
const TIMEOUT = Number(process.env.BENCH_TIMEOUT ?? 60);
/** Sequential requests for the single-client latency. */
const SINGLE = Number(process.env.BENCH_SINGLE ?? 3);
const ONLY = process.env.BENCH_ONLY?.split(',');
const ONLY_LOGINS = process.env.BENCH_LOGINS?.split(',');
if (customers !== null && (!Number.isInteger(customers) || customers < 1)) throw new Error('usage: run.js [customers] [seed] | --db PATH');

const out = join(process.cwd(), 'bench', 'out', 'api');
mkdirSync(out, { recursive: true });

/** A fresh copy (the server opens it read-write, and may checkpoint into it), without the source's accounts. */
function copyWarehouse(src: string): string {
  const db = join(out, basename(src));
  if (resolve(src) === resolve(db)) throw new Error(`${src}: pass a warehouse outside ${out} (it is copied there)`);
  for (const f of [db, `${db}.wal`, metaPathOf(db), `${metaPathOf(db)}-wal`, `${metaPathOf(db)}-shm`, `${db}.server.json`]) rmSync(f, { force: true });
  rmSync(`${db}.tmp`, { recursive: true, force: true });
  copyFileSync(src, db);
  if (existsSync(`${src}.wal`)) copyFileSync(`${src}.wal`, `${db}.wal`);
  return db;
}

async function createLogins(db: string): Promise<Map<string, string>> {
  const meta = MetaStore.open(metaPathOf(db));
  const hash = await newPasswordHash('bench-password-not-used');
  const tokens = new Map<string, string>();
  for (const l of LOGINS) {
    const u = meta.addUser({ login: l.login, role: l.role, passwordHash: hash, employeeId: l.employeeId, department: l.department });
    tokens.set(l.login, meta.createApiToken(u.userId, 'bench').token);
  }
  meta.close();
  return tokens;
}

async function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const t0 = performance.now();
  const s = await spawnServer(db);
  console.error(`server ${s.url} (pid ${s.child.pid}) up in ${r1(performance.now() - t0)} ms; RSS ${memOf(s.child.pid!).rssMB} MB`);
  return s;
}

async function stopServer(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  child.kill(signal);
  await exited;
}

function spawnServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const bin = new URL('../../../bin/tidemark.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      err += s;
      const m = /Tidemark API on (http:\/\/\S+) /.exec(err);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`tidemark serve exited (${code}): ${err}`)));
  });
}

/** CPU seconds (user + system) a process has used so far. */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * Waits until the server has finished the requests autocannon left in flight when its time was up (the server runs
 * them to the end): until it used under 5% of a core over a second, twice in a row. Returns the seconds waited.
 */
async function drain(pid: number, maxSeconds = 300): Promise<number> {
  const t = performance.now();
  let quiet = 0;
  let last = cpuOf(pid);
  while (quiet < 2 && performance.now() - t < maxSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuOf(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t) / 1000;
}

/** Peak and current resident set of a process, MB. */
function memOf(pid: number): { hwmMB: number; rssMB: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0);
  return { hwmMB: Math.round(kb('VmHWM') / 1024), rssMB: Math.round(kb('VmRSS') / 1024) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
const close = (a: unknown, b: unknown, abs = 0) => {
  const x = num(a);
  const y = num(b);
  // An empty sum: null in SQL, 0 in a metric result.
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? 0) === (b ?? 0);
  return x === y || Math.abs(x - y) <= Math.max(abs, 1e-9 * Math.max(Math.abs(x), Math.abs(y)));
};

/** Differences between the API's answer and the hand SQL's rows (the questions whose numbers can be compared). */
function compare(endpoint: string, api: Record<string, unknown>, hand: Row[]): string[] | null {
  const diffs: string[] = [];
  const h0 = hand[0] ?? {};
  if (endpoint === 'query_trend' || endpoint === 'query_pipeline') {
    const keys = endpoint === 'query_trend' ? ['revenue', 'orders', 'buying_customers', 'aov', 'repurchase_rate'] : ['opportunities', 'won_deals', 'won_amount', 'win_rate', 'activities'];
    const rows = (api.rows as Row[]) ?? [];
    if (rows.length !== hand.length) diffs.push(`rows: API ${rows.length}, hand ${hand.length}`);
    const byMonth = new Map(hand.map((r) => [String(r.month), r]));
    for (const r of rows) {
      const h = byMonth.get(String(r.month).slice(0, 7));
      if (!h) diffs.push(`month ${String(r.month)} only in the API`);
      else for (const k of keys) if (!close(r[k], h[k])) diffs.push(`${String(r.month)} ${k}: API ${String(r[k])}, hand ${String(h[k])}`);
    }
    return diffs;
  }
  if (endpoint === 'query_figures') {
    const r = ((api.rows as Row[]) ?? [])[0] ?? {};
    for (const k of Object.keys(h0)) if (!close(r[k], h0[k])) diffs.push(`${k}: API ${String(r[k])}, hand ${String(h0[k])}`);
    return diffs;
  }
  if (endpoint === 'overview') {
    const pairs: [string, string, number][] = [
      ['customers', 'customers', 0],
      ['activeCustomers', 'buying_customers', 0],
      ['newCustomers', 'new_customers', 0],
      ['returningCustomers', 'returning_customers', 0],
      ['repeatCustomers', 'repeat_customers', 0],
      ['orders', 'orders', 0],
      ['cancelledOrders', 'cancelled_orders', 0],
      ['revenue', 'revenue', 0.005],
    ];
    for (const [a, h, abs] of pairs) if (!close(api[a], h0[h], abs)) diffs.push(`${a}: API ${String(api[a])}, hand ${String(h0[h])}`);
    return diffs;
  }
  if (endpoint === 'drill') {
    if (!close(api.total, h0.total)) diffs.push(`total: API ${String(api.total)}, hand ${String(h0.total)}`);
    return diffs;
  }
  return null;
}

interface HandOut {
  peakRssMB: number;
  hand: { endpoint: string; login: string; ms: number | null; runs: number[]; rows: Row[] }[];
  gate: { login: string; setupMs: number; trendMs: number; runs: number[] }[];
  rawTrendMs: number;
  rawTrendRuns: number[];
}

async function request(url: string, e: Endpoint, p: Period, token: string): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const t = performance.now();
  const res = await fetch(url + e.path(p), { method: e.method, headers: { authorization: `Bearer ${token}`, ...(e.body ? { 'content-type': 'application/json' } : {}) }, ...(e.body ? { body: JSON.stringify(e.body(p)) } : {}) });
  const text = await res.text();
  const ms = performance.now() - t;
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text: text.slice(0, 200) };
  }
  return { status: res.status, ms, body };
}

async function main(): Promise<void> {
  const src = dbArg ?? demoWarehouse(customers!, seed!);
  console.error(`copying ${src} …`);
  const db = copyWarehouse(src);
  const wh = await openWarehouse({ path: db, readOnly: true });
  const span = (await wh.query(`SELECT strftime(max(ordered_at), '%Y-%m-%d') AS b, count(*) AS n FROM orders`)).rows[0]!;
  const custN = Number((await wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]!.n);
  await wh.close();
  const lastYear = String(span.b).slice(0, 4);
  const period: Period = { from: `${lastYear}-01-01`, to: `${lastYear}-12-31` };
  const endpoints = ENDPOINTS.filter((e) => !ONLY || ONLY.includes(e.name));
  const logins = LOGINS.filter((l) => !ONLY_LOGINS || ONLY_LOGINS.includes(l.login));
  const loadStart = loadavg().map(r2);
  console.error(`warehouse ${db}: ${custN.toLocaleString('en-US')} customers, ${Number(span.n).toLocaleString('en-US')} orders; period ${period.from} … ${period.to}; load ${loadStart.join('/')}`);

  // The baseline, before the server holds the file.
  const pairs = endpoints.flatMap((e) => logins.map((l) => `${e.name}:${l.login}`)).join(',');
  const handArgv = [new URL('./hand-child.js', import.meta.url).pathname, db, period.from, period.to, String(ROUNDS), pairs];
  const handOut = JSON.parse(execFileSync(process.execPath, handArgv, { encoding: 'utf8', maxBuffer: 1 << 26 })) as HandOut;
  console.error(`baseline: peak RSS ${handOut.peakRssMB} MB; trend query raw ${r1(handOut.rawTrendMs)} ms; gate ${handOut.gate.map((g) => `${g.login} setup ${r1(g.setupMs)} ms, trend ${r1(g.trendMs)} ms`).join('; ')}`);

  // The gate alone under the same concurrency: as it is, and behind a limit of 2 and 4 queries at a time.
  let gateLoad: unknown = null;
  const gateLogin = process.env.BENCH_GATE_LOGIN ?? 'bench_rep';
  const pipeline = ENDPOINTS.find((e) => e.name === 'query_pipeline')!;
  if (process.env.BENCH_GATE !== '0' && logins.some((l) => l.login === gateLogin)) {
    const argv = [new URL('./gate-child.js', import.meta.url).pathname, db, gateLogin, JSON.stringify(pipeline.body!(period)), String(CONNECTIONS), String(4 * CONNECTIONS), 'open', 'capped:2', 'capped:4'];
    gateLoad = JSON.parse(execFileSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 22 }));
    console.error(`gate under load: ${JSON.stringify(gateLoad)}`);
  }

  const tokens = await createLogins(db);
  let server = await startServer(db);
  let peakHwmMB = 0;
  /** Ends the server now (requests still running in it die with it) and starts a new one on the same files. */
  const restart = async () => {
    peakHwmMB = Math.max(peakHwmMB, memOf(server.child.pid!).hwmMB);
    await stopServer(server.child, 'SIGKILL');
    server = await startServer(db);
  };

  const results: Record<string, unknown>[] = [];
  try {
    for (const e of endpoints) {
      for (const l of logins) {
        const token = tokens.get(l.login)!;
        const { url } = server;
        const pid = server.child.pid!;
        const first = await request(url, e, period, token);
        // A route this branch does not have (yet).
        if (first.status === 404) {
          console.error(`${e.name} ${l.login}: 404 (${JSON.stringify(first.body).slice(0, 120)}) — skipped`);
          results.push({ endpoint: e.name, login: l.login, skipped: `HTTP 404 ${JSON.stringify(first.body).slice(0, 200)}` });
          continue;
        }
        const hand = handOut.hand.find((h) => h.endpoint === e.name && h.login === l.login);
        const diffs = first.status === 200 && hand && hand.ms !== null ? compare(e.name, first.body, hand.rows) : null;
        const single: number[] = [];
        const cpuSingle0 = cpuOf(pid);
        for (let i = 0; i < SINGLE; i++) single.push((await request(url, e, period, token)).ms);
        const cpuSingleMs = ((cpuOf(pid) - cpuSingle0) * 1000) / SINGLE;
        const loadBefore = loadavg()[0]!;
        const cpuLoad0 = cpuOf(pid);
        const body = e.body ? JSON.stringify(e.body(period)) : undefined;
        const r = await autocannon({
          url: url + e.path(period),
          method: e.method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body } : {}),
          connections: CONNECTIONS,
          duration: SECONDS,
          timeout: TIMEOUT,
        });
        const cpuLoadS = cpuOf(pid) - cpuLoad0;
        const mem = memOf(pid);
        peakHwmMB = Math.max(peakHwmMB, mem.hwmMB);
        const unfinished = Math.max(0, r.requests.sent - r.latency.totalCount - r.errors);
        // The server runs unanswered requests to the end; rather than wait minutes for them, the next row gets a fresh server.
        if (unfinished > 0) await restart();
        else await drain(pid);
        const row = {
          endpoint: e.name,
          login: l.login,
          role: l.role,
          status: first.status,
          firstMs: r1(first.ms),
          singleMs: r1(median(single)),
          handMs: hand?.ms != null ? r1(hand.ms) : null,
          ratio: hand?.ms != null ? r2(median(single) / hand.ms) : null,
          equal: diffs === null ? null : diffs.length === 0,
          diffs: diffs?.slice(0, 10) ?? [],
          requests: r.latency.totalCount,
          /** Sent but not answered when the time was up (the server was then restarted). */
          unfinished,
          /** Server CPU time per request, single client: N cores serve at most N × 1000 / this per second. */
          cpuMsPerRequest: r1(cpuSingleMs),
          /** The cores' worth of CPU the server got under load (its CPU time ÷ the duration): at most 2 here; less when other processes share the machine. */
          serverCores: r2(cpuLoadS / r.duration),
          reqPerSec: r2(r.requests.average),
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
          max: r.latency.max,
          ok2xx: r['2xx'],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
          serverHwmMB: mem.hwmMB,
          serverRssMB: mem.rssMB,
          load: [r2(loadBefore), r2(loadavg()[0]!)],
        };
        results.push(row);
        console.error(
          `${e.name.padEnd(14)} ${l.login.padEnd(14)} first ${row.firstMs} ms, single ${row.singleMs} ms (hand ${row.handMs ?? '—'} ms${row.equal === false ? `, DIFFERENT: ${row.diffs.slice(0, 3).join('; ')}` : row.equal ? ', equal' : ''}); ${CONNECTIONS} conn: ${row.requests} req, ${row.reqPerSec}/s, p50 ${row.p50} p99 ${row.p99} max ${row.max} ms, unfinished ${row.unfinished}, server CPU ${row.cpuMsPerRequest} ms/req, ${row.serverCores} cores under load, non-2xx ${row.non2xx}, errors ${row.errors} (timeouts ${row.timeouts}); server RSS ${mem.rssMB} / peak ${mem.hwmMB} MB; load ${row.load.join('→')}`,
        );
      }
    }
  } finally {
    if (existsSync(`/proc/${server.child.pid!}/status`)) peakHwmMB = Math.max(peakHwmMB, memOf(server.child.pid!).hwmMB);
    await stopServer(server.child, 'SIGTERM');
    console.error(`server peak RSS (VmHWM) ${peakHwmMB} MB`);
  }

  const measured = results.filter((x) => !('skipped' in x)) as { endpoint: string; login: string; p99: number; errors: number; non2xx: number; serverHwmMB: number; equal: boolean | null }[];
  const summary = {
    db: src,
    customers: custN,
    orders: Number(span.n),
    period,
    connections: CONNECTIONS,
    seconds: SECONDS,
    timeoutSeconds: TIMEOUT,
    rounds: ROUNDS,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    load: { start: loadStart, end: loadavg().map(r2) },
    serverPeakRssMB: peakHwmMB,
    gateLoad,
    baseline: { peakRssMB: handOut.peakRssMB, rawTrendMs: r1(handOut.rawTrendMs), gate: handOut.gate.map((g) => ({ login: g.login, setupMs: r1(g.setupMs), trendMs: r1(g.trendMs) })) },
    goal: { overviewP99Under500: measured.filter((x) => x.endpoint === 'overview').every((x) => x.p99 < 500), zeroErrors: measured.every((x) => x.errors === 0 && x.non2xx === 0) },
    mismatches: measured.filter((x) => x.equal === false).map((x) => `${x.endpoint} ${x.login}`),
    results,
  };
  const tag = (customers !== null ? `s${seed}-c${customers}` : basename(src).replace(/\.duckdb$/, '')) + (process.env.BENCH_TAG ? `-${process.env.BENCH_TAG}` : '');
  const file = join(out, `results-${tag}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  const lines = [
    `| endpoint | login | single ms | hand SQL ms | ratio | p50 ms | p90 ms | p99 ms | max ms | req/s | answered | unfinished | non-2xx | errors | server CPU ms/req | server cores under load | equal |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const x of results) {
    if ('skipped' in x) {
      lines.push(`| ${String(x.endpoint)} | ${String(x.login)} | skipped: route missing | | | | | | | | | | | | | | |`);
      continue;
    }
    const y = x as Record<string, number | null | boolean | string>;
    lines.push(`| ${y.endpoint} | ${y.login} | ${y.singleMs} | ${y.handMs ?? '—'} | ${y.ratio !== null ? `${String(y.ratio)}×` : '—'} | ${y.p50} | ${y.p90} | ${y.p99} | ${y.max} | ${y.reqPerSec} | ${y.requests} | ${y.unfinished} | ${y.non2xx} | ${y.errors} | ${y.cpuMsPerRequest ?? '—'} | ${y.serverCores} | ${y.equal === null ? '—' : y.equal ? 'yes' : '**no**'} |`);
  }
  lines.push(
    '',
    `${CONNECTIONS} connections × ${SECONDS} s per row; single = median of ${SINGLE} sequential requests; hand SQL = median of ${ROUNDS} direct runs. Server peak RSS ${summary.serverPeakRssMB} MB; load average ${loadStart.join('/')} → ${summary.load.end.join('/')}.`,
    `Gate without HTTP (trend query): raw ${summary.baseline.rawTrendMs} ms; ${summary.baseline.gate.map((g) => `${g.login}: connection setup ${g.setupMs} ms, query ${g.trendMs} ms`).join('; ')}.`,
  );
  if (gateLoad) {
    const g = gateLoad as { login: string; results: { mode: string; perSec: number; p50: number; p99: number; max: number; wallMs: number }[] };
    lines.push(`Gate alone (${g.login}, query_pipeline, ${CONNECTIONS} callers, ${4 * CONNECTIONS} queries): ${g.results.map((x) => `${x.mode} ${x.perSec}/s p50 ${x.p50} p99 ${x.p99} max ${x.max} ms`).join('; ')}.`);
  }
  writeFileSync(join(out, `results-${tag}.md`), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  for (const m of summary.mismatches) console.log(`DIFFERENT ${m}`);
  console.log(`\nresults: ${file}`);
  if (summary.mismatches.length) process.exitCode = 1;
}

await main();
