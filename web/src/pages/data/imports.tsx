import { useCallback, useState } from 'react';
import { api, download, urlOf, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty, ErrorState, Loadable } from '../../components/States.js';
import { formatNumber } from '../../i18n/format.js';
import { useM } from './messages.js';
import { entityLabel, Reconciliation, ReportView } from './report.js';
import { UploadPanel } from './upload.js';

type Summary = ResponseOf<'GET /api/imports'>['imports'][number];
const QUARANTINE_PAGE = 50;

function History({ version, selected }: { version: number; selected: number | undefined }) {
  const { m, locale } = useM();
  const state = useApi((signal) => api.get('/api/imports', { query: { limit: 200 }, signal }), [version]);
  const n = (v: number) => formatNumber(v, locale);
  const cols: Column<Summary>[] = [
    { key: 'importId', header: m('history.id'), numeric: true, cell: (r) => <span data-testid={`history-${r.importId}`} className={r.importId === selected ? 'selected-mark' : undefined}>{r.importId === selected ? '▸ ' : ''}{r.importId}</span> },
    { key: 'startedAt', header: m('history.when'), cell: (r) => r.startedAt },
    { key: 'file', header: m('history.file'), cell: (r) => <span className="cell-clip" title={r.file}>{r.file}</span> },
    { key: 'entity', header: m('history.entity'), cell: (r) => entityLabel(r.entity, locale) },
    { key: 'rowsRead', header: m('history.read'), numeric: true, cell: (r) => n(r.rowsRead) },
    { key: 'loaded', header: m('history.loaded'), numeric: true, cell: (r) => n(r.loaded) },
    { key: 'merged', header: m('history.merged'), numeric: true, cell: (r) => n(r.merged) },
    { key: 'quarantined', header: m('history.quarantined'), numeric: true, cell: (r) => <span className={r.quarantined ? 'warn-text' : undefined}>{n(r.quarantined)}</span> },
  ];
  return (
    <Card title={m('history.title')} testId="import-history">
      <Loadable state={state} isEmpty={(d) => d.imports.length === 0} empty={<Empty title={m('history.empty')} hint={m('history.emptyHint')} />}>
        {(d) => (
          <div className="history-table">
            <DataTable
              columns={cols}
              rows={d.imports}
              rowKey={(r) => String(r.importId)}
              onRowClick={(r) => setParams({ import: r.importId === selected ? undefined : String(r.importId), qoff: undefined }, { replace: false })}
            />
          </div>
        )}
      </Loadable>
    </Card>
  );
}

function Quarantine({ id, total }: { id: number; total: number }) {
  const { m, locale } = useM();
  const { me } = useSession();
  const loc = useLocation();
  const offset = Math.max(0, Number(loc.search.get('qoff') ?? 0) || 0);
  const can = me.permissions.includes('see_personal_data');
  const state = useApi((signal) => api.get('/api/imports/{id}/quarantine', { params: { id }, query: { offset, limit: QUARANTINE_PAGE }, signal }), [id, offset], can && total > 0);
  const [dlError, setDlError] = useState<Error | undefined>(undefined);
  type Row = ResponseOf<'GET /api/imports/{id}/quarantine'>['rows'][number];
  const cols: Column<Row>[] = [
    { key: 'line', header: m('quarantine.line'), numeric: true, cell: (r) => (r.line === null ? '–' : formatNumber(r.line, locale)) },
    { key: 'reason', header: m('quarantine.reason') },
    { key: 'raw', header: m('quarantine.raw'), cell: (r) => <code className="raw-line">{r.raw ?? '–'}</code> },
  ];
  const title = m('quarantine.title', { count: formatNumber(total, locale) });
  if (total === 0) {
    return (
      <Card title={title} testId="quarantine">
        <p className="muted">{m('quarantine.none')}</p>
      </Card>
    );
  }
  if (!can) {
    return (
      <Card title={title} testId="quarantine">
        <div className="notice" data-testid="quarantine-denied">{m('quarantine.noPermission', { role: me.role })}</div>
      </Card>
    );
  }
  const pages = Math.ceil(total / QUARANTINE_PAGE);
  const page = Math.floor(offset / QUARANTINE_PAGE) + 1;
  return (
    <Card
      title={title}
      testId="quarantine"
      actions={
        <button
          type="button"
          className="btn"
          data-testid="quarantine-download"
          onClick={() => {
            setDlError(undefined);
            download('GET', urlOf('/api/imports/{id}/quarantine', { id }, { format: 'csv' }), undefined, `import-${id}-quarantine.csv`).catch((e: unknown) => setDlError(e instanceof Error ? e : new Error(String(e))));
          }}
        >
          {m('quarantine.download')}
        </button>
      }
    >
      {dlError && <ErrorState error={dlError} />}
      <Loadable state={state}>
        {(d) => (
          <>
            <DataTable columns={cols} rows={d.rows} rowKey={(r, i) => `${offset + i}`} testId="quarantine-table" />
            {pages > 1 && (
              <Pager page={page} pages={pages} go={(p) => setParams({ qoff: String((p - 1) * QUARANTINE_PAGE) })} />
            )}
          </>
        )}
      </Loadable>
    </Card>
  );
}

