import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../import/index.js';
import { buildCatalog } from '../../metrics/catalog/index.js';
import { runQuery } from '../../query/run.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import { customersSql, prepareRfm, RfmError, runRfm, saveRfm, SEGMENTS, validateRfmParams, type RfmParams } from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;

async function perCustomer(wh: Warehouse, params: RfmParams): Promise<Record<string, { rec: number; freq: number; mon: number; r: number; f: number; m: number; seg: string }>> {
  const p = await prepareRfm(wh, params);
  const q = customersSql(p);
  const out: Record<string, { rec: number; freq: number; mon: number; r: number; f: number; m: number; seg: string }> = {};
  for (const row of (await wh.query(q.sql, q.params)).rows) {
    out[String(row.customer_id)] = { rec: Number(row.recency_days), freq: Number(row.frequency), mon: Number(row.monetary), r: Number(row.r), f: Number(row.f), m: Number(row.m), seg: String(row.segment) };
  }
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<RfmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RfmError) return e;
    throw e;
  }
  throw new Error('expected an RfmError');
}

/**
 * A small shop, analysed as of 2024-07-01 (orders before that day count).
 *
 * | customer | counted orders (day ¥amount)                         | last   | R = days to 07-01            | F | M    |
 * | C01 张三 | 05-01 200, 06-01 300, 06-30 500                      | 06-30  | 1                            | 3 | 1000 |
 * | C02 李四 | 06-20 2000 (07-01 5000 is on the as-of day: outside)  | 06-20  | 11                           | 1 | 2000 |
 * | C03 王五 | 01-10 400, 02-10 400, 03-10 400 (03-20 100 cancelled) | 03-10  | 21+30+31+30+1 = 113          | 3 | 1200 |
 * | C04 赵六 | 2023-12-01 1500 (status NULL counts)                  | 12-01  | 31+31+29+31+30+31+30 = 213   | 1 | 1500 |
 * | C05 钱七 | 06-25 50, 06-28 80 (status 'paid')                    | 06-28  | 3                            | 2 | 130  |
 * | C06 孙八 | 2023-07-15 60                                         | 07-15  | 17+31+30+31+30+31+31+29+31+30+31+30 = 352 | 1 | 60 |
 * Not scored: an order without customer (¥9,999), C07's anonymous order (¥8,888), C08's only order cancelled.
 *
 * Quintiles, 6 customers: ntile(5) puts positions 1–2 in 1, then 3→2, 4→3, 5→4, 6→5.
 * R (worst first: recency desc): C06, C04 | C03 | C02 | C05 | C01 → r = C06 1, C04 1, C03 2, C02 3, C05 4, C01 5.
 * F (asc, ties by id): C02, C04 | C06 | C05 | C01 | C03 → tiles 1,1,2,3,4,5; ties take the lowest:
 *   F=1 {C02 1, C04 1, C06 2} → 1; F=3 {C01 4, C03 5} → 4. f = C01 4, C02 1, C03 4, C04 1, C05 3, C06 1.
 * M (asc): C06 60, C05 130 | C01 1000 | C03 1200 | C04 1500 | C02 2000 → m = C06 1, C05 1, C01 2, C03 3, C04 4, C02 5.
 * Averages: r 16/6 = 2.67, f 14/6 = 2.33, m 16/6 = 2.67; high = above.
 *   C01 R↑F↑M↓ 一般价值; C02 R↑F↓M↑ 重要发展; C03 R↓F↑M↑ 重要保持; C04 R↓F↓M↑ 重要挽留; C05 R↑F↑M↓ 一般价值; C06 R↓F↓M↓ 一般挽留.
 */
