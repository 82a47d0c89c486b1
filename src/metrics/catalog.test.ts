import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { scratch } from '../testing/index.js';
import { buildCatalog, builtinMetrics, CatalogError, DEFAULT_SETTINGS, loadCatalog, readCatalogConfig, type CatalogConfig } from './catalog/index.js';
import { DIMENSIONS } from './catalog/dimensions.js';
import { metricRefs, parseFormula } from './formula.js';
import type { CatalogIssue, MetricDef } from './types.js';
import { KEY_PATTERN, validateDimensions, validateMetrics } from './validate.js';

function issuesOf(fn: () => unknown): readonly CatalogIssue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CatalogError) return e.issues;
    throw e;
  }
  throw new Error('no CatalogError');
}

const user = (key: string, rest: Partial<MetricDef>): MetricDef => ({ key, label: { zh: key, en: key }, unit: 'count', owner: '测试 Test', description: `test metric ${key}`, ...rest });

describe('the built-in catalog', () => {
  const catalog = buildCatalog();

  test('validates with no issues', () => {
    expect(validateDimensions(DIMENSIONS)).toEqual([]);
    expect(validateMetrics(builtinMetrics(), new Set(DIMENSIONS.map((d) => d.key)))).toEqual([]);
    expect(catalog.settings).toEqual(DEFAULT_SETTINGS);
  });

  test('keys are unique, well-formed, and every derived metric refers to existing ones', () => {
    expect(catalog.metrics.size).toBe(builtinMetrics().length);
    expect(catalog.dimensions.size).toBe(DIMENSIONS.length);
    for (const m of catalog.metrics.values()) {
      expect(m.key).toMatch(KEY_PATTERN);
      expect(catalog.dimensions.has(m.key)).toBe(false);
      if (m.formula) for (const r of metricRefs(parseFormula(m.formula))) expect(catalog.metrics.has(r), `${m.key} → ${r}`).toBe(true);
    }
  });

  test('churnDays from settings reaches the look-back metrics; a bad value is an issue', () => {
    const c = buildCatalog({ settings: { churnDays: 30 } });
    expect(c.metrics.get('churned_customers')?.lookbackDays).toBe(30);
    expect(c.metrics.get('churn_base_customers')?.lookbackDays).toBe(30);
    expect(issuesOf(() => buildCatalog({ settings: { churnDays: 0 } }))).toEqual([{ code: 'bad_setting', field: 'settings.churnDays', message: 'settings.churnDays: expected whole days between 1 and 3660, got 0' }]);
    expect(issuesOf(() => buildCatalog({ settings: { churnDays: 1.5 } })).map((i) => i.code)).toEqual(['bad_setting']);
  });
});

