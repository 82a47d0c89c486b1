import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, tempWarehouse } from '../testing/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { ImportError, importFile } from './index.js';

// Five customers; line 4 repeats line 2 exactly (a duplicate), line 6 repeats key C003 with a later
// updated_at (a conflict: it wins), line 7 has no customer id (quarantined), line 8 has a bad phone.
const HEADER = ['客户编号', '姓名', '性别', '手机号', '省份', '注册时间', '更新时间', '爱好'];
const ROWS = [
  ['C001', '张伟', '男', '138 0013 8000', '广东', '2023/10/15', '2024-01-01', '跑步'],
  ['C002', '王芳', '女', '+86 139-0013-9000', '上海', '2023年10月16日', '2024-01-01', ''],
  ['C001', '张伟', '男', '138 0013 8000', '广东', '2023/10/15', '2024-01-01', '跑步'],
  ['C003', '李娜', 'F', '13700137000', '粤', '20231017', '2024-01-01', ''],
  ['C003', '李娜', 'F', '13700137001', '粤', '20231017', '2024-02-01', '读书'],
  ['', '无名', '男', '13600136000', '北京', '2023-10-18', '2024-01-01', ''],
  ['C004', '刘洋', '1', '12345', '浙江省', '2023-10-19 08:30', '2024-01-01', ''],
];

function csv(rows: string[][], sep = ','): string {
  return [HEADER, ...rows].map((r) => r.join(sep)).join('\r\n') + '\r\n';
}

async function customers(wh: Warehouse) {
  return (await wh.query(`SELECT customer_id, name, gender, phone, province, province_code, registered_at::VARCHAR AS registered_at, extra->>'爱好' AS hobby, _flags FROM customers ORDER BY customer_id`)).rows;
}

