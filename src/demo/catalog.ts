/**
 * The demo's master data, built in TypeScript from the seed: product catalogue (3-level
 * categories, brands, prices and costs, basket companions), stores, the org chart with
 * employees, and the marketing calendar.
 */
import type { Calendar } from './calendar.js';
import { loadGeo, type City } from './geo.js';
import { chineseName } from './names.js';
import { Rng } from './random.js';
import { LUNAR_NEW_YEAR } from './reference.js';

export const CHANNELS = ['tmall', 'jd', 'wechat', 'web', 'store'] as const;
export type Channel = (typeof CHANNELS)[number];

interface L3Def {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  /** Extra units per line (0: always 1). */
  readonly qmax: number;
  /** Related third-level categories bought together (basket rules). */
  readonly with: readonly string[];
}
interface L1Def {
  readonly name: string;
  readonly costRatio: number;
  /** Popularity among female / male / young-parent customers (favourite category), and overall. */
  readonly fav: readonly [female: number, male: number, parent: number];
  readonly brands: readonly string[];
  readonly styles: readonly string[];
  readonly l2: readonly { readonly name: string; readonly l3: readonly L3Def[] }[];
}

const l3 = (name: string, lo: number, hi: number, qmax: number, ...w: string[]): L3Def => ({ name, lo, hi, qmax, with: w });

