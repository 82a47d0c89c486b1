import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { PageHeader } from '../../components/Card.js';
import { Loading } from '../../components/States.js';
import { useLocation } from '../../app/router.js';
import { TabbedView } from '../../components/Tabs.js';
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
  return (
    <>
      <PageHeader title={t('nav.customers')} />
      <TabbedView tabs={TABS} views={TAB_COMPONENTS} label={(k) => m(`tab.${k}`)} />
    </>
  );
}
