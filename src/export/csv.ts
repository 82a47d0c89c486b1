import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Column, Row } from '../warehouse/port.js';
import { plainText } from './values.js';

/** The UTF-8 byte-order mark: without it Excel (zh-CN Windows) reads UTF-8 as GBK and garbles Chinese. */
export const UTF8_BOM = '\uFEFF';

/**
 * Text that Excel would run as a formula (first character =, +, -, @, tab or CR: an imported name like
 * `=HYPERLINK(…)`) gets a leading ', as OWASP advises against CSV injection; signed numbers such as +8613812345678
 * are left as they are.
 */
export function defuseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) && !/^[+-]?[\d\s.,()]*$/.test(s) ? `'${s}` : s;
}

/** RFC 4180 quoting: fields with a comma, quote, CR or LF, or leading/trailing spaces, are quoted; quotes doubled. */
export function csvField(v: unknown): string {
  let s = plainText(v);
  if (s === null) return '';
  if (typeof v === 'string') s = defuseFormula(s);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[], eol = '\r\n'): string {
  return values.map(csvField).join(',') + eol;
}

export interface CsvOptions {
  /** Excel-friendly (the export file): BOM and CRLF. Off for stdout, where pipes want plain UTF-8 and LF. */
  readonly excel?: boolean;
}

/** Writes rows as CSV to a file; resolves with the row count once the file is flushed and closed. */
export async function writeCsv(
  path: string,
  columns: readonly Column[],
  batches: AsyncIterable<Row[]>,
  onRows?: (n: number) => void,
): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const writeChunk = async (s: string) => {
    if (!out.write(s)) await Promise.race([once(out, 'drain'), failed]);
  };
  let n = 0;
  try {
    await writeChunk(UTF8_BOM + csvLine(columns.map((c) => c.name)));
    for await (const batch of batches) {
      let chunk = '';
      for (const row of batch) chunk += csvLine(columns.map((c) => row[c.name]));
      await writeChunk(chunk);
      n += batch.length;
      onRows?.(n);
    }
    out.end();
    await Promise.race([once(out, 'close'), failed]);
  } catch (e) {
    out.destroy();
    throw e;
  }
  return n;
}