/** Category tree. Third-level names are unique across the tree (basket rules refer to them). */
export const CATEGORIES: readonly L1Def[] = [
  {
    name: '服装', costRatio: 0.42, fav: [30, 16, 20], brands: ['云裳', '栖木', '素然', '拾光'], styles: ['法式', '复古', '简约', '修身', '宽松', '纯棉', '真丝', '百搭'],
    l2: [
      { name: '女装', l3: [l3('连衣裙', 199, 699, 0, '高跟鞋', '手提包'), l3('女士T恤', 69, 199, 1, '半身裙', '女士运动鞋'), l3('女士衬衫', 129, 359, 0, '半身裙'), l3('女士外套', 299, 999, 0, '短靴', '女士T恤'), l3('半身裙', 129, 399, 0, '女士衬衫', '女士T恤')] },
      { name: '男装', l3: [l3('男士T恤', 79, 199, 1, '休闲裤', '男士运动鞋'), l3('男士衬衫', 139, 399, 0, '休闲裤', '皮鞋'), l3('夹克', 299, 899, 0, '休闲裤'), l3('休闲裤', 149, 399, 0, '男士T恤')] },
      { name: '内衣家居服', l3: [l3('文胸', 89, 259, 1, '睡衣', '袜子'), l3('睡衣', 129, 329, 0, '袜子'), l3('袜子', 19, 59, 3, '睡衣')] },
    ],
  },
  {
    name: '鞋包', costRatio: 0.45, fav: [8, 7, 5], brands: ['步履', '行知', '漫途'], styles: ['经典', '轻便', '真皮', '潮流', '百搭'],
    l2: [
      { name: '女鞋', l3: [l3('高跟鞋', 259, 699, 0, '连衣裙'), l3('女士运动鞋', 299, 799, 0, '运动T恤'), l3('短靴', 359, 899, 0, '女士外套')] },
      { name: '男鞋', l3: [l3('男士运动鞋', 299, 899, 0, '运动裤'), l3('皮鞋', 399, 1099, 0, '男士衬衫')] },
      { name: '箱包', l3: [l3('双肩包', 159, 599, 0, '笔记本电脑'), l3('手提包', 299, 1599, 0, '连衣裙'), l3('行李箱', 399, 1299, 0, '收纳箱')] },
    ],
  },
  {
    name: '美妆', costRatio: 0.28, fav: [25, 3, 15], brands: ['澜颜', '初棠', '清研'], styles: ['保湿', '修护', '焕亮', '控油', '水润', '柔雾'],
    l2: [
      { name: '护肤', l3: [l3('面霜', 159, 699, 0, '精华', '洁面'), l3('精华', 199, 899, 0, '面霜', '面膜'), l3('面膜', 59, 199, 2, '精华'), l3('洁面', 49, 159, 1, '面霜')] },
      { name: '彩妆', l3: [l3('口红', 129, 359, 1, '粉底液', '眼影'), l3('粉底液', 199, 499, 0, '口红'), l3('眼影', 149, 399, 0, '口红')] },
      { name: '香水', l3: [l3('女士香水', 299, 1099, 0, '口红'), l3('男士香水', 299, 899, 0, '洁面')] },
    ],
  },
  {
    name: '家居', costRatio: 0.52, fav: [12, 9, 14], brands: ['木舍', '悦家', '简居'], styles: ['北欧', '日式', '加厚', '纯棉', '不锈钢', '简约'],
    l2: [
      { name: '家纺', l3: [l3('四件套', 299, 999, 0, '枕头'), l3('枕头', 89, 299, 1, '四件套'), l3('毛巾', 29, 99, 3, '四件套')] },
      { name: '收纳', l3: [l3('收纳箱', 39, 159, 3, '衣架'), l3('衣架', 19, 59, 3, '收纳箱')] },
      { name: '厨具', l3: [l3('炒锅', 199, 599, 0, '食用油', '餐具套装'), l3('保温杯', 99, 299, 1, '茶叶'), l3('餐具套装', 129, 399, 0, '炒锅')] },
    ],
  },
  {
    name: '食品', costRatio: 0.68, fav: [13, 18, 12], brands: ['知味', '田园记', '山野'], styles: ['原味', '经典', '每日', '有机', '进口', '家庭装'],
    l2: [
      { name: '零食', l3: [l3('坚果', 39, 129, 3, '饼干', '糖果'), l3('饼干', 19, 59, 3, '牛奶'), l3('糖果', 15, 49, 3, '坚果')] },
      { name: '饮品', l3: [l3('茶叶', 99, 599, 1, '保温杯'), l3('咖啡', 49, 199, 2, '饼干'), l3('牛奶', 49, 99, 3, '饼干')] },
      { name: '粮油', l3: [l3('大米', 49, 129, 2, '食用油'), l3('食用油', 59, 139, 2, '大米')] },
    ],
  },
  {
    name: '数码', costRatio: 0.84, fav: [5, 30, 6], brands: ['极客', '星轨', '声浪'], styles: ['无线', '快充', '降噪', '旗舰', '轻薄', '智能'],
    l2: [
      { name: '手机', l3: [l3('手机', 1999, 6999, 0, '手机壳', '充电器')] },
      { name: '手机配件', l3: [l3('手机壳', 29, 99, 1, '数据线'), l3('充电器', 59, 199, 1, '数据线'), l3('数据线', 19, 69, 2, '充电器')] },
      { name: '电脑办公', l3: [l3('笔记本电脑', 3999, 9999, 0, '双肩包', '耳机'), l3('平板电脑', 1999, 5999, 0, '耳机')] },
      { name: '影音智能', l3: [l3('耳机', 199, 1499, 0, '手机壳'), l3('智能手表', 599, 2999, 0, '充电器'), l3('蓝牙音箱', 199, 899, 0, '数据线')] },
    ],
  },
  {
    name: '母婴', costRatio: 0.7, fav: [5, 2, 22], brands: ['贝护', '小鹿'], styles: ['有机', '敏感肌', '加大码', '益智', '柔软'],
    l2: [
      { name: '奶粉', l3: [l3('婴儿奶粉', 199, 459, 2, '纸尿裤')] },
      { name: '尿裤湿巾', l3: [l3('纸尿裤', 99, 229, 3, '湿巾', '婴儿奶粉'), l3('湿巾', 29, 79, 3, '纸尿裤')] },
      { name: '玩具', l3: [l3('益智玩具', 99, 399, 0, '毛绒玩具'), l3('毛绒玩具', 59, 199, 0, '益智玩具')] },
    ],
  },
  {
    name: '运动户外', costRatio: 0.5, fav: [2, 15, 6], brands: ['驰越', '野径'], styles: ['速干', '专业', '轻量', '透气', '防水'],
    l2: [
      { name: '运动服', l3: [l3('运动T恤', 99, 299, 1, '运动裤'), l3('运动裤', 129, 399, 0, '运动T恤')] },
      { name: '健身', l3: [l3('瑜伽垫', 79, 299, 0, '运动T恤', '哑铃'), l3('哑铃', 99, 399, 0, '瑜伽垫')] },
      { name: '户外', l3: [l3('帐篷', 399, 1599, 0, '登山鞋'), l3('登山鞋', 399, 999, 0, '帐篷')] },
    ],
  },
];

