import { ENTITIES } from './entities.js';
import type { EntityDef, FieldDef, FieldType } from './types.js';

export type { EntityDef, FieldDef, FieldType } from './types.js';
export { ENTITIES } from './entities.js';

/** Columns every entity table carries besides its own fields. */
export const SYSTEM_COLUMNS = [
  { name: 'extra', sqlType: 'JSON', description: 'Custom fields: columns of the imported file that the schema does not have' },
  { name: '_flags', sqlType: 'VARCHAR[]', description: 'Cleaning flags raised on this row (e.g. invalid_phone, amount_outlier)' },
  { name: '_import_id', sqlType: 'BIGINT', description: 'The import that last wrote this row (tm_imports.import_id)' },
] as const;

const SQL_TYPES: Record<FieldType, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  int: 'BIGINT',
  decimal: 'DOUBLE',
  money: 'DECIMAL(18,2)',
  bool: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  phone: 'VARCHAR',
  email: 'VARCHAR',
  province: 'VARCHAR',
  city: 'VARCHAR',
  district: 'VARCHAR',
  gender: 'VARCHAR',
  enum: 'VARCHAR',
  json: 'JSON',
};

export function sqlType(t: FieldType): string {
  return SQL_TYPES[t];
}

export function entity(name: string): EntityDef | undefined {
  return ENTITIES.find((e) => e.name === name);
}

export function field(e: EntityDef, name: string): FieldDef | undefined {
  return e.fields.find((x) => x.name === name);
}

const IDENT = /^[a-z][a-z0-9_]*$/;

