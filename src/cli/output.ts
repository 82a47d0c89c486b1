/**
 * Output conventions shared by every `tidemark` command.
 *
 * - Results: JSON on stdout when `--json` is given or stdout is not a terminal (pipes, scripts, CI);
 *   readable aligned tables when stdout is a terminal. Tables know that CJK characters take two columns.
 * - Errors: one line `tidemark: <message>` on stderr. Exit code 2 for bad usage, flags or input
 *   ({@link UsageError}, commander's own errors), 1 for runtime failures (warehouse locked, disk full …).
 * - Progress: a throttled bar on stderr, drawn only when stderr is a terminal; silent otherwise.
 */
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { defaultDbPath } from '../warehouse/location.js';

/** Bad flags or input: exit code 2, the message names the flag or field. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommonOptions {
  readonly db?: string;
  readonly json?: boolean;
}

/** `--db PATH` and `--json`, which every command takes. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'warehouse file (default: $TIDEMARK_DB, else ./data/tidemark.duckdb)')
    .option('--json', 'print JSON (the default when stdout is not a terminal)');
}

export function dbPathOf(opts: CommonOptions): string {
  return defaultDbPath(opts.db);
}

/** JSON when asked for, or when a program rather than a person reads stdout. */
export function wantJson(opts: CommonOptions, stream: { isTTY?: boolean } = process.stdout): boolean {
  return opts.json === true || !stream.isTTY;
}

// ---------------------------------------------------------------------------------------------
// Display width

/** Columns a code point takes in a terminal: 2 for East Asian wide/fullwidth (CJK, kana, hangul, fullwidth forms, emoji), 0 for combining marks and zero-width characters. */
export function codePointWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (
    (cp >= 0x0300 && cp <= 0x036f) || // combining diacritics
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, marks
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0x303e) || // CJK radicals, Kangxi, CJK symbols and punctuation (。、「」)
    (cp >= 0x3041 && cp <= 0x33ff) || // kana, bopomofo, CJK compatibility
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0xa000 && cp <= 0xa4cf) || // Yi
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK compatibility forms
    (cp >= 0xff00 && cp <= 0xff60) || // fullwidth forms (，：（）)
    (cp >= 0xffe0 && cp <= 0xffe6) || // fullwidth signs (￥)
    (cp >= 0x1f300 && cp <= 0x1f64f) || // emoji
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B…
  ) {
    return 2;
  }
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += codePointWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** Cuts s to at most `width` columns, ending in … when cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0) ?? 0);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

// ---------------------------------------------------------------------------------------------
// Values

const INTEGER_TEXT = /^-?\d+$/;