export const GIFT_PRODUCTS = ['会员生日礼盒', '品牌定制帆布袋', '旅行装试用套组'] as const;

export interface Product {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly l1: number;
  readonly l1Name: string;
  readonly l2Name: string;
  readonly l3Name: string;
  readonly brand: string;
  readonly priceCents: number;
  readonly costCents: number;
  readonly qmax: number;
  /** Relative popularity within its first-level category. */
  readonly popularity: number;
  readonly companions: readonly [number, number];
  readonly launchedAt: string;
  readonly supplier: string;
  readonly isGift: boolean;
}

const SUPPLIER_CITIES = ['广州', '深圳', '杭州', '义乌', '苏州', '东莞', '泉州', '上海', '宁波', '佛山'];
const SUPPLIER_KIND: Readonly<Record<string, string>> = {
  服装: '服饰', 鞋包: '鞋业', 美妆: '化妆品', 家居: '家居用品', 食品: '食品', 数码: '电子科技', 母婴: '母婴用品', 运动户外: '体育用品',
};

function roundPrice(x: number): number {
  // Shop prices end in 9: 19, 59, 129, 1999 ...
  if (x < 100) return Math.max(9, Math.round(x / 10) * 10 - 1);
  if (x < 1000) return Math.round(x / 10) * 10 - 1;
  return Math.round(x / 100) * 100 - 1;
}

/** About 300 products (297 for sale and 3 free gifts). */
export function buildProducts(seed: number, start: string): Product[] {
  const rng = new Rng(seed, 'products');
  const l3s: { l1: number; l2: string; def: L3Def }[] = [];
  CATEGORIES.forEach((c, l1) => c.l2.forEach((l2) => l2.l3.forEach((def) => l3s.push({ l1, l2: l2.name, def }))));
  const target = 297;
  const counts = l3s.map(() => 4);
  for (let extra = target - counts.length * 4; extra > 0; extra--) {
    const k = rng.int(counts.length);
    counts[k] = (counts[k] ?? 4) + 1;
  }
  const startSec = Date.parse(`${start}T00:00:00Z`) / 1000;
  const supplierOf = new Map<string, string>();
  const products: Omit<Product, 'companions'>[] = [];
  const firstOfL3 = new Map<string, number[]>();
  l3s.forEach(({ l1, l2, def }, i) => {
    const cat = CATEGORIES[l1]!;
    const list: number[] = [];
    for (let r = 0; r < (counts[i] ?? 4); r++) {
      const brand = rng.pick(cat.brands);
      const style = rng.pick(cat.styles);
      const price = roundPrice(def.lo + (def.hi - def.lo) * Math.pow(rng.next(), 1.3));
      const cost = Math.round(price * 100 * cat.costRatio * (0.85 + 0.3 * rng.next()));
      let supplier = supplierOf.get(`${brand}`);
      if (!supplier) {
        supplier = `${rng.pick(SUPPLIER_CITIES)}${brand}${SUPPLIER_KIND[cat.name] ?? '商贸'}有限公司`;
        supplierOf.set(brand, supplier);
      }
      const index = products.length;
      list.push(index);
      products.push({
        index,
        id: `P${String(index + 1).padStart(4, '0')}`,
        name: `${brand}${style}${def.name}`,
        l1,
        l1Name: cat.name,
        l2Name: l2,
        l3Name: def.name,
        brand,
        priceCents: price * 100,
        costCents: cost,
        qmax: def.qmax,
        // Within a third-level category the first product is the best seller.
        popularity: (1 / Math.pow(r + 1, 1.1)) * (0.6 + 0.8 * rng.next()),
        launchedAt: new Date((startSec - (60 + rng.int(5 * 365)) * 86400) * 1000).toISOString().slice(0, 10),
        supplier,
        isGift: false,
      });
    }
    firstOfL3.set(def.name, list);
  });
  // Basket companions: the best seller of the first related category, and some product of the second.
  const withCompanions: Product[] = products.map((p) => {
    const def = l3s.find((x) => x.def.name === p.l3Name)!.def;
    const rel1 = firstOfL3.get(def.with[0] ?? '') ?? [p.index];
    const rel2 = firstOfL3.get(def.with[1] ?? def.with[0] ?? '') ?? rel1;
    return { ...p, companions: [rel1[0] ?? p.index, rng.pick(rel2)] as const };
  });
  for (const [k, name] of GIFT_PRODUCTS.entries()) {
    const index = withCompanions.length;
    withCompanions.push({
      index,
      id: `P${String(index + 1).padStart(4, '0')}`,
      name,
      l1: -1,
      l1Name: '赠品',
      l2Name: '会员礼品',
      l3Name: ['礼盒', '帆布袋', '试用装'][k] ?? '礼品',
      brand: '自有品牌',
      priceCents: 0,
      costCents: [3500, 1200, 1800][k] ?? 1500,
      qmax: 0,
      popularity: 0,
      companions: [index, index],
      launchedAt: new Date((startSec - 90 * 86400) * 1000).toISOString().slice(0, 10),
      supplier: '义乌品牌礼品有限公司',
      isGift: true,
    });
  }
  return withCompanions;
}

