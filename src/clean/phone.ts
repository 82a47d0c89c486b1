import { letIn, lit, macroCall } from './sql.js';

/**
 * Phone numbers → E.164, entirely in SQL (RE2).
 *
 * Accepted (after full-width conversion):
 * - mainland mobile: 1[3-9] + 9 digits, optionally after +86 / 0086 / 86 and a stray trunk 0;
 * - landline: 0 + area code + local number, or +86/0086/86 + area code (with an optional "(0)"):
 *   area 10 or 2X (two digits) with an 8-digit number, other area codes 0[3-9]XX with a 7–8 digit number;
 * - 400/800 service numbers (10 digits) → +86400…, +86800…;
 * - Hong Kong, Macau, Taiwan numbers written with an explicit +852/+853/+886 (or 00…) prefix.
 * Separators (spaces, dashes, dots, parentheses) are ignored; extensions (转123, 分机123, ext 123, x123, #123,
 * or "-123" after a complete number) are dropped. Everything else is invalid.
 */

const PREFIX = String.raw`^(?:tel|mobile|phone|手机|电话)\s*:?\s*`;
const EXTENSION = String.raw`\s*(?:转|分机|ext\.?|x|#)\s*:?\s*\d{1,6}$`;
const SEPARATORS = String.raw`[\s\-().\[\]]`;
/** A trailing "-123" after the number: tried only when the whole string is not a number. */
const DASH_EXTENSION = String.raw`-\s*\d{1,6}$`;

const CC = String.raw`(?:\+86|0086|86)`;
/** Every accepted mainland form, as one capture-free pattern (RE2 runs those as a fast DFA). */
const MAINLAND = [
  String.raw`${CC}?0?1[3-9]\d{9}`, // mobile (a stray trunk 0 is tolerated)
  String.raw`(?:${CC}0?|0)(?:10|2\d)\d{8}`, // area 10 or 2X + 8 digits
  String.raw`(?:${CC}0?|0)[3-9]\d\d\d{7,8}`, // area 0[3-9]XX + 7–8 digits
  String.raw`${CC}?[48]00\d{7}`, // 400 / 800
].join('|');
/** What precedes the national number: the country code and/or the trunk 0. */
const MAINLAND_PREFIX = String.raw`^${CC}?0?`;
const HK_MO_TW = String.raw`(?:\+|00)85[23][2-9]\d{7}|(?:\+|00)8860?[2-9]\d{7,8}`;
const HK_MO_TW_PREFIX = String.raw`^(?:\+|00)(85[23]|886)0?`;

function e164(digits: string): string {
  return letIn(
    digits,
    '__tm_d',
    (d) =>
      `CASE WHEN regexp_full_match(${d}, ${lit(MAINLAND)}) THEN '+86' || regexp_replace(${d}, ${lit(MAINLAND_PREFIX)}, '') ` +
      `WHEN regexp_full_match(${d}, ${lit(HK_MO_TW)}) THEN '+' || regexp_replace(${d}, ${lit(HK_MO_TW_PREFIX)}, '\\1') END`,
  );
}

export const PHONE_MACRO = 'tm_clean_phone';

/** E.164 text of a (trimmed, half-width) phone expression, NULL when it is not a phone number. */
export function phoneBody(x: string): string {
  const slow = letIn(`regexp_replace(${x}, ${lit(`${PREFIX}|${EXTENSION}`)}, '', 'gi')`, '__tm_p', (bare) => {
    const whole = e164(`regexp_replace(${bare}, ${lit(SEPARATORS)}, '', 'g')`);
    const withoutDashExt = e164(`regexp_replace(regexp_replace(${bare}, ${lit(DASH_EXTENSION)}, ''), ${lit(SEPARATORS)}, '', 'g')`);
    return `coalesce(${whole}, ${withoutDashExt})`;
  });
  // The common cases without the slow path's regexes and lambdas: a bare 11-digit mobile number, and numbers whose
  // only separators are spaces, dashes and parentheses.
  const d = `replace(replace(replace(replace(${x}, ' ', ''), '-', ''), '(', ''), ')', '')`;
  return (
    `CASE WHEN regexp_full_match(${x}, '1[3-9]\\d{9}') THEN '+86' || ${x} ` +
    `WHEN regexp_full_match(${d}, ${lit(MAINLAND)}) THEN '+86' || regexp_replace(${d}, ${lit(MAINLAND_PREFIX)}, '') ELSE ${slow} END`
  );
}

export const phoneSql = (x: string): string => macroCall(PHONE_MACRO, x);

export const PHONE_EXPECTED = 'a phone number such as 13812345678, +86 138 1234 5678, 010-12345678 or (0755)8888 8888';
