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
  /** Overrides of the subsample start (defaults SAMPLE_FROM, SAMPLE_SIZE, restarts × SAMPLE_RESTARTS_PER_RESTART, SAMPLE_CANDIDATES). */
  readonly sampleFrom?: number;
  readonly sampleSize?: number;
  readonly sampleRestarts?: number;
  readonly candidates?: number;
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
  /** Full-data inertia of every start, in order: the restarts, or (subsample start) the refined candidates. */
  readonly inertias: readonly number[];
  /** With the subsample start: its size and the inertia (on the subsample) of every start there. */
  readonly sample?: { readonly size: number; readonly inertias: readonly number[] };
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

/** Which starts a stage runs: 'restarts' and 'sample' draw k-means++ starts (each its own generator), 'refine' runs Lloyd from given centres. */
export type Stage = 'restarts' | 'sample' | 'refine';

/** One start of a stage: number r, and for 'refine' the centres to start from. */
export interface Job {
  readonly r: number;
  readonly init?: Float64Array;
}

/** One start: k-means++ from the start's own seeded generator (or the given centres), then Lloyd. */
export function runJob(X: Float64Array, n: number, d: number, k: number, seed: number, stage: Stage, job: Job, maxIter: number, tolAbs: number): KMeansRun {
  const init = job.init ?? kmeansPlusPlus(X, n, d, k, new Rng(seed, stage === 'sample' ? `kmeans k=${k} sample restart=${job.r}` : `kmeans k=${k} restart=${job.r}`));
  return lloyd(X, n, d, k, init, maxIter, tolAbs);
}

/** One plain restart (stage 'restarts'). */
export function restart(X: Float64Array, n: number, d: number, k: number, seed: number, r: number, maxIter: number, tolAbs: number): KMeansRun {
  return runJob(X, n, d, k, seed, 'restarts', { r }, maxIter, tolAbs);
}

function check(n: number, k: number): void {
  if (!(k >= 1 && k <= n)) throw new RangeError(`k-means: k = ${k} needs 1 ≤ k ≤ n = ${n}`);
}

/** From this many rows up, kmeans() starts from a subsample (see sampleStart); below, plain restarts as scikit-learn. */
export const SAMPLE_FROM = 50_000;
/** Rows in the subsample (all rows when there are fewer). */
export const SAMPLE_SIZE = 100_000;
/** k-means++ starts on the subsample per requested restart. */
export const SAMPLE_RESTARTS_PER_RESTART = 5;
/** Distinct subsample solutions refined on all rows. */
export const SAMPLE_CANDIDATES = 3;

/** How kmeans() starts for n rows: plain restarts, or the subsample plan. */
export interface SamplePlan {
  /** Rows in the subsample. */
  readonly size: number;
  /** k-means++ starts on it. */
  readonly restarts: number;
  /** Best distinct subsample solutions refined on all rows. */
  readonly candidates: number;
}

export function samplePlan(n: number, opts: KMeansOptions): SamplePlan | undefined {
  if (n < (opts.sampleFrom ?? SAMPLE_FROM)) return undefined;
  return {
    size: Math.min(n, opts.sampleSize ?? SAMPLE_SIZE),
    restarts: opts.sampleRestarts ?? opts.restarts * SAMPLE_RESTARTS_PER_RESTART,
    candidates: opts.candidates ?? SAMPLE_CANDIDATES,
  };
}

/** The subsample: `size` distinct rows drawn by a seeded partial Fisher–Yates shuffle (the same for every k), in row order, copied into `into`. */
export function drawSample(X: Float64Array, n: number, d: number, size: number, seed: number, into: Float64Array): Float64Array {
  let idx: Int32Array;
  if (size >= n) idx = Int32Array.from({ length: n }, (_, i) => i);
  else {
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    const rng = new Rng(seed, 'kmeans sample');
    for (let i = 0; i < size; i++) {
      const j = i + rng.int(n - i);
      const t = perm[i] as number;
      perm[i] = perm[j] as number;
      perm[j] = t;
    }
    idx = perm.slice(0, size).sort();
  }
  for (let i = 0; i < idx.length; i++) {
    const r = (idx[i] as number) * d;
    into.set(X.subarray(r, r + d), i * d);
  }
  return into;
}

/** Subsample solutions whose inertias differ by less than this (relative) count as the same local minimum. */
export const SAME_MINIMUM = 1e-5;

/**
 * The centres to refine: the `count` lowest-inertia subsample solutions (lowest r first on ties), skipping one
 * within SAME_MINIMUM of the last one taken: several starts usually reach the same local minimum, and refining
 * it twice would spend a candidate.
 */
export function pickCandidates(runs: readonly { r: number; inertia: number; centers: Float64Array }[], count: number): Float64Array[] {
  const sorted = [...runs].sort((a, b) => a.inertia - b.inertia || a.r - b.r);
  const out: Float64Array[] = [];
  let last = -Infinity;
  for (const x of sorted) {
    if (out.length >= count) break;
    if (x.inertia - last <= SAME_MINIMUM * Math.abs(x.inertia)) continue;
    out.push(x.centers);
    last = x.inertia;
  }
  return out;
}

/** A stage's outcome: every start's inertia (by r) and the best start (lowest inertia, lowest r on ties). */
export interface StageResult {
  readonly runs: readonly { r: number; inertia: number; centers: Float64Array }[];
  readonly best: KMeansRun & { readonly r: number };
}

