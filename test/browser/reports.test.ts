/**
 * Reports page in a real browser: the standard pack, a report's sections (charts, tables, totals equal to the API and
 * to hand SQL), sorting, the SQL per section, the trend grain in the URL, export downloads (XLSX and CSV), both
 * languages, no console errors.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

let srv: DemoServer;
let browser: Browser;

beforeAll(async () => {
  srv = await demoServer({ users: [{ login: 'admin', role: 'admin' }] });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

const PERIOD = 'from=2025-01-01&to=2025-12-31';

/** The API, called from the signed-in page (its session cookie and CSRF token), as the page itself would. */
async function apiPost<T>(page: Page, path: string, body: unknown): Promise<T> {
  return page.evaluate(
    async ({ path, body }) => {
      const csrf = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) }, body: JSON.stringify(body) });
      return res.json();
    },
    { path, body },
  ) as Promise<T>;
}

function money(v: number): string {
  return `¥${new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)}`;
}

describe('reports page', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: the sales report's sections, totals equal to the API and hand SQL, SQL, sorting, no console errors`, async () => {
      const { page, errors, context } = await openTab(browser, { locale });
      await signIn(page, srv.url, 'admin');
      await page.goto(`${srv.url}/reports?report=sales&${PERIOD}`);
      await page.locator('[data-testid=report-sections][data-report=sales]').waitFor();
      await settled(page);

      // The pack is listed, in the language.
      const list = await page.locator('[data-testid=report-list]').textContent();
      expect(list).toContain(locale === 'en' ? 'Customer geography' : '客户地域');
      expect(await page.locator('[data-testid=section-channels] .card-title').textContent()).toBe(locale === 'en' ? 'Channel contribution' : '渠道贡献');

      // Every section drew something: KPI tiles for the headline, a chart for the others.
      await expect.poll(() => page.locator('[data-testid=section-kpi_mom] .kpi').count()).toBe(7);
      for (const s of ['trend', 'new_returning', 'channels', 'stores', 'regions']) {
        expect(await page.locator(`[data-testid=chart-${s}] canvas`).count(), s).toBeGreaterThan(0);
      }
      expect(await page.locator('[data-testid=section-trend] [data-chart-kind]').getAttribute('data-chart-kind')).toBe('line');

      // The channels table's totals row is the API's grand total row, and revenue is what hand SQL sums.
      const api = await apiPost<{ sections: { key: string; rows: Record<string, unknown>[] }[] }>(page, '/api/reports/sales', { from: '2025-01-01', to: '2025-12-31' });
      const channels = api.sections.find((s) => s.key === 'channels')!;
      const total = channels.rows.find((r) => Number(r._grouping) > 0)!;
      const hand = await apiPost<{ rows: { revenue: number; orders: number }[] }>(page, '/api/sql', {
        sql: "SELECT sum(amount) AS revenue, count(*) AS orders FROM orders WHERE (status IS NULL OR status <> 'cancelled') AND ordered_at >= TIMESTAMP '2025-01-01' AND ordered_at < TIMESTAMP '2026-01-01'",
      });
      expect(Number(total.revenue)).toBe(Number(hand.rows[0]!.revenue));
      expect(Number(total.orders)).toBe(Number(hand.rows[0]!.orders));
      const foot = page.locator('[data-testid=table-channels] tfoot td');
      expect(await foot.nth(1).textContent()).toBe(money(Number(total.revenue)));
      expect(await foot.nth(2).textContent()).toBe(new Intl.NumberFormat(locale).format(Number(total.orders)));
      // Leaf rows: one per channel, and their revenue adds up to the total.
      const leaves = channels.rows.filter((r) => !(Number(r._grouping) > 0));
      expect(await page.locator('[data-testid=table-channels] tbody tr').count()).toBe(leaves.length);
      expect(leaves.reduce((a, r) => a + Number(r.revenue), 0)).toBe(Number(total.revenue));

      // Sorting by a header: ascending revenue puts the smallest channel first.
      const header = page.locator('[data-testid=table-channels] th', { hasText: locale === 'en' ? 'Revenue (GMV)' : '销售额' }).first();
      await header.click(); // numeric columns sort descending first
      await header.click();
      const smallest = [...leaves].sort((a, b) => Number(a.revenue) - Number(b.revenue))[0]!;
      expect(await page.locator('[data-testid=table-channels] tbody tr').first().locator('td').nth(1).textContent()).toBe(money(Number(smallest.revenue)));

      // The SQL that ran, per section.
      await page.locator('[data-testid=sql-channels]').click();
      expect(await page.locator('[data-testid=sql-text-channels]').textContent()).toMatch(/SELECT[\s\S]*FROM/);

      await screenshot(page, `reports-sales-${locale}`);

      // Another report from the list: its URL and its sections.
      await page.locator('[data-testid=report-geography]').click();
      await page.waitForURL(/report=geography/);
      await page.locator('[data-testid=report-sections][data-report=geography]').waitFor();
      await settled(page);
      expect(page.url()).toContain('from=2025-01-01');
      expect(await page.locator('[data-testid=section-provinces] tbody tr').count()).toBeGreaterThan(20);
      await screenshot(page, `reports-geography-${locale}`);

      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('the trend grain is in the URL: by week the trend has a row per week', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/reports?report=sales&${PERIOD}`);
    await page.locator('[data-testid=report-sections][data-report=sales]').waitFor();
    await page.locator('[data-testid=report-grain]').selectOption('week');
    await page.waitForURL(/by=week/);
    await expect.poll(() => page.locator('[data-testid=table-trend] tbody tr').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(52);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('exports the report as XLSX and CSV (downloads with the report in them)', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/reports?report=sales&${PERIOD}`);
    await page.locator('[data-testid=report-sections][data-report=sales]').waitFor();
    await settled(page);

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-xlsx]').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/^sales-.*\.xlsx$/);
    const xlsxBytes = readFileSync((await xlsx.path())!);
    expect(xlsxBytes.subarray(0, 2).toString()).toBe('PK'); // a zip: an XLSX

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-csv]').click()]);
    expect(csv.suggestedFilename()).toMatch(/^sales-.*\.csv$/);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text).toContain('渠道贡献');
    const api = await apiPost<{ sections: { key: string; rows: Record<string, unknown>[] }[] }>(page, '/api/reports/sales', { from: '2025-01-01', to: '2025-12-31' });
    const total = api.sections.find((s) => s.key === 'channels')!.rows.find((r) => Number(r._grouping) > 0)!;
    expect(text).toContain(String(total.revenue));
    await expect.poll(() => page.locator('[data-testid=export-done]').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
