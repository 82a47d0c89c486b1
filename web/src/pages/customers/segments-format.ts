/** A saved segment's rule as short readable conditions (pure). */
export interface RuleFilter {
  readonly dimension: string;
  readonly op: string;
  readonly values?: readonly (string | number | boolean)[] | undefined;
}
export interface RuleCondition {
  readonly metric: string;
  readonly op: string;
  readonly values: readonly number[];
  readonly days?: number | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}
export interface RuleDefinition {
  readonly filters?: readonly RuleFilter[] | undefined;
  readonly metrics?: readonly RuleCondition[] | undefined;
}

const SYMBOL: Record<string, string> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: '∈', not_in: '∉', contains: '∋' };

function operands(op: string, values: readonly unknown[] | undefined): string {
  const v = (values ?? []).map(String);
  if (op === 'between') return `${v[0] ?? '?'} – ${v[1] ?? '?'}`;
  return v.join(' | ');
}

function condition(subject: string, op: string, values: readonly unknown[] | undefined): string {
  if (op === 'is_null') return `${subject} = ∅`;
  if (op === 'not_null') return `${subject} ≠ ∅`;
  if (op === 'between') return `${subject} ∈ [${operands(op, values)}]`;
  return `${subject} ${SYMBOL[op] ?? op} ${operands(op, values)}`;
}

/**
 * One text per condition: `province ∈ 广东省 | 浙江省`, `销售额 ≥ 1000 (window)`. `name` labels a metric or
 * dimension key; `window` words a metric's window (days, or from–to).
 */
export function ruleParts(def: RuleDefinition | null | undefined, name: (key: string) => string, window: (c: { days?: number; from?: string; to?: string }) => string | undefined): string[] {
  if (!def) return [];
  const out: string[] = [];
  for (const f of def.filters ?? []) out.push(condition(name(f.dimension), f.op, f.values));
  for (const c of def.metrics ?? []) {
    const w = window({ ...(c.days !== undefined ? { days: c.days } : {}), ...(c.from ? { from: c.from } : {}), ...(c.to ? { to: c.to } : {}) });
    out.push(`${condition(name(c.metric), c.op, c.values)}${w ? ` (${w})` : ''}`);
  }
  return out;
}
