import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateSalesLines } from './generate.js';

/**
 * bench/import: import+clean of a sales-lines file against a plain DuckDB
 * `CREATE TABLE … AS SELECT * FROM read_csv(…)` of the same file, each in its own process.
 * Usage: npm run bench:import -- [rows ...]   (default 1000000 10000000)
 */
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rowsList = sizes.length ? sizes : [1_000_000, 10_000_000];
const out = join(process.cwd(), 'bench', 'out');
mkdirSync(out, { recursive: true });
const child = new URL('./child.js', import.meta.url).pathname;

function run(mode: string, file: string): Record<string, unknown> {
  const db = join(out, `${mode}.duckdb`);
  const text = execFileSync(process.execPath, [child, mode, file, db], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(text.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

for (const rows of rowsList) {
  const file = join(out, `sales-lines-${rows}.csv`);
  if (!existsSync(file)) {
    const t = performance.now();
    await generateSalesLines(file, rows);
    console.log(`generated ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const base = run('baseline', file);
  const tm = run('tidemark', file);
  const ratio = Number(tm.seconds) / Number(base.seconds);
  console.log(JSON.stringify({ rows, baseline: base, tidemark: tm, ratio: Math.round(ratio * 100) / 100 }));
}
