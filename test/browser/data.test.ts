/**
 * The Data page in a real browser: a real file uploaded through the UI (the GBK sample), its reconciled counts equal
 * to the API's import record and to the file's data lines counted here; a file with a bad row shows its quarantine;
 * the table status equals GET /api/status; the metric catalog lists GET /api/metrics; a role without `import` sees why.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer, launchChromium, openTab, screenshot, settled, signIn, type DemoServer } from './harness.js';

let srv: DemoServer;
let browser: Browser;

const GBK_SAMPLE = resolve('samples/customers_gbk.csv');
const TMP = resolve('.tmp/browser-data');

/** Data lines of a CSV without quoted newlines: non-empty lines after the header, counted on the raw bytes (0x0A never occurs inside a GBK character). */
function dataLines(path: string): number {
  const bytes = readFileSync(path);
  const lines = bytes.toString('latin1').split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '');
  return lines.length - 1;
}

const num = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

async function counts(page: Page, scope = '[data-testid=job-done]') {
  const read = async (id: string) => num(await page.locator(`${scope} [data-testid=${id}]`).first().textContent());
  return { rowsRead: await read('count-read'), loaded: await read('count-loaded'), merged: await read('count-merged'), quarantined: await read('count-quarantined') };
}

async function upload(page: Page, file: string, entity: string) {
  await page.locator('[data-testid=upload-entity]').selectOption(entity);
  await page.locator('[data-testid=upload-file]').setInputFiles(file);
  await page.locator('[data-testid=upload-selected]').waitFor();
  await page.locator('[data-testid=upload-submit]').click();
  await page.locator('[data-testid=job-done], [data-testid=job-failed]').first().waitFor({ timeout: 60_000 });
}

