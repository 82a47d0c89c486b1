import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempWarehouse } from '../testing/index.js';
import { importFile } from './index.js';

// DuckDB's CSV reader reports a line with too few fields once per missing column ("Found: 2", "Found: 3", …, up to
// the header's count minus one) and a line with too many once per extra field. Each such line is one record of the
// file: one quarantine entry, counted once in rows read, and the records after it keep their exact line numbers.

async function quarantine(wh: Awaited<ReturnType<typeof tempWarehouse>>['wh']) {
  return (await wh.query(`SELECT line, reason, raw FROM tm_quarantine ORDER BY line`)).rows.map((r) => ({ line: Number(r.line), reason: String(r.reason), raw: String(r.raw) }));
}

describe('import: a line DuckDB rejects more than once', () => {
  let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
  beforeEach(async () => {
    ctx = await tempWarehouse();
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  it('customers: one quarantine entry per line, exact line numbers after it', async () => {
    const f = join(ctx.dir, 'customers.csv');
    writeFileSync(
      f,
      [
        '客户编号,姓名,性别,手机号,省份,注册时间,更新时间,爱好', // 8 columns
        'C001,张伟,男,13800138000,广东,2023/10/15,2024-01-01,跑步', // line 2
        'bad,line', // line 3: 2 fields (DuckDB: Found 2, 3, 4, 5, 6, 7)
        'x', // line 4: 1 field (Found 1 … 7)
        'C002,王芳,女,13900139000,上海,2023-10-16,2024-01-01,', // line 5
        ',无名,男,13600136000,北京,2023-10-18,2024-01-01,', // line 6: no customer id → quarantined by cleaning
        'C004,刘洋,男,12345,浙江省,2023-10-19,2024-01-01,', // line 7: invalid phone (rule log example)
        'a,b,c,d,e,f,g,h,i,j', // line 8: 10 fields (Found 9, 10)
        ',赵六,男,13500135000,北京,2023-10-20,2024-01-01,', // line 9: no customer id
        'C005,钱七,女,13400134000,江苏,2023-10-21,2024-01-01,', // line 10
      ].join('\n') + '\n',
    );
    const r = await importFile(ctx.wh, { file: f, entity: 'customers' });
    expect(r.rowsRead).toBe(9);
    expect(r.loaded).toBe(4);
    expect(r.merged).toBe(0);
    expect(r.quarantined).toBe(5);
    expect(r.rowsRead).toBe(r.loaded + r.merged + r.quarantined);
    const q = await quarantine(ctx.wh);
    expect(q.map((x) => x.line)).toEqual([3, 4, 6, 8, 9]);
    expect(q[0]).toEqual({ line: 3, reason: 'missing columns: Expected Number of Columns: 8 Found: 2 (header has 8)', raw: 'bad,line' });
    expect(q[1]).toEqual({ line: 4, reason: 'missing columns: Expected Number of Columns: 8 Found: 1 (header has 8)', raw: 'x' });
    expect(q[2]?.reason).toContain('customer_id');
    expect(JSON.parse(q[2]!.raw)).toMatchObject({ 姓名: '无名' });
    expect(q[3]).toEqual({ line: 8, reason: 'too many columns: Expected Number of Columns: 8 Found: 10 (header has 8)', raw: 'a,b,c,d,e,f,g,h,i,j' });
    expect(JSON.parse(q[4]!.raw)).toMatchObject({ 姓名: '赵六' });
    expect(r.quarantineSample.map((x) => x.line)).toEqual([3, 4, 6, 8, 9]);
    const phone = r.rules.find((x) => x.rule.startsWith('invalid_') && x.field === 'phone');
    expect(phone?.examples.map((e) => [e.line, e.before])).toEqual([[7, '12345']]);
    const ids = (await ctx.wh.query(`SELECT customer_id FROM customers ORDER BY 1`)).rows.map((x) => x.customer_id);
    expect(ids).toEqual(['C001', 'C002', 'C004', 'C005']);
  });

  it('sales lines: rows read, quarantine and the lines of later records', async () => {
    const f = join(ctx.dir, 'lines.csv');
    writeFileSync(
      f,
      [
        '订单号,客户ID,下单时间,商品编号,商品名称,数量,单价', // 7 columns
        'A1,17850,2024-06-18 10:00,P1,T恤,2,99.00', // line 2
        'bad,line', // line 3: rejected 5 times by DuckDB
        'A1,17850,2024-06-18 10:00,P2,短裤,1,59.50', // line 4
        'A2,17851,not a date,P1,T恤,1,99.00', // line 5: bad date → quarantined by cleaning
        'A3,17852.0,2024-06-19 09:00,P2,短裤,1,59.50', // line 6: float customer id
        'A3,17852.0,2024-06-19 09:00,P2,短裤,1,59.50', // line 7: repeats line 6 (possible_duplicate)
      ].join('\n') + '\n',
    );
    const r = await importFile(ctx.wh, { file: f, entity: 'sales_lines' });
    expect(r.rowsRead).toBe(6);
    expect(r.quarantined).toBe(2);
    expect(r.rowsRead).toBe(r.loaded + r.merged + r.quarantined);
    const q = await quarantine(ctx.wh);
    expect(q.map((x) => x.line)).toEqual([3, 5]);
    expect(q[0]?.reason).toBe('missing columns: Expected Number of Columns: 7 Found: 2 (header has 7)');
    expect(q[1]?.reason).toContain('ordered_at');
    const ids = r.rules.find((x) => x.rule === 'id_normalize' && x.field === 'customer_id');
    expect(ids?.examples.map((e) => [e.line, e.before])).toEqual([
      [6, '17852.0'],
      [7, '17852.0'],
    ]);
    expect(r.rules.find((x) => x.rule === 'possible_duplicate')?.count).toBe(1);
    const items = (await ctx.wh.query(`SELECT order_id, line_no, product_id, list_contains(_flags, 'possible_duplicate') AS dup FROM order_items ORDER BY order_id, line_no`)).rows;
    expect(items).toEqual([
      { order_id: 'A1', line_no: 1, product_id: 'P1', dup: false },
      { order_id: 'A1', line_no: 2, product_id: 'P2', dup: false },
      { order_id: 'A3', line_no: 1, product_id: 'P2', dup: false },
      { order_id: 'A3', line_no: 2, product_id: 'P2', dup: true },
    ]);
  });
});
