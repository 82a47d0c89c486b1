/**
 * Segments and tags as a connection shows them. Definitions are shared, but sizes and members are counted over the
 * `customers` the connection holds (through the API: the caller's scope), never taken from the stored totals in
 * tm_segments: a sales rep sees how many of *their* customers a segment holds, not the company's.
 */
import type { SqlValue, Warehouse } from '../warehouse/port.js';
import { listSegments, membersSql, type SegmentInfo } from './segments.js';
import { listTags, type TagInfo } from './tags.js';

async function countsBy(wh: Warehouse, table: 'tm_segment_members' | 'tm_customer_tags', keyCol: 'segment_key' | 'tag_key'): Promise<Map<string, number>> {
  const rows = (await wh.query(`SELECT m.${keyCol} AS k, count(DISTINCT m.customer_id) AS n FROM ${table} m JOIN customers c ON c.customer_id = m.customer_id GROUP BY 1`)).rows;
  return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
}

/** The saved segments with `customers` = their members among the connection's customers. */
export async function visibleSegments(wh: Warehouse): Promise<SegmentInfo[]> {
  const counts = await countsBy(wh, 'tm_segment_members', 'segment_key');
  return (await listSegments(wh)).map((s) => ({ ...s, customers: counts.get(s.key) ?? 0 }));
}

/** One page of a segment's members among the connection's customers (the columns of `tidemark segment export`). */
export async function visibleMembers(wh: Warehouse, key: string, limit: number, offset: number): Promise<Record<string, unknown>[]> {
  const q = membersSql(key);
  const params: SqlValue[] = [...q.params, Math.max(0, Math.floor(limit)), Math.max(0, Math.floor(offset))];
  return (await wh.query(`SELECT * FROM (${q.sql}) m ORDER BY customer_id LIMIT $${q.params.length + 1} OFFSET $${q.params.length + 2}`, params)).rows;
}

export interface VisibleCoverage {
  /** Customers the connection shows. */
  readonly customers: number;
  /** Of them, those with at least one tag. */
  readonly tagged: number;
  readonly tags: readonly (TagInfo & { readonly share: number | null })[];
}

/** Tags with their coverage over the connection's customers. */
export async function visibleTagCoverage(wh: Warehouse): Promise<VisibleCoverage> {
  const customers = Number((await wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n ?? 0);
  const tagged = Number((await wh.query(`SELECT count(DISTINCT t.customer_id) AS n FROM tm_customer_tags t JOIN customers c ON c.customer_id = t.customer_id`)).rows[0]?.n ?? 0);
  const counts = await countsBy(wh, 'tm_customer_tags', 'tag_key');
  const tags = (await listTags(wh)).map((t) => {
    const n = counts.get(t.key) ?? 0;
    return { ...t, customers: n, share: customers ? n / customers : null };
  });
  return { customers, tagged, tags };
}