describe('a user config with bad metrics', () => {
  const config = {
    metrics: [
      user('bad_source', { source: 'order', time: 'ordered_at', measure: 'count(*)' }),
      user('bad_time', { source: 'orders', time: 'amount', measure: 'count(*)' }),
      user('bad_function', { source: 'orders', time: 'ordered_at', measure: 'summ(amount)' }),
      user('bad_syntax', { source: 'orders', time: 'ordered_at', measure: 'sum(amount', filter: "status = 'paid" }),
      user('revenue', { source: 'orders', time: 'ordered_at', measure: 'sum(amount)' }),
      user('bad_ref', { formula: '{revenue} / {ordrs}' }),
      user('cyc_a', { formula: '{cyc_b} + 1' }),
      user('cyc_b', { formula: '{cyc_a} * 2' }),
      user('cyc_c', { formula: '{cyc_c} + {orders}' }),
      user('cyc_d', { formula: '{cyc_e}' }),
      user('cyc_e', { formula: '{cyc_f} / {revenue}' }),
      user('cyc_f', { formula: '{cyc_d} - 1' }),
      user('not_aggregate', { source: 'orders', time: 'ordered_at', measure: 'amount' }),
      user('field_in_formula', { formula: '{revenue} / amount' }),
      user('both', { source: 'orders', measure: 'count(*)', time: 'ordered_at', formula: '{revenue}' }),
      user('Bad-Key', { source: 'orders', time: 'ordered_at', measure: 'count(*)' }),
      { key: 'half', unit: 'coins', source: 'orders', time: 'ordered_at', measure: 'count(*)' } as unknown as MetricDef,
      user('province', { source: 'orders', time: 'ordered_at', measure: 'count(*)' }),
      user('bad_time_field', { source: 'orders', time: 'customer.regon', measure: 'count(*)' }),
      user('bad_filter', { source: 'orders', time: 'ordered_at', measure: 'count(*)', filter: 'sum(amount) > 0' }),
      user('bad_lookback', { source: 'orders', time: 'ordered_at', measure: 'count(*)', lookbackDays: 0 }),
      user('bad_per', { source: 'orders', time: 'ordered_at', per: { key: 'customer_id', values: { n: 'amount' }, having: 'm > 1' }, measure: 'count(*)' }),
    ],
    dimensions: [{ key: 'bad_dim', label: { zh: '坏', en: 'Bad' }, anchors: [{ table: 'customers', expr: 'extra.爱好 +' }, { table: 'nowhere', expr: 'x' }] }, { key: 'bad_grain', label: { zh: '坏', en: 'Bad' }, time: 'fortnight' }],
  } as unknown as CatalogConfig;
  const issues = issuesOf(() => buildCatalog(config, 'tidemark.catalog.json'));

  test('every problem is reported at once, each with a stable code and field path', () => {
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual([
      'duplicate_key metrics.revenue.key',
      'formula_syntax dimensions.bad_dim.anchors[0].expr',
      'unknown_source dimensions.bad_dim.anchors[1].table',
      'bad_time dimensions.bad_grain.time',
      'duplicate_label dimensions.bad_grain.label',
      'unknown_source metrics.bad_source.source',
      'formula_invalid metrics.bad_time.time',
      'formula_invalid metrics.bad_function.measure',
      'formula_syntax metrics.bad_syntax.filter',
      'formula_syntax metrics.bad_syntax.measure',
      'not_aggregate metrics.not_aggregate.measure',
      'formula_invalid metrics.field_in_formula.formula',
      'ambiguous_metric metrics.both',
      'bad_key metrics.Bad-Key.key',
      'missing_label metrics.half.label',
      'bad_unit metrics.half.unit',
      'missing_description metrics.half.description',
      'missing_owner metrics.half.owner',
      'duplicate_key metrics.province.key',
      'formula_invalid metrics.bad_time_field.time',
      'formula_invalid metrics.bad_filter.filter',
      'bad_lookback metrics.bad_lookback.lookbackDays',
      'not_aggregate metrics.bad_per.per.values.n',
      'formula_invalid metrics.bad_per.per.having',
      'unknown_metric metrics.bad_ref.formula',
      'metric_cycle metrics.cyc_a.formula',
      'metric_cycle metrics.cyc_c.formula',
      'metric_cycle metrics.cyc_d.formula',
    ]);
  });

  const msg = (code: string, field: string) => issues.find((i) => i.code === code && i.field === field)?.message;

  test('messages say what is wrong and where', () => {
    expect(msg('unknown_source', 'metrics.bad_source.source')).toMatch(/^metrics\.bad_source\.source: 'order' is not a table; tables: .*\borders\b/);
    expect(msg('formula_invalid', 'metrics.bad_time.time')).toBe("metrics.bad_time.time: 'amount' is money, not a date or timestamp");
    expect(msg('formula_invalid', 'metrics.bad_time_field.time')).toMatch(/^metrics\.bad_time_field\.time: 'customer\.regon': customers has no field 'regon'/);
    expect(msg('formula_invalid', 'metrics.bad_function.measure')).toMatch(/^metrics\.bad_function\.measure: unknown function summ\(\); functions: sum, /);
    expect(msg('formula_syntax', 'metrics.bad_syntax.measure')).toBe("metrics.bad_syntax.measure: expected ')' at character 11 of 'sum(amount'");
    expect(msg('formula_syntax', 'metrics.bad_syntax.filter')).toBe("metrics.bad_syntax.filter: unterminated string at character 10 of 'status = 'paid'");
    expect(msg('formula_syntax', 'dimensions.bad_dim.anchors[0].expr')).toBe("dimensions.bad_dim.anchors[0].expr: unexpected end of formula at character 11 of 'extra.爱好 +'");
    expect(msg('duplicate_key', 'metrics.revenue.key')).toMatch(/is a built-in metric/);
    expect(msg('duplicate_key', 'metrics.province.key')).toBe("metrics.province: 'province' is also a dimension");
    expect(msg('unknown_metric', 'metrics.bad_ref.formula')).toBe('metrics.bad_ref.formula: {ordrs} is not a metric');
    expect(msg('formula_invalid', 'metrics.bad_filter.filter')).toBe('metrics.bad_filter.filter: sum(): aggregates are not allowed here');
    expect(msg('formula_invalid', 'metrics.bad_per.per.having')).toBe("metrics.bad_per.per.having: 'm': fields are not allowed here (names: n)");
  });

  test('every cycle is reported, each as a concrete loop', () => {
    expect(issues.filter((i) => i.code === 'metric_cycle').map((i) => i.message)).toEqual([
      'metrics.cyc_a.formula: circular definition {cyc_a} → {cyc_b} → {cyc_a}',
      'metrics.cyc_c.formula: circular definition {cyc_c} → {cyc_c}',
      'metrics.cyc_d.formula: circular definition {cyc_d} → {cyc_e} → {cyc_f} → {cyc_d}',
    ]);
  });

  test('the error names the config and counts the problems', () => {
    try {
      buildCatalog(config, 'tidemark.catalog.json');
    } catch (e) {
      expect((e as Error).message.split('\n')[0]).toBe(`tidemark.catalog.json: ${issues.length} problems:`);
    }
  });

  test('keys defined twice in the config, or again as a built-in dimension', () => {
    const dup = issuesOf(() =>
      buildCatalog({
        metrics: [user('twice', { source: 'orders', time: 'ordered_at', measure: 'count(*)' }), user('twice', { source: 'orders', time: 'ordered_at', measure: 'count(*)' })],
        dimensions: [{ key: 'month', label: { zh: '月', en: 'Month' }, time: 'month' }],
      }),
    );
    expect(dup.map((i) => `${i.code} ${i.field}`)).toEqual(['duplicate_key dimensions.month.key', 'duplicate_key metrics.twice.key']);
  });

  test('a metric that refers to a cyclic one is not itself reported as a cycle', () => {
    const cyc = issuesOf(() => buildCatalog({ metrics: [user('x_a', { formula: '{x_b}' }), user('x_b', { formula: '{x_a}' }), user('x_c', { formula: '{x_a} + 1' })] }));
    expect(cyc.map((i) => `${i.code} ${i.field}`)).toEqual(['metric_cycle metrics.x_a.formula']);
  });
});

