import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../demo/index.js';
import { importFile } from '../../import/index.js';
import { buildCatalog } from '../../metrics/catalog/index.js';
import { runQuery } from '../../query/run.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import {
  ceilDays,
  ClusterError,
  describeCluster,
  extractFeatures,
  floorDays,
  kmeans,
  kmeansPlusPlus,
  pickCandidates,
  prepareCluster,
  samplePlan,
  runCluster,
  sampleIndices,
  saveCluster,
  silhouetteScores,
  standardise,
  validateClusterParams,
  type ClusterParams,
  type FeatureDef,
} from './index.js';
import { Rng } from '../../demo/random.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;

async function errorOf(p: Promise<unknown>): Promise<ClusterError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ClusterError) return e;
    throw e;
  }
  throw new Error('expected a ClusterError');
}
const codes = (e: ClusterError) => e.issues.map((i) => `${i.code} ${i.field}`);

describe('k-means on hand-made points', () => {
  // Three unit squares with corners at (0,0), (10,0) and (0,10): each square's mean is its centre, and every
  // corner is 0.5² + 0.5² = 0.5 from it, so the optimal inertia is 12 × 0.5 = 6.
  const squares = [
    [0, 0], [1, 0], [0, 1], [1, 1],
    [10, 0], [11, 0], [10, 1], [11, 1],
    [0, 10], [1, 10], [0, 11], [1, 11],
  ];
  const X = Float64Array.from(squares.flat());

  it('finds the three squares, inertia 6, the same under a seed', () => {
    const r = kmeans(X, 12, 2, { k: 3, seed: 0, restarts: 5, maxIter: 100, tol: 1e-4 });
    expect(r.inertia).toBeCloseTo(6, 12);
    const groups = [0, 1, 2].map((g) => new Set(Array.from(r.labels.subarray(g * 4, g * 4 + 4))));
    for (const g of groups) expect(g.size).toBe(1);
    expect(new Set(groups.map((g) => [...g][0])).size).toBe(3);
    const centres = [0, 1, 2].map((j) => [r.centers[j * 2], r.centers[j * 2 + 1]]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(centres).toEqual([[0.5, 0.5], [0.5, 10.5], [10.5, 0.5]]);
    const again = kmeans(X, 12, 2, { k: 3, seed: 0, restarts: 5, maxIter: 100, tol: 1e-4 });
    expect(Array.from(again.labels)).toEqual(Array.from(r.labels));
    expect(again.inertias).toEqual(r.inertias);
  });

  it('k-means++ under a seed: deterministic, and the D² draws land in different squares', () => {
    const a = kmeansPlusPlus(X, 12, 2, 3, new Rng(7, 'test'));
    const b = kmeansPlusPlus(X, 12, 2, 3, new Rng(7, 'test'));
    expect(Array.from(a)).toEqual(Array.from(b));
    // a point of square s has coordinates in {10s, 10s+1}: the square of a centre is (x ≥ 10) + 2 (y ≥ 10)
    const squareOf = (j: number) => (a[j * 2]! >= 10 ? 1 : 0) + (a[j * 2 + 1]! >= 10 ? 2 : 0);
    expect(new Set([0, 1, 2].map(squareOf)).size).toBe(3);
  });

  it('k = n puts every point in its own cluster (inertia 0); an impossible k is refused', () => {
    const r = kmeans(Float64Array.from([0, 3, 7]), 3, 1, { k: 3, seed: 1, restarts: 2, maxIter: 10, tol: 0 });
    expect(r.inertia).toBe(0);
    expect(new Set(r.labels).size).toBe(3);
    expect(() => kmeans(Float64Array.from([0, 3]), 2, 1, { k: 3, seed: 0, restarts: 1, maxIter: 10, tol: 0 })).toThrow(/k = 3/);
  });
});

// Five blobs of unequal size (30,000, 15,000, 8,000, 5,000 and 2,000 points), each uniform in a 2 × 2 square
// around a centre 20 apart from the others. A point is at most √2 from its own blob's centre and at least
// 20 − √2 from any other, so the optimal 5-means partition is the blobs themselves: its centres are the blob
// means and its inertia the blobs' summed squared deviations from their means, both computed here directly.
function blobs(): { X: Float64Array; n: number; group: Int32Array; means: number[][]; optimum: number } {
  const sizes = [30_000, 15_000, 8_000, 5_000, 2_000];
  const centres = [[0, 0], [20, 0], [0, 20], [20, 20], [40, 10]];
  const n = sizes.reduce((a, b) => a + b, 0);
  const rng = new Rng(3, 'blobs');
  const X = new Float64Array(n * 2);
  const group = new Int32Array(n);
  let i = 0;
  sizes.forEach((size, g) => {
    for (let m = 0; m < size; m++, i++) {
      X[i * 2] = centres[g]![0]! + rng.next() * 2 - 1;
      X[i * 2 + 1] = centres[g]![1]! + rng.next() * 2 - 1;
      group[i] = g;
    }
  });
  const means = sizes.map(() => [0, 0]);
  for (let j = 0; j < n; j++) for (let t = 0; t < 2; t++) means[group[j]!]![t]! += X[j * 2 + t]! / sizes[group[j]!]!;
  let optimum = 0;
  for (let j = 0; j < n; j++) for (let t = 0; t < 2; t++) optimum += (X[j * 2 + t]! - means[group[j]!]![t]!) ** 2;
  return { X, n, group, means, optimum };
}

describe('k-means from a subsample (large n)', () => {
  it('is used from 50,000 rows: 100,000 rows (or all), 5 starts per restart, 3 candidates', () => {
    const o = { k: 6, seed: 0, restarts: 10, maxIter: 300, tol: 1e-4 };
    expect(samplePlan(49_999, o)).toBeUndefined();
    expect(samplePlan(50_000, o)).toEqual({ size: 50_000, restarts: 50, candidates: 3 });
    expect(samplePlan(907_029, o)).toEqual({ size: 100_000, restarts: 50, candidates: 3 });
  });

  it('refines the best distinct subsample solutions: one per local minimum, lowest inertia first', () => {
    const c = (v: number) => Float64Array.from([v]);
    // 100 and 100.0005 are within 1e-5 (relative) of each other: the same minimum, the second is skipped
    const runs = [
      { r: 0, inertia: 103, centers: c(0) },
      { r: 1, inertia: 100.0005, centers: c(1) },
      { r: 2, inertia: 100, centers: c(2) },
      { r: 3, inertia: 101, centers: c(3) },
      { r: 4, inertia: 101, centers: c(4) },
    ];
    expect(pickCandidates(runs, 3).map((x) => x[0])).toEqual([2, 3, 0]);
    expect(pickCandidates(runs, 1).map((x) => x[0])).toEqual([2]);
  });

  it('reaches the optimum of all rows (not of the subsample), as the plain restarts do', () => {
    const { X, n, group, means, optimum } = blobs();
    const opts = { k: 5, seed: 0, restarts: 4, maxIter: 300, tol: 1e-4, sampleSize: 6_000 };
    const r = kmeans(X, n, 2, opts);
    expect(r.sample?.size).toBe(6_000);
    expect(r.sample?.inertias).toHaveLength(20);
    expect(r.inertia / optimum).toBeCloseTo(1, 12);
    // the centres are the means of all rows of each blob (a subsample's means differ by ~1e-2)
    for (let g = 0; g < 5; g++) {
      const j = r.labels[group.indexOf(g)]!;
      expect(Array.from(group).every((x, i) => (x === g) === (r.labels[i] === j))).toBe(true);
      expect(r.centers[j * 2]).toBeCloseTo(means[g]![0]!, 9);
      expect(r.centers[j * 2 + 1]).toBeCloseTo(means[g]![1]!, 9);
    }
    const plain = kmeans(X, n, 2, { ...opts, sampleFrom: Infinity });
    expect(plain.sample).toBeUndefined();
    expect(r.inertia / plain.inertia).toBeCloseTo(1, 12);
  });
});

const DIST_KMEANS = new URL('../../../dist/src/analyses/cluster/kmeans.js', import.meta.url).pathname;

describe.runIf(existsSync(DIST_KMEANS) && existsSync(DIST_KMEANS.replace(/kmeans\.js$/, 'worker.js')))('restarts on worker threads (the compiled code)', () => {
  it('give the same clusters, inertia and restart inertias as in one thread', async () => {
    const { kmeansParallel: par } = (await import(DIST_KMEANS)) as typeof import('./kmeans.js');
    const rng = new Rng(5, 'points');
    const n = 3000;
    const X = Float64Array.from({ length: n * 3 }, (_, i) => rng.next() * 10 + (i % 3 === 0 ? 20 * (Math.floor(i / 3) % 4) : 0));
    const opts = { k: 4, seed: 11, restarts: 5, maxIter: 300, tol: 1e-4 };
    const one = kmeans(X, n, 3, opts);
    const many = await par(X, n, 3, opts, 3);
    expect(many.inertias).toEqual(one.inertias);
    expect(many.inertia).toBe(one.inertia);
    expect(Array.from(many.labels)).toEqual(Array.from(one.labels));
  });

  it('and so does the subsample start', async () => {
    const { kmeansParallel: par } = (await import(DIST_KMEANS)) as typeof import('./kmeans.js');
    const { X, n } = blobs();
    const opts = { k: 4, seed: 2, restarts: 3, maxIter: 300, tol: 1e-4, sampleSize: 5_000 };
    const one = kmeans(X, n, 2, opts);
    const many = await par(X, n, 2, opts, 2);
    expect(one.sample?.size).toBe(5_000);
    expect(many.sample).toEqual(one.sample);
    expect(many.inertias).toEqual(one.inertias);
    expect(many.inertia).toBe(one.inertia);
    expect(Array.from(many.labels)).toEqual(Array.from(one.labels));
  });
});

describe('silhouette, computed by hand', () => {
  it('four points on a line in two pairs: 79/99', () => {
    // 0, 1 | 5, 6: a = 1 for everyone; b(0) = (5+6)/2 = 5.5, b(1) = (4+5)/2 = 4.5, b(5) = 4.5, b(6) = 5.5
    // s = 4.5/5.5 = 9/11 (ends), 3.5/4.5 = 7/9 (inner); mean (9/11 + 7/9)/2 = 79/99
    const X = Float64Array.from([0, 1, 5, 6]);
    const [s] = silhouetteScores(X, 1, [Int32Array.from([0, 0, 1, 1])], [2], sampleIndices(4, 10, 0));
    expect(s).toBeCloseTo(79 / 99, 12);
  });

  it('a point alone in its cluster counts 0; one cluster has no silhouette', () => {
    // 0, 1 | 5: s(0) = (5 − 1)/5 = 0.8, s(1) = (4 − 1)/4 = 0.75, s(5) = 0 → 1.55/3
    const X = Float64Array.from([0, 1, 5]);
    const [s, none] = silhouetteScores(X, 1, [Int32Array.from([0, 0, 1]), Int32Array.from([0, 0, 0])], [2, 1], sampleIndices(3, 10, 0));
    expect(s).toBeCloseTo(1.55 / 3, 12);
    expect(none).toBeNull();
  });

  it('the sample: seeded, without repeats, all points in order when small enough', () => {
    const a = sampleIndices(1000, 100, 3);
    expect(Array.from(a)).toEqual(Array.from(sampleIndices(1000, 100, 3)));
    expect(new Set(a).size).toBe(100);
    expect(Math.max(...a)).toBeLessThan(1000);
    expect(Array.from(sampleIndices(5, 10, 3))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('standardising and describing', () => {
  it('log1p where asked, population z-scores, constant columns left out', () => {
    const defs: FeatureDef[] = [
      { key: 'recency_days', kind: 'recency', log: false },
      { key: 'frequency', kind: 'frequency', log: true },
      { key: 'interactions', kind: 'interactions', log: true },
    ];
    // recency 1, 2, 3: mean 2, population std √(2/3); frequency e−1, e²−1, e³−1 → log1p 1, 2, 3: the same z; interactions all 0
    const s = standardise({ defs, columns: [Float64Array.from([1, 2, 3]), Float64Array.from([Math.E - 1, Math.E ** 2 - 1, Math.E ** 3 - 1]), Float64Array.from([0, 0, 0])] });
    expect(s.used).toEqual([0, 1]);
    expect(s.constant).toEqual([2]);
    const z = Math.sqrt(3 / 2);
    expect(Array.from(s.X).map((v) => Number(v.toFixed(12)))).toEqual([-z, -z, 0, 0, z, z].map((v) => Number(v.toFixed(12))));
    expect(s.mean[0]).toBe(2);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
  });

  it('round days and the words of a profile', () => {
    expect([floorDays(3), floorDays(7), floorDays(130), floorDays(366), floorDays(2000)]).toEqual([3, 7, 120, 365, 1095]);
    expect([ceilDays(3), ceilDays(20), ceilDays(91), ceilDays(1500)]).toEqual([7, 30, 120, 1500]);
    const defs: FeatureDef[] = [
      { key: 'recency_days', kind: 'recency', log: false },
      { key: 'monetary', kind: 'monetary', log: true },
      { key: 'share_1', kind: 'category', category: '服装', log: false },
      { key: 'interactions', kind: 'interactions', log: true },
    ];
    // strongest first: monetary 1.8, recency 1.2, 服装 share −0.6; interactions 0.3 is below 0.5
    const d = describeCluster({ defs, z: [1.2, 1.8, -0.6, 0.3], means: [200, 2345.6, 0.05, 3], recencyP25: 130, recencyP75: 300, medianFrequency: 2 });
    expect(d.en).toBe('high spend (avg 2,346), lapsed 120+ days, little 服装');
    expect(d.zh).toBe('高消费（平均2,346）、已120天以上未购、少买服装');
    expect(d.features.map((f) => f.key)).toEqual(['monetary', 'recency_days', 'share_1']);
    expect(describeCluster({ defs, z: [0.1, -0.2, 0.49, 0], means: [0, 0, 0, 0], recencyP25: 0, recencyP75: 0, medianFrequency: 1 }).en).toBe('close to average on every feature');
  });
});

/**
 * Seven customers, as of 2024-07-01, with no interactions, tickets or order lines (those features are
 * constant, so left out). Two groups by construction:
 * - A1…A4: orders ¥1,000 on 2024-01-01 and 2024-06-01 and a third ¥1,000 on 06-30, 06-29, 06-28, 06-27:
 *   recency 1, 2, 3, 4; frequency 3; monetary 3,000; tenure 2024-01-01 → 07-01 = 31+29+31+30+31+30 = 182 days.
 * - B1…B3: one order on 2023-07-01 of ¥20, ¥30, ¥40: recency = tenure = 366 days (2024 is a leap year); frequency 1.
 * Cancelled, anonymous and customer-less orders do not count (X1 cancelled, X2 anonymous).
 * The groups are far apart on recency, frequency, monetary and tenure and tight inside, so k = 2 gives
 * {A} = cluster 1 (4 customers, the larger) and {B} = cluster 2; silhouette over 2..4 picks 2.
 * Words: frequency and tenure take two values (4 vs 3 customers), so their cluster means are exactly
 * −√(3/4) / +√(4/3) standard deviations; recency is almost as extreme (its spread inside A is tiny), monetary
 * less (B's ¥20–40 differ after log1p). So each cluster is described by frequency, tenure, recency:
 * A: frequent (avg 3 orders), new (avg 182 days), bought within 7 days (75th percentile of 1…4 is 3.25 → 7);
 * B: one-off buyers (median frequency 1), long-standing (366/365 ≈ 1.0 years), lapsed 365+ days (366 → 365).
 */
async function shopFixture(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO customers (customer_id, name) VALUES ('A1','a'),('A2','b'),('A3','c'),('A4','d'),('B1','e'),('B2','f'),('B3','g'),('X1','x'),('X2','y')`);
  const rows: string[] = [];
  ['A1', 'A2', 'A3', 'A4'].forEach((c, i) => {
    rows.push(`('${c}-1','${c}','2024-01-01 10:00',1000,'completed',false)`, `('${c}-2','${c}','2024-06-01 10:00',1000,'completed',false)`, `('${c}-3','${c}','2024-06-${30 - i} 10:00',1000,'completed',false)`);
  });
  ['B1', 'B2', 'B3'].forEach((c, i) => rows.push(`('${c}-1','${c}','2023-07-01 10:00',${20 + 10 * i},'completed',false)`));
  rows.push(`('x1','X1','2024-06-30 10:00',99999,'cancelled',false)`, `('x2','X2','2024-06-30 10:00',99999,'completed',true)`, `('x3',NULL,'2024-06-30 10:00',99999,'completed',NULL)`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, is_anonymous) VALUES ${rows.join(',')}`);
}

describe('clustering a hand-made shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await shopFixture(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('features equal the hand computation', async () => {
    const t = await extractFeatures(ctx.wh, await prepareCluster(ctx.wh, { asOf: '2024-07-01', k: 2 }));
    expect(t.customerIds).toEqual(['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3']);
    const col = (k: string) => Array.from(t.columns[t.defs.findIndex((d) => d.key === k)]!);
    expect(col('recency_days')).toEqual([1, 2, 3, 4, 366, 366, 366]);
    expect(col('frequency')).toEqual([3, 3, 3, 3, 1, 1, 1]);
    expect(col('monetary')).toEqual([3000, 3000, 3000, 3000, 20, 30, 40]);
    expect(col('tenure_days')).toEqual([182, 182, 182, 182, 366, 366, 366]);
    expect(col('interactions')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(t.defs.some((d) => d.kind === 'category')).toBe(false);
  });

  it('k = 2: the two groups, described in words', async () => {
    const r = await runCluster(ctx.wh, { asOf: '2024-07-01', k: 2 });
    expect(r.customers).toBe(7);
    expect(r.chosenBy).toBe('given');
    expect(Array.from(r.assignment.clusters)).toEqual([1, 1, 1, 1, 2, 2, 2]);
    expect(r.clusters.map((c) => c.customers)).toEqual([4, 3]);
    expect(r.features.filter((f) => !f.used).map((f) => f.key)).toEqual(['interactions', 'service_contacts']);
    const [a, b] = r.clusters;
    expect(a!.en.split(', ').sort()).toEqual(['bought within 7 days', 'frequent buyers (avg 3 orders)', 'new customers (avg 182 days)']);
    expect(b!.en.split(', ').sort()).toEqual(['lapsed 365+ days', 'long-standing (avg 1 years)', 'mostly one-off buyers']);
    expect(b!.zh.split('、').sort()).toEqual(['多为只买过一次', '已365天以上未购', '老客户（平均客龄1年）'].sort());
    expect(a!.means.monetary).toBe(3000);
    expect(b!.means.monetary).toBe(30);
    // the two-valued features: exactly −√(3/4) and +√(4/3) standard deviations
    expect(a!.z.frequency).toBeCloseTo(Math.sqrt(3 / 4), 12);
    expect(b!.z.tenure_days).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(r.sql.base).toContain("status <> 'cancelled'");
    expect(r.sqlParams.base).toContain('2024-07-01');
  });

  it('k chosen by silhouette over 2..4 is 2', async () => {
    const r = await runCluster(ctx.wh, { asOf: '2024-07-01', kRange: [2, 4] });
    expect(r.chosenBy).toBe('silhouette');
    expect(r.candidates.map((c) => c.k)).toEqual([2, 3, 4]);
    expect(r.k).toBe(2);
    const s = r.candidates.map((c) => c.silhouette!);
    expect(s[0]!).toBeGreaterThan(Math.max(s[1]!, s[2]!));
    // the default range 2..8 is capped at customers − 1 = 6
    const d = await runCluster(ctx.wh, { asOf: '2024-07-01' });
    expect(d.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6]);
  });

  it('a window: only its orders count', async () => {
    // from 2024-01-01 the B customers have no order: 4 customers; frequency and tenure are then equal for all
    const r = await runCluster(ctx.wh, { from: '2024-01-01', asOf: '2024-07-01', k: 2 });
    expect(r.customers).toBe(4);
    expect(r.features.filter((f) => f.used).map((f) => f.key)).toEqual(['recency_days']);
  });

  it('validation: every problem at once, with codes and fields', async () => {
    const issues = validateClusterParams({ asOf: '2024-02-30', from: 'x', k: 1, kRange: [5, 3], seed: -1, restarts: 0, tol: -1, topCategories: 1.5 });
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual([
      'invalid_date asOf',
      'invalid_date from',
      'invalid_k k',
      'invalid_k_range kRange',
      'k_and_k_range kRange',
      'invalid_number seed',
      'invalid_number restarts',
      'invalid_number topCategories',
      'invalid_number tol',
    ]);
    expect(validateClusterParams({ from: '2024-07-01', asOf: '2024-07-01' }).map((i) => i.code)).toEqual(['from_not_before_as_of']);
    expect(validateClusterParams([]).map((i) => i.code)).toEqual(['invalid_params']);
    const big = await errorOf(runCluster(ctx.wh, { asOf: '2024-07-01', k: 8 }));
    expect(codes(big)).toEqual(['k_exceeds_customers k']);
    expect(big.message).toContain('the window has 7');
    expect(codes(await errorOf(runCluster(ctx.wh, { asOf: '2024-07-01', kRange: [7, 9] })))).toEqual(['k_exceeds_customers kRange']);
    expect(codes(await errorOf(runCluster(ctx.wh, { from: '2030-01-01' })))).toEqual(['empty_window from']);
    expect(codes(await errorOf(runCluster(ctx.wh, { asOf: '2020-01-01', k: 2 })))).toEqual(['empty_window asOf']);
    // from 06-29: A1 and A2 only, and choosing k by silhouette needs three customers;
    // on 06-01 alone: A1…A4 with one ¥1,000 order each, the same features: nothing to cluster
    expect(codes(await errorOf(runCluster(ctx.wh, { from: '2024-06-29', asOf: '2024-07-01' })))).toEqual(['too_few_customers kRange']);
    expect(codes(await errorOf(runCluster(ctx.wh, { from: '2024-06-01', asOf: '2024-06-02', k: 2 })))).toEqual(['no_variation from']);
  });
});

describe('tidemark cluster (the built CLI)', () => {
  const cli = runCli;

  it('--save with per-customer CSV, then query by cluster; errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await shopFixture(ctx.wh);
      await ctx.wh.close();
      const out = join(ctx.dir, 'clusters.csv');
      const r = cli(['cluster', '--db', ctx.path, '--to', '2024-07-01', '--k', '2', '--save', '--lang', 'en', '--out', out]);
      expect(r.stderr).toContain('Saved 7 customers');
      expect(r.status).toBe(0);
      const csv = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      const b1 = csv.find((l) => l.startsWith('B1,'))!;
      expect(b1.split(',').slice(0, 2)).toEqual(['B1', '2']);
      expect(b1).toContain('lapsed 365+ days');
      const q = cli(['query', '--db', ctx.path, '--metrics', 'buying_customers,revenue', '--by', 'cluster', '--json']);
      expect(q.status).toBe(0);
      const rows = JSON.parse(q.stdout).rows as { cluster: number | null; buying_customers: number; revenue: number }[];
      // all-time: cluster 1 = A1…A4 (¥12,000), cluster 2 = B1…B3 (¥90); revenue also counts X2's anonymous and the
      // customer-less ¥99,999 orders, which have no cluster (buying customers does not count them)
      expect(Object.fromEntries(rows.map((x) => [String(x.cluster), [x.buying_customers, x.revenue]]))).toEqual({ '1': [4, 12000], '2': [3, 90], null: [0, 199998] });
      const j = cli(['cluster', '--db', ctx.path, '--as-of', '2024-07-01', '--k-range', '2..4', '--json']);
      expect(j.status).toBe(0);
      const body = JSON.parse(j.stdout);
      expect(body.k).toBe(2);
      expect(body.assignment).toBeUndefined();
      const bad = cli(['cluster', '--db', ctx.path, '--k', '1', '--seed', 'x']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--seed 'x'");
      const bad2 = cli(['cluster', '--db', ctx.path, '--k', '1', '--k-range', '5..3']);
      expect(bad2.status).toBe(2);
      expect(bad2.stderr).toContain('--k: expected a whole number of clusters ≥ 2');
      expect(bad2.stderr).toContain('--k-range');
      const bad3 = cli(['cluster', '--db', ctx.path, '--k', '50']);
      expect(bad3.status).toBe(2);
      expect(bad3.stderr).toContain('--k: 50 clusters need at least 50 customers; the window has 7');
    } finally {
      await ctx.cleanup();
    }
  });

  it('cluster on a warehouse without stored clusters: a clear error', async () => {
    const ctx = await tempWarehouse();
    try {
      await ctx.wh.run('DROP TABLE tm_cluster');
      const e = await runQuery(ctx.wh, buildCatalog(), { metrics: ['revenue'], dimensions: ['cluster'] }, { today: '2024-07-15' }).catch((x: unknown) => x as { issues?: { code: string }[] });
      expect((e as { issues: { code: string }[] }).issues.map((i) => i.code)).toEqual(['no_cluster_results']);
    } finally {
      await ctx.cleanup();
    }
  });
});

const PY = '/usr/bin/python3';
const hasSklearn = existsSync(PY) && spawnSync(PY, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
if (!hasSklearn) console.warn('cluster.test.ts: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn); the scikit-learn oracle tests are skipped');
const ORACLE = new URL('./sklearn_oracle.py', import.meta.url).pathname;
const CDNOW = join(new URL('../../../../shared/data/', import.meta.url).pathname, 'cdnow/CDNOW_master.txt');

interface Oracle {
  inertia: number;
  seconds: number;
  silhouette?: number;
  scaler_max_abs_diff?: number;
}

const f64 = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Our k-means, silhouette and z-scores against scikit-learn on the same matrix. */
async function compareWithSklearn(wh: Warehouse, dir: string, params: ClusterParams & { k: number }): Promise<{ ours: number; theirs: number; d: number; n: number }> {
  const p = await prepareCluster(wh, params);
  const t = await extractFeatures(wh, p);
  const s = standardise(t);
  const raw = new Float64Array(s.n * s.d);
  s.used.forEach((f, u) => {
    const c = t.columns[f]!;
    for (let i = 0; i < s.n; i++) raw[i * s.d + u] = t.defs[f]!.log ? Math.log1p(Math.max(c[i]!, 0)) : c[i]!;
  });
  writeFileSync(join(dir, 'X.f64'), f64(s.X));
  writeFileSync(join(dir, 'raw.f64'), f64(raw));
  const r = await runCluster(wh, params);
  expect(r.customers).toBe(s.n);
  const sk = JSON.parse(execFileSync(PY, [ORACLE, join(dir, 'X.f64'), String(s.n), String(s.d), String(params.k), '--raw', join(dir, 'raw.f64')], { encoding: 'utf8' })) as Oracle;
  // our z-scores are StandardScaler's
  expect(sk.scaler_max_abs_diff!).toBeLessThan(1e-9);
  // exact silhouette of our labels on the first 2,000 customers, recomputed by scikit-learn
  const m = Math.min(2000, s.n);
  const sub = s.X.slice(0, m * s.d);
  const labels = Int32Array.from(r.assignment.clusters.subarray(0, m), (c) => c - 1);
  writeFileSync(join(dir, 'sub.f64'), f64(sub));
  writeFileSync(join(dir, 'labels.i32'), new Uint8Array(labels.buffer));
  const subK = new Set(labels).size;
  const skSub = JSON.parse(execFileSync(PY, [ORACLE, join(dir, 'sub.f64'), String(m), String(s.d), String(subK), '--labels', join(dir, 'labels.i32')], { encoding: 'utf8' })) as Oracle;
  const [ours] = silhouetteScores(sub, s.d, [labels], [params.k], sampleIndices(m, m, 0));
  expect(ours!).toBeCloseTo(skSub.silhouette!, 9);
  return { ours: r.inertia, theirs: sk.inertia, d: s.d, n: s.n };
}

describe.runIf(hasSklearn)('k-means against scikit-learn KMeans(n_init=10, random_state=0) on the same standardised matrix', () => {
  it('the demo fixture (2,000 customers, 14 features), k = 5: inertia within 1%', async () => {
    const ctx = await tempWarehouse();
    try {
      await generateDemo(ctx.wh, { customers: 2000, seed: 42 });
      const c = await compareWithSklearn(ctx.wh, ctx.dir, { k: 5 });
      expect(c.d).toBeGreaterThanOrEqual(12);
      expect(c.ours).toBeLessThanOrEqual(1.01 * c.theirs);
      console.info(`cluster vs scikit-learn, demo fixture: n ${c.n}, d ${c.d}, k 5: inertia ${c.ours.toFixed(3)} vs ${c.theirs.toFixed(3)} (ratio ${(c.ours / c.theirs).toFixed(5)})`);
    } finally {
      await ctx.cleanup();
    }
  }, 120_000);

  it.runIf(existsSync(CDNOW))('CDNOW (23,570 customers as of 1998-07-01, 4 features), k = 4: inertia within 1%', async () => {
    const ctx = await tempWarehouse();
    try {
      await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
      const c = await compareWithSklearn(ctx.wh, ctx.dir, { asOf: '1998-07-01', k: 4 });
      expect(c.n).toBe(23_570);
      expect(c.d).toBe(4);
      expect(c.ours).toBeLessThanOrEqual(1.01 * c.theirs);
      console.info(`cluster vs scikit-learn, CDNOW: n ${c.n}, d ${c.d}, k 4: inertia ${c.ours.toFixed(3)} vs ${c.theirs.toFixed(3)} (ratio ${(c.ours / c.theirs).toFixed(5)})`);
    } finally {
      await ctx.cleanup();
    }
  }, 120_000);
});

describe('saveCluster replaces one as-of date', () => {
  it('a second save of the same date replaces the first; another date adds', async () => {
    const ctx = await tempWarehouse();
    try {
      await shopFixture(ctx.wh);
      const r = await runCluster(ctx.wh, { asOf: '2024-07-01', k: 2 });
      expect(await saveCluster(ctx.wh, r)).toBe(7);
      const r3 = await runCluster(ctx.wh, { asOf: '2024-07-01', k: 3 });
      expect(await saveCluster(ctx.wh, r3)).toBe(7);
      const r2 = await runCluster(ctx.wh, { asOf: '2024-06-30', k: 2 });
      await saveCluster(ctx.wh, r2);
      const rows = (await ctx.wh.query(`SELECT strftime(as_of, '%Y-%m-%d') AS d, k, count(*) AS n FROM tm_cluster GROUP BY ALL ORDER BY d`)).rows;
      expect(rows).toEqual([{ d: '2024-06-30', k: 2, n: 7 }, { d: '2024-07-01', k: 3, n: 7 }]);
      const b1 = (await ctx.wh.query(`SELECT description_en FROM tm_cluster WHERE customer_id = 'B1' AND as_of = DATE '2024-06-30'`)).rows[0];
      expect(String(b1?.description_en)).toContain('lapsed');
    } finally {
      await ctx.cleanup();
    }
  });
});
