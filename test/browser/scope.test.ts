/**
 * The evidence "a sales-rep user sees only their own customers and masked phones in the UI", on the demo with
 * the demo accounts of `tidemark start` (src/demo/users.ts: admin, manager of branch U100, rep = employee E024).
 *
 * The sales_rep role has see_personal_data by default (src/accounts/roles.ts). The default stays; the admin takes it
 * away as an admin would, through the API with the admin's browser session (PUT /api/roles/sales_rep), and the rep's
 * next requests are masked. Expected values come from hand-written SQL on the warehouse file, run before the server
 * opens it (setup), never from Tidemark's own queries.
 *
 * The same facts are checked through the API with the rep's browser session and in the UI: the Customers list tab, the
 * overview's revenue KPI and the profile's not-found state.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetaStore, metaPathOf } from '../../src/accounts/index.js';
import { DEMO_MANAGER_BRANCH, DEMO_PASSWORD, DEMO_REP_EMPLOYEE, ensureDemoUsers } from '../../src/demo/users.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { formatMoney } from '../../web/src/i18n/format.js';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

const FROM = '2025-01-01';
const TO = '2025-12-31';
/** Another channel-sales rep of the same branch: their customers are not the demo rep's. */
const OTHER_REP = 'E023';
/** Masked phones (src/access/mask.ts): the 4 characters before the last 4 starred; the demo's are E.164 (+86…). */
const MASKED_PHONE = /^(\+86)?1\d{2}\*{4}\d{4}$/;

interface Facts {
  /** The rep's customers, by id. */
  readonly ids: readonly string[];
  /** Of them, those with a phone. */
  readonly withPhone: number;
  /** Revenue of the rep's customers' counted orders in FROM..TO. */
  readonly revenue: number;
  /** A customer of another rep, and one without an owner (an online-only shopper). */
  readonly otherRepCustomer: { id: string; name: string };
  readonly unownedCustomer: string;
  /** Customers of the manager's branch (owned by an employee of U100 or its departments). */
  readonly branchCustomers: number;
}

let srv: DemoServer;
let browser: Browser;
let facts: Facts;

async function handFacts(dbPath: string): Promise<Facts> {
  const wh = await openWarehouse({ path: dbPath, readOnly: true });
  try {
    const q = async (sql: string, params: string[] = []) => (await wh.query(sql, params)).rows;
    const ids = (await q(`SELECT customer_id FROM customers WHERE owner_employee_id = $1 ORDER BY customer_id`, [DEMO_REP_EMPLOYEE])).map((r) => String(r.customer_id));
    const withPhone = Number((await q(`SELECT count(*) AS n FROM customers WHERE owner_employee_id = $1 AND phone IS NOT NULL`, [DEMO_REP_EMPLOYEE]))[0]?.n);
    const revenue = Number(
      (
        await q(
          `SELECT coalesce(sum(o.amount), 0)::DOUBLE AS r FROM orders o JOIN customers c ON c.customer_id = o.customer_id
           WHERE c.owner_employee_id = $1 AND o.ordered_at >= $2::TIMESTAMP AND o.ordered_at < $3::TIMESTAMP + INTERVAL 1 DAY
             AND (o.status IS NULL OR o.status <> 'cancelled')`,
          [DEMO_REP_EMPLOYEE, FROM, TO],
        )
      )[0]?.r,
    );
    const other = (await q(`SELECT customer_id, name FROM customers WHERE owner_employee_id = $1 AND kind = 'person' ORDER BY customer_id LIMIT 1`, [OTHER_REP]))[0]!;
    const unowned = (await q(`SELECT customer_id FROM customers WHERE owner_employee_id IS NULL ORDER BY customer_id LIMIT 1`))[0]!;
    const branch = Number(
      (
        await q(
          `SELECT count(*) AS n FROM customers WHERE owner_employee_id IN (SELECT employee_id FROM employees
             WHERE unit_id IN (SELECT unit_id FROM org_units WHERE unit_id = $1 OR parent_id = $1))`,
          [DEMO_MANAGER_BRANCH],
        )
      )[0]?.n,
    );
    return {
      ids,
      withPhone,
      revenue,
      otherRepCustomer: { id: String(other.customer_id), name: String(other.name) },
      unownedCustomer: String(unowned.customer_id),
      branchCustomers: branch,
    };
  } finally {
    await wh.close();
  }
}

