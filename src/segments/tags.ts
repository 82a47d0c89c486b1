/** Tags: a catalog (tm_tags) of rule, model and manual tags, and who carries them (tm_customer_tags). */
import type { Catalog } from '../metrics/types.js';
import { compileCustomerSet, findByName } from '../query/compile.js';
import { QueryError } from '../query/types.js';
import type { Warehouse } from '../warehouse/port.js';
import { readCustomerFile } from './customers-file.js';
import { checkKey, dependencyOrder, evaluateInto, referencedKeys, ruleAsOf, ruleSql, RuleError, validateDefinition, type RuleDefinition, type RuleIssue } from './rules.js';

export type TagKind = 'rule' | 'manual' | 'model';
export const TAG_KINDS: readonly TagKind[] = ['rule', 'manual', 'model'];

export interface TagInfo {
  readonly key: string;
  readonly nameZh: string;
  readonly nameEn: string | null;
  readonly kind: TagKind;
  readonly definition: RuleDefinition | null;
  readonly description: string | null;
  readonly createdAt: string;
  readonly appliedAt: string | null;
  readonly asOf: string | null;
  readonly customers: number;
}

export interface DefineTag {
  readonly key: string;
  readonly nameZh: string;
  readonly nameEn?: string;
  /** rule (needs a definition) or manual (members imported or set); model tags come from generateModelTags. */
  readonly kind: 'rule' | 'manual';
  readonly definition?: RuleDefinition;
  readonly description?: string;
  readonly replace?: boolean;
  readonly asOf?: string;
  readonly today: string;
}

const EVAL = 'tm_tag_eval';
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const SELECT = `SELECT t.tag_key, t.name_zh, t.name_en, t.kind, CAST(t.definition AS VARCHAR) AS definition, t.description, CAST(t.created_at AS VARCHAR) AS created_at,
  CAST(t.applied_at AS VARCHAR) AS applied_at, CAST(t.as_of AS VARCHAR) AS as_of, (SELECT count(DISTINCT customer_id) FROM tm_customer_tags ct WHERE ct.tag_key = t.tag_key) AS customers FROM tm_tags t`;

function info(r: Record<string, unknown>): TagInfo {
  return {
    key: String(r.tag_key),
    nameZh: String(r.name_zh),
    nameEn: str(r.name_en),
    kind: String(r.kind) as TagKind,
    definition: r.definition === null || r.definition === undefined ? null : (JSON.parse(String(r.definition)) as RuleDefinition),
    description: str(r.description),
    createdAt: String(r.created_at).slice(0, 19),
    appliedAt: str(r.applied_at)?.slice(0, 19) ?? null,
    asOf: str(r.as_of)?.slice(0, 10) ?? null,
    customers: Number(r.customers ?? 0),
  };
}

export async function listTags(wh: Warehouse): Promise<TagInfo[]> {
  return (await wh.query(`${SELECT} ORDER BY t.tag_key`)).rows.map(info);
}

export async function getTag(wh: Warehouse, key: string): Promise<TagInfo | undefined> {
  const r = (await wh.query(`${SELECT} WHERE t.tag_key = $1`, [key])).rows[0];
  return r ? info(r) : undefined;
}

export async function requireTag(wh: Warehouse, key: string): Promise<TagInfo> {
  const t = await getTag(wh, key);
  if (!t) throw new RuleError([{ code: 'unknown_tag', field: 'tag', message: `unknown tag '${key}'; see \`tidemark tags list\`` }]);
  return t;
}

async function upsertTag(tx: Warehouse, exists: boolean, t: { key: string; nameZh: string; nameEn?: string | undefined; kind: TagKind; definition?: RuleDefinition | undefined; description?: string | undefined }): Promise<void> {
  const cols = [t.key, t.nameZh, t.nameEn ?? null, t.kind, t.definition ? JSON.stringify(t.definition) : null, t.description ?? null];
  if (exists) await tx.run(`UPDATE tm_tags SET name_zh = $2, name_en = $3, kind = $4, definition = $5, description = $6 WHERE tag_key = $1`, cols);
  else await tx.run(`INSERT INTO tm_tags (tag_key, name_zh, name_en, kind, definition, description, created_at) VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)`, cols);
}

/** Replaces the evaluated members of a rule or model tag with temp table EVAL; inside a transaction. */
async function storeEvaluated(tx: Warehouse, key: string, kind: TagKind, asOf: string): Promise<number> {
  await tx.run(`DELETE FROM tm_customer_tags WHERE tag_key = $1`, [key]);
  await tx.run(`INSERT INTO tm_customer_tags SELECT $1, customer_id, $2, now()::TIMESTAMP FROM ${EVAL} ORDER BY customer_id`, [key, kind]);
  await tx.run(`UPDATE tm_tags SET applied_at = now()::TIMESTAMP, as_of = CAST($2 AS DATE) WHERE tag_key = $1`, [key, asOf]);
  const n = Number((await tx.query(`SELECT count(*) AS n FROM ${EVAL}`)).rows[0]?.n ?? 0);
  await tx.run(`DROP TABLE ${EVAL}`);
  return n;
}

