import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/**
 * bench/cluster: `tidemark cluster` on the demo warehouse, each run in its own process (peak RSS is that run's):
 * k given (default 6), then k chosen by silhouette over 2..8; per stage wall and CPU time. Then scikit-learn's
 * KMeans(n_clusters=k, n_init=10, random_state=0) on the same standardised matrix (the peer): its inertia and time.
 * Usage: npm run bench:cluster -- [warehouse.duckdb] [k]
 *   default warehouse: bench/out/reports/demo-s42-c1000000.duckdb (build it with `npm run bench:reports`).
 * DuckDB spills next to the warehouse file (<db>.tmp), so point it at a copy you own.
 */
const db = process.argv[2] ?? join('bench', 'out', 'reports', 'demo-s42-c1000000.duckdb');
const k = Number(process.argv[3] ?? 6);
if (!existsSync(db)) throw new Error(`no warehouse at ${db}`);
const out = join(process.cwd(), 'bench', 'out', 'cluster');
mkdirSync(out, { recursive: true });
const matrix = join(out, 'matrix.f64');
const child = new URL('./child.js', import.meta.url).pathname;
const PY = '/usr/bin/python3';
const oracle = new URL('../../../src/analyses/cluster/sklearn_oracle.py', import.meta.url).pathname;

interface ChildOut {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  matrix?: { n: number; d: number };
  customers: number;
  k: number;
  inertia: number;
  silhouette: number | null;
  silhouetteSample: number;
  candidates: { k: number; inertia: number; silhouette: number | null; iterations: number }[];
  timings: Record<string, number> & { cpu: Record<string, number> };
}
const run = (mode: string, withMatrix: boolean): ChildOut => {
  console.error(`tidemark cluster ${mode} …`);
  return JSON.parse(execFileSync(process.execPath, [child, db, mode, ...(withMatrix ? [matrix] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 })) as ChildOut;
};
const load0 = loadavg()[0]!;
const given = run(`k=${k}`, true);
const ranged = run('range=2..8', false);
console.error('scikit-learn KMeans …');
const sk = JSON.parse(execFileSync(PY, [oracle, matrix, String(given.matrix!.n), String(given.matrix!.d), String(k)], { encoding: 'utf8' })) as { inertia: number; seconds: number; n_iter: number; max_rss_mb: number };
const load1 = loadavg()[0]!;

const s = (ms: number) => (ms / 1000).toFixed(1);
const stages = ['features', 'standardise', 'kmeans', 'silhouette', 'describe'];
const lines = [
  `Warehouse: ${db} · ${given.customers.toLocaleString('en-US')} customers clustered · ${given.matrix!.d} features · ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}) · load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
  '',
  '| run | features | standardise | k-means (per k: 50 subsample starts + 3 refined, restarts 10) | silhouette | describe | total wall | total CPU | peak RSS |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...[
    [`k = ${k}`, given],
    [`k by silhouette over 2..8 (chose ${ranged.k})`, ranged],
  ].map(([name, r]) => {
    const x = r as ChildOut;
    return `| ${name as string} | ${stages.map((st) => `${s(x.timings[st]!)} s (CPU ${s(x.timings.cpu[st]!)})`).join(' | ')} | ${s(x.wallMs)} s | ${s(x.cpuMs)} s | ${Math.round(x.rssMb)} MB |`;
  }),
  '',
  `| k = ${k} on the same standardised matrix | inertia | time | peak RSS |`,
  '| --- | ---: | ---: | ---: |',
  `| Tidemark (seed 0, restarts 10: subsample start) | ${given.inertia.toFixed(1)} | ${s(given.timings.kmeans!)} s | (the run above) |`,
  `| scikit-learn KMeans(n_init=10, random_state=0) | ${sk.inertia.toFixed(1)} | ${sk.seconds.toFixed(1)} s (${sk.n_iter} iterations in the best run) | ${Math.round(sk.max_rss_mb)} MB |`,
  `| ratio Tidemark / scikit-learn | ${(given.inertia / sk.inertia).toFixed(5)} | ${(given.timings.kmeans! / 1000 / sk.seconds).toFixed(2)}× | |`,
  '',
  `Silhouette by k (sample of ${ranged.silhouetteSample.toLocaleString('en-US')}): ${ranged.candidates.map((c) => `${c.k}: ${c.silhouette?.toFixed(3) ?? '—'}`).join(', ')}.`,
];
const md = lines.join('\n');
console.log(md);
writeFileSync(join(out, 'results.md'), md + '\n');
writeFileSync(join(out, 'results.json'), JSON.stringify({ db, k, load: [load0, load1], given, ranged, sklearn: sk }, null, 2) + '\n');
