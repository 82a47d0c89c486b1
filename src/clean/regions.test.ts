import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES, type FieldDef, type FieldType } from '../schema/index.js';
import { cleanFieldSql, cleanFieldsSql, DEFAULT_CLEAN_CONFIG, regionCleanSql, setupCleaning, type CleanConfig } from './index.js';
import { regionRows } from './regions-data.js';
import { lit } from './sql.js';
import { TestWarehouse } from './test-db.js';

const f = (type: FieldType, name: string = type): FieldDef => ({ name, type, label: name, labelZh: name });
const cfg = (c: Partial<CleanConfig> = {}): CleanConfig => ({ ...DEFAULT_CLEAN_CONFIG, ...c });

let db: TestWarehouse;
beforeAll(async () => {
  db = await TestWarehouse.open({ udf: false });
  await setupCleaning(db, cfg());
});
afterAll(async () => db.close());

/** [value, code, invalid] per input, for one region field cleaned on its own. */
async function alone(type: 'province' | 'city' | 'district', inputs: (string | null)[]): Promise<[unknown, unknown, unknown][]> {
  const sql = cleanFieldSql(f(type), 'raw', cfg());
  const code = sql.derived[`${type}_code`]!;
  const out = await db.eval((raw) => `[${sql.value}, ${code}, CAST(${sql.invalid} AS VARCHAR)]`.replaceAll('raw', raw), inputs);
  return out.map((r) => {
    const [v, c, inv] = r as [unknown, unknown, unknown];
    return [v, c, inv === 'true'];
  });
}

type Triple = [string | null, string | null, string | null];

/** Province, city and district of each record cleaned together: value and code of each level, and the invalid flags. */
async function together(records: Triple[]): Promise<Record<string, unknown>[]> {
  const sql = regionCleanSql({ province: 'p', city: 'c', district: 'd' }, cfg());
  const cols = (['province', 'city', 'district'] as const).flatMap((l) => {
    const x = sql[l]!;
    return [`${x.value} AS ${l}`, `${x.derived[`${l}_code`]} AS ${l}_code`, `${x.invalid} AS ${l}_invalid`];
  });
  const values = records.map((r, i) => `(${i}, ${r.map((s) => (s === null ? 'NULL::VARCHAR' : lit(s))).join(', ')})`).join(', ');
  return (await db.query(`SELECT ${cols.join(', ')} FROM (VALUES ${values}) t(i, p, c, d) ORDER BY i`)).rows;
}

