import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../metrics/catalog/index.js';
import { tempWarehouse, runCli } from '../../testing/index.js';
import type { Warehouse } from '../../warehouse/port.js';
import { MembersError, orderTiers, periodsOf, runMembers, validateMembersParams } from './index.js';

type Ctx = Awaited<ReturnType<typeof tempWarehouse>>;
const catalog = buildCatalog();

async function errorOf(p: Promise<unknown>): Promise<MembersError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MembersError) return e;
    throw e;
  }
  throw new Error('expected a MembersError');
}

/**
 * Six customers and a stub, Q1 2024 by month (snapshots as of 02-01, 03-01, 04-01; migration 01-01 → 04-01).
 *
 * | customer | registered | current tier | tier changes                                              |
 * | M01      | 2023-06-01 | 金卡         | 2024-02-10 12:00 普通→银卡; 2024-04-01 00:00 银卡→金卡   |
 * | M02      | 2024-01-15 | 普通         | none                                                      |
 * | M03      | unknown    | 银卡         | none                                                      |
 * | M04      | 2023-01-01 | —            | none (never a member)                                     |
 * | M05      | 2024-03-10 | 银卡         | 2024-03-20 10:00 (none)→银卡 (joined ten days after registering) |
 * | M06      | 2023-05-01 | 普通         | 2024-01-05 金卡→银卡; 2024-03-31 23:59:59 银卡→普通       |
 * | M07      | stub       | —            | none                                                      |
 *
 * Tier as of (events strictly before the day):
 * | day   | M01  | M02    | M03  | M04  | M05    | M06  | 普通 | 银卡 | 金卡 | non-members |
 * | 01-01 | 普通 | (none) | 银卡 | none | —      | 金卡 | 1    | 1    | 1    | 1 (M04)     |
 * | 02-01 | 普通 | 普通   | 银卡 | none | —      | 银卡 | 2    | 2    | 0    | 1           |
 * | 03-01 | 银卡 | 普通   | 银卡 | none | —      | 银卡 | 1    | 3    | 0    | 1           |
 * | 04-01 | 银卡 (the 00:00 change is not before 04-01) | 普通 | 银卡 | none | 银卡 | 普通 (23:59:59 is) | 2 | 3 | 0 | 1 |
 * (M02 is registered 01-15 so does not exist on 01-01; M05 exists from 03-10; M07 is a stub: never counted.)
 * Migration 01-01 → 04-01: M01 普通→银卡 (up), M02 none→普通 (joined), M03 银卡→银卡, M04 none→none,
 * M05 none→银卡 (joined), M06 金卡→普通 (down).
 *
 * Points ledger: before the range 2023-12-15 M01 +100 earn, 12-20 −30 redeem → opening 70.
 *   Jan: 01-10 M02 +50 earn; 01-20 M03 −10 (kind NULL: a redemption); 01-31 23:00 M01 −20 expire
 *        → earned 50, redeemed 10, expired 20, net 20, other 0, balance 90.
 *   Feb: 02-10 M01 +200 earn; 02-15 M06 −5 adjust; 02-16 M06 +10 adjust (positive: counted as earned)
 *        → earned 210, redeemed 0, expired 0, net 205, other −5, balance 295.
 *   Mar: nothing → balance 295. 2024-04-01 00:00 M01 −100 redeem falls after the range.
 */
