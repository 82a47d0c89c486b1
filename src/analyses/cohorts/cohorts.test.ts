import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../import/index.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import { CohortError, prepareCohorts, runCohorts, validateCohortParams, type CohortResult } from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;

async function errorOf(p: Promise<unknown>): Promise<CohortError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CohortError) return e;
    throw e;
  }
  throw new Error('expected a CohortError');
}

const byLabel = (r: CohortResult) => Object.fromEntries(r.cohorts.map((c) => [`${c.label}${c.group === null ? '' : `/${c.group}`}`, c]));

/**
 * Counted orders (¥, channel of the order; customers.source_channel in brackets):
 * | P1 [tmall]  | 2024-01-05 100 tmall, 02-10 50 jd, 04-01 30 tmall           |
 * | T1 [wechat] | 2024-01-10 10:00 5 app (order t1) and the same minute 5 store (t2): first = t1 |
 * | P2 [tmall]  | 2024-01-20 200 jd, 01-25 100 jd                              |
 * | P3 [—]      | 2024-01-31 23:59 10 web, 03-15 40 web                       |
 * | Q1 [jd]     | 2024-02-01 00:00 80 tmall, 03-02 20 tmall, 04-30 5 tmall     |
 * | Q2 [jd]     | 2024-02-14 60 tmall (its 03-01 999 is cancelled)             |
 * | R1 (no customers row) | 2024-04-10 70, channel NULL                        |
 * Not counted: an anonymous order of Z, an order without customer.
 * The last counted order is 04-30: default as-of 05-01, so April is the last complete month; no first order in March.
 */
