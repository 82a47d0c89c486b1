/** Formatting of warehouse values on the profile (pure, apart from the label lookup passed in). */
import { formatMoney, formatNumber, formatPercent } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';

const MONEY = new Set(['amount', 'paid_amount', 'discount', 'annual_revenue', 'revenue', 'spend', 'monetary', 'aov']);
const CODED = new Set(['kind', 'status', 'stage', 'channel', 'gender', 'source_channel']);

/** "2025-12-31 13:26:49" (warehouse local time) → a Date in the browser's time zone reading the same wall-clock time. */
export function parseLocal(s: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2} \d/.test(s) ? s.replace(' ', 'T') : s);
}

const dtf = new Map<string, Intl.DateTimeFormat>();
function dt(locale: Locale, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime}`;
  let f = dtf.get(key);
  if (!f) dtf.set(key, (f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}) })));
  return f;
}

/** A date as compact numbers for tables (2025/12/31, 12/31/2025). */
export function fmtDay(v: unknown, locale: Locale): string {
  if (v === null || v === undefined || v === '') return '–';
  const s = String(v).slice(0, 10);
  const d = new Date(`${s}T00:00:00`);
  return Number.isNaN(d.getTime()) ? String(v) : dt(locale, false).format(d);
}

/** A warehouse time (or date) as compact numbers for tables and the timeline (2025/12/31 13:26). */
export function fmtTime(v: unknown, locale: Locale): string {
  if (v === null || v === undefined || v === '') return '–';
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return fmtDay(s, locale);
  const d = parseLocal(s);
  return Number.isNaN(d.getTime()) ? s : dt(locale, true).format(d);
}

/**
 * A column's value as text: money, dates, times, booleans, and codes (status, kind…) through `code(value)`, which
 * answers the translated label or undefined when there is none (then the stored value shows as is).
 */
export function fieldText(column: string, v: unknown, locale: Locale, code: (value: string) => string | undefined, yesNo: [string, string]): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'boolean') return v ? yesNo[0] : yesNo[1];
  if (MONEY.has(column)) return formatMoney(v, locale);
  if (column === 'probability' || column === 'repurchase_rate') return formatPercent(v, locale, 0);
  if (column.endsWith('_at')) return fmtTime(v, locale);
  if (column.endsWith('_date') || column === 'as_of') return fmtDay(v, locale);
  if (CODED.has(column)) return code(String(v)) ?? String(v);
  if (typeof v === 'number') return formatNumber(v, locale, 2);
  if (Array.isArray(v)) return v.map(String).join(', ') || '–';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
