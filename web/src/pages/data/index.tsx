import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { PageHeader } from '../../components/Card.js';
import { TabbedView } from '../../components/Tabs.js';
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
  return (
    <>
      <PageHeader title={t('nav.data')} subtitle={m('subtitle')} />
      <TabbedView tabs={TABS} views={TAB_COMPONENTS} label={(k) => m(`tab.${k}`)} />
    </>
  );
}
