/**
 * The semantic model the catalog is written against: the schema's entities as tables, their many-to-one
 * relations (named after the referencing field: `customer_id` → `customer`, `owner_employee_id` → `owner`),
 * and a few derived tables that are defined as queries (a customer's first and last counted order, a
 * receivable's payments). Paths like `order.customer.province` walk these relations; every hop is a
 * LEFT JOIN on the target's single-column natural key, so a join can never multiply rows.
 */
import { ENTITIES } from '../schema/entities.js';
import type { FieldType } from '../schema/types.js';
import { agg, bin, cast, col, isNull, lit, trunc, type Expr, type Select } from '../sql/ast.js';

export interface Relation {
  readonly name: string;
  /** Column of this table holding the key. */
  readonly via: string;
  readonly target: string;
  readonly targetKey: string;
}

export interface ModelTable {
  readonly name: string;
  readonly label: string;
  readonly labelZh: string;
  readonly columns: ReadonlyMap<string, FieldType>;
  readonly relations: readonly Relation[];
  /** A derived table: the query that defines it (rendered as a CTE when used). */
  readonly query?: Select;
}

function relationName(field: string): string {
  if (field === 'owner_employee_id') return 'owner';
  return field.replace(/_id$/, '');
}

/** An order that counts: not cancelled (a NULL status counts); the catalog's COUNTED (catalog/define.ts) says the same. */
function countedOrder(t?: string): Expr {
  return bin('OR', isNull(col('status', t)), bin('<>', col('status', t), lit('cancelled')));
}

// is_anonymous may be NULL: NOT (NULL = true) is NULL, so spell it out.
const CUSTOMER_STATS: Select = {
  select: [
    { expr: col('customer_id'), as: 'customer_id' },
    { expr: agg('min', [col('ordered_at')]), as: 'first_order_at' },
    { expr: agg('max', [col('ordered_at')]), as: 'last_order_at' },
    { expr: agg('count', []), as: 'lifetime_orders' },
    { expr: agg('sum', [col('amount')]), as: 'lifetime_revenue' },
    // The acquisition cohort (src/analyses/cohorts): the month / ISO week (Monday) of the first counted order.
    { expr: cast(trunc('month', agg('min', [col('ordered_at')])), 'date'), as: 'cohort_month' },
    { expr: cast(trunc('week', agg('min', [col('ordered_at')])), 'date'), as: 'cohort_week' },
  ],
  from: { k: 'table', name: 'orders', as: 'orders' },
  groupBy: [col('customer_id')],
  where: bin('AND', bin('AND', isNull(col('customer_id'), true), bin('OR', isNull(col('is_anonymous')), bin('=', col('is_anonymous'), lit(false)))), countedOrder()),
};

const RECEIVABLE_PAID: Select = {
  select: [
    { expr: col('receivable_id'), as: 'receivable_id' },
    { expr: agg('sum', [col('amount')]), as: 'paid' },
    { expr: agg('max', [col('received_at')]), as: 'last_paid_at' },
  ],
  from: { k: 'table', name: 'payments', as: 'payments' },
  where: isNull(col('receivable_id'), true),
  groupBy: [col('receivable_id')],
};

/** Rows of the greatest as-of date of a stored analysis result (`tidemark rfm|lifecycle|tiers|matrix|cluster --save`). */
const latestOf = (table: string, columns: readonly string[]): Select => ({
  select: columns.map((c) => ({ expr: col(c), as: c })),
  from: { k: 'table', name: table, as: table },
  where: { k: 'inSub', e: col('as_of'), query: { select: [{ expr: agg('max', [col('as_of')]), as: 'as_of' }], from: { k: 'table', name: table, as: `${table}_latest` } } },
});
const CUSTOMER_RFM = latestOf('tm_rfm', ['customer_id', 'as_of', 'recency_days', 'frequency', 'monetary', 'r', 'f', 'm', 'segment']);
const CUSTOMER_LIFECYCLE = latestOf('tm_lifecycle', ['customer_id', 'as_of', 'stage', 'first_order_date', 'last_order_date', 'recency_days']);
const CUSTOMER_TIER = latestOf('tm_tiers', ['customer_id', 'as_of', 'orders', 'spend', 'repurchase_rate', 'last_order_at', 'tier']);
const CUSTOMER_VALUE_TYPE = latestOf('tm_matrix', ['customer_id', 'as_of', 'orders', 'aov', 'value_type']);
const CUSTOMER_CLUSTER = latestOf('tm_cluster', ['customer_id', 'as_of', 'k', 'cluster', 'description_zh', 'description_en']);

/** Relations from customers to derived per-customer tables; path search does not walk through them (they lead nowhere new). */
const DERIVED_RELATIONS: ReadonlySet<string> = new Set(['customer_stats', 'stats', 'paid', 'rfm', 'lifecycle', 'value_tier', 'value_type', 'cluster']);

