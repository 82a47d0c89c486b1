/** How metric values are shown: by unit, in the user's language. Shared by the CLI, exports and reports. */
import { formatNumber } from '../cli/output.js';
import type { Catalog } from '../metrics/types.js';
import type { ColumnMeta } from './types.js';

export type Lang = 'zh' | 'en';

/** The language: $TIDEMARK_LANG, else zh unless $LANG says otherwise (our users are mostly in China). */
export function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const v = (env.TIDEMARK_LANG ?? '').toLowerCase();
  if (v.startsWith('en')) return 'en';
  if (v.startsWith('zh')) return 'zh';
  const l = (env.LC_ALL ?? env.LANG ?? '').toLowerCase();
  return l.startsWith('en') ? 'en' : 'zh';
}


export function defaultDecimals(c: ColumnMeta): number {
  if (c.decimals !== undefined) return c.decimals;
  switch (c.unit) {
    case 'currency':
      return 2;
    case 'count':
    case 'points':
      return 0;
    case 'ratio':
    case 'ratio_change':
    case 'change':
      return 1;
    default:
      return 1;
  }
}

/** A value as text: ¥1,234.50, 12.3%, +4.5 pt, 3.2 d … */
export function formatValue(v: unknown, c: ColumnMeta, lang: Lang = 'zh'): string {
  if (v === null || v === undefined || v === '') return c.kind === 'dimension' ? (lang === 'zh' ? '(空)' : '(none)') : '—';
  if (c.kind === 'dimension' || typeof v !== 'number') return String(v);
  const d = defaultDecimals(c);
  switch (c.unit) {
    case 'currency':
      return `¥${formatNumber(v, d)}`;
    case 'ratio':
      return `${formatNumber(v * 100, d)}%`;
    case 'ratio_change':
      return `${v >= 0 ? '+' : ''}${formatNumber(v * 100, d)} ${lang === 'zh' ? '个百分点' : 'pt'}`;
    case 'change':
      return `${v >= 0 ? '+' : ''}${formatNumber(v * 100, d)}%`;
    case 'days':
      return `${formatNumber(v, d)} ${lang === 'zh' ? '天' : 'd'}`;
    case 'hours':
      return `${formatNumber(v, d)} ${lang === 'zh' ? '小时' : 'h'}`;
    default:
      return formatNumber(v, d);
  }
}

/** The Excel number format for a column. */
export function excelFormat(c: ColumnMeta): string | undefined {
  if (c.kind === 'dimension' || c.kind === 'grouping') return undefined;
  const d = defaultDecimals(c);
  const dec = d > 0 ? `.${'0'.repeat(d)}` : '';
  switch (c.unit) {
    case 'currency':
      return `"¥"#,##0${dec}`;
    case 'ratio':
    case 'ratio_change':
    case 'change':
      return `0${dec}%`;
    default:
      return `#,##0${dec}`;
  }
}

export function columnHeader(c: ColumnMeta, lang: Lang): string {
  return lang === 'zh' ? c.label.zh : c.label.en;
}

/** A dimension value's label (天猫 for tmall) where the catalog has one. */
export function dimensionValueLabel(catalog: Catalog, dimension: string, v: unknown, lang: Lang): string | undefined {
  if (typeof v !== 'string') return undefined;
  const l = catalog.dimensions.get(dimension)?.values?.[v];
  return l ? (lang === 'zh' ? l.zh : l.en) : undefined;
}
