/**
 * `tidemark segment` and `tidemark tags` as real child processes on a small hand-made warehouse; expected numbers
 * are computed by hand in the comments (the same shop as src/segments/segments.test.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { openWarehouse } from '../warehouse/duckdb.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tidemark.js');
const s = scratch('tidemark-segments-');
const DB = join(s.dir, 'wh.duckdb');

function tidemark(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: s.dir, env: { ...process.env, TIDEMARK_DB: DB, TIDEMARK_DEBUG: undefined, TIDEMARK_CATALOG: undefined, TIDEMARK_LANG: undefined } }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

async function json(args: readonly string[]): Promise<any> {
  const r = await tidemark([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

async function usageError(args: readonly string[], message: RegExp): Promise<void> {
  const r = await tidemark(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^tidemark: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
}

/**
 * Counted revenue: C1 (广东, 金卡) 100 + 200, discounts 30 + 20 → rate 0.167; C2 (广东, 银卡) 100/50 → 0.5 (a
 * cancelled 500 ignored); C3 (浙江) 2023-01-15 1000/300, outside 365 days; C4 (广东) none; C5 (浙江) 400/100 → 0.25;
 * an order without customer 999. As-of 2024-06-21.
 */
beforeAll(async () => {
  const wh = await openWarehouse({ path: DB });
  await wh.run(`INSERT INTO customers (customer_id, name, phone, province, city, member_tier) VALUES
    ('C1','张三','+8613800000001','广东省','深圳市','金卡'), ('C2','李四','+8613800000002','广东省','广州市','银卡'),
    ('C3','王五',NULL,'浙江省','杭州市','金卡'), ('C4','赵六',NULL,'广东省','深圳市',NULL), ('C5','钱七',NULL,'浙江省','宁波市','银卡')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status, is_anonymous) VALUES
    ('o1','C1','2024-05-01 10:00',100,30,'completed',false), ('o2','C1','2024-06-01 10:00',200,20,'completed',false),
    ('o3','C2','2024-06-10 10:00',100,50,'completed',false), ('o4','C2','2024-06-11 10:00',500,500,'cancelled',false),
    ('o5','C3','2023-01-15 10:00',1000,300,NULL,NULL), ('o6','C5','2024-06-20 10:00',400,100,'paid',false),
    ('o7',NULL,'2024-06-30 10:00',999,999,'completed',NULL)`);
  await wh.close();
}, 60_000);
afterAll(() => s.cleanup());

