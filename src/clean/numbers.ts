import { letIn, lit, macroCall } from './sql.js';

/**
 * Numbers, money and identifiers, in SQL.
 *
 * Plain values take a fast path (one cheap DOUBLE cast as a test, then the real cast); only the others go through
 * the slow path: currency removal, one capture-free regex check, then the sign, digits, 万/亿 multiplier and percent
 * sign read with string functions. VARCHAR → DECIMAL casts stay at width 18: casting text to a wider (128-bit)
 * DECIMAL is two orders of magnitude slower.
 */

/** Currency words and signs, and every whitespace (thousands separators written as spaces). */
const CURRENCY = String.raw`(?:rmb|cny|usd|hkd|人民币|[¥￥$£€元块\s])`;

/**
 * A number with optional sign, accounting parentheses, trailing minus, a Chinese multiplier and a percent sign,
 * after currency removal: -1,234.50 (1,234.50) 1234.50- 1.5万 12.5%. Capture-free, so RE2 checks it with a DFA;
 * the parts are then read with plain string functions (a capturing regexp_extract costs several times more).
 */
const NUMBER_RE = String.raw`[-+]?\(?[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)(?:万亿|千|万|亿)?\)?-?%?`;

/** The parts of a value that matches NUMBER_RE once currency words and signs and whitespace are removed. */
interface Parts {
  readonly ok: string;
  readonly negative: string;
  readonly digits: string;
  readonly multiplier: string;
  readonly percent: string;
}

function parts(t: string, percent: boolean): Parts {
  return {
    ok: `(regexp_full_match(${t}, ${lit(NUMBER_RE)}) AND contains(${t}, '(') = contains(${t}, ')')${percent ? '' : ` AND NOT contains(${t}, '%')`})`,
    negative: `(contains(${t}, '-') OR contains(${t}, '('))`,
    // Only thousands separators to drop (¥1,234.50, the usual case): one replace(), much cheaper than a regex.
    digits: `CASE WHEN regexp_full_match(${t}, '[0-9.,]+') THEN replace(${t}, ',', '') ELSE regexp_replace(${t}, '[^0-9.]', '', 'g') END`,
    multiplier: `CASE WHEN contains(${t}, '万亿') THEN 1000000000000 WHEN contains(${t}, '亿') THEN 100000000 WHEN contains(${t}, '万') THEN 10000 WHEN contains(${t}, '千') THEN 1000 ELSE 1 END`,
    percent: `suffix(${t}, '%')`,
  };
}

/** Binds the value without currency words and signs to a lambda parameter and builds the slow path on its parts. */
function slowPath(s: string, percent: boolean, body: (p: Parts) => string): string {
  return letIn(`regexp_replace(${s}, ${lit(CURRENCY)}, '', 'gi')`, '__tm_m', (t) => {
    const p = parts(t, percent);
    return `CASE WHEN ${p.ok} THEN ${body(p)} END`;
  });
}

const sign = (p: Parts): string => `CASE WHEN ${p.negative} THEN -1 ELSE 1 END`;

/**
 * The magnitude with its multiplier applied, exactly. DECIMAL(18,6) arithmetic when the result fits (1.5万), else
 * widened to 128 bits (several times slower), so a huge value never overflows the multiplication.
 */
const scaled = (p: Parts): string =>
  letIn(
    `TRY_CAST(${p.digits} AS DECIMAL(18,6))`,
    '__tm_v',
    (v) => `CASE WHEN abs(CAST(${v} AS DOUBLE)) * ${p.multiplier} < 1e11 THEN CAST(${v} * ${p.multiplier} AS DECIMAL(38,6)) ELSE CAST(${v} AS DECIMAL(38,6)) * ${p.multiplier} END`,
  );

export const MONEY_MACRO = 'tm_clean_money';
export const INT_MACRO = 'tm_clean_int';
export const DECIMAL_MACRO = 'tm_clean_decimal';
export const ID_MACRO = 'tm_clean_id';

/**
 * The macro bodies below test the common case without a lambda (x is repeated, but DuckDB evaluates a repeated
 * expression once) and bind x with letIn only on the slow path, which then runs for those rows only.
 */

