/**
 * The cockpit in a real browser on the 3,000-customer demo (seed 42, orders 2023-01-01..2025-12-31).
 * Expected values come from the API itself for the same request (POST /api/query, and GET /api/overview, a separate
 * code path over the same catalog), read in the signed-in page; the default period is a hand-checked fact: the last
 * 12 months of data, 2025-01-01..2025-12-31.
 */
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatChange, formatMoney } from '../../web/src/i18n/format.js';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

let srv: DemoServer;
let browser: Browser;

beforeAll(async () => {
  srv = await demoServer({ users: [{ login: 'admin', role: 'admin' }, { login: 'nobody', role: 'sales_rep' }] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

/** A JSON request from inside the signed-in page (its session cookie and CSRF token). */
async function apiJson(page: Page, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie)?.[1];
      const res = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    { method, path, body },
  );
}

function periodOf(page: Page): { from: string | null; to: string | null; f: string[] } {
  const u = new URL(page.url());
  return { from: u.searchParams.get('from'), to: u.searchParams.get('to'), f: u.searchParams.getAll('f') };
}

async function kpiText(page: Page, metric: string): Promise<string> {
  return (await page.locator(`[data-testid=kpi-${metric}] [data-testid=kpi-value]`).textContent()) ?? '';
}

/** Waits for every KPI value and every panel; returns ms since `t0`. */
async function cockpitReady(page: Page, t0: number): Promise<{ kpis: number; settled: number }> {
  await page.locator('[data-testid=kpi-revenue] [data-testid=kpi-value]').waitFor();
  const kpis = Date.now() - t0;
  await settled(page);
  await page.locator('[data-testid=trend-chart]').waitFor();
  return { kpis, settled: Date.now() - t0 };
}

describe('overview (cockpit)', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: opens on the last 12 months of data; KPI revenue equals the API's; no console errors`, async () => {
      const { page, errors, context } = await openTab(browser, { locale });
      await signIn(page, srv.url, 'admin');
      await page.waitForURL(/from=/);
      expect(periodOf(page)).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
      await cockpitReady(page, Date.now());
      // first meaningful paint of a fresh visit: navigation to the KPI values on screen
      const t0 = Date.now();
      await page.goto(`${srv.url}/overview?from=2025-01-01&to=2025-12-31`);
      const fmp = await cockpitReady(page, t0);
      console.log(`[overview ${locale}] first meaningful paint (KPI values) ${fmp.kpis} ms, all panels ${fmp.settled} ms`);

      const q = (await apiJson(page, 'POST', '/api/query', { metrics: ['revenue'], from: '2025-01-01', to: '2025-12-31', compare: 'yoy' })) as { rows: Record<string, number>[] };
      const revenue = q.rows[0]!.revenue!;
      expect(revenue).toBeGreaterThan(0);
      const ov = (await apiJson(page, 'GET', '/api/overview?from=2025-01-01&to=2025-12-31')) as { revenue: number; orders: number };
      expect(revenue).toBeCloseTo(ov.revenue, 2);
      expect(await kpiText(page, 'revenue')).toBe(formatMoney(revenue, locale, true));
      // every headline card has a value, both comparisons and a sparkline
      for (const k of ['revenue', 'orders', 'active_customers', 'new_customers', 'aov', 'repurchase_rate']) {
        const card = page.locator(`[data-testid=kpi-${k}]`);
        expect(((await card.locator('[data-testid=kpi-value]').textContent()) ?? '').trim()).not.toBe('–');
        expect(await card.locator('[data-testid=kpi-yoy]').textContent()).toMatch(/%|pts|百分点/);
        expect(await card.locator('[data-testid=kpi-mom]').textContent()).toMatch(/%|pts|百分点/);
        await card.locator('.kpi-spark canvas').waitFor();
      }
      // the 同比 of revenue is the API's change, coloured by direction (revenue: higher is better)
      const change = q.rows[0]!.revenue__change!;
      const yoy = page.locator('[data-testid=kpi-revenue] [data-testid=kpi-yoy]');
      expect(await yoy.getAttribute('class')).toContain(change > 0 ? 'tone-good' : change < 0 ? 'tone-bad' : 'tone-flat');
      expect(await page.locator('[data-testid=products-table] tbody tr').count()).toBe(10);
      expect(await page.locator('[data-testid=overview-alerts]').textContent()).toMatch(locale === 'en' ? /No alerts/ : /尚未设置预警/);
      expect(await page.locator('[data-testid=data-through]').textContent()).toContain('2025-12-31');
      await screenshot(page, `overview-${locale}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('a click on a channel filters every page: the filter goes into the URL and the KPIs change', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await page.waitForURL(/from=/);
    await cockpitReady(page, Date.now());
    const before = await kpiText(page, 'revenue');
    const chart = page.locator('[data-testid=channel-chart]');
    const box = (await chart.boundingBox())!;
    const channels = (await apiJson(page, 'POST', '/api/query', { metrics: ['revenue'], dimensions: ['channel'], from: '2025-01-01', to: '2025-12-31', sort: [{ key: 'revenue', desc: true }] })) as { rows: { channel: string; revenue: number }[] };
    // the largest channel is the top bar (grid top 4 px; one band per channel)
    const band = (box.height - 8) / channels.rows.length;
    await chart.click({ position: { x: box.width * 0.5, y: 4 + band / 2 } });
    await page.waitForURL(/f=channel/);
    const top = channels.rows[0]!;
    expect(periodOf(page)).toEqual({ from: '2025-01-01', to: '2025-12-31', f: [`channel:${top.channel}`] });
    await page.locator('[data-testid=filter-channel]').waitFor();
    await expect.poll(() => kpiText(page, 'revenue')).not.toBe(before);
    await settled(page);
    expect(await kpiText(page, 'revenue')).toBe(formatMoney(top.revenue, 'en', true));
    const filtered = (await apiJson(page, 'POST', '/api/query', { metrics: ['revenue'], from: '2025-01-01', to: '2025-12-31', filters: [{ dimension: 'channel', op: 'in', values: [top.channel] }] })) as { rows: { revenue: number }[] };
    expect(filtered.rows[0]!.revenue).toBeCloseTo(top.revenue, 2);
    await screenshot(page, 'overview-filtered-en');
    // removing the chip brings the whole-period figures back
    await page.locator('[data-testid=filter-channel] button').click();
    await expect.poll(() => kpiText(page, 'revenue')).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the period in the URL survives a page switch and a reload; presets count back from the last order day', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await page.waitForURL(/from=/);
    await cockpitReady(page, Date.now());
    const revenue12m = await kpiText(page, 'revenue');
    await page.locator('[data-testid=period-preset]').selectOption('last90');
    await page.waitForURL(/from=2025-10-03/);
    expect(periodOf(page)).toMatchObject({ from: '2025-10-03', to: '2025-12-31' });
    await expect.poll(() => kpiText(page, 'revenue')).not.toBe(revenue12m);
    await page.waitForFunction(() => document.querySelector('.reloading') === null);
    const revenue90 = await kpiText(page, 'revenue');
    // 同比 and 环比 (computed in the page from the two comparison periods) equal the API's compare columns
    await expect.poll(() => page.locator('[data-testid=kpi-revenue] [data-testid=kpi-mom]').textContent()).not.toContain('…');
    for (const compare of ['yoy', 'mom'] as const) {
      const r = (await apiJson(page, 'POST', '/api/query', { metrics: ['revenue', 'repurchase_rate'], from: '2025-10-03', to: '2025-12-31', compare })) as { rows: Record<string, number>[] };
      const revenueText = await page.locator(`[data-testid=kpi-revenue] [data-testid=kpi-${compare}]`).textContent();
      expect(revenueText).toContain(formatChange(r.rows[0]!.revenue__change, 'zh-CN'));
      const points = (r.rows[0]!.repurchase_rate__change! * 100).toLocaleString('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      expect(await page.locator(`[data-testid=kpi-repurchase_rate] [data-testid=kpi-${compare}]`).textContent()).toContain(`${r.rows[0]!.repurchase_rate__change! > 0 ? '+' : ''}${points} 个百分点`);
    }
    let t0 = Date.now();
    await page.locator('[data-testid=nav-customers]').click();
    await page.waitForURL(/\/customers/);
    await settled(page);
    const toCustomers = Date.now() - t0;
    expect(periodOf(page)).toMatchObject({ from: '2025-10-03', to: '2025-12-31' });
    await page.reload();
    await settled(page);
    expect(periodOf(page)).toMatchObject({ from: '2025-10-03', to: '2025-12-31' });
    t0 = Date.now();
    await page.locator('[data-testid=nav-overview]').click();
    const back = await cockpitReady(page, t0);
    console.log(`[overview] page switch overview → customers ${toCustomers} ms; customers → overview KPIs ${back.kpis} ms, all panels ${back.settled} ms`);
    expect(periodOf(page)).toMatchObject({ from: '2025-10-03', to: '2025-12-31' });
    expect(await kpiText(page, 'revenue')).toBe(revenue90);
    expect(await page.locator('[data-testid=period-preset]').inputValue()).toBe('last90');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a user without orders in scope gets the designed empty state pointing to Data → Import', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'nobody');
    await page.locator('[data-testid=overview-go-import]').waitFor();
    expect(await page.locator('main').textContent()).toContain('No orders to show yet');
    expect(periodOf(page)).toMatchObject({ from: null, to: null });
    await screenshot(page, 'overview-empty-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});
