/**
 * Placing the warehouse's regions on the map, by code: a query row carries the official name (广东省, 广州市) and
 * the GB/T 2260 code the cleaner derived (440000, 440100); a map feature carries its adcode (`id`) and a short or
 * official name (广东, 广州市). Rows are matched to features by code only, never by guessing from names. What cannot
 * be placed (no code: unknown region; a code the map does not have: overseas, a newer or older division, a
 * county-level city under a province) is returned separately, so the page lists it and no value silently disappears.
 * Pure (no DOM): tested in test/web/geography-match.test.ts.
 */

export interface MapFeature {
  /** The adcode (GB/T 2260), as a string; a few features have none. */
  readonly id: string | undefined;
  readonly name: string;
}

export interface RegionValue {
  /** The official name from the warehouse (null: the region is unknown). */
  readonly label: string | null;
  readonly code: string | null;
  readonly value: number | null;
}

export interface Placed extends RegionValue {
  /** The feature's name: what the map series' data item must be called. */
  readonly feature: string;
}

export interface Unplaced extends RegionValue {
  readonly reason: 'unknown' | 'unmatched';
}

export interface Matched {
  readonly placed: readonly Placed[];
  readonly unplaced: readonly Unplaced[];
  /** Sum of placed values and of all values (for additive metrics: the share on the map). */
  readonly placedSum: number;
  readonly sum: number;
}

/** The features of a GeoJSON (ECharts' map files): adcode and name of each. */
export function featuresOf(geo: { features?: readonly { id?: unknown; properties?: { name?: unknown; id?: unknown } }[] }): MapFeature[] {
  return (geo.features ?? []).map((f) => {
    const id = f.id ?? f.properties?.id;
    return { id: id === undefined || id === null || id === '' ? undefined : String(id), name: String(f.properties?.name ?? '') };
  });
}

/** Query rows → placed and unplaced values. `rows` are the leaf rows (no totals). */
export function matchRegions(rows: readonly Record<string, unknown>[], keys: { name: string; code: string; value: string }, features: readonly MapFeature[]): Matched {
  const byCode = new Map<string, MapFeature>();
  for (const f of features) if (f.id) byCode.set(f.id, f);
  const placed: Placed[] = [];
  const unplaced: Unplaced[] = [];
  let placedSum = 0;
  let sum = 0;
  for (const r of rows) {
    const raw = r[keys.value];
    const value = raw === null || raw === undefined || raw === '' ? null : Number(raw);
    const code = r[keys.code] === null || r[keys.code] === undefined || r[keys.code] === '' ? null : String(r[keys.code]);
    const label = r[keys.name] === null || r[keys.name] === undefined || r[keys.name] === '' ? null : String(r[keys.name]);
    const v = { label, code, value };
    if (value !== null && Number.isFinite(value)) sum += value;
    const f = code ? byCode.get(code) : undefined;
    if (f) {
      placed.push({ ...v, feature: f.name });
      if (value !== null && Number.isFinite(value)) placedSum += value;
    } else unplaced.push({ ...v, reason: code === null && label === null ? 'unknown' : 'unmatched' });
  }
  return { placed, unplaced, placedSum, sum };
}

/** The province files' index (web/public/maps/index.json). */
export interface MapIndex {
  readonly china: string;
  readonly provinces: Readonly<Record<string, { readonly file: string; readonly name: string; readonly level: 'city' | 'district' }>>;
}

/**
 * Provinces whose next level down is the district: the municipalities and the SARs (their one "city" is the province
 * itself, 北京市 110000 → 北京市 110100). The map files agree (their features are districts; checked by a test).
 */
export const DISTRICT_LEVEL = ['110000', '120000', '310000', '500000', '810000', '820000'];

/** The drill level below a province. */
export function childLevel(provinceCode: string): 'city' | 'district' {
  return DISTRICT_LEVEL.includes(provinceCode) ? 'district' : 'city';
}
