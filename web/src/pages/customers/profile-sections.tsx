/** The panels of the 360° profile (profile.tsx): orders, history tables, timeline, scores, memberships, identities, attributes. */
import { useState, type ReactNode } from 'react';
import { navigate, pageHref } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { Empty } from '../../components/States.js';
import { formatMoney, formatNumber, formatPercent } from '../../i18n/format.js';
import { useCode } from './list-messages.js';
import { useFieldM, useProfileM } from './profile-messages.js';
import { fieldText, fmtDay, fmtTime } from './profile-format.js';
import type { Profile } from './profile.js';

type Row = Record<string, unknown>;
const SECTIONS = ['opportunities', 'contracts', 'tickets', 'activities', 'interactions'] as const;
type Section = (typeof SECTIONS)[number];

/** Text of one field, with coded values translated (status, kind, channel…). */
function useField(): (column: string, v: unknown, section?: string) => string {
  const f = useFieldM();
  const { m, locale } = useProfileM();
  const code = (section?: string) => (value: string) => {
    for (const key of [section === 'interactions' ? `v.i.${value}` : undefined, `v.${value}`]) {
      if (!key) continue;
      const s = f.m(key as 'v.paid');
      if (s !== key) return s;
    }
    return undefined;
  };
  return (column, v, section) => fieldText(column, v, locale, code(section), [m('yes'), m('no')]);
}

function columnLabel(f: ReturnType<typeof useFieldM>['m'], column: string): string {
  const s = f(column as 'name');
  return s === column ? column : s;
}

