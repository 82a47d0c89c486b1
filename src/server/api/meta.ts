/** Public routes about the API itself: liveness and the OpenAPI document. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Api, ApiDeps } from '../deps.js';
import { openApiConfig } from '../openapi-config.js';
import { json } from '../schemas.js';

export const routes = {
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
} as const;

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.health, (c) => c.json({ ok: true as const, version: d.version }, 200));
  app.openapi(routes.openapi, (c) => c.json(app.getOpenAPI31Document(openApiConfig(d.version)) as unknown as Record<string, unknown>, 200));
}
