/**
 * Every data path × every user of the org fixture: the customers each path shows are exactly the user's scope
 * (ORG_EXPECTED, worked out by hand in src/testing/org.ts), and customer C1's phone is masked exactly for the users
 * without see_personal_data. One table of evidence for issue 5's "a rep cannot see another rep's customer".
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../accounts/roles.js';
import { ORG_EXPECTED, ORG_USERS, orgFixture, type OrgFixture } from '../testing/org.js';

const ALL_CUSTOMERS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
const C1_PHONE = '13812345678';
const C1_MASKED = '138****5678';
const ids = (xs: unknown[]) => [...new Set(xs.map(String))].sort();

describe('scope matrix: every data path shows each user exactly their customers', () => {
  let f: OrgFixture;
  const clear = new Set<string>();
  beforeAll(async () => {
    f = await orgFixture();
    // Every role may use every path here, so that only the scope decides what is shown.
    for (const u of ORG_USERS) {
      const perms = f.meta.permissionsOf(u.role);
      if (perms.includes('see_personal_data')) clear.add(u.login);
      f.meta.setRolePermissions(u.role, [...new Set([...perms, 'export', 'run_sql'])].filter((p) => (PERMISSIONS as readonly string[]).includes(p)) as never);
    }
    const res = await f.request('ada', '/api/segments', { body: { key: 'everyone', name: '全部', customers: ALL_CUSTOMERS } });
    expect(res.status, await res.clone().text()).toBe(200);
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const paths: Record<string, (login: string) => Promise<{ ids: string[]; phones: string[] }>> = {
    'metric query by customer': async (login) => {
      const b = (await (await f.request(login, '/api/query', { body: { metrics: ['revenue'], dimensions: ['customer'] } })).json()) as { rows: Record<string, unknown>[] };
      return { ids: ids(b.rows.map((r) => r.customer)), phones: [] };
    },
    'drill-through (customers behind revenue)': async (login) => {
      const b = (await (await f.request(login, '/api/drill', { body: { metric: 'revenue', mode: 'customers', limit: 500 } })).json()) as { rows: Record<string, unknown>[] };
      return { ids: ids(b.rows.map((r) => r.customer_id)), phones: b.rows.filter((r) => r.customer_id === 'C1').map((r) => String(r.phone)) };
    },
    'customer list': async (login) => {
      const b = (await (await f.request(login, '/api/customers?limit=100')).json()) as { customers: { id: string; phone: string }[] };
      return { ids: ids(b.customers.map((r) => r.id)), phones: b.customers.filter((r) => r.id === 'C1').map((r) => r.phone) };
    },
    'customer 360° profile': async (login) => {
      const seen: string[] = [];
      const phones: string[] = [];
      for (const id of ALL_CUSTOMERS) {
        const res = await f.request(login, `/api/customers/${id}`);
        if (res.status === 200) {
          seen.push(id);
          if (id === 'C1') phones.push(String(((await res.json()) as { attributes: Record<string, unknown> }).attributes.phone));
        } else expect(res.status, `${login} ${id}`).toBe(404);
      }
      return { ids: seen, phones };
    },
    'segment members': async (login) => {
      const b = (await (await f.request(login, '/api/segments/everyone?limit=100')).json()) as { members: Record<string, unknown>[] };
      return { ids: ids(b.members.map((r) => r.customer_id)), phones: b.members.filter((r) => r.customer_id === 'C1').map((r) => String(r.phone)) };
    },
    'CSV export of the customer list': async (login) => {
      const res = await f.request(login, '/api/exports', { body: { kind: 'customers', format: 'csv' } });
      expect(res.status, await res.clone().text()).toBe(200);
      const rows = parse((await res.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      const idKey = Object.keys(rows[0] ?? { id: '' }).find((k) => /^(id|customer_id|客户ID)$/i.test(k)) ?? 'id';
      const phoneKey = Object.keys(rows[0] ?? {}).find((k) => /phone|手机/i.test(k)) ?? 'phone';
      return { ids: ids(rows.map((r) => r[idKey])), phones: rows.filter((r) => r[idKey] === 'C1').map((r) => String(r[phoneKey])) };
    },
    'SQL console': async (login) => {
      const b = (await (await f.request(login, '/api/sql', { body: { sql: 'SELECT customer_id, phone FROM customers ORDER BY 1' } })).json()) as { rows: Record<string, unknown>[] };
      return { ids: ids(b.rows.map((r) => r.customer_id)), phones: b.rows.filter((r) => r.customer_id === 'C1').map((r) => String(r.phone)) };
    },
  };

  for (const [path, run] of Object.entries(paths)) {
    for (const [login, want] of Object.entries(ORG_EXPECTED)) {
      it(`${path}: ${login} sees ${want.customers.join(', ') || 'nothing'}`, async () => {
        const got = await run(login);
        expect(got.ids, `${path} as ${login}`).toEqual([...want.customers]);
        if (path !== 'metric query by customer' && want.customers.includes('C1')) expect(got.phones.length, 'C1 phone shown').toBe(1);
        for (const p of got.phones) expect(p).toBe(clear.has(login) ? C1_PHONE : C1_MASKED);
      });
    }
  }

  for (const [login, want] of Object.entries(ORG_EXPECTED)) {
    it(`aggregates follow the scope: ${login}'s revenue is ${want.revenue} in the overview and the pivot`, async () => {
      const overview = (await (await f.request(login, '/api/overview?from=2026-01-01&to=2026-02-28')).json()) as Record<string, unknown>;
      expect(JSON.stringify(overview)).toContain(`"revenue":${want.revenue}`);
      const pivot = (await (await f.request(login, '/api/pivot', { body: { metrics: ['revenue'], rows: [], columns: ['month'], totals: true } })).json()) as Record<string, unknown>;
      expect(res(pivot)).toBe(want.revenue);
    });
  }
});

/** The grand total of a pivot response, wherever the route puts it. */
function res(pivot: Record<string, unknown>): number {
  const totals = pivot.totals as Record<string, unknown> | Record<string, unknown>[] | undefined;
  const t = Array.isArray(totals) ? totals[totals.length - 1] : totals;
  const v = t?._total ?? t?.revenue ?? (t as Record<string, unknown> | undefined)?.['revenue|_total'];
  return Number(typeof v === 'object' && v !== null ? (v as Record<string, unknown>).revenue : (v ?? 0));
}
