/**
 * Administration of users, roles and API tokens, shared by the API and the CLI: each change is checked here (login
 * format, password rules, the last enabled admin, admin keeping manage_users) and audited with who did it and the
 * values before and after. Passwords and token secrets never reach the audit log.
 */
import { newPasswordHash, PasswordError } from './auth.js';
import { DEFAULT_PERMISSIONS, isPermission, isRole, PERMISSIONS, ROLES, type Permission, type Role } from './roles.js';
import { LastAdminError, type ApiToken, type MetaStore, type User, type UserPatch } from './store.js';

/** Who makes a change: a signed-in user (API) or a login such as `cli:alice` (the command line). */
export interface Actor {
  readonly user?: Pick<User, 'userId' | 'login'> | undefined;
  readonly login: string;
}

export type AdminErrorCode =
  | 'invalid_login'
  | 'login_taken'
  | 'unknown_user'
  | 'weak_password'
  | 'first_user_admin'
  | 'last_admin'
  | 'unknown_role'
  | 'unknown_permission'
  | 'admin_needs_manage_users'
  | 'unknown_token'
  | 'invalid_field';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly code: AdminErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const LOGIN_PATTERN = /^[\p{L}\p{N}._@-]{2,64}$/u;

function audit(store: MetaStore, actor: Actor, action: string, details: Record<string, unknown>): void {
  store.audit({ user: actor.user, login: actor.login, action, details });
}

export function findUser(store: MetaStore, login: string): User {
  const u = store.userByLogin(login);
  if (!u) throw new AdminError('unknown_user', `no user '${login}'`, 'login');
  return u;
}

export function requireRole(role: string, field = 'role'): Role {
  if (!isRole(role)) throw new AdminError('unknown_role', `unknown role '${role}'; roles: ${ROLES.join(', ')}`, field);
  return role;
}

export function requirePermissionName(p: string, field = 'permission'): Permission {
  if (!isPermission(p)) throw new AdminError('unknown_permission', `unknown permission '${p}'; permissions: ${PERMISSIONS.join(', ')}`, field);
  return p;
}

/** The profile fields an admin sets, as audited. */
function profile(u: User) {
  return { role: u.role, displayName: u.displayName, employeeId: u.employeeId, department: u.department, branch: u.branch, disabled: u.disabled };
}
type Profile = ReturnType<typeof profile>;

async function hashOrRefuse(password: string, login: string, field: string): Promise<string> {
  try {
    return await newPasswordHash(password, login);
  } catch (e) {
    throw e instanceof PasswordError ? new AdminError('weak_password', e.message, field) : e;
  }
}

export interface NewUserInput {
  readonly login: string;
  readonly role: string;
  readonly password: string;
  readonly displayName?: string | undefined;
  readonly employeeId?: string | undefined;
  readonly department?: string | undefined;
  readonly branch?: string | undefined;
}

/** Adds a user with the password the admin chose (no default); the first user must be an admin. */
export async function createUser(store: MetaStore, actor: Actor, input: NewUserInput): Promise<User> {
  if (!LOGIN_PATTERN.test(input.login)) throw new AdminError('invalid_login', `login: 2–64 letters, digits or . _ @ -, got '${input.login}'`, 'login');
  const role = requireRole(input.role);
  if (store.userCount() === 0 && role !== 'admin') throw new AdminError('first_user_admin', 'the first user must be an admin (role admin)', 'role');
  if (store.userByLogin(input.login)) throw new AdminError('login_taken', `login '${input.login}' exists already`, 'login');
  const passwordHash = await hashOrRefuse(input.password, input.login, 'password');
  // Checked again after the slow hash: another request may have taken the login meanwhile.
  if (store.userByLogin(input.login)) throw new AdminError('login_taken', `login '${input.login}' exists already`, 'login');
  const u = store.addUser({ login: input.login, role, passwordHash, displayName: input.displayName, employeeId: input.employeeId, department: input.department, branch: input.branch });
  audit(store, actor, 'user_added', { login: u.login, after: profile(u) });
  return u;
}

/**
 * Changes a user's role, name, org position or disabled state. Refuses (`last_admin`) a change that would leave no
 * enabled admin (checked by the store inside the write). A change of `disabled` is audited as user_disabled /
 * user_enabled, the other fields as user_updated, each with only the changed fields before and after.
 */
