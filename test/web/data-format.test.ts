import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/metrics/catalog/index.js';
import { balanced, formatBytes, ownerLabel, searchMetrics, stageKey } from '../../web/src/pages/data/format.js';

describe('data page helpers', () => {
  it('formats byte counts', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(11 * 1024 * 1024 + 1)).toBe('11 MB');
    expect(formatBytes(3.5 * 1024 ** 3)).toBe('3.5 GB');
  });

  it('shows the catalog owner in the reader’s language, and every owner of the catalog splits', () => {
    expect(ownerLabel('市场部 Marketing', 'zh-CN')).toBe('市场部');
    expect(ownerLabel('市场部 Marketing', 'en')).toBe('Marketing');
    expect(ownerLabel('会员中心 Membership', 'en')).toBe('Membership');
    expect(ownerLabel('Finance', 'zh-CN')).toBe('Finance');
    for (const m of loadCatalog().metrics.values()) {
      const zh = ownerLabel(m.owner, 'zh-CN');
      const en = ownerLabel(m.owner, 'en');
      expect(zh.length, m.owner).toBeGreaterThan(0);
      expect(en, m.owner).toMatch(/^[\x00-\x7f]+$/);
    }
  });

  it('reconciles rows read with loaded + merged + quarantined', () => {
    expect(balanced({ rowsRead: 192, loaded: 180, merged: 12, quarantined: 0 })).toBe(true);
    expect(balanced({ rowsRead: 6, loaded: 3, merged: 1, quarantined: 1 })).toBe(false);
  });

  it('searches metrics by every word, in either language, any case', () => {
    const metrics = [...loadCatalog().metrics.values()].map((m) => ({ key: m.key, label: { en: m.label.en, zh: m.label.zh }, description: m.description, owner: m.owner, ...(m.source ? { source: m.source } : {}), ...(m.formula ? { formula: m.formula } : {}) }));
    expect(searchMetrics(metrics, '')).toHaveLength(metrics.length);
    const revenue = metrics.find((m) => m.key === 'revenue')!;
    expect(searchMetrics(metrics, revenue.label.zh).map((m) => m.key)).toContain('revenue');
    expect(searchMetrics(metrics, 'REVENUE').map((m) => m.key)).toContain('revenue');
    const both = searchMetrics(metrics, 'revenue member');
    expect(both.length).toBeGreaterThan(0);
    for (const m of both) expect(JSON.stringify(m).toLowerCase()).toContain('member');
    expect(searchMetrics(metrics, 'no such metric anywhere')).toEqual([]);
  });

  it('turns a job stage into its message key', () => {
    expect(stageKey('keys and customers')).toBe('stage.keys_and_customers');
    expect(stageKey('reading')).toBe('stage.reading');
  });
});
