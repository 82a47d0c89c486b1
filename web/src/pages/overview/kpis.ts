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

/** `day` shifted by n days, months or years, month ends clamped (as src/query/time.ts shiftDay). */
export function shiftDay(day: string, n: number, unit: 'day' | 'month' | 'year'): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const pad = (x: number) => String(x).padStart(2, '0');
  if (unit === 'day') {
    const t = new Date(Date.UTC(y, m - 1, d) + n * 86_400_000);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  }
  const total = y * 12 + (m - 1) + (unit === 'year' ? n * 12 : n);
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${pad(nm)}-${pad(Math.min(d, last))}`;
}

export interface Period {
  readonly from: string;
  readonly to: string;
}

/**
 * The periods the headline figures are compared with, as the query compiler's compare frames (src/query/compile.ts
 * frames()): 同比 the same days a year back; 环比 the period of equal length just before (whole calendar months step back
 * by their months, so 环比 of March is February). Asking for them as plain queries instead of `compare` lets the
 * current figures come alone, first, and each period is computed once (for 12 months, 环比 is 同比: one request).
 */
export function comparePeriods(p: Period): { yoy: Period; mom: Period } {
  const back = (n: number, unit: 'day' | 'month' | 'year'): Period => ({ from: shiftDay(p.from, -n, unit), to: shiftDay(shiftDay(shiftDay(p.to, 1, 'day'), -n, unit), -1, 'day') });
  let mom: Period;
  const [fy, fm] = p.from.split('-').map(Number) as [number, number];
  const [ty, tm] = p.to.split('-').map(Number) as [number, number];
  const months = (ty - fy) * 12 + (tm - fm) + 1;
  if (p.from.endsWith('-01') && shiftDay(p.to, 1, 'day').endsWith('-01') && months > 0) mom = back(months, 'month');
  else mom = back(Math.round((Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`)) / 86_400_000) + 1, 'day');
  return { yoy: back(1, 'year'), mom };
}

/** A change as the compiler's `__change` columns: relative ((cur − prev) ÷ |prev|), ratios in points (cur − prev). */
export function changeOf(cur: unknown, prev: unknown, unit: string | undefined): number | null {
  const c = num(cur);
  const p = num(prev);
  if (c === null || p === null) return null;
  if (unit === 'ratio') return c - p;
  return p === 0 ? null : (c - p) / Math.abs(p);
}
