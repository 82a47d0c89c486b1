/** The warehouse's status, the metric catalog, and metric queries. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Query } from '../../query/types.js';
import { principalOf } from '../auth.js';
import { queryAs, statusAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { body, json, MetricSchema, QueryResultSchema, QuerySchema, SECURED, StatusSchema } from '../schemas.js';

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

  app.openapi(routes.query, async (c) => {
    const r = await queryAs(d.data, principalOf(c), c.req.valid('json') as Query);
    const out = { query: r.query, columns: r.columns, rows: r.rows, sql: r.sql, params: r.params.map((v) => (typeof v === 'bigint' ? String(v) : v)), ms: r.ms };
    return c.json(out as unknown as z.infer<typeof QueryResultSchema>, 200);
  });
}
