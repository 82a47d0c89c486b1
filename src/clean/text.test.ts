import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDef, FieldType } from '../schema/index.js';
import { cleanFieldSql, DEFAULT_CLEAN_CONFIG, setupCleaning, type CleanConfig } from './index.js';
import { TestWarehouse } from './test-db.js';

const f = (type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ name: 'f', type, label: 'f', labelZh: '字段', ...extra });
const cfg = (c: Partial<CleanConfig> = {}): CleanConfig => ({ ...DEFAULT_CLEAN_CONFIG, ...c });

let db: TestWarehouse;
beforeAll(async () => {
  db = await TestWarehouse.open();
  await setupCleaning(db);
});
afterAll(async () => db.close());

const clean = (field: FieldDef, inputs: (string | null)[], c: Partial<CleanConfig> = {}) => db.texts((raw) => cleanFieldSql(field, raw, cfg(c)).value, inputs);
const invalid = (field: FieldDef, inputs: (string | null)[], c: Partial<CleanConfig> = {}) => db.eval((raw) => cleanFieldSql(field, raw, cfg(c)).invalid, inputs);

describe('trim', () => {
  it('strips ASCII and Unicode whitespace, zero-width characters and the BOM from both ends', async () => {
    const out = await clean(f('text'), [' \u3000 张三 \u00a0', '\ufeff12345', '\u200b李四\u200b', '\t王五\r\n', '张 三', '\u2003赵六\u202f']);
    expect(out).toEqual(['张三', '12345', '李四', '王五', '张 三', '赵六']);
  });

  it('removes zero-width spaces inside the value too', async () => {
    expect(await clean(f('id'), ['178\u200b50'])).toEqual(['17850']);
  });

  it('turns empty and blank values into missing', async () => {
    expect(await clean(f('text'), ['', '   ', '\u3000\u3000', '\u00a0', null])).toEqual([null, null, null, null, null]);
  });

  it('can be switched off', async () => {
    expect(await clean(f('text'), [' 张三 '], { disabled: ['trim'] })).toEqual([' 张三 ']);
  });
});

describe('null_tokens', () => {
  it('turns placeholders into missing values', async () => {
    const tokens = ['NULL', 'null', 'N/A', 'NA', '-', '--', '—', '无', '空', '(空)', '（空）', '#N/A', 'nan', 'None'];
    expect(await clean(f('text'), tokens)).toEqual(tokens.map(() => null));
    expect(await invalid(f('date'), ['无', '-', '#N/A'])).toEqual([false, false, false]);
  });

  it('keeps values that merely start with or contain a token', async () => {
    expect(await clean(f('text'), ['无锡', 'Nancy', '空调', '-5', '0'])).toEqual(['无锡', 'Nancy', '空调', '-5', '0']);
  });

  it('keeps tokens that are meaningful for the field: 无 is false for a bool, none for a campaign response', async () => {
    expect(await clean(f('bool'), ['无', '有'])).toEqual(['false', 'true']);
    const response = f('enum', { values: ['none', 'open', 'click', 'visit', 'purchase', 'unsubscribe', 'unknown'] });
    expect(await clean(response, ['无'])).toEqual(['none']);
  });

  it('can be switched off', async () => {
    expect(await clean(f('text'), ['NULL'], { disabled: ['null_tokens'] })).toEqual(['NULL']);
  });
});

describe('fullwidth_to_halfwidth', () => {
  it('converts full-width letters, digits and punctuation in structured fields', async () => {
    expect(await clean(f('id'), ['ＡＢＣ－１２３', 'ｏｒｄｅｒ＿００１'])).toEqual(['ABC-123', 'order_001']);
    expect(await clean(f('money'), ['１，２３４．５０'])).toEqual(['1234.50']);
    expect(await clean(f('email'), ['ＺＨＡＮＧ＠ＱＱ．ＣＯＭ'])).toEqual(['zhang@qq.com']);
    expect(await clean(f('phone'), ['１３８\u3000１２３４\u3000５６７８'])).toEqual(['+8613812345678']);
  });

  it('converts only letters, digits and the ideographic space in free text, keeping Chinese punctuation', async () => {
    expect(await clean(f('text'), ['北京市朝阳区建国路８８号（北门），３层', 'Ｔｏｍ\u3000Ｌｅｅ'])).toEqual(['北京市朝阳区建国路88号（北门），3层', 'Tom Lee']);
  });

  it('can be switched off', async () => {
    expect(await clean(f('id'), ['ＡＢＣ１２３'], { disabled: ['fullwidth_to_halfwidth'] })).toEqual(['ＡＢＣ１２３']);
  });
});