function buildModel(): Map<string, ModelTable> {
  const tables = new Map<string, ModelTable>();
  for (const e of ENTITIES) {
    const columns = new Map<string, FieldType>(e.fields.map((f) => [f.name, f.type]));
    columns.set('extra', 'json');
    const relations: Relation[] = [];
    for (const f of e.fields) {
      if (!f.references) continue;
      const [target, targetKey] = f.references.split('.') as [string, string];
      const te = ENTITIES.find((x) => x.name === target);
      if (!te || te.key.length !== 1 || te.key[0] !== targetKey) continue;
      relations.push({ name: relationName(f.name), via: f.name, target, targetKey });
    }
    if (columns.get('customer_id') === 'id' && e.name !== 'customers') {
      relations.push({ name: 'customer_stats', via: 'customer_id', target: 'customer_stats', targetKey: 'customer_id' });
    }
    if (e.name === 'customers') relations.push({ name: 'stats', via: 'customer_id', target: 'customer_stats', targetKey: 'customer_id' });
    if (e.name === 'customers') relations.push({ name: 'rfm', via: 'customer_id', target: 'customer_rfm', targetKey: 'customer_id' });
    if (e.name === 'customers') relations.push({ name: 'lifecycle', via: 'customer_id', target: 'customer_lifecycle', targetKey: 'customer_id' });
    if (e.name === 'customers') relations.push({ name: 'value_tier', via: 'customer_id', target: 'customer_tier', targetKey: 'customer_id' });
    if (e.name === 'customers') relations.push({ name: 'value_type', via: 'customer_id', target: 'customer_value_type', targetKey: 'customer_id' });
    if (e.name === 'customers') relations.push({ name: 'cluster', via: 'customer_id', target: 'customer_cluster', targetKey: 'customer_id' });
    if (e.name === 'receivables') relations.push({ name: 'paid', via: 'receivable_id', target: 'receivable_paid', targetKey: 'receivable_id' });
    tables.set(e.name, { name: e.name, label: e.label, labelZh: e.labelZh, columns, relations });
  }
  tables.set('customer_stats', {
    name: 'customer_stats',
    label: 'Customer order history',
    labelZh: '客户购买历史',
    columns: new Map<string, FieldType>([
      ['customer_id', 'id'],
      ['first_order_at', 'timestamp'],
      ['last_order_at', 'timestamp'],
      ['lifetime_orders', 'int'],
      ['lifetime_revenue', 'money'],
      ['cohort_month', 'date'],
      ['cohort_week', 'date'],
    ]),
    relations: [],
    query: CUSTOMER_STATS,
  });
  tables.set('customer_rfm', {
    name: 'customer_rfm',
    label: 'Latest RFM result',
    labelZh: '最新RFM分析结果',
    columns: new Map<string, FieldType>([
      ['customer_id', 'id'],
      ['as_of', 'date'],
      ['recency_days', 'int'],
      ['frequency', 'int'],
      ['monetary', 'money'],
      ['r', 'int'],
      ['f', 'int'],
      ['m', 'int'],
      ['segment', 'enum'],
    ]),
    relations: [],
    query: CUSTOMER_RFM,
  });
  tables.set('customer_lifecycle', {
    name: 'customer_lifecycle',
    label: 'Latest lifecycle stages',
    labelZh: '最新客户生命周期阶段',
    columns: new Map<string, FieldType>([
      ['customer_id', 'id'],
      ['as_of', 'date'],
      ['stage', 'enum'],
      ['first_order_date', 'date'],
      ['last_order_date', 'date'],
      ['recency_days', 'int'],
    ]),
    relations: [],
    query: CUSTOMER_LIFECYCLE,
  });
  tables.set('customer_tier', {
    name: 'customer_tier',
    label: 'Latest value tiers',
    labelZh: '最新客户价值分层',
    columns: new Map<string, FieldType>([
      ['customer_id', 'id'],
      ['as_of', 'date'],
      ['orders', 'int'],
      ['spend', 'money'],
      ['repurchase_rate', 'decimal'],
      ['last_order_at', 'timestamp'],
      ['tier', 'enum'],
    ]),
    relations: [],
    query: CUSTOMER_TIER,
  });
  tables.set('customer_value_type', {
    name: 'customer_value_type',
    label: 'Latest value matrix',
    labelZh: '最新客户价值矩阵',
    columns: new Map<string, FieldType>([
      ['customer_id', 'id'],
      ['as_of', 'date'],
      ['orders', 'int'],
      ['aov', 'decimal'],
      ['value_type', 'enum'],
    ]),
    relations: [],
    query: CUSTOMER_VALUE_TYPE,
  });
  tables.set('customer_cluster', {
    name: 'customer_cluster',
    label: 'Latest clustering result',
    labelZh: '最新聚类结果',
    columns: new Map<string, FieldType>([
      ['customer_id', 'id'],
      ['as_of', 'date'],
      ['k', 'int'],
      ['cluster', 'int'],
      ['description_zh', 'text'],
      ['description_en', 'text'],
    ]),
    relations: [],
    query: CUSTOMER_CLUSTER,
  });
  tables.set('receivable_paid', {
    name: 'receivable_paid',
    label: 'Payments per receivable',
    labelZh: '应收回款汇总',
    columns: new Map<string, FieldType>([
      ['receivable_id', 'id'],
      ['paid', 'money'],
      ['last_paid_at', 'timestamp'],
    ]),
    relations: [],
    query: RECEIVABLE_PAID,
  });
  return tables;
}

export const MODEL: ReadonlyMap<string, ModelTable> = buildModel();

/** Relation paths from `from` to every reachable table, shortest first (ties: relation order). */
export function pathsFrom(from: string, model: ReadonlyMap<string, ModelTable> = MODEL): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>([[from, []]]);
  let frontier: string[] = [from];
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const t of frontier) {
      const base = out.get(t)!;
      for (const r of model.get(t)?.relations ?? []) {
        if (DERIVED_RELATIONS.has(r.name)) continue;
        if (out.has(r.target)) continue;
        out.set(r.target, [...base, r.name]);
        next.push(r.target);
      }
    }
    frontier = next;
  }
  return out;
}
