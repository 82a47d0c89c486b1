import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../accounts/index.js';
import { DEFAULT_PERMISSIONS } from '../accounts/roles.js';
import { fingerprint, tempWarehouse } from '../testing/index.js';
import { ORG_USERS, seedOrg } from '../testing/org.js';
import type { Warehouse } from '../warehouse/port.js';
import { checkConsoleAst, checkConsoleSql, consolePolicy, firstKeyword, locate, type ConsoleCode, type ConsolePolicy } from './console.js';
import { AccessGate } from './gate.js';
import { accessOf, type Access } from './scope.js';

/**
 * The guard on DuckDB's real parse, on access-gate connections: ana (analyst: all rows, masked) and ray (sales rep:
 * scoped views, in clear). Each check runs on the connection the statement would run on.
 */
let raw: Warehouse;
let gate: AccessGate;
let cleanup: () => Promise<void>;

const X_FILE = '/tmp/tm-console-test-x';

function accessFor(login: string): Access {
  const u = ORG_USERS.find((x) => x.login === login)!;
  const user = { userId: 1, displayName: null, employeeId: null, department: null, branch: null, disabled: false, failedAttempts: 0, lockedUntil: null, passwordChangedAt: '', createdAt: '', ...u } as User;
  return accessOf(user, DEFAULT_PERMISSIONS[u.role]);
}

const as = <T>(login: string, fn: (wh: Warehouse) => Promise<T>) => gate.read(accessFor(login), fn);
const check = (sql: string, login = 'ray') => as(login, (wh) => checkConsoleSql(wh, sql));

beforeAll(async () => {
  const t = await tempWarehouse();
  cleanup = t.cleanup;
  raw = t.wh;
  await seedOrg(raw);
  gate = new AccessGate(raw);
  rmSync(X_FILE, { force: true });
});

afterAll(async () => {
  await gate.close();
  await cleanup();
});