async function memberFixture(wh: Warehouse): Promise<void> {
  await wh.run(`INSERT INTO customers (customer_id, name, registered_at, member_tier, is_stub) VALUES
    ('M01','甲','2023-06-01','金卡',false), ('M02','乙','2024-01-15','普通',false), ('M03','丙',NULL,'银卡',NULL),
    ('M04','丁','2023-01-01',NULL,false), ('M05','戊','2024-03-10','银卡',false), ('M06','己','2023-05-01','普通',false), ('M07',NULL,NULL,NULL,true)`);
  await wh.run(`INSERT INTO tier_changes (customer_id, changed_at, from_tier, to_tier) VALUES
    ('M01','2024-02-10 12:00','普通','银卡'), ('M01','2024-04-01 00:00','银卡','金卡'),
    ('M05','2024-03-20 10:00',NULL,'银卡'),
    ('M06','2024-01-05 08:00','金卡','银卡'), ('M06','2024-03-31 23:59:59','银卡','普通')`);
  await wh.run(`INSERT INTO points_ledger (entry_id, customer_id, occurred_at, points, kind) VALUES
    ('p1','M01','2023-12-15 10:00',100,'earn'), ('p2','M01','2023-12-20 10:00',-30,'redeem'),
    ('p3','M02','2024-01-10 10:00',50,'earn'), ('p4','M03','2024-01-20 10:00',-10,NULL), ('p5','M01','2024-01-31 23:00',-20,'expire'),
    ('p6','M01','2024-02-10 12:00',200,'earn'), ('p7','M06','2024-02-15 10:00',-5,'adjust'), ('p8','M06','2024-02-16 10:00',10,'adjust'),
    ('p9','M01','2024-04-01 00:00',-100,'redeem')`);
}

