/**
 * GET /api/extent on the org fixture (src/testing/org.ts): orders O1–O8 from 2026-01-05 (O1, C1) to 2026-02-20 (O8, C6);
 * C1 also has O2 2026-02-05 and the cancelled O3 2026-02-06 (every order counts in the span); C4's only order is O6
 * 2026-02-15. Each user sees the span of the orders in their own row scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgFixture, type OrgFixture } from '../../testing/org.js';

let f: OrgFixture;
beforeAll(async () => {
  f = await orgFixture();
});
afterAll(async () => {
  await f.cleanup();
});

async function extent(login: string): Promise<{ status: number; json: unknown }> {
  const res = await f.request(login, '/api/extent');
  return { status: res.status, json: await res.json() };
}

describe('GET /api/extent', () => {
  it.each([
    ['ada', { firstDay: '2026-01-05', lastDay: '2026-02-20', orders: 8 }],
    ['vic', { firstDay: '2026-01-05', lastDay: '2026-02-20', orders: 8 }],
    ['ray', { firstDay: '2026-01-05', lastDay: '2026-02-06', orders: 4 }],
    ['sue', { firstDay: '2026-02-15', lastDay: '2026-02-15', orders: 1 }],
    ['nop', { firstDay: null, lastDay: null, orders: 0 }],
  ])('%s: the span of the orders in their scope', async (login, expected) => {
    const { status, json } = await extent(login);
    expect(status).toBe(200);
    expect(json).toEqual(expected);
  });

  it('needs a session or a token', async () => {
    const res = await f.app.request('/api/extent');
    expect(res.status).toBe(401);
  });
});
