import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from '../../testing/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import { UsageError } from '../output.js';
import { assertReadOnlySql, firstKeyword, sqlInputError } from './sql.js';
import { join } from 'node:path';

let ro: Warehouse;
let path: string;
const s = scratch();

beforeAll(async () => {
  path = join(s.dir, 'wh.duckdb');
  const rw = await openWarehouse({ path });
  await rw.run(`INSERT INTO customers (customer_id, name, city) VALUES ('C1', '张三', '上海'), ('C2', '李四', '北京')`);
  await rw.close();
  ro = await openWarehouse({ path, readOnly: true });
});

afterAll(async () => {
  await ro?.close();
  s.cleanup();
});

const ALLOWED = [
  'SELECT * FROM customers',
  '  -- a comment\n  select count(*) from customers;',
  '/* block */ WITH c AS (SELECT * FROM customers) SELECT name FROM c',
  'FROM customers LIMIT 1',
  'VALUES (1, 2)',
  'DESCRIBE customers',
  'SHOW TABLES',
  'SUMMARIZE customers',
  'EXPLAIN SELECT * FROM customers',
  'EXPLAIN ANALYZE SELECT * FROM customers',
  'PIVOT customers ON city USING count(*)',
  '(SELECT 1) UNION ALL (SELECT 2)',
  "SELECT 'DROP TABLE customers; DELETE' AS looks_dangerous",
  'SELECT 1;  ',
  "PIVOT customers ON city IN ('上海', '北京') USING count(*)",
  'UNPIVOT customers ON name, city INTO NAME k VALUE v',
  'PIVOT customers ON city USING count(*) -- trailing comment',
];

const REFUSED: [string, RegExp][] = [
  ["INSERT INTO customers (customer_id) VALUES ('X')", /read-only: INSERT statements are not allowed/],
  ["UPDATE customers SET name = 'x'", /read-only: UPDATE/],
  ['DELETE FROM customers', /read-only: DELETE/],
  ['DROP TABLE customers', /read-only: DROP/],
  ['CREATE TABLE x AS SELECT 1', /read-only: CREATE/],
  ["COPY customers TO '/tmp/x.csv'", /read-only: COPY/],
  ["ATTACH '/tmp/other.duckdb'", /read-only: ATTACH/],
  ['SET enable_external_access = true', /read-only: SET/],
  ["CALL pragma_table_info('customers')", /read-only: CALL/],
  ['SELECT 1; DROP TABLE customers', /read-only/],
  ['SELECT 1; SELECT 2', /read-only: found 2 statements/],
  ['/* SELECT */ DELETE FROM customers', /read-only: DELETE/],
  ['EXPLAIN DELETE FROM customers', /read-only/],
  ['EXPLAIN ANALYZE INSERT INTO customers (customer_id) VALUES (1)', /read-only/],
  ['WITH x AS (SELECT 1) DELETE FROM customers', /read-only|syntax/],
  ['PIVOT customers ON city USING count(*); DROP TABLE customers', /read-only/],
  ['PIVOT customers ON city USING count(*)) AS z; DROP TABLE customers; SELECT * FROM (PIVOT customers ON city USING count(*)', /syntax error|read-only/],
  ["PIVOT customers ON city USING count(*); INSERT INTO customers (customer_id) VALUES ('X')", /read-only/],
  ['SELEC 1', /SQL syntax error/],
  ['', /no SQL statement/],
  ['  -- only a comment', /no SQL statement/],
];

describe('tidemark sql: the read-only guard', () => {
  it.each(ALLOWED)('allows %s', async (sql) => {
    await expect(assertReadOnlySql(ro, sql)).resolves.toBeUndefined();
    // …and the statement runs on the read-only connection.
    await expect(ro.query(sql)).resolves.toBeDefined();
  });

  it.each(REFUSED)('refuses %s', async (sql, message) => {
    const e = await assertReadOnlySql(ro, sql).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(message);
  });

  it('finds the statement keyword behind comments and parentheses', () => {
    expect(firstKeyword('-- x\n/* y */ ( (select 1))')?.word).toBe('SELECT');
    expect(firstKeyword('   ')).toBeUndefined();
  });

  it('READ_ONLY stops writes that look like reads', async () => {
    await expect(assertReadOnlySql(ro, "SELECT nextval('tm_import_seq')")).resolves.toBeUndefined();
    const e = await ro.query("SELECT nextval('tm_import_seq')").catch((x: unknown) => x);
    expect(String(e)).toMatch(/read-only/);
    expect((sqlInputError(e) as Error).message).toMatch(/tidemark sql is read-only/);
  });

  it('has no file access: read_csv fails', async () => {
    const sql = "SELECT * FROM read_csv('/etc/passwd')";
    await expect(assertReadOnlySql(ro, sql)).resolves.toBeUndefined(); // a SELECT…
    const e = await ro.query(sql).catch((x: unknown) => x); // …that the connection refuses
    expect(String(e)).toMatch(/Permission Error.*disabled by configuration/);
    const mapped = sqlInputError(e);
    expect(mapped).toBeInstanceOf(UsageError);
    expect((mapped as Error).message).toMatch(/no file access/);
  });

  it('leaves the warehouse unchanged', async () => {
    for (const [sql] of REFUSED) await assertReadOnlySql(ro, sql).catch(() => undefined);
    const r = await ro.query('SELECT count(*) AS n FROM customers');
    expect(r.rows[0]?.n).toBe(2);
  });
});
