/**
 * Repurchase parameters: what a caller may pass, the rules each must satisfy, and the resolved form the
 * queries run with. Every problem is reported at once with a stable code and the field it concerns.
 */
import { isDay, shiftDay } from '../../query/time.js';

export interface RepurchaseParams {
  /** YYYY-MM-DD: first day of the window (inclusive). Default: the day of the first counted order. */
  readonly from?: string;
  /** YYYY-MM-DD: last day of the window (inclusive). Default: the day of the last counted order. */
  readonly to?: string;
  /** YYYY-MM-DD: the alternative to `to` (as in RFM): orders before this day count, and "days since the last order" are measured to it. */
  readonly asOf?: string;
  /** Reminders: the least number of purchase days (days with a counted order) a customer needs to have a usual interval. Default 3. */
  readonly minPurchases?: number;
  /** Reminders: a customer is due once the days since the last purchase exceed usual interval × factor. Default 1. */
  readonly factor?: number;
  /** Reminders: only customers overdue by at most this many days (the recently due; long-lapsed ones are a win-back case). Default: no bound. */
  readonly maxOverdueDays?: number;
  /** How many products to list (the most bought first). Default 20. */
  readonly productLimit?: number;
  /** How many reminder rows the result carries (the most overdue first); the count is of all. Default 100. */
  readonly reminderLimit?: number;
}

export interface ResolvedRepurchaseParams {
  readonly from: string;
  /** Last day, inclusive. */
  readonly to: string;
  /** The day after `to`: orders before it count. */
  readonly asOf: string;
  readonly minPurchases: number;
  readonly factor: number;
  readonly maxOverdueDays: number | null;
  readonly productLimit: number;
  readonly reminderLimit: number;
}

export const DEFAULT_MIN_PURCHASES = 3;
export const DEFAULT_FACTOR = 1;
export const DEFAULT_PRODUCT_LIMIT = 20;
export const DEFAULT_REMINDER_LIMIT = 100;

export type RepurchaseErrorCode = 'invalid_params' | 'invalid_date' | 'from_after_to' | 'to_and_as_of' | 'invalid_number' | 'empty_window';

export interface RepurchaseIssue {
  readonly code: RepurchaseErrorCode;
  readonly field: string;
  readonly message: string;
}

export class RepurchaseError extends Error {
  override readonly name = 'RepurchaseError';
  constructor(readonly issues: readonly RepurchaseIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

const isDate = (s: unknown): s is string => typeof s === 'string' && isDay(s);

/** Checks the parameters and returns every problem (the defaults that need the data are filled by the runner). */
export function validateRepurchaseParams(p: unknown): RepurchaseIssue[] {
  const issues: RepurchaseIssue[] = [];
  const add = (code: RepurchaseErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected repurchase parameters: { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "minPurchases": 3, "factor": 1, … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  for (const f of ['from', 'to', 'asOf'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  if (q.to !== undefined && q.asOf !== undefined) add('to_and_as_of', 'asOf', `asOf: give either to (the last day, inclusive) or asOf (the day after it), not both`);
  if (isDate(q.from) && isDate(q.to) && q.from > q.to) add('from_after_to', 'from', `from: ${q.from} is after to ${q.to}`);
  if (isDate(q.from) && isDate(q.asOf) && q.from >= q.asOf) add('from_after_to', 'from', `from: ${q.from} must be before asOf ${q.asOf} (orders before the as-of day count)`);
  const int = (f: string, min: number) => {
    const v = q[f];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= min)) add('invalid_number', f, `${f}: expected a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  int('minPurchases', 2);
  int('productLimit', 1);
  int('reminderLimit', 0);
  if (q.maxOverdueDays !== undefined && !(typeof q.maxOverdueDays === 'number' && Number.isFinite(q.maxOverdueDays) && q.maxOverdueDays >= 0)) add('invalid_number', 'maxOverdueDays', `maxOverdueDays: expected a number of days ≥ 0, got ${JSON.stringify(q.maxOverdueDays)}`);
  if (q.factor !== undefined && !(typeof q.factor === 'number' && Number.isFinite(q.factor) && q.factor > 0)) add('invalid_number', 'factor', `factor: expected a number > 0 (1 = due after the usual interval), got ${JSON.stringify(q.factor)}`);
  return issues;
}

/** Validated parameters with their defaults; `first` and `last` are the days of the first and last counted order. */
export function resolveRepurchaseParams(p: RepurchaseParams, first: string, last: string): ResolvedRepurchaseParams {
  const to = p.to ?? (p.asOf ? shiftDay(p.asOf, -1, 'day') : last);
  return {
    from: p.from ?? first,
    to,
    asOf: p.asOf ?? shiftDay(to, 1, 'day'),
    minPurchases: p.minPurchases ?? DEFAULT_MIN_PURCHASES,
    factor: p.factor ?? DEFAULT_FACTOR,
    maxOverdueDays: p.maxOverdueDays ?? null,
    productLimit: p.productLimit ?? DEFAULT_PRODUCT_LIMIT,
    reminderLimit: p.reminderLimit ?? DEFAULT_REMINDER_LIMIT,
  };
}
