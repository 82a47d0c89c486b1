import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { ImportError } from './errors.js';

export type Format = 'csv' | 'text' | 'xlsx' | 'json' | 'ndjson' | 'parquet';
export type Encoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface Detected {
  readonly format: Format;
  readonly encoding: Encoding;
  /** Bytes to skip at the start (a BOM). */
  readonly bomLength: number;
  /** For delimited text: ',', '\t', ';', '|', or 'whitespace' (runs of blanks, leading blanks ignored). */
  readonly delimiter?: string;
}

const SNIFF_BYTES = 1 << 20;

function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Byte offset of the first invalid UTF-8 sequence, ignoring a sequence cut off at the end of the sample. */
export function firstInvalidUtf8(buf: Buffer, truncated: boolean): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    let len: number;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3;
    else if (b >= 0xf0 && b <= 0xf4) len = 4;
    else return i;
    if (i + len > n) return truncated ? -1 : i;
    for (let k = 1; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/** Line (1-based) and column (1-based, in characters) of a byte offset. */
export function lineColumnAt(buf: Buffer, offset: number, encoding: Encoding = 'utf-8'): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  const column = iconv.decode(buf.subarray(start, offset), encoding).length + 1;
  return { line, column };
}

function detectEncoding(file: string, head: Buffer, truncated: boolean): { encoding: Encoding; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const bad = firstInvalidUtf8(head, truncated);
  if (bad < 0) return { encoding: 'utf-8', bomLength: 0 };
  // Not UTF-8: GB18030 (a superset of GBK and GB2312) is what Chinese Excel and ERP exports write.
  const decoded = iconv.decode(head, 'gb18030');
  const replacement = decoded.indexOf('\ufffd');
  if (replacement < 0 || (truncated && replacement >= decoded.length - 2)) return { encoding: 'gb18030', bomLength: 0 };
  const at = lineColumnAt(head, bad);
  throw new ImportError(file, 'undecodable bytes: the file is neither UTF-8 nor GBK/GB18030 text (re-save it as UTF-8)', at.line, at.column);
}

function detectDelimiter(firstLine: string): string {
  const counts: [string, number][] = [',', '\t', ';', '|'].map((d) => [d, firstLine.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  const best = counts[0]!;
  if (best[1] > 0) return best[0];
  return /\S\s+\S/.test(firstLine.trim()) ? 'whitespace' : ',';
}

export function detectFile(file: string): Detected {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new ImportError(file, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size === 0) throw new ImportError(file, 'the file is empty');
  const head = readHead(file, Math.min(size, SNIFF_BYTES));
  const ext = extname(file).toLowerCase();

  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return { format: 'parquet', encoding: 'utf-8', bomLength: 0 };
  if (head[0] === 0x50 && head[1] === 0x4b) {
    if (ext === '.xls') throw new ImportError(file, 'legacy .xls is not supported; save it as .xlsx or CSV');
    return { format: 'xlsx', encoding: 'utf-8', bomLength: 0 };
  }
  if (head[0] === 0xd0 && head[1] === 0xcf) throw new ImportError(file, 'legacy Excel 97-2003 (.xls) is not supported; save it as .xlsx or CSV');
  if (ext === '.parquet' || ext === '.xlsx') throw new ImportError(file, `the content is not ${ext.slice(1)} (wrong extension?)`);

  const { encoding, bomLength } = detectEncoding(file, head, size > head.length);
  const text = iconv.decode(head.subarray(bomLength), encoding);
  if (text.trim() === '') throw new ImportError(file, 'the file is empty (only blanks)');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    if (ext === '.ndjson' || ext === '.jsonl') return { format: 'ndjson', encoding, bomLength };
    if (first === '[') return { format: 'json', encoding, bomLength };
    const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? '';
    try {
      JSON.parse(firstLine);
      return { format: 'ndjson', encoding, bomLength };
    } catch {
      return { format: 'json', encoding, bomLength };
    }
  }
  if (ext === '.json' || ext === '.ndjson' || ext === '.jsonl') throw new ImportError(file, 'expected JSON (an array of objects, or one object per line)', 1, 1);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = ext === '.tsv' ? '\t' : detectDelimiter(firstLine);
  return { format: delimiter === 'whitespace' ? 'text' : 'csv', encoding, bomLength, delimiter };
}
