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
export async function buildCleanTable(wh: Warehouse, entity: EntityDef, staged: Staged, mapping: Mapping, plans: readonly FieldPlan[], contentHash: boolean): Promise<void> {
  const inner: string[] = ['__line'];
  if (contentHash) inner.push(`md5(concat_ws(chr(31), ${staged.headers.map((_, i) => `coalesce(${stageColumn(i)}, chr(30))`).join(', ')})) AS __h`);
  for (const p of plans) {
    inner.push(`(${p.sql.value}) AS ${p.field.name}`);
    inner.push(`coalesce((${p.sql.invalid}), false) AS "__inv_${p.field.name}"`);
    inner.push(`${p.col} AS "__raw_${p.field.name}"`);
    for (const [d, expr] of Object.entries(p.sql.derived)) {
      if (entity.fields.some((f) => f.name === d) && !plans.some((q) => q.field.name === d)) inner.push(`(${expr}) AS ${d}`);
    }
  }
  stepsOf(plans).forEach((st, i) => inner.push(`((${st.before}) IS DISTINCT FROM (${st.after})) AS __chg${i}`));
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
  const fieldCols = entity.fields.filter((f) => inner.some((x) => x.endsWith(` AS ${f.name}`))).map((f) => f.name);
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_clean AS
     SELECT __line, ${contentHash ? '__h, ' : ''}${fieldCols.join(', ')}, ${extra} AS extra, ${flags} AS _flags, ${reason} AS __reason,
       COLUMNS('^__(chg[0-9]+|inv_.*)$')
     FROM (SELECT ${inner.join(',\n ')} FROM tm_stage)`,
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
