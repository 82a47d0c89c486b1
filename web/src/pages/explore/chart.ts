/**
 * The chart of a grid (pure): which chart suits its shape, and the ECharts option for each type. Every data item
 * carries its `cell` (metric + dimension values), so a click drills down (on the category) or through (the records).
 */
import { formatCompact, formatValue } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import type { Cell, Grid, GridColumn, Row } from './grid.js';
import type { ChartType } from './state.js';

export interface ChartContext {
  readonly locale: Locale;
  /** A dimension's value as shown (coded values by their labels). */
  readonly valueLabel: (dimension: string, value: unknown) => string;
  /** Whether a dimension is a time dimension. */
  readonly isTime: (dimension: string) => boolean;
  readonly columnLabel: (c: GridColumn) => string;
  /** The pie's slice for everything past the largest ones. */
  readonly otherLabel?: string;
}

const PIE_SLICES = 12;

interface Series {
  readonly name: string;
  readonly unit: string | undefined;
  /** The previous period's values (compare): drawn dashed. */
  readonly previous?: boolean;
  readonly points: { readonly value: unknown; readonly cell: Cell }[];
}

/** The chart's model: categories along the axis (values of `axisDims`) and one series per metric or column value. */
export interface ChartModel {
  readonly axisDims: readonly string[];
  readonly categories: readonly string[];
  readonly series: readonly Series[];
}

const key = (r: Row, dims: readonly string[]) => dims.map((d) => String(r[d] ?? '')).join(' · ');

export function chartModel(g: Grid, ctx: ChartContext): ChartModel {
  const label = (r: Row, dims: readonly string[]) => dims.map((d) => ctx.valueLabel(d, r[d])).join(' · ');
  const cellOf = (r: Row | null, c: GridColumn, dims: Record<string, string>): Cell => ({ metric: c.metric ?? '', dims, value: r?.[c.key], ...(c.unit ? { unit: c.unit } : {}) });
  const dimsOf = (r: Row, ds: readonly string[]) => Object.fromEntries(ds.filter((d) => r[d] !== null && r[d] !== undefined).map((d) => [d, String(r[d])]));
  const metricCols = g.columns.filter((c) => c.kind === 'metric' && !c.isTotal);
  if (g.mode === 'pivot') {
    const first = metricCols[0]?.metric;
    const cols = metricCols.filter((c) => c.metric === first);
    if (g.rowDims.length === 0) {
      // One row: the column values become the categories.
      const r = g.rows[0] ?? {};
      return {
        axisDims: g.colDims,
        categories: cols.map((c) => g.colDims.map((d) => ctx.valueLabel(d, c.colValues?.[d])).join(' · ')),
        series: [{ name: ctx.columnLabel({ ...cols[0]!, colValues: {} }), unit: cols[0]?.unit, points: cols.map((c) => ({ value: r[c.key], cell: cellOf(r, c, { ...(c.colValues ?? {}) }) })) }],
      };
    }
    return {
      axisDims: g.rowDims,
      categories: g.rows.map((r) => label(r, g.rowDims)),
      series: cols.map((c) => ({
        name: g.colDims.map((d) => ctx.valueLabel(d, c.colValues?.[d])).join(' · '),
        unit: c.unit,
        points: g.rows.map((r) => ({ value: r[c.key], cell: cellOf(r, c, { ...dimsOf(r, g.rowDims), ...(c.colValues ?? {}) }) })),
      })),
    };
  }
  if (g.rowDims.length >= 2) {
    // Two row dimensions or more: the first along the axis, the others as series, for the first metric.
    const a = g.rowDims[0]!;
    const rest = g.rowDims.slice(1);
    const c = metricCols[0]!;
    const cats = new Map<string, Row>();
    const names = new Map<string, Row>();
    for (const r of g.rows) {
      if (!cats.has(key(r, [a]))) cats.set(key(r, [a]), r);
      if (!names.has(key(r, rest))) names.set(key(r, rest), r);
    }
    return {
      axisDims: [a],
      categories: [...cats.values()].map((r) => label(r, [a])),
      series: [...names].map(([n, sample]) => ({
        name: label(sample, rest),
        unit: c.unit,
        points: [...cats].map(([k, cr]) => {
          const r = g.rows.find((x) => key(x, [a]) === k && key(x, rest) === n);
          return { value: r ? r[c.key] : null, cell: cellOf(r ?? null, c, { ...dimsOf(cr, [a]), ...dimsOf(sample, rest) }) };
        }),
      })),
    };
  }
  return {
    axisDims: g.rowDims,
    categories: g.rows.map((r) => label(r, g.rowDims)),
    series: g.columns
      .filter((c) => c.kind === 'metric' || c.kind === 'previous')
      .map((c) => ({
        name: ctx.columnLabel(c),
        unit: c.unit,
        ...(c.kind === 'previous' ? { previous: true } : {}),
        points: g.rows.map((r) => ({ value: r[c.key], cell: cellOf(r, c, dimsOf(r, g.rowDims)) })),
      })),
  };
}

/** The chart that suits the grid: time along the axis → line; a pivot → stacked bars (heatmap when wide); else bars. */
export function defaultChart(g: Grid, isTime: (d: string) => boolean): ChartType {
  const axis = g.mode === 'pivot' && g.rowDims.length === 0 ? g.colDims : g.rowDims;
  const timeAxis = axis.length > 0 && isTime(axis[0]!);
  if (g.mode === 'pivot' && g.rowDims.length > 0) {
    const width = g.columns.filter((c) => c.kind === 'metric' && !c.isTotal).length;
    if (width > 12 && g.rows.length > 3) return 'heatmap';
    return timeAxis ? 'line' : 'stacked';
  }
  return timeAxis ? 'line' : 'bar';
}

