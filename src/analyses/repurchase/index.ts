/**
 * Repurchase (复购) analysis: the repurchase rate, how long customers take to buy again (the
 * inter-purchase interval), repurchase per category and product, and a reminder list of the customers
 * now past their own usual interval — the moment to contact them (复购提醒).
 *
 * Sources: the inter-purchase time as the basis of replenishment/repurchase reminders — A. M. Hughes,
 * *Strategic Database Marketing* (Probus, 1994), on purchase cycles and timing contacts to them; the
 * per-customer "usual interval" compared with the time since the last purchase as in the buy-till-you-die
 * literature (P. S. Fader, B. G. S. Hardie, K. L. Lee, "Counting your customers the easy way", Marketing
 * Science 24(2), 2005, which uses the CDNOW data tested here); and the 复购率/复购周期 definitions of
 * Chinese e-commerce practice (see /work/shared/reference). Percentiles: linear interpolation between
 * order statistics (DuckDB quantile_cont, the same as pandas' default).
 *
 * Definitions:
 * - **Counted order**: the catalog's CUSTOMER_ORDER — status NULL or not 'cancelled', a known customer
 *   (customer_id not NULL, not anonymous). The same as RFM and the catalog's customer metrics.
 * - **Window**: counted orders with `from` ≤ order day ≤ `to` (equivalently order time < `asOf` = `to` + 1
 *   day). Default `from`: the first counted order; default `to`: the last one. `asOf` may be given instead
 *   of `to` (as in RFM).
 * - **Repurchase rate, product/category repurchase**: the catalog metrics `repurchase_rate`
 *   (customers with ≥ 2 counted orders in the window ÷ buying customers), `repeat_customers`,
 *   `buying_customers`, `orders`, and `item_buyers`, `product_repeat_buyers` (customers who bought the
 *   product/category in ≥ 2 counted orders of the window), `product_repurchase_rate` — computed through
 *   runQuery, never redefined here.
 * - **Purchase day**: a day on which the customer has at least one counted order. Several orders on one
 *   day are one purchase (a split basket is not a repurchase), so every interval is ≥ 1 day. Hence a
 *   customer with two orders on one day counts in `repeat_customers` (orders) but has no interval.
 * - **Inter-purchase interval**: the days between two consecutive purchase days of a customer in the
 *   window (calendar days in the warehouse zone). A customer with one purchase day has none.
 * - **Distribution**: all intervals of all customers pooled: count, mean, p25/median/p75/p90 and a
 *   histogram with buckets 1–7, 8–14, 15–30, 31–60, 61–90, 91–180, 181–365, 366+ days.
 * - **Usual interval** of a customer: the median of their own intervals (quantile_cont: the mean of the
 *   two middle ones when even).
 * - **Reminder list**: customers with ≥ `minPurchases` (default 3) purchase days in the window whose days
 *   since the last purchase day, measured to `asOf` (so ≥ 1), exceed usual interval × `factor` (default 1).
 *   A customer exactly at the due day is not yet listed; with `maxOverdueDays`, only those overdue by at most that many days (the recently due) are. Days overdue = days since − usual × factor; the
 *   list is sorted by it (most overdue first, then customer_id). Each row: customer_id, name, phone (raw
 *   here: mask it where personal data is masked), counted orders, purchase days, last order date, usual
 *   interval, days since, days overdue, top category (the category_l1 in most of their counted orders of
 *   the window; ties alphabetical; NULL without items) and their spending (sum of counted order amounts).
 */
export * from './params.js';
export { bucketName, INTERVAL_BUCKETS, remindersSql, statsSql, type BuiltSql } from './query.js';
export * from './run.js';
