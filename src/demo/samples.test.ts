import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSamples, type SampleManifest } from './samples.js';

const CHECKED_IN = resolve(import.meta.dirname, '../../samples');

let dir: string;
let m: SampleManifest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-samples-'));
  m = await writeSamples(dir);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function customersCsv(d: string): string[][] {
  const text = iconv.decode(readFileSync(join(d, 'customers_gbk.csv')), 'gbk');
  return text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

/** An independent check of a mobile number: what a cleaner should accept. */
function mobileOk(raw: string): boolean {
  const half = raw.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const digits = half.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits);
}

async function xlsxRows(file: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : v))));
  return rows;
}

describe('sample files', () => {
  it('are small', () => {
    const total = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThan(200 * 1024);
  });

  it('match the checked-in copies in samples/', async () => {
    for (const f of ['README.md', 'customers_gbk.csv', 'sales_lines.csv', 'empty.csv', 'broken_quote.csv', 'missing_required.csv']) {
      expect(readFileSync(join(CHECKED_IN, f)).equals(readFileSync(join(dir, f))), `${f} is stale: regenerate with node dist/src/demo/samples.js samples`).toBe(true);
    }
    expect(await xlsxRows(join(CHECKED_IN, 'orders.xlsx'))).toEqual(await xlsxRows(join(dir, 'orders.xlsx')));
  });

  it('customers_gbk.csv has the dirt the README promises', () => {
    const rows = customersCsv(dir);
    expect(rows[0]).toEqual(['客户编号', '姓名', '性别', '手机号', '邮箱', '省份', '城市', '注册时间', '会员等级']);
    const data = rows.slice(1);
    expect(data).toHaveLength(m.customers.rows);
    expect(new Set(data.map((r) => r[0])).size).toBe(m.customers.uniqueIds);
    const lines = data.map((r) => r.join(','));
    expect(lines.length - new Set(lines).size).toBe(m.customers.exactDuplicateRows);
    const ids = data.map((r) => r[0]!);
    const repeated = [...new Set(ids.filter((id, k) => ids.indexOf(id) !== k))].sort();
    expect(repeated).toEqual([...m.customers.exactDuplicateIds, ...m.customers.conflictingIds].sort());
    const phones = data.map((r) => r[3]!);
    expect(phones.filter((p) => p !== '' && !mobileOk(p))).toHaveLength(m.customers.phones.invalid);
    expect(phones.filter((p) => p === '')).toHaveLength(m.customers.phones.empty);
    expect(phones.filter((p) => /[０-９]/.test(p))).toHaveLength(m.customers.phones.fullWidth);
    expect(data.filter((r) => /^\d{5}$/.test(r[7]!))).toHaveLength(m.customers.dates['Excel serial']!);
    expect(data.filter((r) => /年/.test(r[7]!))).toHaveLength(m.customers.dates['YYYY年M月D日']!);
    expect(new Set(data.map((r) => r[2]))).toEqual(new Set(['男', '女', 'M', 'F', '1', '2', '']));
    expect(data.some((r) => r[5] === '粤')).toBe(true);
    expect(data.some((r) => r[5] === '上海')).toBe(true);
    expect(m.customers.phones.invalid).toBe(7);
    expect(m.customers.exactDuplicateRows).toBe(8);
    expect(m.customers.conflictingIds).toHaveLength(4);
  });

  it('orders.xlsx mixes date cells, text dates and money text', async () => {
    const rows = await xlsxRows(join(dir, 'orders.xlsx'));
    expect(rows[0]).toEqual(['订单号', '会员卡号', '下单时间', '付款时间', '实际付款金额', '渠道']);
    const data = rows.slice(1);
    expect(data).toHaveLength(m.orders.rows);
    expect(new Set(data.map((r) => r[0])).size).toBe(m.orders.uniqueOrders);
    expect(data.filter((r) => typeof r[2] === 'string' && /^\d{4}-\d\d-\d\dT.*Z$/.test(r[2]))).toHaveLength(m.orders.orderedAt.dateCells);
    expect(data.filter((r) => typeof r[2] === 'number')).toHaveLength(m.orders.orderedAt.serialNumbers);
    expect(data.filter((r) => typeof r[4] === 'string' && r[4].startsWith('¥'))).toHaveLength(m.orders.amounts.yuanSignText);
    expect(data.some((r) => typeof r[4] === 'string' && /¥\d{1,3},\d{3}\.\d\d/.test(r[4]))).toBe(true);
    expect(new Set(data.map((r) => r[5]))).toEqual(new Set(['天猫', '京东', '门店']));
  });

  it('sales_lines.csv is UTF-8 with BOM, with returns, anonymous lines and float ids', () => {
    const buf = readFileSync(join(dir, 'sales_lines.csv'));
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString('utf8').slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('订单号,客户ID,下单时间,商品编号,商品名称,数量,单价');
    const data = lines.slice(1).map((l) => l.split(','));
    expect(data).toHaveLength(m.salesLines.lines);
    expect(data.filter((r) => Number(r[5]) < 0)).toHaveLength(m.salesLines.returnLines);
    expect(data.filter((r) => r[1] === '')).toHaveLength(m.salesLines.linesWithoutCustomer);
    expect(data.filter((r) => /\.0$/.test(r[1]!))).toHaveLength(m.salesLines.floatCustomerIds);
    const net = data.reduce((s, r) => s + Math.round(Number(r[5]) * Number(r[6]) * 100), 0) / 100;
    expect(net).toBeCloseTo(m.salesLines.netAmount, 2);
  });

  it('includes the broken files', () => {
    expect(statSync(join(dir, 'empty.csv')).size).toBe(0);
    const lines = readFileSync(join(dir, 'broken_quote.csv'), 'utf8').split('\n');
    expect(lines[m.broken.brokenQuote.line - 1]).toMatch(/^VIP10003,"[^"]*$/);
    expect(lines.filter((l) => l.includes('"'))).toHaveLength(1);
    const missing = readFileSync(join(dir, 'missing_required.csv'), 'utf8').split('\n').filter(Boolean);
    expect(missing[0]).not.toMatch(/时间|日期/);
    expect(missing).toHaveLength(m.broken.missingRequired.rows + 1);
  });
});
