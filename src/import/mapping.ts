import { readFileSync } from 'node:fs';
import type { EntityDef } from '../schema/index.js';
import { ImportError } from './errors.js';

/** Header comparison ignores case, width, blanks, separators and a bracketed unit: "实付金额（元）" = "实付金额". */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[(（【\[][^)）】\]]*[)）】\]]/g, '')
    .replace(/[\s_\-.:：/\\]/g, '');
}

export interface Mapping {
  /** canonical field → source header */
  readonly fields: Readonly<Record<string, string>>;
  /** headers kept as custom fields */
  readonly custom: readonly string[];
}

/** Automatic mapping from header synonyms, with the user's explicit choices applied first. */
export function mapColumns(entity: EntityDef, headers: readonly string[], explicit: Readonly<Record<string, string>> = {}, source = 'mapping'): Mapping {
  const fields: Record<string, string> = {};
  const used = new Set<string>();
  for (const [field, header] of Object.entries(explicit)) {
    if (!entity.fields.some((f) => f.name === field && !f.derived)) {
      const valid = entity.fields.filter((f) => !f.derived).map((f) => f.name);
      throw new ImportError(source, `unknown field "${field}" for ${entity.name}; expected one of: ${valid.join(', ')}`);
    }
    if (!headers.includes(header)) throw new ImportError(source, `field "${field}" maps to column "${header}", which the file does not have; its columns are: ${headers.join(', ')}`);
    fields[field] = header;
    used.add(header);
  }
  const byName = new Map<string, string>();
  for (const f of entity.fields) {
    if (f.derived) continue;
    for (const n of [f.name, f.label, f.labelZh, ...(f.aliases ?? [])]) {
      const k = normaliseHeader(n);
      if (!byName.has(k)) byName.set(k, f.name);
    }
  }
  for (const h of headers) {
    if (used.has(h)) continue;
    const f = byName.get(normaliseHeader(h));
    if (f && !(f in fields)) {
      fields[f] = h;
      used.add(h);
    }
  }
  return { fields, custom: headers.filter((h) => !used.has(h)) };
}

/** A mapping file: JSON `{ "field": "column header", ... }` (or `{ "mapping": { ... } }`). */
export function readMappingFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ImportError(path, `cannot read the mapping file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    throw new ImportError(path, `the mapping file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const obj = parsed && typeof parsed === 'object' && 'mapping' in parsed ? (parsed as { mapping: unknown }).mapping : parsed;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ImportError(path, 'expected a JSON object { "field": "column header" }');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw new ImportError(path, `field "${k}": expected a column header (string), got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}
