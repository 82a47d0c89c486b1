/**
 * The metric catalog (分析指标清单): the built-in metrics and dimensions plus the user's own from a
 * config file. Every number Tidemark shows is one of these, so every report agrees.
 */
import { readFileSync } from 'node:fs';
import type { Catalog, CatalogIssue, CatalogSettings, DimensionDef, Label, MetricDef } from '../types.js';
import { validateDimensions, validateMetrics } from '../validate.js';
import { b2bMetrics } from './b2b.js';
import { DIMENSIONS } from './dimensions.js';
import { salesMetrics } from './sales.js';
import { serviceMarketingMetrics } from './service.js';

export const DEFAULT_SETTINGS: CatalogSettings = { churnDays: 90 };

/** What a catalog config file holds: settings, and metrics and dimensions beyond the built-in ones. */
export interface CatalogConfig {
  readonly settings?: Partial<CatalogSettings>;
  readonly metrics?: readonly MetricDef[];
  readonly dimensions?: readonly DimensionDef[];
  /** Report definitions (read by src/reports). */
  readonly reports?: readonly unknown[];
}

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    message: string,
    readonly issues: readonly CatalogIssue[],
  ) {
    super(message);
  }
}

export function builtinMetrics(settings: CatalogSettings = DEFAULT_SETTINGS): MetricDef[] {
  return [...salesMetrics(settings.churnDays), ...b2bMetrics(), ...serviceMarketingMetrics()];
}

function normaliseLabel(l: unknown): Label {
  if (typeof l === 'string') return { en: l, zh: l };
  return l as Label;
}

/** Builds and validates the catalog; throws CatalogError listing every problem. */
export function buildCatalog(config: CatalogConfig = {}, source = 'catalog config'): Catalog {
  const issues: CatalogIssue[] = [];
  const churnDays = config.settings?.churnDays ?? DEFAULT_SETTINGS.churnDays;
  if (!Number.isInteger(churnDays) || churnDays < 1 || churnDays > 3660) {
    issues.push({ code: 'bad_setting', field: 'settings.churnDays', message: `settings.churnDays: expected whole days between 1 and 3660, got ${JSON.stringify(churnDays)}` });
  }
  const settings: CatalogSettings = { churnDays: issues.length ? DEFAULT_SETTINGS.churnDays : churnDays };
  const userMetrics = (config.metrics ?? []).map((m) => ({ ...m, label: normaliseLabel(m.label) }));
  const userDims = (config.dimensions ?? []).map((d) => ({ ...d, label: normaliseLabel(d.label) }));
  const builtin = builtinMetrics(settings);
  for (const m of userMetrics) {
    if (builtin.some((b) => b.key === m.key)) {
      issues.push({ code: 'duplicate_key', field: `metrics.${m.key}.key`, message: `metrics.${m.key}: is a built-in metric; each metric is defined once, so give yours another key` });
    }
  }
  const metrics = [...builtin, ...userMetrics.filter((m) => !builtin.some((b) => b.key === m.key))];
  const dims = [...DIMENSIONS, ...userDims];
  issues.push(...validateDimensions(dims));
  // Metrics and dimensions can be named by label (销售额, Revenue): a label must name one thing.
  for (const [kind, items] of [['metrics', metrics], ['dimensions', dims]] as const) {
    const seen = new Map<string, string>();
    for (const x of items as readonly { key: string; label: Label }[]) {
      for (const l of [x.label?.zh, x.label?.en?.toLowerCase()]) {
        if (!l) continue;
        const other = seen.get(l);
        if (other !== undefined && other !== x.key) {
          issues.push({ code: 'duplicate_label', field: `${kind}.${x.key}.label`, message: `${kind}.${x.key}.label: '${l}' is also the label of ${other}; labels must be unique` });
          break;
        }
        seen.set(l, x.key);
      }
    }
  }
  issues.push(...validateMetrics(metrics, new Set(dims.map((d) => d.key))));
  if (issues.length > 0) {
    throw new CatalogError(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${i.message}`).join('\n')}`, issues);
  }
  return {
    metrics: new Map(metrics.map((m) => [m.key, m])),
    dimensions: new Map(dims.map((d) => [d.key, d])),
    settings,
  };
}

/** Where JSON.parse fails in `text`: V8 gives the position for some errors only, so otherwise find the shortest prefix that fails for a reason other than running out of input. */
export function jsonErrorOffset(text: string): number {
  const failsWithin = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      const msg = (e as Error).message;
      if (/Unexpected end of JSON input/.test(msg)) return false;
      const pos = /position (\d+)/.exec(msg);
      return pos ? Number(pos[1]) < n : true;
    }
  };
  let lo = 1;
  let hi = text.length;
  if (!failsWithin(hi)) return text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsWithin(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** Reads a catalog config file (JSON); errors name the file and, for syntax errors, the line. */
export function readCatalogConfig(path: string): CatalogConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new CatalogError(`${path}: cannot read the catalog config (${(e as Error).message})`, []);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const line = text.slice(0, jsonErrorOffset(text)).split('\n').length;
    throw new CatalogError(`${path}:${line}: not valid JSON (${(e as Error).message})`, []);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CatalogError(`${path}: expected an object with "metrics", "dimensions", "reports" and/or "settings"`, []);
  }
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !['settings', 'metrics', 'dimensions', 'reports', '$schema', 'comment'].includes(k));
  if (unknown.length) throw new CatalogError(`${path}: unknown top-level field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; expected settings, metrics, dimensions, reports`, []);
  for (const k of ['metrics', 'dimensions', 'reports'] as const) {
    if (v[k] !== undefined && !Array.isArray(v[k])) throw new CatalogError(`${path}: "${k}" must be a list`, []);
  }
  return v as CatalogConfig;
}

/** The catalog with the config file at `path` (when given) applied. */
export function loadCatalog(path?: string): Catalog {
  if (path === undefined) return buildCatalog();
  return buildCatalog(readCatalogConfig(path), path);
}
