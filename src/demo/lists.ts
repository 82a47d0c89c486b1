/**
 * Lookup lists for the SQL generator: one row of list columns in the temp table _dm_l, cross-joined
 * into the generating queries (list_extract on a one-row side is O(1) per row and stays vectorised).
 */
import { HOURS_MEGA, HOURS_ONLINE, HOURS_STORE, inverseGrid, type Calendar } from './calendar.js';
import { CATEGORIES, CHANNELS, type Campaign, type Org, type Product } from './catalog.js';
import { loadGeo } from './geo.js';
import { normalQuantile, quantileTable, slotList } from './random.js';
import { EMAIL_DOMAINS, GIVEN_FEMALE, GIVEN_MALE, MOBILE_PREFIXES, REMOTE_PROVINCES, ROADS, SURNAMES } from './reference.js';
import { listExpr, listParam } from './sqlutil.js';
import type { Warehouse } from '../warehouse/index.js';

export const GRID = 131072;
export const CITY_SLOTS = 100000;
export const SURNAME_SLOTS = 10000;
export const SLOTS = 1000;

type ElementType = 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';

export interface ListSpec {
  readonly type: ElementType;
  readonly values: readonly (string | number | boolean)[];
}

export interface Lists {
  readonly specs: Record<string, ListSpec>;
  /** Max number of campaigns whose attribution windows overlap on one day (arms day_camp_0..). */
  readonly campArms: number;
  readonly productCount: number;
  readonly giftCount: number;
  readonly serviceAgents: number;
}

const hourSlots = (w: readonly number[]): number[] => slotList(w, SLOTS);

