/**
 * Clusters: k-means on standardised behaviour (recency, frequency, spend, tenure, engagement, service, category mix).
 * k is chosen by silhouette unless picked (URL ?k=); each cluster shows its size, its description (the traits that
 * set it apart), its averages, and a heatmap of how far each feature is from the mean (z-scores).
 */
import { useMemo } from 'react';
import { useShared } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Chart } from '../../charts/Chart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { formatMoney, formatNumber, formatPercent } from '../../i18n/format.js';

import { AnalysisState, FiltersNote, Kpi, RunFooter, snapshotWindow, useAnalysis, type RunInfo } from './analysis-common.js';
import { useAm } from './analyses-messages.js';
import { SaveSegment } from './save-segment.js';
import './customers.css';

interface Feature {
  key: string;
  kind: string;
  category?: string;
  used: boolean;
  mean: number;
  std: number;
}
export interface Cluster extends Record<string, unknown> {
  cluster: number;
  customers: number;
  share: number;
  zh: string;
  en: string;
  traits: { key: string; z: number }[];
  z: Record<string, number>;
  means: Record<string, number>;
}
interface ClusterResult extends RunInfo {
  customers: number;
  k: number;
  chosenBy: string;
  features: Feature[];
  candidates: { k: number; inertia: number; silhouette: number }[];
  silhouette: number;
  clusters: Cluster[];
}

export const K_CHOICES = [2, 3, 4, 5, 6, 7, 8] as const;

/** A feature's name: a known measure from the messages, a category share as "<category> share". */
function useFeatureName(): (f: Feature | undefined, key: string) => string {
  const { m } = useAm();
  return (f, key) => {
    if (f?.kind === 'category') return f.category ? m('feat.share', { c: f.category }) : m('feat.other');
    const known: Record<string, string> = { recency_days: m('feat.recency'), frequency: m('feat.frequency'), monetary: m('feat.monetary'), tenure_days: m('feat.tenure'), interactions: m('feat.interactions'), service_contacts: m('feat.service') };
    return known[key] ?? key;
  };
}

export function zHeatmap(clusters: readonly Cluster[], features: readonly { key: string; name: string }[], clusterName: (c: Cluster) => string): EChartsOption {
  const data: [number, number, number][] = [];
  clusters.forEach((c, y) => features.forEach((f, x) => data.push([x, y, Number((c.z[f.key] ?? 0).toFixed(2))])));
  return {
    tooltip: { position: 'top', formatter: (p: { data: [number, number, number] }) => `${clusterName(clusters[p.data[1]]!)}<br/>${features[p.data[0]]!.name}: z = ${p.data[2]}` },
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    xAxis: { type: 'category', data: features.map((f) => f.name), axisLabel: { rotate: 35, interval: 0, fontSize: 11 }, splitArea: { show: true } },
    yAxis: { type: 'category', inverse: true, data: clusters.map(clusterName), splitArea: { show: true } },
    visualMap: { min: -2, max: 2, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160, inRange: { color: ['#2563eb', '#f8fafc', '#dc2626'] } },
    series: [{ type: 'heatmap', data, label: { show: true, fontSize: 10 } }],
  };
}

