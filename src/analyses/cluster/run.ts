import { availableParallelism } from 'node:os';
import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { defaultAsOf } from '../rfm/run.js';
import { describeCluster } from './describe.js';
import { extractFeatures, standardise, type FeatureKind, type FeatureTable, type Standardised } from './features.js';
import { kmeansParallel, type KMeansResult } from './kmeans.js';
import { ClusterError, resolveClusterParams, validateClusterParams, type ClusterIssue, type ClusterParams, type ResolvedClusterParams } from './params.js';
import { sampleIndices, silhouetteScores } from './silhouette.js';

export interface FeatureSummary {
  readonly key: string;
  readonly kind: FeatureKind;
  readonly category?: string;
  readonly transform: 'log1p' | 'none';
  /** false: every customer has the same value, so it was left out of the clustering. */
  readonly used: boolean;
  /** Mean and population std after the transform (the z-score's centre and scale); null when not used. */
  readonly mean: number | null;
  readonly std: number | null;
}

export interface Candidate {
  readonly k: number;
  readonly inertia: number;
  readonly silhouette: number | null;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface ClusterSummary {
  /** 1 … k, by size descending. */
  readonly cluster: number;
  readonly customers: number;
  readonly share: number;
  readonly zh: string;
  readonly en: string;
  /** The features the description names, strongest first, with their mean z-score. */
  readonly traits: readonly { key: string; z: number }[];
  /** The cluster centre: mean z-score per used feature. */
  readonly z: Record<string, number>;
  /** Raw means per feature (all features, before the transform). */
  readonly means: Record<string, number>;
}

export interface ClusterResult {
  readonly params: ResolvedClusterParams;
  readonly customers: number;
  readonly k: number;
  readonly chosenBy: 'given' | 'silhouette';
  readonly features: FeatureSummary[];
  /** Every k tried (one when k was given). */
  readonly candidates: Candidate[];
  readonly inertia: number;
  readonly silhouette: number | null;
  /** Customers the silhouette was computed on (all of them when customers ≤ params.silhouetteSample). */
  readonly silhouetteSample: number;
  readonly clusters: ClusterSummary[];
  /** The feature statements that ran (base features; category mix when there are order lines), with their bound parameters. */
  readonly sql: { base: string; mix?: string };
  readonly sqlParams: { base: SqlValue[]; mix?: SqlValue[] };
  /** Wall time per stage, ms; `cpu`: process CPU time (user + system, all threads, DuckDB's included) per stage, ms. */
  readonly timings: { features: number; standardise: number; kmeans: number; silhouette: number; describe: number; cpu: { features: number; standardise: number; kmeans: number; silhouette: number; describe: number } };
  readonly ms: number;
  /** Per customer (customer_id order): its cluster 1 … k and its raw feature values (one array per feature). Not part of the JSON output. */
  readonly assignment: { readonly customerIds: readonly string[]; readonly clusters: Int32Array; readonly values: readonly Float64Array[] };
}

/** Validates and fills the as-of default. Throws ClusterError. */
export async function prepareCluster(wh: Warehouse, params: ClusterParams): Promise<ResolvedClusterParams> {
  const issues = validateClusterParams(params);
  if (issues.length) throw new ClusterError(issues);
  let asOf = params.asOf;
  if (!asOf) {
    const d = await defaultAsOf(wh, params.from);
    if (!d) throw new ClusterError([{ code: 'empty_window', field: params.from ? 'from' : 'asOf', message: `no counted orders of known customers${params.from ? ` since ${params.from}` : ''}: nothing to cluster` }]);
    asOf = d;
  }
  const p = resolveClusterParams(params, asOf);
  if (p.from && p.from >= p.asOf) throw new ClusterError([{ code: 'from_not_before_as_of', field: 'from', message: `from: ${p.from} must be before asOf ${p.asOf}` }]);
  return p;
}

/** The k values to try, checked against the number of customers n. */
function kValues(p: ResolvedClusterParams, n: number): number[] {
  const fail = (i: ClusterIssue) => {
    throw new ClusterError([i]);
  };
  if (p.k !== null) {
    if (p.k > n) fail({ code: 'k_exceeds_customers', field: 'k', message: `k: ${p.k} clusters need at least ${p.k} customers; the window has ${n}` });
    return [p.k];
  }
  // silhouette needs 2 ≤ k ≤ n − 1
  const hi = Math.min(p.kRange[1], n - 1);
  if (p.kRange[0] > hi) fail({ code: n < 3 ? 'too_few_customers' : 'k_exceeds_customers', field: 'kRange', message: `kRange: choosing k from ${p.kRange[0]}..${p.kRange[1]} by silhouette needs at least ${p.kRange[0] + 1} customers; the window has ${n}` });
  const ks: number[] = [];
  for (let k = p.kRange[0]; k <= hi; k++) ks.push(k);
  return ks;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** Clusters, relabelled 1 … k by size descending, with profiles and descriptions. */
function summarise(t: FeatureTable, s: Standardised, labels: Int32Array, k: number): { clusters: ClusterSummary[]; relabel: Int32Array } {
  const n = s.n;
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i] as number]! += 1;
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
  const relabel = new Int32Array(k);
  order.forEach((j, r) => (relabel[j] = r + 1));
  const F = t.defs.length;
  const sums = new Float64Array(k * F);
  const zsums = new Float64Array(k * s.d);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    for (let f = 0; f < F; f++) sums[c * F + f]! += t.columns[f]![i] as number;
    for (let u = 0; u < s.d; u++) zsums[c * s.d + u]! += s.X[i * s.d + u] as number;
  }
  const rec = t.columns[t.defs.findIndex((x) => x.kind === 'recency')]!;
  const freq = t.columns[t.defs.findIndex((x) => x.kind === 'frequency')]!;
  const byCluster = order.map((j) => {
    const r = new Float64Array(sizes[j] as number);
    const q = new Float64Array(sizes[j] as number);
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] !== j) continue;
      r[m] = rec[i] as number;
      q[m++] = freq[i] as number;
    }
    return { r: r.sort(), q: q.sort() };
  });
  const usedDefs = s.used.map((f) => t.defs[f]!);
  const clusters = order.map((j, idx): ClusterSummary => {
    const size = sizes[j] as number;
    const z = s.used.map((_, u) => (size ? (zsums[j * s.d + u] as number) / size : 0));
    const means = t.defs.map((_, f) => (size ? (sums[j * F + f] as number) / size : 0));
    const desc = describeCluster({
      z,
      defs: usedDefs,
      means: s.used.map((f) => means[f] as number),
      recencyP25: quantile(byCluster[idx]!.r, 0.25),
      recencyP75: quantile(byCluster[idx]!.r, 0.75),
      medianFrequency: quantile(byCluster[idx]!.q, 0.5),
    });
    return {
      cluster: idx + 1,
      customers: size,
      share: n ? size / n : 0,
      zh: size ? desc.zh : '（空）',
      en: size ? desc.en : '(empty)',
      traits: desc.features,
      z: Object.fromEntries(usedDefs.map((d, u) => [d.key, z[u] as number])),
      means: Object.fromEntries(t.defs.map((d, f) => [d.key, means[f] as number])),
    };
  });
  return { clusters, relabel };
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function runCluster(wh: Warehouse, params: ClusterParams): Promise<ClusterResult> {
  const p = await prepareCluster(wh, params);
  const c0 = cpu();
  const t0 = performance.now();
  const table = await extractFeatures(wh, p);
  const t1 = performance.now();
  const c1 = cpu();
  const n = table.customerIds.length;
  if (n === 0) throw new ClusterError([{ code: 'empty_window', field: p.from ? 'from' : 'asOf', message: `no counted orders of known customers in ${p.from ?? 'all history'} … ${p.asOf} (orders before the as-of day count): nothing to cluster` }]);
  const ks = kValues(p, n);
  const s = standardise(table);
  const t2 = performance.now();
  const c2 = cpu();
  if (s.d === 0) throw new ClusterError([{ code: 'no_variation', field: p.from ? 'from' : 'asOf', message: `all ${n} customers have the same features in this window: there is nothing to cluster` }]);
  // restarts on worker threads for large inputs (the result does not depend on how many)
  const workers = s.n * s.d >= 1_000_000 ? availableParallelism() : 1;
  const runs: KMeansResult[] = [];
  for (const k of ks) runs.push(await kmeansParallel(s.X, s.n, s.d, { k, seed: p.seed, restarts: p.restarts, maxIter: p.maxIter, tol: p.tol }, workers));
  const t3 = performance.now();
  const c3 = cpu();
  const sample = sampleIndices(n, p.silhouetteSample, p.seed);
  const scored = ks.map((k, i) => ({ k, i })).filter((x) => x.k <= n - 1);
  const scores = silhouetteScores(s.X, s.d, scored.map((x) => runs[x.i]!.labels), scored.map((x) => x.k), sample);
  const sil = ks.map((k) => {
    const j = scored.findIndex((x) => x.k === k);
    return j < 0 ? null : (scores[j] ?? null);
  });
  const t4 = performance.now();
  const c4 = cpu();
  let best = 0;
  if (ks.length > 1) for (let i = 1; i < ks.length; i++) if ((sil[i] ?? -Infinity) > (sil[best] ?? -Infinity)) best = i;
  const k = ks[best]!;
  const run = runs[best]!;
  const { clusters, relabel } = summarise(table, s, run.labels, k);
  const assigned = run.labels.map((l) => relabel[l] as number);
  const t5 = performance.now();
  const c5 = cpu();
  return {
    params: p,
    customers: n,
    k,
    chosenBy: p.k !== null ? 'given' : 'silhouette',
    features: table.defs.map((d, f) => {
      const u = s.used.indexOf(f);
      return { key: d.key, kind: d.kind, ...(d.category ? { category: d.category } : {}), transform: d.log ? 'log1p' : 'none', used: u >= 0, mean: u >= 0 ? s.mean[u]! : null, std: u >= 0 ? s.std[u]! : null };
    }),
    candidates: ks.map((kk, i) => ({ k: kk, inertia: runs[i]!.inertia, silhouette: sil[i] ?? null, iterations: runs[i]!.iterations, converged: runs[i]!.converged })),
    inertia: run.inertia,
    silhouette: sil[best] ?? null,
    silhouetteSample: sample.length,
    clusters,
    sql: table.sql,
    sqlParams: table.params,
    timings: { features: t1 - t0, standardise: t2 - t1, kmeans: t3 - t2, silhouette: t4 - t3, describe: t5 - t4, cpu: { features: c1 - c0, standardise: c2 - c1, kmeans: c3 - c2, silhouette: c4 - c3, describe: c5 - c4 } },
    ms: t5 - t0,
    assignment: { customerIds: table.customerIds, clusters: assigned, values: table.columns },
  };
}

