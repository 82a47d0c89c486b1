import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INJECTION_CORPUS } from '../../testing/injection.js';
import { ORG_EXPECTED, orgFixture, type OrgFixture } from '../../testing/org.js';

interface ListBody {
  total: number;
  customers: { id: string; name: string | null; phone: string | null; email: string | null; orders: number; revenue: number; firstOrderAt: string | null; lastOrderAt: string | null; owner: string | null }[];
}


describe('customers API', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const list = async (login: string, query = ''): Promise<ListBody> => {
    const res = await f.request(login, `/api/customers${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as ListBody;
  };

  it('lists for each user exactly the customers of their scope (ORG_EXPECTED)', async () => {
    for (const [login, want] of Object.entries(ORG_EXPECTED)) {
      const body = await list(login);
      expect(body.customers.map((c) => c.id), login).toEqual(want.customers);
      expect(body.total, login).toBe(want.customers.length);
    }
  });

  it('gives each row its counted orders and revenue (the fixture doc: C1 300 over 2 orders, the cancelled 999 not counted; C2 50)', async () => {
    const body = await list('ray');
    expect(body.customers.map((c) => [c.id, c.orders, c.revenue])).toEqual([
      ['C1', 2, 300],
      ['C2', 1, 50],
    ]);
    const c1 = body.customers[0]!;
    expect(c1.firstOrderAt).toBe('2026-01-05 10:00:00');
    expect(c1.lastOrderAt).toBe('2026-02-05 10:00:00');
    expect(c1.owner).toBe('E1');
    // Summed over the visible rows: ray's revenue by hand.
    expect(body.customers.reduce((s, c) => s + c.revenue, 0)).toBe(ORG_EXPECTED.ray!.revenue);
  });

  it('shows personal data in clear to roles with see_personal_data and masked to the others', async () => {
    const clear = (await list('ray')).customers[0]!;
    expect([clear.name, clear.phone, clear.email]).toEqual(['张三', '13812345678', 'zhang.san@example.com']);
    for (const login of ['ana', 'vic']) {
      const c1 = (await list(login)).customers.find((c) => c.id === 'C1')!;
      expect([c1.name, c1.phone, c1.email], login).toEqual(['张*', '138****5678', 'z***@example.com']);
    }
    const c2 = (await list('ana')).customers.find((c) => c.id === 'C2')!;
    expect(c2.name).toBe('欧***');
  });

  it('sorts and pages: revenue descending, ties by id; limit and offset', async () => {
    // Revenue by hand: C6 600, C5 500, C4 400, C1 300, C3 300, C2 50.
    expect((await list('ada', '?sort=-revenue')).customers.map((c) => c.id)).toEqual(['C6', 'C5', 'C4', 'C1', 'C3', 'C2']);
    const page = await list('ada', '?sort=id&limit=2&offset=2');
    expect(page.customers.map((c) => c.id)).toEqual(['C3', 'C4']);
    expect(page.total).toBe(6);
    expect((await list('ray', '?sort=-revenue&limit=1')).customers.map((c) => c.id)).toEqual(['C1']);
  });

  it('refuses an unknown sort key and bad paging with a stable code and the field', async () => {
    for (const sort of ['amount', 'revenue; DROP TABLE customers', '-', 'c.name']) {
      const res = await f.request('ada', `/api/customers?sort=${encodeURIComponent(sort)}`);
      expect(res.status, sort).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_sort', field: 'sort' } });
    }
    const res = await f.request('ada', '/api/customers?limit=0');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_input', field: 'limit' } });
  });

  it('searches id, name, phone and email within the scope', async () => {
    expect((await list('ada', `?search=${encodeURIComponent('张')}`)).customers.map((c) => c.id)).toEqual(['C1']);
    expect((await list('ada', '?search=13812345678')).customers.map((c) => c.id)).toEqual(['C1']);
    expect((await list('ada', '?search=NANA@EXAMPLE')).customers.map((c) => c.id)).toEqual(['C2']);
    expect((await list('ada', '?search=c4')).customers.map((c) => c.id)).toEqual(['C4']);
    // C3 李四 exists but is not ray's.
    expect((await list('ray', `?search=${encodeURIComponent('李四')}`)).total).toBe(0);
    expect((await list('mia', `?search=${encodeURIComponent('李四')}`)).customers.map((c) => c.id)).toEqual(['C3']);
  });

  it('lets a masked caller search only the masked values they see: a full phone number confirms nothing', async () => {
    expect((await list('ana', '?search=13812345678')).total).toBe(0);
    expect((await list('ana', `?search=${encodeURIComponent('张三')}`)).total).toBe(0);
    expect((await list('ana', '?search=zhang.san')).total).toBe(0);
    // What the masked list shows can be searched: 138****5678 contains 5678.
    expect((await list('ana', '?search=5678')).customers.map((c) => c.id)).toEqual(['C1']);
    expect((await list('ana', '?search=C1')).customers.map((c) => c.id)).toEqual(['C1']);
  });

  it('binds the search: the injection corpus finds nothing, never errors, and changes nothing', async () => {
    for (const s of INJECTION_CORPUS) {
      for (const login of ['ada', 'ray', 'ana']) {
        const res = await f.request(login, `/api/customers?search=${encodeURIComponent(s)}`);
        expect(res.status, `${login} ${s}`).toBe(200);
        const body = (await res.json()) as ListBody;
        // No customer id, name, phone or email contains any of these characters (the masked * only for masked callers).
        if (!(s === '*' && login === 'ana')) expect(body.total, `${login} ${s}`).toBe(0);
        else expect(body.customers.map((c) => c.id)).toEqual(ORG_EXPECTED.ana!.customers);
      }
    }
    expect((await list('ada')).total).toBe(6);
  });

  it('answers a profile of a customer outside the scope with 404, not 403', async () => {
    const ray = await f.request('ray', '/api/customers/C3');
    expect(ray.status).toBe(404);
    expect(await ray.json()).toMatchObject({ error: { code: 'unknown_customer', field: 'id' } });
    // Same answer as for a customer that does not exist at all.
    const none = await f.request('ray', '/api/customers/C999');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: 'unknown_customer' } });
    expect((await f.request('mia', '/api/customers/C3')).status).toBe(200);
    expect((await f.request('sue', '/api/customers/C1')).status).toBe(404);
    expect((await f.request('nop', '/api/customers/C1')).status).toBe(404);
    for (const login of ORG_EXPECTED.bob!.customers) expect((await f.request('bob', `/api/customers/${login}`)).status).toBe(200);
    expect((await f.request('bob', '/api/customers/C5')).status).toBe(404);
  });

  it('binds the profile id: injection strings are ids of no customer (404, never 500)', async () => {
    for (const s of INJECTION_CORPUS) {
      const res = await f.request('ada', `/api/customers/${encodeURIComponent(s)}`);
      expect(res.status, s).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'unknown_customer' } });
    }
    expect((await f.request('ray', `/api/customers/${encodeURIComponent("C3' OR '1'='1")}`)).status).toBe(404);
  });

  it('assembles the 360° profile from every table (the fixture rows of C1)', async () => {
    const res = await f.request('ada', '/api/customers/C1');
    expect(res.status).toBe(200);
    const p = (await res.json()) as Record<string, any>;
    expect(p.customerId).toBe('C1');
    expect(p.attributes).toMatchObject({ customer_id: 'C1', kind: 'person', province: '北京市', owner_employee_id: 'E1', marketing_consent: true });
    expect(p.owner).toMatchObject({ employee_id: 'E1', name: '王伟', unit_id: 'D1' });
    // O1 100 + O2 200 counted, O3 999 cancelled: 3 orders, 2 counted, revenue 300; newest first.
    expect(p.orders).toMatchObject({ total: 3, counted: 2, revenue: 300, firstOrderAt: '2026-01-05 10:00:00', lastOrderAt: '2026-02-05 10:00:00' });
    expect(p.orders.rows.map((o: { order_id: string }) => o.order_id)).toEqual(['O3', 'O2', 'O1']);
    expect(p.opportunities.rows.map((o: { opportunity_id: string }) => o.opportunity_id)).toEqual(['OP1']);
    expect(p.contracts.total).toBe(0);
    expect(p.tickets.rows.map((t: { ticket_id: string }) => t.ticket_id)).toEqual(['T1']);
    expect(p.activities.rows.map((a: { activity_id: string }) => a.activity_id)).toEqual(['A1']);
    expect(p.interactions.total).toBe(0);
    expect(p.segments).toEqual([]);
    expect(p.scores).toEqual({ rfm: null, valueTier: null, valueType: null, cluster: null, lifecycle: null });
    const recent = (await (await f.request('ada', '/api/customers/C1?recent=1')).json()) as Record<string, any>;
    expect(recent.orders.rows.map((o: { order_id: string }) => o.order_id)).toEqual(['O3']);
    expect(recent.orders.total).toBe(3);
  });

  it('masks every personal field of the profile for roles without see_personal_data', async () => {
    const masked = (await (await f.request('ana', '/api/customers/C1')).json()) as Record<string, any>;
    expect(masked.attributes).toMatchObject({ name: '张*', phone: '138****5678', email: 'z***@example.com', id_number: '110***********1234', address: '北京市朝阳区****' });
    expect(masked.identities).toEqual([{ channel: 'wechat_openid', external_id: 'oW****89', bound_at: null }]);
    expect(masked.owner.name).toBe('王*');
    expect('extra' in masked.attributes).toBe(false);
    const text = JSON.stringify(masked);
    for (const secret of ['张三', '13812345678', 'zhang.san', '110101199001011234', '建国路', 'oWx123456789', '王伟']) expect(text, secret).not.toContain(secret);

    const clear = (await (await f.request('ada', '/api/customers/C1')).json()) as Record<string, any>;
    expect(clear.attributes).toMatchObject({ name: '张三', phone: '13812345678', email: 'zhang.san@example.com', id_number: '110101199001011234', address: '北京市朝阳区建国路88号' });
    expect(clear.identities[0].external_id).toBe('oWx123456789');
  });

  it('shows a rep the profile rows of their own customer (C1 for ray, with T1 handled by another employee)', async () => {
    const p = (await (await f.request('ray', '/api/customers/C1')).json()) as Record<string, any>;
    expect(p.attributes.name).toBe('张三');
    expect(p.orders).toMatchObject({ total: 3, counted: 2, revenue: 300 });
    expect(p.tickets.rows.map((t: { ticket_id: string }) => t.ticket_id)).toEqual(['T1']);
  });

  it('shows stored model scores and memberships in the profile', async () => {
    await f.wh.run(`INSERT INTO tm_rfm VALUES ('C1', DATE '2026-03-01', NULL, 24, 2, 300, 4, 3, 2, 'important_value', '432', TIMESTAMP '2026-03-01 00:00:00')`);
    await f.wh.run(`INSERT INTO tm_segments VALUES ('vip', '重要客户', 'static', NULL, NULL, TIMESTAMP '2026-03-01 00:00:00', NULL, NULL, 1)`);
    await f.wh.run(`INSERT INTO tm_segment_members VALUES ('vip', 'C1')`);
    try {
      const p = (await (await f.request('ray', '/api/customers/C1')).json()) as Record<string, any>;
      expect(p.scores.rfm).toMatchObject({ segment: 'important_value', r: 4, f: 3, m: 2 });
      expect(p.segments).toEqual([{ key: 'vip', name: '重要客户' }]);
      const row = (await list('ray')).customers[0] as unknown as { rfmSegment: string };
      expect(row.rfmSegment).toBe('important_value');
    } finally {
      await f.wh.run(`DELETE FROM tm_rfm`);
      await f.wh.run(`DELETE FROM tm_segment_members`);
      await f.wh.run(`DELETE FROM tm_segments`);
    }
  });
});
