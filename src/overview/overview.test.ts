import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWarehouse } from '../testing/index.js';
import type { Warehouse } from '../warehouse/port.js';
import { checkPeriod, isDay, overview, OverviewInputError } from './index.js';

/*
 * A hand-built warehouse; every expected number below is counted by hand from this table.
 *
 * customers: C1 C2 C3 C4 (is_stub false), C5 (is_stub NULL → not a stub), S1 (is_stub true)
 *   → customers = 5, stubCustomers = 1
 *
 * order  customer     ordered_at            amount   status     note
 * O1     C1           2024-01-15 10:00      100.00   completed  before February
 * O2     C1           2024-02-03 09:00      200.00   paid
 * O3     C1           2024-02-20 18:00       50.50   completed
 * O4     C2           2024-02-10 12:00       80.00   completed  C2's first order
 * O5     C2           2024-03-05 08:00      999.00   completed  after February
 * O6     C3           2024-01-20 11:00      300.00   cancelled  a cancelled order is no purchase
 * O7     C3           2024-02-14 13:00      120.00   completed  so this is C3's first order
 * O8     C3           2024-02-15 13:00       60.00   cancelled
 * O9     (NULL), anon 2024-02-05 15:00       40.00   completed  anonymous
 * O10    C4, anon     2024-02-06 16:00       10.00   completed  flagged anonymous, customer id present
 * O11    S1 (stub)    2024-02-29 23:59:59    30.00   NULL       last second of February
 * O12    S1 (stub)    2024-03-01 00:00:00    70.00   completed  first second of March
 * O13    C5           2024-01-31 23:59:59    25.00   completed
 * O14    C5           2024-02-01 00:00:00    35.00   completed  first second of February
 * O15    C5           2024-02-02 10:00       NULL    completed  no amount
 */
const ORDERS: [string, string | null, boolean | null, string, string | null, string | null][] = [
  ['O1', 'C1', false, '2024-01-15 10:00:00', '100.00', 'completed'],
  ['O2', 'C1', false, '2024-02-03 09:00:00', '200.00', 'paid'],
  ['O3', 'C1', false, '2024-02-20 18:00:00', '50.50', 'completed'],
  ['O4', 'C2', false, '2024-02-10 12:00:00', '80.00', 'completed'],
  ['O5', 'C2', false, '2024-03-05 08:00:00', '999.00', 'completed'],
  ['O6', 'C3', false, '2024-01-20 11:00:00', '300.00', 'cancelled'],
  ['O7', 'C3', false, '2024-02-14 13:00:00', '120.00', 'completed'],
  ['O8', 'C3', false, '2024-02-15 13:00:00', '60.00', 'cancelled'],
  ['O9', null, true, '2024-02-05 15:00:00', '40.00', 'completed'],
  ['O10', 'C4', true, '2024-02-06 16:00:00', '10.00', 'completed'],
  ['O11', 'S1', false, '2024-02-29 23:59:59', '30.00', null],
  ['O12', 'S1', false, '2024-03-01 00:00:00', '70.00', 'completed'],
  ['O13', 'C5', null, '2024-01-31 23:59:59', '25.00', 'completed'],
  ['O14', 'C5', false, '2024-02-01 00:00:00', '35.00', 'completed'],
  ['O15', 'C5', false, '2024-02-02 10:00:00', null, 'completed'],
];

let wh: Warehouse;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempWarehouse();
  wh = t.wh;
  cleanup = t.cleanup;
  for (const [id, stub] of [
    ['C1', false],
    ['C2', false],
    ['C3', false],
    ['C4', false],
    ['C5', null],
    ['S1', true],
  ] as const) {
    await wh.run(`INSERT INTO customers (customer_id, name, is_stub) VALUES ($1, $2, $3)`, [id, `客户${id}`, stub]);
  }
  for (const [id, customer, anon, at, amount, status] of ORDERS) {
    await wh.run(`INSERT INTO orders (order_id, customer_id, is_anonymous, ordered_at, amount, status) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($5 AS DECIMAL(18,2)), $6)`, [
      id,
      customer,
      anon,
      at,
      amount,
      status,
    ]);
  }
});

afterAll(async () => cleanup?.());

