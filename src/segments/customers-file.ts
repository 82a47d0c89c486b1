/**
 * A file of customers (CSV or XLSX, first sheet): one column naming each customer by customer_id, phone,
 * email (headers matched like the import's: 客户ID, 会员ID, 手机号, 邮箱…) or another identity. Phones and emails are resolved
 * through the customers table and customer_identities. Every line that names no customer, or more than one,
 * is reported with its line number, and nothing is returned.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { detectFile } from '../import/detect.js';
import { normaliseHeader } from '../import/mapping.js';
import { cellText } from '../import/xlsx.js';
import { entity } from '../schema/index.js';
import type { Warehouse } from '../warehouse/port.js';
import { RuleError } from './rules.js';

type IdKind = 'customer_id' | 'phone' | 'email' | 'identity';

interface Line {
  readonly line: number;
  readonly value: string;
}

async function readTable(file: string): Promise<{ headers: string[]; rows: { line: number; cells: string[] }[] }> {
  if (extname(file).toLowerCase() === '.xlsx') {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    if (!ws) return { headers: [], rows: [] };
    const rows: { line: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      rows.push({ line: row.number, cells: values.map((v) => cellText(v).trim()) });
    });
    const [head, ...rest] = rows;
    return { headers: head?.cells ?? [], rows: rest };
  }
  const det = detectFile(file);
  const buf = readFileSync(file).subarray(det.bomLength);
  const text = det.encoding === 'utf-8' ? buf.toString('utf8') : iconv.decode(buf, det.encoding);
  const delimiter = det.delimiter && det.delimiter !== 'whitespace' ? det.delimiter : ',';
  const records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const [head, ...rest] = records;
  return { headers: (head?.record ?? []).map((h) => h.trim()), rows: rest.map((r) => ({ line: r.info.lines, cells: r.record.map((c) => c.trim()) })) };
}

function idColumn(headers: readonly string[]): { index: number; kind: IdKind; channel?: string } | undefined {
  const customers = entity('customers')!;
  for (const kind of ['customer_id', 'phone', 'email'] as const) {
    const f = customers.fields.find((x) => x.name === kind)!;
    const names = new Set([f.name, f.label, f.labelZh, ...(f.aliases ?? [])].map(normaliseHeader));
    const index = headers.findIndex((h) => names.has(normaliseHeader(h)));
    if (index >= 0) return { index, kind };
  }
  // An identity of customer_identities: a column named after its channel (wechat_openid, tmall, card…), or external_id (any channel).
  const ids = entity('customer_identities')!;
  const channels = ids.fields.find((x) => x.name === 'channel')?.values ?? [];
  for (const [i, h] of headers.entries()) {
    const c = channels.find((v) => normaliseHeader(v) === normaliseHeader(h));
    if (c) return { index: i, kind: 'identity', channel: c };
  }
  const ext = ids.fields.find((x) => x.name === 'external_id')!;
  const names = new Set([ext.name, ext.labelZh, ...(ext.aliases ?? [])].map(normaliseHeader));
  const index = headers.findIndex((h) => names.has(normaliseHeader(h)));
  return index >= 0 ? { index, kind: 'identity' } : undefined;
}

/** Mainland mobile numbers as stored (+86…); anything else as written, without separators. */
export function normalisePhone(raw: string): string {
  const s = raw.normalize('NFKC').replace(/[\s\-()（）]/g, '');
  const m = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(s);
  return m ? `+86${m[1]}` : s;
}

function listLines(items: readonly (Line & { why?: string })[]): string {
  const shown = items.slice(0, 20).map((x) => `line ${x.line} '${x.value}'${x.why ? ` (${x.why})` : ''}`);
  return shown.join(', ') + (items.length > 20 ? `, … and ${items.length - 20} more` : '');
}

