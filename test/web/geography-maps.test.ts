/**
 * The map files shipped in web/public/maps: SOURCE.md's hashes are the files', index.json's adcode → file mapping is
 * what the files themselves say (derived from the feature codes inside, not from the pinyin names), the levels agree
 * with the page's drill rule, and ECharts 6 decodes the compact coordinates into real longitudes and latitudes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISTRICT_LEVEL, featuresOf, type MapIndex } from '../../web/src/pages/geography/match.js';

const DIR = 'web/public/maps';
const json = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { UTF8Encoding?: boolean; features: { id?: string; properties: { name: string }; geometry: { type: string; coordinates: unknown; encodeOffsets?: unknown } }[] };
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as MapIndex;

describe('map files', () => {
  it('SOURCE.md lists every file with its sha256', () => {
    const source = readFileSync(join(DIR, 'SOURCE.md'), 'utf8');
    const files = ['china.json', ...readdirSync(join(DIR, 'province')).map((f) => `province/${f}`), 'LICENSE.txt', 'NOTICE.txt'];
    expect(files.length).toBe(37);
    for (const f of files) {
      const sha = createHash('sha256').update(readFileSync(join(DIR, f))).digest('hex');
      expect(source, f).toContain(`| \`${f}\` | \`${sha}\` |`);
    }
    expect(source).toContain('Apache');
    expect(source).toContain('not an official surveyed map');
  });

  it('index.json maps each province adcode of china.json to the file whose features carry that code', () => {
    const china = featuresOf(json('china.json'));
    expect(china.length).toBe(34);
    expect(Object.keys(index.provinces).sort()).toEqual(china.map((f) => f.id).sort());
    for (const [code, p] of Object.entries(index.provinces)) {
      const ids = featuresOf(json(p.file)).flatMap((f) => (f.id ? [f.id] : []));
      expect(p.name).toBe(china.find((f) => f.id === code)!.name);
      if (code === '710000') expect(ids).toEqual([]); // taiwan.json has no codes
      else expect(new Set(ids.map((i) => i.slice(0, 2))), p.file).toEqual(new Set([code.slice(0, 2)]));
    }
    expect(index.provinces['140000']!.file).toBe('province/shanxi.json'); // 山西
    expect(index.provinces['610000']!.file).toBe('province/shanxi1.json'); // 陕西
  });

  it('the municipalities and SARs are district maps, the other provinces city maps (the page drills the same way)', () => {
    const districts = Object.entries(index.provinces).filter(([, p]) => p.level === 'district').map(([c]) => c);
    expect(districts.sort()).toEqual([...DISTRICT_LEVEL, '710000'].sort());
  });

  it('ECharts 6 decodes the UTF8Encoding coordinates to longitudes and latitudes inside China', async () => {
    const geo = json('province/guangdong.json');
    expect(geo.UTF8Encoding).toBe(true);
    // The decoder ECharts runs in registerMap (echarts/lib/coord/geo/parseGeoJson.js).
    const decoder = 'echarts/lib/coord/geo/parseGeoJson.js'; // untyped: imported by name at run time
    const { default: parseGeoJSON } = (await import(decoder)) as { default: (g: unknown, nameProperty: string) => { name: string; getBoundingRect(): { x: number; y: number; width: number; height: number } }[] };
    const regions = parseGeoJSON(geo, 'name');
    expect(regions.length).toBe(21);
    const gz = regions.find((r) => r.name === '广州市')!.getBoundingRect();
    expect(gz.x).toBeGreaterThan(112.5);
    expect(gz.x + gz.width).toBeLessThan(114.5);
    expect(gz.y).toBeGreaterThan(22);
    expect(gz.y + gz.height).toBeLessThan(24.5);
  });
});
