/**
 * A report section's shape, and what to draw for it: pure functions (no DOM, no React) so they are unit-tested in
 * test/web/reports-model.test.ts.
 *
 * - no dimension (headline figures): KPI tiles;
 * - a time dimension (month, week…): a line over time (the first metric, its comparison period dashed, and the
 *   first metric of another unit on a second axis); a few rows only (peaks, troughs): bars;
 * - one category dimension: shares as a donut when there are few categories and the metric adds up (money, counts),
 *   else ranked horizontal bars;
 * - two or more dimensions: with subtotals, bars of the first level's subtotals; without, stacked bars (first
 *   dimension along the axis, the second as series).
 * Rolled-up rows (`_grouping` > 0) are the server's totals and subtotals: the grand total becomes the table's totals
 * row (never re-added in the browser, so ratios such as AOV stay right).
 */
import { formatChange, formatCompact, formatNumber, formatPercent, formatValue } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';

export interface ColumnInfo {
  readonly key: string;
  readonly kind: string;
  readonly label: unknown;
  readonly unit?: string;
  readonly grain?: string;
  readonly metric?: string;
}
export type Row = Record<string, unknown>;
export interface SectionData {
  readonly key: string;
  readonly title: unknown;
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly Row[];
}

export const TIME_KEYS = ['year', 'quarter', 'month', 'week', 'day'];
/** Units whose values add up across categories (a share of the total makes sense). */
export const ADDITIVE_UNITS = ['currency', 'count', 'number', 'points'];
export const GROUPING = '_grouping';

/** A {en, zh} label in a language (a plain copy of i18n's label(), without React). */
export function lab(l: unknown, locale: Locale): string {
  if (l && typeof l === 'object') {
    const o = l as { en?: string; zh?: string };
    return (locale === 'en' ? (o.en ?? o.zh) : (o.zh ?? o.en)) ?? '';
  }
  return l === undefined || l === null ? '' : String(l);
}

export interface Shape {
  readonly dims: readonly ColumnInfo[];
  readonly metrics: readonly ColumnInfo[];
  /** Metric, previous and change columns in server order (what the table shows after the dimensions). */
  readonly values: readonly ColumnInfo[];
  readonly leaves: readonly Row[];
  readonly subtotals: readonly Row[];
  readonly total: Row | undefined;
  readonly time: boolean;
}

const rolled = (r: Row) => Number(r[GROUPING] ?? 0) > 0;

export function shapeOf(s: SectionData): Shape {
  const dims = s.columns.filter((c) => c.kind === 'dimension');
  const metrics = s.columns.filter((c) => c.kind === 'metric');
  const values = s.columns.filter((c) => c.kind === 'metric' || c.kind === 'previous' || c.kind === 'change');
  const leaves = s.rows.filter((r) => !rolled(r));
  const rolledRows = s.rows.filter(rolled);
  const total = rolledRows.find((r) => dims.every((d) => r[d.key] === null || r[d.key] === undefined));
  const subtotals = rolledRows.filter((r) => r !== total);
  const time = dims.length > 0 && (dims[0]!.grain !== undefined || TIME_KEYS.includes(dims[0]!.key));
  return { dims, metrics, values, leaves, subtotals, total, time };
}

/**
 * The metric a chart draws: the one the rows are ranked by (the section's sort: values descending or ascending down
 * the rows), else the first money metric, else the first metric. So a chart reads in the table's order.
 */
export function chartMetric(shape: Shape): ColumnInfo | undefined {
  const { metrics, leaves } = shape;
  if (!shape.time && leaves.length >= 3) {
    const monotone = (c: ColumnInfo, dir: 1 | -1) => leaves.every((r, i) => i === 0 || dir * (Number(r[c.key] ?? 0) - Number(leaves[i - 1]![c.key] ?? 0)) <= 0);
    const varies = (c: ColumnInfo) => new Set(leaves.map((r) => r[c.key])).size > 1;
    const sorted = metrics.find((c) => varies(c) && (monotone(c, 1) || monotone(c, -1)));
    if (sorted) return sorted;
  }
  return metrics.find((c) => c.unit === 'currency') ?? metrics[0];
}

export type ChartKind = 'kpi' | 'line' | 'bar' | 'hbar' | 'pie' | 'stacked' | 'none';

