/**
 * Cleaning rules for imports. Every rule is a DuckDB SQL expression over the raw VARCHAR value, so an import
 * cleans a 10M-row staging table inside DuckDB in one SELECT instead of row by row in JS.
 *
 * Rules (stable names: import logs count by them, CleanConfig.disabled switches them off):
 * - trim                       strip whitespace incl. U+3000, NBSP, zero-width, BOM; empty → missing
 * - null_tokens                NULL, N/A, NA, -, --, —, 无, 空, (空), #N/A, nan … → missing
 * - fullwidth_to_halfwidth     Ａ１！ → A1! (U+FF01–FF5E, U+3000; free text: letters and digits only)
 * - traditional_to_simplified  OpenCC, only with CleanConfig.traditionalToSimplified and a UDF-capable warehouse
 * - id_normalize               17850.0 → 17850, 1.785E+04 → 17850
 * - phone_e164                 mainland mobile/landline, 400/800, +852/+853/+886 → E.164; extensions dropped
 * - email_normalize            lower-case, local@domain.tld
 * - date_parse, timestamp_parse  2023-10-15, 2023/1/5, 2023.10.15, 20231015, 2023年10月15日 14:30, ISO 8601 with
 *                              Z/offset (→ business time zone), M/D/YYYY H:MM, Excel serials; impossible dates invalid
 * - amount_parse               ¥ ￥ RMB 元 $, thousands separators, 万/亿, (1,234.50), 1234.50- → DECIMAL(18,2)
 * - number_parse               same for int (BIGINT, no fractions) and decimal (DOUBLE, 12.5% → 0.125)
 * - region_normalize           province/city/district → official name + 6-digit GB/T 2260 code (*_code)
 * - gender_normalize           男/女/M/F/先生/女士/1/2 → male/female; 0/9/missing → unknown
 * - bool_normalize             是/否 Y/N yes/no true/false 1/0 对/错 √/× 有/无 T/F → BOOLEAN
 * - enum_normalize             Chinese/English synonyms → the field's vocabulary; else unknown/other (flagged)
 * - json_parse                 JSON fields must hold valid JSON
 *
 * Usage: `await setupCleaning(wh, config)` once per connection — it creates the rule macros (tm_clean_*), the region
 * lookup table and, if the warehouse can register functions, the OpenCC UDF — then per mapped field
 * `cleanFieldSql(field, rawExpr, config)`, or `cleanFieldsSql(entity.fields, rawByField, config)` for a whole
 * record, which resolves a district within its city and a city within its province (see regionCleanSql).
 *
 * Performance: plain values take a few cheap tests and one cast; only values that need repairing reach the
 * regex paths (bound with a lambda so they are evaluated once, and only for those rows). Region lookups and the
 * region invalid test are scalar subqueries, which DuckDB runs once per distinct raw value.
 * `value` has the schema's SQL type; `invalid` is true when a value was present but could not be cleaned (or, for
 * gender and enums, was replaced by unknown/other); `steps` give each applied rule's VARCHAR before/after so the
 * import log can count `count_if(before IS DISTINCT FROM after)` per rule.
 */
import { sqlType, type FieldDef } from '../schema/index.js';
import { Chain, ctxOf, type Ctx, textAfter, typedAfter } from './chain.js';
import { checkTimeZone, DATE_EXPECTED, dateSql, TIMESTAMP_EXPECTED, timestampSql } from './dates.js';
import { EMAIL_EXPECTED, emailSql } from './email.js';
import { DECIMAL_EXPECTED, decimalSql, idSql, INT_EXPECTED, intSql, MONEY_EXPECTED, moneySql } from './numbers.js';
import { PHONE_EXPECTED, phoneSql } from './phone.js';
import { type RegionCleanSql, regionCleanSqlCtx, type RegionRaw } from './regions.js';
import { RULE } from './rules.js';
import { NULL_TOKENS, prepare } from './text.js';
import { DEFAULT_CLEAN_CONFIG, type CleanConfig, type FieldCleaner, type FieldCleanSql } from './types.js';
import { BOOL_TOKENS, boolSql, enumVocab, enumLookupSql, GENDER_TOKENS, genderLookupSql } from './vocab.js';
import { lit } from './sql.js';

export * from './types.js';
export { RULES, RULE, type RuleName } from './rules.js';
export { setupCleaning, type CleaningSetup, type UdfHost } from './setup.js';
export type { RegionCleanSql, RegionRaw } from './regions.js';
export { REGION_TABLE } from './regions.js';

