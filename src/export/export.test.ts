import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { openWarehouse } from '../warehouse/duckdb.js';
import type { Row, Warehouse } from '../warehouse/port.js';
import { csvField, exportQuery, inferFormat, resultColumns, tableQuery, xlsxCell } from './index.js';
import { excelDate, parquetTypes } from './values.js';

const s = scratch('tidemark-export-');
let wh: Warehouse;

const CUSTOMERS = [
  ['C1', '张三', '上海市', '2024-01-02 03:04:05', '1234.50', true],
  ['C2', '李四, "小李"', '北京市', '2023-12-31 23:59:59', '0.10', false],
  ['C3', '王五\n第二行', '乌鲁木齐市', null, null, null],
] as const;

beforeAll(async () => {
  const path = join(s.dir, 'wh.duckdb');
  const rw = await openWarehouse({ path });
  for (const [id, name, city, at, revenue, consent] of CUSTOMERS) {
    await rw.run(
      `INSERT INTO customers (customer_id, name, city, registered_at, annual_revenue, marketing_consent, birth_date, extra, _flags)
       VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($5 AS DECIMAL(18,2)), $6, DATE '1990-05-17', '{"会员":"金卡"}', ['invalid_phone'])`,
      [id, name, city, at, revenue, consent],
    );
  }
  await rw.close();
  wh = await openWarehouse({ path, readOnly: true });
});

afterAll(async () => {
  await wh?.close();
  s.cleanup();
});

const SQL = `SELECT customer_id, name, city, registered_at, annual_revenue, marketing_consent, birth_date, extra, _flags FROM customers ORDER BY customer_id`;

async function exportTo(file: string, format: 'csv' | 'xlsx' | 'parquet') {
  const columns = await resultColumns(wh, SQL);
  return exportQuery(wh, { sql: SQL, columns, out: join(s.dir, file), format, sheet: 'customers' });
}

describe('CSV', () => {
  it('starts with the UTF-8 BOM, uses CRLF and round-trips Chinese, commas, quotes and line breaks', async () => {
    const r = await exportTo('c.csv', 'csv');
    expect(r.rows).toBe(3);
    const bytes = readFileSync(r.out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFcustomer_id,name,city,registered_at,annual_revenue,marketing_consent,birth_date,extra,_flags');
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(true); // only inside the quoted 王五 value
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.name)).toEqual(['张三', '李四, "小李"', '王五\n第二行']);
    expect(rows[0]).toMatchObject({ city: '上海市', registered_at: '2024-01-02 03:04:05', annual_revenue: '1234.5', marketing_consent: 'true', birth_date: '1990-05-17' });
    expect(JSON.parse(rows[0]!.extra!)).toEqual({ 会员: '金卡' });
    expect(JSON.parse(rows[0]!._flags!)).toEqual(['invalid_phone']);
    expect(rows[2]).toMatchObject({ registered_at: '', annual_revenue: '', marketing_consent: '' });
  });

  it('defuses text Excel would run as a formula, and leaves numbers and signed digits alone', () => {
    expect(['=1+1', '+cmd|x', '-2+3', '@SUM(A1)', '\t=x', '=HYPERLINK("http://x")'].map(csvField)).toEqual(["'=1+1", "'+cmd|x", "'-2+3", "'@SUM(A1)", "'\t=x", `"'=HYPERLINK(""http://x"")"`]);
    expect([-5, '+8613812345678', '-12.50', '张三', 'a=b'].map(csvField)).toEqual(['-5', '+8613812345678', '-12.50', '张三', 'a=b']);
  });

  it('quotes only what needs quoting', () => {
    expect(csvField('上海')).toBe('上海');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });
});