describe('a valid user config', () => {
  const config: CatalogConfig = {
    settings: { churnDays: 60 },
    metrics: [
      user('gold_card_revenue', { label: { zh: '金卡会员销售额', en: 'Gold card revenue' }, unit: 'currency', source: 'orders', time: 'ordered_at', measure: 'sum(amount)', filter: "(status IS NULL OR status <> 'cancelled') AND customer.extra.会员卡类型 = '金卡'" }),
      user('gold_card_share', { unit: 'ratio', formula: '{gold_card_revenue} / {revenue}' }),
    ],
    dimensions: [{ key: 'card_type', label: { zh: '会员卡类型', en: 'Card type' }, anchors: [{ table: 'customers', expr: 'extra.会员卡类型' }] }],
  };

  test('adds metrics over a custom field and a dimension, next to the built-in ones', () => {
    const c = buildCatalog(config);
    expect(c.metrics.get('gold_card_revenue')?.filter).toContain('extra.会员卡类型');
    expect(c.metrics.get('gold_card_share')?.formula).toBe('{gold_card_revenue} / {revenue}');
    expect(c.metrics.has('revenue')).toBe(true);
    expect(c.dimensions.get('card_type')?.anchors).toEqual([{ table: 'customers', expr: 'extra.会员卡类型' }]);
    expect(c.settings.churnDays).toBe(60);
    expect(c.metrics.size).toBe(builtinMetrics().length + 2);
  });

  test('a label may be one string', () => {
    const c = buildCatalog({ metrics: [{ ...user('vip_orders', { source: 'orders', time: 'ordered_at', measure: 'count(*)' }), label: 'VIP 订单' as unknown as MetricDef['label'] }] });
    expect(c.metrics.get('vip_orders')?.label).toEqual({ zh: 'VIP 订单', en: 'VIP 订单' });
  });
});

