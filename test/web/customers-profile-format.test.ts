import { describe, expect, it } from 'vitest';
import { fieldText, fmtDay, fmtTime } from '../../web/src/pages/customers/profile-format.js';

const code = (v: string) => ({ paid: '已支付' })[v];

describe('profile formatting', () => {
  it('dates and warehouse times as compact numbers per locale', () => {
    expect(fmtDay('2025-12-31 13:26:49', 'zh-CN')).toBe('2025/12/31');
    expect(fmtDay('2025-12-31', 'en')).toBe('12/31/2025');
    expect(fmtTime('2025-12-31 13:26:49', 'zh-CN')).toBe('2025/12/31 13:26');
    expect(fmtTime(null, 'en')).toBe('–');
  });

  it('money, ratios, booleans and coded values by column', () => {
    expect(fieldText('amount', 718, 'zh-CN', code, ['是', '否'])).toBe('¥718.00');
    expect(fieldText('probability', 0.25, 'en', code, ['Yes', 'No'])).toBe('25%');
    expect(fieldText('marketing_consent', false, 'zh-CN', code, ['是', '否'])).toBe('否');
    expect(fieldText('status', 'paid', 'zh-CN', code, ['是', '否'])).toBe('已支付');
    expect(fieldText('status', 'weird', 'zh-CN', code, ['是', '否'])).toBe('weird');
    expect(fieldText('store_id', null, 'zh-CN', code, ['是', '否'])).toBe('–');
  });
});
