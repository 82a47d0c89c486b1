/**
 * Analysis routes over the catalog: the overview (cockpit figures), the standard reports, pivots with totals and
 * drill-through. Every read runs through readAs, on the caller's scoped and masked view of the warehouse.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { checkPeriod, overview, OverviewInputError } from '../../overview/index.js';
import { DRILL_DEFAULT_PAGE, DRILL_MAX_PAGE, drillPage } from '../../query/drill-page.js';
import { runPivot } from '../../query/pivot-run.js';
import { QueryError, type Filter, type Query, type SortKey } from '../../query/types.js';
import { runReport, STANDARD_REPORTS, type ReportDef } from '../../reports/index.js';
import { principalOf } from '../auth.js';
import { readAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { body, DATE, FilterSchema, json, LabelSchema, SECURED } from '../schemas.js';

/** JSON has no bigint: counts and bound parameters come back as numbers (as strings beyond 2^53). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/** from ≤ to, as `tidemark overview` and `tidemark report` check it (the format is checked by the schema). */
function checkDays(from: string | undefined, to: string | undefined): void {
  try {
    checkPeriod({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  } catch (e) {
    if (e instanceof OverviewInputError) throw new ApiError(400, 'invalid_period', `${e.field}: ${e.message.replace('--to', 'to')}`, e.field);
    throw e;
  }
}

const ColumnSchema = z.looseObject({ key: z.string(), kind: z.string(), label: LabelSchema });
const RowsSchema = z.array(z.record(z.string(), z.unknown()));
const SortSchema = z.array(z.object({ key: z.string(), desc: z.boolean().optional() }).strict());

const OverviewSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    customers: z.number(),
    stubCustomers: z.number(),
    activeCustomers: z.number(),
    newCustomers: z.number(),
    returningCustomers: z.number(),
    repeatCustomers: z.number(),
    orders: z.number(),
    anonymousOrders: z.number(),
    cancelledOrders: z.number(),
    revenue: z.number(),
    aov: z.number().nullable(),
    repurchaseRate: z.number().nullable(),
  })
  .openapi('Overview');

const REPORT_PARAMS = [
  { name: 'from', type: 'date', description: 'First day of the period (YYYY-MM-DD)' },
  { name: 'to', type: 'date', description: 'Last day of the period, inclusive' },
  { name: 'by', type: 'string[]', description: 'Dimensions for the trend sections instead of month (e.g. week, quarter)' },
  { name: 'filters', type: 'Filter[]', description: 'Added to every section (e.g. segment = vip)' },
  { name: 'asOf', type: 'date', description: 'The day "today" means' },
] as const;

const ReportInfoSchema = z
  .object({
    key: z.string(),
    title: LabelSchema,
    description: z.string(),
    sections: z.array(z.object({ key: z.string(), title: LabelSchema, metrics: z.array(z.string()), dimensions: z.array(z.string()), byable: z.boolean() })),
    params: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
  })
  .openapi('ReportInfo');

const ReportParamsSchema = z
  .object({
    from: DATE.optional(),
    to: DATE.optional(),
    by: z.array(z.string()).optional().openapi({ example: ['week'] }),
    filters: z.array(FilterSchema).optional(),
    asOf: DATE.optional(),
  })
  .strict()
  .openapi('ReportParams');

const ReportResultSchema = z
  .object({
    report: z.string(),
    title: LabelSchema,
    params: z.record(z.string(), z.unknown()),
    sections: z.array(z.object({ key: z.string(), title: LabelSchema, columns: z.array(ColumnSchema), rows: RowsSchema, sql: z.string(), params: z.array(z.unknown()) })),
    ms: z.number(),
  })
  .openapi('ReportResult');

const PivotSchema = z
  .object({
    metrics: z.array(z.string()).min(1).openapi({ example: ['revenue', 'orders'] }),
    rows: z.array(z.string()).openapi({ description: 'Dimensions down the side (may be empty)', example: ['province'] }),
    columns: z.array(z.string()).min(1).openapi({ description: 'Dimensions across the top', example: ['month'] }),
    filters: z.array(FilterSchema).optional(),
    from: DATE.optional(),
    to: DATE.optional(),
    asOf: DATE.optional(),
    sort: SortSchema.optional(),
    limit: z.number().int().positive().max(100_000).optional().openapi({ description: 'Rows of the full-grain query at most (before pivoting)' }),
    totals: z.boolean().optional().openapi({ description: 'Row, column and grand totals, recomputed (default true)' }),
  })
  .strict()
  .openapi('Pivot');

const PivotResultSchema = z
  .object({
    rowDimensions: z.array(z.string()),
    columnDimensions: z.array(z.string()),
    columns: z.array(ColumnSchema),
    rows: RowsSchema,
    totals: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Column totals and the grand total (`_total`), keyed like the rows' }),
    queries: z.array(z.object({ sql: z.string(), params: z.array(z.unknown()) })),
    ms: z.number(),
  })
  .openapi('PivotResult');

