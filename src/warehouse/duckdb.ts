import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBScalarFunction, DuckDBTypeId, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { warehouseDdl } from '../schema/index.js';
import { serverFileOf } from './location.js';
import { WarehouseError, type Column, type QueryResult, type Row, type SqlValue, type Warehouse } from './port.js';

export interface OpenOptions {
  readonly path: string;
  /** Opens the file read-only and without file-system access from SQL (the analysts' SQL console). */
  readonly readOnly?: boolean;
  /** Business time zone for a new warehouse. */
  readonly timeZone?: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const NUMERIC_AS_TEXT = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL,
]);

function toResult(columnNames: readonly string[], typeIds: readonly DuckDBTypeId[], typeTexts: readonly string[], rows: Record<string, unknown>[]): QueryResult {
  const numeric = columnNames.filter((_, i) => NUMERIC_AS_TEXT.has(typeIds[i] as DuckDBTypeId));
  if (numeric.length) {
    for (const r of rows) {
      for (const c of numeric) {
        const v = r[c];
        if (typeof v === 'string') {
          const n = Number(v);
          r[c] = Number.isSafeInteger(n) || !/^-?\d+$/.test(v) ? n : v;
        }
      }
    }
  }
  const columns: Column[] = columnNames.map((name, i) => ({ name, type: typeTexts[i] ?? 'UNKNOWN' }));
  return { columns, rows };
}

function bind(params: readonly SqlValue[] | undefined): DuckDBValue[] | undefined {
  return params ? (params as DuckDBValue[]) : undefined;
}

class DuckDBWarehouse implements Warehouse {
  private inTransaction = false;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly ownsInstance = true,
  ) {}

  interrupt(): void {
    this.conn.interrupt();
  }

  async connect(): Promise<Warehouse> {
    return new DuckDBWarehouse(this.path, this.readOnly, this.instance, await this.instance.connect(), false);
  }

  async query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult> {
    const reader = await this.conn.runAndReadAll(sql, bind(params));
    return toResult(
      reader.columnNames(),
      reader.columnTypes().map((t) => t.typeId),
      reader.columnTypes().map((t) => t.toString()),
      reader.getRowObjectsJson() as Record<string, unknown>[],
    );
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    const r = await this.conn.run(sql, bind(params));
    return Number(r.rowsChanged);
  }

  async *stream(sql: string, params?: readonly SqlValue[]): AsyncIterable<Row[]> {
    const result = await this.conn.stream(sql, bind(params));
    const names = result.columnNames();
    const types = result.columnTypes();
    for await (const batch of result.yieldRowObjectJson()) {
      yield toResult(names, types.map((t) => t.typeId), types.map((t) => t.toString()), batch as Record<string, unknown>[]).rows;
    }
  }

  async append(table: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
    const appender = await this.conn.createAppender(table);
    for (const row of rows) {
      for (const v of row) {
        if (v === null) appender.appendNull();
        else appender.appendValue(v as DuckDBValue);
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }

  registerFunction(name: string, fn: (s: string | null) => string | null): void {
    this.conn.registerScalarFunction(
      DuckDBScalarFunction.create({
        name,
        returnType: VARCHAR,
        parameterTypes: [VARCHAR],
        specialHandling: true,
        mainFunction: (_info, input, output) => {
          const v = input.getColumnVector(0);
          for (let i = 0; i < input.rowCount; i++) {
            const x = v.getItem(i);
            output.setItem(i, x === null ? null : fn(String(x)));
          }
          output.flush();
        },
      }),
    );
  }

  async transaction<T>(fn: (tx: Warehouse) => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new WarehouseError('nested transactions are not supported');
    this.inTransaction = true;
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn(this);
      await this.conn.run('COMMIT');
      return out;
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

/** DuckDB lets one process hold a file; name the problem instead of DuckDB's lock message. */
function explainOpenError(path: string, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const lock = /Could not set lock on file|Conflicting lock/i.exec(msg);
  if (lock) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    const server = runningServer(path);
    if (server && (!pid || String(server.pid) === pid)) {
      return new WarehouseError(
        `warehouse ${path} is held by the Tidemark server (PID ${server.pid}, ${server.url}): use the API while it runs (docs/api.md), or stop the server to use this command.`,
      );
    }
    return new WarehouseError(
      `warehouse ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}: DuckDB allows one writer process per file. Stop it, or run this command through the running Tidemark server.`,
    );
  }
  return new WarehouseError(`cannot open warehouse ${path}: ${msg}`);
}

/** The server that says it holds the warehouse (`tidemark serve` writes `<db>.server.json`), if any. */
function runningServer(path: string): { pid: number; url: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(serverFileOf(path), 'utf8')) as { pid?: unknown; url?: unknown };
    return typeof v.pid === 'number' && typeof v.url === 'string' ? { pid: v.pid, url: v.url } : undefined;
  } catch {
    return undefined;
  }
}

let readers = 0;

export async function openWarehouse(opts: OpenOptions): Promise<Warehouse> {
  const path = opts.path === ':memory:' ? ':memory:' : resolve(opts.path);
  const readOnly = opts.readOnly ?? false;
  if (path !== ':memory:') {
    if (readOnly && !existsSync(path)) throw new WarehouseError(`warehouse ${path} does not exist; create one with \`tidemark demo\` or \`tidemark import\``);
    if (!readOnly) mkdirSync(dirname(path), { recursive: true });
  }
  // Imports of 10M-row files must stay under 2 GB RSS: DuckDB spills to <db>.tmp beyond this limit.
  const config: Record<string, string> = {
    preserve_insertion_order: 'true',
    memory_limit: process.env.TIDEMARK_MEMORY_LIMIT ?? '1GB',
    // Nothing is downloaded at run time: the extensions Tidemark uses are built into the package.
    autoinstall_known_extensions: 'false',
  };
  if (readOnly) {
    config.access_mode = 'READ_ONLY';
    // Readers may be many at once; each spills to its own directory, since DuckDB deletes the one it used on close.
    if (path !== ':memory:') config.temp_directory = `${path}.tmp.${process.pid}.${++readers}`;
    config.enable_external_access = 'false';
    config.lock_configuration = 'true';
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (e) {
    throw explainOpenError(path, e);
  }
  const conn = await instance.connect();
  const wh = new DuckDBWarehouse(path, readOnly, instance, conn);
  if (!readOnly) {
    const fresh = (await wh.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'tm_meta'`)).rows[0]?.n === 0;
    for (const ddl of warehouseDdl()) await wh.run(ddl);
    if (fresh) {
      await wh.run(`INSERT OR IGNORE INTO tm_meta VALUES ('time_zone', $1), ('schema_version', '1')`, [opts.timeZone ?? DEFAULT_TIME_ZONE]);
    }
  }
  return wh;
}

export async function warehouseTimeZone(wh: Warehouse): Promise<string> {
  const r = await wh.query(`SELECT value FROM tm_meta WHERE key = 'time_zone'`).catch(() => undefined);
  const v = r?.rows[0]?.value;
  return typeof v === 'string' ? v : DEFAULT_TIME_ZONE;
}
