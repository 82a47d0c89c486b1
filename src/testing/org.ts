/**
 * A small company for access-control tests: two branches, three departments, four reps, six customers with known
 * revenue, and one user per role and position, each with an API token. Expected figures (by hand, from the rows below):
 *   revenue (counted orders) per customer: C1 300 (100 + 200; a cancelled 999 is not counted), C2 50, C3 300, C4 400,
 *   C5 500, C6 600 → all 2,150.
 *   ray (rep E1: C1, C2) 350 · sue (rep E3: C4) 400 · mia (manager of D1 = E1, E2: C1–C3) 650 ·
 *   bob (head of branch B1 = D1, D2: C1–C4) 1,050 · ada, ana, vic (all rows) 2,150 · nop (rep without employee id) 0.
 */
import { join } from 'node:path';
import { hashPassword, MetaStore, type NewUser } from '../accounts/index.js';
import { loadCatalog } from '../metrics/catalog/index.js';
import { createApp, type App } from '../server/app.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { scratch } from './index.js';

export const ORG_PASSWORD = 'correct horse battery';

export const ORG_USERS: readonly Omit<NewUser, 'passwordHash'>[] = [
  { login: 'ada', role: 'admin' },
  { login: 'ana', role: 'analyst' },
  { login: 'mia', role: 'manager', department: 'D1' },
  { login: 'bob', role: 'manager', branch: 'B1' },
  { login: 'ray', role: 'sales_rep', employeeId: 'E1' },
  { login: 'sue', role: 'sales_rep', employeeId: 'E3' },
  { login: 'vic', role: 'viewer' },
  { login: 'nop', role: 'sales_rep' },
];

