/**
 * A small router over the History API: the page is the path (/overview, /customers/C0001…), and everything a page
 * shows (period, filters, tabs, chosen metrics) lives in the query string, so a URL reproduces the view.
 */
import { useSyncExternalStore } from 'react';

export type PageKey = 'overview' | 'explore' | 'reports' | 'customers' | 'geography' | 'data' | 'admin';
export const PAGES: readonly PageKey[] = ['overview', 'explore', 'reports', 'customers', 'geography', 'data', 'admin'];

export interface Location {
  readonly page: PageKey;
  /** Path segments after the page (/customers/C0001 → ['C0001']). */
  readonly rest: readonly string[];
  readonly search: URLSearchParams;
}

const listeners = new Set<() => void>();
let snapshot = read();

function read(): { path: string; search: string } {
  return { path: window.location.pathname, search: window.location.search };
}
function notify(): void {
  snapshot = read();
  for (const l of listeners) l();
}
window.addEventListener('popstate', notify);

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function parseLocation(path: string, search: string): Location {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const first = parts[0] as PageKey | undefined;
  const page = first && PAGES.includes(first) ? first : 'overview';
  return { page, rest: first && PAGES.includes(first) ? parts.slice(1) : [], search: new URLSearchParams(search) };
}

export function useLocation(): Location {
  const s = useSyncExternalStore(subscribe, () => snapshot);
  return parseLocation(s.path, s.search);
}

/** Goes to a page (keeping the shared period and filters unless `search` is given) and records it in history. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
  if (!opts.replace) window.scrollTo(0, 0);
}

/** Changes query parameters of the current URL (undefined or '' removes one; arrays repeat the key). */
export function setParams(changes: Record<string, string | readonly string[] | undefined>, opts: { replace?: boolean } = { replace: true }): void {
  const sp = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(changes)) {
    sp.delete(k);
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else if (typeof v === 'string' && v !== '') sp.set(k, v);
  }
  const qs = sp.toString();
  navigate(`${window.location.pathname}${qs ? `?${qs}` : ''}`, opts);
}

/** Shared across pages: what the nav links carry from page to page. */
export const SHARED_PARAMS = ['from', 'to', 'f'] as const;

export function pageHref(page: PageKey, rest: readonly string[] = [], extra: Record<string, string> = {}): string {
  const cur = new URLSearchParams(window.location.search);
  const sp = new URLSearchParams();
  for (const k of SHARED_PARAMS) for (const v of cur.getAll(k)) sp.append(k, v);
  for (const [k, v] of Object.entries(extra)) sp.set(k, v);
  const qs = sp.toString();
  return `/${[page, ...rest].map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}
