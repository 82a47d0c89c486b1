import { useMemo } from 'react';
import { Chart } from './LazyChart.js';
import { PALETTE } from '../../charts/palette.js';
import { Card } from '../../components/Card.js';
import { ErrorState } from '../../components/States.js';
import type { Loaded } from '../../api/use-api.js';
import { label } from '../../i18n/index.js';
import { formatChange, formatDate, formatValue } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import { columnOf, type Metric, type QueryResult } from './data.js';
import { changeOf, KPI_METRICS, num, sparklineOption, toneOf, type Period } from './kpis.js';
import { useM } from './messages.js';

/** A change of a ratio in percentage points, always with one decimal (−0.04 pts is 0.0, not 0). */
function points(v: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v * 100);
}

function Delta({ which, cur, prev, metric, better }: { which: 'yoy' | 'mom'; cur: QueryResult | undefined; prev: Compared | undefined; metric: string; better: 'higher' | 'lower' | undefined }) {
  const { m, locale } = useM();
  const unit = columnOf(cur, metric)?.unit;
  const v = cur && prev?.result ? changeOf(cur.rows[0]?.[metric], prev.result.rows[0]?.[metric], unit) : null;
  const tone = toneOf(v, better);
  const text = !cur || !prev?.result ? '…' : v === null ? m('noCompare') : unit === 'ratio' ? m('points', { v: `${v > 0 ? '+' : ''}${points(v, locale)}` }) : formatChange(v, locale);
  const arrow = v === null || v === 0 ? '' : v > 0 ? '▲ ' : '▼ ';
  return (
    <span className={`kpi-delta tone-${tone}`} data-testid={`kpi-${which}`} title={prev ? `${formatDate(prev.period.from, locale)} – ${formatDate(prev.period.to, locale)}` : undefined}>
      <span className="kpi-delta-label">{m(which)}</span> {arrow}
      {text}
    </span>
  );
}

/** The figures of a comparison period (同比 or 环比) and the period itself. */
export interface Compared {
  readonly period: Period;
  readonly result: QueryResult | undefined;
}

/** The headline figures: value, 同比, 环比 and a sparkline by month. */
export function KpiCards({ cur, yoy, mom, monthly, catalog }: { cur: Loaded<QueryResult>; yoy: Compared | undefined; mom: Compared | undefined; monthly: Loaded<QueryResult>; catalog: Map<string, Metric> | undefined }) {
  if (cur.error) return <ErrorState error={cur.error} retry={cur.reload} />;
  return (
    <div className={`grid grid-kpi overview-kpis${cur.loading && cur.data ? ' reloading' : ''}`}>
      {KPI_METRICS.map((key, i) => (
        <KpiCard key={key} metric={key} color={PALETTE[i % PALETTE.length]!} cur={cur.data} yoy={yoy} mom={mom} monthly={monthly.data} meta={catalog?.get(key)} />
      ))}
    </div>
  );
}

function KpiCard({ metric, color, cur, yoy, mom, monthly, meta }: { metric: string; color: string; cur: QueryResult | undefined; yoy: Compared | undefined; mom: Compared | undefined; monthly: QueryResult | undefined; meta: Metric | undefined }) {
  const { locale } = useM();
  const col = columnOf(cur, metric) ?? columnOf(monthly, metric);
  const value = cur?.rows[0]?.[metric];
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
        {cur ? (
          <span className="kpi-value" data-testid="kpi-value">
            {formatValue(value, col?.unit ?? meta?.unit, locale, true)}
          </span>
        ) : (
          <span className="kpi-value kpi-placeholder" aria-busy="true">
            …
          </span>
        )}
        <div className="kpi-deltas">
          <Delta which="yoy" cur={cur} prev={yoy} metric={metric} better={meta?.better} />
          <Delta which="mom" cur={cur} prev={mom} metric={metric} better={meta?.better} />
        </div>
        <div className="kpi-spark">{option && <Chart option={option} height={36} ariaLabel={label(col?.label, locale)} />}</div>
      </div>
    </Card>
  );
}
