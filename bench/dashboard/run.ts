import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page, Request } from 'playwright-core';
import { launchChromium, openTab } from '../../src/testing/browser.js';
import { MetaStore, metaPathOf, newPasswordHash } from '../../src/accounts/index.js';
import { demoWarehouse } from '../demo-warehouse.js';

/**
 * bench/dashboard: the dashboard in chromium on the demo warehouse (default 1M customers, seed 42). A copy of the
 * warehouse (the server opens it read-write), one admin login, `tidemark serve --port 0` in its own process serving the
 * built dashboard (dist/web), Debian's chromium as the browser tests drive it (test/browser/harness.ts: same binary,
 * flags, 1280×800 viewport, Asia/Shanghai, console errors recorded; the harness itself is not importable here, since
 * the server tsconfig has no DOM types).
 *  - cold: BENCH_COLD (3) times: a fresh server (empty result cache) and a fresh browser context (empty HTTP cache),
 *    signed in through the API, then /overview opened with no period (what a manager's bookmark does): the time from
 *    navigation to the KPI values on screen (first meaningful paint), and to every panel drawn.
 *  - warm: BENCH_WARM (5) more visits of the same URL in new contexts on the last server (result cache warm, HTTP cache
 *    cold: a colleague opening the same overview).
 *  - page switch: BENCH_SWITCH (5) rounds of overview → customers → explore → overview through the navigation links
 *    (in-app: no reload), each until the page has no spinner (and, for the overview, its KPI values).
 *  - the requests of a cold overview (URL, server time) and the dashboard bundle: each file of dist/web/assets, raw
 *    and gzip, and which the overview loads.
 * Medians are reported. Results: bench/out/dashboard/results-<warehouse>.{json,md}.
 * Usage: npm run -s build && node dist/bench/dashboard/run.js [customers] [seed]   or   … run.js --db PATH
 */
const args = process.argv.slice(2);
const dbArg = args[0] === '--db' ? args[1] : undefined;
const customers = Number(args[0] && !dbArg ? args[0] : 1_000_000);
const seed = Number(args[1] && !dbArg ? args[1] : 42);
const COLD = Number(process.env.BENCH_COLD ?? 3);
const WARM = Number(process.env.BENCH_WARM ?? 5);
const SWITCH = Number(process.env.BENCH_SWITCH ?? 5);
const LOGIN = 'bench_admin';
const PASSWORD = 'bench dashboard password';
const DIST_WEB = resolve('dist/web');

