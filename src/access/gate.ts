/**
 * The access gate: hands out read connections whose tables are the caller's scoped, masked views (./views.ts).
 * Connections are pooled per (scope, masking) so a view setup (about 40 statements) is paid once, not per request;
 * the views are live, so imports are seen at once. A connection serves one request at a time; at most `maxOpen` are open,
 * further requests wait for one, and an idle connection of another scope is closed to make room.
 */
import { WarehouseError, type Row, type SqlValue, type Warehouse } from '../warehouse/port.js';
import { MASK_MACROS_SQL } from './mask.js';
import type { Access } from './scope.js';
import { scopeRoots, viewStatements, type TableInfo } from './views.js';

/** DuckDB runs each query on all cores; more connections than this only queue inside DuckDB, so requests queue here. */
const DEFAULT_MAX_OPEN = 8;

/** What fn gets: the connection, minus the calls that write in bulk or would outlive the request. */
class ReadConnection implements Warehouse {
  constructor(private readonly conn: Warehouse) {}
  get path() {
    return this.conn.path;
  }
  get readOnly() {
    return true;
  }
  query(sql: string, params?: readonly SqlValue[]) {
    return this.conn.query(sql, params);
  }
  run(sql: string, params?: readonly SqlValue[]) {
    return this.conn.run(sql, params);
  }
  stream(sql: string, params?: readonly SqlValue[]): AsyncIterable<Row[]> {
    return this.conn.stream(sql, params);
  }
  interrupt(): void {
    this.conn.interrupt?.();
  }
  append(): Promise<void> {
    return Promise.reject(new WarehouseError('a read connection cannot append rows'));
  }
  transaction<T>(fn: (tx: Warehouse) => Promise<T>): Promise<T> {
    return this.conn.transaction(() => fn(this));
  }
  close(): Promise<void> {
    return Promise.reject(new WarehouseError('the gate closes its connections'));
  }
}

async function tables(via: Warehouse): Promise<TableInfo[]> {
  const r = await via.query(
    `SELECT table_name AS t, list(column_name ORDER BY column_index) AS cols, list(data_type ORDER BY column_index) AS types FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal GROUP BY table_name ORDER BY table_name`,
  );
  return r.rows.map((row) => ({ name: String(row.t), columns: (row.cols as unknown[]).map(String), types: (row.types as unknown[]).map(String) }));
}

async function tableShape(via: Warehouse): Promise<string> {
  const r = await via.query(
    `SELECT count(*) || ':' || coalesce(string_agg(table_name || '.' || column_name, ',' ORDER BY table_name, column_name), '') AS s
     FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'`,
  );
  return String(r.rows[0]?.s);
}

export class AccessGate {
  /** Idle connections per key, least recently used first (Map keeps insertion order; a key is re-inserted on use). */
  private readonly idle = new Map<string, Warehouse[]>();
  private readonly open = new Set<Warehouse>();
  private readonly waiters: (() => void)[] = [];
  /** The warehouse's tables and columns when each connection made its views, and the write generation it last checked. */
  private readonly shapes = new Map<Warehouse, { shape: string; generation: number }>();
  private generation = 0;
  private catalog: Promise<string> | undefined;
  private closed = false;

  constructor(
    private readonly raw: Warehouse,
    private readonly maxOpen = DEFAULT_MAX_OPEN,
  ) {}

  /** Runs fn on a read connection where every table shows only `access`'s rows, with personal data masked if required. */
  async read<T>(access: Access, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    const key = JSON.stringify([access.scope, access.maskPersonal]);
    const conn = await this.checkout(key, access);
    try {
      return await fn(new ReadConnection(conn));
    } finally {
      // Kept after a failed statement too: outside a transaction a DuckDB connection is unaffected by an error.
      await this.release(key, conn);
    }
  }

  /** Called after every write to the warehouse (the server's write lock does): pooled connections re-check the tables. */
  dataChanged(): void {
    this.generation++;
  }

