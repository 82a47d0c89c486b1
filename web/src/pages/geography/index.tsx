import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { queryScope, useShared, type Filter } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { PageHeader } from '../../components/Card.js';
import { label } from '../../i18n/index.js';
import { GeoPanel } from './panel.js';
import { childLevel } from './match.js';
import { useM } from './messages.js';
import './geography.css';

/** Metrics that make sense per customer region (labels and units from the catalog; those it lacks are left out). */
export const GEO_METRICS = ['revenue', 'buying_customers', 'orders', 'aov', 'revenue_per_customer', 'repurchase_rate', 'new_customers', 'registered_customers'];

export type Metric = ResponseOf<'GET /api/metrics'>['metrics'][number];

/**
 * Geography: a choropleth of China by province (?metric=), drill to a province's cities (?geo=440000; districts for
 * the municipalities), a ranked bar view (?view=bar) used automatically when the map cannot load, and the values the
 * map cannot place listed beside it.
 */
export default function GeographyPage() {
  const { m, t, locale } = useM();
  const loc = useLocation();
  const shared = useShared();
  const catalog = useApi((signal) => api.get('/api/metrics', { signal }), []);
  const metrics = (catalog.data?.metrics ?? []).filter((x) => GEO_METRICS.includes(x.key)).sort((a, b) => GEO_METRICS.indexOf(a.key) - GEO_METRICS.indexOf(b.key));
  const metricKey = GEO_METRICS.includes(loc.search.get('metric') ?? '') ? loc.search.get('metric')! : 'revenue';
  const metric = metrics.find((x) => x.key === metricKey);
  const geoParam = loc.search.get('geo');
  const province = geoParam && /^\d{6}$/.test(geoParam) ? geoParam : undefined;
  const view = loc.search.get('view') === 'bar' ? 'bar' : 'map';
  const level = province ? childLevel(province) : 'province';
  const dims = province ? ['province', 'province_code', level, `${level}_code`] : ['province', 'province_code'];
  const scope = queryScope(shared);
  const filters: Filter[] = [...(scope.filters ?? []), ...(province ? [{ dimension: 'province_code', op: 'in' as const, values: [province] }] : [])];
  const body = { ...scope, metrics: [metricKey], dimensions: dims, totals: true, ...(filters.length ? { filters } : {}) };
  const data = useApi((signal) => api.post('/api/query', { body, signal }), [body]);

  return (
    <div className="geo-page">
      <PageHeader
        title={t('nav.geography')}
        subtitle={m('subtitle')}
        actions={
          <div className="geo-controls">
            <label className="inline">
              <span className="muted">{m('metric')}</span>
              <select data-testid="geo-metric" value={metricKey} onChange={(e) => setParams({ metric: e.target.value === 'revenue' ? undefined : e.target.value }, { replace: false })}>
                {(metrics.length ? metrics : [{ key: metricKey, label: metricKey }]).map((x) => (
                  <option key={x.key} value={x.key}>
                    {label(x.label, locale)}
                  </option>
                ))}
              </select>
            </label>
            <div className="geo-toggle" role="group" aria-label={m('view')}>
              {(['map', 'bar'] as const).map((v) => (
                <button key={v} type="button" className={`chip${view === v ? ' active' : ''}`} aria-pressed={view === v} data-testid={`geo-view-${v}`} onClick={() => setParams({ view: v === 'map' ? undefined : v }, { replace: false })}>
                  {m(`view.${v}`)}
                </button>
              ))}
            </div>
          </div>
        }
      />
      <GeoPanel data={data} metric={metric} metricKey={metricKey} province={province} level={level} view={view} />
    </div>
  );
}
