/**
 * Administration over the API: users, tokens, roles and the audit log, on the org fixture (ada is the only admin;
 * every user has one API token named "tests"). Expected values are written out by hand from the fixture and the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../accounts/index.js';
import { ORG_PASSWORD, orgFixture, type OrgFixture } from '../../testing/org.js';

const NOW = '2026-03-01T08:00:00.000Z'; // the fixture's clock

async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

async function errorOf(res: Response): Promise<{ status: number; code: string; field?: string }> {
  const b = await body<{ error: { code: string; field?: string } }>(res);
  return { status: res.status, code: b.error.code, ...(b.error.field !== undefined ? { field: b.error.field } : {}) };
}

/** Signs in with a password; returns a request function carrying the session cookie and CSRF header. */
async function signIn(f: OrgFixture, login: string, password = ORG_PASSWORD) {
  const res = await f.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
  expect(res.status, `login ${login}`).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = await body<{ csrfToken: string }>(res);
  return (path: string, init: { method?: string; body?: unknown } = {}) =>
    f.app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken, 'Content-Type': 'application/json' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
}

const userIdOf = (f: OrgFixture, login: string) => f.meta.userByLogin(login)!.userId;
const lastAudit = (f: OrgFixture, action: string): AuditEntry | undefined => f.meta.queryAudit({ action, limit: 1 }).entries[0];