describe('members on a hand-computed fixture', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    await memberFixture(ctx.wh);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('tier distribution at each month end, the migration matrix and the points liability', async () => {
    const r = await runMembers(ctx.wh, catalog, { from: '2024-01-01', to: '2024-03-31' });
    expect(r.tiers).toEqual(['普通', '银卡', '金卡']);
    expect(r.distribution.map((d) => [d.period, d.snapshot, d.counts, d.members, d.nonMembers])).toEqual([
      ['2024-01', '2024-02-01', { 普通: 2, 银卡: 2, 金卡: 0 }, 4, 1],
      ['2024-02', '2024-03-01', { 普通: 1, 银卡: 3, 金卡: 0 }, 4, 1],
      ['2024-03', '2024-04-01', { 普通: 2, 银卡: 3, 金卡: 0 }, 5, 1],
    ]);
    const m = r.migration!;
    expect([m.start, m.end, m.labels]).toEqual(['2024-01-01', '2024-04-01', ['普通', '银卡', '金卡', 'none']]);
    expect(m.counts).toEqual([
      [0, 1, 0, 0],
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [1, 1, 0, 1],
    ]);
    expect([m.upgraded, m.downgraded, m.unchanged, m.joined, m.left]).toEqual([1, 1, 1, 2, 0]);
    expect(r.points.opening).toBe(70);
    expect(r.points.periods.map((x) => [x.period, x.earned, x.redeemed, x.expired, x.other, x.net, x.balance])).toEqual([
      ['2024-01', 50, 10, 20, 0, 20, 90],
      ['2024-02', 210, 0, 0, -5, 205, 295],
      ['2024-03', 0, 0, 0, 0, 0, 295],
    ]);
  });

  it('a snapshot with a compare date; defaults span the data; a clipped quarter', async () => {
    // As of 04-02, M01's 04-01 00:00 upgrade counts: 银卡 → 金卡 between 04-01 and 04-02; the −100 on 04-01 too.
    const s = await runMembers(ctx.wh, catalog, { asOf: '2024-04-02', compareAsOf: '2024-04-01' });
    expect(s.distribution.map((d) => [d.snapshot, d.counts, d.nonMembers])).toEqual([['2024-04-02', { 普通: 2, 银卡: 2, 金卡: 1 }, 1]]);
    expect([s.migration!.upgraded, s.migration!.unchanged, s.migration!.joined]).toEqual([1, 4, 0]);
    expect(s.points.opening).toBe(295);
    expect(s.points.periods.map((x) => [x.from, x.to, x.redeemed, x.net, x.balance])).toEqual([['2024-04-01', '2024-04-01', 100, -100, 195]]);
    // Without a compare date the points run from the first membership event (2023-12-15): opening 0.
    const a = await runMembers(ctx.wh, catalog, { asOf: '2024-04-02' });
    expect(a.migration).toBeNull();
    expect(a.points.opening).toBe(0);
    expect(a.points.periods.map((x) => [x.from, x.earned, x.redeemed, x.expired, x.net, x.balance])).toEqual([['2023-12-15', 360, 140, 20, 195, 195]]);
    // Default range: 2023-12-15 … 2024-04-01 (first and last event) by quarter → 2023-Q4 (clipped), 2024-Q1, 2024-Q2 (one day).
    const q = await runMembers(ctx.wh, catalog, { grain: 'quarter' });
    expect(q.points.periods.map((x) => [x.period, x.from, x.to, x.net, x.balance])).toEqual([
      ['2023-Q4', '2023-12-15', '2023-12-31', 70, 70],
      ['2024-Q1', '2024-01-01', '2024-03-31', 225, 295],
      ['2024-Q2', '2024-04-01', '2024-04-01', -100, 195],
    ]);
    expect(q.distribution.at(-1)!.counts).toEqual({ 普通: 2, 银卡: 2, 金卡: 1 });
  });

  it('tier order: given, then recognised names, then alphabetical', () => {
    expect(orderTiers(['钻石会员', 'VIP', '普通会员', '白金卡', '金卡会员', '银卡会员'], null)).toEqual(['普通会员', '银卡会员', '金卡会员', '白金卡', '钻石会员', 'VIP']);
    expect(orderTiers(['gold', 'silver', 'basic'], ['basic', 'silver'])).toEqual(['basic', 'silver', 'gold']);
    expect(periodsOf('week', '2024-01-03', '2024-01-15').map((x) => [x.period, x.from, x.to])).toEqual([
      ['2024-W01', '2024-01-03', '2024-01-07'],
      ['2024-W02', '2024-01-08', '2024-01-14'],
      ['2024-W03', '2024-01-15', '2024-01-15'],
    ]);
  });

  it('bad parameters give errors naming the field, with stable codes', async () => {
    expect(validateMembersParams({ from: '2024-13-01', to: '2024-01-01', asOf: '2024-02-01', grain: 'day', tiers: ['a', 'a'] }).map((i) => `${i.code} ${i.field}`)).toEqual([
      'invalid_date from',
      'invalid_choice grain',
      'as_of_with_range asOf',
      'invalid_tiers tiers',
    ]);
    expect(validateMembersParams({ compareAsOf: '2024-01-01' }).map((i) => i.code)).toEqual(['compare_needs_as_of']);
    expect(validateMembersParams({ asOf: '2024-01-01', compareAsOf: '2024-01-01' }).map((i) => i.code)).toEqual(['compare_not_before_as_of']);
    expect(validateMembersParams({ from: '2024-02-01', to: '2024-01-01' }).map((i) => i.code)).toEqual(['from_after_to']);
    expect(validateMembersParams([]).map((i) => i.code)).toEqual(['invalid_params']);
    const e = await errorOf(runMembers(ctx.wh, catalog, { from: '2000-01-01', grain: 'week' }));
    expect(e.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['too_many_periods grain']);
    const e2 = await errorOf(runMembers(ctx.wh, catalog, { from: '2030-01-01' }));
    expect(e2.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['from_after_to from']);
    const empty = await tempWarehouse();
    try {
      const e3 = await errorOf(runMembers(empty.wh, catalog, {}));
      expect(e3.issues.map((i) => i.code)).toEqual(['no_member_data']);
    } finally {
      await empty.cleanup();
    }
  });
});

