/** Pure helpers of the Data page (no DOM, no i18n instance): tested in test/web/data-format.test.ts. */

/** Byte counts as B/KB/MB/GB/TB (the same in both languages). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Catalog owners are written "市场部 Marketing" (Chinese, then English): the part in the reader's language. */
export function ownerLabel(owner: string, locale: 'zh-CN' | 'en'): string {
  const mm = /^([^\x00-\x7f][^]*?)\s+([\x00-\x7f]+)$/.exec(owner.trim());
  if (!mm) return owner;
  return locale === 'en' ? mm[2]!.trim() : mm[1]!.trim();
}

export interface Counts {
  readonly rowsRead: number;
  readonly loaded: number;
  readonly merged: number;
  readonly quarantined: number;
}

/** rows read = loaded + merged + quarantined (every row read is accounted for). */
export function balanced(c: Counts): boolean {
  return c.loaded + c.merged + c.quarantined === c.rowsRead;
}

/** Metrics whose key, labels, description, owner, source or formula contain the words of `q` (all of them, any case). */
export function searchMetrics<T extends { key: string; label: { en: string; zh: string }; description: string; owner: string; source?: string; formula?: string }>(metrics: readonly T[], q: string): T[] {
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...metrics];
  return metrics.filter((x) => {
    const hay = [x.key, x.label.en, x.label.zh, x.description, x.owner, x.source ?? '', x.formula ?? ''].join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** A job stage ("keys and customers") as its message key (stage.keys_and_customers). */
export function stageKey(stage: string): string {
  return `stage.${stage.trim().replace(/\s+/g, '_')}`;
}
