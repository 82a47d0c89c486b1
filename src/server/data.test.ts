import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_EXPECTED, orgFixture, type OrgFixture } from '../testing/org.js';
import { ResultCache } from './data.js';

describe('result cache', () => {
  it('shares one computation between identical requests made while it runs', async () => {
    const cache = new ResultCache();
    let runs = 0;
    let release!: (v: number) => void;
    const compute = () => {
      runs++;
      return new Promise<number>((r) => (release = r));
    };
    const all = Promise.all([cache.get('k', compute), cache.get('k', compute), cache.get('k', compute)]);
    release(42);
    expect(await all).toEqual([42, 42, 42]);
    expect(runs).toBe(1);
  });

  it('forgets failures, entries past their time, the least recently used beyond its size, and everything on clear', async () => {
    let now = 0;
    const cache = new ResultCache(2, 1000, () => now);
    let runs = 0;
    const ok = async () => ++runs;
    await expect(cache.get('bad', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await cache.get('bad', ok)).toBe(1);
    expect(await cache.get('bad', ok)).toBe(1);
    now = 1000;
    expect(await cache.get('bad', ok)).toBe(2);
    await cache.get('a', ok);
    await cache.get('b', ok);
    expect(cache.size).toBe(2);
    expect(await cache.get('bad', ok)).toBe(5);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('result cache in the API', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const revenue = async (login: string) => {
    const b = (await (await f.request(login, '/api/query', { body: { metrics: ['revenue'] } })).json()) as { rows: { revenue: number }[] };
    return Number(b.rows[0]?.revenue ?? 0);
  };

  it('keeps answers apart per scope, and a write through the server clears them', async () => {
    expect([await revenue('ray'), await revenue('sue'), await revenue('ada')]).toEqual([ORG_EXPECTED.ray!.revenue, ORG_EXPECTED.sue!.revenue, ORG_EXPECTED.ada!.revenue]);
    // A segment save is a write (the write lock); so is an import. The next answer is computed anew.
    await f.wh.run(`INSERT INTO orders (order_id, customer_id, is_anonymous, ordered_at, amount, status) VALUES ('O9', 'C2', false, TIMESTAMP '2026-02-25 10:00:00', 25, 'paid')`);
    expect(await revenue('ray')).toBe(350); // written around the server: still the cached answer
    const res = await f.request('ada', '/api/segments', { body: { key: 'k1', name: 'k1', customers: ['C1'] } });
    expect(res.status).toBe(200);
    expect(await revenue('ray')).toBe(375);
    expect(await revenue('ada')).toBe(2175);
    await f.wh.run(`DELETE FROM orders WHERE order_id = 'O9'`);
  });
});
