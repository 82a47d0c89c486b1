import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../metrics/catalog/index.js';
import { runQuery } from '../../query/run.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import { prepareTiers, runTiers, saveTiers, tierCustomersSql, TiersError, validateTiersParams, type TiersParams } from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;

async function perCustomer(wh: Warehouse, params: TiersParams): Promise<Record<string, { spend: number; orders: number; months: number; later: number; rep: number; days: number; tier: string }>> {
  const p = await prepareTiers(wh, params);
  const q = tierCustomersSql(p);
  const out: Record<string, { spend: number; orders: number; months: number; later: number; rep: number; days: number; tier: string }> = {};
  for (const r of (await wh.query(q.sql, q.params)).rows) {
    out[String(r.customer_id)] = { spend: Number(r.spend), orders: Number(r.orders), months: Number(r.purchase_months), later: Number(r.later_months), rep: Number(r.repurchase_rate), days: Number(r.days_since_last), tier: String(r.tier) };
  }
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<TiersError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TiersError) return e;
    throw e;
  }
  throw new Error('expected a TiersError');
}

/**
 * As of 2024-07-01: the window's last day is 2024-06-30, its last month June 2024. Repurchase = (months with an
 * order − 1) ÷ (calendar months after the first order's month, through June 2024). Orders on the 15th at 10:00 unless noted.
 *
 * | cust | counted orders                                          | spend      | n | months | later | repurchase | days since last | tier |
 * | A01  | Jan…Jun 50,000 each                                     | 300,000    | 6 | 6      | 5     | 5/5 = 1    | 06-15 → 16      | high (spend = 300,000 exactly) |
 * | A02  | Jan 100k, Feb 100k, Apr 50k, Jun 50k                     | 300,000    | 4 | 4      | 5     | 3/5 = 0.6  | 16              | high (both bounds met exactly) |
 * | A03  | Jan…May 50,000, Jun 49,999.99                           | 299,999.99 | 6 | 6      | 5     | 1          | 16              | low (spend < 300k; 100% is not < 60%) |
 * | A04  | 2023-08 40k, 2023-10 20k, 2024-01 20k, 2024-05 20k       | 100,000    | 4 | 4      | 10    | 3/10 = 0.3 | 05-15 → 47      | potential (lower bounds exact) |
 * | A05  | Jan, Mar, May, Jun 50,000                                | 200,000    | 4 | 4      | 5     | 3/5 = 0.6  | 16              | low (0.6 is not < 60%, spend < 300k) |
 * | A06  | 03-15 500,000 (one order)                                | 500,000    | 1 | 1      | 3     | 0          | 31+30+31+16=108 | low |
 * | A07  | 06-01 150k, 06-30 23:00 150k (first order in last month) | 300,000    | 2 | 1      | 0     | 0          | 1               | low |
 * | A08  | 02-01 1,000, 02-20 1,000 (same month)                    | 2,000      | 2 | 1      | 4     | 0          | 29+31+30+31+11=132 | low |
 * | A09  | Feb, Apr, Jun 50,000 (Mar 50,000 cancelled)              | 150,000    | 3 | 3      | 4     | 2/4 = 0.5  | 16              | potential |
 * Not tiered: A10's only order is on the as-of day (07-01 00:00); an order without customer; A11's anonymous order.
 */
