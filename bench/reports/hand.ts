/**
 * Hand-written DuckDB SQL for every section of the standard report pack, written from the metric
 * descriptions in src/metrics/catalog (not from the compiler's output): the query an analyst would write
 * for the same table. Each returns the section's columns under the same names (dimension labels as the
 * CLI shows them: months as 2025-03), `_grouping` = GROUPING(dims) for sections with totals/subtotals,
 * `<m>__prev` / `<m>__change` for 同比/环比 (change = difference for ratios, relative change otherwise).
 */

export interface Period {
  readonly from: string;
  readonly to: string;
  /** What "today" is (overdue receivables, ages). */
  readonly today: string;
}

// ---- dates -------------------------------------------------------------------------------------------
const day = (d: Date) => d.toISOString().slice(0, 10);
const parse = (s: string) => new Date(`${s}T00:00:00Z`);
function addDays(s: string, n: number): string {
  const d = parse(s);
  d.setUTCDate(d.getUTCDate() + n);
  return day(d);
}
function addYears(s: string, n: number): string {
  const d = parse(s);
  const y = d.getUTCFullYear() + n;
  const last = new Date(Date.UTC(y, d.getUTCMonth() + 1, 0)).getUTCDate();
  return day(new Date(Date.UTC(y, d.getUTCMonth(), Math.min(d.getUTCDate(), last))));
}
const lengthDays = (a: string, b: string) => Math.round((parse(b).getTime() - parse(a).getTime()) / 86400000) + 1;

/** 同比: the same dates a year earlier. */
const yoy = (p: Period): [string, string] => [addYears(p.from, -1), addDays(addYears(addDays(p.to, 1), -1), -1)];
/** 环比 without a time dimension: the period just before: as many whole months (a period of whole months), else as many days. */
function mom(p: Period): [string, string] {
  const next = addDays(p.to, 1);
  if (p.from.endsWith('-01') && next.endsWith('-01')) {
    const months = (Number(next.slice(0, 4)) - Number(p.from.slice(0, 4))) * 12 + Number(next.slice(5, 7)) - Number(p.from.slice(5, 7));
    const d = parse(p.from);
    d.setUTCMonth(d.getUTCMonth() - months);
    return [day(d), addDays(p.from, -1)];
  }
  return [addDays(p.from, -lengthDays(p.from, p.to)), addDays(p.from, -1)];
}

// ---- fragments ---------------------------------------------------------------------------------------
/** Half-open day range on a timestamp column. */
const within = (c: string, a: string, b: string) => `${c} >= TIMESTAMP '${a}' AND ${c} < TIMESTAMP '${addDays(b, 1)}'`;
const withinDate = (c: string, a: string, b: string) => `${c} BETWEEN DATE '${a}' AND DATE '${b}'`;
const COUNTED = (o = 'o') => `(${o}.status IS NULL OR ${o}.status <> 'cancelled')`;
const KNOWN = (o = 'o') => `(${o}.customer_id IS NOT NULL AND NOT coalesce(${o}.is_anonymous, false))`;
const month = (c: string) => `strftime(${c}, '%Y-%m')`;
const z = (x: string) => `coalesce(${x}, 0)`;
const div = (x: string, y: string) => `${x} / nullif(${y}, 0)`;
/** A customer's first counted order ever (new vs returning). */
const FIRSTS = `firsts AS (
  SELECT customer_id, min(ordered_at) AS first_at FROM orders o
  WHERE ${KNOWN()} AND ${COUNTED()} GROUP BY customer_id)`;
/** Employees with their department and branch (the department's parent unit). */
const EMP = `emp AS (
  SELECT e.employee_id, coalesce(u.name, e.unit_id) AS department, coalesce(pu.name, u.name, e.unit_id) AS branch
  FROM employees e LEFT JOIN org_units u ON u.unit_id = e.unit_id LEFT JOIN org_units pu ON pu.unit_id = u.parent_id)`;
/** Order lines of counted orders with their order, product and customer. */
const ITEMS = (p: Period, extra = '') => `order_items i JOIN orders o ON o.order_id = i.order_id LEFT JOIN products p ON p.product_id = i.product_id${extra}
  WHERE ${within('o.ordered_at', p.from, p.to)} AND ${COUNTED()}`;

interface Cmp {
  /** Output key. */
  readonly key: string;
  /** Its value from a row alias (c = current period, p = previous). */
  readonly expr: (t: string) => string;
  readonly ratio?: boolean;
}

