/**
 * The one path from the API to customer data. Route handlers never hold the warehouse: they call {@link readAs}, which
 * runs their work on a connection from the access gate (row scope and masking applied by the views of that
 * connection), or {@link writeAs}, which checks a permission and serialises writes (imports, saved results).
 */
import { accessOf, type Access, type AccessGate } from '../access/index.js';
import type { MetaStore, Permission } from '../accounts/index.js';
import { status, type Status } from '../cli/commands/status.js';
import type { Catalog } from '../metrics/types.js';
import { runQuery, type QueryResult } from '../query/run.js';
import type { Query } from '../query/types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Principal } from './auth.js';
import { ApiError } from './errors.js';

export interface DataContext {
  readonly catalog: Catalog;
  readonly meta: MetaStore;
  readonly gate: AccessGate;
  readonly writer: WriteLock;
  readonly results: ResultCache;
}

/**
 * Answers of read routes, per (row scope, masking, request), until the next write or for `ttlMs`. The server owns the
 * warehouse, so every change goes through the write lock, which clears the cache: an answer is never older than the
 * data. Identical requests that arrive while one is computed share its computation: 50 dashboards opening the
 * overview at once cost one query, not 50.
 */
export class ResultCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly max = 256,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    const entry = { at: this.now(), value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One write at a time (DuckDB has one writer connection here); reads go on meanwhile. */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private holder: string | undefined;

  constructor(
    private readonly wh: Warehouse,
    private readonly onWrite: () => void = () => undefined,
  ) {}

  /** What is writing now, e.g. "import sales.csv by ada", or undefined. */
  get busy(): string | undefined {
    return this.holder;
  }

  run<T>(what: string, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      this.holder = what;
      try {
        return await fn(this.wh);
      } finally {
        this.holder = undefined;
        this.onWrite();
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export function accessOfPrincipal(who: Principal): Access {
  return accessOf(who.user, who.permissions);
}

/** Runs fn on the caller's scoped, masked view of the warehouse. */
export function readAs<T>(ctx: DataContext, who: Principal, fn: (wh: Warehouse, access: Access) => Promise<T>): Promise<T> {
  const access = accessOfPrincipal(who);
  return ctx.gate.read(access, (wh) => fn(wh, access));
}

/**
 * As {@link readAs}, for a route whose answer depends only on the data and `request`: served from the result cache
 * for the same scope and masking. fn's result must not be changed by the caller (it may be shared).
 */
export function readCachedAs<T>(ctx: DataContext, who: Principal, route: string, request: unknown, fn: (wh: Warehouse, access: Access) => Promise<T>): Promise<T> {
  const access = accessOfPrincipal(who);
  const key = JSON.stringify([route, access.scope, access.maskPersonal, request]);
  return ctx.results.get(key, () => ctx.gate.read(access, (wh) => fn(wh, access)));
}

/** Runs fn with write access to the warehouse, after checking the permission; writes are serialised. */
export function writeAs<T>(ctx: DataContext, who: Principal, permission: Permission, what: string, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  if (!who.permissions.includes(permission)) throw new ApiError(403, 'forbidden', `your role (${who.user.role}) does not have the '${permission}' permission`);
  if (accessOfPrincipal(who).scope.kind !== 'all') throw new ApiError(403, 'forbidden', 'writes to the warehouse need a role whose row scope is all rows');
  return ctx.writer.run(`${what} by ${who.user.login}`, fn);
}

export async function queryAs(ctx: DataContext, who: Principal, query: Query): Promise<QueryResult> {
  const result = await readCachedAs(ctx, who, 'query', query, (wh) => runQuery(wh, ctx.catalog, query));
  ctx.meta.audit({ user: who.user, action: 'query', details: { metrics: query.metrics, dimensions: query.dimensions ?? [], filters: query.filters ?? [], rows: result.rows.length } });
  return result;
}

export async function statusAs(ctx: DataContext, who: Principal): Promise<Status> {
  return readCachedAs(ctx, who, 'status', null, (wh) => status(wh));
}
