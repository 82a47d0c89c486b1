/**
 * Mean silhouette width (Rousseeuw 1987) with Euclidean distances: for a point i in cluster A,
 * a(i) = mean distance to the other members of A, b(i) = the smallest mean distance to the members of
 * another cluster, s(i) = (b − a) / max(a, b), and s(i) = 0 when i is alone in its cluster. The score is the
 * mean of s(i). Exact on all points up to `sampleSize`; above that, on a seeded sample of `sampleSize`
 * points drawn without replacement, the points and their distances counted only within the sample
 * (as scikit-learn's silhouette_score(sample_size=…)).
 */
import { Rng } from '../../demo/random.js';

/** The first `size` indices of a seeded random permutation of 0…n−1 (all of them, in order, when size ≥ n). */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed, 'silhouette sample');
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = t;
  }
  return perm.slice(0, size);
}

/**
 * Silhouette of several labellings of the same points at once (the pairwise distances are computed once):
 * `labelings[t]` gives each of the n points a cluster 0…ks[t]−1. Returns one score per labelling, null when
 * the points in `sample` fall in fewer than 2 clusters or every point is its own cluster.
 */
export function silhouetteScores(X: Float64Array, d: number, labelings: readonly Int32Array[], ks: readonly number[], sample: Int32Array): (number | null)[] {
  const s = sample.length;
  const T = labelings.length;
  // sums[t][i * k + c]: summed distance of sample point i to the sample points of cluster c under labelling t
  const sums = ks.map((k) => new Float64Array(s * k));
  const counts = ks.map((k) => new Float64Array(k));
  const lab = labelings.map((l) => Int32Array.from(sample, (i) => l[i] as number));
  for (let t = 0; t < T; t++) for (let i = 0; i < s; i++) counts[t]![lab[t]![i] as number]! += 1;
  // the sample's rows, contiguous: the pair loop then stays in cache
  const Y = new Float64Array(s * d);
  for (let i = 0; i < s; i++) Y.set(X.subarray((sample[i] as number) * d, (sample[i] as number) * d + d), i * d);
  const row = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    const a = i * d;
    for (let j = i + 1; j < s; j++) {
      const b = j * d;
      let v = 0;
      for (let u = 0; u < d; u++) {
        const x = (Y[a + u] as number) - (Y[b + u] as number);
        v += x * x;
      }
      row[j] = Math.sqrt(v);
    }
    for (let t = 0; t < T; t++) {
      const k = ks[t] as number;
      const L = lab[t]!;
      const S = sums[t]!;
      const li = L[i] as number;
      const oi = i * k;
      for (let j = i + 1; j < s; j++) {
        const dist = row[j] as number;
        S[oi + (L[j] as number)]! += dist;
        S[j * k + li]! += dist;
      }
    }
  }
  return ks.map((k, t) => {
    const cnt = counts[t]!;
    const used = cnt.filter((c) => c > 0).length;
    if (used < 2 || used >= s) return null;
    const L = lab[t]!;
    const S = sums[t]!;
    let total = 0;
    for (let i = 0; i < s; i++) {
      const own = L[i] as number;
      const nOwn = cnt[own] as number;
      if (nOwn <= 1) continue;
      const a = (S[i * k + own] as number) / (nOwn - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) {
        if (c === own || (cnt[c] as number) === 0) continue;
        const m = (S[i * k + c] as number) / (cnt[c] as number);
        if (m < b) b = m;
      }
      const den = Math.max(a, b);
      if (den > 0) total += (b - a) / den;
    }
    return total / s;
  });
}
