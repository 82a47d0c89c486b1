/**
 * The region code dimensions (province_code, city_code, district_code): the GB/T 2260 codes the cleaner derives, what
 * the Geography page matches map features on. Each name has one code, and grouping by name and code gives the same
 * figures as grouping by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/index.js';
import { buildCatalog } from '../metrics/catalog/index.js';
import { tempWarehouse } from '../testing/index.js';
import { runQuery } from './run.js';

const catalog = buildCatalog();
let ctx: Awaited<ReturnType<typeof tempWarehouse>>;

beforeAll(async () => {
  ctx = await tempWarehouse();
  await generateDemo(ctx.wh, { customers: 600, seed: 7 });
}, 120_000);
afterAll(async () => {
  await ctx?.cleanup();
});

describe('region code dimensions', () => {
  it('revenue by province and province_code equals revenue by province; one code per province, as the customers table has it', async () => {
    const byName = await runQuery(ctx.wh, catalog, { metrics: ['revenue'], dimensions: ['province'] });
    const byCode = await runQuery(ctx.wh, catalog, { metrics: ['revenue'], dimensions: ['province', 'province_code'] });
    expect(byCode.rows.length).toBe(byName.rows.length);
    const names = new Map(byName.rows.map((r) => [r.province, Number(r.revenue)]));
    for (const r of byCode.rows) expect(Number(r.revenue)).toBe(names.get(r.province));
    const codes = (await ctx.wh.query('SELECT DISTINCT province, province_code FROM customers WHERE province IS NOT NULL')).rows;
    const codeOf = new Map(codes.map((r) => [r.province, r.province_code]));
    for (const r of byCode.rows) expect(r.province_code).toBe(codeOf.get(r.province));
    expect(byCode.rows.find((r) => r.province === '广东省')?.province_code).toBe('440000');
  });

  it('a province_code filter and city/district codes: the cities of a province add up to it', async () => {
    const prov = await runQuery(ctx.wh, catalog, { metrics: ['revenue'], dimensions: ['province_code'] });
    const top = [...prov.rows].sort((a, b) => Number(b.revenue) - Number(a.revenue))[0]!;
    const cities = await runQuery(ctx.wh, catalog, { metrics: ['revenue'], dimensions: ['city', 'city_code'], filters: [{ dimension: 'province_code', op: 'in', values: [String(top.province_code)] }] });
    expect(cities.rows.length).toBeGreaterThan(0);
    for (const r of cities.rows) expect(String(r.city_code).slice(0, 2)).toBe(String(top.province_code).slice(0, 2));
    expect(cities.rows.reduce((a, r) => a + Number(r.revenue), 0)).toBeCloseTo(Number(top.revenue), 6);
    const districts = await runQuery(ctx.wh, catalog, { metrics: ['buying_customers'], dimensions: ['district_code'], filters: [{ dimension: 'province_code', op: 'in', values: ['110000'] }] });
    for (const r of districts.rows) if (r.district_code !== null) expect(String(r.district_code)).toMatch(/^11\d{4}$/);
  });
});
