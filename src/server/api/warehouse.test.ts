/**
 * GET /api/dimensions on the org fixture (src/testing/org.ts): the dimension catalog, the same for every role (it is
 * metadata, no rows: scope and masking have nothing to narrow), and its drill paths match src/query/drill.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../metrics/catalog/index.js';
import { drillDown } from '../../query/drill.js';
import { ORG_USERS, orgFixture, type OrgFixture } from '../../testing/org.js';

interface Dim {
  key: string;
  label: { en: string; zh: string };
  time: string | null;
  hierarchy: string | null;
  level: number | null;
  drillTo: string | null;
  values?: Record<string, { en: string; zh: string }>;
  tables: string[];
  membership: boolean;
}

let f: OrgFixture;
beforeAll(async () => {
  f = await orgFixture();
});
afterAll(async () => {
  await f.cleanup();
});

async function dims(login: string): Promise<{ status: number; dimensions: Dim[] }> {
  const res = await f.request(login, '/api/dimensions');
  const j = (await res.json()) as { dimensions: Dim[] };
  return { status: res.status, dimensions: j.dimensions };
}

describe('GET /api/dimensions', () => {
  it('every catalog dimension, with labels in both languages, hierarchy, level and the next level', async () => {
    const { status, dimensions } = await dims('ada');
    expect(status).toBe(200);
    expect(dimensions.map((d) => d.key)).toEqual([...loadCatalog().dimensions.keys()]);
    const by = new Map(dimensions.map((d) => [d.key, d]));
    expect(by.get('year')).toMatchObject({ label: { en: 'Year', zh: '年' }, time: 'year', hierarchy: 'time', level: 0, drillTo: 'quarter', tables: [] });
    expect(by.get('quarter')?.drillTo).toBe('month');
    expect(by.get('month')?.drillTo).toBe('week');
    expect(by.get('day')).toMatchObject({ level: 4, drillTo: null });
    expect(by.get('province')).toMatchObject({ time: null, hierarchy: 'region', level: 0, drillTo: 'city' });
    expect(by.get('city')?.drillTo).toBe('district');
    expect(by.get('category')?.drillTo).toBe('subcategory');
    expect(by.get('branch')).toMatchObject({ hierarchy: 'org', drillTo: 'department' });
    expect(by.get('department')?.drillTo).toBe('rep');
    expect(by.get('channel')).toMatchObject({ hierarchy: null, level: null, drillTo: null, membership: false });
    expect(by.get('channel')?.values?.tmall).toEqual({ en: 'Tmall', zh: '天猫' });
    expect(by.get('channel')?.tables).toContain('orders');
    expect(by.get('segment')?.membership).toBe(true);
  });

  it('drillTo is what drillDown replaces the dimension by', async () => {
    const { dimensions } = await dims('ana');
    const catalog = loadCatalog();
    for (const d of dimensions.filter((x) => x.drillTo)) {
      const q = drillDown(catalog, { metrics: ['revenue'], dimensions: [d.key] }, d.key, 'x');
      expect(q.dimensions).toEqual([d.drillTo]);
    }
  });

  it.each(ORG_USERS.map((u) => u.login))('%s (any role, any scope) sees the same catalog', async (login) => {
    const mine = await dims(login);
    const admin = await dims('ada');
    expect(mine.status).toBe(200);
    expect(mine.dimensions).toEqual(admin.dimensions);
  });

  it('needs a session or token', async () => {
    const res = await f.app.request('/api/dimensions');
    expect(res.status).toBe(401);
  });
});