// ---------------------------------------------------------------------------------------------
// Org chart, employees, stores

export interface OrgUnit {
  readonly id: string;
  readonly name: string;
  readonly kind: 'company' | 'branch' | 'department';
  readonly parent: string | null;
  readonly city: City;
}

export interface Employee {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  readonly branch: number; // -1 for head office
  readonly manager: string | null;
  readonly role: 'sales' | 'service' | 'marketing' | 'manager' | 'other';
  readonly phone: string;
  readonly email: string;
  readonly hiredAt: string;
  readonly leftAt: string | null;
  /** Conversion skill (multiplies stage-advance odds). */
  readonly skill: number;
  /** Deal size multiplier. */
  readonly dealSize: number;
  /** Activity rate multiplier. */
  readonly activity: number;
}

export interface Branch {
  readonly index: number;
  readonly unitId: string;
  readonly city: string;
  readonly name: string;
  /** Province prefixes covered. */
  readonly provinces: readonly string[];
  /** Conversion factor of the branch (market and management quality). */
  readonly factor: number;
}

export const BRANCHES: readonly Omit<Branch, 'index' | 'unitId'>[] = [
  { city: '北京市', name: '华北分公司', provinces: ['11', '12', '13', '14', '15', '21', '22', '23', '37'], factor: 1.1 },
  { city: '上海市', name: '华东分公司', provinces: ['31', '32', '34'], factor: 1.2 },
  { city: '杭州市', name: '浙闽分公司', provinces: ['33', '35', '36'], factor: 1.0 },
  { city: '广州市', name: '华南分公司', provinces: ['44', '45', '46'], factor: 1.05 },
  { city: '成都市', name: '西部分公司', provinces: ['50', '51', '52', '53', '54', '61', '62', '63', '64', '65'], factor: 0.8 },
  { city: '武汉市', name: '华中分公司', provinces: ['41', '42', '43'], factor: 0.9 },
];

export interface Store {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly channel: Channel;
  readonly unitId: string;
  readonly city: City | null;
  readonly district: { code: string; name: string } | null;
  readonly openedAt: string;
}

const STORE_CITIES: readonly (readonly [string, number])[] = [
  ['北京市', 5], ['上海市', 6], ['广州市', 4], ['深圳市', 4], ['杭州市', 3], ['南京市', 2], ['苏州市', 2], ['成都市', 3], ['重庆市', 2], ['武汉市', 3],
  ['西安市', 2], ['天津市', 2], ['长沙市', 2], ['郑州市', 2], ['青岛市', 1], ['宁波市', 1], ['厦门市', 1], ['济南市', 1], ['合肥市', 1], ['沈阳市', 1],
  ['昆明市', 1], ['福州市', 1],
];
const MALLS = ['万达广场', '大悦城', '万象城', '银泰城', '吾悦广场', '龙湖天街', '印象城', '来福士', '太古里', '凯德广场'];

export interface Org {
  readonly units: readonly OrgUnit[];
  readonly branches: readonly Branch[];
  readonly employees: readonly Employee[];
  readonly stores: readonly Store[];
  /** Index of the first online store; online store of channel c is stores[onlineStart + c]. */
  readonly onlineStart: number;
  branchOfProvince(prefix: string): Branch;
}


