import type { Warehouse } from '../warehouse/port.js';
import { type Ctx, isOn, textAfter } from './chain.js';
import { regionRows, type Level } from './regions-data.js';
import { RULE } from './rules.js';
import { prepare } from './text.js';
import type { FieldCleanSql } from './types.js';

/**
 * Region cleaning: province, city and district names → official name + 6-digit GB/T 2260 code.
 *
 * The lookup is a temp table (created by setupCleaning) queried with scalar subqueries: DuckDB turns each into
 * a hash join over the distinct raw values, which is far cheaper than a MAP literal of ~10,000 names.
 * Each level is looked up within its parent: a city within the cleaned province, a district within the cleaned
 * city, else within the province, else nationwide (where an ambiguous name such as 朝阳区 keeps its name but gets
 * no code). A name that is not found in its parent's scope is invalid (e.g. 南山区 given with city 北京).
 */

export const REGION_TABLE = 'tm_clean_region_v1';

/** Lookup key of a cleaned text expression; must match regionKey() in regions-data.ts. */
function keySql(x: string): string {
  return `lower(replace(${x}, ' ', ''))`;
}

/**
 * A scalar subquery on the lookup table. Its columns are prefixed (tmr_) and the table aliased so that the
 * caller's raw expression, evaluated inside the subquery, cannot bind to them by accident.
 */
function lookup(column: 'tmr_name' | 'tmr_code', level: Level, key: string, scope: string): string {
  const a = `tmr_${level}`;
  return `(SELECT ${a}.${column} FROM ${REGION_TABLE} AS ${a} WHERE ${a}.tmr_level = '${level}' AND ${a}.tmr_scope = ${scope} AND ${a}.tmr_key = ${key})`;
}

export interface RegionRaw {
  readonly province?: string;
  readonly city?: string;
  readonly district?: string;
}

export interface RegionCleanSql {
  readonly province?: FieldCleanSql;
  readonly city?: FieldCleanSql;
  readonly district?: FieldCleanSql;
}

const EXPECTED: Record<Level, string> = {
  p: 'a province such as 广东省, 广东, 粤 or Guangdong',
  c: 'a city such as 深圳市 or 深圳 (within the province, if one is given)',
  d: 'a district or county such as 南山区 or 南山 (within the city or province, if given)',
};

/**
 * Cleans the region fields of one record together, so that a city is resolved within its province and a
 * district within its city (or province). Give the raw expressions of the fields the file has; the result has
 * a FieldCleanSql for each, whose `derived` holds `${prefix}province_code` etc.
 */
export function regionCleanSqlCtx(raw: RegionRaw, ctx: Ctx, prefix = ''): RegionCleanSql {
  const on = isOn(ctx, RULE.region);
  const levels: [Level, keyof RegionRaw][] = [
    ['p', 'province'],
    ['c', 'city'],
    ['d', 'district'],
  ];
  const names: Partial<Record<Level, string>> = {};
  const out: { -readonly [K in keyof RegionCleanSql]: FieldCleanSql } = {};
  for (const [level, field] of levels) {
    const rawExpr = raw[field];
    if (rawExpr === undefined) continue;
    const chain = prepare(rawExpr, ctx, { chinese: true });
    const x = chain.expr;
    const codeName = `${prefix}${field}_code`;
    if (!on) {
      out[field] = { value: x, invalid: 'false', steps: chain.steps, derived: { [codeName]: 'CAST(NULL AS VARCHAR)' }, expected: EXPECTED[level] };
      continue;
    }
    const parents = [level === 'd' ? names.c : undefined, level !== 'p' ? names.p : undefined].filter((s): s is string => s !== undefined);
    const scope = parents.length ? `coalesce(${parents.join(', ')}, '*')` : `'*'`;
    const key = keySql(x);
    const name = lookup('tmr_name', level, key, scope);
    names[level] = name;
    chain.record(RULE.region, textAfter(x, name));
    out[field] = {
      value: name,
      // One scalar subquery, planned like the lookups as a join on the distinct raw values: the text is cleaned and
      // looked up once per distinct value instead of on every row.
      invalid: `(SELECT ${x} IS NOT NULL AND ${name} IS NULL)`,
      steps: chain.steps,
      derived: { [codeName]: lookup('tmr_code', level, key, scope) },
      expected: EXPECTED[level],
    };
  }
  return out;
}

/** Creates and fills the lookup table (idempotent; a temp table, so once per connection). */
export async function setupRegions(wh: Warehouse, variants?: (s: string) => readonly string[]): Promise<void> {
  await wh.run(
    `CREATE TEMP TABLE IF NOT EXISTS ${REGION_TABLE} (tmr_level VARCHAR NOT NULL, tmr_scope VARCHAR NOT NULL, tmr_key VARCHAR NOT NULL, tmr_name VARCHAR NOT NULL, tmr_code VARCHAR)`,
  );
  const n = (await wh.query(`SELECT count(*) AS n FROM ${REGION_TABLE}`)).rows[0]?.n;
  if (Number(n) > 0) return;
  const tsv = regionRows(variants)
    .map((r) => [r.level, r.scope, r.key, r.name, r.code ?? ''].join('\t'))
    .join('\n');
  await wh.run(
    `INSERT INTO ${REGION_TABLE} SELECT split_part(l, chr(9), 1), split_part(l, chr(9), 2), split_part(l, chr(9), 3), split_part(l, chr(9), 4), nullif(split_part(l, chr(9), 5), '') ` +
      `FROM (SELECT unnest(string_split(CAST($1 AS VARCHAR), chr(10))) AS l)`,
    [tsv],
  );
}

