/** Reports: named lists of queries over the catalog, the standard pack plus the user's own from the catalog config. */
import { KEY_PATTERN } from '../metrics/validate.js';
import type { Catalog } from '../metrics/types.js';
import { compileQuery } from '../query/compile.js';
import { runQuery, warehouseToday, type QueryResult } from '../query/run.js';
import { QueryError, type Filter, type Query, type QueryIssue } from '../query/types.js';
import type { Warehouse } from '../warehouse/port.js';
import { STANDARD_REPORTS } from './standard.js';
import type { ReportDef, ReportSection } from './types.js';

export type { ReportDef, ReportSection } from './types.js';
export { STANDARD_REPORTS } from './standard.js';

export interface ReportParams {
  readonly from?: string;
  readonly to?: string;
  /** Replaces the dimensions of the sections marked byable. */
  readonly by?: readonly string[];
  /** Added to every section's own filters (e.g. `segment = vip`: the report for a saved segment). */
  readonly filters?: readonly Filter[];
  readonly asOf?: string;
}

export interface ReportResult {
  readonly report: ReportDef;
  readonly params: ReportParams;
  readonly sections: readonly { readonly section: ReportSection; readonly result: QueryResult }[];
  readonly ms: number;
}

export function sectionQuery(s: ReportSection, p: ReportParams): Query {
  const dims = s.byable && p.by?.length ? p.by : s.dimensions;
  return {
    metrics: s.metrics,
    ...(dims?.length ? { dimensions: dims } : {}),
    ...(s.filters?.length || p.filters?.length ? { filters: [...(s.filters ?? []), ...(p.filters ?? [])] } : {}),
    ...(p.from ? { from: p.from } : {}),
    ...(p.to ? { to: p.to } : {}),
    ...(s.compare && (p.from && p.to || dims?.some((d) => ['year', 'quarter', 'month', 'week', 'day'].includes(d))) ? { compare: s.compare } : {}),
    ...(s.sort?.length ? { sort: s.sort } : {}),
    ...(s.limit ? { limit: s.limit } : {}),
    ...(s.totals ? { totals: true } : {}),
    ...(s.subtotals ? { subtotals: true } : {}),
    ...(p.asOf ? { asOf: p.asOf } : {}),
  };
}

/** Checks user report definitions: shape, keys, and that every section compiles against the catalog. */
export function validateReports(raw: readonly unknown[], catalog: Catalog, builtin: readonly ReportDef[] = STANDARD_REPORTS): QueryIssue[] {
  const issues: QueryIssue[] = [];
  const keys = new Set(builtin.map((r) => r.key));
  for (const [i, r0] of raw.entries()) {
    const r = r0 as Partial<ReportDef>;
    const p = `reports.${typeof r?.key === 'string' && r.key ? r.key : `#${i + 1}`}`;
    if (typeof r?.key !== 'string' || !KEY_PATTERN.test(r.key)) {
      issues.push({ code: 'bad_key', field: `${p}.key`, message: `${p}.key: '${String(r?.key)}' is not a valid key (lower-case a-z, 0-9, _)` });
      continue;
    }
    if (keys.has(r.key)) issues.push({ code: 'duplicate_key', field: `${p}.key`, message: `${p}: a report '${r.key}' already exists` });
    keys.add(r.key);
    if (!Array.isArray(r.sections) || r.sections.length === 0) {
      issues.push({ code: 'no_sections', field: `${p}.sections`, message: `${p}.sections: expected a list of { "key", "title", "metrics", "dimensions" }` });
      continue;
    }
    for (const [j, s] of r.sections.entries()) {
      const sp = `${p}.sections[${j}]`;
      if (typeof s?.key !== 'string' || !KEY_PATTERN.test(s.key)) issues.push({ code: 'bad_key', field: `${sp}.key`, message: `${sp}.key: expected a key (lower-case a-z, 0-9, _)` });
      if (!Array.isArray(s?.metrics)) {
        issues.push({ code: 'no_metrics', field: `${sp}.metrics`, message: `${sp}.metrics: expected a list of metric keys` });
        continue;
      }
      try {
        compileQuery(catalog, sectionQuery(s, { from: '2024-01-01', to: '2024-12-31' }), { today: '2024-12-31' });
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        for (const x of e.issues) issues.push({ code: x.code, field: `${sp}.${x.field}`, message: `${sp}: ${x.message}` });
      }
    }
  }
  return issues;
}

/** Standard reports plus valid user reports (labels given as text are used for both languages). */
export function allReports(userReports: readonly unknown[] = []): ReportDef[] {
  const norm = (l: unknown) => (typeof l === 'string' ? { zh: l, en: l } : (l as { zh: string; en: string }) ?? { zh: '', en: '' });
  const user = userReports.map((r0) => {
    const r = r0 as ReportDef;
    return { ...r, title: norm(r.title ?? r.key), description: r.description ?? '', sections: r.sections.map((s) => ({ ...s, title: norm(s.title ?? s.key) })) };
  });
  return [...STANDARD_REPORTS, ...user];
}

export async function runReport(wh: Warehouse, catalog: Catalog, report: ReportDef, params: ReportParams): Promise<ReportResult> {
  const t0 = performance.now();
  const today = params.asOf ?? (await warehouseToday(wh));
  const sections: { section: ReportSection; result: QueryResult }[] = [];
  for (const s of report.sections) {
    try {
      sections.push({ section: s, result: await runQuery(wh, catalog, sectionQuery(s, params), { today }) });
    } catch (e) {
      if (e instanceof QueryError) throw new QueryError(e.issues.map((x) => ({ ...x, field: `${report.key}.${s.key}.${x.field}`, message: `${report.key} / ${s.key}: ${x.message}` })));
      throw e;
    }
  }
  return { report, params, sections, ms: performance.now() - t0 };
}
