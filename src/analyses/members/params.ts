/**
 * Member analysis parameters: what a caller may pass, the rules each must satisfy, and the resolved form
 * the queries run with. Every problem is reported at once with a stable code and the field it concerns.
 */
import { bucketLabel, isDay, shiftDay } from '../../query/time.js';

export const MEMBER_GRAINS = ['week', 'month', 'quarter', 'year'] as const;
export type MemberGrain = (typeof MEMBER_GRAINS)[number];

/** The most periods one run shows (one tier snapshot each); a longer range needs a coarser grain. */
export const MAX_PERIODS = 120;

export interface MembersParams {
  /** YYYY-MM-DD: first day of the range (inclusive). Default: the first tier change or points entry. */
  readonly from?: string;
  /** YYYY-MM-DD: last day of the range (inclusive). Default: the last tier change or points entry. */
  readonly to?: string;
  /** YYYY-MM-DD: instead of a range, one snapshot as of this day (events before it count). */
  readonly asOf?: string;
  /** YYYY-MM-DD, with asOf: the earlier date of the migration matrix; points are summed from it. */
  readonly compareAsOf?: string;
  /** Periods of the range (default month): a tier snapshot at the end of each. */
  readonly grain?: MemberGrain;
  /** Tier names, lowest first (default: recognised names such as 普通/银卡/金卡/钻石 in that order, others alphabetically after them). */
  readonly tiers?: readonly string[];
}

export interface MemberPeriod {
  /** Bucket label (2024-03) in a range; `asOf` in a snapshot. */
  readonly period: string;
  /** First and last day (inclusive) of the period within the range. */
  readonly from: string;
  readonly to: string;
  /** The tier snapshot and the balance are as of this day (the day after `to`): events before it count. */
  readonly snapshot: string;
}

export interface ResolvedMembersParams {
  readonly mode: 'range' | 'snapshot';
  readonly from: string;
  readonly to: string;
  readonly grain: MemberGrain;
  readonly periods: readonly MemberPeriod[];
  /** The migration matrix: tiers as of `start` × as of `end` (null in a snapshot without compareAsOf). */
  readonly migration: { readonly start: string; readonly end: string } | null;
  readonly tiers: readonly string[] | null;
}

export type MembersErrorCode = 'invalid_params' | 'invalid_date' | 'invalid_choice' | 'from_after_to' | 'as_of_with_range' | 'compare_needs_as_of' | 'compare_not_before_as_of' | 'invalid_tiers' | 'too_many_periods' | 'no_member_data';

export interface MembersIssue {
  readonly code: MembersErrorCode;
  readonly field: string;
  readonly message: string;
}

export class MembersError extends Error {
  override readonly name = 'MembersError';
  constructor(readonly issues: readonly MembersIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

const isDate = (s: unknown): s is string => typeof s === 'string' && isDay(s);

export function validateMembersParams(p: unknown): MembersIssue[] {
  const issues: MembersIssue[] = [];
  const add = (code: MembersErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected member parameters: { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "grain": "month" } or { "asOf": …, "compareAsOf": … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  for (const f of ['from', 'to', 'asOf', 'compareAsOf'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  if (q.grain !== undefined && !(MEMBER_GRAINS as readonly unknown[]).includes(q.grain)) add('invalid_choice', 'grain', `grain: '${String(q.grain)}' is not one of ${MEMBER_GRAINS.join(', ')}`);
  if (q.asOf !== undefined && (q.from !== undefined || q.to !== undefined)) add('as_of_with_range', 'asOf', 'asOf: give either a range (from/to) or one as-of date, not both');
  if (q.compareAsOf !== undefined && q.asOf === undefined) add('compare_needs_as_of', 'compareAsOf', 'compareAsOf: needs asOf (the later date of the migration); a range compares its first and last day by itself');
  if (isDate(q.from) && isDate(q.to) && q.from > q.to) add('from_after_to', 'from', `from: ${q.from} is after to ${q.to}`);
  if (isDate(q.compareAsOf) && isDate(q.asOf) && q.compareAsOf >= q.asOf) add('compare_not_before_as_of', 'compareAsOf', `compareAsOf: ${q.compareAsOf} must be before asOf ${q.asOf}`);
  if (q.tiers !== undefined) {
    const t = q.tiers;
    if (!Array.isArray(t) || t.length === 0 || !t.every((x) => typeof x === 'string' && x.trim() !== '')) add('invalid_tiers', 'tiers', `tiers: expected a list of tier names, lowest first, got ${JSON.stringify(t)}`);
    else if (new Set(t).size !== t.length) add('invalid_tiers', 'tiers', `tiers: a tier is named twice in ${JSON.stringify(t)}`);
  }
  return issues;
}

/** The first day of the bucket after the one `day` is in. */
export function nextBucketStart(grain: MemberGrain, day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  switch (grain) {
    case 'year':
      return `${y + 1}-01-01`;
    case 'quarter': {
      const q0 = `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
      return shiftDay(q0, 3, 'month');
    }
    case 'month':
      return shiftDay(`${day.slice(0, 7)}-01`, 1, 'month');
    case 'week': {
      const dow = new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
      return shiftDay(day, 8 - dow, 'day');
    }
  }
}

/** The periods of [from, to] at a grain, the first and last clipped to the range. */
export function periodsOf(grain: MemberGrain, from: string, to: string): MemberPeriod[] {
  const out: MemberPeriod[] = [];
  let start = from;
  while (start <= to && out.length <= MAX_PERIODS) {
    const next = nextBucketStart(grain, start);
    const end = next <= to ? shiftDay(next, -1, 'day') : to;
    out.push({ period: bucketLabel(grain, start), from: start, to: end, snapshot: shiftDay(end, 1, 'day') });
    start = next;
  }
  return out;
}

/** Validated parameters with their defaults; `first`/`last` are the days of the first and last membership event. */
export function resolveMembersParams(p: MembersParams, first: string, last: string): ResolvedMembersParams {
  const grain = p.grain ?? 'month';
  const tiers = p.tiers ? [...p.tiers] : null;
  if (p.asOf) {
    const from = p.compareAsOf ?? first;
    const to = shiftDay(p.asOf, -1, 'day');
    return {
      mode: 'snapshot',
      from: from <= to ? from : to,
      to,
      grain,
      periods: [{ period: p.asOf, from: from <= to ? from : to, to, snapshot: p.asOf }],
      migration: p.compareAsOf ? { start: p.compareAsOf, end: p.asOf } : null,
      tiers,
    };
  }
  const from = p.from ?? first;
  const to = p.to ?? last;
  return { mode: 'range', from, to, grain, periods: periodsOf(grain, from, to), migration: { start: from, end: shiftDay(to, 1, 'day') }, tiers };
}

const RANKS: readonly (readonly [RegExp, number])[] = [
  [/普通|注册|大众|basic|regular|standard/i, 0],
  [/铜|bronze/i, 1],
  [/银|silver/i, 2],
  [/白金|铂|platinum/i, 4],
  [/金|gold/i, 3],
  [/钻|diamond/i, 5],
  [/黑|black/i, 6],
];

/** Tiers lowest first: the caller's order when given (unlisted tiers after it), else recognised names by rank, the rest alphabetically. */
export function orderTiers(found: readonly string[], given: readonly string[] | null): string[] {
  const rank = (t: string): number => {
    if (given) {
      const i = given.indexOf(t);
      return i >= 0 ? i : given.length;
    }
    return RANKS.find(([re]) => re.test(t))?.[1] ?? RANKS.length;
  };
  const all = [...new Set([...(given ?? []), ...found])];
  return all.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
