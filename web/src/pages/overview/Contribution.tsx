import { dimensionValueLabel, useDimensions } from '../../api/dimensions.js';
import { useMemo } from 'react';
import type { Loaded } from '../../api/use-api.js';
import { setFilter } from '../../app/filters.js';
import { Chart } from './LazyChart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { PALETTE } from '../../charts/palette.js';
import { Card } from '../../components/Card.js';
import { Empty, Loadable } from '../../components/States.js';
import { formatMoney, formatPercent } from '../../i18n/format.js';
import type { QueryResult } from './data.js';
import { num } from './kpis.js';
import { useM } from './messages.js';

/**
 * Revenue by one dimension (channel, province) as ranked horizontal bars with each one's share of the period's
 * revenue; a click filters every page by that value (drill-down).
 */
export function Contribution({ dimension, title, state, total, color }: { dimension: string; title: string; state: Loaded<QueryResult>; total: number | null; color: string }) {
  const { m, locale } = useM();
  const dims = useDimensions();
  const rows = useMemo(() => [...(state.data?.rows ?? [])].reverse(), [state.data]); // largest on top
  const option = useMemo((): EChartsOption | undefined => {
    if (!state.data) return undefined;
    const names = rows.map((x) => (x[dimension] === null || x[dimension] === undefined ? '–' : dimensionValueLabel(dims, dimension, x[dimension], locale)));
    const share = (v: number | null) => (v !== null && total ? formatPercent(v / total, locale) : '');
    return {
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps: unknown) => {
        const p = (ps as { name: string; value: number }[])[0];
        return p ? `${p.name}<br/>${formatMoney(p.value, locale)} · ${share(p.value)}` : '';
      } },
      grid: { left: 8, right: 110, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: 'value', show: false },
      yAxis: { type: 'category', data: names, axisTick: { show: false }, axisLine: { show: false } },
      series: [
        {
          type: 'bar',
          data: rows.map((x) => num(x.revenue)),
          color,
          barMaxWidth: 18,
          label: { show: true, position: 'right', formatter: (p: { value: unknown }) => `${formatMoney(p.value, locale, true)}  ${share(num(p.value))}`, color: '#475569', fontSize: 11 },
        },
      ],
    };
  }, [state.data, rows, dims, dimension, total, locale, color]);
  const height = Math.max(160, (state.data?.rows.length ?? 6) * 26 + 16);
  return (
    <Card title={title} actions={<span className="muted">{m('clickToFilter')}</span>} testId={`overview-${dimension}`}>
      <Loadable state={state} isEmpty={(r) => r.rows.length === 0} empty={<Empty title={m('noRows')} hint={m('noRowsHint')} />}>
        {() =>
          option && (
            <Chart
              option={option}
              height={height}
              testId={`${dimension}-chart`}
              ariaLabel={title}
              onClick={(e) => {
                const v = rows[e.dataIndex]?.[dimension];
                if (v !== null && v !== undefined) setFilter(dimension, [String(v)]);
              }}
            />
          )
        }
      </Loadable>
    </Card>
  );
}

export const CONTRIBUTION_COLORS = { channel: PALETTE[0]!, province: PALETTE[2]! };
