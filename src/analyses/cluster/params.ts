/**
 * Clustering parameters: what a caller may pass, the rules each must satisfy, and the resolved form the
 * runner uses. Every problem is reported at once with a stable code and the field it concerns.
 */
import { isDate } from '../rfm/params.js';

export const DEFAULT_K_RANGE: readonly [number, number] = [2, 8];
export const DEFAULT_RESTARTS = 10;
export const DEFAULT_SEED = 0;
export const DEFAULT_MAX_ITER = 300;
export const DEFAULT_TOL = 1e-4;
export const DEFAULT_SILHOUETTE_SAMPLE = 10_000;
export const DEFAULT_TOP_CATEGORIES = 8;

export interface ClusterParams {
  /** YYYY-MM-DD: the analysis date; orders (and interactions, tickets) before this day count. Default: the day after the last counted order. */
  readonly asOf?: string;
  /** YYYY-MM-DD: first day of the window (inclusive). Default: all history. */
  readonly from?: string;
  /** The number of clusters; when absent, k is chosen by silhouette over `kRange`. */
  readonly k?: number;
  /** [min, max] k tried when `k` is absent (default 2..8). */
  readonly kRange?: readonly [number, number];
  /** Seed of the k-means++ draws and the silhouette sample (default 0). */
  readonly seed?: number;
  /** k-means runs from different k-means++ starts; the one with the lowest inertia is kept (default 10). */
  readonly restarts?: number;
  /** Lloyd iterations per run at most (default 300). */
  readonly maxIter?: number;
  /** Relative tolerance on the centre shift, as scikit-learn's `tol` (default 1e-4). */
  readonly tol?: number;
  /** Silhouette on all customers up to this many, else on a seeded sample of this size (default 10,000). */
  readonly silhouetteSample?: number;
  /** Top-level categories with their own spend-share feature; the rest are pooled as 'other' (default 8). */
  readonly topCategories?: number;
}

export interface ResolvedClusterParams {
  readonly asOf: string;
  readonly from: string | null;
  readonly k: number | null;
  readonly kRange: readonly [number, number];
  readonly seed: number;
  readonly restarts: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly silhouetteSample: number;
  readonly topCategories: number;
}

export type ClusterErrorCode =
  | 'invalid_params'
  | 'invalid_date'
  | 'from_not_before_as_of'
  | 'invalid_k'
  | 'invalid_k_range'
  | 'k_and_k_range'
  | 'invalid_number'
  | 'k_exceeds_customers'
  | 'too_few_customers'
  | 'no_variation'
  | 'empty_window';

export interface ClusterIssue {
  readonly code: ClusterErrorCode;
  /** The parameter concerned: `k`, `kRange`, `asOf` … */
  readonly field: string;
  readonly message: string;
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(readonly issues: readonly ClusterIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Checks the parameters that do not need the data (k against the number of customers is checked by the runner). */
export function validateClusterParams(p: unknown): ClusterIssue[] {
  const issues: ClusterIssue[] = [];
  const add = (code: ClusterErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected clustering parameters: { "asOf": "YYYY-MM-DD", "from": …, "k": 4 | "kRange": [2, 8], "seed": 0, … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  for (const f of ['asOf', 'from'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  if (isDate(q.from) && isDate(q.asOf) && q.from >= q.asOf) add('from_not_before_as_of', 'from', `from: ${q.from} must be before asOf ${q.asOf} (the window is from ≤ day < asOf)`);
  if (q.k !== undefined && !(isInt(q.k) && q.k >= 2)) add('invalid_k', 'k', `k: expected a whole number of clusters ≥ 2, got ${JSON.stringify(q.k)}`);
  if (q.kRange !== undefined) {
    const r = q.kRange;
    if (!Array.isArray(r) || r.length !== 2 || !isInt(r[0]) || !isInt(r[1]) || r[0] < 2 || r[1] < r[0]) {
      add('invalid_k_range', 'kRange', `kRange: expected two whole numbers 2 ≤ min ≤ max (e.g. 2..8), got ${JSON.stringify(r)}`);
    } else if (r[1] - r[0] > 48) {
      add('invalid_k_range', 'kRange', `kRange: at most 49 values of k are tried, got ${r[0]}..${r[1]}`);
    }
    if (q.k !== undefined) add('k_and_k_range', 'kRange', 'kRange: give either k or a range of k to choose from by silhouette, not both');
  }
  const ints: [string, number, number, string][] = [
    ['seed', 0, 2 ** 32 - 1, 'a whole number 0 … 4294967295'],
    ['restarts', 1, 1000, 'a whole number of runs 1 … 1000'],
    ['maxIter', 1, 100_000, 'a whole number of iterations 1 … 100000'],
    ['silhouetteSample', 2, 100_000, 'a whole number of customers 2 … 100000'],
    ['topCategories', 0, 50, 'a whole number of categories 0 … 50'],
  ];
  for (const [f, lo, hi, what] of ints) {
    const v = q[f];
    if (v !== undefined && !(isInt(v) && v >= lo && v <= hi)) add('invalid_number', f, `${f}: expected ${what}, got ${JSON.stringify(v)}`);
  }
  if (q.tol !== undefined && !(typeof q.tol === 'number' && Number.isFinite(q.tol) && q.tol >= 0)) add('invalid_number', 'tol', `tol: expected a number ≥ 0, got ${JSON.stringify(q.tol)}`);
  return issues;
}

export function resolveClusterParams(p: ClusterParams, asOf: string): ResolvedClusterParams {
  return {
    asOf,
    from: p.from ?? null,
    k: p.k ?? null,
    kRange: p.k !== undefined ? [p.k, p.k] : (p.kRange ?? DEFAULT_K_RANGE),
    seed: p.seed ?? DEFAULT_SEED,
    restarts: p.restarts ?? DEFAULT_RESTARTS,
    maxIter: p.maxIter ?? DEFAULT_MAX_ITER,
    tol: p.tol ?? DEFAULT_TOL,
    silhouetteSample: p.silhouetteSample ?? DEFAULT_SILHOUETTE_SAMPLE,
    topCategories: p.topCategories ?? DEFAULT_TOP_CATEGORIES,
  };
}
