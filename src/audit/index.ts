/**
 * The audit log as something to read: masking of personal data in entries' details for readers without
 * see_personal_data, and the entries as a table for CSV/XLSX export (API `?format=csv`, `tidemark audit --out`).
 */
import { mask, type MaskKind } from '../access/index.js';
import type { AuditEntry } from '../accounts/index.js';
import type { ResultTable } from '../export/tables.js';

/** An audit time bound as written by a user: a date (a UTC day) or an ISO instant with its zone. */
export const AUDIT_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export class AuditRangeError extends Error {
  override readonly name = 'AuditRangeError';
  constructor(
    message: string,
    readonly field: 'from' | 'to',
  ) {
    super(message);
  }
}

/** A bound as an ISO instant for the store: a day means the UTC day, so `to` (inclusive) is the start of the next one. */
export function auditBound(s: string | undefined, field: 'from' | 'to'): string | undefined {
  if (s === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const t = AUDIT_INSTANT.test(s) ? Date.parse(day ? `${s}T00:00:00Z` : s) : Number.NaN;
  const back = day && !Number.isNaN(t) ? new Date(t).toISOString().slice(0, 10) : s; // 2026-02-30 parses as 2026-03-02
  if (Number.isNaN(t) || back !== s) throw new AuditRangeError(`${field}: not a date YYYY-MM-DD or an ISO instant with its zone: ${s}`, field);
  return new Date(day && field === 'to' ? t + 86_400_000 : t).toISOString();
}

/** Keys whose string values are customer data whole: filter values, searches, names, contact details. */
const PERSONAL_KEYS = new Set(['values', 'value', 'search', 'q', 'name_like', 'customerName', 'phone', 'mobile', 'email', 'idNumber', 'id_number', 'externalId', 'external_id']);
/** Keys holding SQL text, whose quoted literals are masked. */
const SQL_KEYS = new Set(['sql']);

const EMAIL = /[^\s@'"(),;]+@[^\s@'"(),;]+\.[^\s@'"(),;]+/gu;
const DIGITS = /\+?\d{7,}[Xx]?/g;

function guessKind(s: string): MaskKind {
  if (s.includes('@')) return 'email';
  if (/^\d{17}[\dXx]$|^\d{15}$/.test(s)) return 'id_number';
  if (/^\+?\d[\d -]{6,}$/.test(s)) return 'phone';
  return 'name';
}

/** A whole value that is customer data, masked by the kind it looks like. */
export function maskValue(s: string): string {
  return mask(guessKind(s), s) ?? s;
}

/** Free text (an error message, a note): e-mail addresses and runs of 7+ digits (phones, ID numbers) inside it are masked. */
export function maskText(s: string): string {
  return s.replace(EMAIL, (m) => maskValue(m)).replace(DIGITS, (m) => maskValue(m));
}

/** SQL text: every quoted literal is masked whole, then free-text rules apply to the rest. */
export function maskSql(s: string): string {
  return maskText(s.replace(/'((?:[^']|'')*)'/g, (_m, body: string) => `'${body === '' ? '' : maskValue(body.replace(/''/g, "'")).replace(/'/g, "''")}'`));
}

function walk(v: unknown, key: string | undefined, personal: boolean): unknown {
  if (typeof v === 'string') {
    if (personal) return maskValue(v);
    if (key !== undefined && SQL_KEYS.has(key)) return maskSql(v);
    return maskText(v);
  }
  if (typeof v === 'number' && personal && Number.isInteger(v) && Math.abs(v) >= 1_000_000) return maskValue(String(v));
  if (Array.isArray(v)) return v.map((x) => walk(x, key, personal));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, k, personal || PERSONAL_KEYS.has(k))]));
  }
  return v;
}

/**
 * An entry's details as a reader without see_personal_data sees them: filter values, searches and contact fields
 * masked whole (by the kind they look like: e-mail, phone, ID number, else name), quoted literals in SQL masked,
 * and e-mail addresses and long digit runs masked inside any other text. Numbers, booleans and keys are kept.
 */
export function maskAuditDetails(details: Record<string, unknown>): Record<string, unknown> {
  return walk(details, undefined, false) as Record<string, unknown>;
}

export function maskAuditEntry(e: AuditEntry): AuditEntry {
  return { ...e, details: maskAuditDetails(e.details) };
}

/** Spreadsheet programs run cells that start with = + - @ as formulas; a leading ' keeps them text. */
function cellText(s: string | null): string | null {
  return s !== null && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Entries as one export table: id, time, who, action, the user it is about, details as JSON. */
export function auditTable(entries: readonly AuditEntry[]): ResultTable {
  return {
    name: 'audit',
    columns: [{ header: 'audit_id' }, { header: 'at' }, { header: 'login' }, { header: 'action' }, { header: 'about' }, { header: 'details' }],
    rows: entries.map((e) => [
      e.auditId,
      e.at,
      cellText(e.login),
      cellText(e.action),
      cellText(typeof e.details.login === 'string' ? e.details.login : null),
      cellText(JSON.stringify(e.details)),
    ]),
  };
}
