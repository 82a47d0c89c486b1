import { typedAfter, typedChanged } from '../clean/chain.js';
import { cleanFieldsSql } from '../clean/index.js';
import type { CleanConfig, FieldCleanSql } from '../clean/types.js';
import type { EntityDef, FieldDef } from '../schema/index.js';
import type { Warehouse } from '../warehouse/index.js';
import type { Mapping } from './mapping.js';
import { stageColumn, type Staged } from './stage.js';
import type { RuleLog } from './types.js';

export interface FieldPlan {
  readonly field: FieldDef;
  readonly header: string;
  readonly col: string;
  readonly sql: FieldCleanSql;
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Cleaning SQL for every mapped field; region fields are cleaned together so a district resolves within its city. */
export function planFields(entity: EntityDef, staged: Staged, mapping: Mapping, config: CleanConfig): FieldPlan[] {
  const colOf = (header: string) => stageColumn(staged.headers.indexOf(header));
  const raw = Object.fromEntries(Object.entries(mapping.fields).map(([f, h]) => [f, colOf(h)]));
  const sql = cleanFieldsSql(entity.fields, raw, config);
  return entity.fields.flatMap((field) => {
    const header = mapping.fields[field.name];
    const s = sql[field.name];
    if (header === undefined || !s) return [];
    return [{ field, header, col: colOf(header), sql: s }];
  });
}

function mapOf(entries: readonly { key: string; value: string }[]): string {
  if (entries.length === 0) return 'NULL::JSON';
  const list = entries.map((e) => `{'k': ${sqlString(e.key)}, 'v': ${e.value}}`).join(', ');
  return `CASE WHEN ${entries.map((e) => `(${e.value}) IS NULL`).join(' AND ')} THEN NULL
    ELSE to_json(map_from_entries(list_transform(list_filter([${list}], x -> x.v IS NOT NULL), x -> {'key': x.k, 'value': x.v}))) END`;
}

/**
 * tm_clean: one row per accepted record with cleaned, typed fields, the record's flags, its custom
 * fields as JSON, and the reason it must be quarantined (NULL when it can be loaded).
 */
function substitute(expr: string, replacements: readonly (readonly [string, string])[]): string {
  let out = expr;
  for (const [text, col] of replacements) if (out.includes(text)) out = out.split(text).join(col);
  return out;
}

/**
 * The field rules as a stack of projections: each rule's output becomes a column the next rule reads, so no
 * expression is evaluated twice however long the chain, and the per-rule change flags compare two columns.
 * This relies on the Chain contract of src/clean: a step's `before` is literally the previous step's `after`.
 */
/** A field's first three text rules: trim, null tokens, full-width (see prepare() in src/clean/text.ts). */
const TEXT_PREFIX = ['trim', 'null_tokens', 'fullwidth_to_halfwidth'];

interface Layered {
  readonly levels: string[][];
  readonly fields: { value: string; invalid: string; derived: Record<string, string>; steps: { before: string; after: string }[] }[];
  readonly changes: string[];
  readonly groups: MaskGroup[];
}

function layered(plans: readonly FieldPlan[]): Layered {
  const levels: string[][] = [[]];
  const changes: string[] = [];
  const groups: MaskGroup[] = [];
  const fields = plans.map((p, pi) => {
    const replacements: [string, string][] = [];
    const chained = p.sql.steps.every((st, k) => k === 0 || st.before === p.sql.steps[k - 1]!.after);
    if (!chained) {
      p.sql.steps.forEach((st) => changes.push(`((${st.before}) IS DISTINCT FROM (${st.after}))`));
      return { value: p.sql.value, invalid: p.sql.invalid, derived: { ...p.sql.derived }, steps: p.sql.steps.map((st) => ({ before: st.before, after: st.after })) };
    }
    const steps = p.sql.steps;
    // A final parsing step renders the typed value as text for the log: parse once, into a column both use.
    const last = steps[steps.length - 1];
    let typed = p.sql.value;
    while (last && !last.after.includes(typed)) {
      const m = /^CAST\((.*) AS [A-Z0-9(), ]+\)$/s.exec(typed);
      if (!m) break;
      typed = m[1]!;
    }
    const shareTyped = last !== undefined && steps.length > 1 && typed !== last.after && last.after.includes(typed);
    // Trim only removes characters, a null token becomes NULL and full-width conversion keeps the length: the output
    // of the three equals their input only where none of them changed it. One comparison then stands for three.
    if (steps.length >= 3 && TEXT_PREFIX.every((r, k) => steps[k]!.rule === r) && !(shareTyped && steps.length === 3)) {
      groups.push({ first: changes.length, count: 3, unchanged: `(__s${pi}_in IS NOT DISTINCT FROM __s${pi}_2)` });
    }
    let level = 0;
    steps.forEach((st, k) => {
      if (k === 0) {
        levels[0]!.push(`${st.before} AS __s${pi}_in`);
        replacements.push([st.before, `__s${pi}_in`]);
      }
      if (shareTyped && k === steps.length - 1) {
        (levels[++level] ??= []).push(`${substitute(typed, replacements)} AS __v${pi}`);
        replacements.unshift([typed, `__v${pi}`]);
      }
      const col = `__s${pi}_${k}`;
      const prev = k === 0 ? `__s${pi}_in` : `__s${pi}_${k - 1}`;
      if (shareTyped && k === steps.length - 1 && st.typed?.value === typed && st.after === typedAfter(st.before, typed, st.typed.sqlType)) {
        // The parsed value is a column already: test it against its input without rendering the step's text.
        changes.push(typedChanged(prev, `__v${pi}`, st.typed.sqlType));
        return;
      }
      (levels[++level] ??= []).push(`${substitute(st.after, replacements)} AS ${col}`);
      changes.push(`(${prev} IS DISTINCT FROM ${col})`);
      replacements.unshift([st.after, col]);
    });
    return {
      value: substitute(p.sql.value, replacements),
      invalid: substitute(p.sql.invalid, replacements),
      derived: Object.fromEntries(Object.entries(p.sql.derived).map(([k, v]) => [k, substitute(v, replacements)])),
      // each step's input and output over the columns of the levels (for the rule log's examples)
      steps: steps.map((st) => ({ before: substitute(st.before, replacements), after: substitute(st.after, replacements) })),
    };
  });
  return { levels, fields, changes, groups };
}

/** The levels of `layered` as nested projections over `from`. */
function layeredSource(levels: readonly string[][], from: string): string {
  let source = from;
  for (const level of levels) if (level.length) source = `(SELECT *, ${level.join(',\n ')} FROM ${source})`;
  return source;
}

/** The record's raw values as one string (NULL and '' told apart): equal strings are identical lines. */
export function contentSql(staged: Staged, alias = ''): string {
  return `concat_ws(chr(31), ${staged.headers.map((_, i) => `coalesce(${alias}${stageColumn(i)}, chr(30))`).join(', ')})`;
}

/** Bits per change-mask column (UBIGINT): flag k is bit k % 63 of __m{k / 63}. */
const MASK_BITS = 63;

/** Flags first … first+count-1 are all false where `unchanged` holds: their bits are computed only for the other rows. */
interface MaskGroup {
  readonly first: number;
  readonly count: number;
  readonly unchanged: string;
}

function maskColumns(flags: readonly string[], groups: readonly MaskGroup[] = []): string[] {
  const cols: string[] = [];
  for (let m = 0; m * MASK_BITS < flags.length; m++) {
    const lo = m * MASK_BITS;
    const hi = Math.min(flags.length, lo + MASK_BITS);
    const bit = (k: number) => `(CAST(${flags[k]} AS UBIGINT) << ${k - lo})`;
    const part: string[] = [];
    for (let k = lo; k < hi; ) {
      const g = groups.find((x) => x.first === k && x.first + x.count <= hi);
      if (g) {
        const bits = Array.from({ length: g.count }, (_, j) => bit(k + j));
        part.push(`CASE WHEN ${g.unchanged} THEN 0::UBIGINT ELSE (${bits.join(' | ')}) END`);
        k += g.count;
      } else {
        part.push(bit(k));
        k++;
      }
    }
    cols.push(`(${part.join(' | ')}) AS __m${m}`);
  }
  return cols;
}

/**
 * contentHash: `md5`, the record's content as an md5 hex string (synthesised keys are made from it); `hash`, a 64-bit
 * hash of it (8 bytes instead of 48 on every row; callers that need exact repeats confirm candidates with contentSql).
 */
export async function buildCleanTable(
  wh: Warehouse,
  entity: EntityDef,
  staged: Staged,
  mapping: Mapping,
  plans: readonly FieldPlan[],
  contentHash: false | 'md5' | 'hash',
): Promise<void> {
  const inner: string[] = ['__line'];
  const { levels, fields, changes, groups } = layered(plans);
  if (contentHash === 'md5') inner.push(`md5(${contentSql(staged)}) AS __h`);
  if (contentHash === 'hash') inner.push(`hash(${contentSql(staged)}) AS __h`);
  const invalids: string[] = [];
  plans.forEach((p, pi) => {
    const f = fields[pi]!;
    invalids.push(`coalesce((${f.invalid}), false)`);
    inner.push(`(${f.value}) AS ${p.field.name}`);
    inner.push(`coalesce((${f.invalid}), false) AS "__inv_${p.field.name}"`);
    inner.push(`${p.col} AS "__raw_${p.field.name}"`);
    for (const [d, expr] of Object.entries(f.derived)) {
      if (entity.fields.some((x) => x.name === d) && !plans.some((q) => q.field.name === d)) inner.push(`(${expr}) AS ${d}`);
    }
  });
  // The per-rule change flags, then the invalid flags, as bits: a few bytes a row however many rules ran.
  inner.push(...maskColumns([...changes, ...invalids], groups));
  const customs = mapping.custom.map((h) => ({ key: h, value: stageColumn(staged.headers.indexOf(h)) }));
  inner.push(`${customs.length ? mapOf(customs) : 'NULL::JSON'} AS __custom`);

  const reasons: string[] = [];
  for (const p of plans) {
    const label = `${p.header} (${p.field.name})`;
    if (p.field.required) {
      reasons.push(`WHEN "__raw_${p.field.name}" IS NULL OR ${p.field.name} IS NULL AND NOT "__inv_${p.field.name}" THEN ${sqlString(`missing required ${label}`)}`);
    }
    if (p.field.required) {
      reasons.push(`WHEN "__inv_${p.field.name}" THEN ${sqlString(`${label}: `)} || coalesce('"' || "__raw_${p.field.name}" || '"', 'empty') || ${sqlString(` is not ${p.sql.expected}`)}`);
    }
  }
  const reason = reasons.length ? `CASE ${reasons.join(' ')} END` : 'NULL';
  const optionalInvalid = plans.filter((p) => !p.field.required);
  // The list (a lambda per row) only for the rows with an invalid value: every other row gets the empty list.
  const flags = optionalInvalid.length
    ? `CASE WHEN ${optionalInvalid.map((p) => `"__inv_${p.field.name}"`).join(' OR ')} THEN list_filter([${optionalInvalid.map((p) => `CASE WHEN "__inv_${p.field.name}" THEN 'invalid_${p.field.name}' END`).join(', ')}], x -> x IS NOT NULL) ELSE []::VARCHAR[] END`
    : `[]::VARCHAR[]`;
  const invalidRaw = optionalInvalid.map((p) => ({ key: p.header, value: `CASE WHEN "__inv_${p.field.name}" THEN "__raw_${p.field.name}" END` }));
  const extra = invalidRaw.length
    ? `CASE WHEN ${invalidRaw.map((r) => `${r.value} IS NULL`).join(' AND ')} THEN __custom ELSE json_merge_patch(coalesce(__custom, '{}'::JSON), ${mapOf(invalidRaw)}) END`
    : '__custom';
  const source = layeredSource(levels, 'tm_stage');
  const fieldCols = entity.fields.filter((f) => inner.some((x) => x.endsWith(` AS ${f.name}`))).map((f) => f.name);
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_clean AS
     SELECT __line, ${contentHash ? '__h, ' : ''}${fieldCols.join(', ')}, ${extra} AS extra, ${flags} AS _flags, ${reason} AS __reason,
       COLUMNS('^__m[0-9]+$')
     FROM (SELECT ${inner.join(',\n ')} FROM ${source})`,
  );
}

interface Step {
  readonly rule: string;
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

function stepsOf(plans: readonly FieldPlan[]): Step[] {
  return plans.flatMap((p) => p.sql.steps.map((s) => ({ rule: s.rule, field: p.field.name, before: s.before, after: s.after })));
}

/** Per cleaning rule and field: how many values it changed (from the change masks of tm_clean), and the first few. */
export async function ruleLog(wh: Warehouse, plans: readonly FieldPlan[]): Promise<RuleLog[]> {
  const steps = stepsOf(plans);
  const total = steps.length + plans.length;
  if (total === 0) return [];
  // Flag k (steps, then the invalid flags in plan order) is bit k % 63 of __m{k / 63}. Rows are grouped by their
  // masks first (a handful of distinct masks), so each flag's count and first lines come from the groups.
  const masks = Array.from({ length: Math.ceil(total / MASK_BITS) }, (_, m) => `__m${m}`);
  const bit = (k: number) => `((__m${Math.floor(k / MASK_BITS)} >> ${k % MASK_BITS}) & 1 = 1)`;
  const agg = (k: number, n: string, l: string) => [`sum(n) FILTER (WHERE ${bit(k)}) AS ${n}`, `list_sort(flatten(list(l) FILTER (WHERE ${bit(k)})))[1:3] AS ${l}`];
  const aggs: string[] = [];
  steps.forEach((_, i) => aggs.push(...agg(i, `n${i}`, `l${i}`)));
  plans.forEach((_, i) => aggs.push(...agg(steps.length + i, `in${i}`, `il${i}`)));
  if (aggs.length === 0) return [];
  const row = (
    await wh.query(`SELECT ${aggs.join(', ')} FROM (SELECT ${masks.join(', ')}, count(*) AS n, arg_min(__line, __line, 3) AS l FROM tm_clean GROUP BY ${masks.join(', ')})`)
  ).rows[0] ?? {};
  const lines = (v: unknown) => ((v as number[] | null) ?? []).map(Number);
  const wanted = new Set<number>();
  steps.forEach((_, i) => lines(row[`l${i}`]).forEach((l) => wanted.add(l)));
  plans.forEach((_, i) => lines(row[`il${i}`]).forEach((l) => wanted.add(l)));
  // Only the example lines are cleaned a second time, to show before → after: through the same layers as tm_clean (each
  // step's input and output are columns), which DuckDB plans in a few ms instead of the ~0.4 s of the nested expressions.
  const ex = new Map<number, Record<string, unknown>>();
  if (wanted.size) {
    const lay = layered(plans);
    const stepCols = lay.fields.flatMap((f) => f.steps);
    const cols = [...stepCols.flatMap((s, i) => [`(${s.before})::VARCHAR AS b${i}`, `(${s.after})::VARCHAR AS a${i}`]), ...plans.map((p, i) => `${p.col} AS r${i}`)];
    const picked = (stage: string) => wh.query(`SELECT __line, ${cols.join(', ')} FROM ${layeredSource(lay.levels, `(SELECT * FROM ${stage} WHERE __line IN (${[...wanted].join(', ')}))`)}`);
    // Every stager numbers its rows in order with __line at least the row's position + 1, so the first max(wanted) staged
    // rows normally hold every example: a LIMIT stops the scan there (the examples are mostly early lines; scanning all
    // staged values took ~2 s at 10M). Should one be missing, the whole stage is read.
    let r = await picked(`(SELECT * FROM tm_stage LIMIT ${Math.max(...wanted)})`);
    if (new Set(r.rows.map((x) => Number(x.__line))).size < wanted.size) r = await picked('tm_stage');
    for (const x of r.rows) ex.set(Number(x.__line), x);
  }
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const out: RuleLog[] = [];
  steps.forEach((s, i) => {
    const n = Number(row[`n${i}`] ?? 0);
    if (n > 0) out.push({ rule: s.rule, field: s.field, count: n, examples: lines(row[`l${i}`]).map((l) => ({ line: l, before: str(ex.get(l)?.[`b${i}`]), after: str(ex.get(l)?.[`a${i}`]) })) });
  });
  plans.forEach((p, i) => {
    const n = Number(row[`in${i}`] ?? 0);
    if (n > 0) out.push({ rule: `invalid_${p.field.type}`, field: p.field.name, count: n, examples: lines(row[`il${i}`]).map((l) => ({ line: l, before: str(ex.get(l)?.[`r${i}`]), after: null })) });
  });
  return out;
}
