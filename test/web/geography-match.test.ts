import { describe, expect, it } from 'vitest';
import { childLevel, featuresOf, matchRegions } from '../../web/src/pages/geography/match.js';

const FEATURES = featuresOf({
  features: [
    { id: '440000', properties: { name: '广东' } },
    { id: '110000', properties: { name: '北京' } },
    { properties: { name: '崇明区' } }, // a feature without a code
  ],
});

describe('matching regions to map features by code', () => {
  it('places rows by their GB/T 2260 code under the feature name, never by the name', () => {
    const rows = [
      { province: '广东省', province_code: '440000', revenue: 100 },
      { province: '北京市', province_code: '110000', revenue: '50' },
      { province: '广东', province_code: null, revenue: 7 }, // the short name alone does not place it
      { province: null, province_code: null, revenue: 3 },
      { province: '海外', province_code: '990000', revenue: 5 },
    ];
    const m = matchRegions(rows, { name: 'province', code: 'province_code', value: 'revenue' }, FEATURES);
    expect(m.placed.map((p) => [p.feature, p.label, p.value])).toEqual([
      ['广东', '广东省', 100],
      ['北京', '北京市', 50],
    ]);
    expect(m.unplaced.map((u) => [u.label, u.reason, u.value])).toEqual([
      ['广东', 'unmatched', 7],
      [null, 'unknown', 3],
      ['海外', 'unmatched', 5],
    ]);
    expect(m.placedSum).toBe(150);
    expect(m.sum).toBe(165);
  });

  it('features keep their adcode as a string, and none when the file has none', () => {
    expect(FEATURES).toEqual([
      { id: '440000', name: '广东' },
      { id: '110000', name: '北京' },
      { id: undefined, name: '崇明区' },
    ]);
  });

  it('drills to districts for the municipalities and SARs, to cities elsewhere', () => {
    expect(childLevel('110000')).toBe('district');
    expect(childLevel('500000')).toBe('district');
    expect(childLevel('440000')).toBe('city');
  });
});
