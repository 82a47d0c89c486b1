import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { PageHeader } from '../../components/Card.js';
import { TabbedView } from '../../components/Tabs.js';
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
  return (
    <>
      <PageHeader title={t('nav.admin')} subtitle={m('subtitle')} />
      <TabbedView tabs={TABS} views={TAB_COMPONENTS} label={(k) => m(`tab.${k}`)} />
    </>
  );
}
