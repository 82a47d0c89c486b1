import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../metrics/catalog/index.js';
import { runQuery } from '../query/run.js';
import { tempWarehouse } from '../testing/index.js';
import type { Warehouse } from '../warehouse/port.js';
import {
  applyTags,
  defineTag,
  deleteSegment,
  generateModelTags,
  getSegment,
  importTag,
  listSegments,
  membersSql,
  refreshSegments,
  RuleError,
  saveSegment,
  setTag,
  tagCoverage,
  tagOverlap,
  validateDefinition,
  type RuleDefinition,
} from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;
const catalog = buildCatalog();
const TODAY = '2024-07-15';

/**
 * A small shop. Counted orders (status NULL or not cancelled, known non-anonymous customer):
 *
 * | customer | province | tier | orders (day ¥amount / discount)                              |
 * | C1 张三  | 广东省   | 金卡 | 2024-05-01 100/30, 2024-06-01 200/20                          |
 * | C2 李四  | 广东省   | 银卡 | 2024-06-10 100/50 (2024-06-11 500/500 cancelled: never counts) |
 * | C3 王五  | 浙江省   | 金卡 | 2023-01-15 1000/300                                           |
 * | C4 赵六  | 广东省   | —    | none                                                          |
 * | C5 钱七  | 浙江省   | 银卡 | 2024-06-20 400/100                                            |
 * plus an order without customer on 2024-06-30 (999/999): counts in revenue, never in a customer's numbers.
 *
 * Last counted order of a known customer: 2024-06-20 → as-of 2024-06-21; `days: 365` = [2023-06-22, 2024-06-21).
 * discount_rate = discounts ÷ revenue in that window: C1 50/300 = 0.167, C2 50/100 = 0.5, C3 no order in the
 * window (no value), C4 none, C5 100/400 = 0.25.
 */
