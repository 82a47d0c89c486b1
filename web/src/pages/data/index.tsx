import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { setParams, useLocation } from '../../app/router.js';
import { PageHeader } from '../../components/Card.js';
import { Loading } from '../../components/States.js';
import { useT } from '../../i18n/index.js';
import { useM } from './messages.js';
import './data.css';

/** The Data page: imports (upload, history, cleaning log, quarantine), table status, the metric catalog. */
export const TABS = ['imports', 'tables', 'metrics'] as const;
export type Tab = (typeof TABS)[number];

const TAB_COMPONENTS: Record<Tab, LazyExoticComponent<ComponentType>> = {
  imports: lazy(() => import('./imports.js')),
  tables: lazy(() => import('./tables.js')),
  metrics: lazy(() => import('./metrics.js')),
};

export default function DataPage() {
  const { t } = useT();
  const { m } = useM();
  const loc = useLocation();
  const tab = (TABS as readonly string[]).includes(loc.search.get('tab') ?? '') ? (loc.search.get('tab') as Tab) : 'imports';
  const Tab = TAB_COMPONENTS[tab];
  return (
    <>
      <PageHeader title={t('nav.data')} subtitle={m('subtitle')} />
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
