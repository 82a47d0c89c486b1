import { closeSync, openSync, readSync } from 'node:fs';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { Warehouse } from '../warehouse/index.js';
import type { Detected } from './detect.js';
import { ImportError } from './errors.js';
import { transcodeToUtf8, whitespaceToTsv, type Reject } from './transcode.js';
import { xlsxToCsv } from './xlsx.js';
import { blankLinesOutsideQuotes, linesAtPositions, physicalLineCount, scanLines, type FileLines } from './lines.js';

export type { FileLines } from './lines.js';

/**
 * Staging: the file lands, all VARCHAR, in a temp table `tm_stage(__line, c1..cn)` in the import's
 * own DuckDB connection; nothing touches the warehouse file until the final transaction.
 * `__line` is where the record starts in the file (for JSON: the record number; Parquet: the row).
 */
export interface Staged {
  readonly headers: readonly string[];
  readonly rowsAccepted: number;
  readonly rejects: readonly Reject[];
  readonly lineLabel: 'line' | 'record' | 'row';
  /** SQL yielding the raw row as JSON text, header → value, for the quarantine. */
  readonly rawJsonSql: string;
}

export const MAX_FIELD_BYTES = 8 * 1024 * 1024;

export function stageColumn(i: number): string {
  return `c${i + 1}`;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function normaliseHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    let name = h.replace(/^\ufeff/, '').trim() || `column_${i + 1}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0) name = `${name}_${n + 1}`;
    return name;
  });
}

function rawJsonSql(headers: readonly string[]): string {
  const parts = headers.map((h, i) => `${sqlString(h)}, ${stageColumn(i)}`);
  return `to_json(json_object(${parts.join(', ')}))::VARCHAR`;
}

function readFirstRecord(file: string, bomLength: number, delimiter: string): string[] {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const got = readSync(fd, buf, 0, buf.length, bomLength);
    const text = buf.subarray(0, got).toString('utf8');
    const firstLine = text.split(/\r\n?|\n/, 1)[0] ?? '';
    const rows = parseCsvSync(firstLine, { delimiter, relax_quotes: true, bom: true }) as string[][];
    return rows[0] ?? [];
  } finally {
    closeSync(fd);
  }
}

/** Which field of the line at byteOffset is the oversized one (the line itself is too long for DuckDB). */
function oversizedColumn(file: string, byteOffset: number, delimiter: string, headers: readonly string[]): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(64 * 1024 * 1024, MAX_FIELD_BYTES * 4));
    const got = readSync(fd, buf, 0, buf.length, byteOffset);
    const d = delimiter.charCodeAt(0);
    let field = 0;
    let start = 0;
    let inQuote = false;
    for (let i = 0; i < got; i++) {
      const b = buf[i];
      if (b === 0x22) inQuote = !inQuote;
      else if (!inQuote && (b === d || b === 0x0a)) {
        if (i - start > MAX_FIELD_BYTES) return headers[field] ?? String(field + 1);
        if (b === 0x0a) break;
        field++;
        start = i + 1;
      }
    }
    return headers[field] ?? String(field + 1);
  } finally {
    closeSync(fd);
  }
}

async function loadRejects(wh: Warehouse, rejects: readonly Reject[]): Promise<void> {
  await wh.run(`CREATE OR REPLACE TEMP TABLE tm_stage_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)`);
  if (rejects.length) await wh.append('tm_stage_rejects', rejects.map((r) => [r.line, r.raw, r.reason]));
}

/** Reads a UTF-8 delimited file through DuckDB's CSV reader. `lineColumn`: the file carries its own __line as first column. */
async function stageCsv(
  wh: Warehouse,
  originalFile: string,
  file: string,
  bomLength: number,
  delimiter: string,
  opts: { quoted: boolean; lineColumn: boolean; headers?: readonly string[]; extraRejects?: readonly Reject[]; lines?: Promise<FileLines> },
): Promise<Staged> {
  const rawHeaders = opts.headers ?? readFirstRecord(file, bomLength, delimiter);
  if (rawHeaders.length === 0 || rawHeaders.every((h) => h.trim() === '')) throw new ImportError(originalFile, 'no header row: the first line must name the columns', 1);
  const headers = normaliseHeaders(rawHeaders);
  const cols = headers.map((_, i) => `'${stageColumn(i)}': 'VARCHAR'`);
  if (opts.lineColumn) cols.unshift(`'__line': 'BIGINT'`);
  const quote = opts.quoted ? `quote='"', escape='"'` : `quote='', escape=''`;
  await wh.run(`DROP TABLE IF EXISTS tm_rejects`);
  await wh.run(`DROP TABLE IF EXISTS tm_rejects_scan`);
  try {
    await wh.run(
      `CREATE OR REPLACE TEMP TABLE tm_stage_raw AS SELECT * FROM read_csv(${sqlString(file)}, header=false, skip=${opts.lineColumn ? 0 : 1},
        columns={${cols.join(', ')}}, delim=${sqlString(delimiter)}, ${quote}, auto_detect=false, strict_mode=true,
        max_line_size=${MAX_FIELD_BYTES}, store_rejects=true, rejects_table='tm_rejects', rejects_scan='tm_rejects_scan')`,
    );
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const line = /Line: (\d+)/.exec(msg)?.[1];
    throw new ImportError(originalFile, `cannot read as delimited text: ${msg.split('\n')[0]}`, line ? Number(line) : undefined);
  }
  const rej = await wh.query(
    `SELECT line, line_byte_position, byte_position, column_idx, error_type, error_message, csv_line FROM tm_rejects ORDER BY line, byte_position, column_idx`,
  );
  // DuckDB numbers its lines by records (a quoted value spanning lines counts once) and reports a rejected line from
  // the start of any blank lines before it: the physical line comes from the line's byte position instead.
  const lines = opts.lineColumn ? undefined : (opts.lines ?? scanLines(file));
  lines?.catch(() => undefined);
  const counted = lines ? await lines.catch(() => undefined) : undefined;
  const positions = rej.rows.map((r) => ({ pos: Number(r.line_byte_position ?? 0), raw: String(r.csv_line ?? '').replace(/^[\r\n]+/, '') }));
  const physical = opts.lineColumn ? undefined : linesAtPositions(file, counted, positions);
  const lineOf = (r: Record<string, unknown>) => physical?.get(Number(r.line_byte_position ?? 0)) ?? Number(r.line);
  const rejects: Reject[] = [...(opts.extraRejects ?? [])];
  // Lines skipped between records that are not records: DuckDB rejects a line of blanks ("missing columns"); it is a
  // blank line, not quarantined, but the records after it keep their line numbers.
  const blankRejects: number[] = [];
  // DuckDB can report one line several times (a short line once per missing column, "Found: 2", "Found: 3", …; a long
  // one once per extra field): one record, one quarantine entry. Per line and error type the report with the true
  // field count is kept (the fewest found for missing columns, the most for too many); distinct reasons are joined.
  const countErrors = new Map<number, { raw: string; byType: Map<string, { found: number; message: string }> }>();
  for (const r of rej.rows) {
    const line = lineOf(r);
    const type = String(r.error_type);
    const colIdx = r.column_idx === null ? undefined : Number(r.column_idx);
    const colName = colIdx !== undefined ? headers[colIdx - 1] ?? String(colIdx) : undefined;
    if (type === 'LINE SIZE OVER MAXIMUM') {
      const col = oversizedColumn(file, Number(r.byte_position ?? 0), delimiter, headers);
      throw new ImportError(originalFile, `a field is larger than the ${MAX_FIELD_BYTES / 1024 / 1024} MB limit`, line, col);
    }
    if (type === 'UNQUOTED VALUE') throw new ImportError(originalFile, 'broken quoting: a quoted value is not closed, or text follows its closing quote', line, colName);
    if (type === 'INVALID ENCODING' || type === 'INVALID UNICODE') throw new ImportError(originalFile, 'undecodable bytes (not valid UTF-8)', line, colName);
    if (type === 'TOO MANY COLUMNS' || type === 'MISSING COLUMNS') {
      // the raw text starts at the line itself (DuckDB's carries the line ends of CRLF and blank lines before it)
      const raw = String(r.csv_line ?? '').replace(/^[\r\n]+/, '');
      if (!opts.lineColumn && type === 'MISSING COLUMNS' && raw.trim() === '') {
        blankRejects.push(line);
        continue;
      }
      let entry = countErrors.get(line);
      if (!entry) countErrors.set(line, (entry = { raw, byType: new Map() }));
      const found = colIdx ?? 0;
      const prev = entry.byType.get(type);
      const better = !prev || (type === 'MISSING COLUMNS' ? found < prev.found : found > prev.found);
      if (better) entry.byType.set(type, { found, message: String(r.error_message) });
      continue;
    }
    throw new ImportError(originalFile, `${type.toLowerCase()}: ${String(r.error_message)}`, line, colName);
  }
  for (const [line, e] of countErrors) {
    const reason = [...e.byType].map(([type, x]) => `${type.toLowerCase()}: ${x.message} (header has ${headers.length})`).join('; ');
    rejects.push({ line, raw: e.raw, reason });
  }
  await loadRejects(wh, rejects);
  const accepted = Number((await wh.query(`SELECT count(*) AS n FROM tm_stage_raw`)).rows[0]?.n ?? 0);
  const colList = headers.map((_, i) => stageColumn(i)).join(', ');
  if (opts.lineColumn) {
    await wh.run(`CREATE OR REPLACE TEMP VIEW tm_stage AS SELECT __line, ${colList} FROM tm_stage_raw`);
    return { headers, rowsAccepted: accepted, rejects, lineLabel: 'line', rawJsonSql: rawJsonSql(headers) };
  }
  const eol = counted?.eol ?? 10;
  const skipped: Skipped[] = [
    ...rejects.map((r) => ({ line: r.line, span: 1 + countChar(r.raw, eol) })),
    ...[...new Set(blankRejects)].map((line) => ({ line, span: 1 })),
  ];
  // With one column DuckDB reads a blank line as a record (NULL), a line of blanks as a value: they keep their place
  // among the records and are dropped after numbering, so they are no records here either.
  const oneColumn = headers.length === 1;
  const blankRecord = `${stageColumn(0)} IS NULL OR trim(${stageColumn(0)}, ' ' || chr(9)) = ''`;
  await stageLineNumbers(wh, file, headers, skipped, accepted, counted, oneColumn ? blankRecord : undefined);
  const records = oneColumn ? Number((await wh.query(`SELECT count(*) AS n FROM tm_stage`)).rows[0]?.n ?? 0) : accepted;
  return { headers, rowsAccepted: records, rejects, lineLabel: 'line', rawJsonSql: rawJsonSql(headers) };
}

/** A run of physical lines that holds no accepted record: a rejected record (with its line breaks) or a blank line. */
interface Skipped {
  readonly line: number;
  readonly span: number;
}

function countChar(s: string, code: number): number {
  const ch = String.fromCharCode(code);
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** At most this many skipped runs before the first records are numbered by a view (CASE over rowid), not a copy. */
const VIEW_THRESHOLDS = 64;

/**
 * Line of each accepted record: its physical line is 2 + its position + the line breaks inside the values of the
 * accepted records before it (its "base") + the lines of the skipped runs (rejected records, blank lines) before it.
 * Skipped run j precedes a record iff the record's base ≥ j's line minus the lines of the runs before j, so an
 * ASOF join on the base places them. The common cases are views over rowid, with no copy: no skipped run and no line
 * break inside a value (one line per record, told by the line feeds counted while hashing), or only a few skipped runs
 * (blank lines, a few rejected lines) and no break inside a value.
 */
async function stageLineNumbers(
  wh: Warehouse,
  file: string,
  headers: readonly string[],
  rejected: readonly Skipped[],
  accepted: number,
  counted: FileLines | undefined,
  blankRecord: string | undefined,
): Promise<void> {
  const where = blankRecord ? ` WHERE NOT (${blankRecord})` : '';
  const colList = headers.map((_, i) => stageColumn(i)).join(', ');
  const eolChr = `chr(${counted?.eol ?? 10})`;
  const nl = headers.map((_, i) => `coalesce(length(${stageColumn(i)}) - length(replace(${stageColumn(i)}, ${eolChr}, '')), 0)`).join(' + ');
  const sortedRejected = [...rejected].sort((a, b) => a.line - b.line);
  // Empty lines inside a rejected record's quoted value are part of it.
  const candidates: number[] = [];
  if (counted && !blankRecord) {
    let k = 0;
    for (const b of counted.blankLines) {
      while (k < sortedRejected.length && sortedRejected[k]!.line + sortedRejected[k]!.span - 1 < b) k++;
      const r = sortedRejected[k];
      if (!r || b < r.line) candidates.push(b);
    }
  }
  // Physical lines = header + accepted records + rejected lines + blank lines + breaks inside accepted values. With
  // every empty line taken as blank, equality means no value holds a break: a value spanning k lines holds at most
  // k − 2 empty lines, fewer than its k − 1 breaks.
  const rejectedLines = sortedRejected.reduce((n, r) => n + r.span, 0);
  const total = counted ? physicalLineCount(counted) : undefined;
  const oneLinePerRecord = total !== undefined && total === 1 + accepted + rejectedLines + candidates.length;
  let multiline = false;
  let blanks = candidates;
  if (!oneLinePerRecord) {
    const breaks = Number((await wh.query(`SELECT coalesce(sum(${nl}), 0) AS n FROM tm_stage_raw`)).rows[0]?.n ?? 0);
    multiline = breaks > 0;
    if (multiline && candidates.length && total !== undefined) {
      const real = total - 1 - accepted - rejectedLines - breaks;
      if (real <= 0) blanks = [];
      else if (real !== candidates.length) blanks = await blankLinesOutsideQuotes(file, counted!.eol);
    }
  }
  const skipped = [...sortedRejected, ...blanks.map((line) => ({ line, span: 1 }))].sort((a, b) => a.line - b.line);
  // key: the base from which records sit after the run; off: lines of all runs up to it (equal keys: the last wins)
  const thr = new Map<number, number>();
  let off = 0;
  for (const s of skipped) {
    thr.set(s.line - off, off + s.span);
    off += s.span;
  }
  if (!multiline) {
    // base = rowid + 2: runs after the last record shift nothing
    const keys = [...thr].filter(([key]) => key - 2 <= accepted - 1);
    if (keys.length === 0) {
      await wh.run(`CREATE OR REPLACE TEMP VIEW tm_stage AS SELECT rowid + 2 AS __line, ${colList} FROM tm_stage_raw${where}`);
      return;
    }
    if (keys.length <= VIEW_THRESHOLDS) {
      const cases = keys
        .sort((a, b) => b[0] - a[0])
        .map(([key, o]) => `WHEN rowid >= ${key - 2} THEN ${o}`)
        .join(' ');
      await wh.run(`CREATE OR REPLACE TEMP VIEW tm_stage AS SELECT rowid + 2 + CASE ${cases} ELSE 0 END AS __line, ${colList} FROM tm_stage_raw${where}`);
      return;
    }
  }
  await wh.run(`CREATE OR REPLACE TEMP TABLE tm_stage_thr (t BIGINT, off BIGINT)`);
  if (thr.size) await wh.append('tm_stage_thr', [...thr]);
  const nlBefore = multiline ? `coalesce(sum(${nl}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)` : '0';
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_stage AS
     SELECT s.base + coalesce(thr.off, 0) AS __line, ${headers.map((_, i) => `s.${stageColumn(i)}`).join(', ')}
     FROM (SELECT rowid AS rid, rowid + 2 + ${nlBefore} AS base, * FROM tm_stage_raw) s ASOF LEFT JOIN tm_stage_thr thr ON s.base >= thr.t${where}
     ORDER BY s.rid`,
  );
}

