/**
 * k-means on a row-major Float64Array (n rows × d columns): greedy k-means++ seeding (Arthur & Vassilvitskii
 * 2007, with scikit-learn's 2 + ⌊ln k⌋ candidates per step), Lloyd iterations (Lloyd 1982) until the labels
 * stop changing or the summed squared centre shift falls to tol × the mean feature variance (scikit-learn's
 * rule), restarts keeping the lowest inertia.
 *
 * The assignment step uses Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM 2010): an upper
 * bound on each point's distance to its centre and a lower bound on the distance to any other centre let most
 * points skip the scan over all centres. The bounds only skip work whose outcome is already known, so the
 * labels and centres of every iteration are those of plain Lloyd.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Rng } from '../../demo/random.js';

export interface KMeansOptions {
  readonly k: number;
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  /** Relative: the absolute tolerance is tol × the mean of the column variances (as scikit-learn). */
  readonly tol: number;
}

export interface KMeansRun {
  readonly centers: Float64Array;
  readonly labels: Int32Array;
  /** Sum of squared distances of the points to their centre. */
  readonly inertia: number;
  readonly iterations: number;
  /** True when the labels stopped changing (else the centre shift fell below tol, or maxIter ran out). */
  readonly converged: boolean;
}

export interface KMeansResult extends KMeansRun {
  /** Inertia of every restart, in order. */
  readonly inertias: readonly number[];
}

/** Squared distance between row i of X and row j of C. */
function sqDist(X: Float64Array, i: number, C: Float64Array, j: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let t = 0; t < d; t++) {
    const v = (X[a + t] as number) - (C[b + t] as number);
    s += v * v;
  }
  return s;
}

/** The absolute tolerance: tol × mean over columns of the (population) variance. */
export function absoluteTol(X: Float64Array, n: number, d: number, tol: number): number {
  if (tol === 0 || n === 0) return 0;
  let total = 0;
  for (let t = 0; t < d; t++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X[i * d + t] as number;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const x = (X[i * d + t] as number) - mean;
      v += x * x;
    }
    total += v / n;
  }
  return (total / d) * tol;
}

/** Greedy k-means++: the first centre uniformly, each next one the best of 2 + ⌊ln k⌋ D²-weighted candidates. */
export function kmeansPlusPlus(X: Float64Array, n: number, d: number, k: number, rng: Rng): Float64Array {
  const C = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  C.set(X.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    const v = sqDist(X, i, C, 0, d);
    closest[i] = v;
    pot += v;
  }
  const cum = new Float64Array(n);
  let cand = new Float64Array(n);
  let best = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += closest[i] as number;
      cum[i] = s;
    }
    let bestPot = Infinity;
    let bestId = 0;
    for (let t = 0; t < trials; t++) {
      const r = rng.next() * pot;
      // first index with cum > r (numpy searchsorted, side='left' on cum ≥ r would pick a zero-weight row on ties)
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cum[mid] as number) > r) hi = mid;
        else lo = mid + 1;
      }
      const id = lo;
      let p = 0;
      const base = id * d;
      for (let i = 0; i < n; i++) {
        let v = 0;
        const a = i * d;
        for (let u = 0; u < d; u++) {
          const x = (X[a + u] as number) - (X[base + u] as number);
          v += x * x;
        }
        const m = v < (closest[i] as number) ? v : (closest[i] as number);
        cand[i] = m;
        p += m;
      }
      if (p < bestPot) {
        bestPot = p;
        bestId = id;
        [best, cand] = [cand, best];
      }
    }
    C.set(X.subarray(bestId * d, bestId * d + d), c * d);
    [closest, best] = [best, closest];
    pot = bestPot;
  }
  return C;
}

