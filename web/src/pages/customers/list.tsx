/**
 * The searchable customer list (GET /api/customers): search (debounced, in the URL), server-side sort and pages, the
 * total, export of every match; a row opens the 360° profile, which links back to this exact view (?ret=).
 * Values are shown as the API returns them: masked for roles without see_personal_data.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api, downloadFile, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { navigate, pageHref, setParams, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { Card } from '../../components/Card.js';
import { Empty, Loadable } from '../../components/States.js';
import { formatMoney, formatNumber } from '../../i18n/format.js';
import { fmtDay } from './profile-format.js';
import { useCode, useListM } from './list-messages.js';
import { Pager, useDebounced } from './list-parts.js';
import { listQuery, listStateOf, nextSort, PAGE_SIZES, sortParam, type ListSortKey } from './list-state.js';
import './list.css';

type Item = ResponseOf<'GET /api/customers'>['customers'][number];
type M = ReturnType<typeof useListM>['m'];

interface Col {
  readonly key: string;
  readonly header: string;
  readonly sort?: ListSortKey;
  readonly numeric?: boolean;
  /** Long text that may wrap (keeps the table within a 1280 px screen). */
  readonly wrap?: boolean;
  readonly cell: (r: Item) => ReactNode;
  /** Shown only when some row of the page has a value (model results that may not have been run yet). */
  readonly optional?: (r: Item) => unknown;
}

export function kindLabel(kind: string | null | undefined, m: M): string {
  if (kind === 'person' || kind === 'company') return m(`kind.${kind}`);
  return kind ?? '–';
}

export function regionText(province: string | null | undefined, city: string | null | undefined): string {
  if (!province && !city) return '–';
  if (!city || city === province) return province ?? city ?? '–';
  return province ? `${province} · ${city}` : city;
}

/** The profile URL of a customer, carrying the current view so its back link returns here. */
export function profileHref(id: string): string {
  const ret = window.location.search.replace(/^\?/, '');
  return pageHref('customers', [id], ret ? { ret } : {});
}

export function openProfile(e: React.MouseEvent, id: string): void {
  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) {
    e.stopPropagation();
    return;
  }
  e.preventDefault();
  e.stopPropagation();
  navigate(profileHref(id));
}

