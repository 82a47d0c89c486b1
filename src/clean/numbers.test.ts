import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDef, FieldType } from '../schema/index.js';
import { cleanFieldSql, DEFAULT_CLEAN_CONFIG, setupCleaning, type CleanConfig } from './index.js';
import { ruleHarness } from './test-db.js';

const { f, cfg, db: testDb, clean, invalid } = ruleHarness();

describe('id_normalize', () => {
  it('repairs ids a spreadsheet turned into numbers', async () => {
    const inputs = ['17850.0', '17850.00', ' 17850 ', '1.785E+04', '1.78501E+05', '6.22848E+11', '00123', '00123.0', 'C536365', 'A-1001', '17850.5', '1.5E+00', '订单001', '1.785e+04'];
    const expected = ['17850', '17850', '17850', '17850', '178501', '622848000000', '00123', '00123', 'C536365', 'A-1001', '17850.5', '1.5E+00', '订单001', '17850'];
    expect(await clean('id', inputs)).toEqual(expected);
    expect(await invalid('id', inputs)).toEqual(inputs.map(() => false));
  });

  it('leaves scientific numbers beyond double precision alone', async () => {
    expect(await clean('id', ['1.23456789012345E+18'])).toEqual(['1.23456789012345E+18']);
  });

  it('can be switched off', async () => {
    expect(await clean('id', ['17850.0'], { disabled: ['id_normalize'] })).toEqual(['17850.0']);
  });
});

describe('amount_parse', () => {
  it('strips currency signs, words and thousands separators', async () => {
    const inputs = ['¥1,234.50', '￥1,234.5', 'RMB 1,234.50', 'CNY1234.5', '1234.50元', '$1,234.50', '1 234.50', '1,234,567.89', '０．５', '.5', '12', '+12.3'];
    expect(await clean('money', inputs)).toEqual(['1234.50', '1234.50', '1234.50', '1234.50', '1234.50', '1234.50', '1234.50', '1234567.89', '0.50', '0.50', '12.00', '12.30']);
  });

  it('applies 万 and 亿', async () => {
    expect(await clean('money', ['1.5万', '1.5万元', '¥2.35万', '3亿', '1.23456万', '0.5万亿', '-2万'])).toEqual(['15000.00', '15000.00', '23500.00', '300000000.00', '12345.60', '500000000000.00', '-20000.00']);
  });

  it('reads accounting parentheses and trailing minus as negative', async () => {
    expect(await clean('money', ['(1,234.50)', '1234.50-', '-¥1,234.50', '¥-1,234.50', '（１，２３４．５０）', '−12.5'])).toEqual(['-1234.50', '-1234.50', '-1234.50', '-1234.50', '-1234.50', '-12.50']);
  });

  it('rounds half away from zero to two decimals', async () => {
    // 1.005 → 1.01, -1.005 → -1.01, 2.675 → 2.68 (exact decimal arithmetic, unlike binary floating point);
    // 1.0049999 → 1.00 (no double rounding).
    expect(await clean('money', ['1.005', '-1.005', '2.675', '0.125', '1.0049999', '1.2345万'])).toEqual(['1.01', '-1.01', '2.68', '0.13', '1.00', '12345.00']);
  });

  it('rejects what is not an amount', async () => {
    const inputs = ['abc', '1,23', '12,345,67', '1.2.3', '12%', '(12', '约100', '1e400', '99999999999999999', 'inf', 'NaN元', '999999999999万亿', '12,345万亿'];
    expect(await clean('money', inputs)).toEqual(inputs.map(() => null));
    expect(await invalid('money', inputs)).toEqual(inputs.map(() => true));
    expect(await invalid('money', [null, '', '-'])).toEqual([false, false, false]);
  });

  it('can be switched off (plain cast)', async () => {
    expect(await clean('money', ['¥1,234.50', '1234.5'], { disabled: ['amount_parse'] })).toEqual([null, '1234.50']);
  });
});

describe('number_parse', () => {
  it('parses whole numbers into BIGINT and rejects fractions', async () => {
    const inputs = ['42', '1,234', '1.5万', '12.0', ' 7 ', '-3', '(5)', '12.5', '12%', '2亿', '9223372036854775807'];
    expect(await clean('int', inputs)).toEqual(['42', '1234', '15000', '12', '7', '-3', '-5', null, null, '200000000', '9223372036854775807']);
    expect(await invalid('int', ['12.5', '12%', 'x', '999999999999万亿'])).toEqual([true, true, true, true]);
  });

  it('parses decimals into DOUBLE with percentages as fractions', async () => {
    const out = await testDb().eval((raw) => cleanFieldSql(f('decimal'), raw, cfg()).value, ['12.5%', '3.5', '1,234.5', '1.5万', '-0.25', '60%', '(2.5)', 'inf', 'abc', '1e3']);
    expect(out).toEqual([0.125, 3.5, 1234.5, 15000, -0.25, 0.6, -2.5, null, null, 1000]);
  });

  it('can be switched off', async () => {
    expect(await clean('int', ['1,234', '12'], { disabled: ['number_parse'] })).toEqual([null, '12']);
  });
});