/** Lloyd's iterations from the given centres (copied), with Hamerly's bounds; tolAbs is absolute (see absoluteTol). */
export function lloyd(X: Float64Array, n: number, d: number, k: number, init: Float64Array, maxIter: number, tolAbs: number): KMeansRun {
  const C = Float64Array.from(init);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const shift = new Float64Array(k);
  const half = new Float64Array(k);

  const scan = (i: number): number => {
    let b1 = Infinity;
    let b2 = Infinity;
    let j1 = 0;
    for (let j = 0; j < k; j++) {
      const v = sqDist(X, i, C, j, d);
      if (v < b1) {
        b2 = b1;
        b1 = v;
        j1 = j;
      } else if (v < b2) b2 = v;
    }
    upper[i] = Math.sqrt(b1);
    lower[i] = Math.sqrt(b2);
    const changed = labels[i] !== j1 ? 1 : 0;
    labels[i] = j1;
    return changed;
  };

  // One assignment step; the first is a full scan. Returns the number of labels that changed.
  const assign = (full: boolean): number => {
    let changed = 0;
    if (full) {
      for (let i = 0; i < n; i++) changed += scan(i);
      return changed;
    }
    for (let j = 0; j < k; j++) {
      let m = Infinity;
      for (let j2 = 0; j2 < k; j2++) {
        if (j2 === j) continue;
        const v = sqDist(C, j, C, j2, d);
        if (v < m) m = v;
      }
      half[j] = Math.sqrt(m) / 2;
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i] as number;
      const h = half[a] as number;
      const lb = lower[i] as number;
      const m = h > lb ? h : lb;
      if ((upper[i] as number) <= m) continue;
      const u = Math.sqrt(sqDist(X, i, C, a, d));
      upper[i] = u;
      if (u <= m) continue;
      changed += scan(i);
    }
    return changed;
  };

  let converged = false;
  let iterations = 0;
  for (let it = 0; it < maxIter; it++) {
    const changed = assign(it === 0);
    iterations = it + 1;
    // update step: means of the assigned points
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const a = labels[i] as number;
      counts[a]! += 1;
      const o = a * d;
      const r = i * d;
      for (let t = 0; t < d; t++) sums[o + t]! += X[r + t] as number;
    }
    // An empty cluster takes the point farthest from its centre (scikit-learn's relocation); labels stay.
    for (let j = 0; j < k; j++) {
      if ((counts[j] as number) > 0) continue;
      let far = -1;
      let farD = -1;
      for (let i = 0; i < n; i++) {
        const a = labels[i] as number;
        if ((counts[a] as number) <= 1) continue;
        const v = sqDist(X, i, C, a, d);
        if (v > farD) {
          farD = v;
          far = i;
        }
      }
      if (far < 0) continue;
      const a = labels[far] as number;
      counts[a]! -= 1;
      counts[j] = 1;
      for (let t = 0; t < d; t++) {
        const x = X[far * d + t] as number;
        sums[a * d + t]! -= x;
        sums[j * d + t] = x;
      }
    }
    let shiftTot = 0;
    let max1 = 0;
    let max2 = 0;
    let jMax = -1;
    for (let j = 0; j < k; j++) {
      const cnt = counts[j] as number;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const o = j * d + t;
        const v = cnt > 0 ? (sums[o] as number) / cnt : (C[o] as number);
        const dv = v - (C[o] as number);
        s += dv * dv;
        C[o] = v;
      }
      shiftTot += s;
      const p = Math.sqrt(s);
      shift[j] = p;
      if (p > max1) {
        max2 = max1;
        max1 = p;
        jMax = j;
      } else if (p > max2) max2 = p;
    }
    // the bounds follow the centres: a centre moved by p can be at most p nearer or farther
    for (let i = 0; i < n; i++) {
      const a = labels[i] as number;
      upper[i]! += shift[a] as number;
      lower[i]! -= a === jMax ? max2 : max1;
    }
    if (it > 0 && changed === 0) {
      converged = true;
      break;
    }
    if (shiftTot <= tolAbs) break;
  }
  // Not converged on labels: assign once more to the final centres (scikit-learn does the same).
  if (!converged) assign(false);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(X, i, C, labels[i] as number, d);
  return { centers: C, labels, inertia, iterations, converged };
}