function runStage(X: Float64Array, n: number, d: number, k: number, seed: number, stage: Stage, jobs: readonly Job[], maxIter: number, tolAbs: number): StageResult {
  const runs: { r: number; inertia: number; centers: Float64Array }[] = [];
  let best: (KMeansRun & { r: number }) | undefined;
  for (const job of jobs) {
    const run = runJob(X, n, d, k, seed, stage, job, maxIter, tolAbs);
    runs.push({ r: job.r, inertia: run.inertia, centers: run.centers });
    if (!best || run.inertia < best.inertia) best = { ...run, r: job.r };
  }
  return { runs, best: best! };
}

function result(best: KMeansRun, runs: StageResult['runs'], sample?: StageResult['runs'], plan?: SamplePlan): KMeansResult {
  const { centers, labels, inertia, iterations, converged } = best;
  return { centers, labels, inertia, iterations, converged, inertias: runs.map((x) => x.inertia), ...(sample && plan ? { sample: { size: plan.size, inertias: sample.map((x) => x.inertia) } } : {}) };
}

/**
 * k-means. Below SAMPLE_FROM rows: `restarts` k-means++ starts on all rows, each from its own generator (seed,
 * k, restart number), the lowest inertia wins (the first on ties). From SAMPLE_FROM rows up, the start is
 * chosen on a subsample (Bradley & Fayyad 1998, see the module doc): `restarts` × 5 k-means++ + Lloyd runs on
 * a seeded subsample of SAMPLE_SIZE rows, then Lloyd on all rows from each of the 3 best distinct subsample
 * solutions; the lowest full-data inertia wins.
 */
export function kmeans(X: Float64Array, n: number, d: number, opts: KMeansOptions): KMeansResult {
  check(n, opts.k);
  const { k, seed, maxIter } = opts;
  const plan = samplePlan(n, opts);
  if (!plan) {
    const s = runStage(X, n, d, k, seed, 'restarts', jobsOf(opts.restarts), maxIter, absoluteTol(X, n, d, opts.tol));
    return result(s.best, s.runs);
  }
  const S = drawSample(X, n, d, plan.size, seed, new Float64Array(plan.size * d));
  const sample = runStage(S, plan.size, d, k, seed, 'sample', jobsOf(plan.restarts), maxIter, absoluteTol(S, plan.size, d, opts.tol));
  const inits = pickCandidates(sample.runs, plan.candidates);
  const full = runStage(X, n, d, k, seed, 'refine', inits.map((init, r) => ({ r, init })), maxIter, absoluteTol(X, n, d, opts.tol));
  return result(full.best, full.runs, sample.runs, plan);
}

const jobsOf = (count: number): Job[] => Array.from({ length: count }, (_, r) => ({ r }));

/** What a worker is given (worker.ts): the matrix in shared memory and the starts to run. */
export interface WorkerTask {
  readonly buffer: SharedArrayBuffer;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly seed: number;
  readonly stage: Stage;
  readonly jobs: readonly Job[];
  readonly maxIter: number;
  readonly tolAbs: number;
}

/** What a worker returns: every start's inertia and centres, and its best run. */
export type WorkerReply = StageResult;

const WORKER = new URL('./worker.js', import.meta.url);

function shareOf(X: Float64Array, length: number): Float64Array {
  if (X.buffer instanceof SharedArrayBuffer) return X;
  const s = new Float64Array(new SharedArrayBuffer(length * 8));
  s.set(X.subarray(0, length));
  return s;
}

/** runStage on w worker threads: start number i of the list on worker i mod w; the same result for any w. */
async function runStageParallel(X: Float64Array, n: number, d: number, k: number, seed: number, stage: Stage, jobs: readonly Job[], maxIter: number, tolAbs: number, workers: number): Promise<StageResult> {
  const w = Math.min(workers, jobs.length);
  if (w <= 1) return runStage(X, n, d, k, seed, stage, jobs, maxIter, tolAbs);
  const replies = await Promise.all(
    Array.from({ length: w }, (_, i) => {
      const task: WorkerTask = { buffer: X.buffer as SharedArrayBuffer, n, d, k, seed, stage, jobs: jobs.filter((_, j) => j % w === i), maxIter, tolAbs };
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
  const runs = replies.flatMap((x) => x.runs).sort((a, b) => a.r - b.r);
  const best = replies.map((x) => x.best).sort((a, b) => a.inertia - b.inertia || a.r - b.r)[0]!;
  return { runs, best };
}

/**
 * kmeans() with the starts spread over worker threads. Each start has its own generator (or its given centres),
 * so the result is the same for any number of workers. Runs in this thread when w ≤ 1 or the compiled worker
 * is not there (tests run from the TypeScript sources).
 */
export async function kmeansParallel(X: Float64Array, n: number, d: number, opts: KMeansOptions, workers: number): Promise<KMeansResult> {
  check(n, opts.k);
  if (workers <= 1 || !existsSync(fileURLToPath(WORKER))) return kmeans(X, n, d, opts);
  const { k, seed, maxIter } = opts;
  const plan = samplePlan(n, opts);
  const shared = shareOf(X, n * d);
  if (!plan) {
    const s = await runStageParallel(shared, n, d, k, seed, 'restarts', jobsOf(opts.restarts), maxIter, absoluteTol(shared, n, d, opts.tol), workers);
    return result(s.best, s.runs);
  }
  const S = drawSample(shared, n, d, plan.size, seed, new Float64Array(new SharedArrayBuffer(plan.size * d * 8)));
  const sample = await runStageParallel(S, plan.size, d, k, seed, 'sample', jobsOf(plan.restarts), maxIter, absoluteTol(S, plan.size, d, opts.tol), workers);
  const inits = pickCandidates(sample.runs, plan.candidates);
  const full = await runStageParallel(shared, n, d, k, seed, 'refine', inits.map((init, r) => ({ r, init })), maxIter, absoluteTol(shared, n, d, opts.tol), workers);
  return result(full.best, full.runs, sample.runs, plan);
}
