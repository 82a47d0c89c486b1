import { useMemo } from 'react';
import type { ResponseOf } from '../../api/client.js';
import type { Loaded } from '../../api/use-api.js';
import { useApi } from '../../api/use-api.js';
import { setParams } from '../../app/router.js';
import { Chart } from '../../charts/Chart.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty, Loadable, Loading } from '../../components/States.js';
import { formatPercent, formatValue } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import type { Metric } from './index.js';
import { loadMap, type LoadedMap } from './maps.js';
import { matchRegions, type Matched, type RegionValue } from './match.js';
import { useM } from './messages.js';

type QueryResult = ResponseOf<'POST /api/query'>;
type Row = Record<string, unknown>;

/** Money, counts and the like add up over regions, so "x of the total on the map" is meaningful; ratios do not. */
function additive(metric: Metric | undefined): boolean {
  return !!metric && ['currency', 'count', 'number', 'points'].includes(metric.unit) && metric.source !== undefined;
}

/** The data (query by region and code), the map (when shown), the ranked table and what the map cannot place. */
export function GeoPanel({ data, metric, metricKey, province, level, view }: { data: Loaded<QueryResult>; metric: Metric | undefined; metricKey: string; province: string | undefined; level: 'province' | 'city' | 'district'; view: 'map' | 'bar' }) {
  const { m, locale } = useM();
  const map = useApi(() => loadMap(province), [province ?? 'china'], view === 'map');
  const mapFailed = view === 'map' && map.error !== undefined;
  const shown: 'map' | 'bar' = view === 'map' && !mapFailed ? 'map' : 'bar';
  const rows = (data.data?.rows ?? []) as Row[];
  const leaves = rows.filter((r) => !(Number(r._grouping ?? 0) > 0));
  const total = rows.find((r) => Number(r._grouping ?? 0) > 0);
  const nameKey = province ? level : 'province';
  const codeKey = `${nameKey}_code`;
  const matched = useMemo(() => matchRegions(leaves, { name: nameKey, code: codeKey, value: metricKey }, map.data?.features ?? []), [data.data, map.data, nameKey, metricKey]); // eslint-disable-line react-hooks/exhaustive-deps
  // The province's official name from its own rows (while the previous answer is still shown, the map index's name).
  const provinceName = province ? ((leaves.find((r) => r.province && r.province_code === province)?.province as string | undefined) ?? map.data?.title ?? province) : undefined;
  const unit = metric?.unit;
  const fmt = (v: unknown, compact = false) => formatValue(v, unit, locale, compact);
  const drill = (code: string | null | undefined) => {
    if (!province && code) setParams({ geo: code }, { replace: false });
  };

  return (
    <>
      <nav className="geo-crumbs" aria-label={m('crumbs')} data-testid="geo-crumbs">
        {province ? (
          <>
            <button type="button" className="btn-link btn" data-testid="geo-back" onClick={() => setParams({ geo: undefined }, { replace: false })}>
              ← {m('china')}
            </button>
            <span className="muted">/</span>
            <strong data-testid="geo-current">{provinceName}</strong>
            <span className="muted small">{m(level === 'district' ? 'districtHint' : 'cityHint', { name: provinceName })}</span>
          </>
        ) : (
          <>
            <strong data-testid="geo-current">{m('china')}</strong>
            <span className="muted small">{m('clickHint')}</span>
          </>
        )}
      </nav>
      {mapFailed && (
        <div className="geo-notice" role="status" data-testid="geo-map-failed">
          {m('mapFailed', { reason: map.error!.message })}
        </div>
      )}
      <Loadable state={data} isEmpty={() => leaves.length === 0} empty={<Empty title={m('noRows')} hint={m('noRowsHint')} />}>
        {() => (
          <div className="geo-grid">
            <Card
              className="geo-main"
              title={label(metric, metricKey, locale)}
              actions={
                shown === 'map' && map.data ? (
                  <span className="muted small" data-testid="geo-onmap">
                    {additive(metric) && total
                      ? m('onMap', { placed: fmt(matched.placedSum, true), total: fmt(total[metricKey], true), share: formatPercent(Number(total[metricKey]) ? matched.placedSum / Number(total[metricKey]) : 0, locale) })
                      : m('onMapCount', { placed: matched.placed.length, count: leaves.length })}
                  </span>
                ) : undefined
              }
            >
              {shown === 'map' ? (
                map.data ? (
                  <MapView loaded={map.data} matched={matched} unit={unit} locale={locale} level={level} metricName={label(metric, metricKey, locale)} onDrill={drill} />
                ) : (
                  <Loading />
                )
              ) : (
                <BarView rows={leaves} nameKey={nameKey} codeKey={codeKey} metricKey={metricKey} unit={unit} locale={locale} metricName={label(metric, metricKey, locale)} onDrill={province ? undefined : drill} />
              )}
              <p className="muted small geo-source">{m('source')}</p>
            </Card>
            <Card className="geo-side" title={m('regions')}>
              <RegionTable rows={leaves} total={total} nameKey={nameKey} codeKey={codeKey} metricKey={metricKey} metric={metric} onDrill={province ? undefined : drill} />
              {shown === 'map' && map.data && matched.unplaced.length > 0 && <Unplaced items={matched.unplaced} fmt={fmt} />}
            </Card>
          </div>
        )}
      </Loadable>
    </>
  );
}

