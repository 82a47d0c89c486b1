import { useMemo } from 'react';
import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty, Loadable } from '../../components/States.js';
import { label } from '../../i18n/index.js';
import { ownerLabel, searchMetrics } from './format.js';
import { useM } from './messages.js';
import { entityLabel } from './report.js';

type Metric = ResponseOf<'GET /api/metrics'>['metrics'][number];
const GROUPS = ['owner', 'source', 'none'] as const;
type Group = (typeof GROUPS)[number];
const UNITS = ['currency', 'count', 'ratio', 'number', 'days', 'hours', 'score', 'points'];

/** The metric catalog (分析指标清单): searchable, grouped by owner or source; ?q= and ?group= in the URL. */
export default function MetricsTab() {
  const { m, locale } = useM();
  const loc = useLocation();
  const q = loc.search.get('q') ?? '';
  const group = (GROUPS as readonly string[]).includes(loc.search.get('group') ?? '') ? (loc.search.get('group') as Group) : 'owner';
  const state = useApi((signal) => api.get('/api/metrics', { signal }), []);
  const unit = (u: string) => (UNITS.includes(u) ? m(`unit.${u}` as Parameters<typeof m>[0]) : u);
  const cols: Column<Metric & Record<string, unknown>>[] = [
    { key: 'name', header: m('metrics.name'), sortValue: (r) => label(r.label, locale), cell: (r) => <b>{label(r.label, locale)}</b> },
    { key: 'key', header: m('metrics.key'), cell: (r) => <code>{r.key}</code> },
    { key: 'unit', header: m('metrics.unit'), cell: (r) => unit(r.unit) },
    { key: 'formula', header: m('metrics.formula'), sortValue: (r) => r.formula ?? r.source ?? '', cell: (r) => (
      <div className="metric-formula">
        {r.formula && <code>{r.formula}</code>}
        {r.source && <span className="muted">{entityLabel(r.source, locale)} ({r.source})</span>}
      </div>
    ) },
    { key: 'owner', header: m('metrics.owner'), cell: (r) => ownerLabel(r.owner, locale) },
    { key: 'description', header: m('metrics.description'), cell: (r) => <span className="metric-desc">{r.description}</span> },
  ];
  const data = state.data;
  const filtered = useMemo(() => searchMetrics(data?.metrics ?? [], q), [data, q]);
  const groups = useMemo(() => {
    if (group === 'none') return [{ key: '', title: '', rows: filtered }];
    const by = new Map<string, Metric[]>();
    for (const x of filtered) {
      const k = group === 'owner' ? x.owner : (x.source ?? '');
      by.set(k, [...(by.get(k) ?? []), x]);
    }
    return [...by.entries()]
      .sort((a, b) => a[0].localeCompare(b[0], 'zh-CN'))
      .map(([k, rows]) => ({ key: k, title: group === 'owner' ? ownerLabel(k, locale) : k ? `${entityLabel(k, locale)} (${k})` : m('metrics.noSource'), rows }));
  }, [filtered, group, locale, m]);
  return (
    <Card
      title={m('metrics.title')}
      testId="metric-catalog"
      actions={
        <>
          <input
            type="search"
            className="search"
            placeholder={m('metrics.search')}
            aria-label={m('metrics.search')}
            data-testid="metrics-search"
            value={q}
            onChange={(e) => setParams({ q: e.target.value })}
          />
          <label className="inline">
            <span className="muted">{m('metrics.groupBy')}</span>
            <select value={group} data-testid="metrics-group" onChange={(e) => setParams({ group: e.target.value === 'owner' ? undefined : e.target.value })}>
              {GROUPS.map((g) => (
                <option key={g} value={g}>
                  {m(`metrics.group.${g}`)}
                </option>
              ))}
            </select>
          </label>
        </>
      }
    >
      <Loadable state={state} isEmpty={(d) => d.metrics.length === 0}>
        {(d) => (
          <>
            <p className="muted" data-testid="metrics-count">
              {m('metrics.count', { shown: filtered.length, total: d.metrics.length })}
            </p>
            {filtered.length === 0 ? (
              <Empty title={m('metrics.none')} hint={m('metrics.noneHint')} />
            ) : (
              groups.map((g) => (
                <section key={g.key} className="metric-group" data-testid={`metric-group-${g.key || 'all'}`}>
                  {g.title && (
                    <h3 className="group-title">
                      {g.title} <span className="muted">({g.rows.length})</span>
                    </h3>
                  )}
                  <DataTable columns={cols} rows={g.rows as (Metric & Record<string, unknown>)[]} rowKey={(r) => r.key} testId="metrics-table" />
                </section>
              ))
            )}
          </>
        )}
      </Loadable>
    </Card>
  );
}
