import { letIn, lit, macroCall } from './sql.js';

/**
 * Dates and date-times, in SQL. The result is a TIMESTAMP holding wall-clock time in the business time zone.
 *
 * Common forms take one cast (see timestampSql). Everything else is normalised first:
 * 年/月/日 and . / separators → Y-M-D, US-style M/D/YYYY → Y-M-D, 时/点/分/秒 → H:M:S, 上午/下午 → AM/PM,
 * 'T' → space, Z/UTC → +00:00, more than 6 fractional digits cut to 6; then cast, with AM/PM by strptime; values
 * with an offset are read as instants and converted to the business time zone.
 * Purely numeric values: 8 digits YYYYMMDD, 12 digits YYYYMMDDHHMM, 14 digits YYYYMMDDHHMMSS,
 * a 4-digit integer 1900–2100 is a bare year (1 January), other numbers 1–2958465 (fraction allowed) are
 * Excel serial dates (1900 date system; serial 60, Excel's fictitious 1900-02-29, is rejected).
 */

/** Y年M月D日 / Y-M-D / Y/M/D / Y.M.D (optionally followed by T or spaces), or M/D/YYYY, → "Y-M-D ". */
const DATE_PART = String.raw`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*T?\s*|^(\d{1,2})/(\d{1,2})/(\d{4})\s*`;

function normalised(x: string): string {
  let s = `replace(replace(${x}, '上午', 'AM'), '下午', 'PM')`;
  s = `translate(${s}, '时点分秒', ':::')`;
  s = `regexp_replace(${s}, ${lit(DATE_PART)}, '\\1\\6-\\2\\4-\\3\\5 ')`;
  s = `regexp_replace(${s}, '(AM|PM)\\s*(\\d{1,2}(?::\\d{2}){0,2})', '\\2 \\1', 'i')`;
  s = `regexp_replace(${s}, '[\\s:]+$', '')`;
  s = `regexp_replace(${s}, '\\s*(?:Z|UTC|GMT)$', '+00:00', 'i')`;
  s = `regexp_replace(${s}, '(\\.\\d{6})\\d+|\\s+([+-]\\d{2}(?::?\\d{2})?)$', '\\1\\2', 'g')`;
  return s;
}

function excelSerial(s: string): string {
  return letIn(
    `TRY_CAST(${s} AS DOUBLE)`,
    '__tm_d',
    (n) =>
      `CASE WHEN ${n} >= 1 AND ${n} < 2958466 AND NOT (${n} >= 60 AND ${n} < 61) ` +
      `THEN TIMESTAMP '1899-12-30' + to_seconds(CAST(round(${n} * 86400) AS BIGINT)) + CASE WHEN ${n} < 60 THEN INTERVAL 1 DAY ELSE INTERVAL 0 DAY END END`,
  );
}

function numeric(s: string): string {
  return (
    `CASE WHEN contains(${s}, '.') THEN ${excelSerial(s)} ` +
    `WHEN length(${s}) = 8 THEN try_strptime(${s}, '%Y%m%d') ` +
    `WHEN length(${s}) = 12 THEN try_strptime(${s}, '%Y%m%d%H%M') ` +
    `WHEN length(${s}) = 14 THEN try_strptime(${s}, '%Y%m%d%H%M%S') ` +
    `WHEN regexp_full_match(${s}, '19\\d\\d|20\\d\\d|2100') THEN make_timestamp(CAST(${s} AS BIGINT), 1, 1, 0, 0, 0) ` +
    `WHEN length(${s}) <= 7 THEN ${excelSerial(s)} END`
  );
}

