import { LUNAR_NEW_YEAR } from './reference.js';

/** Promotion codes of a day. */
export const PROMO_NONE = 0;
/** The big shopping festival days: 11.11 and 6.18 (midnight rush, 满减, slow delivery). */
export const PROMO_MEGA = 1;
/** Run-up days and smaller festivals: 满减 coupons apply. */
export const PROMO_PERIOD = 2;

export interface Day {
  readonly index: number;
  readonly date: string; // YYYY-MM-DD
  /** Relative order intensity (mean 1 over the period). */
  readonly weight: number;
  /** Relative registration intensity (growth trend × promotions; mean 1). */
  readonly regWeight: number;
  readonly promo: number;
  /** Multiplier on shipping and delivery lags (festival backlog, Spring Festival logistics stop). */
  readonly shipFactor: number;
}

export interface Calendar {
  readonly start: string;
  readonly end: string;
  readonly days: readonly Day[];
  /** Seconds since the Unix epoch of start 00:00:00 (wall clock, as naive UTC). */
  readonly startEpoch: number;
  /** Seconds since the epoch of end 23:59:59: "now" for the demo. */
  readonly nowEpoch: number;
  /** Cumulative order weight at the end of each day (length = days). */
  readonly cumWeight: readonly number[];
  readonly cumRegWeight: readonly number[];
  readonly totalWeight: number;
  readonly totalRegWeight: number;
}

const DAY_MS = 86_400_000;