export function chartKind(shape: Shape): ChartKind {
  const { dims, metrics, leaves, subtotals } = shape;
  if (metrics.length === 0) return 'none';
  if (dims.length === 0) return 'kpi';
  if (leaves.length === 0) return 'none';
  if (shape.time) return leaves.length >= 4 && dims.length === 1 ? 'line' : 'bar';
  if (dims.length === 1) {
    const m = chartMetric(shape)!;
    const n = (r: Row) => Number(r[m.key] ?? 0);
    if (leaves.length <= 8 && ADDITIVE_UNITS.includes(m.unit ?? '') && leaves.every((r) => n(r) >= 0)) return 'pie';
    return 'hbar';
  }
  if (subtotals.length > 0) return 'hbar';
  // Stacked bars only when the second dimension has few values (category × season); else (province × city) the
  // rows ranked as bars, each named by both values.
  return new Set(leaves.map((r) => String(r[dims[1]!.key]))).size <= 10 ? 'stacked' : 'hbar';
}

/** The value in its unit; change columns as +12.3% or, for ratios, percentage points. */
export function formatCell(v: unknown, col: ColumnInfo, locale: Locale, compact = false): string {
  if (col.unit === 'change') return formatChange(v, locale);
  if (col.unit === 'ratio_change') return formatPoints(v, locale);
  if (col.unit === 'score') return formatNumber(v, locale, 2);
  return formatValue(v, col.unit, locale, compact);
}

/** 0.012 → "+1.2 pt" / "+1.2个百分点". */
export function formatPoints(v: unknown, locale: Locale): string {
  const n = typeof v === 'number' ? v : Number.NaN;
  if (!Number.isFinite(n)) return '–';
  const body = formatNumber(Math.abs(n * 100), locale, 1);
  const sign = n > 0 ? '+' : n < 0 ? '-' : '';
  return locale === 'en' ? `${sign}${body} pt` : `${sign}${body}个百分点`;
}

/** Axis ticks: compact (万/亿, K/M), percentages for ratios. */
export function axisFormat(unit: string | undefined, locale: Locale): (v: number) => string {
  if (unit === 'ratio') return (v) => formatPercent(v, locale, 0);
  if (unit === 'currency') return (v) => `¥${formatCompact(v, locale, 1)}`;
  return (v) => formatCompact(v, locale, 1);
}

export interface BuildOptions {
  readonly locale: Locale;
  /** A dimension value as shown (coded values → labels; null → "(none)"). */
  readonly valueLabel: (dimension: string, value: unknown) => string;
  /** "Previous period" in the current language, for the dashed series. */
  readonly previousLabel?: string;
  /** Most bars/categories a chart shows (the table has them all). */
  readonly maxBars?: number;
}

export interface Built {
  readonly kind: ChartKind;
  readonly option?: Record<string, unknown>;
  /** How many categories the chart shows, and of how many. */
  readonly shown?: number;
  readonly count?: number;
}

const tooltipValue = (col: ColumnInfo, locale: Locale) => (v: unknown) => formatCell(v, col, locale);