describe('traditional_to_simplified', () => {
  const on = { traditionalToSimplified: true };

  it('is off by default', async () => {
    expect(await clean(f('text'), ['臺灣省臺北市'])).toEqual(['臺灣省臺北市']);
    expect(cleanFieldSql(f('text'), 'raw', cfg()).steps.map((s) => s.rule)).not.toContain('traditional_to_simplified');
  });

  it('converts Traditional to Simplified through the OpenCC UDF, phrase-aware', async () => {
    const out = await clean(f('text'), ['臺灣省臺北市信義區', '頭髮', '後來', '乾隆皇帝', '乾燥', '發展', 'Hello 123', null], on);
    expect(out).toEqual(['台湾省台北市信义区', '头发', '后来', '乾隆皇帝', '干燥', '发展', 'Hello 123', null]);
  });

  it('applies to enums and regions before their lookup', async () => {
    const status = f('enum', { values: ['created', 'paid', 'shipped', 'received', 'completed', 'cancelled', 'refunded', 'unknown'] });
    expect(await clean(status, ['已發貨', '已簽收'], on)).toEqual(['shipped', 'received']);
    expect(await clean(status, ['已發貨'])).toEqual(['unknown']);
  });

  it('calls the UDF only for values holding a character OpenCC would change', async () => {
    const counting = await TestWarehouse.open();
    let calls = 0;
    const register = counting.registerFunction!;
    counting.registerFunction = (name, fn) => register(name, (s) => (calls++, fn(s)));
    await setupCleaning(counting);
    const out = await counting.texts((raw) => cleanFieldSql(f('text'), raw, cfg(on)).value, ['北京市朝阳区', 'abc', '臺北', '上海']);
    expect(out).toEqual(['北京市朝阳区', 'abc', '台北', '上海']);
    expect(calls).toBe(1);
    await counting.close();
  });

  it('fails with a clear message on a warehouse that cannot register functions', async () => {
    const plain = await TestWarehouse.open({ udf: false });
    expect(await setupCleaning(plain)).toEqual({ traditionalToSimplified: false });
    await expect(plain.texts((raw) => cleanFieldSql(f('text'), raw, cfg(on)).value, ['臺北'])).rejects.toThrow(/registerFunction/);
    await plain.close();
  });
});

describe('text fields', () => {
  it('are never invalid', async () => {
    expect(await invalid(f('text'), ['任何内容 any text', '', null, '#N/A'])).toEqual([false, false, false, false]);
  });

  it('list their steps with VARCHAR before/after that chain together', () => {
    const sql = cleanFieldSql(f('text'), '"客户名称"', cfg({ traditionalToSimplified: true }));
    expect(sql.steps.map((s) => s.rule)).toEqual(['trim', 'null_tokens', 'fullwidth_to_halfwidth', 'traditional_to_simplified']);
    for (let i = 1; i < sql.steps.length; i++) expect(sql.steps[i]!.before).toBe(sql.steps[i - 1]!.after);
    expect(sql.steps[0]!.before).toContain('"客户名称"');
  });
});

describe('setupCleaning', () => {
  it('is idempotent and creates the rule macros and the region table', async () => {
    const wh = await TestWarehouse.open();
    expect(await setupCleaning(wh)).toEqual({ traditionalToSimplified: true });
    expect(await setupCleaning(wh)).toEqual({ traditionalToSimplified: true });
    const macros = await wh.query(`SELECT DISTINCT function_name AS f FROM duckdb_functions() WHERE function_name LIKE 'tm_clean_%' OR function_name LIKE 'tm_t2s%' ORDER BY 1`);
    expect(macros.rows.map((r) => r.f)).toEqual([
      'tm_clean_decimal', 'tm_clean_email', 'tm_clean_fw', 'tm_clean_fw_text', 'tm_clean_id', 'tm_clean_int', 'tm_clean_money', 'tm_clean_nulls',
      'tm_clean_phone', 'tm_clean_trim', 'tm_clean_ts', 'tm_t2s', 'tm_t2s_lazy',
    ]);
    const n = await wh.query(`SELECT count(*) AS n FROM tm_clean_region_v1`);
    expect(Number(n.rows[0]?.n)).toBeGreaterThan(10_000);
    await wh.close();
  });

  it('skips OpenCC when the import does not ask for Traditional → Simplified', async () => {
    const wh = await TestWarehouse.open();
    expect(await setupCleaning(wh, { ...DEFAULT_CLEAN_CONFIG, traditionalToSimplified: false })).toEqual({ traditionalToSimplified: false });
    await wh.close();
  });
});

describe('json_parse', () => {
  it('keeps valid JSON and flags anything else', async () => {
    const inputs = ['{"渠道": "天猫", "n": 1}', '[1, 2]', '"文本"', '{bad json}', '{"a":', null];
    expect(await clean(f('json'), inputs)).toEqual(['{"渠道": "天猫", "n": 1}', '[1, 2]', '"文本"', null, null, null]);
    expect(await invalid(f('json'), inputs)).toEqual([false, false, false, true, true, false]);
  });
});
