import { describe, expect, test } from 'vitest';
import { tempWarehouse } from '../testing/index.js';
import { agg, and, bin, cast, caseWhen, clickhouse, col, duckdb, fn, isNull, lit, not, param, render, renderExpr, star, trunc, type Expr, type Select } from './index.js';

const a = col('a');
const b = col('b');
const c = col('c');
const dk = (e: Expr) => renderExpr(e, duckdb).sql;
const ch = (e: Expr) => renderExpr(e, clickhouse).sql;

describe('expressions, DuckDB and ClickHouse', () => {
  const cases: [string, Expr, string, string][] = [
    ['column', col('amount'), '"amount"', '`amount`'],
    ['qualified column', col('province', 'customer'), '"customer"."province"', '`customer`.`province`'],
    ['star', star, '*', '*'],
    ['null', lit(null), 'NULL', 'NULL'],
    ['booleans', bin('AND', lit(true), lit(false)), 'true AND false', 'true AND false'],
    ['numbers', bin('+', lit(1.5), lit(-2)), '1.5 + -2', '1.5 + -2'],
    ['string', lit('won'), "'won'", "'won'"],
    ['coalesce', fn('coalesce', a, lit(0)), 'coalesce("a", 0)', 'coalesce(`a`, 0)'],
    ['strlen', fn('strlen', a), 'length("a")', 'lengthUTF8(`a`)'],
    ['lower', fn('lower', a), 'lower("a")', 'lowerUTF8(`a`)'],
    ['contains', fn('contains', a, lit('x')), "contains(\"a\", 'x')", "(positionUTF8(`a`, 'x') > 0)"],
    ['sum', agg('sum', [a]), 'sum("a")', 'sum(`a`)'],
    ['count(*)', agg('count', []), 'count(*)', 'count()'],
    ['count distinct', agg('count', [a], { distinct: true }), 'count(DISTINCT "a")', 'uniqExact(`a`)'],
    ['count distinct filtered', agg('count', [a], { distinct: true, filter: bin('>', b, lit(0)) }), 'count(DISTINCT "a") FILTER (WHERE "b" > 0)', 'uniqExactIf(`a`, `b` > 0)'],
    ['count(*) filtered', agg('count', [], { filter: isNull(a, true) }), 'count(*) FILTER (WHERE ("a" IS NOT NULL))', 'countIf((`a` IS NOT NULL))'],
    ['sum filtered', agg('sum', [a], { filter: bin('=', b, lit('won')) }), 'sum("a") FILTER (WHERE "b" = \'won\')', "sumIf(`a`, `b` = 'won')"],
    ['any', agg('any', [a]), 'any_value("a")', 'any(`a`)'],
    ['median', agg('median', [a]), 'median("a")', 'median(`a`)'],
    ['not', not(a), 'NOT ("a")', 'NOT (`a`)'],
    ['neg', { k: 'neg', e: a }, '-("a")', '-(`a`)'],
    ['is null', isNull(a), '("a" IS NULL)', '(`a` IS NULL)'],
    ['is not null', isNull(a, true), '("a" IS NOT NULL)', '(`a` IS NOT NULL)'],
    ['in', { k: 'in', e: a, list: [lit(1), lit(2)], not: false }, '("a" IN (1, 2))', '(`a` IN (1, 2))'],
    ['not in', { k: 'in', e: a, list: [lit('x')], not: true }, '("a" NOT IN (\'x\'))', "(`a` NOT IN ('x'))"],
    ['like', { k: 'like', e: a, pattern: lit('%x%'), not: false }, '("a" LIKE \'%x%\')', "(`a` LIKE '%x%')"],
    ['case', caseWhen([[bin('<', a, lit(18)), lit('<18')]], lit('18+')), 'CASE WHEN "a" < 18 THEN \'<18\' ELSE \'18+\' END', "CASE WHEN `a` < 18 THEN '<18' ELSE '18+' END"],
    ['case without else', caseWhen([[a, lit(1)]]), 'CASE WHEN "a" THEN 1 END', 'CASE WHEN `a` THEN 1 END'],
    ['cast double', cast(a, 'double'), 'CAST("a" AS DOUBLE)', 'CAST(`a` AS Float64)'],
    ['cast timestamp', cast(a, 'timestamp'), 'CAST("a" AS TIMESTAMP)', 'CAST(`a` AS DateTime64(6))'],
    ['cast varchar', cast(a, 'varchar'), 'CAST("a" AS VARCHAR)', 'CAST(`a` AS String)'],
    ['trunc month', trunc('month', a), 'date_trunc(\'month\', "a")', 'toStartOfMonth(`a`)'],
    ['trunc week', trunc('week', a), 'date_trunc(\'week\', "a")', 'toMonday(`a`)'],
    ['part month', { k: 'part', part: 'month', e: a }, 'month("a")', 'toMonth(`a`)'],
    ['part week', { k: 'part', part: 'week', e: a }, 'isoweek("a")', 'toISOWeek(`a`)'],
    ['part dow', { k: 'part', part: 'dow', e: a }, 'isodow("a")', 'toDayOfWeek(`a`)'],
    ['seconds', { k: 'seconds', from: a, to: b }, 'date_diff(\'second\', "a", "b")', "dateDiff('second', `a`, `b`)"],
    ['shift', { k: 'shift', e: a, n: -1, unit: 'year' }, '("a" + INTERVAL -1 YEAR)', '(`a` + INTERVAL -1 YEAR)'],
    ['addDays', { k: 'addDays', e: a, n: lit(-90) }, '("a" + to_days(CAST(-90 AS INTEGER)))', 'addDays(`a`, -90)'],
    ['json', { k: 'json', e: col('extra', 't'), key: '会员卡类型' }, 'json_extract_string("t"."extra", \'$."会员卡类型"\')', "JSONExtractString(`t`.`extra`, '会员卡类型')"],
    ['grouping', { k: 'grouping', exprs: [a, b] }, 'GROUPING("a", "b")', 'GROUPING(`a`, `b`)'],
    ['exists', { k: 'exists', query: { select: [{ expr: lit(1), as: 'one' }], from: { k: 'table', name: 'orders', as: 'o' } }, not: true }, '(NOT EXISTS (SELECT 1 AS "one"\n  FROM "orders" AS "o"))', '(NOT EXISTS (SELECT 1 AS `one`\n  FROM `orders` AS `o`))'],
  ];
  test.each(cases)('%s', (_name, e, duck, click) => {
    expect(dk(e)).toBe(duck);
    expect(ch(e)).toBe(click);
  });
});

