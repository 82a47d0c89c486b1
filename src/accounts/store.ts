/**
 * The metadata store: Tidemark's own records (users, sessions, API tokens, roles, audit log) in a SQLite file
 * next to the warehouse (`<db>.meta.sqlite`). Not in DuckDB: the warehouse file is held by one process, while
 * `tidemark user …` must work while the server runs; SQLite in WAL mode lets both processes read and write.
 * Schema changes are numbered migrations (PRAGMA user_version).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_PERMISSIONS, isPermission, ROLES, type Permission, type Role } from './roles.js';
import { newSecret, secretHash } from './secrets.js';

export type Clock = () => Date;

/** The metadata file that belongs to a warehouse file. */
export function metaPathOf(warehousePath: string): string {
  return warehousePath === ':memory:' ? ':memory:' : `${warehousePath}.meta.sqlite`;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     user_id INTEGER PRIMARY KEY,
     login TEXT NOT NULL UNIQUE COLLATE NOCASE,
     display_name TEXT,
     role TEXT NOT NULL,
     employee_id TEXT,
     department TEXT,
     branch TEXT,
     disabled INTEGER NOT NULL DEFAULT 0,
     password_hash TEXT NOT NULL,
     failed_attempts INTEGER NOT NULL DEFAULT 0,
     locked_until TEXT,
     password_changed_at TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE sessions (
     session_id INTEGER PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     csrf_hash TEXT NOT NULL,
     user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     last_seen_at TEXT NOT NULL
   );
   CREATE TABLE api_tokens (
     token_id INTEGER PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked_at TEXT
   );
   CREATE TABLE role_permissions (
     role TEXT NOT NULL,
     permission TEXT NOT NULL,
     PRIMARY KEY (role, permission)
   );
   CREATE TABLE audit_log (
     audit_id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     user_id INTEGER,
     login TEXT,
     action TEXT NOT NULL,
     details TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX audit_log_at ON audit_log(at);`,
];

export interface User {
  readonly userId: number;
  readonly login: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly employeeId: string | null;
  readonly department: string | null;
  readonly branch: string | null;
  readonly disabled: boolean;
  readonly failedAttempts: number;
  readonly lockedUntil: string | null;
  readonly passwordChangedAt: string;
  readonly createdAt: string;
}

export interface NewUser {
  readonly login: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly displayName?: string | undefined;
  readonly employeeId?: string | undefined;
  readonly department?: string | undefined;
  readonly branch?: string | undefined;
}

export interface Session {
  readonly sessionId: number;
  readonly userId: number;
  readonly csrfHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastSeenAt: string;
}

export interface ApiToken {
  readonly tokenId: number;
  readonly userId: number;
  readonly login: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** Changes to a user's profile; `null` clears a field. */
export interface UserPatch {
  readonly role?: Role | undefined;
  readonly displayName?: string | null | undefined;
  readonly employeeId?: string | null | undefined;
  readonly department?: string | null | undefined;
  readonly branch?: string | null | undefined;
  readonly disabled?: boolean | undefined;
}

/** Audit log filters: `login` matches the actor or the user an entry is about (`details.login`); `from`/`to` are ISO instants, `to` exclusive. */
export interface AuditFilter {
  readonly action?: string | undefined;
  readonly login?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export interface AuditEntry {
  readonly auditId: number;
  readonly at: string;
  readonly userId: number | null;
  readonly login: string | null;
  readonly action: string;
  readonly details: Record<string, unknown>;
}

type DbRow = Record<string, unknown>;

function toUser(r: DbRow): User {
  return {
    userId: Number(r.user_id),
    login: String(r.login),
    displayName: (r.display_name as string | null) ?? null,
    role: String(r.role) as Role,
    employeeId: (r.employee_id as string | null) ?? null,
    department: (r.department as string | null) ?? null,
    branch: (r.branch as string | null) ?? null,
    disabled: Number(r.disabled) === 1,
    failedAttempts: Number(r.failed_attempts),
    lockedUntil: (r.locked_until as string | null) ?? null,
    passwordChangedAt: String(r.password_changed_at),
    createdAt: String(r.created_at),
  };
}

function toToken(r: DbRow): ApiToken {
  return {
    tokenId: Number(r.token_id),
    userId: Number(r.user_id),
    login: String(r.login),
    name: String(r.name),
    createdAt: String(r.created_at),
    lastUsedAt: (r.last_used_at as string | null) ?? null,
    revokedAt: (r.revoked_at as string | null) ?? null,
  };
}

/** A change refused because it would leave no enabled user with the admin role. */
export class LastAdminError extends Error {
  override readonly name = 'LastAdminError';
  constructor() {
    super('the change would leave no enabled admin');
  }
}

export class MetaStore {
  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    readonly clock: Clock,
  ) {}

  static open(path: string, opts: { clock?: Clock } = {}): MetaStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const store = new MetaStore(path, db, opts.clock ?? (() => new Date()));
    store.migrate();
    return store;
  }

  private migrate(): void {
    const version = Number(this.db.pragma('user_version', { simple: true }));
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        if (v === 0) {
          const ins = this.db.prepare(`INSERT INTO role_permissions (role, permission) VALUES (?, ?)`);
          for (const role of ROLES) for (const p of DEFAULT_PERMISSIONS[role]) ins.run(role, p);
        }
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  get schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  private now(): string {
    return this.clock().toISOString();
  }

  close(): void {
    this.db.close();
  }

  // Users -------------------------------------------------------------------------------------

  userCount(): number {
    return Number((this.db.prepare(`SELECT count(*) AS n FROM users`).get() as DbRow).n);
  }

  addUser(u: NewUser): User {
    const now = this.now();
    const r = this.db
      .prepare(
        `INSERT INTO users (login, display_name, role, employee_id, department, branch, password_hash, password_changed_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(u.login, u.displayName ?? null, u.role, u.employeeId ?? null, u.department ?? null, u.branch ?? null, u.passwordHash, now, now) as DbRow;
    return toUser(r);
  }

  userByLogin(login: string): User | undefined {
    const r = this.db.prepare(`SELECT * FROM users WHERE login = ?`).get(login) as DbRow | undefined;
    return r ? toUser(r) : undefined;
  }

  userById(id: number): User | undefined {
    const r = this.db.prepare(`SELECT * FROM users WHERE user_id = ?`).get(id) as DbRow | undefined;
    return r ? toUser(r) : undefined;
  }

  passwordHashOf(userId: number): string | undefined {
    const r = this.db.prepare(`SELECT password_hash FROM users WHERE user_id = ?`).get(userId) as DbRow | undefined;
    return r ? String(r.password_hash) : undefined;
  }

  listUsers(): User[] {
    return (this.db.prepare(`SELECT * FROM users ORDER BY user_id`).all() as DbRow[]).map(toUser);
  }

  /**
   * Applies a patch (absent fields unchanged); disabling ends the user's sessions. Returns the updated user. Throws
   * {@link LastAdminError}, changing nothing, when the change would leave no enabled admin: checked inside one
   * write transaction, so two processes (the server and the CLI) cannot each remove one of the last two.
   */
  updateUser(userId: number, patch: UserPatch): User | undefined {
    const columns: [string, unknown][] = [];
    if (patch.role !== undefined) columns.push(['role', patch.role]);
    if (patch.displayName !== undefined) columns.push(['display_name', patch.displayName]);
    if (patch.employeeId !== undefined) columns.push(['employee_id', patch.employeeId]);
    if (patch.department !== undefined) columns.push(['department', patch.department]);
    if (patch.branch !== undefined) columns.push(['branch', patch.branch]);
    if (patch.disabled !== undefined) columns.push(['disabled', patch.disabled ? 1 : 0]);
    return this.db.transaction(() => {
      const hadAdmin = this.enabledAdminCount() > 0;
      if (columns.length) {
        // Column names come from the fixed list above, never from the caller.
        this.db.prepare(`UPDATE users SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE user_id = ?`).run(...columns.map(([, v]) => v), userId);
      }
      if (hadAdmin && this.enabledAdminCount() === 0) throw new LastAdminError();
      if (patch.disabled === true) this.db.prepare(`DELETE FROM sessions WHERE user_id = ?`).run(userId);
      return this.userById(userId);
    }).immediate();
  }

  /** Enabled users with the admin role. */
  enabledAdminCount(): number {
    return Number((this.db.prepare(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`).get() as DbRow).n);
  }

  /** The last successful login per user id, from the audit log. */
  lastLogins(): Map<number, string> {
    const rows = this.db.prepare(`SELECT user_id, max(at) AS at FROM audit_log WHERE action = 'login' AND user_id IS NOT NULL GROUP BY user_id`).all() as DbRow[];
    return new Map(rows.map((r) => [Number(r.user_id), String(r.at)]));
  }

  /** Disabling also ends the user's sessions; their API tokens stop working while disabled. */
  setDisabled(userId: number, disabled: boolean): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE users SET disabled = ? WHERE user_id = ?`).run(disabled ? 1 : 0, userId);
      if (disabled) this.db.prepare(`DELETE FROM sessions WHERE user_id = ?`).run(userId);
    })();
  }

  /** A new password clears the lock-out and ends every session except `keepSessionId` (the one that changed it). */
  setPassword(userId: number, passwordHash: string, keepSessionId?: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE users SET password_hash = ?, password_changed_at = ?, failed_attempts = 0, locked_until = NULL WHERE user_id = ?`)
        .run(passwordHash, this.now(), userId);
      this.db.prepare(`DELETE FROM sessions WHERE user_id = ? AND session_id IS NOT ?`).run(userId, keepSessionId ?? null);
    })();
  }

  /** Counts a failed login; at `maxAttempts` the account is locked until now + lockMs. Returns the lock's end, if locked. */
  recordFailedLogin(userId: number, maxAttempts: number, lockMs: number): string | null {
    return this.db.transaction(() => {
      const r = this.db.prepare(`UPDATE users SET failed_attempts = failed_attempts + 1 WHERE user_id = ? RETURNING failed_attempts`).get(userId) as DbRow;
      if (Number(r.failed_attempts) < maxAttempts) return null;
      const until = new Date(this.clock().getTime() + lockMs).toISOString();
      this.db.prepare(`UPDATE users SET locked_until = ?, failed_attempts = 0 WHERE user_id = ?`).run(until, userId);
      return until;
    })();
  }

  clearFailedLogins(userId: number): void {
    this.db.prepare(`UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE user_id = ?`).run(userId);
  }

  // Roles -------------------------------------------------------------------------------------

  permissionsOf(role: Role): Permission[] {
    return (this.db.prepare(`SELECT permission FROM role_permissions WHERE role = ? ORDER BY permission`).all(role) as DbRow[])
      .map((r) => String(r.permission))
      .filter(isPermission);
  }

  /** Permissions of every role, in ROLES order. */
  allRolePermissions(): { role: Role; permissions: Permission[] }[] {
    return ROLES.map((role) => ({ role, permissions: this.permissionsOf(role) }));
  }

  setRolePermissions(role: Role, permissions: readonly Permission[]): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM role_permissions WHERE role = ?`).run(role);
      const ins = this.db.prepare(`INSERT INTO role_permissions (role, permission) VALUES (?, ?)`);
      for (const p of new Set(permissions)) ins.run(role, p);
    })();
  }

  // Sessions ----------------------------------------------------------------------------------

  /** Only hashes are stored; the returned secrets are shown to the client once. */
  createSession(userId: number, ttlMs: number): { token: string; csrfToken: string; session: Session } {
    const token = newSecret('tms');
    const csrfToken = newSecret('tmc');
    const now = this.clock();
    const r = this.db
      .prepare(
        `INSERT INTO sessions (token_hash, csrf_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
         RETURNING session_id, user_id, csrf_hash, created_at, expires_at, last_seen_at`,
      )
      .get(secretHash(token), secretHash(csrfToken), userId, now.toISOString(), new Date(now.getTime() + ttlMs).toISOString(), now.toISOString()) as DbRow;
    return { token, csrfToken, session: toSession(r) };
  }

  /** The live session a token opens: not expired, not idle longer than `idleMs`. Expired sessions are deleted. Touches last_seen_at. */
  findSession(token: string, idleMs: number): Session | undefined {
    const r = this.db.prepare(`SELECT * FROM sessions WHERE token_hash = ?`).get(secretHash(token)) as DbRow | undefined;
    if (!r) return undefined;
    const s = toSession(r);
    const now = this.clock().getTime();
    if (now >= Date.parse(s.expiresAt) || now - Date.parse(s.lastSeenAt) >= idleMs) {
      this.db.prepare(`DELETE FROM sessions WHERE session_id = ?`).run(s.sessionId);
      return undefined;
    }
    this.db.prepare(`UPDATE sessions SET last_seen_at = ? WHERE session_id = ?`).run(this.now(), s.sessionId);
    return s;
  }

  deleteSession(sessionId: number): void {
    this.db.prepare(`DELETE FROM sessions WHERE session_id = ?`).run(sessionId);
  }

  // API tokens --------------------------------------------------------------------------------

  createApiToken(userId: number, name: string): { token: string; tokenId: number } {
    const token = newSecret('tmt');
    const r = this.db
      .prepare(`INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?) RETURNING token_id`)
      .get(secretHash(token), userId, name, this.now()) as DbRow;
    return { token, tokenId: Number(r.token_id) };
  }

  /** The unrevoked token with this secret; records its use. */
  findApiToken(token: string): ApiToken | undefined {
    const r = this.db
      .prepare(`SELECT t.*, u.login FROM api_tokens t JOIN users u USING (user_id) WHERE t.token_hash = ? AND t.revoked_at IS NULL`)
      .get(secretHash(token)) as DbRow | undefined;
    if (!r) return undefined;
    this.db.prepare(`UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?`).run(this.now(), r.token_id);
    return toToken(r);
  }

  listApiTokens(userId?: number): ApiToken[] {
    const rows = this.db
      .prepare(`SELECT t.*, u.login FROM api_tokens t JOIN users u USING (user_id) WHERE ? IS NULL OR t.user_id = ? ORDER BY t.token_id`)
      .all(userId ?? null, userId ?? null) as DbRow[];
    return rows.map(toToken);
  }

  apiTokenById(tokenId: number): ApiToken | undefined {
    const r = this.db.prepare(`SELECT t.*, u.login FROM api_tokens t JOIN users u USING (user_id) WHERE t.token_id = ?`).get(tokenId) as DbRow | undefined;
    return r ? toToken(r) : undefined;
  }

  /** Returns false when there is no such unrevoked token. */
  revokeApiToken(tokenId: number): boolean {
    return this.db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL`).run(this.now(), tokenId).changes === 1;
  }

  // Audit log ---------------------------------------------------------------------------------

  audit(entry: { user?: Pick<User, 'userId' | 'login'> | undefined; login?: string | undefined; action: string; details?: Record<string, unknown> }): void {
    this.db
      .prepare(`INSERT INTO audit_log (at, user_id, login, action, details) VALUES (?, ?, ?, ?, ?)`)
      .run(this.now(), entry.user?.userId ?? null, entry.user?.login ?? entry.login ?? null, entry.action, JSON.stringify(entry.details ?? {}));
  }

  auditLog(limit = 100): AuditEntry[] {
    return this.queryAudit({ limit }).entries;
  }

  /** Entries matching the filter, newest first, and how many match in all. */
  queryAudit(f: AuditFilter): { entries: AuditEntry[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.action !== undefined) {
      where.push('action = ?');
      params.push(f.action);
    }
    if (f.login !== undefined) {
      where.push(`(login = ? COLLATE NOCASE OR (json_valid(details) AND json_extract(details, '$.login') = ? COLLATE NOCASE))`);
      params.push(f.login, f.login);
    }
    if (f.from !== undefined) {
      where.push('at >= ?');
      params.push(f.from);
    }
    if (f.to !== undefined) {
      where.push('at < ?');
      params.push(f.to);
    }
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number((this.db.prepare(`SELECT count(*) AS n FROM audit_log ${cond}`).get(...params) as DbRow).n);
    const rows = this.db.prepare(`SELECT * FROM audit_log ${cond} ORDER BY audit_id DESC LIMIT ? OFFSET ?`).all(...params, f.limit ?? 100, f.offset ?? 0) as DbRow[];
    return {
      total,
      entries: rows.map((r) => ({
        auditId: Number(r.audit_id),
        at: String(r.at),
        userId: r.user_id === null ? null : Number(r.user_id),
        login: (r.login as string | null) ?? null,
        action: String(r.action),
        details: JSON.parse(String(r.details)) as Record<string, unknown>,
      })),
    };
  }
}

function toSession(r: DbRow): Session {
  return {
    sessionId: Number(r.session_id),
    userId: Number(r.user_id),
    csrfHash: String(r.csrf_hash),
    createdAt: String(r.created_at),
    expiresAt: String(r.expires_at),
    lastSeenAt: String(r.last_seen_at),
  };
}
