import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgFixture, type OrgFixture } from './org.js';

describe('org fixture', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  it('signs each user in with their token', async () => {
    const res = await f.request('mia', '/api/auth/me');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ login: 'mia', role: 'manager', department: 'D1' });
  });

  it('has the rows its doc counts: all customers 2,150 revenue by hand', async () => {
    const r = await f.wh.query(`SELECT sum(amount) AS s FROM orders WHERE status IS DISTINCT FROM 'cancelled'`);
    expect(Number(r.rows[0]?.s)).toBe(2150);
  });
});