/** Throws on a time zone name that is not an IANA zone, before DuckDB would fail on every row. */
export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone ${JSON.stringify(tz)}: use an IANA name such as Asia/Shanghai`);
  }
}

/**
 * Offsets (Z, +08:00, -0500, UTC) after the time part. Cheap tests only: a '-' beyond the 10 characters of a
 * Y-M-D date can only belong to an offset.
 */
function zonedSql(s: string): string {
  return `(suffix(${s}, 'Z') OR contains(${s}, '+') OR contains(substr(${s}, 11), '-') OR suffix(${s}, 'UTC') OR suffix(${s}, 'GMT'))`;
}

/** An instant with an offset → wall clock in timeZone. DuckDB's TIMESTAMPTZ cast reads the offset; %z-style hours beyond 14 are rejected. */
function zonedValue(s: string, tz: string): string {
  return letIn(`regexp_replace(regexp_replace(${s}, '\\s*(?:UTC|GMT)$', 'Z', 'i'), '\\s+([+-]\\d)', '\\1')`, '__tm_z', (z) =>
    `CASE WHEN regexp_matches(${z}, '[+-](?:1[5-9]|[2-9]\\d)(?::?\\d{2})?$') THEN NULL ELSE timezone(${tz}, TRY_CAST(${z} AS TIMESTAMPTZ)) END`,
  );
}

/**
 * No business date is before the year 1000 (DuckDB's cast reads '1/5/23' as the year 1). Written with t once:
 * greatest() ignores NULL, so a NULL t also ends as NULL.
 */
function plausible(t: string): string {
  return `nullif(greatest(${t}, TIMESTAMP '0999-12-31'), TIMESTAMP '0999-12-31')`;
}

/** Y-M-D[ H:M[:S[.f]]][ AM|PM] after normalisation. */
function normalisedValue(n: string): string {
  return plausible(
    `CASE WHEN suffix(${n}, 'M') THEN CASE WHEN length(${n}) - length(replace(${n}, ':', '')) = 2 ` +
      `THEN try_strptime(${n}, '%Y-%m-%d %I:%M:%S %p') ELSE try_strptime(${n}, '%Y-%m-%d %I:%M %p') END ` +
      `ELSE TRY_CAST(regexp_replace(${n}, ' (\\d{1,2})$', ' \\1:00') AS TIMESTAMP) END`,
  );
}

export const TIMESTAMP_MACRO = 'tm_clean_ts';

/** The everyday forms DuckDB's own TIMESTAMP cast reads: Y-M-D or Y/M/D (1–2 digit parts), a space or T, H:M[:S[.f]]. */
const PLAIN_RE = String.raw`\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d{1,9})?)?)?`;
/** ISO 8601 with Z or an offset of at most ±14 hours, as DuckDB's TIMESTAMPTZ cast reads it. */
const ISO_ZONED_RE = String.raw`\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-4])(?::?\d\d)?)`;
/** 2023年10月15日[ 14:30[:15]]; the date alone casts once the blank that 日 became is trimmed. */
const CHINESE_RE = String.raw`\d{4}年\d{1,2}月\d{1,2}日(?: ?\d{1,2}:\d{1,2}(?::\d{1,2})?)?`;

/**
 * TIMESTAMP (wall clock in the zone tz, a VARCHAR expression) of a trimmed, half-width text expression; NULL when it
 * is not a date. A failing cast costs DuckDB ~0.4 µs (and so does each failing format of a try_strptime list), so
 * values are routed by cheap tests to the one cast that should read them: DuckDB's own TIMESTAMP cast for the
 * everyday forms (tested first, without a lambda), TIMESTAMPTZ for values with an offset, a few replace() calls for
 * 2023年10月15日; whatever that does not read goes through the regex normalisation.
 */
export function timestampBody(x: string, tz: string): string {
  const full = letIn(x, '__tm_s', (s) => {
    const digitFirst = `unicode(${s}) BETWEEN 48 AND 57`;
    const fast =
      `CASE WHEN ${zonedSql(s)} THEN ${plausible(zonedValue(s, tz))} ` +
      `WHEN ${digitFirst} AND strpos(${s}, '年') = 5 THEN ${plausible(`TRY_CAST(rtrim(replace(replace(replace(${s}, '年', '-'), '月', '-'), '日', ' ')) AS TIMESTAMP)`)} ` +
      `WHEN ${digitFirst} AND strpos(${s}, '/') BETWEEN 2 AND 3 THEN ${normalisedValue(`regexp_replace(${s}, '^(\\d{1,2})/(\\d{1,2})/(\\d{4})\\s*', '\\3-\\1-\\2 ')`)} END`;
    const slow =
      `CASE WHEN regexp_full_match(${s}, '\\d+(?:\\.\\d+)?') THEN ${numeric(s)} ` +
      `ELSE ${letIn(normalised(s), '__tm_n', (n) => `CASE WHEN ${zonedSql(n)} THEN ${plausible(zonedValue(n, tz))} ELSE ${normalisedValue(n)} END`)} END`;
    // coalesce is lazy inside a lambda: the slow path runs only where the fast one gave nothing.
    return `coalesce(${fast}, ${slow})`;
  });
  const common =
    `CASE WHEN regexp_full_match(${x}, ${lit(PLAIN_RE)}) THEN ${plausible(`TRY_CAST(${x} AS TIMESTAMP)`)} ` +
    `WHEN regexp_full_match(${x}, ${lit(ISO_ZONED_RE)}) THEN ${plausible(`timezone(${tz}, TRY_CAST(${x} AS TIMESTAMPTZ))`)} ` +
    `WHEN regexp_full_match(${x}, ${lit(CHINESE_RE)}) THEN ${plausible(`TRY_CAST(rtrim(replace(replace(replace(${x}, '年', '-'), '月', '-'), '日', ' ')) AS TIMESTAMP)`)} ` +
    // YYYYMMDD: what the numeric branch of the full path gives it, without its lambda and regex tests.
    `WHEN regexp_full_match(${x}, '\\d{8}') THEN try_strptime(${x}, '%Y%m%d') END`;
  return `coalesce(${common}, ${full})`;
}

/** TIMESTAMP (wall clock in timeZone) of a trimmed, half-width text expression; NULL when it is not a date. */
export function timestampSql(x: string, timeZone: string): string {
  checkTimeZone(timeZone);
  return macroCall(TIMESTAMP_MACRO, x, lit(timeZone));
}

export function dateSql(x: string, timeZone: string): string {
  return `CAST(${timestampSql(x, timeZone)} AS DATE)`;
}

export const DATE_EXPECTED = 'a date such as 2023-10-15, 2023/10/15 or 2023年10月15日';
export const TIMESTAMP_EXPECTED = 'a date and time such as 2023-10-15 14:30, 2023/10/15 14:30:00, 2023年10月15日 14:30 or 2023-10-15T06:30:00Z';
