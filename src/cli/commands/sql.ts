import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { csvLine, duplicateColumns, resultColumns } from '../../export/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Column, Row, Warehouse } from '../../warehouse/port.js';
import {
  addCommonOptions,
  dbPathOf,
  isDuckDbInputError,
  jsonReplacer,
  oneLine,
  parsePositiveInt,
  renderTable,
  UsageError,
  wantJson,
  write,
  type CommonOptions,
} from '../output.js';

/**
 * Read-only SQL for analysts. Four layers, each protecting something different:
 *
 * 1. Keyword check of the first token (after comments and opening parentheses): only
 *    SELECT/WITH/FROM/VALUES/DESCRIBE/SHOW/SUMMARIZE/EXPLAIN/PIVOT/UNPIVOT. Fast, and gives a clear
 *    message ("INSERT statements are not allowed"); on its own it is not a security boundary.
 * 2. DuckDB's own parser, through `json_serialize_sql(sql)` on the warehouse connection: the text must
 *    be exactly one statement and that statement must be a query (a SelectStatement in DuckDB's AST,
 *    which is what SELECT, WITH, FROM-first, VALUES, DESCRIBE, SHOW and SUMMARIZE parse to). This is
 *    what catches `SELECT 1; DROP TABLE customers`, statements hidden behind comments or quotes, and
 *    anything else a regex cannot see. EXPLAIN and PIVOT are not SelectStatements: EXPLAIN is checked
 *    by checking the statement it explains; PIVOT by also parsing it as a subquery `SELECT * FROM (PIVOT …)`.
 *    The check only parses; nothing runs.
 * 3. The connection itself is DuckDB READ_ONLY (openWarehouse({ readOnly: true })): the guarantee that
 *    nothing is written even if the checks above let something through, e.g. `SELECT nextval(…)`.
 * 4. enable_external_access=false with lock_configuration: no file or network access from SQL
 *    (read_csv('/etc/passwd'), COPY … TO, ATTACH, INSTALL/LOAD), and `SET` cannot switch it back on.
 */
export const READ_STATEMENTS = ['SELECT', 'WITH', 'FROM', 'VALUES', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'EXPLAIN', 'PIVOT', 'UNPIVOT'] as const;

const READ_ONLY = 'tidemark sql is read-only';
const ALLOWED = `only a single ${READ_STATEMENTS.join('/')} statement is allowed`;

/** Index of the next token after whitespace and -- or /* *\/ comments. */
function skipTrivia(s: string, i: number): number {
  for (;;) {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
    if (s.startsWith('--', i)) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl + 1;
    } else if (s.startsWith('/*', i)) {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 2;
    } else {
      return i;
    }
  }
}

function wordAt(s: string, i: number): string {
  return /^[A-Za-z_]+/.exec(s.slice(i, i + 64))?.[0] ?? '';
}

/** The statement keyword: the first word, skipping comments and opening parentheses. */
export function firstKeyword(sql: string): { word: string; index: number } | undefined {
  let i = skipTrivia(sql, 0);
  while (sql[i] === '(') i = skipTrivia(sql, i + 1);
  if (i >= sql.length) return undefined;
  return { word: wordAt(sql, i).toUpperCase(), index: i };
}

/** The statement after `EXPLAIN [ANALYZE] [(options)]`. */
function explained(sql: string, index: number): string {
  let i = skipTrivia(sql, index + 'EXPLAIN'.length);
  if (wordAt(sql, i).toUpperCase() === 'ANALYZE') i = skipTrivia(sql, i + 'ANALYZE'.length);
  if (sql[i] === '(') {
    // (FORMAT json) style options; a ( that opens a parenthesised query instead is left alone.
    const close = sql.indexOf(')', i);
    const inner = close < 0 ? '' : sql.slice(i + 1, close);
    if (close >= 0 && !/\b(select|with|from|values)\b/i.test(inner)) i = skipTrivia(sql, close + 1);
  }
  return sql.slice(i);
}