/** Defines (or with `replace` redefines) a tag; a rule tag is applied at once, in the same transaction. */
export async function defineTag(wh: Warehouse, catalog: Catalog, t: DefineTag): Promise<TagInfo> {
  const issues: RuleIssue[] = [...checkKey(t.key, 'tag')];
  if (typeof t.nameZh !== 'string' || t.nameZh.trim() === '') issues.push({ code: 'no_name', field: 'nameZh', message: 'name: give the tag a name' });
  if (t.kind !== 'rule' && t.kind !== 'manual') issues.push({ code: 'bad_kind', field: 'kind', message: `kind: '${String(t.kind)}' is not rule or manual (model tags come from \`tidemark tags generate DIMENSION\`)` });
  if (t.kind === 'rule' && t.definition === undefined) issues.push({ code: 'no_definition', field: 'definition', message: 'a rule tag needs filters or metric conditions' });
  if (t.kind === 'manual' && t.definition !== undefined) issues.push({ code: 'bad_definition', field: 'definition', message: 'a manual tag has no rule: its customers are imported or set' });
  if (t.kind === 'rule' && t.definition !== undefined) issues.push(...validateDefinition(catalog, t.definition, t.today));
  if (issues.length) throw new RuleError(issues);
  const all = await listTags(wh);
  const existing = all.find((x) => x.key === t.key);
  if (t.definition) dependencyOrder([...all.filter((x) => x.key !== t.key), { key: t.key, definition: t.definition }], (x) => referencedKeys(catalog, x.definition, 'tag'), 'tag');
  if (existing && !t.replace) throw new RuleError([{ code: 'tag_exists', field: 'key', message: `tag '${t.key}' exists; pass replace (--replace) to redefine it` }]);
  const asOf = t.kind === 'rule' ? (t.asOf ?? (await ruleAsOf(wh, t.today))) : undefined;
  const statements = t.kind === 'rule' ? ruleSql(catalog, t.definition!, asOf!, t.today) : undefined;
  await wh.transaction(async (tx) => {
    await upsertTag(tx, existing !== undefined, { key: t.key, nameZh: t.nameZh.trim(), nameEn: t.nameEn, kind: t.kind, definition: t.definition, description: t.description });
    if (statements) {
      await evaluateInto(tx, EVAL, statements);
      await storeEvaluated(tx, t.key, 'rule', asOf!);
    } else if (existing && existing.kind !== 'manual') await tx.run(`DELETE FROM tm_customer_tags WHERE tag_key = $1`, [t.key]);
  });
  return (await getTag(wh, t.key))!;
}

/**
 * Model tags from a stored analysis result: one tag per value of a customer dimension (rfm_segment, later
 * cluster, value_tier…), key `<dimension>.<value>`, each a rule `dimension = value`, applied at once.
 * Values: the dimension's declared values, else those the customers have.
 */
export async function generateModelTags(wh: Warehouse, catalog: Catalog, dimension: string, opts: { asOf?: string; today: string }): Promise<TagInfo[]> {
  const d = findByName(catalog.dimensions, dimension);
  let values: string[];
  try {
    const q = compileCustomerSet(catalog, [], { today: opts.today }, [dimension]);
    values = d?.values ? Object.keys(d.values) : (await wh.query(`SELECT DISTINCT CAST(x."${d!.key}" AS VARCHAR) AS v FROM (${q.sql}) x WHERE x."${d!.key}" IS NOT NULL ORDER BY 1`, q.params)).rows.map((r) => String(r.v));
  } catch (e) {
    if (e instanceof QueryError) throw new RuleError(e.issues.map((i) => ({ code: i.code, field: 'dimension', message: `${dimension}: ${i.message}` })));
    throw e;
  }
  if (values.length === 0) throw new RuleError([{ code: 'no_values', field: 'dimension', message: `${d!.key}: no customer has a value yet (stored results missing? e.g. run \`tidemark rfm --save\`)` }]);
  const asOf = opts.asOf ?? (await ruleAsOf(wh, opts.today));
  const tags = values.map((v) => {
    const label = d!.values?.[v];
    const definition: RuleDefinition = { filters: [{ dimension: d!.key, op: 'eq', values: [v] }] };
    return { key: `${d!.key}.${v}`, nameZh: `${d!.label.zh}:${label?.zh ?? v}`, nameEn: `${d!.label.en}: ${label?.en ?? v}`, kind: 'model' as const, definition, description: `${d!.key} = ${v}`, statements: ruleSql(catalog, definition, asOf, opts.today) };
  });
  const bad = tags.flatMap((t) => checkKey(t.key, 'tag'));
  if (bad.length) throw new RuleError(bad);
  const existing = new Map((await listTags(wh)).map((t) => [t.key, t]));
  const clash = tags.filter((t) => existing.has(t.key) && existing.get(t.key)!.kind !== 'model');
  if (clash.length) throw new RuleError(clash.map((t) => ({ code: 'tag_exists', field: 'key', message: `tag '${t.key}' exists and is a ${existing.get(t.key)!.kind} tag; delete it first` })));
  await wh.transaction(async (tx) => {
    for (const t of tags) {
      await upsertTag(tx, existing.has(t.key), t);
      await evaluateInto(tx, EVAL, t.statements);
      await storeEvaluated(tx, t.key, 'model', asOf);
    }
  });
  const after = new Map((await listTags(wh)).map((t) => [t.key, t]));
  return tags.map((t) => after.get(t.key)!);
}

