import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane); @node-rs/argon2 defaults to argon2id. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the login is unknown, so an unknown login costs the same time as a wrong password. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

/** Why a password is refused, or undefined. */
export function passwordProblem(password: string, login?: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (login && password.toLowerCase() === login.toLowerCase()) return 'the password must not be the login';
  return undefined;
}

/** A random bearer secret (256 bits) with a readable prefix: `tms_` sessions, `tmt_` API tokens, `tmc_` CSRF tokens. */
export function newSecret(prefix: 'tms' | 'tmt' | 'tmc'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Secrets of 256 random bits need no slow hash: SHA-256 at rest means a stolen database holds no usable token. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(secretHash(a));
  const y = Buffer.from(secretHash(b));
  return timingSafeEqual(x, y);
}
