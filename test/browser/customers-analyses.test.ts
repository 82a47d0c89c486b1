/**
 * The analysis tabs of the Customers page in a real browser: every tab renders with data in both languages, without
 * console errors; the numbers shown equal the API's answer to the same request (the window each tab derives from the
 * URL's period, which the shell defaults to the last 12 months of data); a segment saved from RFM is found in
 * GET /api/segments with the grid's count; a sales rep's RFM counts exactly their own customers (hand SQL on the
 * warehouse file).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REP_EMPLOYEE } from '../../src/demo/users.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { defaultPeriod } from '../../web/src/app/period.js';
import { monthWindow, snapshotWindow } from '../../web/src/pages/customers/analysis-logic.js';
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

/** Read from the warehouse file before the server opens it: the demo rep's orders, and every counted order's day. */
interface Facts {
  /** Orders of the rep's customers (their scope): customer, day, whether RFM counts it (not cancelled, not anonymous). */
  repOrders: { customer: string; kind: string; day: string; counted: boolean }[];
  /** Counted orders of every customer, as (customer, day). */
  allCounted: { customer: string; day: string }[];
}
let facts: Facts;

async function readFacts(dbPath: string): Promise<void> {
  const wh = await openWarehouse({ path: dbPath });
  try {
    const counted = "o.customer_id IS NOT NULL AND (o.is_anonymous IS NULL OR o.is_anonymous = false) AND (o.status IS NULL OR o.status <> 'cancelled')";
    const rep = await wh.query(
      `SELECT o.customer_id AS customer, c.kind AS kind, strftime(o.ordered_at, '%Y-%m-%d') AS day, coalesce(${counted}, false) AS counted
       FROM orders o JOIN customers c ON c.customer_id = o.customer_id WHERE c.owner_employee_id = $1`,
      [DEMO_REP_EMPLOYEE],
    );
    const all = await wh.query(`SELECT o.customer_id AS customer, strftime(o.ordered_at, '%Y-%m-%d') AS day FROM orders o WHERE ${counted}`);
    facts = {
      repOrders: rep.rows.map((r) => ({ customer: String(r.customer), kind: String(r.kind), day: String(r.day), counted: r.counted === true })),
      allCounted: all.rows.map((r) => ({ customer: String(r.customer), day: String(r.day) })),
    };
  } finally {
    await wh.close();
  }
}

/** Customers with a counted order from ≤ day ≤ to. */
function buyers(orders: readonly { customer: string; day: string; counted?: boolean }[], from: string, to: string): number {
  return new Set(orders.filter((o) => o.counted !== false && o.day >= from && o.day <= to).map((o) => o.customer)).size;
}

