import type { Catalog } from '../../src/metrics/types.js';
import { compileQuery } from '../../src/query/compile.js';
import { QueryError, type Query } from '../../src/query/types.js';

/** A small seeded generator (mulberry32), so the ad-hoc list is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * `count` ad-hoc questions: one or two random metrics by one random dimension (sometimes two, sometimes
 * none) over a random year, quarter, month or span of days of the demo period, sometimes with 同比/环比.
 * Only combinations the compiler accepts are kept. The `customer` dimension (a row per customer) is left
 * out: that is an export, not an ad-hoc question.
 */
export function adhocQueries(catalog: Catalog, opts: { count: number; seed: number; firstYear: number; lastYear: number; today: string }): Query[] {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const metrics = [...catalog.metrics.keys()];
  const dims = [...catalog.dimensions.keys()].filter((d) => d !== 'customer');
  const out: Query[] = [];
  const years = Array.from({ length: opts.lastYear - opts.firstYear + 1 }, (_, i) => opts.firstYear + i);
  for (let tries = 0; out.length < opts.count && tries < opts.count * 200; tries++) {
    const y = pick(years);
    let from: string;
    let to: string;
    const kind = rand();
    if (kind < 0.3) [from, to] = [`${y}-01-01`, `${y}-12-31`];
    else if (kind < 0.55) {
      const q = Math.floor(rand() * 4);
      [from, to] = [`${y}-${pad(q * 3 + 1)}-01`, `${y}-${pad(q * 3 + 3)}-${lastDay(y, q * 3 + 3)}`];
    } else if (kind < 0.85) {
      const m = 1 + Math.floor(rand() * 12);
      [from, to] = [`${y}-${pad(m)}-01`, `${y}-${pad(m)}-${lastDay(y, m)}`];
    } else {
      const start = Date.UTC(y, 0, 1) + Math.floor(rand() * 300) * 86400000;
      const end = Math.min(start + (7 + Math.floor(rand() * 120)) * 86400000, Date.UTC(opts.lastYear, 11, 31));
      [from, to] = [new Date(start).toISOString().slice(0, 10), new Date(end).toISOString().slice(0, 10)];
    }
    const ms = rand() < 0.7 ? [pick(metrics)] : [pick(metrics), pick(metrics)];
    const nd = rand();
    const ds = nd < 0.1 ? [] : nd < 0.85 ? [pick(dims)] : [pick(dims), pick(dims)];
    const c = rand();
    const q: Query = {
      metrics: [...new Set(ms)],
      ...(ds.length ? { dimensions: [...new Set(ds)] } : {}),
      from,
      to,
      ...(c < 0.1 ? { compare: 'yoy' as const } : c < 0.2 ? { compare: 'mom' as const } : {}),
    };
    try {
      compileQuery(catalog, q, { today: opts.today });
    } catch (e) {
      if (e instanceof QueryError) continue;
      throw e;
    }
    out.push(q);
  }
  return out;
}
