import { describe, expect, it } from 'vitest';
import { auditTable, maskAuditDetails, maskSql, maskText } from './index.js';

describe('audit details masking', () => {
  it('masks filter values whole by the kind they look like; keeps keys, numbers and structure', () => {
    const details = {
      metrics: ['revenue'],
      dimensions: ['province'],
      filters: [
        { dimension: 'phone', op: 'eq', values: ['13812345678', 13912345678] },
        { dimension: 'name', op: 'in', values: ['张三', '欧阳娜娜'] },
        { dimension: 'email', op: 'eq', values: ['zhang.san@example.com'] },
        { dimension: 'id_number', op: 'eq', values: ['110101199001011234'] },
        { dimension: 'orders', op: 'gt', values: [3] },
      ],
      rows: 12,
    };
    // By hand with the masks of src/access/mask.ts: phone first 3 + **** + last 4; name first char + one * per further char;
    // email first char + *** + @domain; ID first 3 + one * each for the middle 11 + last 4. Small numbers are kept.
    expect(maskAuditDetails(details)).toEqual({
      metrics: ['revenue'],
      dimensions: ['province'],
      filters: [
        { dimension: 'phone', op: 'eq', values: ['138****5678', '139****5678'] },
        { dimension: 'name', op: 'in', values: ['张*', '欧***'] },
        { dimension: 'email', op: 'eq', values: ['z***@example.com'] },
        { dimension: 'id_number', op: 'eq', values: ['110***********1234'] },
        { dimension: 'orders', op: 'gt', values: [3] },
      ],
      rows: 12,
    });
  });

  it('masks quoted SQL literals, and e-mail addresses and 7+ digit runs in other text; dates and addresses of clients stay', () => {
    expect(maskSql("SELECT count(*) FROM customers WHERE name = '张三' AND phone LIKE '1381234%' AND x = 'it''s'")).toBe(
      "SELECT count(*) FROM customers WHERE name = '张*' AND phone LIKE '1*******' AND x = 'i***'",
    );
    expect(maskText('call 13812345678 or mail li.si@example.com on 2026-03-01')).toBe('call 138****5678 or mail l***@example.com on 2026-03-01');
    expect(maskAuditDetails({ address: '127.0.0.1', at: '2026-03-01T08:00:00.000Z', reason: 'wrong_password' })).toEqual({
      address: '127.0.0.1',
      at: '2026-03-01T08:00:00.000Z',
      reason: 'wrong_password',
    });
  });

  it('export table: one row per entry, the user it is about, details as JSON, formula-like cells made text', () => {
    const t = auditTable([
      { auditId: 2, at: '2026-03-01T08:00:00.000Z', userId: 1, login: 'ada', action: 'user_disabled', details: { login: 'sue' } },
      { auditId: 1, at: '2026-03-01T07:00:00.000Z', userId: null, login: '+cmd', action: 'login_failed', details: {} },
    ]);
    expect(t.columns.map((c) => c.header)).toEqual(['audit_id', 'at', 'login', 'action', 'about', 'details']);
    expect(t.rows).toEqual([
      [2, '2026-03-01T08:00:00.000Z', 'ada', 'user_disabled', 'sue', '{"login":"sue"}'],
      [1, '2026-03-01T07:00:00.000Z', "'+cmd", 'login_failed', null, '{}'],
    ]);
  });
});
