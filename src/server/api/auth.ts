/** Sign-in, sign-out, the signed-in user and password change. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { checkLogin, newPasswordHash, PasswordError, verifyPassword, type MetaStore, type User } from '../../accounts/index.js';
import { clientAddress, CSRF_COOKIE, principalOf, SESSION_COOKIE } from '../auth.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorBody, errorResponses } from '../errors.js';
import { body, json, LoginSchema, OkSchema, PasswordChangeSchema, SECURED, SessionSchema, UserSchema } from '../schemas.js';

export function userView(meta: MetaStore, u: User) {
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

export const routes = {
  login: createRoute({
    method: 'post',
    path: '/api/auth/login',
    tags: ['auth'],
    summary: 'Sign in; sets the session cookie and returns the CSRF token',
    request: { body: body(LoginSchema) },
    responses: { 200: json(SessionSchema, 'Signed in'), ...errorResponses(400, 401, 423, 429) },
  }),
  logout: createRoute({
    method: 'post',
    path: '/api/auth/logout',
    tags: ['auth'],
    summary: 'End the session',
    security: SECURED,
    responses: { 200: json(OkSchema, 'Signed out'), ...errorResponses(400, 401, 403) },
  }),
  me: createRoute({
    method: 'get',
    path: '/api/auth/me',
    tags: ['auth'],
    summary: 'The signed-in user, role and permissions',
    security: SECURED,
    responses: { 200: json(UserSchema, 'The user'), ...errorResponses(401) },
  }),
  password: createRoute({
    method: 'post',
    path: '/api/auth/password',
    tags: ['auth'],
    summary: 'Change your password; your other sessions end',
    security: SECURED,
    request: { body: body(PasswordChangeSchema) },
    responses: { 200: json(OkSchema, 'Changed'), ...errorResponses(400, 401, 403) },
  }),
} as const;

export function register(app: Api, d: ApiDeps): void {
  const { meta, policy, limiter } = d;
  const cookieBase = (c: Context) => ({ path: '/', secure: d.secure(c) });

  app.openapi(routes.login, async (c) => {
    const { login, password } = c.req.valid('json');
    const wait = limiter.hit(clientAddress(c));
    if (wait !== undefined) throw new ApiError(429, 'rate_limited', `too many login attempts from this address; retry in ${wait} s`, String(wait));
    const r = await checkLogin(meta, login, password, policy);
    if (!r.ok) {
      if (r.code === 'account_locked') return c.json(errorBody('account_locked', `too many failed logins; the account is locked until ${r.lockedUntil}`, 'login'), 423);
      return c.json(errorBody('invalid_credentials', 'wrong login or password', 'password'), 401);
    }
    const s = meta.createSession(r.user.userId, policy.sessionTtlMs);
    const cookie = { ...cookieBase(c), sameSite: 'Strict' as const, expires: new Date(s.session.expiresAt) };
    setCookie(c, SESSION_COOKIE, s.token, { ...cookie, httpOnly: true });
    setCookie(c, CSRF_COOKIE, s.csrfToken, cookie);
    meta.audit({ user: r.user, action: 'login', details: { address: clientAddress(c) } });
    return c.json({ user: userView(meta, r.user), csrfToken: s.csrfToken, expiresAt: s.session.expiresAt }, 200);
  });

  app.openapi(routes.logout, (c) => {
    const p = principalOf(c);
    if (!p.session) throw new ApiError(400, 'not_a_session', 'API tokens do not sign in; revoke the token instead (tidemark user token revoke)', 'Authorization');
    meta.deleteSession(p.session.sessionId);
    deleteCookie(c, SESSION_COOKIE, cookieBase(c));
    deleteCookie(c, CSRF_COOKIE, cookieBase(c));
    meta.audit({ user: p.user, action: 'logout' });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(routes.me, (c) => c.json(userView(meta, principalOf(c).user), 200));

  app.openapi(routes.password, async (c) => {
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
}
