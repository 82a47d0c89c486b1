import { closeSync, createReadStream, openSync, readSync } from 'node:fs';

/**
 * Physical lines of a delimited file, learnt from one plain read of its bytes (the pipeline does it while hashing
 * the file; a transcoded copy gets its own read, concurrent with DuckDB's load).
 */
export interface FileLines {
  /** The line-end byte: 0x0A (LF and CRLF files) or 0x0D (old Mac / Excel for Mac "CR" files). */
  readonly eol: number;
  /** Line ends (eol bytes) in the file. */
  readonly newlines: number;
  readonly endsWithNewline: boolean;
  /**
   * Empty lines (nothing, or only a CR before the LF), by physical line number, ascending. DuckDB's CSV reader skips
   * them silently. Some may sit inside a quoted value that spans lines; stage decides which are real.
   */
  readonly blankLines: readonly number[];
  /** Line ends before each checkpoint byte offset (one per chunk read), to turn byte positions into lines cheaply. */
  readonly checkpoints: { readonly offsets: readonly number[]; readonly lines: readonly number[] };
}

/** Counts line ends and empty lines chunk by chunk; `indexOf` per line end, a few comparisons per line. */
export class LineCounter {
  private eol = -1;
  private count = 0;
  private base = 0;
  private prevEol = -1;
  private lastByte = -1;
  private readonly blank: number[] = [];
  private readonly offsets: number[] = [];
  private readonly lines: number[] = [];

  update(b: Buffer): void {
    if (b.length === 0) return;
    if (this.eol < 0) {
      // CR-only files: the first line break is a CR not followed by an LF
      const lf = b.indexOf(10);
      const cr = b.indexOf(13);
      this.eol = cr >= 0 && (lf < 0 || cr < lf) && cr + 1 < b.length && b[cr + 1] !== 10 ? 13 : 10;
    }
    this.offsets.push(this.base);
    this.lines.push(this.count);
    const e = this.eol;
    for (let i = b.indexOf(e); i !== -1; i = b.indexOf(e, i + 1)) {
      const abs = this.base + i;
      const len = abs - this.prevEol - 1;
      if (len === 0 || (len === 1 && e === 10 && (i > 0 ? b[i - 1] : this.lastByte) === 13)) this.blank.push(this.count + 1);
      this.count++;
      this.prevEol = abs;
    }
    this.base += b.length;
    this.lastByte = b[b.length - 1]!;
  }

  result(): FileLines {
    const eol = this.eol < 0 ? 10 : this.eol;
    return { eol, newlines: this.count, endsWithNewline: this.lastByte === eol, blankLines: this.blank, checkpoints: { offsets: this.offsets, lines: this.lines } };
  }
}

/** One read of a file for its lines alone (the transcoded copies; the original is counted while it is hashed). */
export async function scanLines(file: string): Promise<FileLines> {
  const c = new LineCounter();
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) c.update(chunk as Buffer);
  return c.result();
}

/** Physical lines of a file: header + records + line breaks inside values + blank lines. */
export function physicalLineCount(l: FileLines): number {
  return l.newlines + (l.endsWithNewline ? 0 : 1);
}

/**
 * The physical line of each line DuckDB rejected, from its byte position and raw text. DuckDB's line number counts
 * records (a quoted value spanning lines counts once), and its byte position is the start of the line, one byte into
 * it, or the start of the blank lines before it: the line is the one holding that byte, after stepping over blank
 * lines, checked against the raw text (else the next lines are tried). Reads from the nearest checkpoint before each
 * position, so all positions together read the file about once.
 */
