/**
 * Customers: the searchable list, the 360° profile and the saved segments, in both languages, in a real browser.
 * Expected values come from the API itself (the same request through the signed-in session), never from constants.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRfm, saveRfm } from '../../src/analyses/rfm/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer, type TestUser } from './harness.js';

let srv: DemoServer;
let browser: Browser;
/** An employee who owns customers in the demo: the sales rep's scope. */
let repEmployee = '';

beforeAll(async () => {
  const users: TestUser[] = [
    { login: 'admin', role: 'admin' },
    { login: 'analyst', role: 'analyst' },
  ];
  srv = await demoServer({
    users,
    setup: async (dbPath) => {
      const wh = await openWarehouse({ path: dbPath });
      try {
        const r = await wh.query(`SELECT owner_employee_id AS e FROM customers WHERE owner_employee_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
        repEmployee = String(r.rows[0]!.e);
        users.push({ login: 'rep', role: 'sales_rep', employeeId: repEmployee });
        // A stored RFM result, so the list and the profile have model scores to show.
        await saveRfm(wh, (await runRfm(wh, {})).params);
      } finally {
        await wh.close();
      }
    },
  });
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

interface Item {
  id: string;
  name: string | null;
  phone: string | null;
  revenue: number;
}

/** GET through the page's session (same cookies, same scope as the dashboard). */
async function apiGet<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Accept: 'application/json' } });
    return (await r.json()) as T;
  }, url);
}

async function apiPost(page: Page, url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ([u, b]) => {
      const csrf = decodeURIComponent(/(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const r = await fetch(u as string, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(b) });
      return { status: r.status, body: await r.json() };
    },
    [url, body] as const,
  );
}

async function openList(page: Page): Promise<void> {
  await page.locator('[data-testid=nav-customers]').click();
  await page.waitForURL(/\/customers/);
  // The default tab (RFM on the default period) renders first, so its console errors are the test's too.
  await settled(page);
  await page.locator('[data-testid=tab-list]').click();
  await page.waitForURL(/tab=list/);
  await page.locator('[data-testid=customer-count]').waitFor();
  await settled(page);
}

const countOf = async (page: Page) => Number(await page.locator('[data-testid=customer-count]').getAttribute('data-count'));

describe('customer list, profile and segments (admin)', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: search, sort, profile, back, segment export`, async () => {
      const { page, errors, context } = await openTab(browser, { locale });
      await signIn(page, srv.url, 'admin');
      await openList(page);
      const all = await apiGet<{ total: number; customers: Item[] }>(page, '/api/customers?limit=1');
      expect(await countOf(page)).toBe(all.total);
      expect(await page.locator('[data-testid=customer-row]').count()).toBe(Math.min(50, all.total));
      await screenshot(page, `customers-list-${locale}`);

      // Pages are the server's: page 2 starts at offset 50.
      const page2 = await apiGet<{ customers: Item[] }>(page, '/api/customers?limit=50&offset=50');
      await page.locator('[data-testid=customer-pager-next]').click();
      await page.waitForURL((u) => u.searchParams.get('page') === '2');
      await expect.poll(() => page.locator('[data-testid=customer-row]').first().getAttribute('data-customer-id')).toBe(page2.customers[0]!.id);
      await page.locator('[data-testid=customer-pager-prev]').click();
      await page.waitForURL((u) => !u.searchParams.has('page'));

      // Search by the name of the top customer: the list shows what the API answers for that search.
      const top = (await apiGet<{ customers: Item[] }>(page, '/api/customers?sort=-revenue&limit=1')).customers[0]!;
      const found = await apiGet<{ total: number; customers: Item[] }>(page, `/api/customers?search=${encodeURIComponent(top.name!)}&limit=50`);
      await page.locator('[data-testid=customer-search]').fill(top.name!);
      await page.waitForURL((u) => u.searchParams.get('q') === top.name);
      await expect.poll(() => countOf(page)).toBe(found.total);
      await settled(page);
      const ids = await page.locator('[data-testid=customer-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer-id')));
      expect(ids).toEqual(found.customers.map((c) => c.id));
      expect(ids).toContain(top.id);
      await screenshot(page, `customers-list-search-${locale}`);

      // Clear the search; sort by revenue (descending first): the biggest customer is the first row.
      await page.locator('[data-testid=customer-search]').fill('');
      await page.waitForURL((u) => !u.searchParams.has('q'));
      await expect.poll(() => countOf(page)).toBe(all.total);
      await page.locator('[data-testid=customer-sort-revenue]').click();
      await page.waitForURL((u) => u.searchParams.get('sort') === '-revenue');
      const first = page.locator('[data-testid=customer-row]').first();
      await expect.poll(() => first.getAttribute('data-customer-id')).toBe(top.id);
      expect(await page.locator('[data-testid=customer-sort-revenue]').getAttribute('aria-sort')).toBe('descending');
      const revenues = await page.locator('[data-testid=customer-revenue]').evaluateAll((xs) => xs.map((x) => Number(x.getAttribute('data-value'))));
      expect(revenues[0]).toBe(top.revenue);
      expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
      const rowPhone = await first.locator('[data-testid=customer-phone]').textContent();

      // The profile shows the same customer with the same revenue; the back link returns to the sorted list.
      await first.click();
      await page.waitForURL(new RegExp(`/customers/${top.id}`));
      await page.locator('[data-testid=profile-name]').waitFor();
      await settled(page);
      expect(await page.locator('[data-testid=profile-name]').textContent()).toBe(top.name);
      expect(await page.locator('[data-testid=profile-phone]').textContent()).toBe(rowPhone);
      expect(Number(await page.locator('[data-testid=profile-revenue]').getAttribute('data-value'))).toBe(top.revenue);
      const profile = await apiGet<{ orders: { total: number; counted: number }; scores: { rfm: { segment: string } | null } }>(page, `/api/customers/${top.id}`);
      expect(profile.scores.rfm).not.toBeNull();
      expect(await page.locator(`[data-testid=profile-scores] [data-code=${profile.scores.rfm!.segment}]`).count()).toBe(1);
      expect(Number(await page.locator('[data-testid=profile-order-count]').getAttribute('data-value'))).toBe(profile.orders.counted);
      expect(await page.locator('[data-testid=profile-orders] tbody tr').count()).toBe(Math.min(20, profile.orders.total));
      await screenshot(page, `customers-profile-${locale}`);
      await page.locator('[data-testid=profile-back]').click();
      await page.waitForURL((u) => u.pathname === '/customers' && u.searchParams.get('tab') === 'list' && u.searchParams.get('sort') === '-revenue');
      await expect.poll(() => page.locator('[data-testid=customer-row]').first().getAttribute('data-customer-id')).toBe(top.id);

      // A segment saved through the API shows in the segments tab with its size in scope; its CSV export has a BOM
      // and one row per member; a campaign export says how many customers were left out for consent.
      const key = `gd_${locale.replace('-', '_').toLowerCase()}`;
      const saved = await apiPost(page, '/api/segments', { key, name: locale === 'en' ? 'Guangdong buyers' : '广东客户', description: 'browser test', definition: { filters: [{ dimension: 'province', op: 'in', values: ['广东省'] }] } });
      expect(saved.status).toBe(200);
      const size = (saved.body as { customers: number }).customers;
      expect(size).toBeGreaterThan(0);
      await page.locator('[data-testid=tab-segments]').click();
      await page.waitForURL(/tab=segments/);
      const row = page.locator(`[data-testid=segment-row][data-segment-key=${key}]`);
      await row.waitFor();
      await settled(page);
      expect(Number(await row.locator('[data-testid=segment-size]').getAttribute('data-count'))).toBe(size);
      await screenshot(page, `customers-segments-${locale}`);
      await row.click();
      await page.waitForURL((u) => u.searchParams.get('seg') === key);
      await page.locator('[data-testid=segment-member]').first().waitFor();
      await settled(page);
      expect(await page.locator('[data-testid=segment-member]').count()).toBe(Math.min(50, size));
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=segment-export-csv]').click()]);
      const csv = readFileSync((await download.path())!);
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = csv.toString('utf8').slice(1).split(/\r\n/).filter((l) => l !== '');
      expect(lines.length - 1).toBe(size);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      await expect.poll(() => page.locator('[data-testid=segment-exported]').getAttribute('data-count')).toBe(String(size));
      await page.locator('[data-testid=segment-campaign]').check();
      const [campaign] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=segment-export-csv]').click()]);
      const kept = readFileSync((await campaign.path())!).toString('utf8').slice(1).split(/\r\n/).filter((l) => l !== '').length - 1;
      await page.locator('[data-testid=segment-excluded]').waitFor();
      expect(Number(await page.locator('[data-testid=segment-excluded]').getAttribute('data-count'))).toBe(size - kept);
      expect(Number(await page.locator('[data-testid=segment-exported]').getAttribute('data-count'))).toBe(kept);
      await page.locator('[data-testid=segment-refresh]').click();
      await page.locator('[data-testid=segment-refreshed]').waitFor();
      await screenshot(page, `customers-segment-${locale}`);

      // A member row opens its profile; delete asks first, then the segment is gone.
      const memberId = await page.locator('[data-testid=segment-member]').first().getAttribute('data-customer-id');
      await page.locator('[data-testid=segment-member]').first().click();
      await page.waitForURL(new RegExp(`/customers/${memberId}`));
      await page.locator('[data-testid=profile-name]').waitFor();
      await page.locator('[data-testid=profile-back]').click();
      await page.waitForURL((u) => u.searchParams.get('seg') === key);
      await page.locator('[data-testid=segment-delete]').click();
      await page.locator('[data-testid=segment-delete-dialog]').waitFor();
      await page.locator('[data-testid=segment-delete-confirm]').click();
      await page.waitForURL((u) => !u.searchParams.has('seg'));
      await settled(page);
      expect(await page.locator(`[data-testid=segment-row][data-segment-key=${key}]`).count()).toBe(0);

      expect(errors).toEqual([]);
      await context.close();
    }, 180_000);
  }
});

