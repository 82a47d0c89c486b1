/** The API's routes: request and response schemas (zod), from which requests are validated and docs/openapi.json is generated. */
import { createRoute, z } from '@hono/zod-openapi';
import { PERMISSIONS, ROLES } from '../accounts/roles.js';
import { FILTER_OPS } from '../query/types.js';
import { errorResponses } from './errors.js';

const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const SECURED: Record<string, string[]>[] = [{ session: [] }, { token: [] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

export const UserSchema = z
  .object({
    login: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
    employeeId: z.string().nullable(),
    department: z.string().nullable(),
    branch: z.string().nullable(),
  })
  .openapi('User');

export const LoginSchema = z.object({ login: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict().openapi('Login');

export const SessionSchema = z
  .object({
    user: UserSchema,
    csrfToken: z.string().openapi({ description: 'Send as the X-CSRF-Token header on every write made with the session cookie' }),
    expiresAt: z.string(),
  })
  .openapi('Session');

export const PasswordChangeSchema = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }).strict().openapi('PasswordChange');

export const FilterSchema = z
  .object({
    dimension: z.string(),
    op: z.enum(FILTER_OPS as unknown as [string, ...string[]]),
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

export const QuerySchema = z
  .object({
    metrics: z.array(z.string()).min(1).openapi({ example: ['revenue', 'orders'] }),
    dimensions: z.array(z.string()).optional().openapi({ example: ['month'] }),
    filters: z.array(FilterSchema).optional(),
    from: DATE.optional().openapi({ description: 'First day, inclusive' }),
    to: DATE.optional().openapi({ description: 'Last day, inclusive' }),
    compare: z.enum(['yoy', 'mom']).optional(),
    sort: z.array(z.object({ key: z.string(), desc: z.boolean().optional() }).strict()).optional(),
    limit: z.number().int().positive().max(1_000_000).optional(),
    totals: z.boolean().optional(),
    subtotals: z.boolean().optional(),
    asOf: DATE.optional(),
  })
  .strict()
  .openapi('Query');

const LabelSchema = z.object({ en: z.string(), zh: z.string() });

export const QueryResultSchema = z
  .object({
    query: QuerySchema,
    columns: z.array(z.looseObject({ key: z.string(), kind: z.string(), label: LabelSchema })),
    rows: z.array(z.record(z.string(), z.unknown())),
    sql: z.string().openapi({ description: 'The statement that ran' }),
    params: z.array(z.unknown()),
    ms: z.number(),
  })
  .openapi('QueryResult');

export const StatusSchema = z
  .object({
    path: z.string(),
    sizeBytes: z.number(),
    walBytes: z.number(),
    timeZone: z.string(),
    schemaVersion: z.string().nullable(),
    tables: z.array(z.object({ table: z.string(), label: z.string(), labelZh: z.string(), rows: z.number() })),
    imports: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('Status');

export const MetricSchema = z
  .object({
    key: z.string(),
    label: LabelSchema,
    description: z.string(),
    unit: z.string(),
    owner: z.string(),
    source: z.string().optional(),
    formula: z.string().optional(),
  })
  .openapi('Metric');

export const AuditEntrySchema = z
  .object({ auditId: z.number(), at: z.string(), userId: z.number().nullable(), login: z.string().nullable(), action: z.string(), details: z.record(z.string(), z.unknown()) })
  .openapi('AuditEntry');

export const OkSchema = z.object({ ok: z.literal(true) }).openapi('Ok');

export const ROUTES = {
  health: createRoute({
    method: 'get',
    path: '/api/health',
    tags: ['meta'],
    summary: 'Liveness (no sign-in needed)',
    responses: { 200: json(z.object({ ok: z.literal(true), version: z.string() }), 'The server is up') },
  }),
  openapi: createRoute({
    method: 'get',
    path: '/api/openapi.json',
    tags: ['meta'],
    summary: 'This document (no sign-in needed)',
    responses: { 200: json(z.record(z.string(), z.unknown()), 'OpenAPI 3.1') },
  }),
  login: createRoute({
    method: 'post',
    path: '/api/auth/login',
    tags: ['auth'],
    summary: 'Sign in; sets the session cookie and returns the CSRF token',
    request: { body: body(LoginSchema) },
    responses: { 200: json(SessionSchema, 'Signed in'), ...errorResponses(400, 401, 423, 429) },
  }),
  logout: createRoute({
    method: 'post',
    path: '/api/auth/logout',
    tags: ['auth'],
    summary: 'End the session',
    security: SECURED,
    responses: { 200: json(OkSchema, 'Signed out'), ...errorResponses(400, 401, 403) },
  }),
  me: createRoute({
    method: 'get',
    path: '/api/auth/me',
    tags: ['auth'],
    summary: 'The signed-in user, role and permissions',
    security: SECURED,
    responses: { 200: json(UserSchema, 'The user'), ...errorResponses(401) },
  }),
  password: createRoute({
    method: 'post',
    path: '/api/auth/password',
    tags: ['auth'],
    summary: 'Change your password; your other sessions end',
    security: SECURED,
    request: { body: body(PasswordChangeSchema) },
    responses: { 200: json(OkSchema, 'Changed'), ...errorResponses(400, 401, 403) },
  }),
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
  audit: createRoute({
    method: 'get',
    path: '/api/audit',
    tags: ['admin'],
    summary: 'The audit log, newest first (permission manage_users)',
    security: SECURED,
    request: { query: z.object({ limit: z.coerce.number().int().positive().max(10_000).optional() }) },
    responses: { 200: json(z.object({ entries: z.array(AuditEntrySchema) }), 'Entries'), ...errorResponses(400, 401, 403) },
  }),
} as const;