describe('parameters', () => {
  test('are numbered in order of appearance, values kept apart from the SQL', () => {
    const e = bin('AND', bin('>=', a, param('2024-01-01')), bin('<', a, param('2024-02-01')));
    expect(renderExpr(e, duckdb)).toEqual({ sql: '"a" >= $1 AND "a" < $2', params: ['2024-01-01', '2024-02-01'] });
    expect(renderExpr(e, clickhouse)).toEqual({ sql: '`a` >= {p1:String} AND `a` < {p2:String}', params: ['2024-01-01', '2024-02-01'] });
  });

  test('ClickHouse placeholders carry the value type', () => {
    const r = renderExpr(fn('coalesce', param(1), param(1.5), param(true), param(null), param(5n), param('x')), clickhouse);
    expect(r.sql).toBe('coalesce({p1:Int64}, {p2:Float64}, {p3:Bool}, {p4:Nullable(String)}, {p5:Int64}, {p6:String})');
    expect(r.params).toEqual([1, 1.5, true, null, 5n, 'x']);
  });

  test('numbering runs through CTEs, subqueries, joins, WHERE, HAVING, unions, in text order', () => {
    const q: Select = {
      with: [{ name: 'w', query: { select: [{ expr: param('w1'), as: 'x' }] } }],
      select: [{ expr: param('s2'), as: 'y' }],
      from: { k: 'sub', query: { select: [{ expr: param('f3'), as: 'z' }] }, as: 'sub' },
      joins: [{ kind: 'left', from: { k: 'table', name: 'w', as: 'w' }, on: bin('=', col('x', 'w'), param('j4')) }],
      where: bin('=', col('z'), param('w5')),
      groupBy: [col('z')],
      having: bin('>', agg('count', []), param(6)),
      unionAll: [{ select: [{ expr: param('u7'), as: 'y' }] }],
    };
    const r = render(q, duckdb);
    expect(r.params).toEqual(['w1', 's2', 'f3', 'j4', 'w5', 6, 'u7']);
    const order = [...r.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.sql).toBe(
      [
        'WITH "w" AS (',
        '  SELECT $1 AS "x"',
        ')',
        'SELECT $2 AS "y"',
        'FROM (SELECT $3 AS "z") AS "sub"',
        'LEFT JOIN "w" AS "w" ON "w"."x" = $4',
        'WHERE "z" = $5',
        'GROUP BY "z"',
        'HAVING count(*) > $6',
        'UNION ALL',
        'SELECT $7 AS "y"',
      ].join('\n'),
    );
  });

  test('a series (look-back buckets) binds its bounds once in DuckDB', () => {
    const q: Select = { select: [{ expr: col('bucket', 's'), as: 'b' }], from: { k: 'series', from: param('2024-01-01'), to: param('2024-03-01'), unit: 'month', as: 's' } };
    expect(render(q, duckdb)).toEqual({
      sql: 'SELECT "s"."bucket" AS "b"\nFROM (SELECT CAST(range AS TIMESTAMP) AS bucket FROM range(CAST($1 AS TIMESTAMP), CAST($2 AS TIMESTAMP) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS "s"',
      params: ['2024-01-01', '2024-03-01'],
    });
    expect(render(q, clickhouse).sql).toBe(
      "SELECT `s`.`bucket` AS `b`\nFROM (SELECT addMonths({p1:String}, number) AS bucket FROM numbers(toUInt64(dateDiff('month', {p1:String}, {p2:String}) + 1))) AS `s`\nSETTINGS join_use_nulls = 1, group_by_use_nulls = 1",
    );
  });
});

