/** RFM: the eight segments as a grid and a treemap (customers or revenue); a clicked segment shows its figures and can be saved. */
import { useMemo } from 'react';
import { setParams, useLocation } from '../../app/router.js';
import { useShared } from '../../app/filters.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Chart } from '../../charts/Chart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { formatMoney, formatNumber, formatPercent } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import { AnalysisState, FiltersNote, Kpi, RunFooter, snapshotWindow, Switch, useAnalysis, type RunInfo } from './analysis-common.js';
import { useAm } from './analyses-messages.js';
import { SaveSegment } from './save-segment.js';
import './customers.css';

export interface RfmSegment extends Record<string, unknown> {
  segment: string;
  zh: string;
  en: string;
  actionZh: string;
  actionEn: string;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number;
  /** null for a segment without customers (the API's averages of nothing). */
  avgRecencyDays: number | null;
  avgFrequency: number | null;
  avgMonetary: number | null;
  avgR: number | null;
  avgF: number | null;
  avgM: number | null;
}
export interface RfmResult extends RunInfo {
  customers: number;
  revenue: number;
  averages: { r: number; f: number; m: number; recencyDays: number; frequency: number; monetary: number };
  segments: RfmSegment[];
}

/** Segments in the grid's order: important first, then by value → development → retention → recovery. */
const ORDER = ['important_value', 'important_development', 'important_retention', 'important_recovery', 'general_value', 'general_development', 'general_retention', 'general_recovery'];
const COLORS: Record<string, string> = {
  important_value: '#1d4ed8',
  important_development: '#0ea5e9',
  important_retention: '#14b8a6',
  important_recovery: '#f59e0b',
  general_value: '#8b5cf6',
  general_development: '#7dd3fc',
  general_retention: '#94a3b8',
  general_recovery: '#fca5a5',
};

const nameOf = (s: { zh: string; en: string }, l: Locale) => (l === 'en' ? s.en : s.zh);

export function rfmTreemap(segments: readonly RfmSegment[], size: 'customers' | 'revenue', locale: Locale, fmt: (v: number) => string): EChartsOption {
  return {
    tooltip: { formatter: (p: { name: string; value: number }) => `${p.name}<br/>${fmt(p.value)}` },
    series: [
      {
        type: 'treemap',
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        left: 0,
        top: 0,
        right: 0,
        bottom: 0,
        label: { show: true, formatter: (p: { name: string; value: number }) => `${p.name}\n${fmt(p.value)}`, fontSize: 12 },
        itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 },
        data: segments
          .filter((s) => s[size] > 0)
          .map((s) => ({ name: nameOf(s, locale), value: s[size], segment: s.segment, itemStyle: { color: COLORS[s.segment] ?? '#64748b' } })),
      },
    ],
  };
}

export default function RfmTab() {
  const { m, locale } = useAm();
  const shared = useShared();
  const search = useLocation().search;
  const size = search.get('size') === 'revenue' ? 'revenue' : 'customers';
  const selected = search.get('seg') ?? undefined;
  const body = useMemo(() => snapshotWindow(shared), [shared.from, shared.to]);
  const state = useAnalysis<RfmResult>('rfm', body);
  return (
    <div className="ca-tab" data-testid="rfm-tab">
      <FiltersNote count={shared.filters.length} />
      <AnalysisState state={state} what={m('what.rfm')} isEmpty={(r) => r.customers === 0}>
        {(r) => <RfmView r={r} size={size} selected={selected} body={body} locale={locale} />}
      </AnalysisState>
    </div>
  );
}

