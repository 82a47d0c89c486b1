/** The metric and dimension catalogs (GET /api/metrics, GET /api/dimensions), grouped for the pickers. */
import type { ResponseOf } from '../../api/client.js';
import type { Locale } from '../../i18n/index.js';
import { label } from '../../i18n/index.js';

export type Metric = ResponseOf<'GET /api/metrics'>['metrics'][number];
export type Dimension = ResponseOf<'GET /api/dimensions'>['dimensions'][number];

export interface Catalog {
  readonly metrics: readonly Metric[];
  readonly dimensions: readonly Dimension[];
  readonly metricByKey: ReadonlyMap<string, Metric>;
  readonly dimByKey: ReadonlyMap<string, Dimension>;
}

export function catalogOf(metrics: readonly Metric[], dimensions: readonly Dimension[]): Catalog {
  return { metrics, dimensions, metricByKey: new Map(metrics.map((m) => [m.key, m])), dimByKey: new Map(dimensions.map((d) => [d.key, d])) };
}

export const DIM_GROUPS = ['time', 'region', 'store_region', 'product', 'org', 'customer', 'marketing', 'sales', 'other'] as const;
export type DimGroup = (typeof DIM_GROUPS)[number];

/** Where a dimension goes in the picker: its hierarchy, else what it describes (by the tables it reaches). */
export function dimGroup(d: Dimension): DimGroup {
  if (d.time) return 'time';
  if (d.hierarchy && (DIM_GROUPS as readonly string[]).includes(d.hierarchy)) return d.hierarchy as DimGroup;
  if (d.tables.some((t) => t.startsWith('campaign'))) return 'marketing';
  if (d.tables[0] === 'customers' || d.tables[0] === 'orders' && d.key.startsWith('cohort')) return 'customer';
  if (d.tables.length > 0) return 'sales';
  return 'other';
}

/** "销售部 Sales" → 销售部 (zh) / Sales (en). */
export function ownerLabel(owner: string, locale: Locale): string {
  const m = /^(\S+)\s+(.+)$/.exec(owner);
  if (!m || !/[\u4e00-\u9fff]/.test(m[1]!)) return owner;
  return locale === 'en' ? m[2]! : m[1]!;
}

/** Does `q` match the item's key or label in either language (case-insensitive)? */
export function matches(q: string, key: string, l: { en: string; zh: string }): boolean {
  const s = q.trim().toLowerCase();
  return s === '' || key.toLowerCase().includes(s) || l.en.toLowerCase().includes(s) || l.zh.includes(s);
}

/** A dimension's value as shown: a coded value by its label, empty as "–". */
export function valueLabel(cat: Catalog, dimension: string, v: unknown, locale: Locale, empty = '–'): string {
  if (v === null || v === undefined || v === '') return empty;
  const d = cat.dimByKey.get(dimension);
  const l = d?.values?.[String(v)];
  return l ? label(l, locale) : String(v);
}
