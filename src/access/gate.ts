/**
 * The access gate: hands out read connections whose tables are the caller's scoped, masked views (./views.ts).
 * Connections are pooled per (scope, masking) so a view setup (about 40 statements) is paid once, not per request;
 * the views are live, so imports are seen at once. A connection serves one request at a time.
 */
import { WarehouseError, type Row, type SqlValue, type Warehouse } from '../warehouse/port.js';
import { MASK_MACROS_SQL } from './mask.js';
import type { Access } from './scope.js';
import { scopeRoots, viewStatements, type TableInfo } from './views.js';

const MAX_IDLE_PER_KEY = 4;

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

export class AccessGate {
  private readonly idle = new Map<string, Warehouse[]>();
  private readonly open = new Set<Warehouse>();
  private catalog: Promise<string> | undefined;
  private closed = false;

  constructor(private readonly raw: Warehouse) {}

  /** Runs fn on a read connection where every table shows only `access`'s rows, with personal data masked if required. */
  async read<T>(access: Access, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    const key = JSON.stringify([access.scope, access.maskPersonal]);
    const conn = this.idle.get(key)?.pop() ?? (await this.connection(access));
    let healthy = true;
    try {
      return await fn(new ReadConnection(conn));
    } catch (e) {
      healthy = false;
      throw e;
    } finally {
      await this.release(key, conn, healthy);
    }
  }

  /** The statements a connection for `access` runs first (for tests and docs). */
  async setupStatements(access: Access): Promise<string[]> {
    return viewStatements(access, await this.catalogName(), await this.tables());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.open) await c.close().catch(() => undefined);
    this.open.clear();
    this.idle.clear();
  }

  private catalogName(): Promise<string> {
    this.catalog ??= this.raw.query(`SELECT current_database() AS db`).then((r) => String(r.rows[0]?.db));
    return this.catalog;
  }

  private async tables(): Promise<TableInfo[]> {
    const r = await this.raw.query(
      `SELECT table_name AS t, list(column_name ORDER BY column_index) AS cols FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal GROUP BY table_name ORDER BY table_name`,
    );
    return r.rows.map((row) => ({ name: String(row.t), columns: (row.cols as unknown[]).map(String) }));
  }

  private async connection(access: Access): Promise<Warehouse> {
    if (this.closed) throw new WarehouseError('the server is shutting down');
    if (!this.raw.connect) throw new WarehouseError('this warehouse cannot open a second connection for the access gate');
    const conn = await this.raw.connect();
    this.open.add(conn);
    try {
      for (const sql of MASK_MACROS_SQL) await conn.run(sql);
      const statements = await this.setupStatements(access);
      await conn.run(statements[0] ?? 'SELECT 1');
      for (const [kind, id] of scopeRoots(access)) await conn.run(`INSERT INTO tm_scope_root VALUES ($1, $2)`, [kind, id]);
      for (const sql of statements.slice(1)) await conn.run(sql);
    } catch (e) {
      this.open.delete(conn);
      await conn.close().catch(() => undefined);
      throw e;
    }
    return conn;
  }

  private async release(key: string, conn: Warehouse, healthy: boolean): Promise<void> {
    const list = this.idle.get(key) ?? [];
    if (!this.closed && healthy && list.length < MAX_IDLE_PER_KEY) {
      list.push(conn);
      this.idle.set(key, list);
      return;
    }
    this.open.delete(conn);
    await conn.close().catch(() => undefined);
  }
}
