import type { Command } from 'commander';
import type { ImportReport, RuleLog } from '../../import/types.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import {
  addCommonOptions,
  dbPathOf,
  formatNumber,
  parsePositiveInt,
  printJson,
  renderPairs,
  renderTable,
  UsageError,
  wantJson,
  write,
  type CommonOptions,
} from '../output.js';
import { existingTables, IMPORT_COLUMNS_SQL, IMPORT_TABLE_COLUMNS, importSummary, type ImportSummary } from './status.js';

export interface QuarantinedRow {
  readonly line: number | null;
  readonly reason: string;
  readonly raw: string | null;
}

export interface ImportDetail {
  readonly import: ImportSummary & { readonly fileSha256: string | null };
  /** The report the import stored in tm_imports.report; null if it could not be read as JSON. */
  readonly report: ImportReport | null;
  /** Rows in tm_quarantine for this import. */
  readonly quarantineTotal: number;
  /** The first of them, by line, up to --limit. */
  readonly quarantine: readonly QuarantinedRow[];
}

export async function listImports(wh: Warehouse, limit: number): Promise<ImportSummary[]> {
  if (!(await existingTables(wh)).has('tm_imports')) return [];
  const r = await wh.query(`SELECT ${IMPORT_COLUMNS_SQL} FROM tm_imports ORDER BY import_id DESC LIMIT $1`, [limit]);
  return r.rows.map(importSummary);
}

/** One import's log row and its stored report (null when missing or unreadable); undefined when there is no such import. */
export async function importRecord(wh: Warehouse, id: number): Promise<Pick<ImportDetail, 'import' | 'report'> | undefined> {
  if (!(await existingTables(wh)).has('tm_imports')) return undefined;
  const r = await wh.query(`SELECT ${IMPORT_COLUMNS_SQL}, file_sha256, CAST(report AS VARCHAR) AS report FROM tm_imports WHERE import_id = $1`, [id]);
  const row = r.rows[0];
  if (!row) return undefined;
  let report: ImportReport | null = null;
  try {
    report = typeof row.report === 'string' ? (JSON.parse(row.report) as ImportReport) : null;
  } catch {
    report = null;
  }
  return { import: { ...importSummary(row), fileSha256: typeof row.file_sha256 === 'string' ? row.file_sha256 : null }, report };
}

/** One import with its stored report and quarantined rows; undefined when there is no such import. */
export async function importDetail(wh: Warehouse, id: number, limit: number): Promise<ImportDetail | undefined> {
  const record = await importRecord(wh, id);
  if (!record) return undefined;
  const total = await wh.query(`SELECT count(*) AS n FROM tm_quarantine WHERE import_id = $1`, [id]);
  const q = await wh.query(`SELECT line, reason, raw FROM tm_quarantine WHERE import_id = $1 ORDER BY line NULLS LAST, reason LIMIT $2`, [id, limit]);
  return {
    ...record,
    quarantineTotal: Number(total.rows[0]?.n ?? 0),
    quarantine: q.rows.map((x) => ({
      line: x.line === null || x.line === undefined ? null : Number(x.line),
      reason: String(x.reason ?? ''),
      raw: x.raw === null || x.raw === undefined ? null : String(x.raw),
    })),
  };
}

function examplesText(rule: RuleLog): string {
  return rule.examples
    .slice(0, 2)
    .map((e) => `${e.line !== null ? `L${e.line}: ` : ''}${e.before ?? '∅'} → ${e.after ?? '∅'}`)
    .join('; ');
}