/** The ECharts option of a section (undefined for KPI tiles and empty sections). */
export function buildChart(s: SectionData, o: BuildOptions): Built {
  const shape = shapeOf(s);
  const kind = chartKind(shape);
  const { locale } = o;
  const max = o.maxBars ?? 20;
  if (kind === 'kpi' || kind === 'none') return { kind };
  const m = chartMetric(shape)!;
  const name = (c: ColumnInfo) => lab(c.label, locale);
  const num = (r: Row, c: ColumnInfo) => {
    const v = r[c.key];
    return v === null || v === undefined ? null : Number(v);
  };
  const d0 = shape.dims[0]!;
  const base = { tooltip: { trigger: 'axis', valueFormatter: tooltipValue(m, locale) }, grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true } };

  if (kind === 'line' || (kind === 'bar' && shape.time)) {
    const rows = [...shape.leaves].sort((a, b) => String(a[d0.key]).localeCompare(String(b[d0.key])));
    const x = rows.map((r) => o.valueLabel(d0.key, r[d0.key]));
    const prev = s.columns.find((c) => c.kind === 'previous' && c.metric === m.metric);
    const other = shape.metrics.find((c) => c.unit !== m.unit);
    const type = kind === 'line' ? 'line' : 'bar';
    const series: Record<string, unknown>[] = [{ name: name(m), type, data: rows.map((r) => num(r, m)), smooth: type === 'line', showSymbol: rows.length <= 24, tooltip: { valueFormatter: tooltipValue(m, locale) } }];
    if (prev && kind === 'line') series.push({ name: `${name(m)} · ${o.previousLabel ?? name(prev)}`, type: 'line', data: rows.map((r) => num(r, prev)), lineStyle: { type: 'dashed' }, showSymbol: false, tooltip: { valueFormatter: tooltipValue(prev, locale) } });
    if (other && kind === 'line') series.push({ name: name(other), type: 'line', yAxisIndex: 1, data: rows.map((r) => num(r, other)), showSymbol: false, tooltip: { valueFormatter: tooltipValue(other, locale) } });
    const yAxis: Record<string, unknown>[] = [{ type: 'value', axisLabel: { formatter: axisFormat(m.unit, locale) } }];
    if (other && kind === 'line') yAxis.push({ type: 'value', splitLine: { show: false }, axisLabel: { formatter: axisFormat(other.unit, locale) } });
    return {
      kind: type === 'line' ? 'line' : 'bar',
      option: { ...base, tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' }, xAxis: { type: 'category', data: x, boundaryGap: type === 'bar' }, yAxis, series },
      shown: rows.length,
      count: rows.length,
    };
  }

  if (kind === 'pie') {
    const data = shape.leaves.map((r) => ({ name: o.valueLabel(d0.key, r[d0.key]), value: num(r, m) }));
    return {
      kind,
      option: {
        tooltip: { trigger: 'item', formatter: (p: { name: string; value: unknown; percent: number }) => `${p.name}<br/>${formatCell(p.value, m, locale)} (${formatPercent(p.percent / 100, locale)})` },
        legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
        series: [{ name: name(m), type: 'pie', radius: ['42%', '70%'], center: ['40%', '52%'], data, label: { formatter: '{b}: {d}%' } }],
      },
      shown: data.length,
      count: data.length,
    };
  }

  if (kind === 'hbar') {
    // With subtotals: the first level's subtotals (dims after the first rolled up); else the leaves.
    const firstLevel = shape.subtotals.filter((r) => r[d0.key] !== null && r[d0.key] !== undefined && shape.dims.slice(1).every((d) => r[d.key] === null || r[d.key] === undefined));
    const pool = shape.dims.length > 1 && firstLevel.length > 0 ? firstLevel : shape.leaves;
    const named = (r: Row) => (pool === shape.leaves ? shape.dims.map((d) => o.valueLabel(d.key, r[d.key])).join(' · ') : o.valueLabel(d0.key, r[d0.key]));
    const sorted = [...pool].sort((a, b) => (num(b, m) ?? -Infinity) - (num(a, m) ?? -Infinity)).slice(0, max);
    const rows = [...sorted].reverse(); // largest at the top
    return {
      kind,
      option: {
        ...base,
        grid: { ...base.grid, top: 12 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: tooltipValue(m, locale) },
        xAxis: { type: 'value', axisLabel: { formatter: axisFormat(m.unit, locale) } },
        yAxis: { type: 'category', data: rows.map(named), axisLabel: { width: 180, overflow: 'truncate' } },
        series: [{ name: name(m), type: 'bar', data: rows.map((r) => num(r, m)), barMaxWidth: 18 }],
      },
      shown: rows.length,
      count: pool.length,
    };
  }

  // stacked: first dimension along the axis, the second as series (the largest ones), the first metric.
  const d1 = shape.dims[1]!;
  const sumBy = (key: string) => {
    const t = new Map<string, number>();
    for (const r of shape.leaves) t.set(String(r[key]), (t.get(String(r[key])) ?? 0) + (num(r, m) ?? 0));
    return [...t.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  };
  const cats = sumBy(d0.key).slice(0, max);
  const allSeries = sumBy(d1.key);
  const seriesKeys = allSeries.slice(0, 10);
  const valueOf = (c: string, sk: string) => {
    const r = shape.leaves.find((x) => String(x[d0.key]) === c && String(x[d1.key]) === sk);
    return r ? num(r, m) : null;
  };
  const orig = (key: string, v: string) => shape.leaves.find((r) => String(r[key]) === v)?.[key];
  return {
    kind,
    option: {
      ...base,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: tooltipValue(m, locale) },
      legend: { top: 0, type: 'scroll' },
      xAxis: { type: 'category', data: cats.map((c) => o.valueLabel(d0.key, orig(d0.key, c))), axisLabel: { interval: 0, rotate: cats.length > 8 ? 35 : 0, width: 90, overflow: 'truncate' } },
      yAxis: { type: 'value', axisLabel: { formatter: axisFormat(m.unit, locale) } },
      series: seriesKeys.map((sk) => ({ name: o.valueLabel(d1.key, orig(d1.key, sk)), type: 'bar', stack: 'total', data: cats.map((c) => valueOf(c, sk)), barMaxWidth: 28 })),
    },
    shown: cats.length,
    count: new Set(shape.leaves.map((r) => String(r[d0.key]))).size,
  };
}