describe('import: customers with Chinese headers', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  beforeEach(async () => {
    ctx = await tempWarehouse();
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  const expectedCustomers = [
    // hand-derived from ROWS: C003 from line 6 (later updated_at), C004's phone 12345 is invalid
    { customer_id: 'C001', name: '张伟', gender: 'male', phone: '+8613800138000', province: '广东省', registered_at: '2023-10-15 00:00:00', hobby: '跑步' },
    { customer_id: 'C002', name: '王芳', gender: 'female', phone: '+8613900139000', province: '上海市', registered_at: '2023-10-16 00:00:00', hobby: null },
    { customer_id: 'C003', name: '李娜', gender: 'female', phone: '+8613700137001', province: '广东省', registered_at: '2023-10-17 00:00:00', hobby: '读书' },
    { customer_id: 'C004', name: '刘洋', gender: 'male', phone: null, province: '浙江省', registered_at: '2023-10-19 08:30:00', hobby: null },
  ];

  // records are numbered by line in text files (line 7, after the header) and by record in JSON/Parquet (record 6)
  async function check(file: string, quarantinedAt = 7) {
    const r = await importFile(ctx.wh, { file, entity: 'customers' });
    expect(r.rowsRead).toBe(7);
    expect(r.loaded).toBe(4);
    expect(r.merged).toBe(2);
    expect(r.quarantined).toBe(1);
    expect(r.rowsRead).toBe(r.loaded + r.merged + r.quarantined);
    expect(r.mapping).toMatchObject({ customer_id: '客户编号', name: '姓名', gender: '性别', phone: '手机号', province: '省份', registered_at: '注册时间', updated_at: '更新时间' });
    expect(r.customFields).toEqual(['爱好']);
    const rules = Object.fromEntries(r.rules.map((x) => [`${x.rule}${x.field ? ':' + x.field : ''}`, x.count]));
    expect(rules['duplicate_row']).toBe(1);
    expect(rules['conflict_latest_wins']).toBe(1);
    expect(r.quarantineSample).toHaveLength(1);
    expect(r.quarantineSample[0]?.line).toBe(quarantinedAt);
    expect(r.quarantineSample[0]?.reason).toContain('customer_id');
    const rows = await customers(ctx.wh);
    expect(rows.map(({ _flags, province_code, ...x }) => x)).toEqual(expectedCustomers);
    expect(rows.find((x) => x.customer_id === 'C004')?._flags).toContain('invalid_phone');
    expect(rows.find((x) => x.customer_id === 'C001')?.province_code).toBe('440000');
    const q = (await ctx.wh.query(`SELECT line, reason, raw FROM tm_quarantine`)).rows;
    expect(q).toHaveLength(1);
    expect(JSON.parse(String(q[0]?.raw))).toMatchObject({ 姓名: '无名', 手机号: '13600136000' });
    return r;
  }

  it('UTF-8 CSV with CRLF', async () => {
    const f = join(ctx.dir, 'c.csv');
    writeFileSync(f, csv(ROWS));
    await check(f);
  });

  it('UTF-8 with BOM, tab-separated', async () => {
    const f = join(ctx.dir, 'c.tsv');
    writeFileSync(f, '\ufeff' + csv(ROWS, '\t'));
    const r = await check(f);
    expect(r.encoding).toBe('utf-8');
  });

  it('GBK CSV', async () => {
    const f = join(ctx.dir, 'gbk.csv');
    writeFileSync(f, iconv.encode(csv(ROWS), 'gbk'));
    const r = await check(f);
    expect(r.encoding).toBe('gb18030');
  });

  it('UTF-16LE text as Excel saves it', async () => {
    const f = join(ctx.dir, 'u16.txt');
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(csv(ROWS, '\t'), 'utf-16le')]));
    await check(f);
  });

  it('XLSX with real date cells', async () => {
    const f = join(ctx.dir, 'c.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(HEADER);
    for (const r of ROWS) ws.addRow(r.map((v, i) => (i === 5 && v === '2023/10/15' ? new Date(Date.UTC(2023, 9, 15)) : v)));
    await wb.xlsx.writeFile(f);
    await check(f);
  });

  it('JSON array and NDJSON', async () => {
    const objs = ROWS.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i] === '' ? null : r[i]])));
    const f = join(ctx.dir, 'c.json');
    writeFileSync(f, JSON.stringify(objs));
    await check(f, 6);
    const g = join(ctx.dir, 'c.ndjson');
    writeFileSync(g, objs.map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = await importFile(ctx.wh, { file: g, entity: 'customers' });
    expect(r.loaded).toBe(0);
    expect(r.merged).toBe(6);
  });

  it('Parquet', async () => {
    const src = join(ctx.dir, 'c.csv');
    writeFileSync(src, csv(ROWS));
    const f = join(ctx.dir, 'c.parquet');
    await ctx.wh.run(`COPY (SELECT * FROM read_csv('${src}', all_varchar=true, header=true)) TO '${f}' (FORMAT parquet)`);
    await check(f, 6);
  });

  it('is idempotent: the second import of the same file changes nothing', async () => {
    const f = join(ctx.dir, 'c.csv');
    writeFileSync(f, csv(ROWS));
    await importFile(ctx.wh, { file: f, entity: 'customers' });
    const before = await fingerprint(ctx.wh);
    const r = await importFile(ctx.wh, { file: f, entity: 'customers' });
    expect(r.loaded).toBe(0);
    expect(r.merged).toBe(6);
    expect(r.quarantined).toBe(1);
    const after = await fingerprint(ctx.wh);
    expect(after.customers).toBe(before.customers);
  });

  it('a later file updates changed rows and leaves the others alone', async () => {
    const f = join(ctx.dir, 'c.csv');
    writeFileSync(f, csv(ROWS));
    await importFile(ctx.wh, { file: f, entity: 'customers' });
    const changed = ROWS.map((r) => (r[0] === 'C002' ? [...r.slice(0, 3), '13900139999', ...r.slice(4)] : r));
    const g = join(ctx.dir, 'c2.csv');
    writeFileSync(g, csv(changed));
    const r = await importFile(ctx.wh, { file: g, entity: 'customers' });
    expect(r.tables.customers).toEqual({ inserted: 0, updated: 1, unchanged: 3 });
    expect(r.loaded).toBe(1);
    expect((await ctx.wh.query(`SELECT phone FROM customers WHERE customer_id = 'C002'`)).rows).toEqual([{ phone: '+8613900139999' }]);
    expect((await ctx.wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n).toBe(4);
  });

  it('a mapping file overrides the automatic mapping', async () => {
    const f = join(ctx.dir, 'c.csv');
    writeFileSync(f, 'id,who,mobile\nA1,张三,13800138000\n');
    const r = await importFile(ctx.wh, { file: f, entity: 'customers', mapping: { customer_id: 'id', name: 'who' } });
    expect(r.mapping).toEqual({ customer_id: 'id', name: 'who', phone: 'mobile' });
    await expect(importFile(ctx.wh, { file: f, entity: 'customers', mapping: { nope: 'id' } })).rejects.toThrow(/unknown field "nope"/);
  });
});

