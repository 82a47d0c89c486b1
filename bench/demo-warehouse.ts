import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo warehouse the benchmarks share: bench/out/reports/demo-s<seed>-c<customers>.duckdb, built once per seed and
 * size in a child process (so its memory is not the benchmark's), with its summary in the .json next to it.
 */
export function demoWarehouse(customers: number, seed: number): string {
  const dir = join(process.cwd(), 'bench', 'out', 'reports');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `demo-s${seed}-c${customers}`);
  const db = `${base}.duckdb`;
  if (existsSync(`${base}.json`) && existsSync(db)) return db;
  const tmp = `${base}.building.duckdb`;
  console.error(`building the demo warehouse (${customers} customers, seed ${seed}) …`);
  const t = performance.now();
  const summary = execFileSync(process.execPath, [new URL('../src/demo/bench.js', import.meta.url).pathname, String(customers), tmp, String(seed)], { encoding: 'utf8', maxBuffer: 1 << 22 });
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  renameSync(tmp, db);
  if (existsSync(`${tmp}.wal`)) renameSync(`${tmp}.wal`, `${db}.wal`);
  rmSync(`${tmp}.tmp`, { recursive: true, force: true });
  writeFileSync(`${base}.json`, summary);
  console.error(`built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return db;
}
