/**
 * An export described as data (a metric query, a report, a segment's members, the customer list) run on a given
 * connection into a CSV (UTF-8 with BOM) or XLSX file, with the writers of this folder. Through the API the
 * connection is the access gate's, so rows are the caller's and masked values stay masked in the file.
 *
 * A campaign target list (`purpose: 'campaign'`) must be customer rows (a segment or the customer list): customers
 * who withdrew marketing consent (marketing_consent = false) are left out and counted. Unknown consent (NULL) is
 * not a withdrawal and stays in.
 */
import { join } from 'node:path';
import { toResultTable } from '../cli/commands/analysis.js';
import { customerCountSql, customerListSql, type CustomerSort } from '../customers/list.js';
import type { Catalog } from '../metrics/types.js';
import type { Lang } from '../query/format.js';
import { runQuery } from '../query/run.js';
import type { Filter, Query } from '../query/types.js';
import { allReports, runReport } from '../reports/index.js';
import { getSegment, membersSql } from '../segments/segments.js';
import type { SqlValue, Warehouse } from '../warehouse/port.js';
import { exportQuery } from './index.js';
import { writeTablesCsv, writeTablesXlsx, type ResultTable } from './tables.js';

export const EXPORT_KINDS = ['query', 'report', 'segment', 'customers'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const FILE_FORMATS = ['csv', 'xlsx'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export type ExportRequest = { readonly format: FileFormat; readonly purpose?: 'campaign'; readonly lang?: Lang } & (
  | { readonly kind: 'query'; readonly query: Query }
  | { readonly kind: 'report'; readonly report: string; readonly from?: string; readonly to?: string; readonly by?: readonly string[]; readonly filters?: readonly Filter[]; readonly asOf?: string }
  | { readonly kind: 'segment'; readonly segment: string }
  | { readonly kind: 'customers'; readonly search?: string; readonly sort?: CustomerSort }
);

export interface BuiltExport {
  readonly file: string;
  /** What was exported, for the file name: the segment or report key, `query` or `customers`. */
  readonly name: string;
  readonly rows: number;
  /** Campaign exports: customers left out because they withdrew marketing consent. */
  readonly excludedForConsent?: number;
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: string,
    message: string,
    readonly field: string,
    readonly notFound = false,
  ) {
    super(message);
  }
}

async function count(wh: Warehouse, sql: string, params: readonly SqlValue[]): Promise<number> {
  return Number((await wh.query(sql, params)).rows[0]?.n ?? 0);
}

/** Streams a customer-row query into the file, typed from DESCRIBE (dates as dates, numbers as numbers in XLSX). */
async function rowsToFile(wh: Warehouse, sql: string, params: readonly SqlValue[], file: string, format: FileFormat, sheet: string): Promise<number> {
  const described = await wh.query(`DESCRIBE ${sql}`, params);
  const columns = described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  return (await exportQuery(wh, { sql, params, columns, out: file, format, sheet: sheet.slice(0, 31) })).rows;
}

async function tablesToFile(tables: readonly ResultTable[], file: string, format: FileFormat): Promise<void> {
  if (format === 'xlsx') await writeTablesXlsx(file, tables);
  else await writeTablesCsv(file, tables);
}

/** Runs the export on `wh` and writes it to a file in `dir` (which the caller removes). */
export async function buildExport(wh: Warehouse, catalog: Catalog, req: ExportRequest, dir: string): Promise<BuiltExport> {
  const file = join(dir, `export.${req.format}`);
  const lang = req.lang ?? 'zh';
  const campaign = req.purpose === 'campaign';
  switch (req.kind) {
    case 'query':
    case 'report': {
      if (campaign) throw new ExportError('campaign_needs_customers', `purpose: a campaign target list is a list of customers; export a segment or the customer list (kind 'segment' or 'customers')`, 'purpose');
      if (req.kind === 'query') {
        const r = await runQuery(wh, catalog, req.query);
        const grouping = r.columns.some((c) => c.kind === 'grouping') ? '_grouping' : undefined;
        await tablesToFile([toResultTable(catalog, lang === 'zh' ? '查询结果' : 'Query', r.columns, r.rows, lang, [], grouping)], file, req.format);
        return { file, name: 'query', rows: r.rows.length };
      }
      const report = allReports().find((x) => x.key === req.report);
      if (!report) throw new ExportError('unknown_report', `report: unknown report '${req.report}'; reports: ${allReports().map((x) => x.key).join(', ')}`, 'report');
      const res = await runReport(wh, catalog, report, {
        ...(req.from ? { from: req.from } : {}),
        ...(req.to ? { to: req.to } : {}),
        ...(req.by?.length ? { by: req.by } : {}),
        ...(req.filters?.length ? { filters: req.filters } : {}),
        ...(req.asOf ? { asOf: req.asOf } : {}),
      });
      const title = lang === 'zh' ? report.title.zh : report.title.en;
      const period = req.from || req.to ? `${req.from ?? '…'} → ${req.to ?? '…'}` : lang === 'zh' ? '全部数据' : 'all data';
      const tables = res.sections.map(({ section, result }) =>
        toResultTable(catalog, lang === 'zh' ? section.title.zh : section.title.en, result.columns, result.rows, lang, [`${title} · ${period}`], result.columns.some((c) => c.kind === 'grouping') ? '_grouping' : undefined),
      );
      await tablesToFile(tables, file, req.format);
      return { file, name: report.key, rows: res.sections.reduce((n, s) => n + s.result.rows.length, 0) };
    }
    case 'segment': {
      if (!(await getSegment(wh, req.segment))) throw new ExportError('unknown_segment', `segment: unknown segment '${req.segment}'`, 'segment', true);
      const m = membersSql(req.segment);
      const consent = campaign ? ' WHERE c.marketing_consent IS DISTINCT FROM false' : '';
      const sql = `SELECT m.* FROM (${m.sql}) m JOIN customers c ON c.customer_id = m.customer_id${consent} ORDER BY m.customer_id`;
      const rows = await rowsToFile(wh, sql, m.params, file, req.format, req.segment);
      if (!campaign) return { file, name: req.segment, rows };
      const excluded = await count(wh, `SELECT count(*) AS n FROM (${m.sql}) m JOIN customers c ON c.customer_id = m.customer_id WHERE c.marketing_consent = false`, m.params);
      return { file, name: req.segment, rows, excludedForConsent: excluded };
    }
    case 'customers': {
      const base = { ...(req.search ? { search: req.search } : {}) };
      const q = customerListSql({ ...base, ...(req.sort ? { sort: req.sort } : {}), ...(campaign ? { consentedOnly: true } : {}) });
      const rows = await rowsToFile(wh, q.sql, q.params, file, req.format, 'customers');
      if (!campaign) return { file, name: 'customers', rows };
      const all = customerCountSql(base);
      return { file, name: 'customers', rows, excludedForConsent: (await count(wh, all.sql, all.params)) - rows };
    }
  }
}
