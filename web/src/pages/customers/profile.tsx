/**
 * The customer 360° profile (GET /api/customers/{id}): who the customer is, the key figures, orders, a merged
 * timeline of opportunities, contracts, tickets, activities and interactions, model scores, segment and tag
 * memberships, identities and every attribute. Outside the caller's scope the API answers 404, shown as a designed
 * "not found or outside your scope" state. The back link returns to the list (or segment) view the user came from.
 */
import { api, ApiError, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { navigate, pageHref, setParams, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { Card } from '../../components/Card.js';
import { ErrorState, Loading } from '../../components/States.js';
import { formatMoney, formatNumber } from '../../i18n/format.js';
import { fmtDay } from './profile-format.js';
import { kindLabel, regionText } from './list.js';
import { useCode, useListM } from './list-messages.js';
import { backHref } from './list-state.js';
import { useFieldM, useProfileM } from './profile-messages.js';
import { Attributes, Identities, Memberships, Orders, Scores, Timeline } from './profile-sections.js';
import './list.css';

export type Profile = ResponseOf<'GET /api/customers/{id}'>;

const RECENT_STEPS = [20, 50, 100, 200, 500, 1000] as const;

export function recentOf(search: URLSearchParams): number {
  const n = Number(search.get('recent'));
  return (RECENT_STEPS as readonly number[]).includes(n) ? n : 20;
}

export function nextRecent(n: number): number | undefined {
  return RECENT_STEPS.find((s) => s > n);
}

function BackLink() {
  const { m } = useProfileM();
  const loc = useLocation();
  const ret = loc.search.get('ret');
  const href = backHref(ret, pageHref('customers', [], { tab: 'list' }));
  const toList = !ret || new URLSearchParams(ret).get('tab') === 'list';
  return (
    <a
      className="cp-back"
      href={href}
      data-testid="profile-back"
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {toList ? m('backList') : m('back')}
    </a>
  );
}

function Kpi({ label, value, sub, testId, dataValue }: { label: string; value: string; sub?: string; testId?: string; dataValue?: number | string }) {
  return (
    <div className="cp-kpi">
      <span className="cp-kpi-label">{label}</span>
      <span className="cp-kpi-value" title={value} data-testid={testId} data-value={dataValue}>
        {value}
      </span>
      {sub && <span className="cp-kpi-sub">{sub}</span>}
    </div>
  );
}

function Header({ p }: { p: Profile }) {
  const { m, locale } = useProfileM();
  const lm = useListM().m;
  const code = useCode();
  const seesPersonal = useCan('see_personal_data');
  const a = p.attributes as Record<string, unknown>;
  const s = (k: string) => (a[k] === null || a[k] === undefined || a[k] === '' ? undefined : String(a[k]));
  const name = s('name') ?? p.customerId;
  const o = p.orders;
  const owner = p.owner as Record<string, unknown> | null;
  const district = s('district');
  const region = regionText(s('province'), s('city')) + (district ? ` · ${district}` : '');
  const rfm = p.scores.rfm as Record<string, unknown> | null;
  const tier = p.scores.valueTier as Record<string, unknown> | null;
  const stage = p.scores.lifecycle as Record<string, unknown> | null;
  return (
    <Card testId="profile-header">
      <div className="cp-head">
        <div className="cp-avatar" aria-hidden="true">
          {name.slice(0, 1)}
        </div>
        <div className="cp-ident">
          <div className="cp-name">
            <h1 data-testid="profile-name">{name}</h1>
            <span className="cp-pill accent">{kindLabel(s('kind'), lm)}</span>
            {s('member_tier') && <span className="cp-pill">{s('member_tier')}</span>}
            {a.marketing_consent === false && <span className="cp-pill warn">{m('noConsent')}</span>}
            {a.is_stub === true && <span className="cp-pill warn">{m('stub')}</span>}
            {!seesPersonal && <span className="cp-pill warn">{m('masked')}</span>}
          </div>
          <div className="cp-facts">
            <span>
              <span className="muted">{m('customerId')}</span>
              <span data-testid="profile-id">{p.customerId}</span>
            </span>
            <span>
              <span className="muted">{m('phone')}</span>
              <span data-testid="profile-phone">{s('phone') ?? '–'}</span>
            </span>
            <span>
              <span className="muted">{m('email')}</span>
              {s('email') ?? '–'}
            </span>
            <span>
              <span className="muted">{m('region')}</span>
              {region}
            </span>
            <span>
              <span className="muted">{m('owner')}</span>
              {owner ? `${String(owner.name ?? '')} (${String(owner.employee_id)})` : m('noOwner')}
            </span>
            <span>
              <span className="muted">{m('registered')}</span>
              {fmtDay(s('registered_at'), locale)}
            </span>
          </div>
        </div>
      </div>
      <div className="cp-kpis">
        <Kpi label={m('kpi.revenue')} value={formatMoney(o.revenue, locale)} testId="profile-revenue" dataValue={o.revenue} />
        <Kpi label={m('kpi.orders')} value={formatNumber(o.counted, locale)} sub={o.total !== o.counted ? m('kpi.ordersSub', { all: formatNumber(o.total, locale) }) : undefined} testId="profile-order-count" dataValue={o.counted} />
        <Kpi label={m('kpi.aov')} value={o.counted ? formatMoney(o.revenue / o.counted, locale) : '–'} />
        <Kpi label={m('kpi.first')} value={fmtDay(o.firstOrderAt, locale)} />
        <Kpi label={m('kpi.last')} value={fmtDay(o.lastOrderAt, locale)} />
        {rfm && <Kpi label={m('kpi.rfm')} value={code('rfm', rfm.segment)} />}
        {tier && <Kpi label={m('kpi.tier')} value={String(tier.tier ?? '–')} />}
        {stage && <Kpi label={m('kpi.stage')} value={code('stage', stage.stage)} />}
      </div>
    </Card>
  );
}

function NotFound({ id }: { id: string }) {
  const { m } = useProfileM();
  return (
    <Card className="cp-notfound" testId="profile-not-found">
      <div className="state state-empty">
        <div className="state-icon" aria-hidden="true">
          ⌀
        </div>
        <div className="state-title">{m('notFound')}</div>
        <div className="state-hint">{m('notFoundHint', { id })}</div>
        <BackLink />
      </div>
    </Card>
  );
}

export default function CustomerProfile() {
  useFieldM();
  const loc = useLocation();
  const id = loc.rest[0] ?? '';
  const recent = recentOf(loc.search);
  const data = useApi((signal) => api.get('/api/customers/{id}', { params: { id }, query: { recent }, signal }), [id, recent]);
  if (data.error instanceof ApiError && data.error.status === 404) return <NotFound id={id} />;
  if (data.error) return <ErrorState error={data.error} retry={data.reload} />;
  if (!data.data || data.data.customerId !== id) return <Loading />;
  const p = data.data;
  const more = nextRecent(recent);
  return (
    <div className={`cp${data.loading ? ' reloading' : ''}`} data-testid="customer-profile">
      <BackLink />
      <Header p={p} />
      <div className="cp-grid">
        <div className="cp-col">
          <Orders p={p} onMore={more ? () => setParams({ recent: String(more) }) : undefined} />
          <Timeline p={p} recent={recent} />
        </div>
        <div className="cp-col">
          <Scores p={p} />
          <Memberships p={p} />
          <Identities p={p} />
          <Attributes p={p} />
        </div>
      </div>
    </div>
  );
}
