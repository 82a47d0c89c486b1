/** The warehouse's status, the metric and dimension catalog, and metric queries. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Query } from '../../query/types.js';
import { principalOf } from '../auth.js';
import { queryAs, statusAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { body, json, LabelSchema, MetricSchema, QueryResultSchema, QuerySchema, SECURED, StatusSchema } from '../schemas.js';

export const DimensionSchema = z
  .object({
    key: z.string(),
    label: LabelSchema,
    description: z.string().optional(),
    time: z.string().nullable().openapi({ description: 'How a time dimension buckets the metric’s time field (year, quarter, month, week, day, month_of_year…); null for the others' }),
    hierarchy: z.string().nullable().openapi({ description: 'The drill hierarchy it belongs to (time, region, store_region, product, org); null when none' }),
    level: z.number().nullable().openapi({ description: 'Its level in the hierarchy, 0 = top' }),
    drillTo: z.string().nullable().openapi({ description: 'The next finer level of its hierarchy (what a drill-down replaces it by); null at the finest level or outside a hierarchy' }),
    values: z.record(z.string(), LabelSchema).optional().openapi({ description: 'Display labels of coded values (channel tmall → 天猫 / Tmall)' }),
    tables: z.array(z.string()).openapi({ description: 'The tables it reaches (its anchors), for grouping' }),
    membership: z.boolean().openapi({ description: 'A membership dimension (segments, tags): a customer may be in several groups' }),
  })
  .openapi('Dimension');

export const routes = {
  status: createRoute({
    method: 'get',
    path: '/api/status',
    tags: ['warehouse'],
    summary: 'The warehouse: file, size, time zone, rows per table, last imports',
    security: SECURED,
    responses: { 200: json(StatusSchema, 'Status'), ...errorResponses(401) },
  }),
  metrics: createRoute({
    method: 'get',
    path: '/api/metrics',
    tags: ['catalog'],
    summary: 'The metric catalog',
    security: SECURED,
    responses: { 200: json(z.object({ metrics: z.array(MetricSchema) }), 'Metrics'), ...errorResponses(401) },
  }),
  dimensions: createRoute({
    method: 'get',
    path: '/api/dimensions',
    tags: ['catalog'],
    summary: 'The dimension catalog: labels, hierarchies and levels (drill paths), time or not',
    security: SECURED,
    responses: { 200: json(z.object({ dimensions: z.array(DimensionSchema) }), 'Dimensions'), ...errorResponses(401) },
  }),
  query: createRoute({
    method: 'post',
    path: '/api/query',
    tags: ['analysis'],
    summary: 'Metrics by dimensions over a period (the query of `tidemark query`)',
    security: SECURED,
    request: { body: body(QuerySchema) },
    responses: { 200: json(QueryResultSchema, 'The result, with the SQL that ran'), ...errorResponses(400, 401, 403) },
  }),
} as const;

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.status, async (c) => c.json((await statusAs(d.data, principalOf(c))) as unknown as z.infer<typeof StatusSchema>, 200));

  app.openapi(routes.metrics, (c) => {
    principalOf(c);
    const metrics = [...d.catalog.metrics.values()].map((m) => ({
      key: m.key,
      label: { en: m.label.en, zh: m.label.zh },
      description: m.description,
      unit: m.unit,
      owner: m.owner,
      ...(m.source ? { source: m.source } : {}),
      ...(m.formula ? { formula: m.formula } : {}),
      ...(m.better ? { better: m.better } : {}),
    }));
    return c.json({ metrics }, 200);
  });

  app.openapi(routes.dimensions, (c) => {
    principalOf(c);
    const all = [...d.catalog.dimensions.values()];
    const next = (h: string | undefined, level: number | undefined) =>
      h === undefined ? null : (all.filter((x) => x.hierarchy === h && (x.level ?? 0) > (level ?? 0)).sort((a, b) => (a.level ?? 0) - (b.level ?? 0))[0]?.key ?? null);
    const dimensions = all.map((x) => ({
      key: x.key,
      label: { en: x.label.en, zh: x.label.zh },
      ...(x.description ? { description: x.description } : {}),
      time: x.time ?? null,
      hierarchy: x.hierarchy ?? null,
      level: x.hierarchy === undefined ? null : (x.level ?? 0),
      drillTo: next(x.hierarchy, x.level),
      ...(x.values ? { values: Object.fromEntries(Object.entries(x.values).map(([k, l]) => [k, { en: l.en, zh: l.zh }])) } : {}),
      tables: [...new Set((x.anchors ?? []).map((a) => a.table))],
      membership: x.membership !== undefined,
    }));
    return c.json({ dimensions }, 200);
  });

  app.openapi(routes.query, async (c) => {
    const r = await queryAs(d.data, principalOf(c), c.req.valid('json') as Query);
    const out = { query: r.query, columns: r.columns, rows: r.rows, sql: r.sql, params: r.params.map((v) => (typeof v === 'bigint' ? String(v) : v)), ms: r.ms };
    return c.json(out as unknown as z.infer<typeof QueryResultSchema>, 200);
  });
}