/** Stores each customer's cluster for the as-of date in tm_cluster, replacing that date's earlier result, in one transaction. Returns the rows written. */
export async function saveCluster(wh: Warehouse, r: ClusterResult): Promise<number> {
  const { customerIds, clusters } = r.assignment;
  return wh.transaction(async (tx) => {
    await tx.run(`DELETE FROM tm_cluster WHERE as_of = CAST($1 AS DATE)`, [r.params.asOf]);
    await tx.run(`CREATE OR REPLACE TEMP TABLE tm_cluster_load (customer_id VARCHAR, cluster INTEGER)`);
    const CHUNK = 100_000;
    for (let i = 0; i < customerIds.length; i += CHUNK) {
      const rows: SqlValue[][] = [];
      for (let j = i; j < Math.min(i + CHUNK, customerIds.length); j++) rows.push([customerIds[j]!, clusters[j]!]);
      await tx.append('tm_cluster_load', rows);
    }
    const values: SqlValue[] = [r.params.asOf, r.params.from, r.k];
    const named = r.clusters.map((c) => {
      values.push(c.cluster, c.zh, c.en);
      const at = values.length;
      return `(CAST($${at - 2} AS INTEGER), $${at - 1}, $${at})`;
    });
    await tx.run(
      `INSERT INTO tm_cluster (customer_id, as_of, window_from, k, cluster, description_zh, description_en, computed_at)
SELECT l.customer_id, CAST($1 AS DATE), CAST($2 AS DATE), $3, l.cluster, d.zh, d.en, CAST(now() AS TIMESTAMP)
FROM tm_cluster_load l JOIN (VALUES ${named.join(', ')}) d(cluster, zh, en) ON d.cluster = l.cluster`,
      values,
    );
    await tx.run(`DROP TABLE tm_cluster_load`);
    const n = (await tx.query(`SELECT count(*) AS n FROM tm_cluster WHERE as_of = CAST($1 AS DATE)`, [r.params.asOf])).rows[0]?.n;
    return Number(n ?? 0);
  });
}
