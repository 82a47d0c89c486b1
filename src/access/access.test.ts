import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../accounts/index.js';
import { DEFAULT_PERMISSIONS } from '../accounts/roles.js';
import { ORG_EXPECTED, ORG_USERS, orgFixture, type OrgFixture } from '../testing/org.js';
import { AccessGate } from './gate.js';
import { mask, MASK_KINDS, MASK_MACROS_SQL, maskMacro } from './mask.js';
import { accessOf, type Access } from './scope.js';

function accessFor(login: string): Access {
  const u = ORG_USERS.find((x) => x.login === login)!;
  const user = { userId: 1, displayName: null, employeeId: null, department: null, branch: null, disabled: false, failedAttempts: 0, lockedUntil: null, passwordChangedAt: '', createdAt: '', ...u } as User;
  return accessOf(user, DEFAULT_PERMISSIONS[u.role]);
}

describe('access gate', () => {
  let f: OrgFixture;
  let gate: AccessGate;
  beforeAll(async () => {
    f = await orgFixture();
    gate = new AccessGate(f.wh);
  });
  afterAll(async () => {
    await gate.close();
    await f.cleanup();
  });

  for (const [login, want] of Object.entries(ORG_EXPECTED)) {
    it(`${login} sees exactly their customers and their revenue`, async () => {
      const got = await gate.read(accessFor(login), async (wh) => {
        const c = await wh.query(`SELECT list(customer_id ORDER BY customer_id) AS ids FROM customers`);
        const r = await wh.query(`SELECT coalesce(sum(amount), 0) AS s FROM orders WHERE status IS DISTINCT FROM 'cancelled'`);
        return { ids: (c.rows[0]?.ids as string[] | null) ?? [], revenue: Number(r.rows[0]?.s) };
      });
      expect(got).toEqual({ ids: [...want.customers], revenue: want.revenue });
    });
  }

  it('scopes every customer-bearing table for a rep (ray = E1: customers C1, C2)', async () => {
    const counts = await gate.read(accessFor('ray'), async (wh) => {
      const out: Record<string, number> = {};
      for (const t of ['customer_identities', 'order_items', 'opportunities', 'contracts', 'service_tickets', 'activities', 'tm_imports', 'tm_quarantine', 'products', 'employees']) {
        out[t] = Number((await wh.query(`SELECT count(*) AS n FROM ${t}`)).rows[0]?.n);
      }
      return out;
    });
    // By hand from src/testing/org.ts: C1 has one identity; items of O1, O2 (O4 of C2) = 3; OP1 (E1); no contract of C1/C2;
    // ticket T1 (customer C1, handled by E2); activity A1 (E1); import log and quarantine hidden; reference tables whole.
    expect(counts).toEqual({ customer_identities: 1, order_items: 3, opportunities: 1, contracts: 0, service_tickets: 1, activities: 1, tm_imports: 0, tm_quarantine: 0, products: 2, employees: 4 });
  });

  it('masks personal data for roles without see_personal_data, and only for them', async () => {
    const sql = `SELECT c.name, c.phone, c.email, c.id_number, c.address, i.external_id FROM customers c JOIN customer_identities i USING (customer_id) WHERE customer_id = 'C1'`;
    const analyst = await gate.read(accessFor('ana'), (wh) => wh.query(sql));
    expect(analyst.rows[0]).toEqual({ name: '张*', phone: '138****5678', email: 'z***@example.com', id_number: '110***********1234', address: '北京市朝阳区****', external_id: 'oW****89' });
    const rep = await gate.read(accessFor('ray'), (wh) => wh.query(sql));
    expect(rep.rows[0]).toEqual({ name: '张三', phone: '13812345678', email: 'zhang.san@example.com', id_number: '110101199001011234', address: '北京市朝阳区建国路88号', external_id: 'oWx123456789' });
    const viewerEmployees = await gate.read(accessFor('vic'), (wh) => wh.query(`SELECT name, phone, email FROM employees WHERE employee_id = 'E1'`));
    expect(viewerEmployees.rows[0]).toEqual({ name: '王*', phone: '139****1111', email: 'w***@corp.example' });
  });

  it('withholds the extra column (unmapped input columns) from masked callers', async () => {
    await f.wh.run(`UPDATE customers SET extra = '{"收货电话": "13800000000"}' WHERE customer_id = 'C1'`);
    try {
      const sql = `SELECT extra FROM customers WHERE customer_id = 'C1'`;
      expect((await gate.read(accessFor('ana'), (wh) => wh.query(sql))).rows[0]?.extra).toBeNull();
      expect(String((await gate.read(accessFor('ada'), (wh) => wh.query(sql))).rows[0]?.extra)).toContain('13800000000');
    } finally {
      await f.wh.run(`UPDATE customers SET extra = NULL WHERE customer_id = 'C1'`);
    }
  });

  it('a rep with no employee id sees nothing at all (deny by default)', async () => {
    const n = await gate.read(accessFor('nop'), async (wh) => Number((await wh.query(`SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM opportunities) AS n`)).rows[0]?.n));
    expect(n).toBe(0);
  });

  it('cannot write through a read connection', async () => {
    await expect(gate.read(accessFor('ray'), (wh) => wh.run(`INSERT INTO customers (customer_id) VALUES ('X')`))).rejects.toThrow();
    await expect(gate.read(accessFor('ada'), (wh) => wh.append('customers', [['X']]))).rejects.toThrow(/cannot append/);
    expect(Number((await f.wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n)).toBe(6);
  });

  it('sees rows imported after the connection was pooled (views are live)', async () => {
    const count = () => gate.read(accessFor('ray'), async (wh) => Number((await wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n));
    expect(await count()).toBe(2);
    await f.wh.run(`INSERT INTO customers (customer_id, name, owner_employee_id) VALUES ('C7', '钱七', 'E1')`);
    expect(await count()).toBe(3);
    await f.wh.run(`DELETE FROM customers WHERE customer_id = 'C7'`);
  });

  it('serves many concurrent requests of several scopes with at most maxOpen connections', async () => {
    const small = new AccessGate(f.wh, 3);
    let peak = 0;
    const logins = ['ray', 'sue', 'mia', 'bob', 'ana', 'ada'];
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const login = logins[i % logins.length]!;
          return small.read(accessFor(login), async (wh) => {
            peak = Math.max(peak, small.openConnections);
            const r = await wh.query(`SELECT coalesce(sum(amount), 0) AS s FROM orders WHERE status IS DISTINCT FROM 'cancelled'`);
            return [login, Number(r.rows[0]?.s)] as const;
          });
        }),
      );
      for (const [login, revenue] of results) expect(revenue, login).toBe(ORG_EXPECTED[login]!.revenue);
      expect(peak).toBeLessThanOrEqual(3);
    } finally {
      await small.close();
    }
  });

  it('keeps a connection usable after a failed statement', async () => {
    await expect(gate.read(accessFor('ray'), (wh) => wh.query(`SELECT no_such_column FROM customers`))).rejects.toThrow();
    expect(await gate.read(accessFor('ray'), async (wh) => Number((await wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n))).toBe(2);
  });

  it('remakes a pooled connection when a table is added, so the new table is never read raw', async () => {
    const count = () => gate.read(accessFor('ray'), async (wh) => Number((await wh.query(`SELECT count(*) AS n FROM tm_late`)).rows[0]?.n));
    await gate.read(accessFor('ray'), (wh) => wh.query(`SELECT 1`));
    await f.wh.run(`CREATE TABLE tm_late AS SELECT 'C4' AS customer_id UNION ALL SELECT 'C1'`);
    try {
      expect(await count()).toBe(1);
    } finally {
      await f.wh.run(`DROP TABLE tm_late`);
    }
  });

  it('gives every table of the warehouse a view for a scoped, masked caller', async () => {
    const tables = (await f.wh.query(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'`)).rows.map((r) => String(r.table_name));
    const statements = await gate.setupStatements({ ...accessFor('ray'), maskPersonal: true });
    const reference = ['org_units', 'employees', 'stores', 'products', 'campaigns', 'tm_meta', 'tm_segments', 'tm_tags'];
    for (const t of tables) {
      const view = statements.find((s) => s.includes(`TEMP VIEW "${t}" AS`));
      if (reference.includes(t)) expect(view ?? '', t).not.toContain(' WHERE ');
      else expect(view, t).toContain(' WHERE ');
    }
  });
});

describe('masks: SQL macros equal the JS functions', () => {
  const corpus = ['张三', '欧阳娜娜', 'J', '', '13812345678', '+8613812345678', '057188886666', '1234567', '12345678', 'zhang.san@example.com', '@x.com', 'a@b@c.org', 'noat', '110101199001011234', '11010119900101123X', '北京市朝阳区建国路88号', '短地址', 'oWx123456789', 'abcd', 'abcde', '𠀀𠀁𠀂 emoji 😀'];
  it.each(MASK_KINDS)('%s', async (kind) => {
    const t = await import('../testing/index.js');
    const w = await t.tempWarehouse();
    try {
      for (const s of MASK_MACROS_SQL) await w.wh.run(s);
      for (const v of [...corpus, null]) {
        const r = await w.wh.query(`SELECT ${maskMacro(kind)}($1::VARCHAR) AS m`, [v]);
        expect(r.rows[0]?.m ?? null, `${kind}(${v})`).toBe(mask(kind, v));
      }
    } finally {
      await w.cleanup();
    }
  });

  it('matches the issue’s examples', () => {
    expect([mask('name', '张三'), mask('phone', '13812345678'), mask('email', 'alice@example.com'), mask('id_number', '110101199001011234')]).toEqual(['张*', '138****5678', 'a***@example.com', '110***********1234']);
    // Cleaned phones are E.164; the national number masks the same way behind its country code.
    expect([mask('phone', '+8613812345678'), mask('phone', '057188886666')]).toEqual(['+86138****5678', '0571****6666']);
  });
});

describe('the API reads through the gate', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => {
    await f.cleanup();
  });

  for (const [login, want] of Object.entries(ORG_EXPECTED)) {
    it(`POST /api/query as ${login}: revenue ${want.revenue}, customers by owner scoped`, async () => {
      const res = await f.request(login, '/api/query', { body: { metrics: ['revenue'] } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { rows: Record<string, unknown>[] };
      expect(Number(body.rows[0]?.revenue ?? 0)).toBe(want.revenue);
    });
  }

  it('a rep’s query grouped by customer lists only their customers', async () => {
    const res = await f.request('ray', '/api/query', { body: { metrics: ['revenue'], dimensions: ['customer'] } });
    const body = (await res.json()) as { rows: Record<string, unknown>[]; columns: { key: string }[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.rows.length).toBe(2);
  });
});
