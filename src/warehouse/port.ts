/**
 * The warehouse port: the one path through which Tidemark reads and writes customer data.
 * Values are always bound as parameters; identifiers come from the schema definition.
 * The API reads through src/access's gate, which hands out connections whose tables are scoped, masked views.
 */
export type SqlValue = string | number | boolean | bigint | null;
export type Row = Record<string, unknown>;

export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly Column[];
  readonly rows: Row[];
}

export interface Warehouse {
  readonly path: string;
  readonly readOnly: boolean;
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
  /** Runs a statement and returns the number of rows it changed (0 for DDL). */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Yields batches of rows without materialising the whole result. */
  stream(sql: string, params?: readonly SqlValue[]): AsyncIterable<Row[]>;
  /** Bulk-appends rows to a table, column order as in the table. */
  append(table: string, rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /** Registers a JS scalar function VARCHAR → VARCHAR on this connection (NULL in, NULL out), e.g. OpenCC for cleaning. */
  registerFunction?(name: string, fn: (s: string | null) => string | null): void;
  /** Stops the statement running on this connection, which then fails; the connection stays usable. */
  interrupt?(): void;
  /** A second connection to the same database (same process, same transactions rules); closing it leaves this one open. */
  connect?(): Promise<Warehouse>;
  /** Runs fn inside one transaction: all of it is committed, or none. */
  transaction<T>(fn: (tx: Warehouse) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class WarehouseError extends Error {
  override readonly name = 'WarehouseError';
}
