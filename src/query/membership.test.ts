import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../metrics/catalog/index.js';
import { tempWarehouse } from '../testing/index.js';
import { compileQuery, membershipOf } from './compile.js';
import { runQuery } from './run.js';
import { QueryError, type CompiledQuery, type Query } from './types.js';

/**
 * Saved segments and tags as query filters and dimensions (membership dimensions `segment` and `tag`). Golden
 * SQL in __golden__/membership_*.sql (`UPDATE_GOLDEN=1` writes new ones); numbers on a hand-computed fixture.
 */

const catalog = buildCatalog();
const TODAY = '2024-06-30';
const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '__golden__');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, q: Query, c: CompiledQuery): void {
  const text = `-- ${name}\n-- query: ${JSON.stringify(q)}\n-- params: ${JSON.stringify(c.params)}\n${c.sql}\n`;
  const path = join(GOLDEN_DIR, `${name}.sql`);
  if (UPDATE && !existsSync(path)) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, text);
    return;
  }
  if (!existsSync(path)) throw new Error(`${path} is missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const compile = (q: Query) => compileQuery(catalog, q, { today: TODAY });
function codes(q: Query): string[] {
  try {
    compile(q);
  } catch (e) {
    if (e instanceof QueryError) return e.issues.map((i) => `${i.code} ${i.field}`);
    throw e;
  }
  throw new Error('compiled');
}

const Q = {
  filter_segment_eq: { metrics: ['revenue'], filters: [{ dimension: 'segment', op: 'eq', values: ['s1'] }] },
  filter_segment_in: { metrics: ['revenue'], filters: [{ dimension: 'segment', op: 'in', values: ['s1', 's2'] }] },
  filter_segment_ne: { metrics: ['revenue'], filters: [{ dimension: 'segment', op: 'ne', values: ['s1'] }] },
  filter_segment_none: { metrics: ['revenue'], filters: [{ dimension: 'segment', op: 'is_null' }] },
  filter_tag_not_in: { metrics: ['revenue'], filters: [{ dimension: 'tag', op: 'not_in', values: ['t1'] }] },
  by_segment: { metrics: ['revenue', 'orders', 'buying_customers'], dimensions: ['segment'] },
  by_segment_month: { metrics: ['revenue'], dimensions: ['segment', 'month'], from: '2024-01-01', to: '2024-02-29' },
  by_segment_per_customer: { metrics: ['repeat_customers', 'repurchase_rate'], dimensions: ['segment'], from: '2024-01-01', to: '2024-02-29' },
  by_segment_tag_filter: { metrics: ['revenue'], dimensions: ['segment'], filters: [{ dimension: 'tag', op: 'eq', values: ['t1'] }] },
  by_segment_filtered: { metrics: ['revenue'], dimensions: ['segment'], filters: [{ dimension: 'segment', op: 'in', values: ['s2', 's3'] }] },
  by_segment_totals: { metrics: ['revenue', 'orders', 'buying_customers'], dimensions: ['segment'], totals: true },
  by_segment_month_subtotals: { metrics: ['revenue'], dimensions: ['segment', 'month'], subtotals: true, from: '2024-01-01', to: '2024-02-29' },
  by_month_segment_subtotals: { metrics: ['revenue', 'buying_customers'], dimensions: ['month', 'segment'], subtotals: true, from: '2024-01-01', to: '2024-02-29' },
  by_tag_items: { metrics: ['item_revenue'], dimensions: ['tag'], from: '2024-01-01', to: '2024-02-29' },
} satisfies Record<string, Query>;

describe('segment and tag in queries', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  const run = async (q: Query) => (await runQuery(ctx.wh, catalog, q, { today: TODAY })).rows;

  /**
   * Counted orders: A 01-05 ¥100, 02-10 ¥200; B 01-20 ¥50 (01-25 ¥70 cancelled); C 02-01 ¥300; D none;
   * an order without customer 01-10 ¥1000. Segments s1 = {A, B}, s2 = {A, C}, s3 = {} ; tag t1 = {B}.
   * Order items: o1 (A) ¥100, o3 (B) ¥50.
   */
  beforeAll(async () => {
    ctx = await tempWarehouse();
    const wh = ctx.wh;
    await wh.run(`INSERT INTO customers (customer_id) VALUES ('A'), ('B'), ('C'), ('D')`);
    await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status) VALUES
      ('o1','A','2024-01-05 10:00',100,'completed'), ('o2','A','2024-02-10 10:00',200,'completed'),
      ('o3','B','2024-01-20 10:00',50,'completed'), ('o4','B','2024-01-25 10:00',70,'cancelled'),
      ('o5','C','2024-02-01 10:00',300,NULL), ('o6',NULL,'2024-01-10 10:00',1000,'completed')`);
    await wh.run(`INSERT INTO order_items (order_id, line_no, product_id, quantity, amount) VALUES ('o1', 1, 'p1', 1, 100), ('o3', 1, 'p1', 1, 50)`);
    await wh.run(`INSERT INTO tm_segments (segment_key, name, kind, created_at, customers) VALUES ('s1','s1','static',now(),2), ('s2','s2','static',now(),2), ('s3','s3','static',now(),0)`);
    await wh.run(`INSERT INTO tm_segment_members VALUES ('s1','A'), ('s1','B'), ('s2','A'), ('s2','C')`);
    await wh.run(`INSERT INTO tm_tags (tag_key, name_zh, kind, created_at) VALUES ('t1','t1','manual',now())`);
    await wh.run(`INSERT INTO tm_customer_tags VALUES ('t1','B','manual',now())`);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('golden SQL: filters are semi-joins with bound keys; grouping joins the membership', () => {
    for (const [name, q] of Object.entries(Q)) golden(`membership_${name}`, q, compile(q));
  });

  it('filters: hand-computed revenue', async () => {
    // s1 = A 300 + B 50.
    expect(await run(Q.filter_segment_eq)).toEqual([{ revenue: 350 }]);
    // s1 or s2 = A, B, C, A once: 300 + 50 + 300.
    expect(await run(Q.filter_segment_in)).toEqual([{ revenue: 650 }]);
    // Not in s1: C 300 and the order without customer 1000.
    expect(await run(Q.filter_segment_ne)).toEqual([{ revenue: 1300 }]);
    // In no segment: only the order without customer (D has none).
    expect(await run(Q.filter_segment_none)).toEqual([{ revenue: 1000 }]);
    // Without t1: A 300 + C 300 + 1000.
    expect(await run(Q.filter_tag_not_in)).toEqual([{ revenue: 1600 }]);
  });

  it('grouped by segment: each group right, groups overlap, no-segment records in the empty group', async () => {
    expect(await run(Q.by_segment)).toEqual([
      { segment: 's1', revenue: 350, orders: 3, buying_customers: 2 },
      { segment: 's2', revenue: 600, orders: 3, buying_customers: 2 },
      { segment: null, revenue: 1000, orders: 1, buying_customers: 0 },
    ]);
    expect(await run(Q.by_segment_month)).toEqual([
      { segment: 's1', month: '2024-01', revenue: 150 },
      { segment: 's1', month: '2024-02', revenue: 200 },
      { segment: 's2', month: '2024-01', revenue: 100 },
      { segment: 's2', month: '2024-02', revenue: 500 },
      { segment: null, month: '2024-01', revenue: 1000 },
    ]);
    // Repeat customers (≥ 2 counted orders): A only. s1: A of {A, B} → 1, rate 0.5; s2: A of {A, C} → 1, 0.5.
    expect(await run(Q.by_segment_per_customer)).toEqual([
      { segment: 's1', repeat_customers: 1, repurchase_rate: 0.5 },
      { segment: 's2', repeat_customers: 1, repurchase_rate: 0.5 },
    ]);
    expect(await run(Q.by_segment_tag_filter)).toEqual([{ segment: 's1', revenue: 50 }]);
    // Filtered and grouped by segment: the groups are the filter's segments (A is also in s1, which is not shown); s3 has no members.
    expect(await run(Q.by_segment_filtered)).toEqual([{ segment: 's2', revenue: 600 }]);
    expect(await run(Q.by_tag_items)).toEqual([
      { tag: 't1', item_revenue: 50 },
      { tag: null, item_revenue: 100 },
    ]);
  });

  it('totals count each record once; subtotals that keep the segment are per segment', async () => {
    const g = (rows: Record<string, unknown>[]) => rows.map(({ _grouping, ...r }) => ({ ...r, g: _grouping }));
    // Groups as above; the total is every counted order once: A 300 + B 50 + C 300 + 1000 = 1650, 5 orders, 3 customers (not 350 + 600 + 1000).
    expect(g(await run(Q.by_segment_totals))).toEqual([
      { segment: 's1', revenue: 350, orders: 3, buying_customers: 2, g: 0 },
      { segment: 's2', revenue: 600, orders: 3, buying_customers: 2, g: 0 },
      { segment: null, revenue: 1000, orders: 1, buying_customers: 0, g: 0 },
      { segment: null, revenue: 1650, orders: 5, buying_customers: 3, g: 1 },
    ]);
    expect(g(await run(Q.by_segment_month_subtotals))).toEqual([
      { segment: 's1', month: '2024-01', revenue: 150, g: 0 },
      { segment: 's1', month: '2024-02', revenue: 200, g: 0 },
      { segment: 's1', month: null, revenue: 350, g: 1 },
      { segment: 's2', month: '2024-01', revenue: 100, g: 0 },
      { segment: 's2', month: '2024-02', revenue: 500, g: 0 },
      { segment: 's2', month: null, revenue: 600, g: 1 },
      { segment: null, month: '2024-01', revenue: 1000, g: 0 },
      { segment: null, month: null, revenue: 1000, g: 1 },
      { segment: null, month: null, revenue: 1650, g: 3 },
    ]);
    // Month subtotals drop the segment: January A 100 + B 50 + 1000 = 1150 (A once although in s1 and s2), 2 buyers; February A 200 + C 300 = 500.
    expect(g(await run(Q.by_month_segment_subtotals))).toEqual([
      { month: '2024-01', segment: 's1', revenue: 150, buying_customers: 2, g: 0 },
      { month: '2024-01', segment: 's2', revenue: 100, buying_customers: 1, g: 0 },
      { month: '2024-01', segment: null, revenue: 1000, buying_customers: 0, g: 0 },
      { month: '2024-01', segment: null, revenue: 1150, buying_customers: 2, g: 1 },
      { month: '2024-02', segment: 's1', revenue: 200, buying_customers: 1, g: 0 },
      { month: '2024-02', segment: 's2', revenue: 500, buying_customers: 2, g: 0 },
      { month: '2024-02', segment: null, revenue: 500, buying_customers: 2, g: 1 },
      { month: null, segment: null, revenue: 1650, buying_customers: 3, g: 3 },
    ]);
    // A limit keeps the totals (applied to the detail rows).
    expect(g(await run({ ...Q.by_segment_totals, sort: [{ key: 'revenue', desc: true }], limit: 1 }))).toEqual([
      { segment: null, revenue: 1000, orders: 1, buying_customers: 0, g: 0 },
      { segment: null, revenue: 1650, orders: 5, buying_customers: 3, g: 1 },
    ]);
  });

  it('errors: ops that are not membership, unknown keys', async () => {
    expect(codes({ metrics: ['procurement_amount'], dimensions: ['segment'] })).toEqual(['dimension_unavailable dimensions[0]']);
    expect(codes({ ...Q.by_segment_month_subtotals, compare: 'mom' })).toEqual(['compare_unsupported compare']);
    // Month first: the total rows keep the month and compare bucket by bucket. February's previous month is January: 1150 for the month subtotal.
    const mom = await run({ ...Q.by_month_segment_subtotals, compare: 'mom' });
    expect(mom.find((r) => r.month === '2024-02' && r._grouping === 1)).toMatchObject({ revenue: 500, revenue__prev: 1150 });
    expect(codes({ metrics: ['procurement_amount'], filters: [{ dimension: 'tag', op: 'eq', values: ['t1'] }] })).toEqual(['dimension_unavailable filters[0].dimension']);
    // A catalog config cannot point a membership at another table.
    expect(membershipOf({ key: 'x', label: { zh: 'x', en: 'x' }, membership: { table: 'orders', key: 'order_id', catalog: 'orders' } })).toBeUndefined();
    expect(membershipOf(catalog.dimensions.get('tag')!)).toEqual({ table: 'tm_customer_tags', key: 'tag_key', catalog: 'tm_tags' });
    expect(codes({ metrics: ['revenue'], filters: [{ dimension: 'tag', op: 'contains', values: ['x'] }] })).toEqual(['bad_filter_op filters[0].op']);
    await expect(run({ metrics: ['revenue'], filters: [{ dimension: 'segment', op: 'in', values: ['s1', 'nope'] }] })).rejects.toThrow(/segment: unknown 'nope'/);
    await expect(run({ metrics: ['revenue'], filters: [{ dimension: 'tag', op: 'eq', values: ['zz'] }] })).rejects.toThrow(/tag: unknown 'zz'/);
  });

  it('a warehouse from before segments (tables missing): a clear error, grouped or filtered', async () => {
    const old = await tempWarehouse();
    try {
      await old.wh.run('DROP TABLE tm_segment_members');
      await old.wh.run('DROP TABLE tm_segments');
      for (const q of [Q.by_segment, Q.filter_segment_eq] as Query[]) {
        const e = await runQuery(old.wh, catalog, q, { today: TODAY }).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(QueryError);
        expect((e as QueryError).issues.map((i) => i.code)).toEqual(['no_memberships']);
        expect((e as QueryError).message).toMatch(/no saved segments/);
      }
    } finally {
      await old.cleanup();
    }
  });
});
