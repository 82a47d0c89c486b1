import { describe, expect, it } from 'vitest';
import { buildChart, chartKind, chartMetric, formatCell, formatPoints, shapeOf, type SectionData } from '../../web/src/pages/reports/model.js';

const L = (en: string, zh: string) => ({ en, zh });
const revenue = { key: 'revenue', kind: 'metric', label: L('Revenue', '销售额'), unit: 'currency', metric: 'revenue' };
const orders = { key: 'orders', kind: 'metric', label: L('Orders', '订单数'), unit: 'count', metric: 'orders' };
const aov = { key: 'aov', kind: 'metric', label: L('AOV', '客单价'), unit: 'currency', metric: 'aov' };
const grouping = { key: '_grouping', kind: 'grouping', label: L('Rolled up', '汇总') };
const opts = { locale: 'en' as const, valueLabel: (_d: string, v: unknown) => (v === null ? '(none)' : String(v)) };

describe('report section shapes and charts', () => {
  it('headline (no dimension) → KPI tiles, no chart option', () => {
    const s: SectionData = { key: 'kpi', title: L('KPI', '指标'), columns: [revenue, orders], rows: [{ revenue: 10, orders: 2 }] };
    expect(buildChart(s, opts)).toEqual({ kind: 'kpi' });
  });

  it('a month trend → a line with the comparison dashed and another unit on a second axis', () => {
    const month = { key: 'month', kind: 'dimension', label: L('Month', '月'), grain: 'month' };
    const prev = { key: 'revenue__prev', kind: 'previous', label: L('Revenue (last year)', '销售额(同期)'), unit: 'currency', metric: 'revenue' };
    const rows = ['2025-03', '2025-01', '2025-02', '2025-04'].map((m, i) => ({ month: m, revenue: 100 + i, orders: i, aov: 5, revenue__prev: 90 }));
    const b = buildChart({ key: 'trend', title: '', columns: [month, revenue, orders, aov, prev], rows }, opts);
    expect(b.kind).toBe('line');
    const o = b.option as { xAxis: { data: string[] }; series: { name: string; yAxisIndex?: number; lineStyle?: unknown }[] };
    expect(o.xAxis.data).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']); // sorted by time
    expect(o.series.map((x) => x.name)).toEqual(['Revenue', 'Revenue · Revenue (last year)', 'Orders']);
    expect(o.series[2]!.yAxisIndex).toBe(1);
  });

  it('a few categories of an additive metric → donut; the grand total row is the totals, not a slice', () => {
    const channel = { key: 'channel', kind: 'dimension', label: L('Channel', '渠道') };
    const s: SectionData = {
      key: 'channels',
      title: '',
      columns: [channel, grouping, revenue],
      rows: [
        { channel: 'tmall', _grouping: 0, revenue: 60 },
        { channel: 'jd', _grouping: 0, revenue: 40 },
        { channel: null, _grouping: 1, revenue: 100 },
      ],
    };
    const shape = shapeOf(s);
    expect(shape.leaves.length).toBe(2);
    expect(shape.total?.revenue).toBe(100);
    const b = buildChart(s, opts);
    expect(b.kind).toBe('pie');
    expect((b.option as { series: { data: unknown[] }[] }).series[0]!.data).toEqual([
      { name: 'tmall', value: 60 },
      { name: 'jd', value: 40 },
    ]);
  });

  it('a ratio by category, or many categories → ranked horizontal bars (largest on top, at most maxBars)', () => {
    const store = { key: 'store', kind: 'dimension', label: L('Store', '门店') };
    const rows = Array.from({ length: 30 }, (_, i) => ({ store: `S${i}`, revenue: i }));
    const b = buildChart({ key: 'stores', title: '', columns: [store, revenue], rows }, { ...opts, maxBars: 20 });
    expect(b.kind).toBe('hbar');
    expect(b.shown).toBe(20);
    expect(b.count).toBe(30);
    const y = (b.option as { yAxis: { data: string[] } }).yAxis.data;
    expect(y[y.length - 1]).toBe('S29');
  });

  it('two dimensions: stacked bars without subtotals; bars of the first level with subtotals', () => {
    const province = { key: 'province', kind: 'dimension', label: L('Province', '省份') };
    const category = { key: 'category', kind: 'dimension', label: L('Category', '品类') };
    const rows = [
      { province: 'A', category: 'x', revenue: 1 },
      { province: 'A', category: 'y', revenue: 2 },
      { province: 'B', category: 'x', revenue: 5 },
    ];
    expect(buildChart({ key: 's', title: '', columns: [province, category, revenue], rows }, opts).kind).toBe('stacked');
    const withSub = [
      ...rows.map((r) => ({ ...r, _grouping: 0 })),
      { province: 'A', category: null, _grouping: 1, revenue: 3 },
      { province: 'B', category: null, _grouping: 1, revenue: 5 },
      { province: null, category: null, _grouping: 3, revenue: 8 },
    ];
    const s: SectionData = { key: 's', title: '', columns: [province, category, grouping, revenue], rows: withSub };
    expect(chartKind(shapeOf(s))).toBe('hbar');
    const b = buildChart(s, opts);
    expect((b.option as { yAxis: { data: string[] } }).yAxis.data).toEqual(['A', 'B']);
    expect(shapeOf(s).subtotals.length).toBe(2);
    expect(shapeOf(s).total?.revenue).toBe(8);
  });

  it('formats cells by unit: money, counts, change %, ratio change in points', () => {
    expect(formatCell(1234.5, revenue, 'en')).toBe('¥1,234.50');
    expect(formatCell(123456, revenue, 'zh-CN', true)).toBe('¥12.35万');
    expect(formatCell(0.1234, { key: 'c', kind: 'change', label: '', unit: 'change' }, 'en')).toBe('+12.3%');
    expect(formatCell(-0.0066, { key: 'c', kind: 'change', label: '', unit: 'ratio_change' }, 'en')).toBe('-0.7 pt');
    expect(formatPoints(0.012, 'zh-CN')).toBe('+1.2个百分点');
  });

  it('charts the metric the rows are ranked by; province × city (many cities) is ranked bars named by both', () => {
    const province = { key: 'province', kind: 'dimension', label: L('Province', '省份') };
    const city = { key: 'city', kind: 'dimension', label: L('City', '城市') };
    const customers = { key: 'buying_customers', kind: 'metric', label: L('Buyers', '购买客户数'), unit: 'count', metric: 'buying_customers' };
    const rows = Array.from({ length: 12 }, (_, i) => ({ province: `P${i % 3}`, city: `C${i}`, buying_customers: (i * 7) % 5, revenue: 1000 - i }));
    const s: SectionData = { key: 'cities', title: '', columns: [province, city, customers, revenue], rows };
    expect(chartMetric(shapeOf(s))?.key).toBe('revenue');
    const b = buildChart(s, opts);
    expect(b.kind).toBe('hbar');
    const y = (b.option as { yAxis: { data: string[] } }).yAxis.data;
    expect(y[y.length - 1]).toBe('P0 · C0');
  });
});