function configOf(config: Partial<CleanConfig> | undefined): Ctx {
  const full = { ...DEFAULT_CLEAN_CONFIG, ...config };
  checkTimeZone(full.timeZone);
  return ctxOf(full);
}

const isNullToken = (t: string): boolean => NULL_TOKENS.includes(t);

/** A rule whose result has the column's SQL type; disabled, the value is a plain TRY_CAST of the text. */
function parsed(chain: Chain, rule: string, parse: (x: string) => string, type: string, expected: string): FieldCleanSql {
  const x = chain.expr;
  const value = chain.on(rule) ? parse(x) : `TRY_CAST(${x} AS ${type})`;
  if (chain.on(rule)) chain.record(rule, typedAfter(x, value, type), { value, sqlType: type });
  return { value: (`CAST(${value} AS ${type})`), invalid: (`(${x} IS NOT NULL AND ${value} IS NULL)`), steps: chain.steps, derived: {}, expected };
}

/** A rule that rewrites text to canonical text, NULL when invalid; disabled, the text passes unchecked. */
function rewritten(chain: Chain, rule: string, rewrite: (x: string) => string, expected: string): FieldCleanSql {
  const x = chain.expr;
  if (!chain.on(rule)) return { value: x, invalid: 'false', steps: chain.steps, derived: {}, expected };
  const value = rewrite(x);
  chain.record(rule, textAfter(x, value));
  return { value, invalid: `(${x} IS NOT NULL AND ${value} IS NULL)`, steps: chain.steps, derived: {}, expected };
}

/**
 * Vocabulary lookup with a fallback value for unrecognised input (flagged as invalid, but kept). The MAP literal
 * must stay out of lambdas, where DuckDB would rebuild it for every row; repeating x costs nothing (DuckDB
 * evaluates a repeated expression once).
 */
function vocabulary(chain: Chain, rule: string, lookup: (s: string) => string, fallback: string | undefined, missing: string | undefined, expected: string): FieldCleanSql {
  const x = chain.expr;
  if (!chain.on(rule)) return { value: (x), invalid: 'false', steps: chain.steps, derived: {}, expected };
  const found = fallback === undefined ? lookup(x) : `coalesce(${lookup(x)}, ${lit(fallback)})`;
  const value = `CASE WHEN ${x} IS NULL THEN ${missing === undefined ? 'NULL' : lit(missing)} ELSE ${found} END`;
  chain.record(rule, value);
  return { value: (value), invalid: (`(${x} IS NOT NULL AND ${lookup(x)} IS NULL)`), steps: chain.steps, derived: {}, expected };
}