export function renderDetail(d: ImportDetail): string {
  const i = d.import;
  const r = d.report;
  const pairs: [string, string][] = [
    ['Import', String(i.importId)],
    ['File', i.file],
    ['Entity', i.entity],
    ['Started', i.startedAt],
    ['Finished', `${i.finishedAt}${r ? ` (${r.seconds.toFixed(1)} s)` : ''}`],
  ];
  if (r) pairs.push(['Format', `${r.format}, ${r.encoding}`]);
  if (i.fileSha256) pairs.push(['SHA-256', i.fileSha256]);
  pairs.push(
    ['Rows read', formatNumber(i.rowsRead)],
    ['Loaded', formatNumber(i.loaded)],
    ['Merged', formatNumber(i.merged)],
    ['Quarantined', formatNumber(i.quarantined)],
  );
  let out = renderPairs(pairs);
  if (!r) return `${out}\n(the stored report could not be read)\n${renderQuarantine(d)}`;

  const mapping = Object.entries(r.mapping ?? {});
  if (mapping.length) {
    out += '\nColumn mapping:\n';
    out += renderTable(
      [
        { key: 'field', header: 'field' },
        { key: 'column', header: 'file column' },
      ],
      mapping.map(([field, column]) => ({ field, column })),
      { indent: 2 },
    );
  }
  if (r.customFields?.length) out += `\nCustom fields (kept in extra): ${r.customFields.join(', ')}\n`;
  const tables = Object.entries(r.tables ?? {});
  if (tables.length) {
    out += '\nTables written:\n';
    out += renderTable(
      [{ key: 'table' }, { key: 'inserted' }, { key: 'updated' }, { key: 'unchanged' }],
      tables.map(([table, t]) => ({ table, ...t })),
      { indent: 2 },
    );
  }
  if (r.rules?.length) {
    out += '\nCleaning rules applied:\n';
    out += renderTable(
      [
        { key: 'rule' },
        { key: 'field' },
        { key: 'count', header: 'rows' },
        { key: 'examples', header: 'examples (before → after)', maxWidth: 70 },
      ],
      r.rules.map((x) => ({ rule: x.rule, field: x.field ?? '', count: x.count, examples: examplesText(x) })),
      { indent: 2 },
    );
  } else {
    out += '\nNo cleaning rule changed any value.\n';
  }
  return out + renderQuarantine(d);
}

function renderQuarantine(d: ImportDetail): string {
  if (d.quarantineTotal === 0) return '\nNothing quarantined.\n';
  let out = `\nQuarantined rows (${formatNumber(d.quarantine.length)} of ${formatNumber(d.quarantineTotal)}; --limit N for more):\n`;
  out += renderTable(
    [
      { key: 'line', header: 'line' },
      { key: 'reason', header: 'reason', maxWidth: 50 },
      { key: 'raw', header: 'raw', maxWidth: 70 },
    ],
    d.quarantine as unknown as Record<string, unknown>[],
    { indent: 2 },
  );
  return out;
}

interface LogOptions extends CommonOptions {
  readonly limit?: string;
  readonly id?: string;
}

export function registerLog(program: Command): void {
  const cmd = program
    .command('log')
    .description('past imports; with --id, one import in full: its cleaning report and quarantined rows')
    .option('--limit <n>', 'imports listed, or quarantined rows shown with --id (default 20)')
    .option('--id <n>', 'show one import in full');
  addCommonOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  tidemark log\n  tidemark log --id 3 --limit 100\n');
  cmd.action(async (opts: LogOptions) => {
    const limit = opts.limit === undefined ? 20 : parsePositiveInt('--limit', opts.limit);
    const id = opts.id === undefined ? undefined : parsePositiveInt('--id', opts.id);
    const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
    try {
      if (id === undefined) {
        const list = await listImports(wh, limit);
        if (wantJson(opts)) await printJson(list);
        else if (list.length === 0) await write('No imports yet (see tidemark import --help).\n');
        else await write(renderTable(IMPORT_TABLE_COLUMNS, list as unknown as Record<string, unknown>[]));
        return;
      }
      const d = await importDetail(wh, id, limit);
      if (!d) throw new UsageError(`--id: there is no import ${id} (tidemark log lists them)`);
      if (wantJson(opts)) await printJson(d);
      else await write(renderDetail(d));
    } finally {
      await wh.close();
    }
  });
}
