/**
 * The cockpit: headline KPIs with 同比/环比 and sparklines, revenue trend against last year, new vs returning customers,
 * channel and province contribution (click to filter every page), top products and alerts. Seven queries in three
 * steps (headline figures first), each answered from the server's result cache on a second visit.
 */
import { useApi, type Loaded } from '../../api/use-api.js';
import { useDefaultPeriod, useShared, type Shared } from '../../app/filters.js';
import { pageHref, navigate } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { PageHeader } from '../../components/Card.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { formatDate } from '../../i18n/format.js';
import { Alerts } from './Alerts.js';
import { Contribution, CONTRIBUTION_COLORS } from './Contribution.js';
import { metricCatalog, query } from './data.js';
import { KpiCards } from './KpiCards.js';
import { comparePeriods, KPI_METRICS, MONTHLY_METRICS, num } from './kpis.js';
import { useM } from './messages.js';
import { PRODUCT_METRICS, TopProducts } from './TopProducts.js';
import { NewVsReturning, RevenueTrend } from './Trends.js';
import './overview.css';

const TOP_PROVINCES = 10;

export default function OverviewPage() {
  const { m, t } = useM();
  const { me } = useSession();
  const { ready, extent, error, retry } = useDefaultPeriod(me.login);
  const shared = useShared();
  if (error) {
    return (
      <>
        <PageHeader title={t('nav.overview')} />
        <ErrorState error={error} retry={retry} />
      </>
    );
  }
  if (extent && extent.orders === 0) {
    const href = pageHref('data', [], { tab: 'import' });
    return (
      <>
        <PageHeader title={t('nav.overview')} />
        <div className="card">
          <Empty
            title={m('noOrdersTitle')}
            hint={m('noOrdersHint')}
            action={
              <a
                className="btn btn-primary"
                href={href}
                data-testid="overview-go-import"
                onClick={(e) => {
                  e.preventDefault();
                  navigate(href);
                }}
              >
                {m('goImport')}
              </a>
            }
          />
        </div>
      </>
    );
  }
  if (!ready) {
    return (
      <>
        <PageHeader title={t('nav.overview')} />
        <Loading />
      </>
    );
  }
  return <Cockpit shared={shared} />;
}

/** A request has answered (or failed) for the current period and filters. */
function done(x: Loaded<unknown>): boolean {
  return !x.loading && (x.data !== undefined || x.error !== undefined);
}

/** A panel whose request waits for an earlier step shows its previous answer dimmed meanwhile, not as current. */
function waiting<T>(x: Loaded<T>, enabled: boolean): Loaded<T> {
  return enabled || x.data === undefined ? x : { ...x, loading: true };
}

function Cockpit({ shared }: { shared: Shared }) {
  const { m, t, locale } = useM();
  const deps = [shared];
  const catalog = useApi((s) => metricCatalog(s), []);
  // The headline figures first, alone (no compare: half the work): on a big warehouse with two cores, the other
  // panels' queries would slow them down. Then the same figures for the 同比 and 环比 periods (one request when they are
  // the same period) and the panels, all at once; the product ranking (the heaviest: every order item) last. A second
  // visit is answered from the server's result cache, so the steps cost only round trips.
  const cur = useApi((s) => query(shared, { metrics: [...KPI_METRICS] }, s), deps);
  const second = done(cur);
  const periods = shared.from && shared.to ? comparePeriods({ from: shared.from, to: shared.to }) : undefined;
  const yoy = useApi((s) => query({ ...shared, ...periods!.yoy }, { metrics: [...KPI_METRICS] }, s), [shared, periods], second && periods !== undefined);
  const mom = useApi((s) => query({ ...shared, ...periods!.mom }, { metrics: [...KPI_METRICS] }, s), [shared, periods], second && periods !== undefined);
  const monthly = useApi((s) => query(shared, { metrics: [...MONTHLY_METRICS], dimensions: ['month'] }, s), deps, second);
  const trend = useApi((s) => query(shared, { metrics: ['revenue'], dimensions: ['month'], compare: 'yoy' }, s), deps, second);
  const channels = useApi((s) => query(shared, { metrics: ['revenue'], dimensions: ['channel'], sort: [{ key: 'revenue', desc: true }] }, s), deps, second);
  const provinces = useApi((s) => query(shared, { metrics: ['revenue'], dimensions: ['province'], sort: [{ key: 'revenue', desc: true }], limit: TOP_PROVINCES }, s), deps, second);
  const third = second && [yoy, mom, monthly, trend, channels, provinces].every(done);
  const products = useApi((s) => query(shared, { metrics: [...PRODUCT_METRICS], dimensions: ['product'], sort: [{ key: 'item_revenue', desc: true }], limit: 10, totals: true }, s), deps, third);
  const total = num(cur.data?.rows[0]?.revenue);
  return (
    <div className="overview" data-testid="overview">
      <PageHeader title={t('nav.overview')} subtitle={shared.from && shared.to ? m('subtitle', { from: formatDate(shared.from, locale), to: formatDate(shared.to, locale) }) : undefined} />
      <KpiCards
        cur={cur}
        yoy={periods && { period: periods.yoy, result: second && !yoy.loading ? yoy.data : undefined }}
        mom={periods && { period: periods.mom, result: second && !mom.loading ? mom.data : undefined }}
        monthly={waiting(monthly, second)}
        catalog={catalog.data}
      />
      <div className="grid grid-2 overview-row">
        <RevenueTrend state={waiting(trend, second)} />
        <NewVsReturning state={waiting(monthly, second)} />
      </div>
      <div className="grid grid-2 overview-row">
        <Contribution dimension="channel" title={m('channels')} state={waiting(channels, second)} total={total} color={CONTRIBUTION_COLORS.channel} />
        <Contribution dimension="province" title={m('provinces', { n: TOP_PROVINCES })} state={waiting(provinces, second)} total={total} color={CONTRIBUTION_COLORS.province} />
      </div>
      <div className="grid overview-bottom overview-row">
        <TopProducts state={waiting(products, third)} />
        <Alerts />
      </div>
    </div>
  );
}
