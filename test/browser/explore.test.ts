/**
 * The Explore page in a real browser, both languages, on the 3,000-customer demo (seed 42, orders 2023–2025).
 * Expected numbers come from the API itself (the same request the page makes, sent with the tab's session), so the
 * table, the drill-down, the drill-through and the exported files are checked against what the server computes.
 * A URL without a period opens on the last 12 months of data (the shell writes from/to into the URL first): 2025 here.
 * Where a test means all history it says so (from/to in the URL, or the "All time" preset), and every request sent to
 * the API for comparison carries the period the page's URL carries.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

let srv: DemoServer;
let browser: Browser;

beforeAll(async () => {
  srv = await demoServer({ users: [{ login: 'ana', role: 'analyst' }] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;

/** POSTs with the tab's session (cookie + CSRF header), as the page does. */
async function post(context: BrowserContext, path: string, data: unknown): Promise<Json> {
  const csrf = (await context.cookies()).find((c) => c.name === 'tm_csrf')?.value ?? '';
  const res = await context.request.post(`${srv.url}${path}`, { data: data as Json, headers: { 'X-CSRF-Token': csrf } });
  expect(res.status(), `${path} ${await res.text()}`).toBe(200);
  return (await res.json()) as Json;
}

/** The table's numbers of one column, by row label: { '2024': 123, … } (from data-value, the unformatted number). */
async function column(page: Page, col: string): Promise<Record<string, number>> {
  return page.locator('[data-testid=pivot-table] tbody tr').evaluateAll(
    (trs, c) =>
      Object.fromEntries(
        trs.map((tr) => {
          const key = tr.querySelector('td.explore-label')?.getAttribute('data-key') ?? '';
          const cell = tr.querySelector(`td[data-col="${c}"]`);
          return [key, Number(cell?.getAttribute('data-value'))];
        }),
      ),
    col,
  );
}

/** Settled, and no answer is being replaced (the page keeps the previous table dimmed while the next one loads). */
async function ready(page: Page): Promise<void> {
  await settled(page);
  await page.waitForFunction(() => document.querySelector('.reloading') === null);
}

/** The demo's whole history, and the default period (the last 12 months of data). */
const ALL = { from: '2023-01-01', to: '2025-12-31' };
const LAST_12M = { from: '2025-01-01', to: '2025-12-31' };
const ALL_QS = `from=${ALL.from}&to=${ALL.to}`;

/** The shared period the page's URL carries, as a request body's fields (the page sends the same). */
function periodOf(page: Page): { from: string; to: string } {
  const sp = new URL(page.url()).searchParams;
  const from = sp.get('from');
  const to = sp.get('to');
  expect(from, `no from in ${page.url()}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(to, `no to in ${page.url()}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  return { from: from!, to: to! };
}

/** A screenshot once the charts' entry animation (300 ms) has run, so the picture shows the drawn chart. */
async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(700);
  await screenshot(page, name);
}

const byKey = (rows: Row[], dim: string, metric: string) => Object.fromEntries(rows.filter((r) => Number(r._grouping ?? 0) === 0).map((r) => [String(r[dim]), Number(r[metric])]));

