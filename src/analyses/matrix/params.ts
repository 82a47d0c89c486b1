/**
 * Value-matrix parameters: the window, the two thresholds (a statistic of all customers, or a fixed value) and
 * the activity horizon. Every problem is reported at once with a stable code and the field it concerns.
 */
import { activeDaysIssue, DEFAULT_ACTIVE_DAYS, windowIssues } from '../tiers/params.js';

export const THRESHOLD_STATS = ['median', 'mean'] as const;
export type ThresholdStat = (typeof THRESHOLD_STATS)[number];
/** 'median' (quantile_cont 0.5 over customers), 'mean', or a fixed non-negative number. */
export type Threshold = ThresholdStat | number;

export interface MatrixParams {
  /** YYYY-MM-DD: orders before this day count. Default: the day after the last counted order. */
  readonly asOf?: string;
  /** YYYY-MM-DD: first day of the window (inclusive). Default: all history. */
  readonly from?: string;
  /** Average order value threshold; high = strictly above it. Default 'median'. */
  readonly aovThreshold?: Threshold;
  /** Purchase frequency (orders) threshold; high = strictly above it. Default 'median'. */
  readonly frequencyThreshold?: Threshold;
  /** Active = last counted order at most this many days before the as-of date. Default 90. */
  readonly activeDays?: number;
}

export interface ResolvedMatrixParams {
  readonly asOf: string;
  readonly from: string | null;
  readonly aovThreshold: Threshold;
  readonly frequencyThreshold: Threshold;
  readonly activeDays: number;
}

export type MatrixErrorCode = 'invalid_params' | 'invalid_date' | 'from_not_before_as_of' | 'invalid_threshold' | 'invalid_active_days' | 'empty_window';

export interface MatrixIssue {
  readonly code: MatrixErrorCode;
  readonly field: string;
  readonly message: string;
}

export class MatrixError extends Error {
  override readonly name = 'MatrixError';
  constructor(readonly issues: readonly MatrixIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

export function isThreshold(v: unknown): v is Threshold {
  return (THRESHOLD_STATS as readonly unknown[]).includes(v) || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
}

export function validateMatrixParams(p: unknown): MatrixIssue[] {
  const issues: MatrixIssue[] = [];
  const add = (code: MatrixErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected value-matrix parameters: { "asOf": "YYYY-MM-DD", "from": …, "aovThreshold": "median" | number, "frequencyThreshold": … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  windowIssues<MatrixErrorCode>(q, add);
  for (const f of ['aovThreshold', 'frequencyThreshold'] as const) {
    if (q[f] !== undefined && !isThreshold(q[f])) add('invalid_threshold', f, `${f}: expected median, mean or a non-negative number, got ${JSON.stringify(q[f])}`);
  }
  const ad = activeDaysIssue(q.activeDays);
  if (ad) add('invalid_active_days', 'activeDays', ad);
  return issues;
}

export function resolveMatrixParams(p: MatrixParams, asOf: string): ResolvedMatrixParams {
  return {
    asOf,
    from: p.from ?? null,
    aovThreshold: p.aovThreshold ?? 'median',
    frequencyThreshold: p.frequencyThreshold ?? 'median',
    activeDays: p.activeDays ?? DEFAULT_ACTIVE_DAYS,
  };
}