export default function ClustersTab() {
  const { m } = useAm();
  const shared = useShared();
  const kParam = Number(useLocation().search.get('k'));
  const k = (K_CHOICES as readonly number[]).includes(kParam) ? kParam : undefined;
  const body = useMemo(() => ({ ...snapshotWindow(shared), ...(k ? { k } : {}) }), [shared.from, shared.to, k]);
  const state = useAnalysis<ClusterResult>('cluster', body);
  return (
    <div className="ca-tab" data-testid="clusters-tab">
      <FiltersNote count={shared.filters.length} />
      <div className="ca-toolbar">
        <label className="inline">
          {m('cluster.k')}
          <select value={k ?? ''} data-testid="cluster-k" onChange={(e) => setParams({ k: e.target.value || undefined }, { replace: false })}>
            <option value="">{m('cluster.auto')}</option>
            {K_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="muted ca-small">{m('cluster.kHint')}</span>
      </div>
      <AnalysisState state={state} what={m('what.cluster')} isEmpty={(r) => r.customers === 0 || r.clusters.length === 0}>
        {(r) => <ClusterView r={r} body={body} />}
      </AnalysisState>
    </div>
  );
}

function ClusterView({ r, body }: { r: ClusterResult; body: Record<string, unknown> }) {
  const { m, locale } = useAm();
  const featureName = useFeatureName();
  const used = r.features.filter((f) => f.used);
  const feats = used.map((f) => ({ key: f.key, name: featureName(f, f.key) }));
  const cname = (c: Cluster) => m('cluster.name', { n: c.cluster });
  const heat = useMemo(() => zHeatmap(r.clusters, feats, cname), [r, locale]);
  const sizes: EChartsOption = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      series: [{ type: 'pie', radius: ['40%', '70%'], label: { formatter: '{b}\n{d}%' }, data: r.clusters.map((c) => ({ name: cname(c), value: c.customers })) }],
    }),
    [r, locale],
  );
  const silhouette: EChartsOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: 'category', name: 'k', data: r.candidates.map((c) => String(c.k)) },
      yAxis: { type: 'value', name: m('cluster.silhouette'), scale: true },
      series: [{ type: 'line', data: r.candidates.map((c) => ({ value: Number(c.silhouette.toFixed(3)), itemStyle: c.k === r.k ? { color: '#dc2626' } : undefined, symbolSize: c.k === r.k ? 10 : 6 })) }],
    }),
    [r, locale],
  );
  const columns: Column<Cluster>[] = [
    { key: 'cluster', header: m('col.cluster'), cell: cname },
    { key: 'customers', header: m('col.customers'), numeric: true, cell: (c) => formatNumber(c.customers, locale), total: formatNumber(r.customers, locale) },
    { key: 'share', header: m('col.share'), numeric: true, cell: (c) => formatPercent(c.share, locale) },
    { key: 'recency', header: m('feat.recency'), numeric: true, cell: (c) => formatNumber(c.means.recency_days, locale), sortValue: (c) => c.means.recency_days },
    { key: 'frequency', header: m('feat.frequency'), numeric: true, cell: (c) => formatNumber(c.means.frequency, locale, 1), sortValue: (c) => c.means.frequency },
    { key: 'monetary', header: m('feat.monetary'), numeric: true, cell: (c) => formatMoney(c.means.monetary, locale), sortValue: (c) => c.means.monetary },
    { key: 'desc', header: m('col.description'), cell: (c) => <span className="ca-wrap ca-wide">{locale === 'en' ? c.en : c.zh}</span>, sortValue: () => 0 },
  ];
  return (
    <>
      <div className="ca-kpis">
        <Kpi label={m('kpi.customers')} value={formatNumber(r.customers, locale)} testId="cluster-customers" />
        <Kpi label={m('cluster.kChosen')} value={<span data-testid="cluster-k-value">{r.k}</span>} />
        <Kpi label={m('cluster.chosenBy')} value={r.chosenBy === 'silhouette' ? m('cluster.bySilhouette') : m('cluster.byUser')} />
        <Kpi label={m('cluster.silhouette')} value={formatNumber(r.silhouette, locale, 3)} />
      </div>
      <div className="cluster-cards" data-testid="cluster-cards">
        {r.clusters.map((c) => (
          <div key={c.cluster} className="card cluster-card" data-testid={`cluster-${c.cluster}`}>
            <div className="cluster-head">
              <b>{cname(c)}</b>
              <span>
                {formatNumber(c.customers, locale)} <span className="muted">({formatPercent(c.share, locale)})</span>
              </span>
            </div>
            <div className="cluster-desc">{locale === 'en' ? c.en : c.zh}</div>
            <ul className="cluster-traits">
              {c.traits.map((t) => (
                <li key={t.key} className={t.z > 0 ? 'up' : 'down'}>
                  {t.z > 0 ? '▲' : '▼'} {featureName(r.features.find((f) => f.key === t.key), t.key)} <span className="muted">z {formatNumber(t.z, locale, 1)}</span>
                </li>
              ))}
            </ul>
            <SaveSegment analysis="cluster" body={body} dimension="cluster" value={String(c.cluster)} defaultName={`${m('cluster.name', { n: c.cluster })} ${(locale === 'en' ? c.en : c.zh).slice(0, 40)}`} customers={c.customers} compact />
          </div>
        ))}
      </div>
      <Card title={m('cluster.profile')}>
        <Chart option={heat} height={Math.max(260, 60 + 34 * r.clusters.length)} testId="cluster-heatmap" ariaLabel={m('cluster.profile')} />
        <p className="ca-hint muted">{m('cluster.profileHint')}</p>
      </Card>
      <div className="grid grid-2 ca-stack">
        <Card title={m('cluster.sizes')}>
          <Chart option={sizes} height={280} ariaLabel={m('cluster.sizes')} />
        </Card>
        <Card title={m('cluster.choice')}>
          {r.candidates.length > 1 ? <Chart option={silhouette} height={280} ariaLabel={m('cluster.choice')} /> : <p className="muted">{m('cluster.fixedK', { k: r.k })}</p>}
        </Card>
      </div>
      <Card title={m('cluster.table')}>
        <DataTable columns={columns} rows={r.clusters} totals testId="cluster-table" rowKey={(c) => String(c.cluster)} />
        <RunFooter run={r} />
      </Card>
    </>
  );
}

