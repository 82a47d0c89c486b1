import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type { Detected } from './detect.js';
import { ImportError } from './errors.js';

export interface Reject {
  readonly line: number;
  readonly raw: string;
  readonly reason: string;
}

function decoded(file: string, d: Detected): Readable {
  const src = createReadStream(file, { start: d.bomLength });
  return d.encoding === 'utf-8' ? src.setEncoding('utf8') : (src.pipe(iconv.decodeStream(d.encoding)) as unknown as Readable);
}

/** DuckDB reads only UTF-8: GBK/GB18030 and UTF-16 files are converted to a temp copy first, line structure unchanged. */
export async function transcodeToUtf8(file: string, d: Detected, tmpDir: string): Promise<string> {
  const out = join(tmpDir, 'utf8.txt');
  let line = 1;
  let carry = '';
  async function* check(src: AsyncIterable<string>): AsyncGenerator<string> {
    for await (const chunk of src) {
      const bad = chunk.indexOf('\ufffd');
      if (bad >= 0) {
        const before = chunk.slice(0, bad);
        const nl = before.split('\n');
        const col = nl.length > 1 ? (nl[nl.length - 1] ?? '').length + 1 : carry.length + before.length + 1;
        throw new ImportError(file, `undecodable bytes: invalid ${d.encoding.toUpperCase()} sequence`, line + nl.length - 1, col);
      }
      const parts = chunk.split('\n');
      line += parts.length - 1;
      carry = parts.length > 1 ? (parts[parts.length - 1] ?? '') : carry + chunk;
      yield chunk;
    }
  }
  await pipeline(decoded(file, d), check, createWriteStream(out, { encoding: 'utf8' }));
  return out;
}

/** Whitespace-separated text (CDNOW style: leading blanks, runs of spaces, CRLF) → a TSV with the source line in front. */
export async function whitespaceToTsv(file: string, d: Detected, tmpDir: string): Promise<{ path: string; headers: string[]; rejects: Reject[] }> {
  const path = join(tmpDir, 'text.tsv');
  const out = createWriteStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: decoded(file, d), crlfDelay: Infinity });
  let headers: string[] | undefined;
  const rejects: Reject[] = [];
  let lineNo = 0;
  let buf = '';
  for await (const rawLine of rl) {
    lineNo++;
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.includes('\ufffd')) throw new ImportError(file, `undecodable bytes: invalid ${d.encoding.toUpperCase()} sequence`, lineNo, rawLine.indexOf('\ufffd') + 1);
    const fields = line.split(/\s+/);
    if (!headers) {
      headers = fields;
      continue;
    }
    if (fields.length !== headers.length) {
      rejects.push({ line: lineNo, raw: rawLine, reason: `expected ${headers.length} whitespace-separated values, found ${fields.length}` });
      continue;
    }
    buf += `${lineNo}\t${fields.join('\t')}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((res, rej) => out.on('finish', res).on('error', rej));
  if (!headers) throw new ImportError(file, 'the file is empty');
  return { path, headers, rejects };
}