describe('tidemark members (the built CLI)', () => {
  const cli = runCli;

  it('--json, --out CSV with the sections, and errors naming the flag', async () => {
    const ctx = await tempWarehouse();
    try {
      await memberFixture(ctx.wh);
      await ctx.wh.close();
      const j = cli(['members', '--db', ctx.path, '--from', '2024-01-01', '--to', '2024-03-31', '--json']);
      expect(j.stderr).toBe('');
      expect(j.status).toBe(0);
      const body = JSON.parse(j.stdout);
      expect(body.points.periods.at(-1).balance).toBe(295);
      expect(body.migration.upgraded).toBe(1);
      const out = join(ctx.dir, 'members.csv');
      const r = cli(['members', '--db', ctx.path, '--from', '2024-01-01', '--to', '2024-03-31', '--lang', 'en', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toContain('2024-03,2024-04-01,2,3,0,5,1');
      expect(text).toContain('2024-02,210,0,0,-5,205,295');
      const t = cli(['members', '--db', ctx.path, '--as-of', '2024-04-02', '--compare-as-of', '2024-04-01', '--tiers', '普通,银卡,金卡', '--format', 'table']);
      expect(t.status, t.stderr).toBe(0);
      const bad = cli(['members', '--db', ctx.path, '--from', '2024-01-01', '--as-of', '2024-02-30', '--tiers', '金卡,金卡']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--as-of: '2024-02-30' is not a date");
      expect(bad.stderr).toContain('--as-of: give either a range');
      expect(bad.stderr).toContain('--tiers: a tier is named twice');
      const grain = cli(['members', '--db', ctx.path, '--grain', 'day']);
      expect(grain.status).toBe(2);
      expect(grain.stderr).toContain('--grain');
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('members on a generated demo equal a second method (DuckDB ASOF join, a plain ledger sum)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await tempWarehouse();
    const { generateDemo } = await import('../../demo/index.js');
    await generateDemo(ctx.wh, { customers: 1500, seed: 7 });
  }, 120_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('tier counts at every month end and the balance at every month end', async () => {
    const r = await runMembers(ctx.wh, catalog, { grain: 'month' });
    expect(r.distribution.length).toBeGreaterThan(12);
    const days = r.distribution.map((d) => d.snapshot);
    // Each (customer, day) takes the last change before the day (ASOF join); without one, the first change's
    // from_tier, else the current tier, and only once registered (or with a change before the day).
    const hand = await ctx.wh.query(
      `WITH snaps AS (SELECT CAST(unnest(string_split($1, ',')) AS TIMESTAMP) AS at),
        first_change AS (SELECT customer_id, arg_min(from_tier, changed_at) AS first_from FROM tier_changes GROUP BY 1),
        cs AS (SELECT c.customer_id, c.registered_at, c.member_tier, c.is_stub, s.at FROM customers c CROSS JOIN snaps s)
      SELECT strftime(cs.at, '%Y-%m-%d') AS day, CASE WHEN t.customer_id IS NOT NULL THEN t.to_tier WHEN f.customer_id IS NOT NULL THEN f.first_from ELSE cs.member_tier END AS tier, count(*) AS n
      FROM cs ASOF LEFT JOIN tier_changes t ON cs.customer_id = t.customer_id AND cs.at > t.changed_at
      LEFT JOIN first_change f ON f.customer_id = cs.customer_id
      WHERE t.customer_id IS NOT NULL OR (cs.is_stub IS NOT TRUE AND (cs.registered_at IS NULL OR cs.registered_at < cs.at))
      GROUP BY ALL`,
      [days.join(',')],
    );
    const expected: Record<string, Record<string, number>> = {};
    for (const row of hand.rows) (expected[String(row.day)] ??= {})[row.tier === null ? 'none' : String(row.tier)] = Number(row.n);
    const got: Record<string, Record<string, number>> = {};
    for (const d of r.distribution) {
      got[d.snapshot] = Object.fromEntries(Object.entries(d.counts).filter(([, n]) => n > 0));
      if (d.nonMembers) got[d.snapshot]!.none = d.nonMembers;
    }
    expect(got).toEqual(expected);
    expect(Object.values(got).some((x) => Object.keys(x).length >= 3)).toBe(true);
    const bal = await ctx.wh.query(`SELECT strftime(s.at, '%Y-%m-%d') AS day, (SELECT coalesce(sum(points), 0) FROM points_ledger WHERE occurred_at < s.at) AS b FROM (SELECT CAST(unnest(string_split($1, ',')) AS TIMESTAMP) AS at) s`, [days.join(',')]);
    const balances = Object.fromEntries(bal.rows.map((x) => [String(x.day), Number(x.b)]));
    expect(Object.fromEntries(r.points.periods.map((x) => [x.snapshot, x.balance]))).toEqual(balances);
    expect(r.points.periods.at(-1)!.balance).toBeGreaterThan(0);
  }, 60_000);
});
