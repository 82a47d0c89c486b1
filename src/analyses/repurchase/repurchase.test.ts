import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../import/index.js';
import { buildCatalog } from '../../metrics/catalog/index.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import { RepurchaseError, runRepurchase, validateRepurchaseParams } from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;
const catalog = buildCatalog();

async function errorOf(p: Promise<unknown>): Promise<RepurchaseError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RepurchaseError) return e;
    throw e;
  }
  throw new Error('expected a RepurchaseError');
}

/**
 * A small shop in the first half of 2024, analysed to 2024-06-30 (as of 2024-07-01).
 *
 * | customer | counted orders (days)                          | purchase days | intervals (days)  | usual | days since last → 07-01 |
 * | A01      | 01-01, 01-11, 01-21, 01-31                     | 4             | 10, 10, 10        | 10    | 29+31+30+31+30+1 = 152 → overdue 142 |
 * | A02      | 06-01, 06-11, 06-21                            | 3             | 10, 10            | 10    | 10: exactly due, not listed |
 * | A03      | 06-01, 06-10, 06-20                            | 3             | 9, 10             | 9.5   | 11 → overdue 1.5 |
 * | A04      | 05-01 10:00, 05-01 15:00, 05-20 (same day ×2)  | 2             | 19                | —     | (2 purchase days < 3) |
 * | A05      | 03-01                                          | 1             | none              | —     | |
 * | A06      | 02-01, 03-02, 04-01, 06-30                     | 4             | 30, 30, 90        | 30    | 1 |
 * | A07      | 04-15 (04-01 cancelled)                        | 1             | none              | —     | |
 * | A08      | 06-01 (07-01 is the as-of day: outside)        | 1             | none              | —     | |
 * Not customers: an order without customer (06-15) and A09's anonymous order (06-16); both count in `orders`.
 *
 * Pooled intervals, sorted: 9, 10, 10, 10, 10, 10, 10, 19, 30, 30, 90 (n = 11), mean 238/11.
 * quantile_cont at (n − 1)·q = 10q: p25 = x[2.5] = 10, median = x[5] = 10, p75 = x[7.5] = (19 + 30)/2 = 24.5, p90 = x[9] = 30.
 * Histogram: 8–14: 7 (9 and six 10s); 15–30: 3 (19, 30, 30); 61–90: 1.
 * Catalog: orders 4+3+3+3+1+4+1+1 + 2 anonymous = 22; buying customers A01…A08 = 8; ≥ 2 orders: A01, A02, A03, A04, A06 = 5; rate 5/8.
 *
 * Items (products P1 Coffee 饮品, P2 Tea 饮品, P3 Mug 器具):
 *   A01: 01-01 P1, 01-11 P1, 01-21 P3, 01-31 P1 → top category 饮品 (3 orders vs 1);
 *   A02: 06-01 P2; A03: 06-01 P3, 06-10 P2 → a 1–1 tie, top category 器具 (alphabetical, 器 U+5668 < 饮 U+996E);
 *   A04: 05-01 10:00 P1, 05-01 15:00 P1 (two orders).
 * 饮品: buyers A01, A02, A03, A04 = 4; in ≥ 2 orders: A01 (3), A04 (2) = 2 → 0.5. 器具: A01, A03 = 2, repeat 0 → 0.
 * P1 Coffee: A01, A04 → 2 buyers, both repeat → 1. P3 Mug: A01, A03 → 2, 0. P2 Tea: A02, A03 → 2, 0.
 */
