import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, MetaStore } from '../accounts/index.js';
import { loadCatalog } from '../metrics/catalog/index.js';
import { scratch } from '../testing/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { ALL_ROUTES } from './api/index.js';
import { createApp, type App } from './app.js';
import { PUBLIC_ROUTES } from './auth.js';
import { DASHBOARD_CSP } from './static.js';

let app: App;
let wh: Warehouse;
let meta: MetaStore;
let cleanup: () => void;

beforeAll(async () => {
  const s = scratch();
  cleanup = s.cleanup;
  const web = join(s.dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(web, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(s.dir, 'secret.txt'), 'outside the dashboard');
  wh = await openWarehouse({ path: join(s.dir, 'wh.duckdb') });
  meta = MetaStore.open(join(s.dir, 'wh.duckdb.meta.sqlite'));
  meta.addUser({ login: 'ada', role: 'admin', passwordHash: await hashPassword('correct horse battery') });
  app = createApp({ warehouse: wh, meta, catalog: loadCatalog(), dashboardDir: web, log: () => undefined });
});
afterAll(async () => {
  meta.close();
  await wh.close();
  cleanup();
});

describe('the dashboard files', () => {
  it('/ and any page path answer index.html without credentials, with a CSP that allows only this origin', async () => {
    for (const path of ['/', '/overview', '/customers/C0000001', '/explore?metrics=revenue']) {
      const r = await app.request(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('Content-Type')).toMatch(/^text\/html/);
      expect(r.headers.get('Content-Security-Policy')).toBe(DASHBOARD_CSP);
      expect(r.headers.get('Cache-Control')).toBe('no-cache');
      expect(await r.text()).toContain('<div id="root">');
    }
  });

  it('hashed assets are cacheable for a year; a missing asset is 404, not the page', async () => {
    const js = await app.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('Cache-Control')).toContain('immutable');
    expect((await app.request('/assets/index-old999.js')).status).toBe(404);
  });

  it('paths cannot leave the dashboard folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const r = await app.request(path);
      expect(await r.text(), path).not.toContain('outside the dashboard');
    }
  });

  it('the API stays closed: every non-public route still needs credentials, unknown /api paths are 401', async () => {
    for (const r of ALL_ROUTES) {
      if (PUBLIC_ROUTES.has(`${r.method.toUpperCase()} ${r.path}`)) continue;
      const res = await app.request(r.path.replace(/\{[^}]+\}/g, 'x'), { method: r.method.toUpperCase() });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
    expect((await app.request('/api/no-such-route')).status).toBe(401);
    expect((await app.request('/api')).status).toBe(401);
  });

  it('writes outside /api are not served (only GET and HEAD are public)', async () => {
    expect((await app.request('/overview', { method: 'POST' })).status).toBe(401);
    expect((await app.request('/', { method: 'HEAD' })).status).toBe(200);
  });
});
