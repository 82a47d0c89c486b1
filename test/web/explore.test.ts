/** The Explore page's pure logic: URL state, drill path, grids of /api/query and /api/pivot answers, chart models. */
import { describe, expect, it } from 'vitest';
import { axisNumber, chartModel, chartOption, defaultChart, type ChartContext } from '../../web/src/pages/explore/chart.js';
import { cellOf, gridOfPivot, gridOfQuery, isEmptyGrid, sortRows } from '../../web/src/pages/explore/grid.js';
import { canDrill, drillDown, drillFilters, drillUpTo, EMPTY_STATE, parseState, stateParams, type DimInfo } from '../../web/src/pages/explore/state.js';

const DIMS = new Map<string, DimInfo>(
  [
    { key: 'year', time: 'year', drillTo: 'quarter' },
    { key: 'quarter', time: 'quarter', drillTo: 'month' },
    { key: 'month', time: 'month', drillTo: 'week' },
    { key: 'province', time: null, drillTo: 'city' },
    { key: 'city', time: null, drillTo: 'district' },
    { key: 'channel', time: null, drillTo: null },
  ].map((d) => [d.key, d]),
);

function params(s: Record<string, string | readonly string[] | undefined>): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) {
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else if (typeof v === 'string' && v !== '') sp.set(k, v);
  }
  return sp;
}

describe('URL state', () => {
  it('round-trips through the query string', () => {
    const sp = new URLSearchParams('m=revenue&m=orders&r=quarter&c=channel&cmp=yoy&ch=heatmap&dp=year:2024&s=2024:d&from=2024-01-01');
    const st = parseState(sp);
    expect(st).toEqual({
      metrics: ['revenue', 'orders'],
      rows: ['quarter'],
      cols: ['channel'],
      compare: 'yoy',
      chart: 'heatmap',
      drill: [{ dimension: 'year', value: '2024' }],
      sort: { key: '2024', desc: true },
    });
    expect(parseState(params(stateParams(st)))).toEqual(st);
  });

  it('ignores unknown chart types and compare modes, duplicates and a column dimension already in rows', () => {
    const st = parseState(new URLSearchParams('m=revenue&m=revenue&r=year&c=year&c=channel&cmp=wow&ch=radar'));
    expect(st).toMatchObject({ metrics: ['revenue'], rows: ['year'], cols: ['channel'], compare: undefined, chart: undefined });
  });

  it('a drill value may contain a colon (only the first one separates)', () => {
    expect(parseState(new URLSearchParams('dp=hour:10:00')).drill).toEqual([{ dimension: 'hour', value: '10:00' }]);
  });
});

describe('drill path', () => {
  const base = { ...EMPTY_STATE, metrics: ['revenue'], rows: ['year'], cols: ['channel'] };

  it('down: filters on the value and replaces the dimension by its next level', () => {
    const a = drillDown(base, DIMS, 'year', '2024');
    expect(a.rows).toEqual(['quarter']);
    expect(a.drill).toEqual([{ dimension: 'year', value: '2024' }]);
    const b = drillDown(a, DIMS, 'quarter', '2024-Q2');
    expect(b.rows).toEqual(['month']);
    expect(drillFilters(b)).toEqual([
      { dimension: 'year', op: 'eq', values: ['2024'] },
      { dimension: 'quarter', op: 'eq', values: ['2024-Q2'] },
    ]);
    expect(b.cols).toEqual(['channel']);
  });

  it('not past the finest level, nor onto a level already shown', () => {
    expect(canDrill(base, DIMS, 'channel')).toBe(false);
    expect(drillDown(base, DIMS, 'channel', 'tmall')).toBe(base);
    const both = { ...base, rows: ['year', 'quarter'] };
    expect(canDrill(both, DIMS, 'year')).toBe(false);
    expect(canDrill(both, DIMS, 'quarter')).toBe(true);
  });

  it('up: back to any step of the breadcrumb, the dimensions restored', () => {
    const b = drillDown(drillDown(base, DIMS, 'year', '2024'), DIMS, 'quarter', '2024-Q2');
    expect(drillUpTo(b, DIMS, 1)).toMatchObject({ rows: ['quarter'], drill: [{ dimension: 'year', value: '2024' }] });
    expect(drillUpTo(b, DIMS, 0)).toMatchObject({ rows: ['year'], cols: ['channel'], drill: [] });
  });

  it('works on a column dimension too', () => {
    const st = drillDown({ ...EMPTY_STATE, metrics: ['revenue'], rows: ['channel'], cols: ['province'] }, DIMS, 'province', '浙江省');
    expect(st.cols).toEqual(['city']);
    expect(drillUpTo(st, DIMS, 0).cols).toEqual(['province']);
  });
});