async function shopFixture(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO customers (customer_id, name, phone) VALUES ('A01','张一','13800000001'),('A02','张二','13800000002'),('A03','张三','13800000003'),('A04','张四',NULL),('A05','张五',NULL),('A06','张六',NULL),('A07','张七',NULL),('A08','张八',NULL),('A09','匿名',NULL)`);
  await wh.run(`INSERT INTO products (product_id, name, category_l1) VALUES ('P1','Coffee','饮品'),('P2','Tea','饮品'),('P3','Mug','器具')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, is_anonymous) VALUES
    ('a1','A01','2024-01-01 10:00',100,'completed',false), ('a2','A01','2024-01-11 10:00',100,'completed',false), ('a3','A01','2024-01-21 10:00',100,'completed',false), ('a4','A01','2024-01-31 23:00',100,NULL,NULL),
    ('b1','A02','2024-06-01 10:00',50,'completed',false), ('b2','A02','2024-06-11 10:00',50,'completed',false), ('b3','A02','2024-06-21 10:00',50,'completed',false),
    ('c1','A03','2024-06-01 10:00',30,'completed',false), ('c2','A03','2024-06-10 10:00',30,'completed',false), ('c3','A03','2024-06-20 10:00',30,'paid',false),
    ('d1','A04','2024-05-01 10:00',10,'completed',false), ('d2','A04','2024-05-01 15:00',10,'completed',false), ('d3','A04','2024-05-20 10:00',10,'completed',false),
    ('e1','A05','2024-03-01 10:00',10,'completed',false),
    ('f1','A06','2024-02-01 10:00',10,'completed',false), ('f2','A06','2024-03-02 10:00',10,'completed',false), ('f3','A06','2024-04-01 10:00',10,'completed',false), ('f4','A06','2024-06-30 23:59',10,'completed',false),
    ('g0','A07','2024-04-01 10:00',10,'cancelled',false), ('g1','A07','2024-04-15 10:00',10,'completed',false),
    ('h1','A08','2024-06-01 10:00',10,'completed',false), ('h2','A08','2024-07-01 00:00',10,'completed',false),
    ('x1',NULL,'2024-06-15 10:00',10,'completed',NULL), ('x2','A09','2024-06-16 10:00',10,'completed',true)`);
  await wh.run(`INSERT INTO order_items (order_id, line_no, product_id, quantity, amount) VALUES
    ('a1',1,'P1',1,100), ('a2',1,'P1',1,100), ('a3',1,'P3',1,100), ('a4',1,'P1',1,100),
    ('b1',1,'P2',1,50), ('c1',1,'P3',1,30), ('c2',1,'P2',1,30), ('d1',1,'P1',1,10), ('d2',1,'P1',1,10)`);
}

describe('repurchase on a hand-computed shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await shopFixture(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('headline through the catalog, intervals, percentiles and histogram equal the hand computation', async () => {
    const r = await runRepurchase(ctx.wh, catalog, { to: '2024-06-30' });
    expect(r.params).toMatchObject({ from: '2024-01-01', to: '2024-06-30', asOf: '2024-07-01', minPurchases: 3, factor: 1 });
    expect(r.headline).toEqual({ orders: 22, buyingCustomers: 8, repeatCustomers: 5, repurchaseRate: 5 / 8 });
    const { histogram, ...iv } = r.intervals;
    expect(iv).toEqual({ intervals: 11, customers: 8, customersWithInterval: 5, meanDays: 238 / 11, p25Days: 10, medianDays: 10, p75Days: 24.5, p90Days: 30 });
    expect(histogram.map((b) => [b.bucket, b.intervals])).toEqual([['1-7', 0], ['8-14', 7], ['15-30', 3], ['31-60', 0], ['61-90', 1], ['91-180', 0], ['181-365', 0], ['366+', 0]]);
    expect(histogram[1]!.share).toBeCloseTo(7 / 11, 12);
    expect(r.categories.rows.map((x) => [x.category, x.item_buyers, x.product_repeat_buyers, x.product_repurchase_rate])).toEqual([['饮品', 4, 2, 0.5], ['器具', 2, 0, 0]]);
    expect(r.products.rows.map((x) => [x.product, x.item_buyers, x.product_repeat_buyers, x.product_repurchase_rate])).toEqual([['Coffee', 2, 2, 1], ['Mug', 2, 0, 0], ['Tea', 2, 0, 0]]);
    expect(r.reminders).toBeUndefined();
  });

  it('asOf is the day after to: the same result', async () => {
    const a = await runRepurchase(ctx.wh, catalog, { asOf: '2024-07-01' });
    expect(a.params).toMatchObject({ from: '2024-01-01', to: '2024-06-30', asOf: '2024-07-01' });
    expect(a.intervals.medianDays).toBe(10);
    expect(a.headline.orders).toBe(22);
  });

  it('reminders: overdue customers, most overdue first; exactly-due customers not listed', async () => {
    const r = await runRepurchase(ctx.wh, catalog, { to: '2024-06-30' }, { reminders: true });
    expect(r.reminders!.eligible).toBe(4); // A01, A02, A03, A06
    expect(r.reminders!.overdue).toBe(2);
    expect(r.reminders!.rows).toEqual([
      { customer_id: 'A01', name: '张一', phone: '13800000001', orders: 4, purchase_days: 4, last_order_date: '2024-01-31', usual_interval_days: 10, due_after_days: 10, days_since_last_order: 152, days_overdue: 142, top_category: '饮品', monetary: 400 },
      { customer_id: 'A03', name: '张三', phone: '13800000003', orders: 3, purchase_days: 3, last_order_date: '2024-06-20', usual_interval_days: 9.5, due_after_days: 9.5, days_since_last_order: 11, days_overdue: 1.5, top_category: '器具', monetary: 90 },
    ]);
    // factor 1.2: A03 is due after 11.4 days (11 since: not yet); A01 after 12 (overdue 140)
    const f = await runRepurchase(ctx.wh, catalog, { to: '2024-06-30', factor: 1.2 }, { reminders: true });
    expect(f.reminders!.rows.map((x) => [x.customer_id, x.days_overdue])).toEqual([['A01', 140]]);
    // at most 10 days overdue: A03 (1.5) only; A01 (142) is a win-back case
    const recent = await runRepurchase(ctx.wh, catalog, { to: '2024-06-30', maxOverdueDays: 10 }, { reminders: true });
    expect([recent.reminders!.overdue, recent.reminders!.rows.map((x) => x.customer_id)]).toEqual([1, ['A03']]);
    // minPurchases 4: only A01 and A06 have a usual interval; limit 0 carries no rows but still counts
    const m = await runRepurchase(ctx.wh, catalog, { to: '2024-06-30', minPurchases: 4, reminderLimit: 0 }, { reminders: true });
    expect([m.reminders!.eligible, m.reminders!.overdue, m.reminders!.rows.length]).toEqual([2, 1, 0]);
    // a window from 06-01: A01 has no order there; A02 (due 10, since 10) not listed; A03 overdue
    const w = await runRepurchase(ctx.wh, catalog, { from: '2024-06-01', to: '2024-06-30' }, { reminders: true });
    expect(w.reminders!.rows.map((x) => x.customer_id)).toEqual(['A03']);
    // A06's 06-30 23:59 order makes "days since" 1 as of 07-01
    expect(w.reminders!.eligible).toBe(2);
  });

  it('bad parameters give errors naming the field, with stable codes', async () => {
    const issues = validateRepurchaseParams({ from: '2024-02-30', to: '2024-06-30', asOf: '2024-07-01', minPurchases: 1, factor: 0, productLimit: 2.5 });
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual(['invalid_date from', 'to_and_as_of asOf', 'invalid_number minPurchases', 'invalid_number productLimit', 'invalid_number factor']);
    expect(validateRepurchaseParams({ from: '2024-07-01', to: '2024-06-30' }).map((i) => `${i.code} ${i.field}`)).toEqual(['from_after_to from']);
    expect(validateRepurchaseParams('x').map((i) => i.code)).toEqual(['invalid_params']);
    const e = await errorOf(runRepurchase(ctx.wh, catalog, { from: '2030-01-01' }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['from_after_to from']);
    const e2 = await errorOf(runRepurchase(ctx.wh, catalog, { to: '2020-01-01' }));
    expect(e2.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['empty_window to']);
    expect(e2.message).toContain('the data runs 2024-01-01 … 2024-07-01');
    const e3 = await errorOf(runRepurchase(ctx.wh, catalog, { from: '2023-01-01', to: '2023-06-30' }));
    expect(e3.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['empty_window from']);
  });
});

describe('tidemark repurchase (the built CLI)', () => {
  const cli = runCli;

  it('--json, --reminders --out CSV, and errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await shopFixture(ctx.wh);
      await ctx.wh.close();
      const j = cli(['repurchase', '--db', ctx.path, '--to', '2024-06-30', '--json']);
      expect(j.stderr).toBe('');
      expect(j.status).toBe(0);
      const body = JSON.parse(j.stdout);
      expect(body.headline.repurchaseRate).toBe(0.625);
      expect(body.intervals.medianDays).toBe(10);
      const out = join(ctx.dir, 'due.csv');
      const r = cli(['repurchase', '--db', ctx.path, '--as-of', '2024-07-01', '--reminders', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      const lines = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toBe('A01,张一,13800000001,4,4,2024-01-31,10,10,152,142,饮品,400');
      const x = cli(['repurchase', '--db', ctx.path, '--to', '2024-06-30', '--out', join(ctx.dir, 'r.xlsx')]);
      expect(x.status, x.stderr).toBe(0);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(ctx.dir, 'r.xlsx'));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['复购概况', '复购间隔分布', '品类复购', '商品复购']);
      const cells: unknown[][] = [];
      wb.worksheets[0]!.eachRow((row) => cells.push((row.values as unknown[]).slice(1)));
      expect(cells).toContainEqual(['购买客户数', 8]);
      expect(cells).toContainEqual(['P75', 24.5]);
      const bad = cli(['repurchase', '--db', ctx.path, '--to', '2024-06-31', '--as-of', '2024-07-01', '--min-purchases', '1']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--to: '2024-06-31' is not a date");
      expect(bad.stderr).toContain('--as-of: give either');
      expect(bad.stderr).toContain('--min-purchases: expected a whole number ≥ 2');
    } finally {
      await ctx.cleanup();
    }
  });
});

const CDNOW = join(new URL('../../../../shared/data/', import.meta.url).pathname, 'cdnow/CDNOW_master.txt');

describe.runIf(existsSync(CDNOW))('inter-purchase intervals on CDNOW equal a hand SQL over the raw file', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
  }, 60_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('median, percentiles and interval count; the catalog repurchase rate against the raw file', async () => {
    // The raw file read on its own (whitespace-separated: id, yyyymmdd, cds, dollars), not through the import.
    const raw = `WITH raw AS (
        SELECT regexp_split_to_array(trim(line), '\\s+') AS f
        FROM read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = '\\t', quote = '', escape = '')
        WHERE regexp_matches(line, '^\\s*\\S+\\s+\\d{8}\\s')
      ),
      o AS (SELECT f[1] AS c, CAST(strptime(f[2], '%Y%m%d') AS DATE) AS day FROM raw),
      d AS (SELECT DISTINCT c, day FROM o),
      g AS (SELECT c, day - lag(day) OVER (PARTITION BY c ORDER BY day) AS gap FROM d)
      SELECT count(gap) AS n, quantile_cont(gap, 0.5) AS median, quantile_cont(gap, 0.25) AS p25, quantile_cont(gap, 0.9) AS p90,
        (SELECT count(*) FROM (SELECT c FROM o GROUP BY c HAVING count(*) >= 2)) AS repeaters, (SELECT count(DISTINCT c) FROM o) AS buyers, (SELECT count(*) FROM o) AS orders
      FROM g`;
    const hand = (await ctx.wh.query(raw, [CDNOW])).rows[0]!;
    expect(Number(hand.orders)).toBe(69_659);
    expect(Number(hand.buyers)).toBe(23_570);
    const r = await runRepurchase(ctx.wh, catalog, {});
    expect(r.intervals.intervals).toBe(Number(hand.n));
    expect(r.intervals.medianDays).toBe(Number(hand.median));
    expect(r.intervals.p25Days).toBe(Number(hand.p25));
    expect(r.intervals.p90Days).toBe(Number(hand.p90));
    expect(r.headline.buyingCustomers).toBe(23_570);
    expect(r.headline.repeatCustomers).toBe(Number(hand.repeaters));
    expect(r.headline.repurchaseRate).toBeCloseTo(Number(hand.repeaters) / 23_570, 12);
    // The reminder list as of 1998-07-01: per raw customer the median gap, due when days since the last day exceed it.
    const due = (
      await ctx.wh.query(
        `WITH raw AS (SELECT regexp_split_to_array(trim(line), '\\s+') AS f FROM read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = '\\t', quote = '', escape = '') WHERE regexp_matches(line, '^\\s*\\S+\\s+\\d{8}\\s')),
          d AS (SELECT DISTINCT f[1] AS c, CAST(strptime(f[2], '%Y%m%d') AS DATE) AS day FROM raw),
          g AS (SELECT c, day, day - lag(day) OVER (PARTITION BY c ORDER BY day) AS gap FROM d),
          per AS (SELECT c, count(*) AS days, max(day) AS last, median(gap) AS usual FROM g GROUP BY c HAVING count(*) >= 3)
        SELECT count(*) AS eligible, count(*) FILTER (WHERE DATE '1998-07-01' - last > usual) AS overdue,
          (SELECT ltrim(c, '0') FROM per ORDER BY (DATE '1998-07-01' - last) - usual DESC, c LIMIT 1) AS first
        FROM per`,
        [CDNOW],
      )
    ).rows[0]!;
    const rm = await runRepurchase(ctx.wh, catalog, { asOf: '1998-07-01', reminderLimit: 1 }, { reminders: true });
    expect([rm.reminders!.eligible, rm.reminders!.overdue]).toEqual([Number(due.eligible), Number(due.overdue)]);
    expect(rm.reminders!.rows[0]!.customer_id.replace(/^0+/, '')).toBe(String(due.first));
  }, 60_000);
});
