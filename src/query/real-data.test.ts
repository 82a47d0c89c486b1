/**
 * Metrics on real data against hand-written SQL over the raw files: the expected side reads the original
 * CSV/text with DuckDB directly, never Tidemark's tables, so an import or compiler mistake cannot hide.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildCatalog } from '../metrics/catalog/index.js';
import { importFile } from '../import/index.js';
import { tempWarehouse } from '../testing/index.js';
import type { Row } from '../warehouse/port.js';
import { runQuery } from './run.js';
import type { Query } from './types.js';

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;
const CDNOW = join(DATA, 'cdnow/CDNOW_master.txt');
const CRM = join(DATA, 'crm-sales-opportunities');
const catalog = buildCatalog();

/** Runs SQL on a scratch in-memory DuckDB (not the warehouse). */
async function raw(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
  }
}

const cents = (v: unknown) => Math.round(Number(v) * 100);

describe.runIf(existsSync(CDNOW))('CDNOW: monthly figures equal SQL over the raw file', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  // The raw file: " 00001 19970101  1   11.77\r\n" — customer id, yyyymmdd, CDs, dollars, blank-separated.
  const RAW = `
    WITH l AS (SELECT line FROM read_csv('${CDNOW}', header=true, delim='\t', quote='', columns={'line': 'VARCHAR'})),
    p AS (SELECT regexp_split_to_array(trim(replace(line, chr(13), '')), '\\s+') AS a FROM l),
    t AS (SELECT a[1] AS id, strptime(a[2], '%Y%m%d') AS d, CAST(a[4] AS DECIMAL(18,2)) AS dollars FROM p),
    firsts AS (SELECT id, min(d) AS first FROM t GROUP BY id)`;

  it('revenue, orders and buying customers by month', async () => {
    const expected = await raw(`${RAW}
      SELECT strftime(d, '%Y-%m') AS month, CAST(sum(dollars) AS VARCHAR) AS revenue, count(*)::INT AS orders, count(DISTINCT id)::INT AS customers
      FROM t GROUP BY 1 ORDER BY 1`);
    expect(expected).toHaveLength(18); // 1997-01 … 1998-06
    const res = await runQuery(ctx.wh, catalog, { metrics: ['revenue', 'orders', 'buying_customers'], dimensions: ['month'] }, { today: '2024-01-01' });
    expect(res.rows.map((r) => [r.month, cents(r.revenue), r.orders, r.buying_customers])).toEqual(expected.map((e) => [e.month, cents(e.revenue), e.orders, e.customers]));
    // and the grand total: 2,500,315.63 over 23,570 customers (SOURCE.txt)
    const total = (await runQuery(ctx.wh, catalog, { metrics: ['revenue', 'buying_customers'] }, { today: '2024-01-01' })).rows[0]!;
    expect([cents(total.revenue), total.buying_customers]).toEqual([250_031_563, 23_570]);
  });

  it('new customers by month: customers whose first purchase falls in the month', async () => {
    const expected = await raw(`${RAW}
      SELECT strftime(first, '%Y-%m') AS month, count(*)::INT AS n FROM firsts GROUP BY 1 ORDER BY 1`);
    const res = await runQuery(ctx.wh, catalog, { metrics: ['new_customers'], dimensions: ['month'] }, { today: '2024-01-01' });
    const got = Object.fromEntries(res.rows.map((r) => [r.month, r.new_customers]));
    // CDNOW is a cohort: everyone's first purchase is in Q1 1997, later months have no new customers
    expect(got).toEqual(Object.fromEntries(res.rows.map((r) => [r.month, expected.find((e) => e.month === r.month)?.n ?? 0])));
    expect(expected.map((e) => e.month)).toEqual(['1997-01', '1997-02', '1997-03']);
  });

  it('repeat customers and repurchase rate over 1997', async () => {
    const [e] = await raw(`${RAW}
      SELECT count(*) FILTER (WHERE n >= 2)::INT AS repeaters, count(*)::INT AS buyers
      FROM (SELECT id, count(*) AS n FROM t WHERE d >= DATE '1997-01-01' AND d < DATE '1998-01-01' GROUP BY id)`);
    const r = (await runQuery(ctx.wh, catalog, { metrics: ['repeat_customers', 'buying_customers', 'repurchase_rate'], from: '1997-01-01', to: '1997-12-31' }, { today: '2024-01-01' })).rows[0]!;
    expect(r.repeat_customers).toBe(e!.repeaters);
    expect(r.buying_customers).toBe(e!.buyers);
    expect(r.repurchase_rate).toBeCloseTo(Number(e!.repeaters) / Number(e!.buyers), 12);
  });
});

