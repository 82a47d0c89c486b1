/**
 * Who is calling. Every request goes through {@link authenticate} first; only the routes listed in
 * {@link PUBLIC_ROUTES} answer without credentials, and anything else (including unknown paths) is 401.
 *
 * - Browsers: a session cookie (`tm_session`, HttpOnly, SameSite=Strict, Secure over https) from POST /api/auth/login.
 *   Writes (any method but GET/HEAD/OPTIONS) must also carry `X-CSRF-Token`, the session's CSRF token, returned by
 *   login and mirrored in the readable `tm_csrf` cookie (double submit, bound to the session).
 * - Scripts: `Authorization: Bearer tmt_…`, an API token from `tidemark user token create`; no cookie, so no CSRF check.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuthPolicy, MetaStore, Permission, Session, User } from '../accounts/index.js';
import { secretHash } from '../accounts/secrets.js';
import { isDashboardRequest } from './static.js';
import { ApiError } from './errors.js';

export interface Principal {
  readonly user: User;
  readonly permissions: readonly Permission[];
  readonly via: 'session' | 'token';
  readonly session?: Session;
  readonly tokenId?: number;
}

export type AppEnv = { Variables: { principal: Principal } };

export const SESSION_COOKIE = 'tm_session';
export const CSRF_COOKIE = 'tm_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Method and path of every route that answers without credentials. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /api/health', 'POST /api/auth/login', 'GET /api/openapi.json']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw new ApiError(401, 'unauthenticated', 'sign in first');
  return p;
}

export function requirePermission(c: Context<AppEnv>, permission: Permission): Principal {
  const p = principalOf(c);
  if (!p.permissions.includes(permission)) throw new ApiError(403, 'forbidden', `your role (${p.user.role}) does not have the '${permission}' permission`);
  return p;
}

/** `dashboard`: the server also serves the dashboard's files (GET/HEAD outside /api), which are public: they hold no data. */
export function authenticate(meta: MetaStore, policy: AuthPolicy, dashboard = false): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (PUBLIC_ROUTES.has(`${c.req.method} ${c.req.path}`)) return next();
    if (dashboard && isDashboardRequest(c.req.method, c.req.path)) return next();
    const authz = c.req.header('Authorization');
    let principal: Principal | undefined;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const t = m ? meta.findApiToken(m[1]!) : undefined;
      const user = t ? meta.userById(t.userId) : undefined;
      if (!t || !user || user.disabled) throw new ApiError(401, 'invalid_token', 'the API token is unknown, revoked, or its user is disabled');
      principal = { user, permissions: meta.permissionsOf(user.role), via: 'token', tokenId: t.tokenId };
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      const session = token ? meta.findSession(token, policy.sessionIdleMs) : undefined;
      const user = session ? meta.userById(session.userId) : undefined;
      if (!session || !user || user.disabled) {
        throw new ApiError(401, token ? 'session_expired' : 'unauthenticated', token ? 'the session has ended; sign in again' : 'sign in first (POST /api/auth/login) or send an API token');
      }
      if (!SAFE_METHODS.has(c.req.method)) {
        const sent = c.req.header(CSRF_HEADER);
        if (!sent || secretHash(sent) !== session.csrfHash) throw new ApiError(403, 'csrf_failed', `writes need the ${CSRF_HEADER} header with the token login returned`, CSRF_HEADER);
      }
      principal = { user, permissions: meta.permissionsOf(user.role), via: 'session', session };
    }
    c.set('principal', principal);
    return next();
  };
}

/** A fixed-window counter of login attempts per client address: slows password spraying across many logins. */
export class LoginRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly maxPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts an attempt; returns the seconds to wait when over the limit. */
  hit(key: string): number | undefined {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) for (const [k, v] of this.windows) if (t - v.start >= this.windowMs) this.windows.delete(k);
    }
    w.count++;
    return w.count > this.maxPerWindow ? Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000)) : undefined;
  }
}

/** The client's address as the socket sees it (proxies are not trusted); "local" for in-process requests (tests). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}
