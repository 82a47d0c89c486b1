/** Small pieces shared by the customer list, the profile and the saved segments. */
import { useEffect, useState } from 'react';
import type { Me } from '../../app/session.js';
import { useT } from '../../i18n/index.js';
import { formatNumber } from '../../i18n/format.js';
import { pageCount } from './list-state.js';

/** `value`, once it has not changed for `ms`. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/**
 * Whether the server lets this user change company-wide lists (segments): the `import` permission and a role whose row
 * scope is all rows (src/access/scope.ts scopeOf: admin and analyst; a viewer without an org position).
 */
export function unscoped(me: Me): boolean {
  if (me.role === 'admin' || me.role === 'analyst') return true;
  if (me.role === 'viewer') return !me.employeeId && !me.department && !me.branch;
  return false;
}

export function canWriteSegments(me: Me): boolean {
  return me.permissions.includes('import') && unscoped(me);
}

/** Previous / next with "1–50 of 3,000" (offset-based pages of a server list). */
export function Pager({ page, size, total, onPage, testId, rangeLabel }: { page: number; size: number; total: number; onPage: (p: number) => void; testId?: string; rangeLabel: (from: string, to: string, total: string) => string }) {
  const { t, locale } = useT();
  const pages = pageCount(total, size);
  const from = total === 0 ? 0 : (page - 1) * size + 1;
  const to = Math.min(total, page * size);
  return (
    <div className="cl-pager" data-testid={testId}>
      <span className="muted">{rangeLabel(formatNumber(from, locale), formatNumber(to, locale), formatNumber(total, locale))}</span>
      <button type="button" className="btn" disabled={page <= 1} onClick={() => onPage(page - 1)} data-testid={testId ? `${testId}-prev` : undefined}>
        ‹ {t('common.prev')}
      </button>
      <span>{t('common.page', { page: formatNumber(Math.min(page, pages), locale), pages: formatNumber(pages, locale) })}</span>
      <button type="button" className="btn" disabled={page >= pages} onClick={() => onPage(page + 1)} data-testid={testId ? `${testId}-next` : undefined}>
        {t('common.next')} ›
      </button>
    </div>
  );
}
