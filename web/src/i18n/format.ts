/**
 * Numbers, money, percentages and dates per locale. zh-CN readers expect 万 and 亿 for large amounts
 * (¥12.35万, ¥1.20亿); English readers get thousands separators and K/M/B when compact.
 */
import type { Locale } from './index.js';

const nf = new Map<string, Intl.NumberFormat>();
function fmt(locale: Locale, o: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(o)}`;
  let f = nf.get(key);
  if (!f) nf.set(key, (f = new Intl.NumberFormat(locale, o)));
  return f;
}

function finite(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** 123456 → "12.35万" (zh-CN) / "123.5K" (en); small numbers in full. */
export function formatCompact(v: unknown, locale: Locale, digits = 2): string {
  const n = finite(v);
  if (n === undefined) return '–';
  const a = Math.abs(n);
  if (locale === 'zh-CN') {
    if (a >= 1e8) return `${fmt(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n / 1e8)}亿`;
    if (a >= 1e4) return `${fmt(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n / 1e4)}万`;
    return fmt(locale, { maximumFractionDigits: a < 100 ? 2 : 0 }).format(n);
  }
  if (a >= 1e4) return fmt(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  return fmt(locale, { maximumFractionDigits: a < 100 ? 2 : 0 }).format(n);
}

export function formatNumber(v: unknown, locale: Locale, digits = 0): string {
  const n = finite(v);
  return n === undefined ? '–' : fmt(locale, { maximumFractionDigits: digits }).format(n);
}

/** Yuan. `compact` uses 万/亿 (zh-CN) or K/M (en) for headline figures; tables show full amounts. */
export function formatMoney(v: unknown, locale: Locale, compact = false): string {
  const n = finite(v);
  if (n === undefined) return '–';
  const sign = n < 0 ? '-' : '';
  const body = compact ? formatCompact(Math.abs(n), locale) : fmt(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(n));
  return `${sign}¥${body}`;
}

/** 0.1234 → "12.3%". */
export function formatPercent(v: unknown, locale: Locale, digits = 1): string {
  const n = finite(v);
  return n === undefined ? '–' : fmt(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** A change ratio with its sign: +12.3% / -4.0%. */
export function formatChange(v: unknown, locale: Locale): string {
  const n = finite(v);
  if (n === undefined) return '–';
  return `${n > 0 ? '+' : ''}${formatPercent(n, locale)}`;
}

/** "2026-03-01" or a timestamp → 2026年3月1日 / Mar 1, 2026. */
export function formatDate(v: unknown, locale: Locale): string {
  if (v === null || v === undefined || v === '') return '–';
  const s = String(v);
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00`) : new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(v: unknown, locale: Locale): string {
  if (v === null || v === undefined || v === '') return '–';
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  return d.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A value in a catalog unit (metric.unit: currency, count, ratio, number, days, hours, score, points) as text. */
export function formatValue(v: unknown, unit: string | undefined, locale: Locale, compact = false): string {
  switch (unit) {
    case 'currency':
      return formatMoney(v, locale, compact);
    case 'ratio':
      return formatPercent(v, locale);
    case 'count':
    case 'points':
      return compact ? formatCompact(v, locale) : formatNumber(v, locale);
    case 'days':
    case 'hours':
      return formatNumber(v, locale, 1);
    default:
      return compact ? formatCompact(v, locale) : formatNumber(v, locale, 2);
  }
}