/** Statements the console must refuse, each with the code it gets. */
export const REFUSED: readonly (readonly [string, ConsoleCode])[] = [
  // not a SELECT
  [`COPY (SELECT 1) TO '${X_FILE}'`, 'sql_not_select'],
  [`COPY customers TO '${X_FILE}' (FORMAT csv)`, 'sql_not_select'],
  [`ATTACH '${X_FILE}.db'`, 'sql_not_select'],
  [`ATTACH '${X_FILE}.db' AS x; SELECT 1`, 'sql_not_select'],
  [`DETACH memory`, 'sql_not_select'],
  [`INSTALL httpfs`, 'sql_not_select'],
  [`LOAD httpfs`, 'sql_not_select'],
  [`PRAGMA database_list`, 'sql_not_select'],
  [`PRAGMA enable_external_access`, 'sql_not_select'],
  [`SET enable_external_access = true`, 'sql_not_select'],
  [`RESET ALL`, 'sql_not_select'],
  [`SET VARIABLE x = 1`, 'sql_not_select'],
  [`CREATE TABLE t AS SELECT * FROM customers`, 'sql_not_select'],
  [`CREATE OR REPLACE TEMP VIEW customers AS SELECT * FROM main.customers`, 'sql_not_select'],
  [`CREATE MACRO m() AS 1`, 'sql_not_select'],
  [`INSERT INTO customers (customer_id) VALUES ('X')`, 'sql_not_select'],
  [`UPDATE customers SET name = 'x'`, 'sql_not_select'],
  [`DELETE FROM orders`, 'sql_not_select'],
  [`DROP TABLE customers`, 'sql_not_select'],
  [`EXPORT DATABASE '/tmp/tm-console-export'`, 'sql_not_select'],
  [`IMPORT DATABASE '/tmp'`, 'sql_not_select'],
  [`CALL pragma_version()`, 'sql_not_select'],
  [`CHECKPOINT`, 'sql_not_select'],
  [`BEGIN TRANSACTION`, 'sql_not_select'],
  [`USE memory`, 'sql_not_select'],
  [`VACUUM`, 'sql_not_select'],
  [`EXPLAIN SELECT * FROM customers`, 'sql_not_select'],
  [`EXPLAIN ANALYZE SELECT * FROM main.customers`, 'sql_not_select'],
  [`PIVOT orders ON status USING sum(amount)`, 'sql_not_select'],
  [`/* SELECT */ DROP TABLE customers`, 'sql_not_select'],
  [`-- SELECT\nDELETE FROM orders`, 'sql_not_select'],
  [`  ((  drop table customers))`, 'sql_syntax'],
  [`CrEaTe TaBlE t (a int)`, 'sql_not_select'],
  // more than one statement
  [`SELECT 1; DROP TABLE customers`, 'sql_multiple_statements'],
  [`SELECT 1; SELECT 2`, 'sql_multiple_statements'],
  [`SELECT * FROM customers; COPY customers TO '${X_FILE}'`, 'sql_multiple_statements'],
  [`SELECT '; DROP TABLE customers; --' AS s; DELETE FROM orders`, 'sql_multiple_statements'],
  // qualified or foreign tables
  [`SELECT * FROM main.customers`, 'sql_table_not_allowed'],
  [`FROM main.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM "main"."customers"`, 'sql_table_not_allowed'],
  [`SELECT * FROM MAIN.CUSTOMERS`, 'sql_table_not_allowed'],
  [`SELECT * FROM "memory".main.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM memory.main.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM wh.main.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM wh.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM temp.main.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM temp.customers`, 'sql_table_not_allowed'],
  [`SELECT * FROM system.main.duckdb_tables`, 'sql_table_not_allowed'],
  [`SELECT * FROM information_schema.tables`, 'sql_table_not_allowed'],
  [`SELECT * FROM pg_catalog.pg_class`, 'sql_table_not_allowed'],
  [`SELECT * FROM duckdb_tables`, 'sql_table_not_allowed'],
  [`SELECT * FROM sqlite_master`, 'sql_table_not_allowed'],
  [`SELECT * FROM pg_tables`, 'sql_table_not_allowed'],
  [`SELECT * FROM no_such_table`, 'sql_table_not_allowed'],
  [`SELECT * FROM 'samples/customers.csv'`, 'sql_table_not_allowed'],
  [`SELECT * FROM '/etc/passwd'`, 'sql_table_not_allowed'],
  [`FROM '${X_FILE}.parquet'`, 'sql_table_not_allowed'],
  [`SELECT * FROM "customers.csv"`, 'sql_table_not_allowed'],
  [`SELECT * FROM customers AT (VERSION => 1)`, 'sql_table_not_allowed'],
  [`WITH x AS (SELECT * FROM main.orders) SELECT * FROM x`, 'sql_table_not_allowed'],
  [`WITH x AS MATERIALIZED (SELECT * FROM main.orders) SELECT * FROM x`, 'sql_table_not_allowed'],
  [`WITH customers AS (SELECT * FROM main.customers) SELECT * FROM customers`, 'sql_table_not_allowed'],
  [`WITH duckdb_tables AS (SELECT * FROM duckdb_tables) SELECT * FROM duckdb_tables`, 'sql_table_not_allowed'],
  [`WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a`, 'sql_table_not_allowed'],
  [`SELECT * FROM (WITH sqlite_master AS (SELECT 1) SELECT 1) s, sqlite_master`, 'sql_table_not_allowed'],
  [`SELECT * FROM customers WHERE customer_id IN (SELECT customer_id FROM main.customers)`, 'sql_table_not_allowed'],
  [`SELECT (SELECT count(*) FROM main.customers) AS n`, 'sql_table_not_allowed'],
  [`SELECT * FROM orders o JOIN main.customers c USING (customer_id)`, 'sql_table_not_allowed'],
  [`SELECT * FROM orders o, LATERAL (SELECT * FROM main.customers c WHERE c.customer_id = o.customer_id) x`, 'sql_table_not_allowed'],
  [`SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM main.customers)`, 'sql_table_not_allowed'],
  [`SELECT 1 UNION ALL SELECT count(*) FROM main.customers`, 'sql_table_not_allowed'],
  [`PIVOT main.orders ON status IN ('paid', 'cancelled') USING sum(amount)`, 'sql_table_not_allowed'],
  [`SELECT * FROM (PIVOT main.orders ON status IN ('paid') USING sum(amount))`, 'sql_table_not_allowed'],
  [`UNPIVOT main.customers ON name, phone INTO NAME k VALUE v`, 'sql_table_not_allowed'],
  [`DESCRIBE main.customers`, 'sql_table_not_allowed'],
  [`SUMMARIZE main.customers`, 'sql_table_not_allowed'],
  [`SHOW TABLES`, 'sql_table_not_allowed'],
  [`SHOW ALL TABLES`, 'sql_table_not_allowed'],
  [`SHOW DATABASES`, 'sql_table_not_allowed'],
  [`SELECT * FROM customers c JOIN "main".orders o ON o.customer_id = c.customer_id`, 'sql_table_not_allowed'],
  [`SELECT * FROM customers JOIN "memory"."main"."orders" USING (customer_id) USING SAMPLE 1`, 'sql_table_not_allowed'],
  // table functions
  [`SELECT * FROM read_csv_auto('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT * FROM read_csv('/etc/passwd', header = false)`, 'sql_function_not_allowed'],
  [`SELECT * FROM READ_CSV('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT * FROM "read_csv"('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT * FROM read_parquet('x.parquet')`, 'sql_function_not_allowed'],
  [`SELECT * FROM parquet_scan('x.parquet')`, 'sql_function_not_allowed'],
  [`SELECT * FROM parquet_metadata('x.parquet')`, 'sql_function_not_allowed'],
  [`SELECT * FROM read_json('x.json')`, 'sql_function_not_allowed'],
  [`SELECT * FROM read_text('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT * FROM read_blob('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT * FROM glob('/etc/*')`, 'sql_function_not_allowed'],
  [`SELECT * FROM sniff_csv('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT * FROM query('SELECT * FROM main.customers')`, 'sql_function_not_allowed'],
  [`SELECT * FROM query_table('customers')`, 'sql_function_not_allowed'],
  [`SELECT * FROM duckdb_settings()`, 'sql_function_not_allowed'],
  [`SELECT * FROM duckdb_tables()`, 'sql_function_not_allowed'],
  [`SELECT * FROM duckdb_views()`, 'sql_function_not_allowed'],
  [`SELECT * FROM duckdb_secrets()`, 'sql_function_not_allowed'],
  [`SELECT * FROM duckdb_extensions()`, 'sql_function_not_allowed'],
  [`SELECT * FROM pragma_table_info('customers')`, 'sql_function_not_allowed'],
  [`SELECT * FROM pragma_database_size()`, 'sql_function_not_allowed'],
  [`SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))`, 'sql_function_not_allowed'],
  [`SELECT * FROM which_secret('s3://x', 's3')`, 'sql_function_not_allowed'],
  [`SELECT * FROM checkpoint()`, 'sql_function_not_allowed'],
  [`SELECT * FROM system.main.range(3)`, 'sql_function_not_allowed'],
  [`SELECT * FROM customers, (SELECT * FROM read_csv('/etc/passwd'))`, 'sql_function_not_allowed'],
  [`SELECT * FROM orders WHERE customer_id IN (SELECT column0 FROM read_csv('/etc/passwd'))`, 'sql_function_not_allowed'],
  [`WITH f AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM f`, 'sql_function_not_allowed'],
  [`SELECT * FROM range(3) r, LATERAL (SELECT * FROM glob('/etc/*')) g`, 'sql_function_not_allowed'],
  [`SELECT * FROM unnest((SELECT list(content) FROM read_text('/etc/passwd')))`, 'sql_function_not_allowed'],
  [`SELECT * FROM st_read('x.shp')`, 'sql_function_not_allowed'],
  [`SELECT * FROM sqlite_scan('x.db', 't')`, 'sql_function_not_allowed'],
  // scalar functions
  [`SELECT current_setting('threads')`, 'sql_function_not_allowed'],
  [`SELECT CURRENT_SETTING('enable_external_access')`, 'sql_function_not_allowed'],
  [`SELECT getvariable('x')`, 'sql_function_not_allowed'],
  [`SELECT nextval('tm_import_seq')`, 'sql_function_not_allowed'],
  [`SELECT currval('tm_import_seq')`, 'sql_function_not_allowed'],
  [`SELECT sleep_ms(100000)`, 'sql_function_not_allowed'],
  [`SELECT pg_sleep(100)`, 'sql_function_not_allowed'],
  [`SELECT pg_catalog.pg_sleep(100)`, 'sql_function_not_allowed'],
  [`SELECT setseed(0.5)`, 'sql_function_not_allowed'],
  [`SELECT write_log('x')`, 'sql_function_not_allowed'],
  [`SELECT json_serialize_plan('SELECT * FROM read_csv(''/etc/passwd'')')`, 'sql_function_not_allowed'],
  [`SELECT pg_get_viewdef(1)`, 'sql_function_not_allowed'],
  [`SELECT get_block_size('wh')`, 'sql_function_not_allowed'],
  [`SELECT read_csv('/etc/passwd')`, 'sql_function_not_allowed'],
  [`SELECT name FROM customers WHERE current_setting('threads') IS NOT NULL`, 'sql_function_not_allowed'],
  [`SELECT list_transform([1, 2], x -> current_setting('threads'))`, 'sql_function_not_allowed'],
  [`SELECT sum(amount) OVER (ORDER BY current_setting('threads')) FROM orders`, 'sql_function_not_allowed'],
  [`SELECT * FROM orders ORDER BY getvariable('x')`, 'sql_function_not_allowed'],
  [`SELECT st_point(1, 2)`, 'sql_function_not_allowed'],
  [`SELECT wh.main.upper('x')`, 'sql_function_not_allowed'],
  [`SELECT no_such_function(1)`, 'sql_function_not_allowed'],
  // types that would load an extension
  [`SELECT '127.0.0.1'::INET`, 'sql_type_not_allowed'],
  [`SELECT CAST('POINT(1 2)' AS GEOMETRY2)`, 'sql_type_not_allowed'],
  [`SELECT 'x' SIMILAR TO 'y' ESCAPE 'z'`, 'sql_construct_not_allowed'],
  // syntax and emptiness
  [`SELECT * FROM customers WHERE (`, 'sql_syntax'],
  [`SELEC 1`, 'sql_syntax'],
  [``, 'sql_empty'],
  [`  -- nothing\n`, 'sql_empty'],
  [`;`, 'sql_empty'],
];

