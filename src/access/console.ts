/**
 * The guard of the API's SQL console. The server holds the warehouse read-write (imports need file access), so unlike
 * `tidemark sql` the console cannot lean on a READ_ONLY connection with external access off. Instead a statement runs
 * only if DuckDB's own parser (`json_serialize_sql`, which only parses) turns it into exactly one SELECT, and a walk of
 * that syntax tree finds nothing that reaches past the caller's views:
 * - tables: unqualified names of warehouse tables (on a gate connection: the caller's views) or of CTEs in scope;
 *   `main.customers`, `"db".main.customers`, `information_schema.tables`, `FROM 'file.csv'` are refused;
 * - table functions: only range, generate_series and unnest (read_csv, glob, query, duckdb_settings… are refused);
 * - scalar functions: known to the connection (a function of an extension that is not loaded would autoload it) and
 *   not one of {@link FUNCTIONS_REFUSED} (settings, variables, sequences, sleeping, the catalog's view definitions…);
 * - type names: known to the connection (same reason);
 * - anything else the walk does not know (a syntax added by a later DuckDB) is refused rather than trusted.
 * Not a SELECT (COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CREATE, INSERT, …) does not serialise, so it is refused.
 */
import type { Warehouse } from '../warehouse/port.js';

export type ConsoleCode =
  | 'sql_empty'
  | 'sql_syntax'
  | 'sql_not_select'
  | 'sql_multiple_statements'
  | 'sql_table_not_allowed'
  | 'sql_function_not_allowed'
  | 'sql_type_not_allowed'
  | 'sql_construct_not_allowed'
  | 'sql_duplicate_columns'
  | 'sql_timeout';

export interface ConsoleRefusal {
  readonly code: ConsoleCode;
  readonly message: string;
  /** What was refused: a table, function or type name, or a statement keyword. */
  readonly what?: string;
  /** 1-based, in characters, when DuckDB reports where. */
  readonly line?: number;
  readonly column?: number;
}

export interface ConsolePolicy {
  /** Tables a statement may name, lower case: the warehouse's tables (the caller's views on a gate connection). */
  readonly tables: ReadonlySet<string>;
  /** Scalar, aggregate and macro functions known to the connection, lower case. */
  readonly functions: ReadonlySet<string>;
  /** Type names known to the connection, lower case. */
  readonly types: ReadonlySet<string>;
}

/** Table functions that make rows from their arguments only. */
export const TABLE_FUNCTIONS_ALLOWED: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

/** Functions the parser makes that duckdb_functions() does not list. */
const SPECIAL_FUNCTIONS: ReadonlySet<string> = new Set(['unnest', 'unlist']);

/** Functions that exist but read or change state outside the statement's rows; the value says why. */
export const FUNCTIONS_REFUSED: ReadonlyMap<string, string> = new Map([
  ['current_setting', 'reads DuckDB settings'],
  ['getvariable', 'reads session variables'],
  ['nextval', 'advances a sequence (a write)'],
  ['currval', 'reads a sequence'],
  ['setseed', 'changes the session'],
  ['sleep_ms', 'holds the connection'],
  ['pg_sleep', 'holds the connection'],
  ['write_log', "writes to DuckDB's log"],
  ['json_serialize_plan', 'binds other SQL (it may read files)'],
  ['json_execute_serialized_sql', 'runs other SQL'],
  ['pg_get_viewdef', 'reads the catalog (view definitions)'],
  ['pg_get_constraintdef', 'reads the catalog'],
  ['format_type', 'reads the catalog'],
  ['get_block_size', 'reads the database files'],
]);

/** Expression classes of DuckDB's syntax tree; the function-like ones are checked by name. */
const EXPRESSION_CLASSES: ReadonlySet<string> = new Set([
  'BETWEEN',
  'CASE',
  'CAST',
  'COLLATE',
  'COLUMN_REF',
  'COMPARISON',
  'CONJUNCTION',
  'CONSTANT',
  'DEFAULT',
  'FUNCTION',
  'LAMBDA',
  'LAMBDA_REF',
  'OPERATOR',
  'PARAMETER',
  'POSITIONAL_REFERENCE',
  'STAR',
  'SUBQUERY',
  'WINDOW',
]);