function groupDigits(intText: string): string {
  const neg = intText.startsWith('-');
  const digits = neg ? intText.slice(1) : intText;
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1234567.5 → "1,234,567.5"; `decimals` fixes the fraction digits (money: 2). Integers kept as text (beyond 2^53) are grouped too. */
export function formatNumber(n: number | bigint | string, decimals?: number): string {
  if (typeof n === 'bigint') return groupDigits(n.toString());
  if (typeof n === 'string') {
    if (INTEGER_TEXT.test(n)) return groupDigits(n);
    const x = Number(n);
    return Number.isFinite(x) ? formatNumber(x, decimals) : n;
  }
  if (!Number.isFinite(n)) return String(n);
  if (decimals !== undefined) {
    return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }
  if (Number.isInteger(n)) return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return n.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function formatPercent(x: number | null, decimals = 1): string {
  return x === null ? '—' : `${(x * 100).toFixed(decimals)}%`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Decimal places of a DuckDB DECIMAL(p,s) type, else undefined. */
function decimalScale(type: string | undefined): number | undefined {
  const m = type ? /^DECIMAL\(\d+,\s*(\d+)\)$/i.exec(type) : null;
  return m ? Number(m[1]) : undefined;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/i;

/** Whether a column shows right-aligned: by its DuckDB type when known, else by its values. */
function isNumericColumn(type: string | undefined, values: readonly unknown[]): boolean {
  if (type && type !== 'UNKNOWN') return NUMERIC_TYPE.test(type);
  let seen = false;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'bigint') return false;
    seen = true;
  }
  return seen;
}

/** The text of one cell: numbers grouped, nested values as JSON, line breaks made visible. */
export function cellText(v: unknown, opts: { type?: string; nullText?: string } = {}): string {
  if (v === null || v === undefined) return opts.nullText ?? '';
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(v, decimalScale(opts.type));
  if (typeof v === 'string') {
    if (opts.type && NUMERIC_TYPE.test(opts.type) && /^-?\d+(\.\d+)?$/.test(v)) return formatNumber(v, decimalScale(opts.type));
    return v.replace(/\r\n|\r|\n/g, '↵').replace(/\t/g, ' ');
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, jsonReplacer);
}

// ---------------------------------------------------------------------------------------------
// Tables

export interface TableColumn {
  /** Key into each row object. */
  readonly key: string;
  /** Header text; the key when absent. */
  readonly header?: string;
  /** DuckDB type, used for alignment and decimal places. */
  readonly type?: string;
  readonly align?: 'left' | 'right';
  /** Cells longer than this many columns are cut with …; default 60. */
  readonly maxWidth?: number;
  /** Formats the value itself; the default is {@link cellText}. */
  readonly format?: (v: unknown, row: Record<string, unknown>) => string;
}

export interface TableOptions {
  readonly nullText?: string;
  /** Spaces before each line. */
  readonly indent?: number;
  /** Fit the table into this many columns (the terminal's width) by cutting the widest cells; no column narrower than 6. */
  readonly maxTotalWidth?: number;
}

/** An aligned plain-text table: header, a rule, then the rows. CJK-aware; numbers right-aligned. */
export function renderTable(columns: readonly TableColumn[], rows: readonly Record<string, unknown>[], opts: TableOptions = {}): string {
  const indent = ' '.repeat(opts.indent ?? 0);
  const texts = rows.map((r) => columns.map((c) => (c.format ? c.format(r[c.key], r) : cellText(r[c.key], { type: c.type, nullText: opts.nullText }))));
  const headers = columns.map((c) => c.header ?? c.key);
  const right = columns.map((c) => (c.align ? c.align === 'right' : isNumericColumn(c.type, rows.map((r) => r[c.key]))));
  const widths = headers.map((h, i) =>
    Math.min(Math.max(displayWidth(h), ...texts.map((row) => displayWidth(row[i] ?? ''))), Math.max(displayWidth(h), columns[i]?.maxWidth ?? 60)),
  );
  if (opts.maxTotalWidth) {
    // Cut the widest cells until the table fits, never a column below its header (up to 16) or 6;
    // a table that cannot fit that way is left whole and wraps.
    const limit = opts.maxTotalWidth;
    const floor = headers.map((h, i) => Math.min(widths[i] ?? 0, Math.max(6, Math.min(displayWidth(h), 16))));
    const total = () => (opts.indent ?? 0) + widths.reduce((a, w) => a + w, 0) + 2 * Math.max(0, widths.length - 1);
    const minTotal = (opts.indent ?? 0) + floor.reduce((a, w) => a + w, 0) + 2 * Math.max(0, widths.length - 1);
    while (minTotal <= limit && total() > limit) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++) {
        if ((widths[i] ?? 0) > (floor[i] ?? 0) && (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0))) widest = i;
      }
      if (widest < 0) break;
      widths[widest] = Math.max(floor[widest] ?? 0, (widths[widest] ?? 0) - 1);
    }
  }
  const line = (parts: readonly string[]) =>
    indent +
    parts
      .map((p, i) => {
        const w = widths[i] ?? 0;
        const t = truncate(p, w);
        return right[i] ? padStart(t, w) : padEnd(t, w);
      })
      .join('  ')
      .trimEnd();
  const out = [line(headers), indent + widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const row of texts) out.push(line(row));
  return `${out.join('\n')}\n`;
}

/** Label/value lines with the values lined up. */
export function renderPairs(pairs: readonly (readonly [string, string])[], indent = 0): string {
  const w = Math.max(0, ...pairs.map(([k]) => displayWidth(k)));
  return pairs.map(([k, v]) => `${' '.repeat(indent)}${padEnd(k, w)}  ${v}`.trimEnd()).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Writing

export function jsonReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
}

/** Writes and waits for the stream to drain, so large outputs do not pile up in memory. */
export async function write(text: string, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (!stream.write(text)) {
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        stream.off('drain', done);
        stream.off('error', done);
        if (e) reject(e);
        else resolve();
      };
      stream.once('drain', done);
      stream.once('error', done);
    });
  }
}

export async function printJson(value: unknown, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  await write(`${JSON.stringify(value, jsonReplacer, 2)}\n`, stream);
}

// ---------------------------------------------------------------------------------------------
// Progress

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): boolean;
}

/**
 * A progress bar on stderr. Draws only when the stream is a terminal (so logs and pipes stay
 * clean) and at most every `intervalMs`; `done()` clears the line.
 */
