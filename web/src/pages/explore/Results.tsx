/** The answer: toolbar (chart type, click mode, export, SQL), drill breadcrumb, chart, table and the records panel. */
import { useMemo, useState } from 'react';
import { api, download, type BodyOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import type { Filter } from '../../app/filters.js';
import { Chart, type ChartClick } from '../../charts/Chart.js';
import { Card } from '../../components/Card.js';
import { Empty, Loading } from '../../components/States.js';
import { label } from '../../i18n/index.js';
import { valueLabel, type Catalog } from './catalog.js';
import { chartModel, chartOption, defaultChart, type ChartContext } from './chart.js';
import { DrillThrough } from './DrillThrough.js';
import { ExploreError } from './ExploreError.js';
import { gridOfPivot, gridOfQuery, isEmptyGrid, type Cell, type Grid } from './grid.js';
import { useM } from './messages.js';
import { columnHeader, PivotTable } from './PivotTable.js';
import { canDrill, CHART_TYPES, compareApplies, drillDown, drillFilters, drillUpTo, STARTER, type ExploreState } from './state.js';

type Scope = { from?: string; to?: string; filters?: Filter[] };

/** The request the view makes: a flat query (compare allowed) without column dimensions, else a pivot. */
export function requestOf(st: ExploreState, scope: Scope): { kind: 'query'; body: BodyOf<'POST /api/query'> } | { kind: 'pivot'; body: BodyOf<'POST /api/pivot'> } {
  const filters = [...(scope.filters ?? []), ...drillFilters(st)];
  const base = { ...(scope.from ? { from: scope.from } : {}), ...(scope.to ? { to: scope.to } : {}), ...(filters.length ? { filters } : {}) };
  if (st.cols.length) return { kind: 'pivot', body: { metrics: [...st.metrics], rows: [...st.rows], columns: [...st.cols], ...base, limit: 50_000 } };
  return {
    kind: 'query',
    body: { metrics: [...st.metrics], ...(st.rows.length ? { dimensions: [...st.rows], totals: true } : {}), ...base, ...(st.compare ? { compare: st.compare } : {}), limit: 50_000 },
  };
}

export function Results({
  cat,
  st,
  scope,
  update,
  clickThrough,
  setClickThrough,
}: {
  cat: Catalog;
  st: ExploreState;
  scope: Scope;
  update: (p: Partial<ExploreState>) => void;
  clickThrough: boolean;
  setClickThrough: (v: boolean) => void;
}) {
  const { m, t, locale } = useM();
  const [showSql, setShowSql] = useState(false);
  const [records, setRecords] = useState<Cell | undefined>(undefined);
  const [exporting, setExporting] = useState<{ busy: boolean; name?: string; error?: Error }>({ busy: false });
  const ready = st.metrics.length > 0;
  const req = requestOf(st, scope);
  const res = useApi<Grid>(
    async (signal) => (req.kind === 'pivot' ? gridOfPivot(await api.post('/api/pivot', { body: req.body, signal }), st.metrics) : gridOfQuery(await api.post('/api/query', { body: req.body, signal }))),
    [req, st.metrics],
    ready,
  );
  const dims = useMemo(() => new Map(cat.dimensions.map((d) => [d.key, d])), [cat]);
  const isTime = (d: string) => !!dims.get(d)?.time;
  const ctx: ChartContext = useMemo(
    () => ({
      locale,
      isTime: (d) => !!dims.get(d)?.time,
      valueLabel: (d, v) => valueLabel(cat, d, v, locale, m('empty')),
      otherLabel: m('other'),
      columnLabel: (c) => (res.data ? columnHeader(c, res.data, cat, locale, m('pivotTotal')) : label(c.label, locale)),
    }),
    [locale, dims, cat, res.data, m],
  );
  const drillScope: Scope = { ...scope, filters: [...(scope.filters ?? []), ...drillFilters(st)] };
  const onDrillDown = (dimension: string, value: string) => update(drillDown(st, dims, dimension, value));

  if (!ready) return <Starter update={update} />;

  const grid = res.data;
  const chartType = st.chart ?? (grid ? defaultChart(grid, isTime) : 'bar');
  const model = grid && grid.rows.length > 0 && (grid.rowDims.length > 0 || grid.colDims.length > 0) ? chartModel(grid, ctx) : undefined;
  const option = model ? chartOption(model, chartType, ctx) : undefined;
  const onChartClick = (e: ChartClick) => {
    const cell = (e.data as { cell?: Cell } | undefined)?.cell;
    if (!cell || !model) return;
    const native = (e as unknown as { event?: { event?: MouseEvent } }).event?.event;
    if (clickThrough || native?.shiftKey || native?.ctrlKey || native?.metaKey) {
      if (cell.metric) setRecords(cell);
      return;
    }
    // Drill down on the axis category (for a heatmap, the row); else on a series' dimension that can drill.
    const target = [...model.axisDims, ...Object.keys(cell.dims)].find((d) => cell.dims[d] !== undefined && canDrill(st, dims, d));
    if (target) onDrillDown(target, cell.dims[target]!);
  };
  const exportAs = async (format: 'csv' | 'xlsx') => {
    setExporting({ busy: true });
    try {
      const filters = drillScope.filters ?? [];
      const query = {
        metrics: [...st.metrics],
        ...(st.rows.length + st.cols.length ? { dimensions: [...st.rows, ...st.cols] } : {}),
        ...(scope.from ? { from: scope.from } : {}),
        ...(scope.to ? { to: scope.to } : {}),
        ...(filters.length ? { filters } : {}),
        ...(st.compare && compareApplies(st) ? { compare: st.compare } : {}),
        ...(st.sort && grid?.mode === 'query' ? { sort: [{ key: st.sort.key, desc: st.sort.desc }] } : {}),
      };
      const name = await download('POST', '/api/exports', { kind: 'query', query, format, lang: locale === 'en' ? 'en' : 'zh' }, `explore.${format}`);
      setExporting({ busy: false, name });
    } catch (e) {
      setExporting({ busy: false, error: e instanceof Error ? e : new Error(String(e)) });
    }
  };

  return (
    <>
      <div className="explore-toolbar" data-testid="explore-toolbar">
        <div className="explore-row" role="group" aria-label={m('chartType')}>
          {CHART_TYPES.map((k) => (
            <button key={k} type="button" className={`chip${chartType === k ? ' active' : ''}`} aria-pressed={chartType === k} onClick={() => update({ chart: k })} data-testid={`chart-${k}`}>
              {m(`chart.${k}`)}
            </button>
          ))}
        </div>
        <label className="inline explore-clickmode">
          <span className="muted">{m('clickMode')}</span>
          <select value={clickThrough ? 'through' : 'down'} onChange={(e) => setClickThrough(e.target.value === 'through')} data-testid="click-mode">
            <option value="down">{m('clickMode.down')}</option>
            <option value="through">{m('clickMode.through')}</option>
          </select>
        </label>
        <div className="explore-row explore-actions">
          <button type="button" className="btn" disabled={exporting.busy} onClick={() => void exportAs('csv')} data-testid="export-csv">
            {t('common.exportCsv')}
          </button>
          <button type="button" className="btn" disabled={exporting.busy} onClick={() => void exportAs('xlsx')} data-testid="export-xlsx">
            {t('common.exportXlsx')}
          </button>
          <button type="button" className={`btn${showSql ? ' btn-primary' : ''}`} onClick={() => setShowSql(!showSql)} data-testid="view-sql" aria-expanded={showSql}>
            {showSql ? t('common.hideSql') : t('common.viewSql')}
          </button>
        </div>
      </div>
      {(exporting.busy || exporting.name || exporting.error) && (
        <div className="explore-status" data-testid="export-status">
          {exporting.busy ? m('exporting') : exporting.error ? <ExploreError error={exporting.error} /> : m('exported', { name: exporting.name })}
          {!exporting.busy && grid?.mode === 'pivot' && <span className="muted small"> {m('export.note')}</span>}
        </div>
      )}
      <Breadcrumb cat={cat} st={st} onUp={(depth) => update(drillUpTo(st, dims, depth))} />
      {res.error ? (
        <ExploreError error={res.error} retry={res.reload} />
      ) : !grid ? (
        <Loading />
      ) : isEmptyGrid(grid) ? (
        <Empty title={m('noRows.title')} hint={m('noRows.hint')} />
      ) : (
        <div className={`explore-results${res.loading ? ' reloading' : ''}`}>
          {showSql && <SqlPanel grid={grid} />}
          {option && (
            <Card testId="explore-chart" className="explore-chart">
              <Chart option={option} height={340} onClick={onChartClick} testId="explore-chart-canvas" ariaLabel={m('chart')} />
            </Card>
          )}
          <Card testId="explore-table-card" title={<span className="muted small">{m('drill.hint')}</span>}>
            <PivotTable
              grid={grid}
              cat={cat}
              st={st}
              onSort={(key) => update({ sort: st.sort?.key === key ? { key, desc: !st.sort.desc } : { key, desc: grid.columns.find((c) => c.key === key)?.kind !== 'dimension' } })}
              onDrillDown={onDrillDown}
              onDrillThrough={setRecords}
            />
          </Card>
        </div>
      )}
      {records && <DrillThrough cat={cat} cell={records} scope={drillScope} onClose={() => setRecords(undefined)} />}
    </>
  );
}

function Breadcrumb({ cat, st, onUp }: { cat: Catalog; st: ExploreState; onUp: (depth: number) => void }) {
  const { m, locale } = useM();
  if (st.drill.length === 0) return null;
  return (
    <nav className="explore-crumbs" aria-label={m('drill.path')} data-testid="drill-breadcrumb">
      <button type="button" className="btn btn-link" onClick={() => onUp(0)} data-testid="crumb-0">
        {m('drill.top')}
      </button>
      {st.drill.map((d, i) => (
        <span key={`${d.dimension}:${d.value}`}>
          <span className="muted"> › </span>
          {i === st.drill.length - 1 ? (
            <strong data-testid={`crumb-${i + 1}`}>
              {label(cat.dimByKey.get(d.dimension)?.label ?? d.dimension, locale)}: {valueLabel(cat, d.dimension, d.value, locale)}
            </strong>
          ) : (
            <button type="button" className="btn btn-link" onClick={() => onUp(i + 1)} data-testid={`crumb-${i + 1}`}>
              {label(cat.dimByKey.get(d.dimension)?.label ?? d.dimension, locale)}: {valueLabel(cat, d.dimension, d.value, locale)}
            </button>
          )}
        </span>
      ))}
    </nav>
  );
}

function SqlPanel({ grid }: { grid: Grid }) {
  const { m } = useM();
  return (
    <Card title={m('sql.title')} testId="sql-panel" className="explore-sql">
      {grid.queries.map((q, i) => (
        <div key={i}>
          {grid.queries.length > 1 && <div className="muted small">{m('sql.statement', { n: i + 1 })}</div>}
          <pre className="sql" data-testid="sql-text">
            {q.sql}
          </pre>
          {q.params.length > 0 && (
            <div className="small">
              <span className="muted">{m('sql.params')}: </span>
              <code data-testid="sql-params">{JSON.stringify(q.params)}</code>
            </div>
          )}
        </div>
      ))}
    </Card>
  );
}

function Starter({ update }: { update: (p: Partial<ExploreState>) => void }) {
  const { m } = useM();
  return (
    <div className="state state-empty explore-starter" data-testid="explore-empty">
      <div className="state-icon" aria-hidden="true">
        ⊞
      </div>
      <div className="state-title">{m('empty.title')}</div>
      <div className="state-hint">{m('empty.hint')}</div>
      <div className="explore-row">
        <button type="button" className="btn btn-primary" onClick={() => update(STARTER)} data-testid="starter">
          {m('empty.starter')}
        </button>
        <button type="button" className="btn" onClick={() => update({ metrics: ['revenue'], rows: ['province'], cols: ['year'], drill: [], compare: undefined, chart: undefined, sort: undefined })} data-testid="starter-pivot">
          {m('empty.starter2')}
        </button>
        <button type="button" className="btn" onClick={() => update({ metrics: ['orders'], rows: ['channel'], cols: [], compare: 'yoy', drill: [], chart: undefined, sort: undefined })} data-testid="starter-compare">
          {m('empty.starter3')}
        </button>
      </div>
    </div>
  );
}