/** Query nodes, table references and modifiers that need no check of their own (their children are walked). */
const PLAIN_NODES: ReadonlySet<string> = new Set([
  'SELECT_NODE',
  'SET_OPERATION_NODE',
  'RECURSIVE_CTE_NODE',
  'CTE_NODE',
  'JOIN',
  'SUBQUERY',
  'EMPTY',
  'EXPRESSION_LIST',
  'PIVOT',
  'ORDER_MODIFIER',
  'LIMIT_MODIFIER',
  'LIMIT_PERCENT_MODIFIER',
  'DISTINCT_MODIFIER',
  'ORDER_DEFAULT',
  'ASCENDING',
  'DESCENDING',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

class Refused extends Error {
  constructor(readonly refusal: ConsoleRefusal) {
    super(refusal.message);
  }
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

/** Line and column (1-based, characters) of a UTF-8 byte offset into `sql`; undefined when out of range. */
export function locate(sql: string, byteOffset: unknown): { line: number; column: number } | undefined {
  const n = typeof byteOffset === 'string' ? Number(byteOffset) : byteOffset;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return undefined;
  const bytes = Buffer.from(sql, 'utf8');
  if (n >= bytes.length) return undefined;
  const before = bytes.subarray(0, n).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: Array.from(lines[lines.length - 1] ?? '').length + 1 };
}

function at(sql: string, loc: unknown): string {
  const l = locate(sql, loc);
  return l ? ` (line ${l.line}, column ${l.column})` : '';
}

function refuse(sql: string, code: ConsoleCode, what: string, loc: unknown, message: string): never {
  const l = locate(sql, loc);
  throw new Refused({ code, message, what, ...(l ? { line: l.line, column: l.column } : {}) });
}

const quoteName = (parts: readonly string[]) => parts.filter((p) => p !== '').join('.');

class Walker {
  constructor(
    private readonly sql: string,
    private readonly policy: ConsolePolicy,
  ) {}

  walk(v: Json | undefined, scope: ReadonlySet<string>): void {
    if (Array.isArray(v)) {
      for (const x of v) this.walk(x, scope);
      return;
    }
    if (!isObj(v)) return;
    if (typeof v.class === 'string') return this.expression(v, scope);
    if (typeof v.type === 'string') return this.node(v, scope);
    this.children(v, scope);
  }

  private children(o: Obj, scope: ReadonlySet<string>, skip: ReadonlySet<string> = new Set()): void {
    for (const [k, x] of Object.entries(o)) if (!skip.has(k)) this.walk(x, scope);
  }

  private expression(e: Obj, scope: ReadonlySet<string>): void {
    const cls = str(e.class);
    if (!EXPRESSION_CLASSES.has(cls)) refuse(this.sql, 'sql_construct_not_allowed', cls, e.query_location, `${cls.toLowerCase()} expressions are not allowed in the console${at(this.sql, e.query_location)}`);
    if (cls === 'FUNCTION' || (cls === 'WINDOW' && e.type === 'WINDOW_AGGREGATE')) this.scalarFunction(e);
    // A constant's value is data, not syntax.
    this.children(e, scope, cls === 'CONSTANT' ? new Set(['value']) : undefined);
  }

  private scalarFunction(e: Obj): void {
    const name = str(e.function_name).toLowerCase();
    const schema = str(e.schema).toLowerCase();
    const shown = quoteName([str(e.catalog), str(e.schema), str(e.function_name)]);
    if (str(e.catalog) !== '' || !['', 'main', 'pg_catalog'].includes(schema)) {
      refuse(this.sql, 'sql_function_not_allowed', shown, e.query_location, `${shown}${at(this.sql, e.query_location)}: call functions by their plain name`);
    }
    const why = FUNCTIONS_REFUSED.get(name);
    if (why) refuse(this.sql, 'sql_function_not_allowed', name, e.query_location, `${name}${at(this.sql, e.query_location)} ${why}; it is not allowed in the console`);
    if (!this.policy.functions.has(name) && !SPECIAL_FUNCTIONS.has(name)) {
      refuse(
        this.sql,
        'sql_function_not_allowed',
        name,
        e.query_location,
        `${name}${at(this.sql, e.query_location)} is not a function the console knows (a function of an extension that is not loaded is refused, since calling it would load the extension)`,
      );
    }
  }

  private node(n: Obj, scope: ReadonlySet<string>): void {
    const type = str(n.type);
    if (isObj(n.cte_map) && Array.isArray(n.cte_map.map)) scope = this.ctes(n.cte_map.map, scope);
    switch (type) {
      case 'BASE_TABLE':
        this.table(n, scope);
        break;
      case 'TABLE_FUNCTION': {
        const f = isObj(n.function) ? n.function : {};
        const name = str(f.function_name).toLowerCase();
        const shown = quoteName([str(f.catalog), str(f.schema), str(f.function_name)]) || '(unnamed)';
        const plain = str(f.catalog) === '' && ['', 'main'].includes(str(f.schema).toLowerCase());
        if (!plain || !TABLE_FUNCTIONS_ALLOWED.has(name) || f.class !== 'FUNCTION') {
          refuse(
            this.sql,
            'sql_function_not_allowed',
            shown,
            n.query_location ?? f.query_location,
            `${shown}${at(this.sql, n.query_location ?? f.query_location)}: the console allows the table functions ${[...TABLE_FUNCTIONS_ALLOWED].join(', ')} only (others read files, settings or the catalog)`,
          );
        }
        this.children(f, scope);
        this.children(n, scope, new Set(['function', 'cte_map']));
        return;
      }
      case 'SHOW_REF':
        // DESCRIBE/SUMMARIZE <query> carry the query; SHOW TABLES, SHOW DATABASES… carry a name and list the catalog.
        if (str(n.table_name) !== '') {
          const what = str(n.table_name).replace(/"/g, '');
          refuse(this.sql, 'sql_table_not_allowed', what, n.query_location, `SHOW ${what} lists the catalog; the console reads the warehouse tables only (DESCRIBE <table> shows a table's columns)`);
        }
        break;
      case 'RECURSIVE_CTE_NODE':
        // Only the recursive term sees the CTE: in the first term DuckDB resolves the name in the catalog.
        this.walk(n.right, new Set([...scope, str(n.cte_name).toLowerCase()]));
        this.children(n, scope, new Set(['right', 'cte_map']));
        return;
      default:
        if (/_TYPE_INFO$/.test(type)) {
          if (type === 'UNBOUND_TYPE_INFO' || type === 'USER_TYPE_INFO') this.typeName(n);
        } else if (!PLAIN_NODES.has(type)) {
          refuse(this.sql, 'sql_construct_not_allowed', type, n.query_location, `${type.toLowerCase().replace(/_/g, ' ')}${at(this.sql, n.query_location)} is not allowed in the console`);
        }
    }
    this.children(n, scope, new Set(['cte_map']));
  }

  /** A CTE's body sees the CTEs before it (and itself only through WITH RECURSIVE); the statement sees them all. */
  private ctes(map: Json[], scope: ReadonlySet<string>): ReadonlySet<string> {
    let s = scope;
    for (const entry of map) {
      if (!isObj(entry)) continue;
      this.walk(entry.value, s);
      s = new Set([...s, str(entry.key).toLowerCase()]);
    }
    return s;
  }

  private table(n: Obj, scope: ReadonlySet<string>): void {
    const name = str(n.table_name);
    const shown = quoteName([str(n.catalog_name), str(n.schema_name), name]);
    const loc = n.query_location;
    if (str(n.catalog_name) !== '' || str(n.schema_name) !== '') {
      refuse(
        this.sql,
        'sql_table_not_allowed',
        shown,
        loc,
        `${shown}${at(this.sql, loc)}: name tables without a schema or database (${name}, not ${shown}); the console reads only your views of the warehouse tables`,
      );
    }
    if (n.at_clause !== null && n.at_clause !== undefined) refuse(this.sql, 'sql_table_not_allowed', name, loc, `${name}${at(this.sql, loc)}: AT (time travel) is not allowed`);
    const key = name.toLowerCase();
    if (scope.has(key) || this.policy.tables.has(key)) return;
    if (/[./\\:]/.test(name)) {
      refuse(this.sql, 'sql_table_not_allowed', name, loc, `'${name}'${at(this.sql, loc)}: reading files is not allowed; the console reads the warehouse tables only`);
    }
    const known = [...this.policy.tables].sort();
    refuse(
      this.sql,
      'sql_table_not_allowed',
      name,
      loc,
      `${name}${at(this.sql, loc)} is not a warehouse table; the console reads ${known.length ? `these tables: ${known.join(', ')}` : 'no tables on this connection'}`,
    );
  }

  private typeName(t: Obj): void {
    const name = str(t.name ?? t.user_type_name);
    const qualified = str(t.catalog) !== '' || str(t.schema) !== '';
    if (qualified || !this.policy.types.has(name.toLowerCase())) {
      const shown = quoteName([str(t.catalog), str(t.schema), name]);
      refuse(this.sql, 'sql_type_not_allowed', shown, undefined, `type ${shown} is not a type the console knows (a type of an extension that is not loaded is refused, since using it would load the extension)`);
    }
  }
}

/** The statement keyword, for messages: the first word after comments and opening parentheses. */
export function firstKeyword(sql: string): string {
  const s = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/, '');
  return /^[A-Za-z_]+/.exec(s)?.[0]?.toUpperCase() ?? '';
}

const SELECT_WORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT', 'TABLE']);

/**
 * Checks DuckDB's parse of `sql` (the JSON of `json_serialize_sql`) against `policy`; undefined when it may run.
 * Pure: the caller asks DuckDB for the parse ({@link parseSql}) and the policy ({@link consolePolicy}).
 */
export function checkConsoleAst(sql: string, parsed: unknown, policy: ConsolePolicy): ConsoleRefusal | undefined {
  if (sql.trim() === '') return { code: 'sql_empty', message: 'no SQL statement given' };
  const p = (isObj(parsed as Json) ? parsed : {}) as Obj;
  if (p.error === true) {
    if (p.error_type === 'parser') {
      const l = locate(sql, p.position);
      return { code: 'sql_syntax', message: `SQL syntax error${l ? ` (line ${l.line}, column ${l.column})` : ''}: ${str(p.error_message)}`, ...(l ? { line: l.line, column: l.column } : {}) };
    }
    const word = firstKeyword(sql);
    if (!SELECT_WORDS.has(word)) {
      return { code: 'sql_not_select', message: `only SELECT statements are allowed in the console${word ? `, not ${word}` : ''} (nothing that writes, copies, attaches, installs, loads or sets)`, what: word || undefined };
    }
    if (!/only select statements/i.test(str(p.error_message))) {
      return { code: 'sql_construct_not_allowed', message: `the console cannot check this statement, so it does not run it: ${str(p.error_message) || 'DuckDB cannot serialise it'}` };
    }
    if (word === 'PIVOT' || word === 'UNPIVOT') {
      return { code: 'sql_not_select', message: `a ${word} without an explicit IN list of values is more than one statement to DuckDB; give the IN list (… ON status IN ('paid', 'cancelled') …)`, what: word };
    }
    return { code: 'sql_multiple_statements', message: 'only one SELECT statement at a time; the text holds a second statement that is not a SELECT', what: word };
  }
  const statements = Array.isArray(p.statements) ? p.statements : [];
  if (statements.length === 0) return { code: 'sql_empty', message: 'no SQL statement given' };
  if (statements.length > 1) return { code: 'sql_multiple_statements', message: `only one statement at a time; found ${statements.length}` };
  try {
    new Walker(sql, policy).walk(statements[0], new Set());
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
  return undefined;
}

/** DuckDB's parse of `sql` as JSON; nothing runs. */
export async function parseSql(wh: Warehouse, sql: string): Promise<unknown> {
  const r = await wh.query(`SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS j`, [sql]);
  const raw = r.rows[0]?.j;
  return typeof raw === 'string' ? JSON.parse(raw) : raw;
}

const FUNCTION_TYPES = `function_type IN ('scalar', 'aggregate', 'macro')`;
/** Built-in function names per database file: listing them takes DuckDB about 40 ms, and they only grow (extensions). */
const builtins = new Map<string, Promise<ReadonlySet<string>>>();

async function names(wh: Warehouse, sql: string): Promise<Set<string>> {
  return new Set((await wh.query(sql)).rows.map((r) => String(r.n)));
}

/**
 * What a statement on this connection may use. Tables: the warehouse's own (its main schema), by plain name, which on
 * a gate connection resolves to the caller's view where the gate made one (scope or masks) and to the table where the
 * caller may read it whole; the gate's helpers (tm_scope_root, tm_scope_employees) are not warehouse tables.
 * Functions: the built-in ones (cached); {@link checkConsoleSql} looks again, temporary macros included, before it
 * refuses a name as unknown.
 */
export async function consolePolicy(wh: Warehouse, opts: { allFunctions?: boolean } = {}): Promise<ConsolePolicy> {
  let functions: ReadonlySet<string>;
  if (opts.allFunctions) {
    functions = await names(wh, `SELECT DISTINCT lower(function_name) AS n FROM duckdb_functions() WHERE ${FUNCTION_TYPES}`);
  } else {
    const cached = builtins.get(wh.path) ?? names(wh, `SELECT DISTINCT lower(function_name) AS n FROM duckdb_functions() WHERE database_name = 'system' AND ${FUNCTION_TYPES}`);
    builtins.set(wh.path, cached);
    functions = await cached.catch((e: unknown) => {
      builtins.delete(wh.path);
      throw e;
    });
  }
  return {
    tables: await names(wh, `SELECT DISTINCT lower(table_name) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary`),
    functions,
    types: await names(wh, `SELECT DISTINCT lower(type_name) AS n FROM duckdb_types()`),
  };
}

/** Parses `sql` on `wh` and checks it; undefined when it may run there. */
export async function checkConsoleSql(wh: Warehouse, sql: string, policy?: ConsolePolicy): Promise<ConsoleRefusal | undefined> {
  if (sql.trim() === '') return { code: 'sql_empty', message: 'no SQL statement given' };
  const parsed = await parseSql(wh, sql);
  const p = policy ?? (await consolePolicy(wh));
  const r = checkConsoleAst(sql, parsed, p);
  const unknownFunction = r?.code === 'sql_function_not_allowed' && r.what !== undefined && !p.functions.has(r.what) && !FUNCTIONS_REFUSED.has(r.what);
  if (!unknownFunction) return r;
  return checkConsoleAst(sql, parsed, { ...p, functions: (await consolePolicy(wh, { allFunctions: true })).functions });
}

export interface ConsoleResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: Record<string, unknown>[];
  /** More rows were there than returned: the row cap, or the time budget, was reached. */
  readonly truncated: boolean;
}

export interface ConsoleRunOptions {
  /** Rows returned at most; reading stops at the next one. */
  readonly limit: number;
  /** After this many ms the statement is interrupted: what was read is returned (truncated), or `sql_timeout` if nothing was. */
  readonly budgetMs: number;
  readonly now?: () => number;
}

/**
 * Checks `sql` on `wh` and runs it when allowed: the statement's columns (from DESCRIBE of the same text, itself
 * checked), then rows streamed until `limit` or `budgetMs`. DuckDB has no statement timeout, so a timer interrupts the
 * connection at `budgetMs` (a large sort or join is stopped, not only its reading).
 */
export async function runConsoleSql(wh: Warehouse, sql: string, opts: ConsoleRunOptions): Promise<{ refusal: ConsoleRefusal } | { result: ConsoleResult }> {
  const now = opts.now ?? Date.now;
  const start = now();
  const policy = await consolePolicy(wh);
  const refusal = await checkConsoleSql(wh, sql, policy);
  if (refusal) return { refusal };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    wh.interrupt?.();
  }, Math.max(0, opts.budgetMs - (now() - start)));
  const rows: Record<string, unknown>[] = [];
  let columns: ConsoleResult['columns'] | undefined;
  let truncated = false;
  try {
    const describe = `DESCRIBE ${sql}`;
    if (!(await checkConsoleSql(wh, describe, policy))) {
      columns = await wh.query(describe).then(
        (r) => r.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) })),
        () => undefined,
      );
    }
    const dup = columns?.map((c) => c.name).filter((n, i, all) => all.indexOf(n) !== i) ?? [];
    if (dup.length) {
      return { refusal: { code: 'sql_duplicate_columns', message: `the result has more than one column named ${[...new Set(dup)].map((d) => `'${d}'`).join(', ')}; give each an alias (… AS name)` } };
    }
    for await (const batch of wh.stream(sql)) {
      if (!columns && batch[0]) columns = Object.keys(batch[0]).map((name) => ({ name, type: 'UNKNOWN' }));
      for (const row of batch) {
        if (rows.length < opts.limit) rows.push(row);
        else truncated = true;
      }
      if (truncated) break;
      if (now() - start > opts.budgetMs) {
        truncated = true;
        break;
      }
    }
  } catch (e) {
    if (!timedOut) throw e;
    if (rows.length === 0) {
      return { refusal: { code: 'sql_timeout', message: `the statement ran longer than ${Math.round(opts.budgetMs / 1000)} s and was stopped; narrow it (WHERE, LIMIT) or aggregate` } };
    }
    truncated = true;
  } finally {
    clearTimeout(timer);
  }
  return { result: { columns: columns ?? [], rows, truncated } };
}
