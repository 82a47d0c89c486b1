/**
 * Saved segments and tags. Reads go through the caller's view: definitions are shared, sizes and members are counted
 * over the caller's customers only. Writes (save, refresh, delete) change the company-wide lists, so they need the
 * `import` permission and an unscoped role (writeAs), like any other write to the warehouse.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { warehouseToday } from '../../query/run.js';
import { CONDITION_OPS, deleteSegment, refreshSegments, RuleError, saveSegment, type RuleDefinition } from '../../segments/index.js';
import { visibleMembers, visibleSegments, visibleTagCoverage } from '../../segments/visible.js';
import type { Warehouse } from '../../warehouse/port.js';
import { principalOf, type AppEnv } from '../auth.js';
import { readAs, writeAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorBody, errorResponses } from '../errors.js';
import { body, DATE, FilterSchema, json, SECURED } from '../schemas.js';

const ConditionSchema = z
  .object({
    metric: z.string(),
    op: z.enum(CONDITION_OPS),
    values: z.array(z.number()),
    days: z.number().int().optional().openapi({ description: 'The window: the n days before the as-of day' }),
    from: DATE.optional(),
    to: DATE.optional(),
  })
  .strict();

const DefinitionSchema = z
  .object({ filters: z.array(FilterSchema).optional(), metrics: z.array(ConditionSchema).optional() })
  .strict()
  .openapi('SegmentRule', { description: 'Filters on customer dimensions AND per-customer metric conditions (see docs/cli.md, tidemark segment save)' });

const SegmentSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    kind: z.enum(['rule', 'static']),
    definition: DefinitionSchema.nullable(),
    description: z.string().nullable(),
    createdAt: z.string(),
    refreshedAt: z.string().nullable(),
    asOf: z.string().nullable(),
    customers: z.number().openapi({ description: 'Members among the customers in your scope' }),
  })
  .openapi('Segment');

const SaveSegmentSchema = z
  .object({
    key: z.string().min(1).max(64).openapi({ example: 'gd_gold' }),
    name: z.string().min(1).max(200).openapi({ example: '广东金卡会员' }),
    description: z.string().max(2000).optional(),
    definition: DefinitionSchema.optional(),
    customers: z.array(z.string().min(1).max(200)).max(10_000).optional().openapi({ description: 'A static list of customer ids (instead of a rule)' }),
    replace: z.boolean().optional(),
    asOf: DATE.optional(),
  })
  .strict()
  .openapi('SaveSegment');

const TagCoverageSchema = z
  .object({
    customers: z.number().openapi({ description: 'Customers in your scope' }),
    tagged: z.number(),
    tags: z.array(
      z.object({
        key: z.string(),
        nameZh: z.string(),
        nameEn: z.string().nullable(),
        kind: z.enum(['rule', 'manual', 'model']),
        definition: DefinitionSchema.nullable(),
        description: z.string().nullable(),
        createdAt: z.string(),
        appliedAt: z.string().nullable(),
        asOf: z.string().nullable(),
        customers: z.number(),
        share: z.number().nullable().openapi({ description: 'customers ÷ customers in your scope' }),
      }),
    ),
  })
  .openapi('TagCoverage');

const KeyParam = z.object({ key: z.string().min(1).max(64).openapi({ param: { name: 'key', in: 'path' }, example: 'gd_gold' }) });

export const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/segments',
    tags: ['segments'],
    summary: 'Saved segments, sized over your scope',
    security: SECURED,
    responses: { 200: json(z.object({ segments: z.array(SegmentSchema) }), 'Segments'), ...errorResponses(401) },
  }),
  show: createRoute({
    method: 'get',
    path: '/api/segments/{key}',
    tags: ['segments'],
    summary: 'A segment: its definition, size and members in your scope (paginated)',
    security: SECURED,
    request: {
      params: KeyParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'default 50' }), offset: z.coerce.number().int().min(0).max(100_000_000).optional() }),
    },
    responses: { 200: json(SegmentSchema.extend({ limit: z.number(), offset: z.number(), members: z.array(z.record(z.string(), z.unknown())) }), 'The segment and one page of members'), ...errorResponses(400, 401, 404) },
  }),
  save: createRoute({
    method: 'post',
    path: '/api/segments',
    tags: ['segments'],
    summary: 'Save a rule or a static list as a segment and fill it (permission import, unscoped roles)',
    security: SECURED,
    request: { body: body(SaveSegmentSchema) },
    responses: { 200: json(SegmentSchema, 'The saved segment'), ...errorResponses(400, 401, 403, 409) },
  }),
  refresh: createRoute({
    method: 'post',
    path: '/api/segments/{key}/refresh',
    tags: ['segments'],
    summary: 'Re-evaluate a rule segment on the current data (permission import, unscoped roles)',
    security: SECURED,
    request: { params: KeyParam, body: { required: false, content: { 'application/json': { schema: z.object({ asOf: DATE.optional() }).strict() } } } },
    responses: { 200: json(z.object({ key: z.string(), kind: z.enum(['rule', 'static']), before: z.number(), customers: z.number(), asOf: z.string().nullable() }), 'Sizes before and after'), ...errorResponses(400, 401, 403, 404) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/segments/{key}',
    tags: ['segments'],
    summary: 'Delete a segment and its members (permission import, unscoped roles)',
    security: SECURED,
    request: { params: KeyParam },
    responses: { 200: json(z.object({ deleted: z.string() }), 'Deleted'), ...errorResponses(400, 401, 403, 404) },
  }),
  tags: createRoute({
    method: 'get',
    path: '/api/tags',
    tags: ['segments'],
    summary: 'Tags with their coverage over your scope',
    security: SECURED,
    responses: { 200: json(TagCoverageSchema, 'Tags'), ...errorResponses(401) },
  }),
} as const;

const STATUS_OF: Readonly<Record<string, 404 | 409>> = { unknown_segment: 404, segment_exists: 409 };

/** Rule problems are the caller's input: 400 with every issue (404/409 for an unknown or existing segment). */
async function rules<T>(c: Context<AppEnv>, fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof RuleError)) throw e;
    const first = e.issues[0]!;
    return c.json(errorBody(first.code, first.message, first.field, e.issues), STATUS_OF[first.code] ?? 400);
  }
}

