import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { defaultAsOf } from '../../src/analyses/rfm/index.js';
import { openWarehouse, type Row } from '../../src/warehouse/index.js';
import { demoWarehouse } from '../demo-warehouse.js';
import { ENTRIES } from './entries.js';

/**
 * bench/customer-value: the customer-value analyses (RFM, value tiers, value matrix, lifecycle, cohorts; see
 * entries.ts) through Tidemark's runners against hand-written DuckDB SQL for the same outputs, on the demo
 * warehouse opened read-only.
 * Entry by entry, each side runs in its own process (peak RSS): one warm-up run whose rows are compared, then
 * BENCH_ROUNDS (3) timed runs; the two sides alternate for BENCH_PASSES (2) passes, and each entry's time is the
 * median of all its timed runs. Alternating per entry (not per pass over all entries) keeps the two sides of a
 * comparison seconds apart, so a change in the machine's load between them biases the ratio less. As of the day
 * after the last counted order, over all history.
 * Usage: npm run bench:customer-value -- [customers] [seed]   (default 1000000 42; the demo warehouse is built and cached
 *        in bench/out/reports as bench:reports does)   or   npm run bench:customer-value -- --db PATH
 * BENCH_ONLY=rfm,tiers runs some entries only. Lifecycle and cohorts run monthly over all history up to the start of
 * the as-of month.
 */
const args = process.argv.slice(2);
const dbArg = args[0] === '--db' ? args[1] : undefined;
const customers = dbArg ? null : Number(args[0] ?? 1_000_000);
const seed = dbArg ? null : Number(args[1] ?? 42);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PASSES = Number(process.env.BENCH_PASSES ?? 2);
const ONLY = process.env.BENCH_ONLY;
if (customers !== null && (!Number.isInteger(customers) || customers < 1)) throw new Error('usage: run.js [customers] [seed] | --db PATH');

const out = join(process.cwd(), 'bench', 'out', 'customer-value');
mkdirSync(out, { recursive: true });

const norm = (v: unknown): unknown => {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) return Number(v);
  if (v === undefined) return null;
  return v;
};
const same = (a: unknown, b: unknown): boolean => {
  const x = norm(a);
  const y = norm(b);
  if (typeof x === 'number' && typeof y === 'number') return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  return x === y;
};

/** Differences between Tidemark's rows and the hand SQL's: same keys, every Tidemark column. */
function compare(key: string, tm: Row[], hand: Row[]): string[] {
  const diffs: string[] = [];
  const hm = new Map(hand.map((r) => [String(r[key]), r]));
  if (tm.length !== hand.length) diffs.push(`rows: Tidemark ${tm.length}, hand ${hand.length}`);
  for (const r of tm) {
    const k = String(r[key]);
    const h = hm.get(k);
    if (!h) {
      diffs.push(`${k} only in Tidemark`);
      continue;
    }
    hm.delete(k);
    for (const c of Object.keys(r)) if (!same(r[c], h[c])) diffs.push(`${k} ${c}: Tidemark ${String(r[c])}, hand ${String(h[c])}`);
  }
  for (const k of hm.keys()) diffs.push(`${k} only in hand SQL`);
  return diffs;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

interface ChildOut {
  side: 'tidemark' | 'hand';
  peakRssMB: number;
  entries: { name: string; rows: Row[]; warmMs: number; runs: number[] }[];
}

function child(side: 'tidemark' | 'hand', db: string, asOf: string, name: string): ChildOut {
  const argv = [new URL('./child.js', import.meta.url).pathname, side, db, asOf, String(ROUNDS), name];
  return JSON.parse(execFileSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 24 })) as ChildOut;
}

