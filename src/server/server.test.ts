import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, MetaStore, type Role } from '../accounts/index.js';
import { loadCatalog } from '../metrics/catalog/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { scratch } from '../testing/index.js';
import { PUBLIC_ROUTES } from './auth.js';
import { createApp, type App } from './app.js';
import { openApiDocument } from './openapi.js';
import { ALL_ROUTES } from './api/index.js';
import { startServer } from './serve.js';

const PASSWORD = 'correct horse battery';
const T0 = Date.parse('2026-03-01T08:00:00Z');

interface Fixture {
  app: App;
  meta: MetaStore;
  wh: Warehouse;
  dir: string;
  setNow(ms: number): void;
  cleanup(): Promise<void>;
}

async function fixture(policy = {}): Promise<Fixture> {
  const s = scratch();
  const wh = await openWarehouse({ path: join(s.dir, 'wh.duckdb') });
  // Two counted orders (100.50 + 200.00) and a cancelled one, which revenue excludes: revenue 300.50, orders 2.
  await wh.run(`INSERT INTO customers (customer_id, name) VALUES ('C1', '张三'), ('C2', '李四')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, is_anonymous, ordered_at, amount, status) VALUES
    ('O1', 'C1', false, TIMESTAMP '2026-01-05 10:00:00', 100.50, 'paid'),
    ('O2', 'C2', false, TIMESTAMP '2026-01-20 10:00:00', 200.00, NULL),
    ('O3', 'C2', false, TIMESTAMP '2026-01-21 10:00:00', 999.00, 'cancelled')`);
  let now = T0;
  const clock = () => new Date(now);
  const meta = MetaStore.open(join(s.dir, 'wh.duckdb.meta.sqlite'), { clock });
  const hash = await hashPassword(PASSWORD);
  const roles: [string, Role][] = [['ada', 'admin'], ['vic', 'viewer']];
  for (const [login, role] of roles) meta.addUser({ login, role, passwordHash: hash });
  const app = createApp({ warehouse: wh, meta, catalog: loadCatalog(), clock, policy, log: () => undefined });
  return {
    app,
    meta,
    wh,
    dir: s.dir,
    setNow: (ms) => {
      now = ms;
    },
    cleanup: async () => {
      meta.close();
      await wh.close();
      s.cleanup();
    },
  };
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

async function login(app: App, who = 'ada', password = PASSWORD): Promise<{ res: Response; cookie: string; csrf: string }> {
  const res = await app.request('/api/auth/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ login: who, password }) });
  const cookies = res.headers.getSetCookie();
  const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
  const body = res.status === 200 ? ((await res.clone().json()) as { csrfToken: string }) : { csrfToken: '' };
  return { res, cookie, csrf: body.csrfToken };
}

/** Every route registered on the app, as "METHOD /path" (middleware entries excluded). */
function registeredRoutes(app: App): string[] {
  const out = new Set<string>();
  for (const r of app.routes) if (r.method !== 'ALL') out.add(`${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...out].sort();
}

describe('HTTP API: access control', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('registers exactly the routes of the OpenAPI definitions', () => {
    const declared = ALL_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(registeredRoutes(f.app)).toEqual(declared);
    expect(registeredRoutes(f.app).length).toBeGreaterThanOrEqual(9);
  });

  it('every non-public route refuses a request without credentials (401, JSON error)', async () => {
    const routes = registeredRoutes(f.app).filter((r) => !PUBLIC_ROUTES.has(r));
    expect(routes.length).toBe(registeredRoutes(f.app).length - PUBLIC_ROUTES.size);
    for (const r of routes) {
      const [method, path] = r.split(' ') as [string, string];
      const res = await f.app.request(path, { method, headers: JSON_HEADERS, ...(method === 'GET' ? {} : { body: '{}' }) });
      expect(res.status, r).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, r).toBe('unauthenticated');
    }
  });

  it('…and so do unknown paths, with a forged cookie or a bad bearer token', async () => {
    expect((await f.app.request('/api/nope')).status).toBe(401);
    expect((await f.app.request('/etc/passwd')).status).toBe(401);
    expect((await f.app.request('/api/status', { headers: { Cookie: 'tm_session=tms_forged' } })).status).toBe(401);
    const bad = await f.app.request('/api/status', { headers: { Authorization: 'Bearer tmt_nope' } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });

  it('the public routes answer without credentials', async () => {
    expect(await (await f.app.request('/api/health')).json()).toMatchObject({ ok: true });
    const doc = (await (await f.app.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([...new Set(ALL_ROUTES.map((r) => r.path))].sort());
  });
});

describe('HTTP API: sessions', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ maxFailedLogins: 3, lockoutMs: 15 * 60_000, sessionTtlMs: 8 * 3_600_000, sessionIdleMs: 3_600_000 });
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('login sets an HttpOnly, SameSite=Strict session cookie; me answers; logout ends the session', async () => {
    f.setNow(T0);
    const { res, cookie, csrf } = await login(f.app);
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie();
    const session = set.find((c) => c.startsWith('tm_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/); // plain http in tests; https or --secure-cookies adds it
    expect(set.find((c) => c.startsWith('tm_csrf='))).not.toMatch(/HttpOnly/);
    const me = await f.app.request('/api/auth/me', { headers: { Cookie: cookie } });
    expect(await me.json()).toMatchObject({ login: 'ada', role: 'admin', permissions: expect.arrayContaining(['manage_users']) });
    const out = await f.app.request('/api/auth/logout', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
    expect(out.status).toBe(200);
    expect((await f.app.request('/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(401);
    // Only hashes at rest: the cookie's secret appears nowhere in the store.
    expect(JSON.stringify(f.meta.auditLog())).not.toContain(cookie.split('=')[1]);
  });

  it('over https the cookies are Secure; responses are not cached and carry security headers', async () => {
    f.setNow(T0);
    const res = await f.app.request('https://crm.example.com/api/auth/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ login: 'ada', password: PASSWORD }) });
    expect(res.status).toBe(200);
    for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure/);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('a cookie-authenticated write without the CSRF header, or with another session\'s, is refused (403)', async () => {
    f.setNow(T0);
    const a = await login(f.app);
    const b = await login(f.app, 'vic');
    const q = JSON.stringify({ metrics: ['revenue'] });
    const none = await f.app.request('/api/query', { method: 'POST', headers: { ...JSON_HEADERS, Cookie: a.cookie }, body: q });
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({ error: { code: 'csrf_failed', field: 'X-CSRF-Token' } });
    const other = await f.app.request('/api/query', { method: 'POST', headers: { ...JSON_HEADERS, Cookie: a.cookie, 'X-CSRF-Token': b.csrf }, body: q });
    expect(other.status).toBe(403);
    const ok = await f.app.request('/api/query', { method: 'POST', headers: { ...JSON_HEADERS, Cookie: a.cookie, 'X-CSRF-Token': a.csrf }, body: q });
    expect(ok.status).toBe(200);
  });

  it('a session expires after its idle time and after its lifetime (injected clock)', async () => {
    f.setNow(T0);
    const { cookie } = await login(f.app);
    f.setNow(T0 + 59 * 60_000);
    expect((await f.app.request('/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(200);
    f.setNow(T0 + 59 * 60_000 + 3_600_000); // an hour without a request
    const idle = await f.app.request('/api/auth/me', { headers: { Cookie: cookie } });
    expect(idle.status).toBe(401);
    expect(await idle.json()).toMatchObject({ error: { code: 'session_expired' } });

    f.setNow(T0);
    const s2 = await login(f.app);
    for (let h = 0.5; h < 8; h += 0.5) {
      f.setNow(T0 + h * 3_600_000);
      expect((await f.app.request('/api/auth/me', { headers: { Cookie: s2.cookie } })).status).toBe(200);
    }
    f.setNow(T0 + 8 * 3_600_000); // busy all day, but the 8-hour lifetime is over
    expect((await f.app.request('/api/auth/me', { headers: { Cookie: s2.cookie } })).status).toBe(401);
  });

  it('a wrong password is 401; the 3rd failure in a row locks the account for 15 minutes, even for the right password', async () => {
    f.setNow(T0);
    const wrong = await login(f.app, 'vic', 'not the password');
    expect(wrong.res.status).toBe(401);
    expect(await wrong.res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'wrong login or password', field: 'password' } });
    expect((await login(f.app, 'nobody', 'whatever123')).res.status).toBe(401); // unknown login: same answer
    expect((await login(f.app, 'vic', 'wrong again')).res.status).toBe(401);
    const third = await login(f.app, 'vic', 'wrong a third time');
    expect(third.res.status).toBe(423);
    expect(await third.res.json()).toMatchObject({ error: { code: 'account_locked' } });
    f.setNow(T0 + 14 * 60_000);
    expect((await login(f.app, 'vic')).res.status).toBe(423);
    f.setNow(T0 + 15 * 60_000);
    expect((await login(f.app, 'vic')).res.status).toBe(200);
    const actions = f.meta.auditLog().map((e) => e.action);
    expect(actions).toContain('login_failed');
    expect(actions).toContain('login_refused');
  });

  it('a successful login resets the failure count', async () => {
    f.setNow(T0 + 3_600_000);
    await login(f.app, 'ada', 'bad one');
    await login(f.app, 'ada', 'bad two');
    expect((await login(f.app, 'ada')).res.status).toBe(200);
    await login(f.app, 'ada', 'bad three');
    expect((await login(f.app, 'ada')).res.status).toBe(200); // only 1 failure since the last success
  });

  it('password change: needs the current password, refuses weak ones, ends the other sessions', async () => {
    f.setNow(T0 + 2 * 3_600_000);
    const a = await login(f.app);
    const other = await login(f.app);
    const post = (body: unknown) =>
      f.app.request('/api/auth/password', { method: 'POST', headers: { ...JSON_HEADERS, Cookie: a.cookie, 'X-CSRF-Token': a.csrf }, body: JSON.stringify(body) });
    expect(await (await post({ currentPassword: 'nope', newPassword: 'a much better one' })).json()).toMatchObject({ error: { code: 'wrong_password', field: 'currentPassword' } });
    const weak = await post({ currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ error: { code: 'weak_password', field: 'newPassword' } });
    expect((await post({ currentPassword: PASSWORD, newPassword: 'a much better one' })).status).toBe(200);
    expect((await f.app.request('/api/auth/me', { headers: { Cookie: a.cookie } })).status).toBe(200);
    expect((await f.app.request('/api/auth/me', { headers: { Cookie: other.cookie } })).status).toBe(401);
    expect((await login(f.app, 'ada')).res.status).toBe(401);
    expect((await login(f.app, 'ada', 'a much better one')).res.status).toBe(200);
  });

  it('a disabled user\'s session and tokens stop working', async () => {
    f.setNow(T0 + 3 * 3_600_000);
    const v = await login(f.app, 'vic');
    const vic = f.meta.userByLogin('vic')!;
    const t = f.meta.createApiToken(vic.userId, 'script');
    f.meta.setDisabled(vic.userId, true);
    expect((await f.app.request('/api/auth/me', { headers: { Cookie: v.cookie } })).status).toBe(401);
    expect((await f.app.request('/api/auth/me', { headers: { Authorization: `Bearer ${t.token}` } })).status).toBe(401);
    expect((await login(f.app, 'vic')).res.status).toBe(401);
    f.meta.setDisabled(vic.userId, false);
  });
});

describe('HTTP API: tokens, data, errors', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('an API token works without CSRF (no cookie); a revoked one is 401', async () => {
    const ada = f.meta.userByLogin('ada')!;
    const t = f.meta.createApiToken(ada.userId, 'nightly export');
    const auth = { Authorization: `Bearer ${t.token}` };
    const q = await f.app.request('/api/query', { method: 'POST', headers: { ...JSON_HEADERS, ...auth }, body: JSON.stringify({ metrics: ['revenue', 'orders'] }) });
    expect(q.status).toBe(200);
    // Hand-computed from the fixture: 100.50 + 200.00 (the cancelled 999.00 is not counted), 2 orders.
    expect(((await q.json()) as { rows: unknown[] }).rows).toEqual([{ revenue: 300.5, orders: 2 }]);
    expect(f.meta.listApiTokens()[0]?.lastUsedAt).not.toBeNull();
    expect((await f.app.request('/api/auth/logout', { method: 'POST', headers: auth })).status).toBe(400);
    expect(f.meta.revokeApiToken(t.tokenId)).toBe(true);
    const revoked = await f.app.request('/api/status', { headers: auth });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 'invalid_token' } });
  });

  it('the audit log needs manage_users: a viewer gets 403, an admin the entries', async () => {
    const v = await login(f.app, 'vic');
    const denied = await f.app.request('/api/audit', { headers: { Cookie: v.cookie } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'forbidden' } });
    const a = await login(f.app);
    const res = await f.app.request('/api/audit?limit=2', { headers: { Cookie: a.cookie } });
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: { action: string; login: string }[] };
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ action: 'login', login: 'ada' }); // newest first
    expect((await f.app.request('/api/audit?limit=0', { headers: { Cookie: a.cookie } })).status).toBe(400);
  });

  it('status and metrics', async () => {
    const { cookie } = await login(f.app);
    const s = (await (await f.app.request('/api/status', { headers: { Cookie: cookie } })).json()) as { tables: { table: string; rows: number }[] };
    expect(s.tables.find((t) => t.table === 'orders')?.rows).toBe(3);
    expect(s.tables.find((t) => t.table === 'customers')?.rows).toBe(2);
    const m = (await (await f.app.request('/api/metrics', { headers: { Cookie: cookie } })).json()) as { metrics: { key: string }[] };
    expect(m.metrics.map((x) => x.key)).toContain('revenue');
    expect(m.metrics.length).toBe(loadCatalog().metrics.size);
  });

  it('bad input: 400 with a stable code and the offending field; queries are audited', async () => {
    const { cookie, csrf } = await login(f.app);
    const post = (body: string) => f.app.request('/api/query', { method: 'POST', headers: { ...JSON_HEADERS, Cookie: cookie, 'X-CSRF-Token': csrf }, body });
    const unknown = await post(JSON.stringify({ metrics: ['no_such_metric'] }));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { field: string } }).error.field).toBe('metrics[0]');
    const badDate = await post(JSON.stringify({ metrics: ['revenue'], from: '2026/01/01' }));
    expect(badDate.status).toBe(400);
    expect(await badDate.json()).toMatchObject({ error: { code: 'invalid_input', field: 'from' } });
    const badFilter = await post(JSON.stringify({ metrics: ['revenue'], filters: [{ dimension: 'city', op: 'like' }] }));
    expect(await badFilter.json()).toMatchObject({ error: { field: 'filters[0].op' } });
    const extra = await post(JSON.stringify({ metrics: ['revenue'], sql: 'DROP TABLE orders' }));
    expect(extra.status).toBe(400);
    const big = await post(JSON.stringify({ metrics: ['revenue'], dimensions: ['x'.repeat(300 * 1024)] }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'body_too_large' } });
    const broken = await post('{not json');
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).toMatch(/"code"/);
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(f.meta.auditLog().some((e) => e.action === 'query' && e.login === 'ada')).toBe(true);
  });

  it('an unexpected failure is a 500 with a code and no stack trace', async () => {
    const g = await fixture();
    try {
      g.wh.connect = async () => {
        throw new Error('disk on fire at /secret/path.ts:12');
      };
      const { cookie } = await login(g.app);
      const res = await g.app.request('/api/status', { headers: { Cookie: cookie } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error; the server log has the details' } });
      expect(text).not.toContain('secret');
    } finally {
      await g.cleanup();
    }
  });

  it('login attempts per address are rate limited (429)', async () => {
    const g = await fixture();
    try {
      const app = createApp({ warehouse: g.wh, meta: g.meta, catalog: loadCatalog(), loginRateLimit: { max: 2, windowMs: 60_000 }, log: () => undefined });
      expect((await login(app, 'x1', 'whatever123')).res.status).toBe(401);
      expect((await login(app, 'x2', 'whatever123')).res.status).toBe(401);
      const third = await login(app, 'ada');
      expect(third.res.status).toBe(429);
      expect(third.res.headers.get('Retry-After')).toMatch(/^\d+$/);
    } finally {
      await g.cleanup();
    }
  });
});

describe('OpenAPI document', () => {
  it('the served document is the generated one', async () => {
    const f = await fixture();
    try {
      const served = await (await f.app.request('/api/openapi.json')).json();
      expect(served).toEqual(openApiDocument('0.1.0'));
    } finally {
      await f.cleanup();
    }
  });
});

describe('tidemark serve', () => {
  it('serves on a real port and writes the server file; the file is gone after close', async () => {
    const s = scratch();
    const { existsSync, readFileSync } = await import('node:fs');
    const dbPath = join(s.dir, 'wh.duckdb');
    const server = await startServer({ dbPath, catalog: loadCatalog(), port: 0, host: '127.0.0.1' });
    try {
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true });
      expect((await fetch(`${server.url}/api/status`)).status).toBe(401);
      expect(JSON.parse(readFileSync(`${dbPath}.server.json`, 'utf8'))).toMatchObject({ pid: process.pid, url: server.url });
    } finally {
      await server.close();
    }
    expect(existsSync(`${dbPath}.server.json`)).toBe(false);
    s.cleanup();
  });
});
