import { useMemo } from 'react';
import { Chart } from './LazyChart.js';
import { PALETTE } from '../../charts/palette.js';
import { Card } from '../../components/Card.js';
import { ErrorState } from '../../components/States.js';
import type { Loaded } from '../../api/use-api.js';
import { label } from '../../i18n/index.js';
import { formatChange, formatValue } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import { columnOf, type Metric, type QueryResult } from './data.js';
import { KPI_METRICS, num, sparklineOption, toneOf } from './kpis.js';
import { useM } from './messages.js';

/** A change of a ratio in percentage points, always with one decimal (−0.04 pts is 0.0, not 0). */
function points(v: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v * 100);
}

function Delta({ which, result, metric, better }: { which: 'yoy' | 'mom'; result: QueryResult | undefined; metric: string; better: 'higher' | 'lower' | undefined }) {
  const { m, locale } = useM();
  const col = columnOf(result, `${metric}__change`);
  const v = num(result?.rows[0]?.[`${metric}__change`]);
  const tone = toneOf(v, better);
  const ratio = col?.unit === 'ratio_change';
  const text = !result ? '…' : v === null ? m('noCompare') : ratio ? m('points', { v: `${v > 0 ? '+' : ''}${points(v, locale)}` }) : formatChange(v, locale);
  const arrow = v === null || v === 0 ? '' : v > 0 ? '▲ ' : '▼ ';
  return (
    <span className={`kpi-delta tone-${tone}`} data-testid={`kpi-${which}`} title={label(col?.label, locale)}>
      <span className="kpi-delta-label">{m(which)}</span> {arrow}
      {text}
    </span>
  );
}

/** The headline figures: value, 同比, 环比 and a sparkline by month. */
export function KpiCards({ yoy, mom, monthly, catalog }: { yoy: Loaded<QueryResult>; mom: Loaded<QueryResult>; monthly: Loaded<QueryResult>; catalog: Map<string, Metric> | undefined }) {
  if (yoy.error) return <ErrorState error={yoy.error} retry={yoy.reload} />;
  return (
    <div className={`grid grid-kpi overview-kpis${yoy.loading && yoy.data ? ' reloading' : ''}`}>
      {KPI_METRICS.map((key, i) => (
        <KpiCard key={key} metric={key} color={PALETTE[i % PALETTE.length]!} yoy={yoy.data} mom={mom.error ? undefined : mom.data} monthly={monthly.data} meta={catalog?.get(key)} />
      ))}
    </div>
  );
}

function KpiCard({ metric, color, yoy, mom, monthly, meta }: { metric: string; color: string; yoy: QueryResult | undefined; mom: QueryResult | undefined; monthly: QueryResult | undefined; meta: Metric | undefined }) {
  const { locale } = useM();
  const col = columnOf(yoy, metric) ?? columnOf(monthly, metric);
  const value = yoy?.rows[0]?.[metric];
  const option = useMemo(() => {
    const spark = monthly?.rows.map((r) => num(r[metric])) ?? [];
    return spark.length > 1 ? sparklineOption(spark, color) : undefined;
  }, [monthly, metric, color]);
  return (
    <Card className="kpi-card" testId={`kpi-${metric}`}>
      <div className="kpi">
        <span className="kpi-label" title={meta?.description}>
          {label(col?.label ?? meta?.label ?? metric, locale)}
        </span>
        {yoy ? (
          <span className="kpi-value" data-testid="kpi-value">
            {formatValue(value, col?.unit ?? meta?.unit, locale, true)}
          </span>
        ) : (
          <span className="kpi-value kpi-placeholder" aria-busy="true">
            …
          </span>
        )}
        <div className="kpi-deltas">
          <Delta which="yoy" result={yoy} metric={metric} better={meta?.better} />
          <Delta which="mom" result={mom} metric={metric} better={meta?.better} />
        </div>
        <div className="kpi-spark">{option && <Chart option={option} height={36} ariaLabel={label(col?.label, locale)} />}</div>
      </div>
    </Card>
  );
}
