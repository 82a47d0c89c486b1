/**
 * The span of the caller's orders: the first and last order day in their row scope. The dashboard's period presets
 * (last 30 days, last 12 months…) count back from the last order day, not from the browser's date, so a warehouse whose
 * data ends long before today still opens on its latest year.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { principalOf } from '../auth.js';
import { readCachedAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { json, SECURED } from '../schemas.js';

/** Every order counts (cancelled too), as the period of `tidemark overview` when none is given. */
const EXTENT_SQL = `SELECT strftime(min(ordered_at), '%Y-%m-%d') AS first_day, strftime(max(ordered_at), '%Y-%m-%d') AS last_day, count(*) AS orders FROM orders`;

const ExtentSchema = z
  .object({
    firstDay: z.string().nullable().openapi({ description: 'The first order day in your scope (YYYY-MM-DD); null without orders', example: '2023-01-01' }),
    lastDay: z.string().nullable().openapi({ description: 'The last order day in your scope; null without orders', example: '2025-12-31' }),
    orders: z.number().openapi({ description: 'Orders in your scope (cancelled included)' }),
  })
  .openapi('Extent');

export const routes = {
  extent: createRoute({
    method: 'get',
    path: '/api/extent',
    tags: ['analysis'],
    summary: 'The first and last order day in your scope (what the dashboard counts its period presets back from)',
    security: SECURED,
    responses: { 200: json(ExtentSchema, 'The span of your orders'), ...errorResponses(401) },
  }),
} as const;

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.extent, async (c) => {
    const who = principalOf(c);
    const e = await readCachedAs(d.data, who, 'extent', null, async (wh) => {
      const r = (await wh.query(EXTENT_SQL)).rows[0] ?? {};
      const day = (v: unknown) => (typeof v === 'string' ? v : null);
      return { firstDay: day(r.first_day), lastDay: day(r.last_day), orders: Number(r.orders ?? 0) };
    });
    return c.json(e, 200);
  });
}
