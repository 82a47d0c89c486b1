/**
 * Value: the value tiers (spend × repurchase rate, by rules) and the value matrix (average order value × purchase
 * frequency, split at thresholds) — each group a bubble at its averages, sized by customers, with the split lines —
 * and their tables. Each group can be saved as a segment.
 */
import { useMemo } from 'react';
import { useShared } from '../../app/filters.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Chart } from '../../charts/Chart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { formatMoney, formatNumber, formatPercent } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import { AnalysisState, FiltersNote, RunFooter, snapshotWindow, useAnalysis, type RunInfo } from './analysis-common.js';
import { useAm } from './analyses-messages.js';
import { SaveSegment } from './save-segment.js';
import './customers.css';

interface Named {
  zh: string;
  en: string;
  actionZh: string;
  actionEn: string;
}
export interface Tier extends Named, Record<string, unknown> {
  tier: string;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number;
  orders: number;
  avgSpend: number;
  avgOrders: number;
  avgOrderValue: number;
  avgRepurchaseRate: number;
  activeShare: number;
  medianDaysSinceLast: number;
}
interface TiersResult extends RunInfo {
  customers: number;
  revenue: number;
  params: { rules?: { tier: string; minSpend?: number; minRepurchase?: number }[] } & Record<string, unknown>;
  tiers: Tier[];
}
export interface ValueType extends Named, Record<string, unknown> {
  valueType: string;
  aovHigh: boolean;
  frequencyHigh: boolean;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number;
  orders: number;
  avgAov: number;
  avgFrequency: number;
  avgSpend: number;
  activeShare: number;
  medianDaysSinceLast: number;
}
interface MatrixResult extends RunInfo {
  customers: number;
  revenue: number;
  thresholds: { aov: number; frequency: number };
  types: ValueType[];
}

/** A value with its share, muted. */
function Share({ v, s }: { v: string; s: string }) {
  return (
    <>
      {v} <span className="muted ca-small">{s}</span>
    </>
  );
}

const nameOf = (s: Named, l: Locale) => (l === 'en' ? s.en : s.zh);
const actionOf = (s: Named, l: Locale) => (l === 'en' ? s.actionEn : s.actionZh);

/** Bubbles at each group's averages, area ∝ customers, with dashed split lines. */
export function bubbles(points: readonly { name: string; x: number; y: number; customers: number }[], axes: { x: string; y: string; xLog?: boolean }, lines: { x?: number[]; y?: number[] }, fmt: { x: (v: number) => string; y: (v: number) => string; n: (v: number) => string }): EChartsOption {
  const max = Math.max(1, ...points.map((p) => p.customers));
  const markLine = {
    silent: true,
    symbol: 'none',
    lineStyle: { type: 'dashed', color: '#94a3b8' },
    label: { show: false },
    data: [...(lines.x ?? []).map((x) => ({ xAxis: x })), ...(lines.y ?? []).map((y) => ({ yAxis: y }))],
  };
  return {
    tooltip: { trigger: 'item', formatter: (p: { data: { name: string; value: [number, number, number] } }) => `${p.data.name}<br/>${axes.x}: ${fmt.x(p.data.value[0])}<br/>${axes.y}: ${fmt.y(p.data.value[1])}<br/>${fmt.n(p.data.value[2])}` },
    grid: { left: 12, right: 28, top: 44, bottom: 28, containLabel: true },
    xAxis: {
      type: axes.xLog ? 'log' : 'value',
      name: axes.x,
      nameLocation: 'middle',
      nameGap: 26,
      scale: true,
      // Log axes from and to a power of ten with room, so the bubbles at the ends do not cover the axis labels.
      ...(axes.xLog ? { min: (v: { min: number }) => 10 ** Math.floor(Math.log10(v.min / 1.5)), max: (v: { max: number }) => 10 ** Math.ceil(Math.log10(v.max * 1.5)) } : {}), axisLabel: { formatter: (v: number) => fmt.x(v) } },
    yAxis: { type: 'value', name: axes.y, nameTextStyle: { align: 'left' }, scale: true, axisLabel: { formatter: (v: number) => fmt.y(v) } },
    series: [
      {
        type: 'scatter',
        data: points.map((p, i) => ({ name: p.name, value: [p.x, p.y, p.customers], itemStyle: { color: ['#2563eb', '#14b8a6', '#f59e0b', '#8b5cf6', '#ec4899', '#64748b'][i % 6], opacity: 0.75 } })),
        symbolSize: (v: [number, number, number]) => 14 + 56 * Math.sqrt(v[2] / max),
        label: { show: true, position: 'right', formatter: (p: { data: { name: string } }) => p.data.name, color: '#0f172a' },
        markLine,
      },
    ],
  };
}

