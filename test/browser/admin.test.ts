/**
 * The Admin page in a real browser: an admin adds a user, changes a role's permission (visible in GET /api/roles),
 * creates an API token (the secret shown once), and the audit tab lists those actions; the server's refusals
 * (login taken, last admin) are shown. Both languages, no console errors.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer, launchChromium, openTab, PASSWORD, screenshot, settled, signIn, type DemoServer } from './harness.js';

let srv: DemoServer;
let browser: Browser;

beforeAll(async () => {
  srv = await demoServer({ customers: 500, users: [{ login: 'admin', role: 'admin' }, { login: 'rep1', role: 'sales_rep', employeeId: 'E0001' }] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

/** Chromium logs every 4xx answer as a console error: drop the ones a step expects (the refusal it shows). */
const unexpected = (errors: string[], ...statuses: number[]) => errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));

async function shot(page: Page, name: string) {
  await settled(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function getJson<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${srv.url}${path}`);
  expect(r.status(), path).toBe(200);
  return (await r.json()) as T;
}

describe('admin page', () => {
  it('zh-CN: adds a user, changes a role permission, creates a token; the audit log lists them', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'zh-CN' });
    await signIn(page, srv.url, 'admin');
    await page.locator('[data-testid=nav-admin]').click();
    await page.waitForURL(/\/admin/);
    await settled(page);

    // users: add one
    await page.locator('[data-testid=add-user]').click();
    const form = page.locator('[data-testid=user-form]');
    await form.locator('[data-testid=field-login]').fill('qa.analyst');
    await form.locator('[data-testid=field-password]').fill('a long password 42');
    await form.locator('[data-testid=field-role]').selectOption('analyst');
    await form.locator('[data-testid=field-displayName]').fill('质检分析师');
    await form.locator('[data-testid=field-department]').fill('华东大区');
    await form.locator('[data-testid=modal-submit]').click();
    await page.locator('[data-testid=users-notice]').waitFor();
    await page.locator('[data-testid=user-qa\\.analyst]').waitFor();
    const users = await getJson<{ users: { login: string; role: string; department: string | null; disabled: boolean }[] }>(page, '/api/users');
    expect(users.users.find((u) => u.login === 'qa.analyst')).toMatchObject({ role: 'analyst', department: '华东大区', disabled: false });

    // the same login again: the server's refusal is shown in the form
    await page.locator('[data-testid=add-user]').click();
    await form.locator('[data-testid=field-login]').fill('qa.analyst');
    await form.locator('[data-testid=field-password]').fill('a long password 42');
    await form.locator('[data-testid=modal-submit]').click();
    expect(await form.locator('[data-testid=form-error]').textContent()).toContain('login_taken');
    await shot(page, 'admin-users-error-zh-CN');
    await form.locator('button[type=button]').click();

    // the last admin cannot be disabled: the guard's message is shown
    await page.locator('[data-testid=toggle-admin]').click();
    expect(await page.locator('[data-testid=users] [data-testid=form-error]').textContent()).toContain('last_admin');
    expect(await page.locator('[data-testid=user-state-admin]').textContent()).toBe('正常');

    // change the new user's position, then disable and enable them
    await page.locator('[data-testid=edit-qa\\.analyst]').click();
    await form.locator('[data-testid=field-branch]').fill('上海分公司');
    await form.locator('[data-testid=modal-submit]').click();
    await page.locator('[data-testid=users-notice]').waitFor();
    await page.locator('[data-testid=toggle-qa\\.analyst]').click();
    await expect.poll(() => page.locator('[data-testid=user-state-qa\\.analyst]').textContent()).toBe('已停用');
    await page.locator('[data-testid=toggle-qa\\.analyst]').click();
    await expect.poll(() => page.locator('[data-testid=user-state-qa\\.analyst]').textContent()).toBe('正常');
    const after = await getJson<{ users: { login: string; branch: string | null }[] }>(page, '/api/users');
    expect(after.users.find((u) => u.login === 'qa.analyst')?.branch).toBe('上海分公司');
    await shot(page, 'admin-users-zh-CN');

    // roles: viewer gets export, saved, visible through the API
    await page.locator('[data-testid=tab-roles]').click();
    await page.waitForURL(/tab=roles/);
    await settled(page);
    const before = await getJson<{ roles: { role: string; permissions: string[] }[] }>(page, '/api/roles');
    for (const r of before.roles) for (const p of ['import', 'export', 'see_personal_data', 'manage_users', 'run_sql']) {
      expect(await page.locator(`[data-testid=perm-${r.role}-${p}]`).isChecked(), `${r.role} ${p}`).toBe(r.permissions.includes(p));
    }
    expect(before.roles.find((r) => r.role === 'viewer')?.permissions).not.toContain('export');
    await page.locator('[data-testid=perm-viewer-export]').check();
    await page.locator('[data-testid=save-role-viewer]').click();
    await page.locator('[data-testid=saved-role-viewer]').waitFor();
    const roles = await getJson<{ roles: { role: string; permissions: string[] }[] }>(page, '/api/roles');
    expect(roles.roles.find((r) => r.role === 'viewer')?.permissions).toContain('export');
    await shot(page, 'admin-roles-zh-CN');

    // tokens: one for the new user, the secret shown once
    await page.locator('[data-testid=tab-tokens]').click();
    await page.waitForURL(/tab=tokens/);
    await settled(page);
    await page.locator('[data-testid=token-user]').selectOption('qa.analyst');
    await page.waitForURL(/user=qa.analyst/);
    await settled(page);
    await page.locator('[data-testid=token-name]').fill('BI 夜间刷新');
    await page.locator('[data-testid=token-create]').click();
    const secret = await page.locator('[data-testid=token-secret]').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    const tokens = await getJson<{ tokens: { tokenId: number; name: string }[] }>(page, '/api/users/qa.analyst/tokens');
    expect(tokens.tokens.map((t) => t.name)).toEqual(['BI 夜间刷新']);
    expect(JSON.stringify(tokens)).not.toContain(secret);
    // the secret works as a bearer token
    const viaToken = await page.request.get(`${srv.url}/api/auth/me`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(((await viaToken.json()) as { login: string }).login).toBe('qa.analyst');
    await shot(page, 'admin-tokens-secret-zh-CN');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await page.locator('[data-testid=token-copy]').click();
    await expect.poll(() => page.locator('[data-testid=token-copy]').textContent()).toContain('已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.locator('[data-testid=token-secret-done]').click();
    expect(await page.locator('[data-testid=token-secret]').count()).toBe(0);
    await page.reload();
    await settled(page);
    await page.locator(`[data-testid=token-${tokens.tokens[0]!.tokenId}]`).waitFor();
    expect(await page.locator('[data-testid=token-secret]').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // audit: the three actions, newest first; filtered by action; exported
    await page.locator('[data-testid=tab-audit]').click();
    await page.waitForURL(/tab=audit/);
    await settled(page);
    for (const a of ['user_added', 'role_changed', 'token_created', 'user_disabled', 'user_enabled']) {
      expect(await page.locator(`[data-testid=audit-table] [data-testid=audit-action-${a}]`).count(), a).toBeGreaterThan(0);
    }
    const audit = await getJson<{ total: number; entries: { action: string }[] }>(page, '/api/audit?limit=50');
    expect(await page.locator('[data-testid=audit-table] tbody tr').count()).toBe(Math.min(50, audit.total));
    await shot(page, 'admin-audit-zh-CN');
    await page.locator('[data-testid=audit-action]').selectOption('token_created');
    await page.waitForURL(/action=token_created/);
    await settled(page);
    await expect.poll(() => page.locator('[data-testid=audit-table] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=audit-table]').textContent()).toContain('qa.analyst');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=audit-export]').click()]);
    expect(dl.suggestedFilename()).toBe('audit.csv');
    const csv = readFileSync((await dl.path())!, 'utf8');
    expect(csv).toContain('token_created');
    expect(csv).not.toContain('role_changed');
    // a period after today: nothing, with the designed empty state
    await page.locator('[data-testid=audit-action]').selectOption('');
    await page.locator('[data-testid=audit-from]').fill('2099-01-01');
    await page.waitForURL(/afrom=2099-01-01/);
    await settled(page);
    await page.locator('[data-testid=audit] .state-empty').waitFor();
    expect(await page.locator('[data-testid=audit-table]').count()).toBe(0);

    expect(unexpected(errors, 409)).toEqual([]);
    await context.close();
  });

  it('en: the tabs read the API; a reset password lets the user sign in', async () => {
    const { page, errors, context } = await openTab(browser, { locale: 'en' });
    await signIn(page, srv.url, 'admin');
    await page.goto(`${srv.url}/admin?tab=users`);
    await settled(page);
    const users = await getJson<{ users: { login: string; scope: string }[] }>(page, '/api/users');
    expect(await page.locator('[data-testid=users-table] tbody tr').count()).toBe(users.users.length);
    expect(await page.locator('[data-testid=users-table]').textContent()).toContain(users.users.find((u) => u.login === 'rep1')!.scope);
    await page.locator('[data-testid=reset-rep1]').click();
    await page.locator('[data-testid=reset-form] [data-testid=field-password]').fill('short');
    await page.locator('[data-testid=reset-form] [data-testid=modal-submit]').click();
    expect(await page.locator('[data-testid=reset-form] [data-testid=form-error]').textContent()).toContain('weak_password');
    await page.locator('[data-testid=reset-form] [data-testid=field-password]').fill('a brand new password 7');
    await page.locator('[data-testid=reset-form] [data-testid=modal-submit]').click();
    expect(await page.locator('[data-testid=users-notice]').textContent()).toContain('rep1');
    await shot(page, 'admin-users-en');
    for (const tab of ['roles', 'tokens', 'audit'] as const) {
      await page.locator(`[data-testid=tab-${tab}]`).click();
      await page.waitForURL(new RegExp(`tab=${tab}`));
      await shot(page, `admin-${tab}-en`);
    }
    expect(await page.locator('[data-testid=audit-table] [data-testid=audit-action-password_reset]').count()).toBeGreaterThan(0);
    // a tablet
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.locator('[data-testid=tab-users]').click();
    await shot(page, 'admin-users-tablet-en');
    await page.locator('[data-testid=tab-roles]').click();
    await shot(page, 'admin-roles-tablet-en');
    expect(unexpected(errors, 400)).toEqual([]);
    await context.close();

    const rep = await openTab(browser, { locale: 'en' });
    await signIn(rep.page, srv.url, 'rep1', 'a brand new password 7');
    expect(await rep.page.locator('[data-testid=nav-admin]').count()).toBe(0);
    await rep.context.close();
    expect(PASSWORD).not.toBe('a brand new password 7');
  });
});
