import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDef, FieldType } from '../schema/index.js';
import { cleanFieldSql, DEFAULT_CLEAN_CONFIG, setupCleaning, type CleanConfig } from './index.js';
import { ruleHarness } from './test-db.js';

const { f, cfg, db: testDb, clean, invalid } = ruleHarness();

/**
 * Independent oracle for Excel serial dates (1900 date system): day 1 is 1900-01-01 and Excel counts a fictitious
 * 1900-02-29 as day 60, so from day 61 on the date is 1899-12-30 + serial days, before it 1899-12-31 + serial days.
 */
function excelSerial(serial: number): string {
  const base = serial >= 61 ? Date.UTC(1899, 11, 30) : Date.UTC(1899, 11, 31);
  const ms = base + Math.round(serial * 86400) * 1000;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '');
}

/** Independent oracle for zone conversion: the wall clock of an instant in a zone, via Intl. */
function wallClock(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

describe('date_parse', () => {
  it('accepts the common Chinese and international forms', async () => {
    const inputs = ['2023-10-15', '2023/10/15', '2023/1/5', '2023.10.15', '20231015', '2023年10月15日', '2023年1月5日', '2023 年 10 月 15 日', '10/15/2023', '２０２３－１０－１５', '2023-10-15 14:30:00', '2024-02-29'];
    expect(await clean('date', inputs)).toEqual(['2023-10-15', '2023-10-15', '2023-01-05', '2023-10-15', '2023-10-15', '2023-10-15', '2023-01-05', '2023-10-15', '2023-10-15', '2023-10-15', '2023-10-15', '2024-02-29']);
  });

  it('reads Excel serial numbers (any whole or fractional number 1–2958465 that is not 8 digits), and a bare 4-digit year 1900–2100 as 1 January', async () => {
    const serials = [45214, 45214.5, 1, 59, 61, 2958465, 36526];
    const out = await clean('date', serials.map(String));
    expect(out).toEqual(serials.map((n) => excelSerial(n).slice(0, 10)));
    expect(out).toEqual(['2023-10-15', '2023-10-15', '1900-01-01', '1900-02-28', '1900-03-01', '9999-12-31', '2000-01-01']);
    expect(await clean('date', ['2023', '1999'])).toEqual(['2023-01-01', '1999-01-01']);
    expect(await clean('date', ['123456'])).toEqual([excelSerial(123456).slice(0, 10)]);
  });

  it('converts a zoned date-time to the business time zone before taking the date', async () => {
    expect(await clean('date', ['2023-10-15T20:00:00Z'])).toEqual([wallClock('2023-10-15T20:00:00Z', 'Asia/Shanghai').slice(0, 10)]);
    expect(await clean('date', ['2023-10-15T20:00:00Z'])).toEqual(['2023-10-16']);
  });

  it('rejects impossible and unrecognised dates', async () => {
    const inputs = ['2023-02-30', '2023-13-01', '2023-02-29', '20231315', '2023-00-10', '60', '0', '2958466', '1/5/23', '15/10/2023', '2023-10', 'abc', '2023年13月1日', '2023-10-15 14:30+15'];
    expect(await clean('date', inputs)).toEqual(inputs.map(() => null));
    expect(await invalid('date', inputs)).toEqual(inputs.map(() => true));
    expect(await invalid('date', [null, '', '无'])).toEqual([false, false, false]);
  });

  it('can be switched off (plain cast)', async () => {
    expect(await clean('date', ['2023-10-15', '2023年10月15日'], { disabled: ['date_parse'] })).toEqual(['2023-10-15', null]);
  });
});

describe('timestamp_parse', () => {
  it('accepts times with minutes, seconds and fractions, in every date form', async () => {
    const inputs = [
      '2023-10-15 14:30',
      '2023-10-15 14:30:15',
      '2023-10-15 14:30:15.123',
      '2023/10/15 14:30',
      '2023/1/5 8:05',
      '2023.10.15 14:30:15',
      '2023年10月15日 14:30',
      '2023年10月15日14时30分',
      '2023年10月15日 14点30分15秒',
      '2023-10-15T14:30:00',
      '20231015143000',
      '2023-10-15',
      '2023-10-15 下午2:30',
      '2023-10-15 2:30 PM',
    ];
    expect(await clean('timestamp', inputs)).toEqual([
      '2023-10-15 14:30:00',
      '2023-10-15 14:30:15',
      '2023-10-15 14:30:15.123',
      '2023-10-15 14:30:00',
      '2023-01-05 08:05:00',
      '2023-10-15 14:30:15',
      '2023-10-15 14:30:00',
      '2023-10-15 14:30:00',
      '2023-10-15 14:30:15',
      '2023-10-15 14:30:00',
      '2023-10-15 14:30:00',
      '2023-10-15 00:00:00',
      '2023-10-15 14:30:00',
      '2023-10-15 14:30:00',
    ]);
  });

  it('converts ISO 8601 with Z or an offset to wall-clock time in the business time zone', async () => {
    const inputs = ['2023-10-15T06:30:00Z', '2023-10-15T14:30:00+08:00', '2023-10-15T08:30:00+02:00', '2023-10-15T01:30:00.250-05:00', '2023-10-15 06:30:00 UTC', '2023-10-15T06:30:00.000+0000'];
    expect(await clean('timestamp', inputs)).toEqual(['2023-10-15 14:30:00', '2023-10-15 14:30:00', '2023-10-15 14:30:00', '2023-10-15 14:30:00.25', '2023-10-15 14:30:00', '2023-10-15 14:30:00']);
    // Another zone, across the 2023 DST change in New York (12 March, 02:00 EST → 03:00 EDT).
    const ny = ['2023-03-12T06:00:00Z', '2023-03-12T12:00:00Z'];
    expect(await clean('timestamp', ny, { timeZone: 'America/New_York' })).toEqual(ny.map((s) => wallClock(s, 'America/New_York')));
    expect(await clean('timestamp', ny, { timeZone: 'America/New_York' })).toEqual(['2023-03-12 01:00:00', '2023-03-12 08:00:00']);
  });

  it('takes naive times as wall clock in the business time zone, unconverted', async () => {
    expect(await clean('timestamp', ['2023-10-15 14:30'], { timeZone: 'Europe/London' })).toEqual(['2023-10-15 14:30:00']);
  });

  it('reads US-style M/D/YYYY H:MM as in the UCI Online Retail export', async () => {
    expect(await clean('timestamp', ['12/1/2010 8:26', '12/9/2011 12:50', '1/4/2011 10:00:05', '12/1/2010 8:26 PM'])).toEqual(['2010-12-01 08:26:00', '2011-12-09 12:50:00', '2011-01-04 10:00:05', '2010-12-01 20:26:00']);
  });

  it('reads Excel serial date-times to the second', async () => {
    const serials = [45214.5, 45214.35138888889, 40513.35138888889];
    const out = await clean('timestamp', serials.map(String));
    expect(out).toEqual(serials.map(excelSerial));
    expect(out).toEqual(['2023-10-15 12:00:00', '2023-10-15 08:26:00', '2010-12-01 08:26:00']);
  });

  it('prefers YYYYMMDD over a serial for 8 digits', async () => {
    expect(await clean('timestamp', ['20231015', '45214'])).toEqual(['2023-10-15 00:00:00', excelSerial(45214)]);
  });

  it('rejects impossible times', async () => {
    const inputs = ['2023-10-15 25:00', '2023-10-15 14:61', '2023-02-30 10:00', '2023-10-15T14:30:00+25:00', '明天'];
    expect(await clean('timestamp', inputs)).toEqual(inputs.map(() => null));
    expect(await invalid('timestamp', inputs)).toEqual(inputs.map(() => true));
  });

  it('rejects an unknown time zone when generating the SQL', () => {
    expect(() => cleanFieldSql(f('timestamp'), 'raw', cfg({ timeZone: 'Mars/Olympus' }))).toThrow(/unknown time zone/);
  });

  it('reports rewritten values as changed and canonical ones as unchanged', async () => {
    const sql = cleanFieldSql(f('timestamp'), 'raw', cfg());
    const step = sql.steps.find((s) => s.rule === 'timestamp_parse')!;
    const changed = await testDb().eval((raw) => `(${step.before.replaceAll('raw', raw)}) IS DISTINCT FROM (${step.after.replaceAll('raw', raw)})`, ['2023-10-15 14:30:00', '2023年10月15日 14:30', 'bad']);
    // 'bad' is not counted as changed by the rule: it is reported as invalid instead.
    expect(changed).toEqual([false, true, false]);
    expect(await invalid('timestamp', ['bad'])).toEqual([true]);
  });
});
