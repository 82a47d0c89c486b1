import { useEffect, useRef } from 'react';
import { echarts, PALETTE, type EChartsOption } from './echarts.js';

export interface ChartClick {
  readonly name: string;
  readonly seriesName?: string;
  readonly value: unknown;
  readonly data: unknown;
  readonly dataIndex: number;
}

/** One ECharts instance: sized by its box, resized with it, disposed on unmount. `onClick` gives drill-down. */
export function Chart({ option, height = 320, onClick, testId, ariaLabel }: { option: EChartsOption; height?: number | string; onClick?: (e: ChartClick) => void; testId?: string; ariaLabel?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p: unknown) => click.current?.(p as ChartClick));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ color: PALETTE, animationDuration: 300, textStyle: { fontFamily: 'inherit' }, ...option }, { notMerge: true });
  }, [option]);
  return <div ref={el} className={`chart${onClick ? ' clickable' : ''}`} style={{ height }} data-testid={testId} role="img" aria-label={ariaLabel} />;
}
