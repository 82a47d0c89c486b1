import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFile } from '../../src/import/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';

/** One measured run in its own process, so peak RSS is that run's alone. */
const [mode, file, db] = process.argv.slice(2);
if (!mode || !file || !db) throw new Error('usage: child.js baseline|tidemark FILE DB');
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
const t0 = performance.now();
let extra: Record<string, unknown> = {};
if (mode === 'baseline') {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  await c.run(`CREATE TABLE lines AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`);
  c.closeSync();
  inst.closeSync();
} else {
  const wh = await openWarehouse({ path: db });
  const r = await importFile(wh, { file, entity: 'sales_lines' });
  await wh.close();
  extra = { rowsRead: r.rowsRead, loaded: r.loaded, merged: r.merged, quarantined: r.quarantined, tables: r.tables };
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ mode, seconds, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), ...extra }) + '\n');
