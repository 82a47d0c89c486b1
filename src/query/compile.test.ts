import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCatalog } from '../metrics/catalog/index.js';
import { clickhouse } from '../sql/clickhouse.js';
import type { Dialect } from '../sql/dialect.js';
import { fingerprint, tempWarehouse } from '../testing/index.js';
import type { Row, Warehouse } from '../warehouse/port.js';
import { compileQuery } from './compile.js';
import { runQuery } from './run.js';
import { QueryError, type CompiledQuery, type Query, type QueryIssue } from './types.js';

/**
 * The query compiler. Golden SQL lives in __golden__/ (one reviewed file per query; `UPDATE_GOLDEN=1 npx vitest
 * run src/query/compile.test.ts` rewrites them, then read the diff). Every query here also runs EXPLAIN on a
 * real DuckDB, and the fan-out fixture checks the numbers against independent sums.
 */

const catalog = buildCatalog();
const TODAY = '2024-06-30';
const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '__golden__');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const compile = (q: Query, dialect?: Dialect): CompiledQuery => compileQuery(catalog, q, { today: TODAY, ...(dialect ? { dialect } : {}) });

function issues(q: Query): QueryIssue[] {
  try {
    compile(q);
  } catch (e) {
    if (e instanceof QueryError) return [...e.issues];
    throw e;
  }
  throw new Error(`compiled: ${JSON.stringify(q)}`);
}
const codes = (q: Query) => issues(q).map((i) => `${i.code} ${i.field}`);

