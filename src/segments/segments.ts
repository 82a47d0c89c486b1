/** Saved segments: named customer lists in tm_segments / tm_segment_members. */
import { MODEL } from '../metrics/model.js';
import type { Catalog } from '../metrics/types.js';
import { duckdb } from '../sql/duckdb.js';
import { render } from '../sql/render.js';
import type { Warehouse } from '../warehouse/port.js';
import { checkKey, dependencyOrder, evaluateInto, referencedKeys, ruleAsOf, ruleSql, RuleError, validateDefinition, type BuiltSql, type RuleDefinition, type RuleIssue } from './rules.js';

export type SegmentKind = 'rule' | 'static';

export interface SegmentInfo {
  readonly key: string;
  readonly name: string;
  readonly kind: SegmentKind;
  readonly definition: RuleDefinition | null;
  readonly description: string | null;
  readonly createdAt: string;
  readonly refreshedAt: string | null;
  readonly asOf: string | null;
  readonly customers: number;
}

export interface SaveSegment {
  readonly key: string;
  readonly name: string;
  readonly description?: string;
  /** A rule segment: re-evaluated on refresh. */
  readonly definition?: RuleDefinition;
  /** A static segment: these customers (already resolved), never refreshed. */
  readonly customers?: readonly string[];
  /** Overwrite a segment of the same key. */
  readonly replace?: boolean;
  /** The day `days` windows count back from (default: the day after the last counted order). */
  readonly asOf?: string;
  /** What today() means (age bands). */
  readonly today: string;
}

const EVAL = 'tm_segment_eval';

function parseDefinition(v: unknown): RuleDefinition | null {
  if (v === null || v === undefined) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as RuleDefinition;
}

const day = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).slice(0, 10));
const stamp = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).slice(0, 19));

function info(r: Record<string, unknown>): SegmentInfo {
  return {
    key: String(r.segment_key),
    name: String(r.name),
    kind: String(r.kind) as SegmentKind,
    definition: parseDefinition(r.definition),
    description: r.description === null || r.description === undefined ? null : String(r.description),
    createdAt: stamp(r.created_at)!,
    refreshedAt: stamp(r.refreshed_at),
    asOf: day(r.as_of),
    customers: Number(r.customers ?? 0),
  };
}

const SELECT = `SELECT segment_key, name, kind, CAST(definition AS VARCHAR) AS definition, description, CAST(created_at AS VARCHAR) AS created_at, CAST(refreshed_at AS VARCHAR) AS refreshed_at, CAST(as_of AS VARCHAR) AS as_of, customers FROM tm_segments`;

export async function listSegments(wh: Warehouse): Promise<SegmentInfo[]> {
  return (await wh.query(`${SELECT} ORDER BY segment_key`)).rows.map(info);
}

export async function getSegment(wh: Warehouse, key: string): Promise<SegmentInfo | undefined> {
  const r = (await wh.query(`${SELECT} WHERE segment_key = $1`, [key])).rows[0];
  return r ? info(r) : undefined;
}

function unknownSegment(key: string): RuleError {
  return new RuleError([{ code: 'unknown_segment', field: 'key', message: `unknown segment '${key}'; see \`tidemark segment list\`` }]);
}

/** Replaces a segment's members with the rows of temp table EVAL and records the count; inside a transaction. */
async function storeMembers(tx: Warehouse, key: string, asOf: string | null): Promise<number> {
  await tx.run(`DELETE FROM tm_segment_members WHERE segment_key = $1`, [key]);
  await tx.run(`INSERT INTO tm_segment_members SELECT $1, customer_id FROM ${EVAL} ORDER BY customer_id`, [key]);
  const n = Number((await tx.query(`SELECT count(*) AS n FROM ${EVAL}`)).rows[0]?.n ?? 0);
  await tx.run(`UPDATE tm_segments SET customers = $2, refreshed_at = now()::TIMESTAMP, as_of = CAST($3 AS DATE) WHERE segment_key = $1`, [key, n, asOf]);
  await tx.run(`DROP TABLE ${EVAL}`);
  return n;
}