/** Checks the definition itself; each message names entity and field. */
export function validateSchema(entities: readonly EntityDef[] = ENTITIES): string[] {
  const errors: string[] = [];
  const names = new Set<string>();
  for (const e of entities) {
    if (!IDENT.test(e.name)) errors.push(`${e.name}: entity name must be snake_case`);
    if (names.has(e.name)) errors.push(`${e.name}: defined twice`);
    names.add(e.name);
    const fields = new Set<string>();
    for (const x of e.fields) {
      if (!IDENT.test(x.name)) errors.push(`${e.name}.${x.name}: field name must be snake_case`);
      if (fields.has(x.name)) errors.push(`${e.name}.${x.name}: defined twice`);
      if (SYSTEM_COLUMNS.some((s) => s.name === x.name)) errors.push(`${e.name}.${x.name}: clashes with a system column`);
      fields.add(x.name);
      if (x.type === 'enum' && !x.values?.length) errors.push(`${e.name}.${x.name}: enum without values`);
      if (x.type !== 'enum' && x.values) errors.push(`${e.name}.${x.name}: values on a non-enum field`);
    }
    if (e.key.length === 0) errors.push(`${e.name}: no natural key`);
    for (const k of e.key) {
      const kf = e.fields.find((x) => x.name === k);
      if (!kf) errors.push(`${e.name}: key field ${k} is not a field`);
      else if (!kf.required) errors.push(`${e.name}.${k}: key fields must be required`);
    }
    if (e.versionField && !fields.has(e.versionField)) errors.push(`${e.name}: versionField ${e.versionField} is not a field`);
    if (e.synthesiseKey && e.key.length !== 1) errors.push(`${e.name}: a synthesised key must be a single field`);
  }
  for (const e of entities) {
    for (const x of e.fields) {
      if (!x.references) continue;
      const [re, rf] = x.references.split('.');
      const target = entities.find((t) => t.name === re);
      if (!target || !target.fields.some((t) => t.name === rf)) errors.push(`${e.name}.${x.name}: references unknown ${x.references}`);
    }
  }
  return errors;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** DDL for one entity table. Natural keys are not declared as PRIMARY KEY: the import enforces them, and DuckDB's ART indexes cost memory and time on 10M-row appends. */
export function entityDdl(e: EntityDef): string {
  const cols = e.fields.map((x) => `  ${quoteIdent(x.name)} ${sqlType(x.type)}${x.required ? ' NOT NULL' : ''}`);
  for (const s of SYSTEM_COLUMNS) cols.push(`  ${quoteIdent(s.name)} ${s.sqlType}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(e.name)} (\n${cols.join(',\n')}\n);`;
}

/** Tidemark's own bookkeeping tables, kept in the warehouse so an import and its log commit together. */
export const SYSTEM_DDL = [
  `CREATE TABLE IF NOT EXISTS tm_meta (key VARCHAR PRIMARY KEY, value VARCHAR);`,
  `CREATE SEQUENCE IF NOT EXISTS tm_import_seq START 1;`,
  `CREATE TABLE IF NOT EXISTS tm_imports (
  import_id BIGINT PRIMARY KEY,
  file VARCHAR NOT NULL,
  file_sha256 VARCHAR,
  entity VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  rows_read BIGINT NOT NULL,
  loaded BIGINT NOT NULL,
  merged BIGINT NOT NULL,
  quarantined BIGINT NOT NULL,
  report JSON NOT NULL
);`,
  `CREATE TABLE IF NOT EXISTS tm_quarantine (
  import_id BIGINT NOT NULL,
  file VARCHAR NOT NULL,
  line BIGINT,
  raw VARCHAR,
  reason VARCHAR NOT NULL
);`,
  // RFM results (src/analyses/rfm), one set per as-of date; the catalog's rfm_segment reads the latest.
  `CREATE TABLE IF NOT EXISTS tm_rfm (
  customer_id VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  window_from DATE,
  recency_days INTEGER NOT NULL,
  frequency BIGINT NOT NULL,
  monetary DECIMAL(18,2) NOT NULL,
  r INTEGER NOT NULL,
  f INTEGER NOT NULL,
  m INTEGER NOT NULL,
  segment VARCHAR NOT NULL,
  scores VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL
);`,
  // Lifecycle stages (src/analyses/lifecycle), one set per as-of date; the catalog's lifecycle_stage reads the latest.
  `CREATE TABLE IF NOT EXISTS tm_lifecycle (
  customer_id VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  stage VARCHAR NOT NULL,
  first_order_date DATE NOT NULL,
  last_order_date DATE NOT NULL,
  recency_days INTEGER NOT NULL,
  period VARCHAR NOT NULL,
  active_days INTEGER NOT NULL,
  sleeping_days INTEGER NOT NULL,
  computed_at TIMESTAMP NOT NULL
);`,
  // Value tiers (src/analyses/tiers), one set per as-of date; the catalog's value_tier reads the latest.
  `CREATE TABLE IF NOT EXISTS tm_tiers (
  customer_id VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  window_from DATE,
  orders BIGINT NOT NULL,
  spend DECIMAL(18,2) NOT NULL,
  aov DOUBLE NOT NULL,
  purchase_months INTEGER NOT NULL,
  repurchase_rate DOUBLE NOT NULL,
  last_order_at TIMESTAMP NOT NULL,
  days_since_last INTEGER NOT NULL,
  tier VARCHAR NOT NULL,
  rules JSON NOT NULL,
  computed_at TIMESTAMP NOT NULL
);`,
  // Value matrix (src/analyses/matrix), one set per as-of date; the catalog's value_type reads the latest.
  `CREATE TABLE IF NOT EXISTS tm_matrix (
  customer_id VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  window_from DATE,
  orders BIGINT NOT NULL,
  spend DECIMAL(18,2) NOT NULL,
  aov DOUBLE NOT NULL,
  last_order_at TIMESTAMP NOT NULL,
  days_since_last INTEGER NOT NULL,
  aov_threshold DOUBLE NOT NULL,
  frequency_threshold DOUBLE NOT NULL,
  value_type VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL
);`,
  // Saved segments (src/segments): a rule (definition JSON over catalog dimensions and metrics, re-evaluated on
  // refresh) or a static list; members in tm_segment_members. The catalog dimension `segment` reads them.
  `CREATE TABLE IF NOT EXISTS tm_segments (
  segment_key VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  definition JSON,
  description VARCHAR,
  created_at TIMESTAMP NOT NULL,
  refreshed_at TIMESTAMP,
  as_of DATE,
  customers BIGINT NOT NULL
);`,
  `CREATE TABLE IF NOT EXISTS tm_segment_members (
  segment_key VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL
);`,
  // Tags (src/segments/tags.ts): rule and model tags are evaluated like segments, manual tags are imported or set.
  `CREATE TABLE IF NOT EXISTS tm_tags (
  tag_key VARCHAR PRIMARY KEY,
  name_zh VARCHAR NOT NULL,
  name_en VARCHAR,
  kind VARCHAR NOT NULL,
  definition JSON,
  description VARCHAR,
  created_at TIMESTAMP NOT NULL,
  applied_at TIMESTAMP,
  as_of DATE
);`,
  `CREATE TABLE IF NOT EXISTS tm_customer_tags (
  tag_key VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  set_at TIMESTAMP NOT NULL
);`,
  // Clustering results (src/analyses/cluster), one set per as-of date; the catalog's cluster dimension reads the latest.
  `CREATE TABLE IF NOT EXISTS tm_cluster (
  customer_id VARCHAR NOT NULL,
  as_of DATE NOT NULL,
  window_from DATE,
  k INTEGER NOT NULL,
  cluster INTEGER NOT NULL,
  description_zh VARCHAR NOT NULL,
  description_en VARCHAR NOT NULL,
  computed_at TIMESTAMP NOT NULL
);`,
];

export function warehouseDdl(entities: readonly EntityDef[] = ENTITIES): string[] {
  return [...SYSTEM_DDL, ...entities.map(entityDdl)];
}

/** docs/schema.md, generated; a test fails when the checked-in copy is stale. */
export function schemaMarkdown(entities: readonly EntityDef[] = ENTITIES): string {
  const out: string[] = [
    '# The canonical CRM schema',
    '',
    '<!-- Generated from src/schema/entities.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every entity table also has the system columns:',
    '',
    ...SYSTEM_COLUMNS.map((s) => `- \`${s.name}\` ${s.sqlType}: ${s.description}`),
    '',
    'Timestamps are wall-clock times in the warehouse time zone (default Asia/Shanghai, stored in `tm_meta`). Money is DECIMAL(18,2).',
    '',
  ];
  for (const e of entities) {
    out.push(`## ${e.name} — ${e.label} / ${e.labelZh}`, '', e.description, '');
    out.push(`Natural key: ${e.key.map((k) => `\`${k}\``).join(' + ')}${e.synthesiseKey ? ' (synthesised from the line when the file has no such column)' : ''}.`);
    if (e.versionField) out.push(`Conflicting rows for one key: the one with the latest \`${e.versionField}\` wins, then the later line.`);
    out.push('', '| field | type | required | 中文 | notes |', '| --- | --- | --- | --- | --- |');
    for (const x of e.fields) {
      const notes = [
        x.description,
        x.values ? `one of ${x.values.map((v) => `\`${v}\``).join(', ')}` : undefined,
        x.references ? `→ ${x.references}` : undefined,
        x.derived ? 'set by the import' : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      out.push(`| \`${x.name}\` | ${x.type} (${sqlType(x.type)}) | ${x.required ? 'yes' : ''} | ${x.labelZh} | ${notes} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