/** One restart: k-means++ from the restart's own seeded generator, then Lloyd. */
export function restart(X: Float64Array, n: number, d: number, k: number, seed: number, r: number, maxIter: number, tolAbs: number): KMeansRun {
  const init = kmeansPlusPlus(X, n, d, k, new Rng(seed, `kmeans k=${k} restart=${r}`));
  return lloyd(X, n, d, k, init, maxIter, tolAbs);
}

function check(n: number, k: number): void {
  if (!(k >= 1 && k <= n)) throw new RangeError(`k-means: k = ${k} needs 1 ≤ k ≤ n = ${n}`);
}

/** k-means with `restarts` k-means++ starts, each from its own generator (seed, k, restart number); the lowest inertia wins (the first on ties). */
export function kmeans(X: Float64Array, n: number, d: number, opts: KMeansOptions): KMeansResult {
  check(n, opts.k);
  const tolAbs = absoluteTol(X, n, d, opts.tol);
  let best: KMeansRun | undefined;
  const inertias: number[] = [];
  for (let r = 0; r < opts.restarts; r++) {
    const run = restart(X, n, d, opts.k, opts.seed, r, opts.maxIter, tolAbs);
    inertias.push(run.inertia);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return { ...best!, inertias };
}

/** What a worker is given (worker.ts): the matrix in shared memory and the restarts to run. */
export interface WorkerTask {
  readonly buffer: SharedArrayBuffer;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly seed: number;
  readonly restarts: readonly number[];
  readonly maxIter: number;
  readonly tolAbs: number;
}

/** What a worker returns: its best run and the inertia of each of its restarts. */
export interface WorkerReply {
  readonly best: KMeansRun & { readonly r: number };
  readonly inertias: readonly { r: number; inertia: number }[];
}

const WORKER = new URL('./worker.js', import.meta.url);

/**
 * kmeans() with the restarts spread over worker threads (restart r on worker r mod w). Each restart has its own
 * generator, so the result is the same for any number of workers. Runs in this thread when w ≤ 1, there is one
 * restart, or the compiled worker is not there (tests run from the TypeScript sources).
 */
export async function kmeansParallel(X: Float64Array, n: number, d: number, opts: KMeansOptions, workers: number): Promise<KMeansResult> {
  check(n, opts.k);
  const w = Math.min(workers, opts.restarts);
  if (w <= 1 || !existsSync(fileURLToPath(WORKER))) return kmeans(X, n, d, opts);
  let shared = X;
  if (!(X.buffer instanceof SharedArrayBuffer)) {
    shared = new Float64Array(new SharedArrayBuffer(n * d * 8));
    shared.set(X.subarray(0, n * d));
  }
  const tolAbs = absoluteTol(shared, n, d, opts.tol);
  const replies = await Promise.all(
    Array.from({ length: w }, (_, i) => {
      const task: WorkerTask = { buffer: shared.buffer as SharedArrayBuffer, n, d, k: opts.k, seed: opts.seed, restarts: Array.from({ length: opts.restarts }, (_, r) => r).filter((r) => r % w === i), maxIter: opts.maxIter, tolAbs };
      return new Promise<WorkerReply>((resolve, reject) => {
        const worker = new Worker(WORKER, { workerData: task });
        worker.once('message', (m: WorkerReply) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    }),
  );
  const inertias = replies.flatMap((x) => x.inertias).sort((a, b) => a.r - b.r);
  const best = replies.map((x) => x.best).sort((a, b) => a.inertia - b.inertia || a.r - b.r)[0]!;
  return { centers: best.centers, labels: best.labels, inertia: best.inertia, iterations: best.iterations, converged: best.converged, inertias: inertias.map((x) => x.inertia) };
}
