/**
 * Saved segments (客户分组) and tags (客户标签): named customer lists that every query can filter and group by.
 *
 * Sources: the tag system of Chinese CRM/CDP practice (标签体系: 规则标签 defined by rules over attributes and
 * behaviour, 模型标签 from analysis models such as RFM, 人工标签 set or imported by hand; coverage 覆盖率 and
 * overlap as its health measures), and the saved-segment idea of analytics tools (a filter saved under a name,
 * re-evaluated on new data — e.g. PostHog cohorts, Mixpanel cohorts).
 *
 * Definitions:
 * - **Rule** (segments, rule tags, model tags): `{ filters, metrics }`. `filters` are query filters (eq, ne, in,
 *   not_in, gt…, is_null…) on catalog dimensions that reach customers — province, tier, rfm_segment, and any
 *   dimension added later (value_tier, cluster, …), even `segment` and `tag` themselves — compiled by the query
 *   compiler (compileCustomerSet) over the customers table; time dimensions are refused (customers have no time
 *   of their own). `metrics` are per-customer conditions `metric op value(s)` (eq, ne, gt, gte, lt, lte, between)
 *   over a window: the catalog metric grouped by the `customer` dimension through the compiler (so it counts
 *   exactly what `tidemark query --metrics M --by customer` counts: e.g. cancelled orders never). A customer
 *   with no rows in the window has 0 of a sum or count (the compiler's additive metrics) and no value of a ratio
 *   or average (discount_rate), so no condition holds for it. Members = customers passing every filter and
 *   every condition (AND).
 * - **Window** of a condition: `days: N` = the N days before the as-of day, [asOf − N, asOf); or `from`/`to`
 *   (inclusive days); neither = all history. The as-of day is given, else the day after the last counted order
 *   of a known customer (as RFM's default), else today — so a refresh after new orders moves the window.
 * - **Static segment**: a fixed list (e.g. an imported file of customer ids); refresh leaves it as it is.
 * - **Refresh** (`segment refresh`, `tags apply`): every rule re-evaluated on the current data in one
 *   transaction; a failing definition (a dimension that no longer exists…) rolls everything back.
 * - **Model tags**: one tag per value of a stored-result dimension (`tags generate rfm_segment` → rfm_segment.
 *   important_value …), each the rule `dimension = value`; values are the dimension's declared values, else
 *   those customers have.
 * - **Manual tags**: set/unset per customer id, or imported from CSV/XLSX naming customers by customer_id,
 *   phone, email or another identity (a column named after a customer_identities channel, or external_id;
 *   phones and emails resolved through customers and customer_identities); any line naming no
 *   customer or several is reported with its line number and nothing is written.
 * - **Coverage**: customers carrying the tag ÷ all customers in the customers table (stub customers included).
 *   **Overlap**: for tags a, b: customers with both, and Jaccard = both ÷ customers with either.
 * - **In queries**: dimensions `segment` and `tag` (see src/query/compile.ts, membershipOf): as filters
 *   (eq/in/ne/not_in/is_null/not_null) a semi-join on the record's customer; as a grouping dimension the
 *   membership is joined, so a customer in two segments counts in both groups (groups overlap, records of
 *   customers in none fall in the empty group); totals, and subtotals that roll the membership up, count each
 *   record once (computed without the membership join), subtotals that keep it are per key.
 * - **Export**: the members with id, name, phone, province, city, member tier, last counted order date and
 *   tags. Row scopes and PII masking come with issue 5.
 */
export * from './rules.js';
export * from './segments.js';
export * from './tags.js';
export { readCustomerFile, normalisePhone } from './customers-file.js';
