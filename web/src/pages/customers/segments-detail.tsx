/**
 * One saved segment (GET /api/segments/{key}, members paginated ?spage=): its rule and size in the caller's scope,
 * refresh and delete (import permission and an unscoped role, else disabled with the reason), and export as CSV/XLSX,
 * optionally as a campaign list that leaves out customers who withdrew consent (the server says how many).
 */
import { useState } from 'react';
import { api, ApiError, downloadFile } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { useCan, useSession } from '../../app/session.js';
import { Card } from '../../components/Card.js';
import { Empty, ErrorState, Loadable, Loading } from '../../components/States.js';
import { formatNumber } from '../../i18n/format.js';
import { openProfile, profileHref, regionText } from './list.js';
import { canWriteSegments, Pager } from './list-parts.js';
import { fmtDay, fmtTime } from './profile-format.js';
import { RuleText, useMetricNames } from './segments-parts.js';
import { useSegM } from './segments-messages.js';
import './list.css';

const SIZE = 50;

type Msg = { ok: boolean; text: string; testId: string; count?: string | null };

function errText(e: unknown): string {
  return e instanceof ApiError ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e);
}

export default function SegmentDetail({ segKey }: { segKey: string }) {
  const { m, t, locale } = useSegM();
  const { me } = useSession();
  const canExport = useCan('export');
  const canWrite = canWriteSegments(me);
  const loc = useLocation();
  const pageNo = Math.max(1, Math.floor(Number(loc.search.get('spage')) || 1));
  const name = useMetricNames(locale);
  const data = useApi((signal) => api.get('/api/segments/{key}', { params: { key: segKey }, query: { limit: SIZE, offset: (pageNo - 1) * SIZE }, signal }), [segKey, pageNo]);
  const [busy, setBusy] = useState<'refresh' | 'delete' | 'export' | undefined>();
  const [msg, setMsg] = useState<Msg[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [campaign, setCampaign] = useState(false);

  const back = () => setParams({ seg: undefined, spage: undefined }, { replace: false });

  if (data.error instanceof ApiError && data.error.status === 404) {
    return (
      <Card testId="segment-detail">
        <ErrorState error={data.error} />
        <button type="button" className="btn-link" onClick={back}>
          {m('allSegments')}
        </button>
      </Card>
    );
  }
  if (!data.data && !data.error) return <Loading />;

  async function refresh() {
    setBusy('refresh');
    try {
      const r = await api.post('/api/segments/{key}/refresh', { params: { key: segKey } });
      setMsg([{ ok: true, text: m('refreshed', { before: formatNumber(r.before, locale), after: formatNumber(r.customers, locale) }), testId: 'segment-refreshed' }]);
      data.reload();
    } catch (e) {
      setMsg([{ ok: false, text: errText(e), testId: 'segment-error' }]);
    } finally {
      setBusy(undefined);
    }
  }

  async function remove(segName: string) {
    setBusy('delete');
    try {
      await api.delete('/api/segments/{key}', { params: { key: segKey } });
      setConfirming(false);
      back();
    } catch (e) {
      setConfirming(false);
      setMsg([{ ok: false, text: errText(e) + ` — ${segName}`, testId: 'segment-error' }]);
    } finally {
      setBusy(undefined);
    }
  }

  async function exportAs(format: 'csv' | 'xlsx') {
    setBusy('export');
    setMsg([]);
    try {
      const r = await downloadFile('POST', '/api/exports', { kind: 'segment', segment: segKey, format, ...(campaign ? { purpose: 'campaign' } : {}) }, `${segKey}.${format}`);
      const rows = r.headers.get('X-Tidemark-Rows');
      const excluded = r.headers.get('X-Tidemark-Excluded-No-Consent');
      const out: Msg[] = [{ ok: true, text: m('exported', { rows: formatNumber(rows, locale), name: r.name }), testId: 'segment-exported', count: rows }];
      if (excluded !== null) out.push({ ok: true, text: m('excluded', { n: formatNumber(excluded, locale) }), testId: 'segment-excluded', count: excluded });
      setMsg(out);
    } catch (e) {
      setMsg([{ ok: false, text: errText(e), testId: 'segment-error' }]);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <button type="button" className="btn-link cp-back" onClick={back} data-testid="segment-back">
        {m('allSegments')}
      </button>
      <Loadable state={data}>
        {(s) => (
          <div className="cp-col">
            <Card testId="segment-detail">
              <div className="sg-head">
                <div className="cp-ident">
                  <div className="cp-name">
                    <h1 data-testid="segment-name">{s.name}</h1>
                    <span className="cp-pill accent">{m(`kind.${s.kind}`)}</span>
                    <code className="muted">{s.key}</code>
                  </div>
                  {s.description && <div>{s.description}</div>}
                  <RuleText s={s} name={name} m={m} />
                  <div className="cp-facts">
                    <span>
                      <span className="muted">{m('col.size')}</span>
                      <strong data-testid="segment-detail-size" data-count={s.customers}>
                        {formatNumber(s.customers, locale)}
                      </strong>
                    </span>
                    <span>
                      <span className="muted">{m('col.refreshed')}</span>
                      {s.refreshedAt ? fmtTime(s.refreshedAt, locale) : m('never')}
                    </span>
                    {s.asOf && (
                      <span>
                        <span className="muted">{m('col.asOf')}</span>
                        {fmtDay(s.asOf, locale)}
                      </span>
                    )}
                  </div>
                  <span className="sg-reason">{m('sizesInScope')}</span>
                </div>
                <div className="sg-side">
                  <div className="sg-actions">
                    <button type="button" className="btn" disabled={!canWrite || s.kind !== 'rule' || !!busy} title={!canWrite ? m('noWrite') : s.kind !== 'rule' ? m('refreshStatic') : undefined} onClick={() => void refresh()} data-testid="segment-refresh">
                      {busy === 'refresh' ? m('refreshing') : m('refresh')}
                    </button>
                    <button type="button" className="btn btn-danger" disabled={!canWrite || !!busy} title={!canWrite ? m('noWrite') : undefined} onClick={() => setConfirming(true)} data-testid="segment-delete">
                      {m('delete')}
                    </button>
                  </div>
                  {!canWrite && <span className="sg-reason" data-testid="segment-no-write">{m('noWrite')}</span>}
                  {canExport ? (
                    <div className="sg-actions">
                      <label className="sg-campaign">
                        <input type="checkbox" checked={campaign} onChange={(e) => setCampaign(e.target.checked)} data-testid="segment-campaign" />
                        {m('campaign')}
                      </label>
                      <button type="button" className="btn" disabled={!!busy || s.customers === 0} onClick={() => void exportAs('csv')} data-testid="segment-export-csv">
                        {busy === 'export' ? m('exporting') : t('common.exportCsv')}
                      </button>
                      <button type="button" className="btn" disabled={!!busy || s.customers === 0} onClick={() => void exportAs('xlsx')} data-testid="segment-export-xlsx">
                        {t('common.exportXlsx')}
                      </button>
                    </div>
                  ) : (
                    <span className="sg-reason">{m('noExport')}</span>
                  )}
                </div>
              </div>
              {msg.map((x) => (
                <div key={x.testId} className={x.ok ? 'form-ok' : 'form-error'} role="status" data-testid={x.testId} data-count={x.count ?? undefined} style={{ marginTop: 10 }}>
                  {x.text}
                </div>
              ))}
            </Card>
            <Card title={m('members')} testId="segment-members">
              {s.members.length === 0 ? (
                <Empty title={m('noMembers')} hint={m('noMembersHint')} />
              ) : (
                <>
                  <div className="table-wrap">
                    <table className="table cl-table">
                      <thead>
                        <tr>
                          {(['col.id', 'col.name2', 'col.phone', 'col.region', 'col.tier', 'col.lastOrder', 'col.tags'] as const).map((k) => (
                            <th key={k} className="cl-fixed">
                              {m(k)}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {s.members.map((r) => {
                          const id = String(r.customer_id);
                          const v = (k: string) => (r[k] === null || r[k] === undefined || r[k] === '' ? '–' : String(r[k]));
                          return (
                            <tr key={id} className="clickable" data-testid="segment-member" data-customer-id={id} onClick={(e) => openProfile(e, id)}>
                              <td>
                                <a href={profileHref(id)} onClick={(e) => openProfile(e, id)}>
                                  {id}
                                </a>
                              </td>
                              <td>{v('name')}</td>
                              <td>{v('phone')}</td>
                              <td>{regionText(r.province as string | null, r.city as string | null)}</td>
                              <td>{v('tier')}</td>
                              <td>{fmtDay(r.last_order_date, locale)}</td>
                              <td>{v('tags')}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  <Pager page={pageNo} size={SIZE} total={s.customers} onPage={(p) => setParams({ spage: p > 1 ? String(p) : undefined })} testId="segment-pager" rangeLabel={(from, to, total) => `${from}–${to} / ${total}`} />
                </>
              )}
            </Card>
            {confirming && (
              <div className="modal-backdrop" role="dialog" aria-modal="true" data-testid="segment-delete-dialog">
                <div className="modal">
                  <h2>{m('deleteTitle', { name: s.name })}</h2>
                  <p>{m('deleteBody')}</p>
                  <div className="modal-actions">
                    <button type="button" className="btn" onClick={() => setConfirming(false)} disabled={busy === 'delete'}>
                      {t('common.cancel')}
                    </button>
                    <button type="button" className="btn btn-primary" style={{ background: 'var(--bad)', borderColor: 'var(--bad)' }} onClick={() => void remove(s.name)} disabled={busy === 'delete'} data-testid="segment-delete-confirm">
                      {busy === 'delete' ? m('deleting') : m('deleteConfirm')}
                    </button>
                  </div>
                </div>
              </div>
            )}
          </div>
        )}
      </Loadable>
    </>
  );
}