/** Statements the console must allow (and that run). */
export const ALLOWED: readonly string[] = [
  `SELECT name, phone FROM customers`,
  `select * from CUSTOMERS`,
  `SELECT * FROM "customers"`,
  `SELECT * FROM "Customers"`,
  `FROM customers`,
  `FROM orders SELECT status, sum(amount) GROUP BY ALL`,
  `SELECT c.customer_id, c.name, sum(o.amount) AS revenue FROM customers c JOIN orders o USING (customer_id) WHERE o.status IS DISTINCT FROM 'cancelled' GROUP BY ALL ORDER BY revenue DESC`,
  `SELECT customer_id, amount, sum(amount) OVER (PARTITION BY customer_id ORDER BY ordered_at) AS running, row_number() OVER (ORDER BY amount DESC) AS rk FROM orders`,
  `SELECT status, count(*) AS n, avg(amount) AS aov, median(amount) AS med FROM orders GROUP BY status HAVING count(*) > 0`,
  `WITH rev AS (SELECT customer_id, sum(amount) AS r FROM orders WHERE status <> 'cancelled' GROUP BY 1) SELECT c.name, rev.r FROM customers c LEFT JOIN rev USING (customer_id)`,
  `WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM b`,
  `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r`,
  `WITH customers AS (SELECT 'shadow' AS name) SELECT * FROM customers`,
  `SELECT * FROM customers WHERE customer_id IN (SELECT customer_id FROM orders WHERE amount > 100)`,
  `SELECT name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.customer_id) AS n FROM customers c`,
  `SELECT * FROM customers c, LATERAL (SELECT max(amount) AS top FROM orders o WHERE o.customer_id = c.customer_id) t`,
  `SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id)`,
  `SELECT customer_id FROM customers UNION SELECT customer_id FROM orders EXCEPT SELECT 'C6'`,
  `PIVOT orders ON status IN ('paid', 'cancelled') USING sum(amount) GROUP BY customer_id`,
  `SELECT * FROM (PIVOT orders ON status IN ('paid') USING sum(amount))`,
  `UNPIVOT (SELECT customer_id, name, phone FROM customers) ON name, phone INTO NAME k VALUE v`,
  `DESCRIBE customers`,
  `SUMMARIZE orders`,
  `SELECT * FROM range(3)`,
  `SELECT * FROM generate_series(1, 3) g(i)`,
  `SELECT unnest([1, 2, 3]) AS x`,
  `SELECT * FROM unnest([1, 2])`,
  `VALUES (1, 'a'), (2, 'b')`,
  `SELECT {'a': 1, 'b': [1, 2]} AS s, [x * 2 FOR x IN [1, 2]] AS l, list_transform([1, 2], x -> x + 1) AS t`,
  `SELECT amount::VARCHAR, amount::DECIMAL(18, 2), '{"a":1}'::JSON, ordered_at::DATE, [1]::INTEGER[], 'x'::TEXT FROM orders`,
  `SELECT date_trunc('month', ordered_at) AS m, sum(amount) FROM orders GROUP BY ALL ORDER BY ALL`,
  `SELECT * EXCLUDE (phone) FROM customers`,
  `SELECT COLUMNS('^(name|city)$') FROM customers`,
  `SELECT * FROM orders QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC) = 1`,
  `SELECT DISTINCT ON (customer_id) customer_id, amount FROM orders ORDER BY customer_id, amount DESC`,
  `SELECT coalesce(name, '?') || ' ' || upper(city) AS label, CASE WHEN kind = 'person' THEN 1 ELSE 0 END AS p FROM customers WHERE name LIKE '张%' OR phone SIMILAR TO '1.*' OR province BETWEEN 'a' AND 'z'`,
  `SELECT name COLLATE nocase AS n FROM customers ORDER BY 1`,
  `SELECT * FROM customers USING SAMPLE 50%`,
  `SELECT * FROM customers LIMIT 2 OFFSET 1`,
  `/* a comment */ SELECT 1 -- trailing`,
  `SELECT 'DROP TABLE customers; COPY x TO ''/tmp/x''' AS harmless_text`,
  `SELECT count(*) FILTER (WHERE status = 'paid') AS paid, string_agg(order_id, ',' ORDER BY order_id) AS ids FROM orders`,
  `SELECT version() AS v, current_date AS d, now() AS n, current_database() AS db`,
  `SELECT '张三' AS 姓名, 1 AS "列"`,
  `SELECT 1;`,
];

