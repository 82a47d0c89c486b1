/** The OpenAPI document, generated from the route schemas (docs/openapi.json; a test fails when it is stale). */
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import { ALL_ROUTES } from './api/index.js';
import { ErrorSchema } from './errors.js';
import { openApiConfig } from './openapi-config.js';

export { openApiConfig };

/** The document the server serves at /api/openapi.json, built from the same route definitions without a warehouse. */
export function openApiDocument(version?: string): Record<string, unknown> {
  const doc = new OpenAPIHono();
  doc.openAPIRegistry.register('Error', ErrorSchema);
  doc.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'tm_session' });
  doc.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' });
  for (const r of ALL_ROUTES) doc.openAPIRegistry.registerPath(r as RouteConfig);
  return doc.getOpenAPI31Document(openApiConfig(version)) as unknown as Record<string, unknown>;
}
