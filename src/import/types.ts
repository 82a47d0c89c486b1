import type { CleanConfig } from '../clean/types.js';

export interface ImportOptions {
  readonly file: string;
  /** The name recorded in tm_imports, tm_quarantine and the report (default: the file's absolute path); an upload's original name. */
  readonly sourceName?: string;
  /** A schema entity name, or 'sales_lines'. */
  readonly entity: string;
  /** Canonical field → source column header; overrides the automatic mapping. */
  readonly mapping?: Readonly<Record<string, string>>;
  readonly clean?: Partial<CleanConfig>;
  readonly onProgress?: (step: string, fraction: number) => void;
}

export interface RuleLog {
  readonly rule: string;
  readonly field?: string;
  readonly count: number;
  readonly detail?: string;
  readonly examples: readonly { line: number | null; before: string | null; after: string | null }[];
}

export interface ImportReport {
  readonly importId: number;
  readonly file: string;
  readonly entity: string;
  readonly format: string;
  readonly encoding: string;
  readonly mapping: Readonly<Record<string, string>>;
  readonly customFields: readonly string[];
  readonly rowsRead: number;
  readonly loaded: number;
  readonly merged: number;
  readonly quarantined: number;
  /** Rows written per table (a sales-lines import writes several). */
  readonly tables: Readonly<Record<string, { inserted: number; updated: number; unchanged: number }>>;
  readonly rules: readonly RuleLog[];
  readonly quarantineSample: readonly { line: number | null; reason: string; raw: string }[];
  readonly seconds: number;
}
