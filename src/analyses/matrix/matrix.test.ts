import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../metrics/catalog/index.js';
import { runQuery } from '../../query/run.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import { matrixCustomersSql, MatrixError, prepareMatrix, runMatrix, saveMatrix, validateMatrixParams, type MatrixParams } from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;

async function typeOf(wh: Warehouse, params: MatrixParams): Promise<Record<string, string>> {
  const p = await prepareMatrix(wh, params);
  const q = matrixCustomersSql(p);
  return Object.fromEntries((await wh.query(q.sql, q.params)).rows.map((r) => [String(r.customer_id), String(r.value_type)]));
}

/**
 * Six customers, every order in June 2024, as of 2024-07-01:
 *
 * | cust | orders (¥)          | frequency | spend | AOV = spend ÷ orders |
 * | M1   | 100                 | 1         | 100   | 100 |
 * | M2   | 100, 200            | 2         | 300   | 150 |
 * | M3   | 200, 200, 200       | 3         | 600   | 200 |
 * | M4   | 100 ×4              | 4         | 400   | 100 |
 * | M5   | 500                 | 1         | 500   | 500 |
 * | M6   | 40, 60 (+ 900 cancelled) | 2    | 100   | 50  |
 *
 * Medians (interpolated): AOV sorted 50, 100, 100, 150, 200, 500 → (100 + 150) / 2 = 125; frequency 1, 1, 2, 2, 3, 4 → 2.
 * High = strictly above: AOV↑ M2, M3, M5; frequency↑ M3, M4 (M2, M6 sit on the median 2: low).
 * M1 不确定型, M2 乐于消费型, M3 优质型, M4 经常型, M5 乐于消费型, M6 不确定型.
 */
async function fixture(wh: Warehouse): Promise<void> {
  const orders: [string, number, string?][] = [
    ['M1', 100], ['M2', 100], ['M2', 200], ['M3', 200], ['M3', 200], ['M3', 200], ['M4', 100], ['M4', 100], ['M4', 100], ['M4', 100], ['M5', 500], ['M6', 40], ['M6', 60], ['M6', 900, 'cancelled'],
  ];
  await wh.run(`INSERT INTO customers (customer_id, name) VALUES ('M1','M1'),('M2','M2'),('M3','M3'),('M4','M4'),('M5','M5'),('M6','M6')`);
  await wh.run(`INSERT INTO orders (order_id, customer_id, ordered_at, amount, status) VALUES ${orders.map(([c, a, st], i) => `('m${i}', '${c}', '2024-06-${String(10 + i).padStart(2, '0')} 10:00', ${a}, '${st ?? 'completed'}')`).join(',')}`);
}