export interface ApplyResult {
  readonly key: string;
  readonly kind: TagKind;
  readonly before: number;
  readonly customers: number;
}

/** Re-evaluates the rule and model tags (or one of them) on the current data, in one transaction; manual tags stay. */
export async function applyTags(wh: Warehouse, catalog: Catalog, opts: { key?: string; asOf?: string; today: string }): Promise<ApplyResult[]> {
  const all = await listTags(wh);
  const chosen = dependencyOrder(opts.key === undefined ? all : all.filter((t) => t.key === opts.key), (t) => referencedKeys(catalog, t.definition, 'tag'), 'tag');
  if (opts.key !== undefined && chosen.length === 0) await requireTag(wh, opts.key);
  const asOf = opts.asOf ?? (await ruleAsOf(wh, opts.today));
  const plans = chosen.map((t) => {
    if (t.kind === 'manual' || !t.definition) return { t, statements: undefined };
    try {
      return { t, statements: ruleSql(catalog, t.definition, asOf, opts.today) };
    } catch (e) {
      if (e instanceof RuleError) throw new RuleError(e.issues.map((i) => ({ ...i, message: `tag ${t.key}: ${i.message}` })));
      throw e;
    }
  });
  return wh.transaction(async (tx) => {
    const out: ApplyResult[] = [];
    for (const { t, statements } of plans) {
      if (!statements) {
        out.push({ key: t.key, kind: t.kind, before: t.customers, customers: t.customers });
        continue;
      }
      await evaluateInto(tx, EVAL, statements);
      out.push({ key: t.key, kind: t.kind, before: t.customers, customers: await storeEvaluated(tx, t.key, t.kind, asOf) });
    }
    return out;
  });
}

async function requireManual(wh: Warehouse, key: string): Promise<TagInfo> {
  const t = await requireTag(wh, key);
  if (t.kind !== 'manual') throw new RuleError([{ code: 'not_manual', field: 'tag', message: `tag '${key}' is a ${t.kind} tag: its customers come from its rule (\`tidemark tags apply\`); import or set customers on a manual tag` }]);
  return t;
}

/** Tags the customers a file names (customer_id, phone or email); all or nothing. `replace`: the file becomes the tag's whole list. */
export async function importTag(wh: Warehouse, key: string, file: string, opts: { replace?: boolean } = {}): Promise<{ added: number; removed: number; customers: number }> {
  await requireManual(wh, key);
  const ids = await readCustomerFile(wh, file);
  return setTag(wh, key, ids, true, { source: 'import', replace: opts.replace === true });
}