beforeAll(async () => {
  srv = await demoServer({
    users: [],
    setup: async (dbPath) => {
      // The accounts `tidemark start` creates, in the same way (before the server holds the file).
      const wh = await openWarehouse({ path: dbPath, readOnly: true });
      const meta = MetaStore.open(metaPathOf(dbPath));
      try {
        const r = await ensureDemoUsers(meta, wh);
        if (!r.created) throw new Error(`demo accounts not created: ${r.reason}`);
      } finally {
        meta.close();
        await wh.close();
      }
      facts = await handFacts(dbPath);
    },
  });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function csrf(page: Page): Promise<string> {
  const c = (await page.context().cookies()).find((x) => x.name === 'tm_csrf');
  if (!c) throw new Error('no tm_csrf cookie: not signed in');
  return c.value;
}

/** GET through the browser's session (cookies of the signed-in tab). */
async function apiGet(page: Page, path: string): Promise<{ status: number; body: any }> {
  const r = await page.request.get(`${srv.url}${path}`);
  return { status: r.status(), body: await r.json() };
}

describe('a sales rep sees only their own customers, masked', () => {
  it('the demo has a rep with a few dozen customers who buy (3,000 customers)', () => {
    expect(facts.ids.length).toBeGreaterThan(30);
    expect(facts.ids.length).toBeLessThan(150);
    expect(facts.withPhone).toBeGreaterThan(0);
    expect(facts.revenue).toBeGreaterThan(0);
  });

  it('the admin revokes see_personal_data from the sales_rep role (as on the Admin page)', async () => {
    const { page, context, errors } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin', DEMO_PASSWORD);
    const before = await apiGet(page, '/api/roles');
    const rep = before.body.roles.find((r: { role: string }) => r.role === 'sales_rep');
    expect(rep.permissions).toContain('see_personal_data');
    const put = await page.request.put(`${srv.url}/api/roles/sales_rep`, {
      headers: { 'X-CSRF-Token': await csrf(page), 'Content-Type': 'application/json' },
      data: { permissions: rep.permissions.filter((p: string) => p !== 'see_personal_data') },
    });
    expect(put.status()).toBe(200);
    const after = await apiGet(page, '/api/roles');
    expect(after.body.roles.find((r: { role: string }) => r.role === 'sales_rep').permissions).not.toContain('see_personal_data');
    // The admin still sees personal data in clear.
    const own = await apiGet(page, `/api/customers/${facts.otherRepCustomer.id}`);
    expect(own.status).toBe(200);
    expect(own.body.attributes.name).toBe(facts.otherRepCustomer.name);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the demo manager sees their branch’s customers, in clear', async () => {
    const { page, context, errors } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'manager', DEMO_PASSWORD);
    const list = await apiGet(page, '/api/customers?limit=1000');
    expect(facts.branchCustomers).toBeGreaterThan(facts.ids.length);
    expect(list.body.total).toBe(facts.branchCustomers);
    expect(list.body.customers.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([...facts.ids]));
    const phones = list.body.customers.map((c: { phone: string | null }) => c.phone).filter((p: string | null) => p !== null);
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(/^\+861\d{10}$/);
    expect(await page.locator('[data-testid=nav-admin]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    describe(locale, () => {
      it('the API answers the rep with exactly their customers, phones masked, and their revenue', async () => {
        const { page, context, errors } = await openTab(browser, { locale });
        await signIn(page, srv.url, 'rep', DEMO_PASSWORD);
        const me = await apiGet(page, '/api/auth/me');
        expect(me.body).toMatchObject({ login: 'rep', role: 'sales_rep', employeeId: DEMO_REP_EMPLOYEE });
        expect(me.body.permissions).not.toContain('see_personal_data');
        const list = await apiGet(page, '/api/customers?limit=1000');
        expect(list.body.total).toBe(facts.ids.length);
        expect(list.body.customers.map((c: { id: string }) => c.id).sort()).toEqual(facts.ids);
        const phones = list.body.customers.map((c: { phone: string | null }) => c.phone).filter((p: string | null) => p !== null);
        expect(phones).toHaveLength(facts.withPhone);
        for (const p of phones) expect(p).toMatch(MASKED_PHONE);
        const ov = await apiGet(page, `/api/overview?from=${FROM}&to=${TO}`);
        expect(ov.body.revenue).toBeCloseTo(facts.revenue, 2);
        // Another rep's customer and a customer without an owner are unknown to the rep.
        for (const id of [facts.otherRepCustomer.id, facts.unownedCustomer]) {
          const r = await apiGet(page, `/api/customers/${id}`);
          expect(r.status).toBe(404);
          expect(r.body.error.code).toBe('unknown_customer');
        }
        expect((await apiGet(page, `/api/customers/${facts.ids[0]}`)).status).toBe(200);
        expect(errors).toEqual([]);
        await context.close();
      });

      it('the navigation has no Admin entry, and /admin shows the no-permission state', async () => {
        const { page, context, errors } = await openTab(browser, { locale });
        await signIn(page, srv.url, 'rep', DEMO_PASSWORD);
        await page.locator('[data-testid=nav-customers]').waitFor();
        expect(await page.locator('[data-testid=nav-admin]').count()).toBe(0);
        await page.goto(`${srv.url}/admin`);
        await settled(page);
        const state = page.locator('main.content .state-error');
        await state.waitFor();
        expect(await state.textContent()).toContain(locale === 'zh-CN' ? '您的角色没有此权限。' : 'Your role does not allow this.');
        await screenshot(page, `scope-rep-admin-${locale}`);
        expect(errors).toEqual([]);
        await context.close();
      });

      it('Customers → list shows exactly the rep’s customers with masked phones; another rep’s profile is not found', async () => {
        const { page, context, errors } = await openTab(browser, { locale });
        await signIn(page, srv.url, 'rep', DEMO_PASSWORD);
        await page.locator('[data-testid=nav-customers]').click();
        await page.waitForURL(/\/customers/);
        // The default tab first (RFM on the default period: some of its eight segments are empty in a rep's scope).
        await page.locator('[data-testid=rfm-grid]').waitFor();
        await settled(page);
        await screenshot(page, `scope-rep-rfm-${locale}`);
        await page.locator('[data-testid=tab-list]').click();
        await page.waitForURL(/tab=list/);
        // 100 a page (the list's largest), so all of the rep's customers are on it at 3,000 customers.
        await page.goto(`${srv.url}/customers?tab=list&size=100`);
        await settled(page);
        const count = page.locator('[data-testid=customer-count]');
        await count.waitFor();
        expect(Number(await count.getAttribute('data-count'))).toBe(facts.ids.length);
        const rows = page.locator('[data-testid=customer-row]');
        const shown = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-customer-id') ?? ''));
        expect(shown.length).toBeGreaterThan(0);
        const mine = new Set(facts.ids);
        for (const id of shown) expect(mine.has(id), id).toBe(true);
        expect([...shown].sort()).toEqual(facts.ids);
        const phones = (await page.locator('[data-testid=customer-row] [data-testid=customer-phone]').allTextContents()).map((t) => t.trim()).filter((t) => /\d/.test(t));
        expect(phones.length).toBeGreaterThan(0);
        for (const p of phones) expect(p).toMatch(MASKED_PHONE);
        await screenshot(page, `scope-rep-list-${locale}`);

        // Another rep's customer, by URL: the profile's not-found state, nothing of the customer.
        const notFound: string[] = [];
        page.on('response', (r) => {
          if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
        });
        await page.goto(`${srv.url}/customers/${facts.otherRepCustomer.id}`);
        await settled(page);
        await page.locator('[data-testid=profile-not-found]').waitFor();
        expect(await page.locator('[data-testid=customer-profile]').count()).toBe(0);
        expect(await page.locator('main.content').textContent()).not.toContain(facts.otherRepCustomer.name);
        expect(notFound).toContain(`/api/customers/${facts.otherRepCustomer.id}`);
        await screenshot(page, `scope-rep-other-profile-${locale}`);
        // The browser logs the expected 404 of that profile request; nothing else.
        expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
        await context.close();
      });

      it('the overview’s revenue KPI is the rep’s revenue', async () => {
        const { page, context, errors } = await openTab(browser, { locale });
        await signIn(page, srv.url, 'rep', DEMO_PASSWORD);
        await page.goto(`${srv.url}/overview?from=${FROM}&to=${TO}`);
        await settled(page);
        const value = page.locator('[data-testid=kpi-revenue] [data-testid=kpi-value]');
        await value.waitFor();
        const text = (await value.textContent())?.trim();
        expect([formatMoney(facts.revenue, locale, true), formatMoney(facts.revenue, locale, false)]).toContain(text);
        await screenshot(page, `scope-rep-overview-${locale}`);
        expect(errors).toEqual([]);
        await context.close();
      });
    });
  }
});
