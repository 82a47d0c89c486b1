import type { Label, MetricDef, Unit } from '../types.js';

/** Shorthand for catalog entries: key, zh label, en label, unit, then the rest. */
export function metric(key: string, zh: string, en: string, unit: Unit, rest: Omit<MetricDef, 'key' | 'label' | 'unit'>): MetricDef {
  const label: Label = { en, zh };
  return { key, label, unit, ...rest };
}

/** Orders that count: not cancelled (a NULL status counts); the definition src/overview states. */
export const COUNTED = "(status IS NULL OR status <> 'cancelled')";
/** Counted orders with a known customer: the ones customer metrics look at. */
export const CUSTOMER_ORDER = `${COUNTED} AND customer_id IS NOT NULL AND (is_anonymous IS NULL OR NOT is_anonymous)`;
/** The same, seen from an order item. */
export const ITEM_COUNTED = "(order.status IS NULL OR order.status <> 'cancelled')";