describe('escaping', () => {
  test('identifiers: quotes doubled (DuckDB), back-quotes and backslashes escaped (ClickHouse)', () => {
    expect(dk(col('a"b'))).toBe('"a""b"');
    expect(dk(col('x"; DROP TABLE orders; --'))).toBe('"x""; DROP TABLE orders; --"');
    expect(dk(col('爱好', 'extra'))).toBe('"extra"."爱好"');
    expect(ch(col('a`b'))).toBe('`a\\`b`');
    expect(ch(col('a\\b'))).toBe('`a\\\\b`');
    expect(ch(col('a\\`; DROP TABLE x'))).toBe('`a\\\\\\`; DROP TABLE x`');
  });

  test('string literals: quotes doubled; backslashes literal in DuckDB, escaped in ClickHouse', () => {
    expect(dk(lit("it's"))).toBe("'it''s'");
    expect(dk(lit("x'); DROP TABLE orders; --"))).toBe("'x''); DROP TABLE orders; --'");
    expect(dk(lit('a\\b'))).toBe("'a\\b'");
    expect(ch(lit("it's"))).toBe("'it''s'");
    expect(ch(lit('a\\b'))).toBe("'a\\\\b'");
    expect(ch(lit("a\\'b"))).toBe("'a\\\\''b'");
    expect(dk(lit('会员'))).toBe("'会员'");
  });

  test('JSON keys of custom fields are escaped for the path and the string', () => {
    expect(dk({ k: 'json', e: col('extra'), key: "a'b" })).toBe('json_extract_string("extra", \'$."a\'\'b"\')');
    expect(dk({ k: 'json', e: col('extra'), key: 'a"b' })).toBe('json_extract_string("extra", \'$."a\\"b"\')');
    expect(ch({ k: 'json', e: col('extra'), key: "a'\\b" })).toBe("JSONExtractString(`extra`, 'a''\\\\b')");
  });

  test('on DuckDB, an escaped JSON key reads exactly that key', async () => {
    const t = await tempWarehouse();
    try {
      for (const key of ["it's\\x", 'a"b', '会员 卡', 'a.b', '$x', 'a[0]']) {
        const doc = JSON.stringify({ [key]: 'hit', a: { b: 'nested', '0': 'index' }, x: 'other' });
        const r = await t.wh.query(`SELECT ${dk({ k: 'json', e: col('j'), key })} AS v FROM (SELECT CAST($1 AS JSON) AS j)`, [doc]);
        expect(r.rows[0]?.v, key).toBe('hit');
      }
    } finally {
      await t.cleanup();
    }
  });

  test('NUL is rejected in identifiers and literals, and non-finite numbers are not literals', () => {
    for (const d of [duckdb, clickhouse]) {
      expect(() => renderExpr(col('a\0b'), d)).toThrow(/NUL/);
      expect(() => renderExpr(col('ok', 't\0'), d)).toThrow(/NUL/);
      expect(() => renderExpr(lit('a\0b'), d)).toThrow(/NUL/);
      expect(() => renderExpr(lit(Number.NaN), d)).toThrow(/finite/);
      expect(() => renderExpr(lit(Infinity), d)).toThrow(/finite/);
    }
    expect(() => renderExpr({ k: 'json', e: col('extra'), key: 'k\0' }, clickhouse)).toThrow(/NUL/);
    // DuckDB's JSON path spells the key as a JSON string, so a NUL there is the escape \u0000, not a NUL.
    expect(dk({ k: 'json', e: col('extra'), key: 'k\0' })).toBe('json_extract_string("extra", \'$."k\\u0000"\')');
    expect(() => render({ select: [{ expr: lit(1), as: 'a\0' }] }, duckdb)).toThrow(/NUL/);
    expect(() => render({ select: [{ expr: lit(1), as: 'x' }], from: { k: 'table', name: 'orders\0', as: 'o' } }, duckdb)).toThrow(/NUL/);
  });

  test('a parameter may hold anything: NUL and quotes go to the driver untouched', () => {
    expect(renderExpr(param("a\0'b"), duckdb)).toEqual({ sql: '$1', params: ["a\0'b"] });
  });
});