async function fixture(wh: Warehouse): Promise<void> {
  const o: string[] = [];
  let i = 0;
  const add = (c: string | null, at: string, amount: number, status = 'completed', anon = false) => o.push(`('o${++i}', ${c ? `'${c}'` : 'NULL'}, '${at}', ${amount}, '${status}', ${anon})`);
  for (const m of ['01', '02', '03', '04', '05', '06']) add('A01', `2024-${m}-15 10:00`, 50000);
  add('A02', '2024-01-15 10:00', 100000);
  add('A02', '2024-02-15 10:00', 100000);
  add('A02', '2024-04-15 10:00', 50000);
  add('A02', '2024-06-15 10:00', 50000);
  for (const m of ['01', '02', '03', '04', '05']) add('A03', `2024-${m}-15 10:00`, 50000);
  add('A03', '2024-06-15 10:00', 49999.99);
  add('A04', '2023-08-15 10:00', 40000);
  add('A04', '2023-10-15 10:00', 20000);
  add('A04', '2024-01-15 10:00', 20000);
  add('A04', '2024-05-15 10:00', 20000);
  for (const m of ['01', '03', '05', '06']) add('A05', `2024-${m}-15 10:00`, 50000);
  add('A06', '2024-03-15 10:00', 500000);
  add('A07', '2024-06-01 10:00', 150000);
  add('A07', '2024-06-30 23:00', 150000);
  add('A08', '2024-02-01 10:00', 1000);
  add('A08', '2024-02-20 10:00', 1000);
  add('A09', '2024-02-15 10:00', 50000);
  add('A09', '2024-03-10 10:00', 50000, 'cancelled');
  add('A09', '2024-04-15 10:00', 50000);
  add('A09', '2024-06-15 10:00', 50000);
  add('A10', '2024-07-01 00:00', 900000);
  add(null, '2024-06-15 10:00', 900000);
  add('A11', '2024-06-15 10:00', 900000, 'completed', true);
  await wh.run(`INSERT INTO customers (customer_id, name) VALUES ${['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'A10', 'A11'].map((c) => `('${c}', '${c}')`).join(',')}`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, is_anonymous) VALUES ${o.join(',')}`);
}

describe('value tiers on a hand-computed shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await fixture(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('spend, months, repurchase rate, days since last and tier equal the hand computation (boundaries included)', async () => {
    const c = await perCustomer(ctx.wh, { asOf: '2024-07-01' });
    expect(c).toEqual({
      A01: { spend: 300000, orders: 6, months: 6, later: 5, rep: 1, days: 16, tier: 'high' },
      A02: { spend: 300000, orders: 4, months: 4, later: 5, rep: 0.6, days: 16, tier: 'high' },
      A03: { spend: 299999.99, orders: 6, months: 6, later: 5, rep: 1, days: 16, tier: 'low' },
      A04: { spend: 100000, orders: 4, months: 4, later: 10, rep: 0.3, days: 47, tier: 'potential' },
      A05: { spend: 200000, orders: 4, months: 4, later: 5, rep: 0.6, days: 16, tier: 'low' },
      A06: { spend: 500000, orders: 1, months: 1, later: 3, rep: 0, days: 108, tier: 'low' },
      A07: { spend: 300000, orders: 2, months: 1, later: 0, rep: 0, days: 1, tier: 'low' },
      A08: { spend: 2000, orders: 2, months: 1, later: 4, rep: 0, days: 132, tier: 'low' },
      A09: { spend: 150000, orders: 3, months: 3, later: 4, rep: 0.5, days: 16, tier: 'potential' },
    });
  });

  it('summary per tier: sizes, shares, averages and last-purchase activity', async () => {
    const r = await runTiers(ctx.wh, { asOf: '2024-07-01' });
    expect(r.customers).toBe(9);
    // 600,000 + 250,000 + (299,999.99 + 200,000 + 500,000 + 300,000 + 2,000)
    expect(r.revenue).toBeCloseTo(2_151_999.99, 2);
    const [high, potential, low] = r.tiers;
    expect(r.tiers.map((t) => [t.tier, t.zh, t.customers])).toEqual([
      ['high', '高价值客户', 2],
      ['potential', '潜力客户', 2],
      ['low', '低价值客户', 5],
    ]);
    expect(high).toMatchObject({ revenue: 600000, orders: 10, avgSpend: 300000, avgOrders: 5, avgOrderValue: 60000, activeShare: 1, medianDaysSinceLast: 16, latestOrderDate: '2024-06-15' });
    expect(high!.customerShare).toBeCloseTo(2 / 9, 12);
    expect(high!.revenueShare).toBeCloseTo(600000 / 2151999.99, 12);
    expect(high!.avgRepurchaseRate).toBeCloseTo(0.8, 12);
    // A04 47 days, A09 16: interpolated median (16 + 47) / 2
    expect(potential).toMatchObject({ revenue: 250000, orders: 7, avgSpend: 125000, medianDaysSinceLast: 31.5, activeShare: 1, earliestLastOrderDate: '2024-05-15' });
    expect(potential!.avgOrderValue).toBeCloseTo(250000 / 7, 9);
    expect(potential!.avgRepurchaseRate).toBeCloseTo(0.4, 12);
    // low: days 1, 16, 16, 108, 132 → median 16; ≤ 90 days: A07, A03, A05 = 3 of 5
    expect(low!.revenue).toBeCloseTo(1_301_999.99, 2);
    expect(low).toMatchObject({ orders: 15, medianDaysSinceLast: 16, activeShare: 0.6, latestOrderDate: '2024-06-30', earliestLastOrderDate: '2024-02-20' });
    expect(low!.avgRepurchaseRate).toBeCloseTo((1 + 0.6) / 5, 12);
    expect(r.sql.summary).toContain('repurchase_rate');
    expect(r.sqlParams.summary).toContain('2024-07-01');
  });

  it('custom rules in order (first match wins), another name for the rest, and a shorter activity horizon', async () => {
    const r = await runTiers(ctx.wh, { asOf: '2024-07-01', rules: [{ tier: 'vip', minSpend: 300000 }, { tier: 'loyal', minRepurchase: 0.5 }], otherTier: 'other', activeDays: 16 });
    // vip: spend ≥ 300k → A01, A02, A06, A07; loyal (repurchase ≥ 0.5, not vip): A03 (1), A05 (0.6), A09 (0.5); other: A04, A08
    expect(r.tiers.map((t) => [t.tier, t.zh, t.customers])).toEqual([
      ['vip', 'vip', 4],
      ['loyal', 'loyal', 3],
      ['other', 'other', 2],
    ]);
    // vip days 16, 16, 108, 1 → ≤ 16: three of four
    expect(r.tiers[0]!.activeShare).toBe(0.75);
  });

  it('a window from a start date: first purchase month and spend count only orders in it', async () => {
    // From 2024-02-01: A04 keeps only 2024-05-15 20k → one order, repurchase 0 → low; A02 loses January:
    // Feb, Apr, Jun → months 3, later Mar…Jun = 4 → 0.5, spend 200,000 → potential.
    const c = await perCustomer(ctx.wh, { asOf: '2024-07-01', from: '2024-02-01' });
    expect(c.A02).toMatchObject({ spend: 200000, months: 3, later: 4, rep: 0.5, tier: 'potential' });
    expect(c.A04).toMatchObject({ spend: 20000, orders: 1, rep: 0, tier: 'low' });
    expect(Object.keys(c)).toHaveLength(9);
  });

  it('the default as-of is the day after the last counted order; an empty window is an error', async () => {
    expect((await prepareTiers(ctx.wh, {})).asOf).toBe('2024-07-02');
    const e1 = await errorOf(runTiers(ctx.wh, { asOf: '2020-01-01' }));
    expect(e1.issues.map((i) => [i.code, i.field])).toEqual([['empty_window', 'asOf']]);
    const e2 = await errorOf(runTiers(ctx.wh, { from: '2024-07-02' }));
    expect(e2.issues.map((i) => [i.code, i.field])).toEqual([['empty_window', 'from']]);
  });

  it('bad parameters: every problem at once, with stable codes and fields', () => {
    const issues = validateTiersParams({
      asOf: '2024-13-01',
      from: 'yesterday',
      activeDays: -1,
      otherTier: 'Low Value',
      rules: [{ tier: 'high', minSpend: -5, maxRepurchase: 60 }, { tier: 'high', minSpend: 10, maxSpend: 10 }, { tier: 'x', colour: 'red' }],
    });
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ['invalid_date', 'asOf'],
      ['invalid_date', 'from'],
      ['invalid_active_days', 'activeDays'],
      ['invalid_tier_name', 'otherTier'],
      ['invalid_bounds', 'rules[0].minSpend'],
      ['invalid_bounds', 'rules[0].maxRepurchase'],
      ['duplicate_tier', 'rules[1].tier'],
      ['invalid_bounds', 'rules[1].maxSpend'],
      ['invalid_rule', 'rules[2].colour'],
    ]);
    expect(validateTiersParams({ rules: [] }).map((i) => i.code)).toEqual(['invalid_rules']);
    expect(validateTiersParams({ from: '2024-07-01', asOf: '2024-07-01' }).map((i) => i.code)).toEqual(['from_not_before_as_of']);
    expect(validateTiersParams({ rules: [{ tier: 'low' }] }).map((i) => i.code)).toEqual(['duplicate_tier']);
  });

  it('saves per as-of date (replacing it) and serves the latest as the value_tier dimension', async () => {
    expect(await saveTiers(ctx.wh, await prepareTiers(ctx.wh, { asOf: '2024-06-01' }))).toBeGreaterThan(0);
    expect(await saveTiers(ctx.wh, await prepareTiers(ctx.wh, { asOf: '2024-07-01' }))).toBe(9);
    expect(await saveTiers(ctx.wh, await prepareTiers(ctx.wh, { asOf: '2024-07-01' }))).toBe(9);
    const n = (await ctx.wh.query(`SELECT count(*) AS n FROM tm_tiers WHERE as_of = DATE '2024-07-01'`)).rows[0]?.n;
    expect(Number(n)).toBe(9);
    const q = await runQuery(ctx.wh, buildCatalog(), { metrics: ['buying_customers'], dimensions: ['value_tier'] }, { today: '2024-07-15' });
    // all-time buying customers: A10 (07-01 order) has no tier (empty); A11 is anonymous, not a buying customer
    expect(Object.fromEntries(q.rows.map((r) => [String(r.value_tier), Number(r.buying_customers)]))).toEqual({ high: 2, potential: 2, low: 5, null: 1 });
  });
});

describe('tidemark tiers (the built CLI)', () => {
  const cli = runCli;

  it('--to (inclusive) = --as-of the next day; --save with per-customer CSV; JSON summary; errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await fixture(ctx.wh);
      await ctx.wh.close();
      const out = join(ctx.dir, 'tiers.csv');
      const r = cli(['tiers', '--db', ctx.path, '--to', '2024-06-30', '--save', '--out', out]);
      expect(r.stderr).toContain('Saved 9 customers');
      expect(r.status).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const csv = text.trim().split(/\r?\n/);
      expect(csv[0]).toBe('customer_id,last_order_date,days_since_last,orders,spend,aov,purchase_months,repurchase_rate,tier,tier_label');
      expect(csv).toHaveLength(10);
      expect(csv.find((l) => l.startsWith('A04,'))).toBe('A04,2024-05-15,47,4,100000,25000,4,0.3,potential,潜力客户');
      const j = cli(['tiers', '--db', ctx.path, '--as-of', '2024-07-01', '--json']);
      expect(j.status).toBe(0);
      const body = JSON.parse(j.stdout) as { customers: number; tiers: { tier: string; customers: number }[]; params: { asOf: string } };
      expect(body.params.asOf).toBe('2024-07-01');
      expect(body.tiers.map((t) => [t.tier, t.customers])).toEqual([['high', 2], ['potential', 2], ['low', 5]]);
      const q = cli(['query', '--db', ctx.path, '--metrics', 'buying_customers', '--by', 'value_tier', '--json']);
      expect(q.status).toBe(0);
      expect(JSON.parse(q.stdout).rows.find((x: { value_tier: string }) => x.value_tier === 'potential').buying_customers).toBe(2);
      const bad = cli(['tiers', '--db', ctx.path, '--rules', '[{"tier":"high","minSpend":5,"maxSpend":1}]', '--from', 'soon']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--from');
      expect(bad.stderr).toContain('--rules: rules[0].maxSpend');
      const both = cli(['tiers', '--db', ctx.path, '--to', '2024-06-30', '--as-of', '2024-07-01']);
      expect(both.status).toBe(2);
      expect(both.stderr).toContain('--to and --as-of');
      const empty = cli(['tiers', '--db', ctx.path, '--as-of', '2020-01-01']);
      expect(empty.status).toBe(2);
      expect(empty.stderr).toContain('--as-of: no counted orders');
    } finally {
      await ctx.cleanup();
    }
  });

  it('value_tier on a warehouse without stored tiers: a clear error', async () => {
    const ctx = await tempWarehouse();
    try {
      await ctx.wh.run('DROP TABLE tm_tiers');
      const e = await runQuery(ctx.wh, buildCatalog(), { metrics: ['revenue'], dimensions: ['value_tier'] }, { today: '2024-07-15' }).catch((x: unknown) => x as { issues?: { code: string }[] });
      expect((e as { issues: { code: string }[] }).issues.map((i) => i.code)).toEqual(['no_tier_results']);
    } finally {
      await ctx.cleanup();
    }
  });
});
