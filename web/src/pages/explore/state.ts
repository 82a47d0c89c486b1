/**
 * The Explore view as URL state (pure: no DOM, no React), so a URL reproduces the analysis:
 *   ?m=revenue&m=orders   metrics            ?r=month   row dimensions        ?c=channel   column dimensions
 *   ?cmp=yoy|mom          compare            ?ch=line   chart type            ?s=revenue:d  table sort
 *   ?dp=year:2024&dp=quarter:2024-Q2         the drill-down path (each step filters on its value and replaced
 *                                            its dimension by the next level of the hierarchy)
 */

export const CHART_TYPES = ['line', 'bar', 'stacked', 'heatmap', 'pie'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export type Compare = 'yoy' | 'mom';

export interface DrillStep {
  readonly dimension: string;
  readonly value: string;
}

export interface ExploreState {
  readonly metrics: readonly string[];
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  readonly compare: Compare | undefined;
  /** undefined: the default for the result's shape. */
  readonly chart: ChartType | undefined;
  readonly drill: readonly DrillStep[];
  readonly sort: { readonly key: string; readonly desc: boolean } | undefined;
}

/** The smallest facts about a dimension the state logic needs (from GET /api/dimensions). */
export interface DimInfo {
  readonly key: string;
  readonly time: string | null;
  readonly drillTo: string | null;
}

const uniq = (xs: readonly string[]) => [...new Set(xs.filter((x) => x !== ''))];

export function parseState(sp: URLSearchParams): ExploreState {
  const rows = uniq(sp.getAll('r'));
  const cols = uniq(sp.getAll('c')).filter((c) => !rows.includes(c));
  const cmp = sp.get('cmp');
  const ch = sp.get('ch');
  const s = sp.get('s');
  const i = s ? s.lastIndexOf(':') : -1;
  return {
    metrics: uniq(sp.getAll('m')),
    rows,
    cols,
    compare: cmp === 'yoy' || cmp === 'mom' ? cmp : undefined,
    chart: (CHART_TYPES as readonly string[]).includes(ch ?? '') ? (ch as ChartType) : undefined,
    drill: sp.getAll('dp').flatMap((p) => {
      const k = p.indexOf(':');
      return k > 0 ? [{ dimension: p.slice(0, k), value: p.slice(k + 1) }] : [];
    }),
    sort: s && i > 0 ? { key: s.slice(0, i), desc: s.slice(i + 1) === 'd' } : s ? { key: s, desc: false } : undefined,
  };
}

/** The URL parameters of a state (for setParams: every key present, undefined removes it). */
export function stateParams(s: ExploreState): Record<string, string | readonly string[] | undefined> {
  return {
    m: [...s.metrics],
    r: [...s.rows],
    c: [...s.cols],
    cmp: s.compare,
    ch: s.chart,
    dp: s.drill.map((d) => `${d.dimension}:${d.value}`),
    s: s.sort ? `${s.sort.key}:${s.sort.desc ? 'd' : 'a'}` : undefined,
  };
}

export const EMPTY_STATE: ExploreState = { metrics: [], rows: [], cols: [], compare: undefined, chart: undefined, drill: [], sort: undefined };

/** The suggested first analysis: revenue (and orders) by month. */
export const STARTER: ExploreState = { ...EMPTY_STATE, metrics: ['revenue', 'orders'], rows: ['month'] };

/** Can `dimension` (shown in rows or columns) be drilled into? Its next level must exist and not be shown already. */
export function canDrill(s: ExploreState, dims: ReadonlyMap<string, DimInfo>, dimension: string): boolean {
  const next = dims.get(dimension)?.drillTo;
  return !!next && !s.rows.includes(next) && !s.cols.includes(next);
}

/** Drill down on one value: filter on it and replace the dimension by its next level, wherever it is shown. */
export function drillDown(s: ExploreState, dims: ReadonlyMap<string, DimInfo>, dimension: string, value: string): ExploreState {
  const next = dims.get(dimension)?.drillTo;
  if (!next || !canDrill(s, dims, dimension)) return s;
  const swap = (xs: readonly string[]) => xs.map((x) => (x === dimension ? next : x));
  return { ...s, rows: swap(s.rows), cols: swap(s.cols), drill: [...s.drill, { dimension, value }], sort: undefined, chart: s.chart };
}

/** Back up the drill path to `depth` steps (0 = the top): each step undone puts its dimension back. */
export function drillUpTo(s: ExploreState, dims: ReadonlyMap<string, DimInfo>, depth: number): ExploreState {
  let rows = [...s.rows];
  let cols = [...s.cols];
  for (const step of [...s.drill.slice(depth)].reverse()) {
    const next = dims.get(step.dimension)?.drillTo;
    if (!next) continue;
    rows = rows.map((x) => (x === next ? step.dimension : x));
    cols = cols.map((x) => (x === next ? step.dimension : x));
  }
  return { ...s, rows, cols, drill: s.drill.slice(0, depth), sort: undefined };
}

/** The drill path as query filters (each an equality on the value clicked). */
export function drillFilters(s: ExploreState): { dimension: string; op: 'eq'; values: string[] }[] {
  return s.drill.map((d) => ({ dimension: d.dimension, op: 'eq' as const, values: [d.value] }));
}

/** Compare (同比/环比) runs on the flat table only: the pivot has no previous-period columns. */
export function compareApplies(s: ExploreState): boolean {
  return s.cols.length === 0;
}
