import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteIdent } from '../schema/index.js';
import { openWarehouse } from '../warehouse/duckdb.js';
import type { Column, Row, SqlValue } from '../warehouse/port.js';
import { parquetTypes, plainText } from './values.js';

/**
 * Parquet is written by DuckDB's COPY … TO, which needs file-system access. The analysts'
 * connection to the warehouse has none (READ_ONLY + enable_external_access=false), and that is the
 * connection the user's SQL runs on; it must stay that way. So the rows are streamed out of the
 * locked-down warehouse through the port and appended into a scratch DuckDB database (a temporary
 * file, so a large export spills to disk rather than memory), and the scratch database, which holds
 * nothing but these rows and only ever runs Tidemark's own fixed statements, writes the Parquet file.
 * User SQL never runs on a connection with file access, and the output path is a bound parameter.
 */
export async function writeParquet(
  path: string,
  columns: readonly Column[],
  batches: AsyncIterable<Row[]>,
  onRows?: (n: number) => void,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-export-'));
  const scratch = await openWarehouse({ path: join(dir, 'scratch.duckdb') });
  try {
    const types = columns.map((c) => parquetTypes(c.type));
    // Staging columns are c0, c1 …; the real names are applied (quoted) in the COPY.
    const ddl = types.map((t, i) => `c${i} ${t.stage}`).join(', ');
    await scratch.run(`CREATE TABLE tm_export_stage (${ddl || 'c0 VARCHAR'})`);
    let n = 0;
    for await (const batch of batches) {
      const rows: SqlValue[][] = batch.map((row) =>
        columns.map((c, i) => {
          const v = row[c.name];
          if (v === null || v === undefined) return null;
          const textual = types[i]?.stage === 'VARCHAR' || types[i]?.stage === 'JSON';
          if (!textual && (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')) return v;
          return plainText(v);
        }),
      );
      if (rows.length) await scratch.append('tm_export_stage', rows);
      n += batch.length;
      onRows?.(n);
    }
    const select = columns.length
      ? columns.map((c, i) => {
          const cast = types[i]?.cast;
          return `${cast ? `CAST(c${i} AS ${cast})` : `c${i}`} AS ${quoteIdent(c.name)}`;
        })
      : ['c0'];
    await scratch.run(`COPY (SELECT ${select.join(', ')} FROM tm_export_stage) TO $1 (FORMAT parquet, COMPRESSION zstd)`, [path]);
    return n;
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
