/**
 * Customer lifecycle: every customer's stage at the end of each period — new, active, won back, sleeping,
 * churned (新客 / 活跃 / 回流 / 沉睡 / 流失) — with counts and the transition matrix between consecutive periods.
 *
 * Sources: M. J. A. Berry & G. S. Linoff, *Data Mining Techniques* (3rd ed., Wiley, 2011): the customer lifecycle
 * (prospect → new → established → former customer, who may be won back) and the reading of customer history at
 * fixed points in time; P. S. Fader & B. G. S. Hardie,
 * "Probability Models for Customer-Base Analysis" (J. Interactive Marketing 23(1), 2009) on non-contractual
 * settings, where "churn" is never observed and must be defined by a spell without purchases — hence the
 * recency windows below. The Chinese practice (新客/活跃/沉睡/流失/回流) names the same stages; the reference
 * texts in /work/shared/reference do not fix the windows, so the defaults are the catalog's churnDays (90)
 * and 180 days.
 *
 * Definitions:
 * - **Counted order**: the catalog's `CUSTOMER_ORDER` (src/metrics/catalog/define.ts), as for `orders`,
 *   `buying_customers` and RFM: status NULL or not 'cancelled', of a known, non-anonymous customer.
 * - **Periods**: calendar months (default) or ISO weeks (Monday), each [start, end); the stage is taken at the
 *   period end, counting orders before it. `from`/`to` are period starts; periods from ≤ start < to are reported.
 *   Default `from`: the period of the first counted order; default `to`: the start of the period holding the
 *   day after the last counted order (only complete periods). With `asOf` instead: one period [asOf − 1 period,
 *   asOf) (months clamp: 03-31 − 1 month = 02-29).
 * - **Recency at a day E**: E − the calendar day of the last counted order before E (≥ 1), as RFM's recency.
 * - **Stages at the end E of period [S, E)**, for each customer with a counted order before E, in this order
 *   (the first that applies):
 *   1. **new** (新客): the first counted order ever is in [S, E);
 *   2. **won back** (回流): a counted order in [S, E), and the recency at S exceeds activeDays — the customer
 *      was sleeping or churned at the end of the period before;
 *   3. **active** (活跃): recency at E ≤ activeDays (default: the catalog setting churnDays, 90 — so the
 *      customers active, new or won back at the end of a period are exactly the catalog's
 *      `churn_base_customers` of the next period);
 *   4. **sleeping** (沉睡): activeDays < recency at E ≤ sleepingDays (default 180);
 *   5. **churned** (流失): recency at E > sleepingDays.
 *   The stages are mutually exclusive and cover every customer with a counted order before E. activeDays must
 *   be at least the longest period (31 days for months, 7 for weeks), so a customer who bought in the period
 *   is always new, won back or active at its end; sleepingDays must exceed activeDays.
 * - **Transitions**: customers per (stage at S, stage at E) for each reported period, where the stage at S is
 *   the stage at the end of the period before (computed the same way), and 'none' (未购买) = no counted order
 *   before S. Possible moves: none → new; new/active/won back → active or sleeping (or churned when
 *   sleepingDays − activeDays is shorter than a period); sleeping → won back, sleeping or churned; churned → won
 *   back or churned. Sleeping → active and churned → sleeping are impossible: buying again after activeDays is
 *   "won back", and without buying the recency only grows.
 * - Note: the catalog's `churned_customers` is a flow (bought in the churnDays before the period, not in it);
 *   the lifecycle's churned is a state (no order for more than sleepingDays).
 * - **Stored results**: `tm_lifecycle`, one row per customer and as-of date (the last period end), replaced per
 *   as-of date in one transaction; the catalog dimension `lifecycle_stage` reads the latest as-of date (model
 *   table `customer_lifecycle`).
 */
export * from './params.js';
export * from './periods.js';
export { STAGES, NONE, transitionsSql, insertSql, type StageDef, type StageKey, type BuiltSql } from './query.js';
export * from './run.js';