async function stageJson(wh: Warehouse, originalFile: string, file: string, ndjson: boolean): Promise<Staged> {
  const reader = `read_json(${sqlString(file)}, format=${ndjson ? "'newline_delimited'" : "'array'"}, records=true, maximum_object_size=${MAX_FIELD_BYTES * 2})`;
  let described;
  try {
    described = await wh.query(`DESCRIBE SELECT * FROM ${reader}`);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const line = /line (\d+)/i.exec(msg ?? '')?.[1];
    throw new ImportError(originalFile, `not valid JSON records: ${msg}`, line ? Number(line) : undefined);
  }
  const names = described.rows.map((r) => String(r.column_name));
  const types = described.rows.map((r) => String(r.column_type));
  if (names.length === 1 && names[0] === 'json') throw new ImportError(originalFile, 'expected JSON objects (records), found other values', 1);
  const headers = normaliseHeaders(names);
  const select = names.map((n, i) => {
    const col = `"${n.replace(/"/g, '""')}"`;
    const isNested = /^(STRUCT|MAP|.*\[\])/.test(types[i] ?? '');
    return `${isNested ? `to_json(${col})::VARCHAR` : `${col}::VARCHAR`} AS ${stageColumn(i)}`;
  });
  try {
    await wh.run(`CREATE OR REPLACE TEMP TABLE tm_stage_raw AS SELECT ${select.join(', ')} FROM ${reader}`);
  } catch (e) {
    throw new ImportError(originalFile, `not valid JSON records: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  await wh.run(`CREATE OR REPLACE TEMP VIEW tm_stage AS SELECT rowid + 1 AS __line, ${headers.map((_, i) => stageColumn(i)).join(', ')} FROM tm_stage_raw`);
  await loadRejects(wh, []);
  const accepted = Number((await wh.query(`SELECT count(*) AS n FROM tm_stage_raw`)).rows[0]?.n ?? 0);
  return { headers, rowsAccepted: accepted, rejects: [], lineLabel: ndjson ? 'line' : 'record', rawJsonSql: rawJsonSql(headers) };
}

async function stageParquet(wh: Warehouse, file: string): Promise<Staged> {
  let described;
  try {
    described = await wh.query(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  } catch (e) {
    throw new ImportError(file, `not a readable Parquet file: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const names = described.rows.map((r) => String(r.column_name));
  const types = described.rows.map((r) => String(r.column_type));
  const headers = normaliseHeaders(names);
  const select = names.map((n, i) => {
    const col = `"${n.replace(/"/g, '""')}"`;
    const t = types[i] ?? '';
    const expr = /^(STRUCT|MAP|.*\[\])/.test(t) ? `to_json(${col})::VARCHAR` : t.startsWith('TIMESTAMP') ? `strftime(${col}, '%Y-%m-%d %H:%M:%S')` : `${col}::VARCHAR`;
    return `${expr} AS ${stageColumn(i)}`;
  });
  await wh.run(`CREATE OR REPLACE TEMP TABLE tm_stage_raw AS SELECT ${select.join(', ')} FROM read_parquet(${sqlString(file)})`);
  await wh.run(`CREATE OR REPLACE TEMP VIEW tm_stage AS SELECT rowid + 1 AS __line, ${headers.map((_, i) => stageColumn(i)).join(', ')} FROM tm_stage_raw`);
  await loadRejects(wh, []);
  const accepted = Number((await wh.query(`SELECT count(*) AS n FROM tm_stage_raw`)).rows[0]?.n ?? 0);
  return { headers, rowsAccepted: accepted, rejects: [], lineLabel: 'row', rawJsonSql: rawJsonSql(headers) };
}

/**
 * Lands the file in tm_stage. `tmpDir` holds converted copies (GBK → UTF-8, XLSX → CSV). `lines`, when given, counts the
 * line ends and empty lines of a UTF-8 `file` (read concurrently with DuckDB's load; else stage reads the file for
 * them): a CSV whose physical lines are exactly its header, records, rejected lines and empty lines holds no line
 * break inside a value, so its line numbers need no scan of the staged values.
 */
export async function stageFile(wh: Warehouse, file: string, detected: Detected, tmpDir: string, lines?: Promise<FileLines>): Promise<Staged> {
  switch (detected.format) {
    case 'parquet':
      return stageParquet(wh, file);
    case 'xlsx': {
      const converted = await xlsxToCsv(file, tmpDir);
      return stageCsv(wh, file, converted.path, 0, ',', { quoted: true, lineColumn: true, headers: converted.headers, extraRejects: converted.rejects });
    }
    case 'json':
    case 'ndjson': {
      const path = detected.encoding === 'utf-8' ? file : await transcodeToUtf8(file, detected, tmpDir);
      return stageJson(wh, file, path, detected.format === 'ndjson');
    }
    case 'text': {
      const converted = await whitespaceToTsv(file, detected, tmpDir);
      return stageCsv(wh, file, converted.path, 0, '\t', { quoted: false, lineColumn: true, headers: converted.headers, extraRejects: converted.rejects });
    }
    case 'csv': {
      const delimiter = detected.delimiter ?? ',';
      if (detected.encoding === 'utf-8') return stageCsv(wh, file, file, detected.bomLength, delimiter, { quoted: true, lineColumn: false, lines });
      const path = await transcodeToUtf8(file, detected, tmpDir);
      // the copy keeps the line structure; its line ends are counted while DuckDB reads it
      const copyLines = scanLines(path);
      copyLines.catch(() => undefined);
      return stageCsv(wh, file, path, 0, delimiter, { quoted: true, lineColumn: false, lines: copyLines });
    }
  }
}