describe('admin API: users', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('lists every user with role, org position, row scope in words, state and last sign-in', async () => {
    await signIn(f, 'ray'); // a password sign-in is what "last login" counts; token use is not
    const res = await f.request('ada', '/api/users');
    expect(res.status).toBe(200);
    const { users } = await body<{ users: Record<string, unknown>[] }>(res);
    expect(users.map((u) => u.login)).toEqual(['ada', 'ana', 'mia', 'bob', 'ray', 'sue', 'vic', 'nop']);
    const by = Object.fromEntries(users.map((u) => [u.login, u]));
    expect(by.ray).toEqual({
      login: 'ray',
      displayName: null,
      role: 'sales_rep',
      permissions: ['see_personal_data'],
      employeeId: 'E1',
      department: null,
      branch: null,
      scope: 'records owned by employee E1',
      disabled: false,
      locked: false,
      lockedUntil: null,
      lastLoginAt: NOW,
      createdAt: NOW,
      passwordChangedAt: NOW,
    });
    expect(by.mia).toMatchObject({ role: 'manager', department: 'D1', scope: 'records of department D1 and its sub-units', lastLoginAt: null });
    expect(by.bob).toMatchObject({ scope: 'records of branch B1 and its sub-units' });
    expect(by.ada).toMatchObject({ scope: 'all rows', permissions: ['export', 'import', 'manage_users', 'run_sql', 'see_personal_data'] });
    expect(by.vic).toMatchObject({ scope: 'all rows', permissions: [] });
    expect(by.nop).toMatchObject({ scope: 'no rows' });
    expect(JSON.stringify(users)).not.toMatch(/hash|argon/i);
  });

  it('creates a user with the password the admin sets; the new user signs in with it', async () => {
    const res = await f.request('ada', '/api/users', {
      body: { login: 'lee', password: 'lee initial password', role: 'sales_rep', displayName: '李雷', employeeId: 'E2' },
    });
    expect(res.status).toBe(201);
    expect(await body(res)).toMatchObject({ login: 'lee', role: 'sales_rep', displayName: '李雷', employeeId: 'E2', scope: 'records owned by employee E2', disabled: false });
    const lee = await signIn(f, 'lee', 'lee initial password');
    expect(await body(await lee('/api/auth/me'))).toMatchObject({ login: 'lee', role: 'sales_rep', permissions: ['see_personal_data'] });
    const entry = lastAudit(f, 'user_added')!;
    expect(entry).toMatchObject({ login: 'ada', userId: userIdOf(f, 'ada') });
    expect(entry.details).toEqual({ login: 'lee', after: { role: 'sales_rep', displayName: '李雷', employeeId: 'E2', department: null, branch: null, disabled: false } });
    expect(JSON.stringify(f.meta.auditLog(10_000))).not.toContain('lee initial password');
  });

  it('refuses a weak password, a taken or malformed login, and a missing password or role (no defaults)', async () => {
    const make = (b: Record<string, unknown>) => f.request('ada', '/api/users', { body: b });
    expect(await errorOf(await make({ login: 'kim', password: 'short', role: 'viewer' }))).toEqual({ status: 400, code: 'weak_password', field: 'password' });
    expect(await errorOf(await make({ login: 'kim', password: 'kim', role: 'viewer' }))).toEqual({ status: 400, code: 'weak_password', field: 'password' });
    expect(await errorOf(await make({ login: 'Kim.Kim.Kim', password: 'kim.kim.kim', role: 'viewer' }))).toEqual({ status: 400, code: 'weak_password', field: 'password' });
    expect(await errorOf(await make({ login: 'RAY', password: 'a long password', role: 'viewer' }))).toEqual({ status: 409, code: 'login_taken', field: 'login' });
    expect(await errorOf(await make({ login: 'k m', password: 'a long password', role: 'viewer' }))).toEqual({ status: 400, code: 'invalid_login', field: 'login' });
    expect(await errorOf(await make({ login: 'kim', role: 'viewer' }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'password' });
    expect(await errorOf(await make({ login: 'kim', password: 'a long password' }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'role' });
    expect(await errorOf(await make({ login: 'kim', password: 'a long password', role: 'boss' }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'role' });
    expect(f.meta.userByLogin('kim')).toBeUndefined();
  });

  it('patches role and org position (scope follows), audited with only the changed fields before → after', async () => {
    const res = await f.request('ada', '/api/users/bob', { method: 'PATCH', body: { department: 'D2', branch: null, displayName: '鲍勃' } });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ login: 'bob', department: 'D2', branch: null, displayName: '鲍勃', scope: 'records of department D2 and its sub-units' });
    expect(lastAudit(f, 'user_updated')).toMatchObject({
      login: 'ada',
      details: { login: 'bob', before: { displayName: null, department: null, branch: 'B1' }, after: { displayName: '鲍勃', department: 'D2', branch: null } },
    });
    const role = await f.request('ada', '/api/users/nop', { method: 'PATCH', body: { role: 'viewer' } });
    expect(await body(role)).toMatchObject({ role: 'viewer', scope: 'all rows', permissions: [] });
    expect(lastAudit(f, 'user_updated')!.details).toEqual({ login: 'nop', before: { role: 'sales_rep' }, after: { role: 'viewer' } });
    expect(await errorOf(await f.request('ada', '/api/users/nobody', { method: 'PATCH', body: { role: 'viewer' } }))).toEqual({ status: 404, code: 'unknown_user', field: 'login' });
    expect(await errorOf(await f.request('ada', '/api/users/nop', { method: 'PATCH', body: { role: 'boss' } }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'role' });
    expect(await errorOf(await f.request('ada', '/api/users/nop', { method: 'PATCH', body: { password: 'sneaky password' } }))).toMatchObject({ status: 400, code: 'invalid_input' });
  });

  it('disabling ends sessions and stops tokens; enabling lets the user back in', async () => {
    const sue = await signIn(f, 'sue');
    expect((await sue('/api/auth/me')).status).toBe(200);
    const off = await f.request('ada', '/api/users/sue', { method: 'PATCH', body: { disabled: true } });
    expect(await body(off)).toMatchObject({ login: 'sue', disabled: true });
    expect((await sue('/api/auth/me')).status).toBe(401);
    expect(await errorOf(await f.request('sue', '/api/auth/me'))).toEqual({ status: 401, code: 'invalid_token' });
    expect(lastAudit(f, 'user_disabled')).toMatchObject({ login: 'ada', details: { login: 'sue', before: { disabled: false }, after: { disabled: true } } });
    await f.request('ada', '/api/users/sue', { method: 'PATCH', body: { disabled: false } });
    expect((await f.request('sue', '/api/auth/me')).status).toBe(200);
    expect(lastAudit(f, 'user_enabled')!.details).toEqual({ login: 'sue', before: { disabled: true }, after: { disabled: false } });
  });

  it('reset-password sets the admin’s password, ends the user’s sessions and clears a lock-out', async () => {
    const ray = await signIn(f, 'ray');
    f.meta.recordFailedLogin(userIdOf(f, 'ray'), 1, 15 * 60_000); // one failure with a limit of one: locked
    const before = (await body<{ users: Record<string, unknown>[] }>(await f.request('ada', '/api/users'))).users.find((u) => u.login === 'ray');
    expect(before).toMatchObject({ locked: true, lockedUntil: '2026-03-01T08:15:00.000Z' });
    expect(await errorOf(await f.request('ada', '/api/users/ray/reset-password', { body: { password: 'ray' } }))).toEqual({ status: 400, code: 'weak_password', field: 'password' });
    const res = await f.request('ada', '/api/users/ray/reset-password', { body: { password: 'ray new password' } });
    expect(res.status).toBe(200);
    expect((await ray('/api/auth/me')).status).toBe(401);
    const after = (await body<{ users: Record<string, unknown>[] }>(await f.request('ada', '/api/users'))).users.find((u) => u.login === 'ray');
    expect(after).toMatchObject({ locked: false, lockedUntil: null });
    await signIn(f, 'ray', 'ray new password');
    const old = await f.app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'ray', password: ORG_PASSWORD }) });
    expect(old.status).toBe(401);
    expect(lastAudit(f, 'password_reset')).toMatchObject({ login: 'ada', details: { login: 'ray', before: { locked: true }, after: { locked: false }, sessionsEnded: true } });
    expect(JSON.stringify(f.meta.auditLog(10_000))).not.toContain('ray new password');
    expect(await errorOf(await f.request('ada', '/api/users/nobody/reset-password', { body: { password: 'a long password' } }))).toEqual({ status: 404, code: 'unknown_user', field: 'login' });
  });

  it('an admin lists, creates (shown once) and revokes a user’s tokens', async () => {
    const list = await body<{ tokens: Record<string, unknown>[] }>(await f.request('ada', '/api/users/mia/tokens'));
    expect(list.tokens).toEqual([{ tokenId: userIdOf(f, 'mia'), login: 'mia', name: 'tests', createdAt: NOW, lastUsedAt: null, revokedAt: null }]);
    const made = await f.request('ada', '/api/users/mia/tokens', { body: { name: 'nightly export' } });
    expect(made.status).toBe(201);
    const t = await body<{ tokenId: number; token: string; login: string; name: string }>(made);
    expect(t).toMatchObject({ login: 'mia', name: 'nightly export' });
    expect(t.token).toMatch(/^tmt_/);
    const me = await f.app.request('/api/auth/me', { headers: { Authorization: `Bearer ${t.token}` } });
    expect(await body(me)).toMatchObject({ login: 'mia' });
    const again = await body<{ tokens: Record<string, unknown>[] }>(await f.request('ada', '/api/users/mia/tokens'));
    expect(again.tokens.map((x) => x.name)).toEqual(['tests', 'nightly export']);
    expect(JSON.stringify(again)).not.toContain(t.token);
    expect(lastAudit(f, 'token_created')).toMatchObject({ login: 'ada', details: { login: 'mia', tokenId: t.tokenId, name: 'nightly export' } });

    const del = await f.request('ada', `/api/tokens/${t.tokenId}`, { method: 'DELETE' });
    expect(await body(del)).toMatchObject({ tokenId: t.tokenId, login: 'mia', revokedAt: NOW });
    expect((await f.app.request('/api/auth/me', { headers: { Authorization: `Bearer ${t.token}` } })).status).toBe(401);
    expect(lastAudit(f, 'token_revoked')).toMatchObject({ login: 'ada', details: { login: 'mia', tokenId: t.tokenId, name: 'nightly export', before: { revoked: false }, after: { revoked: true } } });
    expect(await errorOf(await f.request('ada', `/api/tokens/${t.tokenId}`, { method: 'DELETE' }))).toEqual({ status: 404, code: 'unknown_token', field: 'id' });
    expect(await errorOf(await f.request('ada', '/api/tokens/abc', { method: 'DELETE' }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'id' });
    expect(await errorOf(await f.request('ada', '/api/users/mia/tokens', { body: { name: '  ' } }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'name' });
    expect(JSON.stringify(f.meta.auditLog(10_000))).not.toContain(t.token);
  });

  it('every user manages their own tokens; a token cannot mint tokens; others’ tokens are not theirs to revoke', async () => {
    const mine = await body<{ tokens: { login: string; name: string }[] }>(await f.request('vic', '/api/auth/tokens'));
    expect(mine.tokens.map((t) => `${t.login}:${t.name}`)).toEqual(['vic:tests']);
    expect(await errorOf(await f.request('vic', '/api/auth/tokens', { body: { name: 'script' } }))).toEqual({ status: 403, code: 'session_required', field: 'Authorization' });
    const vic = await signIn(f, 'vic');
    const made = await vic('/api/auth/tokens', { body: { name: 'script' } });
    expect(made.status).toBe(201);
    const t = await body<{ tokenId: number; token: string }>(made);
    expect(lastAudit(f, 'token_created')).toMatchObject({ login: 'vic', details: { login: 'vic', tokenId: t.tokenId, name: 'script' } });
    const anaToken = userIdOf(f, 'ana'); // the fixture's tokens were made in user order: token id = user id
    expect(await errorOf(await vic(`/api/auth/tokens/${anaToken}`, { method: 'DELETE' }))).toEqual({ status: 404, code: 'unknown_token', field: 'id' });
    expect((await f.request('ana', '/api/auth/me')).status).toBe(200);
    const del = await f.request('vic', `/api/auth/tokens/${t.tokenId}`, { method: 'DELETE' });
    expect(await body(del)).toMatchObject({ tokenId: t.tokenId, login: 'vic', revokedAt: NOW });
    expect(lastAudit(f, 'token_revoked')).toMatchObject({ login: 'vic', details: { login: 'vic', tokenId: t.tokenId } });
  });
});

