import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../testing/index.js';
import { orgFixture, type OrgFixture } from '../../testing/org.js';
import { CONSOLE_ALLOWED, CONSOLE_REFUSED, X_FILE } from '../../testing/sql-corpus.js';

/**
 * POST /api/sql on the org fixture (src/testing/org.ts). Expected values by hand from its rows:
 * - masks (analyst ana, no see_personal_data): names keep the first character, one * per further character; phones keep
 *   the first 3 and last 4 with **** between.
 * - revenue of counted orders: 2,150 for all rows; ray (rep E1: C1, C2) 100 + 200 + 50 = 350.
 */
let f: OrgFixture;

const sql = (login: string, text: string, limit?: number) => f.request(login, '/api/sql', { body: { sql: text, ...(limit !== undefined ? { limit } : {}) } });
const ok = async (login: string, text: string, limit?: number) => {
  const r = await sql(login, text, limit);
  const body = (await r.json()) as { columns: { name: string; type: string }[]; rows: Record<string, unknown>[]; rowCount: number; truncated: boolean };
  expect(r.status, JSON.stringify(body)).toBe(200);
  return body;
};
const refused = async (login: string, text: string) => {
  const r = await sql(login, text);
  const body = (await r.json()) as { error: { code: string; message: string; field?: string } };
  return { status: r.status, ...body.error };
};

beforeAll(async () => {
  f = await orgFixture();
  rmSync(X_FILE, { force: true });
});

afterAll(async () => {
  await f.cleanup();
});

describe('POST /api/sql: permission', () => {
  it('a role without run_sql gets 403 (sales_rep, manager, viewer by default)', async () => {
    for (const login of ['ray', 'mia', 'vic']) {
      const r = await refused(login, 'SELECT 1 AS one');
      expect(r).toMatchObject({ status: 403, code: 'forbidden' });
    }
    expect(f.meta.auditLog(1)[0]).toMatchObject({ login: 'vic', action: 'sql', details: { sql: 'SELECT 1 AS one', refused: true, code: 'forbidden' } });
  });
});

describe('POST /api/sql: an analyst (all rows, personal data masked)', () => {
  it('sees all 6 customers, masked', async () => {
    const r = await ok('ana', 'SELECT customer_id, name, phone FROM customers ORDER BY customer_id');
    expect(r.rows).toEqual([
      { customer_id: 'C1', name: '张*', phone: '138****5678' },
      { customer_id: 'C2', name: '欧***', phone: '139****4321' },
      { customer_id: 'C3', name: '李*', phone: '137****2222' },
      { customer_id: 'C4', name: '杭*********', phone: '0571****6666' },
      { customer_id: 'C5', name: '王*', phone: '136****3333' },
      { customer_id: 'C6', name: '赵*', phone: '135****4444' },
    ]);
    expect(r.columns).toEqual([
      { name: 'customer_id', type: 'VARCHAR' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'phone', type: 'VARCHAR' },
    ]);
    expect(r.truncated).toBe(false);
  });

  it('the masks hold through functions, joins and aggregates', async () => {
    const r = await ok('ana', `SELECT string_agg(c.name || '/' || c.email, ',' ORDER BY c.customer_id) AS s FROM customers c JOIN orders o USING (customer_id) WHERE o.order_id = 'O1'`);
    expect(r.rows).toEqual([{ s: '张*/z***@example.com' }]);
  });

  it('revenue over all rows: 2,150', async () => {
    const r = await ok('ana', `SELECT sum(amount) AS revenue FROM orders WHERE status IS DISTINCT FROM 'cancelled'`);
    expect(r.rows).toEqual([{ revenue: 2150 }]);
  });

  it('joins, CTEs, window functions', async () => {
    const r = await ok(
      'ana',
      `WITH rev AS (SELECT customer_id, sum(amount) AS revenue FROM orders WHERE status <> 'cancelled' GROUP BY ALL)
       SELECT c.customer_id, rev.revenue, rank() OVER (ORDER BY rev.revenue DESC) AS rk FROM customers c JOIN rev USING (customer_id) ORDER BY rk LIMIT 3`,
    );
    // By hand: C6 600, C5 500, C4 400.
    expect(r.rows).toEqual([
      { customer_id: 'C6', revenue: 600, rk: 1 },
      { customer_id: 'C5', revenue: 500, rk: 2 },
      { customer_id: 'C4', revenue: 400, rk: 3 },
    ]);
  });

  it('an empty result still has its columns', async () => {
    const r = await ok('ana', 'SELECT customer_id, amount FROM orders WHERE false');
    expect(r).toMatchObject({ rows: [], rowCount: 0, truncated: false, columns: [{ name: 'customer_id', type: 'VARCHAR' }, { name: 'amount', type: 'DECIMAL(18,2)' }] });
  });

  it('rows are capped: limit, else 1,000; truncated says so; the connection is fine afterwards', async () => {
    const a = await ok('ana', 'SELECT * FROM range(5000) t(i)', 10);
    expect(a).toMatchObject({ rowCount: 10, truncated: true });
    expect(a.rows[9]).toEqual({ i: 9 });
    const b = await ok('ana', 'SELECT * FROM range(5000) t(i)');
    expect(b).toMatchObject({ rowCount: 1000, truncated: true });
    const c = await ok('ana', 'SELECT count(*) AS n FROM customers');
    expect(c.rows).toEqual([{ n: 6 }]);
  });

  it('bad input: a limit over 10,000, no sql, an error from DuckDB, duplicate column names', async () => {
    const big = await f.request('ana', '/api/sql', { body: { sql: 'SELECT 1', limit: 10_001 } });
    expect(big.status).toBe(400);
    expect(((await big.json()) as { error: { field: string } }).error.field).toBe('limit');
    const none = await f.request('ana', '/api/sql', { body: { limit: 1 } });
    expect(none.status).toBe(400);
    expect(await refused('ana', 'SELECT no_such_column FROM customers')).toMatchObject({ status: 400, code: 'sql_error', field: 'sql' });
    expect(await refused('ana', 'SELECT 1 AS a, 2 AS a')).toMatchObject({ status: 400, code: 'sql_duplicate_columns' });
  });

  it('every use is audited: who, the SQL, rows, refused or not and why', async () => {
    await ok('ana', 'SELECT customer_id FROM customers LIMIT 2');
    await refused('ana', 'SELECT * FROM main.customers');
    const [no, yes] = f.meta.auditLog(2);
    expect(yes).toMatchObject({ login: 'ana', action: 'sql', details: { sql: 'SELECT customer_id FROM customers LIMIT 2', refused: false, rows: 2, truncated: false } });
    expect(no).toMatchObject({ login: 'ana', action: 'sql', details: { sql: 'SELECT * FROM main.customers', refused: true, code: 'sql_table_not_allowed' } });
    expect(String(no?.details.reason)).toMatch(/main\.customers \(line 1, column 15\)/);
  });
});

