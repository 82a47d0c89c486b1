/**
 * The vocabulary of the canonical CRM schema. Field types are semantic: they decide both the
 * DuckDB column type and which cleaning rules an import applies to the field.
 */
export type FieldType =
  | 'id' // identifier; "17850.0" normalises to "17850"
  | 'text'
  | 'int'
  | 'decimal' // ratios, probabilities, quantities that may be fractional
  | 'money' // DECIMAL(18,2): sums must be exact
  | 'bool'
  | 'date'
  | 'timestamp' // wall-clock time in the warehouse time zone
  | 'phone' // E.164
  | 'email'
  | 'province' // official name; a sibling *_code column holds the GB/T 2260 code
  | 'city'
  | 'district'
  | 'gender' // 'male' | 'female' | 'unknown'
  | 'enum'
  | 'json';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly required?: boolean;
  readonly label: string;
  readonly labelZh: string;
  readonly description?: string;
  /** enum vocabulary; for enums with `unknown` the import maps anything unrecognised to it. */
  readonly values?: readonly string[];
  /** `entity.field` this field points at. */
  readonly references?: string;
  /** Header names (zh/en) recognised by the automatic column mapping, besides name/label/labelZh. */
  readonly aliases?: readonly string[];
  /** Filled by the import pipeline, never mapped from a file. */
  readonly derived?: boolean;
}

export interface EntityDef {
  readonly name: string;
  readonly label: string;
  readonly labelZh: string;
  readonly description: string;
  /** Natural key: the import upserts on it. */
  readonly key: readonly string[];
  readonly fields: readonly FieldDef[];
  /** The field that orders versions of one record: with conflicting rows for a key, the latest wins. */
  readonly versionField?: string;
  /** Without a key column in the file, each line is its own record and the key is synthesised from the line's content. */
  readonly synthesiseKey?: boolean;
}
