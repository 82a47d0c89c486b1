import { useMemo } from 'react';
import type { Loaded } from '../../api/use-api.js';
import { Chart } from './LazyChart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { PALETTE } from '../../charts/palette.js';
import { Card } from '../../components/Card.js';
import { Empty, Loadable } from '../../components/States.js';
import type { Locale } from '../../i18n/index.js';
import { formatMoney, formatNumber } from '../../i18n/format.js';
import type { QueryResult } from './data.js';
import { num } from './kpis.js';
import { useM } from './messages.js';

const noRows = (r: QueryResult) => r.rows.length === 0;

function axisMoney(locale: Locale) {
  return { type: 'value' as const, axisLabel: { formatter: (v: number) => formatMoney(v, locale, true) } };
}

/** Revenue by month, this period against the same months a year before (query compare: 'yoy'). */
export function RevenueTrend({ state }: { state: Loaded<QueryResult> }) {
  const { m, locale } = useM();
  const option = useMemo((): EChartsOption | undefined => {
    const r = state.data;
    if (!r) return undefined;
    const months = r.rows.map((x) => String(x.month));
    return {
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatMoney(v, locale) },
      legend: { top: 0, data: [m('thisPeriod'), m('lastYear')] },
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months, boundaryGap: false },
      yAxis: axisMoney(locale),
      series: [
        { name: m('thisPeriod'), type: 'line', smooth: true, symbolSize: 5, data: r.rows.map((x) => num(x.revenue)), areaStyle: { opacity: 0.08 }, color: PALETTE[0] },
        { name: m('lastYear'), type: 'line', smooth: true, symbolSize: 4, data: r.rows.map((x) => num(x.revenue__prev)), lineStyle: { type: 'dashed' }, color: PALETTE[6] },
      ],
    };
  }, [state.data, locale, m]);
  return (
    <Card title={m('revenueTrend')} actions={<span className="muted">{m('byMonth')}</span>} testId="overview-trend">
      <Loadable state={state} isEmpty={noRows} empty={<Empty title={m('noRows')} hint={m('noRowsHint')} />}>
        {() => option && <Chart option={option} height={280} testId="trend-chart" ariaLabel={m('revenueTrend')} />}
      </Loadable>
    </Card>
  );
}

/** Buying customers by month split into new (first order ever in the month) and returning: stacked bars. */
export function NewVsReturning({ state }: { state: Loaded<QueryResult> }) {
  const { m, locale } = useM();
  const option = useMemo((): EChartsOption | undefined => {
    const r = state.data;
    if (!r) return undefined;
    return {
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatNumber(v, locale) },
      legend: { top: 0, data: [m('newCustomers'), m('returningCustomers')] },
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: r.rows.map((x) => String(x.month)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, locale) } },
      series: [
        { name: m('newCustomers'), type: 'bar', stack: 'c', data: r.rows.map((x) => num(x.new_customers)), color: PALETTE[2], barMaxWidth: 28 },
        { name: m('returningCustomers'), type: 'bar', stack: 'c', data: r.rows.map((x) => num(x.returning_customers)), color: PALETTE[0], barMaxWidth: 28 },
      ],
    };
  }, [state.data, locale, m]);
  return (
    <Card title={m('newVsReturning')} actions={<span className="muted">{m('byMonth')}</span>} testId="overview-new-returning">
      <Loadable state={state} isEmpty={noRows} empty={<Empty title={m('noRows')} hint={m('noRowsHint')} />}>
        {() => option && <Chart option={option} height={280} testId="new-returning-chart" ariaLabel={m('newVsReturning')} />}
      </Loadable>
    </Card>
  );
}
