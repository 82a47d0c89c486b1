/** Administration: the audit log. */
import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../auth.js';
import type { Api, ApiDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { AuditEntrySchema, json, SECURED } from '../schemas.js';

export const routes = {
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

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.audit, (c) => {
    requirePermission(c, 'manage_users');
    return c.json({ entries: d.meta.auditLog(c.req.valid('query').limit ?? 100) }, 200);
  });
}
