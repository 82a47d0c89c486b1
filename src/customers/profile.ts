/**
 * A customer's 360° profile: attributes, identities, owner, order history with totals, opportunities, contracts,
 * service tickets, sales activities, interaction events, segment memberships, tags and the latest stored model
 * results (RFM, value tier, value matrix, cluster, lifecycle stage). Every part reads the tables of the connection
 * it is given, so through the API it sees only what the access gate's views show: a customer outside the caller's
 * scope has no row and no profile, and masked columns stay masked.
 */
import { MODEL } from '../metrics/model.js';
import { duckdb } from '../sql/duckdb.js';
import { render } from '../sql/render.js';
import type { Row, Warehouse } from '../warehouse/port.js';

export interface ProfileOptions {
  /** Rows per history section, newest first (default 20). */
  readonly recent?: number;
  /** Include the customer's custom fields (`extra`): free columns of imported files, which may hold personal data no mask knows. */
  readonly includeExtra?: boolean;
}

export interface HistorySection {
  /** All rows of the customer in this table (within the connection's scope). */
  readonly total: number;
  /** The newest `recent` rows. */
  readonly rows: readonly Row[];
}

export interface CustomerProfile {
  readonly customerId: string;
  readonly attributes: Row;
  readonly owner: Row | null;
  readonly identities: readonly Row[];
  readonly orders: HistorySection & {
    /** Counted orders (cancelled excluded) and their revenue, first and last: the catalog's definitions. */
    readonly counted: number;
    readonly revenue: number;
    readonly firstOrderAt: string | null;
    readonly lastOrderAt: string | null;
  };
  readonly opportunities: HistorySection;
  readonly contracts: HistorySection;
  readonly tickets: HistorySection;
  readonly activities: HistorySection;
  readonly interactions: HistorySection;
  readonly segments: readonly { key: string; name: string }[];
  readonly tags: readonly { key: string; nameZh: string; nameEn: string | null; kind: string; source: string }[];
  readonly scores: {
    readonly rfm: Row | null;
    readonly valueTier: Row | null;
    readonly valueType: Row | null;
    readonly cluster: Row | null;
    readonly lifecycle: Row | null;
  };
}

/** History tables: the columns shown and the time they are ordered by (fixed identifiers). */
const HISTORY = {
  orders: { table: 'orders', time: 'ordered_at', key: 'order_id', columns: ['order_id', 'ordered_at', 'status', 'channel', 'store_id', 'item_qty', 'amount', 'discount', 'paid_amount', 'paid_at', 'received_at'] },
  opportunities: { table: 'opportunities', time: 'created_at', key: 'opportunity_id', columns: ['opportunity_id', 'stage', 'amount', 'probability', 'owner_employee_id', 'product_id', 'created_at', 'expected_close_at', 'closed_at', 'loss_reason'] },
  contracts: { table: 'contracts', time: 'signed_at', key: 'contract_id', columns: ['contract_id', 'opportunity_id', 'owner_employee_id', 'signed_at', 'start_date', 'end_date', 'amount', 'status'] },
  tickets: { table: 'service_tickets', time: 'opened_at', key: 'ticket_id', columns: ['ticket_id', 'kind', 'channel', 'category', 'opened_at', 'resolved_at', 'status', 'satisfaction', 'employee_id'] },
  activities: { table: 'activities', time: 'occurred_at', key: 'activity_id', columns: ['activity_id', 'employee_id', 'opportunity_id', 'kind', 'occurred_at', 'duration_min', 'notes'] },
  interactions: { table: 'interactions', time: 'occurred_at', key: 'event_id', columns: ['event_id', 'kind', 'channel', 'occurred_at', 'product_id', 'points'] },
} as const;

/** JSON-safe values: 64-bit integers as numbers when exact, else text. */
function plain(r: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
  return out;
}

const derived = (name: string) => render(MODEL.get(name)!.query!, duckdb).sql;

async function history(wh: Warehouse, id: string, h: (typeof HISTORY)[keyof typeof HISTORY], recent: number): Promise<HistorySection> {
  const total = Number((await wh.query(`SELECT count(*) AS n FROM ${h.table} WHERE customer_id = $1`, [id])).rows[0]?.n ?? 0);
  const rows = total === 0 ? [] : (await wh.query(`SELECT ${h.columns.join(', ')} FROM ${h.table} WHERE customer_id = $1 ORDER BY ${h.time} DESC NULLS LAST, ${h.key} LIMIT $2`, [id, recent])).rows;
  return { total, rows: rows.map(plain) };
}

