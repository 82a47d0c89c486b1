/**
 * The customer list's URL state (pure: no DOM): ?tab=list&q=张&sort=-revenue&page=2&size=50. The sort keys are the
 * server's (GET /api/customers `sort`, src/customers/list.ts CUSTOMER_SORTS); anything else falls back to the default.
 */
export const LIST_SORTS = ['id', 'name', 'province', 'city', 'orders', 'revenue', 'first_order', 'last_order'] as const;
export type ListSortKey = (typeof LIST_SORTS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_SIZE = 50;

export interface ListSort {
  readonly key: ListSortKey;
  readonly desc: boolean;
}

export interface ListState {
  readonly q: string;
  readonly sort: ListSort | undefined;
  /** 1-based. */
  readonly page: number;
  readonly size: number;
}

export function parseSort(text: string | null | undefined): ListSort | undefined {
  if (!text) return undefined;
  const desc = text.startsWith('-');
  const key = desc ? text.slice(1) : text;
  return (LIST_SORTS as readonly string[]).includes(key) ? { key: key as ListSortKey, desc } : undefined;
}

export function sortParam(s: ListSort | undefined): string | undefined {
  return s ? `${s.desc ? '-' : ''}${s.key}` : undefined;
}

/** Clicking a header: the same column flips; a new one starts descending for numbers and dates, ascending for text. */
export function nextSort(cur: ListSort | undefined, key: ListSortKey): ListSort {
  if (cur?.key === key) return { key, desc: !cur.desc };
  return { key, desc: ['orders', 'revenue', 'first_order', 'last_order'].includes(key) };
}

export function listStateOf(search: URLSearchParams): ListState {
  const page = Number(search.get('page'));
  const size = Number(search.get('size'));
  return {
    q: (search.get('q') ?? '').slice(0, 200),
    sort: parseSort(search.get('sort')),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_SIZE,
  };
}

/** The GET /api/customers query of a state. */
export function listQuery(s: ListState): { search?: string; sort?: string; limit: number; offset: number } {
  const sort = sortParam(s.sort);
  return { ...(s.q.trim() ? { search: s.q.trim() } : {}), ...(sort ? { sort } : {}), limit: s.size, offset: (s.page - 1) * s.size };
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

/** "/customers?<ret>" back from a profile: only a relative customers URL is accepted (never another origin). */
export function backHref(ret: string | null | undefined, fallback: string): string {
  if (!ret) return fallback;
  const qs = ret.startsWith('?') ? ret.slice(1) : ret;
  if (/[\s#]/.test(qs) || qs.includes('//')) return fallback;
  return `/customers?${qs}`;
}
