import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { buildCalendar, inverseGrid } from './calendar.js';
import { Noise, normalQuantile, quantileTable, Rng, saltOf, slotList } from './random.js';

let wh: Warehouse;
beforeAll(async () => {
  wh = await openWarehouse({ path: ':memory:' });
});
afterAll(async () => {
  await wh.close();
});

const N = 200_000;

async function stats(expr: string, n = N): Promise<{ mean: number; sd: number; min: number; max: number }> {
  const r = await wh.query(`SELECT avg(x) AS mean, stddev_pop(x) AS sd, min(x) AS min, max(x) AS max FROM (SELECT ${expr} AS x FROM range(${n}) t(i))`);
  const row = r.rows[0] as Record<string, number>;
  return { mean: Number(row.mean), sd: Number(row.sd), min: Number(row.min), max: Number(row.max) };
}

describe('Noise (SQL draws from hash())', () => {
  const n = new Noise(42);

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', async () => {
    const s = await stats(n.u('a', 'i'));
    expect(s.min).toBeGreaterThan(0);
    expect(s.max).toBeLessThan(1);
    expect(s.mean).toBeCloseTo(0.5, 2);
    expect(s.sd).toBeCloseTo(Math.sqrt(1 / 12), 2);
  });

  it('fills every decile evenly', async () => {
    const r = await wh.query(`SELECT floor(${n.u('dec', 'i')} * 10)::INTEGER AS b, count(*) AS c FROM range(${N}) t(i) GROUP BY 1 ORDER BY 1`);
    expect(r.rows).toHaveLength(10);
    for (const row of r.rows) expect(Math.abs(Number(row.c) - N / 10)).toBeLessThan((N / 10) * 0.03);
  });

  it('makes draws of different purposes independent (no xor-correlation of the salted hashes)', async () => {
    const r = await wh.query(
      `SELECT corr(a, b) AS c, avg(((ha >> 63) = (hb >> 63))::INTEGER) AS topbit
       FROM (SELECT ${n.u('p1', 'i')} AS a, ${n.u('p2', 'i')} AS b, ${n.hash('p1', 'i')} AS ha, ${n.hash('p2', 'i')} AS hb FROM range(${N}) t(i))`,
    );
    expect(Math.abs(Number(r.rows[0]?.c))).toBeLessThan(0.01);
    expect(Number(r.rows[0]?.topbit)).toBeCloseTo(0.5, 2);
  });

  it('is independent across neighbouring keys and across key positions', async () => {
    const r = await wh.query(
      `SELECT corr(a, b) AS lag, corr(c, d) AS swap FROM (
         SELECT ${n.u('k', 'i', '1')} AS a, ${n.u('k', 'i + 1', '1')} AS b, ${n.u('k', 'i', 'i % 7')} AS c, ${n.u('k', 'i % 7', 'i')} AS d FROM range(${N}) t(i))`,
    );
    expect(Math.abs(Number(r.rows[0]?.lag))).toBeLessThan(0.01);
    expect(Math.abs(Number(r.rows[0]?.swap))).toBeLessThan(0.01);
  });

  it('depends only on seed, purpose and keys', async () => {
    const q = (noise: Noise) => wh.query(`SELECT list(${noise.u('x', 'i')} ORDER BY i) AS v FROM range(100) t(i)`);
    const a = (await q(new Noise(7))).rows[0]?.v;
    const b = (await q(new Noise(7))).rows[0]?.v;
    const c = (await q(new Noise(8))).rows[0]?.v;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(saltOf(7, 'x')).not.toBe(saltOf(7, 'y'));
    expect(saltOf(7, 'x')).toBe(saltOf(7, 'x'));
  });

  it('gives normals with mean 0 and sd 1', async () => {
    const s = await stats(n.normal('z', 'i'));
    expect(s.mean).toBeCloseTo(0, 1);
    expect(s.sd).toBeCloseTo(1, 1);
    const q = quantileTable(normalQuantile);
    const mean = q.reduce((a, x) => a + x, 0) / q.length;
    const sd = Math.sqrt(q.reduce((a, x) => a + (x - mean) ** 2, 0) / q.length);
    expect(mean).toBeCloseTo(0, 6);
    expect(sd).toBeCloseTo(1, 2);
  });

  it('gives exponentials with mean 1', async () => {
    const s = await stats(n.exp('e', 'i'));
    expect(s.mean).toBeCloseTo(1, 1);
    expect(s.min).toBeGreaterThan(0);
  });

  it.each([0.5, 0.8, 2, 5])('gives Gamma(%s) with mean ≈ shape and variance ≈ shape', async (shape) => {
    const s = await stats(n.gamma(shape, `g${shape}`, 'i'));
    expect(s.min).toBeGreaterThan(0);
    expect(s.mean).toBeGreaterThan(shape * 0.95);
    expect(s.mean).toBeLessThan(shape * 1.05);
    expect(s.sd * s.sd).toBeGreaterThan(shape * 0.85);
    expect(s.sd * s.sd).toBeLessThan(shape * 1.15);
  });

  it('gives Gamma(k) for integer k given as SQL', async () => {
    const s = await stats(n.gammaK('(1 + i % 5)', 'gk', 'i'));
    expect(s.mean).toBeCloseTo(3, 1); // mean of 1..5
  });

  it('gives Beta(a, b) with mean a / (a + b)', async () => {
    const s = await stats(n.beta(0.5, 1, 'beta', 'i'));
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThanOrEqual(1);
    expect(s.mean).toBeGreaterThan(1 / 3 - 0.02);
    expect(s.mean).toBeLessThan(1 / 3 + 0.02);
  });

  it('draws integers in [0, n) and chances with the right rate', async () => {
    const s = await stats(n.int(6, 'die', 'i'));
    expect(s.min).toBe(0);
    expect(s.max).toBe(5);
    expect(s.mean).toBeCloseTo(2.5, 1);
    const c = await stats(`${n.chance(0.3, 'coin', 'i')}::INTEGER`);
    expect(c.mean).toBeCloseTo(0.3, 2);
  });

  it('rejects a draw without keys', () => {
    expect(() => n.u('nokeys')).toThrow(/key/);
  });
});

