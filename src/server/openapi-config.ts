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