export default function CustomerList() {
  const { m, t, locale } = useListM();
  const loc = useLocation();
  const state = listStateOf(loc.search);
  const canExport = useCan('export');
  const code = useCode();
  const seesPersonal = useCan('see_personal_data');
  const [text, setText] = useState(state.q);
  const debounced = useDebounced(text, 300);
  const [exportMsg, setExportMsg] = useState<{ ok: boolean; text: string } | undefined>();
  const [exporting, setExporting] = useState(false);

  // The URL follows what is typed (after a pause); the box follows the URL (back/forward).
  useEffect(() => {
    if (debounced !== state.q) setParams({ q: debounced, page: undefined });
  }, [debounced]);
  useEffect(() => {
    setText((cur) => (cur === state.q ? cur : state.q));
  }, [state.q]);

  const query = listQuery(state);
  const data = useApi((signal) => api.get('/api/customers', { query, signal }), [query]);

  const cols: Col[] = [
    { key: 'id', header: m('col.id'), sort: 'id', cell: (r) => <a href={profileHref(r.id)} onClick={(e) => openProfile(e, r.id)}>{r.id}</a> },
    { key: 'name', header: m('col.name'), sort: 'name', cell: (r) => <span data-testid="customer-name">{r.name ?? '–'}</span> },
    { key: 'phone', header: m('col.phone'), cell: (r) => <span data-testid="customer-phone">{r.phone ?? '–'}</span> },
    { key: 'kind', header: m('col.kind'), cell: (r) => kindLabel(r.kind, m) },
    { key: 'memberTier', header: m('col.memberTier'), cell: (r) => r.memberTier ?? '–' },
    { key: 'valueTier', header: m('col.valueTier'), cell: (r) => r.valueTier ?? '–', optional: (r) => r.valueTier },
    { key: 'rfmSegment', header: m('col.rfmSegment'), cell: (r) => code('rfm', r.rfmSegment), optional: (r) => r.rfmSegment },
    { key: 'region', header: m('col.region'), sort: 'province', wrap: true, cell: (r) => regionText(r.province, r.city) },
    { key: 'owner', header: m('col.owner'), cell: (r) => (r.owner ? `${r.ownerName ?? ''} (${r.owner})`.trim() : '–'), optional: (r) => r.owner },
    {
      key: 'revenue',
      header: m('col.revenue'),
      sort: 'revenue',
      numeric: true,
      cell: (r) => (
        <span data-testid="customer-revenue" data-value={r.revenue}>
          {formatMoney(r.revenue, locale)}
        </span>
      ),
    },
    { key: 'orders', header: m('col.orders'), sort: 'orders', numeric: true, cell: (r) => <span data-testid="customer-orders" data-value={r.orders}>{formatNumber(r.orders, locale)}</span> },
    { key: 'firstOrder', header: m('col.firstOrder'), sort: 'first_order', cell: (r) => fmtDay(r.firstOrderAt, locale) },
    { key: 'lastOrder', header: m('col.lastOrder'), sort: 'last_order', cell: (r) => fmtDay(r.lastOrderAt, locale) },
  ];

  const sortOf = state.sort ?? { key: 'id' as const, desc: false };

  async function exportAs(format: 'csv' | 'xlsx') {
    setExporting(true);
    setExportMsg(undefined);
    try {
      const sort = sortParam(state.sort);
      const r = await downloadFile('POST', '/api/exports', { kind: 'customers', format, ...(state.q.trim() ? { search: state.q.trim() } : {}), ...(sort ? { sort } : {}) }, `customers.${format}`);
      setExportMsg({ ok: true, text: m('exported', { rows: formatNumber(r.headers.get('X-Tidemark-Rows'), locale), name: r.name }) });
    } catch (e) {
      setExportMsg({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setExporting(false);
    }
  }

  const total = data.data?.total;
  return (
    <Card
      className="cl-card"
      testId="customer-list"
      title={
        <span className="cl-title">
          {total === undefined ? (
            <span className="muted">{t('common.loading')}</span>
          ) : (
            <span data-testid="customer-count" data-count={total}>
              {state.q.trim() ? m('countOf', { count: total, n: formatNumber(total, locale), q: state.q.trim() }) : m('count', { count: total, n: formatNumber(total, locale) })}
            </span>
          )}
          {!seesPersonal && <span className="cl-badge" title={m('searchHint')}>{m('masked')}</span>}
        </span>
      }
      actions={
        canExport && (
          <>
            <button type="button" className="btn" disabled={exporting || !total} title={m('exportHint')} onClick={() => void exportAs('csv')} data-testid="customer-export-csv">
              {t('common.exportCsv')}
            </button>
            <button type="button" className="btn" disabled={exporting || !total} title={m('exportHint')} onClick={() => void exportAs('xlsx')} data-testid="customer-export-xlsx">
              {t('common.exportXlsx')}
            </button>
          </>
        )
      }
    >
      <div className="cl-toolbar">
        <div className="cl-search">
          <span className="cl-search-icon" aria-hidden="true">⌕</span>
          <input type="text" value={text} onChange={(e) => setText(e.target.value)} placeholder={m('searchPlaceholder')} aria-label={t('common.search')} title={m('searchHint')} maxLength={200} data-testid="customer-search" />
          {text && (
            <button type="button" className="btn-link" onClick={() => setText('')} aria-label={m('clear')} title={m('clear')}>
              ×
            </button>
          )}
        </div>
        {data.loading && data.data && <span className="spinner" aria-hidden="true" />}
        <label className="inline cl-size">
          <span className="muted">{m('pageSize')}</span>
          <select value={state.size} onChange={(e) => setParams({ size: e.target.value, page: undefined })} data-testid="customer-page-size">
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {exportMsg && (
        <div className={exportMsg.ok ? 'form-ok' : 'form-error'} role="status" data-testid="customer-export-msg">
          {exportMsg.text}
        </div>
      )}
      <Loadable
        state={data}
        isEmpty={(d) => d.total === 0}
        empty={state.q.trim() ? <Empty title={m('noMatch', { q: state.q.trim() })} hint={m('noMatchHint')} /> : <Empty title={m('noCustomers')} hint={m('noCustomersHint')} />}
      >
        {(d) => {
          const shown = cols.filter((c) => !c.optional || d.customers.some((r) => c.optional!(r) !== null && c.optional!(r) !== undefined));
          return (
            <>
              <div className="table-wrap cl-table-wrap">
                <table className="table cl-table" data-testid="customer-table">
                  <thead>
                    <tr>
                      {shown.map((c) => {
                        const active = c.sort && sortOf.key === c.sort;
                        return (
                          <th
                            key={c.key}
                            className={`${c.numeric ? 'num ' : ''}${c.sort ? 'cl-sortable' : 'cl-fixed'}`}
                            aria-sort={active ? (sortOf.desc ? 'descending' : 'ascending') : c.sort ? 'none' : undefined}
                            title={c.sort ? m('sortBy', { col: c.header }) : m('notSortable')}
                            data-testid={`customer-sort-${c.key}`}
                            onClick={c.sort ? () => setParams({ sort: sortParam(nextSort(state.sort ?? { key: 'id', desc: false }, c.sort!)), page: undefined }) : undefined}
                          >
                            {c.header}
                            <span className="sort-mark">{active ? (sortOf.desc ? ' ▼' : ' ▲') : ''}</span>
                          </th>
                        );
                      })}
                    </tr>
                  </thead>
                  <tbody>
                    {d.customers.map((r) => (
                      <tr key={r.id} className="clickable" data-testid="customer-row" data-customer-id={r.id} onClick={(e) => openProfile(e, r.id)}>
                        {shown.map((c) => (
                          <td key={c.key} className={c.numeric ? 'num' : c.wrap ? 'cl-wrap' : undefined}>
                            {c.cell(r)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager page={state.page} size={state.size} total={d.total} onPage={(p) => setParams({ page: p > 1 ? String(p) : undefined })} testId="customer-pager" rangeLabel={(from, to, all) => m('rangeOf', { from, to, total: all })} />
            </>
          );
        }}
      </Loadable>
    </Card>
  );
}