export function updateUser(store: MetaStore, actor: Actor, login: string, patch: UserPatch): User {
  const u = findUser(store, login);
  if (patch.role !== undefined) requireRole(patch.role);
  const before = profile(u);
  const wanted: Partial<Profile> = {};
  for (const k of Object.keys(before) as (keyof Profile)[]) {
    const v = patch[k];
    if (v !== undefined && v !== before[k]) (wanted as Record<string, unknown>)[k] = v;
  }
  if (Object.keys(wanted).length === 0) return u;
  let after: User;
  try {
    after = store.updateUser(u.userId, wanted) ?? u;
  } catch (e) {
    if (!(e instanceof LastAdminError)) throw e;
    throw new AdminError('last_admin', `${u.login} is the last enabled admin; make another user admin first`, wanted.disabled === true ? 'disabled' : 'role');
  }
  const { disabled, ...rest } = wanted;
  if (Object.keys(rest).length) {
    const keys = Object.keys(rest) as (keyof Profile)[];
    audit(store, actor, 'user_updated', { login: u.login, before: pick(before, keys), after: pick(profile(after), keys) });
  }
  if (disabled !== undefined) audit(store, actor, disabled ? 'user_disabled' : 'user_enabled', { login: u.login, before: { disabled: before.disabled }, after: { disabled } });
  return after;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

/** Sets a new password chosen by an admin: clears a lock-out and ends all of the user's sessions. */
export async function resetPassword(store: MetaStore, actor: Actor, login: string, password: string): Promise<User> {
  const u = findUser(store, login);
  const hash = await hashOrRefuse(password, u.login, 'password');
  const locked = u.lockedUntil !== null && store.clock().getTime() < Date.parse(u.lockedUntil);
  store.setPassword(u.userId, hash);
  audit(store, actor, 'password_reset', { login: u.login, before: { locked }, after: { locked: false }, sessionsEnded: true });
  return store.userById(u.userId) ?? u;
}

export function tokenName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 100) throw new AdminError('invalid_field', 'name: 1–100 characters saying what the token is for', 'name');
  return n;
}

/** A new API token for `login`; the secret is returned once and never audited. */
export function createToken(store: MetaStore, actor: Actor, login: string, name: string): { token: string; tokenId: number; login: string; name: string } {
  const u = findUser(store, login);
  const n = tokenName(name);
  const t = store.createApiToken(u.userId, n);
  audit(store, actor, 'token_created', { login: u.login, tokenId: t.tokenId, name: n });
  return { token: t.token, tokenId: t.tokenId, login: u.login, name: n };
}

/** Revokes an unrevoked token; with `ownerId`, only a token of that user (others' tokens are reported as unknown). */
export function revokeToken(store: MetaStore, actor: Actor, tokenId: number, ownerId?: number): ApiToken {
  const t = store.apiTokenById(tokenId);
  if (!t || t.revokedAt !== null || (ownerId !== undefined && t.userId !== ownerId)) {
    throw new AdminError('unknown_token', `no unrevoked token ${tokenId}${ownerId !== undefined ? ' of yours' : ''}`, 'id');
  }
  store.revokeApiToken(tokenId);
  audit(store, actor, 'token_revoked', { login: t.login, tokenId, name: t.name, before: { revoked: false }, after: { revoked: true } });
  return store.apiTokenById(tokenId) ?? t;
}

/** Sets a role's permissions. The admin role always keeps manage_users, or nobody could administer. */
export function setRolePermissions(store: MetaStore, actor: Actor, roleName: string, permissions: readonly string[]): Permission[] {
  const role = requireRole(roleName);
  const wanted = [...new Set(permissions.map((p, i) => requirePermissionName(p, `permissions[${i}]`)))].sort();
  if (role === 'admin' && !wanted.includes('manage_users')) {
    throw new AdminError('admin_needs_manage_users', 'the admin role keeps manage_users, or nobody could manage users and roles', 'permissions');
  }
  const before = store.permissionsOf(role);
  if (before.join() === wanted.join()) return before;
  store.setRolePermissions(role, wanted);
  audit(store, actor, 'role_changed', { role, before, after: wanted });
  return store.permissionsOf(role);
}

export function grantPermission(store: MetaStore, actor: Actor, roleName: string, permission: string): Permission[] {
  const role = requireRole(roleName);
  return setRolePermissions(store, actor, role, [...store.permissionsOf(role), requirePermissionName(permission)]);
}

export function revokePermission(store: MetaStore, actor: Actor, roleName: string, permission: string): Permission[] {
  const role = requireRole(roleName);
  const p = requirePermissionName(permission);
  return setRolePermissions(store, actor, role, store.permissionsOf(role).filter((x) => x !== p));
}

export function resetRole(store: MetaStore, actor: Actor, roleName: string): Permission[] {
  const role = requireRole(roleName);
  return setRolePermissions(store, actor, role, DEFAULT_PERMISSIONS[role]);
}

/** Every role with its permissions now and by default. */
export function rolesView(store: MetaStore): { role: Role; permissions: Permission[]; defaults: Permission[] }[] {
  return store.allRolePermissions().map((r) => ({ ...r, defaults: [...DEFAULT_PERMISSIONS[r.role]].sort() }));
}