const num = (v: unknown) => (typeof v === 'number' ? v : v === null || v === undefined ? null : Number(v));

export function chartOption(m: ChartModel, type: ChartType, ctx: ChartContext): Record<string, unknown> {
  const fmt = (v: unknown, unit: string | undefined) => formatValue(v, unit, ctx.locale, true);
  const units = [...new Set(m.series.map((s) => s.unit))];
  const legend = { type: 'scroll', top: 0, data: m.series.map((s) => s.name) };
  if (type === 'pie') {
    const s = m.series[0];
    return {
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: unknown; percent: number }) => `${p.name}<br/>${fmt(p.value, s?.unit)} (${p.percent}%)` },
      legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
      series: [
        {
          type: 'pie',
          name: s?.name,
          radius: ['35%', '68%'],
          center: ['40%', '52%'],
          label: { formatter: '{b}: {d}%' },
          data: pieData(m, ctx),
        },
      ],
    };
  }
  if (type === 'heatmap') {
    const values = m.series.flatMap((s) => s.points.map((p) => num(p.value) ?? 0));
    const unit = m.series[0]?.unit;
    return {
      tooltip: { position: 'top', formatter: (p: { data: { value: [number, number, unknown] } }) => `${m.categories[p.data.value[1]]} · ${m.series[p.data.value[0]]?.name}<br/>${fmt(p.data.value[2], unit)}` },
      grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
      xAxis: { type: 'category', data: m.series.map((s) => s.name), splitArea: { show: true } },
      yAxis: { type: 'category', data: m.categories, splitArea: { show: true }, inverse: true },
      visualMap: { min: Math.min(0, ...values), max: Math.max(1, ...values), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, formatter: (v: number) => fmt(v, unit), inRange: { color: ['#eff6ff', '#93c5fd', '#2563eb', '#1e3a8a'] } },
      series: [
        {
          type: 'heatmap',
          name: m.series[0]?.name,
          data: m.series.flatMap((s, si) => s.points.map((p, ci) => ({ value: [si, ci, num(p.value)], cell: p.cell }))),
          emphasis: { itemStyle: { borderColor: '#0f172a', borderWidth: 1 } },
        },
      ],
    };
  }
  const axisFmt = (v: number, u: string | undefined) => (u === 'currency' ? `¥${axisNumber(v, ctx.locale)}` : u === 'ratio' || u === 'change' ? fmt(v, u) : axisNumber(v, ctx.locale));
  const yAxis = units.slice(0, 2).map((u, i) => ({ type: 'value', position: i === 0 ? 'left' : 'right', axisLabel: { formatter: (v: number) => axisFmt(v, u) }, splitLine: { show: i === 0 } }));
  const many = m.categories.length > 24;
  return {
    tooltip: { trigger: 'axis', valueFormatter: undefined, formatter: (ps: { axisValueLabel: string; marker: string; seriesName: string; value: unknown; seriesIndex: number }[]) => [ps[0]?.axisValueLabel ?? '', ...ps.map((p) => `${p.marker}${p.seriesName}: ${fmt(p.value, m.series[p.seriesIndex]?.unit)}`)].join('<br/>') },
    legend,
    grid: { left: 8, right: 16, top: 36, bottom: many ? 48 : 8, containLabel: true },
    xAxis: { type: 'category', data: m.categories, axisLabel: { hideOverlap: true }, boundaryGap: type !== 'line' },
    yAxis,
    ...(many ? { dataZoom: [{ type: 'slider', bottom: 8, height: 18 }] } : {}),
    series: m.series.map((s) => ({
      type: type === 'line' ? 'line' : 'bar',
      name: s.name,
      yAxisIndex: Math.min(1, units.indexOf(s.unit)),
      ...(type === 'stacked' ? { stack: 'total' } : {}),
      ...(type === 'line' ? { symbolSize: 6, showSymbol: m.categories.length <= 60 } : { barMaxWidth: 36 }),
      ...(s.previous ? (type === 'line' ? { lineStyle: { type: 'dashed' } } : { itemStyle: { opacity: 0.45 } }) : {}),
      data: s.points.map((p) => ({ value: num(p.value), cell: p.cell })),
    })),
  };
}

/** The first series as pie slices, largest first; past PIE_SLICES the rest is one "other" slice (not drillable). */
function pieData(m: ChartModel, ctx: ChartContext): { name: string; value: number | null; cell?: Cell }[] {
  const s = m.series[0];
  const all = (s?.points ?? []).map((p, i) => ({ name: m.categories[i] ?? '', value: num(p.value), cell: p.cell })).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  if (all.length <= PIE_SLICES) return all;
  const rest = all.slice(PIE_SLICES - 1).reduce((t, x) => t + (x.value ?? 0), 0);
  return [...all.slice(0, PIE_SLICES - 1), { name: ctx.otherLabel ?? 'Other', value: rest }];
}

/**
 * A value axis' tick in compact form, with as many decimals (0–2) as the tick needs in 万/亿, so neighbouring ticks
 * never read the same (15,000 and 18,000 are 1.5万 and 1.8万, not 2万 twice).
 */
export function axisNumber(v: number, locale: Locale): string {
  const a = Math.abs(v);
  if (locale !== 'zh-CN' || a < 1e4) return formatCompact(v, locale, 0);
  const q = a / (a >= 1e8 ? 1e8 : 1e4);
  const exact = (d: number) => Math.abs(q * 10 ** d - Math.round(q * 10 ** d)) < 1e-6;
  return formatCompact(v, locale, exact(0) ? 0 : exact(1) ? 1 : 2);
}
