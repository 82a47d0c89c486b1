/** The customer list (search, sort, pages) and a customer's 360° profile, both through the caller's scoped, masked view. */
import { createRoute, z } from '@hono/zod-openapi';
import { listCustomers, parseCustomerSort, CUSTOMER_SORTS } from '../../customers/list.js';
import { customerProfile } from '../../customers/profile.js';
import { principalOf } from '../auth.js';
import { readAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { json, SECURED } from '../schemas.js';

const nullableText = z.string().nullable();
const RowSchema = z.record(z.string(), z.unknown());

export const CustomerListItemSchema = z
  .object({
    id: z.string(),
    name: nullableText,
    phone: nullableText,
    email: nullableText,
    province: nullableText,
    city: nullableText,
    owner: nullableText.openapi({ description: 'The owner’s employee id' }),
    ownerName: nullableText,
    kind: nullableText,
    memberTier: nullableText,
    rfmSegment: nullableText.openapi({ description: 'Segment in the latest stored RFM result' }),
    valueTier: nullableText.openapi({ description: 'Tier in the latest stored value tiers' }),
    firstOrderAt: nullableText,
    lastOrderAt: nullableText,
    orders: z.number().openapi({ description: 'Counted orders (cancelled excluded)' }),
    revenue: z.number().openapi({ description: 'Revenue of the counted orders, as the catalog’s revenue' }),
  })
  .openapi('CustomerListItem');

const ListQuerySchema = z.object({
  search: z.string().max(200).optional().openapi({ description: 'Substring of customer id, name, phone or email (case-insensitive). Masked callers match the masked values they see.' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Rows per page (default 50)' }),
  offset: z.coerce.number().int().min(0).max(100_000_000).optional(),
  sort: z.string().max(40).optional().openapi({ description: `One of ${Object.keys(CUSTOMER_SORTS).join(', ')}; a leading - sorts descending (default id)`, example: '-revenue' }),
});

const section = (description: string) => z.object({ total: z.number(), rows: z.array(RowSchema) }).openapi({ description });

export const CustomerProfileSchema = z
  .object({
    customerId: z.string(),
    attributes: RowSchema.openapi({ description: 'The customers row (custom fields only for callers who see personal data)' }),
    owner: RowSchema.nullable(),
    identities: z.array(RowSchema),
    orders: z.object({ total: z.number(), rows: z.array(RowSchema), counted: z.number(), revenue: z.number(), firstOrderAt: nullableText, lastOrderAt: nullableText }),
    opportunities: section('Opportunities, newest first'),
    contracts: section('Contracts, newest first'),
    tickets: section('Service tickets, newest first'),
    activities: section('Sales activities, newest first'),
    interactions: section('Interaction events, newest first'),
    segments: z.array(z.object({ key: z.string(), name: z.string() })),
    tags: z.array(z.object({ key: z.string(), nameZh: z.string(), nameEn: nullableText, kind: z.string(), source: z.string() })),
    scores: z.object({ rfm: RowSchema.nullable(), valueTier: RowSchema.nullable(), valueType: RowSchema.nullable(), cluster: RowSchema.nullable(), lifecycle: RowSchema.nullable() }),
  })
  .openapi('CustomerProfile');

export const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/customers',
    tags: ['customers'],
    summary: 'Customers in your scope: search, sort, pages',
    security: SECURED,
    request: { query: ListQuerySchema },
    responses: { 200: json(z.object({ total: z.number(), limit: z.number(), offset: z.number(), customers: z.array(CustomerListItemSchema) }), 'One page of customers and how many match'), ...errorResponses(400, 401) },
  }),
  profile: createRoute({
    method: 'get',
    path: '/api/customers/{id}',
    tags: ['customers'],
    summary: 'A customer’s 360° profile (404 outside your scope)',
    security: SECURED,
    request: {
      params: z.object({ id: z.string().min(1).max(200) }),
      query: z.object({ recent: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Rows per history section (default 20)' }) }),
    },
    responses: { 200: json(CustomerProfileSchema, 'The profile'), ...errorResponses(400, 401, 404) },
  }),
} as const;

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const sort = q.sort === undefined || q.sort === '' ? undefined : parseCustomerSort(q.sort);
    if (q.sort && !sort) throw new ApiError(400, 'invalid_sort', `sort: expected one of ${Object.keys(CUSTOMER_SORTS).join(', ')}, optionally with a leading - for descending`, 'sort');
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const r = await readAs(d.data, principalOf(c), (wh) => listCustomers(wh, { ...(q.search ? { search: q.search } : {}), ...(sort ? { sort } : {}), limit, offset }));
    return c.json({ total: r.total, limit, offset, customers: [...r.customers] }, 200);
  });

  app.openapi(routes.profile, async (c) => {
    const { id } = c.req.valid('param');
    const { recent } = c.req.valid('query');
    const p = await readAs(d.data, principalOf(c), (wh, access) => customerProfile(wh, id, { ...(recent ? { recent } : {}), includeExtra: !access.maskPersonal }));
    // Not 403: a customer outside the caller's scope must not be confirmed to exist.
    if (!p) throw new ApiError(404, 'unknown_customer', `no customer '${id}'`, 'id');
    return c.json(p as unknown as z.infer<typeof CustomerProfileSchema>, 200);
  });
}
