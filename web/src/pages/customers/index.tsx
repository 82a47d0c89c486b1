import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { PageHeader } from '../../components/Card.js';
import { Loading } from '../../components/States.js';
import { setParams, useLocation } from '../../app/router.js';
import { useT } from '../../i18n/index.js';
import { useM } from './messages.js';

/** The Customers page: one tab per analysis, the saved segments, the list; /customers/<id> is the 360° profile. */
export const TABS = ['rfm', 'value', 'clusters', 'lifecycle', 'cohorts', 'members', 'segments', 'list'] as const;
export type Tab = (typeof TABS)[number];

const TAB_COMPONENTS: Record<Tab, LazyExoticComponent<ComponentType>> = {
  rfm: lazy(() => import('./rfm.js')),
  value: lazy(() => import('./value.js')),
  clusters: lazy(() => import('./clusters.js')),
  lifecycle: lazy(() => import('./lifecycle.js')),
  cohorts: lazy(() => import('./cohorts.js')),
  members: lazy(() => import('./members.js')),
  segments: lazy(() => import('./segments.js')),
  list: lazy(() => import('./list.js')),
};
const Profile = lazy(() => import('./profile.js'));

export default function CustomersPage() {
  const { t } = useT();
  const { m } = useM();
  const loc = useLocation();
  if (loc.rest[0]) {
    return (
      <Suspense fallback={<Loading />}>
        <Profile />
      </Suspense>
    );
  }
  const tab = (TABS as readonly string[]).includes(loc.search.get('tab') ?? '') ? (loc.search.get('tab') as Tab) : 'rfm';
  const Tab = TAB_COMPONENTS[tab];
  return (
    <>
      <PageHeader title={t('nav.customers')} />
      <div className="tabs" role="tablist">
        {TABS.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={k === tab} className={`tab${k === tab ? ' active' : ''}`} data-testid={`tab-${k}`} onClick={() => setParams({ tab: k }, { replace: false })}>
            {m(`tab.${k}`)}
          </button>
        ))}
      </div>
      <Suspense fallback={<Loading />}>
        <Tab />
      </Suspense>
    </>
  );
}
