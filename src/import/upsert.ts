import { quoteIdent, type EntityDef } from '../schema/index.js';
import type { Warehouse } from '../warehouse/index.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Incoming rows older (by the entity's version field) than the stored row: the stored row is kept. */
  stale: number;
}

const CONTENT_EXCLUDED = new Set(['_flags', '_import_id']);

/**
 * Upsert by natural key from a temp table `src` holding one row per key with every column of the
 * entity table. A row identical to the stored one is left alone, so importing a file twice changes nothing.
 */
export async function upsert(wh: Warehouse, e: EntityDef, src: string, importId: number, mode: 'upsert' | 'insert-missing' = 'upsert'): Promise<UpsertCounts> {
  const t = quoteIdent(e.name);
  const cols = [...e.fields.map((f) => f.name), 'extra', '_flags'];
  const colList = cols.map(quoteIdent).join(', ');
  const srcCols = cols.map((c) => `s.${quoteIdent(c)}`).join(', ');
  const keyJoin = e.key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
  const same = cols
    .filter((c) => !CONTENT_EXCLUDED.has(c))
    .map((c) => `t.${quoteIdent(c)} IS NOT DISTINCT FROM s.${quoteIdent(c)}`)
    .join(' AND ');
  const v = e.versionField ? quoteIdent(e.versionField) : undefined;
  const stale = v ? `(t.${v} IS NOT NULL AND s.${v} IS NOT NULL AND s.${v} < t.${v})` : 'false';

  const existing = Number((await wh.query(`SELECT count(*) AS n FROM (SELECT 1 FROM ${t} LIMIT 1)`)).rows[0]?.n ?? 0);
  if (existing === 0) {
    const inserted = await wh.run(`INSERT INTO ${t} (${colList}, _import_id) SELECT ${srcCols}, $1 FROM ${src} s`, [importId]);
    return { inserted, updated: 0, unchanged: 0, stale: 0 };
  }
  const c = (
    await wh.query(
      `SELECT count(*) FILTER (WHERE ${same}) AS unchanged,
              count(*) FILTER (WHERE NOT (${same}) AND ${stale}) AS stale,
              count(*) FILTER (WHERE NOT (${same}) AND NOT ${stale}) AS changed
       FROM ${src} s JOIN ${t} t ON ${keyJoin}`,
    )
  ).rows[0] ?? {};
  const unchanged = Number(c.unchanged ?? 0);
  let stale_ = Number(c.stale ?? 0);
  let updated = Number(c.changed ?? 0);
  if (mode === 'insert-missing') {
    stale_ += updated;
    updated = 0;
  } else if (updated > 0) {
    await wh.run(`DELETE FROM ${t} t USING ${src} s WHERE ${keyJoin} AND NOT (${same}) AND NOT ${stale}`);
  }
  const written = await wh.run(
    `INSERT INTO ${t} (${colList}, _import_id) SELECT ${srcCols}, $1 FROM ${src} s WHERE NOT EXISTS (SELECT 1 FROM ${t} t WHERE ${keyJoin})`,
    [importId],
  );
  return { inserted: written - updated, updated, unchanged, stale: stale_ };
}