const out = join(process.cwd(), 'bench', 'out', 'dashboard');
mkdirSync(out, { recursive: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const r0 = (x: number) => Math.round(x);

function copyWarehouse(src: string): string {
  const db = join(out, basename(src));
  if (resolve(src) === resolve(db)) throw new Error(`${src}: pass a warehouse outside ${out} (it is copied there)`);
  for (const f of [db, `${db}.wal`, metaPathOf(db), `${metaPathOf(db)}-wal`, `${metaPathOf(db)}-shm`, `${db}.server.json`]) rmSync(f, { force: true });
  copyFileSync(src, db);
  if (existsSync(`${src}.wal`)) copyFileSync(`${src}.wal`, `${db}.wal`);
  return db;
}

async function createLogin(db: string): Promise<void> {
  const meta = MetaStore.open(metaPathOf(db));
  meta.addUser({ login: LOGIN, role: 'admin', passwordHash: await newPasswordHash(PASSWORD) });
  meta.close();
}

/** The server running now, killed if the benchmark fails (so no `tidemark serve` outlives it). */
let live: ChildProcess | undefined;

function spawnServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const bin = new URL('../../../bin/tidemark.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  live = child;
  return new Promise((res, rej) => {
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      err += s;
      const m = /Tidemark API on (http:\/\/\S+) /.exec(err);
      if (m) res({ child, url: m[1]! });
    });
    child.once('exit', (code) => rej(new Error(`tidemark serve exited (${code}): ${err}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  child.kill('SIGTERM');
  await exited;
}

interface Visit {
  /** Navigation start to the KPI values on screen (ms, the page's own clock). */
  kpis: number;
  /** … to every panel drawn (no spinner, nothing reloading). */
  all: number;
  requests: { url: string; method: string; body: string | null; ms: number; serverMs: number | null }[];
  assets: string[];
  errors: string[];
}

/** What the predicates see of the page (the server tsconfig has no DOM types). */
interface Doc {
  querySelector(s: string): unknown;
  querySelectorAll(s: string): { length: number };
}
type Check = 'kpis' | 'all' | 'settled';

/** Runs in the page (a function, not a string: the dashboard's CSP has no 'unsafe-eval'): performance.now() once ready. */
function ready(check: Check): number | false {
  const d = (globalThis as unknown as { document: Doc }).document;
  const kpi = '[data-testid=kpi-revenue] [data-testid=kpi-value]';
  const quiet = d.querySelector('main.content') !== null && d.querySelector('.state-loading') === null && d.querySelector('.reloading') === null;
  const ok =
    check === 'kpis'
      ? d.querySelector(kpi) !== null
      : check === 'settled'
        ? quiet
        : quiet && d.querySelectorAll('[data-testid=kpi-value]').length >= 8 && d.querySelector('[data-testid=trend-chart] canvas') !== null && d.querySelector('[data-testid=products-table]') !== null;
  return ok ? performance.now() : false;
}

/** In-page time (performance.now(), from navigation start) when the check passes. */
async function when(page: Page, check: Check): Promise<number> {
  const h = await page.waitForFunction(ready, check, { timeout: 120_000, polling: 'raf' });
  return Number(await h.jsonValue());
}

async function signedInTab(browser: Browser, url: string) {
  const tab = await openTab(browser, { locale: 'zh-CN' });
  const res = await tab.context.request.post(`${url}/api/auth/login`, { data: { login: LOGIN, password: PASSWORD } });
  if (!res.ok()) throw new Error(`login: ${res.status()} ${await res.text()}`);
  return tab;
}

/** Opens `path` in a fresh signed-in context and times it. */
async function visit(browser: Browser, url: string, path: string): Promise<Visit> {
  const tab = await signedInTab(browser, url);
  const requests: Visit['requests'] = [];
  const assets: string[] = [];
  const pending: Promise<void>[] = [];
  tab.page.on('requestfinished', (r: Request) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/assets/')) assets.push(u.pathname.slice('/assets/'.length));
    if (!u.pathname.startsWith('/api/')) return;
    pending.push(
      (async () => {
        const t = r.timing();
        let serverMs: number | null = null;
        try {
          const body = (await (await r.response())?.json()) as { ms?: unknown } | undefined;
          serverMs = typeof body?.ms === 'number' ? body.ms : null;
        } catch {
          serverMs = null;
        }
        requests.push({ url: u.pathname + u.search, method: r.method(), body: r.postData(), ms: r0(t.responseEnd), serverMs: serverMs === null ? null : r0(serverMs) });
      })(),
    );
  });
  await tab.page.goto(`${url}${path}`);
  const kpis = await when(tab.page, 'kpis');
  const all = await when(tab.page, 'all');
  await Promise.all(pending);
  await tab.context.close();
  return { kpis: r0(kpis), all: r0(all), requests, assets, errors: tab.errors };
}

/** overview → customers → explore → overview by the navigation links, each until settled. */
async function switches(browser: Browser, url: string, rounds: number): Promise<Record<string, number[]>> {
  const tab = await signedInTab(browser, url);
  const page = tab.page;
  await page.goto(`${url}/overview`);
  await when(page, 'all');
  const times: Record<string, number[]> = {};
  const route = ['customers', 'explore', 'overview'] as const;
  let from = 'overview';
  for (let i = 0; i < rounds; i++) {
    for (const to of route) {
      const t0 = await page.evaluate(() => performance.now());
      await page.locator(`[data-testid=nav-${to}]`).click();
      await page.waitForURL(new RegExp(`/${to}`));
      const t1 = to === 'overview' ? await when(page, 'all') : await when(page, 'settled');
      (times[`${from} → ${to}`] ??= []).push(r0(t1 - t0));
      from = to;
    }
  }
  if (tab.errors.length) console.error('page switch errors:', tab.errors);
  await tab.context.close();
  return times;
}

function bundle(loaded: Set<string>): { file: string; raw: number; gzip: number; overview: boolean }[] {
  const dir = join(DIST_WEB, 'assets');
  return readdirSync(dir)
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const buf = readFileSync(join(dir, f));
      return { file: f, raw: statSync(join(dir, f)).size, gzip: gzipSync(buf, { level: 9 }).length, overview: loaded.has(f) };
    })
    .sort((a, b) => b.raw - a.raw);
}

async function main(): Promise<void> {
  if (!existsSync(join(DIST_WEB, 'index.html'))) throw new Error('dist/web is missing: npm run -s build first');
  const src = dbArg ?? demoWarehouse(customers, seed);
  const db = copyWarehouse(src);
  await createLogin(db);
  const browser = await launchChromium();
  const machine = {
    cpu: cpus()[0]?.model ?? '?',
    cores: cpus().length,
    memGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: browser.version(),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  console.error(`machine: ${JSON.stringify(machine)}`);
  const cold: Visit[] = [];
  let server: { child: ChildProcess; url: string } | undefined;
  const startMs: number[] = [];
  for (let i = 0; i < COLD; i++) {
    if (server) await stopServer(server.child);
    const t = performance.now();
    server = await spawnServer(db);
    startMs.push(r0(performance.now() - t));
    const v = await visit(browser, server.url, '/overview');
    console.error(`cold ${i + 1}: KPIs ${v.kpis} ms, all panels ${v.all} ms (${v.requests.length} API requests)`);
    cold.push(v);
  }
  const warm: Visit[] = [];
  for (let i = 0; i < WARM; i++) {
    const v = await visit(browser, server!.url, '/overview');
    console.error(`warm ${i + 1}: KPIs ${v.kpis} ms, all panels ${v.all} ms`);
    warm.push(v);
  }
  const sw = await switches(browser, server!.url, SWITCH);
  for (const [k, v] of Object.entries(sw)) console.error(`switch ${k}: ${v.join(', ')} ms`);
  await stopServer(server!.child);
  await browser.close();

  const loaded = new Set(cold[0]!.assets);
  const files = bundle(loaded);
  const results = {
    warehouse: basename(src),
    machine,
    serverStartMs: startMs,
    cold: { kpisMs: median(cold.map((v) => v.kpis)), allMs: median(cold.map((v) => v.all)), runs: cold.map((v) => ({ kpis: v.kpis, all: v.all })) },
    warm: { kpisMs: median(warm.map((v) => v.kpis)), allMs: median(warm.map((v) => v.all)), runs: warm.map((v) => ({ kpis: v.kpis, all: v.all })) },
    switches: Object.fromEntries(Object.entries(sw).map(([k, v]) => [k, { medianMs: median(v), runs: v }])),
    coldRequests: cold[0]!.requests.sort((a, b) => b.ms - a.ms),
    warmRequests: warm[0]?.requests.sort((a, b) => b.ms - a.ms) ?? [],
    bundle: files,
    errors: [...cold, ...warm].flatMap((v) => v.errors),
  };
  const base = join(out, `results-${basename(src, '.duckdb')}`);
  writeFileSync(`${base}.json`, JSON.stringify(results, null, 2));
  const kb = (n: number) => (n / 1024).toFixed(1);
  const short = (r: Visit['requests'][number]) => {
    if (!r.body) return `${r.method} ${r.url}`;
    const b = JSON.parse(r.body) as { metrics?: string[]; dimensions?: string[]; compare?: string };
    return `${r.method} ${r.url} ${(b.metrics ?? []).length} metrics${b.dimensions?.length ? ` by ${b.dimensions.join(', ')}` : ''}${b.compare ? ` ${b.compare}` : ''}`;
  };
  const md = [
    `Dashboard on ${results.warehouse} — ${machine.cpu}, ${machine.cores} cores, ${machine.memGB} GB, Node ${machine.node}, Chromium ${machine.chromium}, load ${machine.loadavg.join(' ')}`,
    '',
    '| measure | median | runs |',
    '| --- | ---: | --- |',
    `| overview cold: KPI values shown (first meaningful paint) | ${results.cold.kpisMs} ms | ${cold.map((v) => v.kpis).join(', ')} |`,
    `| overview cold: every panel drawn | ${results.cold.allMs} ms | ${cold.map((v) => v.all).join(', ')} |`,
    `| overview warm: KPI values shown | ${results.warm.kpisMs} ms | ${warm.map((v) => v.kpis).join(', ')} |`,
    `| overview warm: every panel drawn | ${results.warm.allMs} ms | ${warm.map((v) => v.all).join(', ')} |`,
    ...Object.entries(sw).map(([k, v]) => `| page switch ${k} | ${median(v)} ms | ${v.join(', ')} |`),
    `| server start (1M warehouse) | ${median(startMs)} ms | ${startMs.join(', ')} |`,
    '',
    'API requests of a cold overview (browser time; server `ms` is the query time):',
    '',
    '| request | ms | server ms |',
    '| --- | ---: | ---: |',
    ...results.coldRequests.map((r) => `| ${short(r)} | ${r.ms} | ${r.serverMs ?? ''} |`),
    '',
    'Bundle (dist/web/assets):',
    '',
    '| file | raw KiB | gzip KiB | loaded by the overview |',
    '| --- | ---: | ---: | --- |',
    ...files.map((f) => `| ${f.file} | ${kb(f.raw)} | ${kb(f.gzip)} | ${f.overview ? 'yes' : ''} |`),
    `| overview total | ${kb(files.filter((f) => f.overview).reduce((s, f) => s + f.raw, 0))} | ${kb(files.filter((f) => f.overview).reduce((s, f) => s + f.gzip, 0))} | |`,
    '',
    results.errors.length ? `Browser errors: ${results.errors.join('; ')}` : 'No browser errors.',
  ].join('\n');
  writeFileSync(`${base}.md`, md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  live?.kill('SIGKILL');
  process.exit(1);
});
