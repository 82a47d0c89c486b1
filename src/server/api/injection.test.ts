import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../testing/index.js';
import { orgFixture, type OrgFixture } from '../../testing/org.js';

/**
 * SQL injection through every field of POST /api/query. Names (metrics, dimensions, sort keys, filter dimensions and
 * operators, compare) are looked up in the catalog or a fixed list, so an injection string is refused with 400, a stable
 * code and the field; dates and limits are validated by shape; filter values are bound parameters, so an injection string
 * is just a value that matches nothing. The warehouse is unchanged afterwards.
 * Figures by hand from src/testing/org.ts: revenue 2,150 over all rows (ada), 350 for ray (C1, C2).
 */
const INJECTIONS: readonly string[] = [
  `' OR '1'='1`,
  `' OR 1=1 --`,
  `1; DROP TABLE orders; --`,
  `"; SELECT * FROM customers; --`,
  `revenue) UNION SELECT phone FROM customers --`,
  `revenue; DROP TABLE orders`,
  `revenue --`,
  `revenue/*`,
  `*/ OR 1=1 /*`,
  `province" = province OR "1" = "1`,
  `'); COPY customers TO '/tmp/tm-injection-x'; --`,
  `$1`,
  `?`,
  `\\'; DROP TABLE customers; --`,
  `＇ OR ＇1＇=＇1`, // full-width apostrophes
  `’ OR ’1’=’1`, // right single quotation marks
  `ʼ OR 1=1 --`, // modifier letter apostrophe
  `revenue\u0000; DROP TABLE orders`,
  `\u0000`,
  `' || (SELECT string_agg(phone, ',') FROM main.customers) || '`,
  `read_csv('/etc/passwd')`,
  `current_setting('threads')`,
  `${'x'.repeat(60_000)}' OR '1'='1`,
  `张三' OR 'a'='a`,
  ``,
  ` `,
];

let f: OrgFixture;
let before: Record<string, string>;

type ErrorOut = { status: number; code?: string; field?: string };

async function post(body: unknown, login = 'ada'): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await f.request(login, '/api/query', { body });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

async function error(body: unknown): Promise<ErrorOut> {
  const r = await post(body);
  const e = (r.json.error ?? {}) as { code?: string; field?: string };
  return { status: r.status, code: e.code, field: e.field };
}

const revenueOf = (r: { json: Record<string, unknown> }) => {
  const rows = r.json.rows as Record<string, unknown>[];
  return rows.length === 0 ? null : (rows[0]?.revenue ?? null);
};

beforeAll(async () => {
  f = await orgFixture();
  before = await fingerprint(f.wh);
});

afterAll(async () => {
  await f.cleanup();
});

