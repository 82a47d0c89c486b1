import { describe, expect, it } from 'vitest';
import {
  cellText,
  displayWidth,
  exitCodeFor,
  formatBytes,
  formatCommanderMessage,
  formatNumber,
  oneLine,
  parsePositiveInt,
  Progress,
  renderPairs,
  renderTable,
  reportError,
  truncate,
  UsageError,
  wantJson,
} from './output.js';
import { WarehouseError } from '../warehouse/port.js';

class FakeStream {
  out = '';
  columns = 80;
  constructor(readonly isTTY: boolean) {}
  write(s: string): boolean {
    this.out += s;
    return true;
  }
}

describe('display width', () => {
  it('counts CJK and fullwidth characters as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('客户')).toBe(4);
    expect(displayWidth('a客b')).toBe(4);
    expect(displayWidth('（，）￥')).toBe(8); // fullwidth punctuation and yen
    expect(displayWidth('、。「」')).toBe(8); // CJK punctuation
    expect(displayWidth('한국')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1); // e + combining acute
    expect(displayWidth('𠀀')).toBe(2); // CJK extension B, outside the BMP
  });

  it('truncates by columns, not characters', () => {
    expect(truncate('上海市浦东新区', 7)).toBe('上海市…');
    expect(displayWidth(truncate('上海市浦东新区', 7))).toBeLessThanOrEqual(7);
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('numbers', () => {
  it('groups thousands', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(-1234.5)).toBe('-1,234.5');
    expect(formatNumber(1234.5, 2)).toBe('1,234.50');
    expect(formatNumber('9007199254740993')).toBe('9,007,199,254,740,993');
    expect(formatNumber(12n ** 20n)).toBe('3,833,759,992,447,475,122,176');
    expect(formatNumber(0)).toBe('0');
  });

  it('formats cells by DuckDB type', () => {
    expect(cellText(12.5, { type: 'DECIMAL(18,2)' })).toBe('12.50');
    expect(cellText(null, { nullText: 'NULL' })).toBe('NULL');
    expect(cellText(['a', 'b'])).toBe('["a","b"]');
    expect(cellText('a\nb')).toBe('a↵b');
    expect(cellText(true)).toBe('true');
  });

  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});

describe('tables', () => {
  const rows = [
    { city: '上海', customers: 1234567, revenue: 12.5 },
    { city: 'Chengdu', customers: 8, revenue: 1000 },
    { city: '乌鲁木齐市', customers: 42, revenue: null },
  ];
  const table = renderTable(
    [
      { key: 'city', header: '城市' },
      { key: 'customers', header: 'customers' },
      { key: 'revenue', header: '销售额', type: 'DECIMAL(18,2)' },
    ],
    rows,
  );
  const lines = table.trimEnd().split('\n');

  it('aligns columns by display width and right-aligns numbers with thousands separators', () => {
    expect(table).toBe(
      [
        '城市        customers    销售额',
        '──────────  ─────────  ────────',
        '上海        1,234,567     12.50',
        'Chengdu             8  1,000.00',
        '乌鲁木齐市         42',
        '',
      ].join('\n'),
    );
    // The end of the customers column is at the same display column on every line.
    const endOf = (line: string, token: string) => displayWidth(line.slice(0, line.indexOf(token) + token.length));
    expect(new Set([endOf(lines[0]!, 'customers'), endOf(lines[2]!, '1,234,567'), endOf(lines[3]!, ' 8 ') - 1, endOf(lines[4]!, '42')]).size).toBe(1);
  });

  it('fits a terminal by cutting the widest cells', () => {
    const wide = [{ id: 'C1', address: '上海市浦东新区世纪大道100号环球金融中心79层', note: 'x'.repeat(50) }];
    const cols = [{ key: 'id' }, { key: 'address' }, { key: 'note' }];
    const out = renderTable(cols, wide, { maxTotalWidth: 60 });
    for (const l of out.trimEnd().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(60);
    expect(out).toContain('…');
    // Cannot fit: left whole.
    const many = Array.from({ length: 20 }, (_, i) => ({ key: `column_${i}` }));
    expect(renderTable(many, [{}], { maxTotalWidth: 40 })).toContain('column_19');
  });

  it('aligns label/value pairs with CJK labels', () => {
    const out = renderPairs([
      ['仓库', '/x'],
      ['Time zone', 'Asia/Shanghai'],
    ]).split('\n');
    expect(displayWidth(out[0]!.slice(0, out[0]!.indexOf('/x')))).toBe(displayWidth(out[1]!.slice(0, out[1]!.indexOf('Asia'))));
  });
});

describe('JSON or tables', () => {
  it('is JSON when --json is given or stdout is not a terminal', () => {
    expect(wantJson({}, { isTTY: false })).toBe(true);
    expect(wantJson({}, {})).toBe(true);
    expect(wantJson({}, { isTTY: true })).toBe(false);
    expect(wantJson({ json: true }, { isTTY: true })).toBe(true);
  });
});

describe('progress', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const s = new FakeStream(false);
    const p = new Progress('Exporting', s);
    for (let i = 0; i <= 100; i++) p.update(i, 100);
    p.done();
    expect(s.out).toBe('');
  });

  it('is throttled on a terminal and clears its line', () => {
    const s = new FakeStream(true);
    let t = 0;
    const p = new Progress('Exporting', s, 100, () => t);
    p.update(1, 1000);
    for (let i = 2; i < 500; i++) {
      t += 1; // 1 ms apart: only every 100th update draws
      p.update(i, 1000);
    }
    const draws = s.out.split('\r').filter(Boolean).length;
    expect(draws).toBeGreaterThanOrEqual(4);
    expect(draws).toBeLessThanOrEqual(6);
    expect(s.out).toContain('Exporting [');
    p.update(1000, 1000); // the end always draws
    expect(s.out).toContain('100% 1,000/1,000');
    p.done();
    expect(s.out.endsWith('\r')).toBe(true);
  });
});

describe('errors', () => {
  it('maps errors to exit codes', () => {
    expect(exitCodeFor(new UsageError('--x: bad'))).toBe(2);
    expect(exitCodeFor(new WarehouseError('locked'))).toBe(1);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor(Object.assign(new Error('x'), { code: 'commander.unknownOption', exitCode: 1 }))).toBe(2);
    expect(exitCodeFor(Object.assign(new Error('x'), { code: 'commander.helpDisplayed', exitCode: 0 }))).toBe(0);
  });

  it('reports one line on stderr', () => {
    const s = new FakeStream(false);
    const code = reportError(new Error('Binder Error: column "x" not found\n\nLINE 1: SELECT x\n               ^'), s);
    expect(code).toBe(1);
    expect(s.out).toBe('tidemark: Binder Error: column "x" not found\n');
    expect(oneLine('\n  a  b \n c')).toBe('a b');
  });

  it('rewrites commander messages as one tidemark: line', () => {
    expect(formatCommanderMessage("error: unknown option '--frm'\n(Did you mean --from?)\n")).toBe("tidemark: unknown option '--frm' (Did you mean --from?)\n");
  });

  it('names the flag of a bad integer', () => {
    expect(parsePositiveInt('--limit', '20')).toBe(20);
    expect(() => parsePositiveInt('--limit', 'abc')).toThrow(/--limit must be a positive integer/);
    expect(() => parsePositiveInt('--limit', '0')).toThrow(UsageError);
    expect(() => parsePositiveInt('--limit', '-3')).toThrow(UsageError);
  });
});
