/**
 * The cockpit's headline figures and the pure helpers behind them (no DOM, tested in test/web/overview.test.ts):
 * which way a change is good, and the sparkline / trend chart options.
 */
import type { EChartsOption } from '../../charts/echarts.js';

/** Metric keys of the KPI cards, in order (all from the catalog: GET /api/metrics). */
/**
 * Metric keys of the KPI cards, in order (all from the catalog: GET /api/metrics). Gross margin is not among them: it
 * reads every order item with its product's cost (~10 s on the 1M-customer demo), too slow for the first screen.
 */
export const KPI_METRICS = ['revenue', 'orders', 'active_customers', 'new_customers', 'aov', 'repurchase_rate', 'revenue_per_customer', 'refund_rate'] as const;

/** What the monthly query asks for besides the KPIs: the split of buying customers into new and returning. */
export const MONTHLY_METRICS = [...KPI_METRICS, 'returning_customers'] as const;

export type Tone = 'good' | 'bad' | 'flat';

/** A change coloured by the metric's direction: a rise of a "lower is better" metric (refund rate) is bad. */
export function toneOf(change: unknown, better: 'higher' | 'lower' | undefined): Tone {
  const n = typeof change === 'number' ? change : Number.NaN;
  if (!Number.isFinite(n) || n === 0 || !better) return 'flat';
  return (n > 0) === (better === 'higher') ? 'good' : 'bad';
}

export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A small line without axes, for a KPI card: the metric by month. */
export function sparklineOption(values: readonly (number | null)[], color: string): EChartsOption {
  return {
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: { type: 'category', show: false, boundaryGap: false, data: values.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true },
    tooltip: { show: false },
    series: [{ type: 'line', data: [...values], smooth: true, symbol: 'none', lineStyle: { width: 1.5, color }, areaStyle: { color, opacity: 0.12 } }],
  };
}
