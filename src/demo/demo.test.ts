import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES, quoteIdent } from '../schema/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { DemoError, generateDemo, type DemoSummary } from './index.js';

const CUSTOMERS = 2000;

let dir: string;
let wh: Warehouse;
let summary: DemoSummary;
const progress: [string, number, number][] = [];

async function one(sql: string): Promise<Record<string, unknown>> {
  const r = await wh.query(sql);
  return r.rows[0] ?? {};
}

async function num(sql: string): Promise<number> {
  return Number(Object.values(await one(sql))[0]);
}

async function checksums(w: Warehouse): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of ENTITIES) {
    const r = await w.query(`SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(t))::VARCHAR, '0') AS c FROM ${quoteIdent(e.name)} t`);
    out[e.name] = String(r.rows[0]?.c);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-demo-'));
  wh = await openWarehouse({ path: join(dir, 'demo.duckdb') });
  summary = await generateDemo(wh, { customers: CUSTOMERS, seed: 42, onProgress: (s, d, t) => progress.push([s, d, t]) });
});

afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('generateDemo', () => {
  it('fills every entity table and reports the counts', async () => {
    expect(summary.customers).toBe(CUSTOMERS);
    expect(summary.seed).toBe(42);
    for (const e of ENTITIES) {
      expect(summary.tables[e.name], e.name).toBeGreaterThan(0);
      expect(await num(`SELECT count(*) FROM ${quoteIdent(e.name)}`), e.name).toBe(summary.tables[e.name]);
    }
    expect(summary.tables.customers).toBe(CUSTOMERS);
    // About ten orders per customer, 1-4 items per order.
    expect(summary.tables.orders! / CUSTOMERS).toBeGreaterThan(7);
    expect(summary.tables.orders! / CUSTOMERS).toBeLessThan(14);
    expect(await num(`SELECT max(line_no) FROM order_items`)).toBeLessThanOrEqual(4);
  });

  it('writes the system columns and the demo metadata', async () => {
    for (const e of ENTITIES) {
      const r = await one(`SELECT count(*) FILTER (WHERE _import_id IS NOT NULL) AS imp, count(*) FILTER (WHERE extra IS NOT NULL) AS ex, count(*) FILTER (WHERE _flags IS NULL OR len(_flags) > 0) AS fl FROM ${quoteIdent(e.name)}`);
      expect(r, e.name).toEqual({ imp: 0, ex: 0, fl: 0 });
    }
    const meta = await wh.query(`SELECT key, value FROM tm_meta WHERE key LIKE 'demo_%' ORDER BY key`);
    expect(meta.rows).toEqual([
      { key: 'demo_customers', value: String(CUSTOMERS) },
      { key: 'demo_seed', value: '42' },
    ]);
  });

  it('reports progress up to completion and restores the insertion-order setting', async () => {
    expect(progress[0]?.[0]).toBe('prepare');
    const last = progress.at(-1)!;
    expect(last[1]).toBe(last[2]);
    for (let k = 1; k < progress.length; k++) expect(progress[k]![1]).toBeGreaterThan(progress[k - 1]![1]);
    expect(await one(`SELECT current_setting('preserve_insertion_order') AS v`)).toEqual({ v: true });
  });

  it('keeps keys unique', async () => {
    const keys = ENTITIES.map((e) => `SELECT '${e.name}' AS t, count(*) - count(DISTINCT (${e.key.map(quoteIdent).join(', ')})) AS d FROM ${quoteIdent(e.name)}`).join(' UNION ALL ');
    const r = await wh.query(keys);
    for (const row of r.rows) expect(row.d, String(row.t)).toBe(0);
  });

  it('keeps references intact', async () => {
    const checks: [string, string][] = [];
    for (const e of ENTITIES) {
      for (const f of e.fields) {
        if (!f.references) continue;
        const [t, c] = f.references.split('.') as [string, string];
        checks.push([
          `${e.name}.${f.name}`,
          `SELECT count(*) FROM ${quoteIdent(e.name)} x WHERE x.${quoteIdent(f.name)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(t)} y WHERE y.${quoteIdent(c)} = x.${quoteIdent(f.name)})`,
        ]);
      }
    }
    for (const [label, sql] of checks) expect(await num(sql), label).toBe(0);
    // Every order has a customer and at least one line.
    expect(await num(`SELECT count(*) FROM orders WHERE customer_id IS NULL`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.order_id)`)).toBe(0);
  });

  it('keeps order money consistent', async () => {
    expect(await num(`SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(amount) AS a, sum(discount) AS d FROM order_items GROUP BY 1) i USING (order_id) WHERE o.amount <> i.a OR o.discount <> i.d`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders WHERE paid_amount <> amount - discount OR discount < 0 OR paid_amount < 0`)).toBe(0);
    expect(await num(`SELECT count(*) FROM order_items WHERE amount <> quantity * unit_price`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders o WHERE item_qty <> (SELECT sum(quantity) FROM order_items i WHERE i.order_id = o.order_id)`)).toBe(0);
    // Gift orders are free.
    expect(await num(`SELECT count(*) FROM orders WHERE is_gift`)).toBeGreaterThan(0);
    expect(await num(`SELECT count(*) FROM orders WHERE is_gift AND amount <> 0`)).toBe(0);
    // Refunds never exceed what was paid.
    expect(await num(`SELECT count(*) FROM returns r JOIN orders o USING (order_id) WHERE r.amount > o.paid_amount`)).toBe(0);
  });

  it('keeps timestamps in order and statuses consistent', async () => {
    expect(
      await num(`SELECT count(*) FROM orders WHERE paid_at < ordered_at OR shipped_at < paid_at OR received_at < shipped_at OR reviewed_at < received_at
        OR (shipped_at IS NOT NULL AND paid_at IS NULL) OR (received_at IS NOT NULL AND shipped_at IS NULL)`),
    ).toBe(0);
    expect(await num(`SELECT count(*) FROM orders WHERE greatest(ordered_at, paid_at, shipped_at, received_at, reviewed_at) > TIMESTAMP '2025-12-31 23:59:59'`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders o JOIN customers c USING (customer_id) WHERE o.ordered_at < c.registered_at`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders WHERE status IN ('created', 'cancelled') AND paid_at IS NOT NULL`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders WHERE status = 'refunded' AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = orders.order_id)`)).toBe(0);
    const statuses = (await wh.query(`SELECT DISTINCT status FROM orders`)).rows.map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining(['completed', 'cancelled', 'refunded']));
    expect(await num(`SELECT count(*) FROM returns WHERE refunded_at < requested_at`)).toBe(0);
    expect(await num(`SELECT count(*) FROM opportunity_stages s JOIN opportunities o USING (opportunity_id) WHERE s.entered_at < o.created_at`)).toBe(0);
    expect(await num(`SELECT count(*) FROM payments p JOIN contracts c USING (contract_id) WHERE p.received_at < c.signed_at`)).toBe(0);
  });

  it('puts Double 11 far above the November average and the Spring Festival below the norm', async () => {
    const r = await one(`WITH d AS (SELECT ordered_at::DATE AS d, count(*) AS n FROM orders GROUP BY 1)
      SELECT (SELECT n FROM d WHERE d.d = DATE '2024-11-11') AS d11,
             (SELECT avg(n) FROM d WHERE d.d BETWEEN DATE '2024-11-01' AND DATE '2024-11-30') AS nov,
             (SELECT avg(n) FROM d WHERE d.d BETWEEN DATE '2024-02-08' AND DATE '2024-02-16') AS lny,
             (SELECT avg(n) FROM d WHERE d.d BETWEEN DATE '2024-01-01' AND DATE '2024-12-31') AS y2024,
             (SELECT n FROM d WHERE d.d = DATE '2024-06-18') AS d618,
             (SELECT avg(n) FROM d WHERE d.d BETWEEN DATE '2024-06-01' AND DATE '2024-06-30') AS jun`);
    expect(Number(r.d11)).toBeGreaterThan(3 * Number(r.nov));
    expect(Number(r.d618)).toBeGreaterThan(1.8 * Number(r.jun));
    expect(Number(r.lny)).toBeLessThan(0.6 * Number(r.y2024));
    // Midnight rush on 11.11.
    const midnight = await num(`SELECT avg((hour(ordered_at) = 0)::INTEGER) FROM orders WHERE ordered_at::DATE = DATE '2024-11-11'`);
    expect(midnight).toBeGreaterThan(0.15);
  });

  it('mixes one-time buyers with a valuable core', async () => {
    const r = await one(`WITH b AS (SELECT customer_id, count(*) AS n, sum(paid_amount) AS rev FROM orders WHERE paid_at IS NOT NULL GROUP BY 1),
      r AS (SELECT rev, row_number() OVER (ORDER BY rev DESC) AS rk, count(*) OVER () AS c FROM b)
      SELECT (SELECT avg((n = 1)::INTEGER) FROM b) AS one_share,
             (SELECT sum(rev) FILTER (WHERE rk <= 0.2 * c) / sum(rev) FROM r) AS top20`);
    expect(Number(r.one_share)).toBeGreaterThan(0.3);
    expect(Number(r.one_share)).toBeLessThan(0.7);
    expect(Number(r.top20)).toBeGreaterThan(0.5);
  });

  it('places customers in all 31 provinces, Guangdong first, with GB/T 2260 codes', async () => {
    const r = await wh.query(`SELECT province, province_code, count(*) AS n FROM customers GROUP BY 1, 2 ORDER BY 3 DESC`);
    expect(r.rows).toHaveLength(31);
    expect(r.rows[0]).toMatchObject({ province: '广东省', province_code: '440000' });
    expect(await num(`SELECT count(*) FROM customers WHERE city_code NOT LIKE left(province_code, 2) || '%' OR length(city_code) <> 6`)).toBe(0);
    expect(await num(`SELECT count(*) FROM customers WHERE city = '市辖区'`)).toBe(0);
    expect(await num(`SELECT count(*) FROM customers WHERE province = '上海市' AND city <> '上海市'`)).toBe(0);
  });

  it('makes plausible people', async () => {
    expect(await num(`SELECT count(*) FROM customers WHERE kind = 'person' AND NOT regexp_full_match(phone, '\\+861[3-9][0-9]{9}')`)).toBe(0);
    expect(await num(`SELECT count(*) FROM customers WHERE email IS NOT NULL AND NOT regexp_full_match(email, '[a-z0-9._]+@[a-z0-9.]+\\.[a-z]+')`)).toBe(0);
    expect(await num(`SELECT count(*) FROM customers WHERE kind = 'person' AND (length(name) < 2 OR length(name) > 4)`)).toBe(0);
    const ages = await one(`SELECT min(date_diff('year', birth_date, DATE '2025-12-31')) AS lo, max(date_diff('year', birth_date, DATE '2025-12-31')) AS hi FROM customers`);
    expect(Number(ages.lo)).toBeGreaterThanOrEqual(17);
    expect(Number(ages.hi)).toBeLessThanOrEqual(71);
    const genders = (await wh.query(`SELECT DISTINCT gender FROM customers WHERE kind = 'person'`)).rows.map((x) => x.gender).sort();
    expect(genders).toEqual(['female', 'male', 'unknown']);
    expect(await num(`SELECT count(DISTINCT member_tier) FROM customers WHERE kind = 'person'`)).toBe(4);
    expect(await num(`SELECT count(DISTINCT source_channel) FROM customers WHERE kind = 'person'`)).toBe(5);
  });

  it('builds the B2B funnel with Chinese loss reasons, instalments and overdue receivables', async () => {
    const reasons = (await wh.query(`SELECT DISTINCT loss_reason FROM opportunities WHERE stage = 'lost'`)).rows.map((r) => r.loss_reason);
    expect(reasons.length).toBeGreaterThanOrEqual(3);
    for (const x of reasons) expect(['价格过高', '选择竞品', '预算取消', '需求变化', '联系不上']).toContain(x);
    expect(await num(`SELECT count(*) FROM contracts c WHERE amount <> (SELECT sum(amount) FROM receivables r WHERE r.contract_id = c.contract_id)`)).toBe(0);
    expect(await num(`SELECT count(*) FROM customers WHERE kind = 'company' AND (industry IS NULL OR company_size IS NULL)`)).toBe(0);
    expect(await num(`SELECT count(*) FROM opportunities o JOIN customers c USING (customer_id) WHERE c.kind <> 'company'`)).toBe(0);
    expect(await num(`SELECT count(*) FROM employees WHERE role = 'sales'`)).toBeGreaterThan(30);
  });

  it('gives store-city members an owner: a current channel-sales rep of their home store’s branch; online-only customers none', async () => {
    // A person customer has an owner exactly when their city has a store (their home store, 归属门店).
    const r = await one(`WITH sc AS (SELECT DISTINCT city_code FROM stores WHERE channel = 'store')
      SELECT count(*) FILTER (WHERE (owner_employee_id IS NOT NULL) <> (city_code IN (SELECT city_code FROM sc))) AS mismatch,
             count(owner_employee_id) AS owned, count(*) AS persons
      FROM customers WHERE kind = 'person'`);
    expect(Number(r.mismatch)).toBe(0);
    expect(Number(r.owned)).toBeGreaterThan(0.15 * Number(r.persons));
    expect(Number(r.owned)).toBeLessThan(0.35 * Number(r.persons));
    // The owner works in the channel-sales department (U<b>02) of the branch whose stores are in the customer's city,
    // and has not left.
    expect(
      await num(`SELECT count(*) FROM customers c JOIN employees e ON e.employee_id = c.owner_employee_id JOIN org_units d ON d.unit_id = e.unit_id
        WHERE c.kind = 'person' AND NOT (e.role = 'sales' AND e.left_at IS NULL AND d.unit_id LIKE 'U_02'
          AND d.parent_id IN (SELECT unit_id FROM stores WHERE channel = 'store' AND city_code = c.city_code))`),
    ).toBe(0);
    // Owned members buy: a rep's scope has orders (the demo rep of src/demo/users.ts among them).
    const rep = await one(`SELECT count(DISTINCT c.customer_id) AS customers, count(DISTINCT o.customer_id) AS buyers
      FROM customers c LEFT JOIN orders o USING (customer_id) WHERE c.owner_employee_id = 'E024'`);
    expect(Number(rep.buyers)).toBeGreaterThan(0.8 * Number(rep.customers));
    expect(Number(rep.buyers)).toBeGreaterThan(15);
  });

  it('gives lapsed customers fewer interactions and more complaints before they leave', async () => {
    const r = await one(`WITH lo AS (SELECT customer_id, max(ordered_at) AS lo FROM orders GROUP BY 1),
      c AS (SELECT customer_id, lo < TIMESTAMP '2025-06-30' AS lapsed FROM lo)
      SELECT avg(n) FILTER (WHERE lapsed) AS lapsed, avg(n) FILTER (WHERE NOT lapsed) AS active FROM (
        SELECT c.customer_id, c.lapsed, count(t.ticket_id) FILTER (WHERE t.kind = 'complaint') AS n FROM c LEFT JOIN service_tickets t USING (customer_id) GROUP BY 1, 2)`);
    expect(Number(r.lapsed)).toBeGreaterThan(1.3 * Number(r.active));
    const s = await one(`WITH lo AS (SELECT customer_id, max(ordered_at) AS lo, count(*) AS n FROM orders GROUP BY 1),
      c AS (SELECT c.customer_id, c.registered_at AS reg, lo.lo FROM customers c JOIN lo USING (customer_id)
            WHERE lo.lo < TIMESTAMP '2025-06-30' AND lo.lo - c.registered_at > INTERVAL 300 DAY AND lo.n >= 3)
      SELECT avg(near) AS near, avg(prev) AS prev FROM (
        SELECT count(*) FILTER (WHERE occurred_at > lo - INTERVAL 90 DAY AND occurred_at <= lo) / 90.0 AS near,
               count(*) FILTER (WHERE occurred_at <= lo - INTERVAL 90 DAY) / (date_diff('day', reg, lo) - 90) AS prev
        FROM c LEFT JOIN interactions i USING (customer_id) GROUP BY c.customer_id, reg, lo)`);
    expect(Number(s.near)).toBeLessThan(0.6 * Number(s.prev));
  });

  it('links campaigns to orders and varies their response', async () => {
    expect(await num(`SELECT count(*) FROM campaigns`)).toBeGreaterThanOrEqual(25);
    expect(await num(`SELECT count(*) FROM campaign_touches WHERE response = 'purchase' AND order_id IS NULL`)).toBe(0);
    expect(await num(`SELECT count(*) FROM campaign_touches t JOIN orders o USING (order_id) WHERE o.campaign_id <> t.campaign_id OR o.customer_id <> t.customer_id OR o.ordered_at < t.touched_at`)).toBe(0);
    expect(await num(`SELECT count(*) FROM orders WHERE campaign_id IS NOT NULL`)).toBeGreaterThan(0);
    expect(await num(`SELECT count(DISTINCT response) FROM campaign_touches`)).toBeGreaterThanOrEqual(5);
  });

  it('keeps loyalty points non-negative per member and tiers in step with spend', async () => {
    expect(await num(`SELECT count(*) FROM (SELECT customer_id, sum(points) AS b FROM points_ledger GROUP BY 1) WHERE b < 0`)).toBe(0);
    expect(await num(`SELECT count(DISTINCT kind) FROM points_ledger`)).toBe(4);
    expect(await num(`SELECT count(*) FROM tier_changes WHERE from_tier = to_tier`)).toBe(0);
    const up = await one(`SELECT avg(s) FILTER (WHERE member_tier = '钻石会员') AS top, avg(s) FILTER (WHERE member_tier = '普通会员') AS base
      FROM customers c JOIN (SELECT customer_id, sum(paid_amount) AS s FROM orders GROUP BY 1) o USING (customer_id)`);
    expect(Number(up.top)).toBeGreaterThan(5 * Number(up.base));
  });

  it('procures what it sells at about the product cost', async () => {
    expect(await num(`SELECT count(*) FROM purchases p JOIN products x USING (product_id) WHERE abs(p.unit_cost - x.cost) > 0.05 * x.cost + 0.01`)).toBe(0);
    expect(await num(`SELECT count(*) FROM products WHERE cost > price AND price > 0`)).toBe(0);
  });

  it('replaces the data when run again, and is reproducible per seed', async () => {
    const before = await checksums(wh);
    await generateDemo(wh, { customers: CUSTOMERS, seed: 42 });
    expect(await checksums(wh)).toEqual(before);
    await generateDemo(wh, { customers: CUSTOMERS, seed: 43 });
    const other = await checksums(wh);
    for (const t of ['customers', 'orders', 'order_items', 'interactions', 'leads', 'products']) expect(other[t], t).not.toEqual(before[t]);
    await generateDemo(wh, { customers: CUSTOMERS, seed: 42 });
  });

  it('gives the same data in a fresh in-memory warehouse', async () => {
    const mem = await openWarehouse({ path: ':memory:' });
    try {
      await generateDemo(mem, { customers: CUSTOMERS, seed: 42 });
      expect(await checksums(mem)).toEqual(await checksums(wh));
    } finally {
      await mem.close();
    }
  });

  it('handles tiny demos and other periods', async () => {
    for (const [customers, start, end] of [
      [1, undefined, undefined],
      [40, '2024-01-01', '2024-12-31'],
      [40, '2024-03-01', '2024-06-01'], // too short for any campaign
    ] as const) {
      const mem = await openWarehouse({ path: ':memory:' });
      try {
        const s = await generateDemo(mem, { customers, seed: 5, start, end });
        expect(s.tables.customers).toBe(customers);
        if (start && end) {
          const r = (await mem.query(`SELECT min(ordered_at)::VARCHAR AS a, max(ordered_at)::VARCHAR AS b FROM orders`)).rows[0]!;
          expect(String(r.a) >= start).toBe(true);
          expect(String(r.b) <= `${end} 23:59:59`).toBe(true);
        }
      } finally {
        await mem.close();
      }
    }
  });

  it('rejects bad options', async () => {
    await expect(generateDemo(wh, { customers: 0, seed: 1 })).rejects.toBeInstanceOf(DemoError);
    await expect(generateDemo(wh, { customers: 1.5, seed: 1 })).rejects.toThrow(/customers/);
    await expect(generateDemo(wh, { customers: 10, seed: 0.5 })).rejects.toThrow(/seed/);
    await expect(generateDemo(wh, { customers: 10, seed: 1, start: '2023-01-01', end: '2023-02-01' })).rejects.toThrow(/90 days/);
  });
});
