import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { displayWidth } from '../cli/output.js';
import type { Column, Row } from '../warehouse/port.js';
import { columnKind, excelDate, plainText, type ColumnKind } from './values.js';

/** Rows per sheet, header included (Excel's limit is 1,048,576); more rows continue on a new sheet. */
export const XLSX_MAX_ROWS = 1_048_576;
/** Excel's limit on the characters in one cell. */
const MAX_CELL_CHARS = 32_767;

const FORMATS: Partial<Record<ColumnKind, string>> = {
  date: 'yyyy-mm-dd',
  timestamp: 'yyyy-mm-dd hh:mm:ss',
};

type Cell = string | number | boolean | Date | null;

/** One value as an Excel cell: numbers as numbers, dates and timestamps as dates, the rest as text. */
export function xlsxCell(v: unknown, kind: ColumnKind): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (kind === 'date' || kind === 'timestamp') return excelDate(v, kind) ?? v;
    if (kind === 'number' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    // BIGINT beyond 2^53 stays text: Excel keeps only 15 significant digits.
    return v.length > MAX_CELL_CHARS ? v.slice(0, MAX_CELL_CHARS) : v;
  }
  const s = plainText(v) ?? '';
  return s.length > MAX_CELL_CHARS ? s.slice(0, MAX_CELL_CHARS) : s;
}

function sheetName(base: string, n: number): string {
  const clean = base.replace(/[[\]:*?/\\]/g, '_').slice(0, 25) || 'Sheet';
  return n === 1 ? clean : `${clean} ${n}`;
}

function widthOf(v: Cell, kind: ColumnKind): number {
  if (v === null) return 0;
  if (v instanceof Date) return kind === 'date' ? 10 : 19;
  return displayWidth(String(v));
}

/**
 * Writes an XLSX with exceljs' streaming WorkbookWriter: each row is committed as it is written,
 * so memory stays flat. Header row in bold and frozen; column widths from the header and the
 * first batch of rows.
 */
export async function writeXlsx(
  path: string,
  columns: readonly Column[],
  batches: AsyncIterable<Row[]>,
  opts: { sheet?: string; onRows?: (n: number) => void } = {},
): Promise<number> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const kinds = columns.map((c) => columnKind(c.type));
  let sheet: ExcelJS.Worksheet | undefined;
  let sheets = 0;
  let rowsInSheet = 0;
  let widths: number[] | undefined;
  let n = 0;

  const newSheet = () => {
    sheet?.commit();
    sheets++;
    sheet = wb.addWorksheet(sheetName(opts.sheet ?? 'export', sheets), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((c, i) => ({
      header: c.name,
      key: `c${i}`,
      width: Math.min(60, Math.max(8, (widths?.[i] ?? displayWidth(c.name)) + 2)),
      ...(FORMATS[kinds[i] as ColumnKind] ? { style: { numFmt: FORMATS[kinds[i] as ColumnKind] } } : {}),
    }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.commit();
    rowsInSheet = 1;
  };

  try {
    for await (const batch of batches) {
      const cells = batch.map((row) => columns.map((c, i) => xlsxCell(row[c.name], kinds[i] as ColumnKind)));
      if (!widths) {
        widths = columns.map((c, i) => Math.max(displayWidth(c.name), ...cells.slice(0, 200).map((r) => widthOf(r[i] ?? null, kinds[i] as ColumnKind))));
      }
      for (const values of cells) {
        if (!sheet || rowsInSheet >= XLSX_MAX_ROWS) newSheet();
        const row = sheet!.addRow(values);
        values.forEach((v, i) => {
          const fmt = FORMATS[kinds[i] as ColumnKind];
          if (fmt && v instanceof Date) row.getCell(i + 1).numFmt = fmt;
        });
        row.commit();
        rowsInSheet++;
      }
      n += batch.length;
      opts.onRows?.(n);
    }
    if (!sheet) newSheet();
    sheet!.commit();
    await Promise.race([wb.commit(), failed]);
    if (!out.closed) await Promise.race([once(out, 'close'), failed]);
  } catch (e) {
    out.destroy();
    throw e;
  }
  return n;
}
