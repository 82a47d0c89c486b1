/**
 * Geography page in a real browser: the province choropleth drawn from the map files with the API's values, a click
 * on a province drills to its cities (URL, breadcrumb, city values adding up to the province), the values the map
 * cannot place listed beside it, the ranked bars, and the fallback to the bars when the map file cannot load.
 * The demo gets one extra customer abroad (province 海外, no code) with one order, so something cannot be placed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

let srv: DemoServer;
let browser: Browser;
const OVERSEAS_AMOUNT = 12345;

beforeAll(async () => {
  srv = await demoServer({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep', role: 'sales_rep', employeeId: 'E055' },
    ],
    setup: async (dbPath) => {
      const wh = await openWarehouse({ path: dbPath });
      try {
        await wh.run("INSERT INTO customers (customer_id, name, province, kind) VALUES ('ZZ-ABROAD', '海外客户', '海外', 'person')");
        await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status, channel) VALUES ('ZZ-ORDER-1', 'ZZ-ABROAD', TIMESTAMP '2025-06-01 10:00:00', ${OVERSEAS_AMOUNT}, 'completed', 'web')`);
      } finally {
        await wh.close();
      }
    },
  });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

const PERIOD = 'from=2025-01-01&to=2025-12-31';
type Row = Record<string, unknown>;

async function query(page: Page, body: unknown): Promise<Row[]> {
  const r = await page.evaluate(async (body) => {
    const csrf = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
    const res = await fetch('/api/query', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) }, body: JSON.stringify(body) });
    return res.json();
  }, body);
  return (r as { rows: Row[] }).rows;
}

/** The value cells of the ranked table (raw numbers from data-value), by region name. */
async function tableValues(page: Page): Promise<Map<string, number>> {
  const rows = await page.locator('[data-testid=geo-table] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td')!.textContent ?? '', Number(tr.querySelector('[data-value]')!.getAttribute('data-value'))] as const));
  return new Map(rows);
}

/** Hovers over points of the map until the tooltip names a province, and returns that point and name. */
async function findProvince(page: Page): Promise<{ x: number; y: number; name: string }> {
  const box = (await page.locator('[data-testid=geo-map] canvas').first().boundingBox())!;
  for (const [fx, fy] of [[0.62, 0.55], [0.55, 0.6], [0.5, 0.5], [0.7, 0.45], [0.45, 0.65], [0.6, 0.7]] as const) {
    const x = box.x + box.width * fx;
    const y = box.y + box.height * fy;
    await page.mouse.move(x, y);
    await page.waitForTimeout(300);
    const tip = await page.evaluate(() => [...document.querySelectorAll('div')].find((d) => d.style.position === 'absolute' && d.style.zIndex === '9999999' && d.style.display !== 'none' && d.textContent)?.textContent ?? '');
    const name = /^(\S+?(?:省|市|自治区))/.exec(tip)?.[1];
    if (name) return { x, y, name };
  }
  throw new Error('no province under the probed points');
}