export function Pager({ page, pages, go }: { page: number; pages: number; go: (page: number) => void }) {
  const { t } = useM();
  return (
    <div className="pager">
      <button type="button" className="btn" disabled={page <= 1} onClick={() => go(page - 1)}>
        {t('common.prev')}
      </button>
      <span className="muted">{t('common.page', { page, pages })}</span>
      <button type="button" className="btn" disabled={page >= pages} onClick={() => go(page + 1)}>
        {t('common.next')}
      </button>
    </div>
  );
}

function Detail({ id }: { id: number }) {
  const { m, t, locale } = useM();
  const state = useApi((signal) => api.get('/api/imports/{id}', { params: { id }, signal }), [id]);
  return (
    <Card
      title={m('detail.title', { id })}
      testId="import-detail"
      className="import-detail"
      actions={
        <button type="button" className="btn" data-testid="detail-close" onClick={() => setParams({ import: undefined, qoff: undefined }, { replace: false })}>
          {t('common.close')}
        </button>
      }
    >
      <Loadable state={state}>
        {(d) => (
          <div className="detail">
            <dl className="facts">
              {!d.report && <div><dt>{m('report.file')}</dt><dd>{d.import.file}</dd></div>}
              {!d.report && <div><dt>{m('report.entity')}</dt><dd>{entityLabel(d.import.entity, locale)}</dd></div>}
              <div><dt>{m('history.when')}</dt><dd>{d.import.startedAt}</dd></div>
              <div><dt>{m('detail.finished')}</dt><dd>{d.import.finishedAt}</dd></div>
              {d.import.fileSha256 && <div><dt>{m('detail.sha')}</dt><dd><code title={d.import.fileSha256}>{d.import.fileSha256.slice(0, 16)}…</code></dd></div>}
            </dl>
            {d.report ? <ReportView report={d.report} /> : (
              <>
                <Reconciliation counts={d.import} />
                <p className="muted">{m('report.missing')}</p>
              </>
            )}
            <Quarantine id={id} total={d.quarantineTotal} />
          </div>
        )}
      </Loadable>
    </Card>
  );
}

/** The Imports tab: upload and follow a job, the history, one import's detail and quarantine (?import=). */
export default function ImportsTab() {
  const { m } = useM();
  const { me } = useSession();
  const loc = useLocation();
  const [version, setVersion] = useState(0);
  const finished = useCallback(() => setVersion((v) => v + 1), []);
  const selected = Number(loc.search.get('import')) || undefined;
  const can = me.permissions.includes('import');
  return (
    <div className="data-imports">
      <UploadPanel onFinished={finished} />
      {can ? (
        <>
          {selected !== undefined && <Detail key={selected} id={selected} />}
          <History version={version} selected={selected} />
        </>
      ) : (
        <Card title={m('history.title')} testId="import-history">
          <div className="notice" data-testid="history-denied">{m('history.noPermission')}</div>
        </Card>
      )}
    </div>
  );
}
