/**
 * Drill-through: the records behind a number (POST /api/drill with the cell's dimension values and the view's
 * filters), a page at a time, sorted on the server by clicking a header; source rows or the distinct customers.
 */
import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { formatDateTime, formatNumber, formatValue } from '../../i18n/format.js';
import { label } from '../../i18n/index.js';
import { valueLabel, type Catalog } from './catalog.js';
import { ExploreError } from './ExploreError.js';
import type { Filter } from '../../app/filters.js';
import type { Cell } from './grid.js';
import { useM } from './messages.js';

const PAGE = 25;

export function DrillThrough({ cat, cell, scope, onClose }: { cat: Catalog; cell: Cell; scope: { from?: string; to?: string; filters?: Filter[] }; onClose: () => void }) {
  const { m, t, locale } = useM();
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<{ key: string; desc: boolean } | undefined>(undefined);
  const [mode, setMode] = useState<'rows' | 'customers'>('rows');
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [onClose]);
  const res = useApi(
    (signal) => api.post('/api/drill', { body: { metric: cell.metric, cell: { ...cell.dims }, ...scope, mode, limit: PAGE, offset, ...(sort ? { sort } : {}) }, signal }),
    [cell, scope, mode, offset, sort],
  );
  const metric = cat.metricByKey.get(cell.metric);
  const where = Object.entries(cell.dims)
    .map(([d, v]) => `${label(cat.dimByKey.get(d)?.label ?? d, locale)} = ${valueLabel(cat, d, v, locale)}`)
    .join(' · ');
  const d = res.data;
  const pages = d ? Math.max(1, Math.ceil(d.total / PAGE)) : 1;
  const amountCol = d?.columns.find((c) => c.name === 'amount' || c.name === 'paid_amount');
  const pageSum = amountCol && d ? d.rows.reduce((s, r) => s + (Number(r[amountCol.name]) || 0), 0) : undefined;
  const show = (v: unknown, type: string) => {
    if (v === null || v === undefined) return '–';
    if (type.startsWith('TIMESTAMP')) return formatDateTime(v, locale);
    if (/^(DECIMAL|DOUBLE|INTEGER|BIGINT|HUGEINT|FLOAT)/.test(type)) return formatNumber(v, locale, 2);
    if (type === 'BOOLEAN') return v ? '✓' : '✗';
    return String(v);
  };
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal wide explore-records" role="dialog" aria-modal="true" aria-label={m('records.title')} data-testid="drill-through" onClick={(e) => e.stopPropagation()}>
        <div className="explore-row spread">
          <div>
            <h2>{m('records.title')}</h2>
            <div className="muted">
              {label(metric?.label ?? cell.metric, locale)} = <strong data-testid="records-value">{formatValue(cell.value, cell.unit, locale)}</strong>
              {where && ` · ${where}`}
            </div>
          </div>
          <button type="button" className="btn" onClick={onClose} data-testid="records-close">
            {t('common.close')}
          </button>
        </div>
        <div className="explore-row">
          <span className="muted">{m('records.mode')}</span>
          {(['rows', 'customers'] as const).map((k) => (
            <button
              key={k}
              type="button"
              className={`chip${mode === k ? ' active' : ''}`}
              onClick={() => {
                setMode(k);
                setOffset(0);
                setSort(undefined);
              }}
              data-testid={`records-mode-${k}`}
            >
              {m(`records.${k}`)}
            </button>
          ))}
          {d && (
            <span className="muted" data-testid="records-total" data-total={d.total}>
              {m('records.count', { count: d.total })}
            </span>
          )}
          {pageSum !== undefined && amountCol && d && (
            <span className="muted small" data-testid="records-sum" data-sum={pageSum} data-column={amountCol.name}>
              {m(d.total <= d.rows.length ? 'records.sum' : 'records.sumOnPage', { column: amountCol.name, sum: formatNumber(pageSum, locale, 2) })}
            </span>
          )}
        </div>
        {res.error ? (
          <ExploreError error={res.error} retry={res.reload} />
        ) : !d ? (
          <div className="state state-loading" role="status">
            <span className="spinner" aria-hidden="true" />
            <span>{t('common.loading')}</span>
          </div>
        ) : d.total === 0 ? (
          <div className="state state-empty">
            <div className="state-title">{m('records.none')}</div>
          </div>
        ) : (
          <div className={`table-wrap explore-records-table${res.loading ? ' reloading' : ''}`}>
            <table className="table">
              <thead>
                <tr>
                  {d.columns.map((c) => (
                    <th
                      key={c.name}
                      aria-sort={sort?.key === c.name ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                      onClick={() => {
                        if (c.name === 'extra') return;
                        setSort((s) => (s?.key === c.name ? { key: c.name, desc: !s.desc } : { key: c.name, desc: false }));
                        setOffset(0);
                      }}
                      data-testid={`records-th-${c.name}`}
                    >
                      {c.name}
                      <span className="sort-mark">{sort?.key === c.name ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r, i) => (
                  <tr key={i} data-testid="record">
                    {d.columns.map((c) => (
                      <td key={c.name} className={/^(DECIMAL|DOUBLE|INTEGER|BIGINT|HUGEINT|FLOAT)/.test(c.type) ? 'num' : undefined}>
                        {show(r[c.name], c.type)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {d && d.total > PAGE && (
          <div className="explore-row">
            <button type="button" className="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} data-testid="records-prev">
              {t('common.prev')}
            </button>
            <span className="muted">{t('common.page', { page: Math.floor(offset / PAGE) + 1, pages })}</span>
            <button type="button" className="btn" disabled={offset + PAGE >= d.total} onClick={() => setOffset(offset + PAGE)} data-testid="records-next">
              {t('common.next')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
