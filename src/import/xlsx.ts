import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { ImportError } from './errors.js';
import type { Reject } from './transcode.js';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Excel stores wall-clock times; exceljs hands them over as Dates in UTC. */
function excelDate(d: Date): string {
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${date} ${pad(h)}:${pad(m)}:${pad(s)}` : date;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return excelDate(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
    return JSON.stringify(v);
  }
  return String(v);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The first worksheet of an XLSX → a UTF-8 CSV with the sheet's row number in front, streamed. */
export async function xlsxToCsv(file: string, tmpDir: string): Promise<{ path: string; headers: string[]; rejects: Reject[] }> {
  const path = join(tmpDir, 'sheet.csv');
  const out = createWriteStream(path, { encoding: 'utf8' });
  const rejects: Reject[] = [];
  let headers: string[] | undefined;
  let buf = '';
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const ws of wb) {
      for await (const row of ws) {
        const values = (row.values as unknown[]).slice(1).map(cellText);
        if (!headers) {
          if (values.every((v) => v.trim() === '')) continue;
          headers = values;
          continue;
        }
        if (values.every((v) => v.trim() === '')) continue;
        const beyond = values.slice(headers.length).some((v) => v.trim() !== '');
        if (beyond) {
          rejects.push({ line: row.number, raw: JSON.stringify(values), reason: `values beyond the ${headers.length} named columns` });
          continue;
        }
        const cells = headers.map((_, i) => csvField(values[i] ?? ''));
        buf += `${row.number},${cells.join(',')}\n`;
        if (buf.length > 1 << 16) {
          if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
          buf = '';
        }
      }
      break; // first worksheet only
    }
  } catch (e) {
    out.destroy();
    if (e instanceof ImportError) throw e;
    throw new ImportError(file, `not a readable XLSX workbook: ${e instanceof Error ? e.message : String(e)}`);
  }
  out.end(buf);
  await new Promise<void>((res, rej) => out.on('finish', res).on('error', rej));
  if (!headers) throw new ImportError(file, 'the first worksheet is empty');
  return { path, headers, rejects };
}
