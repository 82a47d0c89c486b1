import { describe, expect, test } from 'vitest';
import { duckdb, lit, renderExpr, type Expr } from '../sql/index.js';
import { FormulaError, metricRefs, parseFormula, type Formula } from './formula.js';
import { hasAggregate, resolve, ResolveError, SourceScope, type ResolveContext } from './resolve.js';

/** A compact, fully bracketed rendering of a parse tree, so precedence is visible at a glance. */
function show(f: Formula): string {
  switch (f.k) {
    case 'num':
      return String(f.value);
    case 'str':
      return `'${f.value}'`;
    case 'bool':
      return String(f.value);
    case 'null':
      return 'null';
    case 'field':
      return f.path.join('.');
    case 'metric':
      return `{${f.name}}`;
    case 'call':
      return `${f.name}(${f.distinct ? 'distinct ' : ''}${f.star ? '*' : f.args.map(show).join(', ')})`;
    case 'bin':
      return `(${show(f.left)} ${f.op} ${show(f.right)})`;
    case 'not':
      return `(not ${show(f.e)})`;
    case 'neg':
      return `(- ${show(f.e)})`;
    case 'isnull':
      return `(${show(f.e)} is ${f.not ? 'not ' : ''}null)`;
    case 'in':
      return `(${show(f.e)} ${f.not ? 'not ' : ''}in [${f.list.map(show).join(', ')}])`;
  }
}

const p = (src: string) => show(parseFormula(src));

function parseError(src: string): { message: string; position: number } {
  try {
    parseFormula(src);
  } catch (e) {
    if (e instanceof FormulaError) return { message: e.message, position: e.position };
    throw e;
  }
  throw new Error(`parsed: ${src}`);
}