/** Sets (on) or clears (off) a manual tag on customers given by id; unknown ids are an error and nothing changes. */
export async function setTag(wh: Warehouse, key: string, ids: readonly string[], on: boolean, opts: { source?: string; replace?: boolean } = {}): Promise<{ added: number; removed: number; customers: number }> {
  await requireManual(wh, key);
  const unique = [...new Set(ids)];
  const known = new Set<string>();
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    for (const r of (await wh.query(`SELECT customer_id FROM customers WHERE customer_id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')})`, chunk)).rows) known.add(String(r.customer_id));
  }
  const unknown = unique.filter((c) => !known.has(c));
  if (unknown.length) throw new RuleError([{ code: 'unknown_customer', field: 'customers', message: `unknown customer${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}; nothing was changed` }]);
  return wh.transaction(async (tx) => {
    await tx.run(`CREATE OR REPLACE TEMP TABLE ${EVAL} (customer_id VARCHAR)`);
    if (unique.length) await tx.append(EVAL, unique.map((c) => [c]));
    let added = 0;
    let removed = 0;
    if (on) {
      if (opts.replace) removed = await tx.run(`DELETE FROM tm_customer_tags WHERE tag_key = $1 AND customer_id NOT IN (SELECT customer_id FROM ${EVAL})`, [key]);
      added = await tx.run(
        `INSERT INTO tm_customer_tags SELECT $1, e.customer_id, $2, now()::TIMESTAMP FROM ${EVAL} e WHERE NOT EXISTS (SELECT 1 FROM tm_customer_tags t WHERE t.tag_key = $1 AND t.customer_id = e.customer_id) ORDER BY e.customer_id`,
        [key, opts.source ?? 'manual'],
      );
    } else removed = await tx.run(`DELETE FROM tm_customer_tags WHERE tag_key = $1 AND customer_id IN (SELECT customer_id FROM ${EVAL})`, [key]);
    await tx.run(`UPDATE tm_tags SET applied_at = now()::TIMESTAMP WHERE tag_key = $1`, [key]);
    const customers = Number((await tx.query(`SELECT count(*) AS n FROM tm_customer_tags WHERE tag_key = $1`, [key])).rows[0]?.n ?? 0);
    await tx.run(`DROP TABLE ${EVAL}`);
    return { added, removed, customers };
  });
}

export async function deleteTag(wh: Warehouse, key: string): Promise<void> {
  await requireTag(wh, key);
  await wh.transaction(async (tx) => {
    await tx.run(`DELETE FROM tm_customer_tags WHERE tag_key = $1`, [key]);
    await tx.run(`DELETE FROM tm_tags WHERE tag_key = $1`, [key]);
  });
}

export interface Coverage {
  /** All customers in the warehouse (stub customers included). */
  readonly customers: number;
  /** Customers with at least one tag. */
  readonly tagged: number;
  readonly tags: readonly { key: string; nameZh: string; nameEn: string | null; kind: TagKind; customers: number; share: number | null }[];
}

/** Customers per tag and their share of all customers. */
export async function tagCoverage(wh: Warehouse): Promise<Coverage> {
  const total = Number((await wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n ?? 0);
  const tagged = Number((await wh.query(`SELECT count(DISTINCT customer_id) AS n FROM tm_customer_tags`)).rows[0]?.n ?? 0);
  const tags = (await listTags(wh)).map((t) => ({ key: t.key, nameZh: t.nameZh, nameEn: t.nameEn, kind: t.kind, customers: t.customers, share: total ? t.customers / total : null }));
  return { customers: total, tagged, tags };
}

export interface Overlap {
  readonly tags: readonly string[];
  /** Every pair a < b (and each tag with itself): customers with both, and Jaccard = both ÷ either. */
  readonly pairs: readonly { a: string; b: string; both: number; either: number; jaccard: number | null }[];
}

/** Tag × tag customer counts and Jaccard similarity (of the given tags, default all). */
export async function tagOverlap(wh: Warehouse, keys?: readonly string[]): Promise<Overlap> {
  if (keys) for (const k of keys) await requireTag(wh, k);
  const tags = keys ? [...keys] : (await listTags(wh)).map((t) => t.key);
  if (tags.length === 0) return { tags, pairs: [] };
  const ph = tags.map((_, i) => `$${i + 1}`).join(', ');
  const rows = (
    await wh.query(
      `WITH m AS (SELECT DISTINCT tag_key, customer_id FROM tm_customer_tags WHERE tag_key IN (${ph})),
        n AS (SELECT tag_key, count(*) AS n FROM m GROUP BY tag_key),
        b AS (SELECT x.tag_key AS a, y.tag_key AS b, count(*) AS both FROM m x JOIN m y ON x.customer_id = y.customer_id AND x.tag_key <= y.tag_key GROUP BY 1, 2)
       SELECT b.a, b.b, b.both, na.n + nb.n - b.both AS either FROM b JOIN n na ON na.tag_key = b.a JOIN n nb ON nb.tag_key = b.b ORDER BY b.a, b.b`,
      tags,
    )
  ).rows;
  const got = new Map(rows.map((r) => [`${String(r.a)}\u0000${String(r.b)}`, { both: Number(r.both), either: Number(r.either) }]));
  const size = new Map(rows.filter((r) => r.a === r.b).map((r) => [String(r.a), Number(r.both)]));
  const sorted = [...tags].sort();
  const pairs: Overlap['pairs'][number][] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      const g = got.get(`${a}\u0000${b}`);
      const both = g?.both ?? 0;
      const either = g?.either ?? (size.get(a) ?? 0) + (size.get(b) ?? 0);
      pairs.push({ a, b, both, either, jaccard: either ? both / either : null });
    }
  }
  return { tags: sorted, pairs };
}
