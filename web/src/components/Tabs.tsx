import { Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { setParams, useLocation } from '../app/router.js';
import { Loading } from './States.js';

/** The tab a page shows: `?tab=` when it is one of `tabs`, else the first. */
export function useTab<T extends string>(tabs: readonly T[]): T {
  const v = useLocation().search.get('tab') ?? '';
  return (tabs as readonly string[]).includes(v) ? (v as T) : tabs[0]!;
}

/** A page's tabs, kept in the URL (`?tab=`, a history entry each), and the chosen one's lazily loaded view. */
export function TabbedView<T extends string>({ tabs, views, label }: { tabs: readonly T[]; views: Record<T, LazyExoticComponent<ComponentType>>; label: (tab: T) => string }) {
  const tab = useTab(tabs);
  const View: LazyExoticComponent<ComponentType> = views[tab];
  return (
    <>
      <div className="tabs" role="tablist">
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={k === tab} className={`tab${k === tab ? ' active' : ''}`} data-testid={`tab-${k}`} onClick={() => setParams({ tab: k }, { replace: false })}>
            {label(k)}
          </button>
        ))}
      </div>
      <Suspense fallback={<Loading />}>
        <View />
      </Suspense>
    </>
  );
}
