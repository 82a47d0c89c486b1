/**
 * The dashboard's files (the Vite build in dist/web) served by `tidemark serve` next to the API. The files are the
 * application shell and hold no data, so they are public; every piece of data they show comes through /api with the
 * user's scope and masking. Unknown paths outside /api get index.html (the dashboard routes in the browser).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'hono';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Scripts, styles and data only from this server; no framing; no inline scripts. */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** Where the built dashboard is: dist/web next to the compiled server (dist/src/server → dist/web). */
export function defaultDashboardDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../web', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** Whether a request is for the dashboard's files rather than the API. */
export function isDashboardRequest(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && path !== '/api' && !path.startsWith('/api/');
}

export function serveDashboard(dir: string) {
  const root = resolve(dir);
  return async (c: Context, next: Next) => {
    if (!isDashboardRequest(c.req.method, c.req.path)) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path);
    } catch {
      rel = '/';
    }
    const file = resolve(root, `.${rel}`);
    const inside = file === root || file.startsWith(root + sep);
    const isFile = inside && existsSync(file) && statSync(file).isFile();
    // A missing asset is a 404 (a stale tab asking for an old chunk), a missing page is the dashboard's own route.
    if (!isFile && extname(rel) !== '' && !rel.endsWith('.html')) return c.body('not found', 404);
    const target = isFile ? file : join(root, 'index.html');
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    const hashed = isFile && rel.startsWith('/assets/');
    c.header('Content-Type', type);
    c.header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (type.startsWith('text/html')) c.header('Content-Security-Policy', DASHBOARD_CSP);
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(new Uint8Array(await readFile(target)), 200);
  };
}
