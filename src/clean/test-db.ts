/**
 * Test support (used by the *.test.ts files here only): an in-memory DuckDB behind the Warehouse port, with the
 * proposed `registerFunction` implemented the way the real adapter would implement it.
 */
import { DuckDBInstance, DuckDBScalarFunction, VARCHAR, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { QueryResult, Row, SqlValue, Warehouse } from '../warehouse/port.js';
import type { UdfHost } from './setup.js';
import { lit } from './sql.js';
import { afterAll, beforeAll } from 'vitest';
import type { FieldDef, FieldType } from '../schema/index.js';
import { cleanFieldSql, DEFAULT_CLEAN_CONFIG, setupCleaning, type CleanConfig } from './index.js';

/** Registers fn as a VARCHAR → VARCHAR scalar function on the connection (NULL in, NULL out, never called for NULL). */
export function registerVarcharFunction(conn: DuckDBConnection, name: string, fn: (s: string | null) => string | null): void {
  conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name,
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      mainFunction: (_info, input, output) => {
        const v = input.getColumnVector(0);
        for (let i = 0; i < input.rowCount; i++) output.setItem(i, fn(v.getItem(i) as string | null));
        output.flush();
      },
    }),
  );
}

export class TestWarehouse implements Warehouse, UdfHost {
  readonly path = ':memory:';
  readonly readOnly = false;
  registerFunction?: (name: string, fn: (s: string | null) => string | null) => void;

  constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    withUdf: boolean,
  ) {
    if (withUdf) this.registerFunction = (name, fn) => registerVarcharFunction(conn, name, fn);
  }

  static async open(opts: { udf?: boolean } = {}): Promise<TestWarehouse> {
    const instance = await DuckDBInstance.create(':memory:');
    return new TestWarehouse(instance, await instance.connect(), opts.udf ?? true);
  }

  async query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult> {
    const r = await this.conn.runAndReadAll(sql, params as DuckDBValue[] | undefined);
    return { columns: r.columnNames().map((name, i) => ({ name, type: String(r.columnTypes()[i]) })), rows: r.getRowObjectsJson() as Row[] };
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return Number((await this.conn.run(sql, params as DuckDBValue[] | undefined)).rowsChanged);
  }

  async *stream(sql: string): AsyncIterable<Row[]> {
    yield (await this.query(sql)).rows;
  }

  async append(): Promise<void> {
    throw new Error('not used in these tests');
  }

  async transaction<T>(fn: (tx: Warehouse) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  /** Evaluates expr(raw) for each input (raw is a VARCHAR column), in order; values as DuckDB renders them to VARCHAR. */
  async texts(expr: (raw: string) => string, inputs: readonly (string | null)[]): Promise<(string | null)[]> {
    const rows = await this.eval((raw) => `CAST(${expr(raw)} AS VARCHAR)`, inputs);
    return rows.map((r) => (r === null || r === undefined ? null : String(r)));
  }

  /** Evaluates expr(raw) for each input, in order, as JSON-ish JS values. */
  async eval(expr: (raw: string) => string, inputs: readonly (string | null)[]): Promise<unknown[]> {
    if (inputs.length === 0) return [];
    const values = inputs.map((s, i) => `(${i}, ${s === null ? 'NULL::VARCHAR' : lit(s)})`).join(', ');
    const r = await this.query(`SELECT ${expr('raw')} AS v FROM (VALUES ${values}) t(i, raw) ORDER BY i`);
    return r.rows.map((x) => x.v);
  }
}

/**
 * The fixture the per-rule test files share: one in-memory warehouse with the cleaning macros set up, and
 * `clean`/`invalid` helpers that run one field type's generated SQL over a list of raw inputs.
 */
export function ruleHarness() {
  const f = (type: FieldType): FieldDef => ({ name: 'f', type, label: 'f', labelZh: '字段' });
  const cfg = (c: Partial<CleanConfig> = {}): CleanConfig => ({ ...DEFAULT_CLEAN_CONFIG, ...c });
  let db: TestWarehouse | undefined;
  beforeAll(async () => {
    db = await TestWarehouse.open({ udf: false });
    await setupCleaning(db, cfg());
  });
  afterAll(async () => db?.close());
  const open = (): TestWarehouse => {
    if (!db) throw new Error('ruleHarness: used outside a test');
    return db;
  };
  return {
    f,
    cfg,
    db: open,
    clean: (type: FieldType, inputs: (string | null)[], c: Partial<CleanConfig> = {}) => open().texts((raw) => cleanFieldSql(f(type), raw, cfg(c)).value, inputs),
    invalid: (type: FieldType, inputs: (string | null)[]) => open().eval((raw) => cleanFieldSql(f(type), raw, cfg()).invalid, inputs),
  };
}