describe('import: bad input leaves the warehouse unchanged', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  let before: Record<string, string>;
  beforeEach(async () => {
    ctx = await tempWarehouse();
    const f = join(ctx.dir, 'ok.csv');
    writeFileSync(f, csv(ROWS));
    await importFile(ctx.wh, { file: f, entity: 'customers' });
    before = await fingerprint(ctx.wh);
  });
  afterEach(async () => {
    expect(await fingerprint(ctx.wh)).toEqual(before);
    await ctx.cleanup();
  });

  async function fails(name: string, content: string | Buffer, entity: string, pattern: RegExp, where: { line?: number; column?: string | number } = {}) {
    const f = join(ctx.dir, name);
    writeFileSync(f, content);
    const err = await importFile(ctx.wh, { file: f, entity }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportError);
    const ie = err as ImportError;
    expect(ie.message).toMatch(pattern);
    expect(ie.message).toContain(name);
    if (where.line !== undefined) expect(ie.line).toBe(where.line);
    if (where.column !== undefined) expect(ie.column).toBe(where.column);
  }

  it('empty file', () => fails('empty.csv', '', 'customers', /empty/));
  it('blank file', () => fails('blank.csv', '\n\n  \n', 'customers', /empty/));
  it('unknown entity', () => fails('x.csv', 'a,b\n1,2\n', 'clients', /unknown entity "clients".*customers/));
  it('missing required column', () => fails('noid.csv', '姓名,手机号\n张三,13800138000\n', 'customers', /missing required column customer_id \(客户ID\).*姓名, 手机号/));
  it('undecodable bytes', () =>
    fails('bad.csv', Buffer.concat([Buffer.from('客户编号,姓名\nC1,'), Buffer.from([0xff, 0xfe, 0xfd, 0x80]), Buffer.from('\n')]), 'customers', /undecodable/, { line: 2, column: 4 }));
  it('broken quoting', () => fails('quote.csv', '客户编号,姓名\nC1,"张三\nC2,李四\nC3,王五\n', 'customers', /broken quoting/, { line: 2, column: '姓名' }));
  it('a 10 MB field', () => fails('huge.csv', `客户编号,姓名\nC1,张三\nC2,${'x'.repeat(10 * 1024 * 1024)}\n`, 'customers', /larger than/, { line: 3, column: '姓名' }));
  it('JSON that is not records', () => fails('x.json', '[1, 2, 3]', 'customers', /JSON/));
  it('a missing file', async () => {
    await expect(importFile(ctx.wh, { file: join(ctx.dir, 'nope.csv'), entity: 'customers' })).rejects.toThrow(/nope\.csv: cannot read the file \(ENOENT\)/);
  });
});

describe('import: sales lines', () => {
  it('splits into orders, items, products and returns; anonymous orders flagged; float ids normalised', async () => {
    const ctx = await tempWarehouse();
    try {
      const f = join(ctx.dir, 'lines.csv');
      writeFileSync(
        f,
        [
          '订单号,客户ID,下单时间,商品编号,商品名称,数量,单价',
          'A1,17850.0,2024-06-18 10:00,P1,T恤,2,99.00', // line 2
          'A1,17850.0,2024-06-18 10:00,P2,短裤,1,59.50', // line 3
          'A2,,2024-06-18 11:00,P1,T恤,1,99.00', // line 4: anonymous
          'A3,17850,2024-06-19 09:00,P2,短裤,-1,59.50', // line 5: a return
          'C9001,18000,2024-06-20 09:00,P1,T恤,1,99.00', // line 6: cancellation marker
          'A4,18000,2024-06-21 09:00,P3,帽子,1,', // line 7: no price → quarantined? no: amount missing, quantity present
        ].join('\n') + '\n',
      );
      const r = await importFile(ctx.wh, { file: f, entity: 'sales_lines' });
      expect(r.rowsRead).toBe(6);
      expect(r.rowsRead).toBe(r.loaded + r.merged + r.quarantined);
      const orders = (await ctx.wh.query(`SELECT order_id, customer_id, is_anonymous, amount::DOUBLE AS amount, item_qty FROM orders ORDER BY order_id`)).rows;
      // A1: 2 × 99.00 + 1 × 59.50 = 257.50; A2: 99.00 anonymous; A4 has no price: amount NULL
      expect(orders).toEqual([
        { order_id: 'A1', customer_id: '17850', is_anonymous: false, amount: 257.5, item_qty: 3 },
        { order_id: 'A2', customer_id: null, is_anonymous: true, amount: 99, item_qty: 1 },
        { order_id: 'A4', customer_id: '18000', is_anonymous: false, amount: null, item_qty: 1 },
      ]);
      const returns = (await ctx.wh.query(`SELECT order_id, customer_id, product_id, quantity, amount::DOUBLE AS amount FROM returns ORDER BY return_id`)).rows;
      expect(returns).toEqual([
        { order_id: 'A3', customer_id: '17850', product_id: 'P2', quantity: 1, amount: 59.5 },
        { order_id: null, customer_id: '18000', product_id: 'P1', quantity: 1, amount: 99 },
      ]);
      const items = Number((await ctx.wh.query(`SELECT count(*) AS n FROM order_items`)).rows[0]?.n);
      expect(items).toBe(4);
      const products = (await ctx.wh.query(`SELECT product_id, name FROM products ORDER BY product_id`)).rows;
      expect(products).toEqual([
        { product_id: 'P1', name: 'T恤' },
        { product_id: 'P2', name: '短裤' },
        { product_id: 'P3', name: '帽子' },
      ]);
      const stubs = (await ctx.wh.query(`SELECT customer_id FROM customers WHERE is_stub ORDER BY 1`)).rows.map((x) => x.customer_id);
      expect(stubs).toEqual(['17850', '18000']);
      const again = await importFile(ctx.wh, { file: f, entity: 'sales_lines' });
      expect(again.loaded).toBe(0);
      expect(again.merged).toBe(6);
    } finally {
      await ctx.cleanup();
    }
  });
});
