import { describe, expect, it } from 'vitest';
import { formatChange, formatCompact, formatMoney, formatPercent, formatValue } from '../../web/src/i18n/format.js';

// Expected strings written by hand from the conventions: zh-CN groups by 万 (10^4) and 亿 (10^8); English by K/M/B.
describe('locale formatting', () => {
  it('zh-CN: 万 and 亿 for large amounts, two decimals', () => {
    expect(formatCompact(123456, 'zh-CN')).toBe('12.35万');
    expect(formatCompact(120_000_000, 'zh-CN')).toBe('1.20亿');
    expect(formatCompact(9999, 'zh-CN')).toBe('9,999');
    expect(formatMoney(123456, 'zh-CN', true)).toBe('¥12.35万');
    expect(formatMoney(-2_500_000_000, 'zh-CN', true)).toBe('-¥25.00亿');
  });

  it('en: thousands separators, compact K/M', () => {
    expect(formatCompact(123456, 'en')).toBe('123.5K');
    expect(formatCompact(2_500_000, 'en')).toBe('2.5M');
    expect(formatMoney(1234.5, 'en')).toBe('¥1,234.50');
  });

  it('percentages and signed changes', () => {
    expect(formatPercent(0.1234, 'en')).toBe('12.3%');
    expect(formatChange(0.05, 'zh-CN')).toBe('+5.0%');
    expect(formatChange(-0.125, 'en')).toBe('-12.5%');
    expect(formatChange(null, 'en')).toBe('–');
  });

  it('catalog units choose the format; missing values are a dash, not 0', () => {
    expect(formatValue(0.25, 'ratio', 'en')).toBe('25.0%');
    expect(formatValue(1234, 'count', 'zh-CN')).toBe('1,234');
    expect(formatValue(88888.8, 'currency', 'zh-CN', true)).toBe('¥8.89万');
    expect(formatValue(undefined, 'currency', 'en')).toBe('–');
    expect(formatValue('12.5', 'days', 'en')).toBe('12.5');
  });
});