type Parsed = { kind: 'query'; statements: number } | { kind: 'other' } | { kind: 'syntax'; message: string };

/** DuckDB's parser, without running anything: one SelectStatement per entry, or an error. */
async function parse(wh: Warehouse, sql: string): Promise<Parsed> {
  const r = await wh.query(`SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS j`, [sql]);
  const raw = r.rows[0]?.j;
  const j = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
    error?: boolean;
    error_type?: string;
    error_message?: string;
    statements?: unknown[];
  };
  if (!j.error) return { kind: 'query', statements: j.statements?.length ?? 0 };
  if (j.error_type === 'not implemented') return { kind: 'other' };
  return { kind: 'syntax', message: j.error_message ?? 'cannot parse' };
}

/**
 * Throws a UsageError unless `sql` is exactly one read statement; see the layers above.
 * `what` names the flag or argument in messages.
 */
export async function assertReadOnlySql(wh: Warehouse, sql: string, what?: string, depth = 0): Promise<void> {
  const at = what ? `${what}: ` : '';
  const first = firstKeyword(sql);
  if (!first) throw new UsageError(`${at}no SQL statement given`);
  const parsed = await parse(wh, sql);
  if (parsed.kind === 'syntax') throw new UsageError(`${at}SQL syntax error: ${oneLine(parsed.message)}`);
  const { word, index } = first;
  if (!(READ_STATEMENTS as readonly string[]).includes(word)) {
    const shown = word || sql.slice(index, index + 12).trim();
    throw new UsageError(`${READ_ONLY}: ${shown} statements are not allowed; ${ALLOWED}`);
  }
  if (parsed.kind === 'query') {
    if (parsed.statements === 1) return;
    if (parsed.statements === 0) throw new UsageError(`${at}no SQL statement given`);
    throw new UsageError(`${READ_ONLY}: found ${parsed.statements} statements; ${ALLOWED}`);
  }
  if (word === 'EXPLAIN' && depth < 3) return assertReadOnlySql(wh, explained(sql, index), what, depth + 1);
  if (word === 'PIVOT' || word === 'UNPIVOT') {
    // A PIVOT without an IN list parses to a helper CREATE TYPE plus the query, which
    // json_serialize_sql cannot serialise. The text parsed (above), and it must also parse as the
    // subquery of SELECT * FROM ( … ): parentheses are balanced within a statement and ';' cannot
    // stand inside parentheses, so both parse only if the text is one table expression.
    const body = sql.replace(/[\s;]+$/, '');
    const wrapped = await parse(wh, `SELECT * FROM (\n${body}\n)`);
    if (wrapped.kind === 'other' || (wrapped.kind === 'query' && wrapped.statements === 1)) return;
  }
  throw new UsageError(`${READ_ONLY}: the SQL is not a single read statement (a second statement, or one that writes?); ${ALLOWED}`);
}

/** DuckDB errors from the analyst's SQL are bad input (exit 2), with a hint for file access. */
export function sqlInputError(e: unknown): unknown {
  if (!isDuckDbInputError(e)) return e;
  const msg = oneLine((e as Error).message);
  if (/^Permission Error/i.test(msg) || /read-only mode/i.test(msg)) {
    return new UsageError(`${READ_ONLY} and has no file access: ${msg}`);
  }
  return new UsageError(msg);
}

/** Reads the query: the argument, or stdin when it is '-'. */
function queryText(arg: string): string {
  return arg === '-' ? readFileSync(0, 'utf8') : arg;
}

/** The result's columns: DESCRIBE when it can wrap the statement, else the first row's keys. */
async function columnsOf(wh: Warehouse, sql: string): Promise<Column[] | undefined> {
  const cols = await resultColumns(wh, sql);
  const dup = cols ? duplicateColumns(cols) : [];
  if (dup.length) {
    throw new UsageError(`the result has more than one column named ${dup.map((d) => `'${d}'`).join(', ')}; give each an alias (… AS name)`);
  }
  return cols;
}

export type SqlFormat = 'table' | 'json' | 'csv';