function RfmView({ r, size, selected, body, locale }: { r: RfmResult; size: 'customers' | 'revenue'; selected: string | undefined; body: Record<string, unknown>; locale: Locale }) {
  const { m } = useAm();
  const segs = useMemo(() => [...r.segments].sort((a, b) => ORDER.indexOf(a.segment) - ORDER.indexOf(b.segment)), [r.segments]);
  const sel = segs.find((s) => s.segment === selected);
  const fmt = (v: number) => (size === 'revenue' ? formatMoney(v, locale, true) : formatNumber(v, locale));
  const option = useMemo(() => rfmTreemap(segs, size, locale, fmt), [segs, size, locale]);
  const pick = (seg: string | undefined) => setParams({ seg: seg === selected ? undefined : seg }, { replace: false });
  const columns: Column<RfmSegment>[] = [
    { key: 'segment', header: m('col.segment'), cell: (s) => nameOf(s, locale), sortValue: (s) => ORDER.indexOf(s.segment) },
    { key: 'customers', header: m('col.customers'), numeric: true, cell: (s) => (
        <>
          {formatNumber(s.customers, locale)} <span className="muted ca-small">{formatPercent(s.customerShare, locale)}</span>
        </>
      ),
      total: formatNumber(r.customers, locale) },
    { key: 'revenue', header: m('col.revenue'), numeric: true, cell: (s) => (
        <>
          {formatMoney(s.revenue, locale)} <span className="muted ca-small">{formatPercent(s.revenueShare, locale)}</span>
        </>
      ),
      total: formatMoney(r.revenue, locale) },
    { key: 'avgRecencyDays', header: m('col.recencyDays'), numeric: true, cell: (s) => formatNumber(s.avgRecencyDays, locale), total: formatNumber(r.averages.recencyDays, locale) },
    { key: 'avgFrequency', header: m('col.frequency'), numeric: true, cell: (s) => formatNumber(s.avgFrequency, locale, 1), total: formatNumber(r.averages.frequency, locale, 1) },
    { key: 'avgMonetary', header: m('col.monetary'), numeric: true, cell: (s) => formatMoney(s.avgMonetary, locale), total: formatMoney(r.averages.monetary, locale) },
  ];
  return (
    <>
      <div className="ca-kpis">
        <Kpi label={m('kpi.customers')} value={formatNumber(r.customers, locale)} testId="rfm-total" />
        <Kpi label={m('kpi.revenue')} value={formatMoney(r.revenue, locale, true)} />
        <Kpi label={m('kpi.avgRecency')} value={m('days', { n: formatNumber(r.averages.recencyDays, locale) })} />
        <Kpi label={m('kpi.avgFrequency')} value={formatNumber(r.averages.frequency, locale, 1)} />
        <Kpi label={m('kpi.avgMonetary')} value={formatMoney(r.averages.monetary, locale, true)} />
      </div>
      <Card title={m('rfm.grid')} testId="rfm-grid">
        <p className="ca-hint muted">{m('rfm.gridHint')}</p>
        <div className="rfm-grid">
          {segs.map((s) => (
            <button
              key={s.segment}
              type="button"
              className={`rfm-cell${s.segment === selected ? ' selected' : ''}`}
              style={{ borderTopColor: COLORS[s.segment] }}
              data-testid={`rfm-seg-${s.segment}`}
              data-customers={s.customers}
              aria-pressed={s.segment === selected}
              onClick={() => pick(s.segment)}
            >
              <span className="rfm-name">{nameOf(s, locale)}</span>
              <span className="rfm-count">
                <b data-testid={`rfm-count-${s.segment}`}>{formatNumber(s.customers, locale)}</b> <span className="muted">{formatPercent(s.customerShare, locale)}</span>
              </span>
              <span className="rfm-line">
                {m('col.revenue')} {formatMoney(s.revenue, locale, true)} <span className="muted">({formatPercent(s.revenueShare, locale)})</span>
              </span>
              <span className="rfm-line muted">
                R {formatNumber(s.avgR, locale, 1)} · F {formatNumber(s.avgF, locale, 1)} · M {formatNumber(s.avgM, locale, 1)}
              </span>
              <span className="rfm-action">{locale === 'en' ? s.actionEn : s.actionZh}</span>
            </button>
          ))}
        </div>
      </Card>
      {sel && (
        <Card
          title={m('rfm.selected', { name: nameOf(sel, locale) })}
          testId="rfm-selected"
          actions={
            <>
              <SaveSegment analysis="rfm" body={body} dimension="rfm_segment" value={sel.segment} defaultName={`${m('rfm.segPrefix')}${nameOf(sel, locale)}`} customers={sel.customers} />
              <button type="button" className="btn btn-link" onClick={() => pick(undefined)}>
                {m('close')}
              </button>
            </>
          }
        >
          <div className="ca-kpis">
            <Kpi label={m('col.customers')} value={formatNumber(sel.customers, locale)} />
            <Kpi label={m('col.revenue')} value={formatMoney(sel.revenue, locale, true)} />
            <Kpi label={m('col.recencyDays')} value={m('days', { n: formatNumber(sel.avgRecencyDays, locale) })} />
            <Kpi label={m('col.frequency')} value={formatNumber(sel.avgFrequency, locale, 1)} />
            <Kpi label={m('col.monetary')} value={formatMoney(sel.avgMonetary, locale)} />
          </div>
          <p>
            <b>{m('col.action')}{locale === 'en' ? ': ' : '：'}</b>
            {locale === 'en' ? sel.actionEn : sel.actionZh}
          </p>
          <p className="muted">{m('rfm.membersHint')}</p>
        </Card>
      )}
      <div className="grid grid-2 ca-stack">
        <Card
          title={m('rfm.treemap')}
          actions={
            <Switch
              value={size}
              testId="rfm-size"
              options={[
                { value: 'customers', label: m('size.customers') },
                { value: 'revenue', label: m('size.revenue') },
              ]}
              onChange={(v) => setParams({ size: v === 'customers' ? undefined : v })}
            />
          }
        >
          <Chart option={option} height={340} testId="rfm-treemap" ariaLabel={m('rfm.treemap')} onClick={(e) => pick((e.data as { segment?: string } | undefined)?.segment)} />
        </Card>
        <Card title={m('rfm.scores')}>
          <Chart option={rfmScoresBar(segs, locale)} height={340} ariaLabel={m('rfm.scores')} onClick={(e) => pick(segs[e.dataIndex]?.segment)} />
        </Card>
      </div>
      <Card title={m('rfm.table')}>
        <DataTable columns={columns} rows={segs} totals testId="rfm-table" rowKey={(s) => s.segment} onRowClick={(s) => pick(s.segment)} />
        <RunFooter run={r} testId="rfm-footer" />
      </Card>
    </>
  );
}

function round2(v: number | null): number | null {
  return v === null ? null : Number(v.toFixed(2));
}

function rfmScoresBar(segs: readonly RfmSegment[], locale: Locale): EChartsOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 5 },
    yAxis: { type: 'category', inverse: true, data: segs.map((s) => nameOf(s, locale)) },
    // A segment without customers has no averages: no bar (null), not 0.
    series: (['avgR', 'avgF', 'avgM'] as const).map((k) => ({ type: 'bar', name: k.slice(3), data: segs.map((s) => round2(s[k])) })),
  };
}
