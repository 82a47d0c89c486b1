import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { detectFile, firstInvalidUtf8 } from './detect.js';
import { ImportError } from './errors.js';
import { mapColumns, normaliseHeader } from './mapping.js';
import { importTarget } from './targets.js';

const s = scratch();
afterAll(() => s.cleanup());
function file(name: string, content: string | Buffer): string {
  const p = join(s.dir, name);
  writeFileSync(p, content);
  return p;
}

describe('detectFile', () => {
  it('UTF-8, BOM, GBK, UTF-16', () => {
    expect(detectFile(file('a.csv', '客户,金额\n张三,1\n'))).toMatchObject({ format: 'csv', encoding: 'utf-8', bomLength: 0, delimiter: ',' });
    expect(detectFile(file('b.csv', '\ufeff客户;金额\n'))).toMatchObject({ encoding: 'utf-8', bomLength: 3, delimiter: ';' });
    expect(detectFile(file('c.csv', iconv.encode('客户\t金额\n张三\t1\n', 'gbk')))).toMatchObject({ encoding: 'gb18030', delimiter: '\t' });
    expect(detectFile(file('d.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('a|b\n', 'utf-16le')])))).toMatchObject({ encoding: 'utf-16le', bomLength: 2, delimiter: '|' });
  });
  it('whitespace text, JSON, NDJSON', () => {
    expect(detectFile(file('e.txt', ' id  date   n\r\n 001 19970101  1\r\n'))).toMatchObject({ format: 'text', delimiter: 'whitespace' });
    expect(detectFile(file('f.json', '[{"a":1}]'))).toMatchObject({ format: 'json' });
    expect(detectFile(file('g.data', '{"a":1}\n{"a":2}\n'))).toMatchObject({ format: 'ndjson' });
  });
  it('rejects what it cannot read, naming the file', () => {
    expect(() => detectFile(file('empty.csv', ''))).toThrow(/empty\.csv: the file is empty/);
    expect(() => detectFile(file('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))).toThrow(/\.xls/);
    expect(() => detectFile(file('fake.xlsx', 'a,b\n'))).toThrow(/not xlsx/);
    const err = (() => {
      try {
        detectFile(file('bin.csv', Buffer.from([0x61, 0x0a, 0x62, 0xff, 0xff, 0xff, 0x0a])));
      } catch (e) {
        return e;
      }
    })() as ImportError;
    expect(err).toBeInstanceOf(ImportError);
    expect(err.line).toBe(2);
    expect(err.column).toBe(2);
  });
  it('firstInvalidUtf8 finds the byte', () => {
    expect(firstInvalidUtf8(Buffer.from('中文', 'utf8'), false)).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]), true)).toBe(-1); // cut off at the sample's end
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]), false)).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]), false)).toBe(1); // overlong
  });
});

describe('column mapping', () => {
  it('normalises width, case, blanks and units', () => {
    expect(normaliseHeader('实付金额（元）')).toBe(normaliseHeader('实付金额'));
    expect(normaliseHeader('Customer ID')).toBe('customerid');
    expect(normaliseHeader('ＶＩＰ卡号')).toBe('vip卡号');
  });
  it('maps Chinese synonyms of a Tmall order export', () => {
    const m = mapColumns(importTarget('orders')!, ['订单编号', '买家会员名', 'VIP卡号', '付款时间', '实际付款金额(元)', '订单创建时间', '宝贝种类', '收货地址']);
    // 买家会员名 and VIP卡号 are both customer synonyms: the first column wins, the other is kept as a custom field
    expect(m.fields).toEqual({ order_id: '订单编号', customer_id: '买家会员名', paid_at: '付款时间', paid_amount: '实际付款金额(元)', ordered_at: '订单创建时间' });
    expect(m.custom).toEqual(['VIP卡号', '宝贝种类', '收货地址']);
  });
  it('an explicit mapping wins and is checked', () => {
    const m = mapColumns(importTarget('orders')!, ['单号', '时间'], { order_id: '单号', ordered_at: '时间' });
    expect(m.fields).toEqual({ order_id: '单号', ordered_at: '时间' });
    expect(() => mapColumns(importTarget('orders')!, ['单号'], { order_id: '订单' })).toThrow(/maps to column "订单", which the file does not have; its columns are: 单号/);
    expect(() => mapColumns(importTarget('orders')!, ['单号'], { is_anonymous: '单号' })).toThrow(/unknown field "is_anonymous"/);
  });
});