describe('overview', () => {
  it('February 2024', async () => {
    const o = await overview(wh, { from: '2024-02-01', to: '2024-02-29' });
    expect(o).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
      customers: 5, // C1–C5; S1 is a stub
      stubCustomers: 1,
      // Counted February orders (not cancelled): O2 O3 O4 O7 O9 O10 O11 O14 O15 = 9; O8 is cancelled.
      orders: 9,
      anonymousOrders: 2, // O9, O10
      cancelledOrders: 1, // O8
      revenue: 565.5, // 200 + 50.50 + 80 + 120 + 40 + 10 + 30 + 35 + (NULL)
      aov: 62.83, // 565.50 / 9 = 62.833…
      // Buying customers: C1 (O2 O3), C2 (O4), C3 (O7), S1 (O11), C5 (O14 O15); C4 only ordered anonymously.
      activeCustomers: 5,
      newCustomers: 3, // C2 (first O4), C3 (O6 was cancelled, so first is O7), S1 (O11)
      returningCustomers: 2, // C1 (O1 in January), C5 (O13 on 31 January)
      repeatCustomers: 2, // C1, C5
      repurchaseRate: 0.4, // 2 / 5
    });
  });

  it('defaults to the whole span of orders', async () => {
    const o = await overview(wh);
    expect(o.from).toBe('2024-01-15'); // O1
    expect(o.to).toBe('2024-03-05'); // O5
    expect(o.orders).toBe(13); // 15 orders minus the cancelled O6 and O8
    expect(o.cancelledOrders).toBe(2);
    expect(o.anonymousOrders).toBe(2);
    // 100 + 200 + 50.5 + 80 + 999 + 120 + 40 + 10 + 30 + 70 + 25 + 35
    expect(o.revenue).toBe(1759.5);
    expect(o.aov).toBe(135.35); // 1759.5 / 13 = 135.346…
    expect(o.activeCustomers).toBe(5);
    expect(o.newCustomers).toBe(5); // everyone's first order is inside the span
    expect(o.returningCustomers).toBe(0);
    // C1 (O1 O2 O3), C2 (O4 O5), S1 (O11 O12), C5 (O13 O14 O15); C3 has O7 only (O6, O8 cancelled)
    expect(o.repeatCustomers).toBe(4);
    expect(o.repurchaseRate).toBe(0.8);
  });

  it('with only --from, runs to the last order', async () => {
    const o = await overview(wh, { from: '2024-03-01' });
    expect(o.to).toBe('2024-03-05');
    expect(o.orders).toBe(2); // O5, O12
    expect(o.revenue).toBe(1069); // 999 + 70
    expect(o.activeCustomers).toBe(2); // C2, S1
    expect(o.newCustomers).toBe(0);
    expect(o.returningCustomers).toBe(2); // C2 had O4, S1 had O11
    expect(o.repurchaseRate).toBe(0);
  });

  it('a period without orders gives zeros and no ratios', async () => {
    const o = await overview(wh, { from: '2030-01-01' });
    expect(o).toMatchObject({ from: '2030-01-01', to: '2030-01-01', orders: 0, revenue: 0, aov: null, activeCustomers: 0, repurchaseRate: null, customers: 5 });
  });

  it('an empty warehouse', async () => {
    const t = await tempWarehouse();
    try {
      const o = await overview(t.wh);
      expect(o).toMatchObject({ from: null, to: null, customers: 0, orders: 0, revenue: 0, aov: null, repurchaseRate: null });
    } finally {
      await t.cleanup();
    }
  });

  it('rejects bad periods, naming the field', async () => {
    await expect(overview(wh, { from: '2024-02-30' })).rejects.toMatchObject({ field: 'from' });
    await expect(overview(wh, { to: "2024-01-01'; DROP TABLE orders; --" })).rejects.toBeInstanceOf(OverviewInputError);
    expect(() => checkPeriod({ from: '2024-03-01', to: '2024-02-01' })).toThrow(/after/);
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2023-02-29')).toBe(false);
    expect(isDay('2024/02/01')).toBe(false);
    expect((await wh.query('SELECT count(*) AS n FROM orders')).rows[0]?.n).toBe(15);
  });
});