const CellValue = z.union([z.string(), z.number(), z.boolean()]);

const DrillSchema = z
  .object({
    metric: z.string().openapi({ example: 'revenue' }),
    cell: z.record(z.string(), CellValue).optional().openapi({ description: "The cell's dimension values, e.g. { month: '2026-01', province: '浙江省' }", example: { month: '2026-01' } }),
    filters: z.array(FilterSchema).optional().openapi({ description: "The query's own filters" }),
    from: DATE.optional(),
    to: DATE.optional(),
    asOf: DATE.optional(),
    mode: z.enum(['rows', 'customers']).optional().openapi({ description: 'The source rows (default) or the distinct customers behind the number' }),
    limit: z.number().int().positive().max(DRILL_MAX_PAGE).optional().openapi({ description: `Page size (default ${DRILL_DEFAULT_PAGE}, at most ${DRILL_MAX_PAGE})` }),
    offset: z.number().int().nonnegative().optional(),
    sort: z.object({ key: z.string(), desc: z.boolean().optional() }).strict().optional().openapi({ description: 'A column of the result; ties by the source’s natural key' }),
  })
  .strict()
  .openapi('Drill');

const DrillResultSchema = z
  .object({
    metric: z.string(),
    mode: z.enum(['rows', 'customers']),
    source: z.string().nullable(),
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    rows: RowsSchema,
    total: z.number(),
    limit: z.number(),
    offset: z.number(),
    sort: z.array(z.object({ key: z.string(), desc: z.boolean() })),
    sql: z.string(),
    params: z.array(z.unknown()),
  })
  .openapi('DrillResult');

export const routes = {
  overview: createRoute({
    method: 'get',
    path: '/api/overview',
    tags: ['analysis'],
    summary: 'The headline figures of a period (as `tidemark overview`): customers, active, new/returning, orders, revenue, AOV, repurchase rate',
    security: SECURED,
    request: { query: z.object({ from: DATE.optional(), to: DATE.optional() }) },
    responses: { 200: json(OverviewSchema, 'The overview over the caller’s rows'), ...errorResponses(400, 401) },
  }),
  reports: createRoute({
    method: 'get',
    path: '/api/reports',
    tags: ['analysis'],
    summary: 'The standard report pack: keys, titles, sections and the parameters each takes',
    security: SECURED,
    responses: { 200: json(z.object({ reports: z.array(ReportInfoSchema) }), 'Reports'), ...errorResponses(401) },
  }),
  report: createRoute({
    method: 'post',
    path: '/api/reports/{key}',
    tags: ['analysis'],
    summary: 'Runs a report (as `tidemark report KEY`): its sections with columns, rows and the SQL that ran',
    security: SECURED,
    request: { params: z.object({ key: z.string().openapi({ example: 'sales' }) }), body: body(ReportParamsSchema) },
    responses: { 200: json(ReportResultSchema, 'The report'), ...errorResponses(400, 401, 404) },
  }),
  pivot: createRoute({
    method: 'post',
    path: '/api/pivot',
    tags: ['analysis'],
    summary: 'Metrics by row dimensions × column dimensions, with row, column and grand totals',
    security: SECURED,
    request: { body: body(PivotSchema) },
    responses: { 200: json(PivotResultSchema, 'The pivot table and the SQL that ran'), ...errorResponses(400, 401) },
  }),
  drill: createRoute({
    method: 'post',
    path: '/api/drill',
    tags: ['analysis'],
    summary: 'Drill-through: the records behind a number, a page at a time',
    security: SECURED,
    request: { body: body(DrillSchema) },
    responses: { 200: json(DrillResultSchema, 'One page of the rows, the total, and the SQL that ran'), ...errorResponses(400, 401) },
  }),
} as const;

function reportInfo(r: ReportDef) {
  return {
    key: r.key,
    title: r.title,
    description: r.description,
    sections: r.sections.map((s) => ({ key: s.key, title: s.title, metrics: [...s.metrics], dimensions: [...(s.dimensions ?? [])], byable: s.byable === true })),
    params: REPORT_PARAMS.map((p) => ({ ...p })),
  };
}

/**
 * A report's issues name `<report>.<section>.<query field>`; the parts the caller sent get the request's own names:
 * a trend section's dimensions[i] are `by[i]`, filters after the section's own are `filters[j]`.
 */