/** DECIMAL(18,2), rounded half away from zero (DuckDB's VARCHAR→DECIMAL cast and round() both do so). */
export function moneyBody(x: string): string {
  const slow = letIn(x, '__tm_s', (s) =>
    slowPath(s, false, (p) => `CASE WHEN ${p.multiplier} = 1 THEN TRY_CAST(${p.digits} AS DECIMAL(18,2)) ELSE TRY_CAST(round(${scaled(p)}, 2) AS DECIMAL(18,2)) END * ${sign(p)}`),
  );
  // A failing DECIMAL cast is slow (~0.4 µs); a DOUBLE cast is a cheap test of whether it will succeed.
  // ¥1,234.50 and 1,234.50 (the usual export form) are read with replace() calls, without the slow path.
  return (
    `CASE WHEN TRY_CAST(${x} AS DOUBLE) IS NOT NULL THEN TRY_CAST(${x} AS DECIMAL(18,2)) ` +
    `WHEN regexp_full_match(${x}, '[¥￥]?-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?') THEN TRY_CAST(replace(replace(replace(${x}, ',', ''), '¥', ''), '￥', '') AS DECIMAL(18,2)) ` +
    // 1.5万 with at most 7 integer digits: 10,000 × DECIMAL(18,6) cannot overflow.
    `WHEN regexp_full_match(${x}, '-?\\d{1,7}(?:\\.\\d{1,6})?万') THEN TRY_CAST(round(CAST(replace(${x}, '万', '') AS DECIMAL(18,6)) * 10000, 2) AS DECIMAL(18,2)) ` +
    `ELSE ${slow} END`
  );
}

/** BIGINT; fractions are rejected, not rounded. */
export function intBody(x: string): string {
  const slow = letIn(x, '__tm_s', (s) =>
    slowPath(s, false, (p) => letIn(scaled(p), '__tm_i', (v) => `CASE WHEN ${v} = round(${v}, 0) THEN TRY_CAST(${v} AS BIGINT) * ${sign(p)} END`)),
  );
  const d = `TRY_CAST(${x} AS DOUBLE)`;
  // A BIGINT cast would round 12.5 to 13: only whole numbers take it.
  return `CASE WHEN ${d} = round(${d}) THEN TRY_CAST(${x} AS BIGINT) WHEN ${d} IS NOT NULL THEN NULL ELSE ${slow} END`;
}

/** DOUBLE; 12.5% → 0.125; infinities and NaN are rejected. */
export function decimalBody(x: string): string {
  const slow = letIn(x, '__tm_s', (s) =>
    slowPath(s, true, (p) => `TRY_CAST(${p.digits} AS DOUBLE) * ${p.multiplier} * ${sign(p)} / CASE WHEN ${p.percent} THEN 100 ELSE 1 END`),
  );
  const d = `TRY_CAST(${x} AS DOUBLE)`;
  return `CASE WHEN isfinite(${d}) THEN ${d} WHEN ${d} IS NOT NULL THEN NULL ELSE ${slow} END`;
}

/**
 * Identifiers: "17850.0" → "17850" (a spreadsheet turned the id into a number), "1.785E+04" → "17850" when the
 * number is whole and below 10^15 (beyond that a double has lost digits). Anything else is kept as it is.
 */
export function idBody(x: string): string {
  const fix = letIn(x, '__tm_s', (s) => {
    const sci = letIn(`TRY_CAST(${s} AS DOUBLE)`, '__tm_d', (d) => `CASE WHEN ${d} = round(${d}) AND abs(${d}) < 1e15 THEN CAST(CAST(${d} AS BIGINT) AS VARCHAR) ELSE ${s} END`);
    return (
      `CASE WHEN regexp_full_match(${s}, '[+-]?\\d+\\.0+') THEN regexp_replace(${s}, '\\.0+$', '') ` +
      `WHEN regexp_full_match(${s}, '[+-]?\\d+(?:\\.\\d+)?[eE]\\+\\d+') THEN ${sci} ELSE ${s} END`
    );
  });
  return `CASE WHEN contains(${x}, '.0') OR contains(${x}, 'E+') OR contains(${x}, 'e+') THEN ${fix} ELSE ${x} END`;
}

export const moneySql = (x: string): string => macroCall(MONEY_MACRO, x);
export const intSql = (x: string): string => macroCall(INT_MACRO, x);
export const decimalSql = (x: string): string => macroCall(DECIMAL_MACRO, x);
export const idSql = (x: string): string => macroCall(ID_MACRO, x);

export const MONEY_EXPECTED = 'an amount such as 1234.50, ¥1,234.50, 1.5万 or (1,234.50)';
export const INT_EXPECTED = 'a whole number such as 42, 1,234 or 1.5万';
export const DECIMAL_EXPECTED = 'a number such as 3.5, 1,234.5, 1.5万 or 12.5%';