export default function ValueTab() {
  const { m } = useAm();
  const shared = useShared();
  const body = useMemo(() => snapshotWindow(shared), [shared.from, shared.to]);
  const tiers = useAnalysis<TiersResult>('tiers', body);
  const matrix = useAnalysis<MatrixResult>('matrix', body);
  return (
    <div className="ca-tab" data-testid="value-tab">
      <FiltersNote count={shared.filters.length} />
      <div className="grid grid-2 ca-stack">
        <Card title={m('value.tiers')} testId="tiers-card">
          <AnalysisState state={tiers} what={m('what.tiers')} isEmpty={(r) => r.customers === 0}>
            {(r) => <TiersChart r={r} />}
          </AnalysisState>
        </Card>
        <Card title={m('value.matrix')} testId="matrix-card">
          <AnalysisState state={matrix} what={m('what.matrix')} isEmpty={(r) => r.customers === 0}>
            {(r) => <MatrixChart r={r} />}
          </AnalysisState>
        </Card>
      </div>
      <Card title={m('value.tiersTable')}>
        <AnalysisState state={tiers} what={m('what.tiers')} isEmpty={(r) => r.customers === 0}>
          {(r) => <TiersTable r={r} body={body} />}
        </AnalysisState>
      </Card>
      <Card title={m('value.matrixTable')}>
        <AnalysisState state={matrix} what={m('what.matrix')} isEmpty={(r) => r.customers === 0}>
          {(r) => <MatrixTable r={r} body={body} />}
        </AnalysisState>
      </Card>
    </div>
  );
}

function TiersChart({ r }: { r: TiersResult }) {
  const { m, locale } = useAm();
  const rules = r.params.rules ?? [];
  const option = useMemo(
    () =>
      bubbles(
        r.tiers.filter((t) => t.customers > 0).map((t) => ({ name: nameOf(t, locale), x: Math.max(1, t.avgSpend), y: t.avgRepurchaseRate, customers: t.customers })),
        { x: m('axis.avgSpend'), y: m('axis.repurchase'), xLog: true },
        { x: rules.flatMap((x) => (typeof x.minSpend === 'number' ? [x.minSpend] : [])), y: rules.flatMap((x) => (typeof x.minRepurchase === 'number' ? [x.minRepurchase] : [])) },
        { x: (v) => formatMoney(v, locale, true), y: (v) => formatPercent(v, locale, 0), n: (v) => m('nCustomers', { n: formatNumber(v, locale) }) },
      ),
    [r, locale],
  );
  return (
    <>
      <Chart option={option} height={320} testId="tiers-chart" ariaLabel={m('value.tiers')} />
      <p className="ca-hint muted">{m('value.tiersHint')}</p>
    </>
  );
}

function MatrixChart({ r }: { r: MatrixResult }) {
  const { m, locale } = useAm();
  const option = useMemo(
    () =>
      bubbles(
        r.types.filter((t) => t.customers > 0).map((t) => ({ name: nameOf(t, locale), x: t.avgFrequency, y: t.avgAov, customers: t.customers })),
        { x: m('axis.frequency'), y: m('axis.aov'), xLog: true },
        { x: [r.thresholds.frequency], y: [r.thresholds.aov] },
        { x: (v) => formatNumber(v, locale, 1), y: (v) => formatMoney(v, locale, true), n: (v) => m('nCustomers', { n: formatNumber(v, locale) }) },
      ),
    [r, locale],
  );
  return (
    <>
      <Chart option={option} height={320} testId="matrix-chart" ariaLabel={m('value.matrix')} />
      <p className="ca-hint muted">{m('value.matrixHint', { aov: formatMoney(r.thresholds.aov, locale), f: formatNumber(r.thresholds.frequency, locale, 1) })}</p>
    </>
  );
}

