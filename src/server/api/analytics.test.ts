/**
 * The analysis routes on the org fixture (src/testing/org.ts). Expected figures are from its rows, by hand:
 * counted orders O1 C1 2026-01-05 100, O2 C1 2026-02-05 200, O4 C2 2026-01-10 50, O5 C3 2026-01-15 300,
 * O6 C4 2026-02-15 400, O7 C5 2026-01-20 500, O8 C6 2026-02-20 600 (O3 C1 999 is cancelled).
 * January: 100 + 50 + 300 + 500 = 950; February: 200 + 400 + 600 = 1,200; all 2,150.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_EXPECTED, ORG_USERS, orgFixture, type OrgFixture } from '../../testing/org.js';

type Json = Record<string, unknown>;
const LOGINS = ORG_USERS.map((u) => u.login);
const MASKED = new Set(['ana', 'vic']);
const PERIOD = { from: '2026-01-01', to: '2026-02-28' };
/** The customers' personal data as seeded, and masked (name: first character + *; phone: first 3, ****, last 4). */
const NAMES: Record<string, [string, string]> = { C1: ['张三', '张*'], C2: ['欧阳娜娜', '欧***'], C3: ['李四', '李*'], C4: ['杭州西湖贸易有限公司', `杭${'*'.repeat(9)}`], C5: ['王五', '王*'], C6: ['赵六', '赵*'] };
const PHONES: Record<string, [string, string]> = { C1: ['13812345678', '138****5678'], C2: ['13987654321', '139****4321'] };
/** Customer of each counted order, and its amount. */
const ORDERS: Record<string, [string, number]> = { O1: ['C1', 100], O2: ['C1', 200], O4: ['C2', 50], O5: ['C3', 300], O6: ['C4', 400], O7: ['C5', 500], O8: ['C6', 600] };

let f: OrgFixture;
beforeAll(async () => {
  f = await orgFixture();
});
afterAll(async () => {
  await f.cleanup();
});

async function call(login: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await f.request(login, path, body === undefined ? {} : { body });
  return { status: res.status, json: (await res.json()) as Json };
}
const err = (j: Json) => j.error as { code: string; field?: string; message: string };

describe('GET /api/overview', () => {
  it.each(LOGINS)('%s: customers and revenue of their own rows only', async (login) => {
    const { status, json } = await call(login, '/api/overview');
    expect(status).toBe(200);
    const exp = ORG_EXPECTED[login]!;
    expect(json.revenue).toBe(exp.revenue);
    expect(json.customers).toBe(exp.customers.length);
    // every visible customer has a counted order in the fixture
    expect(json.activeCustomers).toBe(exp.customers.length);
  });

  it('ray over January: C1 100 + C2 50, two orders', async () => {
    const { json } = await call('ray', '/api/overview?from=2026-01-01&to=2026-01-31');
    expect(json).toMatchObject({ from: '2026-01-01', to: '2026-01-31', revenue: 150, orders: 2, activeCustomers: 2, aov: 75 });
  });

  it('bad periods are 400 with the field', async () => {
    let r = await call('ada', '/api/overview?from=2026-1-1');
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'invalid_input', field: 'from' });
    r = await call('ada', '/api/overview?from=2026-02-30');
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'invalid_period', field: 'from' });
    r = await call('ada', '/api/overview?from=2026-03-01&to=2026-01-01');
    expect(err(r.json)).toMatchObject({ code: 'invalid_period', field: 'from' });
  });
});