describe('parser', () => {
  test.each([
    ['a + b * c', '(a + (b * c))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['-a * b', '((- a) * b)'],
    ['- -a', '(- (- a))'],
    ['a * -b', '(a * (- b))'],
    ['a + b > c * 2', '((a + b) > (c * 2))'],
    ['a = 1 OR b = 2 AND c = 3', '((a = 1) OR ((b = 2) AND (c = 3)))'],
    ['(a = 1 OR b = 2) AND c = 3', '(((a = 1) OR (b = 2)) AND (c = 3))'],
    ['NOT a = 1 AND b', '((not (a = 1)) AND b)'],
    ['not not a', '(not (not a))'],
    ['a OR b OR c', '((a OR b) OR c)'],
    ['a != b', '(a <> b)'],
    ['a == b', '(a = b)'],
    ['a <= b', '(a <= b)'],
    ['a >= b', '(a >= b)'],
    ['1.5e3 + .5', '(1500 + 0.5)'],
  ])('%s', (src, tree) => expect(p(src)).toBe(tree));

  test('IN and NOT IN', () => {
    expect(p("stage IN ('won', 'lost')")).toBe("(stage in ['won', 'lost'])");
    expect(p("stage NOT IN ('won', 'lost')")).toBe("(stage not in ['won', 'lost'])");
    expect(p("stage IS NULL OR stage not in ('won', 'lost')")).toBe("((stage is null) OR (stage not in ['won', 'lost']))");
    expect(p('month(x) in (3, 4, 5)')).toBe('(month(x) in [3, 4, 5])');
    expect(p('NOT a IN (1)')).toBe('(not (a in [1]))');
    expect(p('a + 1 IN (2, b * 3)')).toBe('((a + 1) in [2, (b * 3)])');
  });

  test('IS [NOT] NULL', () => {
    expect(p('paid_at IS NULL')).toBe('(paid_at is null)');
    expect(p('paid_at is not null AND shipped_at IS NOT NULL')).toBe('((paid_at is not null) AND (shipped_at is not null))');
    expect(p('NOT paid_at IS NULL')).toBe('(not (paid_at is null))');
    expect(p('a + b IS NULL')).toBe('((a + b) is null)');
  });

  test('literals: strings with doubled quotes, booleans, null, keywords in any case', () => {
    expect(parseFormula("status = 'it''s'")).toEqual({ k: 'bin', op: '=', left: { k: 'field', path: ['status'] }, right: { k: 'str', value: "it's" } });
    expect(parseFormula("''''")).toEqual({ k: 'str', value: "'" });
    expect(parseFormula("''")).toEqual({ k: 'str', value: '' });
    expect(parseFormula("'x''); DROP TABLE orders; --'")).toEqual({ k: 'str', value: "x'); DROP TABLE orders; --" });
    expect(parseFormula("'会员 ''金卡'''")).toEqual({ k: 'str', value: "会员 '金卡'" });
    expect(p('TRUE AND False OR NULL')).toBe('((true AND false) OR null)');
    expect(p('a Is Not Null')).toBe('(a is not null)');
  });

  test('{metric} references', () => {
    expect(p('{revenue} / {orders}')).toBe('({revenue} / {orders})');
    expect(p('({campaign_revenue} - {campaign_cost}) / {campaign_cost}')).toBe('(({campaign_revenue} - {campaign_cost}) / {campaign_cost})');
    expect(p('{ revenue }')).toBe('{revenue}');
    expect(metricRefs(parseFormula('{won_deals} / ({won_deals} + {lost_deals})'))).toEqual(['won_deals', 'lost_deals']);
    expect(metricRefs(parseFormula('coalesce({a}, -{b}) IN ({c}) OR {d} IS NULL OR NOT {e}'))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(metricRefs(parseFormula('sum(amount)'))).toEqual([]);
  });

  test('fields: relation paths, unicode custom fields, quoted names', () => {
    expect(parseFormula('customer.province')).toEqual({ k: 'field', path: ['customer', 'province'] });
    expect(parseFormula('order.customer.province')).toEqual({ k: 'field', path: ['order', 'customer', 'province'] });
    expect(parseFormula('extra.爱好')).toEqual({ k: 'field', path: ['extra', '爱好'] });
    expect(parseFormula('extra.会员卡类型2')).toEqual({ k: 'field', path: ['extra', '会员卡类型2'] });
    expect(parseFormula('customer.extra.血型')).toEqual({ k: 'field', path: ['customer', 'extra', '血型'] });
    expect(parseFormula('extra."会员-卡 类型"')).toEqual({ k: 'field', path: ['extra', '会员-卡 类型'] });
    expect(parseFormula('_x1')).toEqual({ k: 'field', path: ['_x1'] });
    expect(p("extra.爱好 = '游泳'")).toBe("(extra.爱好 = '游泳')");
  });

  test('calls: count(*), DISTINCT, nested, names lower-cased', () => {
    expect(parseFormula('count(*)')).toEqual({ k: 'call', name: 'count', args: [], star: true });
    expect(parseFormula('COUNT(DISTINCT customer_id)')).toEqual({ k: 'call', name: 'count', args: [{ k: 'field', path: ['customer_id'] }], distinct: true });
    expect(p('sum(amount - quantity * product.cost)')).toBe('sum((amount - (quantity * product.cost)))');
    expect(p("count_if(kind = 'complaint' AND resolved_at IS NOT NULL)")).toBe("count_if(((kind = 'complaint') AND (resolved_at is not null)))");
    expect(p('-sum(points)')).toBe('(- sum(points))');
    expect(p('coalesce(name, product_id)')).toBe('coalesce(name, product_id)');
    expect(p('today()')).toBe('today()');
  });

  test.each([
    ['sum(amount', "expected ')'", 10],
    ['sum(amount))', "unexpected ')'", 11],
    ['a +', 'unexpected end of formula', 3],
    ['a + * b', "unexpected '*'", 4],
    ["status = 'won", 'unterminated string', 9],
    ['{revenue / {orders}', "'{revenue / {orders}' is not a metric name", 0],
    ['{revenue', 'unterminated {metric}', 0],
    ['{1x} + 1', "'{1x}' is not a metric name", 0],
    ['a ; DROP TABLE orders', "unexpected ';'", 2],
    ['amount # 2', "unexpected '#'", 7],
    ['customer.', "expected a name after '.'", 9],
    ['customer.1', "expected a name after '.'", 9],
    ['a IS 1', 'expected NULL after IS', 5],
    ['a IN 1', "expected '('", 5],
    ['a IN (1, 2', "expected ')'", 10],
    ['a = b = c', "unexpected '='", 6],
    ['and', "unexpected 'and'", 0],
    ['sum(distinct *)', "unexpected '*'", 13],
    ['"unterminated', 'unterminated quoted name', 0],
    ['extra.爱好 @ 1', "unexpected '@'", 9],
    ['', 'unexpected end of formula', 0],
    ['a b', "unexpected 'b'", 2],
  ])('error: %s', (src, message, position) => {
    expect(parseError(src)).toEqual({ message, position });
  });
});

// -- resolve: formulas → SQL through the model --------------------------------------------------------

const sql = (e: Expr) => renderExpr(e, duckdb).sql;
function res(src: string, ctx: ResolveContext): string {
  return sql(resolve(parseFormula(src), ctx));
}
function resErr(src: string, ctx: ResolveContext): string {
  try {
    resolve(parseFormula(src), ctx);
  } catch (e) {
    if (e instanceof ResolveError) return e.message;
    throw e;
  }
  throw new Error(`resolved: ${src}`);
}
const measure = (source: string): ResolveContext => ({ scope: new SourceScope(source), aggregates: true });
const row = (source: string): ResolveContext => ({ scope: new SourceScope(source) });

describe('resolve', () => {
  test('fields through relations become LEFT JOINs on the target key, named by path', () => {
    const scope = new SourceScope('order_items');
    expect(res('order.customer.province', { scope })).toBe('"order__customer"."province"');
    expect(res('product.cost', { scope })).toBe('"product"."cost"');
    expect([...scope.joins.values()]).toEqual([
      { alias: 'order', table: 'orders', parentAlias: 't', via: 'order_id', targetKey: 'order_id' },
      { alias: 'order__customer', table: 'customers', parentAlias: 'order', via: 'customer_id', targetKey: 'customer_id' },
      { alias: 'product', table: 'products', parentAlias: 't', via: 'product_id', targetKey: 'product_id' },
    ]);
  });

  test('custom fields read the extra JSON, of the source or of a related table', () => {
    expect(res('extra.爱好', row('customers'))).toBe('json_extract_string("t"."extra", \'$."爱好"\')');
    expect(res("customer.extra.会员卡类型 = '金卡'", row('orders'))).toBe('json_extract_string("customer"."extra", \'$."会员卡类型"\') = \'金卡\'');
  });

  test('aggregates, filters and the built-in functions', () => {
    expect(res('sum(amount)', measure('orders'))).toBe('sum("t"."amount")');
    expect(res('count(*)', measure('orders'))).toBe('count(*)');
    expect(res('count_distinct(customer_id)', measure('orders'))).toBe('count(DISTINCT "t"."customer_id")');
    expect(res('count(distinct customer_id)', measure('orders'))).toBe('count(DISTINCT "t"."customer_id")');
    expect(res("count_if(kind = 'complaint')", measure('service_tickets'))).toBe('count(*) FILTER (WHERE "t"."kind" = \'complaint\')');
    expect(res("sum_if(amount, stage = 'won')", measure('opportunities'))).toBe('sum("t"."amount") FILTER (WHERE "t"."stage" = \'won\')');
    expect(res('avg(days_between(created_at, closed_at))', measure('opportunities'))).toBe('avg(CAST(date_diff(\'second\', "t"."created_at", "t"."closed_at") AS DOUBLE) / 86400)');
    expect(res('avg(hours_between(opened_at, resolved_at))', measure('service_tickets'))).toBe('avg(CAST(date_diff(\'second\', "t"."opened_at", "t"."resolved_at") AS DOUBLE) / 3600)');
    expect(res('sum(amount) / count(*)', measure('orders'))).toBe('CAST(sum("t"."amount") AS DOUBLE) / nullif(count(*), 0)');
    expect(res('-sum(points)', measure('points_ledger'))).toBe('-(sum("t"."points"))');
    expect(res('length(lower(name))', row('customers'))).toBe('length(lower("t"."name"))');
    expect(res("status IS NULL OR status NOT IN ('cancelled', 'x''y')", row('orders'))).toBe('("t"."status" IS NULL) OR ("t"."status" NOT IN (\'cancelled\', \'x\'\'y\'))');
  });

  test('age_band uses today()', () => {
    const ctx: ResolveContext = { ...row('customers'), special: (n) => (n === 'today' ? lit('2024-06-30') : undefined) };
    expect(res('age_band(birth_date)', ctx)).toMatch(/^CASE WHEN \("t"."birth_date" IS NULL\) THEN NULL WHEN .* < 18 THEN '<18' .* ELSE '55\+' END$/);
    expect(resErr('age_band(birth_date)', row('customers'))).toBe('age_band() needs today()');
  });

  test('derived formulas: {metric} references, no fields, no aggregates', () => {
    const metric = (n: string) => ({ k: 'col', name: n }) as Expr;
    expect(res('{revenue} / {orders}', { metric })).toBe('CAST("revenue" AS DOUBLE) / nullif("orders", 0)');
    expect(resErr('{revenue} / amount', { metric })).toBe("'amount': fields are not allowed here");
    expect(resErr('sum({revenue})', { metric })).toBe('sum(): aggregates are not allowed here');
    expect(resErr('{revenue}', row('orders'))).toBe("{revenue}: metric references belong in a derived metric's formula");
  });

  test('two-stage names', () => {
    const names = new Map<string, Expr>([['n', { k: 'col', name: 'v_n' }]]);
    expect(res('n >= 2', { names })).toBe('"v_n" >= 2');
    expect(res('avg(n)', { names, aggregates: true })).toBe('avg("v_n")');
    expect(resErr('m >= 2', { names })).toBe("'m': fields are not allowed here (names: n)");
  });

  test.each([
    ['unknown field', 'sum(amout)', measure('orders'), /^'amout': orders has no field 'amout' \(fields: order_id, .*; relations: customer, .*\)$/],
    ['unknown field behind a relation', 'customer.provinse', row('orders'), /^'customer.provinse': customers has no field 'provinse' \(fields: customer_id, /],
    ['unknown relation', 'client.province', row('orders'), /^'client.province': orders has no relation 'client' \(relations: customer, /],
    ['a field used as a relation', 'amount.x', row('orders'), /^'amount.x': orders has no relation 'amount'/],
    ['unknown function', 'summ(amount)', measure('orders'), /^unknown function summ\(\); functions: sum, count, avg, min, max, median, count_distinct, count_if, sum_if, /],
    ['aggregate in aggregate', 'sum(count(*))', measure('orders'), /^count\(\): an aggregate inside an aggregate$/],
    ['aggregate deep inside an aggregate', 'sum(abs(max(amount)))', measure('orders'), /^max\(\): an aggregate inside an aggregate$/],
    ['count_if in sum', 'sum(count_if(amount > 0))', measure('orders'), /^count_if\(\): an aggregate inside an aggregate$/],
    ['aggregate in a filter', 'sum(amount) > 0', row('orders'), /^sum\(\): aggregates are not allowed here$/],
    ['count_distinct in a dimension', 'count_distinct(customer_id)', row('orders'), /^count_distinct\(\): aggregates are not allowed here$/],
    ['sum(*)', 'sum(*)', measure('orders'), /^sum\(\*\): only count\(\*\) takes \*$/],
    ['sum of two', 'sum(amount, discount)', measure('orders'), /^sum\(\) takes one argument$/],
    ['count_if arity', 'count_if(a, b)', measure('orders'), /^count_if\(condition\) takes one argument$/],
    ['sum_if arity', 'sum_if(amount)', measure('orders'), /^sum_if\(value, condition\) takes two arguments$/],
    ['days_between arity', 'days_between(paid_at)', row('orders'), /^days_between\(from, to\) takes two arguments$/],
    ['scalar without arguments', 'coalesce()', row('orders'), /^coalesce\(\) takes 1 or more arguments, got 0$/],
    ['abs of two', 'abs(amount, discount)', row('orders'), /^abs\(\) takes 1 argument, got 2$/],
    ['nullif of one', 'nullif(amount)', row('orders'), /^nullif\(\) takes 2 arguments, got 1$/],
    ['round of three', 'round(amount, 2, 3)', row('orders'), /^round\(\) takes 1 to 2 arguments, got 3$/],
    ['period functions outside a query', 'period_start()', row('orders'), /^unknown function period_start\(\)/],
    ['special with arguments', 'today(1)', { ...row('orders'), special: (n: string) => (n === 'today' ? lit('2024-01-01') : undefined) }, /^today\(\) takes no arguments$/],
  ])('error: %s', (_name, src, ctx, message) => {
    expect(resErr(src, ctx)).toMatch(message);
  });

  test('an unknown source table is named with the known ones', () => {
    expect(() => new SourceScope('order')).toThrow(/^unknown source table 'order'; known: .*orders/);
  });

  test('hasAggregate', () => {
    expect(hasAggregate(parseFormula('sum(amount) / 2'))).toBe(true);
    expect(hasAggregate(parseFormula('-count_if(a)'))).toBe(true);
    expect(hasAggregate(parseFormula('coalesce(max(a), 0)'))).toBe(true);
    expect(hasAggregate(parseFormula('x IN (count(*))'))).toBe(true);
    expect(hasAggregate(parseFormula('abs(amount) > 0'))).toBe(false);
    expect(hasAggregate(parseFormula('{revenue} / {orders}'))).toBe(false);
  });
});
