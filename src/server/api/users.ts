/**
 * Administration of users, roles and API tokens (permission manage_users), and every user's own API tokens.
 * The checks and the audit entries are in src/accounts/admin.ts, shared with the CLI.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { accessOf, scopeLabel } from '../../access/index.js';
import {
  AdminError,
  createToken,
  createUser,
  findUser,
  PERMISSIONS,
  resetPassword,
  revokeToken,
  ROLES,
  rolesView,
  setRolePermissions,
  updateUser,
  type Actor,
  type AdminErrorCode,
  type ApiToken,
  type MetaStore,
  type User,
} from '../../accounts/index.js';
import { principalOf, requirePermission, type AppEnv, type Principal } from '../auth.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { body, json, OkSchema, SECURED } from '../schemas.js';

const STATUS: Record<AdminErrorCode, 400 | 404 | 409> = {
  invalid_login: 400,
  login_taken: 409,
  unknown_user: 404,
  weak_password: 400,
  first_user_admin: 400,
  last_admin: 409,
  unknown_role: 404,
  unknown_permission: 400,
  admin_needs_manage_users: 409,
  unknown_token: 404,
  invalid_field: 400,
};

/** Runs an administration step, turning its refusals into API errors. */
async function step<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AdminError) throw new ApiError(STATUS[e.code], e.code, e.message, e.field);
    throw e;
  }
}

export const actorOf = (p: Principal): Actor => ({ user: p.user, login: p.user.login });

const Text = (max: number) => z.string().trim().min(1).max(max);
const Position = Text(64);

export const AdminUserSchema = z
  .object({
    login: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
    employeeId: z.string().nullable(),
    department: z.string().nullable(),
    branch: z.string().nullable(),
    scope: z.string().openapi({ description: 'The rows this user sees, in words (e.g. "records owned by employee E1")' }),
    disabled: z.boolean(),
    locked: z.boolean(),
    lockedUntil: z.string().nullable(),
    lastLoginAt: z.string().nullable().openapi({ description: 'The last successful sign-in (from the audit log), if known' }),
    createdAt: z.string(),
    passwordChangedAt: z.string(),
  })
  .openapi('AdminUser');

const NewUserSchema = z
  .object({
    login: z.string().min(1).max(64).openapi({ description: '2–64 letters, digits or . _ @ -' }),
    password: z.string().min(1).max(1024).openapi({ description: 'The initial password, chosen by the admin: at least 10 characters, not the login' }),
    role: z.enum(ROLES),
    displayName: Text(100).optional(),
    employeeId: Position.optional(),
    department: Position.optional(),
    branch: Position.optional(),
  })
  .strict()
  .openapi('NewUser');

const UserPatchSchema = z
  .object({
    role: z.enum(ROLES).optional(),
    displayName: Text(100).nullable().optional(),
    employeeId: Position.nullable().optional().openapi({ description: 'null clears it' }),
    department: Position.nullable().optional(),
    branch: Position.nullable().optional(),
    disabled: z.boolean().optional().openapi({ description: 'true ends the user’s sessions and stops their tokens' }),
  })
  .strict()
  .openapi('UserPatch');

const PasswordResetSchema = z.object({ password: z.string().min(1).max(1024) }).strict().openapi('PasswordReset');

const TokenSchema = z
  .object({ tokenId: z.number(), login: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .openapi('ApiToken');
const NewTokenSchema = z.object({ name: Text(100).openapi({ description: 'What the token is for' }) }).strict().openapi('NewToken');
const CreatedTokenSchema = z
  .object({ tokenId: z.number(), login: z.string(), name: z.string(), token: z.string().openapi({ description: 'The secret, shown this once: `Authorization: Bearer …`' }) })
  .openapi('CreatedToken');

const RoleSchema = z
  .object({ role: z.enum(ROLES), permissions: z.array(z.enum(PERMISSIONS)), defaults: z.array(z.enum(PERMISSIONS)).openapi({ description: 'The permissions this role has out of the box' }) })
  .openapi('Role');
const RolesSchema = z.object({ permissions: z.array(z.enum(PERMISSIONS)), roles: z.array(RoleSchema) }).openapi('Roles');
const RolePermissionsSchema = z.object({ permissions: z.array(z.enum(PERMISSIONS)) }).strict().openapi('RolePermissions');

const LoginParam = z.object({ login: z.string().min(1).max(64).openapi({ param: { name: 'login', in: 'path' } }) });
const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, type: 'integer' }) });
const RoleParam = z.object({ role: z.string().min(1).max(32).openapi({ param: { name: 'role', in: 'path' }, enum: [...ROLES] }) });

