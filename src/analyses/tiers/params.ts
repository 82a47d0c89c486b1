/**
 * Value-tier parameters: the window, the ordered tier rules and the activity horizon. Every problem is
 * reported at once with a stable code and the field it concerns (as RFM does).
 */
import { isDate } from '../rfm/params.js';

/**
 * One tier rule. A customer matches when minSpend ≤ spend < maxSpend and minRepurchase ≤ repurchase < maxRepurchase
 * (lower bounds inclusive, upper bounds exclusive; an absent bound is no bound). Repurchase is a fraction 0–1.
 */
export interface TierRule {
  readonly tier: string;
  readonly minSpend?: number;
  readonly maxSpend?: number;
  readonly minRepurchase?: number;
  readonly maxRepurchase?: number;
}

/**
 * The source template's default (客户价值分层: 高价值 金额≥30万且复购率≥60%; 潜力客户 金额10万–30万且复购率30%–60%; 低价值 其他).
 * Read with the bounds above: potential = 100,000 ≤ spend < 300,000 and 30% ≤ repurchase < 60%.
 */
export const DEFAULT_TIER_RULES: readonly TierRule[] = [
  { tier: 'high', minSpend: 300_000, minRepurchase: 0.6 },
  { tier: 'potential', minSpend: 100_000, maxSpend: 300_000, minRepurchase: 0.3, maxRepurchase: 0.6 },
];
export const DEFAULT_OTHER_TIER = 'low';
export const DEFAULT_ACTIVE_DAYS = 90;

export interface TiersParams {
  /** YYYY-MM-DD: orders before this day count. Default: the day after the last counted order. */
  readonly asOf?: string;
  /** YYYY-MM-DD: first day of the window (inclusive). Default: all history. */
  readonly from?: string;
  /** Ordered rules; the first a customer matches gives its tier. Default {@link DEFAULT_TIER_RULES}. */
  readonly rules?: readonly TierRule[];
  /** The tier of customers matching no rule. Default 'low'. */
  readonly otherTier?: string;
  /** A customer is active when its last counted order is at most this many days before the as-of date. Default 90. */
  readonly activeDays?: number;
}

export interface ResolvedTiersParams {
  readonly asOf: string;
  readonly from: string | null;
  readonly rules: readonly TierRule[];
  readonly otherTier: string;
  readonly activeDays: number;
}

export type TiersErrorCode = 'invalid_params' | 'invalid_date' | 'from_not_before_as_of' | 'invalid_rules' | 'invalid_rule' | 'invalid_tier_name' | 'duplicate_tier' | 'invalid_bounds' | 'invalid_active_days' | 'empty_window';

export interface TiersIssue {
  readonly code: TiersErrorCode;
  /** The parameter concerned: `asOf`, `from`, `rules[1].maxSpend` … */
  readonly field: string;
  readonly message: string;
}

export class TiersError extends Error {
  override readonly name = 'TiersError';
  constructor(readonly issues: readonly TiersIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

/** Tier names are stored and used as dimension values: lower-case identifiers. */
export const TIER_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const RULE_KEYS = ['tier', 'minSpend', 'maxSpend', 'minRepurchase', 'maxRepurchase'] as const;

/** Window checks shared with the value matrix: dates real, from before asOf. */
export function windowIssues<C extends string>(q: Record<string, unknown>, add: (code: C | 'invalid_date' | 'from_not_before_as_of', field: string, message: string) => void): void {
  for (const f of ['asOf', 'from'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  if (isDate(q.from) && isDate(q.asOf) && q.from >= q.asOf) add('from_not_before_as_of', 'from', `from: ${q.from} must be before asOf ${q.asOf} (the window is from ≤ order day < asOf)`);
}

export function activeDaysIssue(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 36_500 ? null : `activeDays: expected a whole number of days 0–36500, got ${JSON.stringify(v)}`;
}

export function validateTiersParams(p: unknown): TiersIssue[] {
  const issues: TiersIssue[] = [];
  const add = (code: TiersErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected tier parameters: { "asOf": "YYYY-MM-DD", "from": …, "rules": [{ "tier": …, "minSpend": … }], … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  windowIssues<TiersErrorCode>(q, add);
  const ad = activeDaysIssue(q.activeDays);
  if (ad) add('invalid_active_days', 'activeDays', ad);
  if (q.otherTier !== undefined && !(typeof q.otherTier === 'string' && TIER_NAME.test(q.otherTier))) {
    add('invalid_tier_name', 'otherTier', `otherTier: '${String(q.otherTier)}' is not a tier name; use lower-case letters, digits and _ (starting with a letter, at most 40)`);
  }
  if (q.rules !== undefined) {
    if (!Array.isArray(q.rules) || q.rules.length === 0 || q.rules.length > 20) {
      add('invalid_rules', 'rules', 'rules: expected a list of 1–20 rules [{ "tier": "high", "minSpend": 300000, "minRepurchase": 0.6 }, …]');
    } else {
      const seen = new Set<string>([typeof q.otherTier === 'string' ? q.otherTier : DEFAULT_OTHER_TIER]);
      q.rules.forEach((r: unknown, i) => {
        const at = `rules[${i}]`;
        if (typeof r !== 'object' || r === null || Array.isArray(r)) {
          add('invalid_rule', at, `${at}: expected { "tier": …, "minSpend"?, "maxSpend"?, "minRepurchase"?, "maxRepurchase"? }`);
          return;
        }
        const o = r as Record<string, unknown>;
        for (const k of Object.keys(o)) if (!(RULE_KEYS as readonly string[]).includes(k)) add('invalid_rule', `${at}.${k}`, `${at}.${k}: unknown field; use ${RULE_KEYS.join(', ')}`);
        if (typeof o.tier !== 'string' || !TIER_NAME.test(o.tier)) {
          add('invalid_tier_name', `${at}.tier`, `${at}.tier: '${String(o.tier)}' is not a tier name; use lower-case letters, digits and _ (starting with a letter, at most 40)`);
        } else if (seen.has(o.tier)) {
          add('duplicate_tier', `${at}.tier`, `${at}.tier: '${o.tier}' is already used by an earlier rule or as the other tier`);
        } else seen.add(o.tier);
        for (const k of ['minSpend', 'maxSpend'] as const) {
          const v = o[k];
          if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) add('invalid_bounds', `${at}.${k}`, `${at}.${k}: expected a non-negative amount, got ${JSON.stringify(v)}`);
        }
        for (const k of ['minRepurchase', 'maxRepurchase'] as const) {
          const v = o[k];
          if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1)) add('invalid_bounds', `${at}.${k}`, `${at}.${k}: expected a fraction 0–1 (0.6 = 60%), got ${JSON.stringify(v)}`);
        }
        for (const [lo, hi] of [['minSpend', 'maxSpend'], ['minRepurchase', 'maxRepurchase']] as const) {
          const a = o[lo];
          const b = o[hi];
          if (typeof a === 'number' && typeof b === 'number' && !(a < b)) add('invalid_bounds', `${at}.${hi}`, `${at}.${hi}: ${b} must be greater than ${lo} ${a} (the range is ${lo} ≤ value < ${hi})`);
        }
      });
    }
  }
  return issues;
}

export function resolveTiersParams(p: TiersParams, asOf: string): ResolvedTiersParams {
  return {
    asOf,
    from: p.from ?? null,
    rules: (p.rules ?? DEFAULT_TIER_RULES).map((r) => ({ ...r })),
    otherTier: p.otherTier ?? DEFAULT_OTHER_TIER,
    activeDays: p.activeDays ?? DEFAULT_ACTIVE_DAYS,
  };
}
