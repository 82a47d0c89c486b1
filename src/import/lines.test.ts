import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempWarehouse } from '../testing/index.js';
import { detectFile } from './detect.js';
import { importFile } from './index.js';
import { scanLines } from './lines.js';
import { stageFile } from './stage.js';

// Every staged record keeps its physical source line, whatever sits before it: blank lines (which DuckDB's CSV reader
// skips silently), lines of blanks, rejected lines, quoted values spanning lines, CRLF or CR line ends, GBK/UTF-16.
// In these files the first field of a record names the line it starts on ("L7"), so each test checks itself.

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;

/** Staging twice in one connection: drop what the previous file left (a view or a table, as the pipeline does). */
async function dropStage(ctx: Ctx): Promise<void> {
  const r = await ctx.wh.query(`SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp' AND table_name LIKE 'tm\\_%' ESCAPE '\\'`);
  for (const row of r.rows) await ctx.wh.run(`DROP ${String(row.table_type) === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS temp.main."${String(row.table_name)}"`);
}

async function stage(ctx: Ctx, name: string, content: string | Buffer) {
  await dropStage(ctx);
  const f = join(ctx.dir, name);
  writeFileSync(f, content);
  const d = detectFile(f);
  const tmp = mkdtempSync(join(ctx.dir, 'tmp-'));
  try {
    const lines = d.format === 'csv' && d.encoding === 'utf-8' ? scanLines(f) : undefined;
    lines?.catch(() => undefined);
    const staged = await stageFile(ctx.wh, f, d, tmp, lines);
    const rows = (await ctx.wh.query(`SELECT * FROM tm_stage ORDER BY __line`)).rows.map((r) => ({ line: Number(r.__line), c1: r.c1 == null ? null : String(r.c1), c2: r.c2 == null ? null : String(r.c2) }));
    return { staged, rows, rejects: staged.rejects.map((r) => ({ line: r.line, raw: r.raw })).sort((a, b) => a.line - b.line) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Each record's first field is `L<line>`: the staged line must be that line. */
function expectSelfNumbered(rows: { line: number; c1: string | null }[], expected: number[]): void {
  expect(rows.map((r) => r.line)).toEqual(expected);
  for (const r of rows) if (r.c1 !== null && /^L\d+$/.test(r.c1)) expect(r.line).toBe(Number(r.c1.slice(1)));
}

describe('stage: exact source lines', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    ctx = await tempWarehouse();
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  it('blank lines are no records, and later records keep their lines (LF and CRLF, middle, after the header, at the end)', async () => {
    const lines = ['a,b,c', '', 'L3,x,1', 'L4,x,2', '', '', 'L7,x,3', '', 'L9,x,4', '', ''];
    for (const eol of ['\n', '\r\n']) {
      const r = await stage(ctx, `blank${eol.length}.csv`, lines.join(eol));
      expectSelfNumbered(r.rows, [3, 4, 7, 9]);
      expect(r.rejects).toEqual([]);
      expect(r.staged.rowsAccepted).toBe(4);
    }
  });

  it('a line of only spaces or tabs is a blank line, not a quarantined record', async () => {
    for (const eol of ['\n', '\r\n']) {
      const r = await stage(ctx, `spaces${eol.length}.csv`, ['a,b,c', 'L2,x,1', '   ', '\t', 'L5,x,2', '  ', '', 'L8,x,3', '   '].join(eol) + eol);
      expectSelfNumbered(r.rows, [2, 5, 8]);
      expect(r.rejects).toEqual([]);
    }
  });

  it('a line of only delimiters is a record of empty values (DuckDB reads it as one; cleaning judges it), at its own line', async () => {
    const r = await stage(ctx, 'delims.csv', ['a,b,c', 'L2,x,1', ',,', '', 'L5,x,2', ',,,', 'L7,x,3'].join('\n') + '\n');
    expect(r.rows.map((x) => [x.line, x.c1])).toEqual([
      [2, 'L2'],
      [3, null],
      [5, 'L5'],
      [6, null],
      [7, 'L7'],
    ]);
    expect(r.rejects).toEqual([]);
  });

  it('one column: DuckDB reads a blank line as an empty record; it is dropped, the records keep their lines', async () => {
    const r = await stage(ctx, 'one.csv', ['id', 'L2', '', 'L4', '  ', 'L6', '', '', 'L9', 'L10,x', 'L11', '', ''].join('\n'));
    expectSelfNumbered(r.rows, [2, 4, 6, 9, 11]);
    expect(r.staged.rowsAccepted).toBe(5);
    expect(r.rejects).toEqual([{ line: 10, raw: 'L10,x' }]);
  });

  it('a rejected line after a quoted value spanning lines is reported at its physical line, and so are the records after it', async () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['a,b,c', 'L2,"one', 'two', 'three",1', 'bad', 'L6,x,2', 'L7,"x', '', 'y",3', '', 'also bad', 'L12,x,4'].join(eol) + eol;
      const r = await stage(ctx, `multi${eol.length}.csv`, text);
      expectSelfNumbered(r.rows, [2, 6, 7, 12]);
      expect(r.rows[0]?.c2).toBe(['one', 'two', 'three'].join(eol));
      expect(r.rejects).toEqual([
        { line: 5, raw: 'bad' },
        { line: 11, raw: 'also bad' },
      ]);
    }
  });

  it('a rejected record that itself spans lines counts all its lines', async () => {
    const r = await stage(ctx, 'badmulti.csv', ['a,b,c', 'L2,x,1', 'bad,"x', '', 'y"', 'L6,x,2', '', 'L8,"p', 'q",3'].join('\n'));
    expectSelfNumbered(r.rows, [2, 6, 8]);
    expect(r.rejects).toEqual([{ line: 3, raw: 'bad,"x\n\ny"' }]);
  });

  it('CRLF: the raw text of a rejected line has no stray line feed, also after blank lines', async () => {
    const r = await stage(ctx, 'crlf.csv', ['a,b,c', 'L2,x,1', 'bad', '', '', 'worse,1', 'L7,x,2', 'a,b,c,d', 'L9,x,3'].join('\r\n') + '\r\n');
    expectSelfNumbered(r.rows, [2, 7, 9]);
    expect(r.rejects).toEqual([
      { line: 3, raw: 'bad' },
      { line: 6, raw: 'worse,1' },
      { line: 8, raw: 'a,b,c,d' },
    ]);
  });

  it('a UTF-8 BOM, and CR-only line ends (Excel for Mac)', async () => {
    const text = ['a,b,c', 'L2,x,1', '', 'bad', 'L5,x,2'].join('\n') + '\n';
    const bom = await stage(ctx, 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expectSelfNumbered(bom.rows, [2, 5]);
    expect(bom.rejects).toEqual([{ line: 4, raw: 'bad' }]);
    const cr = await stage(ctx, 'cr.csv', ['a,b,c', 'L2,x,1', 'bad', 'L4,"x', 'y",2', 'L6,x,3'].join('\r') + '\r');
    expectSelfNumbered(cr.rows, [2, 4, 6]);
    expect(cr.rejects).toEqual([{ line: 3, raw: 'bad' }]);
  });

  it('many blank lines and rejected lines (numbered by a copy, not a view), with and without values spanning lines', async () => {
    const plain: string[] = ['a,b,c'];
    const multi: string[] = ['a,b,c'];
    for (let i = 0; i < 150; i++) {
      plain.push(`L${plain.length + 1},x,${i}`, '', i % 3 === 0 ? 'bad' : '');
      multi.push(`L${multi.length + 1},"x`, 'y",1', '', i % 3 === 0 ? 'bad' : '');
    }
    const p = await stage(ctx, 'many.csv', plain.join('\n') + '\n');
    expect(p.rows).toHaveLength(150);
    expectSelfNumbered(p.rows, p.rows.map((r) => Number(r.c1!.slice(1))));
    expect(p.rejects.map((x) => x.line)).toEqual(Array.from({ length: 50 }, (_, k) => 4 + 9 * k));
    const m = await stage(ctx, 'manymulti.csv', multi.join('\n') + '\n');
    expect(m.rows).toHaveLength(150);
    expectSelfNumbered(m.rows, m.rows.map((r) => Number(r.c1!.slice(1))));
    expect(m.rejects.map((x) => x.line)).toEqual(Array.from({ length: 50 }, (_, k) => 5 + 12 * k));
  });

  it('empty lines inside quoted values and blank lines between records, mixed', async () => {
    const text = ['a,b,c', 'L2,"x', '', '', 'y",1', '', 'L7,x,2', 'L8,"p', '', 'q",3', '', '', 'L13,x,4'].join('\n') + '\n';
    const r = await stage(ctx, 'mixed.csv', text);
    expectSelfNumbered(r.rows, [2, 7, 8, 13]);
  });

  it('an error that stops the import names the physical line too', async () => {
    const text = ['a,b,c', 'L2,"x', 'y",1', '', 'L5,"p"q,2', 'L6,x,3'].join('\n') + '\n';
    await expect(stage(ctx, 'broken.csv', text)).rejects.toMatchObject({ line: 5 });
  });

  it('GBK and UTF-16 files (converted first) keep the lines', async () => {
    const text = ['编号,名称,数量', '', 'L3,"第一', '第二",1', '坏行', '   ', 'L7,张三,2', '', 'L9,李四,3', ''].join('\r\n');
    for (const [name, bytes] of [
      ['gbk.csv', iconv.encode(text, 'gbk')],
      ['utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])],
    ] as const) {
      const r = await stage(ctx, name, bytes);
      expectSelfNumbered(r.rows, [3, 7, 9]);
      expect(r.rejects).toEqual([{ line: 5, raw: '坏行' }]);
    }
  });

  it('XLSX: sheet rows, with empty rows, cells holding line breaks and a row beyond the named columns', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.getRow(1).values = ['a', 'b', 'c'];
    ws.getRow(2).values = ['L2', 'one\ntwo', 1];
    ws.getRow(4).values = ['L4', 'x', 2];
    ws.getRow(5).values = ['bad', 'x', 3, 'extra'];
    ws.getRow(6).values = ['L6', 'p\r\nq', 4];
    ws.getRow(9).values = ['L9', 'x', 5];
    const f = join(ctx.dir, 'sheet.xlsx');
    await wb.xlsx.writeFile(f);
    const tmp = mkdtempSync(join(ctx.dir, 'tmp-'));
    const staged = await stageFile(ctx.wh, f, detectFile(f), tmp);
    const rows = (await ctx.wh.query(`SELECT __line, c1 FROM tm_stage ORDER BY __line`)).rows.map((r) => ({ line: Number(r.__line), c1: String(r.c1) }));
    expectSelfNumbered(rows, [2, 4, 6, 9]);
    expect(staged.rejects.map((r) => r.line)).toEqual([5]);
  });
});

describe('import: quarantine and rule-log lines with blank lines, values spanning lines and CRLF', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    ctx = await tempWarehouse();
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  it('customers', async () => {
    const f = join(ctx.dir, 'customers.csv');
    writeFileSync(
      f,
      [
        '客户编号,姓名,手机号,备注', // 1
        'C001,张伟,13800138000,"多行', // 2
        '备注"', // 3
        '', // 4: blank
        'bad,line', // 5: rejected
        '   ', // 6: blank (only spaces)
        'C002,王芳,12345,', // 7: invalid phone (rule-log example)
        ',无名,13600136000,', // 8: no customer id → quarantined by cleaning
        '', // 9: blank
        ',,,', // 10: only delimiters → a record without customer id → quarantined
        'C003,李娜,13700137000,', // 11
        '', // 12, 13: blank at the end
        '',
      ].join('\r\n'),
    );
    const r = await importFile(ctx.wh, { file: f, entity: 'customers' });
    expect(r.rowsRead).toBe(6);
    expect(r.loaded).toBe(3);
    expect(r.quarantined).toBe(3);
    expect(r.rowsRead).toBe(r.loaded + r.merged + r.quarantined);
    const q = (await ctx.wh.query(`SELECT line, raw FROM tm_quarantine ORDER BY line`)).rows.map((x) => [Number(x.line), String(x.raw)]);
    expect(q.map((x) => x[0])).toEqual([5, 8, 10]);
    expect(q[0]?.[1]).toBe('bad,line');
    expect(r.quarantineSample.map((x) => x.line)).toEqual([5, 8, 10]);
    const phone = r.rules.find((x) => x.rule.startsWith('invalid_') && x.field === 'phone');
    expect(phone?.examples.map((e) => [e.line, e.before])).toEqual([[7, '12345']]);
  });
});