describe('scope and masking', () => {
  it('an analyst sees masked phones in the list and the profile, and search matches the masked values', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'analyst');
    await openList(page);
    const phones = await page.locator('[data-testid=customer-phone]').allTextContents();
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toContain('*');
    const api = await apiGet<{ customers: Item[] }>(page, '/api/customers?limit=50');
    expect(phones).toEqual(api.customers.map((c) => c.phone ?? '–'));
    // Searching the last digits of a masked phone finds what the API finds for the same search.
    const tail = phones[0]!.slice(-4);
    const byTail = await apiGet<{ total: number }>(page, `/api/customers?search=${tail}&limit=1`);
    await page.locator('[data-testid=customer-search]').fill(tail);
    await page.waitForURL((u) => u.searchParams.get('q') === tail);
    await expect.poll(() => countOf(page)).toBe(byTail.total);
    await settled(page);
    expect(byTail.total).toBeGreaterThan(0);
    await page.locator('[data-testid=customer-search]').fill('');
    await page.waitForURL((u) => !u.searchParams.has('q'));
    await expect.poll(() => page.locator('[data-testid=customer-row]').first().getAttribute('data-customer-id')).toBe(api.customers[0]!.id);
    await page.locator('[data-testid=customer-row]').first().click();
    await page.locator('[data-testid=profile-phone]').waitFor();
    expect(await page.locator('[data-testid=profile-phone]').textContent()).toBe(phones[0]);
    expect(await page.locator('[data-testid=profile-name]').textContent()).toContain('*');
    await settled(page);
    await screenshot(page, 'customers-profile-masked-zh-CN');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('a sales rep sees only their customers; another customer is "not found or outside your scope"; segment changes are disabled with the reason', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    const top = (await apiGet<{ customers: Item[] }>(page, '/api/customers?sort=-revenue&limit=1')).customers[0]!;
    const everyone: (Item & { owner: string | null })[] = [];
    for (let offset = 0; ; offset += 1000) {
      const r = await apiGet<{ total: number; customers: (Item & { owner: string | null })[] }>(page, `/api/customers?limit=1000&offset=${offset}`);
      everyone.push(...r.customers);
      if (everyone.length >= r.total) break;
    }
    const repIds = everyone.filter((c) => c.owner === repEmployee).map((c) => c.id);
    const picked = [...repIds.slice(0, 3), ...(repIds.includes(top.id) ? [] : [top.id])];
    expect((await apiPost(page, '/api/segments', { key: 'rep_mix', name: 'Mixed list', customers: picked })).status).toBe(200);
    await context.clearCookies();
    await signIn(page, srv.url, 'rep');
    await openList(page);
    const mine = await apiGet<{ total: number; customers: (Item & { owner: string })[] }>(page, '/api/customers?limit=1000');
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.customers.every((c) => c.owner === repEmployee)).toBe(true);
    expect(await countOf(page)).toBe(mine.total);
    await screenshot(page, 'customers-list-rep-en');
    const foreign = mine.customers.some((c) => c.id === top.id) ? undefined : top.id;
    if (foreign) {
      await page.goto(`${srv.url}/customers/${foreign}`);
      await page.locator('[data-testid=profile-not-found]').waitFor();
      await screenshot(page, 'customers-profile-not-found-en');
    }
    // Segment sizes count the rep's customers only; changes need import + all rows, exports the export permission.
    await page.goto(`${srv.url}/customers?tab=segments`);
    const seg = page.locator('[data-testid=segment-row][data-segment-key=rep_mix]');
    await seg.waitFor();
    expect(Number(await seg.locator('[data-testid=segment-size]').getAttribute('data-count'))).toBe(Math.min(3, repIds.length));
    await seg.click();
    await page.locator('[data-testid=segment-detail]').waitFor();
    await settled(page);
    expect(await page.locator('[data-testid=segment-member]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-customer-id')))).toEqual(repIds.slice(0, 3).sort());
    expect(await page.locator('[data-testid=segment-refresh]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=segment-delete]').isDisabled()).toBe(true);
    await page.locator('[data-testid=segment-no-write]').waitFor();
    expect(await page.locator('[data-testid=segment-export-csv]').count()).toBe(0);
    await screenshot(page, 'customers-segment-rep-en');
    // The 404 of the out-of-scope profile is the expected answer; chromium logs every 4xx fetch as a console error.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await context.close();
  }, 120_000);
});