async function latest(wh: Warehouse, model: string, columns: readonly string[], id: string): Promise<Row | null> {
  const r = (await wh.query(`SELECT ${columns.join(', ')} FROM (${derived(model)}) x WHERE customer_id = $1 LIMIT 1`, [id])).rows[0];
  return r ? plain(r) : null;
}

/** The profile of `customerId`, or undefined when the connection shows no such customer. */
export async function customerProfile(wh: Warehouse, customerId: string, opts: ProfileOptions = {}): Promise<CustomerProfile | undefined> {
  const recent = Math.max(1, Math.min(1000, Math.floor(opts.recent ?? 20)));
  const found = (await wh.query(`SELECT * FROM customers WHERE customer_id = $1 LIMIT 1`, [customerId])).rows[0];
  if (!found) return undefined;
  const attributes = plain(found);
  delete attributes._import_id;
  if (!opts.includeExtra) delete attributes.extra;
  const ownerId = attributes.owner_employee_id;
  const owner = ownerId === null || ownerId === undefined ? null : ((await wh.query(`SELECT employee_id, name, unit_id FROM employees WHERE employee_id = $1 LIMIT 1`, [String(ownerId)])).rows[0] ?? null);
  const identities = (await wh.query(`SELECT channel, external_id, bound_at FROM customer_identities WHERE customer_id = $1 ORDER BY channel, external_id`, [customerId])).rows.map(plain);
  const stats = (await wh.query(`SELECT lifetime_orders, lifetime_revenue, CAST(first_order_at AS VARCHAR) AS first_order_at, CAST(last_order_at AS VARCHAR) AS last_order_at FROM (${derived('customer_stats')}) s WHERE customer_id = $1`, [customerId])).rows[0];
  const orders = await history(wh, customerId, HISTORY.orders, recent);
  const segments = (await wh.query(`SELECT DISTINCT m.segment_key, s.name FROM tm_segment_members m JOIN tm_segments s ON s.segment_key = m.segment_key WHERE m.customer_id = $1 ORDER BY m.segment_key`, [customerId])).rows;
  const tags = (
    await wh.query(`SELECT ct.tag_key, t.name_zh, t.name_en, t.kind, min(ct.source) AS source FROM tm_customer_tags ct JOIN tm_tags t ON t.tag_key = ct.tag_key WHERE ct.customer_id = $1 GROUP BY ALL ORDER BY ct.tag_key`, [customerId])
  ).rows;
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    customerId,
    attributes,
    owner: owner ? plain(owner) : null,
    identities,
    orders: {
      ...orders,
      counted: Number(stats?.lifetime_orders ?? 0),
      revenue: Number(stats?.lifetime_revenue ?? 0),
      firstOrderAt: str(stats?.first_order_at)?.slice(0, 19) ?? null,
      lastOrderAt: str(stats?.last_order_at)?.slice(0, 19) ?? null,
    },
    opportunities: await history(wh, customerId, HISTORY.opportunities, recent),
    contracts: await history(wh, customerId, HISTORY.contracts, recent),
    tickets: await history(wh, customerId, HISTORY.tickets, recent),
    activities: await history(wh, customerId, HISTORY.activities, recent),
    interactions: await history(wh, customerId, HISTORY.interactions, recent),
    segments: segments.map((r) => ({ key: String(r.segment_key), name: String(r.name) })),
    tags: tags.map((r) => ({ key: String(r.tag_key), nameZh: String(r.name_zh), nameEn: str(r.name_en), kind: String(r.kind), source: String(r.source) })),
    scores: {
      rfm: await latest(wh, 'customer_rfm', ['as_of', 'segment', 'r', 'f', 'm', 'recency_days', 'frequency', 'monetary'], customerId),
      valueTier: await latest(wh, 'customer_tier', ['as_of', 'tier', 'orders', 'spend', 'repurchase_rate'], customerId),
      valueType: await latest(wh, 'customer_value_type', ['as_of', 'value_type', 'orders', 'aov'], customerId),
      cluster: await latest(wh, 'customer_cluster', ['as_of', 'k', 'cluster', 'description_zh', 'description_en'], customerId),
      lifecycle: await latest(wh, 'customer_lifecycle', ['as_of', 'stage', 'first_order_date', 'last_order_date', 'recency_days'], customerId),
    },
  };
}
