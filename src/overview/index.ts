import { buildCatalog } from '../metrics/catalog/index.js';
import { runQuery } from '../query/run.js';
import { isDay } from '../query/time.js';
import type { Warehouse } from '../warehouse/port.js';

/**
 * The headline numbers of a period: what `tidemark overview` and `tidemark start` print.
 *
 * Definitions (the period is whole days, `from` and `to` inclusive, compared with orders.ordered_at,
 * which is a wall-clock time in the warehouse time zone):
 *
 * - A *counted order* is an order in the period whose status is not `cancelled` (NULL status counts).
 *   Cancelled orders are reported separately as `cancelledOrders` and count nowhere else.
 * - An *anonymous order* has orders.is_anonymous = true or customer_id NULL. It counts in `orders`
 *   and `revenue` but in no customer metric.
 * - `customers`: rows of the customers table that are not stubs (is_stub not true), regardless of
 *   the period. `stubCustomers`: placeholder customers created by imports of orders that named an
 *   unknown customer.
 * - `activeCustomers` (活跃客户, also the *buying customers*): distinct customer_id with at least one
 *   counted, non-anonymous order in the period. Stub customers count: they did buy.
 * - `newCustomers` (新客): active customers whose first-ever counted order falls in the period.
 * - `returningCustomers` (老客): active customers who also had a counted order before the period.
 *   newCustomers + returningCustomers = activeCustomers.
 * - `orders` (订单数): counted orders, anonymous ones included.
 * - `revenue` (销售额): sum of orders.amount over counted orders (a NULL amount adds nothing).
 * - `aov` (客单价, average order value): revenue ÷ orders — per order, not per customer; null without orders.
 * - `repurchaseRate` (复购率): customers with ≥ 2 counted orders in the period ÷ buying customers in the
 *   period (`repeatCustomers` ÷ `activeCustomers`); null without buying customers.
 */
export interface Overview {
  /** First day of the period (inclusive), YYYY-MM-DD; null when there are no orders and none was given. */
  readonly from: string | null;
  /** Last day of the period (inclusive). */
  readonly to: string | null;
  readonly customers: number;
  readonly stubCustomers: number;
  readonly activeCustomers: number;
  readonly newCustomers: number;
  readonly returningCustomers: number;
  readonly repeatCustomers: number;
  readonly orders: number;
  readonly anonymousOrders: number;
  readonly cancelledOrders: number;
  readonly revenue: number;
  readonly aov: number | null;
  readonly repurchaseRate: number | null;
}

export interface OverviewPeriod {
  /** YYYY-MM-DD, inclusive; default: the day of the first order. */
  readonly from?: string;
  /** YYYY-MM-DD, inclusive; default: the day of the last order. */
  readonly to?: string;
}

/** A bad period; `field` is 'from' or 'to'. */
export class OverviewInputError extends Error {
  override readonly name = 'OverviewInputError';
  constructor(
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super(message);
  }
}

export { isDay };

export function checkPeriod(p: OverviewPeriod): void {
  for (const field of ['from', 'to'] as const) {
    const v = p[field];
    if (v !== undefined && !isDay(v)) throw new OverviewInputError(field, `'${v}' is not a date; use YYYY-MM-DD`);
  }
  if (p.from !== undefined && p.to !== undefined && p.from > p.to) {
    throw new OverviewInputError('from', `${p.from} is after --to ${p.to}`);
  }
}

const SPAN_SQL = `SELECT strftime(min(ordered_at), '%Y-%m-%d') AS first_day, strftime(max(ordered_at), '%Y-%m-%d') AS last_day FROM orders`;

const COUNTS_SQL = `SELECT
  (SELECT count(*) FROM customers WHERE is_stub IS NOT TRUE) AS customers,
  (SELECT count(*) FROM customers WHERE is_stub IS TRUE) AS stub_customers`;

/** The period numbers come from the metric catalog, so the overview agrees with every report. */
const METRICS = ['buying_customers', 'new_customers', 'returning_customers', 'repeat_customers', 'orders', 'anonymous_orders', 'cancelled_orders', 'revenue'] as const;

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

/** The overview of a period; see {@link Overview} for what each number means. Throws OverviewInputError for a bad period. */
export async function overview(wh: Warehouse, period: OverviewPeriod = {}): Promise<Overview> {
  checkPeriod(period);
  let from = period.from ?? null;
  let to = period.to ?? null;
  if (from === null || to === null) {
    const span = (await wh.query(SPAN_SQL)).rows[0];
    const first = typeof span?.first_day === 'string' ? span.first_day : null;
    const last = typeof span?.last_day === 'string' ? span.last_day : null;
    from ??= first ?? to;
    to ??= last ?? from;
    if (from !== null && to !== null && from > to) {
      // e.g. --from after the last order: an empty period, not an error.
      if (period.from === undefined) from = to;
      else to = from;
    }
  }
  const counts = (await wh.query(COUNTS_SQL)).rows[0] ?? {};
  let r: Record<string, unknown> = {};
  if (from !== null && to !== null) {
    const res = await runQuery(wh, buildCatalog(), { metrics: [...METRICS], from, to }, { today: to });
    r = res.rows[0] ?? {};
  }
  const orders = num(r.orders);
  const revenue = Math.round(num(r.revenue) * 100) / 100;
  const active = num(r.buying_customers);
  const repeat = num(r.repeat_customers);
  return {
    from,
    to,
    customers: num(counts.customers),
    stubCustomers: num(counts.stub_customers),
    activeCustomers: active,
    newCustomers: num(r.new_customers),
    returningCustomers: num(r.returning_customers),
    repeatCustomers: repeat,
    orders,
    anonymousOrders: num(r.anonymous_orders),
    cancelledOrders: num(r.cancelled_orders),
    revenue,
    aov: orders > 0 ? Math.round((revenue / orders) * 100) / 100 : null,
    repurchaseRate: active > 0 ? repeat / active : null,
  };
}
