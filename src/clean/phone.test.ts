import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDef, FieldType } from '../schema/index.js';
import { cleanFieldSql, DEFAULT_CLEAN_CONFIG, setupCleaning, type CleanConfig } from './index.js';
import { ruleHarness } from './test-db.js';

const { f, cfg, db: testDb, clean, invalid } = ruleHarness();

/** The oracle: libphonenumber's E.164 when it finds a valid number (CN as the default region), else null. */
function oracle(s: string): string | null {
  const p = parsePhoneNumberFromString(s, 'CN');
  return p?.isValid() ? p.number : null;
}

/**
 * Where our rule and libphonenumber (metadata-driven) intentionally disagree, with the reason.
 * Everything not listed here must agree exactly.
 */
const DEVIATIONS: Record<string, { ours: string | null; why: string }> = {
  '010-12345678转123': { ours: '+861012345678', why: '转123 is an extension (Chinese "transfer to"); libphonenumber does not parse it at all' },
  '138 1234 5678 分机 8': { ours: '+8613812345678', why: '分机 8 is an extension; libphonenumber does not know the Chinese word' },
  '010-12345678-123': { ours: '+861012345678', why: 'a -123 after a complete number is an extension; libphonenumber reads it as part of the number' },
  '0571-8888888': { ours: '+865718888888', why: 'we accept 7-digit local numbers for every 3-digit area code (old records); libphonenumber knows Hangzhou is 8 digits now' },
  '0399-1234567': { ours: '+863991234567', why: 'we do not keep a list of assigned area codes; 0399 is unassigned' },
  '14012345678': { ours: '+8614012345678', why: 'every 1[3-9]X 11-digit number is taken as mobile; 140 is an IoT data range' },
};

const CASES = [
  // mainland mobile with prefixes and separators
  '13812345678', '+86 138 1234 5678', '0086-138-1234-5678', '8613812345678', '(+86)13812345678', '138-1234-5678', '138.1234.5678',
  '013812345678', '+86-186 0000 1111', '19912345678', '16612345678', '14512345678', '17012345678', '14012345678',
  // landlines
  '010-12345678', '(0755)8888 8888', '021 6123 4567', '+86 10 1234 5678', '0755-88888888', '0571-88888888', '0571-8888888',
  '0311-12345678', '0898-66666666', '0851-1234567', '0999-1234567', '+86 (0)10 1234 5678', '86-10-12345678', '0086 10 12345678',
  '0512-6512 3456', '0399-1234567', '010-02345678',
  // extensions
  '010-12345678转123', '010 1234 5678 ext 123', '010-12345678 x88', '010-12345678-123', '138 1234 5678 分机 8',
  // 400 / 800 service numbers (valid: shared cost / toll free)
  '400-123-4567', '800-123-4567', '+86 400 123 4567',
  // invalid
  '95588', '10086', '12345678', '1381234567', '138123456789', '11012345678', '12012345678', '010-1234567', 'abc', '138****5678',
  '852 21234567', '13812345678/13987654321',
];

describe('phone_e164', () => {
  it('agrees with libphonenumber (max metadata, region CN) on valid numbers and flags the ones it rejects', async () => {
    const ours = await clean('phone', CASES);
    const flags = await invalid('phone', CASES);
    const mismatches: string[] = [];
    CASES.forEach((input, i) => {
      const expected = DEVIATIONS[input]?.ours !== undefined ? DEVIATIONS[input]!.ours : oracle(input);
      if (ours[i] !== expected) mismatches.push(`${input}: ours ${ours[i]}, expected ${expected}`);
      if (flags[i] !== (expected === null)) mismatches.push(`${input}: invalid flag ${String(flags[i])}`);
    });
    expect(mismatches).toEqual([]);
    // The deviations are real: libphonenumber does disagree on each of them.
    for (const [input, d] of Object.entries(DEVIATIONS)) expect(oracle(input), `${input}: ${d.why}`).not.toBe(d.ours);
  });

  it('keeps Hong Kong, Macau and Taiwan numbers written with their country code', async () => {
    const inputs = ['+852 2123 4567', '00852 9123 4567', '+853 6612 3456', '+886 912 345 678', '+886 2 2345 6789'];
    const out = await clean('phone', inputs);
    expect(out).toEqual(inputs.map((s) => parsePhoneNumberFromString(s, 'CN')?.number ?? null));
    expect(out).toEqual(['+85221234567', '+85291234567', '+85366123456', '+886912345678', '+886223456789']);
  });

  it('normalises by hand-checked examples', async () => {
    expect(await clean('phone', ['手机：138 1234 5678', 'tel:010-12345678', '１３８１２３４５６７８', null, '-'])).toEqual(['+8613812345678', '+861012345678', '+8613812345678', null, null]);
    expect(await invalid('phone', [null, '-', '12345'])).toEqual([false, false, true]);
  });

  it('can be switched off (the trimmed text is kept unchecked)', async () => {
    expect(await clean('phone', [' 138-1234-5678 '], { disabled: ['phone_e164'] })).toEqual(['138-1234-5678']);
  });
});

describe('email_normalize', () => {
  it('lower-cases and validates local@domain.tld', async () => {
    const inputs = ['Zhang.San@QQ.com', ' li_si+crm@163.COM ', 'mailto:wang@example.com.cn', 'ＺＨＡＯ＠ｓｉｎａ．ｃｎ', 'chen@公司.中国', 'a@b', 'no-at-sign.com', 'x@@y.com', 'x@y..com', '.x@y.com', 'x y@z.com', '张三@qq.com'];
    const expected = ['zhang.san@qq.com', 'li_si+crm@163.com', 'wang@example.com.cn', 'zhao@sina.cn', null, null, null, null, null, null, null, null];
    expect(await clean('email', inputs)).toEqual(expected);
    expect(await invalid('email', inputs)).toEqual(expected.map((e) => e === null));
  });

  it('treats missing as missing, not invalid', async () => {
    expect(await invalid('email', [null, '', '无'])).toEqual([false, false, false]);
  });
});