describe('admin API: who may administer', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const ADMIN_ROUTES: readonly { method: string; path: string; body?: unknown }[] = [
    { method: 'GET', path: '/api/users' },
    { method: 'POST', path: '/api/users', body: { login: 'eve', password: 'eve wants in badly', role: 'admin' } },
    { method: 'PATCH', path: '/api/users/ray', body: { role: 'admin' } },
    { method: 'POST', path: '/api/users/ada/reset-password', body: { password: 'taken over account' } },
    { method: 'GET', path: '/api/users/ada/tokens' },
    { method: 'POST', path: '/api/users/ada/tokens', body: { name: 'backdoor' } },
    { method: 'DELETE', path: '/api/tokens/1' },
    { method: 'GET', path: '/api/roles' },
    { method: 'PUT', path: '/api/roles/viewer', body: { permissions: ['manage_users'] } },
    { method: 'GET', path: '/api/audit' },
    { method: 'GET', path: '/api/audit?format=csv' },
  ];

  it('every administration route is 403 forbidden for analyst, manager, sales rep and viewer, and changes nothing', async () => {
    for (const who of ['ana', 'mia', 'ray', 'vic']) {
      for (const r of ADMIN_ROUTES) {
        const res = await f.request(who, r.path, { method: r.method, ...(r.body !== undefined ? { body: r.body } : {}) });
        expect(await errorOf(res), `${who} ${r.method} ${r.path}`).toEqual({ status: 403, code: 'forbidden' });
      }
    }
    expect(f.meta.userByLogin('eve')).toBeUndefined();
    expect(f.meta.userByLogin('ray')!.role).toBe('sales_rep');
    expect(f.meta.permissionsOf('viewer')).toEqual([]);
    expect(f.meta.listApiTokens().map((t) => [t.tokenId, t.revokedAt])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => [i, null]));
    expect(f.meta.queryAudit({}).entries.map((e) => e.action)).toEqual([]); // nothing was changed, so nothing audited
  });

  it('the last enabled admin cannot be demoted or disabled (409 last_admin), by themself or anyone', async () => {
    expect(await errorOf(await f.request('ada', '/api/users/ada', { method: 'PATCH', body: { role: 'analyst' } }))).toEqual({ status: 409, code: 'last_admin', field: 'role' });
    expect(await errorOf(await f.request('ada', '/api/users/ada', { method: 'PATCH', body: { disabled: true } }))).toEqual({ status: 409, code: 'last_admin', field: 'disabled' });
    expect(f.meta.userByLogin('ada')).toMatchObject({ role: 'admin', disabled: false });
    // With a second admin, ada may step down; then the other one is the last.
    expect((await f.request('ada', '/api/users/ana', { method: 'PATCH', body: { role: 'admin' } })).status).toBe(200);
    expect((await f.request('ada', '/api/users/ada', { method: 'PATCH', body: { role: 'analyst' } })).status).toBe(200);
    expect(await errorOf(await f.request('ana', '/api/users/ana', { method: 'PATCH', body: { disabled: true } }))).toEqual({ status: 409, code: 'last_admin', field: 'disabled' });
    // A disabled admin does not count: with ada admin again but disabled, ana is still the last enabled one.
    expect((await f.request('ana', '/api/users/ada', { method: 'PATCH', body: { role: 'admin', disabled: true } })).status).toBe(200);
    expect(await errorOf(await f.request('ana', '/api/users/ana', { method: 'PATCH', body: { role: 'viewer' } }))).toEqual({ status: 409, code: 'last_admin', field: 'role' });
    // A no-op patch of the last admin is fine.
    expect((await f.request('ana', '/api/users/ana', { method: 'PATCH', body: { role: 'admin', disabled: false } })).status).toBe(200);
  });
});

