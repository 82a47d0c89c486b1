import { existsSync } from 'node:fs';
import { runCohorts } from '../../src/analyses/cohorts/index.js';
import { runLifecycle } from '../../src/analyses/lifecycle/index.js';
import { CUSTOMER_ORDER } from '../../src/metrics/catalog/define.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { handCohortSql, handLifecycleSql } from './hand.js';

/**
 * bench/lifecycle: `runLifecycle` and `runCohorts` (monthly, all history) against the hand-written DuckDB SQL of
 * bench/lifecycle/hand.ts on a demo warehouse opened read-only. Checks both give the same numbers, then times
 * them alternately (BENCH_ROUNDS, default 3) and prints the medians and the ratio.
 * Usage: node dist/bench/lifecycle/run.js [warehouse.duckdb]   (default: bench/out/reports/demo-s42-c1000000.duckdb)
 */
const db = process.argv[2] ?? 'bench/out/reports/demo-s42-c1000000.duckdb';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!existsSync(db)) throw new Error(`no warehouse at ${db}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

const TX = `SELECT customer_id AS cid, CAST(ordered_at AS DATE) AS d, amount FROM orders WHERE ${CUSTOMER_ORDER}`;

async function main(wh: Warehouse): Promise<void> {
  const lc = await runLifecycle(wh, {});
  const from = lc.params.bounds[1]!;
  const to = lc.params.bounds.at(-1)!;
  const p = lc.params;
  const handL = handLifecycleSql(TX, from, to, p.activeDays, p.sleepingDays);
  const co = await runCohorts(wh, {});
  const handC = handCohortSql(TX, co.params.from, co.params.to, co.params.dataEnd);

  // the same numbers
  const hl = (await wh.query(handL)).rows;
  const want: Record<string, number> = {};
  for (const h of hl) want[`${String(h.period_start)} ${String(h.before_stage)}→${String(h.stage)}`] = Number(h.customers);
  const got: Record<string, number> = {};
  for (const x of lc.periods) x.transitions.forEach((row, i) => row.forEach((n, j) => n && (got[`${x.start} ${lc.labels[i]}→${lc.labels[j]}`] = n)));
  const lDiff = Object.keys({ ...want, ...got }).filter((k) => want[k] !== got[k]);
  const hc = (await wh.query(handC)).rows;
  let cDiff = 0;
  for (const h of hc) {
    const c = co.cohorts.find((x) => x.cohort === String(h.cohort));
    const a = Number(h.age);
    if (!c || c.customers !== Number(h.size) || c.activeCustomers[a] !== Number(h.active) || Math.abs((c.revenue[a] ?? NaN) - Number(h.revenue)) > 1e-6 * Math.max(1, Number(h.revenue))) cDiff++;
  }
  console.log(`lifecycle: ${lc.periods.length} months ${from} … ${to}, ${lc.periods.at(-1)?.customers} customers at the end; ${lDiff.length} differing cells vs hand SQL`);
  console.log(`cohorts: ${co.cohorts.length} cohorts, ${co.customers} customers, max age ${co.maxAge}; ${cDiff} differing cells vs hand SQL (of ${hc.length})`);

  const t = { lifecycle: [] as number[], handLifecycle: [] as number[], cohorts: [] as number[], handCohorts: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    t.lifecycle.push((await timed(() => runLifecycle(wh, {})))[1]);
    t.handLifecycle.push((await timed(() => wh.query(handL)))[1]);
    t.cohorts.push((await timed(() => runCohorts(wh, {})))[1]);
    t.handCohorts.push((await timed(() => wh.query(handC)))[1]);
  }
  const l = median(t.lifecycle);
  const hlm = median(t.handLifecycle);
  const c = median(t.cohorts);
  const hcm = median(t.handCohorts);
  console.log(`| analysis | Tidemark (median of ${ROUNDS}) | hand SQL | ratio |`);
  console.log(`| lifecycle (monthly, all history) | ${(l / 1000).toFixed(2)} s | ${(hlm / 1000).toFixed(2)} s | ${(l / hlm).toFixed(2)}× |`);
  console.log(`| cohorts (monthly, all history) | ${(c / 1000).toFixed(2)} s | ${(hcm / 1000).toFixed(2)} s | ${(c / hcm).toFixed(2)}× |`);
  console.log(JSON.stringify(t));
}

const wh = await openWarehouse({ path: db, readOnly: true });
try {
  await main(wh);
} finally {
  await wh.close();
}
