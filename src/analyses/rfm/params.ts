/**
 * RFM parameters: what a caller may pass, the rules each must satisfy, and the resolved form the query
 * runs with. Every problem is reported at once with a stable code and the field it concerns (PostHog-style).
 */
import { isDay } from '../../query/time.js';

export const SCORE_METHODS = ['quintiles', 'thresholds'] as const;
export type ScoreMethod = (typeof SCORE_METHODS)[number];

/**
 * How a customer is "high" (↑) or "low" (↓) on R, F and M:
 * - `score_mean` (default): the score is above the average score of all scored customers;
 * - `value_mean`: the raw value is better than its average (recency below, frequency/monetary above);
 * - `score_3`: the score is 3 or more.
 */
export const SPLITS = ['score_mean', 'value_mean', 'score_3'] as const;
export type Split = (typeof SPLITS)[number];

/** Four ascending cut points per measure, giving scores 1–5 (see query.ts for how each is applied). */
export interface Thresholds {
  readonly recency: readonly number[];
  readonly frequency: readonly number[];
  readonly monetary: readonly number[];
}

/** The business defaults for `scores: 'thresholds'`: recency in days, frequency in orders, monetary in the warehouse currency. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  recency: [30, 90, 180, 365],
  frequency: [2, 3, 5, 10],
  monetary: [100, 500, 1000, 5000],
};

export interface RfmParams {
  /** YYYY-MM-DD: the analysis date. Orders placed before this day count; recency is measured to it. Default: the day after the last counted order. */
  readonly asOf?: string;
  /** YYYY-MM-DD: first day of the window (inclusive). Default: all history. */
  readonly from?: string;
  readonly scores?: ScoreMethod;
  /** Only with `scores: 'thresholds'`; each list may be given on its own, the others keep their defaults. */
  readonly thresholds?: Partial<Thresholds>;
  readonly split?: Split;
  /** YYYY-MM-DD: a second as-of date for the movement matrix (customers per segment there × here). */
  readonly compareAsOf?: string;
}

export interface ResolvedRfmParams {
  readonly asOf: string;
  readonly from: string | null;
  readonly scores: ScoreMethod;
  readonly thresholds: Thresholds | null;
  readonly split: Split;
  readonly compareAsOf: string | null;
}

export type RfmErrorCode =
  | 'invalid_params'
  | 'invalid_date'
  | 'invalid_choice'
  | 'from_not_before_as_of'
  | 'thresholds_need_thresholds_scores'
  | 'invalid_thresholds'
  | 'thresholds_not_ascending'
  | 'same_as_of'
  | 'empty_window';

export interface RfmIssue {
  readonly code: RfmErrorCode;
  /** The parameter concerned: `asOf`, `from`, `thresholds.recency` … */
  readonly field: string;
  readonly message: string;
}

export class RfmError extends Error {
  override readonly name = 'RfmError';
  constructor(readonly issues: readonly RfmIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

/** A real calendar date written YYYY-MM-DD. */
export function isDate(s: unknown): s is string {
  return typeof s === 'string' && isDay(s);
}

/**
 * Checks the parameters (everything but the default as-of, which needs the data) and returns every problem.
 * The as-of default is filled in by the runner; pass it here once known.
 */
export function validateRfmParams(p: unknown): RfmIssue[] {
  const issues: RfmIssue[] = [];
  const add = (code: RfmErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected RFM parameters: { "asOf": "YYYY-MM-DD", "from": …, "scores": "quintiles" | "thresholds", … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  for (const f of ['asOf', 'from', 'compareAsOf'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  if (q.scores !== undefined && !(SCORE_METHODS as readonly unknown[]).includes(q.scores)) add('invalid_choice', 'scores', `scores: '${String(q.scores)}' is not one of ${SCORE_METHODS.join(', ')}`);
  if (q.split !== undefined && !(SPLITS as readonly unknown[]).includes(q.split)) add('invalid_choice', 'split', `split: '${String(q.split)}' is not one of ${SPLITS.join(', ')}`);
  if (isDate(q.from) && isDate(q.asOf) && q.from >= q.asOf) add('from_not_before_as_of', 'from', `from: ${q.from} must be before asOf ${q.asOf} (the window is from ≤ order day < asOf)`);
  if (isDate(q.from) && isDate(q.compareAsOf) && q.from >= q.compareAsOf) add('from_not_before_as_of', 'compareAsOf', `compareAsOf: ${q.compareAsOf} must be after from ${q.from}`);
  if (isDate(q.asOf) && isDate(q.compareAsOf) && q.asOf === q.compareAsOf) add('same_as_of', 'compareAsOf', `compareAsOf: ${q.compareAsOf} is the as-of date itself; give another date to see movement`);
  if (q.thresholds !== undefined) {
    if (q.scores !== 'thresholds') add('thresholds_need_thresholds_scores', 'thresholds', `thresholds: only used with scores 'thresholds' (scores is '${String(q.scores ?? 'quintiles')}')`);
    if (typeof q.thresholds !== 'object' || q.thresholds === null || Array.isArray(q.thresholds)) {
      add('invalid_thresholds', 'thresholds', 'thresholds: expected { "recency": [4 numbers], "frequency": [...], "monetary": [...] }');
    } else {
      const t = q.thresholds as Record<string, unknown>;
      for (const k of Object.keys(t)) if (!['recency', 'frequency', 'monetary'].includes(k)) add('invalid_thresholds', `thresholds.${k}`, `thresholds.${k}: unknown measure; use recency, frequency, monetary`);
      for (const k of ['recency', 'frequency', 'monetary'] as const) {
        const v = t[k];
        if (v === undefined) continue;
        const field = `thresholds.${k}`;
        if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
          add('invalid_thresholds', field, `${field}: expected 4 non-negative numbers (the cut points between scores 1|2|3|4|5), got ${JSON.stringify(v)}`);
        } else if (!v.every((x, i) => i === 0 || x > (v[i - 1] as number))) {
          add('thresholds_not_ascending', field, `${field}: cut points must be strictly ascending, got ${JSON.stringify(v)}`);
        }
      }
    }
  }
  return issues;
}

/** Validated parameters with their defaults; `asOf` must be known (the runner finds the default in the data). */
export function resolveRfmParams(p: RfmParams, asOf: string): ResolvedRfmParams {
  const scores = p.scores ?? 'quintiles';
  return {
    asOf,
    from: p.from ?? null,
    scores,
    thresholds: scores === 'thresholds' ? { ...DEFAULT_THRESHOLDS, ...(p.thresholds ?? {}) } : null,
    split: p.split ?? 'score_mean',
    compareAsOf: p.compareAsOf ?? null,
  };
}