export function linesAtPositions(file: string, l: FileLines | undefined, items: readonly { pos: number; raw: string }[]): Map<number, number> {
  const out = new Map<number, number>();
  if (items.length === 0) return out;
  const byPos = new Map<number, string>();
  for (const it of items) if (!byPos.has(it.pos)) byPos.set(it.pos, it.raw);
  const sorted = [...byPos.keys()].sort((a, b) => a - b);
  const eol = l?.eol ?? 10;
  const offsets = l?.checkpoints.offsets ?? [0];
  const counts = l?.checkpoints.lines ?? [0];
  const buf = Buffer.alloc(1 << 20);
  const small = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  const read = (b: Buffer, at: number, n: number) => (n > 0 ? readSync(fd, b, 0, Math.min(n, b.length), at) : 0);
  /** Start of the line holding byte p (a line end belongs to the line it ends). */
  const lineStart = (p: number): number => {
    let end = p;
    while (end > 0) {
      const from = Math.max(0, end - small.length);
      const got = read(small, from, end - from);
      const i = small.subarray(0, got).lastIndexOf(eol);
      if (i >= 0) return from + i + 1;
      end = from;
    }
    return 0;
  };
  /** Steps over line ends and CRs from q: the first byte of the next non-empty line and the line ends passed. */
  const skipBlank = (q: number): { at: number; passed: number } => {
    let passed = 0;
    for (;;) {
      const got = read(small, q, small.length);
      let i = 0;
      while (i < got && (small[i] === 10 || small[i] === 13)) {
        if (small[i] === eol) passed++;
        i++;
      }
      q += i;
      if (i < got || got <= 0) return { at: q, passed };
    }
  };
  /** The end of the line starting at q (its line end, or the end of the file). */
  const nextLine = (q: number): number => {
    for (;;) {
      const got = read(buf, q, buf.length);
      if (got <= 0) return q;
      const i = buf.subarray(0, got).indexOf(eol);
      if (i >= 0) return q + i + 1;
      q += got;
    }
  };
  const matches = (q: number, raw: Buffer): boolean => {
    const got = read(small, q, raw.length);
    return got === raw.length && small.subarray(0, got).equals(raw);
  };
  try {
    let cursor = 0;
    let cursorLines = 0;
    let k = 0;
    for (const p of sorted) {
      while (k + 1 < offsets.length && offsets[k + 1]! <= p) k++;
      if ((offsets[k] ?? 0) > cursor) {
        cursor = offsets[k]!;
        cursorLines = counts[k]!;
      }
      // line ends in [cursor, p)
      while (cursor < p) {
        const got = read(buf, cursor, p - cursor);
        if (got <= 0) break;
        const v = got < buf.length ? buf.subarray(0, got) : buf;
        for (let i = v.indexOf(eol); i !== -1; i = v.indexOf(eol, i + 1)) cursorLines++;
        cursor += got;
      }
      const raw = Buffer.from(byPos.get(p) ?? '', 'utf8').subarray(0, small.length);
      const s = skipBlank(lineStart(p));
      let line = cursorLines + 1 + s.passed;
      if (raw.length > 0 && !matches(s.at, raw)) {
        let probe = s;
        let probeLine = line;
        for (let tries = 0; tries < 3; tries++) {
          probe = skipBlank(nextLine(probe.at));
          probeLine += 1 + probe.passed;
          if (matches(probe.at, raw)) {
            line = probeLine;
            break;
          }
        }
      }
      out.set(p, line);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/**
 * The blank lines outside quoted values, by a byte scan that follows the quotes (a doubled quote toggles twice).
 * Only for files that have both line breaks inside values and empty lines not all of which are blank lines.
 */
export async function blankLinesOutsideQuotes(file: string, eol: number): Promise<number[]> {
  const blank: number[] = [];
  let line = 1;
  let inQuote = false;
  let lineLen = 0; // bytes on the current line, not counting a CR right before the LF
  let pendingCr = false;
  let lineStartsOutside = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      if (c === eol) {
        if (lineLen === 0 && lineStartsOutside && !inQuote) blank.push(line);
        line++;
        lineLen = 0;
        pendingCr = false;
        lineStartsOutside = !inQuote;
        continue;
      }
      if (c === 13 && eol === 10 && !pendingCr) {
        pendingCr = true;
        continue;
      }
      if (pendingCr) lineLen++;
      pendingCr = false;
      lineLen++;
      if (c === 0x22) inQuote = !inQuote;
    }
  }
  return blank;
}