describe('reports', () => {
  it('GET /api/reports lists the standard pack with titles, sections and params', async () => {
    const { status, json } = await call('vic', '/api/reports');
    expect(status).toBe(200);
    const reports = json.reports as { key: string; title: { zh: string; en: string }; sections: { key: string }[]; params: { name: string }[] }[];
    const keys = reports.map((r) => r.key);
    for (const k of ['sales', 'process', 'products', 'geography', 'profile', 'members', 'interactions', 'service', 'sales_team', 'campaigns', 'purchasing']) expect(keys).toContain(k);
    const sales = reports.find((r) => r.key === 'sales')!;
    expect(sales.title).toEqual({ zh: '销售概览', en: 'Sales overview' });
    expect(sales.sections.map((s) => s.key)).toContain('regions');
    expect(sales.params.map((p) => p.name)).toEqual(['from', 'to', 'by', 'filters', 'asOf']);
  });

  it.each(LOGINS)('%s: the sales report over their rows (headline revenue, provinces)', async (login) => {
    const { status, json } = await call(login, '/api/reports/sales', PERIOD);
    expect(status).toBe(200);
    const sections = json.sections as { key: string; rows: Json[]; sql: string; columns: unknown[] }[];
    const kpi = sections.find((s) => s.key === 'kpi_mom')!;
    expect(Number(kpi.rows[0]?.revenue ?? 0)).toBe(ORG_EXPECTED[login]!.revenue);
    // unqualified table names, so the gate's views are what it reads
    expect(kpi.sql).toMatch(/FROM "orders"/);
    expect(kpi.sql).not.toMatch(/\bmain\.|"main"\./);
    const regions = sections.find((s) => s.key === 'regions')!;
    const provinces = regions.rows.filter((r) => r.province !== null && r.province !== undefined).map((r) => r.province);
    const PROVINCE: Record<string, string> = { C1: '北京市', C2: '上海市', C3: '浙江省', C4: '浙江省', C5: '广东省', C6: '广东省' };
    expect(new Set(provinces)).toEqual(new Set(ORG_EXPECTED[login]!.customers.map((c) => PROVINCE[c])));
  });

  it.each(['ray', 'vic'])('%s: every standard report runs on their view', async (login) => {
    const list = (await call(login, '/api/reports')).json.reports as { key: string }[];
    for (const { key } of list) {
      const r = await call(login, `/api/reports/${key}`, PERIOD);
      expect(r.status, `${key}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe(200);
    }
  });

  it('unknown report → 404 unknown_report; bad params → 400', async () => {
    let r = await call('ada', '/api/reports/nope', {});
    expect(r.status).toBe(404);
    expect(err(r.json).code).toBe('unknown_report');
    r = await call('ada', '/api/reports/sales', { from: '2026-03-01', to: '2026-01-01' });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'invalid_period', field: 'from' });
    r = await call('ada', '/api/reports/sales', { ...PERIOD, by: ['nope'] });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'unknown_dimension', field: 'by[0]' });
    r = await call('ada', '/api/reports/sales', { ...PERIOD, filters: [{ dimension: "province'; DROP TABLE orders; --", op: 'eq', values: ['x'] }] });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'unknown_dimension', field: 'filters[0].dimension' });
  });

  it('a filter value is bound, not SQL: an injection attempt matches nothing', async () => {
    const { status, json } = await call('ada', '/api/reports/sales', { ...PERIOD, filters: [{ dimension: 'province', op: 'eq', values: ["北京市' OR '1'='1"] }] });
    expect(status).toBe(200);
    const kpi = (json.sections as { key: string; rows: Json[] }[]).find((s) => s.key === 'kpi_mom')!;
    expect(Number(kpi.rows[0]?.revenue ?? 0)).toBe(0);
    expect((await f.wh.query('SELECT count(*) AS n FROM orders')).rows[0]?.n).toBe(8);
  });
});

describe('POST /api/pivot', () => {
  const body = { metrics: ['revenue'], rows: ['province'], columns: ['month'], ...PERIOD };

  it('admin: province × month with row, column and grand totals', async () => {
    const { status, json } = await call('ada', '/api/pivot', body);
    expect(status).toBe(200);
    const rows = json.rows as Json[];
    const bj = rows.find((r) => r.province === '北京市')!;
    expect(bj).toMatchObject({ '2026-01': 100, '2026-02': 200, _total: 300 });
    const zj = rows.find((r) => r.province === '浙江省')!;
    expect(zj).toMatchObject({ '2026-01': 300, '2026-02': 400, _total: 700 });
    expect(json.totals).toMatchObject({ province: null, '2026-01': 950, '2026-02': 1200, _total: 2150 });
    expect((json.queries as unknown[]).length).toBe(3);
  });

  it.each(LOGINS)('%s: only their rows in the cells and the totals', async (login) => {
    const { status, json } = await call(login, '/api/pivot', body);
    expect(status).toBe(200);
    const totals = json.totals as Json;
    expect(Number(totals._total ?? 0)).toBe(ORG_EXPECTED[login]!.revenue);
    const jan = ORG_EXPECTED[login]!.customers.flatMap((c) => Object.entries(ORDERS).filter(([o, [cc]]) => cc === c && ['O1', 'O4', 'O5', 'O7'].includes(o)).map(([, [, a]]) => a));
    expect(Number(totals['2026-01'] ?? 0)).toBe(jan.reduce((a, b) => a + b, 0));
  });

  it('ray: 北京市 (C1) and 上海市 (C2) only; January 150, February 200', async () => {
    const { json } = await call('ray', '/api/pivot', body);
    expect((json.rows as Json[]).map((r) => r.province).sort()).toEqual(['上海市', '北京市'].sort());
    expect(json.totals).toMatchObject({ '2026-01': 150, '2026-02': 200, _total: 350 });
  });

  it('two metrics: one column per month and metric; ratios recomputed in the totals', async () => {
    const { json } = await call('ada', '/api/pivot', { ...body, metrics: ['revenue', 'aov'] });
    const bj = (json.rows as Json[]).find((r) => r.province === '北京市')!;
    // 北京市: O1 100 + O2 200 over two orders → aov 150
    expect(bj).toMatchObject({ '2026-01 · revenue': 100, '_total · revenue': 300, '_total · aov': 150 });
    // all: 2,150 over 7 orders
    expect(Number((json.totals as Json)['_total · aov'])).toBeCloseTo(2150 / 7, 6);
  });

  it('bad input → 400 naming the field', async () => {
    let r = await call('ada', '/api/pivot', { ...body, columns: ['nope'] });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'unknown_dimension', field: 'columns[0]' });
    r = await call('ada', '/api/pivot', { ...body, columns: ['province'] });
    expect(err(r.json)).toMatchObject({ code: 'dimension_twice', field: 'columns[0]' });
    r = await call('ada', '/api/pivot', { ...body, columns: [] });
    expect(err(r.json)).toMatchObject({ code: 'invalid_input', field: 'columns' });
  });
});

describe('POST /api/drill', () => {
  const jan = { metric: 'revenue', cell: { month: '2026-01' }, ...PERIOD };

  it.each(LOGINS)('%s: the January orders behind revenue are theirs only, names and phones masked unless allowed', async (login) => {
    const { status, json } = await call(login, '/api/drill', jan);
    expect(status).toBe(200);
    const rows = json.rows as Json[];
    const visible = new Set(ORG_EXPECTED[login]!.customers);
    const expected = ['O1', 'O4', 'O5', 'O7'].filter((o) => visible.has(ORDERS[o]![0]));
    expect(rows.map((r) => r.order_id)).toEqual(expected);
    expect(json.total).toBe(expected.length);
    for (const r of rows) {
      const c = String(r.customer_id);
      expect(visible.has(c)).toBe(true);
      expect(r.customer_name).toBe(NAMES[c]![MASKED.has(login) ? 1 : 0]);
      if (PHONES[c]) expect(r.customer_phone).toBe(PHONES[c]![MASKED.has(login) ? 1 : 0]);
    }
  });

  it('ray: no rows of C3…C6 in any mode', async () => {
    const rows = (await call('ray', '/api/drill', { metric: 'revenue', ...PERIOD, limit: 500 })).json.rows as Json[];
    expect(rows.map((r) => r.order_id)).toEqual(['O1', 'O2', 'O4']);
    const customers = (await call('ray', '/api/drill', { metric: 'revenue', ...PERIOD, mode: 'customers' })).json.rows as Json[];
    expect(customers.map((r) => r.customer_id)).toEqual(['C1', 'C2']);
  });

  it.each(LOGINS)('%s: customers mode carries the customer columns, masked for analyst and viewer', async (login) => {
    const { json } = await call(login, '/api/drill', { metric: 'buying_customers', ...PERIOD, mode: 'customers' });
    const rows = json.rows as Json[];
    expect(rows.map((r) => r.customer_id)).toEqual([...ORG_EXPECTED[login]!.customers]);
    for (const r of rows) {
      const c = String(r.customer_id);
      expect(r.name).toBe(NAMES[c]![MASKED.has(login) ? 1 : 0]);
      if (c === 'C1') {
        expect(r.phone).toBe(PHONES.C1![MASKED.has(login) ? 1 : 0]);
        expect(r.email).toBe(MASKED.has(login) ? 'z***@example.com' : 'zhang.san@example.com');
        expect(r.id_number).toBe(MASKED.has(login) ? '110***********1234' : '110101199001011234');
      }
    }
  });

  it('pages: limit/offset in natural-key order, a total, and sorting by an allowed column', async () => {
    const all = { metric: 'revenue', ...PERIOD };
    const p1 = (await call('ada', '/api/drill', { ...all, limit: 3 })).json;
    expect((p1.rows as Json[]).map((r) => r.order_id)).toEqual(['O1', 'O2', 'O4']);
    expect(p1).toMatchObject({ total: 7, limit: 3, offset: 0, source: 'orders' });
    const p3 = (await call('ada', '/api/drill', { ...all, limit: 3, offset: 6 })).json;
    expect((p3.rows as Json[]).map((r) => r.order_id)).toEqual(['O8']);
    const byAmount = (await call('ada', '/api/drill', { ...all, limit: 3, sort: { key: 'amount', desc: true } })).json;
    expect((byAmount.rows as Json[]).map((r) => r.order_id)).toEqual(['O8', 'O7', 'O6']);
    const byName = (await call('ada', '/api/drill', { ...all, limit: 2, sort: { key: 'customer_name' } })).json;
    expect((byName.rows as Json[]).map((r) => r.customer_id)).toHaveLength(2);
  });

  it('ray: order lines behind item revenue, ordered by their natural key (order, line)', async () => {
    const { status, json } = await call('ray', '/api/drill', { metric: 'item_revenue', ...PERIOD });
    expect(status).toBe(200);
    expect(json.source).toBe('order_items');
    expect((json.rows as Json[]).map((r) => r.order_id)).toEqual(['O1', 'O2', 'O4']);
    expect(json.sort).toEqual([{ key: 'order_id', desc: false }, { key: 'line_no', desc: false }]);
  });

  it('bad input → 400 with code and field; the sort key is never SQL', async () => {
    const all = { metric: 'revenue', ...PERIOD };
    let r = await call('ada', '/api/drill', { ...all, sort: { key: 'amount; DROP TABLE orders' } });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'invalid_sort', field: 'sort.key' });
    r = await call('ada', '/api/drill', { ...all, limit: 501 });
    expect(err(r.json)).toMatchObject({ code: 'invalid_input', field: 'limit' });
    r = await call('ada', '/api/drill', { ...all, offset: -1 });
    expect(err(r.json)).toMatchObject({ code: 'invalid_input', field: 'offset' });
    r = await call('ada', '/api/drill', { ...all, cell: { nope: 'x' } });
    expect(err(r.json)).toMatchObject({ code: 'unknown_dimension', field: 'cell.nope' });
    r = await call('ada', '/api/drill', { ...all, metric: 'nope' });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'unknown_metric', field: 'metric' });
    r = await call('ada', '/api/drill', { ...all, cell: { province: "x' OR 1=1 --" } });
    expect(r.status).toBe(200);
    expect(r.json.total).toBe(0);
    expect((await f.wh.query('SELECT count(*) AS n FROM orders')).rows[0]?.n).toBe(8);
  });
});

describe('SQL-injection corpus through every field of these routes', () => {
  const CORPUS = [
    "' OR '1'='1",
    '1; DROP TABLE orders; --',
    '"; SELECT * FROM customers; --',
    'revenue) UNION SELECT name FROM customers --',
    'province" = 1 OR "1',
    "'; COPY customers TO '/tmp/tm-leak.csv'; --",
  ];

  it.each(CORPUS)('%s: refused as a name, bound as a value', async (x) => {
    const base = { metrics: ['revenue'], rows: ['province'], columns: ['month'], ...PERIOD };
    const refused = [
      await call('ray', '/api/pivot', { ...base, rows: [x] }),
      await call('ray', '/api/pivot', { ...base, metrics: [x] }),
      await call('ray', '/api/pivot', { ...base, sort: [{ key: x }] }),
      await call('ray', '/api/pivot', { ...base, filters: [{ dimension: x, op: 'eq', values: ['a'] }] }),
      await call('ray', '/api/drill', { metric: 'revenue', sort: { key: x } }),
      await call('ray', '/api/drill', { metric: 'revenue', cell: { [x]: 'a' } }),
      await call('ray', '/api/drill', { metric: x }),
      await call('ray', '/api/reports/sales', { ...PERIOD, by: [x] }),
      await call('ray', `/api/reports/${encodeURIComponent(x)}`, PERIOD),
      await call('ray', '/api/analyses/rfm', { asOf: x }),
      await call('ray', '/api/analyses/matrix', { aovThreshold: x }),
    ];
    for (const r of refused) expect([400, 404], JSON.stringify(r.json)).toContain(r.status);
    const bound = [
      await call('ray', '/api/pivot', { ...base, filters: [{ dimension: 'province', op: 'eq', values: [x] }] }),
      await call('ray', '/api/drill', { metric: 'revenue', cell: { province: x } }),
      await call('ray', '/api/drill', { metric: 'revenue', filters: [{ dimension: 'channel', op: 'contains', values: [x] }] }),
      await call('ray', '/api/reports/geography', { ...PERIOD, filters: [{ dimension: 'city', op: 'in', values: [x, '北京市'] }] }),
    ];
    for (const r of bound) expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(bound[0]!.json.rows).toEqual([]);
    expect(bound[1]!.json.total).toBe(0);
    expect(bound[2]!.json.total).toBe(0);
    // ray's own rows only, even with the value list widened: 北京市 is C1's city (300)
    const provinces = (bound[3]!.json.sections as { key: string; rows: Json[] }[]).find((s) => s.key === 'provinces')!.rows.filter((r) => r.province);
    expect(provinces.map((r) => [r.province, r.revenue])).toEqual([['北京市', 300]]);
    expect(Number((await f.wh.query('SELECT count(*) AS n FROM orders')).rows[0]?.n)).toBe(8);
    expect(Number((await f.wh.query('SELECT count(*) AS n FROM customers')).rows[0]?.n)).toBe(6);
  });
});