async function shopFixture(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO customers (customer_id, name) VALUES ('C01','张三'),('C02','李四'),('C03','王五'),('C04','赵六'),('C05','钱七'),('C06','孙八'),('C07','匿名'),('C08','周九')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, is_anonymous) VALUES
    ('o1','C01','2024-05-01 10:00',200,'completed',false), ('o2','C01','2024-06-01 10:00',300,'completed',false), ('o3','C01','2024-06-30 23:59',500,'completed',false),
    ('o4','C02','2024-06-20 09:00',2000,'completed',false), ('o5','C02','2024-07-01 00:00',5000,'completed',false),
    ('o6','C03','2024-01-10 12:00',400,'completed',false), ('o7','C03','2024-02-10 12:00',400,'completed',false), ('o8','C03','2024-03-10 12:00',400,'completed',false), ('o9','C03','2024-03-20 12:00',100,'cancelled',false),
    ('o10','C04','2023-12-01 08:00',1500,NULL,NULL),
    ('o11','C05','2024-06-25 08:00',50,'paid',false), ('o12','C05','2024-06-28 08:00',80,'paid',false),
    ('o13','C06','2023-07-15 08:00',60,'completed',false),
    ('o14',NULL,'2024-06-30 08:00',9999,'completed',NULL), ('o15','C07','2024-07-05 08:00',8888,'completed',true),
    ('o16','C08','2024-07-10 08:00',700,'cancelled',false)`);
}

describe('RFM on a hand-computed shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await shopFixture(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('R, F, M, quintile scores and segments equal the hand computation', async () => {
    const c = await perCustomer(ctx.wh, { asOf: '2024-07-01' });
    expect(c).toEqual({
      C01: { rec: 1, freq: 3, mon: 1000, r: 5, f: 4, m: 2, seg: 'general_value' },
      C02: { rec: 11, freq: 1, mon: 2000, r: 3, f: 1, m: 5, seg: 'important_development' },
      C03: { rec: 113, freq: 3, mon: 1200, r: 2, f: 4, m: 3, seg: 'important_retention' },
      C04: { rec: 213, freq: 1, mon: 1500, r: 1, f: 1, m: 4, seg: 'important_recovery' },
      C05: { rec: 3, freq: 2, mon: 130, r: 4, f: 3, m: 1, seg: 'general_value' },
      C06: { rec: 352, freq: 1, mon: 60, r: 1, f: 1, m: 1, seg: 'general_recovery' },
    });
  });

  it('summary: sizes, shares, revenue shares, averages; the SQL that ran', async () => {
    const r = await runRfm(ctx.wh, { asOf: '2024-07-01' });
    expect(r.customers).toBe(6);
    expect(r.revenue).toBe(5890); // 1000 + 2000 + 1200 + 1500 + 130 + 60
    expect(r.averages.r).toBeCloseTo(16 / 6, 12);
    expect(r.averages.f).toBeCloseTo(14 / 6, 12);
    expect(r.segments.map((s) => s.segment)).toEqual(SEGMENTS.map((s) => s.key));
    const gv = r.segments.find((s) => s.segment === 'general_value')!;
    // C01 + C05: 2 of 6 customers, ¥1,130 of ¥5,890; recency (1+3)/2, frequency (3+2)/2, monetary 1130/2
    expect(gv).toMatchObject({ zh: '一般价值客户', en: 'General value', customers: 2, revenue: 1130, avgRecencyDays: 2, avgFrequency: 2.5, avgMonetary: 565 });
    expect(gv.customerShare).toBeCloseTo(1 / 3, 12);
    expect(gv.revenueShare).toBeCloseTo(1130 / 5890, 12);
    const iv = r.segments.find((s) => s.segment === 'important_value')!;
    expect(iv).toMatchObject({ zh: '重要价值客户', customers: 0, revenue: 0, avgRecencyDays: null });
    expect(r.segments.reduce((a, s) => a + s.customers, 0)).toBe(6);
    expect(r.sql.customers).toContain('ntile(5)');
    expect(r.sqlParams.customers).toContain('2024-07-01');
    expect(r.movement).toBeUndefined();
  });

  it('the default as-of is the day after the last counted order of a known customer', async () => {
    // last counted known-customer order: C02's on 07-01 (C07's anonymous 07-05 and C08's cancelled 07-10 do not count)
    const p = await prepareRfm(ctx.wh, {});
    expect(p.asOf).toBe('2024-07-02');
    const c = await perCustomer(ctx.wh, {});
    expect(c.C02).toMatchObject({ rec: 1, freq: 2, mon: 7000 });
    expect(Object.keys(c).sort()).toEqual(['C01', 'C02', 'C03', 'C04', 'C05', 'C06']);
  });

  it('a window from a start date: only its orders count', async () => {
    // from 2024-03-01: C04 and C06 drop out; C03 keeps only 03-10 (F 1, M 400)
    const c = await perCustomer(ctx.wh, { from: '2024-03-01', asOf: '2024-07-01' });
    expect(Object.keys(c).sort()).toEqual(['C01', 'C02', 'C03', 'C05']);
    expect(c.C03).toMatchObject({ rec: 113, freq: 1, mon: 400 });
  });

  it('split by raw-value means and by score ≥ 3', async () => {
    // means: recency 693/6 = 115.5 (C01, C02, C03 113, C05 below), frequency 11/6 = 1.83 (C01, C03, C05 above),
    // monetary 5890/6 = 981.67 (C01 1000, C02, C03, C04 above)
    const v = await perCustomer(ctx.wh, { asOf: '2024-07-01', split: 'value_mean' });
    expect(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.seg]))).toEqual({
      C01: 'important_value', C02: 'important_development', C03: 'important_value', C04: 'important_recovery', C05: 'general_value', C06: 'general_recovery',
    });
    // score ≥ 3: r C01 5, C02 3, C05 4; f C01, C03 4, C05 3; m C02 5, C03 3, C04 4 — the same groups as above the mean here
    const s = await perCustomer(ctx.wh, { asOf: '2024-07-01', split: 'score_3' });
    expect(Object.fromEntries(Object.entries(s).map(([k, x]) => [k, x.seg]))).toEqual({
      C01: 'general_value', C02: 'important_development', C03: 'important_retention', C04: 'important_recovery', C05: 'general_value', C06: 'general_recovery',
    });
  });

  it('business thresholds, with cut points met exactly', async () => {
    // defaults: recency [30, 90, 180, 365]: 1, 11, 3 → 5; 113 → 3; 213, 352 → 2
    // frequency [2, 3, 5, 10]: 3 → 3 (reaches 2 and 3), 2 → 2, 1 → 1; monetary [100, 500, 1000, 5000]: C01's 1000 reaches 1000 → 4; 130 → 2; 60 → 1
    const d = await perCustomer(ctx.wh, { asOf: '2024-07-01', scores: 'thresholds' });
    expect(Object.fromEntries(Object.entries(d).map(([k, x]) => [k, [x.r, x.f, x.m]]))).toEqual({ C01: [5, 3, 4], C02: [5, 1, 4], C03: [3, 3, 4], C04: [2, 1, 4], C05: [5, 2, 2], C06: [2, 1, 1] });
    // recency [11, 30, 113, 300]: 11 is not above 11 → 5; 113 not above 113 → 3 (above 11, 30); 213 → 2; 352 → 1
    const t = await perCustomer(ctx.wh, { asOf: '2024-07-01', scores: 'thresholds', thresholds: { recency: [11, 30, 113, 300] } });
    expect(Object.fromEntries(Object.entries(t).map(([k, x]) => [k, x.r]))).toEqual({ C01: 5, C02: 5, C03: 3, C04: 2, C05: 5, C06: 1 });
  });

  it('movement between two as-of dates', async () => {
    /*
     * As of 2024-04-01 three customers have orders (fewer than 5: the scores are 1…3):
     *   C03 R 22 (03-10 → 04-01) F 3 M 1200; C04 R 31+31+29+31 = 122 F 1 M 1500; C06 R 17+31+30+31+30+31+31+29+31 = 261 F 1 M 60.
     *   r: C06 1, C04 2, C03 3 (avg 2 → C03 high); f: C04 1, C06 2→1 (tie with C04), C03 3 (avg 5/3 → C03 high);
     *   m: C06 1, C03 2, C04 3 (avg 2 → C04 high).
     *   C03 R↑F↑M↓ general_value; C04 R↓F↓M↑ important_recovery; C06 R↓F↓M↓ general_recovery.
     * As of 2024-07-01 (above): C03 important_retention, C04 important_recovery, C06 general_recovery,
     *   new: C01, C05 general_value, C02 important_development.
     */
    const early = await perCustomer(ctx.wh, { asOf: '2024-04-01' });
    expect(early).toEqual({
      C03: { rec: 22, freq: 3, mon: 1200, r: 3, f: 3, m: 2, seg: 'general_value' },
      C04: { rec: 122, freq: 1, mon: 1500, r: 2, f: 1, m: 3, seg: 'important_recovery' },
      C06: { rec: 261, freq: 1, mon: 60, r: 1, f: 1, m: 1, seg: 'general_recovery' },
    });
    const r = await runRfm(ctx.wh, { asOf: '2024-07-01', compareAsOf: '2024-04-01' });
    const mv = r.movement!;
    expect(mv.fromAsOf).toBe('2024-04-01');
    expect(mv.segments.at(-1)).toBe('none');
    const cells: Record<string, number> = {};
    mv.counts.forEach((row, i) => row.forEach((n, j) => n && (cells[`${mv.segments[i]}→${mv.segments[j]}`] = n)));
    expect(cells).toEqual({
      'general_value→important_retention': 1,
      'important_recovery→important_recovery': 1,
      'general_recovery→general_recovery': 1,
      'none→general_value': 2,
      'none→important_development': 1,
    });
    expect(r.sql.movement).toContain('FULL OUTER JOIN');
  });

  it('saves per as-of date (replacing it) and serves the latest as the rfm_segment dimension', async () => {
    const p7 = await prepareRfm(ctx.wh, { asOf: '2024-07-01' });
    expect(await saveRfm(ctx.wh, p7)).toBe(6);
    expect(await saveRfm(ctx.wh, await prepareRfm(ctx.wh, { asOf: '2024-04-01' }))).toBe(3);
    expect(await saveRfm(ctx.wh, p7)).toBe(6); // replaced, not appended
    expect((await ctx.wh.query(`SELECT count(*) AS n FROM tm_rfm`)).rows[0]?.n).toBe(9);
    const stored = (await ctx.wh.query(`SELECT customer_id, recency_days, frequency, monetary::DOUBLE AS monetary, r, f, m, segment FROM tm_rfm WHERE as_of = DATE '2024-07-01' AND customer_id = 'C03'`)).rows[0];
    expect(stored).toEqual({ customer_id: 'C03', recency_days: 113, frequency: 3, monetary: 1200, r: 2, f: 4, m: 3, segment: 'important_retention' });
    // revenue (catalog: all counted orders, anonymous included) by the latest segment (07-01, not 04-01):
    // general_value C01 1000 + C05 130; important_development C02 2000 + 5000 (07-01); important_retention C03 1200;
    // important_recovery C04 1500; general_recovery C06 60; no segment: 9,999 (no customer) + 8,888 (C07, anonymous)
    const res = await runQuery(ctx.wh, buildCatalog(), { metrics: ['revenue'], dimensions: ['rfm_segment'] }, { today: '2024-07-15' });
    const by = Object.fromEntries(res.rows.map((x) => [String(x.rfm_segment), Number(x.revenue)]));
    expect(by).toEqual({ general_value: 1130, important_development: 7000, important_retention: 1200, important_recovery: 1500, general_recovery: 60, null: 18887 });
  });

  it('bad parameters give errors naming the field, with stable codes', async () => {
    const issues = validateRfmParams({ asOf: '2024-02-30', from: '20240101', scores: 'deciles', split: 'median', thresholds: { recency: [30, 90, 60, 365], frequency: [1, 2], speed: [1] } });
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual([
      'invalid_date asOf',
      'invalid_date from',
      'invalid_choice scores',
      'invalid_choice split',
      'thresholds_need_thresholds_scores thresholds',
      'invalid_thresholds thresholds.speed',
      'thresholds_not_ascending thresholds.recency',
      'invalid_thresholds thresholds.frequency',
    ]);
    expect(issues.find((i) => i.field === 'asOf')!.message).toContain("asOf: '2024-02-30' is not a date");
    expect(validateRfmParams({ from: '2024-07-01', asOf: '2024-07-01' }).map((i) => `${i.code} ${i.field}`)).toEqual(['from_not_before_as_of from']);
    expect(validateRfmParams({ asOf: '2024-07-01', compareAsOf: '2024-07-01' }).map((i) => `${i.code} ${i.field}`)).toEqual(['same_as_of compareAsOf']);
    expect(validateRfmParams(null).map((i) => i.code)).toEqual(['invalid_params']);
    const e = await errorOf(runRfm(ctx.wh, { from: '2030-01-01' }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['empty_window from']);
    const e2 = await errorOf(runRfm(ctx.wh, { asOf: '2020-01-01' }));
    expect(e2.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['empty_window asOf']);
    const e3 = await errorOf(runRfm(ctx.wh, { asOf: 'yesterday' }));
    expect(e3.message).toContain('asOf');
  });
});

describe('tidemark rfm (the built CLI)', () => {
  const cli = runCli;

  it('--save with per-customer CSV, then query by rfm_segment; errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await shopFixture(ctx.wh);
      await ctx.wh.close();
      const r = cli(['rfm', '--db', ctx.path, '--as-of', '2024-07-01', '--save', '--out', join(ctx.dir, 'rfm.csv')]);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('Saved 6 customers');
      const csv = (await import('node:fs')).readFileSync(join(ctx.dir, 'rfm.csv'), 'utf8').trim().split(/\r?\n/);
      expect(csv).toHaveLength(7);
      expect(csv.find((l) => l.startsWith('C03,'))).toBe('C03,2024-03-10,113,3,1200,2,4,3,important_retention,重要保持客户');
      const q = cli(['query', '--db', ctx.path, '--metrics', 'buying_customers', '--by', 'rfm_segment', '--json']);
      expect(q.status).toBe(0);
      const rows = JSON.parse(q.stdout).rows as { rfm_segment: string | null; buying_customers: number }[];
      // all-time buying customers: C02 (7/1 order) included; C07 is anonymous, so not a buying customer
      expect(Object.fromEntries(rows.map((x) => [String(x.rfm_segment), x.buying_customers]))).toEqual({ general_value: 2, important_development: 1, important_retention: 1, important_recovery: 1, general_recovery: 1 });
      const bad = cli(['rfm', '--db', ctx.path, '--recency', '30,90', '--compare-as-of', 'soon']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--compare-as-of');
      expect(bad.stderr).toContain('--recency: expected 4 non-negative numbers');
    } finally {
      await ctx.cleanup();
    }
  });

  it('rfm_segment on a warehouse without RFM results: a clear error', async () => {
    const ctx = await tempWarehouse();
    try {
      await ctx.wh.run('DROP TABLE tm_rfm');
      const e = await runQuery(ctx.wh, buildCatalog(), { metrics: ['revenue'], dimensions: ['rfm_segment'] }, { today: '2024-07-15' }).catch((x: unknown) => x as { issues?: { code: string }[] });
      expect((e as { issues: { code: string }[] }).issues.map((i) => i.code)).toEqual(['no_rfm_results']);
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('RFM quintiles at the edges', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    // T01…T10, every order ¥100 on 2024-06-01: frequencies 1,1,1,1,1,1,2,2,3,4 (T01…T06 one order each)
    const freq = [1, 1, 1, 1, 1, 1, 2, 2, 3, 4];
    const values: string[] = [];
    freq.forEach((n, i) => {
      for (let k = 0; k < n; k++) values.push(`('t${i}_${k}', 'T${String(i + 1).padStart(2, '0')}', '2024-06-01 10:00', 100, 'completed')`);
    });
    await ctx.wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status) VALUES ${values.join(',')}`);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('ties share the lowest score of their group; unused scores stay unused', async () => {
    /*
     * 10 customers: ntile(5) gives positions 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.
     * F ascending: T01…T06 (F 1) at positions 1–6 → tiles 1,1,2,2,3,3 → all 1; T07, T08 (F 2) → 4; T09 (F 3) → 5; T10 (F 4) → 5.
     * R: everyone's last order is 06-01 (recency 30) → all share the first tile, 1. M: T01…T06 ¥100 → 1, T07, T08 ¥200 → 4, T09 ¥300 → 5, T10 ¥400 → 5.
     */
    const c = await perCustomer(ctx.wh, { asOf: '2024-07-01' });
    const f = Object.fromEntries(Object.entries(c).map(([k, x]) => [k, x.f]));
    expect(f).toEqual({ T01: 1, T02: 1, T03: 1, T04: 1, T05: 1, T06: 1, T07: 4, T08: 4, T09: 5, T10: 5 });
    expect(new Set(Object.values(c).map((x) => x.r))).toEqual(new Set([1]));
    expect(Object.values(c).map((x) => x.m)).toEqual(Object.values(c).map((x) => x.f));
    // r is 1 for all, the average 1: nobody is above it, so nobody is R↑.
    // f avg = (6·1 + 2·4 + 2·5)/10 = 2.4, m the same: T07…T10 are F↑M↑ → 重要保持 (R↓F↑M↑); T01…T06 → 一般挽留.
    const segs = Object.fromEntries(Object.entries(c).map(([k, x]) => [k, x.seg]));
    for (const k of ['T01', 'T02', 'T03', 'T04', 'T05', 'T06']) expect(segs[k]).toBe('general_recovery');
    for (const k of ['T07', 'T08', 'T09', 'T10']) expect(segs[k]).toBe('important_retention');
  });

  it('fewer than 5 customers: scores 1…n; one customer: score 1 and 一般挽留', async () => {
    const c = await perCustomer(ctx.wh, { asOf: '2024-07-01', from: '2024-06-01' });
    expect(Object.keys(c)).toHaveLength(10);
    const one = await tempWarehouse();
    try {
      await one.wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount) VALUES ('a','X1','2024-06-01',10), ('b','X2','2024-06-02',20), ('c','X3','2024-06-03',30)`);
      const three = await perCustomer(one.wh, { asOf: '2024-07-01' });
      expect(Object.fromEntries(Object.entries(three).map(([k, x]) => [k, [x.r, x.f, x.m]]))).toEqual({ X1: [1, 1, 1], X2: [2, 1, 2], X3: [3, 1, 3] });
      await one.wh.run(`DELETE FROM orders WHERE order_id <> 'a'`);
      const single = await perCustomer(one.wh, { asOf: '2024-07-01' });
      expect(single).toEqual({ X1: { rec: 30, freq: 1, mon: 10, r: 1, f: 1, m: 1, seg: 'general_recovery' } });
    } finally {
      await one.cleanup();
    }
  });
});

const CDNOW = join(new URL('../../../../shared/data/', import.meta.url).pathname, 'cdnow/CDNOW_master.txt');
const PY = '/usr/bin/python3';
const hasPandas = existsSync(PY) && spawnSync(PY, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;

describe.runIf(existsSync(CDNOW) && hasPandas)('RFM on CDNOW equals an independent pandas computation', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
  }, 30_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('every customer’s R, F, M, scores and segment as of 1998-07-01', async () => {
    const oracle = JSON.parse(execFileSync(PY, [new URL('./cdnow_oracle.py', import.meta.url).pathname, CDNOW, '1998-07-01'], { maxBuffer: 64 << 20 }).toString()) as Record<string, [number, number, number, number, number, number, string]>;
    const c = await perCustomer(ctx.wh, { asOf: '1998-07-01' });
    expect(Object.keys(c).length).toBe(23_570);
    expect(Object.keys(oracle).length).toBe(23_570);
    const mismatches = Object.entries(oracle).filter(([id, [rec, freq, cents, r, f, m, seg]]) => {
      const x = c[id];
      return !x || x.rec !== rec || x.freq !== freq || Math.round(x.mon * 100) !== cents || x.r !== r || x.f !== f || x.m !== m || x.seg !== seg;
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    const counts: Record<string, number> = {};
    for (const v of Object.values(oracle)) counts[v[6]] = (counts[v[6]] ?? 0) + 1;
    const r = await runRfm(ctx.wh, { asOf: '1998-07-01' });
    expect(Object.fromEntries(r.segments.map((s) => [s.segment, s.customers]))).toEqual(counts);
    // the figures as computed by pandas on this file (recorded for the report)
    expect(counts).toEqual({ important_value: 9932, general_recovery: 5989, important_recovery: 2580, general_development: 2402, important_development: 937, general_value: 852, important_retention: 689, general_retention: 189 });
    expect(r.revenue).toBeCloseTo(2_500_315.63, 2);
  }, 30_000);
});