async function shop(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO customers (customer_id, name, phone, email, province, city, member_tier) VALUES
    ('C1','张三','+8613800000001',NULL,'广东省','深圳市','金卡'), ('C2','李四','+8613800000002',NULL,'广东省','广州市','银卡'),
    ('C3','王五',NULL,NULL,'浙江省','杭州市','金卡'), ('C4','赵六',NULL,NULL,'广东省','深圳市',NULL), ('C5','钱七',NULL,'qian@example.com','浙江省','宁波市','银卡')`);
  await wh.run(`INSERT INTO customer_identities (customer_id, channel, external_id) VALUES ('C3','phone','+8613900000003'), ('C5','email','qq7@example.com'), ('C1','phone','+8613700000009'), ('C2','phone','+8613700000009')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, is_anonymous) VALUES
    ('o1','C1','2024-05-01 10:00',100,30,'completed',false), ('o2','C1','2024-06-01 10:00',200,20,'completed',false),
    ('o3','C2','2024-06-10 10:00',100,50,'completed',false), ('o4','C2','2024-06-11 10:00',500,500,'cancelled',false),
    ('o5','C3','2023-01-15 10:00',1000,300,NULL,NULL),
    ('o6','C5','2024-06-20 10:00',400,100,'paid',false),
    ('o7',NULL,'2024-06-30 10:00',999,999,'completed',NULL)`);
}

async function members(wh: Warehouse, key: string): Promise<string[]> {
  return (await wh.query(`SELECT customer_id FROM tm_segment_members WHERE segment_key = $1 ORDER BY 1`, [key])).rows.map((r) => String(r.customer_id));
}
async function tagged(wh: Warehouse, key: string): Promise<string[]> {
  return (await wh.query(`SELECT customer_id FROM tm_customer_tags WHERE tag_key = $1 ORDER BY 1`, [key])).rows.map((r) => String(r.customer_id));
}
async function ruleError(p: Promise<unknown>): Promise<RuleError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RuleError) return e;
    throw e;
  }
  throw new Error('expected a RuleError');
}

const save = (wh: Warehouse, key: string, definition: RuleDefinition) => saveSegment(wh, catalog, { key, name: key, definition, today: TODAY });

describe('saved segments on a hand-computed shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await shop(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('every rule form: eq, in, ne, not_in, is_null, metric gt / lt / between over days, a fixed window and all history', async () => {
    const wh = ctx.wh;
    await save(wh, 'gd_gold', { filters: [{ dimension: 'province', op: 'eq', values: ['广东省'] }, { dimension: 'tier', op: 'eq', values: ['金卡'] }] });
    expect(await members(wh, 'gd_gold')).toEqual(['C1']);
    await save(wh, 'silver_or_gold', { filters: [{ dimension: 'tier', op: 'in', values: ['金卡', '银卡'] }] });
    expect(await members(wh, 'silver_or_gold')).toEqual(['C1', 'C2', 'C3', 'C5']);
    await save(wh, 'not_gd', { filters: [{ dimension: '省份', op: 'ne', values: ['广东省'] }] });
    expect(await members(wh, 'not_gd')).toEqual(['C3', 'C5']);
    // not_in keeps customers without a tier (a NULL is not one of the values), like every query filter.
    await save(wh, 'not_silver', { filters: [{ dimension: 'tier', op: 'not_in', values: ['银卡'] }] });
    expect(await members(wh, 'not_silver')).toEqual(['C1', 'C3', 'C4']);
    await save(wh, 'no_tier', { filters: [{ dimension: 'tier', op: 'is_null' }] });
    expect(await members(wh, 'no_tier')).toEqual(['C4']);
    // discount_rate > 0.2 over the 365 days before 2024-06-21: C2 0.5, C5 0.25 (C1 0.167 no; C3, C4 no value).
    const ps = await save(wh, 'price_sensitive', { metrics: [{ metric: 'discount_rate', op: 'gt', values: [0.2], days: 365 }] });
    expect(ps).toMatchObject({ key: 'price_sensitive', kind: 'rule', customers: 2, asOf: '2024-06-21' });
    expect(await members(wh, 'price_sensitive')).toEqual(['C2', 'C5']);
    // Guangdong customers with no counted order in the window: a count is 0 for a customer without orders (C4); C2's cancelled order does not count, but o3 does.
    await save(wh, 'gd_idle', { filters: [{ dimension: 'province', op: 'eq', values: ['广东省'] }], metrics: [{ metric: 'orders', op: 'lt', values: [1], days: 365 }] });
    expect(await members(wh, 'gd_idle')).toEqual(['C4']);
    // All-history revenue between 100 and 300 (inclusive): C1 300, C2 100 (C3 1000, C5 400, C4 0 out).
    await save(wh, 'mid_spend', { metrics: [{ metric: 'revenue', op: 'between', values: [100, 300] }] });
    expect(await members(wh, 'mid_spend')).toEqual(['C1', 'C2']);
    // A fixed window: orders in 2023 ≥ 1 → C3 only.
    await save(wh, 'bought_2023', { metrics: [{ metric: 'orders', op: 'gte', values: [1], from: '2023-01-01', to: '2023-12-31' }] });
    expect(await members(wh, 'bought_2023')).toEqual(['C3']);
    // A segment of a segment: price-sensitive customers in Zhejiang → C5.
    await save(wh, 'ps_zj', { filters: [{ dimension: 'segment', op: 'eq', values: ['price_sensitive'] }, { dimension: 'province', op: 'eq', values: ['浙江省'] }] });
    expect(await members(wh, 'ps_zj')).toEqual(['C5']);
  });

  it('validates definitions against the catalog, every problem at once', () => {
    const issues = validateDefinition(
      catalog,
      {
        filters: [{ dimension: 'nope', op: 'eq', values: ['x'] }, { dimension: 'month', op: 'eq', values: ['2024-01'] }, { dimension: 'segment', op: 'gt', values: ['a'] }],
        metrics: [{ metric: 'no_such', op: 'gt', values: [1] }, { metric: 'revenue', op: 'gt', values: ['x' as unknown as number] }, { metric: 'churn_rate', op: 'gt', values: [0.1] }, { metric: 'win_rate', op: 'gt', values: [0.1], days: 30 }],
      },
      TODAY,
    );
    const codes = issues.map((i) => `${i.code} ${i.field}`);
    expect(codes).toContain('unknown_dimension filters[0].dimension');
    expect(codes).toContain('bad_filter_op filters[2].op');
    expect(codes).toContain('unknown_metric metrics[0].metric');
    expect(codes).toContain('bad_condition_values metrics[1].values');
    // churn needs a period; win_rate (opportunities) does reach customers through the account, so it is fine.
    expect(codes).toContain('range_required metrics[2].metric');
    expect(issues.find((i) => i.field === 'metrics[2].metric')?.message).toMatch(/churn_rate per customer/);
    expect(validateDefinition(catalog, {}, TODAY).map((i) => i.code)).toEqual(['empty_definition']);
    expect(validateDefinition(catalog, { filters: [{ dimension: 'month', op: 'eq', values: ['2024-01'] }] }, TODAY).map((i) => i.code)).toEqual(['dimension_unavailable']);
    expect(validateDefinition(catalog, { metrics: [{ metric: 'tickets', op: 'gt', values: [1], days: 0 }] }, TODAY).map((i) => i.code)).toEqual(['bad_window']);
  });

  it('refresh after new data: an order moves C1 into price_sensitive; a static segment stays fixed', async () => {
    const wh = ctx.wh;
    await saveSegment(wh, catalog, { key: 'vip_list', name: '贵宾名单', customers: ['C3', 'C4'], today: TODAY });
    // Reads price_sensitive, and sorts before it: refresh must evaluate price_sensitive first.
    await save(wh, 'a_ps_gd', { filters: [{ dimension: 'segment', op: 'eq', values: ['price_sensitive'] }, { dimension: 'province', op: 'eq', values: ['广东省'] }] });
    expect(await members(wh, 'a_ps_gd')).toEqual(['C2']);
    expect(await members(wh, 'vip_list')).toEqual(['C3', 'C4']);
    // C1 buys ¥100 with ¥90 off on 06-25: discounts 140 ÷ revenue 400 = 0.35 > 0.2; the as-of moves to 06-26.
    await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, is_anonymous) VALUES ('o8','C1','2024-06-25 10:00',100,90,'completed',false)`);
    expect(await members(wh, 'price_sensitive')).toEqual(['C2', 'C5']);
    const r = await refreshSegments(wh, catalog, { today: TODAY });
    expect(r.find((x) => x.key === 'price_sensitive')).toEqual({ key: 'price_sensitive', kind: 'rule', before: 2, customers: 3, asOf: '2024-06-26' });
    expect(r.find((x) => x.key === 'vip_list')).toMatchObject({ kind: 'static', before: 2, customers: 2 });
    expect(await members(wh, 'price_sensitive')).toEqual(['C1', 'C2', 'C5']);
    expect(await members(wh, 'vip_list')).toEqual(['C3', 'C4']);
    expect(await members(wh, 'a_ps_gd')).toEqual(['C1', 'C2']);
    // mid_spend: C1 now 400 → out.
    expect(await members(wh, 'mid_spend')).toEqual(['C2']);
    expect((await getSegment(wh, 'price_sensitive'))?.customers).toBe(3);
    // One segment only, with an explicit as-of: 2024-06-21 puts o8 outside the window again.
    await refreshSegments(wh, catalog, { key: 'price_sensitive', asOf: '2024-06-21', today: TODAY });
    expect(await members(wh, 'price_sensitive')).toEqual(['C2', 'C5']);
    await refreshSegments(wh, catalog, { key: 'price_sensitive', today: TODAY });
  });

  it('refuses a duplicate key without replace, a bad key, an unknown segment; delete removes members', async () => {
    const wh = ctx.wh;
    expect((await ruleError(save(wh, 'gd_gold', { filters: [{ dimension: 'province', op: 'eq', values: ['x'] }] }))).issues[0]?.code).toBe('segment_exists');
    expect((await ruleError(save(wh, 'bad key', { filters: [{ dimension: 'province', op: 'eq', values: ['x'] }] }))).issues[0]?.code).toBe('bad_key');
    expect((await ruleError(refreshSegments(wh, catalog, { key: 'nope', today: TODAY }))).issues[0]?.code).toBe('unknown_segment');
    expect((await ruleError(save(wh, 'cyc', { filters: [{ dimension: 'segment', op: 'eq', values: ['cyc'] }] }))).message).toMatch(/segment cyc → cyc: a rule cannot read itself/);
    // a_ps_gd reads price_sensitive; making price_sensitive read a_ps_gd closes a cycle.
    const e = await ruleError(saveSegment(wh, catalog, { key: 'price_sensitive', name: 'x', definition: { filters: [{ dimension: 'segment', op: 'ne', values: ['a_ps_gd'] }] }, replace: true, today: TODAY }));
    expect(e.issues[0]?.code).toBe('cyclic_rule');
    await saveSegment(wh, catalog, { key: 'gd_gold', name: '广东金卡', definition: { filters: [{ dimension: 'province', op: 'eq', values: ['广东省'] }, { dimension: 'tier', op: 'eq', values: ['银卡'] }] }, replace: true, today: TODAY });
    expect(await members(wh, 'gd_gold')).toEqual(['C2']);
    await deleteSegment(wh, 'gd_idle');
    expect(await members(wh, 'gd_idle')).toEqual([]);
    expect((await listSegments(wh)).map((s) => s.key)).not.toContain('gd_idle');
  });

  it('export rows: attributes, last counted order date and tags', async () => {
    const wh = ctx.wh;
    const q = membersSql('price_sensitive');
    const rows = (await wh.query(q.sql, q.params)).rows;
    // C2's last counted order is 06-10 (the cancelled 06-11 does not count).
    expect(rows.map((r) => [r.customer_id, r.name, r.province, r.tier, r.last_order_date])).toEqual([
      ['C1', '张三', '广东省', '金卡', '2024-06-25'],
      ['C2', '李四', '广东省', '银卡', '2024-06-10'],
      ['C5', '钱七', '浙江省', '银卡', '2024-06-20'],
    ]);
  });
});

