import type { SqlValue } from '../warehouse/port.js';
import type { Unit } from '../metrics/types.js';

export type FilterOp = 'eq' | 'ne' | 'in' | 'not_in' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'contains' | 'is_null' | 'not_null';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'between', 'contains', 'is_null', 'not_null'];

export interface Filter {
  readonly dimension: string;
  readonly op: FilterOp;
  readonly values?: readonly (string | number | boolean)[];
}

export interface SortKey {
  /** A requested metric or dimension, or `<metric>__prev` / `<metric>__change`. */
  readonly key: string;
  readonly desc?: boolean;
}

/** An analysis question: metrics by dimensions, over a period, optionally compared with another period. */
export interface Query {
  readonly metrics: readonly string[];
  readonly dimensions?: readonly string[];
  readonly filters?: readonly Filter[];
  /** First day (YYYY-MM-DD), inclusive; each metric filters its own time field. */
  readonly from?: string;
  /** Last day (YYYY-MM-DD), inclusive. */
  readonly to?: string;
  /** 同比 (same period last year) or 环比 (the previous period: the previous bucket of the time dimension, else the period of equal length before). */
  readonly compare?: 'yoy' | 'mom';
  readonly sort?: readonly SortKey[];
  readonly limit?: number;
  /** A grand-total row. */
  readonly totals?: boolean;
  /** Subtotals along the dimensions in order (ROLLUP), grand total included. */
  readonly subtotals?: boolean;
  /** The day `today()` means (overdue receivables, ages); default: today in the warehouse time zone. */
  readonly asOf?: string;
}

/** A query problem with a stable code and the field it is about (`metrics`, `dimensions[1]`, `filters[0].values`…). */
export interface QueryIssue {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(readonly issues: readonly QueryIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
  }
}

export interface ColumnMeta {
  readonly key: string;
  readonly kind: 'dimension' | 'metric' | 'previous' | 'change' | 'grouping';
  readonly label: { readonly en: string; readonly zh: string };
  readonly unit?: Unit | 'ratio_change' | 'change';
  readonly decimals?: number;
  /** Time dimensions: the grain, so values can be shown as 2024-03, 2024-Q1, 2024-W05… */
  readonly grain?: string;
  /** For metric-derived columns: the metric. */
  readonly metric?: string;
}

export interface CompiledQuery {
  readonly sql: string;
  readonly params: SqlValue[];
  readonly columns: readonly ColumnMeta[];
  /** With totals/subtotals: the column holding the grouping id (a bit per rolled-up dimension). */
  readonly groupingColumn?: string;
  /** Rows are limited in JS (so totals survive a limit). */
  readonly limitInJs?: number;
}