export class Progress {
  private last = 0;
  private drawn = false;
  private readonly active: boolean;

  constructor(
    private label: string,
    private readonly stream: ProgressStream = process.stderr,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {
    this.active = stream.isTTY === true;
  }

  /** `total` unknown: shows a counter instead of a bar. */
  update(done: number, total?: number, label?: string): void {
    if (!this.active) return;
    const labelChanged = label !== undefined && label !== this.label;
    if (label !== undefined) this.label = label;
    const t = this.now();
    const finished = total !== undefined && done >= total;
    if (!labelChanged && !finished && t - this.last < this.intervalMs) return;
    this.last = t;
    const width = Math.max(20, Math.min(this.stream.columns || 80, 100) - 1);
    let text: string;
    if (total && total > 0) {
      const f = Math.min(1, Math.max(0, done / total));
      const barWidth = 24;
      const filled = Math.round(f * barWidth);
      text = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% ${formatNumber(done)}/${formatNumber(total)}`;
    } else {
      text = `${this.label} ${formatNumber(done)}`;
    }
    this.stream.write(`\r${padEnd(truncate(text, width), width)}`);
    this.drawn = true;
  }

  done(): void {
    if (this.active && this.drawn) this.stream.write(`\r${' '.repeat(Math.max(20, Math.min(this.stream.columns || 80, 100) - 1))}\r`);
    this.drawn = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Flags

/** Parses a positive integer flag value, naming the flag when it is not one. */
export function parsePositiveInt(flag: string, value: string, opts: { allowZero?: boolean } = {}): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || (n === 0 && !opts.allowZero)) {
    throw new UsageError(`${flag} must be a ${opts.allowZero ? 'non-negative' : 'positive'} integer, got '${value}'`);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** DuckDB errors that mean the SQL or its input is wrong, not that Tidemark failed. */
const DUCKDB_INPUT_ERROR = /^(Parser|Binder|Catalog|Conversion|Invalid Input|Permission|Not implemented|Syntax|Constraint|Out of Range|Dependency|Invalid type|Type Mismatch|Mismatch Type|Sequence) Error/i;

export function isDuckDbInputError(e: unknown): boolean {
  return e instanceof Error && DUCKDB_INPUT_ERROR.test(e.message);
}

/** A message on one line: DuckDB appends "LINE 1: … ^" context on later lines. */
export function oneLine(message: string): string {
  const first = message.split(/\r?\n/).find((l) => l.trim() !== '') ?? message;
  return first.replace(/\s+/g, ' ').trim();
}

interface CommanderLikeError {
  readonly code: string;
  readonly exitCode: number;
}

function isCommanderError(e: unknown): e is Error & CommanderLikeError {
  if (e instanceof CommanderError) return true;
  return e instanceof Error && typeof (e as Partial<CommanderLikeError>).code === 'string' && (e as Partial<CommanderLikeError>).code!.startsWith('commander.');
}

/** 0 for help/version, 2 for usage errors, 1 for runtime failures. */
export function exitCodeFor(e: unknown): number {
  if (isCommanderError(e)) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof UsageError) return 2;
  return 1;
}

/** Reports an error as one stderr line (with the stack when TIDEMARK_DEBUG=1) and returns the exit code. */
export function reportError(e: unknown, stream: ProgressStream = process.stderr): number {
  const code = exitCodeFor(e);
  if (isCommanderError(e)) return code; // commander has printed its message through outputError
  const debug = process.env.TIDEMARK_DEBUG === '1';
  const message = e instanceof Error ? e.message : String(e);
  stream.write(`tidemark: ${oneLine(message)}\n`);
  if (debug && e instanceof Error && e.stack) stream.write(`${e.stack}\n`);
  return code;
}

/** commander prints "error: unknown option '--x'\n(Did you mean --y?)"; make that one `tidemark: …` line. */
export function formatCommanderMessage(str: string): string {
  const text = str
    .replace(/^error:\s*/i, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return `tidemark: ${text}\n`;
}

// ---------------------------------------------------------------------------------------------
// The program

/**
 * Applies the conventions to a commander program; call it before adding commands, which inherit
 * it: commander's own usage errors (unknown command or flag, missing argument, bad choice) become
 * one `tidemark: …` line and a thrown CommanderError instead of process.exit.
 */
export function configureProgram(program: Command): Command {
  return program
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(formatCommanderMessage(str)) })
    .exitOverride();
}

/** Parses and runs; returns the exit code (0, 1 or 2) after reporting any error. */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  // `tidemark sql … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

/** Waits for Ctrl-C (SIGINT) or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