describe('admin API: roles', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const permsOf = async (login: string) => (await body<{ permissions: string[] }>(await f.request(login, '/api/auth/me'))).permissions;

  it('lists each role with its permissions and defaults', async () => {
    const r = await body<{ permissions: string[]; roles: { role: string; permissions: string[]; defaults: string[] }[] }>(await f.request('ada', '/api/roles'));
    expect(r.permissions).toEqual(['import', 'export', 'see_personal_data', 'manage_users', 'run_sql']);
    expect(r.roles).toEqual([
      { role: 'admin', permissions: ['export', 'import', 'manage_users', 'run_sql', 'see_personal_data'], defaults: ['export', 'import', 'manage_users', 'run_sql', 'see_personal_data'] },
      { role: 'analyst', permissions: ['export', 'import', 'run_sql'], defaults: ['export', 'import', 'run_sql'] },
      { role: 'manager', permissions: ['export', 'see_personal_data'], defaults: ['export', 'see_personal_data'] },
      { role: 'sales_rep', permissions: ['see_personal_data'], defaults: ['see_personal_data'] },
      { role: 'viewer', permissions: [], defaults: [] },
    ]);
  });

  it('a change takes effect on the next request: run_sql granted to sales_rep, see_personal_data revoked from manager', async () => {
    expect(await permsOf('ray')).toEqual(['see_personal_data']);
    const grant = await f.request('ada', '/api/roles/sales_rep', { method: 'PUT', body: { permissions: ['see_personal_data', 'run_sql'] } });
    expect(await body(grant)).toEqual({ role: 'sales_rep', permissions: ['run_sql', 'see_personal_data'], defaults: ['see_personal_data'] });
    expect(await permsOf('ray')).toEqual(['run_sql', 'see_personal_data']);
    expect(await permsOf('sue')).toEqual(['run_sql', 'see_personal_data']);
    expect(lastAudit(f, 'role_changed')).toMatchObject({ login: 'ada', details: { role: 'sales_rep', before: ['see_personal_data'], after: ['run_sql', 'see_personal_data'] } });

    expect(await permsOf('mia')).toEqual(['export', 'see_personal_data']);
    await f.request('ada', '/api/roles/manager', { method: 'PUT', body: { permissions: ['export'] } });
    expect(await permsOf('mia')).toEqual(['export']);
    expect(await permsOf('bob')).toEqual(['export']);
    expect(lastAudit(f, 'role_changed')!.details).toEqual({ role: 'manager', before: ['export', 'see_personal_data'], after: ['export'] });
    const list = await body<{ users: { login: string; permissions: string[] }[] }>(await f.request('ada', '/api/users'));
    expect(list.users.find((u) => u.login === 'mia')!.permissions).toEqual(['export']);
  });

  it('granting manage_users makes a role an administrator on its next request', async () => {
    expect((await f.request('vic', '/api/users')).status).toBe(403);
    await f.request('ada', '/api/roles/viewer', { method: 'PUT', body: { permissions: ['manage_users'] } });
    expect((await f.request('vic', '/api/users')).status).toBe(200);
    await f.request('ada', '/api/roles/viewer', { method: 'PUT', body: { permissions: [] } });
    expect((await f.request('vic', '/api/users')).status).toBe(403);
  });

  it('refuses taking manage_users from admin, unknown roles and permissions', async () => {
    expect(await errorOf(await f.request('ada', '/api/roles/admin', { method: 'PUT', body: { permissions: ['import', 'export'] } }))).toEqual({
      status: 409,
      code: 'admin_needs_manage_users',
      field: 'permissions',
    });
    expect(f.meta.permissionsOf('admin')).toContain('manage_users');
    expect(await errorOf(await f.request('ada', '/api/roles/boss', { method: 'PUT', body: { permissions: [] } }))).toEqual({ status: 404, code: 'unknown_role', field: 'role' });
    expect(await errorOf(await f.request('ada', '/api/roles/viewer', { method: 'PUT', body: { permissions: ['export', 'fly'] } }))).toMatchObject({
      status: 400,
      code: 'invalid_input',
      field: 'permissions[1]',
    });
    expect(await errorOf(await f.request('ada', '/api/roles/viewer', { method: 'PUT', body: {} }))).toMatchObject({ status: 400, code: 'invalid_input', field: 'permissions' });
  });

  it('setting the same permissions again is not a change and is not audited', async () => {
    const n = f.meta.queryAudit({ action: 'role_changed' }).total;
    await f.request('ada', '/api/roles/analyst', { method: 'PUT', body: { permissions: ['run_sql', 'import', 'export', 'export'] } });
    expect(f.meta.queryAudit({ action: 'role_changed' }).total).toBe(n);
  });
});

