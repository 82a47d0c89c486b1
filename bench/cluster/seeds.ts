import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kmeansParallel } from '../../src/analyses/cluster/kmeans.js';

/**
 * bench/cluster/seeds: the spread of the best-of-10 inertia over seeds, Tidemark (seed s) against scikit-learn
 * (random_state s), on the standardised matrix the last `npm run bench:cluster` wrote: the ratio to scikit-learn with the
 * same seed (the bar: ≤ 1.01) and to the best scikit-learn inertia of the seeds; our k-means wall and CPU
 * seconds (all threads) on 2 worker threads. Writes bench/out/cluster/seeds-k<k>.md.
 * Usage: node dist/bench/cluster/seeds.js [k] [seeds]   (default 6, 5)
 */
const k = Number(process.argv[2] ?? 6);
const seeds = Number(process.argv[3] ?? 5);
const out = join(process.cwd(), 'bench', 'out', 'cluster');
const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { given: { matrix: { n: number; d: number } } };
const { n, d } = results.given.matrix;
const buf = readFileSync(join(out, 'matrix.f64'));
const X = new Float64Array(new SharedArrayBuffer(n * d * 8));
X.set(new Float64Array(buf.buffer, buf.byteOffset, n * d));
const oracle = new URL('../../../src/analyses/cluster/sklearn_oracle.py', import.meta.url).pathname;
const rows: { seed: number; ours: number; oursS: number; oursCpu: number; sk: number; skS: number }[] = [];
for (let s = 0; s < seeds; s++) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const r = await kmeansParallel(X, n, d, { k, seed: s, restarts: 10, maxIter: 300, tol: 1e-4 }, 2);
  const oursS = (performance.now() - t) / 1000;
  const cu = process.cpuUsage(c0);
  const oursCpu = (cu.user + cu.system) / 1e6;
  const sk = JSON.parse(execFileSync('/usr/bin/python3', [oracle, join(out, 'matrix.f64'), String(n), String(d), String(k), '--random-state', String(s)], { encoding: 'utf8' })) as { inertia: number; seconds: number };
  rows.push({ seed: s, ours: r.inertia, oursS, oursCpu, sk: sk.inertia, skS: sk.seconds });
  console.error(`seed ${s}: ${r.inertia.toFixed(1)} vs ${sk.inertia.toFixed(1)}`);
}
const best = Math.min(...rows.map((r) => r.sk));
const lines = [
  `| seed | Tidemark inertia | ÷ scikit-learn, same seed | ÷ best scikit-learn | time (CPU) | scikit-learn inertia | ÷ best scikit-learn | time |`,
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.seed} | ${r.ours.toFixed(1)} | ${(r.ours / r.sk).toFixed(5)} | ${(r.ours / best).toFixed(4)} | ${r.oursS.toFixed(1)} s (${r.oursCpu.toFixed(1)} s) | ${r.sk.toFixed(1)} | ${(r.sk / best).toFixed(4)} | ${r.skS.toFixed(1)} s |`),
];
console.log(lines.join('\n'));
writeFileSync(join(out, `seeds-k${k}.md`), lines.join('\n') + '\n');
