import { entity } from '../schema/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { entityProjection } from './rows.js';
import type { RuleLog } from './types.js';

function must(name: string) {
  const e = entity(name);
  if (!e) throw new Error(`schema has no ${name}`);
  return e;
}

/**
 * Splits cleaned sales lines (tm_clean rows without a quarantine reason) into tm_src_orders,
 * tm_src_items, tm_src_products and tm_src_returns. A line is a return when its quantity is negative
 * or its order id carries a cancellation marker (a leading "C", as in the UCI Online Retail export)
 * or its status says cancelled/refunded. Line numbers count the order's lines in file order, so a
 * re-import of the same file maps every line to the same order item.
 */
export async function splitSalesLines(wh: Warehouse, present: readonly string[], rowFlags: string, content: string): Promise<RuleLog[]> {
  const has = (f: string) => present.includes(f);
  // No row flag rule applies (flagRules' empty list): the flags are the line's own, without a list_concat per line.
  const noRowFlags = rowFlags === '[]::VARCHAR[]';
  const amount = has('amount') && has('unit_price') ? 'coalesce(amount, round(quantity * unit_price, 2))' : has('amount') ? 'amount' : 'round(quantity * unit_price, 2)';
  // The prefix tests spare most lines the regex.
  const cancelled = [`((prefix(order_id, 'C') OR prefix(order_id, 'c')) AND regexp_matches(order_id, '^[Cc][0-9]'))`, has('status') ? `coalesce(status IN ('cancelled', 'refunded'), false)` : undefined].filter(Boolean).join(' OR ');
  // The window runs on narrow columns, not whole rows: at 10M lines that is what keeps it from spilling. The table also
  // carries each line's return marker, so the inserts below filter on it (not on tm_clean): DuckDB then builds the join's
  // hash table on these narrow columns instead of on the wide lines (which spilled: 11 s of a 10M-line import).
  // __again marks a line whose content hash (__h, 64 bits) an earlier line of the same order has: identical lines have the
  // same order id, so this finds every candidate repeat in the sort the line numbers need anyway (a hash aggregate over
  // every line's __h cost ~1.5 s at 10M).
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_line_no AS
     SELECT __line, row_number() OVER (PARTITION BY order_id ORDER BY __line) AS line_no, __return,
            coalesce(list_contains(list(__h) OVER (PARTITION BY order_id ORDER BY __line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), __h), false) AS __again
     FROM (SELECT __line, order_id, __h, (quantity < 0 OR ${cancelled}) AS __return FROM tm_clean WHERE __reason IS NULL)`,
  );
  // Repeated identical lines are rare: the lines sharing a candidate hash are compared by their content itself (`content`,
  // over tm_stage s), so a hash collision never flags a line.
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_repeats AS
     WITH cand AS (SELECT DISTINCT c.__h FROM tm_clean c JOIN (SELECT __line FROM tm_line_no WHERE __again) a USING (__line)),
     lines AS (SELECT c.__h, c.__line, ${content} AS __content FROM tm_clean c JOIN tm_stage s USING (__line) WHERE c.__reason IS NULL AND c.__h IN (SELECT __h FROM cand))
     SELECT l.__line FROM lines l JOIN (SELECT __h, __content, min(__line) AS __first FROM lines GROUP BY ALL HAVING count(*) > 1) f USING (__h, __content) WHERE l.__line > f.__first`,
  );
  // The accepted lines with their amount and return marker: views, not copies. The aggregates below read tm_lines_core;
  // the inserts into order_items and returns read tm_lines, which adds the line numbers and the row flags.
  await wh.run(
    `CREATE OR REPLACE TEMP VIEW tm_lines_core AS
     SELECT * EXCLUDE (__h), (${amount})::DECIMAL(18,2) AS __amount, (quantity < 0 OR ${cancelled}) AS __return FROM tm_clean WHERE __reason IS NULL`,
  );
  await wh.run(
    `CREATE OR REPLACE TEMP VIEW tm_lines AS
     SELECT c.* EXCLUDE (_flags, __h), (${amount})::DECIMAL(18,2) AS __amount, n.__return, n.line_no,
            ${noRowFlags ? `CASE WHEN r.__line IS NULL THEN _flags ELSE list_append(_flags, 'possible_duplicate') END` : `list_concat(_flags, ${rowFlags}, CASE WHEN r.__line IS NOT NULL THEN ['possible_duplicate'] ELSE [] END)`} AS _flags
     FROM tm_clean c JOIN tm_line_no n USING (__line) LEFT JOIN tm_repeats r USING (__line)`,
  );
  const pick = (f: string, expr?: string) => (has(f) ? (expr ?? `arg_min(${f}, __line) FILTER (WHERE ${f} IS NOT NULL)`) : undefined);
  const orderCols: Record<string, string> = {};
  for (const f of ['customer_id', 'channel', 'store_id', 'status', 'paid_at']) {
    const e = pick(f);
    if (e) orderCols[f] = e;
  }
  const orderSel = Object.entries(orderCols).map(([k, v]) => `${v} AS ${k}`);
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_orders_agg AS
     SELECT order_id, min(ordered_at) AS ordered_at, ${orderSel.length ? orderSel.join(', ') + ',' : ''}
            ${has('customer_id') ? 'count_if(customer_id IS NULL)' : 'count(*)'} AS __anon_lines, sum(quantity) AS item_qty, sum(__amount) AS amount, ${has('discount') ? 'sum(discount)' : 'NULL::DECIMAL(18,2)'} AS discount,
            coalesce(list_distinct(list_filter(flatten(list(__f) FILTER (WHERE len(__f) > 0)), x -> x <> 'possible_duplicate')), []::VARCHAR[]) AS _flags
     FROM (SELECT *, ${noRowFlags ? '_flags' : `list_concat(_flags, ${rowFlags})`} AS __f FROM tm_lines_core) WHERE NOT __return GROUP BY order_id`,
  );
  const orders = must('orders');
  const anon = has('customer_id') ? 'customer_id IS NULL' : 'true';
  const orderPresent = ['order_id', 'ordered_at', 'item_qty', 'amount', 'discount', ...Object.keys(orderCols)];
  await wh.run(
    `CREATE OR REPLACE TEMP VIEW tm_src_orders AS SELECT ${entityProjection(orders, orderPresent, {
      is_anonymous: anon,
      extra: 'NULL::JSON',
      _flags: `CASE WHEN ${anon} THEN list_append(_flags, 'anonymous') ELSE _flags END`,
    })} FROM tm_orders_agg`,
  );
  const items = must('order_items');
  await wh.run(
    `CREATE OR REPLACE TEMP VIEW tm_src_items AS SELECT ${entityProjection(items, ['order_id', 'line_no', 'product_id', 'quantity', 'discount', 'unit_price', 'amount'].filter((f) => has(f) || f === 'line_no' || f === 'amount'), {
      amount: '__amount',
    })} FROM tm_lines WHERE NOT __return`,
  );
  const returns = must('returns');
  await wh.run(
    `CREATE OR REPLACE TEMP VIEW tm_src_returns AS SELECT ${entityProjection(returns, [], {
      return_id: `'R' || order_id || '-' || line_no`,
      order_id: `CASE WHEN regexp_matches(order_id, '^[Cc][0-9]') THEN NULL ELSE order_id END`,
      customer_id: has('customer_id') ? 'customer_id' : 'NULL::VARCHAR',
      product_id: 'product_id',
      quantity: 'abs(quantity)',
      amount: 'abs(__amount)',
      requested_at: 'ordered_at',
      status: `'refunded'`,
    })} FROM tm_lines WHERE __return`,
  );
  const products = must('products');
  const prodCols: Record<string, string> = {
    product_id: 'product_id',
    name: has('product_name') ? 'arg_max(product_name, __line) FILTER (WHERE product_name IS NOT NULL)' : 'NULL::VARCHAR',
    price: has('unit_price') ? 'arg_max(unit_price, __line) FILTER (WHERE unit_price > 0)' : 'NULL::DECIMAL(18,2)',
  };
  for (const f of ['category_l1', 'category_l2', 'brand']) if (has(f)) prodCols[f] = `arg_max(${f}, __line) FILTER (WHERE ${f} IS NOT NULL)`;
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_products_agg AS SELECT ${Object.entries(prodCols)
      .map(([k, v]) => `${v} AS ${k}`)
      .join(', ')}, NULL::JSON AS extra, []::VARCHAR[] AS _flags FROM tm_lines_core WHERE product_id IS NOT NULL GROUP BY product_id`,
  );
  await wh.run(`CREATE OR REPLACE TEMP TABLE tm_src_products AS SELECT ${entityProjection(products, Object.keys(prodCols))} FROM tm_products_agg`);

  const r = (
    await wh.query(
      // from the narrow tables already built, not another pass over the lines
      `SELECT count_if(__return) AS ret, (SELECT sum(__anon_lines) FROM tm_orders_agg) AS anon, (SELECT count(*) FROM tm_repeats) AS dup FROM tm_line_no`,
    )
  ).rows[0] ?? {};
  const log: RuleLog[] = [];
  if (Number(r.dup)) log.push({ rule: 'possible_duplicate', count: Number(r.dup), detail: 'identical lines kept as separate items and flagged', examples: [] });
  if (Number(r.ret)) log.push({ rule: 'return_line', count: Number(r.ret), examples: [] });
  if (Number(r.anon)) log.push({ rule: 'anonymous_order_line', count: Number(r.anon), examples: [] });
  return log;
}
