/**
 * The HTTP API as a Hono app. `createApp` takes everything it uses (warehouse, metadata store, catalog, clock, policy),
 * so tests call `app.request()` without a server; `serve.ts` puts it on a port.
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { checkLogin, DEFAULT_POLICY, newPasswordHash, PasswordError, verifyPassword, type AuthPolicy, type MetaStore, type User } from '../accounts/index.js';
import type { Catalog } from '../metrics/types.js';
import { QueryError, type Query } from '../query/types.js';
import type { Warehouse } from '../warehouse/port.js';
import { authenticate, clientAddress, CSRF_COOKIE, LoginRateLimiter, principalOf, requirePermission, SESSION_COOKIE, type AppEnv } from './auth.js';
import { queryAs, statusAs, type DataContext } from './data.js';
import { ApiError, errorBody, fieldOf } from './errors.js';
import { openApiConfig } from './openapi.js';
import { QueryResultSchema, ROUTES, StatusSchema } from './routes.js';

export interface AppOptions {
  readonly warehouse: Warehouse;
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
}

function userView(meta: MetaStore, u: User) {
  return {
    login: u.login,
    displayName: u.displayName,
    role: u.role,
    permissions: meta.permissionsOf(u.role),
    employeeId: u.employeeId,
    department: u.department,
    branch: u.branch,
  };
}

/** JSON bodies of this increment are small; file uploads will get their own limit. */
const MAX_BODY_BYTES = 256 * 1024;

export function createApp(opts: AppOptions) {
  const clock = opts.clock ?? (() => new Date());
  const version = opts.version ?? '0.1.0';
  const policy: AuthPolicy = { ...DEFAULT_POLICY, ...opts.policy };
  const { meta } = opts;
  const data: DataContext = { warehouse: opts.warehouse, catalog: opts.catalog, meta };
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
    c.header('Cache-Control', 'no-store');
  });
  // Before every route: nothing below answers an unauthenticated request unless it is in PUBLIC_ROUTES.
  app.use('*', authenticate(meta, policy));
  // After authentication, so an anonymous client cannot make the server read a large body.
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(errorBody('body_too_large', `the request body is over ${MAX_BODY_BYTES / 1024} KiB`), 413) }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' });

  app.openapi(ROUTES.health, (c) => c.json({ ok: true as const, version }, 200));
  app.openapi(ROUTES.openapi, (c) => c.json(app.getOpenAPI31Document(openApiConfig(version)) as unknown as Record<string, unknown>, 200));

  app.openapi(ROUTES.login, async (c) => {
    const { login, password } = c.req.valid('json');
    const wait = limiter.hit(clientAddress(c));
    if (wait !== undefined) throw new ApiError(429, 'rate_limited', `too many login attempts from this address; retry in ${wait} s`, String(wait));
    const r = await checkLogin(meta, login, password, policy);
    if (!r.ok) {
      if (r.code === 'account_locked') return c.json(errorBody('account_locked', `too many failed logins; the account is locked until ${r.lockedUntil}`, 'login'), 423);
      return c.json(errorBody('invalid_credentials', 'wrong login or password', 'password'), 401);
    }
    const s = meta.createSession(r.user.userId, policy.sessionTtlMs);
    const cookie = { path: '/', secure: secure(c), sameSite: 'Strict' as const, expires: new Date(s.session.expiresAt) };
    setCookie(c, SESSION_COOKIE, s.token, { ...cookie, httpOnly: true });
    setCookie(c, CSRF_COOKIE, s.csrfToken, cookie);
    meta.audit({ user: r.user, action: 'login', details: { address: clientAddress(c) } });
    return c.json({ user: userView(meta, r.user), csrfToken: s.csrfToken, expiresAt: s.session.expiresAt }, 200);
  });

  app.openapi(ROUTES.logout, (c) => {
    const p = principalOf(c);
    if (!p.session) throw new ApiError(400, 'not_a_session', 'API tokens do not sign in; revoke the token instead (tidemark user token revoke)', 'Authorization');
    meta.deleteSession(p.session.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
    deleteCookie(c, CSRF_COOKIE, { path: '/', secure: secure(c) });
    meta.audit({ user: p.user, action: 'logout' });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(ROUTES.me, (c) => c.json(userView(meta, principalOf(c).user), 200));

  app.openapi(ROUTES.password, async (c) => {
    const p = principalOf(c);
    const { currentPassword, newPassword } = c.req.valid('json');
    if (!(await verifyPassword(meta.passwordHashOf(p.user.userId) ?? '', currentPassword))) {
      meta.audit({ user: p.user, action: 'password_change_failed' });
      throw new ApiError(400, 'wrong_password', 'the current password is wrong', 'currentPassword');
    }
    let hash: string;
    try {
      hash = await newPasswordHash(newPassword, p.user.login);
    } catch (e) {
      if (e instanceof PasswordError) throw new ApiError(400, 'weak_password', e.message, 'newPassword');
      throw e;
    }
    meta.setPassword(p.user.userId, hash, p.session?.sessionId);
    meta.audit({ user: p.user, action: 'password_changed' });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(ROUTES.status, async (c) => c.json((await statusAs(data, principalOf(c))) as unknown as z.infer<typeof StatusSchema>, 200));

  app.openapi(ROUTES.metrics, (c) => {
    principalOf(c);
    const metrics = [...opts.catalog.metrics.values()].map((m) => ({
      key: m.key,
      label: { en: m.label.en, zh: m.label.zh },
      description: m.description,
      unit: m.unit,
      owner: m.owner,
      ...(m.source ? { source: m.source } : {}),
      ...(m.formula ? { formula: m.formula } : {}),
    }));
    return c.json({ metrics }, 200);
  });

  app.openapi(ROUTES.query, async (c) => {
    const r = await queryAs(data, principalOf(c), c.req.valid('json') as Query);
    const out = { query: r.query, columns: r.columns, rows: r.rows, sql: r.sql, params: r.params.map((v) => (typeof v === 'bigint' ? String(v) : v)), ms: r.ms };
    return c.json(out as unknown as z.infer<typeof QueryResultSchema>, 200);
  });

  app.openapi(ROUTES.audit, (c) => {
    requirePermission(c, 'manage_users');
    return c.json({ entries: meta.auditLog(c.req.valid('query').limit ?? 100) }, 200);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