describe('POST /api/query: injection strings in names are refused with 400, a stable code and the field', () => {
  const cases: readonly [string, (s: string) => unknown, ErrorOut][] = [
    ['metrics', (s) => ({ metrics: [s] }), { status: 400, code: 'unknown_metric', field: 'metrics[0]' }],
    ['metrics[1]', (s) => ({ metrics: ['revenue', s] }), { status: 400, code: 'unknown_metric', field: 'metrics[1]' }],
    ['dimensions', (s) => ({ metrics: ['revenue'], dimensions: [s] }), { status: 400, code: 'unknown_dimension', field: 'dimensions[0]' }],
    ['filters[].dimension', (s) => ({ metrics: ['revenue'], filters: [{ dimension: s, op: 'eq', values: ['x'] }] }), { status: 400, code: 'unknown_dimension', field: 'filters[0].dimension' }],
    ['filters[].op', (s) => ({ metrics: ['revenue'], filters: [{ dimension: 'province', op: s, values: ['x'] }] }), { status: 400, code: 'invalid_input', field: 'filters[0].op' }],
    ['sort[].key', (s) => ({ metrics: ['revenue'], dimensions: ['province'], sort: [{ key: s }] }), { status: 400, code: 'bad_sort', field: 'sort[0].key' }],
    ['compare', (s) => ({ metrics: ['revenue'], dimensions: ['month'], compare: s }), { status: 400, code: 'invalid_input', field: 'compare' }],
    ['from', (s) => ({ metrics: ['revenue'], from: s }), { status: 400, code: 'invalid_input', field: 'from' }],
    ['to', (s) => ({ metrics: ['revenue'], to: s }), { status: 400, code: 'invalid_input', field: 'to' }],
    ['asOf', (s) => ({ metrics: ['revenue'], asOf: s }), { status: 400, code: 'invalid_input', field: 'asOf' }],
    ['limit', (s) => ({ metrics: ['revenue'], limit: s }), { status: 400, code: 'invalid_input', field: 'limit' }],
    ['totals', (s) => ({ metrics: ['revenue'], totals: s }), { status: 400, code: 'invalid_input', field: 'totals' }],
    ['sort[].desc', (s) => ({ metrics: ['revenue'], dimensions: ['province'], sort: [{ key: 'revenue', desc: s }] }), { status: 400, code: 'invalid_input', field: 'sort[0].desc' }],
  ];

  for (const [field, make, want] of cases) {
    it(field, async () => {
      for (const s of INJECTIONS) {
        const got = await error(make(s));
        expect({ s: s.slice(0, 80), ...got }).toEqual({ s: s.slice(0, 80), ...want });
      }
    });
  }

  it('dates that look like dates but carry more, and limits that are not whole numbers', async () => {
    for (const v of [`2026-01-01' OR '1'='1`, `2026-01-01; DROP TABLE orders`, `2026-01-01\u0000`, `２０２６-０１-０１`, `2026-01-01 `, `2026-1-1`]) {
      for (const field of ['from', 'to', 'asOf']) expect(await error({ metrics: ['revenue'], [field]: v })).toEqual({ status: 400, code: 'invalid_input', field });
    }
    for (const field of ['from', 'to', 'asOf']) expect(await error({ metrics: ['revenue'], [field]: '2026-02-30' })).toEqual({ status: 400, code: 'bad_date', field });
    for (const v of [-1, 0, 1.5, 1e308, '10', [10], { n: 10 }, null, true]) expect(await error({ metrics: ['revenue'], limit: v })).toEqual({ status: 400, code: 'invalid_input', field: 'limit' });
  });

  it('an unknown field is refused, whatever it holds', async () => {
    expect(await error({ metrics: ['revenue'], sql: 'SELECT * FROM customers' })).toMatchObject({ status: 400, code: 'invalid_input' });
    expect(await error({ metrics: ['revenue'], filters: [{ dimension: 'province', op: 'eq', values: ['x'], sql: '1=1' }] })).toMatchObject({ status: 400, code: 'invalid_input' });
  });

  it('values of the wrong type are refused with the field', async () => {
    expect(await error({ metrics: ['revenue'], filters: [{ dimension: 'province', op: 'eq', values: [{ sql: '1=1' }] }] })).toMatchObject({ status: 400, code: 'invalid_input', field: 'filters[0].values[0]' });
    expect(await error({ metrics: ['revenue'], filters: [{ dimension: 'province', op: 'eq', values: 'x' }] })).toMatchObject({ status: 400, code: 'invalid_input', field: 'filters[0].values' });
    expect(await error({ metrics: "revenue' OR '1'='1" })).toMatchObject({ status: 400, code: 'invalid_input', field: 'metrics' });
  });
});