/** Customers each user may see, and their revenue (see the module doc). */
export const ORG_EXPECTED: Readonly<Record<string, { customers: readonly string[]; revenue: number }>> = {
  ada: { customers: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'], revenue: 2150 },
  ana: { customers: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'], revenue: 2150 },
  vic: { customers: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'], revenue: 2150 },
  mia: { customers: ['C1', 'C2', 'C3'], revenue: 650 },
  bob: { customers: ['C1', 'C2', 'C3', 'C4'], revenue: 1050 },
  ray: { customers: ['C1', 'C2'], revenue: 350 },
  sue: { customers: ['C4'], revenue: 400 },
  nop: { customers: [], revenue: 0 },
};

export async function seedOrg(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO org_units (unit_id, name, kind, parent_id) VALUES
    ('HQ', '总部', 'company', NULL), ('B1', '华东分公司', 'branch', 'HQ'), ('B2', '华南分公司', 'branch', 'HQ'),
    ('D1', '上海一部', 'department', 'B1'), ('D2', '杭州部', 'department', 'B1'), ('D3', '广州部', 'department', 'B2')`);
  await wh.run(`INSERT INTO employees (employee_id, name, unit_id, role, phone, email) VALUES
    ('E1', '王伟', 'D1', 'sales', '13900001111', 'wang.wei@corp.example'), ('E2', '刘芳', 'D1', 'sales', NULL, NULL),
    ('E3', '陈静', 'D2', 'sales', NULL, NULL), ('E4', '赵磊', 'D3', 'sales', NULL, NULL)`);
  await wh.run(`INSERT INTO customers (customer_id, kind, name, phone, email, id_number, province, city, address, owner_employee_id, marketing_consent) VALUES
    ('C1', 'person', '张三', '13812345678', 'zhang.san@example.com', '110101199001011234', '北京市', '北京市', '北京市朝阳区建国路88号', 'E1', true),
    ('C2', 'person', '欧阳娜娜', '13987654321', 'nana@example.com', NULL, '上海市', '上海市', NULL, 'E1', false),
    ('C3', 'person', '李四', '13711112222', 'li.si@example.com', NULL, '浙江省', '杭州市', NULL, 'E2', true),
    ('C4', 'company', '杭州西湖贸易有限公司', '057188886666', 'info@xihu.example', NULL, '浙江省', '杭州市', NULL, 'E3', true),
    ('C5', 'person', '王五', '13600003333', 'wangwu@example.com', NULL, '广东省', '广州市', NULL, 'E4', true),
    ('C6', 'person', '赵六', '13500004444', 'zhao6@example.com', NULL, '广东省', '深圳市', NULL, NULL, true)`);
  await wh.run(`INSERT INTO customer_identities (customer_id, channel, external_id) VALUES
    ('C1', 'wechat_openid', 'oWx123456789'), ('C4', 'tmall', 'tm_xihu_888')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, is_anonymous, ordered_at, amount, status) VALUES
    ('O1', 'C1', false, TIMESTAMP '2026-01-05 10:00:00', 100, 'paid'),
    ('O2', 'C1', false, TIMESTAMP '2026-02-05 10:00:00', 200, 'paid'),
    ('O3', 'C1', false, TIMESTAMP '2026-02-06 10:00:00', 999, 'cancelled'),
    ('O4', 'C2', false, TIMESTAMP '2026-01-10 10:00:00', 50, 'paid'),
    ('O5', 'C3', false, TIMESTAMP '2026-01-15 10:00:00', 300, 'paid'),
    ('O6', 'C4', false, TIMESTAMP '2026-02-15 10:00:00', 400, 'paid'),
    ('O7', 'C5', false, TIMESTAMP '2026-01-20 10:00:00', 500, 'paid'),
    ('O8', 'C6', false, TIMESTAMP '2026-02-20 10:00:00', 600, 'paid')`);
  await wh.run(`INSERT INTO products (product_id, name, category_l1, price) VALUES ('P1', '茶叶', '食品', 100), ('P2', '茶具', '家居', 50)`);
  await wh.run(`INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price, amount) VALUES
    ('O1', 1, 'P1', 1, 100, 100), ('O2', 1, 'P1', 2, 100, 200), ('O4', 1, 'P2', 1, 50, 50), ('O5', 1, 'P1', 3, 100, 300),
    ('O6', 1, 'P1', 4, 100, 400), ('O7', 1, 'P1', 5, 100, 500), ('O8', 1, 'P1', 6, 100, 600)`);
  await wh.run(`INSERT INTO opportunities (opportunity_id, customer_id, owner_employee_id, stage, amount, created_at) VALUES
    ('OP1', 'C1', 'E1', 'proposal', 10000, TIMESTAMP '2026-01-03 09:00:00'),
    ('OP4', 'C4', 'E3', 'negotiation', 40000, TIMESTAMP '2026-01-04 09:00:00'),
    ('OP5', 'C5', 'E4', 'won', 50000, TIMESTAMP '2026-01-05 09:00:00')`);
  await wh.run(`INSERT INTO contracts (contract_id, opportunity_id, customer_id, owner_employee_id, signed_at, amount) VALUES
    ('K5', 'OP5', 'C5', 'E4', DATE '2026-01-20', 50000)`);
  await wh.run(`INSERT INTO service_tickets (ticket_id, customer_id, kind, opened_at, employee_id) VALUES
    ('T1', 'C1', 'complaint', TIMESTAMP '2026-02-10 09:00:00', 'E2'), ('T5', 'C5', 'inquiry', TIMESTAMP '2026-02-11 09:00:00', 'E4')`);
  await wh.run(`INSERT INTO activities (activity_id, employee_id, customer_id, kind, occurred_at) VALUES
    ('A1', 'E1', 'C1', 'visit', TIMESTAMP '2026-01-02 09:00:00'), ('A4', 'E4', 'C5', 'call', TIMESTAMP '2026-01-02 10:00:00')`);
}

export interface OrgFixture {
  readonly app: App;
  readonly meta: MetaStore;
  readonly wh: Warehouse;
  readonly dir: string;
  /** API token per login. */
  readonly tokens: Readonly<Record<string, string>>;
  /** A request as `login` (Bearer token; no CSRF needed). JSON bodies are serialised. */
  request(login: string, path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  cleanup(): Promise<void>;
}

export async function orgFixture(): Promise<OrgFixture> {
  const s = scratch();
  const path = join(s.dir, 'wh.duckdb');
  const wh = await openWarehouse({ path });
  await seedOrg(wh);
  const meta = MetaStore.open(`${path}.meta.sqlite`, { clock: () => new Date('2026-03-01T08:00:00Z') });
  const passwordHash = await hashPassword(ORG_PASSWORD);
  const tokens: Record<string, string> = {};
  for (const u of ORG_USERS) {
    const user = meta.addUser({ ...u, passwordHash });
    tokens[u.login] = meta.createApiToken(user.userId, 'tests').token;
  }
  const app = createApp({ warehouse: wh, meta, catalog: loadCatalog(), log: () => undefined, clock: () => new Date('2026-03-01T08:00:00Z') });
  return {
    app,
    meta,
    wh,
    dir: s.dir,
    tokens,
    request: (login, p, init = {}) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${tokens[login] ?? 'none'}`, ...init.headers };
      let body: string | Uint8Array | FormData | undefined;
      if (init.body !== undefined) {
        if (typeof init.body === 'string' || init.body instanceof Uint8Array || init.body instanceof FormData) body = init.body as string | Uint8Array | FormData;
        else {
          body = JSON.stringify(init.body);
          headers['Content-Type'] ??= 'application/json';
        }
      }
      return Promise.resolve(app.request(p, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body } : {}) }));
    },
    cleanup: async () => {
      meta.close();
      await wh.close();
      s.cleanup();
    },
  };
}