function reportField(report: ReportDef, by: readonly string[] | undefined, field: string): string {
  const m = /^([^.]+)\.([^.]+)\.(.*)$/.exec(field);
  const section = m ? report.sections.find((s) => s.key === m[2]) : undefined;
  if (!m || !section) return field;
  const rest = m[3]!;
  const dim = /^dimensions\[(\d+)\](.*)$/.exec(rest);
  if (dim && section.byable && by?.length) return `by[${dim[1]}]${dim[2]}`;
  const own = section.filters?.length ?? 0;
  const fil = /^filters\[(\d+)\](.*)$/.exec(rest);
  if (fil && Number(fil[1]) >= own) return `filters[${Number(fil[1]) - own}]${fil[2]}`;
  return field;
}

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.overview, async (c) => {
    const who = principalOf(c);
    const { from, to } = c.req.valid('query');
    checkDays(from, to);
    const o = await readAs(d.data, who, (wh) => overview(wh, { ...(from ? { from } : {}), ...(to ? { to } : {}) }));
    d.meta.audit({ user: who.user, action: 'overview', details: { from: o.from, to: o.to } });
    return c.json(o, 200);
  });

  app.openapi(routes.reports, (c) => {
    principalOf(c);
    return c.json({ reports: STANDARD_REPORTS.map(reportInfo) }, 200);
  });

  app.openapi(routes.report, async (c) => {
    const who = principalOf(c);
    const { key } = c.req.valid('param');
    const report = STANDARD_REPORTS.find((r) => r.key === key);
    if (!report) throw new ApiError(404, 'unknown_report', `unknown report '${key}'; reports: ${STANDARD_REPORTS.map((r) => r.key).join(', ')}`, 'key');
    const p = c.req.valid('json');
    checkDays(p.from, p.to);
    const { filters, ...rest } = p;
    const params = { ...rest, ...(filters ? { filters: filters as Filter[] } : {}) };
    const res = await readAs(d.data, who, (wh) => runReport(wh, d.catalog, report, params)).catch((e: unknown) => {
      throw e instanceof QueryError ? new QueryError(e.issues.map((x) => ({ ...x, field: reportField(report, params.by, x.field) }))) : e;
    });
    d.meta.audit({ user: who.user, action: 'report', details: { report: key, from: p.from ?? null, to: p.to ?? null, filters: (p.filters ?? []).map((f) => `${f.dimension} ${f.op}`) } });
    const out = {
      report: report.key,
      title: report.title,
      params: res.params,
      sections: res.sections.map(({ section, result }) => ({ key: section.key, title: section.title, columns: result.columns, rows: result.rows, sql: result.sql, params: result.params })),
      ms: Math.round(res.ms),
    };
    return c.json(jsonSafe(out) as z.infer<typeof ReportResultSchema>, 200);
  });

  app.openapi(routes.pivot, async (c) => {
    const who = principalOf(c);
    const p = c.req.valid('json');
    checkDays(p.from, p.to);
    const { filters, sort, ...rest } = p;
    const req = { ...rest, ...(filters ? { filters: filters as Filter[] } : {}), ...(sort ? { sort: sort as SortKey[] } : {}) };
    const res = await readAs(d.data, who, (wh) => runPivot(wh, d.catalog, req));
    d.meta.audit({ user: who.user, action: 'pivot', details: { metrics: p.metrics, rows: p.rows, columns: p.columns, filters: (p.filters ?? []).map((f) => `${f.dimension} ${f.op}`) } });
    return c.json(jsonSafe({ ...res, ms: Math.round(res.ms) }) as z.infer<typeof PivotResultSchema>, 200);
  });

  app.openapi(routes.drill, async (c) => {
    const who = principalOf(c);
    const p = c.req.valid('json');
    checkDays(p.from, p.to);
    const own = (p.filters ?? []) as Filter[];
    const cell = Object.entries(p.cell ?? {});
    const query: Query = {
      metrics: [p.metric],
      filters: [...own, ...cell.map(([dimension, v]): Filter => ({ dimension, op: 'eq', values: [v] }))],
      ...(p.from ? { from: p.from } : {}),
      ...(p.to ? { to: p.to } : {}),
      ...(p.asOf ? { asOf: p.asOf } : {}),
    };
    // The compiler names the cell's values filters[n…]; the request calls them cell.<dimension>.
    const rename = (f: string) => f.replace(/^filters\[(\d+)\](\.\w+)?/, (m, i: string) => (Number(i) >= own.length ? `cell.${cell[Number(i) - own.length]?.[0] ?? ''}` : m)).replace(/^metrics\[0\]/, 'metric');
    const res = await readAs(d.data, who, (wh) =>
      drillPage(wh, d.catalog, { query, ...(p.mode ? { mode: p.mode } : {}), ...(p.limit !== undefined ? { limit: p.limit } : {}), ...(p.offset !== undefined ? { offset: p.offset } : {}), ...(p.sort ? { sort: p.sort } : {}) }).catch((e: unknown) => {
        if (e instanceof QueryError) throw new QueryError(e.issues.map((x) => ({ ...x, field: rename(x.field) })));
        throw e;
      }),
    );
    d.meta.audit({ user: who.user, action: 'drill', details: { metric: p.metric, mode: res.mode, cell: cell.map(([k]) => k), filters: own.map((f) => `${f.dimension} ${f.op}`), rows: res.rows.length, offset: res.offset } });
    return c.json(jsonSafe(res) as z.infer<typeof DrillResultSchema>, 200);
  });
}
