import { useEffect, useState } from 'react';
import { api, download, urlOf, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty, ErrorState, Loadable } from '../../components/States.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { AUDIT_ACTIONS, useM } from './messages.js';

type Entry = ResponseOf<'GET /api/audit'>['entries'][number];
const PAGE = 50;

/** Details as short "key: value" pairs (before/after as a → b). */
function Details({ details }: { details: Record<string, unknown> }) {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const parts = Object.entries(details).map(([k, v]) => `${k}: ${text(v)}`);
  const s = parts.join(' · ');
  return (
    <span className="audit-details" title={s}>
      {s}
    </span>
  );
}

/** The audit filters as the URL keeps them (?auser= &action= &afrom= &ato= &apage=); `from`/`to` are the shared period's. */
function useFilters() {
  const loc = useLocation();
  return {
    login: loc.search.get('auser') ?? '',
    action: loc.search.get('action') ?? '',
    from: loc.search.get('afrom') ?? '',
    to: loc.search.get('ato') ?? '',
    page: Math.max(1, Number(loc.search.get('apage') ?? 1) || 1),
  };
}

/** The Audit tab: the log filtered by user, action and days, paged, exportable as CSV. */
export default function AuditTab() {
  const { m, t, locale } = useM();
  const f = useFilters();
  const [login, setLogin] = useState(f.login);
  useEffect(() => setLogin(f.login), [f.login]);
  const query = { login: f.login || undefined, action: f.action || undefined, from: f.from || undefined, to: f.to || undefined };
  const state = useApi((signal) => api.get('/api/audit', { query: { ...query, limit: PAGE, offset: (f.page - 1) * PAGE }, signal }), [query, f.page]);
  const [dlError, setDlError] = useState<Error | undefined>(undefined);
  const action = (a: string) => {
    const key = `action.${a}`;
    const s = m(key as Parameters<typeof m>[0]);
    return s === key ? a : s;
  };
  const actions = f.action && !(AUDIT_ACTIONS as readonly string[]).includes(f.action) ? [...AUDIT_ACTIONS, f.action] : AUDIT_ACTIONS;
  const cols: Column<Entry>[] = [
    { key: 'at', header: m('audit.at'), cell: (e) => formatDateTime(e.at, locale) },
    { key: 'login', header: m('audit.user'), cell: (e) => e.login ?? <span className="muted">{m('audit.system')}</span> },
    { key: 'action', header: m('audit.action'), cell: (e) => (
      <span data-testid={`audit-action-${e.action}`}>
        {action(e.action)} <code className="muted">{e.action}</code>
      </span>
    ) },
    { key: 'details', header: m('audit.details'), sortValue: (e) => JSON.stringify(e.details), cell: (e) => <Details details={e.details} /> },
  ];
  const set = (changes: Record<string, string | undefined>) => setParams({ ...changes, apage: undefined });
  return (
    <Card
      title={m('audit.title')}
      testId="audit"
      actions={
        <button
          type="button"
          className="btn"
          data-testid="audit-export"
          onClick={() => {
            setDlError(undefined);
            download('GET', urlOf('/api/audit', undefined, { ...query, format: 'csv' }), undefined, 'audit.csv').catch((e: unknown) => setDlError(e instanceof Error ? e : new Error(String(e))));
          }}
        >
          {t('common.exportCsv')}
        </button>
      }
    >
      <form
        className="audit-filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ auser: login.trim() || undefined });
        }}
      >
        <label className="inline">
          <span className="muted">{m('audit.user')}</span>
          <input type="search" value={login} data-testid="audit-user" onChange={(e) => setLogin(e.target.value)} onBlur={() => login.trim() !== f.login && set({ auser: login.trim() || undefined })} />
        </label>
        <label className="inline">
          <span className="muted">{m('audit.action')}</span>
          <select value={f.action} data-testid="audit-action" onChange={(e) => set({ action: e.target.value || undefined })}>
            <option value="">{m('audit.any')}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {action(a)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <span className="muted">{m('audit.from')}</span>
          <input type="date" value={f.from} data-testid="audit-from" onChange={(e) => set({ afrom: e.target.value || undefined })} />
        </label>
        <label className="inline">
          <span className="muted">{m('audit.to')}</span>
          <input type="date" value={f.to} data-testid="audit-to" onChange={(e) => set({ ato: e.target.value || undefined })} />
        </label>
        {(f.login || f.action || f.from || f.to) && (
          <button type="button" className="btn-link" onClick={() => set({ auser: undefined, action: undefined, afrom: undefined, ato: undefined })}>
            {m('audit.clear')}
          </button>
        )}
      </form>
      {dlError && <ErrorState error={dlError} />}
      <Loadable state={state} isEmpty={(d) => d.entries.length === 0} empty={<Empty title={m('audit.empty')} hint={m('audit.emptyHint')} />}>
        {(d) => {
          const pages = Math.max(1, Math.ceil(d.total / PAGE));
          return (
            <>
              <p className="muted" data-testid="audit-total">{m('audit.total', { count: formatNumber(d.total, locale) })}</p>
              <DataTable columns={cols} rows={d.entries} rowKey={(e) => String(e.auditId)} testId="audit-table" />
              {pages > 1 && (
                <div className="pager">
                  <button type="button" className="btn" disabled={f.page <= 1} onClick={() => setParams({ apage: String(f.page - 1) })}>
                    {t('common.prev')}
                  </button>
                  <span className="muted">{t('common.page', { page: f.page, pages })}</span>
                  <button type="button" className="btn" disabled={f.page >= pages} data-testid="audit-next" onClick={() => setParams({ apage: String(f.page + 1) })}>
                    {t('common.next')}
                  </button>
                </div>
              )}
            </>
          );
        }}
      </Loadable>
    </Card>
  );
}