function label(metric: Metric | undefined, key: string, locale: Locale): string {
  const l = metric?.label as { en?: string; zh?: string } | undefined;
  return (locale === 'en' ? l?.en : l?.zh) ?? key;
}

function MapView({ loaded, matched, unit, locale, level, metricName, onDrill }: { loaded: LoadedMap; matched: Matched; unit: string | undefined; locale: Locale; level: string; metricName: string; onDrill: (code: string | null | undefined) => void }) {
  const { m } = useM();
  const option = useMemo(() => {
    const values = matched.placed.map((p) => p.value ?? 0);
    const max = Math.max(0, ...values);
    const min = Math.min(0, ...values);
    const fmt = (v: unknown) => formatValue(v, unit, locale, true);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; data?: { label?: string; value?: number } }) => `${p.data?.label ?? p.name}<br/>${p.data ? formatValue(p.data.value, unit, locale) : m('noData')}`,
      },
      visualMap: {
        type: 'continuous',
        min,
        max: max > min ? max : min + 1,
        left: 8,
        bottom: 8,
        calculable: true,
        itemHeight: 110,
        formatter: (v: number) => fmt(v),
        inRange: { color: ['#dbeafe', '#60a5fa', '#1d4ed8', '#1e3a8a'] },
        textStyle: { fontSize: 11 },
      },
      series: [
        {
          type: 'map',
          map: loaded.name,
          name: metricName,
          roam: false,
          selectedMode: false,
          labelLayout: { hideOverlap: true },
          top: 8,
          bottom: 8,
          left: level === 'province' ? 70 : 'center',
          right: 8,
          label: { show: level !== 'province', fontSize: 9, color: '#0f172a', textBorderColor: '#fff', textBorderWidth: 2 },
          itemStyle: { areaColor: '#f1f5f9', borderColor: '#94a3b8', borderWidth: 0.6 },
          emphasis: { label: { show: true, fontSize: 11, color: '#0f172a', textBorderColor: '#fff', textBorderWidth: 2 }, itemStyle: { areaColor: '#fbbf24' } },
          data: matched.placed.map((p) => ({ name: p.feature, value: p.value, label: p.label, code: p.code })),
        },
      ],
    };
  }, [loaded, matched, unit, locale, level, metricName]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div data-testid="geo-map" data-level={level} data-regions={matched.placed.length} data-map={loaded.name}>
      <Chart
        option={option}
        height={520}
        ariaLabel={m('mapOf', { metric: metricName })}
        onClick={level === 'province' ? (e) => onDrill((e.data as { code?: string } | undefined)?.code ?? loaded.features.find((f) => f.name === e.name)?.id) : undefined}
      />
    </div>
  );
}