/** Current and previous values and the change, for metrics over aliases c and p. */
function compareCols(ms: readonly Cmp[]): string {
  const out: string[] = [];
  for (const m of ms) {
    const c = `(${m.expr('c')})`;
    const p = `(${m.expr('p')})`;
    out.push(`${c} AS ${m.key}`, `${p} AS ${m.key}__prev`);
    out.push(m.ratio ? `${c} - ${p} AS ${m.key}__change` : `(${c} - ${p}) / nullif(abs(${p}), 0) AS ${m.key}__change`);
  }
  return out.join(',\n  ');
}

// ---- sales -------------------------------------------------------------------------------------------
/** Headline numbers over one period, per customer first (repeat buyers need each one's order count). */
function salesKpi(a: string, b: string): string {
  return `(SELECT sum(amt) AS revenue, sum(n) AS orders,
    count(*) FILTER (WHERE known) AS buyers,
    count(*) FILTER (WHERE known AND n >= 2) AS repeaters,
    count(*) FILTER (WHERE known AND f.first_at >= TIMESTAMP '${a}') AS new_customers
  FROM (SELECT o.customer_id, ${KNOWN()} AS known, sum(o.amount) AS amt, count(*) AS n
        FROM orders o WHERE ${within('o.ordered_at', a, b)} AND ${COUNTED()} GROUP BY ALL) pc
  LEFT JOIN firsts f ON f.customer_id = pc.customer_id)`;
}

const SALES_KPI: Cmp[] = [
  { key: 'revenue', expr: (t) => z(`${t}.revenue`) },
  { key: 'orders', expr: (t) => z(`${t}.orders`) },
  { key: 'aov', expr: (t) => div(`${t}.revenue`, `${t}.orders`) },
  { key: 'buying_customers', expr: (t) => z(`${t}.buyers`) },
  { key: 'new_customers', expr: (t) => z(`${t}.new_customers`) },
  { key: 'returning_customers', expr: (t) => `${z(`${t}.buyers`)} - ${z(`${t}.new_customers`)}` },
  { key: 'repurchase_rate', expr: (t) => div(`${t}.repeaters`, `${t}.buyers`), ratio: true },
];

/** Orders split by customer attributes (customer dimensions): per customer first, then per group. */
function byCustomer(p: Period, dims: readonly [string, string][], metrics: string, opts: { totals?: boolean; order?: string; limit?: number } = {}): string {
  const keys = dims.map(([k]) => k).join(', ');
  return `WITH pc AS (
  SELECT ${dims.map(([k, e]) => `${e} AS ${k}`).join(', ')}, o.customer_id, ${KNOWN()} AS known, sum(o.amount) AS amt, count(*) AS n
  FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id
  WHERE ${within('o.ordered_at', p.from, p.to)} AND ${COUNTED()}
  GROUP BY ALL),
g AS (
  SELECT ${keys}, ${opts.totals ? `GROUPING(${keys})` : '0'} AS _grouping, sum(amt) AS revenue, sum(n) AS orders,
    count(*) FILTER (WHERE known) AS buyers, count(*) FILTER (WHERE known AND n >= 2) AS repeaters
  FROM pc GROUP BY ${opts.totals ? `GROUPING SETS ((${keys}), ())` : keys})
SELECT ${keys}, ${opts.totals ? '_grouping, ' : ''}${metrics} FROM g${opts.order ? ` ORDER BY ${opts.order}` : ''}${opts.limit ? ` LIMIT ${opts.limit}` : ''}`;
}

const BUY_REV_AOV_REP = `buyers AS buying_customers, revenue, revenue / orders AS aov, repeaters / nullif(buyers, 0) AS repurchase_rate`;

function ageBand(today: string): string {
  const age = `date_part('year', age(TIMESTAMP '${today}', CAST(c.birth_date AS TIMESTAMP)))`;
  return `CASE WHEN c.birth_date IS NULL THEN NULL WHEN ${age} < 18 THEN '<18' WHEN ${age} < 25 THEN '18-24' WHEN ${age} < 35 THEN '25-34'
    WHEN ${age} < 45 THEN '35-44' WHEN ${age} < 55 THEN '45-54' ELSE '55+' END`;
}

// ---- process -----------------------------------------------------------------------------------------
const PROCESS = `count(*) AS placed_orders,
  count(paid_at) / count(*) AS payment_rate,
  avg(date_diff('second', ordered_at, paid_at) / 3600) AS pay_hours,
  avg(date_diff('second', paid_at, shipped_at) / 86400) AS ship_days,
  avg(date_diff('second', shipped_at, received_at) / 86400) AS receipt_days,
  count(reviewed_at) FILTER (WHERE ${COUNTED('orders')}) / nullif(count(received_at) FILTER (WHERE ${COUNTED('orders')}), 0) AS review_rate`;

