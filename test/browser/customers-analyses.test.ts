/**
 * The analysis tabs of the Customers page in a real browser: every tab renders with data in both languages, without
 * console errors; the numbers shown equal the API's answer to the same request; a segment saved from RFM is found
 * in GET /api/segments with the grid's count.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

const TABS = ['rfm', 'value', 'clusters', 'lifecycle', 'cohorts', 'members'] as const;
/** What each tab must show once its data is in. */
const READY: Record<(typeof TABS)[number], string> = {
  rfm: '[data-testid=rfm-seg-important_value]',
  value: '[data-testid=matrix-table] tbody tr',
  clusters: '[data-testid=cluster-cards] .cluster-card',
  lifecycle: '[data-testid=lifecycle-transitions] tbody tr',
  cohorts: '[data-testid=cohort-heatmap] tbody tr',
  members: '[data-testid=members-matrix] tbody tr',
};

let srv: DemoServer;
let browser: Browser;

beforeAll(async () => {
  srv = await demoServer({ users: [{ login: 'admin', role: 'admin' }] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

/** The API's answer to the same request, from inside the signed-in page (its cookies and CSRF token). */
async function apiCall<T>(page: Page, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const m = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie);
      const res = await fetch(path, { method, headers: { 'Content-Type': 'application/json', ...(m ? { 'X-CSRF-Token': decodeURIComponent(m[1]!) } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    { method, path, body },
  );
}

async function openCustomersTab(page: Page, tab: string, extra = ''): Promise<void> {
  await page.goto(`${srv.url}/customers?tab=${tab}${extra}`);
  await settled(page, 60_000);
}

describe('customer analyses, both languages', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: every analysis tab renders with data, no console errors`, async () => {
      const { page, errors, context } = await openTab(browser, { locale });
      await signIn(page, srv.url, 'admin');
      for (const tab of TABS) {
        await openCustomersTab(page, tab);
        await page.locator(READY[tab]).first().waitFor({ timeout: 60_000 });
        await expect.poll(() => page.locator('.state-error').count()).toBe(0);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        await screenshot(page, `customers-${tab}-${locale}`);
      }
      // The tab bar switches tabs in place.
      await page.locator('[data-testid=tab-rfm]').click();
      await page.locator(READY.rfm).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe('numbers equal the API', () => {
  it('RFM: the eight segment counts sum to the customers analysed, as the API answers', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await openCustomersTab(page, 'rfm');
    const api = await apiCall<{ customers: number; params: { asOf: string }; segments: { segment: string; customers: number }[] }>(page, 'POST', '/api/analyses/rfm', {});
    // Without a period, the as-of date is the data's end (the day after the last order), not today.
    expect(api.params.asOf).toBe('2026-01-01');
    const cells = page.locator('[data-testid^=rfm-seg-]');
    expect(await cells.count()).toBe(8);
    const counts = await cells.evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid')!.slice('rfm-seg-'.length), Number(e.getAttribute('data-customers'))] as const));
    expect(counts.reduce((a, [, n]) => a + n, 0)).toBe(api.customers);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(api.segments.map((s) => [s.segment, s.customers])));
    expect(await page.locator('[data-testid=rfm-total]').textContent()).toBe(api.customers.toLocaleString('en'));
    // Treemap by revenue is kept in the URL.
    await page.locator('[data-testid=rfm-size-revenue]').click();
    await page.waitForURL(/size=revenue/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cohorts: the heatmap’s first cells equal the API’s; the metric switch shows LTV', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await openCustomersTab(page, 'cohorts');
    const api = await apiCall<{ cohorts: { label: string; retention: (number | null)[]; cumulativeRevenuePerCustomer: (number | null)[] }[] }>(page, 'POST', '/api/analyses/cohorts', {});
    const first = api.cohorts[0]!;
    const value = (age: number) => page.locator(`[data-testid=cohort-${first.label}-${age}]`).getAttribute('data-value');
    expect(Number(await value(0))).toBe(first.retention[0]);
    expect(Number(await value(1))).toBe(first.retention[1]);
    // The first row is the first cohort; its M1 cell shows the rounded percentage.
    const firstRow = page.locator('[data-testid=cohort-heatmap] tbody tr').first();
    expect(await firstRow.locator('th').textContent()).toBe(first.label);
    expect(await page.locator(`[data-testid=cohort-${first.label}-1]`).textContent()).toBe(`${Math.round(first.retention[1]! * 100)}%`);
    await page.locator('[data-testid=cohort-metric-ltv]').click();
    await page.waitForURL(/metric=ltv/);
    expect(Number(await value(1))).toBe(first.cumulativeRevenuePerCustomer[1]);
    await page.waitForTimeout(600); // the curve's transition from the retention curve
    await screenshot(page, 'customers-cohorts-ltv-zh-CN');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('clusters: k is choosable and kept in the URL', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await openCustomersTab(page, 'clusters');
    await page.locator('[data-testid=cluster-k]').selectOption('3');
    await page.waitForURL(/k=3/);
    await expect.poll(() => page.locator('[data-testid=cluster-k-value]').textContent(), { timeout: 60_000 }).toBe('3');
    await settled(page, 60_000);
    expect(await page.locator('[data-testid=cluster-cards] .cluster-card').count()).toBe(3);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('save as segment', () => {
  it('admin saves an RFM segment; GET /api/segments has it with the grid’s count', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await openCustomersTab(page, 'rfm');
    const cell = page.locator('[data-testid=rfm-seg-important_value]');
    const expected = Number(await cell.getAttribute('data-customers'));
    await cell.click();
    await page.waitForURL(/seg=important_value/);
    await page.locator('[data-testid=rfm-selected] [data-testid=save-segment]').click();
    const dialog = page.locator('[data-testid=save-segment-dialog]');
    await dialog.locator('input[name=name]').fill('RFM important value (test)');
    await dialog.locator('input[name=key]').fill('rfm_important_value_test');
    await screenshot(page, 'customers-rfm-save-dialog-en');
    await dialog.locator('[data-testid=save-segment-submit]').click();
    await dialog.locator('[data-testid=save-segment-done]').waitFor({ timeout: 60_000 });
    await screenshot(page, 'customers-rfm-saved-en');
    const list = await apiCall<{ segments: { key: string; name: string; kind: string; customers: number }[] }>(page, 'GET', '/api/segments');
    const saved = list.segments.find((s) => s.key === 'rfm_important_value_test');
    expect(saved).toMatchObject({ name: 'RFM important value (test)', kind: 'rule', customers: expected });
    // The link goes to the saved segments tab.
    await dialog.locator('[data-testid=save-segment-link]').click();
    await page.waitForURL(/tab=segments/);
    expect(errors).toEqual([]);
    await context.close();
  });
  it('admin saves a value type from the matrix table; the segment has the table’s count', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await openCustomersTab(page, 'value');
    const matrix = await apiCall<{ types: { valueType: string; customers: number }[] }>(page, 'POST', '/api/analyses/matrix', {});
    const first = matrix.types[0]!;
    await page.locator('[data-testid=matrix-table] tbody tr').first().locator('[data-testid=save-segment]').click();
    const dialog = page.locator('[data-testid=save-segment-dialog]');
    await dialog.locator('input[name=key]').fill('matrix_first_test');
    await dialog.locator('[data-testid=save-segment-submit]').click();
    await dialog.locator('[data-testid=save-segment-done]').waitFor({ timeout: 60_000 });
    const list = await apiCall<{ segments: { key: string; customers: number }[] }>(page, 'GET', '/api/segments');
    expect(list.segments.find((s) => s.key === 'matrix_first_test')?.customers).toBe(first.customers);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('scope and states', () => {
  it('a sales rep analyses only their own customers: in the demo they own B2B accounts without orders, so RFM shows the designed empty state with the server’s reason; no "save as segment"', async () => {
    const admin = await openTab(browser, { locale: 'en' });
    await signIn(admin.page, srv.url, 'admin');
    // A rep who owns customers (the demo's reps own B2B accounts).
    let owner: string | null | undefined;
    for (let offset = 0; !owner && offset < 10_000; offset += 1000) {
      const page1 = await apiCall<{ customers: { owner: string | null }[] }>(admin.page, 'GET', `/api/customers?limit=1000&offset=${offset}`);
      if (!page1.customers.length) break;
      owner = page1.customers.find((c) => c.owner)?.owner;
    }
    expect(owner).toBeTruthy();
    await apiCall(admin.page, 'POST', '/api/users', { login: 'rep', password: 'rep initial password', role: 'sales_rep', employeeId: owner });
    await admin.context.close();

    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'rep', 'rep initial password');
    const mine = await page.evaluate(async () => {
      const m = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie);
      const res = await fetch('/api/analyses/rfm', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(m?.[1] ?? '') }, body: '{}' });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
    });
    expect(mine.status).toBe(400);
    expect(mine.body.error?.code).toBe('empty_window');
    await openCustomersTab(page, 'rfm', '&seg=important_value');
    await expect.poll(() => page.locator('.state-empty').textContent()).toContain(mine.body.error!.message);
    expect(await page.locator('[data-testid=save-segment]').count()).toBe(0);
    await screenshot(page, 'customers-rfm-rep-zh-CN');
    // The browser logs the expected 400 as a failed resource load; nothing else may appear.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();
  });

  it('a viewer (all rows, no import permission) sees the full RFM grid but no "save as segment"', async () => {
    const admin = await openTab(browser, { locale: 'en' });
    await signIn(admin.page, srv.url, 'admin');
    await apiCall(admin.page, 'POST', '/api/users', { login: 'viewer', password: 'viewer initial password', role: 'viewer' });
    const all = await apiCall<{ customers: number }>(admin.page, 'POST', '/api/analyses/rfm', {});
    await admin.context.close();
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'viewer', 'viewer initial password');
    await openCustomersTab(page, 'rfm', '&seg=important_value');
    await page.locator('[data-testid=rfm-selected]').waitFor();
    const counts = await page.locator('[data-testid^=rfm-seg-]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-customers'))));
    expect(counts.reduce((a, n) => a + n, 0)).toBe(all.customers);
    expect(await page.locator('[data-testid=save-segment]').count()).toBe(0);
    for (const tab of ['value', 'clusters', 'lifecycle'] as const) {
      await openCustomersTab(page, tab);
      await page.locator(READY[tab]).first().waitFor({ timeout: 60_000 });
      expect(await page.locator('[data-testid=save-segment]').count()).toBe(0);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a period before the first order shows the designed empty or error state, not a blank tab', async () => {
    const { page, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    for (const tab of TABS) {
      await openCustomersTab(page, tab, '&from=2020-01-01&to=2020-12-31');
      await expect.poll(() => page.locator('.state-empty, .state-error').count(), { message: tab }).toBeGreaterThan(0);
    }
    await screenshot(page, 'customers-members-empty-en');
    await context.close();
  });
});
