/** Password logins with lock-out, shared by the API and anything else that signs users in. */
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './secrets.js';
import type { MetaStore, User } from './store.js';

export interface AuthPolicy {
  /** Failed logins in a row that lock an account. */
  readonly maxFailedLogins: number;
  readonly lockoutMs: number;
  /** A session ends this long after login, whatever happens. */
  readonly sessionTtlMs: number;
  /** …or after this long without a request. */
  readonly sessionIdleMs: number;
}

export const DEFAULT_POLICY: AuthPolicy = {
  maxFailedLogins: 5,
  lockoutMs: 15 * 60_000,
  sessionTtlMs: 12 * 3_600_000,
  sessionIdleMs: 2 * 3_600_000,
};

export type LoginResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly code: 'invalid_credentials' | 'account_locked'; readonly lockedUntil?: string };

/**
 * Checks a login and password. Unknown logins, disabled accounts and wrong passwords all answer
 * `invalid_credentials` (no telling which logins exist); a locked account answers `account_locked` without
 * checking the password, so guessing on during a lock-out learns nothing. Every outcome is audited.
 */
export async function checkLogin(store: MetaStore, login: string, password: string, policy: AuthPolicy): Promise<LoginResult> {
  const user = store.userByLogin(login);
  if (!user) {
    await verifyPassword(await dummyHash(), password);
    store.audit({ login, action: 'login_failed', details: { reason: 'unknown_login' } });
    return { ok: false, code: 'invalid_credentials' };
  }
  if (user.lockedUntil && store.clock().getTime() < Date.parse(user.lockedUntil)) {
    store.audit({ user, action: 'login_refused', details: { reason: 'locked', lockedUntil: user.lockedUntil } });
    return { ok: false, code: 'account_locked', lockedUntil: user.lockedUntil };
  }
  const good = await verifyPassword(store.passwordHashOf(user.userId) ?? '', password);
  if (!good) {
    const until = store.recordFailedLogin(user.userId, policy.maxFailedLogins, policy.lockoutMs);
    store.audit({ user, action: 'login_failed', details: { reason: 'wrong_password', ...(until ? { lockedUntil: until } : {}) } });
    return until ? { ok: false, code: 'account_locked', lockedUntil: until } : { ok: false, code: 'invalid_credentials' };
  }
  if (user.disabled) {
    store.audit({ user, action: 'login_refused', details: { reason: 'disabled' } });
    return { ok: false, code: 'invalid_credentials' };
  }
  store.clearFailedLogins(user.userId);
  return { ok: true, user };
}

export class PasswordError extends Error {
  override readonly name = 'PasswordError';
}

/** Validates and hashes a new password (argon2id). */
export async function newPasswordHash(password: string, login?: string): Promise<string> {
  const problem = passwordProblem(password, login);
  if (problem) throw new PasswordError(problem);
  return hashPassword(password);
}
