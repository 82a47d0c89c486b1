import type { CleanConfig, CleanStep } from './types.js';

/** What every rule builder needs: the settings and the set of switched-off rules. */
export interface Ctx {
  readonly config: CleanConfig;
  readonly off: ReadonlySet<string>;
}

export function ctxOf(config: CleanConfig): Ctx {
  return { config, off: new Set(config.disabled) };
}

export function isOn(ctx: Ctx, rule: string): boolean {
  return !ctx.off.has(rule);
}

/**
 * A field's cleaning as a chain of VARCHAR expressions. Each applied rule records its input and output, and
 * the output of one step is literally the input of the next, so a caller can materialise any link by name.
 * A rule repeats its input at most a few times (DuckDB evaluates a repeated expression once) and the shared rules
 * are macros, so the generated SQL stays small: a few hundred characters per value.
 */
export class Chain {
  readonly steps: CleanStep[] = [];

  constructor(
    public expr: string,
    readonly ctx: Ctx,
  ) {}

  on(rule: string): boolean {
    return isOn(this.ctx, rule);
  }

  /** Applies rule when it is switched on: expr becomes f(expr). */
  apply(rule: string, f: (x: string) => string): this {
    if (!this.on(rule)) return this;
    const after = f(this.expr);
    this.steps.push({ rule, before: this.expr, after });
    this.expr = after;
    return this;
  }

  /** Records a final step whose output is computed elsewhere (a typed value rendered as VARCHAR). */
  record(rule: string, after: string, typed?: CleanStep['typed']): void {
    this.steps.push(typed ? { rule, before: this.expr, after, typed } : { rule, before: this.expr, after });
  }
}

/**
 * The VARCHAR `after` of a final (parsing or normalising) step. It is the input itself when the rule left the value
 * as it was (a plain cast of the input already gives it) or rejected it (the value is NULL: those rows are reported
 * as invalid instead), and the value as text when the rule rewrote it. So count_if(before IS DISTINCT FROM after)
 * counts exactly the values the rule repaired.
 */
export function typedAfter(before: string, value: string, sqlType: string): string {
  // nullif(v, cast) is NULL where the plain cast already gave v (or v is NULL); before and value are DuckDB
  // common subexpressions, evaluated once and shared with the value column.
  return `coalesce(CAST(nullif(${value}, TRY_CAST(${before} AS ${sqlType})) AS VARCHAR), ${before})`;
}

/**
 * `before IS DISTINCT FROM typedAfter(before, value, sqlType)` without rendering the value as text where the plain cast
 * of the input gives it (the common case): the text is compared only for the values the rule rewrote.
 */
export function typedChanged(before: string, value: string, sqlType: string): string {
  return `(CASE WHEN ${value} IS NULL THEN false WHEN ${value} IS NOT DISTINCT FROM TRY_CAST(${before} AS ${sqlType}) THEN false ELSE ${before} IS DISTINCT FROM CAST(${value} AS VARCHAR) END)`;
}

/** The `after` of a final step whose value is VARCHAR: the value, or the input where the rule rejected it. */
export function textAfter(before: string, value: string): string {
  return `coalesce(${value}, ${before})`;
}
