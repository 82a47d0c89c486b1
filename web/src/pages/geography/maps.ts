/**
 * The map files (web/public/maps, served as static files next to the dashboard; see SOURCE.md there), fetched when
 * the Geography page first needs them and registered with ECharts once. They are not API data, so this is the one
 * place the dashboard uses fetch() directly instead of the typed client: static, public, the same for every user.
 */
import { echarts } from '../../charts/echarts.js';
import { featuresOf, type MapFeature, type MapIndex } from './match.js';

export interface LoadedMap {
  /** The name it is registered under (the map series' `map`). */
  readonly name: string;
  readonly features: readonly MapFeature[];
  /** The map's own short name of the province (广东), or 中国 for the whole country. */
  readonly title: string;
}

const cache = new Map<string, Promise<unknown>>();

async function getJson(url: string): Promise<unknown> {
  let p = cache.get(url);
  if (!p) {
    p = fetch(url, { credentials: 'same-origin' }).then(async (res) => {
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.json() as Promise<unknown>;
    });
    cache.set(url, p);
    // A failure is not cached: the next visit tries again.
    p.catch(() => cache.delete(url));
  }
  return p;
}

export function loadIndex(): Promise<MapIndex> {
  return getJson('/maps/index.json') as Promise<MapIndex>;
}

const registered = new Map<string, LoadedMap>();

/** China's provinces (`code` undefined) or one province's cities/districts, registered with ECharts. */
export async function loadMap(code?: string): Promise<LoadedMap> {
  const name = `tm-${code ?? 'china'}`;
  const done = registered.get(name);
  if (done) return done;
  const index = await loadIndex();
  const file = code ? index.provinces[code]?.file : index.china;
  if (!file) throw new Error(`no map for ${code}`);
  const geo = (await getJson(`/maps/${file}`)) as Parameters<typeof featuresOf>[0];
  const features = featuresOf(geo);
  // ECharts decodes the compact coordinates (UTF8Encoding) when it registers the map.
  echarts.registerMap(name, geo as Parameters<typeof echarts.registerMap>[1]);
  const loaded = { name, features, title: code ? (index.provinces[code]?.name ?? code) : '中国' };
  registered.set(name, loaded);
  return loaded;
}
