import type { SqlValue, Warehouse } from '../warehouse/port.js';

/**
 * Stores an analysis's per-customer result for one as-of date: deletes that date's earlier rows of `table` and runs the
 * insert, in one transaction. Returns the rows now stored for the date. `table` is one of the fixed tm_ result tables.
 */
export async function replaceAsOf(wh: Warehouse, table: string, asOf: string, insert: { sql: string; params: SqlValue[] }): Promise<number> {
  return wh.transaction(async (tx) => {
    await tx.run(`DELETE FROM ${table} WHERE as_of = CAST($1 AS DATE)`, [asOf]);
    await tx.run(insert.sql, insert.params);
    const n = (await tx.query(`SELECT count(*) AS n FROM ${table} WHERE as_of = CAST($1 AS DATE)`, [asOf])).rows[0]?.n;
    return Number(n ?? 0);
  });
}
