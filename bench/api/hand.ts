/**
 * The baseline of bench/api: each endpoint's question as hand-written DuckDB SQL, run directly on the warehouse (no
 * HTTP, no access gate). A scoped login's rows are written into the SQL by hand: orders of the customers whose owner is
 * one of the login's employees (anonymous orders have no customer, so no scoped login sees them). Written from the
 * metric descriptions in src/metrics/catalog, not from the compiler's output. Returns one or more statements; the
 * baseline time is all of them, one after the other.
 */
import { handSql } from '../reports/hand.js';
import type { Login, Period } from './endpoints.js';

const next = (d: string) => {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
};
const within = (c: string, a: string, b: string) => `${c} >= TIMESTAMP '${a}' AND ${c} < TIMESTAMP '${next(b)}'`;
const COUNTED = `(o.status IS NULL OR o.status <> 'cancelled')`;
const KNOWN = `(o.customer_id IS NOT NULL AND NOT coalesce(o.is_anonymous, false))`;

/** The tables of the warehouse's main schema (status counts each). */
export const STATUS_TABLES_SQL = `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1`;

/** The hand SQL for `key` as `login` sees it, or undefined when there is none for that scope (the report and status: unscoped only). */
export function handStatements(key: string, p: Period, login: Login, tables: readonly string[]): string[] | undefined {
  const scoped = login.scope.kind === 'owners';
  const mine = login.scope.kind === 'owners' ? `o.customer_id IN (SELECT customer_id FROM customers WHERE owner_employee_id IN (${login.scope.sql}))` : 'true';
  const custMine = login.scope.kind === 'owners' ? `owner_employee_id IN (${login.scope.sql})` : 'true';
  const P = within('o.ordered_at', p.from, p.to);
  const figures = `WITH firsts AS (SELECT customer_id, min(ordered_at) AS first_at FROM orders o WHERE ${KNOWN} AND ${COUNTED} AND ${mine} GROUP BY 1),
    p AS (SELECT * FROM orders o WHERE ${P} AND ${mine}),
    per AS (SELECT customer_id, count(*) AS n FROM p o WHERE ${COUNTED} AND ${KNOWN} GROUP BY 1)
  SELECT (SELECT count(*) FROM per) AS buying_customers,
    (SELECT count(*) FROM per JOIN firsts USING (customer_id) WHERE first_at >= TIMESTAMP '${p.from}') AS new_customers,
    (SELECT count(*) FROM per JOIN firsts USING (customer_id) WHERE first_at < TIMESTAMP '${p.from}') AS returning_customers,
    (SELECT count(*) FROM per WHERE n >= 2) AS repeat_customers,
    (SELECT count(*) FROM p o WHERE ${COUNTED}) AS orders,
    (SELECT count(*) FROM p o WHERE ${COUNTED} AND NOT ${KNOWN}) AS anonymous_orders,
    (SELECT count(*) FROM p o WHERE o.status = 'cancelled') AS cancelled_orders,
    (SELECT coalesce(sum(amount), 0) FROM p o WHERE ${COUNTED}) AS revenue`;
  switch (key) {
    case 'status':
      return scoped ? undefined : tables.map((t) => `SELECT count(*) AS n FROM "${t}"`);
    case 'trend':
      return [
        `WITH p AS (SELECT strftime(o.ordered_at, '%Y-%m') AS month, o.* FROM orders o WHERE ${P} AND ${COUNTED} AND ${mine}),
          per AS (SELECT month, customer_id, count(*) AS n FROM p o WHERE ${KNOWN} GROUP BY ALL),
          b AS (SELECT month, count(*) AS buying_customers, count(*) FILTER (WHERE n >= 2) AS repeaters FROM per GROUP BY month)
        SELECT t.month, t.revenue, t.orders, coalesce(b.buying_customers, 0) AS buying_customers, t.revenue / t.orders AS aov,
          b.repeaters / nullif(b.buying_customers, 0) AS repurchase_rate
        FROM (SELECT month, sum(amount) AS revenue, count(*) AS orders FROM p GROUP BY month) t LEFT JOIN b USING (month) ORDER BY t.month`,
      ];
    case 'pipeline': {
      const S = login.scope.kind === 'owners' ? login.scope.sql : null;
      const opp = S ? `customer_id IN (SELECT customer_id FROM customers WHERE owner_employee_id IN (${S})) OR owner_employee_id IN (${S})` : 'true';
      const act = S ? `customer_id IN (SELECT customer_id FROM customers WHERE owner_employee_id IN (${S})) OR employee_id IN (${S})` : 'true';
      return [
        `WITH opp AS (SELECT * FROM opportunities WHERE ${opp}),
          a AS (SELECT strftime(created_at, '%Y-%m') AS month, count(*) AS opportunities FROM opp WHERE ${within('created_at', p.from, p.to)} GROUP BY 1),
          b AS (SELECT strftime(closed_at, '%Y-%m') AS month, count(*) FILTER (WHERE stage = 'won') AS won_deals, sum(amount) FILTER (WHERE stage = 'won') AS won_amount,
                  count(*) FILTER (WHERE stage = 'lost') AS lost FROM opp WHERE ${within('closed_at', p.from, p.to)} GROUP BY 1),
          c AS (SELECT strftime(occurred_at, '%Y-%m') AS month, count(*) AS activities FROM activities WHERE (${act}) AND ${within('occurred_at', p.from, p.to)} GROUP BY 1)
        SELECT month, coalesce(a.opportunities, 0) AS opportunities, coalesce(b.won_deals, 0) AS won_deals, coalesce(b.won_amount, 0) AS won_amount,
          b.won_deals / nullif(b.won_deals + b.lost, 0) AS win_rate, coalesce(c.activities, 0) AS activities
        FROM a FULL JOIN b USING (month) FULL JOIN c USING (month) ORDER BY month`,
      ];
    }
    case 'figures':
      return [figures];
    case 'overview':
      return [`SELECT count(*) FILTER (WHERE is_stub IS NOT TRUE) AS customers, count(*) FILTER (WHERE is_stub IS TRUE) AS stub_customers FROM customers WHERE ${custMine}`, figures];
    case 'report_sales': {
      if (scoped) return undefined;
      const h = handSql({ ...p, today: p.to });
      return Object.keys(h)
        .filter((k) => k.startsWith('sales.'))
        .map((k) => h[k]!);
    }
    case 'drill': {
      const month = p.to.slice(0, 7);
      const where = `${within('o.ordered_at', `${month}-01`, p.to)} AND ${COUNTED} AND ${mine}`;
      return [
        `SELECT o.*, c.name AS customer_name, c.phone AS customer_phone FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE ${where} ORDER BY o.order_id LIMIT 50`,
        `SELECT count(*) AS total FROM orders o WHERE ${where}`,
      ];
    }
    default:
      throw new Error(`no hand SQL named ${key}`);
  }
}
