import type { FieldDef } from '../schema/index.js';

/** Settings of the cleaning rules; every field has a default so a plain import needs none. */
export interface CleanConfig {
  /** Rule names switched off for this import. */
  readonly disabled: readonly string[];
  /** Traditional → Simplified Chinese on text fields (off by default). */
  readonly traditionalToSimplified: boolean;
  /** Business time zone; naive times are taken as wall-clock here, zoned ones converted to it. */
  readonly timeZone: string;
  /** Orders etc. naming a customer the warehouse does not have: create a stub customer, or quarantine the row. */
  readonly unknownCustomers: 'stub' | 'quarantine';
  /** Robust z-score above which an amount is flagged as an outlier (flagged only, never dropped). */
  readonly outlierZ: number;
}

export const DEFAULT_CLEAN_CONFIG: CleanConfig = {
  disabled: [],
  traditionalToSimplified: false,
  timeZone: 'Asia/Shanghai',
  unknownCustomers: 'stub',
  outlierZ: 3.5,
};

/** One named cleaning rule, for the catalogue and the import log. */
export interface CleaningRule {
  readonly name: string;
  readonly description: string;
  readonly descriptionZh: string;
}

/** A step of a field's cleaning: the expression before and after one rule, both VARCHAR, to count what the rule changed. */
export interface CleanStep {
  readonly rule: string;
  readonly before: string;
  readonly after: string;
  /**
   * Set on a final parsing step whose `after` is typedAfter(before, value, sqlType): the typed value and its type, so a
   * caller that holds the value already can test for a change with typedChanged instead of rendering `after`.
   */
  readonly typed?: { readonly value: string; readonly sqlType: string };
}

/**
 * The SQL that cleans one field of one row. All parts are DuckDB expressions over the raw VARCHAR value.
 * `value` has the field's schema type and is NULL when the raw value is missing or invalid;
 * `invalid` is true when a raw value was present but could not be cleaned (the row is flagged, or
 * quarantined when the field is required).
 */
export interface FieldCleanSql {
  readonly value: string;
  readonly invalid: string;
  readonly steps: readonly CleanStep[];
  /** Sibling derived columns (e.g. province_code for province), name → expression. */
  readonly derived: Readonly<Record<string, string>>;
  /** What a valid value looks like, for error messages: "a date such as 2023-10-15". */
  readonly expected: string;
}

export type FieldCleaner = (field: FieldDef, raw: string, config: CleanConfig) => FieldCleanSql;
