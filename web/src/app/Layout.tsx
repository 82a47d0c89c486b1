import type { ReactNode } from 'react';
import { Loading } from '../components/States.js';
import { useT } from '../i18n/index.js';
import { useDefaultPeriod } from './filters.js';
import { FilterBar } from './FilterBar.js';
import { navigate, pageHref, PAGES, useLocation, type PageKey } from './router.js';
import { useSession } from './session.js';
import { UserMenu } from './UserMenu.js';

const ICONS: Record<PageKey, string> = { overview: '◎', explore: '▦', reports: '▤', customers: '☺', geography: '◍', data: '⇪', admin: '⚙' };

/** Pages a role can open: Admin needs manage_users; the rest filter what they show by permission. */
export function visiblePages(permissions: readonly string[]): PageKey[] {
  return PAGES.filter((p) => p !== 'admin' || permissions.includes('manage_users'));
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useT();
  const { me } = useSession();
  const loc = useLocation();
  // A page opened without a period waits for the default one (the last 12 months of data), so it never asks for all
  // history first and then again for the default.
  const { ready } = useDefaultPeriod(me.login);
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="main">
        <div className="brand">
          <span className="brand-mark">≋</span> <span className="brand-text">{t('app.name')}</span>
        </div>
        {visiblePages(me.permissions).map((p) => {
          const href = pageHref(p);
          return (
            <a
              key={p}
              href={href}
              className={`nav-link${loc.page === p ? ' active' : ''}`}
              aria-current={loc.page === p ? 'page' : undefined}
              data-testid={`nav-${p}`}
              onClick={(e) => {
                if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                e.preventDefault();
                navigate(href);
              }}
            >
              <span className="nav-icon" aria-hidden="true">
                {ICONS[p]}
              </span>
              <span className="nav-text">{t(`nav.${p}`)}</span>
            </a>
          );
        })}
      </nav>
      <div className="main">
        <header className="topbar">
          <FilterBar />
          <UserMenu />
        </header>
        <main className="content" data-page={loc.page}>
          {ready ? children : <Loading />}
        </main>
      </div>
    </div>
  );
}
