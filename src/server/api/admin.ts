/** Administration: the audit log, filtered, as JSON or a CSV export. */
import { createRoute, z } from '@hono/zod-openapi';
import { AUDIT_INSTANT, auditBound, AuditRangeError, auditTable, maskAuditEntry } from '../../audit/index.js';
import { tablesCsv } from '../../export/tables.js';
import { requirePermission } from '../auth.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { AuditEntrySchema, json, SECURED } from '../schemas.js';

const INSTANT = z.string().regex(AUDIT_INSTANT, 'a date YYYY-MM-DD (a UTC day) or an ISO instant with its zone');

const AuditQuery = z.object({
  action: z.string().min(1).max(64).optional().openapi({ description: 'e.g. login_failed, user_updated, role_changed, query' }),
  login: z.string().min(1).max(64).optional().openapi({ description: 'Entries made by this login or about this user' }),
  from: INSTANT.optional().openapi({ description: 'From this UTC day or instant, inclusive' }),
  to: INSTANT.optional().openapi({ description: 'To this UTC day (inclusive) or instant (exclusive)' }),
  limit: z.coerce.number().int().positive().max(100_000).optional().openapi({ description: 'Default 100 for JSON, 100,000 for CSV' }),
  offset: z.coerce.number().int().min(0).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

export const routes = {
  audit: createRoute({
    method: 'get',
    path: '/api/audit',
    tags: ['admin'],
    summary: 'The audit log, newest first, filtered; ?format=csv exports it (permission manage_users)',
    security: SECURED,
    request: { query: AuditQuery },
    responses: {
      200: {
        description: 'Entries (JSON), or CSV in UTF-8 with BOM',
        content: {
          'application/json': { schema: z.object({ entries: z.array(AuditEntrySchema), total: z.number(), limit: z.number(), offset: z.number() }) },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
} as const;

function bound(s: string | undefined, field: 'from' | 'to'): string | undefined {
  try {
    return auditBound(s, field);
  } catch (e) {
    if (e instanceof AuditRangeError) throw new ApiError(400, 'invalid_date', e.message, field);
    throw e;
  }
}

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.audit, (c) => {
    const p = requirePermission(c, 'manage_users');
    const q = c.req.valid('query');
    const csv = q.format === 'csv';
    const filter = { action: q.action, login: q.login, from: bound(q.from, 'from'), to: bound(q.to, 'to') };
    const limit = q.limit ?? (csv ? 100_000 : 100);
    const offset = q.offset ?? 0;
    const found = d.meta.queryAudit({ ...filter, limit, offset });
    // Audit details can hold customer data (a query's filter values, SQL literals): masked for a reader who may not see it.
    const entries = p.permissions.includes('see_personal_data') ? found.entries : found.entries.map(maskAuditEntry);
    if (!csv) return c.json({ entries, total: found.total, limit, offset }, 200);
    d.meta.audit({ user: p.user, action: 'audit_exported', details: { filters: { action: q.action, about: q.login, from: q.from, to: q.to }, rows: entries.length } });
    c.header('Content-Disposition', 'attachment; filename="audit.csv"');
    return c.body(tablesCsv([auditTable(entries)]), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
}