beforeAll(async () => {
  srv = await demoServer({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep', role: 'sales_rep', employeeId: DEMO_REP_EMPLOYEE },
    ],
    setup: readFacts,
  });
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

/** The period in the page's URL (the shell writes the default one before the page renders). */
async function periodOf(page: Page): Promise<{ from: string; to: string }> {
  await page.waitForURL(/[?&]from=\d{4}-\d{2}-\d{2}.*[?&]to=\d{4}-\d{2}-\d{2}/);
  const q = new URL(page.url()).searchParams;
  return { from: q.get('from')!, to: q.get('to')! };
}

/** The demo's orders run 2023-01-01..2025-12-31: a URL without a period opens on the last 12 months of data. */
const DEFAULT_PERIOD = { from: '2025-01-01', to: '2025-12-31' };

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
    // No period in the URL: the last 12 months of data, as of the day after the period (the data's end, not today).
    const period = await periodOf(page);
    expect(period).toEqual(DEFAULT_PERIOD);
    expect(snapshotWindow(period)).toEqual({ from: '2025-01-01', asOf: '2026-01-01' });
    const api = await apiCall<{ customers: number; params: { asOf: string; from: string | null }; segments: { segment: string; customers: number }[] }>(page, 'POST', '/api/analyses/rfm', snapshotWindow(period));
    expect(api.params).toMatchObject({ asOf: '2026-01-01', from: '2025-01-01' });
    // Independently: the customers with a counted order in 2025.
    expect(api.customers).toBe(buyers(facts.allCounted, period.from, period.to));
    // The API without a window: all history, as of the data's end too.
    const all = await apiCall<{ customers: number; params: { asOf: string } }>(page, 'POST', '/api/analyses/rfm', {});
    expect(all.params.asOf).toBe('2026-01-01');
    expect(all.customers).toBe(new Set(facts.allCounted.map((o) => o.customer)).size);
    expect(all.customers).toBeGreaterThan(api.customers);
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
    // Cohorts are whole months: those acquired in the period's months, followed to the data's end.
    const period = await periodOf(page);
    expect(period).toEqual(DEFAULT_PERIOD);
    expect(monthWindow(period)).toEqual({ from: '2025-01-01', to: '2026-01-01' });
    const api = await apiCall<{ cohorts: { cohort: string; label: string; retention: (number | null)[]; cumulativeRevenuePerCustomer: (number | null)[] }[] }>(page, 'POST', '/api/analyses/cohorts', monthWindow(period));
    expect(api.cohorts.length).toBe(12);
    const first = api.cohorts[0]!;
    expect(first.cohort.slice(0, 7)).toBe('2025-01');
    // No cohort of the period is 12 months old yet: the LTV headline is at the oldest age reached (11), not an empty "–".
    await expect.poll(() => page.locator('.ca-kpis').textContent()).toContain('第 11 月平均 LTV');
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
    const matrix = await apiCall<{ types: { valueType: string; customers: number }[] }>(page, 'POST', '/api/analyses/matrix', snapshotWindow(await periodOf(page)));
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
  it('a sales rep analyses only their own customers: their RFM counts exactly the retail members they own with orders in the period; no "save as segment"; before their data, the designed empty state with the server’s reason', async () => {
    // The demo rep looks after the members of a branch's stores: person customers with counted orders.
    const mine = facts.repOrders;
    expect(mine.some((o) => o.counted && o.kind === 'person')).toBe(true);
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'rep');
    await openCustomersTab(page, 'rfm', '&seg=important_value');
    // The default period counts back from the last order day in the rep's scope (GET /api/extent: cancelled orders too).
    const days = mine.map((o) => o.day).sort();
    const period = await periodOf(page);
    expect(period).toEqual(defaultPeriod({ firstDay: days[0]!, lastDay: days[days.length - 1]! }));
    const expected = buyers(mine, period.from, period.to);
    expect(expected).toBeGreaterThan(0);
    // Fewer than everyone's buyers in the same period: the scope applies.
    expect(expected).toBeLessThan(buyers(facts.allCounted, period.from, period.to));
    const api = await apiCall<{ customers: number; segments: { segment: string; customers: number }[] }>(page, 'POST', '/api/analyses/rfm', snapshotWindow(period));
    expect(api.customers).toBe(expected);
    await page.locator('[data-testid=rfm-selected]').waitFor();
    const counts = await page.locator('[data-testid^=rfm-seg-]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid')!.slice('rfm-seg-'.length), Number(e.getAttribute('data-customers'))] as const));
    expect(counts).toHaveLength(8);
    expect(counts.reduce((s, [, n]) => s + n, 0)).toBe(expected);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(api.segments.map((x) => [x.segment, x.customers])));
    expect(Number((await page.locator('[data-testid=rfm-total]').textContent())!.replace(/\D/g, ''))).toBe(expected);
    // No import permission: no "save as segment", neither on the selected segment nor anywhere else.
    expect(await page.locator('[data-testid=save-segment]').count()).toBe(0);
    await screenshot(page, 'customers-rfm-rep-zh-CN');
    // The other analyses of the rep's few customers render too (no crash on sparse data, e.g. empty segments).
    for (const tab of TABS.filter((t) => t !== 'rfm')) {
      await openCustomersTab(page, tab);
      await page.locator(READY[tab]).first().waitFor({ timeout: 60_000 });
      expect(await page.locator('.state-error').count(), tab).toBe(0);
      expect(await page.locator('[data-testid=save-segment]').count(), tab).toBe(0);
      await screenshot(page, `customers-${tab}-rep-zh-CN`);
    }

    // A period before the rep's first order: the server says why, and the tab shows it in the designed empty state.
    const before = { from: '2020-01-01', to: '2020-12-31' };
    const empty = await page.evaluate(async (body) => {
      const m = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie);
      const res = await fetch('/api/analyses/rfm', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(m?.[1] ?? '') }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
    }, snapshotWindow(before));
    expect(empty.status).toBe(400);
    expect(empty.body.error?.code).toBe('empty_window');
    await openCustomersTab(page, 'rfm', `&from=${before.from}&to=${before.to}`);
    await expect.poll(() => page.locator('.state-empty').textContent()).toContain(empty.body.error!.message);
    expect(await page.locator('[data-testid=save-segment]').count()).toBe(0);
    await screenshot(page, 'customers-rfm-rep-empty-zh-CN');
    // The browser logs the expected 400 as a failed resource load; nothing else may appear.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();
  });

  it('a viewer (all rows, no import permission) sees the full RFM grid of all history but no "save as segment"', async () => {
    const admin = await openTab(browser, { locale: 'en' });
    await signIn(admin.page, srv.url, 'admin');
    await apiCall(admin.page, 'POST', '/api/users', { login: 'viewer', password: 'viewer initial password', role: 'viewer' });
    const all = await apiCall<{ customers: number }>(admin.page, 'POST', '/api/analyses/rfm', {});
    await admin.context.close();
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'viewer', 'viewer initial password');
    // All history, asked for explicitly: the data's first to last order day, the API's default window.
    await openCustomersTab(page, 'rfm', '&seg=important_value&from=2023-01-01&to=2025-12-31');
    await page.locator('[data-testid=rfm-selected]').waitFor();
    const counts = await page.locator('[data-testid^=rfm-seg-]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-customers'))));
    expect(counts.reduce((a, n) => a + n, 0)).toBe(all.customers);
    expect(all.customers).toBe(new Set(facts.allCounted.map((o) => o.customer)).size);
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