describe('region_normalize', () => {
  it('recognises provinces by full, short, one-character, traditional and English names, with the 6-digit GB/T 2260 code', async () => {
    const cases: [string, string, string][] = [
      ['广东', '广东省', '440000'],
      ['广东省', '广东省', '440000'],
      ['粤', '广东省', '440000'],
      ['内蒙古', '内蒙古自治区', '150000'],
      ['内蒙古自治区', '内蒙古自治区', '150000'],
      ['蒙', '内蒙古自治区', '150000'],
      ['新疆', '新疆维吾尔自治区', '650000'],
      ['广西壮族自治区', '广西壮族自治区', '450000'],
      ['桂', '广西壮族自治区', '450000'],
      ['广西省', '广西壮族自治区', '450000'],
      ['北京', '北京市', '110000'],
      ['京', '北京市', '110000'],
      ['沪', '上海市', '310000'],
      ['渝', '重庆市', '500000'],
      ['津', '天津市', '120000'],
      ['Guangdong', '广东省', '440000'],
      ['Beijing', '北京市', '110000'],
      ['Hong Kong', '香港特别行政区', '810000'],
      ['香港', '香港特别行政区', '810000'],
      ['澳门', '澳门特别行政区', '820000'],
      ['台湾', '台湾省', '710000'],
      ['臺灣', '台湾省', '710000'],
      ['廣東省', '广东省', '440000'],
      ['Shanxi', '山西省', '140000'],
      ['Shaanxi', '陕西省', '610000'],
      [' 浙江 ', '浙江省', '330000'],
    ];
    const out = await alone('province', cases.map((c) => c[0]));
    expect(out).toEqual(cases.map(([, name, code]) => [name, code, false]));
  });

  it('recognises cities with or without 市/地区/盟/自治州, municipalities as their own city', async () => {
    const cases: [string, string, string | null][] = [
      ['深圳', '深圳市', '440300'],
      ['深圳市', '深圳市', '440300'],
      ['广州市', '广州市', '440100'],
      ['北京', '北京市', '110100'],
      ['北京市', '北京市', '110100'],
      ['上海市', '上海市', '310100'],
      ['重庆', '重庆市', '500100'],
      ['恩施州', '恩施土家族苗族自治州', '422800'],
      ['延边', '延边朝鲜族自治州', '222400'],
      ['大兴安岭', '大兴安岭地区', '232700'],
      ['锡林郭勒盟', '锡林郭勒盟', '152500'],
      ['济源', '济源市', '419001'],
      ['Beijing', '北京市', '110100'],
      ['香港', '香港特别行政区', null],
      ['台北', '台北市', null],
      ['蘇州', '苏州市', '320500'],
    ];
    const out = await alone('city', cases.map((c) => c[0]));
    expect(out).toEqual(cases.map(([, name, code]) => [name, code, false]));
  });

  it('recognises districts; a name shared by several districts keeps its name but gets no code without a city', async () => {
    const out = await alone('district', ['海淀区', '海淀', '浦东新区', '浦东', '南山区', '朝阳区', '城口县']);
    expect(out).toEqual([
      ['海淀区', '110108', false],
      ['海淀区', '110108', false],
      ['浦东新区', '310115', false],
      ['浦东新区', '310115', false],
      ['南山区', null, false],
      ['朝阳区', null, false],
      ['城口县', '500229', false],
    ]);
  });

  it('flags unknown names: NULL value and code', async () => {
    expect(await alone('province', ['火星', '广东深圳', null, '-'])).toEqual([
      [null, null, true],
      [null, null, true],
      [null, null, false],
      [null, null, false],
    ]);
    expect(await alone('city', ['深圳市南山区', '哥谭市'])).toEqual([
      [null, null, true],
      [null, null, true],
    ]);
  });

  it('resolves a district within its city, else within its province', async () => {
    const rows = await together([
      ['广东', '深圳', '南山区'],
      ['北京', '北京', '朝阳区'],
      ['吉林', '长春', '朝阳区'],
      ['辽宁', null, '朝阳县'],
      ['北京市', null, '朝阳'],
      [null, '长春市', '朝阳区'],
      ['重庆', '重庆', '城口县'],
      ['上海', '市辖区', '浦东'],
      ['香港', '香港', '中西区'],
    ]);
    const view = rows.map((r) => [r.province_code, r.city, r.city_code, r.district, r.district_code]);
    expect(view).toEqual([
      ['440000', '深圳市', '440300', '南山区', '440305'],
      ['110000', '北京市', '110100', '朝阳区', '110105'],
      ['220000', '长春市', '220100', '朝阳区', '220104'],
      ['210000', null, null, '朝阳县', '211321'],
      ['110000', null, null, '朝阳区', '110105'],
      [null, '长春市', '220100', '朝阳区', '220104'],
      ['500000', '重庆市', '500100', '城口县', '500229'],
      ['310000', '上海市', '310100', '浦东新区', '310115'],
      ['810000', '香港特别行政区', null, '中西区', null],
    ]);
    expect(rows.every((r) => !r.province_invalid && !r.city_invalid && !r.district_invalid)).toBe(true);
  });

  it('flags a city outside its province and a district outside its city', async () => {
    const rows = await together([
      ['广东', '杭州', '西湖区'],
      ['北京', '北京', '南山区'],
      ['火星', '深圳', '南山区'],
    ]);
    expect(rows.map((r) => [r.province, r.province_invalid, r.city, r.city_invalid, r.district, r.district_code, r.district_invalid])).toEqual([
      ['广东省', false, null, true, null, null, true],
      ['北京市', false, '北京市', false, null, null, true],
      // An unrecognised province does not block the city (looked up nationwide) and the district (within the city).
      [null, true, '深圳市', false, '南山区', '440305', false],
    ]);
  });

  it('is used by cleanFieldsSql for the region fields of an entity, with derived codes named after the fields', async () => {
    const customers = ENTITIES.find((e) => e.name === 'customers')!;
    const sql = cleanFieldsSql(customers.fields, { province: 'p', city: 'c', district: 'd', name: 'n' }, cfg());
    expect(Object.keys(sql).sort()).toEqual(['city', 'district', 'name', 'province']);
    expect(Object.keys(sql.district!.derived)).toEqual(['district_code']);
    const r = await db.query(`SELECT ${sql.district!.value} AS d, ${sql.district!.derived.district_code} AS code FROM (VALUES ('吉林省', '长春', '朝阳区', '张三')) t(p, c, d, n)`);
    expect(r.rows[0]).toEqual({ d: '朝阳区', code: '220104' });
    const billing = cleanFieldSql(f('province', 'billing_province'), 'p', cfg());
    expect(Object.keys(billing.derived)).toEqual(['billing_province_code']);
  });

  it('can be switched off (the cleaned text is kept, no code)', async () => {
    const sql = cleanFieldSql(f('province'), 'raw', cfg({ disabled: ['region_normalize'] }));
    expect(await db.texts((raw) => sql.value.replaceAll('raw', raw), [' 粤 '])).toEqual(['粤']);
  });

  it('builds an unambiguous lookup: one row per level, scope and key', () => {
    const rows = regionRows();
    const ids = new Set(rows.map((r) => `${r.level}|${r.scope}|${r.key}`));
    expect(ids.size).toBe(rows.length);
    expect(rows.filter((r) => r.level === 'p' && r.scope === '*').map((r) => r.name)).toContain('新疆维吾尔自治区');
    // 市辖区 is a city only within a municipality.
    expect(rows.filter((r) => r.key === '市辖区').map((r) => `${r.scope}→${r.name}`).sort()).toEqual(['上海市→上海市', '北京市→北京市', '天津市→天津市', '重庆市→重庆市']);
  });
});
