/** A k-means worker thread (kmeansParallel in kmeans.ts): runs its share of the restarts on the shared matrix. */
import { parentPort, workerData } from 'node:worker_threads';
import { restart, type KMeansRun, type WorkerReply, type WorkerTask } from './kmeans.js';

const t = workerData as WorkerTask;
const X = new Float64Array(t.buffer, 0, t.n * t.d);
let best: (KMeansRun & { r: number }) | undefined;
const inertias: { r: number; inertia: number }[] = [];
for (const r of t.restarts) {
  const run = restart(X, t.n, t.d, t.k, t.seed, r, t.maxIter, t.tolAbs);
  inertias.push({ r, inertia: run.inertia });
  if (!best || run.inertia < best.inertia) best = { ...run, r };
}
const reply: WorkerReply = { best: best!, inertias };
parentPort!.postMessage(reply, [best!.labels.buffer as ArrayBuffer, best!.centers.buffer as ArrayBuffer]);
