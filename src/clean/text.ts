import { Chain, type Ctx } from './chain.js';
import { RULE } from './rules.js';
import { letIn, lit, listOf, macroCall } from './sql.js';

/**
 * Whitespace stripped from both ends (RE2 class): ASCII whitespace incl. \v, NEL, the Unicode separators (\p{Z}:
 * NBSP, U+2000–200A, U+3000 …), the zero-width characters and the BOM.
 */
const WS = String.raw`[\s\p{Z}\x{0b}\x{85}\x{180e}\x{200b}-\x{200d}\x{2060}\x{feff}]`;
/** Invisible characters removed anywhere in the value: zero-width space, word joiner, BOM (never meaningful). */
const INVISIBLE = String.raw`[\x{200b}\x{2060}\x{feff}]`;

/**
 * The text rules decide with cheap string functions whether they have anything to do (a regex test costs ~60 ns a
 * row, DuckDB's translate() microseconds; strlen, length, unicode and suffix a few ns), so plain ASCII values pass
 * through almost for free. Their guards look at the raw value, so each rule repeats its input at most twice
 * (DuckDB evaluates a repeated expression once). The bodies become macros (see macros.ts).
 */
export function trimBody(x: string): string {
  // Plain ASCII: a printable first character and no whitespace last (cheap tests). Other values: one regex test.
  const ascii = `strlen(${x}) = length(${x}) AND unicode(${x}) > 32 AND NOT (suffix(${x}, ' ') OR suffix(${x}, chr(9)) OR suffix(${x}, chr(10)) OR suffix(${x}, chr(13)))`;
  const other = `strlen(${x}) > length(${x}) AND NOT regexp_matches(${x}, ${lit(`^${WS}|${WS}$|${INVISIBLE}`)})`;
  const slow = letIn(`regexp_replace(${x}, ${lit(`^${WS}+|${WS}+$|${INVISIBLE}`)}, '', 'g')`, '__tm_r', (r) => `CASE WHEN ${r} = '' THEN NULL ELSE ${r} END`);
  return `CASE WHEN ${ascii} THEN ${x} WHEN ${other} THEN ${x} ELSE ${slow} END`;
}

/** Placeholders for "no value", compared lower-cased. */
export const NULL_TOKENS: readonly string[] = [
  'null', '(null)', '<null>', 'n/a', 'na', '#n/a', 'nan', 'none', 'nil', 'undefined',
  '-', '--', '---', '—', '——', '－', '/', '无', '空', '(空)', '（空）', '暂无', '未填', '未填写', '不详', '未知',
];

/**
 * raw: the untrimmed value, for the guard: a token (9 bytes at most, with some whitespace around it) is at most 32
 * bytes and does not start with a digit, as dates, amounts, phones and most ids do. tokens: a VARCHAR list
 * (list_contains, not IN: DuckDB binds long IN lists slowly).
 */
export function nullTokensBody(x: string, raw: string, tokens: string): string {
  // x is trimmed, so a token is its whole text: its first character must be one a token starts with (or its upper
  // case: lower() maps only N → n and U → u onto them). One integer test spares most values lower() and the list.
  return `CASE WHEN strlen(${raw}) <= 32 AND list_contains(${listOfInts(TOKEN_FIRST_CODES)}, unicode(${x})) AND list_contains(${tokens}, lower(${x})) THEN NULL ELSE ${x} END`;
}

/** Code points a null token can start with, upper-cased forms included (the list passed to the macro is a subset). */
const TOKEN_FIRST_CODES: readonly number[] = [
  ...new Set(NULL_TOKENS.flatMap((t) => [...new Set([t, t.toUpperCase()])].map((v) => v.codePointAt(0)!))),
].sort((a, b) => a - b);

function listOfInts(xs: readonly number[]): string {
  return `[${xs.join(', ')}]`;
}

function range(from: number, to: number): string {
  let s = '';
  for (let c = from; c <= to; c++) s += String.fromCodePoint(c);
  return s;
}