describe('geography page', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: the choropleth has the API's provinces, a click drills to the cities, and they add up`, async () => {
      const { page, errors, context } = await openTab(browser, { locale });
      await signIn(page, srv.url, 'admin');
      await page.goto(`${srv.url}/geography?${PERIOD}`);
      await page.locator('[data-testid=geo-map][data-level=province] canvas').waitFor();
      await settled(page);

      // The map series has a value for every province of the data that has a code; 海外 cannot be placed.
      const rows = await query(page, { metrics: ['revenue'], dimensions: ['province', 'province_code'], from: '2025-01-01', to: '2025-12-31', totals: true });
      const leaves = rows.filter((r) => !(Number(r._grouping) > 0));
      const total = Number(rows.find((r) => Number(r._grouping) > 0)!.revenue);
      const withCode = leaves.filter((r) => r.province_code);
      expect(withCode.length).toBe(31);
      await expect.poll(() => page.locator('[data-testid=geo-map]').getAttribute('data-regions')).toBe(String(withCode.length));
      expect(await page.locator('[data-testid=geo-unplaced]').textContent()).toContain('海外');
      const onMap = (await page.locator('[data-testid=geo-onmap]').textContent())!;
      expect(onMap).toMatch(locale === 'en' ? /of .* on the map/ : /地图上显示/);
      expect(onMap).not.toContain('100.0%'); // the order abroad is not on the map
      // The table lists every region (the unknown one too), and its total is the API's.
      const values = await tableValues(page);
      expect(values.size).toBe(leaves.length);
      expect(values.get('海外')).toBe(OVERSEAS_AMOUNT);
      expect(Number(await page.locator('[data-testid=geo-total]').getAttribute('data-value'))).toBe(total);
      await screenshot(page, `geography-china-${locale}`);

      // Click a province on the map: the URL names its code, the breadcrumb its name, the map shows its cities.
      const hit = await findProvince(page);
      const provinceRow = leaves.find((r) => r.province === hit.name)!;
      expect(provinceRow, hit.name).toBeDefined();
      await page.mouse.click(hit.x, hit.y);
      await page.waitForURL(new RegExp(`geo=${String(provinceRow.province_code)}`));
      await page.locator('[data-testid=geo-map]:not([data-level=province]) canvas').waitFor();
      await settled(page);
      await expect.poll(() => page.locator('[data-testid=geo-current]').textContent()).toBe(hit.name);
      await page.waitForFunction(() => document.querySelector('.reloading') === null); // the province's own answer is in
      await expect.poll(async () => Number(await page.locator('[data-testid=geo-map]').getAttribute('data-regions'))).toBeGreaterThan(0);
      // City values add up to the province's value (the grand total under the filter, and the china-level value).
      const cities = await tableValues(page);
      const sum = [...cities.values()].reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(Number(provinceRow.revenue), 2);
      expect(Number(await page.locator('[data-testid=geo-total]').getAttribute('data-value'))).toBeCloseTo(Number(provinceRow.revenue), 2);
      await screenshot(page, `geography-province-${locale}`);

      // Back to China.
      await page.locator('[data-testid=geo-back]').click();
      await page.locator('[data-testid=geo-map][data-level=province] canvas').waitFor();
      expect(page.url()).not.toContain('geo=');
      await page.waitForFunction(() => document.querySelector('.reloading') === null);

      // The ranked bars, by the toggle (URL), with every region.
      await page.locator('[data-testid=geo-view-bar]').click();
      await page.waitForURL(/view=bar/);
      await page.locator('[data-testid=geo-bars] canvas').waitFor();
      await expect.poll(() => page.locator('[data-testid=geo-bars]').getAttribute('data-regions')).toBe(String(leaves.length));
      await screenshot(page, `geography-bars-${locale}`);

      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('a municipality drills to its districts; another metric (AOV) shows its own values', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/geography?${PERIOD}&geo=110000`);
    await page.locator('[data-testid=geo-map][data-level=district] canvas').waitFor();
    await settled(page);
    expect(Number(await page.locator('[data-testid=geo-map]').getAttribute('data-regions'))).toBeGreaterThan(5);
    await page.locator('[data-testid=geo-back]').click();
    await page.locator('[data-testid=geo-metric]').selectOption('aov');
    await page.waitForURL(/metric=aov/);
    await settled(page);
    const rows = await query(page, { metrics: ['aov'], dimensions: ['province', 'province_code'], from: '2025-01-01', to: '2025-12-31', totals: true });
    const total = rows.find((r) => Number(r._grouping) > 0)!;
    await expect.poll(async () => Number(await page.locator('[data-testid=geo-total]').getAttribute('data-value'))).toBeCloseTo(Number(total.aov), 6);
    // AOV does not add up over regions: the header says how many regions are placed instead of a share of a total.
    expect(await page.locator('[data-testid=geo-onmap]').textContent()).toMatch(/31 \/ 32/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('when the map file cannot load, the ranked bars are shown instead, with every value', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await context.route('**/maps/china.json', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/geography?${PERIOD}`);
    await page.locator('[data-testid=geo-map-failed]').waitFor();
    await page.locator('[data-testid=geo-bars] canvas').waitFor();
    await settled(page);
    expect(await page.locator('[data-testid=geo-map-failed]').textContent()).toContain('HTTP 404');
    expect(await page.locator('[data-testid=geo-map]').count()).toBe(0);
    const rows = await query(page, { metrics: ['revenue'], dimensions: ['province', 'province_code'], from: '2025-01-01', to: '2025-12-31' });
    expect(await page.locator('[data-testid=geo-bars]').getAttribute('data-regions')).toBe(String(rows.length));
    expect((await tableValues(page)).get('海外')).toBe(OVERSEAS_AMOUNT);
    await screenshot(page, 'geography-fallback-en');
    // The browser itself reports the failed static request as a console error ("Failed to load resource … 404"):
    // that one is expected, since the test made the file 404; nothing else may appear (no uncaught error).
    expect(errors.filter((e) => !/^console: Failed to load resource: the server responded with a status of 404/.test(e))).toEqual([]);
    expect(errors.length).toBe(1);
    await context.close();
  });

  it("a sales rep's map shows only their own customers (the API's scope), matching hand SQL over all customers", async () => {
    const admin = await openTab(browser, { locale: 'zh-CN' });
    await signIn(admin.page, srv.url, 'admin');
    const hand = (await admin.page.evaluate(async () => {
      const csrf = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch('/api/sql', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) }, body: JSON.stringify({ sql: "SELECT count(*) AS n, count(DISTINCT province_code) AS provinces FROM customers WHERE owner_employee_id = 'E055'" }) });
      return res.json();
    })) as { rows: { n: number; provinces: number }[] };
    await admin.context.close();
    const { n, provinces } = hand.rows[0]!;
    expect(Number(n)).toBeGreaterThan(0);

    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'rep');
    await page.goto(`${srv.url}/geography?metric=registered_customers`);
    await page.locator('[data-testid=geo-map][data-level=province] canvas').waitFor();
    await settled(page);
    expect(await page.locator('[data-testid=geo-map]').getAttribute('data-regions')).toBe(String(provinces));
    expect(Number(await page.locator('[data-testid=geo-total]').getAttribute('data-value'))).toBe(Number(n));
    await screenshot(page, 'geography-rep-zh-CN');
    expect(errors).toEqual([]);
    await context.close();
  });
});