/** Drops a file on the drop zone as a browser does (a drop event carrying a DataTransfer with the file). */
async function drop(page: Page, path: string, name: string) {
  const bytes = [...readFileSync(path)];
  await page.locator('[data-testid=upload-drop]').evaluate(
    (el, { bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { bytes, name },
  );
  expect(await page.locator('[data-testid=upload-selected]').textContent()).toContain(name);
}

async function shot(page: Page, name: string) {
  await settled(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  srv = await demoServer({ users: [{ login: 'admin', role: 'admin' }, { login: 'viewer', role: 'viewer' }, { login: 'analyst', role: 'analyst' }] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('data page', () => {
  it('zh-CN: uploads the GBK sample through the UI; the reconciled counts equal the import record and the file', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/data?tab=imports`);
    await settled(page);
    await upload(page, GBK_SAMPLE, 'customers');
    await page.locator('[data-testid=job-done]').waitFor();
    const shown = await counts(page);
    const lines = dataLines(GBK_SAMPLE);
    expect(lines).toBe(192); // samples/README.md: 192 data rows
    expect(shown.rowsRead).toBe(lines);
    expect(shown.loaded + shown.merged + shown.quarantined).toBe(shown.rowsRead);
    const latest = (await (await page.request.get(`${srv.url}/api/imports?limit=1`)).json()) as { imports: { importId: number }[] };
    const id = latest.imports[0]!.importId;
    const record = (await (await page.request.get(`${srv.url}/api/imports/${id}`)).json()) as { import: Record<string, number>; report: { encoding: string; rules: { rule: string; count: number }[] } };
    expect(shown).toEqual({ rowsRead: record.import.rowsRead, loaded: record.import.loaded, merged: record.import.merged, quarantined: record.import.quarantined });
    expect((await page.locator('[data-testid=job-done] [data-testid=report-encoding]').textContent())?.toLowerCase()).toContain('gb');
    // the cleaning log lists every rule with its count
    const log = page.locator('[data-testid=job-done] [data-testid=cleaning-log] tbody tr');
    expect(await log.count()).toBe(record.report.rules.length);
    expect(record.report.rules.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid=import-history]').textContent()).toContain('customers_gbk.csv');
    await shot(page, 'data-imports-done-zh-CN');
    // the detail from the history
    await page.locator(`[data-testid=history-${id}]`).click();
    await page.locator('[data-testid=import-detail] [data-testid=import-report]').waitFor();
    expect(await counts(page, '[data-testid=import-detail]')).toEqual(shown);
    expect(page.url()).toContain(`import=${id}`);
    await settled(page);
    await shot(page, 'data-imports-detail-zh-CN');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('en: a file with a bad row shows its quarantine, downloadable as CSV', async () => {
    const file = join(TMP, 'members_bad_row.csv');
    // line 3 has no 客户编号 (required): quarantined; the others load
    writeFileSync(file, '客户编号,姓名,手机号\nQA90001,测试甲,13800000001\n,无名氏,13800000002\nQA90003,测试丙,13800000003\n');
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/data?tab=imports`);
    await settled(page);
    // this time by drag-and-drop onto the drop zone
    await drop(page, file, 'members_bad_row.csv');
    await page.locator('[data-testid=upload-submit]').click();
    await page.locator('[data-testid=job-done]').waitFor({ timeout: 60_000 });
    const shown = await counts(page);
    expect(shown.rowsRead).toBe(dataLines(file));
    expect(shown.quarantined).toBe(1);
    // the report's sample of the quarantined rows, before opening the full list
    expect(await page.locator('[data-testid=job-done] [data-testid=quarantine-sample] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=job-done] [data-testid=quarantine-sample]').textContent()).toContain('无名氏');
    expect(shown.loaded + shown.merged + shown.quarantined).toBe(shown.rowsRead);
    await page.locator('[data-testid=job-open-detail]').click();
    const table = page.locator('[data-testid=quarantine-table]');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    const row = await rows.first().textContent();
    expect(row).toContain('无名氏');
    expect(row).toContain('3');
    const id = Number(new URL(page.url()).searchParams.get('import'));
    const api = (await (await page.request.get(`${srv.url}/api/imports/${id}/quarantine`)).json()) as { total: number; rows: { line: number; reason: string }[] };
    expect(api.total).toBe(1);
    expect(row).toContain(api.rows[0]!.reason);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=quarantine-download]').click()]);
    expect(dl.suggestedFilename()).toBe(`import-${id}-quarantine.csv`);
    const csv = readFileSync((await dl.path())!, 'utf8');
    expect(csv).toContain('无名氏');
    await settled(page);
    await shot(page, 'data-imports-quarantine-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`${locale}: table status equals GET /api/status; the metric catalog lists GET /api/metrics and searches`, async () => {
      const { page, errors, context } = await openTab(browser, { locale });
      await signIn(page, srv.url, 'admin');
      await page.goto(`${srv.url}/data?tab=tables`);
      await settled(page);
      const status = (await (await page.request.get(`${srv.url}/api/status`)).json()) as { timeZone: string; tables: { table: string; rows: number }[] };
      for (const t of status.tables) expect(num(await page.locator(`[data-testid=status-rows-${t.table}]`).textContent()), t.table).toBe(t.rows);
      expect(num(await page.locator('[data-testid=status-rows-total]').textContent())).toBe(status.tables.reduce((a, t) => a + t.rows, 0));
      expect(await page.locator('[data-testid=status-tz]').textContent()).toBe(status.timeZone);
      await shot(page, `data-tables-${locale}`);

      await page.locator('[data-testid=tab-metrics]').click();
      await page.waitForURL(/tab=metrics/);
      await settled(page);
      const metrics = ((await (await page.request.get(`${srv.url}/api/metrics`)).json()) as { metrics: { key: string; label: { en: string; zh: string } }[] }).metrics;
      expect(await page.locator('[data-testid=metrics-table] tbody tr').count()).toBe(metrics.length);
      const revenue = metrics.find((x) => x.key === 'revenue')!;
      expect(await page.locator('[data-testid=metric-catalog]').textContent()).toContain(locale === 'en' ? revenue.label.en : revenue.label.zh);
      await shot(page, `data-metrics-${locale}`);
      if (locale === 'en') {
        await page.setViewportSize({ width: 820, height: 1180 });
        await shot(page, 'data-metrics-tablet-en');
        await page.locator('[data-testid=tab-imports]').click();
        await page.waitForURL(/tab=imports/);
        await shot(page, 'data-imports-tablet-en');
        await page.locator('[data-testid=tab-metrics]').click();
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      // grouped by source: one group per source table, every metric in one of them
      await page.locator('[data-testid=metrics-group]').selectOption('source');
      await page.waitForURL(/group=source/);
      const sources = new Set(metrics.map((x) => (x as { source?: string }).source ?? ''));
      expect(await page.locator('[data-testid^=metric-group-]').count()).toBe(sources.size);
      expect(await page.locator('[data-testid=metrics-table] tbody tr').count()).toBe(metrics.length);
      await page.locator('[data-testid=metrics-group]').selectOption('owner');
      await page.locator('[data-testid=metrics-search]').fill('revenue');
      await page.waitForURL(/q=revenue/);
      const hits = metrics.filter((x) => JSON.stringify(x).toLowerCase().includes('revenue')).length;
      expect(await page.locator('[data-testid=metrics-table] tbody tr').count()).toBeLessThanOrEqual(hits);
      expect(await page.locator('[data-testid=metrics-table] tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid=metrics-table]').first().textContent()).toContain('revenue');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('zh-CN: a file that cannot be read fails with the file, line and column; the warehouse is unchanged', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/data?tab=imports`);
    await settled(page);
    const before = (await (await page.request.get(`${srv.url}/api/imports`)).json()) as { imports: unknown[] };
    await shot(page, 'data-imports-form-zh-CN');
    await upload(page, resolve('samples/broken_quote.csv'), 'customers');
    const failed = page.locator('[data-testid=job-failed]');
    await failed.waitFor();
    const job = ((await (await page.request.get(`${srv.url}/api/imports/jobs`)).json()) as { jobs: { state: string; error?: { file: string; line?: number; column?: string | number } }[] }).jobs[0]!;
    expect(job.state).toBe('failed');
    const where = (await page.locator('[data-testid=job-failed-where]').textContent()) ?? '';
    expect(where).toContain('broken_quote.csv');
    expect(job.error?.line).toBeDefined();
    expect(where).toContain(`第 ${job.error!.line} 行`);
    if (job.error?.column !== undefined) expect(where).toContain(String(job.error.column));
    await shot(page, 'data-imports-failed-zh-CN');
    const after = (await (await page.request.get(`${srv.url}/api/imports`)).json()) as { imports: unknown[] };
    expect(after.imports.length).toBe(before.imports.length);
    await page.locator('[data-testid=upload-another]').click();
    await page.locator('[data-testid=upload-file]').waitFor({ state: 'attached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('en: an analyst (import, no personal data) imports but sees why the quarantined rows are hidden', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'analyst');
    await page.goto(`${srv.url}/data?tab=imports`);
    await settled(page);
    const history = (await (await page.request.get(`${srv.url}/api/imports`)).json()) as { imports: { importId: number; quarantined: number }[] };
    const withQuarantine = history.imports.find((i) => i.quarantined > 0)!;
    await page.locator(`[data-testid=history-${withQuarantine.importId}]`).click();
    await page.locator('[data-testid=quarantine-denied]').waitFor();
    expect(await page.locator('[data-testid=quarantine-denied]').textContent()).toContain('analyst');
    expect(await page.locator('[data-testid=quarantine-download]').count()).toBe(0);
    await shot(page, 'data-imports-analyst-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('en: a larger upload shows its upload progress, then the job stage and percent', async () => {
    const file = join(TMP, 'members_large.csv');
    const lines = ['客户编号,姓名,手机号,城市'];
    for (let i = 0; i < 20_000; i++) lines.push(`QB${String(i).padStart(6, '0')},测试${i},138${String(i).padStart(8, '0')},杭州市`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/data?tab=imports`);
    await settled(page);
    // a slow uplink (devtools network conditions) so the upload takes a few seconds
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 150 * 1024 });
    await page.locator('[data-testid=upload-entity]').selectOption('customers');
    await page.locator('[data-testid=upload-file]').setInputFiles(file);
    await page.locator('[data-testid=upload-submit]').click();
    const bar = page.locator('[data-testid=upload-progress] [role=progressbar]');
    await bar.waitFor();
    await expect.poll(async () => Number((await bar.getAttribute('aria-valuenow').catch(() => '100')) ?? 0), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(page, 'data-imports-uploading-en');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.locator('[data-testid=job-done]').waitFor({ timeout: 60_000 });
    const shown = await counts(page);
    expect(shown.rowsRead).toBe(20_000);
    expect(shown.loaded).toBe(20_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a viewer (no import permission) sees why upload and history are unavailable', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'viewer');
    await page.goto(`${srv.url}/data?tab=imports`);
    await settled(page);
    expect(await page.locator('[data-testid=upload-denied]').textContent()).toContain('import');
    await page.locator('[data-testid=history-denied]').waitFor();
    expect(await page.locator('[data-testid=upload-file]').count()).toBe(0);
    await shot(page, 'data-imports-viewer-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});
