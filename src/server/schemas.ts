/**
 * Schemas and helpers shared by the route modules in ./api/ (each module declares its own routes next to its handlers).
 * Requests are validated from these schemas and docs/openapi.json is generated from them.
 */
import { z } from '@hono/zod-openapi';
import { PERMISSIONS, ROLES } from '../accounts/roles.js';
import { FILTER_OPS } from '../query/types.js';

export const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
export const SECURED: Record<string, string[]>[] = [{ session: [] }, { token: [] }];
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
export const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

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

export const LabelSchema = z.object({ en: z.string(), zh: z.string() });

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
    better: z.enum(['higher', 'lower']).optional().openapi({ description: 'Which way is good: a rise is shown green when higher, red when lower' }),
  })
  .openapi('Metric');

export const AuditEntrySchema = z
  .object({ auditId: z.number(), at: z.string(), userId: z.number().nullable(), login: z.string().nullable(), action: z.string(), details: z.record(z.string(), z.unknown()) })
  .openapi('AuditEntry');

export const OkSchema = z.object({ ok: z.literal(true) }).openapi('Ok');