describe('Rng (TypeScript draws)', () => {
  it('is reproducible per seed and purpose', () => {
    const a = new Rng(1, 'x');
    const b = new Rng(1, 'x');
    const c = new Rng(1, 'y');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniforms, integers and weighted choices', () => {
    const r = new Rng(3, 'u');
    let sum = 0;
    const counts = [0, 0, 0];
    for (let k = 0; k < 30000; k++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      counts[r.weightedIndex([1, 2, 7])]! += 1;
      expect(r.range(3, 5)).toBeGreaterThanOrEqual(3);
    }
    expect(sum / 30000).toBeCloseTo(0.5, 1);
    expect(counts[2]! / 30000).toBeCloseTo(0.7, 1);
  });
});

describe('tables for inverse-CDF draws', () => {
  it('slotList gives each value its share of slots', () => {
    const s = slotList([1, 3, 0, 6], 1000);
    expect(s).toHaveLength(1000);
    expect(s.filter((x) => x === 0)).toHaveLength(100);
    expect(s.filter((x) => x === 1)).toHaveLength(300);
    expect(s.filter((x) => x === 2)).toHaveLength(0);
    expect(s.filter((x) => x === 3)).toHaveLength(600);
  });

  it('normalQuantile inverts the normal CDF', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('inverseGrid maps buckets of cumulative weight to days', () => {
    const cum = [1, 3, 3.5, 6]; // weights 1, 2, 0.5, 2.5
    const g = inverseGrid(cum, 6, 12);
    expect(g.slice(0, 2)).toEqual([0, 0]);
    expect(g[2]).toBe(1); // position 1.0 is in day 1
    expect(g[11]).toBe(3);
  });

  it('builds a calendar with the festivals in it', () => {
    const cal = buildCalendar('2023-01-01', '2025-12-31');
    expect(cal.days).toHaveLength(1096);
    const w = (d: string) => cal.days.find((x) => x.date === d)!.weight;
    expect(w('2024-11-11')).toBeGreaterThan(5 * w('2024-11-20'));
    expect(w('2024-06-18')).toBeGreaterThan(2 * w('2024-06-25'));
    expect(w('2024-02-10')).toBeLessThan(0.5 * w('2024-03-10'));
    const mean = cal.days.reduce((a, d) => a + d.weight, 0) / cal.days.length;
    expect(mean).toBeCloseTo(1, 6);
    expect(() => buildCalendar('2023-01-01', '2023-01-10')).toThrow(/90 days/);
    expect(() => buildCalendar('2023-02-30', '2024-01-10')).toThrow(/valid/);
  });
});
