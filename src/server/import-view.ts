/**
 * Import reports as a caller may see them. A report's cleaning-log examples hold values from the file (phones,
 * names, …) and its quarantine sample holds raw lines; for a caller without see_personal_data the examples of
 * personal fields are masked as the access gate masks columns, the raw lines are left out and quoted values in
 * the quarantine reasons are blanked.
 */
import { mask, type MaskKind } from '../access/index.js';
import type { ImportReport, RuleLog } from '../import/index.js';

/** Personal fields of the import targets and their masks; `name` is personal only where it names a person. */
const PERSONAL_FIELDS: Readonly<Record<string, MaskKind>> = {
  phone: 'phone',
  email: 'email',
  id_number: 'id_number',
  address: 'address',
  external_id: 'external_id',
};
const PERSON_NAME_ENTITIES = new Set(['customers', 'employees', 'leads']);

export function personalKindOf(entity: string, field: string | undefined): MaskKind | undefined {
  if (field === undefined) return undefined;
  if (field === 'name') return PERSON_NAME_ENTITIES.has(entity) ? 'name' : undefined;
  return PERSONAL_FIELDS[field];
}

/** `手机号 (phone): "13812345678" is not a phone` → `手机号 (phone): "***" is not a phone`. */
export function redactReason(reason: string): string {
  return reason.replace(/"[^]*"/g, '"***"').replace(/'[^']*'/g, "'***'");
}

function maskRule(entity: string, r: RuleLog): RuleLog {
  const kind = personalKindOf(entity, r.field);
  if (!kind) return r;
  return { ...r, examples: r.examples.map((e) => ({ line: e.line, before: mask(kind, e.before), after: mask(kind, e.after) })) };
}

export type ReportView = Omit<ImportReport, 'quarantineSample'> & { readonly quarantineSample: readonly { line: number | null; reason: string; raw: string | null }[] };

export function reportView(report: ImportReport, maskPersonal: boolean): ReportView {
  if (!maskPersonal) return report;
  return {
    ...report,
    rules: report.rules.map((r) => maskRule(report.entity, r)),
    quarantineSample: report.quarantineSample.map((q) => ({ line: q.line, reason: redactReason(q.reason), raw: null })),
  };
}