describe('POST /api/query: injection strings in filter values are bound, never SQL', () => {
  it('eq, in, contains on text dimensions match nothing; ne, not_in match everything (2,150)', async () => {
    for (const s of INJECTIONS) {
      for (const dimension of ['province', 'city', 'customer', 'channel', 'customer_kind', 'industry']) {
        for (const op of ['eq', 'in', 'contains']) {
          const r = await post({ metrics: ['revenue'], filters: [{ dimension, op, values: [s] }] });
          expect({ s: s.slice(0, 80), dimension, op, status: r.status }).toEqual({ s: s.slice(0, 80), dimension, op, status: 200 });
          // An empty string is contained in every value: contains '' keeps every row with a value.
          const want = op === 'contains' && s === '' && dimension !== 'channel' && dimension !== 'industry' ? 2150 : 0;
          expect({ s: s.slice(0, 80), dimension, op, revenue: revenueOf(r) ?? 0 }).toEqual({ s: s.slice(0, 80), dimension, op, revenue: want });
        }
        for (const op of ['ne', 'not_in']) {
          const r = await post({ metrics: ['revenue'], filters: [{ dimension, op, values: [s] }] });
          expect({ s: s.slice(0, 80), dimension, op, status: r.status }).toEqual({ s: s.slice(0, 80), dimension, op, status: 200 });
          // ne/not_in keep empty values too (channel and industry are empty in the fixture): everything.
          expect({ s: s.slice(0, 80), dimension, op, revenue: revenueOf(r) }).toEqual({ s: s.slice(0, 80), dimension, op, revenue: 2150 });
        }
      }
    }
  });

  it('segment and tag values are looked up (bound) among the saved ones: unknown → 400 naming the values', async () => {
    for (const s of INJECTIONS) {
      for (const dimension of ['segment', 'tag']) {
        for (const op of ['eq', 'in', 'not_in']) {
          expect({ s: s.slice(0, 80), op, ...(await error({ metrics: ['revenue'], filters: [{ dimension, op, values: [s] }] })) }).toEqual({
            s: s.slice(0, 80),
            op,
            status: 400,
            code: `unknown_${dimension}`,
            field: 'filters[0].values',
          });
        }
      }
    }
  });

  it('comparisons and between bind the value too (200, never a 500)', async () => {
    for (const s of INJECTIONS) {
      for (const [op, values] of [['gt', [s]], ['lte', [s]], ['between', [s, s]]] as const) {
        const r = await post({ metrics: ['revenue', 'orders'], dimensions: ['province'], filters: [{ dimension: 'province', op, values }] });
        expect({ s: s.slice(0, 80), op, status: r.status }).toEqual({ s: s.slice(0, 80), op, status: 200 });
      }
    }
  });

  it('time dimensions refuse a value that is not a period, with the value\'s field', async () => {
    for (const s of INJECTIONS) {
      expect(await error({ metrics: ['revenue'], filters: [{ dimension: 'month', op: 'eq', values: [s] }] })).toEqual({ status: 400, code: 'bad_filter_values', field: 'filters[0].values[0]' });
      const weekday = { metrics: ['revenue'], filters: [{ dimension: 'weekday', op: 'in', values: [s] }] };
      if (s.trim() === '') {
        // Number('') is 0: a blank weekday is taken as weekday 0, bound, and matches nothing (weekdays are 1–7).
        const r = await post(weekday);
        expect({ status: r.status, revenue: revenueOf(r) ?? 0 }).toEqual({ status: 200, revenue: 0 });
      } else {
        expect(await error(weekday)).toEqual({ status: 400, code: 'bad_filter_values', field: 'filters[0].values[0]' });
      }
    }
  });

  it('a scoped caller: the injection does not widen the scope (ray: 350)', async () => {
    const r = await post({ metrics: ['revenue'], filters: [{ dimension: 'customer', op: 'ne', values: [`' OR '1'='1`] }] }, 'ray');
    expect(r.status).toBe(200);
    expect(revenueOf(r)).toBe(350);
  });
});

describe('POST /api/query: afterwards', () => {
  it('the warehouse is unchanged and nothing was written', async () => {
    expect(await fingerprint(f.wh)).toEqual(before);
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/tm-injection-x')).toBe(false);
  });
});