const L = (en: string, zh = en) => ({ en, zh });
const pivotAnswer = {
  rowDimensions: ['year'],
  columnDimensions: ['channel'],
  columns: [
    { key: 'year', kind: 'dimension', label: L('Year', '年') },
    { key: 'jd · revenue', kind: 'metric', label: L('jd · Revenue'), unit: 'currency', metric: 'revenue' },
    { key: 'jd · orders', kind: 'metric', label: L('jd · Orders'), unit: 'count', metric: 'orders' },
    { key: 'tmall · revenue', kind: 'metric', label: L('tmall · Revenue'), unit: 'currency', metric: 'revenue' },
    { key: 'tmall · orders', kind: 'metric', label: L('tmall · Orders'), unit: 'count', metric: 'orders' },
    { key: '_total · revenue', kind: 'metric', label: L('Total · Revenue'), unit: 'currency', metric: 'revenue' },
    { key: '_total · orders', kind: 'metric', label: L('Total · Orders'), unit: 'count', metric: 'orders' },
  ],
  rows: [
    { year: '2024', 'jd · revenue': 10, 'jd · orders': 1, 'tmall · revenue': 30, 'tmall · orders': 3, '_total · revenue': 40, '_total · orders': 4 },
    { year: '2025', 'jd · revenue': 20, 'jd · orders': 2, 'tmall · revenue': null, 'tmall · orders': null, '_total · revenue': 20, '_total · orders': 2 },
  ],
  totals: { year: null, 'jd · revenue': 30, 'jd · orders': 3, 'tmall · revenue': 30, 'tmall · orders': 3, '_total · revenue': 60, '_total · orders': 6 },
  queries: [{ sql: 'SELECT 1', params: [] }],
};

describe('grids', () => {
  it('a pivot: each value column knows its metric and column values; totals are marked', () => {
    const g = gridOfPivot(pivotAnswer, ['revenue', 'orders']);
    const tmallOrders = g.columns.find((c) => c.key === 'tmall · orders')!;
    expect(tmallOrders).toMatchObject({ metric: 'orders', colValues: { channel: 'tmall' } });
    expect(g.columns.find((c) => c.key === '_total · revenue')).toMatchObject({ isTotal: true, colValues: {} });
    expect(cellOf(g, g.rows[0]!, tmallOrders)).toEqual({ metric: 'orders', dims: { year: '2024', channel: 'tmall' }, value: 3, unit: 'count' });
    // the totals row: the column's values only; the grand total: nothing
    expect(cellOf(g, null, tmallOrders)?.dims).toEqual({ channel: 'tmall' });
    expect(cellOf(g, null, g.columns.find((c) => c.key === '_total · orders')!)).toMatchObject({ dims: {}, value: 6 });
  });

  it('a query: the grouping row is the totals row; compare columns are not drillable', () => {
    const g = gridOfQuery({
      columns: [
        { key: 'quarter', kind: 'dimension', label: L('Quarter') },
        { key: '_grouping', kind: 'grouping', label: L('g') },
        { key: 'orders', kind: 'metric', label: L('Orders'), unit: 'count', metric: 'orders' },
        { key: 'orders__prev', kind: 'previous', label: L('Orders (last year)'), unit: 'count', metric: 'orders' },
        { key: 'orders__change', kind: 'change', label: L('Orders YoY %'), unit: 'change', metric: 'orders' },
      ],
      rows: [
        { quarter: '2025-Q1', _grouping: 0, orders: 5, orders__prev: 4, orders__change: 0.25 },
        { quarter: null, _grouping: 1, orders: 5, orders__prev: 4, orders__change: 0.25 },
      ],
      sql: 'SELECT',
      params: [],
    });
    expect(g.rows).toHaveLength(1);
    expect(g.totals).toMatchObject({ orders: 5 });
    expect(g.columns.map((c) => c.key)).toEqual(['quarter', 'orders', 'orders__prev', 'orders__change']);
    expect(cellOf(g, g.rows[0]!, g.columns[1]!)?.dims).toEqual({ quarter: '2025-Q1' });
    expect(cellOf(g, g.rows[0]!, g.columns[2]!)).toBeUndefined();
    expect(isEmptyGrid(g)).toBe(false);
    expect(isEmptyGrid({ ...g, rows: [] })).toBe(true);
  });

  it('sorts numbers numerically with empty values last either way', () => {
    const rows = [{ v: 3 }, { v: null }, { v: 10 }, { v: 1 }];
    expect(sortRows(rows, 'v', false).map((r) => r.v)).toEqual([1, 3, 10, null]);
    expect(sortRows(rows, 'v', true).map((r) => r.v)).toEqual([10, 3, 1, null]);
  });
});