/** U+FF01–FF5E → U+0021–007E and U+3000 → space; also 。→ . and the dash family → -. */
const FW_FROM = range(0xff01, 0xff5e) + '\u3000\u3002\u2010\u2011\u2012\u2013\u2014\u2015\u2212';
const FW_TO = range(0x21, 0x7e) + ' .-------';
const FW_CLASS = String.raw`[\x{ff01}-\x{ff5e}\x{3000}\x{3002}\x{2010}-\x{2015}\x{2212}]`;
/** Free text: only full-width digits and letters, and the ideographic space. Chinese punctuation stays. */
const FW_TEXT_FROM = range(0xff10, 0xff19) + range(0xff21, 0xff3a) + range(0xff41, 0xff5a) + '\u3000';
const FW_TEXT_TO = range(0x30, 0x39) + range(0x41, 0x5a) + range(0x61, 0x7a) + ' ';
const FW_TEXT_CLASS = String.raw`[\x{ff10}-\x{ff19}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}\x{3000}]`;

const FW_MAP = new Map([...FW_FROM].map((ch, i) => [ch, FW_TO[i] ?? ch]));

/** The JS twin of fullwidthSql for structured values, for keys of vocabularies compared after that rule. */
export function halfwidth(s: string): string {
  return [...s].map((ch) => FW_MAP.get(ch) ?? ch).join('');
}

/**
 * raw: the untrimmed value, for the guard (trimming and null tokens neither add nor remove full-width characters
 * inside a value): only a non-ASCII raw value with a full-width character reaches translate().
 */
export function fullwidthBody(x: string, raw: string, freeText: boolean): string {
  const [cls, from, to] = freeText ? [FW_TEXT_CLASS, FW_TEXT_FROM, FW_TEXT_TO] : [FW_CLASS, FW_FROM, FW_TO];
  return `CASE WHEN strlen(${raw}) = length(${raw}) OR NOT regexp_matches(${raw}, ${lit(cls)}) THEN ${x} ELSE translate(${x}, ${lit(from)}, ${lit(to)}) END`;
}

export const TRIM_MACRO = 'tm_clean_trim';
export const NULLS_MACRO = 'tm_clean_nulls';
export const FW_MACRO = 'tm_clean_fw';
export const FW_TEXT_MACRO = 'tm_clean_fw_text';

export function trimSql(x: string): string {
  return macroCall(TRIM_MACRO, x);
}

export function nullTokensSql(x: string, raw: string, keep: ReadonlySet<string> = new Set()): string {
  return macroCall(NULLS_MACRO, x, raw, listOf(NULL_TOKENS.filter((t) => !keep.has(t))));
}

export function fullwidthSql(x: string, raw: string, freeText = false): string {
  return macroCall(freeText ? FW_TEXT_MACRO : FW_MACRO, x, raw);
}

/** Name of the SQL macro that setupCleaning creates: calls the OpenCC UDF only for values holding a convertible character. */
export const T2S_MACRO = 'tm_t2s_lazy';
export const T2S_UDF = 'tm_t2s';

export function t2sSql(x: string): string {
  return `${T2S_MACRO}(${x})`;
}

export interface PrepareOptions {
  /** Null tokens that mean something for this field (e.g. 无 = false for a bool) and so are kept. */
  readonly keepTokens?: ReadonlySet<string>;
  /** Free text: full-width conversion limited to letters and digits. */
  readonly freeText?: boolean;
  /** Apply Traditional → Simplified when the import asks for it. */
  readonly chinese?: boolean;
}

/** The common first links of every field's chain: trim, null tokens, full-width, optionally t2s. */
export function prepare(raw: string, ctx: Ctx, opts: PrepareOptions = {}): Chain {
  const value = `CAST(${raw} AS VARCHAR)`;
  const chain = new Chain(value, ctx);
  chain.apply(RULE.trim, trimSql);
  chain.apply(RULE.nullTokens, (x) => nullTokensSql(x, value, opts.keepTokens));
  chain.apply(RULE.fullwidth, (x) => fullwidthSql(x, value, opts.freeText));
  if (opts.chinese && ctx.config.traditionalToSimplified) chain.apply(RULE.t2s, t2sSql);
  return chain;
}

