import type { Dialect } from './dialect.js';
import { numberLiteral, sqlString } from './dialect.js';

/**
 * ClickHouse: parameters are server-side `{pN:Type}` placeholders (sent as `param_pN`), identifiers
 * back-quoted. Rendering only: the warehouse adapter for ClickHouse comes when a user needs it.
 */
const TRUNC: Record<string, string> = { year: 'toStartOfYear', quarter: 'toStartOfQuarter', month: 'toStartOfMonth', week: 'toMonday', day: 'toStartOfDay', hour: 'toStartOfHour' };
const PART: Record<string, string> = { year: 'toYear', quarter: 'toQuarter', month: 'toMonth', week: 'toISOWeek', day: 'toDayOfMonth', dow: 'toDayOfWeek', hour: 'toHour' };
const FN: Record<string, string> = { strlen: 'lengthUTF8', lower: 'lowerUTF8', upper: 'upperUTF8' };
const CONTAINS = (args: readonly string[]) => `(positionUTF8(${args.join(', ')}) > 0)`;

export const clickhouse: Dialect = {
  name: 'clickhouse',
  // Standard SQL NULLs for outer joins and rolled-up grouping columns (ClickHouse's defaults fill in 0 and '').
  statementSuffix: 'SETTINGS join_use_nulls = 1, group_by_use_nulls = 1',
  ident: (name) => {
    if (name.includes('\0')) throw new Error(`identifier contains NUL: ${JSON.stringify(name)}`);
    return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
  },
  literal: (v) => (v === null ? 'NULL' : typeof v === 'boolean' ? (v ? 'true' : 'false') : typeof v === 'number' ? numberLiteral(v) : sqlString(v).replace(/\\/g, '\\\\')),
  param: (n, v) => `{p${n}:${v === null ? 'Nullable(String)' : typeof v === 'number' ? (Number.isInteger(v) ? 'Int64' : 'Float64') : typeof v === 'bigint' ? 'Int64' : typeof v === 'boolean' ? 'Bool' : 'String'}}`,
  fn: (name, args) => (name === 'contains' ? CONTAINS(args) : `${FN[name] ?? name}(${args.join(', ')})`),
  agg: (name, args, distinct, filter) => {
    const a = args.length === 0 ? '' : args.join(', ');
    const f = name === 'any' ? 'any' : name === 'median' ? 'median' : name;
    if (distinct) {
      const u = filter === undefined ? `uniqExact(${a})` : `uniqExactIf(${a}, ${filter})`;
      return name === 'count' ? u : `${f}Distinct${filter === undefined ? '' : 'If'}(${a}${filter === undefined ? '' : `, ${filter}`})`;
    }
    if (filter === undefined) return `${f}(${a})`;
    return `${f}If(${a}${a ? ', ' : ''}${filter})`;
  },
  cast: (e, to) => `CAST(${e} AS ${{ double: 'Float64', bigint: 'Int64', varchar: 'String', date: 'Date', timestamp: 'DateTime64(6)' }[to]})`,
  trunc: (unit, e) => `${TRUNC[unit]}(${e})`,
  part: (part, e) => `${PART[part]}(${e})`,
  years: (from, to) => `age('year', ${from}, ${to})`,
  seconds: (from, to) => `dateDiff('second', ${from}, ${to})`,
  shift: (e, n, unit) => `(${e} + INTERVAL ${Math.trunc(n)} ${unit.toUpperCase()})`,
  addDays: (e, n) => `addDays(${e}, ${n})`,
  json: (e, key) => `JSONExtractString(${e}, ${sqlString(key).replace(/\\/g, '\\\\')})`,
  grouping: (args) => `GROUPING(${args.join(', ')})`,
  series: (from, to, unit) =>
    `(SELECT ${unit === 'week' ? `addWeeks(${from}, number)` : unit === 'quarter' ? `addQuarters(${from}, number)` : `add${unit[0]!.toUpperCase()}${unit.slice(1)}s(${from}, number)`} AS bucket FROM numbers(toUInt64(dateDiff('${unit}', ${from}, ${to}) + 1)))`,
};
