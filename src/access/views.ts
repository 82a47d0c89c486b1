/**
 * The views a gate connection puts in front of the warehouse tables. For every table in the warehouse's main schema a
 * TEMP VIEW of the same name shadows it (DuckDB resolves unqualified names in the temp catalog first), so the SQL of
 * every compiler, report, analysis and console query reads the views without knowing they are there.
 *
 * Row rules for a scoped caller (decided where issue 5 is silent), with E = the employees in scope:
 * - customers: owner_employee_id in E.
 * - a table with a customer_id and/or an owner column (owner_employee_id, or employee_id on activities and service
 *   tickets): a row is visible when its customer is a visible customer OR its owner/handler is in E (a rep sees the
 *   orders, tickets, activities… of their customers, and the opportunities, leads and activities they own).
 * - order_items by their order; opportunity_stages by their opportunity.
 * - reference tables (org units, employees, stores, products, campaigns, segment and tag definitions, tm_meta): all rows.
 * - anything else (the import log, the quarantine, a table added later without a rule): no rows. Deny by default.
 * Personal columns are masked with the macros of ./mask.ts when the caller may not see personal data, and `extra` (the
 * unmapped input columns kept as JSON, e.g. a 收货电话 nobody mapped) is withheld; the quarantine's
 * raw lines can't be masked field by field, so it is empty for such callers even when unscoped.
 */
import { ENTITIES } from '../schema/index.js';
import { maskMacro, type MaskKind } from './mask.js';
import type { Access } from './scope.js';

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Columns holding personal data: by field type anywhere, plus named columns. */
export const PERSONAL_COLUMNS: ReadonlyMap<string, ReadonlyMap<string, MaskKind>> = (() => {
  const out = new Map<string, Map<string, MaskKind>>();
  const put = (t: string, c: string, k: MaskKind) => (out.get(t) ?? out.set(t, new Map()).get(t)!).set(c, k);
  for (const e of ENTITIES) {
    for (const f of e.fields) {
      if (f.type === 'phone') put(e.name, f.name, 'phone');
      if (f.type === 'email') put(e.name, f.name, 'email');
    }
  }
  for (const t of ['customers', 'leads', 'employees']) put(t, 'name', 'name');
  put('customers', 'id_number', 'id_number');
  put('customers', 'address', 'address');
  put('customer_identities', 'external_id', 'external_id');
  return out;
})();

const REFERENCE_TABLES = new Set(['org_units', 'employees', 'stores', 'products', 'campaigns', 'tm_meta', 'tm_segments', 'tm_tags']);
const OWNER_COLUMNS = ['owner_employee_id', 'employee_id'];
/** Tables that only an unscoped caller sees; the quarantine needs personal data in clear too. */
const UNSCOPED_ONLY = new Set(['tm_imports', 'tm_quarantine']);

export interface TableInfo {
  readonly name: string;
  readonly columns: readonly string[];
  /** DuckDB type of each column, same order. */
  readonly types: readonly string[];
}

function rowRule(t: TableInfo): string | undefined {
  const has = (c: string) => t.columns.includes(c);
  if (REFERENCE_TABLES.has(t.name)) return undefined;
  if (UNSCOPED_ONLY.has(t.name)) return 'false';
  if (t.name === 'customers') return `owner_employee_id IN (SELECT employee_id FROM tm_scope_employees)`;
  if (t.name === 'order_items') return `order_id IN (SELECT order_id FROM orders)`;
  if (t.name === 'opportunity_stages') return `opportunity_id IN (SELECT opportunity_id FROM opportunities)`;
  const parts: string[] = [];
  if (has('customer_id')) parts.push(`customer_id IN (SELECT customer_id FROM customers)`);
  for (const c of OWNER_COLUMNS) if (has(c)) parts.push(`${q(c)} IN (SELECT employee_id FROM tm_scope_employees)`);
  return parts.length ? parts.join(' OR ') : 'false';
}

/** The statements that set up a gate connection for `access`, given the warehouse's tables and its catalog name. */
export function viewStatements(access: Access, catalog: string, tables: readonly TableInfo[]): string[] {
  const scoped = access.scope.kind !== 'all';
  const base = (t: string) => `${q(catalog)}.main.${q(t)}`;
  const out: string[] = [];
  if (scoped) {
    out.push(`CREATE OR REPLACE TEMP TABLE tm_scope_root (kind VARCHAR NOT NULL, id VARCHAR NOT NULL)`);
    out.push(`CREATE OR REPLACE TEMP VIEW tm_scope_employees AS
      WITH RECURSIVE units(unit_id) AS (
        SELECT id FROM tm_scope_root WHERE kind = 'unit'
        UNION SELECT o.unit_id FROM ${base('org_units')} o JOIN units u ON o.parent_id = u.unit_id)
      SELECT employee_id FROM ${base('employees')} WHERE unit_id IN (SELECT unit_id FROM units)
      UNION SELECT id FROM tm_scope_root WHERE kind = 'employee'`);
  }
  for (const t of tables) {
    const masks = access.maskPersonal ? PERSONAL_COLUMNS.get(t.name) : undefined;
    const replaced = masks ? [...masks].filter(([c]) => t.columns.includes(c)).map(([c, k]) => `${maskMacro(k)}(${q(c)}) AS ${q(c)}`) : [];
    const extra = t.columns.indexOf('extra');
    if (access.maskPersonal && extra >= 0) replaced.push(`CAST(NULL AS ${t.types[extra] ?? 'VARCHAR'}) AS extra`);
    let where = scoped ? rowRule(t) : undefined;
    if (!scoped && access.maskPersonal && t.name === 'tm_quarantine') where = 'false';
    if (!replaced.length && where === undefined) continue;
    const select = replaced.length ? `* REPLACE (${replaced.join(', ')})` : '*';
    out.push(`CREATE OR REPLACE TEMP VIEW ${q(t.name)} AS SELECT ${select} FROM ${base(t.name)}${where ? ` WHERE ${where}` : ''}`);
  }
  return out;
}

/** The scope's root rows, inserted with bound values into tm_scope_root. */
export function scopeRoots(access: Access): [kind: string, id: string][] {
  const s = access.scope;
  if (s.kind === 'employee') return [['employee', s.employeeId]];
  if (s.kind === 'unit') return [['unit', s.unitId]];
  return [];
}