describe('readCatalogConfig', () => {
  const s = scratch();
  afterAll(() => s.cleanup());
  const file = (name: string, text: string) => {
    const p = join(s.dir, name);
    writeFileSync(p, text);
    return p;
  };
  const errorOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(CatalogError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  test('reads a config (with a BOM) and loadCatalog applies it', () => {
    const p = file('ok.json', '\uFEFF' + JSON.stringify({ $schema: 'x', comment: 'mine', metrics: [user('vip_orders', { source: 'orders', time: 'ordered_at', measure: 'count(*)' })] }, null, 2));
    expect(readCatalogConfig(p).metrics?.map((m) => m.key)).toEqual(['vip_orders']);
    expect(loadCatalog(p).metrics.has('vip_orders')).toBe(true);
    expect(loadCatalog().metrics.has('vip_orders')).toBe(false);
  });

  test('a missing file is named', () => {
    const p = join(s.dir, 'missing.json');
    expect(errorOf(() => readCatalogConfig(p))).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read the catalog config`));
  });

  test.each([
    ['a missing comma', '{\n  "metrics": [\n    {"key": "a"}\n    {"key": "b"}\n  ]\n}\n', 4],
    ['a trailing comma in a list', '{\n  "metrics": [\n    {"key": "a"},\n  ]\n}\n', 4],
    ['a trailing comma in an object', '{\n  "settings": {\n    "churnDays": 30,\n  }\n}\n', 4],
    ['a bare word', '{\n  "settings": {\n    "churnDays": thirty\n  }\n}\n', 3],
    ['an unterminated string', '{\n  "comment": "x\n}\n', 2],
    ['a truncated file', '{\n  "metrics": [\n', 3],
  ])('JSON syntax errors name the file and the line: %s', (_name, text, line) => {
    const p = file('bad.json', text);
    expect(errorOf(() => readCatalogConfig(p))).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: not valid JSON \\(`));
  });

  test('a config of the wrong shape is named', () => {
    expect(errorOf(() => readCatalogConfig(file('arr.json', '[]')))).toMatch(/arr\.json: expected an object with "metrics", "dimensions", "reports" and\/or "settings"$/);
    expect(errorOf(() => readCatalogConfig(file('top.json', '{"metric": []}')))).toMatch(/top\.json: unknown top-level field "metric"; expected settings, metrics, dimensions, reports$/);
    expect(errorOf(() => readCatalogConfig(file('list.json', '{"metrics": {}}')))).toMatch(/list\.json: "metrics" must be a list$/);
  });

  test('loadCatalog names the file when the metrics are wrong', () => {
    const p = file('wrong.json', JSON.stringify({ metrics: [user('x_y', { formula: '{x_y}' })] }));
    expect(errorOf(() => loadCatalog(p))).toBe(`${p}: 1 problem:\n  metrics.x_y.formula: circular definition {x_y} → {x_y}`);
  });
});
