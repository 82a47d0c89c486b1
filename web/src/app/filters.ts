/**
 * The period and filters every page shares, kept in the URL: ?from=2026-01-01&to=2026-06-30&f=channel:tmall|jd.
 * `f` is repeatable: one dimension each, its values separated by | (op "in").
 */
import type { BodyOf } from '../api/client.js';
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