const MANAGE = ' (permission manage_users)';

export const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/users',
    tags: ['admin'],
    summary: `The users: role, org position, row scope, state, last sign-in${MANAGE}`,
    security: SECURED,
    responses: { 200: json(z.object({ users: z.array(AdminUserSchema) }), 'Users'), ...errorResponses(401, 403) },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/users',
    tags: ['admin'],
    summary: `Add a user with an initial password${MANAGE}`,
    security: SECURED,
    request: { body: body(NewUserSchema) },
    responses: { 201: json(AdminUserSchema, 'Added'), ...errorResponses(400, 401, 403, 409) },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/api/users/{login}',
    tags: ['admin'],
    summary: `Change a user's role, name, org position or disabled state${MANAGE}`,
    security: SECURED,
    request: { params: LoginParam, body: body(UserPatchSchema) },
    responses: { 200: json(AdminUserSchema, 'Changed'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  resetPassword: createRoute({
    method: 'post',
    path: '/api/users/{login}/reset-password',
    tags: ['admin'],
    summary: `Set a user's password; ends their sessions and clears a lock-out${MANAGE}`,
    security: SECURED,
    request: { params: LoginParam, body: body(PasswordResetSchema) },
    responses: { 200: json(OkSchema, 'Reset'), ...errorResponses(400, 401, 403, 404) },
  }),
  userTokens: createRoute({
    method: 'get',
    path: '/api/users/{login}/tokens',
    tags: ['admin'],
    summary: `A user's API tokens (never the secrets)${MANAGE}`,
    security: SECURED,
    request: { params: LoginParam },
    responses: { 200: json(z.object({ tokens: z.array(TokenSchema) }), 'Tokens'), ...errorResponses(401, 403, 404) },
  }),
  createUserToken: createRoute({
    method: 'post',
    path: '/api/users/{login}/tokens',
    tags: ['admin'],
    summary: `Create an API token for a user; the secret is returned once${MANAGE}`,
    security: SECURED,
    request: { params: LoginParam, body: body(NewTokenSchema) },
    responses: { 201: json(CreatedTokenSchema, 'Created'), ...errorResponses(400, 401, 403, 404) },
  }),
  revokeToken: createRoute({
    method: 'delete',
    path: '/api/tokens/{id}',
    tags: ['admin'],
    summary: `Revoke any API token${MANAGE}`,
    security: SECURED,
    request: { params: IdParam },
    responses: { 200: json(TokenSchema, 'Revoked'), ...errorResponses(400, 401, 403, 404) },
  }),
  myTokens: createRoute({
    method: 'get',
    path: '/api/auth/tokens',
    tags: ['auth'],
    summary: 'Your own API tokens (never the secrets)',
    security: SECURED,
    responses: { 200: json(z.object({ tokens: z.array(TokenSchema) }), 'Tokens'), ...errorResponses(401) },
  }),
  createMyToken: createRoute({
    method: 'post',
    path: '/api/auth/tokens',
    tags: ['auth'],
    summary: 'Create an API token for yourself (signed in with a session, not a token); the secret is returned once',
    security: SECURED,
    request: { body: body(NewTokenSchema) },
    responses: { 201: json(CreatedTokenSchema, 'Created'), ...errorResponses(400, 401, 403) },
  }),
  revokeMyToken: createRoute({
    method: 'delete',
    path: '/api/auth/tokens/{id}',
    tags: ['auth'],
    summary: 'Revoke one of your own API tokens',
    security: SECURED,
    request: { params: IdParam },
    responses: { 200: json(TokenSchema, 'Revoked'), ...errorResponses(400, 401, 403, 404) },
  }),
  roles: createRoute({
    method: 'get',
    path: '/api/roles',
    tags: ['admin'],
    summary: `Each role's permissions and its defaults${MANAGE}`,
    security: SECURED,
    responses: { 200: json(RolesSchema, 'Roles'), ...errorResponses(401, 403) },
  }),
  setRole: createRoute({
    method: 'put',
    path: '/api/roles/{role}',
    tags: ['admin'],
    summary: `Set a role's permissions; takes effect on the next request${MANAGE}`,
    security: SECURED,
    request: { params: RoleParam, body: body(RolePermissionsSchema) },
    responses: { 200: json(RoleSchema, 'The role now'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
} as const;

export function adminUserView(meta: MetaStore, u: User, lastLogins: ReadonlyMap<number, string>) {
  const permissions = meta.permissionsOf(u.role);
  const locked = u.lockedUntil !== null && meta.clock().getTime() < Date.parse(u.lockedUntil);
  return {
    login: u.login,
    displayName: u.displayName,
    role: u.role,
    permissions,
    employeeId: u.employeeId,
    department: u.department,
    branch: u.branch,
    scope: scopeLabel(accessOf(u, permissions).scope),
    disabled: u.disabled,
    locked,
    lockedUntil: locked ? u.lockedUntil : null,
    lastLoginAt: lastLogins.get(u.userId) ?? null,
    createdAt: u.createdAt,
    passwordChangedAt: u.passwordChangedAt,
  };
}

const tokenView = (t: ApiToken) => ({ tokenId: t.tokenId, login: t.login, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt });

const manager = (c: Context<AppEnv>) => requirePermission(c, 'manage_users');

export function register(app: Api, d: ApiDeps): void {
  const { meta } = d;
  const view = (u: User) => adminUserView(meta, u, meta.lastLogins());

  app.openapi(routes.list, (c) => {
    manager(c);
    const last = meta.lastLogins();
    return c.json({ users: meta.listUsers().map((u) => adminUserView(meta, u, last)) }, 200);
  });

  app.openapi(routes.create, async (c) => {
    const p = manager(c);
    const u = await step(() => createUser(meta, actorOf(p), c.req.valid('json')));
    return c.json(view(u), 201);
  });

  app.openapi(routes.patch, async (c) => {
    const p = manager(c);
    const u = await step(() => updateUser(meta, actorOf(p), c.req.valid('param').login, c.req.valid('json')));
    return c.json(view(u), 200);
  });

  app.openapi(routes.resetPassword, async (c) => {
    const p = manager(c);
    await step(() => resetPassword(meta, actorOf(p), c.req.valid('param').login, c.req.valid('json').password));
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(routes.userTokens, async (c) => {
    manager(c);
    const u = await step(() => findUser(meta, c.req.valid('param').login));
    return c.json({ tokens: meta.listApiTokens(u.userId).map(tokenView) }, 200);
  });

  app.openapi(routes.createUserToken, async (c) => {
    const p = manager(c);
    const t = await step(() => createToken(meta, actorOf(p), c.req.valid('param').login, c.req.valid('json').name));
    return c.json(t, 201);
  });

  app.openapi(routes.revokeToken, async (c) => {
    const p = manager(c);
    const t = await step(() => revokeToken(meta, actorOf(p), c.req.valid('param').id));
    return c.json(tokenView(t), 200);
  });

  app.openapi(routes.myTokens, (c) => c.json({ tokens: meta.listApiTokens(principalOf(c).user.userId).map(tokenView) }, 200));

  app.openapi(routes.createMyToken, async (c) => {
    const p = principalOf(c);
    // A token must not mint tokens: a leaked one could otherwise outlive its own revocation.
    if (p.via !== 'session') throw new ApiError(403, 'session_required', 'create API tokens while signed in with your password (a session), not with a token', 'Authorization');
    const t = await step(() => createToken(meta, actorOf(p), p.user.login, c.req.valid('json').name));
    return c.json(t, 201);
  });

  app.openapi(routes.revokeMyToken, async (c) => {
    const p = principalOf(c);
    const t = await step(() => revokeToken(meta, actorOf(p), c.req.valid('param').id, p.user.userId));
    return c.json(tokenView(t), 200);
  });

  app.openapi(routes.roles, (c) => {
    manager(c);
    return c.json({ permissions: [...PERMISSIONS], roles: rolesView(meta) }, 200);
  });

  app.openapi(routes.setRole, async (c) => {
    const p = manager(c);
    const { role } = c.req.valid('param');
    await step(() => setRolePermissions(meta, actorOf(p), role, c.req.valid('json').permissions));
    const r = rolesView(meta).find((x) => x.role === role)!;
    return c.json(r, 200);
  });
}