function regionName(r: RegionValue | Row, nameKey: string, unknown: string): string {
  const v = 'label' in r && !(nameKey in r) ? r.label : (r as Row)[nameKey];
  return v === null || v === undefined || v === '' ? unknown : String(v);
}

function BarView({ rows, nameKey, codeKey, metricKey, unit, locale, metricName, onDrill }: { rows: readonly Row[]; nameKey: string; codeKey: string; metricKey: string; unit: string | undefined; locale: Locale; metricName: string; onDrill?: (code: string | null | undefined) => void }) {
  const { m } = useM();
  const sorted = [...rows].sort((a, b) => Number(a[metricKey] ?? 0) - Number(b[metricKey] ?? 0)); // ascending: largest at the top
  const option = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => formatValue(v, unit, locale) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatValue(v, unit, locale, true) } },
    yAxis: { type: 'category', data: sorted.map((r) => regionName(r, nameKey, m('unknown'))), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [{ name: metricName, type: 'bar', data: sorted.map((r) => ({ value: r[metricKey] as number, code: r[codeKey] })), barMaxWidth: 16, label: { show: true, position: 'right', fontSize: 10, formatter: (p: { value: unknown }) => formatValue(p.value, unit, locale, true) } }],
  };
  return (
    <div data-testid="geo-bars" data-regions={rows.length}>
      <Chart option={option} height={Math.max(260, 22 * sorted.length + 40)} ariaLabel={m('barsOf', { metric: metricName })} onClick={onDrill ? (e) => onDrill((e.data as { code?: string } | undefined)?.code) : undefined} />
    </div>
  );
}

function RegionTable({ rows, total, nameKey, codeKey, metricKey, metric, onDrill }: { rows: readonly Row[]; total: Row | undefined; nameKey: string; codeKey: string; metricKey: string; metric: Metric | undefined; onDrill?: (code: string | null | undefined) => void }) {
  const { m, locale } = useM();
  const unit = metric?.unit;
  const tot = total ? Number(total[metricKey]) : undefined;
  const share = additive(metric) && tot;
  const columns: Column<Row>[] = [
    { key: nameKey, header: m('region'), cell: (r) => regionName(r, nameKey, m('unknown')), sortValue: (r) => r[nameKey] },
    {
      key: metricKey,
      header: label(metric, metricKey, locale),
      numeric: true,
      cell: (r) => <span data-value={String(r[metricKey] ?? '')}>{formatValue(r[metricKey], unit, locale)}</span>,
      ...(total ? { total: <span data-testid="geo-total" data-value={String(total[metricKey] ?? '')}>{formatValue(total[metricKey], unit, locale)}</span> } : {}),
    },
    ...(share
      ? [
          {
            key: '_share',
            header: m('share'),
            numeric: true,
            cell: (r: Row) => formatPercent(Number(r[metricKey] ?? 0) / tot, locale),
            sortValue: (r: Row) => r[metricKey],
            total: formatPercent(1, locale),
          },
        ]
      : []),
  ];
  return (
    <DataTable
      columns={columns}
      rows={rows}
      totals={!!total}
      testId="geo-table"
      rowKey={(r, i) => String(r[codeKey] ?? `_${i}`)}
      initialSort={{ key: metricKey, desc: true }}
      onRowClick={onDrill ? (r) => onDrill(r[codeKey] as string | null) : undefined}
    />
  );
}

function Unplaced({ items, fmt }: { items: Matched['unplaced']; fmt: (v: unknown, compact?: boolean) => string }) {
  const { m } = useM();
  return (
    <div className="geo-unplaced" data-testid="geo-unplaced">
      <div className="geo-unplaced-title">{m('notOnMap')}</div>
      <div className="muted small">{m('notOnMapHint')}</div>
      <ul>
        {items.map((u, i) => (
          <li key={`${u.code ?? ''}-${u.label ?? ''}-${i}`}>
            <span>{u.label ?? m('unknown')}</span>
            <span className="muted small"> · {m(u.reason)}</span>
            <span className="num">{fmt(u.value)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