function TiersTable({ r, body }: { r: TiersResult; body: Record<string, unknown> }) {
  const { m, locale } = useAm();
  const columns: Column<Tier>[] = [
    { key: 'tier', header: m('col.tier'), cell: (t) => nameOf(t, locale) },
    { key: 'customers', header: m('col.customers'), numeric: true, cell: (t) => <Share v={formatNumber(t.customers, locale)} s={formatPercent(t.customerShare, locale)} />, total: formatNumber(r.customers, locale) },
    { key: 'revenue', header: m('col.revenue'), numeric: true, cell: (t) => <Share v={formatMoney(t.revenue, locale)} s={formatPercent(t.revenueShare, locale)} />, total: formatMoney(r.revenue, locale) },
    { key: 'avgSpend', header: m('axis.avgSpend'), numeric: true, cell: (t) => formatMoney(t.avgSpend, locale) },
    { key: 'avgRepurchaseRate', header: m('axis.repurchase'), numeric: true, cell: (t) => formatPercent(t.avgRepurchaseRate, locale) },
    { key: 'action', header: m('col.action'), cell: (t) => <span className="ca-wrap">{actionOf(t, locale)}</span>, sortValue: () => 0 },
    { key: 'save', header: '', sortValue: () => 0, cell: (t) => (t.customers > 0 ? <SaveSegment analysis="tiers" body={body} dimension="value_tier" value={t.tier} defaultName={nameOf(t, locale)} customers={t.customers} compact /> : null) },
  ];
  return (
    <>
      <DataTable columns={columns} rows={r.tiers} totals testId="tiers-table" rowKey={(t) => t.tier} />
      <RunFooter run={r} />
    </>
  );
}

function MatrixTable({ r, body }: { r: MatrixResult; body: Record<string, unknown> }) {
  const { m, locale } = useAm();
  const columns: Column<ValueType>[] = [
    {
      key: 'valueType',
      header: m('col.valueType'),
      cell: (t) => (
        <>
          {nameOf(t, locale)}
          <div className="muted ca-small">{`${m(t.aovHigh ? 'hi.aov' : 'lo.aov')} · ${m(t.frequencyHigh ? 'hi.freq' : 'lo.freq')}`}</div>
        </>
      ),
    },
    { key: 'customers', header: m('col.customers'), numeric: true, cell: (t) => <Share v={formatNumber(t.customers, locale)} s={formatPercent(t.customerShare, locale)} />, total: formatNumber(r.customers, locale) },
    { key: 'revenue', header: m('col.revenue'), numeric: true, cell: (t) => <Share v={formatMoney(t.revenue, locale)} s={formatPercent(t.revenueShare, locale)} />, total: formatMoney(r.revenue, locale) },
    { key: 'avgAov', header: m('axis.aov'), numeric: true, cell: (t) => formatMoney(t.avgAov, locale) },
    { key: 'avgFrequency', header: m('axis.frequency'), numeric: true, cell: (t) => formatNumber(t.avgFrequency, locale, 1) },
    { key: 'action', header: m('col.action'), cell: (t) => <span className="ca-wrap">{actionOf(t, locale)}</span>, sortValue: () => 0 },
    { key: 'save', header: '', sortValue: () => 0, cell: (t) => (t.customers > 0 ? <SaveSegment analysis="matrix" body={body} dimension="value_type" value={t.valueType} defaultName={nameOf(t, locale)} customers={t.customers} compact /> : null) },
  ];
  return (
    <>
      <DataTable columns={columns} rows={r.types} totals testId="matrix-table" rowKey={(t) => t.valueType} />
      <RunFooter run={r} />
    </>
  );
}