describe('the console guard: refused', () => {
  it.each(REFUSED)('%s → %s', async (sql, code) => {
    const r = await check(sql);
    expect(r?.code).toBe(code);
    expect(r?.message).toBeTruthy();
  });

  it('names what was refused and where (line, column in characters)', async () => {
    expect(await check(`SELECT '张三',\n  x FROM\n   main.customers`)).toMatchObject({
      code: 'sql_table_not_allowed',
      what: 'main.customers',
      line: 3,
      column: 4,
    });
    const f = await check(`SELECT * FROM customers WHERE name = current_setting('x')`);
    expect(f).toMatchObject({ code: 'sql_function_not_allowed', what: 'current_setting', line: 1, column: 38 });
    expect(f?.message).toMatch(/current_setting \(line 1, column 38\) reads DuckDB settings/);
    expect(await check(`SELECT * FROM read_csv('/etc/passwd')`)).toMatchObject({ what: 'read_csv', line: 1, column: 15 });
    expect(await check(`SELECT 1; DROP TABLE customers`)).toMatchObject({ code: 'sql_multiple_statements' });
    expect(await check(`COPY (SELECT 1) TO '/tmp/x'`)).toMatchObject({ code: 'sql_not_select', what: 'COPY' });
    expect((await check(`SELECT * FROM 'x.csv'`))?.message).toMatch(/reading files is not allowed/);
    expect(await check(`SELECT *\nFROM customers WHERE ) x`)).toMatchObject({ code: 'sql_syntax', line: 2, column: 22 });
  });

  it('checking runs nothing: no file written, nothing attached, the warehouse unchanged', async () => {
    const before = await fingerprint(raw);
    for (const [sql] of REFUSED) await check(sql);
    expect(existsSync(X_FILE)).toBe(false);
    expect(await fingerprint(raw)).toEqual(before);
    const dbs = (await raw.query(`SELECT database_name AS d FROM duckdb_databases() WHERE NOT internal ORDER BY 1`)).rows.map((r) => r.d);
    expect(dbs).toEqual(['wh']);
  });

  it("the gate's own helpers are not warehouse tables", async () => {
    expect(await check(`SELECT * FROM tm_scope_employees`)).toMatchObject({ code: 'sql_table_not_allowed', what: 'tm_scope_employees' });
    expect(await check(`SELECT * FROM tm_scope_root`)).toMatchObject({ code: 'sql_table_not_allowed', what: 'tm_scope_root' });
    expect(await check(`SELECT tm_mask_name('x') AS n`)).toBeUndefined(); // the masks are harmless functions
  });
});

