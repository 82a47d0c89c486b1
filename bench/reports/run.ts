import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildCatalog } from '../../src/metrics/catalog/index.js';
import { runQuery } from '../../src/query/run.js';
import type { Query } from '../../src/query/types.js';
import { sectionQuery, STANDARD_REPORTS } from '../../src/reports/index.js';
import type { ReportSection } from '../../src/reports/types.js';
import { openWarehouse, type Row, type Warehouse } from '../../src/warehouse/index.js';
import { demoWarehouse } from '../demo-warehouse.js';
import { adhocQueries } from './adhoc.js';
import { handSql } from './hand.js';

/**
 * bench/reports: every section of every standard report, Tidemark's compiled query against a hand-written
 * DuckDB query for the same numbers (bench/reports/hand.ts), on the demo warehouse, in the same process
 * and run. Checks the two give the same rows (numbers within 1e-9 relative), times both warm (3 rounds,
 * alternating, median), then a fixed seeded list of ad-hoc queries (median of 3 runs each) for p50/p95.
 * Usage: npm run bench:reports -- [customers] [seed]   (default 1000000 42; the warehouse is cached in bench/out/reports)
 */
const customers = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 42);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADHOC = Number(process.env.BENCH_ADHOC ?? 50);
if (!Number.isInteger(customers) || customers < 1) throw new Error('usage: run.js [customers] [seed]');

const out = join(process.cwd(), 'bench', 'out', 'reports');
mkdirSync(out, { recursive: true });

// ---- comparison ------------------------------------------------------------------------------------------
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

/** Differences between Tidemark's rows and the hand SQL's (empty when equal): same rows by key, every column, and the sort order. */
function compare(s: ReportSection, tmCols: readonly { key: string; kind: string }[], tm: Row[], hand: Row[]): string[] {
  const diffs: string[] = [];
  const keyCols = tmCols.filter((c) => c.kind === 'dimension' || c.kind === 'grouping').map((c) => c.key);
  const valCols = tmCols.filter((c) => !keyCols.includes(c.key)).map((c) => c.key);
  if (hand.length > 0) for (const c of tmCols) if (!(c.key in hand[0]!)) diffs.push(`hand SQL has no column ${c.key}`);
  if (diffs.length) return diffs;
  const key = (r: Row) => JSON.stringify(keyCols.map((k) => norm(r[k])));
  const hm = new Map(hand.map((r) => [key(r), r]));
  if (tm.length !== hand.length) diffs.push(`rows: Tidemark ${tm.length}, hand ${hand.length}`);
  for (const r of tm) {
    const h = hm.get(key(r));
    if (!h) {
      diffs.push(`row ${key(r)} only in Tidemark`);
      continue;
    }
    hm.delete(key(r));
    for (const c of valCols) if (!same(r[c], h[c])) diffs.push(`${key(r)} ${c}: Tidemark ${String(r[c])}, hand ${String(h[c])}`);
  }
  for (const k of hm.keys()) diffs.push(`row ${k} only in hand SQL`);
  // Sorted sections: the same sequence of sort values (ties may come in either order).
  if (s.sort?.length) {
    const detail = (rows: Row[]) => rows.filter((r) => norm(r._grouping ?? 0) === 0);
    const a = detail(tm);
    const b = detail(hand);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      for (const k of s.sort) {
        if (!same(a[i]![k.key], b[i]![k.key])) {
          diffs.push(`order: row ${i + 1} ${k.key} Tidemark ${String(a[i]![k.key])}, hand ${String(b[i]![k.key])}`);
          i = a.length;
          break;
        }
      }
    }
  }
  return diffs;
}

// ---- timing ----------------------------------------------------------------------------------------------
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

interface SectionResult {
  report: string;
  section: string;
  rows: number;
  tidemarkMs: number;
  /** Tidemark's time inside DuckDB only (the rest is compiling the query and shaping the rows). */
  tidemarkSqlMs: number;
  handMs: number;
  ratio: number;
  equal: boolean;
  diffs: string[];
  tidemarkRuns: number[];
  handRuns: number[];
}