describe.runIf(existsSync(CRM))('CRM sales opportunities: win rate and won value by rep, manager and office', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await importFile(ctx.wh, { file: join(CRM, 'accounts.csv'), entity: 'customers' });
    await importFile(ctx.wh, { file: join(CRM, 'sales_teams.csv'), entity: 'employees' });
    await importFile(ctx.wh, { file: join(CRM, 'sales_pipeline.csv'), entity: 'opportunities' });
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  const PIPE = `read_csv('${join(CRM, 'sales_pipeline.csv')}', header=true, all_varchar=true)`;
  const TEAMS = `read_csv('${join(CRM, 'sales_teams.csv')}', header=true, all_varchar=true)`;
  const q = async (query: Query): Promise<Row[]> => (await runQuery(ctx.wh, catalog, query, { today: '2024-01-01' })).rows;

  it('overall: win rate 4238 / (4238 + 2473) and won value 10,005,534 (SOURCE.txt)', async () => {
    const [r] = await q({ metrics: ['won_deals', 'lost_deals', 'win_rate', 'won_amount', 'avg_deal_size', 'opportunities', 'open_opportunities'] });
    expect(r).toMatchObject({ won_deals: 4238, lost_deals: 2473, won_amount: 10_005_534 });
    expect(r!.win_rate).toBeCloseTo(4238 / 6711, 12);
    expect(Number(r!.win_rate).toFixed(4)).toBe('0.6315');
    expect(r!.avg_deal_size).toBeCloseTo(10_005_534 / 4238, 9);
    // opportunities are counted by creation (engage) date: the 500 prospecting ones have none
    expect(r).toMatchObject({ opportunities: 8300, open_opportunities: 1589 });
  });

  /** The same figures straight from the CSVs, grouped by `key` (a column of the pipeline joined to its agent's team). */
  async function rawBy(key: string): Promise<Record<string, [number, number, number]>> {
    const rs = await raw(`
      SELECT ${key} AS k, count(*) FILTER (WHERE p.deal_stage = 'Won')::INT AS won, count(*) FILTER (WHERE p.deal_stage = 'Lost')::INT AS lost,
             coalesce(sum(CAST(p.close_value AS BIGINT)) FILTER (WHERE p.deal_stage = 'Won'), 0)::BIGINT AS amount
      FROM ${PIPE} p LEFT JOIN ${TEAMS} t ON t.sales_agent = p.sales_agent
      GROUP BY 1 HAVING count(*) FILTER (WHERE p.deal_stage IN ('Won', 'Lost')) > 0`);
    return Object.fromEntries(rs.map((r) => [String(r.k), [Number(r.won), Number(r.lost), Number(r.amount)]]));
  }

  for (const [dim, key, n] of [
    ['rep', 'p.sales_agent', 30],
    ['manager', 't.manager', 6],
    ['department', 't.regional_office', 3],
    ['branch', 't.regional_office', 3],
  ] as const) {
    it(`by ${dim}`, async () => {
      const expected = await rawBy(key);
      expect(Object.keys(expected)).toHaveLength(n);
      const rows = await q({ metrics: ['won_deals', 'lost_deals', 'won_amount', 'win_rate'], dimensions: [dim] });
      const got = Object.fromEntries(rows.filter((r) => Number(r.won_deals) + Number(r.lost_deals) > 0).map((r) => [String(r[dim]), [r.won_deals, r.lost_deals, r.won_amount]]));
      expect(got).toEqual(expected);
      for (const r of rows) {
        const [w, l] = expected[String(r[dim])] ?? [0, 0];
        if (w + l > 0) expect(r.win_rate).toBeCloseTo(w / (w + l), 12);
      }
    });
  }

  it('won value by month of closing, with a total', async () => {
    const rs = await raw(`SELECT strftime(CAST(close_date AS DATE), '%Y-%m') AS m, sum(CAST(close_value AS BIGINT))::BIGINT AS v, count(*)::INT AS n
      FROM ${PIPE} WHERE deal_stage = 'Won' GROUP BY 1 ORDER BY 1`);
    const rows = await q({ metrics: ['won_amount', 'won_deals'], dimensions: ['month'], totals: true });
    expect(rows.filter((r) => r._grouping === 0).map((r) => [r.month, r.won_amount, r.won_deals])).toEqual(rs.map((r) => [r.m, Number(r.v), r.n]));
    expect(rows.find((r) => r._grouping === 1)).toMatchObject({ won_amount: 10_005_534, won_deals: 4238 });
  });
});
