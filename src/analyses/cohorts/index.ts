/**
 * Cohort retention: customers grouped by the period of their first counted order (the acquisition cohort),
 * followed period by period — how many buy again, what they spend, and their cumulative revenue per customer
 * (LTV to date).
 *
 * Sources: P. S. Fader & B. G. S. Hardie, "Probability Models for Customer-Base Analysis" (J. Interactive
 * Marketing 23(1), 2009) and Fader, Hardie & Lee, "Counting Your Customers the Easy Way" (Marketing Science
 * 24(2), 2005), whose CDNOW data is built as cohorts (23,570 customers acquired in January–March 1997, followed
 * to June 1998); the cohort ("layer-cake") table of repeat buying and revenue per cohort and age is the standard
 * descriptive view of a customer base in that work. The Chinese practice calls it 新客留存 / 同期群分析.
 *
 * Definitions:
 * - **Counted order**: the catalog's `CUSTOMER_ORDER` (src/metrics/catalog/define.ts), as for RFM and the
 *   lifecycle: status NULL or not 'cancelled', of a known, non-anonymous customer. Amounts NULL count 0.
 * - **Periods**: calendar months (default) or ISO weeks (Monday) of the order time (wall-clock, warehouse zone).
 * - **Data end**: only complete periods count. `asOf` (default: the day after the last counted order) is the
 *   cut-off; the data end is the start of the period holding asOf (asOf itself when it starts a period). Orders
 *   on or after it are ignored everywhere.
 * - **Cohort**: the period of a customer's first counted order before the data end. Cohorts from ≤ start < to
 *   (defaults: the first order's period; the data end) are reported. With `by`: `channel` = the channel of the
 *   first counted order (earliest ordered_at, then order_id), `source` = customers.source_channel; each cohort
 *   is split by it (NULL is its own group).
 * - **Age m**: calendar months (or weeks) between the cohort's period and an activity period; age 0 = the
 *   acquisition period itself.
 * - **Cells**, for each cohort (and group) and age m whose activity period ends on or before the data end:
 *   active customers = cohort members with a counted order in that period; retention = active ÷ cohort size
 *   (age 0: 100%); revenue = their counted amounts in that period; revenue retention = revenue(m) ÷ revenue(0)
 *   (NULL when revenue(0) is 0); cumulative revenue per customer = Σ revenue(0…m) ÷ cohort size.
 * - **NULL, not 0**: ages whose activity period ends after the data end are not observable yet; they are NULL
 *   in the result (JSON null, empty cells), never 0 (which would read as "nobody came back").
 * - The cohort is also a catalog dimension: `cohort_month` / `cohort_week` (model table customer_stats: the
 *   month / ISO week of the first counted order, all history).
 */
export * from './params.js';
export { cohortSql, type BuiltSql } from './query.js';
export * from './run.js';
