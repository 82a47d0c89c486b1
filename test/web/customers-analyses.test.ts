import { describe, expect, it } from 'vitest';
import { averageCurve, cohortValues, heatColor, keyOf, ltvAt, monthWindow, nextDay, nextMonthStart, snapshotWindow, yearBefore, type Cohort } from '../../web/src/pages/customers/analysis-logic.js';

describe('the shared period as an analysis window', () => {
  it('snapshot analyses: orders from `from` and before the day after `to`; nothing set → the API default (data end)', () => {
    expect(snapshotWindow({ from: '2025-01-01', to: '2025-12-31' })).toEqual({ from: '2025-01-01', asOf: '2026-01-01' });
    expect(snapshotWindow({ from: undefined, to: '2024-02-28' })).toEqual({ asOf: '2024-02-29' });
    expect(snapshotWindow({ from: undefined, to: undefined })).toEqual({});
  });
  it('monthly analyses: whole months, `to` exclusive', () => {
    expect(monthWindow({ from: '2025-03-15', to: '2025-06-10' })).toEqual({ from: '2025-03-01', to: '2025-07-01' });
    expect(monthWindow({ from: undefined, to: '2025-12-31' })).toEqual({ to: '2026-01-01' });
    expect(nextMonthStart('2024-12-31')).toBe('2025-01-01');
    expect(nextDay('2024-12-31')).toBe('2025-01-01');
  });
  it('a year before, with 29 February', () => {
    expect(yearBefore('2026-01-01')).toBe('2025-01-01');
    expect(yearBefore('2024-02-29')).toBe('2023-02-28');
  });
});

describe('segment keys', () => {
  it('keeps letters (also Chinese), digits and _.:-, replaces the rest, at most 64', () => {
    expect(keyOf('RFM 重要价值客户')).toBe('RFM_重要价值客户');
    expect(keyOf('  a/b c ')).toBe('a_b_c');
    expect(keyOf('-x')).toBe('x');
    expect(keyOf('!!!')).toBe('_');
    expect(keyOf('')).toBe('segment');
    expect(keyOf('x'.repeat(100))).toHaveLength(64);
  });
});

describe('cohort heatmap', () => {
  const c = (customers: number, retention: (number | null)[]): Cohort => ({ cohort: '', label: '', group: null, customers, activeCustomers: [], retention, revenue: [], revenueRetention: [], cumulativeRevenuePerCustomer: retention.map((v) => (v === null ? null : v * 100)) });
  it('averages each age over the cohorts that reached it, weighted by customers', () => {
    const curve = averageCurve([c(100, [1, 0.5, 0.2]), c(300, [1, 0.1, null])], 'retention', 3);
    expect(curve[0]).toBe(1);
    expect(curve[1]).toBeCloseTo((100 * 0.5 + 300 * 0.1) / 400);
    expect(curve[2]).toBeCloseTo(0.2);
    expect(averageCurve([], 'retention', 2)).toEqual([null, null]);
    expect(cohortValues(c(1, [1, 0.5]), 'ltv')).toEqual([100, 50]);
  });
  it('LTV headline: at month 12, or at the oldest age reached when no cohort is 12 months old yet', () => {
    const twelve = Array.from({ length: 13 }, (_, a) => a / 12);
    expect(ltvAt([c(10, twelve)], 12)).toEqual({ age: 12, value: 100 });
    expect(ltvAt([c(10, [1, 0.5, 0.2]), c(30, [1, 0.1, null])], 12)).toEqual({ age: 2, value: 20 });
    expect(ltvAt([c(10, [1])], 12)).toEqual({ age: 12, value: null });
    expect(ltvAt([], 12)).toEqual({ age: 12, value: null });
  });
  it('colours from white to blue, none for a missing value', () => {
    expect(heatColor(null, 1)).toBeUndefined();
    expect(heatColor(0, 1)).toBe('rgb(248 250 252)');
    expect(heatColor(2, 1)).toBe('rgb(29 78 216)');
  });
});
