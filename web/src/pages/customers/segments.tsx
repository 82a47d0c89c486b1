/**
 * Saved segments (GET /api/segments, sizes over the caller's scope) with tag coverage (GET /api/tags); ?seg=<key>
 * opens one: its members, refresh, delete and export (segments-detail.tsx).
 */
import { lazy, Suspense } from 'react';
import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { Empty, Loadable, Loading } from '../../components/States.js';
import { formatNumber, formatPercent } from '../../i18n/format.js';
import { fmtDay, fmtTime } from './profile-format.js';
import { RuleText, useMetricNames } from './segments-parts.js';
import { useSegM } from './segments-messages.js';
import './list.css';

const SegmentDetail = lazy(() => import('./segments-detail.js'));

export type Segment = ResponseOf<'GET /api/segments'>['segments'][number];

function TagCoverage() {
  const { m, locale } = useSegM();
  const tags = useApi((signal) => api.get('/api/tags', { signal }), []);
  return (
    <Card title={m('tagsTitle')} testId="tag-coverage" actions={tags.data && tags.data.tags.length > 0 && <span className="muted">{m('tagged', { tagged: formatNumber(tags.data.tagged, locale), customers: formatNumber(tags.data.customers, locale), share: formatPercent(tags.data.customers ? tags.data.tagged / tags.data.customers : 0, locale) })}</span>}>
      <Loadable state={tags} isEmpty={(d) => d.tags.length === 0} empty={<Empty title={m('noTags')} hint={m('noTagsHint')} />}>
        {(d) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th className="cl-fixed">{m('col.tag')}</th>
                  <th className="cl-fixed">{m('col.kind')}</th>
                  <th className="cl-fixed num">{m('col.size')}</th>
                  <th className="cl-fixed">{m('col.share')}</th>
                  <th className="cl-fixed">{m('col.refreshed')}</th>
                </tr>
              </thead>
              <tbody>
                {d.tags.map((t) => (
                  <tr key={t.key}>
                    <td title={t.key}>{locale === 'en' ? (t.nameEn ?? t.nameZh) : t.nameZh}</td>
                    <td>{m(`kind.${t.kind}`)}</td>
                    <td className="num">{formatNumber(t.customers, locale)}</td>
                    <td>
                      <span className="inline">
                        <span className="sg-bar" aria-hidden="true">
                          <div style={{ width: `${Math.round((t.share ?? 0) * 100)}%` }} />
                        </span>
                        {formatPercent(t.share, locale)}
                      </span>
                    </td>
                    <td>{t.appliedAt ? fmtTime(t.appliedAt, locale) : m('never')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loadable>
    </Card>
  );
}

function SegmentList() {
  const { m, locale } = useSegM();
  const segments = useApi((signal) => api.get('/api/segments', { signal }), []);
  const name = useMetricNames(locale);
  const max = Math.max(1, ...(segments.data?.segments ?? []).map((s) => s.customers));
  return (
    <>
      <Card title={segments.data ? m('count', { n: formatNumber(segments.data.segments.length, locale) }) : m('title')} testId="segment-list" actions={<span className="muted">{m('sizesInScope')}</span>}>
        <Loadable state={segments} isEmpty={(d) => d.segments.length === 0} empty={<Empty title={m('emptyTitle')} hint={m('emptyHint')} />}>
          {(d) => (
            <div className="table-wrap">
              <table className="table sg-table">
                <thead>
                  <tr>
                    <th className="cl-fixed">{m('col.name')}</th>
                    <th className="cl-fixed">{m('col.kind')}</th>
                    <th className="cl-fixed">{m('col.definition')}</th>
                    <th className="cl-fixed num">{m('col.size')}</th>
                    <th className="cl-fixed">{m('col.refreshed')}</th>
                    <th className="cl-fixed">{m('col.asOf')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.segments.map((s) => (
                    <tr key={s.key} className="clickable" data-testid="segment-row" data-segment-key={s.key} onClick={() => setParams({ seg: s.key, spage: undefined }, { replace: false })}>
                      <td className="sg-name">
                        <strong>{s.name}</strong>
                        <div className="muted">
                          <code>{s.key}</code>
                          {s.description ? ` · ${s.description}` : ''}
                        </div>
                      </td>
                      <td>{m(`kind.${s.kind}`)}</td>
                      <td style={{ whiteSpace: 'normal' }}>
                        <RuleText s={s} name={name} m={m} />
                      </td>
                      <td className="num">
                        <div className="inline" style={{ justifyContent: 'flex-end' }}>
                          <span className="sg-bar" aria-hidden="true">
                            <div style={{ width: `${Math.round((s.customers / max) * 100)}%` }} />
                          </span>
                          <span data-testid="segment-size" data-count={s.customers}>
                            {formatNumber(s.customers, locale)}
                          </span>
                        </div>
                      </td>
                      <td>{s.refreshedAt ? fmtTime(s.refreshedAt, locale) : m('never')}</td>
                      <td>{s.asOf ? fmtDay(s.asOf, locale) : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loadable>
      </Card>
      <TagCoverage />
    </>
  );
}

export default function Segments() {
  const seg = useLocation().search.get('seg');
  if (seg) {
    return (
      <Suspense fallback={<Loading />}>
        <SegmentDetail segKey={seg} />
      </Suspense>
    );
  }
  return <SegmentList />;
}