export function buildOrg(seed: number, cal: Calendar): Org {
  const rng = new Rng(seed, 'org');
  const geo = loadGeo();
  const units: OrgUnit[] = [];
  const hq = geo.city('上海市');
  units.push({ id: 'U000', name: '潮汐零售集团总部', kind: 'company', parent: null, city: hq });
  const hqDepts = ['电商运营部', '市场部', '客服中心', '销售管理部'];
  hqDepts.forEach((n, k) => units.push({ id: `U00${k + 1}`, name: n, kind: 'department', parent: 'U000', city: hq }));
  const branches: Branch[] = BRANCHES.map((b, k) => ({ ...b, index: k, unitId: `U${k + 1}00` }));
  for (const b of branches) {
    const city = geo.city(b.city);
    units.push({ id: b.unitId, name: b.name, kind: 'branch', parent: 'U000', city });
    ['大客户部', '渠道销售部', '客户服务部'].forEach((n, k) =>
      units.push({ id: `U${b.index + 1}0${k + 1}`, name: `${b.name.replace('分公司', '')}${n}`, kind: 'department', parent: b.unitId, city }),
    );
  }

  const employees: Employee[] = [];
  const startSec = cal.startEpoch;
  const nowSec = cal.nowEpoch;
  const span = nowSec - startSec;
  const usedPhones = new Set<string>();
  const add = (e: Omit<Employee, 'index' | 'id' | 'name' | 'phone' | 'email'> & { name?: string }): Employee => {
    const index = employees.length;
    const id = `E${String(index + 1).padStart(3, '0')}`;
    let phone: string;
    do phone = `+86139${String(rng.int(100_000_000)).padStart(8, '0')}`;
    while (usedPhones.has(phone));
    usedPhones.add(phone);
    const emp: Employee = { ...e, index, id, name: e.name ?? chineseName(rng, () => !rng.chance(0.5)), phone, email: `${id.toLowerCase()}@tidemark-demo.cn` };
    employees.push(emp);
    return emp;
  };
  const longAgo = (): string => new Date((startSec - (200 + rng.int(2500)) * 86400) * 1000).toISOString().slice(0, 10);
  const base = { skill: 1, dealSize: 1, activity: 1, leftAt: null, branch: -1 } as const;
  const ceo = add({ ...base, unit: 'U000', manager: null, role: 'manager', hiredAt: longAgo() });
  const salesDirector = add({ ...base, unit: 'U004', manager: ceo.id, role: 'manager', hiredAt: longAgo() });
  const mktDirector = add({ ...base, unit: 'U002', manager: ceo.id, role: 'manager', hiredAt: longAgo() });
  const svcManager = add({ ...base, unit: 'U003', manager: ceo.id, role: 'manager', hiredAt: longAgo() });
  const ecomManager = add({ ...base, unit: 'U001', manager: ceo.id, role: 'manager', hiredAt: longAgo() });
  for (let k = 0; k < 3; k++) add({ ...base, unit: 'U002', manager: mktDirector.id, role: 'marketing', hiredAt: longAgo() });
  for (let k = 0; k < 2; k++) add({ ...base, unit: 'U001', manager: ecomManager.id, role: 'other', hiredAt: longAgo() });
  for (let k = 0; k < 8; k++) add({ ...base, unit: 'U003', manager: svcManager.id, role: 'service', hiredAt: longAgo() });
  for (const b of branches) {
    const mgr = add({ ...base, branch: b.index, unit: b.unitId, manager: salesDirector.id, role: 'manager', hiredAt: longAgo(), skill: 1.1, activity: 0.5 });
    for (let k = 0; k < 6; k++) {
      const skill = Math.min(1.8, Math.max(0.5, Math.exp(0.3 * rng.normal())));
      const dept = `U${b.index + 1}0${k < 3 ? 1 : 2}`;
      // One rep in three of the first branches leaves during the period and is replaced.
      const leaves = k === 5 && b.index % 2 === 0;
      const leftSec = startSec + span * (0.35 + 0.4 * rng.next());
      const rep = add({
        branch: b.index,
        unit: dept,
        manager: mgr.id,
        role: 'sales',
        hiredAt: longAgo(),
        leftAt: leaves ? new Date(leftSec * 1000).toISOString().slice(0, 10) : null,
        skill,
        dealSize: Math.exp(0.25 * rng.normal()) * (k < 3 ? 1.3 : 0.8),
        activity: Math.pow(skill, 0.7) * Math.exp(0.2 * rng.normal()),
      });
      if (leaves && rep.leftAt) {
        const s2 = Math.min(1.8, Math.max(0.5, Math.exp(0.3 * rng.normal())));
        add({
          branch: b.index,
          unit: dept,
          manager: mgr.id,
          role: 'sales',
          hiredAt: new Date((leftSec + 86400 * (10 + rng.int(40))) * 1000).toISOString().slice(0, 10),
          leftAt: null,
          skill: s2,
          dealSize: Math.exp(0.25 * rng.normal()) * 0.9,
          activity: Math.pow(s2, 0.7) * Math.exp(0.2 * rng.normal()),
        });
      }
    }
    add({ ...base, branch: b.index, unit: `U${b.index + 1}03`, manager: mgr.id, role: 'service', hiredAt: longAgo() });
  }

  const branchOfProvince = (prefix: string): Branch => branches.find((b) => b.provinces.includes(prefix)) ?? branches[0]!;
  const stores: Store[] = [];
  const usedNames = new Set<string>();
  for (const [cityName, count] of STORE_CITIES) {
    const city = geo.city(cityName);
    const branch = branchOfProvince(city.province.prefix);
    for (let k = 0; k < count; k++) {
      const district = city.districts.length ? rng.pick(city.districts) : null;
      let name: string;
      do {
        const short = cityName.replace(/市$/, '');
        name = `${short}${district ? district.name.replace(/(区|县|市)$/, '') : ''}${rng.pick(MALLS)}店`;
      } while (usedNames.has(name));
      usedNames.add(name);
      stores.push({
        index: stores.length,
        id: `S${String(stores.length + 1).padStart(3, '0')}`,
        name,
        channel: 'store',
        unitId: branch.unitId,
        city,
        district,
        openedAt: new Date((startSec - (60 + rng.int(2000)) * 86400) * 1000).toISOString().slice(0, 10),
      });
    }
  }
  const onlineStart = stores.length;
  const online: readonly [Channel, string][] = [
    ['tmall', '潮汐天猫官方旗舰店'], ['jd', '潮汐京东自营旗舰店'], ['wechat', '潮汐微信小程序商城'], ['web', '潮汐官方网站商城'],
  ];
  online.forEach(([channel, name], k) =>
    stores.push({
      index: stores.length,
      id: `S${901 + k}`,
      name,
      channel,
      unitId: 'U001',
      city: null,
      district: null,
      openedAt: new Date((startSec - (400 + rng.int(1000)) * 86400) * 1000).toISOString().slice(0, 10),
    }),
  );
  return { units, branches, employees, stores, onlineStart, branchOfProvince };
}

