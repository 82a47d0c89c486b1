/**
 * Period presets counted back from the last order day of the data (GET /api/extent), not from the browser's date: a
 * warehouse whose orders end in 2025 opens on 2025, whatever today is. Pure (no DOM), so test/web can test it.
 */

export type PresetKey = 'last30' | 'last90' | 'last12m' | 'thisYear' | 'lastYear' | 'all';

export interface Preset {
  readonly key: PresetKey;
  readonly from: string;
  readonly to: string;
  /** The calendar year a year preset is about (for its label). */
  readonly year?: number;
}

export interface Extent {
  readonly firstDay: string | null;
  readonly lastDay: string | null;
}

function parse(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
export function addDays(day: string, n: number): string {
  const d = parse(day);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}
/** The same day `n` years later (29 Feb → 28 Feb in a common year). */
export function addYears(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + n, m, 0)).getUTCDate();
  return `${String(y + n).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The presets for data ending on `extent.lastDay`; none without data. Each starts no earlier than it must. */
export function presetsFor(extent: Extent | undefined): Preset[] {
  const last = extent?.lastDay;
  const first = extent?.firstDay ?? last;
  if (!last || !first) return [];
  const y = Number(last.slice(0, 4));
  return [
    { key: 'last30', from: addDays(last, -29), to: last },
    { key: 'last90', from: addDays(last, -89), to: last },
    { key: 'last12m', from: addDays(addYears(last, -1), 1), to: last },
    { key: 'thisYear', from: `${y}-01-01`, to: last, year: y },
    { key: 'lastYear', from: `${y - 1}-01-01`, to: `${y - 1}-12-31`, year: y - 1 },
    { key: 'all', from: first, to: last },
  ];
}

/** The period a URL without one opens on: the last 12 months of data. */
export function defaultPeriod(extent: Extent | undefined): { from: string; to: string } | undefined {
  const p = presetsFor(extent).find((x) => x.key === 'last12m');
  return p ? { from: p.from, to: p.to } : undefined;
}