/** Creates (or with `replace` overwrites) a segment and fills it, in one transaction. */
export async function saveSegment(wh: Warehouse, catalog: Catalog, s: SaveSegment): Promise<SegmentInfo> {
  const issues: RuleIssue[] = [...checkKey(s.key, 'segment')];
  if (typeof s.name !== 'string' || s.name.trim() === '') issues.push({ code: 'no_name', field: 'name', message: 'name: give the segment a name' });
  if ((s.definition === undefined) === (s.customers === undefined)) issues.push({ code: 'bad_segment', field: 'definition', message: 'a segment is either a rule (filters / metric conditions) or a fixed list of customers: give one of them' });
  if (s.definition !== undefined) issues.push(...validateDefinition(catalog, s.definition, s.today));
  if (issues.length) throw new RuleError(issues);
  const all = await listSegments(wh);
  const existing = all.find((x) => x.key === s.key);
  if (s.definition) dependencyOrder([...all.filter((x) => x.key !== s.key), { key: s.key, definition: s.definition }], (x) => referencedKeys(catalog, x.definition, 'segment'), 'segment');
  if (existing && !s.replace) throw new RuleError([{ code: 'segment_exists', field: 'key', message: `segment '${s.key}' exists; pass replace (--replace) to overwrite it, or refresh it` }]);
  const asOf = s.definition ? (s.asOf ?? (await ruleAsOf(wh, s.today))) : null;
  const statements = s.definition ? ruleSql(catalog, s.definition, asOf!, s.today) : [];
  await wh.transaction(async (tx) => {
    const cols = [s.key, s.name.trim(), s.definition ? 'rule' : 'static', s.definition ? JSON.stringify(s.definition) : null, s.description ?? null];
    if (existing) await tx.run(`UPDATE tm_segments SET name = $2, kind = $3, definition = $4, description = $5 WHERE segment_key = $1`, cols);
    else await tx.run(`INSERT INTO tm_segments (segment_key, name, kind, definition, description, created_at, customers) VALUES ($1, $2, $3, $4, $5, now()::TIMESTAMP, 0)`, cols);
    if (s.definition) await evaluateInto(tx, EVAL, statements);
    else {
      await tx.run(`CREATE OR REPLACE TEMP TABLE ${EVAL} (customer_id VARCHAR)`);
      if (s.customers!.length) await tx.append(EVAL, s.customers!.map((c) => [c]));
    }
    await storeMembers(tx, s.key, asOf);
  });
  return (await getSegment(wh, s.key))!;
}

export interface RefreshResult {
  readonly key: string;
  readonly kind: SegmentKind;
  readonly before: number;
  readonly customers: number;
  readonly asOf: string | null;
}

/** Re-evaluates the rule segments (or one segment) on the current data, all in one transaction; static segments stay as they are. */
export async function refreshSegments(wh: Warehouse, catalog: Catalog, opts: { key?: string; asOf?: string; today: string }): Promise<RefreshResult[]> {
  const all = await listSegments(wh);
  const chosen = dependencyOrder(opts.key === undefined ? all : all.filter((s) => s.key === opts.key), (s) => referencedKeys(catalog, s.definition, 'segment'), 'segment');
  if (opts.key !== undefined && chosen.length === 0) throw unknownSegment(opts.key);
  const asOf = opts.asOf ?? (await ruleAsOf(wh, opts.today));
  const plans = chosen.map((s) => {
    if (s.kind !== 'rule' || !s.definition) return { s, statements: undefined };
    try {
      return { s, statements: ruleSql(catalog, s.definition, asOf, opts.today) };
    } catch (e) {
      if (e instanceof RuleError) throw new RuleError(e.issues.map((i) => ({ ...i, message: `segment ${s.key}: ${i.message}` })));
      throw e;
    }
  });
  return wh.transaction(async (tx) => {
    const out: RefreshResult[] = [];
    for (const { s, statements } of plans) {
      if (!statements) {
        out.push({ key: s.key, kind: s.kind, before: s.customers, customers: s.customers, asOf: s.asOf });
        continue;
      }
      await evaluateInto(tx, EVAL, statements);
      out.push({ key: s.key, kind: s.kind, before: s.customers, customers: await storeMembers(tx, s.key, asOf), asOf });
    }
    return out;
  });
}

export async function deleteSegment(wh: Warehouse, key: string): Promise<void> {
  if (!(await getSegment(wh, key))) throw unknownSegment(key);
  await wh.transaction(async (tx) => {
    await tx.run(`DELETE FROM tm_segment_members WHERE segment_key = $1`, [key]);
    await tx.run(`DELETE FROM tm_segments WHERE segment_key = $1`, [key]);
  });
}

/**
 * The members with their basic attributes: id, name, phone, province, city, member tier, last counted order
 * (the model's customer_stats: the same counted-order rule as RFM and the catalog) and their tags.
 */
export function membersSql(key: string, limit?: number, of: 'segment' | 'tag' = 'segment'): BuiltSql {
  const [table, keyCol] = of === 'segment' ? ['tm_segment_members', 'segment_key'] : ['tm_customer_tags', 'tag_key'];
  const stats = render(MODEL.get('customer_stats')!.query!, duckdb).sql;
  return {
    sql: `WITH customer_stats AS (${stats})
SELECT c.customer_id, c.name, c.phone, c.province, c.city, c.member_tier AS tier, CAST(CAST(s.last_order_at AS DATE) AS VARCHAR) AS last_order_date,
  (SELECT string_agg(t.tag_key, ',' ORDER BY t.tag_key) FROM (SELECT DISTINCT tag_key FROM tm_customer_tags WHERE customer_id = c.customer_id) t) AS tags
FROM (SELECT DISTINCT customer_id FROM ${table} WHERE ${keyCol} = $1) m JOIN customers c ON c.customer_id = m.customer_id LEFT JOIN customer_stats s ON s.customer_id = c.customer_id
ORDER BY c.customer_id${limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : ''}`,
    params: [key],
  };
}

export async function requireSegment(wh: Warehouse, key: string): Promise<SegmentInfo> {
  const s = await getSegment(wh, key);
  if (!s) throw unknownSegment(key);
  return s;
}