interface SqlOptions extends CommonOptions {
  readonly format?: SqlFormat;
  readonly maxRows?: string;
}

async function runSql(arg: string, opts: SqlOptions): Promise<void> {
  const sql = queryText(arg);
  const format: SqlFormat = opts.format ?? (wantJson(opts) ? 'json' : 'table');
  const maxRows = opts.maxRows === undefined ? 1000 : parsePositiveInt('--max-rows', opts.maxRows);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    await assertReadOnlySql(wh, sql);
    let columns = await columnsOf(wh, sql);
    const names = () => columns?.map((c) => c.name) ?? [];
    const stream = wh.stream(sql);
    try {
      if (format === 'csv') {
        let header = false;
        for await (const batch of stream) {
          if (!columns) columns = Object.keys(batch[0] ?? {}).map((name) => ({ name, type: 'UNKNOWN' }));
          let chunk = header ? '' : csvLine(names(), '\n');
          header = true;
          for (const row of batch) chunk += csvLine(names().map((n) => row[n]), '\n');
          await write(chunk);
        }
        if (!header) await write(csvLine(names(), '\n'));
      } else if (format === 'json') {
        // Streamed: {"columns": [...], "rows": [ … ], "rowCount": n}
        let n = 0;
        let started = false;
        const start = async () => {
          started = true;
          await write(`{"columns":${JSON.stringify(columns ?? [])},"rows":[`);
        };
        for await (const batch of stream) {
          if (!columns && batch[0]) columns = Object.keys(batch[0]).map((name) => ({ name, type: 'UNKNOWN' }));
          if (!started) await start();
          let chunk = '';
          for (const row of batch) {
            const ordered: Row = {};
            for (const c of names()) ordered[c] = row[c];
            chunk += `${n === 0 ? '\n' : ',\n'}${JSON.stringify(ordered, jsonReplacer)}`;
            n++;
          }
          await write(chunk);
        }
        if (!started) await start();
        await write(`${n ? '\n' : ''}],"rowCount":${n}}\n`);
      } else {
        const shown: Row[] = [];
        let more = false;
        for await (const batch of stream) {
          if (!columns && batch[0]) columns = Object.keys(batch[0]).map((name) => ({ name, type: 'UNKNOWN' }));
          for (const row of batch) {
            if (shown.length < maxRows) shown.push(row);
            else more = true;
          }
          if (more) break;
        }
        const cols = (columns ?? []).map((c) => ({ key: c.name, type: c.type }));
        await write(renderTable(cols, shown, { nullText: 'NULL', maxTotalWidth: process.stdout.columns || undefined }));
        await write(
          more
            ? `(first ${shown.length.toLocaleString('en-US')} rows shown; use --format csv, --max-rows or \`tidemark export\` for all)\n`
            : `(${shown.length.toLocaleString('en-US')} row${shown.length === 1 ? '' : 's'})\n`,
        );
      }
    } catch (e) {
      throw sqlInputError(e);
    }
  } finally {
    await wh.close();
  }
}

export function registerSql(program: Command): void {
  const cmd = program
    .command('sql')
    .description('run one read-only SQL statement (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, PIVOT, VALUES)')
    .argument('<query>', "the SQL statement, or '-' to read it from stdin")
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, else json)').choices(['table', 'json', 'csv']))
    .option('--max-rows <n>', 'rows shown in table format (default 1000)');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
The warehouse is opened read-only, without file or network access; statements that write are refused.
Examples:
  tidemark sql "SELECT channel, count(*) AS orders, sum(amount) AS revenue FROM orders GROUP BY ALL ORDER BY revenue DESC"
  tidemark sql "SUMMARIZE customers"
  tidemark sql --format csv "FROM orders LIMIT 100" > orders.csv`,
  );
  cmd.action(async (query: string, opts: SqlOptions) => {
    if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json and --format ${opts.format} contradict each other`);
    await runSql(query, opts.json ? { ...opts, format: 'json' } : opts);
  });
}
