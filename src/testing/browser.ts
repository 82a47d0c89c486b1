/**
 * Debian's chromium through playwright-core, as the browser tests (test/browser) and bench/dashboard drive it:
 * the same binary, flags, window, time zone and error recording.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TIDEMARK_CHROMIUM ?? '/usr/bin/chromium';
/** What chromium needs on this machine (and in CI, as root in a container). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium fonts-noto-cjk; .ci/run does) or set TIDEMARK_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, uncaught exceptions and 5xx answers seen so far. */
  readonly errors: string[];
}

/** A fresh browser context (no cookies, no cache) at 1280×800 in Asia/Shanghai, recording every console error. */
export async function openTab(browser: Browser, opts: { locale?: 'zh-CN' | 'en'; viewport?: { width: number; height: number } } = {}): Promise<Tab> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  if (opts.locale) await context.addInitScript(`window.localStorage.setItem('tidemark.locale', ${JSON.stringify(opts.locale)})`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return { context, page, errors };
}