describe('value matrix on a hand-computed shop', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await fixture(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('median thresholds (interpolated), high = strictly above, values on the median are low', async () => {
    expect(await typeOf(ctx.wh, { asOf: '2024-07-01' })).toEqual({ M1: 'uncertain', M2: 'spender', M3: 'quality', M4: 'frequent', M5: 'spender', M6: 'uncertain' });
    const r = await runMatrix(ctx.wh, { asOf: '2024-07-01' });
    expect(r.thresholds).toEqual({ aov: 125, frequency: 2 });
    expect(r.customers).toBe(6);
    expect(r.revenue).toBe(2000);
    expect(r.types.map((t) => [t.valueType, t.zh, t.customers, t.revenue])).toEqual([
      ['quality', '优质型', 1, 600],
      ['spender', '乐于消费型', 2, 800],
      ['frequent', '经常型', 1, 400],
      ['uncertain', '不确定型', 2, 200],
    ]);
    const spender = r.types[1]!;
    expect(spender).toMatchObject({ aovHigh: true, frequencyHigh: false, orders: 3, avgAov: 325, avgFrequency: 1.5, avgSpend: 400, revenueShare: 0.4, customerShare: 2 / 6 });
    // last orders: M2 06-12 (19 days), M5 06-20 (11 days) → median 15, both active within 90 days
    expect(spender).toMatchObject({ medianDaysSinceLast: 15, activeShare: 1, latestOrderDate: '2024-06-20' });
    expect(r.types[3]).toMatchObject({ avgAov: 75, avgFrequency: 1.5 });
  });

  it('mean and fixed thresholds', async () => {
    // means: AOV 1100 / 6 = 183.3 → ↑ M3, M5; frequency 13 / 6 = 2.17 → ↑ M3, M4
    const mean = await runMatrix(ctx.wh, { asOf: '2024-07-01', aovThreshold: 'mean', frequencyThreshold: 'mean' });
    expect(mean.thresholds.aov).toBeCloseTo(1100 / 6, 9);
    expect(mean.thresholds.frequency).toBeCloseTo(13 / 6, 9);
    expect(await typeOf(ctx.wh, { asOf: '2024-07-01', aovThreshold: 'mean', frequencyThreshold: 'mean' })).toEqual({ M1: 'uncertain', M2: 'uncertain', M3: 'quality', M4: 'frequent', M5: 'spender', M6: 'uncertain' });
    // fixed AOV 100, frequency 1: AOV↑ M2, M3, M5 (M1, M4 = 100 are low); frequency↑ everyone with 2+ orders
    const fixed = await runMatrix(ctx.wh, { asOf: '2024-07-01', aovThreshold: 100, frequencyThreshold: 1 });
    expect(fixed.customers).toBe(6);
    expect(fixed.thresholds).toEqual({ aov: 100, frequency: 1 });
    expect(await typeOf(ctx.wh, { asOf: '2024-07-01', aovThreshold: 100, frequencyThreshold: 1 })).toEqual({ M1: 'uncertain', M2: 'quality', M3: 'quality', M4: 'frequent', M5: 'spender', M6: 'frequent' });
  });

  it('one customer: the median is its own value, so it is low on both (不确定型)', async () => {
    const r = await runMatrix(ctx.wh, { from: '2024-06-20', asOf: '2024-06-21' });
    expect(r.customers).toBe(1);
    expect(r.thresholds).toEqual({ aov: 500, frequency: 1 });
    expect(r.types.find((t) => t.customers > 0)!.valueType).toBe('uncertain');
  });

  it('empty windows and bad parameters are errors with codes and fields', async () => {
    const e = await runMatrix(ctx.wh, { asOf: '2024-01-01' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MatrixError);
    expect((e as MatrixError).issues.map((i) => [i.code, i.field])).toEqual([['empty_window', 'asOf']]);
    expect(validateMatrixParams({ asOf: '2024-02-30', aovThreshold: 'average', frequencyThreshold: -1, activeDays: 1.5 }).map((i) => [i.code, i.field])).toEqual([
      ['invalid_date', 'asOf'],
      ['invalid_threshold', 'aovThreshold'],
      ['invalid_threshold', 'frequencyThreshold'],
      ['invalid_active_days', 'activeDays'],
    ]);
  });

  it('saves per as-of date and serves the latest as the value_type dimension', async () => {
    expect(await saveMatrix(ctx.wh, await prepareMatrix(ctx.wh, { asOf: '2024-07-01' }))).toBe(6);
    expect(await saveMatrix(ctx.wh, await prepareMatrix(ctx.wh, { asOf: '2024-07-01' }))).toBe(6);
    const q = await runQuery(ctx.wh, buildCatalog(), { metrics: ['revenue'], dimensions: ['value_type'] }, { today: '2024-07-15' });
    expect(Object.fromEntries(q.rows.map((r) => [String(r.value_type), Number(r.revenue)]))).toEqual({ quality: 600, spender: 800, frequent: 400, uncertain: 200 });
  });
});

describe('tidemark matrix (the built CLI)', () => {
  const cli = runCli;

  it('--save with per-customer CSV, JSON, query by value_type; errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await fixture(ctx.wh);
      await ctx.wh.close();
      const out = join(ctx.dir, 'matrix.csv');
      const r = cli(['matrix', '--db', ctx.path, '--from', '2024-06-01', '--to', '2024-06-30', '--save', '--out', out, '--lang', 'en']);
      expect(r.stderr).toContain('Saved 6 customers');
      expect(r.status).toBe(0);
      const csv = readFileSync(out, 'utf8').trim().split(/\r?\n/);
      expect(csv).toHaveLength(7);
      expect(csv.find((l) => l.startsWith('M2,'))).toBe('M2,2024-06-12,19,2,300,150,125,2,spender,Big spender');
      const j = JSON.parse(cli(['matrix', '--db', ctx.path, '--aov-threshold', '100', '--frequency-threshold', '1', '--json']).stdout) as { thresholds: { aov: number }; types: { valueType: string; customers: number }[] };
      expect(j.thresholds.aov).toBe(100);
      expect(j.types.map((t) => t.customers)).toEqual([2, 1, 2, 1]);
      const q = cli(['query', '--db', ctx.path, '--metrics', 'buying_customers', '--by', 'value_type', '--json']);
      expect(q.status).toBe(0);
      expect(JSON.parse(q.stdout).rows.find((x: { value_type: string }) => x.value_type === 'spender').buying_customers).toBe(2);
      const bad = cli(['matrix', '--db', ctx.path, '--aov-threshold', 'big']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--aov-threshold');
      const empty = cli(['matrix', '--db', ctx.path, '--from', '2025-01-01']);
      expect(empty.status).toBe(2);
      expect(empty.stderr).toContain('--from: no counted orders');
    } finally {
      await ctx.cleanup();
    }
  });

  it('value_type on a warehouse without a stored matrix: a clear error', async () => {
    const ctx = await tempWarehouse();
    try {
      await ctx.wh.run('DROP TABLE tm_matrix');
      const e = await runQuery(ctx.wh, buildCatalog(), { metrics: ['revenue'], dimensions: ['value_type'] }, { today: '2024-07-15' }).catch((x: unknown) => x as { issues?: { code: string }[] });
      expect((e as { issues: { code: string }[] }).issues.map((i) => i.code)).toEqual(['no_matrix_results']);
    } finally {
      await ctx.cleanup();
    }
  });
});