async function shop(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO customers (customer_id, name, source_channel) VALUES ('P1','甲','tmall'), ('T1','乙','wechat'), ('P2','丙','tmall'), ('P3','丁',NULL), ('Q1','戊','jd'), ('Q2','己','jd'), ('Z','庚','web')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, is_anonymous, channel) VALUES
    ('p1a','P1','2024-01-05 10:00',100,'completed',false,'tmall'), ('p1b','P1','2024-02-10 10:00',50,'completed',false,'jd'), ('p1c','P1','2024-04-01 10:00',30,NULL,NULL,'tmall'),
    ('t2','T1','2024-01-10 10:00',5,'completed',false,'store'), ('t1','T1','2024-01-10 10:00',5,'completed',false,'app'),
    ('p2a','P2','2024-01-20 10:00',200,'completed',false,'jd'), ('p2b','P2','2024-01-25 10:00',100,'completed',false,'jd'),
    ('p3a','P3','2024-01-31 23:59',10,'completed',false,'web'), ('p3b','P3','2024-03-15 10:00',40,'completed',false,'web'),
    ('q1a','Q1','2024-02-01 00:00',80,'completed',false,'tmall'), ('q1b','Q1','2024-03-02 10:00',20,'completed',false,'tmall'), ('q1c','Q1','2024-04-30 10:00',5,'completed',false,'tmall'),
    ('q2a','Q2','2024-02-14 10:00',60,'completed',false,'tmall'), ('q2b','Q2','2024-03-01 10:00',999,'cancelled',false,'tmall'),
    ('r1a','R1','2024-04-10 10:00',70,'completed',false,NULL),
    ('z1','Z','2024-03-05 10:00',500,'completed',true,'web'), ('x1',NULL,'2024-03-05 10:00',500,'completed',NULL,'web')`);
}

describe('cohorts on a hand-computed shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await shop(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('monthly cohorts: sizes, retention, revenue retention, LTV to date; unobservable ages are null', async () => {
    /*
     * Jan {P1, T1, P2, P3}: age 0 all 4, ¥100 + 10 + 300 + 10 = 420; age 1 (Feb) P1 ¥50; age 2 (Mar) P3 ¥40; age 3 (Apr) P1 ¥30.
     *   retention 1, 1/4, 1/4, 1/4; revenue retention 1, 50/420, 40/420, 30/420; LTV 420/4 = 105, 117.5, 127.5, 135.
     * Feb {Q1, Q2}: age 0 ¥140; age 1 (Mar) Q1 ¥20 (Q2's cancelled order does not count); age 2 (Apr) Q1 ¥5; age 3 = May: null.
     * Mar: nobody's first order → no cohort. Apr {R1}: age 0 ¥70; ages 1–3 null.
     */
    const r = await runCohorts(ctx.wh, {});
    expect(r.params).toMatchObject({ from: '2024-01-01', to: '2024-05-01', asOf: '2024-05-01', dataEnd: '2024-05-01', period: 'month', by: null });
    expect(r.maxAge).toBe(3);
    expect(r.customers).toBe(7);
    const c = byLabel(r);
    expect(Object.keys(c)).toEqual(['2024-01', '2024-02', '2024-04']);
    expect(c['2024-01']).toMatchObject({ customers: 4, activeCustomers: [4, 1, 1, 1], retention: [1, 0.25, 0.25, 0.25], revenue: [420, 50, 40, 30], cumulativeRevenuePerCustomer: [105, 117.5, 127.5, 135] });
    expect(c['2024-01']!.revenueRetention).toEqual([1, 50 / 420, 40 / 420, 30 / 420]);
    expect(c['2024-02']).toMatchObject({ customers: 2, activeCustomers: [2, 1, 1, null], retention: [1, 0.5, 0.5, null], revenue: [140, 20, 5, null], revenueRetention: [1, 20 / 140, 5 / 140, null], cumulativeRevenuePerCustomer: [70, 80, 82.5, null] });
    expect(c['2024-04']).toMatchObject({ customers: 1, activeCustomers: [1, null, null, null], cumulativeRevenuePerCustomer: [70, null, null, null] });
  });

  it('an as-of inside April: April is incomplete, so its orders and cohort are left out', async () => {
    // data end 04-01: Jan ages 0–2 (LTV 127.5 at age 2), Feb ages 0–1; P1's and Q1's April orders and R1 are not seen
    const r = await runCohorts(ctx.wh, { asOf: '2024-04-30' });
    expect(r.params.dataEnd).toBe('2024-04-01');
    expect(r.maxAge).toBe(2);
    const c = byLabel(r);
    expect(Object.keys(c)).toEqual(['2024-01', '2024-02']);
    expect(c['2024-01']!.cumulativeRevenuePerCustomer).toEqual([105, 117.5, 127.5]);
    expect(c['2024-02']!.activeCustomers).toEqual([2, 1, null]);
  });

  it('split by the first order’s channel (ties: the lower order id) and by customer source', async () => {
    // Jan: P1 tmall, T1 app (t1 before t2 at the same minute), P2 jd, P3 web; Feb: Q1, Q2 tmall; Apr: R1 null channel
    const ch = byLabel(await runCohorts(ctx.wh, { by: 'channel' }));
    expect(Object.keys(ch)).toEqual(['2024-01/app', '2024-01/jd', '2024-01/tmall', '2024-01/web', '2024-02/tmall', '2024-04']);
    expect(ch['2024-01/tmall']!.activeCustomers).toEqual([1, 1, 0, 1]);
    expect(ch['2024-01/web']!.activeCustomers).toEqual([1, 0, 1, 0]);
    expect(ch['2024-02/tmall']!.activeCustomers).toEqual([2, 1, 1, null]);
    expect(ch['2024-04']!.customers).toBe(1);
    // source: Jan P1, P2 tmall, T1 wechat, P3 none; Feb Q1, Q2 jd; Apr R1 has no customers row → none
    const src = byLabel(await runCohorts(ctx.wh, { by: 'source' }));
    expect(Object.fromEntries(Object.entries(src).map(([k, v]) => [k, v.customers]))).toEqual({ '2024-01': 1, '2024-01/tmall': 2, '2024-01/wechat': 1, '2024-02/jd': 2, '2024-04': 1 });
    expect(src['2024-01/tmall']!.revenue).toEqual([400, 50, 0, 30]);
  });

  it('weekly cohorts: ISO weeks from Monday; P3 (Wed 01-31) and Q1 (Thu 02-01) share the week of 01-29', async () => {
    /*
     * Data end: the Monday of the week holding 05-01 = 04-29; the cohort week 01-29 sees ages 0 … 12 (13 weeks to 04-29).
     * P3: 01-31 (age 0) ¥10, 03-15 → week 03-11 = 42 days → age 6 ¥40. Q1: 02-01 (age 0) ¥80, 03-02 → week 02-26 = age 4 ¥20;
     * its 04-30 order is in the week of 04-29, not complete.
     */
    const r = await runCohorts(ctx.wh, { period: 'week', from: '2024-01-29', to: '2024-02-05' });
    expect(r.params.dataEnd).toBe('2024-04-29');
    expect(r.maxAge).toBe(12);
    expect(r.cohorts).toHaveLength(1);
    const w = r.cohorts[0]!;
    expect([w.label, w.customers]).toEqual(['2024-W05', 2]);
    expect(w.activeCustomers).toEqual([2, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(w.revenue.filter((x) => x)).toEqual([90, 20, 40]);
    expect(w.cumulativeRevenuePerCustomer[12]).toBe(75);
  });

  it('bad parameters and empty windows: errors naming the field, with stable codes', async () => {
    const issues = validateCohortParams({ from: '2024-01-15', to: '2024-13-01', period: 'year', by: 'city' });
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual(['invalid_choice period', 'invalid_choice by', 'invalid_date to']);
    expect(validateCohortParams({ from: '2024-01-15' }).map((i) => i.message)).toEqual(['from: 2024-01-15 is not the first day of a month; use 2024-01-01']);
    expect(validateCohortParams({ period: 'week', from: '2024-01-03' })[0]!.message).toBe('from: 2024-01-03 is not the first day of a week (weeks start on Monday); use 2024-01-01');
    expect(validateCohortParams({ from: '2024-02-01', to: '2024-01-01' }).map((i) => i.code)).toEqual(['from_not_before_to']);
    expect(validateCohortParams('x').map((i) => i.code)).toEqual(['invalid_params']);
    // no first order in March
    expect((await errorOf(runCohorts(ctx.wh, { from: '2024-03-01', to: '2024-04-01' }))).issues.map((i) => `${i.code} ${i.field}`)).toEqual(['empty_window from']);
    // nothing complete before the as-of date
    expect((await errorOf(runCohorts(ctx.wh, { asOf: '2024-01-20' }))).issues.map((i) => `${i.code} ${i.field}`)).toEqual(['empty_window asOf']);
    expect((await errorOf(prepareCohorts(ctx.wh, { from: '2024-06-01' }))).issues.map((i) => i.code)).toEqual(['empty_window']);
  });
});

describe('tidemark cohorts (the built CLI)', () => {
  const cli = runCli;

  it('CSV (one row per cohort and observable age), JSON with nulls, errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await shop(ctx.wh);
      await ctx.wh.close();
      const out = join(ctx.dir, 'c.csv');
      const r = cli(['cohorts', '--db', ctx.path, '--lang', 'en', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const all = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
      const lines = all.slice(0, all.indexOf('')); // the first table (then the triangles)
      // Jan ages 0–3, Feb 0–2, Apr 0: 8 rows in the first table
      expect(lines.filter((l) => /^2024-0\d,\d+,/.test(l))).toHaveLength(8);
      expect(lines.find((l) => l.startsWith('2024-02,1,'))).toBe('2024-02,1,2,1,0.5,20,0.14285714285714285,80');
      // XLSX: the long table and three triangles; numbers stay numbers, unobservable cells stay empty
      const xlsx = join(ctx.dir, 'c.xlsx');
      expect(cli(['cohorts', '--db', ctx.path, '--lang', 'en', '--out', xlsx]).status).toBe(0);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(xlsx);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Cohorts', 'Customer retention', 'Revenue retention', 'Cumulative revenue per custo']);
      const tri = wb.worksheets[1]!;
      const rowOf = (label: string) => tri.getSheetValues().find((r) => Array.isArray(r) && r[1] === label) as unknown[];
      // cohort, customers, ages 0…3 (ExcelJS rows are 1-based)
      expect(rowOf('2024-02').slice(1)).toEqual(['2024-02', 2, 1, 0.5, 0.5]);
      expect(rowOf('2024-01')[4]).toBe(0.25);
      const j = cli(['cohorts', '--db', ctx.path, '--json']);
      expect(j.status).toBe(0);
      const body = JSON.parse(j.stdout) as CohortResult;
      expect(body.cohorts.find((c) => c.label === '2024-04')!.retention).toEqual([1, null, null, null]);
      const bad = cli(['cohorts', '--db', ctx.path, '--from', '2024-01-15', '--as-of', 'soon']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--from: 2024-01-15 is not the first day of a month');
      expect(bad.stderr).toContain("--as-of: 'soon' is not a date");
    } finally {
      await ctx.cleanup();
    }
  });
});

const CDNOW = join(new URL('../../../../shared/data/', import.meta.url).pathname, 'cdnow/CDNOW_master.txt');

describe.runIf(existsSync(CDNOW))('cohorts on CDNOW equal a hand SQL over the raw file', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
  }, 30_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('the January–March 1997 cohorts hold all 23,570 customers; sizes and month-1 retention', async () => {
    // The raw file read directly (not through the import): whitespace-separated customer_id, YYYYMMDD, cds, dollars.
    const raw = `WITH lines AS (
        SELECT string_split_regex(trim(line), '\\s+') AS f FROM read_csv($1, columns = {'line': 'VARCHAR'}, delim = '\\t', quote = '', header = true)
      ), tx AS (SELECT f[1] AS cid, CAST(strptime(f[2], '%Y%m%d') AS DATE) AS d, CAST(f[4] AS DECIMAL(18,2)) AS usd FROM lines WHERE len(f) >= 4),
      firsts AS (SELECT cid, date_trunc('month', min(d)) AS cohort FROM tx GROUP BY cid),
      month1 AS (SELECT DISTINCT t.cid, f.cohort FROM tx t JOIN firsts f USING (cid) WHERE date_trunc('month', t.d) = f.cohort + INTERVAL 1 MONTH)
      SELECT strftime(f.cohort, '%Y-%m') AS cohort, count(*) AS size, (SELECT count(*) FROM month1 m WHERE m.cohort = f.cohort) AS m1
      FROM firsts f GROUP BY f.cohort ORDER BY 1`;
    const hand = (await ctx.wh.query(raw, [CDNOW])).rows.map((x) => [x.cohort, Number(x.size), Number(x.m1)]);
    const r = await runCohorts(ctx.wh, {});
    expect(r.params.dataEnd).toBe('1998-07-01'); // last order 1998-06-30
    expect(r.customers).toBe(23_570);
    expect(r.cohorts.map((c) => [c.label, c.customers, c.activeCustomers[1]])).toEqual(hand);
    expect(hand.map((h) => h[0])).toEqual(['1997-01', '1997-02', '1997-03']);
    for (const c of r.cohorts) expect(c.retention[1]).toBeCloseTo(c.activeCustomers[1]! / c.customers, 15);
    expect(r.maxAge).toBe(17); // 1997-01 → 1998-06
    // all revenue is in some cohort cell: Σ size × LTV at the last age = the file's total (SOURCE.txt: 2,500,315.63)
    const total = r.cohorts.reduce((s, c) => s + c.customers * c.cumulativeRevenuePerCustomer[r.maxAge - (c.label === '1997-01' ? 0 : c.label === '1997-02' ? 1 : 2)]!, 0);
    expect(total).toBeCloseTo(2_500_315.63, 2);
  }, 30_000);
});
