/**
 * The analysis commands (metrics, dimensions, query, drill, report) as real child processes on a real
 * demo warehouse. Expected numbers come from hand-written SQL over the raw tables, not from Tidemark.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { openWarehouse } from '../warehouse/duckdb.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tidemark.js');
const s = scratch('tidemark-analysis-');
const DB = join(s.dir, 'wh.duckdb');

function tidemark(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: s.dir, env: { ...process.env, TIDEMARK_DB: DB, TIDEMARK_DEBUG: undefined, TIDEMARK_CATALOG: undefined, TIDEMARK_LANG: undefined, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

async function json(args: readonly string[]): Promise<any> {
  const r = await tidemark(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

async function usageError(args: readonly string[], message: RegExp): Promise<string> {
  const r = await tidemark(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^tidemark: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  return r.stderr;
}

async function hand(sql: string, params: (string | number)[] = []): Promise<Record<string, unknown>[]> {
  const wh = await openWarehouse({ path: DB, readOnly: true });
  try {
    return (await wh.query(sql, params)).rows;
  } finally {
    await wh.close();
  }
}

const COUNTED = "(status IS NULL OR status <> 'cancelled')";

beforeAll(async () => {
  const r = await tidemark(['demo', '--customers', '3000', '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => s.cleanup());

describe('tidemark metrics', () => {
  it('lists the catalog as JSON', async () => {
    const out = await json(['metrics', '--json']);
    expect(out.metrics.length).toBeGreaterThanOrEqual(90);
    const rr = out.metrics.find((m: any) => m.key === 'repurchase_rate');
    expect(rr.formula).toBe('{repeat_customers} / {buying_customers}');
    expect(out.settings.churnDays).toBe(90);
  });

  it('exports the indicator list as XLSX with Chinese headers and as CSV with a BOM', async () => {
    const x = join(s.dir, '指标清单.xlsx');
    expect((await tidemark(['metrics', '--out', x])).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, '指标代码', '指标名称', '英文名称', '计算公式', '数据来源', '统计周期字段', '单位', '责任部门', '口径说明']);
    const keys = ws.getColumn(1).values.slice(2);
    expect(keys).toContain('win_rate');
    const c = join(s.dir, 'metrics.csv');
    expect((await tidemark(['metrics', '--out', c, '--lang', 'en'])).code).toBe(0);
    const text = readFileSync(c, 'utf8');
    expect(text.startsWith('\uFEFFkey,name,Chinese name,formula,data source,period field,unit,owner,definition\r\n')).toBe(true);
    expect(text).toContain('复购率');
  });
});

describe('tidemark query', () => {
  it('revenue and buying customers by year equal hand SQL', async () => {
    const out = await json(['query', '--metrics', 'revenue,buying_customers,orders', '--by', 'year']);
    const expected = await hand(
      `SELECT strftime(ordered_at, '%Y') AS y, sum(amount)::DOUBLE AS revenue, count(*) AS orders,
              count(DISTINCT customer_id) FILTER (WHERE customer_id IS NOT NULL AND is_anonymous IS NOT TRUE) AS buyers
       FROM orders WHERE ${COUNTED} GROUP BY 1 ORDER BY 1`,
    );
    expect(out.rows.map((r: any) => [r.year, r.revenue, r.orders, r.buying_customers])).toEqual(expected.map((r) => [r.y, r.revenue, r.orders, r.buyers]));
    expect(out.sql).toMatch(/^WITH/);
    expect(out.columns.map((c: any) => c.key)).toEqual(['year', 'revenue', 'buying_customers', 'orders']);
  });

  it('accepts Chinese labels and filters, compares with last year', async () => {
    const out = await json(['query', '--metrics', '销售额', '--by', 'quarter', '--from', '2025-01-01', '--to', '2025-12-31', '--compare', 'yoy', '--filter', 'channel=tmall|jd']);
    expect(out.rows.map((r: any) => r.quarter)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    const prev = await hand(
      `SELECT quarter(ordered_at) AS q, sum(amount)::DOUBLE AS v FROM orders WHERE ${COUNTED} AND channel IN ('tmall','jd') AND ordered_at >= DATE '2024-01-01' AND ordered_at < DATE '2025-01-01' GROUP BY 1 ORDER BY 1`,
    );
    expect(out.rows.map((r: any) => r.revenue__prev)).toEqual(prev.map((r) => r.v));
    for (const r of out.rows) expect(r.revenue__change).toBeCloseTo((r.revenue - r.revenue__prev) / r.revenue__prev, 12);
  });

  it('pivots months × channels', async () => {
    const out = await json(['query', '--metrics', 'orders', '--by', 'month,channel', '--from', '2025-01-01', '--to', '2025-03-31', '--pivot', 'channel']);
    expect(out.rows.map((r: any) => r.month)).toEqual(['2025-01', '2025-02', '2025-03']);
    const tm = await hand(`SELECT count(*) AS n FROM orders WHERE ${COUNTED} AND channel = 'tmall' AND ordered_at >= DATE '2025-02-01' AND ordered_at < DATE '2025-03-01'`);
    expect(out.rows[1].tmall).toBe(tm[0]!.n);
  });

  it('drills down from a year into its quarters, and up again', async () => {
    const down = await json(['query', '--metrics', 'revenue', '--by', 'year', '--drill-down', 'year=2024']);
    expect(down.rows.map((r: any) => r.quarter)).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    const year = await json(['query', '--metrics', 'revenue', '--by', 'year', '--filter', 'year=2024']);
    expect(down.rows.reduce((a: number, r: any) => a + r.revenue, 0)).toBeCloseTo(year.rows[0].revenue, 6);
    const up = await json(['query', '--metrics', 'revenue', '--by', 'month', '--drill-up', 'month']);
    expect(up.columns[0].key).toBe('quarter');
  });

  it('totals survive a top-N limit', async () => {
    const out = await json(['query', '--metrics', 'revenue', '--by', 'province', '--sort', '-revenue', '--limit', '3', '--totals']);
    expect(out.rows).toHaveLength(4);
    expect(out.rows[0].revenue).toBeGreaterThanOrEqual(out.rows[1].revenue);
    const all = await hand(`SELECT sum(amount)::DOUBLE AS v FROM orders WHERE ${COUNTED}`);
    expect(out.rows[3]._grouping).toBe(1);
    expect(out.rows[3].revenue).toBeCloseTo(Number(all[0]!.v), 6);
  });

  it('writes XLSX with formatted headers in the chosen language', async () => {
    const x = join(s.dir, 'q.xlsx');
    expect((await tidemark(['query', '--metrics', 'revenue,repurchase_rate', '--by', 'channel', '--out', x])).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, '渠道', '销售额', '复购率']);
    expect(ws.getColumn(2).numFmt).toContain('¥');
    expect(ws.getColumn(3).numFmt).toContain('%');
    expect(ws.getColumn(1).values).toContain('天猫');
  });

  it('shows a readable table with units', async () => {
    const r = await tidemark(['query', '--metrics', 'revenue,repurchase_rate,ship_days', '--by', 'year', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/年\s+销售额\s+复购率\s+发货周期/);
    expect(r.stdout).toMatch(/¥[\d,]+\.\d\d/);
    expect(r.stdout).toMatch(/\d+\.\d%/);
    expect(r.stdout).toMatch(/\d 天/);
  });

  it('rejects unknown names and impossible splits with the valid names', async () => {
    await usageError(['query', '--metrics', 'revenue; DROP TABLE orders'], /unknown metric 'revenue; DROP TABLE orders'; metrics: revenue, paid_amount/);
    await usageError(['query', '--metrics', 'revenue', '--by', 'planet'], /unknown dimension 'planet'; dimensions: year, quarter/);
    await usageError(['query', '--metrics', 'revenue', '--by', 'category'], /category does not apply to revenue .*item_revenue/);
    await usageError(['query', '--metrics', 'revenue', '--from', '2024-02-30'], /from: '2024-02-30' is not a date/);
    await usageError(['query', '--metrics', 'revenue', '--filter', 'month=2024-13'], /is not a month; write it like 2024-03/);
    await usageError(['query', '--metrics', 'revenue', '--by', 'year', '--pivot', 'channel'], /--pivot: 'channel' is not a dimension of the query/);
    await usageError(['query', '--metrics', 'revenue', '--sort', '-orders'], /sort\[0\]: 'orders' is not a column of this query/);
  });

  it('binds filter values: an injection attempt is just a value that matches nothing', async () => {
    const out = await json(['query', '--metrics', 'orders', '--filter', "province=x'); DROP TABLE orders; --"]);
    expect(out.rows[0].orders).toBe(0);
    expect(out.params).toContain("x'); DROP TABLE orders; --");
    expect((await hand('SELECT count(*) AS n FROM orders'))[0]!.n).toBeGreaterThan(0);
  });
});

describe('tidemark drill', () => {
  it('lists the orders behind a cell and exports them', async () => {
    const out = join(s.dir, 'rows.csv');
    const r = await tidemark(['drill', '--metric', 'revenue', '--filter', 'month=2025-03', '--filter', 'channel=tmall', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    const n = await hand(`SELECT count(*) AS n, sum(amount)::DOUBLE AS v FROM orders WHERE ${COUNTED} AND channel = 'tmall' AND ordered_at >= DATE '2025-03-01' AND ordered_at < DATE '2025-04-01'`);
    expect(lines.length - 1).toBe(n[0]!.n);
    const header = lines[0]!.split(',');
    const amountAt = header.indexOf('amount');
    expect(lines.slice(1).reduce((a, l) => a + Number(l.split(',')[amountAt]), 0)).toBeCloseTo(Number(n[0]!.v), 2);
  });

  it('refuses what it cannot drill through, and writes nothing', async () => {
    const out = join(s.dir, 'never.xlsx');
    await usageError(['drill', '--metric', 'roi', '--out', out], /drill-through: roi combines .*campaign_revenue \(orders\).*campaign_cost \(campaigns\)/);
    await usageError(['drill', '--metric', 'revenue', '--filter', 'month=2025-13', '--out', out], /is not a month; write it like 2024-03/);
    await usageError(['drill', '--metric', 'churn_rate', '--from', '2025-01-01', '--to', '2025-03-31', '--out', out], /looks back over earlier periods/);
    await usageError(['drill', '--metric', 'revenue', '--limit', '0'], /--limit must be a positive integer/);
    expect(existsSync(out)).toBe(false);
  });

  it('lists the repeat customers behind the repurchase numerator', async () => {
    const out = await json(['drill', '--metric', 'repeat_customers', '--from', '2025-01-01', '--to', '2025-06-30', '--customers']);
    const n = await hand(
      `SELECT count(*) AS n FROM (SELECT customer_id FROM orders WHERE ${COUNTED} AND customer_id IS NOT NULL AND is_anonymous IS NOT TRUE
         AND ordered_at >= DATE '2025-01-01' AND ordered_at < DATE '2025-07-01' GROUP BY 1 HAVING count(*) >= 2)`,
    );
    expect(out.rows.length).toBe(n[0]!.n);
    expect(Object.keys(out.rows[0])).toContain('phone');
  });
});

describe('tidemark report', () => {
  it('lists the reports', async () => {
    const out = await json(['report']);
    expect(out.map((r: any) => r.key)).toEqual(['sales', 'process', 'products', 'geography', 'profile', 'members', 'interactions', 'service', 'sales_team', 'campaigns', 'purchasing']);
  });

  it('runs every standard report', async () => {
    for (const name of ['sales', 'process', 'products', 'geography', 'profile', 'members', 'interactions', 'service', 'sales_team', 'campaigns', 'purchasing']) {
      const out = await json(['report', name, '--from', '2025-01-01', '--to', '2025-12-31']);
      expect(out.sections.length).toBeGreaterThan(0);
      for (const sec of out.sections) expect(sec.sql).toMatch(/SELECT/);
    }
  }, 120_000);

  it('sales: channel contribution sums to the overview revenue; --by week changes the trend', async () => {
    const out = await json(['report', 'sales', '--from', '2025-01-01', '--to', '2025-12-31', '--by', 'week']);
    const channels = out.sections.find((x: any) => x.key === 'channels');
    const total = channels.rows.find((r: any) => r._grouping === 1);
    const ov = await json(['overview', '--from', '2025-01-01', '--to', '2025-12-31']);
    expect(total.revenue).toBeCloseTo(ov.revenue, 2);
    expect(total.buying_customers).toBe(ov.activeCustomers);
    const trend = out.sections.find((x: any) => x.key === 'trend');
    expect(trend.rows[0].week).toMatch(/^\d{4}-W\d\d$/);
  });

  it('writes one sheet per section', async () => {
    const x = join(s.dir, '销售团队.xlsx');
    const r = await tidemark(['report', 'sales_team', '--from', '2025-01-01', '--to', '2025-12-31', '--out', x]);
    expect(r.code, r.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['销售业绩', '商机阶段', '应收回款', '员工活动', '输单原因']);
  });

  it('unknown report → the list', async () => {
    await usageError(['report', 'nope'], /unknown report 'nope'; reports: sales, process/);
  });
});

describe('catalog config', () => {
  it('adds a metric, a dimension over a custom field, and a report', async () => {
    const cfg = join(s.dir, 'tidemark.catalog.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        settings: { churnDays: 60 },
        metrics: [
          { key: 'big_orders', label: { zh: '大额订单数', en: 'Big orders' }, description: 'Orders of 2,000 or more.', unit: 'count', owner: '销售部', source: 'orders', measure: 'count(*)', filter: "amount >= 2000 AND (status IS NULL OR status <> 'cancelled')", time: 'ordered_at' },
          { key: 'big_order_share', label: '大额订单占比', description: 'Big orders ÷ orders.', unit: 'ratio', owner: '销售部', formula: '{big_orders} / {orders}' },
        ],
        dimensions: [{ key: 'hobby', label: { zh: '爱好', en: 'Hobby' }, anchors: [{ table: 'customers', expr: 'extra.爱好' }] }],
        reports: [{ key: 'big', title: { zh: '大单', en: 'Big orders' }, description: 'mine', sections: [{ key: 'by_year', title: '按年', metrics: ['big_orders', 'big_order_share'], dimensions: ['year'] }] }],
      }),
    );
    const out = await json(['query', '--metrics', 'big_orders,big_order_share', '--by', 'hobby']);
    const n = await hand(`SELECT count(*) AS n FROM orders WHERE amount >= 2000 AND ${COUNTED}`);
    expect(out.rows.reduce((a: number, r: any) => a + r.big_orders, 0)).toBe(n[0]!.n);
    const rep = await json(['report', 'big']);
    expect(rep.sections[0].rows.length).toBeGreaterThan(0);
    const m = await json(['metrics', '--json']);
    expect(m.settings.churnDays).toBe(60);
    expect(m.metrics.find((x: any) => x.key === 'churned_customers').lookbackDays).toBe(60);
  });

  it('a bad config names every problem', async () => {
    const cfg = join(s.dir, 'bad.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        metrics: [
          { key: 'a', label: 'A', description: 'x', unit: 'count', owner: 'x', formula: '{b} + 1' },
          { key: 'b', label: 'B', description: 'x', unit: 'count', owner: 'x', formula: '{a} * 2' },
          { key: 'c', label: 'C', description: 'x', unit: 'count', owner: 'x', source: 'orders', measure: 'sum(amonut)', time: 'ordered_at' },
        ],
      }),
    );
    const err = await usageError(['query', '--metrics', 'revenue', '--catalog', cfg], /bad\.json: 2 problems/);
    expect(err).toMatch(/metrics\.a\.formula: circular definition \{a\} → \{b\} → \{a\}/);
    expect(err).toMatch(/metrics\.c\.measure: 'amonut': orders has no field 'amonut'/);
  });
});