describe('operator precedence', () => {
  const cases: [string, Expr, string][] = [
    ['left-assoc +', bin('+', bin('+', a, b), c), '"a" + "b" + "c"'],
    ['a - (b - c)', bin('-', a, bin('-', b, c)), '"a" - ("b" - "c")'],
    ['a - (b + c)', bin('-', a, bin('+', b, c)), '"a" - ("b" + "c")'],
    ['a / (b * c)', bin('/', a, bin('*', b, c)), '"a" / ("b" * "c")'],
    ['(a + b) * c', bin('*', bin('+', a, b), c), '("a" + "b") * "c"'],
    ['a * b + c', bin('+', bin('*', a, b), c), '"a" * "b" + "c"'],
    ['a + b * c', bin('+', a, bin('*', b, c)), '"a" + "b" * "c"'],
    ['comparison of sums', bin('<', bin('+', a, b), c), '"a" + "b" < "c"'],
    ['(a = b) = c', bin('=', bin('=', a, b), c), '("a" = "b") = "c"'],
    ['a OR b AND c', bin('OR', a, bin('AND', b, c)), '"a" OR "b" AND "c"'],
    ['(a OR b) AND c', bin('AND', bin('OR', a, b), c), '("a" OR "b") AND "c"'],
    ['a AND (b OR c)', bin('AND', a, bin('OR', b, c)), '"a" AND ("b" OR "c")'],
    ['and() chains', and(bin('=', a, lit(1)), undefined, bin('=', b, lit(2)), bin('=', c, lit(3)))!, '"a" = 1 AND "b" = 2 AND "c" = 3'],
    ['NOT under AND', bin('AND', not(a), not(b)), 'NOT ("a") AND NOT ("b")'],
    ['NOT of an OR', not(bin('OR', a, b)), 'NOT ("a" OR "b")'],
    // NOT binds looser than a comparison: NOT a < b would mean NOT (a < b).
    ['(NOT a) < b', bin('<', not(a), b), '(NOT ("a")) < "b"'],
    ['(NOT a) = b', bin('=', not(a), b), '(NOT ("a")) = "b"'],
    ['a - (-b)', bin('-', a, { k: 'neg', e: b }), '"a" - -("b")'],
    ['-(a + b) * c', bin('*', { k: 'neg', e: bin('+', a, b) }, c), '-("a" + "b") * "c"'],
    ['function args are not bracketed', fn('coalesce', bin('OR', a, b)), 'coalesce("a" OR "b")'],
    ['IS NULL of a sum', isNull(bin('+', a, b)), '("a" + "b" IS NULL)'],
    ['cast of a difference', cast(bin('-', a, b), 'double'), 'CAST("a" - "b" AS DOUBLE)'],
  ];
  test.each(cases)('%s', (_n, e, sql) => expect(dk(e)).toBe(sql));

  test('rendered precedence agrees with DuckDB arithmetic', () => {
    // 10 - (4 - 3) = 9, (10 - 4) - 3 = 3, 2 * (3 + 4) = 14
    expect(dk(bin('-', lit(10), bin('-', lit(4), lit(3))))).toBe('10 - (4 - 3)');
    expect(dk(bin('-', bin('-', lit(10), lit(4)), lit(3)))).toBe('10 - 4 - 3');
    expect(dk(bin('*', lit(2), bin('+', lit(3), lit(4))))).toBe('2 * (3 + 4)');
  });
});