async function main(): Promise<void> {
  const db = demoWarehouse(customers, seed);
  const loadStart = loadavg().map(r2);
  const wh: Warehouse = await openWarehouse({ path: db, readOnly: true });
  const catalog = buildCatalog();
  const span = (await wh.query(`SELECT strftime(min(ordered_at), '%Y-%m-%d') AS a, strftime(max(ordered_at), '%Y-%m-%d') AS b, count(*) AS n FROM orders`)).rows[0]!;
  const today = String(span.b);
  const lastYear = Number(today.slice(0, 4));
  const firstYear = Number(String(span.a).slice(0, 4));
  const period = { from: `${lastYear}-01-01`, to: `${lastYear}-12-31`, today };
  const hand = handSql(period);
  console.error(`warehouse ${db}: ${Number(span.n).toLocaleString('en-US')} orders; reports for ${period.from} … ${period.to}, today = ${today}`);

  const missing = STANDARD_REPORTS.flatMap((r) => r.sections.map((s) => `${r.key}.${s.key}`)).filter((k) => !hand[k]);
  if (missing.length) throw new Error(`no hand SQL for ${missing.join(', ')}`);

  const results: SectionResult[] = [];
  for (const r of STANDARD_REPORTS) {
    for (const s of r.sections) {
      const id = `${r.key}.${s.key}`;
      const q = sectionQuery(s, { from: period.from, to: period.to });
      const sql = hand[id]!;
      // Warm-up run of each, also the equality check.
      const tm = await runQuery(wh, catalog, q, { today });
      const hd = await wh.query(sql);
      const diffs = compare(s, tm.columns, tm.rows, hd.rows);
      const tRuns: number[] = [];
      const tSql: number[] = [];
      const hRuns: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const [ms, res] = await timed(() => runQuery(wh, catalog, q, { today }));
        tRuns.push(ms);
        tSql.push(res.ms);
        hRuns.push((await timed(() => wh.query(sql)))[0]);
      }
      const res: SectionResult = { report: r.key, section: s.key, rows: tm.rows.length, tidemarkMs: median(tRuns), tidemarkSqlMs: median(tSql), handMs: median(hRuns), ratio: median(tRuns) / median(hRuns), equal: diffs.length === 0, diffs: diffs.slice(0, 20), tidemarkRuns: tRuns.map(r1), handRuns: hRuns.map(r1) };
      results.push(res);
      console.error(`${id.padEnd(28)} ${String(res.rows).padStart(5)} rows  Tidemark ${r1(res.tidemarkMs).toFixed(1).padStart(8)} ms  hand ${r1(res.handMs).toFixed(1).padStart(8)} ms  ${r2(res.ratio).toFixed(2)}×  ${res.equal ? 'equal' : `DIFFERENT (${diffs.length}): ${diffs.slice(0, 3).join('; ')}`}`);
    }
  }

  // Ad-hoc questions: a fixed seeded list; each question's time is the median of ROUNDS runs (the first run included).
  const adhoc = adhocQueries(catalog, { count: ADHOC, seed: 20240601, firstYear, lastYear, today });
  const adhocRuns: { query: Query; ms: number; rows: number }[] = [];
  for (const q of adhoc) {
    const runs: number[] = [];
    let rows = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const [ms, res] = await timed(() => runQuery(wh, catalog, q, { today }));
      runs.push(ms);
      rows = res.rows.length;
    }
    adhocRuns.push({ query: q, ms: r1(median(runs)), rows });
  }
  await wh.close();
  const adhocMs = adhocRuns.map((x) => x.ms);

  const reports = STANDARD_REPORTS.map((r) => {
    const rs = results.filter((x) => x.report === r.key);
    const t = rs.reduce((a, x) => a + x.tidemarkMs, 0);
    const h = rs.reduce((a, x) => a + x.handMs, 0);
    return { report: r.key, sections: rs.length, tidemarkMs: r1(t), handMs: r1(h), ratio: r2(t / h), equal: rs.every((x) => x.equal), worst: rs.reduce((a, x) => (x.ratio > a.ratio ? x : a)).section };
  });
  const summary = {
    customers,
    seed,
    orders: Number(span.n),
    period,
    rounds: ROUNDS,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    /** 1/5/15-minute load averages before and after: above ~2 on this 2-core VM, other processes were competing. */
    load: { start: loadStart, end: loadavg().map(r2) },
    reports,
    total: { tidemarkMs: r1(results.reduce((a, x) => a + x.tidemarkMs, 0)), handMs: r1(results.reduce((a, x) => a + x.handMs, 0)) },
    sectionsOver15: results.filter((x) => x.ratio > 1.5).map((x) => `${x.report}.${x.section}`),
    mismatches: results.filter((x) => !x.equal).map((x) => ({ section: `${x.report}.${x.section}`, diffs: x.diffs })),
    adhoc: { count: adhocRuns.length, p50: pct(adhocMs, 50), p95: pct(adhocMs, 95), max: Math.max(...adhocMs), slowest: [...adhocRuns].sort((a, b) => b.ms - a.ms).slice(0, 5) },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    sections: results.map((x) => ({ ...x, tidemarkMs: r1(x.tidemarkMs), tidemarkSqlMs: r1(x.tidemarkSqlMs), handMs: r1(x.handMs), ratio: r2(x.ratio) })),
    adhocRuns,
  };
  const file = join(out, `results-s${seed}-c${customers}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));

  const lines: string[] = [];
  lines.push('| report | sections | Tidemark ms | hand SQL ms | ratio | worst section | equal |', '| --- | ---: | ---: | ---: | ---: | --- | --- |');
  for (const r of reports) lines.push(`| ${r.report} | ${r.sections} | ${r.tidemarkMs.toFixed(1)} | ${r.handMs.toFixed(1)} | ${r.ratio.toFixed(2)}× | ${r.worst} | ${r.equal ? 'yes' : '**no**'} |`);
  lines.push('', '| section | rows | Tidemark ms | of which SQL | hand SQL ms | ratio | equal |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const x of summary.sections) lines.push(`| ${x.report}.${x.section} | ${x.rows} | ${x.tidemarkMs.toFixed(1)} | ${x.tidemarkSqlMs.toFixed(1)} | ${x.handMs.toFixed(1)} | ${x.ratio.toFixed(2)}× | ${x.equal ? 'yes' : '**no**'} |`);
  lines.push('', `ad-hoc: ${summary.adhoc.count} queries, p50 ${summary.adhoc.p50} ms, p95 ${summary.adhoc.p95} ms, max ${summary.adhoc.max} ms; peak RSS ${summary.peakRssMB} MB; load average ${summary.load.start.join('/')} → ${summary.load.end.join('/')}`);
  writeFileSync(join(out, `results-s${seed}-c${customers}.md`), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  console.log(`\nresults: ${file}`);
  if (summary.mismatches.length) process.exitCode = 1;
}

await main();
