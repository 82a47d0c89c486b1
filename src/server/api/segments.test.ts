import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../metrics/catalog/index.js';
import { defineTag, setTag } from '../../segments/index.js';
import { INJECTION_CORPUS } from '../../testing/injection.js';
import { orgFixture, type OrgFixture } from '../../testing/org.js';

interface SegmentBody {
  key: string;
  kind: string;
  customers: number;
  members?: { customer_id: string; name: string | null; phone: string | null }[];
}

describe('segments API', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
    // A manual tag on C1 and C4, set on the warehouse directly (tags have no write route in this increment).
    await defineTag(f.wh, loadCatalog(), { key: 'vip_tag', nameZh: '贵宾', kind: 'manual', today: '2026-03-01' });
    await setTag(f.wh, 'vip_tag', ['C1', 'C4'], true);
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const save = (login: string, body: unknown) => f.request(login, '/api/segments', { body });
  const sizes = async (login: string): Promise<Record<string, number>> => {
    const res = await f.request(login, '/api/segments');
    expect(res.status).toBe(200);
    const { segments } = (await res.json()) as { segments: SegmentBody[] };
    return Object.fromEntries(segments.map((s) => [s.key, s.customers]));
  };

  it('saves a static list and a rule segment (admin, analyst); others get 403', async () => {
    const vip = await save('ada', { key: 'vip', name: '重点客户', customers: ['C1', 'C2', 'C3'] });
    expect(vip.status).toBe(200);
    expect(await vip.json()).toMatchObject({ key: 'vip', kind: 'static', customers: 3 });
    // Province 浙江省: C3 (李四, D1) and C4 (西湖贸易, D2).
    const zj = await save('ana', { key: 'zj', name: '浙江客户', definition: { filters: [{ dimension: 'province', op: 'eq', values: ['浙江省'] }] } });
    expect(zj.status).toBe(200);
    expect(await zj.json()).toMatchObject({ key: 'zj', kind: 'rule', customers: 2 });
    // Managers and reps lack `import`; a viewer too.
    for (const login of ['mia', 'bob', 'ray', 'vic']) {
      const res = await save(login, { key: `x_${login}`, name: 'x', customers: ['C1'] });
      expect(res.status, login).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('sizes every segment over the caller’s scope, never the stored company-wide count', async () => {
    // vip = C1, C2, C3; zj = C3, C4. Scopes from ORG_EXPECTED: ray C1 C2, sue C4, mia C1–C3, bob C1–C4, nop none.
    expect(await sizes('ada')).toEqual({ vip: 3, zj: 2 });
    expect(await sizes('ana')).toEqual({ vip: 3, zj: 2 });
    expect(await sizes('ray')).toEqual({ vip: 2, zj: 0 });
    expect(await sizes('sue')).toEqual({ vip: 0, zj: 1 });
    expect(await sizes('mia')).toEqual({ vip: 3, zj: 1 });
    expect(await sizes('bob')).toEqual({ vip: 3, zj: 2 });
    expect(await sizes('nop')).toEqual({ vip: 0, zj: 0 });
  });

  it('shows a segment’s members in the caller’s scope, paginated, masked for masked roles', async () => {
    const show = async (login: string, path = '/api/segments/vip') => {
      const res = await f.request(login, path);
      expect(res.status).toBe(200);
      return (await res.json()) as SegmentBody & { limit: number; offset: number };
    };
    const ray = await show('ray');
    expect(ray.customers).toBe(2);
    expect(ray.members!.map((m) => m.customer_id)).toEqual(['C1', 'C2']);
    expect(ray.members![0]).toMatchObject({ name: '张三', phone: '13812345678' });
    const ana = await show('ana');
    expect(ana.members!.map((m) => m.customer_id)).toEqual(['C1', 'C2', 'C3']);
    expect(ana.members![0]).toMatchObject({ name: '张*', phone: '138****5678' });
    expect(JSON.stringify(ana)).not.toContain('13812345678');
    const page = await show('ada', '/api/segments/vip?limit=1&offset=1');
    expect(page.members!.map((m) => m.customer_id)).toEqual(['C2']);
    expect([page.customers, page.limit, page.offset]).toEqual([3, 1, 1]);
    expect((await show('sue')).members).toEqual([]);
  });

  it('answers an unknown segment with 404 and a bad definition with 400 naming the field', async () => {
    const none = await f.request('ray', '/api/segments/nope');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: 'unknown_segment', field: 'key' } });
    const dup = await save('ada', { key: 'vip', name: 'again', customers: ['C1'] });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: { code: 'segment_exists', field: 'key' } });
    const badKey = await save('ada', { key: "x'; DROP TABLE customers; --", name: 'x', customers: ['C1'] });
    expect(badKey.status).toBe(400);
    expect(await badKey.json()).toMatchObject({ error: { code: 'bad_key', field: 'key' } });
    const badDim = await save('ada', { key: 'bad', name: 'x', definition: { filters: [{ dimension: 'nope', op: 'eq', values: ['x'] }] } });
    expect(badDim.status).toBe(400);
    expect(((await badDim.json()) as { error: { code: string; field: string } }).error.field).toMatch(/dimension|filters/);
    const unknown = await save('ada', { key: 'ghosts', name: 'x', customers: ['C1', 'C404'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_customer', field: 'customers' } });
    const neither = await save('ada', { key: 'empty', name: 'x' });
    expect(neither.status).toBe(400);
    expect(await neither.json()).toMatchObject({ error: { code: 'bad_segment', field: 'definition' } });
    expect(await sizes('ada')).toEqual({ vip: 3, zj: 2 });
  });

  it('binds filter values of a rule: an injection string is a value that matches no one', async () => {
    for (const [i, v] of [`' OR 1=1 --`, `浙江省' OR '1'='1`, `%`, `\\`].entries()) {
      const res = await save('ada', { key: `inj${i}`, name: 'x', definition: { filters: [{ dimension: 'province', op: 'eq', values: [v] }] } });
      expect(res.status, v).toBe(200);
      expect(((await res.json()) as SegmentBody).customers, v).toBe(0);
      expect((await f.request('ada', `/api/segments/inj${i}`, { method: 'DELETE' })).status).toBe(200);
    }
  });

  it('binds the segment key of a path: injection strings are unknown segments', async () => {
    for (const s of INJECTION_CORPUS) {
      const res = await f.request('ray', `/api/segments/${encodeURIComponent(s)}`);
      expect(res.status, s).toBe(404);
    }
    expect(await sizes('ada')).toEqual({ vip: 3, zj: 2 });
  });

  it('refreshes a rule segment on new data (admin), not for a scoped role', async () => {
    expect((await f.request('ray', '/api/segments/zj/refresh', { method: 'POST' })).status).toBe(403);
    await f.wh.run(`UPDATE customers SET province = '浙江省' WHERE customer_id = 'C5'`);
    try {
      const res = await f.request('ada', '/api/segments/zj/refresh', { method: 'POST' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ key: 'zj', kind: 'rule', before: 2, customers: 3 });
      expect((await sizes('ada')).zj).toBe(3);
      expect((await sizes('bob')).zj).toBe(2);
    } finally {
      await f.wh.run(`UPDATE customers SET province = '广东省' WHERE customer_id = 'C5'`);
    }
    expect((await f.request('ada', '/api/segments/nope/refresh', { method: 'POST' })).status).toBe(404);
  });

  it('deletes a segment (admin); a rep cannot; the audit log has the writes', async () => {
    expect((await f.request('ray', '/api/segments/zj', { method: 'DELETE' })).status).toBe(403);
    const res = await f.request('ada', '/api/segments/zj', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 'zj' });
    expect((await f.request('ada', '/api/segments/zj')).status).toBe(404);
    expect((await f.request('ada', '/api/segments/zj', { method: 'DELETE' })).status).toBe(404);
    const actions = f.meta.auditLog(50).map((e) => `${e.login} ${e.action} ${String(e.details.segment ?? '')}`);
    expect(actions).toContain('ada segment_delete zj');
    expect(actions).toContain('ana segment_save zj');
    expect(actions).toContain('ada segment_refresh zj');
  });

  it('lists tags with coverage over the caller’s scope', async () => {
    // vip_tag is on C1 and C4.
    const cov = async (login: string) => {
      const res = await f.request(login, '/api/tags');
      expect(res.status).toBe(200);
      const b = (await res.json()) as { customers: number; tagged: number; tags: { key: string; customers: number; share: number | null }[] };
      return [b.customers, b.tagged, b.tags.map((t) => [t.key, t.customers, t.share])];
    };
    expect(await cov('ada')).toEqual([6, 2, [['vip_tag', 2, 2 / 6]]]);
    expect(await cov('ray')).toEqual([2, 1, [['vip_tag', 1, 0.5]]]);
    expect(await cov('sue')).toEqual([1, 1, [['vip_tag', 1, 1]]]);
    expect(await cov('mia')).toEqual([3, 1, [['vip_tag', 1, 1 / 3]]]);
    expect(await cov('nop')).toEqual([0, 0, [['vip_tag', 0, null]]]);
  });
});
