/**
 * The member statements the catalog cannot express: each customer's tier over time (spans between tier
 * changes), the tier distribution at given days and the migration matrix between two days. Values are
 * bound parameters (the snapshot days as one comma-separated text); the rest of the text is fixed here.
 */
import type { SqlValue } from '../../warehouse/port.js';

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

/**
 * spans: one row per customer and stretch of time with one tier, valid_from < moment ≤ valid_to (NULL =
 * unbounded). Before the first recorded change the tier is that change's from_tier; a customer without
 * changes has the current member_tier throughout; both start at registration (unknown registration:
 * always). Stub customers (made up by an import) get no such initial span.
 */
const SPANS = `changes AS (
  SELECT customer_id, changed_at, from_tier, to_tier,
    row_number() OVER (PARTITION BY customer_id ORDER BY changed_at) AS k,
    lead(changed_at) OVER (PARTITION BY customer_id ORDER BY changed_at) AS next_at
  FROM tier_changes
),
spans AS (
  SELECT c.customer_id, coalesce(c.registered_at, TIMESTAMP '-infinity') AS valid_from, coalesce(f.changed_at, TIMESTAMP 'infinity') AS valid_to,
    CASE WHEN f.customer_id IS NULL THEN c.member_tier ELSE f.from_tier END AS tier
  FROM customers c LEFT JOIN changes f ON f.customer_id = c.customer_id AND f.k = 1
  WHERE c.is_stub IS NOT TRUE
  UNION ALL
  SELECT customer_id, changed_at, coalesce(next_at, TIMESTAMP 'infinity'), to_tier FROM changes
)`;

/** The tier of every customer who exists at the start of day `param` (NULL tier: not a member). */
const tierAt = (param: string) => `SELECT customer_id, tier FROM spans WHERE valid_from < CAST(${param} AS TIMESTAMP) AND CAST(${param} AS TIMESTAMP) <= valid_to`;

/** Customers per (snapshot day, tier) for every day in `days`; tier NULL = a customer who is not a member then. */
export function distributionSql(days: readonly string[]): BuiltSql {
  return {
    sql: `WITH ${SPANS},
snapshots AS (SELECT CAST(unnest(string_split($1, ',')) AS TIMESTAMP) AS at)
SELECT strftime(s.at, '%Y-%m-%d') AS snapshot, sp.tier, count(*) AS customers
FROM snapshots s JOIN spans sp ON sp.valid_from < s.at AND s.at <= sp.valid_to
GROUP BY ALL`,
    params: [days.join(',')],
  };
}

/** Customers per (tier at `start`, tier at `end`); 'none' = not a member (or not yet a customer) that day. */
export function migrationSql(start: string, end: string): BuiltSql {
  return {
    sql: `WITH ${SPANS}
SELECT coalesce(a.tier, 'none') AS from_tier, coalesce(b.tier, 'none') AS to_tier, count(*) AS customers
FROM (${tierAt('$1')}) a
FULL OUTER JOIN (${tierAt('$2')}) b ON a.customer_id = b.customer_id
GROUP BY ALL`,
    params: [start, end],
  };
}

/** The days of the first and last membership event (tier change or points entry), and the first points entry. */
export const SPAN_SQL = `SELECT
  strftime(least((SELECT min(changed_at) FROM tier_changes), (SELECT min(occurred_at) FROM points_ledger)), '%Y-%m-%d') AS first,
  strftime(greatest((SELECT max(changed_at) FROM tier_changes), (SELECT max(occurred_at) FROM points_ledger)), '%Y-%m-%d') AS last,
  strftime((SELECT min(occurred_at) FROM points_ledger), '%Y-%m-%d') AS first_points,
  (SELECT count(*) FROM customers WHERE member_tier IS NOT NULL AND is_stub IS NOT TRUE) AS members`;
