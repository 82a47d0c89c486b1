/** The OpenAPI document, generated from the route schemas (docs/openapi.json; a test fails when it is stale). */
import { OpenAPIHono } from '@hono/zod-openapi';
import { ROUTES } from './routes.js';
import { ErrorSchema } from './errors.js';

export function openApiConfig(version = '0.1.0') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tidemark API',
      version,
      description: 'The HTTP API of Tidemark (`tidemark serve`). Errors are `{ "error": { "code", "message", "field"? } }`. See docs/api.md.',
    },
  };
}

/** The document the server serves at /api/openapi.json, built from the same route definitions without a warehouse. */
export function openApiDocument(version?: string): Record<string, unknown> {
  const doc = new OpenAPIHono();
  doc.openAPIRegistry.register('Error', ErrorSchema);
  doc.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'tm_session' });
  doc.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' });
  for (const r of Object.values(ROUTES)) doc.openAPIRegistry.registerPath(r);
  return doc.getOpenAPI31Document(openApiConfig(version)) as unknown as Record<string, unknown>;
}
