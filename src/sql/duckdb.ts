import type { Dialect } from './dialect.js';
import { numberLiteral, quoteIdentDouble, sqlString } from './dialect.js';

const FN: Record<string, string> = { strlen: 'length' };

export const duckdb: Dialect = {
  name: 'duckdb',
  ident: quoteIdentDouble,
  literal: (v) => (v === null ? 'NULL' : typeof v === 'boolean' ? (v ? 'true' : 'false') : typeof v === 'number' ? numberLiteral(v) : sqlString(v)),
  param: (n) => `$${n}`,
  fn: (name, args) => `${FN[name] ?? name}(${args.join(', ')})`,
  agg: (name, args, distinct, filter) => {
    const a = args.length === 0 ? '*' : args.join(', ');
    const f = name === 'any' ? 'any_value' : name;
    return `${f}(${distinct ? 'DISTINCT ' : ''}${a})${filter === undefined ? '' : ` FILTER (WHERE ${filter})`}`;
  },
  cast: (e, to) => `CAST(${e} AS ${{ double: 'DOUBLE', bigint: 'BIGINT', varchar: 'VARCHAR', date: 'DATE', timestamp: 'TIMESTAMP' }[to]})`,
  trunc: (unit, e) => `date_trunc('${unit}', ${e})`,
  part: (part, e) => (part === 'week' ? `isoweek(${e})` : part === 'dow' ? `isodow(${e})` : `${part}(${e})`),
  years: (from, to) => `date_part('year', age(CAST(${to} AS TIMESTAMP), CAST(${from} AS TIMESTAMP)))`,
  seconds: (from, to) => `date_diff('second', ${from}, ${to})`,
  shift: (e, n, unit) => `(${e} + INTERVAL ${Math.trunc(n)} ${unit.toUpperCase()})`,
  addDays: (e, n) => `(${e} + to_days(CAST(${n} AS INTEGER)))`,
  json: (e, key) => `json_extract_string(${e}, ${sqlString('$.' + JSON.stringify(key))})`,
  grouping: (args) => `GROUPING(${args.join(', ')})`,
  series: (from, to, unit) => `(SELECT CAST(range AS TIMESTAMP) AS bucket FROM range(CAST(${from} AS TIMESTAMP), CAST(${to} AS TIMESTAMP) + INTERVAL 1 ${unit.toUpperCase()}, INTERVAL 1 ${unit.toUpperCase()}))`,
};
