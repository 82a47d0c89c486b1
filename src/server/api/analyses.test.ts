/**
 * The customer-analysis routes on the org fixture (src/testing/org.ts). Every customer C1…C6 has a counted order, so
 * the customers an analysis scores are exactly the ones the caller sees (ORG_EXPECTED), and their revenue is its
 * revenue. C1 bought on 2026-01-05 and 2026-02-05 (31 days apart), the only customer with two purchase days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_EXPECTED, ORG_USERS, orgFixture, type OrgFixture } from '../../testing/org.js';

type Json = Record<string, unknown>;
const LOGINS = ORG_USERS.map((u) => u.login);
const SEEING = LOGINS.filter((l) => ORG_EXPECTED[l]!.customers.length > 0);

let f: OrgFixture;
beforeAll(async () => {
  f = await orgFixture();
});
afterAll(async () => {
  await f.cleanup();
});

async function call(login: string, path: string, body: unknown = {}): Promise<{ status: number; json: Json }> {
  const res = await f.request(login, path, { body });
  return { status: res.status, json: (await res.json()) as Json };
}
const err = (j: Json) => j.error as { code: string; field?: string; message: string; issues?: { code: string; field: string }[] };

describe('POST /api/analyses/rfm', () => {
  it.each(SEEING)('%s: scores their customers only; revenue is theirs', async (login) => {
    const { status, json } = await call(login, '/api/analyses/rfm');
    expect(status).toBe(200);
    expect(json.customers).toBe(ORG_EXPECTED[login]!.customers.length);
    expect(json.revenue).toBe(ORG_EXPECTED[login]!.revenue);
    const segments = json.segments as { customers: number }[];
    expect(segments.reduce((a, s) => a + s.customers, 0)).toBe(ORG_EXPECTED[login]!.customers.length);
    expect((json.sql as { summary: string }).summary).toMatch(/FROM orders/i);
  });

  it('nop (no rows): the analysis says its window is empty', async () => {
    const { status, json } = await call('nop', '/api/analyses/rfm');
    expect(status).toBe(400);
    expect(err(json).code).toBe('empty_window');
  });

  it('bad parameters → 400 with the analysis’s code and field, every issue listed', async () => {
    let r = await call('ada', '/api/analyses/rfm', { asOf: '2026-13-01' });
    expect(r.status).toBe(400);
    expect(err(r.json)).toMatchObject({ code: 'invalid_date', field: 'asOf' });
    r = await call('ada', '/api/analyses/rfm', { scores: 'bogus', split: 'nope' });
    expect(err(r.json)).toMatchObject({ code: 'invalid_choice', field: 'scores' });
    expect(err(r.json).issues?.map((i) => i.field)).toEqual(['scores', 'split']);
    r = await call('ada', '/api/analyses/rfm', { scores: 'thresholds', thresholds: { recency: [90, 30, 180, 365] } });
    expect(err(r.json)).toMatchObject({ code: 'thresholds_not_ascending', field: 'thresholds.recency' });
    r = await call('ada', '/api/analyses/rfm', { asof: '2026-03-01' });
    expect(err(r.json).code).toBe('invalid_input');
  });

  it('save needs the import permission and an unscoped role; the analyst may save', async () => {
    for (const login of ['mia', 'ray', 'vic']) {
      const r = await call(login, '/api/analyses/rfm', { save: true });
      expect(r.status, login).toBe(403);
      expect(err(r.json)).toMatchObject({ code: 'forbidden', field: 'save' });
    }
    // A scoped role that has been given import still may not replace everyone's results.
    f.meta.setRolePermissions('sales_rep', ['import', 'see_personal_data']);
    try {
      const r = await call('ray', '/api/analyses/rfm', { save: true });
      expect(r.status).toBe(403);
      expect(err(r.json).message).toMatch(/row scope/);
    } finally {
      f.meta.setRolePermissions('sales_rep', ['see_personal_data']);
    }
    expect(Number((await f.wh.query('SELECT count(*) AS n FROM tm_rfm')).rows[0]?.n)).toBe(0);
    const r = await call('ana', '/api/analyses/rfm', { save: true, asOf: '2026-03-01' });
    expect(r.status).toBe(200);
    expect(r.json.saved).toBe(6);
    expect(Number((await f.wh.query(`SELECT count(*) AS n FROM tm_rfm WHERE as_of = DATE '2026-03-01'`)).rows[0]?.n)).toBe(6);
    // the saved segments are a dimension every role reads within its scope: ray sees his two customers' revenue
    const q = await f.request('ray', '/api/query', { body: { metrics: ['revenue'], dimensions: ['rfm_segment'], totals: true } });
    const rows = ((await q.json()) as { rows: Json[] }).rows;
    expect(Math.max(...rows.map((x) => Number(x.revenue)))).toBe(350);
  });
});

describe('other analyses over the scoped rows', () => {
  it.each(SEEING)('%s: tiers and matrix count their customers and revenue only', async (login) => {
    for (const name of ['tiers', 'matrix']) {
      const { status, json } = await call(login, `/api/analyses/${name}`);
      expect(status, name).toBe(200);
      expect(json.customers, name).toBe(ORG_EXPECTED[login]!.customers.length);
      expect(json.revenue, name).toBe(ORG_EXPECTED[login]!.revenue);
    }
  });

  it.each(SEEING)('%s: repurchase headline over their orders', async (login) => {
    const { status, json } = await call(login, '/api/analyses/repurchase', { from: '2026-01-01', to: '2026-02-28' });
    expect(status).toBe(200);
    const h = json.headline as { buyingCustomers: number; repeatCustomers: number };
    expect(h.buyingCustomers).toBe(ORG_EXPECTED[login]!.customers.length);
    // C1 is the only customer with two counted orders
    expect(h.repeatCustomers).toBe(ORG_EXPECTED[login]!.customers.includes('C1') ? 1 : 0);
  });

  it.each([
    ['ada', '张三', '13812345678'],
    ['mia', '张三', '13812345678'],
    ['ray', '张三', '13812345678'],
    ['ana', '张*', '138****5678'],
    ['vic', '张*', '138****5678'],
  ])('%s: repurchase reminders name C1 (31-day rhythm, 116 days since) as %s', async (login, name, phone) => {
    const { status, json } = await call(login, '/api/analyses/repurchase', { asOf: '2026-06-01', minPurchases: 2, reminders: true });
    expect(status).toBe(200);
    const rows = (json.reminders as { rows: Json[] }).rows;
    expect(rows.map((r) => r.customer_id)).toEqual(['C1']);
    expect(rows[0]).toMatchObject({ name, phone });
  });

  it('sue (C4 only) gets no reminder for C1', async () => {
    const { json } = await call('sue', '/api/analyses/repurchase', { asOf: '2026-06-01', minPurchases: 2, reminders: true });
    expect((json.reminders as { rows: unknown[] }).rows).toEqual([]);
  });

  it('cohorts, lifecycle and members run through the same path', async () => {
    const c = await call('ray', '/api/analyses/cohorts', { asOf: '2026-03-01' });
    expect(c.status).toBe(200);
    expect(c.json.customers).toBe(2);
    const l = await call('ray', '/api/analyses/lifecycle', { from: '2026-01-01', to: '2026-03-01' });
    expect(l.status).toBe(200);
    expect(typeof l.json.sql).toBe('string');
    const m = await call('ada', '/api/analyses/members');
    expect(m.status).toBe(400);
    expect(err(m.json).code).toBe('no_member_data');
  });

  it('bad parameters of each analysis → its own code and field', async () => {
    const cases: [string, unknown, string, string][] = [
      ['tiers', { rules: [{ tier: 'high', minSpend: 500, maxSpend: 100 }] }, 'invalid_bounds', 'rules[0]'],
      ['matrix', { aovThreshold: 'mode' }, 'invalid_threshold', 'aovThreshold'],
      ['cluster', { k: 1 }, 'invalid_k', 'k'],
      ['lifecycle', { period: 'day' }, 'invalid_choice', 'period'],
      ['cohorts', { by: 'city' }, 'invalid_choice', 'by'],
      ['repurchase', { minPurchases: 1 }, 'invalid_number', 'minPurchases'],
      ['members', { grain: 'decade' }, 'invalid_choice', 'grain'],
    ];
    for (const [name, body, code, field] of cases) {
      const r = await call('ada', `/api/analyses/${name}`, body);
      expect(r.status, name).toBe(400);
      expect(err(r.json).code, name).toBe(code);
      expect(err(r.json).field, name).toMatch(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`));
    }
  });

  it('an unknown analysis is 404', async () => {
    const r = await call('ada', '/api/analyses/nope');
    expect(r.status).toBe(404);
  });
});
