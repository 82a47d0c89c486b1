/**
 * The period and filters every page shares, kept in the URL: ?from=2026-01-01&to=2026-06-30&f=channel:tmall|jd.
 * `f` is repeatable: one dimension each, its values separated by | (op "in").
 */
import { useEffect, useSyncExternalStore } from 'react';
import { api, type BodyOf, type ResponseOf } from '../api/client.js';
import { defaultPeriod } from './period.js';
import { setParams, useLocation } from './router.js';

export type Filter = NonNullable<BodyOf<'POST /api/query'>['filters']>[number];

export interface Shared {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly filters: readonly Filter[];
}

export function parseFilterParam(p: string): Filter | undefined {
  const i = p.indexOf(':');
  if (i <= 0) return undefined;
  const values = p
    .slice(i + 1)
    .split('|')
    .filter((v) => v !== '');
  return values.length ? { dimension: p.slice(0, i), op: 'in', values } : undefined;
}

export function filterParam(f: Filter): string {
  return `${f.dimension}:${(f.values ?? []).map(String).join('|')}`;
}

export function sharedOf(search: URLSearchParams): Shared {
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
  return {
    from: date(search.get('from')),
    to: date(search.get('to')),
    filters: search.getAll('f').flatMap((p) => parseFilterParam(p) ?? []),
  };
}

export function useShared(): Shared {
  return sharedOf(useLocation().search);
}

export function setPeriod(from: string | undefined, to: string | undefined): void {
  setParams({ from, to }, { replace: false });
}

/** Adds (or replaces) the filter on one dimension; drill-down by click uses this. */
export function setFilter(dimension: string, values: readonly string[]): void {
  const cur = new URLSearchParams(window.location.search).getAll('f').filter((p) => !p.startsWith(`${dimension}:`));
  setParams({ f: values.length ? [...cur, filterParam({ dimension, op: 'in', values: [...values] })] : cur }, { replace: false });
}

export function clearFilters(): void {
  setParams({ f: undefined }, { replace: false });
}

/** The shared period and filters as a query body's fields. */
export function queryScope(s: Shared): { from?: string; to?: string; filters?: Filter[] } {
  return { ...(s.from ? { from: s.from } : {}), ...(s.to ? { to: s.to } : {}), ...(s.filters.length ? { filters: [...s.filters] } : {}) };
}

export type DataExtent = ResponseOf<'GET /api/extent'>;

/**
 * The first and last order day in the signed-in user's scope (GET /api/extent), loaded once per user and shared by the
 * period bar (its presets count back from the last order day) and the pages (the default period).
 */
interface ExtentState {
  readonly login: string | undefined;
  readonly extent: DataExtent | undefined;
  readonly error: Error | undefined;
}
let extentState: ExtentState = { login: undefined, extent: undefined, error: undefined };
const extentListeners = new Set<() => void>();
function setExtentState(s: ExtentState): void {
  extentState = s;
  for (const l of extentListeners) l();
}
function loadExtent(login: string): void {
  if (extentState.login === login && !extentState.error) return;
  setExtentState({ login, extent: undefined, error: undefined });
  api.get('/api/extent').then(
    (extent) => extentState.login === login && setExtentState({ login, extent, error: undefined }),
    (error: unknown) => extentState.login === login && setExtentState({ login, extent: undefined, error: error instanceof Error ? error : new Error(String(error)) }),
  );
}

/** The data extent for `login` (loading it the first time); `extent` is undefined while it loads. */
export function useExtent(login: string): { extent: DataExtent | undefined; error: Error | undefined; retry(): void } {
  const s = useSyncExternalStore(
    (l) => {
      extentListeners.add(l);
      return () => extentListeners.delete(l);
    },
    () => extentState,
  );
  useEffect(() => loadExtent(login), [login]);
  const mine = s.login === login ? s : { extent: undefined, error: undefined };
  return { extent: mine.extent, error: mine.error, retry: () => loadExtent(login) };
}

/**
 * Writes the default period (the last 12 months of data) into the URL when it has none (replace: no history entry).
 * Returns whether the period is settled, so a page can wait instead of querying twice.
 */
export function useDefaultPeriod(login: string): { ready: boolean; extent: DataExtent | undefined; error: Error | undefined; retry(): void } {
  const s = useShared();
  const { extent, error, retry } = useExtent(login);
  const missing = !s.from && !s.to;
  const def = missing && extent ? defaultPeriod(extent) : undefined;
  useEffect(() => {
    if (def) setParams({ from: def.from, to: def.to }, { replace: true });
  }, [def?.from, def?.to]);
  // Without orders there is nothing to default to: the page shows its empty state.
  const ready = !missing || (extent !== undefined && def === undefined) || error !== undefined;
  return { ready, extent, error, retry };
}