describe('the console guard: allowed', () => {
  it.each(ALLOWED)('%s', async (sql) => {
    for (const login of ['ray', 'ana']) {
      await as(login, async (wh) => {
        expect(await checkConsoleSql(wh, sql)).toBeUndefined();
        await expect(wh.query(sql)).resolves.toBeDefined();
      });
    }
  });

  it('the policy: the warehouse tables, the loaded functions and types', async () => {
    const policy = await as('ana', (wh) => consolePolicy(wh));
    expect([...policy.tables].sort()).toEqual(expect.arrayContaining(['customers', 'orders', 'order_items', 'tm_rfm', 'tm_segments']));
    expect(policy.functions.has('sum')).toBe(true);
    expect(policy.functions.has('read_csv')).toBe(false); // a table function
    expect(policy.types.has('json')).toBe(true);
  });
});

describe('the console guard: pure parts', () => {
  it('an unknown node or expression in the syntax tree is refused, not trusted', () => {
    const p: ConsolePolicy = { tables: new Set(), functions: new Set(), types: new Set() };
    const ast = (node: unknown) => ({ error: false, statements: [{ node }] });
    expect(checkConsoleAst('x', ast({ type: 'SELECT_NODE', from_table: { type: 'SOMETHING_NEW', query_location: 0 } }), p)?.code).toBe('sql_construct_not_allowed');
    expect(checkConsoleAst('x', ast({ type: 'SELECT_NODE', select_list: [{ class: 'NEW_EXPR', type: 'X' }] }), p)?.code).toBe('sql_construct_not_allowed');
    expect(checkConsoleAst('x', { error: true, error_type: 'not implemented' }, p)?.code).toBe('sql_not_select');
    expect(checkConsoleAst('x', null, p)?.code).toBe('sql_empty');
  });

  it('keywords and locations', () => {
    expect(firstKeyword(' /* c */ -- d\n (( copy x')).toBe('COPY');
    expect(locate('ab\n张三x', 9)).toEqual({ line: 2, column: 3 });
    expect(locate('abc', '18446744073709551615')).toBeUndefined();
  });
});