describe('Explore', () => {
  it('zh-CN: choose metrics and a dimension, drill down by clicking, drill through, export, View SQL', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'ana');
    await page.locator('[data-testid=nav-explore]').click();
    await page.waitForURL(/\/explore/);
    await ready(page);
    // no period in the link: the shell wrote the default one (the last 12 months of data) into the URL
    await page.waitForURL(/from=2025-01-01&to=2025-12-31/);
    expect(periodOf(page)).toEqual(LAST_12M);
    await page.locator('[data-testid=explore-empty]').waitFor();
    expect(await page.locator('[data-testid=explore-empty]').textContent()).toContain('开始分析');
    await shot(page, 'explore-empty-zh-CN');

    // Metrics from the catalog (labels in Chinese), a row dimension from the grouped picker.
    expect(await page.locator('[data-testid=metric-revenue]').textContent()).toContain('销售额');
    await page.locator('[data-testid=metric-search]').fill('订单');
    await page.locator('[data-testid=metric-orders]').click();
    await page.locator('[data-testid=metric-search]').fill('');
    await page.locator('[data-testid=metric-revenue]').click();
    await page.locator('[data-testid=add-rows]').selectOption('year');
    await page.locator('[data-testid=th-year]').waitFor();
    await ready(page);
    expect(page.url()).toMatch(/m=orders&m=revenue/);
    expect(page.url()).toMatch(/r=year/);
    // the default period: 2025 only, as the API answers for that period
    const recent = await post(context, '/api/query', { metrics: ['orders', 'revenue'], dimensions: ['year'], totals: true, ...periodOf(page) });
    expect(Object.keys(await column(page, 'revenue'))).toEqual(['2025']);
    expect(await column(page, 'revenue')).toEqual(byKey(recent.rows as Row[], 'year', 'revenue'));
    // all history: the "All time" preset of the period bar (from the first to the last order day)
    await page.locator('[data-testid=period-preset]').selectOption('all');
    await page.waitForURL(/from=2023-01-01&to=2025-12-31/);
    expect(periodOf(page)).toEqual(ALL);
    expect(page.url()).toMatch(/m=orders&m=revenue/);
    await expect.poll(async () => Object.keys(await column(page, 'revenue'))).toEqual(['2023', '2024', '2025']);
    await ready(page);
    const years = await post(context, '/api/query', { metrics: ['orders', 'revenue'], dimensions: ['year'], totals: true, ...periodOf(page) });
    expect(await column(page, 'revenue')).toEqual(byKey(years.rows as Row[], 'year', 'revenue'));
    expect(await column(page, 'orders')).toEqual(byKey(years.rows as Row[], 'year', 'orders'));
    expect(Object.keys(await column(page, 'revenue'))).toEqual(['2023', '2024', '2025']);
    // the totals row: the API's grand total
    const grand = (years.rows as Row[]).find((r) => Number(r._grouping ?? 0) !== 0);
    expect(Number(await page.locator('[data-testid=totals-row] td[data-col=revenue]').getAttribute('data-value'))).toBe(Number(grand?.revenue));
    await page.locator('[data-testid=explore-chart-canvas] canvas').first().waitFor();
    await shot(page, 'explore-years-zh-CN');

    // Drill down: click the row label 2024 → quarters of 2024, filter in the URL, numbers as the API's for year = 2024.
    await page.locator('[data-testid=drill-down][data-value="2024"]').click();
    await page.waitForURL(/dp=year%3A2024/);
    await ready(page);
    expect(page.url()).toMatch(/r=quarter/);
    await expect.poll(async () => Object.keys(await column(page, 'revenue'))).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    const q2024 = await post(context, '/api/query', { metrics: ['orders', 'revenue'], dimensions: ['quarter'], filters: [{ dimension: 'year', op: 'eq', values: ['2024'] }], ...periodOf(page) });
    expect(periodOf(page)).toEqual(ALL);
    expect(await column(page, 'revenue')).toEqual(byKey(q2024.rows as Row[], 'quarter', 'revenue'));
    expect(await page.locator('[data-testid=drill-breadcrumb]').textContent()).toContain('年: 2024');
    await shot(page, 'explore-drilled-zh-CN');

    // Drill-through: the orders of 2024-Q2 → the records panel counts exactly that many.
    const cell = page.locator('[data-testid=pivot-table] tbody tr', { has: page.locator('[data-value="2024-Q2"]') }).locator('td[data-col=orders]');
    const clicked = Number(await cell.getAttribute('data-value'));
    expect(clicked).toBeGreaterThan(0);
    await cell.click();
    await page.locator('[data-testid=drill-through]').waitFor();
    await page.locator('[data-testid=records-total]').waitFor();
    expect(Number(await page.locator('[data-testid=records-total]').getAttribute('data-total'))).toBe(clicked);
    expect(await page.locator('[data-testid=record]').count()).toBe(Math.min(25, clicked));
    // sorted on the server by a header click: amounts descending
    await page.locator('[data-testid=records-th-amount]').click();
    await page.locator('[data-testid=records-th-amount]').click();
    await expect.poll(() => page.locator('[data-testid=records-th-amount]').getAttribute('aria-sort')).toBe('descending');
    await ready(page);
    await shot(page, 'explore-records-zh-CN');
    await page.locator('[data-testid=records-close]').click();
    await page.locator('[data-testid=drill-through]').waitFor({ state: 'detached' });

    // View SQL: the statement the server ran.
    await page.locator('[data-testid=view-sql]').click();
    const sql = await page.locator('[data-testid=sql-text]').first().textContent();
    expect(sql).toMatch(/SELECT/i);
    expect(sql).toContain('orders');
    expect(await page.locator('[data-testid=sql-params]').first().textContent()).toContain('2024');
    await shot(page, 'explore-sql-zh-CN');

    // Export CSV: a file from the server, UTF-8 BOM, the header, the table's numbers.
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-csv]').click()]);
    expect(csvDl.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await csvDl.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).trim().split(/\r?\n/);
    expect(lines[0]).toContain('季度');
    expect(lines[0]).toContain('销售额');
    const shown = await column(page, 'revenue');
    const header = lines[0]!.split(',');
    const qi = header.findIndex((h) => h.includes('季度'));
    const ri = header.findIndex((h) => h.includes('销售额'));
    const fromCsv = Object.fromEntries(lines.slice(1).map((l) => l.split(',')).map((c) => [c[qi], Number(c[ri])]));
    for (const [k, v] of Object.entries(shown)) expect(fromCsv[k]).toBeCloseTo(v, 2);
    await page.locator('[data-testid=export-status]').waitFor();

    // Export XLSX: a zip (PK…) named by the server.
    const [xlsxDl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-xlsx]').click()]);
    expect(xlsxDl.suggestedFilename()).toMatch(/\.xlsx$/);
    const xlsx = readFileSync((await xlsxDl.path())!);
    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(xlsx.length).toBeGreaterThan(1000);

    // Back up the drill path with the breadcrumb.
    await page.locator('[data-testid=crumb-0]').click();
    await page.waitForURL((u) => !u.search.includes('dp='));
    expect(page.url()).toMatch(/r=year/);
    await expect.poll(async () => Object.keys(await column(page, 'revenue'))).toEqual(['2023', '2024', '2025']);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('en: a pivot from a URL with totals, sorting, a chart-type switch, a filter offered from the dimension, compare', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'ana');

    // A URL without a period: the page waits for the default period and asks once, for that period, not for all history.
    const pivots: Json[] = [];
    const onRequest = (r: Request) => {
      if (new URL(r.url()).pathname === '/api/pivot') pivots.push(r.postDataJSON() as Json);
    };
    page.on('request', onRequest);
    await page.goto(`${srv.url}/explore?m=revenue&r=channel&c=year`);
    await ready(page);
    await page.locator('[data-testid=pivot-table]').waitFor();
    page.off('request', onRequest);
    expect(periodOf(page)).toEqual(LAST_12M);
    expect(pivots).toHaveLength(1);
    expect(pivots[0]).toMatchObject({ metrics: ['revenue'], rows: ['channel'], columns: ['year'], ...LAST_12M });
    const recent = await post(context, '/api/pivot', { metrics: ['revenue'], rows: ['channel'], columns: ['year'], ...periodOf(page) });
    expect(await page.locator('[data-testid=pivot-table] thead').textContent()).not.toContain('2024');
    expect(await column(page, '2025')).toEqual(Object.fromEntries((recent.rows as Row[]).map((r) => [String(r.channel), Number(r['2025'])])));

    // The same pivot over all history, the period in the URL.
    await page.goto(`${srv.url}/explore?m=revenue&r=channel&c=year&${ALL_QS}`);
    await ready(page);
    await page.locator('[data-testid=pivot-table]').waitFor();
    expect(periodOf(page)).toEqual(ALL);
    expect(await page.locator('[data-testid=th-channel]').textContent()).toContain('Channel');
    const pv = await post(context, '/api/pivot', { metrics: ['revenue'], rows: ['channel'], columns: ['year'], ...periodOf(page) });
    const rows = pv.rows as Row[];
    for (const y of ['2023', '2024', '2025']) expect(await column(page, y)).toEqual(Object.fromEntries(rows.map((r) => [String(r.channel), Number(r[y])])));
    expect(await column(page, '_total')).toEqual(Object.fromEntries(rows.map((r) => [String(r.channel), Number(r._total)])));
    const totals = pv.totals as Row;
    expect(Number(await page.locator('[data-testid=totals-row] td[data-col=_total]').getAttribute('data-value'))).toBe(Number(totals._total));
    // coded values by their labels
    expect(await page.locator('[data-testid=pivot-table] tbody').textContent()).toContain('Tmall');
    // sort by the 2025 column, descending (numbers first click), kept in the URL
    await page.locator('[data-testid="th-2025"]').click();
    await page.waitForURL(/s=2025%3Ad/);
    const sorted = Object.values(await column(page, '2025'));
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    // a pivot's default chart is stacked bars; switch to heatmap (in the URL)
    expect(await page.locator('[data-testid=chart-stacked]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid=chart-heatmap]').click();
    await page.waitForURL(/ch=heatmap/);
    await shot(page, 'explore-pivot-heatmap-en');

    // A filter: the channel's values are offered by querying it; picking one filters the table like the API.
    await page.locator('[data-testid=filter-dimension]').selectOption('channel');
    await page.locator('[data-testid="filter-value-tmall"]').click();
    await page.locator('[data-testid=filter-apply]').click();
    await page.waitForURL(/f=channel%3Atmall/);
    await ready(page);
    await expect.poll(async () => Object.keys(await column(page, '2024'))).toEqual(['tmall']);
    const tm = await post(context, '/api/pivot', { metrics: ['revenue'], rows: ['channel'], columns: ['year'], filters: [{ dimension: 'channel', op: 'in', values: ['tmall'] }], ...periodOf(page) });
    expect((await column(page, '2024')).tmall).toBe(Number((tm.rows as Row[])[0]!['2024']));
    // The chip in the top bar names the filter by the catalog's labels; its title keeps the raw codes.
    expect(await page.locator('[data-testid=filter-channel]').textContent()).toContain('Channel: Tmall');
    expect(await page.locator('[data-testid=filter-channel]').getAttribute('title')).toBe('channel: tmall');

    // Drill down on a column: 2024 → its quarters across the top.
    await page.locator('[data-testid=drill-down-col][data-value="2024"]').click();
    await page.waitForURL(/dp=year%3A2024/);
    expect(page.url()).toMatch(/c=quarter/);
    await page.locator('[data-testid="th-2024-Q1"]').waitFor();
    const tq = await post(context, '/api/pivot', { metrics: ['revenue'], rows: ['channel'], columns: ['quarter'], filters: [{ dimension: 'channel', op: 'in', values: ['tmall'] }, { dimension: 'year', op: 'eq', values: ['2024'] }], ...periodOf(page) });
    for (const q of ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']) expect((await column(page, q)).tmall).toBe(Number((tq.rows as Row[])[0]![q]));
    // the quarters' row total is the year's number before the drill
    expect((await column(page, '_total')).tmall).toBe(Number((tm.rows as Row[])[0]!['2024']));

    // Compare (year over year) on a flat table: previous and change columns from the API.
    await page.goto(`${srv.url}/explore?m=orders&r=quarter&cmp=yoy&from=2025-01-01&to=2025-12-31`);
    await ready(page);
    await page.locator('[data-testid=pivot-table]').waitFor();
    const head = await page.locator('[data-testid=pivot-table] thead').textContent();
    expect(head).toContain('YoY');
    expect(periodOf(page)).toEqual(LAST_12M);
    const yoy = await post(context, '/api/query', { metrics: ['orders'], dimensions: ['quarter'], compare: 'yoy', ...periodOf(page) });
    expect(await column(page, 'orders')).toEqual(byKey(yoy.rows as Row[], 'quarter', 'orders'));
    expect(await page.locator('[data-testid=pivot-table] tbody').textContent()).toMatch(/\+\d+(\.\d)?%/);
    expect(await page.locator('[data-testid=chart-line]').getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'explore-compare-en');

    // Clicking the chart: orders by year as bars; the third bar (2025) is the tallest, so the middle of its band hits it.
    await page.goto(`${srv.url}/explore?m=orders&r=year&ch=bar&${ALL_QS}`);
    await ready(page);
    const canvas = page.locator('[data-testid=explore-chart-canvas]');
    await canvas.locator('canvas').first().waitFor();
    await page.waitForTimeout(600); // the bars' entry animation
    const box = (await canvas.boundingBox())!;
    const at = { x: 70 + (box.width - 16 - 70) * (2.5 / 3), y: box.height * 0.62 };
    const y2025 = byKey((await post(context, '/api/query', { metrics: ['orders'], dimensions: ['year'], ...periodOf(page) })).rows as Row[], 'year', 'orders')['2025']!;
    // …with "shows records": the records of the bar, as many as its orders
    await page.locator('[data-testid=click-mode]').selectOption('through');
    await canvas.click({ position: at });
    await page.locator('[data-testid=records-total]').waitFor();
    expect(Number(await page.locator('[data-testid=records-total]').getAttribute('data-total'))).toBe(y2025);
    expect(await page.locator('[data-testid=records-value]').textContent()).toBe(y2025.toLocaleString('en'));
    await page.locator('[data-testid=records-close]').click();
    // …with "drills down": 2025 by quarter
    await page.locator('[data-testid=click-mode]').selectOption('down');
    await canvas.click({ position: at });
    await page.waitForURL(/dp=year%3A2025/);
    expect(page.url()).toMatch(/r=quarter/);
    await expect.poll(async () => Object.keys(await column(page, 'orders'))).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    const q2025 = await post(context, '/api/query', { metrics: ['orders'], dimensions: ['quarter'], filters: [{ dimension: 'year', op: 'eq', values: ['2025'] }], ...periodOf(page) });
    expect(periodOf(page)).toEqual(ALL);
    expect(await column(page, 'orders')).toEqual(byKey(q2025.rows as Row[], 'quarter', 'orders'));
    await shot(page, 'explore-chart-drilled-en');

    // Drill-through on revenue of one day: every record on one page, their amounts add up to the number clicked.
    await page.goto(`${srv.url}/explore?m=revenue&r=day&from=2023-03-01&to=2023-03-31`);
    await ready(page);
    const dayCell = page.locator('[data-testid=pivot-table] tbody td[data-col=revenue]').first();
    const dayRevenue = Number(await dayCell.getAttribute('data-value'));
    await dayCell.click();
    await page.locator('[data-testid=records-sum]').waitFor();
    const dayCount = Number(await page.locator('[data-testid=records-total]').getAttribute('data-total'));
    expect(dayCount).toBeGreaterThan(0);
    expect(dayCount).toBeLessThanOrEqual(25);
    expect(await page.locator('[data-testid=record]').count()).toBe(dayCount);
    expect(Number(await page.locator('[data-testid=records-sum]').getAttribute('data-sum'))).toBeCloseTo(dayRevenue, 2);
    await shot(page, 'explore-records-en');
    await page.locator('[data-testid=records-close]').click();

    // No rows: a period without orders shows the designed empty state.
    await page.goto(`${srv.url}/explore?m=revenue&r=month&from=2030-01-01&to=2030-03-31`);
    await ready(page);
    expect(await page.locator('.explore-main .state-empty').textContent()).toContain('No rows for this selection');

    // The starter analysis from the empty state.
    await page.goto(`${srv.url}/explore`);
    await ready(page);
    await page.locator('[data-testid=starter]').click();
    await page.waitForURL(/m=revenue&m=orders&r=month/);
    await page.locator('[data-testid=pivot-table]').waitFor();
    await ready(page);
    // …on the default period the URL carries: the 12 months of 2025, as the API answers
    expect(periodOf(page)).toEqual(LAST_12M);
    const months = await post(context, '/api/query', { metrics: ['revenue', 'orders'], dimensions: ['month'], totals: true, ...periodOf(page) });
    expect(await page.locator('[data-testid=pivot-table] tbody tr').count()).toBe(12);
    expect(await column(page, 'revenue')).toEqual(byKey(months.rows as Row[], 'month', 'revenue'));
    expect(await column(page, 'orders')).toEqual(byKey(months.rows as Row[], 'month', 'orders'));
    await shot(page, 'explore-starter-en');
    // …and over all history with the "All time" preset: 36 months
    await page.locator('[data-testid=period-preset]').selectOption('all');
    await page.waitForURL(/from=2023-01-01&to=2025-12-31/);
    expect(page.url()).toMatch(/m=revenue&m=orders&r=month/);
    await expect.poll(() => page.locator('[data-testid=pivot-table] tbody tr').count()).toBe(36);
    await ready(page);
    const allMonths = await post(context, '/api/query', { metrics: ['revenue', 'orders'], dimensions: ['month'], totals: true, ...periodOf(page) });
    expect(await column(page, 'revenue')).toEqual(byKey(allMonths.rows as Row[], 'month', 'revenue'));

    expect(errors).toEqual([]);
    await context.close();
  });

  it('zh-CN on a tablet (820×1180): the builder above the answer, the table scrolls sideways', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN', viewport: { width: 820, height: 1180 } });
    await signIn(page, srv.url, 'ana');
    await page.goto(`${srv.url}/explore?m=revenue&m=orders&r=province&c=year`);
    await ready(page);
    await page.locator('[data-testid=pivot-table]').waitFor();
    const builder = (await page.locator('[data-testid=explore-builder]').boundingBox())!;
    const table = (await page.locator('[data-testid=explore-table-card]').boundingBox())!;
    expect(table.y).toBeGreaterThan(builder.y + builder.height - 1);
    // the default period (2025) arrived in the URL before the pivot was asked for
    expect(periodOf(page)).toEqual(LAST_12M);
    expect(await page.locator('[data-testid=pivot-table] thead').textContent()).toContain('2025 · 销售额');
    expect(await page.locator('[data-testid=pivot-table] thead').textContent()).not.toContain('2024 · 销售额');
    await shot(page, 'explore-tablet-zh-CN');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('en: a query the server refuses shows its message, code and field', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'ana');
    await page.goto(`${srv.url}/explore?m=no_such_metric&r=month`);
    await page.locator('[data-testid=explore-error]').waitFor();
    const text = await page.locator('[data-testid=explore-error]').textContent();
    expect(text).toContain('no_such_metric');
    expect(text).toMatch(/unknown_metric/);
    expect(text).toMatch(/metrics\[0\]/);
    await shot(page, 'explore-error-en');
    // the browser logs the refused request itself; nothing else may go wrong
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();
  });
});