async function checkCustomers(wh: Warehouse, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  const known = new Set<string>();
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    for (const r of (await wh.query(`SELECT customer_id FROM customers WHERE customer_id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')})`, chunk)).rows) known.add(String(r.customer_id));
  }
  const unknown = unique.filter((x) => !known.has(x));
  if (unknown.length) throw new RuleError([{ code: 'unknown_customer', field: 'customers', message: `unknown customer${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}; nothing was saved` }]);
}

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.list, async (c) => {
    const segments = await readAs(d.data, principalOf(c), (wh) => visibleSegments(wh));
    return c.json({ segments: segments as z.infer<typeof SegmentSchema>[] }, 200);
  });

  app.openapi(routes.show, async (c) => {
    const { key } = c.req.valid('param');
    const q = c.req.valid('query');
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const r = await readAs(d.data, principalOf(c), async (wh) => {
      const s = (await visibleSegments(wh)).find((x) => x.key === key);
      return s ? { ...s, limit, offset, members: await visibleMembers(wh, key, limit, offset) } : undefined;
    });
    if (!r) throw new ApiError(404, 'unknown_segment', `unknown segment '${key}'`, 'key');
    return c.json(r as z.infer<typeof SegmentSchema> & { limit: number; offset: number; members: Record<string, unknown>[] }, 200);
  });

  app.openapi(routes.save, async (c) => {
    const who = principalOf(c);
    const b = c.req.valid('json');
    const r = await rules(c, () =>
      writeAs(d.data, who, 'import', `save segment ${b.key}`, async (wh) => {
        if (b.customers) await checkCustomers(wh, b.customers);
        return saveSegment(wh, d.catalog, {
          key: b.key,
          name: b.name,
          ...(b.description !== undefined ? { description: b.description } : {}),
          ...(b.definition ? { definition: b.definition as RuleDefinition } : {}),
          ...(b.customers ? { customers: b.customers } : {}),
          ...(b.replace ? { replace: true } : {}),
          ...(b.asOf ? { asOf: b.asOf } : {}),
          today: await warehouseToday(wh),
        });
      }),
    );
    if (r instanceof Response) return r as never;
    d.meta.audit({ user: who.user, action: 'segment_save', details: { segment: r.key, kind: r.kind, customers: r.customers } });
    return c.json(r as z.infer<typeof SegmentSchema>, 200);
  });

  app.openapi(routes.refresh, async (c) => {
    const who = principalOf(c);
    const { key } = c.req.valid('param');
    const asOf = (c.req.header('Content-Type') ?? '').includes('json') ? c.req.valid('json')?.asOf : undefined;
    const r = await rules(c, async () => {
      const [one] = await writeAs(d.data, who, 'import', `refresh segment ${key}`, async (wh) => refreshSegments(wh, d.catalog, { key, ...(asOf ? { asOf } : {}), today: await warehouseToday(wh) }));
      return one!;
    });
    if (r instanceof Response) return r as never;
    d.meta.audit({ user: who.user, action: 'segment_refresh', details: { segment: key, before: r.before, customers: r.customers } });
    return c.json(r, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const who = principalOf(c);
    const { key } = c.req.valid('param');
    const r = await rules(c, () => writeAs(d.data, who, 'import', `delete segment ${key}`, (wh) => deleteSegment(wh, key)));
    if (r instanceof Response) return r as never;
    d.meta.audit({ user: who.user, action: 'segment_delete', details: { segment: key } });
    return c.json({ deleted: key }, 200);
  });

  app.openapi(routes.tags, async (c) => {
    const r = await readAs(d.data, principalOf(c), (wh) => visibleTagCoverage(wh));
    return c.json(r as z.infer<typeof TagCoverageSchema>, 200);
  });
}
