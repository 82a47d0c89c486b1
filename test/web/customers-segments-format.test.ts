import { describe, expect, it } from 'vitest';
import { ruleParts } from '../../web/src/pages/customers/segments-format.js';

const name = (k: string) => ({ revenue: '销售额' })[k] ?? k;
const window = (c: { days?: number; from?: string; to?: string }) => (c.days ? `近 ${c.days} 天` : c.from ? `${c.from} 至 ${c.to}` : undefined);

describe('segment rules in words', () => {
  it('filters and metric conditions with their windows', () => {
    expect(
      ruleParts(
        {
          filters: [
            { dimension: 'province', op: 'in', values: ['广东省', '浙江省'] },
            { dimension: 'member_tier', op: 'not_null' },
          ],
          metrics: [
            { metric: 'revenue', op: 'gte', values: [1000], days: 365 },
            { metric: 'orders', op: 'between', values: [2, 5], from: '2025-01-01', to: '2025-06-30' },
          ],
        },
        name,
        window,
      ),
    ).toEqual(['province ∈ 广东省 | 浙江省', 'member_tier ≠ ∅', '销售额 ≥ 1000 (近 365 天)', 'orders ∈ [2 – 5] (2025-01-01 至 2025-06-30)']);
    expect(ruleParts(null, name, window)).toEqual([]);
  });
});
