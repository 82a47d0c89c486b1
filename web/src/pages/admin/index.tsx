import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { setParams, useLocation } from '../../app/router.js';
import { PageHeader } from '../../components/Card.js';
import { Loading } from '../../components/States.js';
import { useT } from '../../i18n/index.js';
import { useM } from './messages.js';
import './admin.css';

/** The Admin page (permission manage_users; the navigation hides it otherwise): users, roles, API tokens, audit log. */
export const TABS = ['users', 'roles', 'tokens', 'audit'] as const;
export type Tab = (typeof TABS)[number];

const TAB_COMPONENTS: Record<Tab, LazyExoticComponent<ComponentType>> = {
  users: lazy(() => import('./users.js')),
  roles: lazy(() => import('./roles.js')),
  tokens: lazy(() => import('./tokens.js')),
  audit: lazy(() => import('./audit.js')),
};

export default function AdminPage() {
  const { t } = useT();
  const { m } = useM();
  const loc = useLocation();
  const tab = (TABS as readonly string[]).includes(loc.search.get('tab') ?? '') ? (loc.search.get('tab') as Tab) : 'users';
  const Tab = TAB_COMPONENTS[tab];
  return (
    <>
      <PageHeader title={t('nav.admin')} subtitle={m('subtitle')} />
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
