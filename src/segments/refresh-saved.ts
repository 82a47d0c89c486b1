/** After an import: the saved rule segments and rule/model tags re-evaluated on the new data (CLI and API alike). */
import type { Catalog } from '../metrics/types.js';
import { warehouseToday } from '../query/run.js';
import type { Warehouse } from '../warehouse/port.js';
import { refreshSegments } from './segments.js';
import { applyTags } from './tags.js';

/** What re-evaluating the saved rule segments and rule/model tags after an import changed (customers before → after). */
export interface Refreshed {
  readonly tags: { key: string; before: number; customers: number }[];
  readonly segments: { key: string; before: number; customers: number }[];
  /** Set when a rule no longer evaluates (e.g. a metric was removed from the catalog); the import itself stands. */
  readonly error?: string;
}

/**
 * Rule tags first, then segments (a segment may filter on a tag); static segments and manual tags stay as they are.
 * Undefined when there is nothing to refresh. The catalog is only loaded when needed; a failure to load it or to
 * evaluate a rule is reported in `error`, never thrown (the import has committed).
 */
export async function refreshSaved(wh: Warehouse, catalog: () => Catalog): Promise<Refreshed | undefined> {
  const has = async (table: string) => Number((await wh.query(`SELECT count(*) AS n FROM ${table} WHERE kind <> $1`, [table === 'tm_tags' ? 'manual' : 'static'])).rows[0]?.n ?? 0) > 0;
  const [tags, segments] = [await has('tm_tags'), await has('tm_segments')];
  if (!tags && !segments) return undefined;
  const done: Refreshed = { tags: [], segments: [] };
  try {
    const cat = catalog();
    const today = await warehouseToday(wh);
    const pick = (r: { key: string; before: number; customers: number }) => ({ key: r.key, before: r.before, customers: r.customers });
    if (tags) done.tags.push(...(await applyTags(wh, cat, { today })).filter((t) => t.kind !== 'manual').map(pick));
    if (segments) done.segments.push(...(await refreshSegments(wh, cat, { today })).filter((x) => x.kind === 'rule').map(pick));
    return done;
  } catch (e) {
    return { ...done, error: e instanceof Error ? e.message : String(e) };
  }
}