// ---------------------------------------------------------------------------------------------
// Marketing calendar

export interface Campaign {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly channel: 'sms' | 'email' | 'wechat' | 'tmall' | 'jd' | 'other';
  readonly kind: string;
  readonly startSec: number;
  readonly endSec: number; // end date 23:59:59
  /** Share of eligible customers targeted (0 for lead-generation events without touches). */
  readonly frac: number;
  /** Probability that an order of a targeted customer within the window is due to the campaign. */
  readonly conv: number;
  readonly needsConsent: boolean;
  /** Win-back: targets lapsed customers only, and reactivates some. */
  readonly winback: boolean;
  readonly reactivate: number;
  /** Response rates among touches without a purchase. */
  readonly open: number;
  readonly click: number;
  readonly unsubscribe: number;
  readonly costPerTouch: number;
  readonly fixedCost: number;
}

interface CampaignTemplate {
  readonly name: string;
  readonly channel: Campaign['channel'];
  readonly kind: string;
  /** Start as [month, day], or 'lny' with an offset in days. */
  readonly start: readonly [number, number] | { readonly lny: number };
  readonly days: number;
  readonly frac: number;
  readonly conv: number;
}

const CAMPAIGN_TEMPLATES: readonly CampaignTemplate[] = [
  { name: '年货节会员关怀', channel: 'wechat', kind: 'festival', start: { lny: -24 }, days: 12, frac: 0.08, conv: 0.35 },
  { name: '女王节短信营销', channel: 'sms', kind: 'festival', start: [3, 1], days: 8, frac: 0.1, conv: 0.3 },
  { name: '春季新品邮件推荐', channel: 'email', kind: 'new_product', start: [4, 10], days: 10, frac: 0.06, conv: 0.25 },
  { name: '618预热短信', channel: 'sms', kind: 'festival', start: [5, 28], days: 22, frac: 0.12, conv: 0.3 },
  { name: '618天猫大促', channel: 'tmall', kind: 'platform_promo', start: [6, 1], days: 18, frac: 0.07, conv: 0.45 },
  { name: '会员日专属券', channel: 'wechat', kind: 'member_day', start: [8, 8], days: 5, frac: 0.06, conv: 0.5 },
  { name: '老客召回', channel: 'sms', kind: 'winback', start: [9, 10], days: 14, frac: 0.5, conv: 1 },
  { name: '企业福利采购推介会', channel: 'other', kind: 'b2b_event', start: [9, 20], days: 2, frac: 0, conv: 0 },
  { name: '双11预售提醒', channel: 'sms', kind: 'festival', start: [10, 24], days: 19, frac: 0.12, conv: 0.3 },
  { name: '双11天猫主会场', channel: 'tmall', kind: 'platform_promo', start: [11, 1], days: 11, frac: 0.08, conv: 0.5 },
  { name: '双12京东专场', channel: 'jd', kind: 'platform_promo', start: [12, 1], days: 12, frac: 0.05, conv: 0.4 },
];

