import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { fingerprint, tempWarehouse } from '../testing/index.js';
import { importFile } from './index.js';

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;
const CDNOW = join(DATA, 'cdnow/CDNOW_master.txt');
const CRM = join(DATA, 'crm-sales-opportunities');

/** Figures computed straight from the raw file with DuckDB, independent of the import pipeline. */
async function rawCdnowFigures() {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(`
    WITH l AS (SELECT line FROM read_csv('${CDNOW}', header=true, delim='\t', columns={'line': 'VARCHAR'}))
    SELECT (SELECT count(*) FROM l)::INT AS lines,
           (SELECT count(*) FROM (SELECT line FROM l GROUP BY line HAVING count(*) > 1))::INT AS groups,
           (SELECT (sum(c) - count(*)) FROM (SELECT count(*) AS c FROM l GROUP BY line HAVING count(*) > 1))::INT AS repeats`);
  const row = r.getRowObjectsJS()[0] as { lines: number; groups: number; repeats: number };
  c.closeSync();
  return row;
}

describe.runIf(existsSync(CDNOW))('CDNOW master transactions (Fader & Hardie)', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  beforeAll(async () => {
    ctx = await tempWarehouse();
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('imports as orders with the counts and total of SOURCE.txt', async () => {
    const raw = await rawCdnowFigures();
    const r = await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
    expect(r.format).toBe('text');
    expect(r.mapping).toEqual({ customer_id: 'customer_id', ordered_at: 'date', item_qty: 'number_of_cds', amount: 'dollar_value' });
    // SOURCE.txt: 69,659 rows, 23,570 distinct customers, sum dollar_value 2,500,315.63, sum cds 167,881
    expect(r.rowsRead).toBe(69_659);
    expect(r.loaded).toBe(69_659);
    expect(r.quarantined).toBe(0);
    const t = (
      await ctx.wh.query(`SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers, sum(amount)::VARCHAR AS total, sum(item_qty) AS cds,
        min(ordered_at)::VARCHAR AS first, max(ordered_at)::VARCHAR AS last FROM orders`)
    ).rows[0];
    expect(t).toEqual({ orders: 69_659, customers: 23_570, total: '2500315.63', cds: 167_881, first: '1997-01-01 00:00:00', last: '1998-06-30 00:00:00' });
    expect((await ctx.wh.query(`SELECT count(*) AS n FROM customers WHERE is_stub`)).rows[0]?.n).toBe(23_570);
    expect((await ctx.wh.query(`SELECT customer_id FROM orders ORDER BY customer_id LIMIT 1`)).rows[0]?.customer_id).toBe('00001');
    // identical lines are real repeat purchases: kept and flagged, never merged
    expect(raw.lines).toBe(69_659);
    const dup = r.rules.find((x) => x.rule === 'possible_duplicate');
    expect(dup?.count).toBe(raw.repeats);
    expect(dup?.detail).toContain(`${raw.groups} groups`);
    expect(raw.groups).toBe(215);
  });

  it('a second import of the same file changes nothing', async () => {
    const before = await fingerprint(ctx.wh);
    const r = await importFile(ctx.wh, { file: CDNOW, entity: 'orders' });
    expect(r.loaded).toBe(0);
    expect(r.merged).toBe(69_659);
    const after = await fingerprint(ctx.wh);
    for (const t of Object.keys(before)) if (t !== 'tm_imports') expect(after[t]).toBe(before[t]);
  });
});

describe.runIf(existsSync(CRM))('CRM sales opportunities (Maven Analytics)', () => {
  it('imports accounts, teams and the pipeline; stage counts match SOURCE.txt', async () => {
    const ctx = await tempWarehouse();
    try {
      const acc = await importFile(ctx.wh, { file: join(CRM, 'accounts.csv'), entity: 'customers' });
      expect(acc.loaded).toBe(85);
      expect(acc.mapping).toMatchObject({ customer_id: 'account', industry: 'sector', annual_revenue: 'revenue', company_size: 'employees', parent_customer_id: 'subsidiary_of' });
      expect(acc.customFields).toEqual(['year_established', 'office_location']);
      const teams = await importFile(ctx.wh, { file: join(CRM, 'sales_teams.csv'), entity: 'employees' });
      expect(teams.loaded).toBe(35);
      const r = await importFile(ctx.wh, { file: join(CRM, 'sales_pipeline.csv'), entity: 'opportunities' });
      expect(r.rowsRead).toBe(8_800);
      expect(r.loaded).toBe(8_800);
      expect(r.quarantined).toBe(0);
      const stages = Object.fromEntries((await ctx.wh.query(`SELECT stage, count(*) AS n FROM opportunities GROUP BY stage`)).rows.map((x) => [x.stage, x.n]));
      // SOURCE.txt: Won 4,238 | Lost 2,473 | Engaging 1,589 | Prospecting 500
      expect(stages).toEqual({ won: 4_238, lost: 2_473, engaging: 1_589, prospecting: 500 });
      const won = (await ctx.wh.query(`SELECT sum(amount)::BIGINT AS v, count(*) FILTER (WHERE customer_id IS NULL) AS noacc FROM opportunities WHERE stage = 'won'`)).rows[0];
      expect(won?.v).toBe(10_005_534);
      expect((await ctx.wh.query(`SELECT count(*) AS n FROM opportunities WHERE customer_id IS NULL`)).rows[0]?.n).toBe(1_425);
      // every named account was in accounts.csv: no stubs needed
      expect((await ctx.wh.query(`SELECT count(*) AS n FROM customers WHERE is_stub`)).rows[0]?.n).toBe(0);
    } finally {
      await ctx.cleanup();
    }
  });
});