function golden(name: string, q: Query, c: CompiledQuery): void {
  const text = `-- ${name}\n-- query: ${JSON.stringify(q)}\n-- params: ${JSON.stringify(c.params)}\n${c.sql}\n`;
  const path = join(GOLDEN_DIR, `${name}.sql`);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, text);
    return;
  }
  if (!existsSync(path)) throw new Error(`${path} is missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const Q1: Query = { metrics: ['revenue'], from: '2024-01-01', to: '2024-03-31' };

/** The representative queries: each has a golden file and must EXPLAIN. */
const REPRESENTATIVE: Record<string, Query> = {
  single_metric: Q1,
  two_facts_same_grain: { metrics: ['revenue', 'item_revenue', 'tickets'], dimensions: ['province', 'month'], from: '2024-01-01', to: '2024-03-31' },
  derived_across_sources: { metrics: ['refund_rate', 'aov', 'gross_margin'], dimensions: ['channel'], from: '2024-01-01', to: '2024-03-31' },
  time_grain_and_category: { metrics: ['item_revenue', 'units_sold'], dimensions: ['month', 'category'], from: '2024-01-01', to: '2024-06-30' },
  compare_yoy: { metrics: ['revenue', 'aov'], dimensions: ['month'], compare: 'yoy', from: '2024-01-01', to: '2024-03-31' },
  compare_mom_by_month: { metrics: ['revenue', 'repurchase_rate'], dimensions: ['month'], compare: 'mom', from: '2024-01-01', to: '2024-03-31' },
  compare_mom_by_range: { metrics: ['orders'], dimensions: ['channel'], compare: 'mom', from: '2024-03-01', to: '2024-03-31' },
  totals: { metrics: ['revenue', 'orders'], dimensions: ['channel'], totals: true, limit: 3, from: '2024-01-01', to: '2024-03-31' },
  subtotals: { metrics: ['revenue', 'buying_customers'], dimensions: ['province', 'channel'], subtotals: true, from: '2024-01-01', to: '2024-03-31' },
  per_customer: { metrics: ['repeat_customers', 'repurchase_rate', 'orders_per_customer'], dimensions: ['month'], from: '2024-01-01', to: '2024-03-31' },
  new_customers: { metrics: ['new_customers', 'new_customer_share'], dimensions: ['quarter'], from: '2024-01-01', to: '2024-06-30' },
  churn_by_month: { metrics: ['churn_rate', 'churned_customers'], dimensions: ['month'], from: '2024-01-01', to: '2024-03-31' },
  churn_mom: { metrics: ['churn_rate'], dimensions: ['month'], compare: 'mom', from: '2024-02-01', to: '2024-03-31' },
  filters_each_op: {
    metrics: ['revenue'],
    dimensions: ['channel'],
    from: '2024-01-01',
    to: '2024-12-31',
    filters: [
      { dimension: 'channel', op: 'eq', values: ['tmall'] },
      { dimension: 'gender', op: 'ne', values: ['unknown'] },
      { dimension: 'province', op: 'in', values: ['浙江省', '广东省'] },
      { dimension: 'tier', op: 'not_in', values: ['黑卡'] },
      { dimension: 'month', op: 'gt', values: ['2024-01'] },
      { dimension: 'month', op: 'lte', values: ['2024年11月'] },
      { dimension: 'quarter', op: 'gte', values: ['2024-Q1'] },
      { dimension: 'weekday', op: 'lt', values: [6] },
      { dimension: 'day', op: 'between', values: ['2024-01-01', '2024-12-31'] },
      { dimension: 'store', op: 'contains', values: ['西湖'] },
      { dimension: 'industry', op: 'is_null' },
      { dimension: 'customer', op: 'not_null' },
    ],
  },
  sort_and_limit: { metrics: ['revenue', 'orders'], dimensions: ['province'], sort: [{ key: 'revenue', desc: true }, { key: 'province' }], limit: 5, from: '2024-01-01', to: '2024-03-31' },
  sort_by_change: { metrics: ['revenue'], dimensions: ['channel'], compare: 'yoy', sort: [{ key: 'revenue__change', desc: true }], limit: 10, from: '2024-01-01', to: '2024-03-31' },
  org_dimension: { metrics: ['won_amount', 'win_rate'], dimensions: ['branch'], from: '2024-01-01', to: '2024-12-31' },
  age_band_as_of: { metrics: ['member_revenue'], dimensions: ['age_band'], from: '2024-01-01', to: '2024-03-31', asOf: '2024-04-01' },
};

describe('golden SQL (DuckDB)', () => {
  test.each(Object.entries(REPRESENTATIVE))('%s', (name, q) => golden(name, q, compile(q)));
});

/** A user catalog: a metric filtered on a custom field of the related customer, and a custom-field dimension. */
const userCatalog = buildCatalog({
  metrics: [{ key: 'gold_card_revenue', label: { zh: '金卡销售额', en: 'Gold card revenue' }, unit: 'currency', owner: 'Test', description: 'test', source: 'orders', time: 'ordered_at', measure: 'sum(amount)', filter: "customer.extra.会员卡类型 = '金卡'" }],
  dimensions: [{ key: 'card_type', label: { zh: '会员卡类型', en: 'Card type' }, anchors: [{ table: 'customers', expr: 'extra.会员卡类型' }] }],
});
const CUSTOM: Query = { metrics: ['gold_card_revenue', 'revenue'], dimensions: ['card_type'], filters: [{ dimension: 'card_type', op: 'ne', values: ["银卡'"] }], from: '2024-01-01', to: '2024-03-31' };

test('golden SQL: custom fields (extra JSON) through a relation', () => {
  golden('custom_field', CUSTOM, compileQuery(userCatalog, CUSTOM, { today: TODAY }));
});

describe('golden SQL (ClickHouse: rendered only, it cannot run here)', () => {
  test.each(['two_facts_same_grain', 'subtotals', 'churn_by_month', 'compare_yoy'])('%s', (name) => {
    const q = REPRESENTATIVE[name]!;
    golden(`clickhouse_${name}`, q, compile(q, clickhouse));
  });
});

describe('compiled shape', () => {
  test('values are parameters: the period, the filter values', () => {
    const c = compile(REPRESENTATIVE.filters_each_op!);
    expect(c.params).toEqual([
      '2024-01-01',
      '2025-01-01',
      'tmall',
      'unknown',
      '浙江省',
      '广东省',
      '黑卡',
      '2024-01-01',
      '2024-11-01',
      '2024-01-01',
      6,
      '2024-01-01',
      '2024-12-31',
      '西湖',
    ]);
    for (const v of ['tmall', '浙江省', '黑卡', '西湖', '2024-']) expect(c.sql).not.toContain(v);
  });

  test('columns describe the result: dimensions with grain, metrics with unit, comparisons', () => {
    const c = compile(REPRESENTATIVE.compare_yoy!);
    expect(c.columns.map((x) => `${x.kind}:${x.key}`)).toEqual(['dimension:month', 'metric:revenue', 'metric:aov', 'previous:revenue__prev', 'change:revenue__change', 'previous:aov__prev', 'change:aov__change']);
    expect(c.columns[0]).toMatchObject({ grain: 'month', label: { zh: '月', en: 'Month' } });
    expect(c.columns[1]).toMatchObject({ unit: 'currency', metric: 'revenue' });
    expect(c.columns[4]).toMatchObject({ unit: 'change', metric: 'revenue', label: { zh: '销售额同比', en: 'Revenue (GMV) YoY %' } });
    const ratio = compile({ ...REPRESENTATIVE.compare_mom_by_month! }).columns.find((x) => x.key === 'repurchase_rate__change');
    expect(ratio).toMatchObject({ unit: 'ratio_change', label: { zh: '复购率环比变化', en: 'Repurchase rate change (points)' } });
  });

  test('totals with a limit: the limit is applied after the query so the total row survives', () => {
    const c = compile(REPRESENTATIVE.totals!);
    expect(c.groupingColumn).toBe('_grouping');
    expect(c.limitInJs).toBe(3);
    expect(c.sql).not.toMatch(/LIMIT/);
    const plain = compile(REPRESENTATIVE.sort_and_limit!);
    expect(plain.limitInJs).toBeUndefined();
    expect(plain.sql).toMatch(/\nLIMIT 5$/);
  });

  test('metric and dimension names may be given by label', () => {
    const a = compile({ metrics: ['销售额', 'Orders'], dimensions: ['省份'], from: '2024-01-01', to: '2024-01-31' });
    const b = compile({ metrics: ['revenue', 'orders'], dimensions: ['province'], from: '2024-01-01', to: '2024-01-31' });
    expect(a.sql).toBe(b.sql);
  });
});

describe('validation errors', () => {
  test('unknown metric lists the valid names', () => {
    const [i, ...rest] = issues({ metrics: ['revenu'] });
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ code: 'unknown_metric', field: 'metrics[0]' });
    expect(i!.message).toMatch(/^unknown metric 'revenu'; metrics: revenue, paid_amount, /);
    for (const k of catalog.metrics.keys()) expect(i!.message).toContain(k);
  });

  test('no metrics, duplicates', () => {
    expect(codes({ metrics: [] })).toEqual(['no_metrics metrics']);
    expect(codes({ metrics: ['revenue', '销售额'], dimensions: ['month', 'Month'] })).toEqual(['duplicate_metric metrics[1]', 'duplicate_dimension dimensions[1]']);
  });

  test('a dimension that does not apply names the metrics that can be split by it', () => {
    const [i, ...rest] = issues({ metrics: ['revenue'], dimensions: ['category'], from: '2024-01-01', to: '2024-01-31' });
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ code: 'dimension_unavailable', field: 'dimensions[0]' });
    expect(i!.message).toMatch(/^category does not apply to revenue \(orders rows have no path to products\); metrics that can be split by category: item_revenue, units_sold, costed_item_revenue, gross_profit, item_buyers, product_repeat_buyers/);
    expect(i!.message).not.toMatch(/\brevenue,/);
    // the same for a filter
    expect(codes({ metrics: ['tickets'], filters: [{ dimension: 'category', op: 'eq', values: ['x'] }] })).toEqual(['dimension_unavailable filters[0].dimension']);
    // and for one of several metrics only
    expect(codes({ metrics: ['item_revenue', 'revenue'], dimensions: ['month', 'category'] })).toEqual(['dimension_unavailable dimensions[1]']);
  });

  test('dates: not a day, from after to, a bad asOf', () => {
    expect(issues({ metrics: ['revenue'], from: '2024-02-30', to: '2024/03/01', asOf: 'yesterday' })).toEqual([
      { code: 'bad_date', field: 'from', message: "from: '2024-02-30' is not a date; use YYYY-MM-DD" },
      { code: 'bad_date', field: 'to', message: "to: '2024/03/01' is not a date; use YYYY-MM-DD" },
      { code: 'bad_date', field: 'asOf', message: "asOf: 'yesterday' is not a date; use YYYY-MM-DD" },
    ]);
    expect(issues({ metrics: ['revenue'], from: '2024-03-02', to: '2024-03-01' })).toEqual([{ code: 'bad_range', field: 'from', message: 'from 2024-03-02 is after to 2024-03-01' }]);
    expect(codes({ metrics: ['revenue'], from: "2024-01-01'; --" })).toEqual(['bad_date from']);
  });

  test('compare', () => {
    expect(codes({ metrics: ['revenue'], dimensions: ['weekday'], compare: 'mom', from: '2024-01-01', to: '2024-01-31' })).toEqual(['compare_unsupported compare']);
    expect(codes({ metrics: ['revenue'], dimensions: ['channel'], compare: 'mom' })).toEqual(['range_required from']);
    expect(codes({ metrics: ['revenue'], compare: 'yoy' })).toEqual(['range_required from']);
    expect(codes({ metrics: ['revenue'], compare: 'wow' as 'yoy', from: '2024-01-01', to: '2024-01-31' })).toEqual(['bad_compare compare']);
    // yoy by a time dimension needs no range
    expect(() => compile({ metrics: ['revenue'], dimensions: ['month'], compare: 'yoy' })).not.toThrow();
  });

  test.each([0, -1, 1.5, 10_000_001, Number.NaN])('limit %s', (limit) => {
    expect(codes({ metrics: ['revenue'], limit })).toEqual(['bad_limit limit']);
  });

  test('filters: op, number of values, kinds of values', () => {
    const q: Query = {
      metrics: ['revenue'],
      filters: [
        { dimension: 'channel', op: 'like' as 'eq', values: ['t%'] },
        { dimension: 'channel', op: 'eq', values: ['a', 'b'] },
        { dimension: 'channel', op: 'in', values: [] },
        { dimension: 'channel', op: 'not_in' },
        { dimension: 'channel', op: 'between', values: ['a'] },
        { dimension: 'channel', op: 'is_null', values: ['a'] },
        { dimension: 'month', op: 'eq', values: ['2024-13'] },
        { dimension: 'month', op: 'in', values: ['2024-01', '2024-1x'] },
        { dimension: 'quarter', op: 'eq', values: ['2024-Q5'] },
        { dimension: 'week', op: 'eq', values: ['2024-W54'] },
        { dimension: 'day', op: 'eq', values: ['2024-02-30'] },
        { dimension: 'year', op: 'eq', values: ['24'] },
        { dimension: 'weekday', op: 'eq', values: ['mon'] },
        { dimension: 'channel', op: 'eq', values: [{ x: 1 } as unknown as string] },
        { dimension: 'chanel', op: 'eq', values: ['tmall'] },
      ],
    };
    expect(codes(q)).toEqual([
      'bad_filter_op filters[0].op',
      'bad_filter_values filters[1].values',
      'bad_filter_values filters[2].values',
      'bad_filter_values filters[3].values',
      'bad_filter_values filters[4].values',
      'bad_filter_values filters[5].values',
      'bad_filter_values filters[6].values[0]',
      'bad_filter_values filters[7].values[1]',
      'bad_filter_values filters[8].values[0]',
      'bad_filter_values filters[9].values[0]',
      'bad_filter_values filters[10].values[0]',
      'bad_filter_values filters[11].values[0]',
      'bad_filter_values filters[12].values[0]',
      'bad_filter_values filters[13].values[0]',
      'unknown_dimension filters[14].dimension',
    ]);
    const byField = new Map(issues(q).map((i) => [i.field, i.message]));
    expect(byField.get('filters[6].values[0]')).toBe("filters[6].values[0]: '2024-13' is not a month; write it like 2024-03");
    expect(byField.get('filters[1].values')).toBe('filters[1].values: eq takes one value');
    expect(byField.get('filters[12].values[0]')).toBe("filters[12].values[0]: 'mon' is not a number");
  });

  test('look-back metrics need a period and a year…day grain', () => {
    expect(issues({ metrics: ['churn_rate'] }).map((i) => `${i.code} ${i.field}: ${i.message}`)).toEqual([
      'range_required from: churned_customers needs a period: give from and to',
      'range_required from: churn_base_customers needs a period: give from and to',
    ]);
    expect(codes({ metrics: ['churned_customers'], dimensions: ['weekday'], from: '2024-01-01', to: '2024-03-31' })).toEqual(['dimension_unavailable dimensions[0]']);
    expect(codes({ metrics: ['churned_customers'], dimensions: ['month', 'week'], from: '2024-01-01', to: '2024-03-31' })).toEqual(['dimension_unavailable dimensions']);
    expect(codes({ metrics: ['churned_customers'], dimensions: ['month', 'weekday'], from: '2024-01-01', to: '2024-03-31' })).toEqual(['dimension_unavailable dimensions[1]']);
    expect(issues({ metrics: ['churn_rate'], filters: [{ dimension: 'month', op: 'eq', values: ['2024-02'] }], from: '2024-01-01', to: '2024-03-31' }).map((i) => `${i.code} ${i.field}: ${i.message}`)).toEqual([
      'dimension_unavailable filters[0].dimension: month: churned_customers looks back over earlier days; group by year, quarter, month, week or day, or give the period as from and to',
      'dimension_unavailable filters[0].dimension: month: churn_base_customers looks back over earlier days; group by year, quarter, month, week or day, or give the period as from and to',
    ]);
    // grouped by month, a month filter picks buckets
    expect(() => compile({ metrics: ['churn_rate'], dimensions: ['month'], filters: [{ dimension: 'month', op: 'eq', values: ['2024-02'] }], from: '2024-01-01', to: '2024-03-31' })).not.toThrow();
  });

  test('bad sort keys', () => {
    expect(issues({ metrics: ['revenue'], dimensions: ['channel'], sort: [{ key: 'orders' }, { key: '_grouping' }, { key: 'revenue__change' }] })).toEqual([
      { code: 'bad_sort', field: 'sort[0].key', message: "sort[0]: 'orders' is not a column of this query; columns: channel, revenue" },
      { code: 'bad_sort', field: 'sort[1].key', message: "sort[1]: '_grouping' is not a column of this query; columns: channel, revenue" },
      { code: 'bad_sort', field: 'sort[2].key', message: "sort[2]: 'revenue__change' is not a column of this query; columns: channel, revenue" },
    ]);
  });

  test('a query of the wrong shape (JSON from outside) is reported, not crashed on', () => {
    expect(codes(null as unknown as Query)).toEqual(['bad_query ']);
    expect(codes({ metrics: 'revenue' } as unknown as Query)).toEqual(['bad_query metrics']);
    expect(codes({ metrics: ['revenue'], dimensions: 'month', filters: {}, sort: 'revenue' } as unknown as Query)).toEqual(['bad_query dimensions', 'bad_query filters', 'bad_query sort']);
    expect(codes({ metrics: ['revenue'], filters: [{ dimension: 'channel', op: 'in', values: 'tmall' }] } as unknown as Query)).toEqual(['bad_filter_values filters[0].values']);
    expect(codes({ metrics: ['revenue'], filters: [null] } as unknown as Query)).toEqual(['unknown_dimension filters[0].dimension']);
    expect(codes({ metrics: ['revenue'], sort: [null] } as unknown as Query)).toEqual(['bad_sort sort[0].key']);
  });

  test('every problem of a query at once', () => {
    expect(codes({ metrics: ['revenu', 'revenue'], dimensions: ['provinse'], from: '2024-13-01', limit: 0, filters: [{ dimension: 'month', op: 'eq', values: ['x'] }] })).toEqual([
      'unknown_metric metrics[0]',
      'unknown_dimension dimensions[0]',
      'bad_date from',
      'bad_limit limit',
      'bad_filter_values filters[0].values[0]',
    ]);
  });
});

// -- on a real DuckDB ----------------------------------------------------------------------------------

let wh: Warehouse;
let cleanup: () => Promise<void>;

async function seed(w: Warehouse): Promise<void> {
  const stmts = [
    `INSERT INTO customers (customer_id, name, province, gender, member_tier, kind, extra) VALUES
       ('c1', '张三', '浙江省', 'male', '金卡', 'person', '{"会员卡类型": "金卡"}'),
       ('c2', '李四', '广东省', 'female', NULL, 'person', NULL),
       ('c3', '王五', '浙江省', 'female', NULL, 'person', NULL)`,
    `INSERT INTO products (product_id, name, category_l1, cost) VALUES ('p1', '茶', '饮品', 5.00), ('p2', '杯', '器具', NULL)`,
    // c1: two orders in January (o1 has three items); c2: one counted and one cancelled order in February;
    // o5 anonymous; c3 bought in October 2023 only (churns in January).
    `INSERT INTO orders (order_id, customer_id, is_anonymous, channel, ordered_at, status, amount) VALUES
       ('o1', 'c1', false, 'tmall', TIMESTAMP '2024-01-10 10:00:00', 'paid', 100.00),
       ('o2', 'c1', false, 'jd', TIMESTAMP '2024-01-20 09:00:00', 'completed', 50.00),
       ('o3', 'c2', false, 'tmall', TIMESTAMP '2024-02-05 12:00:00', 'paid', 70.00),
       ('o4', 'c2', false, 'tmall', TIMESTAMP '2024-02-06 12:00:00', 'cancelled', 999.00),
       ('o5', NULL, true, 'store', TIMESTAMP '2024-01-15 08:00:00', NULL, 30.00),
       ('o6', 'c3', false, 'web', TIMESTAMP '2023-10-20 08:00:00', 'completed', 40.00)`,
    `INSERT INTO order_items (order_id, line_no, product_id, quantity, amount) VALUES
       ('o1', 1, 'p1', 1, 10.00), ('o1', 2, 'p2', 2, 20.00), ('o1', 3, 'p1', 1, 30.00),
       ('o2', 1, 'p2', 1, 25.00),
       ('o3', 1, 'p1', 1, 35.00), ('o3', 2, 'p2', 1, 35.00),
       ('o4', 1, 'p1', 1, 999.00),
       ('o5', 1, 'p2', 1, 30.00),
       ('o6', 1, 'p1', 1, 40.00)`,
    `INSERT INTO service_tickets (ticket_id, customer_id, kind, opened_at) VALUES
       ('t1', 'c1', 'complaint', TIMESTAMP '2024-01-11 10:00:00'),
       ('t2', 'c1', 'consultation', TIMESTAMP '2024-01-25 10:00:00'),
       ('t3', 'c2', 'complaint', TIMESTAMP '2024-02-10 10:00:00'),
       ('t4', NULL, 'other', TIMESTAMP '2024-03-01 10:00:00')`,
  ];
  for (const s of stmts) await w.run(s);
}

beforeAll(async () => {
  const t = await tempWarehouse();
  wh = t.wh;
  cleanup = t.cleanup;
  await seed(wh);
});
afterAll(async () => cleanup?.());

async function explain(c: CompiledQuery): Promise<void> {
  const r = await wh.query(`EXPLAIN ${c.sql}`, c.params);
  expect(r.rows.length).toBeGreaterThan(0);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const run = async (q: Query): Promise<Row[]> => (await runQuery(wh, catalog, q, { today: TODAY })).rows;

describe('EXPLAIN on DuckDB', () => {
  const range = { from: '2024-01-01', to: '2024-03-31' };

  test('every metric of the catalog, no dimension', async () => {
    for (const m of catalog.metrics.keys()) {
      const c = compile({ metrics: [m], ...range });
      await explain(c).catch((e: Error) => {
        throw new Error(`${m}: ${e.message}\n${c.sql}`);
      });
      await wh.query(c.sql, c.params);
    }
  });

  test('every dimension with a metric it applies to', async () => {
    for (const d of catalog.dimensions.keys()) {
      let done = false;
      for (const m of catalog.metrics.keys()) {
        let c: CompiledQuery;
        try {
          c = compile({ metrics: [m], dimensions: [d], ...range });
        } catch (e) {
          if (e instanceof QueryError && e.issues.every((i) => i.code === 'dimension_unavailable')) continue;
          throw e;
        }
        await explain(c).catch((e: Error) => {
          throw new Error(`${d} × ${m}: ${e.message}\n${c.sql}`);
        });
        await wh.query(c.sql, c.params);
        done = true;
        break;
      }
      expect(done, `no metric can be split by ${d}`).toBe(true);
    }
  });

  test.each(Object.entries(REPRESENTATIVE))('%s', async (_name, q) => {
    const c = compile(q);
    await explain(c);
    await wh.query(c.sql, c.params);
  });
});

describe('no fan-out across fact tables', () => {
  test('revenue (orders), item_revenue (order items) and tickets by province and month equal independent sums', async () => {
    const rows = await run({ metrics: ['revenue', 'item_revenue', 'tickets', 'orders', 'buying_customers', 'repeat_customers'], dimensions: ['province', 'month'], from: '2024-01-01', to: '2024-03-31' });
    const got = rows.map((r) => [r.province, r.month, r.revenue, r.item_revenue, r.tickets, r.orders, r.buying_customers, r.repeat_customers].map((v) => (typeof v === 'number' ? v : (v ?? null))));
    expect(got).toEqual([
      ['广东省', '2024-02', 70, 70, 1, 1, 1, 0],
      ['浙江省', '2024-01', 150, 85, 2, 2, 1, 1],
      [null, '2024-01', 30, 30, 0, 1, 0, 0],
      [null, '2024-03', 0, 0, 1, 0, 0, 0],
    ]);

    // The same numbers from plain SQL, one table at a time.
    const indep = async (sql: string) => new Map((await wh.query(sql)).rows.map((r) => [`${r.p ?? '∅'}|${r.m}`, num(r.v)]));
    const rev = await indep(`SELECT c.province AS p, strftime(o.ordered_at, '%Y-%m') AS m, sum(o.amount) AS v FROM orders o LEFT JOIN customers c USING (customer_id) WHERE o.ordered_at >= '2024-01-01' AND o.ordered_at < '2024-04-01' AND (o.status IS NULL OR o.status <> 'cancelled') GROUP BY 1, 2`);
    const items = await indep(`SELECT c.province AS p, strftime(o.ordered_at, '%Y-%m') AS m, sum(i.amount) AS v FROM order_items i JOIN orders o USING (order_id) LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE o.ordered_at >= '2024-01-01' AND o.ordered_at < '2024-04-01' AND (o.status IS NULL OR o.status <> 'cancelled') GROUP BY 1, 2`);
    const tickets = await indep(`SELECT c.province AS p, strftime(t.opened_at, '%Y-%m') AS m, count(*) AS v FROM service_tickets t LEFT JOIN customers c USING (customer_id) WHERE t.opened_at >= '2024-01-01' AND t.opened_at < '2024-04-01' GROUP BY 1, 2`);
    for (const r of rows) {
      const k = `${r.province ?? '∅'}|${r.month}`;
      expect(r.revenue, k).toBe(rev.get(k) ?? 0);
      expect(r.item_revenue, k).toBe(items.get(k) ?? 0);
      expect(r.tickets, k).toBe(tickets.get(k) ?? 0);
    }
    const total = (m: Map<string, number | null>) => [...m.values()].reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(rows.reduce((a, r) => a + Number(r.revenue), 0)).toBe(total(rev));
    expect(rows.reduce((a, r) => a + Number(r.item_revenue), 0)).toBe(total(items));
    expect(rows.reduce((a, r) => a + Number(r.tickets), 0)).toBe(total(tickets));
  });

  test('an order-level metric split by an item-level dimension is refused rather than multiplied', async () => {
    await expect(run({ metrics: ['revenue'], dimensions: ['category'] })).rejects.toThrow(QueryError);
    const rows = await run({ metrics: ['item_revenue', 'item_buyers'], dimensions: ['category'], from: '2024-01-01', to: '2024-03-31' });
    expect(rows.map((r) => [r.category, r.item_revenue, r.item_buyers])).toEqual([
      ['器具', 110, 2],
      ['饮品', 75, 2],
    ]);
  });

  test('totals and subtotals add up', async () => {
    const rows = await run({ metrics: ['revenue', 'orders'], dimensions: ['province', 'channel'], subtotals: true, from: '2024-01-01', to: '2024-03-31' });
    expect(rows.map((r) => [r.province, r.channel, r._grouping, r.revenue, r.orders])).toEqual([
      ['广东省', 'tmall', 0, 70, 1],
      ['广东省', null, 1, 70, 1],
      ['浙江省', 'jd', 0, 50, 1],
      ['浙江省', 'tmall', 0, 100, 1],
      ['浙江省', null, 1, 150, 2],
      [null, 'store', 0, 30, 1],
      [null, null, 1, 30, 1],
      [null, null, 3, 250, 4],
    ]);
    const t = await run({ ...REPRESENTATIVE.totals!, limit: 1 });
    expect(t.map((r) => [r.channel, r._grouping, r.revenue])).toEqual([
      ['jd', 0, 50],
      [null, 1, 250],
    ]);
  });

  test('yoy and mom line up the previous period with the current buckets', async () => {
    const rows = await run({ metrics: ['revenue'], dimensions: ['month'], compare: 'mom', from: '2024-01-01', to: '2024-03-31' });
    expect(rows.map((r) => [r.month, r.revenue, r.revenue__prev])).toEqual([
      ['2024-01', 180, 0],
      ['2024-02', 70, 180],
      ['2024-03', 0, 70],
    ]);
    const yoy = await run({ metrics: ['orders'], compare: 'yoy', from: '2024-10-01', to: '2024-10-31' });
    expect(yoy.map((r) => [r.orders, r.orders__prev, r.orders__change])).toEqual([[0, 1, -1]]);
  });

  test('churn by month: bought in the 90 days before the month, not in it', async () => {
    const rows = await run({ metrics: ['churn_base_customers', 'churned_customers', 'churn_rate'], dimensions: ['month'], from: '2024-01-01', to: '2024-03-31' });
    // January: c3 (October) is in the base and churns. February: c1 (January) churns; c3's October order
    // is more than 90 days before 1 February. March: c1 and c2 bought in the 90 days before, neither in March.
    expect(rows.map((r) => [r.month, r.churn_base_customers, r.churned_customers, r.churn_rate])).toEqual([
      ['2024-01', 1, 1, 1],
      ['2024-02', 1, 1, 1],
      ['2024-03', 2, 2, 1],
    ]);
  });

  test('churn with a period that starts mid-month looks back from the start of the period', async () => {
    // The January bucket is clipped to 15–31 January. 90 days before 2024-01-15 is 2023-10-17, so c3's order of
    // 2023-10-20 is in the look-back (c3 churns); c1's order of 2024-01-10 is look-back too, but c1 buys again on the 20th.
    const rows = await run({ metrics: ['churn_base_customers', 'churned_customers'], dimensions: ['month'], from: '2024-01-15', to: '2024-01-31' });
    expect(rows.map((r) => [r.month, r.churn_base_customers, r.churned_customers])).toEqual([['2024-01', 2, 1]]);
    // The same without a grain: one period, 15 January to 29 February.
    const feb = await run({ metrics: ['churn_base_customers', 'churned_customers'], from: '2024-01-15', to: '2024-02-29' });
    expect(feb.map((r) => [r.churn_base_customers, r.churned_customers])).toEqual([[2, 1]]);
  });

  test('custom fields through relations', async () => {
    const r = await runQuery(wh, userCatalog, CUSTOM, { today: TODAY });
    expect(r.rows.map((x) => [x.card_type, x.gold_card_revenue, x.revenue])).toEqual([
      ['金卡', 150, 150],
      [null, 0, 100],
    ]);
  });
});

describe('injection', () => {
  const EVIL = ["x'); DROP TABLE orders; --", 'x"; DROP TABLE orders; --', "' OR '1'='1", 'a\\', '$1', '{p1:String}'];

  test('filter values are bound parameters and match nothing', async () => {
    const before = await fingerprint(wh);
    for (const v of EVIL) {
      for (const dimension of ['channel', 'province', 'store']) {
        for (const op of ['eq', 'in', 'contains'] as const) {
          const q: Query = { metrics: ['revenue', 'tickets'], dimensions: ['province'], filters: [{ dimension, op, values: [v] }], from: '2024-01-01', to: '2024-12-31' };
          let c: CompiledQuery;
          try {
            c = compile(q);
          } catch (e) {
            // store does not reach tickets; nothing else may fail
            expect((e as QueryError).issues.map((i) => i.code)).toEqual(['dimension_unavailable']);
            continue;
          }
          expect(c.params).toContain(v);
          if (!v.startsWith('$') && !v.startsWith('{')) expect(c.sql).not.toContain(v);
          expect(c.sql).not.toMatch(/DROP|'1'='1/);
          expect(await run(q)).toEqual([]);
        }
      }
    }
    expect(await fingerprint(wh)).toEqual(before);
  });

  test('names that are not catalog keys are rejected before any SQL is built', async () => {
    const before = await fingerprint(wh);
    const bad = ['revenue; DROP TABLE x', '"orders"', '1=1', 'revenue"--', "revenue')", 'orders.amount', '*'];
    for (const name of bad) {
      expect(codes({ metrics: [name] })).toEqual(['unknown_metric metrics[0]']);
      expect(codes({ metrics: ['revenue'], dimensions: [name] })).toEqual(['unknown_dimension dimensions[0]']);
      expect(codes({ metrics: ['revenue'], filters: [{ dimension: name, op: 'eq', values: ['x'] }] })).toEqual(['unknown_dimension filters[0].dimension']);
      expect(codes({ metrics: ['revenue'], dimensions: ['channel'], sort: [{ key: name }] })).toEqual(['bad_sort sort[0].key']);
      await expect(run({ metrics: [name] })).rejects.toThrow(QueryError);
    }
    expect(await fingerprint(wh)).toEqual(before);
    expect(Number((await wh.query('SELECT count(*) AS n FROM orders')).rows[0]?.n)).toBe(6);
  });
});

describe('yoy by week', () => {
  test('compares ISO week N with week N of the year before (52 weeks back), not a year back spread over two weeks', async () => {
    const c = compile({ metrics: ['orders'], dimensions: ['week'], compare: 'yoy', from: '2024-03-04', to: '2024-03-10' });
    expect(c.params).toEqual(['2024-03-04', '2024-03-11', '2023-03-06', '2023-03-13']);
    expect(c.sql).toContain(`date_trunc('week', ("t"."ordered_at" + INTERVAL 364 DAY))`);
    // 2023-W10 is 6–12 March 2023: an order on Sunday 12 March 2023 belongs to the previous year's week 10.
    await wh.run(`INSERT INTO orders (order_id, customer_id, is_anonymous, channel, ordered_at, status, amount) VALUES ('w1', 'c3', false, 'web', TIMESTAMP '2023-03-12 20:00:00', 'paid', 1.00)`);
    try {
      const rows = await run({ metrics: ['orders'], dimensions: ['week'], compare: 'yoy', from: '2024-03-04', to: '2024-03-17' });
      expect(rows.map((r) => [r.week, r.orders, r.orders__prev])).toEqual([['2024-W10', 0, 1]]);
    } finally {
      await wh.run(`DELETE FROM orders WHERE order_id = 'w1'`);
    }
  });
});
