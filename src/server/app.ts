/**
 * The HTTP API as a Hono app. `createApp` takes everything it uses (warehouse, metadata store, catalog, clock, policy),
 * so tests call `app.request()` without a server; `serve.ts` puts it on a port.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { AccessGate } from '../access/index.js';
import { DEFAULT_POLICY, type AuthPolicy, type MetaStore } from '../accounts/index.js';
import type { Catalog } from '../metrics/types.js';
import { QueryError } from '../query/types.js';
import type { Warehouse } from '../warehouse/port.js';
import { API_MODULES } from './api/index.js';
import { authenticate, LoginRateLimiter, SESSION_COOKIE, type AppEnv } from './auth.js';
import { ResultCache, WriteLock, type DataContext } from './data.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorBody, fieldOf } from './errors.js';
import { serveDashboard } from './static.js';

export interface AppOptions {
  /** The warehouse, read-write. Routes never see it: reads go through the access gate, writes through the write lock. */
  readonly warehouse: Warehouse;
  /** The access gate over `warehouse` (made here when not given; the server passes its own to close it). */
  readonly gate?: AccessGate;
  readonly meta: MetaStore;
  readonly catalog: Catalog;
  readonly clock?: () => Date;
  readonly policy?: Partial<AuthPolicy>;
  /** Login attempts per client address per window (default 20 per 15 minutes). */
  readonly loginRateLimit?: { readonly max: number; readonly windowMs: number };
  /** Secure cookies: always, never, or when the request came over https (default). */
  readonly secureCookies?: boolean | 'auto';
  readonly version?: string;
  /** Where unexpected errors are logged with their stack (the response never carries it). */
  readonly log?: (message: string) => void;
  /** The largest file upload (whole multipart body) in bytes; default 1 GiB. JSON bodies have their own 256 KiB limit. */
  readonly maxUploadBytes?: number;
  /** Where uploads are written while they wait for and run their import (default `<db>.uploads/`; emptied on start). */
  readonly uploadDir?: string;
  /** The built dashboard (dist/web) to serve outside /api; none: the server is API only. */
  readonly dashboardDir?: string;
}

/** JSON bodies are small; uploads (routes a module lists in `uploads`) stream to disk under their own limit. */
const MAX_BODY_BYTES = 256 * 1024;
const MAX_UPLOAD_BYTES = 1 << 30;

export function createApp(opts: AppOptions) {
  const clock = opts.clock ?? (() => new Date());
  const version = opts.version ?? '0.1.0';
  const policy: AuthPolicy = { ...DEFAULT_POLICY, ...opts.policy };
  const { meta } = opts;
  const results = new ResultCache();
  const gate = opts.gate ?? new AccessGate(opts.warehouse);
  const afterWrite = () => {
    results.clear();
    gate.dataChanged();
  };
  const data: DataContext = { catalog: opts.catalog, meta, gate, writer: new WriteLock(opts.warehouse, afterWrite), results };
  const limiter = new LoginRateLimiter(opts.loginRateLimit?.max ?? 20, opts.loginRateLimit?.windowMs ?? 15 * 60_000, () => clock().getTime());
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const secure = (c: Context) => (opts.secureCookies === undefined || opts.secureCookies === 'auto' ? new URL(c.req.url).protocol === 'https:' : opts.secureCookies);

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ code: i.code, message: `${fieldOf(i.path) || 'body'}: ${i.message}`, field: fieldOf(i.path) }));
        const first = issues[0]!;
        return c.json(errorBody('invalid_input', first.message, first.field, issues), 400);
      }
      return undefined;
    },
  });

  app.onError((e, c) => {
    if (e instanceof ApiError) {
      if (e.status === 429) c.header('Retry-After', e.field ?? '60');
      return c.json(errorBody(e.code, e.message, e.status === 429 ? undefined : e.field), e.status);
    }
    if (e instanceof QueryError) {
      const first = e.issues[0];
      return c.json(errorBody(first?.code ?? 'invalid_query', first?.message ?? e.message, first?.field, e.issues), 400);
    }
    if (e instanceof HTTPException && e.status < 500) return c.json(errorBody('bad_request', e.message || 'bad request'), e.status);
    log(`tidemark serve: ${c.req.method} ${c.req.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return c.json(errorBody('internal', 'internal error; the server log has the details'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));

  app.use('*', secureHeaders());
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  // Before every route: nothing below answers an unauthenticated request unless it is in PUBLIC_ROUTES.
  app.use('*', authenticate(meta, policy, opts.dashboardDir !== undefined));
  // After authentication, so an anonymous client cannot make the server read a large body.
  const jsonLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(errorBody('body_too_large', `the request body is over ${MAX_BODY_BYTES / 1024} KiB`), 413) });
  const uploadRoutes = new Set(API_MODULES.flatMap((m) => m.uploads ?? []));
  app.use('*', (c, next) => (uploadRoutes.has(`${c.req.method} ${c.req.path}`) ? next() : jsonLimit(c, next)));

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' });

  const uploads = {
    dir: opts.uploadDir ?? (opts.warehouse.path === ':memory:' ? join(tmpdir(), `tidemark-uploads-${process.pid}`) : `${opts.warehouse.path}.uploads`),
    maxBytes: opts.maxUploadBytes ?? MAX_UPLOAD_BYTES,
  };
  const deps: ApiDeps = { meta, catalog: opts.catalog, data, clock, policy, limiter, version, log, secure, uploads };
  for (const m of API_MODULES) m.register(app, deps);
  if (opts.dashboardDir !== undefined) app.use('*', serveDashboard(opts.dashboardDir));

  return app;
}

export type App = ReturnType<typeof createApp>;