function cleanWith(field: FieldDef, raw: string, ctx: Ctx): FieldCleanSql {
  const tz = ctx.config.timeZone;
  switch (field.type) {
    case 'text': {
      const c = prepare(raw, ctx, { freeText: true, chinese: true });
      return { value: c.expr, invalid: 'false', steps: c.steps, derived: {}, expected: 'any text' };
    }
    case 'id': {
      const c = prepare(raw, ctx).apply(RULE.id, idSql);
      return { value: c.expr, invalid: 'false', steps: c.steps, derived: {}, expected: 'an identifier such as 17850 or A-1001' };
    }
    case 'phone':
      return rewritten(prepare(raw, ctx), RULE.phone, phoneSql, PHONE_EXPECTED);
    case 'email':
      return rewritten(prepare(raw, ctx), RULE.email, emailSql, EMAIL_EXPECTED);
    case 'int':
      return parsed(prepare(raw, ctx), RULE.number, intSql, 'BIGINT', INT_EXPECTED);
    case 'decimal':
      return parsed(prepare(raw, ctx), RULE.number, decimalSql, 'DOUBLE', DECIMAL_EXPECTED);
    case 'money':
      return parsed(prepare(raw, ctx), RULE.amount, moneySql, 'DECIMAL(18,2)', MONEY_EXPECTED);
    case 'date':
      return parsed(prepare(raw, ctx), RULE.date, (x) => dateSql(x, tz), 'DATE', DATE_EXPECTED);
    case 'timestamp':
      return parsed(prepare(raw, ctx), RULE.timestamp, (x) => timestampSql(x, tz), 'TIMESTAMP', TIMESTAMP_EXPECTED);
    case 'bool':
      return parsed(prepare(raw, ctx, { keepTokens: BOOL_TOKENS }), RULE.bool, boolSql, 'BOOLEAN', 'yes or no: 是/否, Y/N, true/false, 1/0, 有/无');
    case 'json':
      return parsed(prepare(raw, ctx), RULE.json, (x) => `CASE WHEN json_valid(${x}) THEN CAST(${x} AS JSON) END`, 'JSON', 'a JSON value such as {"key": 1}');
    case 'gender': {
      const c = prepare(raw, ctx, { keepTokens: GENDER_TOKENS, chinese: true });
      return vocabulary(c, RULE.gender, genderLookupSql, 'unknown', 'unknown', '男/女, 男性/女性, 先生/女士, M/F, male/female, 1/2 (GB/T 2261.1)');
    }
    case 'enum': {
      const values = field.values ?? [];
      const vocab = enumVocab(values);
      const keep = new Set([...vocab.map.keys()].filter(isNullToken));
      const c = prepare(raw, ctx, { keepTokens: keep, chinese: true });
      return vocabulary(c, RULE.enum, (s) => enumLookupSql(s, vocab), vocab.fallback, undefined, `one of ${values.join(', ')} (or a Chinese/English synonym such as 天猫, 已发货, 赢单)`);
    }
    case 'province':
    case 'city':
    case 'district': {
      const cleaned = regionCleanSqlCtx({ [field.type]: raw }, ctx)[field.type];
      if (!cleaned) throw new Error(`region cleaning produced nothing for ${field.name}`);
      const code = Object.values(cleaned.derived)[0] ?? 'CAST(NULL AS VARCHAR)';
      return { ...cleaned, derived: { [`${field.name}_code`]: code } };
    }
  }
}

/**
 * The SQL that cleans one field (type FieldCleaner). A province/city/district field cleaned on its own is looked up
 * nationwide; use cleanFieldsSql or regionCleanSql to resolve a district within its city.
 */
export const cleanFieldSql: FieldCleaner = (field, raw, config) => {
  const out = cleanWith(field, raw, configOf(config));
  return { ...out, value: `CAST(${out.value} AS ${sqlType(field.type)})` };
};

const REGION_TYPES = ['province', 'city', 'district'] as const;

/**
 * Cleans the province/city/district fields of one record together (a city within its province, a district within
 * its city, else its province). `prefix` names the fields: `${prefix}province` etc.; derived codes go to
 * `${prefix}province_code` etc.
 */
export function regionCleanSql(raw: RegionRaw, config?: Partial<CleanConfig>, prefix = ''): RegionCleanSql {
  const out = regionCleanSqlCtx(raw, configOf(config), prefix);
  const typed = (f: FieldCleanSql | undefined): FieldCleanSql | undefined => (f ? { ...f, value: `CAST(${f.value} AS VARCHAR)` } : undefined);
  return { province: typed(out.province), city: typed(out.city), district: typed(out.district) };
}

/**
 * Cleans every mapped field of a record: rawByField maps field names to raw SQL expressions (fields without one
 * are skipped). Region fields named `${prefix}province`, `${prefix}city`, `${prefix}district` are cleaned together
 * through regionCleanSql; everything else through cleanFieldSql.
 */
export function cleanFieldsSql(fields: readonly FieldDef[], rawByField: Readonly<Record<string, string>>, config?: Partial<CleanConfig>): Record<string, FieldCleanSql> {
  const out: Record<string, FieldCleanSql> = {};
  const groups = new Map<string, { -readonly [K in keyof RegionRaw]: string }>();
  for (const f of fields) {
    const raw = rawByField[f.name];
    if (raw === undefined) continue;
    const t = f.type;
    if ((t === 'province' || t === 'city' || t === 'district') && f.name.endsWith(t)) {
      const prefix = f.name.slice(0, -t.length);
      const g = groups.get(prefix) ?? {};
      g[t] = raw;
      groups.set(prefix, g);
    } else {
      out[f.name] = cleanFieldSql(f, raw, { ...DEFAULT_CLEAN_CONFIG, ...config });
    }
  }
  for (const [prefix, raw] of groups) {
    const cleaned = regionCleanSql(raw, config, prefix);
    for (const t of REGION_TYPES) {
      const c = cleaned[t];
      if (c) out[`${prefix}${t}`] = c;
    }
  }
  return out;
}