async function main(): Promise<void> {
  const db = dbArg ?? demoWarehouse(customers!, seed!);
  const wh = await openWarehouse({ path: db, readOnly: true });
  const asOf = await defaultAsOf(wh);
  const span = (await wh.query(`SELECT count(*) AS n, count(DISTINCT customer_id) AS c FROM orders`)).rows[0]!;
  await wh.close();
  if (!asOf) throw new Error(`${db}: no counted orders`);
  const loadStart = loadavg().map(r2);
  console.error(`warehouse ${db}: ${Number(span.n).toLocaleString('en-US')} orders, ${Number(span.c).toLocaleString('en-US')} ordering customers; as of ${asOf}`);

  const names = ONLY ? ONLY.split(',') : ENTRIES.map((e) => e.name);
  const results = names.map((name) => {
    const entry = ENTRIES.find((e) => e.name === name);
    if (!entry) throw new Error(`BENCH_ONLY: no entry ${name} (entries: ${ENTRIES.map((e) => e.name).join(', ')})`);
    const runs: Record<'tidemark' | 'hand', ChildOut[]> = { tidemark: [], hand: [] };
    for (let p = 0; p < PASSES; p++) {
      for (const side of p % 2 === 0 ? (['tidemark', 'hand'] as const) : (['hand', 'tidemark'] as const)) {
        const r = child(side, db, asOf, name);
        runs[side].push(r);
        console.error(`${name} pass ${p + 1} ${side.padEnd(8)} ${r.entries.map((e) => e.runs.map(r1).join(' / ')).join('')} ms; peak RSS ${r.peakRssMB} MB; load ${loadavg()[0]!.toFixed(2)}`);
      }
    }
    const of = (side: 'tidemark' | 'hand') => runs[side].map((c) => c.entries[0]!);
    const tm = of('tidemark');
    const hd = of('hand');
    const diffs = compare(entry.key, tm[0]!.rows, hd[0]!.rows);
    const tRuns = tm.flatMap((e) => e.runs);
    const hRuns = hd.flatMap((e) => e.runs);
    const rss = (side: 'tidemark' | 'hand') => Math.max(...runs[side].map((c) => c.peakRssMB));
    return { name, rows: tm[0]!.rows.length, tidemarkMs: r1(median(tRuns)), handMs: r1(median(hRuns)), ratio: r2(median(tRuns) / median(hRuns)), equal: diffs.length === 0, diffs: diffs.slice(0, 20), peakRssMB: { tidemark: rss('tidemark'), hand: rss('hand') }, tidemarkRuns: tRuns.map(r1), handRuns: hRuns.map(r1), tidemarkRows: tm[0]!.rows };
  });
  const tSum = results.reduce((a, x) => a + x.tidemarkMs, 0);
  const hSum = results.reduce((a, x) => a + x.handMs, 0);
  const summary = {
    db,
    customers,
    seed,
    orders: Number(span.n),
    asOf,
    rounds: ROUNDS,
    passes: PASSES,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    load: { start: loadStart, end: loadavg().map(r2) },
    total: { tidemarkMs: r1(tSum), handMs: r1(hSum), ratio: r2(tSum / hSum) },
    peakRssMB: { tidemark: Math.max(...results.map((x) => x.peakRssMB.tidemark)), hand: Math.max(...results.map((x) => x.peakRssMB.hand)) },
    over15: results.filter((x) => x.ratio > 1.5).map((x) => x.name),
    mismatches: results.filter((x) => !x.equal).map((x) => ({ name: x.name, diffs: x.diffs })),
    results,
  };
  const tag = customers !== null ? `s${seed}-c${customers}` : basename(db).replace(/\.duckdb$/, '');
  const file = join(out, `results-${tag}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  const lines = ['| analysis | rows | Tidemark ms | hand SQL ms | ratio | equal | peak RSS MB (Tidemark / hand) |', '| --- | ---: | ---: | ---: | ---: | --- | ---: |'];
  for (const x of results) lines.push(`| ${x.name} | ${x.rows} | ${x.tidemarkMs.toFixed(1)} | ${x.handMs.toFixed(1)} | ${x.ratio.toFixed(2)}× | ${x.equal ? 'yes' : '**no**'} | ${x.peakRssMB.tidemark} / ${x.peakRssMB.hand} |`);
  lines.push(`| **total** | | ${summary.total.tidemarkMs.toFixed(1)} | ${summary.total.handMs.toFixed(1)} | ${summary.total.ratio.toFixed(2)}× | | |`);
  lines.push('', `as of ${asOf}, ${summary.orders.toLocaleString('en-US')} orders; ${ROUNDS} rounds × ${PASSES} passes; peak RSS Tidemark ${summary.peakRssMB.tidemark} MB, hand ${summary.peakRssMB.hand} MB; load average ${summary.load.start.join('/')} → ${summary.load.end.join('/')}`);
  writeFileSync(join(out, `results-${tag}.md`), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  for (const m of summary.mismatches) console.log(`DIFFERENT ${m.name}: ${m.diffs.slice(0, 5).join('; ')}`);
  console.log(`\nresults: ${file}`);
  if (summary.mismatches.length) process.exitCode = 1;
}

await main();
