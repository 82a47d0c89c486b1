import { useState } from 'react';
import { api, ApiError, download } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { queryScope, useShared } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { PageHeader } from '../../components/Card.js';
import { Empty, ErrorState, Loadable, Loading } from '../../components/States.js';
import { formatDate } from '../../i18n/format.js';
import { lab } from './model.js';
import { useM } from './messages.js';
import { ReportSection, type ReportResult } from './section.js';
import './reports.css';

const GRAINS = ['month', 'week', 'quarter', 'year'] as const;

/**
 * Reports: the standard pack (GET /api/reports). The report chosen (?report=), the trend grain (?by=) and the shared
 * period and filters are in the URL; each section is a chart and its table, with its SQL; export as XLSX or CSV.
 */
export default function ReportsPage() {
  const { m, t, locale } = useM();
  const loc = useLocation();
  const shared = useShared();
  const list = useApi((signal) => api.get('/api/reports', { signal }), []);
  const reports = list.data?.reports ?? [];
  const key = loc.search.get('report') ?? reports[0]?.key;
  const info = reports.find((r) => r.key === key);
  const byParam = loc.search.get('by');
  const by = GRAINS.includes(byParam as (typeof GRAINS)[number]) ? byParam! : undefined;
  const body = { ...queryScope(shared), ...(by ? { by: [by] } : {}) };
  const report = useApi((signal) => api.post('/api/reports/{key}', { params: { key: key! }, body, signal }), [key, body], !!info);
  const byable = info?.sections.some((s) => s.byable) ?? false;

  return (
    <div className="reports-page">
      <PageHeader
        title={info ? lab(info.title, locale) : t('nav.reports')}
        subtitle={info ? (locale === 'en' ? info.description : info.sections.map((s) => lab(s.title, locale)).join('、')) : m('pack')}
        actions={info && <ReportActions reportKey={info.key} body={body} />}
      />
      <div className="reports-layout">
        <nav className="reports-list no-print" aria-label={m('pack')} data-testid="report-list">
          <div className="reports-list-title">{m('pack')}</div>
          <Loadable state={list} isEmpty={(d) => d.reports.length === 0} empty={<Empty />}>
            {(d) =>
              d.reports.map((r) => (
                <button
                  key={r.key}
                  type="button"
                  className={`report-link${r.key === key ? ' active' : ''}`}
                  aria-current={r.key === key ? 'page' : undefined}
                  data-testid={`report-${r.key}`}
                  onClick={() => setParams({ report: r.key }, { replace: false })}
                >
                  <span>{lab(r.title, locale)}</span>
                  <span className="muted small">{m('sections', { count: r.sections.length })}</span>
                </button>
              ))
            }
          </Loadable>
        </nav>
        <div className="reports-main">
          {list.data && !info && key && <ErrorState error={new ApiError(404, 'unknown_report', m('unknownReport', { key }))} />}
          {info && (
            <>
              <div className="report-params">
                <span className="muted">
                  {m('period')}: {shared.from || shared.to ? `${formatDate(shared.from, locale)} – ${formatDate(shared.to, locale)}` : m('allTime')}
                </span>
                {byable && (
                  <label className="inline no-print">
                    <span className="muted">{m('grain')}</span>
                    <select data-testid="report-grain" value={by ?? 'month'} onChange={(e) => setParams({ by: e.target.value === 'month' ? undefined : e.target.value }, { replace: false })}>
                      {GRAINS.map((g) => (
                        <option key={g} value={g}>
                          {m(`grain.${g}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
                {report.data && <span className="muted small">{m('ran', { ms: report.data.ms })}</span>}
              </div>
              <Loadable state={report} isEmpty={(d: ReportResult) => d.sections.length === 0} empty={<Empty title={m('noRows')} />}>
                {(d) => (
                  <div className="report-sections" data-testid="report-sections" data-report={d.report}>
                    {d.sections.map((s) => (
                      <ReportSection key={`${d.report}-${s.key}`} section={s} />
                    ))}
                  </div>
                )}
              </Loadable>
            </>
          )}
          {!list.data && !list.error && <Loading />}
        </div>
      </div>
    </div>
  );
}

/** Export (XLSX, CSV: POST /api/exports, kind report, headers in the current language) and print. */
function ReportActions({ reportKey, body }: { reportKey: string; body: { from?: string; to?: string; filters?: unknown[]; by?: string[] } }) {
  const { m, t, locale } = useM();
  const { me } = useSession();
  const [state, setState] = useState<{ busy?: boolean; done?: string; error?: Error }>({});
  const canExport = me.permissions.includes('export');
  const run = async (format: 'xlsx' | 'csv') => {
    setState({ busy: true });
    try {
      const name = await download('POST', '/api/exports', { kind: 'report', report: reportKey, format, lang: locale === 'en' ? 'en' : 'zh', ...body });
      setState({ done: name });
    } catch (e) {
      setState({ error: e instanceof Error ? e : new Error(String(e)) });
    }
  };
  return (
    <div className="report-actions no-print">
      {state.busy && <span className="muted small" role="status">{m('exporting')}</span>}
      {state.done && (
        <span className="muted small" role="status" data-testid="export-done">
          {m('exported', { name: state.done })}
        </span>
      )}
      {state.error && (
        <span className="bad small" role="alert">
          {state.error.message}
          {state.error instanceof ApiError && ` (${state.error.code})`}
        </span>
      )}
      {canExport && (
        <>
          <button type="button" className="btn" disabled={state.busy} data-testid="export-xlsx" onClick={() => void run('xlsx')}>
            {t('common.exportXlsx')}
          </button>
          <button type="button" className="btn" disabled={state.busy} data-testid="export-csv" onClick={() => void run('csv')}>
            {t('common.exportCsv')}
          </button>
        </>
      )}
      <button type="button" className="btn" data-testid="print" onClick={() => window.print()}>
        {m('print')}
      </button>
    </div>
  );
}
