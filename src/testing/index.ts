import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTITIES } from '../schema/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

/** A scratch folder removed by the returned cleanup. */
export function scratch(prefix = 'tidemark-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function tempWarehouse(): Promise<{ wh: Warehouse; path: string; dir: string; cleanup: () => Promise<void> }> {
  const s = scratch();
  const path = join(s.dir, 'wh.duckdb');
  const wh = await openWarehouse({ path });
  return {
    wh,
    path,
    dir: s.dir,
    cleanup: async () => {
      await wh.close().catch(() => undefined);
      s.cleanup();
    },
  };
}

/** Row count and an order-independent content checksum of every table: equal fingerprints mean equal warehouses. */
export async function fingerprint(wh: Warehouse): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of [...ENTITIES.map((e) => e.name), 'tm_imports', 'tm_quarantine']) {
    const r = (await wh.query(`SELECT count(*) AS n, coalesce(sum(hash(t)), 0)::VARCHAR AS h FROM "${t}" t`)).rows[0];
    out[t] = `${r?.n}:${r?.h}`;
  }
  return out;
}

const BIN = fileURLToPath(new URL('../../bin/tidemark.js', import.meta.url));

/** The built CLI (bin/tidemark.js → dist) as a child process, with Tidemark's environment settings cleared so only the arguments count. */
export function runCli(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, TIDEMARK_DB: undefined, TIDEMARK_DEBUG: undefined, TIDEMARK_CATALOG: undefined, TIDEMARK_LANG: undefined } });
}
