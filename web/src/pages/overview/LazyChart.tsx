import { lazy, Suspense, type ComponentProps } from 'react';
import type { Chart as ChartType } from '../../charts/Chart.js';

/**
 * The shared <Chart>, loaded on first use: the overview chunk does not wait for ECharts (the largest chunk), so the
 * headline figures are requested and shown while it loads; each chart keeps its box meanwhile (no layout shift).
 */
const Inner = lazy(() => import('../../charts/Chart.js').then((m) => ({ default: m.Chart })));

export function Chart(props: ComponentProps<typeof ChartType>) {
  const h = props.height ?? 320;
  return (
    <Suspense fallback={<div className="chart chart-pending" style={{ height: typeof h === 'number' ? `${h}px` : h }} data-testid={props.testId ? `${props.testId}-pending` : undefined} />}>
      <Inner {...props} />
    </Suspense>
  );
}