export function parseDate(s: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new Error(`${what} must be a date like 2023-01-01, got ${JSON.stringify(s)}`);
  const t = Date.parse(`${s}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s) throw new Error(`${what} is not a valid date: ${s}`);
  return t;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Day-of-week factors, Monday first: weekends sell a little more. */
const DOW = [0.97, 0.96, 0.97, 0.98, 1.0, 1.08, 1.12];

function festival(date: Date, lny: Map<number, number>): { w: number; promo: number; ship: number; reg: number } {
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  const y = date.getUTCFullYear();
  let w = 1;
  let promo = PROMO_NONE;
  let ship = 1;
  let reg = 1;
  // Spring Festival: 年货节 rush, then the holiday dip when logistics stop.
  for (const yy of [y, y + 1]) {
    const l = lny.get(yy);
    if (l === undefined) continue;
    const off = Math.round((date.getTime() - l) / DAY_MS);
    if (off >= -24 && off <= -12) { w *= 1.15; promo = PROMO_PERIOD; }
    else if (off >= -11 && off <= -5) { w *= 0.8; ship = 1.6; }
    else if (off >= -4 && off <= 6) { w *= 0.35; ship = 3; reg = 0.6; }
    else if (off >= 7 && off <= 14) { w *= 0.7; ship = 1.5; }
  }
  if (m === 3 && (d === 7 || d === 8)) { w *= d === 8 ? 2.0 : 1.6; promo = PROMO_PERIOD; } // 女王节
  if (m === 5 && d === 20) w *= 1.3; // 520
  if ((m === 5 && d === 31) || (m === 6 && d <= 17)) { w *= 1.35; promo = PROMO_PERIOD; reg = 1.2; } // 618 run-up
  if (m === 6 && d === 18) { w *= 4.0; promo = PROMO_MEGA; ship = 2.2; reg = 1.8; }
  if (m === 6 && d >= 19 && d <= 21) ship = 1.5;
  if (m === 10 && d <= 7) w *= 0.85; // National Day holiday
  if (m === 10 && d >= 24) { w *= 1.25; promo = PROMO_PERIOD; } // 双11 presale
  if (m === 11 && d <= 10) { w *= 1.5; promo = PROMO_PERIOD; reg = 1.3; }
  if (m === 11 && d === 11) { w *= 10.0; promo = PROMO_MEGA; ship = 3; reg = 2.5; }
  if (m === 11 && d >= 12 && d <= 16) { w *= d === 12 ? 1.3 : 1; ship = 2; }
  if (m === 12 && d <= 11) w *= 1.1;
  if (m === 12 && d === 12) { w *= 3.0; promo = PROMO_PERIOD; ship = 1.5; }
  return { w, promo, ship, reg };
}

/**
 * Daily order and registration intensities over [start, end]: weekday pattern, the Spring Festival
 * dip on the real lunar new-year dates, 女王节, the 618 run-up and peak, Double 11 (presale, run-up
 * and the big spike on the 11th), Double 12, and a growth trend in registrations (×2.2 over the period).
 */
export function buildCalendar(start: string, end: string): Calendar {
  const s = parseDate(start, 'start');
  const e = parseDate(end, 'end');
  if (e < s + 89 * DAY_MS) throw new Error(`the demo period ${start}..${end} must span at least 90 days`);
  const firstYear = new Date(s).getUTCFullYear();
  const lastYear = new Date(e).getUTCFullYear();
  const lny = new Map<number, number>();
  for (let y = firstYear; y <= lastYear + 1; y++) {
    const d = LUNAR_NEW_YEAR[y];
    if (!d) throw new Error(`the demo period must lie within ${Object.keys(LUNAR_NEW_YEAR)[0]}..${Object.keys(LUNAR_NEW_YEAR).at(-2)} (Spring Festival dates are tabulated)`);
    lny.set(y, Date.parse(`${d}T00:00:00Z`));
  }
  const n = Math.round((e - s) / DAY_MS) + 1;
  const raw: { date: string; w: number; reg: number; promo: number; ship: number }[] = [];
  for (let i = 0; i < n; i++) {
    const t = s + i * DAY_MS;
    const date = new Date(t);
    const f = festival(date, lny);
    const dow = DOW[(date.getUTCDay() + 6) % 7] ?? 1;
    const growth = Math.exp((Math.log(2.2) * i) / n);
    raw.push({ date: isoDate(t), w: f.w * dow, reg: growth * f.reg * Math.sqrt(dow), promo: f.promo, ship: f.ship });
  }
  const meanW = raw.reduce((a, r) => a + r.w, 0) / n;
  const meanR = raw.reduce((a, r) => a + r.reg, 0) / n;
  const days: Day[] = raw.map((r, index) => ({
    index,
    date: r.date,
    weight: r.w / meanW,
    regWeight: r.reg / meanR,
    promo: r.promo,
    shipFactor: r.ship,
  }));
  const cumWeight: number[] = [];
  const cumRegWeight: number[] = [];
  let cw = 0;
  let cr = 0;
  for (const d of days) {
    cw += d.weight;
    cr += d.regWeight;
    cumWeight.push(cw);
    cumRegWeight.push(cr);
  }
  return {
    start,
    end,
    days,
    startEpoch: s / 1000,
    nowEpoch: e / 1000 + 86_399,
    cumWeight,
    cumRegWeight,
    totalWeight: cw,
    totalRegWeight: cr,
  };
}

/**
 * Inverse-CDF grid: bucket b of `size` equal buckets over [0, total) maps to the day in which the
 * bucket starts; a position s then lies in that day or the next (checked against cum[day]).
 * Requires every day's weight to exceed the bucket width.
 */
export function inverseGrid(cum: readonly number[], total: number, size: number): number[] {
  const out: number[] = new Array<number>(size);
  let d = 0;
  for (let b = 0; b < size; b++) {
    const x = (b / size) * total;
    while (d < cum.length - 1 && (cum[d] ?? Infinity) <= x) d++;
    out[b] = d;
  }
  return out;
}

/** Hour-of-day weights (0..23). */
export const HOURS_ONLINE = [1.3, 0.7, 0.35, 0.2, 0.15, 0.2, 0.5, 1.2, 2.4, 3.6, 4.6, 4.9, 4.5, 4.7, 5.0, 5.0, 4.8, 4.6, 4.7, 5.6, 6.6, 7.4, 7.0, 4.0];
/** On 11.11 and 6.18 a big share of orders come right after midnight. */
export const HOURS_MEGA = HOURS_ONLINE.map((w, h) => (h === 0 ? 26 : h === 1 ? 8 : h >= 20 ? w * 1.4 : w));
export const HOURS_STORE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2.5, 4, 4.5, 4, 4.2, 4.6, 5, 5.2, 5.6, 6.4, 6.6, 5.2, 2.2, 0];