function Table({ rows, columns, section, testId, wrap }: { rows: readonly Row[]; columns: readonly string[]; section?: string; testId?: string; wrap?: boolean }) {
  const f = useFieldM().m;
  const field = useField();
  const numeric = (c: string) => ['amount', 'paid_amount', 'discount', 'item_qty', 'probability', 'satisfaction', 'duration_min', 'points'].includes(c);
  return (
    <div className="table-wrap">
      <table className={`table${wrap ? ' cp-wrap' : ''}`} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} className={numeric(c) ? 'num cl-fixed' : 'cl-fixed'}>
                {columnLabel(f, c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={String(r[columns[0]!] ?? i)}>
              {columns.map((c) => (
                <td key={c} className={numeric(c) ? 'num' : undefined}>
                  {field(c, r[c], section)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Orders({ p, onMore }: { p: Profile; onMore: (() => void) | undefined }) {
  const { m, locale } = useProfileM();
  const o = p.orders;
  return (
    <Card
      title={m('orders')}
      testId="profile-orders-card"
      actions={o.total > 0 && <span className="muted">{m('ordersShown', { shown: formatNumber(o.rows.length, locale), total: formatNumber(o.total, locale) })}</span>}
    >
      {o.total === 0 ? (
        <Empty title={m('noOrders')} />
      ) : (
        <>
          <Table rows={o.rows} columns={['order_id', 'ordered_at', 'status', 'channel', 'item_qty', 'amount', 'paid_amount']} testId="profile-orders" />
          <div className="cl-pager">
            <span className="muted">{m('ordersTotals', { orders: formatNumber(o.counted, locale), revenue: formatMoney(o.revenue, locale) })}</span>
            {onMore && o.rows.length < o.total && (
              <button type="button" className="btn" onClick={onMore} data-testid="profile-orders-more">
                {m('showMore')}
              </button>
            )}
          </div>
        </>
      )}
    </Card>
  );
}

/** Opportunities, contracts and tickets as tables (B2B customers have them; shown only when there are rows). */
export function HistoryTables({ p }: { p: Profile }) {
  const { m, locale } = useProfileM();
  const tables: { key: Section; columns: string[] }[] = [
    { key: 'opportunities', columns: ['opportunity_id', 'stage', 'amount', 'probability', 'product_id', 'created_at', 'expected_close_at', 'closed_at', 'loss_reason'] },
    { key: 'contracts', columns: ['contract_id', 'opportunity_id', 'signed_at', 'start_date', 'end_date', 'amount', 'status'] },
    { key: 'tickets', columns: ['ticket_id', 'kind', 'category', 'channel', 'opened_at', 'resolved_at', 'status', 'satisfaction'] },
  ];
  return (
    <>
      {tables
        .filter((t) => p[t.key].total > 0)
        .map((t) => (
          <Card key={t.key} title={m(t.key)} testId={`profile-${t.key}`} actions={<span className="muted">{m('ordersShown', { shown: formatNumber(p[t.key].rows.length, locale), total: formatNumber(p[t.key].total, locale) })}</span>}>
            <Table rows={p[t.key].rows} columns={t.columns} section={t.key} />
          </Card>
        ))}
    </>
  );
}

interface Event {
  readonly section: Section;
  readonly id: string;
  readonly at: string;
  readonly title: string;
  readonly detail: string;
}

const DOT: Record<Section, { icon: string; color: string }> = {
  opportunities: { icon: '◆', color: '#7c3aed' },
  contracts: { icon: '✎', color: '#16a34a' },
  tickets: { icon: '!', color: '#dc2626' },
  activities: { icon: '☎', color: '#2563eb' },
  interactions: { icon: '•', color: '#64748b' },
};

function useEvents(p: Profile): Event[] {
  const { m, locale } = useProfileM();
  const field = useField();
  const s = (r: Row, k: string) => (r[k] === null || r[k] === undefined ? '' : String(r[k]));
  const parts = (...xs: (string | false | undefined)[]) => xs.filter(Boolean).join(' · ');
  const out: Event[] = [];
  for (const r of p.opportunities.rows as Row[])
    out.push({
      section: 'opportunities',
      id: s(r, 'opportunity_id'),
      at: s(r, 'created_at'),
      title: m('tl.opportunities', { id: s(r, 'opportunity_id'), stage: field('stage', r.stage) }),
      detail: parts(m('tl.amount', { amount: formatMoney(r.amount, locale) }), r.probability !== null && r.probability !== undefined && formatPercent(r.probability, locale, 0), s(r, 'product_id'), s(r, 'loss_reason')),
    });
  for (const r of p.contracts.rows as Row[])
    out.push({
      section: 'contracts',
      id: s(r, 'contract_id'),
      at: s(r, 'signed_at'),
      title: m('tl.contracts', { id: s(r, 'contract_id') }),
      detail: parts(m('tl.amount', { amount: formatMoney(r.amount, locale) }), `${field('start_date', r.start_date)} – ${field('end_date', r.end_date)}`, field('status', r.status)),
    });
  for (const r of p.tickets.rows as Row[])
    out.push({
      section: 'tickets',
      id: s(r, 'ticket_id'),
      at: s(r, 'opened_at'),
      title: m('tl.tickets', { kind: field('kind', r.kind), status: field('status', r.status) }),
      detail: parts(s(r, 'category'), field('channel', r.channel), r.satisfaction !== null && r.satisfaction !== undefined && m('tl.satisfaction', { n: s(r, 'satisfaction') })),
    });
  for (const r of p.activities.rows as Row[])
    out.push({
      section: 'activities',
      id: s(r, 'activity_id'),
      at: s(r, 'occurred_at'),
      title: m('tl.activities', { kind: field('kind', r.kind) }),
      detail: parts(s(r, 'notes'), r.duration_min !== null && r.duration_min !== undefined && m('tl.minutes', { n: s(r, 'duration_min') }), r.employee_id !== null && r.employee_id !== undefined && m('tl.by', { who: s(r, 'employee_id') })),
    });
  for (const r of p.interactions.rows as Row[])
    out.push({
      section: 'interactions',
      id: s(r, 'event_id'),
      at: s(r, 'occurred_at'),
      title: m('tl.interactions', { kind: field('kind', r.kind, 'interactions'), channel: field('channel', r.channel) }),
      detail: parts(s(r, 'product_id'), r.points !== null && r.points !== undefined && m('tl.points', { n: s(r, 'points') })),
    });
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id.localeCompare(b.id)));
}

export function Timeline({ p, recent }: { p: Profile; recent: number }) {
  const { m, locale } = useProfileM();
  const [only, setOnly] = useState<Section | undefined>();
  const [shown, setShown] = useState(30);
  const events = useEvents(p);
  const visible = events.filter((e) => !only || e.section === only);
  const present = SECTIONS.filter((s) => p[s].total > 0);
  return (
    <>
      <HistoryTables p={p} />
      <Card title={m('timeline')} testId="profile-timeline" actions={<span className="muted">{m('timelineHint', { n: recent })}</span>}>
        {events.length === 0 ? (
          <Empty title={m('timelineEmpty')} />
        ) : (
          <>
            <div className="cp-chips" role="group" style={{ marginBottom: 8 }}>
              <button type="button" className={`chip${only ? '' : ' active'}`} onClick={() => setOnly(undefined)}>
                {m('all')}
              </button>
              {present.map((s) => (
                <button key={s} type="button" className={`chip${only === s ? ' active' : ''}`} onClick={() => setOnly(s)} data-testid={`timeline-filter-${s}`}>
                  {m(s)} {formatNumber(p[s].total, locale)}
                </button>
              ))}
            </div>
            <ol className="cp-timeline">
              {visible.slice(0, shown).map((e) => (
                <li key={`${e.section}-${e.id}`} className="cp-tl-item" data-testid="timeline-item">
                  <span className="cp-tl-time">{fmtTime(e.at, locale)}</span>
                  <span className="cp-tl-dot" style={{ background: DOT[e.section].color }} aria-hidden="true">
                    {DOT[e.section].icon}
                  </span>
                  <span className="cp-tl-body">
                    <span className="cp-tl-title">{e.title}</span>
                    {e.detail && <span className="cp-tl-detail">{e.detail}</span>}
                  </span>
                </li>
              ))}
            </ol>
            {visible.length > shown && (
              <div className="cp-tl-more">
                <button type="button" className="btn" onClick={() => setShown((n) => n + 30)}>
                  {m('showMore')}
                </button>
              </div>
            )}
          </>
        )}
      </Card>
    </>
  );
}

function Score({ label, value, detail, asOf, stored }: { label: string; value: ReactNode; detail?: string; asOf?: unknown; stored?: unknown }) {
  const { m } = useProfileM();
  const field = useField();
  return (
    <div className="cp-score">
      <div className="cp-score-head">
        <span className="muted">{label}</span>
        <span className="cp-score-value" data-code={stored === null || stored === undefined ? undefined : String(stored)}>
          {value}
        </span>
      </div>
      {detail && <span className="cp-tl-detail">{detail}</span>}
      {asOf !== null && asOf !== undefined && <span className="cp-kpi-sub">{m('asOf', { date: field('as_of', asOf) })}</span>}
    </div>
  );
}

export function Scores({ p }: { p: Profile }) {
  const { m, locale } = useProfileM();
  const code = useCode();
  const { rfm, valueTier, valueType, cluster, lifecycle } = p.scores as Record<string, Row | null>;
  const n = (v: unknown, d = 0) => formatNumber(v, locale, d);
  const any = rfm || valueTier || valueType || cluster || lifecycle;
  return (
    <Card title={m('scores')} testId="profile-scores">
      {!any ? (
        <Empty title={m('scoresEmpty')} hint={m('scoresEmptyHint')} />
      ) : (
        <>
          {rfm && <Score label={m('score.rfm')} value={code('rfm', rfm.segment)} stored={rfm.segment} asOf={rfm.as_of} detail={m('score.rfmDetail', { r: n(rfm.r), f: n(rfm.f), m: n(rfm.m), days: n(rfm.recency_days), freq: n(rfm.frequency), money: formatMoney(rfm.monetary, locale) })} />}
          {valueTier && <Score label={m('score.tier')} value={String(valueTier.tier ?? '–')} asOf={valueTier.as_of} detail={m('score.tierDetail', { orders: n(valueTier.orders), spend: formatMoney(valueTier.spend, locale), rate: formatPercent(valueTier.repurchase_rate, locale) })} />}
          {valueType && <Score label={m('score.type')} value={String(valueType.value_type ?? '–')} asOf={valueType.as_of} detail={m('score.typeDetail', { orders: n(valueType.orders), aov: formatMoney(valueType.aov, locale) })} />}
          {cluster && (
            <Score
              label={m('score.cluster')}
              value={m('score.clusterValue', { cluster: n(cluster.cluster), k: n(cluster.k) })}
              asOf={cluster.as_of}
              detail={String((locale === 'en' ? (cluster.description_en ?? cluster.description_zh) : (cluster.description_zh ?? cluster.description_en)) ?? '')}
            />
          )}
          {lifecycle && <Score label={m('score.lifecycle')} value={code('stage', lifecycle.stage)} asOf={lifecycle.as_of} detail={lifecycle.recency_days !== null && lifecycle.recency_days !== undefined ? m('score.lifecycleDetail', { days: n(lifecycle.recency_days) }) : undefined} />}
        </>
      )}
    </Card>
  );
}

export function Memberships({ p }: { p: Profile }) {
  const { m, locale } = useProfileM();
  const segHref = (key: string) => pageHref('customers', [], { tab: 'segments', seg: key });
  return (
    <Card title={m('memberships')} testId="profile-memberships">
      {p.segments.length === 0 && p.tags.length === 0 ? (
        <div className="muted">{m('noMemberships')}</div>
      ) : (
        <>
          {p.segments.length > 0 && (
            <>
              <div className="cp-sub">{m('segments')}</div>
              <div className="cp-chips">
                {p.segments.map((s) => (
                  <a
                    key={s.key}
                    className="chip"
                    href={segHref(s.key)}
                    title={s.key}
                    onClick={(e) => {
                      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                      e.preventDefault();
                      navigate(segHref(s.key));
                    }}
                  >
                    {s.name}
                  </a>
                ))}
              </div>
            </>
          )}
          {p.tags.length > 0 && (
            <>
              <div className="cp-sub">{m('tags')}</div>
              <div className="cp-chips">
                {p.tags.map((t) => (
                  <span key={t.key} className="cp-pill" title={`${t.key} · ${t.kind} · ${t.source}`}>
                    {locale === 'en' ? (t.nameEn ?? t.nameZh) : t.nameZh}
                  </span>
                ))}
              </div>
            </>
          )}
        </>
      )}
    </Card>
  );
}

export function Identities({ p }: { p: Profile }) {
  const { m, locale } = useProfileM();
  const field = useField();
  return (
    <Card title={m('identities')} testId="profile-identities">
      {p.identities.length === 0 ? (
        <div className="muted">{m('noIdentities')}</div>
      ) : (
        <dl className="cp-dl">
          {(p.identities as Row[]).map((r, i) => (
            <div key={`${String(r.channel)}-${String(r.external_id)}-${i}`} style={{ display: 'contents' }}>
              <dt>{field('channel', r.channel)}</dt>
              <dd>
                <code>{String(r.external_id ?? '–')}</code> <span className="muted">{fmtDay(r.bound_at, locale)}</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

const HEADER_FIELDS = new Set(['customer_id', 'name', 'phone', 'email', 'kind', 'member_tier', 'province', 'city', 'district', 'owner_employee_id', 'registered_at', '_flags', 'extra']);

export function Attributes({ p }: { p: Profile }) {
  const { m } = useProfileM();
  const f = useFieldM().m;
  const field = useField();
  const a = p.attributes as Row;
  const rest = Object.keys(a).filter((k) => !HEADER_FIELDS.has(k) && !k.endsWith('_code') && a[k] !== null && a[k] !== undefined && a[k] !== '');
  const flags = Array.isArray(a._flags) ? (a._flags as unknown[]).map(String) : [];
  const extra = a.extra && typeof a.extra === 'object' ? Object.entries(a.extra as Row) : [];
  return (
    <Card title={m('attributes')} testId="profile-attributes">
      <dl className="cp-dl">
        {rest.map((k) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{columnLabel(f, k)}</dt>
            <dd>{field(k, a[k])}</dd>
          </div>
        ))}
      </dl>
      {extra.length > 0 && (
        <>
          <div className="cp-sub">{m('extra')}</div>
          <dl className="cp-dl">
            {extra.map(([k, v]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt>{k}</dt>
                <dd>{v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {flags.length > 0 && (
        <>
          <div className="cp-sub">{m('flags')}</div>
          <div className="cp-chips">
            {flags.map((x) => (
              <span key={x} className="cp-pill warn">
                {x}
              </span>
            ))}
          </div>
        </>
      )}
    </Card>
  );
}
