/**
 * RFM analysis: recency, frequency and monetary value per customer, scored 1–5 and grouped into the
 * eight classic segments.
 *
 * Sources: A. M. Hughes, *Strategic Database Marketing* (Probus, 1994) — the RFM method and quintile
 * scoring (recency, frequency, monetary each cut into fifths, 5 = best); and the eight-segment model
 * common in Chinese CRM practice (RFM 八类客户: each of R, F, M high or low against its average, giving
 * 重要价值/重要发展/重要保持/重要挽留 and 一般价值/一般发展/一般保持/一般挽留客户).
 *
 * Definitions (the same as the catalog metrics `orders`, `revenue` and `buying_customers`):
 * - **Counted order**: an order whose status is NULL or not 'cancelled', of a known customer
 *   (customer_id not NULL and not anonymous). Anonymous orders are excluded.
 * - **Window**: counted orders with `from` ≤ order time < `asOf` (order times are wall-clock times in
 *   the warehouse zone; `asOf` means the start of that day). Default `from`: all history. Default `asOf`:
 *   the day after the last counted order (in the window), so every order counts.
 * - **Customers scored**: those with at least one counted order in the window.
 * - **Recency** (days): `asOf` − the calendar day of the customer's last counted order; ≥ 1.
 * - **Frequency**: number of counted orders in the window.
 * - **Monetary**: sum of their amounts (NULL amounts count 0), DECIMAL(18,2).
 * - **Scores, quintiles** (default): DuckDB `ntile(5)` over the customers ordered worst → best (recency
 *   descending, frequency and monetary ascending), ties broken by customer_id; then all customers sharing
 *   a value take the score of the first of them in that order (the lowest), so equal values always share a
 *   score. Consequences: with n < 5 customers the scores are 1…n; a value held by many customers (e.g.
 *   frequency 1) can leave some scores unused.
 * - **Scores, thresholds**: four ascending cut points per measure. Recency: 5 − (cut points the recency
 *   exceeds), so with [30, 90, 180, 365]: ≤ 30 days → 5, 31–90 → 4, 91–180 → 3, 181–365 → 2, > 365 → 1.
 *   Frequency and monetary: 1 + (cut points the value reaches), so with [2, 3, 5, 10]: 1 order → 1, 2 → 2,
 *   3–4 → 3, 5–9 → 4, ≥ 10 → 5.
 * - **High/low** (`split`): `score_mean` (default) high = score above the average score of all scored
 *   customers; `value_mean` high = recency below / frequency and monetary above their averages; `score_3`
 *   high = score ≥ 3.
 * - **Segments**: see {@link SEGMENTS} (R↑F↑M↑ 重要价值 … R↓F↓M↓ 一般挽留), each with a recommended action.
 * - **Summary**: per segment its customers, share of customers, revenue (sum of monetary), share of revenue,
 *   average recency/frequency/monetary and average scores.
 * - **Movement**: customers per (segment at `compareAsOf`, segment at `asOf`), both computed with the same
 *   parameters and `from`; 'none' = no counted order in that window.
 * - **Stored results**: `tm_rfm`, one row per customer and as-of date, replaced per as-of date in one
 *   transaction; the catalog dimension `rfm_segment` reads the latest as-of date (model table `customer_rfm`).
 */
export * from './params.js';
export { SEGMENTS, segmentOf, customersSql, summarySql, movementSql, averagesSql, insertSql, type SegmentDef, type SegmentKey, type BuiltSql } from './query.js';
export * from './run.js';