describe('tags on the same shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await shop(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('rule tags are applied at once and re-applied on new data; manual tags refuse rules and vice versa', async () => {
    const wh = ctx.wh;
    const t = await defineTag(wh, catalog, { key: 'price_sensitive', nameZh: '价格敏感', nameEn: 'Price-sensitive', kind: 'rule', definition: { metrics: [{ metric: 'discount_rate', op: 'gt', values: [0.2], days: 365 }] }, today: TODAY });
    expect(t).toMatchObject({ kind: 'rule', customers: 2, asOf: '2024-06-21' });
    expect(await tagged(wh, 'price_sensitive')).toEqual(['C2', 'C5']);
    await defineTag(wh, catalog, { key: 'gd', nameZh: '广东客户', kind: 'rule', definition: { filters: [{ dimension: 'province', op: 'eq', values: ['广东省'] }] }, today: TODAY });
    await defineTag(wh, catalog, { key: 'vip', nameZh: '贵宾', kind: 'manual', today: TODAY });
    expect((await ruleError(setTag(wh, 'gd', ['C1'], true))).issues[0]?.code).toBe('not_manual');
    expect((await ruleError(defineTag(wh, catalog, { key: 'x', nameZh: 'x', kind: 'manual', definition: { filters: [] }, today: TODAY }))).issues[0]?.code).toBe('bad_definition');
    await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, is_anonymous) VALUES ('o8','C1','2024-06-25 10:00',100,90,'completed',false)`);
    const r = await applyTags(wh, catalog, { today: TODAY });
    expect(r.find((x) => x.key === 'price_sensitive')).toEqual({ key: 'price_sensitive', kind: 'rule', before: 2, customers: 3 });
    expect(r.find((x) => x.key === 'vip')).toEqual({ key: 'vip', kind: 'manual', before: 0, customers: 0 });
    expect(await tagged(wh, 'price_sensitive')).toEqual(['C1', 'C2', 'C5']);
  });

  it('manual tags: set, unset, unknown customers change nothing', async () => {
    const wh = ctx.wh;
    expect(await setTag(wh, 'vip', ['C1', 'C3', 'C1'], true)).toEqual({ added: 2, removed: 0, customers: 2 });
    expect(await setTag(wh, 'vip', ['C3', 'C4'], true)).toEqual({ added: 1, removed: 0, customers: 3 });
    expect(await setTag(wh, 'vip', ['C4'], false)).toEqual({ added: 0, removed: 1, customers: 2 });
    const e = await ruleError(setTag(wh, 'vip', ['C2', 'C99'], true));
    expect(e.message).toMatch(/unknown customer C99; nothing was changed/);
    expect(await tagged(wh, 'vip')).toEqual(['C1', 'C3']);
  });

  it('import from CSV by phone (via customers and identities) and XLSX by id; an unknown customer names its line and nothing is written', async () => {
    const wh = ctx.wh;
    await defineTag(wh, catalog, { key: 'event', nameZh: '线下活动', kind: 'manual', today: TODAY });
    const csv = join(ctx.dir, 'event.csv');
    // Line 1 header; 138 0000 0001 → C1 (customers.phone), 13900000003 → C3 (identity), +86 138-0000-0002 → C2.
    writeFileSync(csv, '\uFEFF手机号,备注\n138 0000 0001,a\n13900000003,b\n+86 138-0000-0002,c\n');
    expect(await importTag(wh, 'event', csv)).toEqual({ added: 3, removed: 0, customers: 3 });
    expect(await tagged(wh, 'event')).toEqual(['C1', 'C2', 'C3']);
    const bad = join(ctx.dir, 'bad.csv');
    // Line 3 is unknown; line 5 names C1 and C2 (a shared identity); line 4 is empty.
    writeFileSync(bad, '客户ID\nC4\nC99\n""\nC5\n');
    const e = await ruleError(importTag(wh, 'event', bad));
    expect(e.message).toMatch(/1 unknown customer \(customer_id\): line 3 'C99'/);
    expect(e.message).toMatch(/line 4/);
    expect(await tagged(wh, 'event')).toEqual(['C1', 'C2', 'C3']);
    const amb = join(ctx.dir, 'amb.csv');
    writeFileSync(amb, 'phone\n13700000009\n');
    expect((await ruleError(importTag(wh, 'event', amb))).message).toMatch(/line 2 '13700000009' \(C1 \/ C2\)/);
    const x = join(ctx.dir, 'event.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['会员ID']);
    ws.addRow(['C5']);
    ws.addRow(['C4']);
    await wb.xlsx.writeFile(x);
    expect(await importTag(wh, 'event', x, { replace: true })).toEqual({ added: 2, removed: 3, customers: 2 });
    expect(await tagged(wh, 'event')).toEqual(['C4', 'C5']);
    ws.addRow(['C77']);
    await wb.xlsx.writeFile(x);
    expect((await ruleError(importTag(wh, 'event', x))).message).toMatch(/line 4 'C77'/);
    // An identity column named after its channel: the email identity of C5 (its customers.email is another address).
    const oid = join(ctx.dir, 'email-ids.csv');
    writeFileSync(oid, 'email\nQQ7@example.com\nqian@example.com\n');
    expect(await importTag(wh, 'event', oid, { replace: true })).toEqual({ added: 0, removed: 1, customers: 1 });
    await wh.run(`INSERT INTO customer_identities (customer_id, channel, external_id) VALUES ('C2','wechat_openid','oAbc1')`);
    const wx = join(ctx.dir, 'wx.csv');
    writeFileSync(wx, 'wechat_openid\noAbc1\n');
    expect(await importTag(wh, 'event', wx)).toEqual({ added: 1, removed: 0, customers: 2 });
    expect(await tagged(wh, 'event')).toEqual(['C2', 'C5']);
  });

  it('model tags from rfm_segment after rfm --save; coverage and overlap by hand', async () => {
    const wh = ctx.wh;
    expect((await ruleError(generateModelTags(wh, catalog, 'month', { today: TODAY }))).issues[0]?.code).toBe('unknown_dimension');
    // Stored RFM results, written by hand: C1 and C2 important_value, C5 general_value.
    await wh.run(`INSERT INTO tm_rfm VALUES ('C1','2024-07-01',NULL,1,1,1,5,5,5,'important_value','555',now()), ('C2','2024-07-01',NULL,1,1,1,5,5,5,'important_value','555',now()), ('C5','2024-07-01',NULL,1,1,1,1,1,1,'general_value','111',now())`);
    const tags = await generateModelTags(wh, catalog, 'rfm_segment', { today: TODAY });
    expect(tags).toHaveLength(8);
    expect(tags.find((t) => t.key === 'rfm_segment.important_value')).toMatchObject({ kind: 'model', nameZh: 'RFM分群:重要价值客户', customers: 2 });
    expect(await tagged(wh, 'rfm_segment.general_value')).toEqual(['C5']);
    // Tags now: price_sensitive {C1,C2,C5}, gd {C1,C2,C4}, vip {C1,C3}, event {C4,C5}, rfm important_value {C1,C2}, general_value {C5}, 6 empty.
    const cov = await tagCoverage(wh);
    expect(cov.customers).toBe(5);
    expect(cov.tagged).toBe(5);
    expect(cov.tags.find((t) => t.key === 'gd')).toMatchObject({ customers: 3, share: 0.6 });
    expect(cov.tags.find((t) => t.key === 'rfm_segment.general_recovery')).toMatchObject({ customers: 0, share: 0 });
    const ov = await tagOverlap(wh, ['gd', 'price_sensitive', 'vip']);
    const pair = (a: string, b: string) => ov.pairs.find((p) => p.a === a && p.b === b);
    // gd ∩ price_sensitive = {C1, C2}; either = 3 + 3 − 2 = 4 → 0.5. gd ∩ vip = {C1}: 1 / (3 + 2 − 1) = 0.25. vip ∩ price_sensitive = {C1}: 1/4.
    expect(pair('gd', 'price_sensitive')).toEqual({ a: 'gd', b: 'price_sensitive', both: 2, either: 4, jaccard: 0.5 });
    expect(pair('gd', 'vip')).toEqual({ a: 'gd', b: 'vip', both: 1, either: 4, jaccard: 0.25 });
    expect(pair('price_sensitive', 'vip')).toMatchObject({ both: 1, jaccard: 0.25 });
    expect(pair('gd', 'gd')).toMatchObject({ both: 3, either: 3, jaccard: 1 });
    // A dimension without declared values (member tier): the values customers have, 金卡 {C1, C3} and 银卡 {C2, C5}.
    const tiers = await generateModelTags(wh, catalog, 'tier', { today: TODAY });
    expect(tiers.map((t) => [t.key, t.nameZh, t.customers])).toEqual([
      ['tier.金卡', '会员等级:金卡', 2],
      ['tier.银卡', '会员等级:银卡', 2],
    ]);
    expect(await tagged(wh, 'tier.银卡')).toEqual(['C2', 'C5']);
  });

  it('tags and segments work as query filters and dimensions (hand-computed revenue)', async () => {
    const wh = ctx.wh;
    // Counted revenue now: C1 100+200+100 = 400, C2 100, C3 1000, C5 400, no customer 999.
    const r = await runQuery(wh, catalog, { metrics: ['revenue'], filters: [{ dimension: 'tag', op: 'eq', values: ['gd'] }] }, { today: TODAY });
    expect(r.rows).toEqual([{ revenue: 500 }]);
    const by = await runQuery(wh, catalog, { metrics: ['revenue', 'buying_customers'], dimensions: ['tag'], filters: [{ dimension: 'tag', op: 'in', values: ['gd', 'vip'] }] }, { today: TODAY });
    // A customer with both tags (C1) counts in both groups: gd = C1 400 + C2 100, vip = C1 400 + C3 1000; only the filter's tags are groups.
    expect(by.rows).toEqual([
      { tag: 'gd', revenue: 500, buying_customers: 2 },
      { tag: 'vip', revenue: 1400, buying_customers: 2 },
    ]);
  });
});