describe('XLSX', () => {
  it('re-reads with exceljs: bold header, the same values, numbers as numbers, dates as dates', async () => {
    const r = await exportTo('c.xlsx', 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(r.out);
    const ws = wb.getWorksheet('customers')!;
    expect(ws).toBeDefined();
    expect(ws.getRow(1).getCell(1).value).toBe('customer_id');
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.rowCount).toBe(4);
    const row = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    const first = row(2);
    expect(first[0]).toBe('C1');
    expect(first[1]).toBe('张三');
    expect(first[2]).toBe('上海市');
    expect(first[3]).toBeInstanceOf(Date);
    expect((first[3] as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z'); // wall clock kept
    expect(ws.getRow(2).getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(first[4]).toBe(1234.5);
    expect(typeof first[4]).toBe('number');
    expect(first[5]).toBe(true);
    expect((first[6] as Date).toISOString()).toBe('1990-05-17T00:00:00.000Z');
    expect(ws.getRow(2).getCell(7).numFmt).toBe('yyyy-mm-dd');
    expect(JSON.parse(first[7] as string)).toEqual({ 会员: '金卡' });
    expect(first[8]).toBe('["invalid_phone"]');
    expect(row(3)[1]).toBe('李四, "小李"');
    expect(row(3)[4]).toBe(0.1);
    expect(row(4)[1]).toBe('王五\n第二行');
    expect(row(4)[3]).toBeUndefined(); // NULL → empty cell
  });

  it('converts cells by column type', () => {
    expect(xlsxCell('2024-02-29', 'date')).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(xlsxCell('1850-01-01', 'date')).toBe('1850-01-01'); // before Excel's calendar: kept as text
    expect(xlsxCell('9007199254740993', 'bigint')).toBe('9007199254740993'); // more digits than Excel keeps
    expect(xlsxCell(42, 'bigint')).toBe(42);
    expect(xlsxCell({ a: 1 }, 'nested')).toBe('{"a":1}');
    expect(excelDate('2024-01-02 03:04:05.123456', 'timestamp')?.toISOString()).toBe('2024-01-02T03:04:05.123Z');
  });
});

describe('Parquet', () => {
  it('keeps the column types', async () => {
    const r = await exportTo('c.parquet', 'parquet');
    expect(readFileSync(r.out).subarray(0, 4).toString()).toBe('PAR1');
    const mem = await openWarehouse({ path: ':memory:' });
    try {
      const back = await mem.query(`SELECT * FROM read_parquet($1) ORDER BY customer_id`, [r.out]);
      expect(Object.fromEntries(back.columns.map((c) => [c.name, c.type]))).toMatchObject({
        registered_at: 'TIMESTAMP',
        annual_revenue: 'DECIMAL(18,2)',
        marketing_consent: 'BOOLEAN',
        birth_date: 'DATE',
        extra: 'VARCHAR', // JSON text
        _flags: 'VARCHAR[]',
      });
      expect(back.rows.map((x) => x.name)).toEqual(['张三', '李四, "小李"', '王五\n第二行']);
      expect(back.rows[0]).toMatchObject({ registered_at: '2024-01-02 03:04:05', annual_revenue: 1234.5, birth_date: '1990-05-17', _flags: ['invalid_phone'] });
      expect(JSON.parse(String(back.rows[0]?.extra))).toEqual({ 会员: '金卡' });
    } finally {
      await mem.close();
    }
  });

  it('names only whitelisted types in its SQL', () => {
    expect(parquetTypes('DECIMAL(18,2)')).toEqual({ stage: 'DECIMAL(18,2)' });
    expect(parquetTypes('VARCHAR[]')).toEqual({ stage: 'JSON', cast: 'VARCHAR[]' });
    expect(parquetTypes(`ENUM('a''); DROP TABLE x; --')`)).toEqual({ stage: 'VARCHAR' });
    expect(parquetTypes('STRUCT("a""b" INTEGER)')).toEqual({ stage: 'JSON' });
    expect(parquetTypes('INTEGER[]); COPY x TO (\'/tmp/y\'')).toEqual({ stage: 'JSON' });
  });
});

describe('files', () => {
  function failingWarehouse(afterRows: number): Warehouse {
    return {
      async *stream(): AsyncIterable<Row[]> {
        yield Array.from({ length: afterRows }, (_, i) => ({ a: i, b: '中文' }));
        throw new Error('disk on fire');
      },
    } as unknown as Warehouse;
  }
  const cols = [
    { name: 'a', type: 'INTEGER' },
    { name: 'b', type: 'VARCHAR' },
  ];

  it.each(['csv', 'xlsx', 'parquet'] as const)('a failed %s export leaves no file and no temp file', async (format) => {
    const dir = join(s.dir, `fail-${format}`);
    const out = join(dir, `x.${format}`);
    await expect(exportQuery(failingWarehouse(5000), { sql: 'x', columns: cols, out, format })).rejects.toThrow('disk on fire');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a failed export leaves an existing file as it was', async () => {
    const out = join(s.dir, 'keep.csv');
    writeFileSync(out, 'old');
    await expect(exportQuery(failingWarehouse(10), { sql: 'x', columns: cols, out, format: 'csv' })).rejects.toThrow();
    expect(readFileSync(out, 'utf8')).toBe('old');
  });

  it('takes columns from the first row when DESCRIBE cannot tell them', async () => {
    const out = join(s.dir, 'show.csv');
    const r = await exportQuery(wh, { sql: 'SHOW TABLES', columns: await resultColumns(wh, 'SHOW TABLES'), out, format: 'csv' });
    expect(r.columns.map((c) => c.name)).toEqual(['name']);
    expect(readFileSync(out, 'utf8')).toContain('\r\ncustomers\r\n');
  });

  it('validates table names against the schema', () => {
    expect(tableQuery('customers')).toBe('SELECT * FROM "customers"');
    expect(tableQuery('tm_quarantine')).toBe('SELECT * FROM "tm_quarantine"');
    expect(tableQuery('customers; DROP TABLE orders')).toBeUndefined();
    expect(tableQuery('duckdb_settings()')).toBeUndefined();
  });

  it('infers the format from the extension', () => {
    expect(inferFormat('a/b/客户.CSV')).toBe('csv');
    expect(inferFormat('x.xlsx')).toBe('xlsx');
    expect(inferFormat('x.parquet')).toBe('parquet');
    expect(inferFormat('x.txt')).toBeUndefined();
  });
});
