import { writeFileSync } from 'node:fs';
import { extractFeatures, prepareCluster, runCluster, standardise } from '../../src/analyses/cluster/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';

/**
 * One measured clustering run in its own process (so maxRSS is this run's): `k=<k>` or `range=<lo>..<hi>`.
 * With a third argument, also writes the standardised matrix there (float64, row-major) after the run.
 * Prints JSON on stdout.
 */
const [db, mode, matrixOut] = process.argv.slice(2) as [string, string, string | undefined];
const wh = await openWarehouse({ path: db, readOnly: true });
try {
  const m = /^k=(\d+)$/.exec(mode);
  const r = /^range=(\d+)\.\.(\d+)$/.exec(mode);
  const params = m ? { k: Number(m[1]) } : { kRange: [Number(r![1]), Number(r![2])] as [number, number] };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await runCluster(wh, params);
  const wall = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  const cpuMs = (cu.user + cu.system) / 1000;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  let matrix: { n: number; d: number } | undefined;
  if (matrixOut) {
    const p = await prepareCluster(wh, params);
    const s = standardise(await extractFeatures(wh, p));
    writeFileSync(matrixOut, new Uint8Array(s.X.buffer, s.X.byteOffset, s.X.byteLength));
    matrix = { n: s.n, d: s.d };
  }
  const { assignment: _a, sql: _s, sqlParams: _p, ...rest } = res;
  process.stdout.write(JSON.stringify({ wallMs: wall, cpuMs, rssMb, matrix, ...rest }) + '\n');
} finally {
  await wh.close();
}