describe('POST /api/sql: a sales rep given run_sql (scoped views)', () => {
  beforeAll(() => {
    f.meta.setRolePermissions('sales_rep', [...f.meta.permissionsOf('sales_rep'), 'run_sql']);
  });

  it("ray (E1) sees his 2 customers, in clear, and their revenue of 350", async () => {
    expect((await ok('ray', 'SELECT count(*) AS n FROM customers')).rows).toEqual([{ n: 2 }]);
    expect((await ok('ray', 'SELECT customer_id, name, phone FROM customers ORDER BY 1')).rows).toEqual([
      { customer_id: 'C1', name: '张三', phone: '13812345678' },
      { customer_id: 'C2', name: '欧阳娜娜', phone: '13987654321' },
    ]);
    expect((await ok('ray', `SELECT sum(amount) AS revenue FROM orders WHERE status IS DISTINCT FROM 'cancelled'`)).rows).toEqual([{ revenue: 350 }]);
    // Through a join, a subquery and a CTE the scope is the same: the views are the only tables.
    expect((await ok('ray', `SELECT count(DISTINCT o.customer_id) AS n FROM orders o JOIN customers c USING (customer_id)`)).rows).toEqual([{ n: 2 }]);
    expect((await ok('ray', `WITH x AS (FROM orders) SELECT count(*) AS n FROM x WHERE customer_id IN (SELECT customer_id FROM customers)`)).rows).toEqual([{ n: 4 }]);
  });

  it('sue (E3) sees C4 only: 400', async () => {
    expect((await ok('sue', 'SELECT list(customer_id) AS ids FROM customers')).rows).toEqual([{ ids: ['C4'] }]);
    expect((await ok('sue', `SELECT sum(amount) AS revenue FROM orders WHERE status IS DISTINCT FROM 'cancelled'`)).rows).toEqual([{ revenue: 400 }]);
  });

  it("the raw tables by a qualified name are refused: memory.main, the warehouse's catalog (wh), main", async () => {
    for (const text of [
      'SELECT count(*) FROM memory.main.customers',
      'SELECT count(*) FROM wh.main.customers',
      'SELECT count(*) FROM "wh"."main"."customers"',
      'SELECT count(*) FROM wh.customers',
      'SELECT count(*) FROM main.customers',
      'SELECT * FROM customers UNION ALL SELECT * FROM wh.main.customers',
    ]) {
      expect(await refused('ray', text), text).toMatchObject({ status: 400, code: 'sql_table_not_allowed', field: 'sql' });
    }
  });
});

describe('POST /api/sql: the corpus of attempts', () => {
  it('every attempt is refused with 400 and its code, for an unscoped and a scoped caller', async () => {
    const before = await fingerprint(f.wh);
    for (const login of ['ana', 'ray']) {
      for (const [text, code] of CONSOLE_REFUSED) {
        const r = await refused(login, text);
        expect({ text, status: r.status, code: r.code }).toEqual({ text, status: 400, code: text === '' ? 'invalid_input' : code });
      }
    }
    expect(existsSync(X_FILE)).toBe(false);
    expect(existsSync('/tmp/x')).toBe(false);
    expect(existsSync('/tmp/x.db')).toBe(false);
    expect(await fingerprint(f.wh)).toEqual(before);
    expect((await ok('ada', 'SELECT count(*) AS n FROM customers')).rows).toEqual([{ n: 6 }]);
    const dbs = await f.wh.query(`SELECT list(database_name ORDER BY database_name) AS d FROM duckdb_databases() WHERE NOT internal`);
    expect(dbs.rows[0]?.d).toEqual(['wh']);
  });

  it('the allowed statements run', async () => {
    for (const text of CONSOLE_ALLOWED) {
      const r = await sql('ana', text);
      expect({ text, status: r.status }).toEqual({ text, status: 200 });
    }
  });
});