describe('charts', () => {
  const ctx: ChartContext = { locale: 'en', valueLabel: (d, v) => (d === 'channel' && v === 'tmall' ? 'Tmall' : String(v ?? '–')), isTime: (d) => d === 'year' || d === 'quarter', columnLabel: (c) => c.label.en };

  it('a pivot: categories are the rows, one series per column value of the first metric, each point with its cell', () => {
    const g = gridOfPivot(pivotAnswer, ['revenue', 'orders']);
    const m = chartModel(g, ctx);
    expect(m.axisDims).toEqual(['year']);
    expect(m.categories).toEqual(['2024', '2025']);
    expect(m.series.map((s) => s.name)).toEqual(['jd', 'Tmall']);
    expect(m.series[1]!.points[0]).toEqual({ value: 30, cell: { metric: 'revenue', dims: { year: '2024', channel: 'tmall' }, value: 30, unit: 'currency' } });
    expect(defaultChart(g, ctx.isTime)).toBe('line');
    const opt = chartOption(m, 'stacked', ctx) as { series: { stack?: string; data: { cell: unknown }[] }[] };
    expect(opt.series.every((s) => s.stack === 'total')).toBe(true);
    const heat = chartOption(m, 'heatmap', ctx) as { series: { data: { value: unknown[] }[] }[] };
    expect(heat.series[0]!.data).toHaveLength(4);
    expect(heat.series[0]!.data[2]!.value).toEqual([1, 0, 30]);
  });

  it('a non-time dimension defaults to bars; two row dimensions split the first into series', () => {
    const g = gridOfQuery({
      columns: [
        { key: 'channel', kind: 'dimension', label: L('Channel') },
        { key: 'year', kind: 'dimension', label: L('Year') },
        { key: 'orders', kind: 'metric', label: L('Orders'), unit: 'count', metric: 'orders' },
      ],
      rows: [
        { channel: 'jd', year: '2024', orders: 1 },
        { channel: 'jd', year: '2025', orders: 2 },
        { channel: 'tmall', year: '2025', orders: 3 },
      ],
      sql: '',
      params: [],
    });
    expect(defaultChart(g, ctx.isTime)).toBe('bar');
    const m = chartModel(g, ctx);
    expect(m.categories).toEqual(['jd', 'Tmall']);
    expect(m.series.map((s) => s.name)).toEqual(['2024', '2025']);
    expect(m.series[0]!.points.map((p) => p.value)).toEqual([1, null]);
    expect(m.series[0]!.points[1]!.cell.dims).toEqual({ channel: 'tmall', year: '2024' });
    const pie = chartOption(m, 'pie', ctx) as { series: { data: { name: string }[] }[] };
    expect(pie.series[0]!.data.map((d) => d.name)).toEqual(['jd', 'Tmall']);
  });

  it('a pie keeps the 11 largest slices and folds the rest into one', () => {
    const rows = Array.from({ length: 15 }, (_, i) => ({ city: `c${i}`, orders: i + 1 }));
    const g = gridOfQuery({ columns: [{ key: 'city', kind: 'dimension', label: L('City') }, { key: 'orders', kind: 'metric', label: L('Orders'), unit: 'count', metric: 'orders' }], rows, sql: '', params: [] });
    const pie = chartOption(chartModel(g, ctx), 'pie', { ...ctx, otherLabel: 'Other' }) as { series: { data: { name: string; value: number; cell?: unknown }[] }[] };
    const data = pie.series[0]!.data;
    expect(data).toHaveLength(12);
    expect(data[0]).toMatchObject({ name: 'c14', value: 15 });
    expect(data[11]).toEqual({ name: 'Other', value: 1 + 2 + 3 + 4 });
  });
});

describe('value axis ticks', () => {
  it('zh-CN: as many decimals in 万/亿 as a tick needs, so neighbouring ticks differ', () => {
    const ticks = [0, 3000, 6000, 9000, 12000, 15000, 18000].map((v) => axisNumber(v, 'zh-CN'));
    expect(ticks).toEqual(['0', '3,000', '6,000', '9,000', '1.2万', '1.5万', '1.8万']);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(axisNumber(20000, 'zh-CN')).toBe('2万');
    expect(axisNumber(18_000_000, 'zh-CN')).toBe('1,800万');
    expect(axisNumber(125_000_000, 'zh-CN')).toBe('1.25亿');
    expect(axisNumber(-15000, 'zh-CN')).toBe('-1.5万');
  });
  it('en: compact K/M as before', () => {
    expect(axisNumber(15000, 'en')).toBe('15K');
    expect(axisNumber(2_500_000, 'en')).toBe('2.5M');
  });
});
