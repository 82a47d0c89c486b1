/** The cockpit's pure helpers: period presets counted back from the last order day, and KPI change colours. */
import { describe, expect, it } from 'vitest';
import { addYears, defaultPeriod, presetsFor } from '../../web/src/app/period.js';
import { toneOf } from '../../web/src/pages/overview/kpis.js';

describe('period presets', () => {
  it('count back from the last order day, not from today', () => {
    const ps = Object.fromEntries(presetsFor({ firstDay: '2023-01-01', lastDay: '2025-12-31' }).map((p) => [p.key, [p.from, p.to]]));
    expect(ps).toEqual({
      last30: ['2025-12-02', '2025-12-31'],
      last90: ['2025-10-03', '2025-12-31'],
      last12m: ['2025-01-01', '2025-12-31'],
      thisYear: ['2025-01-01', '2025-12-31'],
      lastYear: ['2024-01-01', '2024-12-31'],
      all: ['2023-01-01', '2025-12-31'],
    });
  });
  it('the default is the last 12 months of data; none without orders', () => {
    expect(defaultPeriod({ firstDay: '2024-03-10', lastDay: '2025-06-15' })).toEqual({ from: '2024-06-16', to: '2025-06-15' });
    expect(defaultPeriod({ firstDay: null, lastDay: null })).toBeUndefined();
    expect(presetsFor(undefined)).toEqual([]);
  });
  it('a leap day a year back is the 28th', () => {
    expect(addYears('2024-02-29', -1)).toBe('2023-02-28');
    expect(presetsFor({ firstDay: '2020-01-01', lastDay: '2024-02-29' }).find((p) => p.key === 'last12m')).toMatchObject({ from: '2023-03-01', to: '2024-02-29' });
  });
});

describe('KPI change colour', () => {
  it('follows the metric direction', () => {
    expect(toneOf(0.1, 'higher')).toBe('good');
    expect(toneOf(-0.1, 'higher')).toBe('bad');
    expect(toneOf(0.1, 'lower')).toBe('bad');
    expect(toneOf(-0.1, 'lower')).toBe('good');
    expect(toneOf(0, 'higher')).toBe('flat');
    expect(toneOf(null, 'higher')).toBe('flat');
    expect(toneOf(0.1, undefined)).toBe('flat');
  });
});

describe('compare periods (as the query compiler frames them)', () => {
  it('同比 a year back; 环比 whole months step back by their months, other spans by their days', async () => {
    const { comparePeriods, changeOf } = await import('../../web/src/pages/overview/kpis.js');
    expect(comparePeriods({ from: '2025-01-01', to: '2025-12-31' })).toEqual({ yoy: { from: '2024-01-01', to: '2024-12-31' }, mom: { from: '2024-01-01', to: '2024-12-31' } });
    expect(comparePeriods({ from: '2025-03-01', to: '2025-03-31' })).toEqual({ yoy: { from: '2024-03-01', to: '2024-03-31' }, mom: { from: '2025-02-01', to: '2025-02-28' } });
    expect(comparePeriods({ from: '2025-10-03', to: '2025-12-31' })).toEqual({ yoy: { from: '2024-10-03', to: '2024-12-31' }, mom: { from: '2025-07-05', to: '2025-10-02' } });
    expect(comparePeriods({ from: '2024-03-01', to: '2024-03-31' }).mom).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(changeOf(120, 100, 'currency')).toBeCloseTo(0.2);
    expect(changeOf(0.3, 0.25, 'ratio')).toBeCloseTo(0.05);
    expect(changeOf(5, 0, 'count')).toBeNull();
    expect(changeOf(null, 3, 'count')).toBeNull();
  });
});
