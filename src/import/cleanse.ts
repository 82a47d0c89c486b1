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
function layered(plans: readonly FieldPlan[]): { levels: string[][]; fields: { value: string; invalid: string; derived: Record<string, string> }[]; changes: string[] } {
  const levels: string[][] = [[]];
  const changes: string[] = [];
  const fields = plans.map((p, pi) => {
    const replacements: [string, string][] = [];
    const chained = p.sql.steps.every((st, k) => k === 0 || st.before === p.sql.steps[k - 1]!.after);
    if (!chained) {
      p.sql.steps.forEach((st) => changes.push(`((${st.before}) IS DISTINCT FROM (${st.after}))`));
      return { value: p.sql.value, invalid: p.sql.invalid, derived: { ...p.sql.derived } };
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
      (levels[++level] ??= []).push(`${substitute(st.after, replacements)} AS ${col}`);
      changes.push(`(${k === 0 ? `__s${pi}_in` : `__s${pi}_${k - 1}`} IS DISTINCT FROM ${col})`);
      replacements.unshift([st.after, col]);
    });
    return {
      value: substitute(p.sql.value, replacements),
      invalid: substitute(p.sql.invalid, replacements),
      derived: Object.fromEntries(Object.entries(p.sql.derived).map(([k, v]) => [k, substitute(v, replacements)])),
    };
  });
  return { levels, fields, changes };
}

export async function buildCleanTable(wh: Warehouse, entity: EntityDef, staged: Staged, mapping: Mapping, plans: readonly FieldPlan[], contentHash: boolean): Promise<void> {
  const inner: string[] = ['__line'];
  const { levels, fields, changes } = layered(plans);
  if (contentHash) inner.push(`md5(concat_ws(chr(31), ${staged.headers.map((_, i) => `coalesce(${stageColumn(i)}, chr(30))`).join(', ')})) AS __h`);
  plans.forEach((p, pi) => {
    const f = fields[pi]!;
    inner.push(`(${f.value}) AS ${p.field.name}`);
    inner.push(`coalesce((${f.invalid}), false) AS "__inv_${p.field.name}"`);
    inner.push(`${p.col} AS "__raw_${p.field.name}"`);
    for (const [d, expr] of Object.entries(f.derived)) {
      if (entity.fields.some((x) => x.name === d) && !plans.some((q) => q.field.name === d)) inner.push(`(${expr}) AS ${d}`);
    }
  });
  changes.forEach((c, i) => inner.push(`${c} AS __chg${i}`));
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
  const flags = optionalInvalid.length
    ? `list_filter([${optionalInvalid.map((p) => `CASE WHEN "__inv_${p.field.name}" THEN 'invalid_${p.field.name}' END`).join(', ')}], x -> x IS NOT NULL)`
    : `[]::VARCHAR[]`;
  const invalidRaw = optionalInvalid.map((p) => ({ key: p.header, value: `CASE WHEN "__inv_${p.field.name}" THEN "__raw_${p.field.name}" END` }));
  const extra = invalidRaw.length
    ? `CASE WHEN ${invalidRaw.map((r) => `${r.value} IS NULL`).join(' AND ')} THEN __custom ELSE json_merge_patch(coalesce(__custom, '{}'::JSON), ${mapOf(invalidRaw)}) END`
    : '__custom';
  let source = 'tm_stage';
  for (const level of levels) if (level.length) source = `(SELECT *, ${level.join(',\n ')} FROM ${source})`;
  const fieldCols = entity.fields.filter((f) => inner.some((x) => x.endsWith(` AS ${f.name}`))).map((f) => f.name);
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_clean AS
     SELECT __line, ${contentHash ? '__h, ' : ''}${fieldCols.join(', ')}, ${extra} AS extra, ${flags} AS _flags, ${reason} AS __reason,
       COLUMNS('^__(chg[0-9]+|inv_.*)$')
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

/** Per cleaning rule and field: how many values it changed (from the __chg flags of tm_clean), and the first few. */
export async function ruleLog(wh: Warehouse, plans: readonly FieldPlan[]): Promise<RuleLog[]> {
  const steps = stepsOf(plans);
  const aggs: string[] = [];
  steps.forEach((_, i) => aggs.push(`count_if(__chg${i}) AS n${i}`, `arg_min(__line, __line, 3) FILTER (WHERE __chg${i}) AS l${i}`));
  plans.forEach((p, i) => aggs.push(`count_if("__inv_${p.field.name}") AS in${i}`, `arg_min(__line, __line, 3) FILTER (WHERE "__inv_${p.field.name}") AS il${i}`));
  if (aggs.length === 0) return [];
  const row = (await wh.query(`SELECT ${aggs.join(', ')} FROM tm_clean`)).rows[0] ?? {};
  const lines = (v: unknown) => ((v as number[] | null) ?? []).map(Number);
  const wanted = new Set<number>();
  steps.forEach((_, i) => lines(row[`l${i}`]).forEach((l) => wanted.add(l)));
  plans.forEach((_, i) => lines(row[`il${i}`]).forEach((l) => wanted.add(l)));
  // Only the example lines are cleaned a second time, to show before → after.
  const ex = new Map<number, Record<string, unknown>>();
  if (wanted.size) {
    const cols = [...steps.flatMap((s, i) => [`(${s.before})::VARCHAR AS b${i}`, `(${s.after})::VARCHAR AS a${i}`]), ...plans.map((p, i) => `${p.col} AS r${i}`)];
    const r = await wh.query(`SELECT __line, ${cols.join(', ')} FROM tm_stage WHERE __line IN (${[...wanted].join(', ')})`);
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