  /** Open connections (for tests). */
  get openConnections(): number {
    return this.open.size;
  }

  /** The statements a connection for `access` runs first (for tests and docs). */
  async setupStatements(access: Access, via: Warehouse = this.raw): Promise<string[]> {
    return viewStatements(access, await this.catalogName(via), await tables(via));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.open) if (typeof c.close === 'function') await c.close().catch(() => undefined);
    this.open.clear();
    this.idle.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  private catalogName(via: Warehouse): Promise<string> {
    this.catalog ??= via.query(`SELECT current_database() AS db`).then((r) => String(r.rows[0]?.db));
    return this.catalog;
  }

  private async connection(access: Access): Promise<Warehouse> {
    if (!this.raw.connect) throw new WarehouseError('this warehouse cannot open a second connection for the access gate');
    // Metadata is read on the new connection: the raw one may be inside an import's transaction.
    const conn = await this.raw.connect();
    try {
      for (const sql of MASK_MACROS_SQL) await conn.run(sql);
      this.shapes.set(conn, { generation: this.generation, shape: await tableShape(conn) });
      const statements = await this.setupStatements(access, conn);
      await conn.run(statements[0] ?? 'SELECT 1');
      for (const [kind, id] of scopeRoots(access)) await conn.run(`INSERT INTO tm_scope_root VALUES ($1, $2)`, [kind, id]);
      for (const sql of statements.slice(1)) await conn.run(sql);
    } catch (e) {
      await conn.close().catch(() => undefined);
      throw e;
    }
    return conn;
  }

  private async checkout(key: string, access: Access): Promise<Warehouse> {
    for (;;) {
      if (this.closed) throw new WarehouseError('the server is shutting down');
      const mine = this.idle.get(key);
      const reuse = mine?.pop();
      if (reuse) {
        // A table or column added since the views were made would otherwise be read raw on this connection. Tables
        // change only in writes, so the check runs once per connection after each write, not on every request.
        const known = this.shapes.get(reuse);
        if (known && known.generation === this.generation) return reuse;
        const generation = this.generation;
        if (known && (await tableShape(reuse)) === known.shape) {
          known.generation = generation;
          return reuse;
        }
        this.open.delete(reuse);
        this.shapes.delete(reuse);
        await reuse.close().catch(() => undefined);
        continue;
      }
      let victim: Warehouse | undefined;
      if (this.open.size >= this.maxOpen) {
        victim = this.oldestIdle();
        if (!victim) {
          await new Promise<void>((resolve) => this.waiters.push(resolve));
          continue;
        }
        this.open.delete(victim);
        this.shapes.delete(victim);
      }
      // Reserved before any await, so concurrent checkouts count it.
      const placeholder = this.reserve();
      await victim?.close().catch(() => undefined);
      try {
        const conn = await this.connection(access);
        this.open.delete(placeholder);
        if (this.closed) {
          await conn.close().catch(() => undefined);
          throw new WarehouseError('the server is shutting down');
        }
        this.open.add(conn);
        return conn;
      } catch (e) {
        this.open.delete(placeholder);
        this.waiters.shift()?.();
        throw e;
      }
    }
  }

  /** Counts a connection being set up against maxOpen before it exists. */
  private reserve(): Warehouse {
    const placeholder = {} as Warehouse;
    this.open.add(placeholder);
    return placeholder;
  }

  private oldestIdle(): Warehouse | undefined {
    for (const [key, list] of this.idle) {
      const c = list.shift();
      if (list.length === 0) this.idle.delete(key);
      if (c) return c;
    }
    return undefined;
  }

  private async release(key: string, conn: Warehouse): Promise<void> {
    if (!this.closed) {
      const list = this.idle.get(key) ?? [];
      this.idle.delete(key);
      list.push(conn);
      this.idle.set(key, list);
    } else {
      this.open.delete(conn);
      this.shapes.delete(conn);
      await conn.close().catch(() => undefined);
    }
    this.waiters.shift()?.();
  }
}