describe('admin API: changes reach the data path on the next request', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const revenueOf = async (login: string) => {
    const res = await f.request(login, '/api/query', { body: { metrics: ['revenue'] } });
    expect(res.status, login).toBe(200);
    return Number((await body<{ rows: { revenue: unknown }[] }>(res)).rows[0]?.revenue ?? 0);
  };

  it('moving a user in the organisation changes the rows they see (ORG_EXPECTED by hand)', async () => {
    expect(await revenueOf('bob')).toBe(1050); // branch B1: C1–C4
    await f.request('ada', '/api/users/bob', { method: 'PATCH', body: { branch: null, department: 'D2' } });
    expect(await revenueOf('bob')).toBe(400); // department D2 = employee E3: C4
    expect(await revenueOf('ray')).toBe(350); // E1: C1 300 + C2 50
    await f.request('ada', '/api/users/ray', { method: 'PATCH', body: { employeeId: 'E3' } });
    expect(await revenueOf('ray')).toBe(400); // E3: C4
    await f.request('ada', '/api/users/ray', { method: 'PATCH', body: { employeeId: null } });
    expect(await revenueOf('ray')).toBe(0); // a rep without an employee id sees nothing
  });
});

describe('admin API: the audit log', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
    // A known history, oldest first: ada adds kim, disables sue; ray runs a query filtered by a phone, and the SQL console.
    await f.request('ada', '/api/users', { body: { login: 'kim', password: 'kim initial password', role: 'viewer' } });
    await f.request('ada', '/api/users/sue', { method: 'PATCH', body: { disabled: true } });
    const ray = f.meta.userByLogin('ray')!;
    f.meta.audit({ user: ray, action: 'query', details: { metrics: ['revenue'], filters: [{ dimension: 'customer_phone', op: 'eq', values: ['13812345678'] }], rows: 1 } });
    f.meta.audit({ user: ray, action: 'sql', details: { sql: "SELECT * FROM customers WHERE name = '张三' OR email = 'zhang.san@example.com'", rows: 1 } });
  });
  afterAll(async () => {
    await f.cleanup();
  });

  type Page = { entries: AuditEntry[]; total: number; limit: number; offset: number };
  const page = async (q: string, who = 'ada') => body<Page>(await f.request(who, `/api/audit${q}`));

  it('lists newest first, filtered by action and by login (entries by or about the user)', async () => {
    const all = await page('');
    expect(all.entries.map((e) => e.action)).toEqual(['sql', 'query', 'user_disabled', 'user_added']);
    expect(all).toMatchObject({ total: 4, limit: 100, offset: 0 });
    expect((await page('?action=user_added')).entries).toEqual([
      expect.objectContaining({ login: 'ada', action: 'user_added', details: { login: 'kim', after: { role: 'viewer', displayName: null, employeeId: null, department: null, branch: null, disabled: false } } }),
    ]);
    expect((await page('?login=ray')).entries.map((e) => e.action)).toEqual(['sql', 'query']); // ray did these
    expect((await page('?login=SUE')).entries.map((e) => e.action)).toEqual(['user_disabled']); // about sue, by ada
    expect((await page('?login=ada')).entries.map((e) => e.action)).toEqual(['user_disabled', 'user_added']);
    expect((await page('?action=login')).total).toBe(0);
  });

  it('filters by day (UTC, to inclusive) or instant (to exclusive), pages with limit and offset', async () => {
    expect((await page('?from=2026-03-01&to=2026-03-01')).total).toBe(4); // all are at 2026-03-01T08:00Z
    expect((await page('?from=2026-03-02')).total).toBe(0);
    expect((await page('?to=2026-02-28')).total).toBe(0);
    expect((await page('?to=2026-03-01T08:00:00Z')).total).toBe(0);
    expect((await page('?from=2026-03-01T16:00:00%2B08:00')).total).toBe(4); // the same instant, written in +08:00
    const p2 = await page('?limit=2&offset=1');
    expect(p2).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(p2.entries.map((e) => e.action)).toEqual(['query', 'user_disabled']);
    expect(await errorOf(await f.request('ada', '/api/audit?from=2026-13-45'))).toEqual({ status: 400, code: 'invalid_date', field: 'from' });
    expect(await errorOf(await f.request('ada', '/api/audit?from=yesterday'))).toMatchObject({ status: 400, code: 'invalid_input', field: 'from' });
    expect(await errorOf(await f.request('ada', '/api/audit?limit=0'))).toMatchObject({ status: 400, code: 'invalid_input', field: 'limit' });
  });

  it('exports CSV with a BOM that parses back to the same entries; formulas are neutralised; the export is audited', async () => {
    f.meta.audit({ login: '=HYPERLINK("http://evil.example")', action: 'login_failed', details: { reason: 'unknown_login' } });
    const res = await f.request('ada', '/api/audit?format=csv&from=2026-03-01');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/csv/);
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="audit.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes.slice(3)));
    expect(rows[0]).toEqual(['audit_id', 'at', 'login', 'action', 'about', 'details']);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[4]])).toEqual([
      ["'=HYPERLINK(\"http://evil.example\")", 'login_failed', ''],
      ['ray', 'sql', ''],
      ['ray', 'query', ''],
      ['ada', 'user_disabled', 'sue'],
      ['ada', 'user_added', 'kim'],
    ]);
    expect(JSON.parse(rows[2]![5]!)).toEqual({ sql: "SELECT * FROM customers WHERE name = '张三' OR email = 'zhang.san@example.com'", rows: 1 });
    expect(JSON.parse(rows[4]![5]!)).toEqual({ login: 'sue', before: { disabled: false }, after: { disabled: true } });
    expect(rows[1]![1]).toBe(NOW);
    expect(lastAudit(f, 'audit_exported')).toMatchObject({ login: 'ada', details: { rows: 5, filters: { from: '2026-03-01' } } });
  });

  it('a reader with manage_users but without see_personal_data gets customer data in details masked', async () => {
    await f.request('ada', '/api/roles/viewer', { method: 'PUT', body: { permissions: ['manage_users'] } });
    const masked = await page('?login=ray', 'vic');
    expect(masked.entries.find((e) => e.action === 'query')!.details).toEqual({
      metrics: ['revenue'],
      filters: [{ dimension: 'customer_phone', op: 'eq', values: ['138****5678'] }],
      rows: 1,
    });
    expect(masked.entries.find((e) => e.action === 'sql')!.details).toEqual({ sql: "SELECT * FROM customers WHERE name = '张*' OR email = 'z***@example.com'", rows: 1 });
    const clear = await page('?login=ray', 'ada');
    expect(clear.entries.find((e) => e.action === 'query')!.details.filters).toEqual([{ dimension: 'customer_phone', op: 'eq', values: ['13812345678'] }]);
    const csv = await (await f.request('vic', '/api/audit?format=csv&login=ray')).text();
    expect(csv).toContain('138****5678');
    expect(csv).not.toContain('13812345678');
    expect(csv).not.toContain('张三');
  });
});

/** RFC 4180: quoted fields with doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}
