import { lazy, Suspense, useEffect, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { api, ApiError, setUnauthenticatedHandler } from '../api/client.js';
import { ErrorBoundary } from '../components/ErrorBoundary.js';
import { ErrorState, Loading } from '../components/States.js';
import { useT } from '../i18n/index.js';
import { Layout, visiblePages } from './Layout.js';
import { LoginPage } from './LoginPage.js';
import { useLocation, type PageKey } from './router.js';
import { SessionContext, type Me } from './session.js';

/** Each page is its own chunk: the overview does not wait for the map data or the admin screens. */
const PAGE_COMPONENTS: Record<PageKey, LazyExoticComponent<ComponentType>> = {
  overview: lazy(() => import('../pages/overview/index.js')),
  explore: lazy(() => import('../pages/explore/index.js')),
  reports: lazy(() => import('../pages/reports/index.js')),
  customers: lazy(() => import('../pages/customers/index.js')),
  geography: lazy(() => import('../pages/geography/index.js')),
  data: lazy(() => import('../pages/data/index.js')),
  admin: lazy(() => import('../pages/admin/index.js')),
};

export function App() {
  const { t } = useT();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const loc = useLocation();
  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    // No CSRF cookie means no session: show the login page without asking (and logging a 401).
    if (!/(?:^|;\s*)tm_csrf=/.test(document.cookie)) setMe(null);
    else api.get('/api/auth/me').then(setMe, () => setMe(null));
  }, []);
  if (me === undefined) return <Loading />;
  if (me === null) return <LoginPage onSignedIn={setMe} />;
  const Page = PAGE_COMPONENTS[loc.page];
  const allowed = visiblePages(me.permissions).includes(loc.page);
  return (
    <SessionContext.Provider value={{ me, signedOut: () => setMe(null) }}>
      <Layout>
        <ErrorBoundary resetKey={loc.page + loc.search.get('tab')}>
          <Suspense fallback={<Loading />}>{allowed ? <Page /> : <ErrorState error={new ApiError(403, 'forbidden', t('common.noPermission'))} />}</Suspense>
        </ErrorBoundary>
      </Layout>
    </SessionContext.Provider>
  );
}
