/**
 * Browser tests: a real `tidemark serve` (in this process, on a free port) over a real demo warehouse, driven by
 * Debian's chromium through playwright-core. The dashboard is the built one (dist/web, made by `npm run build`,
 * which `npm test` runs first).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { hashPassword, MetaStore, metaPathOf, type NewUser } from '../../src/accounts/index.js';
import { generateDemo } from '../../src/demo/index.js';
import { loadCatalog } from '../../src/metrics/catalog/index.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { scratch } from '../../src/testing/index.js';
export { CHROMIUM, CHROMIUM_ARGS, launchChromium, openTab, type Tab } from '../../src/testing/browser.js';
import { openWarehouse } from '../../src/warehouse/index.js';

export const DASHBOARD_DIR = resolve('dist/web');
export const SCREENSHOT_DIR = resolve('.tmp/screenshots');
export const PASSWORD = 'tidemark demo 2026';

export interface TestUser {
  readonly login: string;
  readonly role: NewUser['role'];
  readonly employeeId?: string;
  readonly department?: string;
  readonly branch?: string;
}

export interface DemoServer {
  readonly url: string;
  readonly dbPath: string;
  readonly server: RunningServer;
  close(): Promise<void>;
}

/** A demo warehouse of `customers` customers with `users` (password PASSWORD), served with the dashboard. */
export async function demoServer(opts: { customers?: number; seed?: number; users: readonly TestUser[]; setup?: (dbPath: string) => Promise<void> }): Promise<DemoServer> {
  if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) throw new Error(`${DASHBOARD_DIR}/index.html is missing: run \`npm run build\` first`);
  const s = scratch('tidemark-browser-');
  const dbPath = join(s.dir, 'demo.duckdb');
  const wh = await openWarehouse({ path: dbPath });
  try {
    await generateDemo(wh, { customers: opts.customers ?? 3000, seed: opts.seed ?? 42 });
  } finally {
    await wh.close();
  }
  await opts.setup?.(dbPath);
  const meta = MetaStore.open(metaPathOf(dbPath));
  const hash = await hashPassword(PASSWORD);
  for (const u of opts.users) meta.addUser({ ...u, passwordHash: hash });
  meta.close();
  const server = await startServer({ dbPath, catalog: loadCatalog(), port: 0, host: '127.0.0.1', dashboardDir: DASHBOARD_DIR, secureCookies: false });
  return {
    url: server.url,
    dbPath,
    server,
    close: async () => {
      await server.close();
      s.cleanup();
    },
  };
}

export async function signIn(page: Page, url: string, login: string, password = PASSWORD): Promise<void> {
  await page.goto(url);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.locator('[data-testid=user-menu]').waitFor();
}

/** Saved under .tmp/screenshots (not committed): look at them after a change to the UI. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until no spinner is showing (the page has its data or its designed empty/error state). */
export async function settled(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.state-loading') === null && document.querySelector('main.content') !== null, null, { timeout });
}