export function buildLists(cal: Calendar, org: Org, products: readonly Product[], campaigns: readonly Campaign[]): Lists {
  const geo = loadGeo();
  const specs: Record<string, ListSpec> = {};
  const put = (name: string, type: ElementType, values: readonly (string | number | boolean)[]): void => {
    if (values.length === 0) throw new Error(`list ${name} is empty`);
    specs[name] = { type, values };
  };

  // Geography
  put('city_slots', 'INTEGER', slotList(geo.cities.map((c) => c.weight), CITY_SLOTS));
  const provIndex = new Map(geo.provinces.map((p, i) => [p.prefix, i]));
  put('city_prov', 'INTEGER', geo.cities.map((c) => provIndex.get(c.province.prefix) ?? 0));
  put('city_name', 'VARCHAR', geo.cities.map((c) => c.name));
  put('city_code', 'VARCHAR', geo.cities.map((c) => c.code));
  put('prov_name', 'VARCHAR', geo.provinces.map((p) => p.name));
  put('prov_code', 'VARCHAR', geo.provinces.map((p) => p.code));
  put('prov_remote', 'BOOLEAN', geo.provinces.map((p) => REMOTE_PROVINCES.includes(p.prefix)));
  const distName: string[] = [];
  const distCode: string[] = [];
  const distOff: number[] = [];
  const distCnt: number[] = [];
  for (const c of geo.cities) {
    distOff.push(distName.length);
    distCnt.push(c.districts.length);
    for (const d of c.districts) {
      distName.push(d.name);
      distCode.push(d.code);
    }
  }
  put('dist_name', 'VARCHAR', distName);
  put('dist_code', 'VARCHAR', distCode);
  put('city_dist_off', 'INTEGER', distOff);
  put('city_dist_cnt', 'INTEGER', distCnt);
  // Offline stores per city (home store of a customer).
  const storeOff: number[] = [];
  const storeCnt: number[] = [];
  const cityStores: number[] = [];
  for (const c of geo.cities) {
    const own = org.stores.filter((s) => s.channel === 'store' && s.city?.code === c.code);
    storeOff.push(cityStores.length);
    storeCnt.push(own.length);
    for (const s of own) cityStores.push(s.index);
  }
  put('city_store_off', 'INTEGER', storeOff);
  put('city_store_cnt', 'INTEGER', storeCnt);
  put('city_stores', 'INTEGER', cityStores.length ? cityStores : [-1]);
  put('store_id', 'VARCHAR', org.stores.map((s) => s.id));
  // Owners of store members: the active channel-sales reps (渠道销售部, unit U<b>02) of the store's branch.
  const repOff: number[] = [];
  const repCnt: number[] = [];
  const reps: string[] = [];
  for (const s of org.stores) {
    const own = storeMemberOwners(org, s.unitId);
    repOff.push(reps.length);
    repCnt.push(own.length);
    reps.push(...own);
  }
  put('store_rep_off', 'INTEGER', repOff);
  put('store_rep_cnt', 'INTEGER', repCnt);
  put('store_reps', 'VARCHAR', reps.length ? reps : ['']);

  // People
  put('surname_slots', 'INTEGER', slotList(SURNAMES.map((s) => s[1]), SURNAME_SLOTS));
  put('surname', 'VARCHAR', SURNAMES.map((s) => s[0]));
  put('surname_py', 'VARCHAR', SURNAMES.map((s) => s[2]));
  put('given_m', 'VARCHAR', GIVEN_MALE);
  put('given_f', 'VARCHAR', GIVEN_FEMALE);
  put('mobile_prefix', 'VARCHAR', MOBILE_PREFIXES);
  put('email_slots', 'INTEGER', slotList(EMAIL_DOMAINS.map((d) => d[1]), 100));
  put('email_dom', 'VARCHAR', EMAIL_DOMAINS.map((d) => d[0]));
  put('roads', 'VARCHAR', ROADS);
  put('service_agents', 'VARCHAR', org.employees.filter((e) => e.role === 'service').map((e) => e.id));

  // Channels: tmall, jd, wechat, web, store
  put('chan_name', 'VARCHAR', [...CHANNELS]);
  put('chan_src_slots', 'INTEGER', slotList([30, 18, 22, 8, 22], SLOTS));
  put('chan_ord_slots', 'INTEGER', slotList([34, 22, 24, 10, 10], SLOTS));

  // Quantile tables for cheap draws on the order-level tables.
  put('q_norm', 'DOUBLE', quantileTable(normalQuantile));
  put('q_exp', 'DOUBLE', quantileTable((p) => -Math.log(1 - p)));

  // Calendar
  put('hour_online', 'INTEGER', hourSlots(HOURS_ONLINE));
  put('hour_mega', 'INTEGER', hourSlots(HOURS_MEGA));
  put('hour_store', 'INTEGER', hourSlots(HOURS_STORE));
  const bucket = cal.totalWeight / GRID;
  const minW = Math.min(...cal.days.map((d) => d.weight));
  if (minW <= 2 * bucket) throw new Error('calendar grid too coarse');
  put('ord_grid', 'INTEGER', inverseGrid(cal.cumWeight, cal.totalWeight, GRID));
  put('ord_cw1', 'DOUBLE', cal.cumWeight);
  put('day_w', 'DOUBLE', cal.days.map((d) => d.weight));
  put('reg_grid', 'INTEGER', inverseGrid(cal.cumRegWeight, cal.totalRegWeight, GRID));
  put('reg_cw1', 'DOUBLE', cal.cumRegWeight);
  put('day_promo', 'INTEGER', cal.days.map((d) => d.promo));
  put('day_ship', 'DOUBLE', cal.days.map((d) => d.shipFactor));

  // Catalogue
  const sale = products.filter((p) => !p.isGift);
  const favW = (k: 0 | 1 | 2): number[] => CATEGORIES.map((c) => c.fav[k]);
  put('fav_f', 'INTEGER', slotList(favW(0), SLOTS));
  put('fav_m', 'INTEGER', slotList(favW(1), SLOTS));
  put('fav_p', 'INTEGER', slotList(favW(2), SLOTS));
  put('cat_slots', 'INTEGER', slotList(CATEGORIES.map((c) => c.fav[0] + c.fav[1]), SLOTS));
  const prodSlots: number[] = [];
  CATEGORIES.forEach((_, l1) => {
    const own = sale.filter((p) => p.l1 === l1);
    const slots = slotList(own.map((p) => p.popularity), SLOTS);
    for (const s of slots) prodSlots.push(own[s]!.index);
  });
  put('prod_slots', 'INTEGER', prodSlots);
  put('prod_l1', 'INTEGER', products.map((p) => Math.max(0, p.l1)));
  put('prod_price', 'BIGINT', products.map((p) => p.priceCents));
  put('prod_qmax', 'INTEGER', products.map((p) => p.qmax));
  put('prod_comp1', 'INTEGER', products.map((p) => p.companions[0]));
  put('prod_comp2', 'INTEGER', products.map((p) => p.companions[1]));
  put('prod_id', 'VARCHAR', products.map((p) => p.id));
  put('prod_cost', 'BIGINT', products.map((p) => p.costCents));
  put('prod_supplier', 'VARCHAR', products.map((p) => p.supplier));
  put('gift_prods', 'INTEGER', products.filter((p) => p.isGift).map((p) => p.index));
  put('n_items_slots', 'INTEGER', slotList([54, 28, 12, 6], 100).map((x) => x + 1));

  // Campaigns and their attribution windows (start .. end + 7 days) per day.
  const arms: number[][] = [];
  cal.days.forEach((d) => {
    const dayStart = cal.startEpoch + d.index * 86400;
    const active = campaigns.filter((c) => c.frac > 0 && c.startSec < dayStart + 86400 && c.endSec + 7 * 86400 >= dayStart).map((c) => c.index);
    active.forEach((k, a) => {
      while (arms.length <= a) arms.push(new Array<number>(cal.days.length).fill(-1));
      arms[a]![d.index] = k;
    });
  });
  if (arms.length === 0) arms.push(new Array<number>(cal.days.length).fill(-1));
  arms.forEach((arm, a) => put(`day_camp_${a}`, 'BIGINT', arm));
  const cs = campaigns.length ? campaigns : [];
  const orDummy = <T>(xs: T[], d: T): T[] => (xs.length ? xs : [d]);
  put('camp_id', 'VARCHAR', orDummy(cs.map((c) => c.id), ''));
  put('camp_channel', 'VARCHAR', orDummy(cs.map((c) => c.channel), 'sms'));
  put('camp_start', 'BIGINT', orDummy(cs.map((c) => c.startSec), 0));
  put('camp_end', 'BIGINT', orDummy(cs.map((c) => c.endSec), 0));
  put('camp_tdays', 'BIGINT', orDummy(cs.map((c) => Math.max(1, Math.min(3, Math.round((c.endSec - c.startSec) / 86400)))), 1));
  put('camp_frac', 'DOUBLE', orDummy(cs.map((c) => c.frac), 0));
  put('camp_conv', 'DOUBLE', orDummy(cs.map((c) => c.conv), 0));
  put('camp_consent', 'BOOLEAN', orDummy(cs.map((c) => c.needsConsent), false));
  put('camp_winback', 'BOOLEAN', orDummy(cs.map((c) => c.winback), false));
  put('camp_open', 'DOUBLE', orDummy(cs.map((c) => c.open), 0));
  put('camp_click', 'DOUBLE', orDummy(cs.map((c) => c.click), 0));
  put('camp_unsub', 'DOUBLE', orDummy(cs.map((c) => c.unsubscribe), 0));

  return {
    specs,
    campArms: arms.length,
    productCount: products.length,
    giftCount: products.filter((p) => p.isGift).length,
    serviceAgents: org.employees.filter((e) => e.role === 'service').length,
  };
}

/**
 * The employees who own the members of a store of org unit `unitId` (a branch): its channel-sales department's reps
 * who have not left (a departed rep's members went to their replacement). Online shops (head office) have none.
 */
export function storeMemberOwners(org: Org, unitId: string): string[] {
  const branch = org.branches.find((b) => b.unitId === unitId);
  if (!branch) return [];
  const dept = `U${branch.index + 1}02`;
  return org.employees.filter((e) => e.role === 'sales' && e.unit === dept && e.leftAt === null).map((e) => e.id);
}

/** Creates the one-row temp table _dm_l with every list as a column. */
export async function createListTable(wh: Warehouse, lists: Lists): Promise<void> {
  const names = Object.keys(lists.specs);
  const exprs = names.map((n, i) => `${listExpr(i + 1, lists.specs[n]!.type)} AS ${n}`);
  const params = names.map((n) => listParam(lists.specs[n]!.values.map((v) => (typeof v === 'boolean' ? String(v) : v))));
  await wh.run(`CREATE OR REPLACE TEMP TABLE _dm_l AS SELECT ${exprs.join(', ')}`, params);
}

