/** A k-means worker thread (kmeansParallel in kmeans.ts): runs its share of a stage's starts on the shared matrix. */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type KMeansRun, type WorkerReply, type WorkerTask } from './kmeans.js';

const t = workerData as WorkerTask;
const X = new Float64Array(t.buffer, 0, t.n * t.d);
let best: (KMeansRun & { r: number }) | undefined;
const runs: WorkerReply['runs'][number][] = [];
for (const job of t.jobs) {
  const run = runJob(X, t.n, t.d, t.k, t.seed, t.stage, job, t.maxIter, t.tolAbs);
  runs.push({ r: job.r, inertia: run.inertia, centers: run.centers });
  if (!best || run.inertia < best.inertia) best = { ...run, r: job.r };
}
const reply: WorkerReply = { runs, best: best! };
parentPort!.postMessage(reply, [best!.labels.buffer as ArrayBuffer]);
