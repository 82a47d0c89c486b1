import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ENTITIES, quoteIdent } from '../../schema/index.js';
import { openWarehouse, warehouseTimeZone } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import { addCommonOptions, dbPathOf, formatBytes, formatNumber, printJson, renderPairs, renderTable, wantJson, write, type CommonOptions } from '../output.js';

export interface TableCount {
  readonly table: string;
  readonly label: string;
  readonly labelZh: string;
  readonly rows: number;
}

export interface ImportSummary {
  readonly importId: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly file: string;
  readonly entity: string;
  readonly rowsRead: number;
  readonly loaded: number;
  readonly merged: number;
  readonly quarantined: number;
}

export interface Status {
  readonly path: string;
  readonly sizeBytes: number;
  /** The write-ahead log, not yet checkpointed into the file. */
  readonly walBytes: number;
  readonly timeZone: string;
  readonly schemaVersion: string | null;
  readonly tables: readonly TableCount[];
  readonly imports: readonly ImportSummary[];
}

export const IMPORT_COLUMNS_SQL = `import_id, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at,
  file, entity, rows_read, loaded, merged, quarantined`;

export function importSummary(r: Record<string, unknown>): ImportSummary {
  return {
    importId: Number(r.import_id),
    startedAt: String(r.started_at ?? ''),
    finishedAt: String(r.finished_at ?? ''),
    file: String(r.file ?? ''),
    entity: String(r.entity ?? ''),
    rowsRead: Number(r.rows_read ?? 0),
    loaded: Number(r.loaded ?? 0),
    merged: Number(r.merged ?? 0),
    quarantined: Number(r.quarantined ?? 0),
  };
}

/** Names of the tables the warehouse has (an old or partial file may lack some). */
export async function existingTables(wh: Warehouse): Promise<Set<string>> {
  const r = await wh.query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'`);
  return new Set(r.rows.map((x) => String(x.table_name)));
}

/** Row counts of every entity table; identifiers come from the schema definition. */
export async function tableCounts(wh: Warehouse): Promise<TableCount[]> {
  const have = await existingTables(wh);
  const present = ENTITIES.filter((e) => have.has(e.name));
  const counts = new Map<string, number>();
  if (present.length) {
    const sql = present.map((e) => `SELECT '${e.name}' AS t, count(*) AS n FROM ${quoteIdent(e.name)}`).join('\nUNION ALL\n');
    for (const r of (await wh.query(sql)).rows) counts.set(String(r.t), Number(r.n));
  }
  return ENTITIES.map((e) => ({ table: e.name, label: e.label, labelZh: e.labelZh, rows: counts.get(e.name) ?? 0 }));
}

export async function recentImports(wh: Warehouse, limit: number): Promise<ImportSummary[]> {
  const have = await existingTables(wh);
  if (!have.has('tm_imports')) return [];
  const r = await wh.query(`SELECT ${IMPORT_COLUMNS_SQL} FROM tm_imports ORDER BY import_id DESC LIMIT $1`, [limit]);
  return r.rows.map(importSummary);
}

export async function status(wh: Warehouse): Promise<Status> {
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  const meta = await wh.query(`SELECT value FROM tm_meta WHERE key = 'schema_version'`).catch(() => undefined);
  const v = meta?.rows[0]?.value;
  return {
    path: wh.path,
    sizeBytes: size(wh.path),
    walBytes: size(`${wh.path}.wal`),
    timeZone: await warehouseTimeZone(wh),
    schemaVersion: typeof v === 'string' ? v : null,
    tables: await tableCounts(wh),
    imports: await recentImports(wh, 5),
  };
}

export const IMPORT_TABLE_COLUMNS = [
  { key: 'importId', header: 'id' },
  { key: 'startedAt', header: 'when' },
  { key: 'file', header: 'file', maxWidth: 40 },
  { key: 'entity', header: 'entity' },
  { key: 'rowsRead', header: 'read' },
  { key: 'loaded', header: 'loaded' },
  { key: 'merged', header: 'merged' },
  { key: 'quarantined', header: 'quarantined' },
] as const;

export function renderStatus(s: Status): string {
  const total = s.tables.reduce((a, t) => a + t.rows, 0);
  let out = renderPairs([
    ['Warehouse', s.path],
    ['Size', `${formatBytes(s.sizeBytes)}${s.walBytes ? ` (+ ${formatBytes(s.walBytes)} write-ahead log)` : ''}`],
    ['Time zone', s.timeZone],
    ['Rows', formatNumber(total)],
  ]);
  out += '\n';
  out += renderTable(
    [
      { key: 'table', header: 'table' },
      { key: 'labelZh', header: '中文' },
      { key: 'rows', header: 'rows' },
    ],
    s.tables as unknown as Record<string, unknown>[],
  );
  out += '\n';
  if (s.imports.length === 0) {
    out += 'No imports yet (see tidemark import --help).\n';
  } else {
    out += 'Last imports (tidemark log --id N for details):\n';
    out += renderTable(IMPORT_TABLE_COLUMNS, s.imports as unknown as Record<string, unknown>[], { indent: 2 });
  }
  return out;
}

export function registerStatus(program: Command): void {
  const cmd = program.command('status').description('the warehouse: file, size, time zone, rows per table, last imports');
  addCommonOptions(cmd);
  cmd.action(async (opts: CommonOptions) => {
    const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
    try {
      const s = await status(wh);
      if (wantJson(opts)) await printJson(s);
      else await write(renderStatus(s));
    } finally {
      await wh.close();
    }
  });
}
