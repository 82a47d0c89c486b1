/**
 * Customer value tiers (客户价值分层): each customer's cumulative spend and repurchase rate put it in a
 * tier by ordered rules, shown with its last purchase date for activity.
 *
 * Source: the CRM data-analysis template 《客户关系管理CRM数据分析工具通用模板》 (/work/shared/reference, 模板1
 * 客户价值分层分析表): columns 累计消费金额, 客单价, 复购率(%), 客户等级, 最近购买时间; "按累计消费金额+复购率划分客户等级
 * (如高价值: 金额≥30万且复购率≥60%; 潜力客户: 金额10万-30万且复购率30%-60%; 低价值: 其他), 结合最近购买时间判断客户活跃度".
 * The template does not define a customer's 复购率 nor the bounds of the ranges; the choices below are ours.
 *
 * Definitions:
 * - **Counted order** and **window**: as RFM (src/analyses/rfm): status NULL or not 'cancelled', a known
 *   non-anonymous customer, `from` ≤ order time < `asOf` (default `from`: all history; default `asOf`: the day
 *   after the last counted order). Customers tiered: those with at least one counted order in the window.
 * - **Spend** (累计消费金额): the sum of the amounts of the customer's counted orders (NULL counts 0), DECIMAL(18,2).
 *   **Orders**: their number. **AOV** (客单价): spend ÷ orders.
 * - **Repurchase rate** (复购率) of one customer: of the calendar months after the month of its first counted order,
 *   up to and including the month of the window's last day (`asOf` − 1), the share in which it placed a counted
 *   order: (months with a counted order − 1) ÷ (calendar months after the first one). 0 when there is no later month
 *   (first order in the window's last month). So a one-order customer has 0%, a customer who bought every month
 *   since its first purchase 100%. Months are calendar months of the order time (warehouse wall clock).
 *   Why months, not orders: a per-order share ((orders − 1) ÷ orders) is ≥ 66.7% for anyone with three orders, so the
 *   template's 30%–60% band would only ever hold two-order customers; the monthly share measures how steadily a
 *   customer comes back, and the template's example (20 orders, 80%) fits it.
 * - **Rules**: an ordered list of { tier, minSpend, maxSpend, minRepurchase, maxRepurchase }; a customer takes the
 *   tier of the first rule with minSpend ≤ spend < maxSpend and minRepurchase ≤ repurchase < maxRepurchase (lower
 *   bounds inclusive, upper exclusive, absent = unbounded, repurchase as a fraction 0–1); no match → `otherTier`
 *   ('low'). Default: high = spend ≥ 300,000 and repurchase ≥ 60%; potential = 100,000 ≤ spend < 300,000 and
 *   30% ≤ repurchase < 60%; low = the rest (e.g. spend 200,000 with 70% is low, as the template's "其他").
 * - **Activity** (最近购买时间): the last counted order; days since = `asOf` − its calendar day (≥ 1); active = at most
 *   `activeDays` (90) days since.
 * - **Summary** per tier: customers and share, revenue (sum of spend) and share, orders, average spend, average orders,
 *   average order value (revenue ÷ orders), average repurchase rate, active share, median days since the last order
 *   (DuckDB quantile_cont: interpolated between the two middle values), latest and earliest last order date.
 * - **Stored results**: `tm_tiers`, one row per customer and as-of date, replaced per as-of date in one transaction;
 *   the catalog dimension `value_tier` reads the latest as-of date (model table `customer_tier`).
 */
export * from './params.js';
export { TIER_LABELS, tierLabel, customerValuesCte, tieredSelect, tierOrder, tierCustomersSql, tierSummarySql, tierInsertSql, REPURCHASE_RATE, type TierLabel } from './query.js';
export * from './run.js';