describe('tidemark segment', () => {
  it('saves rules, lists them, and they filter and group queries', async () => {
    const ps = await json(['segment', 'save', 'price_sensitive', '--name', '价格敏感', '--metric', 'discount_rate>0.2', '--days', '365']);
    expect(ps).toMatchObject({ key: 'price_sensitive', name: '价格敏感', kind: 'rule', customers: 2, asOf: '2024-06-21' });
    expect((await json(['segment', 'save', 'gd', '--filter', 'province=广东省'])).customers).toBe(3);
    expect((await json(['segment', 'list'])).map((x: any) => [x.key, x.customers])).toEqual([
      ['gd', 3],
      ['price_sensitive', 2],
    ]);
    // C2 100 + C5 400.
    expect((await json(['query', '--metrics', 'revenue', '--filter', 'segment=price_sensitive'])).rows).toEqual([{ revenue: 500 }]);
    // gd = C1 300 + C2 100 (C4 none); price_sensitive 500; no segment: C3 1000 + 999 without customer.
    expect((await json(['query', '--metrics', 'revenue', '--by', 'segment'])).rows).toEqual([
      { segment: 'gd', revenue: 400 },
      { segment: 'price_sensitive', revenue: 500 },
      { segment: null, revenue: 1999 },
    ]);
    // The total counts each order once: 300 + 100 + 1000 + 400 + 999 (not the sum of the overlapping groups).
    expect((await json(['query', '--metrics', 'revenue', '--by', 'segment', '--totals'])).rows.at(-1)).toEqual({ segment: null, _grouping: 1, revenue: 2799 });
    await usageError(['query', '--metrics', 'revenue', '--filter', 'segment=nope'], /segment: unknown 'nope'/);
    await usageError(['drill', '--metric', 'revenue', '--filter', 'segment=nope'], /segment: unknown 'nope'/);
    // The orders behind price_sensitive's revenue: C2's o3 and C5's o6.
    expect((await json(['drill', '--metric', 'revenue', '--filter', 'segment=price_sensitive'])).rows.map((r: any) => r.order_id)).toEqual(['o3', 'o6']);
  });

  it('bad rules are usage errors naming the flag; a duplicate key needs --replace', async () => {
    await usageError(['segment', 'save', 'bad', '--filter', 'nope=1', '--metric', 'churn_rate>0.1'], /--filter #1: unknown dimension 'nope'.*--metric #1: .*needs a period/);
    await usageError(['segment', 'save', 'bad', '--metric', 'discount_rate>abc'], /--metric 'discount_rate>abc': 'abc' is not a number/);
    await usageError(['segment', 'save', 'bad'], /give the rule/);
    await usageError(['segment', 'save', 'gd', '--filter', 'province=浙江省'], /segment 'gd' exists; pass replace \(--replace\)/);
    await usageError(['segment', 'show', 'nope'], /unknown segment 'nope'/);
  });

  it('exports members with attributes to XLSX; a fixed list from CSV; refresh after a new order', async () => {
    const x = join(s.dir, 'ps.xlsx');
    const r = await tidemark(['segment', 'export', 'price_sensitive', '--out', x]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Wrote 2 customers of price_sensitive/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, 'customer_id', 'name', 'phone', 'province', 'city', 'tier', 'last_order_date', 'tags']);
    expect(ws.getRow(2).values).toEqual([undefined, 'C2', '李四', '+8613800000002', '广东省', '广州市', '银卡', '2024-06-10']);
    const list = join(s.dir, 'list.csv');
    writeFileSync(list, 'customer_id\nC3\nC4\n');
    expect((await json(['segment', 'save', 'fixed', '--customers', list])).customers).toBe(2);
    const w = await openWarehouse({ path: DB });
    // C1: +100 with 90 off → 140 / 400 = 0.35.
    await w.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, discount, status) VALUES ('o8','C1','2024-06-25 10:00',100,90,'completed')`);
    await w.close();
    const after = await json(['segment', 'refresh']);
    expect(after.map((a: any) => [a.key, a.kind, a.before, a.customers])).toEqual([
      ['fixed', 'static', 2, 2],
      ['gd', 'rule', 3, 3],
      ['price_sensitive', 'rule', 2, 3],
    ]);
    const shown = await json(['segment', 'show', 'price_sensitive']);
    expect(shown.members.map((m: any) => m.customer_id)).toEqual(['C1', 'C2', 'C5']);
    expect((await json(['segment', 'delete', 'fixed'])).deleted).toBe('fixed');
    // A report for a segment: regions of price_sensitive {C1, C2, C5}: 广东 C1 400 + C2 100, 浙江 C5 400, total 900.
    const rep = await json(['report', 'sales', '--filter', 'segment=price_sensitive']);
    const regions = rep.sections.find((x: any) => x.key === 'regions');
    expect(regions.rows.map((r: any) => [r.province, r.revenue])).toEqual([
      ['广东省', 500],
      ['浙江省', 400],
      [null, 900],
    ]);
  });
});

describe('tidemark tags', () => {
  it('define, import (unknown line named, nothing written), set, coverage, overlap, query by tag', async () => {
    expect((await json(['tags', 'define', 'gd', '--name', '广东', '--filter', 'province=广东省'])).customers).toBe(3);
    expect((await json(['tags', 'define', 'vip', '--name', '贵宾', '--kind', 'manual'])).kind).toBe('manual');
    const f = join(s.dir, 'vip.csv');
    writeFileSync(f, '手机号\n13800000001\n13899999999\n');
    await usageError(['tags', 'import', f, '--tag', 'vip'], /line 3 '13899999999'.*nothing was written/);
    await usageError(['tags', 'import', f, '--tag', 'gd'], /is a rule tag/);
    expect((await json(['tags', 'list'])).find((t: any) => t.key === 'vip').customers).toBe(0);
    writeFileSync(f, '手机号\n13800000001\n');
    expect(await json(['tags', 'import', f, '--tag', 'vip'])).toEqual({ tag: 'vip', added: 1, removed: 0, customers: 1 });
    expect((await json(['tags', 'set', 'vip', 'C3'])).customers).toBe(2);
    await usageError(['tags', 'set', 'vip', 'C99'], /unknown customer C99/);
    const cov = await json(['tags', 'coverage']);
    // gd {C1, C2, C4} of 5 customers; vip {C1, C3}; tagged: C1, C2, C3, C4.
    expect(cov.customers).toBe(5);
    expect(cov.tagged).toBe(4);
    expect(cov.tags.map((t: any) => [t.key, t.customers, t.share])).toEqual([
      ['gd', 3, 0.6],
      ['vip', 2, 0.4],
    ]);
    // gd ∩ vip = {C1}: 1 / (3 + 2 − 1).
    expect((await json(['tags', 'overlap'])).pairs.find((p: any) => p.a === 'gd' && p.b === 'vip')).toEqual({ a: 'gd', b: 'vip', both: 1, either: 4, jaccard: 0.25 });
    const ex = join(s.dir, 'vip-export.csv');
    const e = await tidemark(['tags', 'export', 'vip', '--out', ex]);
    expect(e.code, e.stderr).toBe(0);
    expect(readFileSync(ex, 'utf8').split(/\r?\n/).slice(0, 3)).toEqual(['\uFEFFcustomer_id,name,phone,province,city,tier,last_order_date,tags', 'C1,张三,+8613800000001,广东省,深圳市,金卡,2024-06-25,"gd,vip"', 'C3,王五,,浙江省,杭州市,金卡,2023-01-15,vip']);
    const c = join(s.dir, 'cov.csv');
    const r = await tidemark(['tags', 'coverage', '--out', c, '--lang', 'en']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(c, 'utf8')).toMatch(/^\uFEFF/);
    expect(readFileSync(c, 'utf8')).toMatch(/gd,广东,rule,3,0\.6/);
    // Revenue by tag (after o8): gd = C1 400 + C2 100; vip = C1 400 + C3 1000; untagged: C5 400 + 999.
    expect((await json(['query', '--metrics', 'revenue', '--by', 'tag'])).rows).toEqual([
      { tag: 'gd', revenue: 500 },
      { tag: 'vip', revenue: 1400 },
      { tag: null, revenue: 1399 },
    ]);
  });
});

describe('tidemark import refreshes saved rule segments and tags', () => {
  /**
   * 广东 customers C1 and C2; C1 ordered 2024-06-01. Segment gd_buyers = province 广东省 and orders > 0 in the 365 days
   * before the as-of day (the day after the last counted order): before the import {C1} (as of 2024-06-02). The import
   * adds C2's order of 2024-06-15: as of 2024-06-16 both are in (C1's order is 15 days old), so 1 → 2. A second import
   * with --no-refresh (C3, not 广东) leaves the segment as it was and reports nothing.
   */
  it('re-evaluates after the import, reports before → after, and --no-refresh skips it', async () => {
    const db = join(s.dir, 'refresh.duckdb');
    const wh = await openWarehouse({ path: db });
    await wh.run(`INSERT INTO customers (customer_id, name, province) VALUES ('C1','张三','广东省'), ('C2','李四','广东省'), ('C3','王五','浙江省')`);
    await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status) VALUES ('o1','C1','2024-06-01 10:00',100,'completed')`);
    await wh.close();
    const saved = await json(['segment', 'save', 'gd_buyers', '--filter', 'province=广东省', '--metric', 'orders>0', '--days', '365', '--db', db]);
    expect(saved.customers).toBe(1);
    const f1 = join(s.dir, 'orders1.csv');
    writeFileSync(f1, 'order_id,customer_id,ordered_at,amount,status\no2,C2,2024-06-15 09:00,80,completed\n');
    const r1 = await json(['import', f1, '--entity', 'orders', '--db', db]);
    expect(r1.loaded).toBe(1);
    expect(r1.refreshed).toEqual({ tags: [], segments: [{ key: 'gd_buyers', before: 1, customers: 2 }] });
    const f2 = join(s.dir, 'orders2.csv');
    writeFileSync(f2, 'order_id,customer_id,ordered_at,amount,status\no3,C3,2024-06-20 09:00,50,completed\n');
    const r2 = await json(['import', f2, '--entity', 'orders', '--db', db, '--no-refresh']);
    expect(r2.refreshed).toBeUndefined();
    const shown = await json(['segment', 'list', '--db', db]);
    expect(JSON.stringify(shown)).toContain('"customers":2');
  });
});