/** The customer ids a file names, in file order without repeats; throws RuleError naming every bad line. */
export async function readCustomerFile(wh: Warehouse, file: string): Promise<string[]> {
  let table;
  try {
    table = await readTable(file);
  } catch (e) {
    throw new RuleError([{ code: 'bad_file', field: 'file', message: `${file}: cannot read (${(e as Error).message})` }]);
  }
  const col = idColumn(table.headers);
  if (!col) throw new RuleError([{ code: 'no_id_column', field: 'file', message: `${file}: no customer_id, phone, email or identity column (客户ID, 手机号, 邮箱, wechat_openid, external_id…); its columns are: ${table.headers.join(', ') || '(none)'}` }]);
  const lines: Line[] = table.rows.map((r) => ({ line: r.line, value: r.cells[col.index] ?? '' }));
  const empty = lines.filter((l) => l.value === '');
  const given = lines.filter((l) => l.value !== '');
  const key = (v: string) => (col.kind === 'phone' ? normalisePhone(v) : col.kind === 'email' ? v.toLowerCase() : v);
  const values = [...new Set(given.map((l) => key(l.value)))];
  const found = new Map<string, Set<string>>();
  for (let i = 0; i < values.length; i += 1000) {
    const chunk = values.slice(i, i + 1000);
    const ph = chunk.map((_, j) => `($${j + 1})`).join(', ');
    const sql =
      col.kind === 'customer_id'
        ? `WITH v(x) AS (VALUES ${ph}) SELECT v.x, c.customer_id FROM v JOIN customers c ON c.customer_id = v.x`
        : col.kind === 'phone'
          ? `WITH v(x) AS (VALUES ${ph}) SELECT v.x, c.customer_id FROM v JOIN customers c ON c.phone = v.x
             UNION SELECT v.x, i.customer_id FROM v JOIN customer_identities i ON i.channel = 'phone' AND i.external_id = v.x`
          : col.kind === 'email'
            ? `WITH v(x) AS (VALUES ${ph}) SELECT v.x, c.customer_id FROM v JOIN customers c ON lower(c.email) = v.x
             UNION SELECT v.x, i.customer_id FROM v JOIN customer_identities i ON i.channel = 'email' AND lower(i.external_id) = v.x`
            : `WITH v(x) AS (VALUES ${ph}) SELECT DISTINCT v.x, i.customer_id FROM v JOIN customer_identities i ON i.external_id = v.x${col.channel ? ` AND i.channel = $${chunk.length + 1}` : ''}`;
    for (const r of (await wh.query(sql, col.channel ? [...chunk, col.channel] : chunk)).rows) {
      const x = String(r.x);
      found.set(x, (found.get(x) ?? new Set()).add(String(r.customer_id)));
    }
  }
  const unknown = given.filter((l) => !found.has(key(l.value)));
  const ambiguous = given.filter((l) => (found.get(key(l.value))?.size ?? 0) > 1).map((l) => ({ ...l, why: [...found.get(key(l.value))!].sort().join(' / ') }));
  const issues = [];
  if (empty.length) issues.push({ code: 'empty_customer', field: 'file', message: `${file}: ${empty.length} line${empty.length > 1 ? 's have' : ' has'} no ${col.kind}: ${empty.slice(0, 20).map((l) => `line ${l.line}`).join(', ')}${empty.length > 20 ? ', …' : ''}` });
  if (unknown.length) issues.push({ code: 'unknown_customer', field: 'file', message: `${file}: ${unknown.length} unknown customer${unknown.length > 1 ? 's' : ''} (${col.kind}): ${listLines(unknown)}` });
  if (ambiguous.length) issues.push({ code: 'ambiguous_customer', field: 'file', message: `${file}: ${ambiguous.length} ${col.kind} value${ambiguous.length > 1 ? 's name' : ' names'} several customers: ${listLines(ambiguous)}` });
  if (issues.length) throw new RuleError([...issues, { code: 'nothing_written', field: 'file', message: 'nothing was written' }]);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const l of given) {
    const id = [...found.get(key(l.value))!][0]!;
    if (!seen.has(id)) out.push(id), seen.add(id);
  }
  return out;
}