describe('statements', () => {
  const q: Select = {
    with: [{ name: 'f0', query: { select: [{ expr: col('channel', 't'), as: 'channel' }, { expr: agg('sum', [col('amount', 't')]), as: 'revenue' }], from: { k: 'table', name: 'orders', as: 't' }, where: bin('>=', col('ordered_at', 't'), cast(param('2024-01-01'), 'timestamp')), groupBy: [col('channel', 't')] } }],
    distinct: true,
    select: [{ expr: col('channel'), as: 'channel' }, { expr: fn('coalesce', col('revenue'), lit(0)), as: 'revenue' }],
    from: { k: 'table', name: 'f0', as: 'f0' },
    orderBy: [{ expr: col('revenue'), desc: true }, { expr: col('channel') }],
    limit: 10,
    offset: 20,
  };

  test('DuckDB', () => {
    expect(render(q, duckdb)).toEqual({
      sql: [
        'WITH "f0" AS (',
        '  SELECT "t"."channel" AS "channel", sum("t"."amount") AS "revenue"',
        '  FROM "orders" AS "t"',
        '  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP)',
        '  GROUP BY "t"."channel"',
        ')',
        'SELECT DISTINCT "channel" AS "channel", coalesce("revenue", 0) AS "revenue"',
        'FROM "f0" AS "f0"',
        'ORDER BY "revenue" DESC NULLS LAST, "channel" ASC NULLS LAST',
        'LIMIT 10',
        'OFFSET 20',
      ].join('\n'),
      params: ['2024-01-01'],
    });
  });

  test('ClickHouse', () => {
    expect(render(q, clickhouse).sql).toBe(
      [
        'WITH `f0` AS (',
        '  SELECT `t`.`channel` AS `channel`, sum(`t`.`amount`) AS `revenue`',
        '  FROM `orders` AS `t`',
        '  WHERE `t`.`ordered_at` >= CAST({p1:String} AS DateTime64(6))',
        '  GROUP BY `t`.`channel`',
        ')',
        'SELECT DISTINCT `channel` AS `channel`, coalesce(`revenue`, 0) AS `revenue`',
        'FROM `f0` AS `f0`',
        'ORDER BY `revenue` DESC NULLS LAST, `channel` ASC NULLS LAST',
        'LIMIT 10',
        'OFFSET 20',
        'SETTINGS join_use_nulls = 1, group_by_use_nulls = 1',
      ].join('\n'),
    );
  });

  test('grouping sets, and the grand total alone', () => {
    const base: Select = { select: [{ expr: col('p'), as: 'p' }, { expr: col('c'), as: 'c' }, { expr: agg('count', []), as: 'n' }], from: { k: 'table', name: 't', as: 't' } };
    expect(render({ ...base, groupBy: [col('p'), col('c')], groupingSets: [[0, 1], [0], []] }, duckdb).sql).toBe('SELECT "p" AS "p", "c" AS "c", count(*) AS "n"\nFROM "t" AS "t"\nGROUP BY GROUPING SETS (("p", "c"), ("p"), ())');
    expect(render({ ...base, groupBy: [], groupingSets: [[]] }, duckdb).sql).toBe('SELECT "p" AS "p", "c" AS "c", count(*) AS "n"\nFROM "t" AS "t"\nGROUP BY ()');
  });

  test('limits are whole numbers', () => {
    expect(render({ select: [{ expr: lit(1), as: 'x' }], limit: 2.9 }, duckdb).sql).toBe('SELECT 1 AS "x"\nLIMIT 2');
  });
});
