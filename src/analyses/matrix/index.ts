/**
 * Customer value matrix (客户价值矩阵): average order value × purchase frequency, each split high/low at a
 * threshold, giving four types: 优质型 (high AOV, high frequency), 乐于消费型 (high AOV, low frequency), 经常型 (low AOV,
 * high frequency) and 不确定型 (low AOV, low frequency).
 *
 * Sources: the CRM analysis guide in /work/shared/reference ("利用客户价值矩阵, 通过平均消费金额和消费频次两个维度将客户分成
 * 乐于消费型、不确定型、优质型和经常型客户四种类型"), which names the types but not the quadrants; the quadrants are the
 * customer value matrix of 黄成明《数据化管理：洞悉零售及电子商务运营》(电子工业出版社, 2014): 乐于消费型 spend much per
 * order but seldom, 经常型 come often with small orders, 优质型 both, 不确定型 neither.
 *
 * Definitions:
 * - **Counted order**, **window**, **customers**: as RFM and the value tiers (src/analyses/tiers): status NULL or not
 *   'cancelled', a known non-anonymous customer, `from` ≤ order time < `asOf`; customers with ≥ 1 counted order.
 * - **Purchase frequency**: the customer's counted orders in the window. **Average order value** (AOV, 平均消费金额):
 *   its spend (sum of amounts, NULL counts 0) ÷ its counted orders.
 * - **Thresholds**: `median` (default): DuckDB `quantile_cont(x, 0.5)` over the customers — the interpolated median
 *   (the mean of the two middle values for an even count, like Excel's MEDIAN); `mean`: the average over customers
 *   (of per-customer AOV, not revenue ÷ orders); or a fixed number.
 * - **High** = strictly above the threshold; a value equal to it is low. (With "≥ median" every customer would be
 *   high-frequency whenever most customers have one order; "> median" keeps one-order customers low.)
 * - **Summary** per type: customers and share, revenue and share, orders, mean AOV, mean frequency, mean spend,
 *   active share (last counted order at most `activeDays`, 90, days before `asOf`), median days since the last
 *   order (quantile_cont), latest order date; and the thresholds used.
 * - **Stored results**: `tm_matrix`, one row per customer and as-of date, replaced per as-of date in one transaction;
 *   the catalog dimension `value_type` reads the latest as-of date (model table `customer_value_type`).
 */
export * from './params.js';
export { VALUE_TYPES, valueTypeOf, typedSelect, matrixCustomersSql, matrixSummarySql, matrixInsertSql, type ValueTypeDef, type ValueTypeKey } from './query.js';
export * from './run.js';
