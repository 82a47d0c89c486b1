/**
 * The cockpit: headline KPIs with 同比/环比 and sparklines, revenue trend against last year, new vs returning customers,
 * channel and province contribution (click to filter every page), top products and alerts. Six queries, all in
 * parallel and each answered from the server's result cache on a second visit.
 */
import { useApi } from '../../api/use-api.js';
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
import { KPI_METRICS, MONTHLY_METRICS, num } from './kpis.js';
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

function Cockpit({ shared }: { shared: Shared }) {
  const { m, t, locale } = useM();
  const deps = [shared];
  const catalog = useApi((s) => metricCatalog(s), []);
  const yoy = useApi((s) => query(shared, { metrics: [...KPI_METRICS], compare: 'yoy' }, s), deps);
  const mom = useApi((s) => query(shared, { metrics: [...KPI_METRICS], compare: 'mom' }, s), deps);
  const monthly = useApi((s) => query(shared, { metrics: [...MONTHLY_METRICS], dimensions: ['month'] }, s), deps);
  const trend = useApi((s) => query(shared, { metrics: ['revenue'], dimensions: ['month'], compare: 'yoy' }, s), deps);
  const channels = useApi((s) => query(shared, { metrics: ['revenue'], dimensions: ['channel'], sort: [{ key: 'revenue', desc: true }] }, s), deps);
  const provinces = useApi((s) => query(shared, { metrics: ['revenue'], dimensions: ['province'], sort: [{ key: 'revenue', desc: true }], limit: TOP_PROVINCES }, s), deps);
  const products = useApi((s) => query(shared, { metrics: [...PRODUCT_METRICS], dimensions: ['product'], sort: [{ key: 'item_revenue', desc: true }], limit: 10, totals: true }, s), deps);
  const total = num(yoy.data?.rows[0]?.revenue);
  return (
    <div className="overview" data-testid="overview">
      <PageHeader title={t('nav.overview')} subtitle={shared.from && shared.to ? m('subtitle', { from: formatDate(shared.from, locale), to: formatDate(shared.to, locale) }) : undefined} />
      <KpiCards yoy={yoy} mom={mom} monthly={monthly} catalog={catalog.data} />
      <div className="grid grid-2 overview-row">
        <RevenueTrend state={trend} />
        <NewVsReturning state={monthly} />
      </div>
      <div className="grid grid-2 overview-row">
        <Contribution dimension="channel" title={m('channels')} state={channels} total={total} color={CONTRIBUTION_COLORS.channel} />
        <Contribution dimension="province" title={m('provinces', { n: TOP_PROVINCES })} state={provinces} total={total} color={CONTRIBUTION_COLORS.province} />
      </div>
      <div className="grid overview-bottom overview-row">
        <TopProducts state={products} />
        <Alerts />
      </div>
    </div>
  );
}