// ---- products ----------------------------------------------------------------------------------------
const ITEM_SALES = `sum(i.amount) AS item_revenue, sum(i.quantity) AS units_sold`;
const SEASON = `CASE WHEN month(o.ordered_at) IN (3, 4, 5) THEN 'spring' WHEN month(o.ordered_at) IN (6, 7, 8) THEN 'summer'
  WHEN month(o.ordered_at) IN (9, 10, 11) THEN 'autumn' ELSE 'winter' END`;

// ---- the sections --------------------------------------------------------------------------------------
export function handSql(p: Period): Record<string, string> {
  const [ya, yb] = yoy(p);
  const [ma, mb] = mom(p);
  const P = (c: string) => within(c, p.from, p.to);
  const memberBase = (a: string, b: string) => `(SELECT count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()} AND c.member_tier IS NOT NULL) AS members,
    count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()}) AS buyers,
    sum(o.amount) FILTER (WHERE ${KNOWN()} AND c.member_tier IS NOT NULL) AS member_revenue, sum(o.amount) AS revenue
  FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE ${within('o.ordered_at', a, b)} AND ${COUNTED()})`;
  const trendBase = (a: string, b: string, shiftYears: number) => `(SELECT date_trunc('month', o.ordered_at) + INTERVAL ${shiftYears} YEAR AS m,
    sum(o.amount) AS revenue, count(*) AS orders, count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()}) AS buyers
  FROM orders o WHERE ${within('o.ordered_at', a, b)} AND ${COUNTED()} GROUP BY 1)`;
  const serviceBase = (a: string, b: string) => `(SELECT count(*) AS tickets, count(*) FILTER (WHERE kind = 'complaint') AS complaints,
    count(resolved_at) AS resolved, avg(date_diff('second', opened_at, resolved_at) / 3600) AS hours, avg(satisfaction) AS satisfaction
  FROM service_tickets WHERE ${within('opened_at', a, b)})`;
  const processBase = (a: string, b: string) => `(SELECT ${PROCESS} FROM orders WHERE ${within('ordered_at', a, b)})`;
  const SERVICE = `count(*) AS tickets, count(*) FILTER (WHERE kind = 'complaint') AS complaints,
    avg(date_diff('second', opened_at, resolved_at) / 3600) AS resolution_hours, avg(satisfaction) AS satisfaction`;
  const custDim = (k: string) => [[k, `c.${k === 'tier' ? 'member_tier' : k === 'source' ? 'source_channel' : k}`]] as [string, string][];

  // Campaign effect per campaign attribute `dim` (over campaigns alias c): cost by start date, touches by touch time, revenue of attributed orders.
  const campaigns = (dimKey: string, dim: string, order: string) => `WITH cost AS (
  SELECT ${dim} AS k, GROUPING(${dim}) AS g, sum(c.cost) AS cost FROM campaigns c
  WHERE ${withinDate('c.start_date', p.from, p.to)} GROUP BY GROUPING SETS ((${dim}), ())),
touch AS (
  SELECT ${dim} AS k, GROUPING(${dim}) AS g, count(*) AS touches, count(DISTINCT t.customer_id) AS reach,
    count(*) FILTER (WHERE t.response IN ('open', 'click', 'visit', 'purchase')) AS responses,
    count(*) FILTER (WHERE t.response = 'purchase' OR t.order_id IS NOT NULL) AS conversions,
    count(DISTINCT t.customer_id) FILTER (WHERE t.response = 'purchase' OR t.order_id IS NOT NULL) AS converted
  FROM campaign_touches t LEFT JOIN campaigns c ON c.campaign_id = t.campaign_id
  WHERE ${within('t.touched_at', p.from, p.to)} GROUP BY GROUPING SETS ((${dim}), ())),
rev AS (
  SELECT ${dim} AS k, GROUPING(${dim}) AS g, sum(o.amount) AS revenue
  FROM orders o JOIN campaigns c ON c.campaign_id = o.campaign_id
  WHERE ${within('o.ordered_at', p.from, p.to)} AND ${COUNTED()} GROUP BY GROUPING SETS ((${dim}), ())),
j AS (
  SELECT coalesce(cost.k, touch.k) AS k, coalesce(cost.g, touch.g) AS g, cost.cost, touch.* EXCLUDE (k, g)
  FROM cost FULL JOIN touch ON cost.k IS NOT DISTINCT FROM touch.k AND cost.g = touch.g)
SELECT coalesce(j.k, rev.k) AS ${dimKey}, coalesce(j.g, rev.g) AS _grouping,
  coalesce(cost, 0) AS campaign_cost, coalesce(reach, 0) AS reach, responses / nullif(touches, 0) AS response_rate,
  coalesce(conversions, 0) AS conversions, conversions / nullif(touches, 0) AS conversion_rate,
  coalesce(cost, 0) / nullif(coalesce(converted, 0), 0) AS cac, coalesce(revenue, 0) AS campaign_revenue,
  (coalesce(revenue, 0) - coalesce(cost, 0)) / nullif(coalesce(cost, 0), 0) AS roi
FROM j FULL JOIN rev ON j.k IS NOT DISTINCT FROM rev.k AND j.g = rev.g
ORDER BY _grouping${order}`;

  // Procurement against sales per product attribute.
  const purchasing = (dimKey: string, dim: string, tail: string, totals: boolean) => {
    const gs = totals ? `GROUPING SETS ((${dim}), ())` : dim;
    const g = totals ? `GROUPING(${dim})` : '0';
    return `WITH pur AS (
  SELECT ${dim} AS k, ${g} AS g, sum(coalesce(u.amount, u.quantity * u.unit_cost)) AS amount, sum(u.quantity) AS units
  FROM purchases u LEFT JOIN products p ON p.product_id = u.product_id
  WHERE ${within('u.purchased_at', p.from, p.to)} GROUP BY ${gs}),
sold AS (
  SELECT ${dim} AS k, ${g} AS g, ${ITEM_SALES} FROM ${ITEMS(p)} GROUP BY ${gs})
SELECT coalesce(pur.k, sold.k) AS ${dimKey}, ${totals ? 'coalesce(pur.g, sold.g) AS _grouping, ' : ''}coalesce(amount, 0) AS procurement_amount, coalesce(units, 0) AS procurement_units,
  coalesce(item_revenue, 0) AS item_revenue, coalesce(units_sold, 0) AS units_sold
FROM pur FULL JOIN sold ON pur.k IS NOT DISTINCT FROM sold.k AND pur.g = sold.g ${tail}`;
  };

  return {
    // Headline numbers against the 365 days before / the same period last year.
    'sales.kpi_mom': `WITH ${FIRSTS}
SELECT ${compareCols(SALES_KPI)} FROM ${salesKpi(p.from, p.to)} c, ${salesKpi(ma, mb)} p`,
    'sales.kpi_yoy': `WITH ${FIRSTS}
SELECT ${compareCols(SALES_KPI.filter((m) => !/new|returning/.test(m.key)))} FROM ${salesKpi(p.from, p.to)} c, ${salesKpi(ya, yb)} p`,
    'sales.trend': `SELECT ${month('coalesce(c.m, p.m)')} AS month, ${compareCols([
      { key: 'revenue', expr: (t) => z(`${t}.revenue`) },
      { key: 'orders', expr: (t) => z(`${t}.orders`) },
      { key: 'buying_customers', expr: (t) => z(`${t}.buyers`) },
      { key: 'aov', expr: (t) => div(z(`${t}.revenue`), z(`${t}.orders`)) },
    ])}
FROM ${trendBase(p.from, p.to, 0)} c FULL JOIN ${trendBase(ya, yb, 1)} p ON c.m = p.m ORDER BY 1`,
    // New = the customer's first counted order ever is in the row's month.
    'sales.new_returning': `WITH ${FIRSTS},
o AS (SELECT date_trunc('month', o.ordered_at) AS m, o.customer_id, o.amount, f.first_at >= date_trunc('month', o.ordered_at) AS is_new
      FROM orders o JOIN firsts f ON f.customer_id = o.customer_id
      WHERE ${P('o.ordered_at')} AND ${COUNTED()} AND ${KNOWN()})
SELECT ${month('m')} AS month, GROUPING(m) AS _grouping,
  count(DISTINCT customer_id) FILTER (WHERE is_new) AS new_customers,
  count(DISTINCT customer_id) - count(DISTINCT customer_id) FILTER (WHERE is_new) AS returning_customers,
  count(DISTINCT customer_id) FILTER (WHERE is_new) / count(DISTINCT customer_id) AS new_customer_share,
  coalesce(sum(amount) FILTER (WHERE is_new), 0) AS new_customer_revenue,
  coalesce(sum(amount) FILTER (WHERE NOT is_new), 0) AS returning_customer_revenue
FROM o GROUP BY GROUPING SETS ((m), ()) ORDER BY _grouping, m`,
    'sales.channels': `SELECT channel, GROUPING(channel) AS _grouping, sum(amount) AS revenue, count(*) AS orders,
  count(DISTINCT customer_id) FILTER (WHERE ${KNOWN('orders')}) AS buying_customers, sum(amount) / count(*) AS aov
FROM orders WHERE ${P('ordered_at')} AND ${COUNTED('orders')}
GROUP BY GROUPING SETS ((channel), ()) ORDER BY _grouping, revenue DESC`,
    'sales.stores': `SELECT coalesce(s.name, o.store_id) AS store, sum(o.amount) AS revenue, count(*) AS orders, sum(o.amount) / count(*) AS aov
FROM orders o LEFT JOIN stores s ON s.store_id = o.store_id WHERE ${P('o.ordered_at')} AND ${COUNTED()}
GROUP BY 1 ORDER BY revenue DESC LIMIT 20`,
    'sales.regions': `SELECT c.province, GROUPING(c.province) AS _grouping, sum(o.amount) AS revenue,
  count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()}) AS buying_customers,
  sum(o.amount) / nullif(count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()}), 0) AS revenue_per_customer
FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE ${P('o.ordered_at')} AND ${COUNTED()}
GROUP BY GROUPING SETS ((c.province), ()) ORDER BY _grouping, revenue DESC`,

    'process.overall': `SELECT ${compareCols(
      (['payment_rate', 'pay_hours', 'ship_days', 'receipt_days', 'review_rate'] as const).map((k) => ({ key: k, expr: (t: string) => `${t}.${k}`, ratio: k.endsWith('rate') })),
    )} FROM ${processBase(p.from, p.to)} c, ${processBase(ma, mb)} p`,
    'process.trend': `SELECT ${month("date_trunc('month', ordered_at)")} AS month, ${PROCESS}
FROM orders WHERE ${P('ordered_at')} GROUP BY date_trunc('month', ordered_at) ORDER BY 1`,
    'process.channels': `SELECT channel, GROUPING(channel) AS _grouping, ${PROCESS}
FROM orders WHERE ${P('ordered_at')} GROUP BY GROUPING SETS ((channel), ()) ORDER BY _grouping, channel`,

    'products.categories': `SELECT p.category_l1 AS category, p.category_l2 AS subcategory, GROUPING(p.category_l1, p.category_l2) AS _grouping, ${ITEM_SALES},
  coalesce(sum(i.amount - i.quantity * p.cost) FILTER (WHERE p.cost IS NOT NULL), 0) AS gross_profit,
  sum(i.amount - i.quantity * p.cost) FILTER (WHERE p.cost IS NOT NULL) / nullif(sum(i.amount) FILTER (WHERE p.cost IS NOT NULL), 0) AS gross_margin,
  count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()}) AS item_buyers
FROM ${ITEMS(p)}
GROUP BY ROLLUP (p.category_l1, p.category_l2)`,
    'products.top_products': `WITH li AS (
  SELECT coalesce(p.name, i.product_id) AS product, i.order_id, i.amount, i.quantity, p.cost, o.customer_id, ${KNOWN()} AS known FROM ${ITEMS(p)}),
per_product AS (
  SELECT product, sum(amount) AS item_revenue, sum(quantity) AS units_sold,
    sum(amount - quantity * cost) FILTER (WHERE cost IS NOT NULL) / nullif(sum(amount) FILTER (WHERE cost IS NOT NULL), 0) AS gross_margin,
    count(DISTINCT customer_id) FILTER (WHERE known) AS buyers
  FROM li GROUP BY product),
repeaters AS (
  SELECT product, count(*) AS n FROM (SELECT product, customer_id FROM li WHERE known GROUP BY product, customer_id HAVING count(DISTINCT order_id) >= 2)
  GROUP BY product)
SELECT product, item_revenue, units_sold, gross_margin, coalesce(r.n, 0) / nullif(buyers, 0) AS product_repurchase_rate
FROM per_product LEFT JOIN repeaters r USING (product) ORDER BY item_revenue DESC LIMIT 20`,
    'products.category_region': `SELECT c.province, p.category_l1 AS category, sum(i.amount) AS item_revenue
FROM ${ITEMS(p, ' LEFT JOIN customers c ON c.customer_id = o.customer_id')}
GROUP BY 1, 2 ORDER BY item_revenue DESC LIMIT 50`,
    'products.season': `SELECT p.category_l1 AS category, ${SEASON} AS season, ${ITEM_SALES} FROM ${ITEMS(p)} GROUP BY 1, 2 ORDER BY 1, 2`,
    'products.monthly': `SELECT ${month("date_trunc('month', o.ordered_at)")} AS month, ${ITEM_SALES} FROM ${ITEMS(p)} GROUP BY date_trunc('month', o.ordered_at) ORDER BY 1`,
    'products.peaks': `SELECT ${month("date_trunc('month', o.ordered_at)")} AS month, sum(i.amount) AS item_revenue FROM ${ITEMS(p)} GROUP BY date_trunc('month', o.ordered_at) ORDER BY item_revenue DESC LIMIT 3`,
    'products.troughs': `SELECT ${month("date_trunc('month', o.ordered_at)")} AS month, sum(i.amount) AS item_revenue FROM ${ITEMS(p)} GROUP BY date_trunc('month', o.ordered_at) ORDER BY item_revenue LIMIT 3`,
    'products.repurchase': `WITH per_customer AS (
  SELECT p.category_l1 AS category, o.customer_id, count(DISTINCT i.order_id) AS n FROM ${ITEMS(p)} AND ${KNOWN()} GROUP BY 1, 2)
SELECT category, count(*) AS item_buyers, count(*) FILTER (WHERE n >= 2) AS product_repeat_buyers, count(*) FILTER (WHERE n >= 2) / count(*) AS product_repurchase_rate
FROM per_customer GROUP BY category ORDER BY product_repurchase_rate DESC`,

    'geography.provinces': byCustomer(p, custDim('province'), `buyers AS buying_customers, revenue, revenue / nullif(buyers, 0) AS revenue_per_customer, repeaters / nullif(buyers, 0) AS repurchase_rate`, { totals: true, order: '_grouping, revenue DESC' }),
    'geography.cities': byCustomer(p, [...custDim('province'), ...custDim('city')], `buyers AS buying_customers, revenue, repeaters / nullif(buyers, 0) AS repurchase_rate`, { order: 'revenue DESC', limit: 30 }),

    'profile.age': byCustomer(p, [['age_band', ageBand(p.today)]], BUY_REV_AOV_REP, { totals: true }),
    'profile.gender': byCustomer(p, custDim('gender'), BUY_REV_AOV_REP, { totals: true }),
    'profile.tier': byCustomer(p, custDim('tier'), BUY_REV_AOV_REP, { totals: true }),
    'profile.source': byCustomer(p, custDim('source'), BUY_REV_AOV_REP, { totals: true }),

    'members.overall': `SELECT ${compareCols([
      { key: 'member_customers', expr: (t) => z(`${t}.members`) },
      { key: 'member_share', expr: (t) => div(`${t}.members`, `${t}.buyers`), ratio: true },
      { key: 'member_revenue', expr: (t) => z(`${t}.member_revenue`) },
      { key: 'member_revenue_share', expr: (t) => div(z(`${t}.member_revenue`), `${t}.revenue`), ratio: true },
    ])} FROM ${memberBase(p.from, p.to)} c, ${memberBase(ya, yb)} p`,
    'members.trend': `SELECT ${month("date_trunc('month', o.ordered_at)")} AS month,
  count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()} AND c.member_tier IS NOT NULL) / count(DISTINCT o.customer_id) FILTER (WHERE ${KNOWN()}) AS member_share,
  coalesce(sum(o.amount) FILTER (WHERE ${KNOWN()} AND c.member_tier IS NOT NULL), 0) / sum(o.amount) AS member_revenue_share
FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE ${P('o.ordered_at')} AND ${COUNTED()}
GROUP BY date_trunc('month', o.ordered_at) ORDER BY 1`,
    'members.tiers': byCustomer(p, custDim('tier'), `buyers AS buying_customers, revenue, revenue / nullif(buyers, 0) AS revenue_per_customer`, { totals: true, order: '_grouping, revenue DESC' }),

    'interactions.trend': `WITH i AS (
  SELECT date_trunc('month', occurred_at) AS m, GROUPING(date_trunc('month', occurred_at)) AS g, count(*) AS interactions,
    count(DISTINCT customer_id) AS interacting_customers, count(*) FILTER (WHERE kind = 'referral') AS referrals
  FROM interactions WHERE ${P('occurred_at')} GROUP BY GROUPING SETS ((date_trunc('month', occurred_at)), ())),
pts AS (
  SELECT date_trunc('month', occurred_at) AS m, GROUPING(date_trunc('month', occurred_at)) AS g,
    sum(points) FILTER (WHERE points > 0) AS earned, -sum(points) FILTER (WHERE points < 0 AND (kind IS NULL OR kind = 'redeem')) AS redeemed
  FROM points_ledger WHERE ${P('occurred_at')} GROUP BY GROUPING SETS ((date_trunc('month', occurred_at)), ()))
SELECT ${month('coalesce(i.m, pts.m)')} AS month, coalesce(i.g, pts.g) AS _grouping, coalesce(interactions, 0) AS interactions,
  coalesce(interacting_customers, 0) AS interacting_customers, coalesce(referrals, 0) AS referrals,
  coalesce(earned, 0) AS points_earned, coalesce(redeemed, 0) AS points_redeemed
FROM i FULL JOIN pts ON i.m IS NOT DISTINCT FROM pts.m AND i.g = pts.g ORDER BY 2, 1`,
    'interactions.kinds': `SELECT kind AS interaction_kind, count(*) AS interactions, count(DISTINCT customer_id) AS interacting_customers
FROM interactions WHERE ${P('occurred_at')} GROUP BY kind ORDER BY interactions DESC`,
    'interactions.channels': `SELECT channel, count(*) AS interactions, count(DISTINCT customer_id) AS interacting_customers
FROM interactions WHERE ${P('occurred_at')} GROUP BY channel ORDER BY interactions DESC`,

    'service.overall': `SELECT ${compareCols([
      { key: 'tickets', expr: (t) => z(`${t}.tickets`) },
      { key: 'complaints', expr: (t) => z(`${t}.complaints`) },
      { key: 'complaint_share', expr: (t) => div(`${t}.complaints`, `${t}.tickets`), ratio: true },
      { key: 'resolution_rate', expr: (t) => div(`${t}.resolved`, `${t}.tickets`), ratio: true },
      { key: 'resolution_hours', expr: (t) => `${t}.hours` },
      { key: 'satisfaction', expr: (t) => `${t}.satisfaction` },
    ])} FROM ${serviceBase(p.from, p.to)} c, ${serviceBase(ma, mb)} p`,
    'service.trend': `SELECT ${month("date_trunc('month', opened_at)")} AS month, ${SERVICE}
FROM service_tickets WHERE ${P('opened_at')} GROUP BY date_trunc('month', opened_at) ORDER BY 1`,
    'service.kinds': `SELECT kind AS ticket_kind, GROUPING(kind) AS _grouping, count(*) AS tickets,
  avg(date_diff('second', opened_at, resolved_at) / 3600) AS resolution_hours, avg(satisfaction) AS satisfaction
FROM service_tickets WHERE ${P('opened_at')} GROUP BY GROUPING SETS ((kind), ())`,
    'service.categories': `SELECT category AS ticket_category, ${SERVICE}
FROM service_tickets WHERE ${P('opened_at')} GROUP BY category ORDER BY tickets DESC`,

    // One row per fact (lead, opportunity created, opportunity closed, contract), then rolled up per rep.
    'sales_team.funnel': `WITH ${EMP},
f AS (
  SELECT owner_employee_id AS emp, 1 AS leads, CASE WHEN converted_at IS NOT NULL OR status = 'converted' THEN 1 ELSE 0 END AS converted,
    0 AS opps, 0 AS won, 0 AS lost, NULL::DECIMAL(18, 2) AS won_amount, NULL::DOUBLE AS cycle_days, NULL::DECIMAL(18, 2) AS contract_amount
  FROM leads WHERE ${P('created_at')}
  UNION ALL
  SELECT owner_employee_id, 0, 0, 1, 0, 0, NULL, NULL, NULL FROM opportunities WHERE ${P('created_at')}
  UNION ALL
  SELECT owner_employee_id, 0, 0, 0, CASE WHEN stage = 'won' THEN 1 ELSE 0 END, CASE WHEN stage = 'lost' THEN 1 ELSE 0 END,
    CASE WHEN stage = 'won' THEN amount END, CASE WHEN stage = 'won' THEN date_diff('second', created_at, closed_at) / 86400 END, NULL
  FROM opportunities WHERE ${P('closed_at')}
  UNION ALL
  SELECT owner_employee_id, 0, 0, 0, 0, 0, NULL, NULL, amount FROM contracts WHERE ${P('signed_at')})
SELECT e.branch, e.department, f.emp AS rep, GROUPING(e.branch, e.department, f.emp) AS _grouping,
  sum(leads) AS leads, sum(converted) / nullif(sum(leads), 0) AS lead_conversion_rate, sum(opps) AS opportunities,
  sum(won) AS won_deals, sum(won) / nullif(sum(won) + sum(lost), 0) AS win_rate, coalesce(sum(won_amount), 0) AS won_amount,
  coalesce(sum(won_amount), 0) / nullif(sum(won), 0) AS avg_deal_size, avg(cycle_days) AS sales_cycle_days,
  coalesce(sum(contract_amount), 0) AS contract_amount
FROM f LEFT JOIN emp e ON e.employee_id = f.emp
GROUP BY ROLLUP (e.branch, e.department, f.emp)`,
    'sales_team.pipeline': `SELECT stage, GROUPING(stage) AS _grouping, count(*) AS opportunities,
  coalesce(sum(amount) FILTER (WHERE stage IS NULL OR stage NOT IN ('won', 'lost')), 0) AS pipeline_amount,
  coalesce(sum(amount * coalesce(probability, 0)) FILTER (WHERE stage IS NULL OR stage NOT IN ('won', 'lost')), 0) AS weighted_pipeline
FROM opportunities WHERE ${P('created_at')} GROUP BY GROUPING SETS ((stage), ())`,
    // Instalments by due date and payments by receipt date, each credited to the contract's owner.
    'sales_team.receivables': `WITH ${EMP},
paid AS (SELECT receivable_id, sum(amount) AS paid FROM payments GROUP BY receivable_id),
f AS (
  SELECT c.owner_employee_id AS emp, r.amount AS receivable, NULL::DECIMAL(18, 2) AS received,
    CASE WHEN r.due_date < DATE '${p.today}' AND r.amount > coalesce(pd.paid, 0) THEN r.amount - coalesce(pd.paid, 0) END AS overdue
  FROM receivables r LEFT JOIN contracts c ON c.contract_id = r.contract_id LEFT JOIN paid pd ON pd.receivable_id = r.receivable_id
  WHERE ${withinDate('r.due_date', p.from, p.to)}
  UNION ALL
  SELECT c.owner_employee_id, NULL, y.amount, NULL FROM payments y LEFT JOIN contracts c ON c.contract_id = y.contract_id WHERE ${P('y.received_at')})
SELECT e.branch, f.emp AS rep, GROUPING(e.branch, f.emp) AS _grouping, coalesce(sum(receivable), 0) AS receivable_amount,
  coalesce(sum(received), 0) AS received_amount, coalesce(sum(received), 0) / nullif(coalesce(sum(receivable), 0), 0) AS collection_rate,
  coalesce(sum(overdue), 0) AS overdue_amount, count(overdue) AS overdue_receivables
FROM f LEFT JOIN emp e ON e.employee_id = f.emp
GROUP BY ROLLUP (e.branch, f.emp)`,
    'sales_team.activity': `WITH ${EMP}
SELECT e.department, a.employee_id AS rep, GROUPING(e.department, a.employee_id) AS _grouping, count(*) AS activities,
  count(*) FILTER (WHERE a.kind = 'call') AS calls, count(*) FILTER (WHERE a.kind = 'visit') AS visits,
  count(*) FILTER (WHERE a.kind = 'meeting') AS meetings, count(*) FILTER (WHERE a.kind = 'work_log') AS work_logs
FROM activities a LEFT JOIN emp e ON e.employee_id = a.employee_id WHERE ${P('a.occurred_at')}
GROUP BY ROLLUP (e.department, a.employee_id)`,
    'sales_team.loss_reasons': `SELECT loss_reason, count(*) AS lost_deals FROM opportunities
WHERE stage = 'lost' AND ${P('closed_at')} GROUP BY loss_reason ORDER BY lost_deals DESC`,

    'campaigns.campaigns': campaigns('campaign', 'coalesce(c.name, c.campaign_id)', ', campaign_revenue DESC'),
    'campaigns.channels': campaigns('campaign_channel', 'c.channel', ''),

    'purchasing.categories': purchasing('category', 'p.category_l1', 'ORDER BY 2, 1', true),
    'purchasing.products': purchasing('product', 'coalesce(p.name, p.product_id)', 'ORDER BY procurement_amount DESC LIMIT 30', false),
    'purchasing.suppliers': `SELECT supplier, sum(coalesce(amount, quantity * unit_cost)) AS procurement_amount, sum(quantity) AS procurement_units
FROM purchases WHERE ${P('purchased_at')} GROUP BY supplier ORDER BY procurement_amount DESC`,
  };
}
