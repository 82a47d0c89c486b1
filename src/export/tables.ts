/**
 * Small result tables (query results, report sections) to CSV or XLSX: headers in the user's language,
 * number formats per column (¥, %, thousands), one sheet per table. Written whole to a temporary file
 * and renamed into place. Row-level exports that can be large go through exportQuery, which streams.
 */
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { displayWidth } from '../cli/output.js';
import { csvLine, UTF8_BOM } from './csv.js';
import { writeAtomically } from './index.js';

export interface TableColumnSpec {
  readonly header: string;
  /** Excel number format, e.g. `"¥"#,##0.00` or `0.0%`. */
  readonly numFmt?: string;
}

export interface ResultTable {
  /** Sheet name / section title. */
  readonly name: string;
  readonly columns: readonly TableColumnSpec[];
  readonly rows: readonly (readonly unknown[])[];
  /** Lines shown above the table in CSV and as the sheet's first rows in XLSX (period, filters). */
  readonly notes?: readonly string[];
}

function cell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  return JSON.stringify(v);
}

function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, '_').slice(0, 28) || 'Sheet';
  let n = base;
  for (let i = 2; used.has(n); i++) n = `${base.slice(0, 26)} ${i}`;
  used.add(n);
  return n;
}

export async function writeTablesXlsx(out: string, tables: readonly ResultTable[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tidemark';
  const used = new Set<string>();
  for (const t of tables) {
    const notes = t.notes ?? [];
    const ws = wb.addWorksheet(sheetName(t.name, used), { views: [{ state: 'frozen', ySplit: notes.length + 1 }] });
    for (const n of notes) ws.addRow([n]).font = { italic: true, color: { argb: 'FF666666' } };
    const header = ws.addRow(t.columns.map((c) => c.header));
    header.font = { bold: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    for (const r of t.rows) ws.addRow(r.map(cell));
    t.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      if (c.numFmt) col.numFmt = c.numFmt;
      const w = Math.max(displayWidth(c.header), ...t.rows.slice(0, 500).map((r) => displayWidth(String(cell(r[i]) ?? '')) + (c.numFmt ? 3 : 0)));
      col.width = Math.min(50, Math.max(8, w + 2));
    });
    // Header row again with numFmt cleared: a column format would otherwise apply to the header text.
    header.eachCell((c) => {
      c.numFmt = '@';
    });
  }
  await writeAtomically(out, async (tmp) => {
    await wb.xlsx.writeFile(tmp);
  });
}

/** CSV in UTF-8 with BOM and CRLF (Excel shows Chinese); several tables are separated by a blank line and their title. */
export function tablesCsv(tables: readonly ResultTable[], opts: { excel?: boolean } = {}): string {
  const eol = opts.excel === false ? '\n' : '\r\n';
  const parts: string[] = [];
  for (const t of tables) {
    let s = '';
    if (tables.length > 1) s += csvLine([t.name], eol);
    for (const n of t.notes ?? []) s += csvLine([n], eol);
    s += csvLine(t.columns.map((c) => c.header), eol);
    for (const r of t.rows) s += csvLine(r.map(cell), eol);
    parts.push(s);
  }
  return (opts.excel === false ? '' : UTF8_BOM) + parts.join(eol);
}

export async function writeTablesCsv(out: string, tables: readonly ResultTable[]): Promise<void> {
  await writeAtomically(out, async (tmp) => writeFileSync(tmp, tablesCsv(tables)));
}
