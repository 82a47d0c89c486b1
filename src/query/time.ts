/** Time buckets: parsing and showing the values of the time dimensions (2024, 2024-Q1, 2024-03, 2024-W05, 2024-03-15). */

export type Grain = 'year' | 'quarter' | 'month' | 'week' | 'day';
export const GRAINS: readonly Grain[] = ['year', 'quarter', 'month', 'week', 'day'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const y = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(y, 0, 1)) / 86400000 + 1) / 7);
  return { year: y, week };
}

/** The label of the bucket starting at `start` ('2024-03-01 00:00:00' or '2024-03-01'). */
export function bucketLabel(grain: Grain, start: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(start);
  if (!m) return start;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  switch (grain) {
    case 'year':
      return String(y);
    case 'quarter':
      return `${y}-Q${Math.floor((mo - 1) / 3) + 1}`;
    case 'month':
      return `${m[1]}-${m[2]}`;
    case 'week': {
      const w = isoWeek(new Date(Date.UTC(y, mo - 1, Number(m[3]))));
      return `${w.year}-W${pad(w.week)}`;
    }
    case 'day':
      return `${m[1]}-${m[2]}-${m[3]}`;
  }
}

/** The first day (YYYY-MM-DD) of the bucket a label names, or undefined when it is not one. */
export function bucketStart(grain: Grain, label: string): string | undefined {
  const s = label.trim();
  let m: RegExpExecArray | null;
  switch (grain) {
    case 'year':
      return (m = /^(\d{4})年?$/.exec(s)) ? `${m[1]}-01-01` : undefined;
    case 'quarter':
      return (m = /^(\d{4})\s*[-年]?\s*[Qq第]?([1-4])季?度?$/.exec(s)) ? `${m[1]}-${pad((Number(m[2]) - 1) * 3 + 1)}-01` : undefined;
    case 'month':
      return (m = /^(\d{4})[-/年](\d{1,2})月?$/.exec(s)) && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `${m[1]}-${pad(Number(m[2]))}-01` : undefined;
    case 'week': {
      m = /^(\d{4})-?W(\d{1,2})$/i.exec(s);
      if (!m) return undefined;
      const y = Number(m[1]);
      const w = Number(m[2]);
      const jan4 = new Date(Date.UTC(y, 0, 4));
      const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86400000 + (w - 1) * 7 * 86400000);
      if (w < 1 || w > 53 || isoWeek(monday).year !== y) return undefined;
      return `${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`;
    }
    case 'day':
      return isDay(s) ? s : undefined;
  }
}

export const BUCKET_EXAMPLE: Record<Grain, string> = { year: '2024', quarter: '2024-Q1', month: '2024-03', week: '2024-W05', day: '2024-03-15' };

/** True for a real calendar day written YYYY-MM-DD. */
export function isDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Days from a to b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

/** `day` shifted by n days / months / years (month ends clamp: 03-31 − 1 month = 02-29). */
export function shiftDay(day: string, n: number, unit: 'day' | 'month' | 'year'): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (unit === 'day') {
    const t = new Date(Date.UTC(y, m - 1, d) + n * 86400000);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  }
  const months = unit === 'year' ? n * 12 : n;
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${pad(nm)}-${pad(Math.min(d, last))}`;
}