/** About 33 campaigns: eleven a year over the period, with their own response and conversion rates. */
export function buildCampaigns(seed: number, cal: Calendar): Campaign[] {
  const rng = new Rng(seed, 'campaigns');
  const out: Campaign[] = [];
  const y0 = Number(cal.start.slice(0, 4));
  const y1 = Number(cal.end.slice(0, 4));
  for (let y = y0; y <= y1; y++) {
    for (const t of CAMPAIGN_TEMPLATES) {
      let startMs: number;
      if (Array.isArray(t.start)) startMs = Date.UTC(y, (t.start as readonly [number, number])[0] - 1, (t.start as readonly [number, number])[1]);
      else {
        const lny = LUNAR_NEW_YEAR[y];
        if (!lny) continue;
        startMs = Date.parse(`${lny}T00:00:00Z`) + (t.start as { lny: number }).lny * 86_400_000;
      }
      const startSec = startMs / 1000;
      const endSec = startSec + t.days * 86400 - 1;
      // Campaigns need some customers registered before them and must end within the period.
      if (startSec < cal.startEpoch + 45 * 86400 || endSec > cal.nowEpoch) continue;
      const jitter = (x: number): number => x * (0.7 + 0.6 * rng.next());
      const ch = t.channel;
      const open = ch === 'email' ? 0.12 + 0.12 * rng.next() : ch === 'wechat' ? 0.3 + 0.2 * rng.next() : 0;
      const click = ch === 'sms' ? 0.02 + 0.04 * rng.next() : ch === 'tmall' || ch === 'jd' ? 0.03 + 0.04 * rng.next() : open * (0.15 + 0.2 * rng.next());
      const index = out.length;
      out.push({
        index,
        id: `CP${String(index + 1).padStart(3, '0')}`,
        name: `${y}${t.name}`,
        channel: ch,
        kind: t.kind,
        startSec,
        endSec,
        frac: t.kind === 'winback' ? t.frac : jitter(t.frac),
        conv: t.kind === 'winback' ? 1 : Math.min(0.9, jitter(t.conv)),
        needsConsent: ch === 'sms' || ch === 'email' || ch === 'wechat',
        winback: t.kind === 'winback',
        reactivate: t.kind === 'winback' ? 0.04 + 0.05 * rng.next() : 0,
        open,
        click,
        unsubscribe: ch === 'sms' ? 0.01 + 0.015 * rng.next() : ch === 'email' ? 0.003 + 0.006 * rng.next() : 0,
        costPerTouch: ch === 'sms' ? 0.05 : ch === 'email' ? 0.005 : ch === 'wechat' ? 0.02 : ch === 'other' ? 0 : 0.4 + 0.4 * rng.next(),
        fixedCost: ch === 'tmall' || ch === 'jd' ? 20000 + rng.int(60000) : ch === 'other' ? 30000 + rng.int(30000) : 2000 + rng.int(6000),
      });
    }
  }
  return out;
}
