import type { Catalog } from '../../metrics/types.js';
import { runQuery, warehouseToday } from '../../query/run.js';
import { shiftDay } from '../../query/time.js';
import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { MAX_PERIODS, MembersError, orderTiers, resolveMembersParams, validateMembersParams, type MemberPeriod, type MembersParams, type ResolvedMembersParams } from './params.js';
import { distributionSql, migrationSql, SPAN_SQL } from './query.js';

/** The catalog metrics of the points table (one definition each, in src/metrics/catalog). */
export const POINTS_METRICS = ['points_earned', 'points_redeemed', 'points_expired', 'points_net'] as const;

export interface TierSnapshot extends MemberPeriod {
  /** Customers per tier (every tier of `tiers`, zeros included). */
  readonly counts: Record<string, number>;
  readonly members: number;
  /** Customers who exist that day but are not members. */
  readonly nonMembers: number;
}

export interface TierMigration {
  readonly start: string;
  readonly end: string;
  /** Row and column labels: the tiers lowest first, then 'none'. */
  readonly labels: readonly string[];
  /** counts[i][j]: customers in labels[i] as of start and labels[j] as of end. */
  readonly counts: number[][];
  /** Members at both dates in a higher / lower / the same tier; joined = none → a tier; left = a tier → none. */
  readonly upgraded: number;
  readonly downgraded: number;
  readonly unchanged: number;
  readonly joined: number;
  readonly left: number;
}

export interface PointsPeriod extends MemberPeriod {
  readonly earned: number;
  readonly redeemed: number;
  readonly expired: number;
  /** net − earned + redeemed + expired: negative adjustments and other entries the three leave out. */
  readonly other: number;
  readonly net: number;
  /** The outstanding balance (the liability) at the end of the period: every entry before `snapshot`. */
  readonly balance: number;
}

export interface MembersResult {
  readonly params: ResolvedMembersParams;
  /** Tiers found (and given), lowest first. */
  readonly tiers: readonly string[];
  readonly distribution: TierSnapshot[];
  readonly migration: TierMigration | null;
  /** Points through the catalog: the balance before the first period, then each period. */
  readonly points: { readonly opening: number; readonly periods: PointsPeriod[] };
  readonly sql: { distribution: string; migration?: string; points: string; opening?: string };
  readonly sqlParams: { distribution: SqlValue[]; migration?: SqlValue[]; points: SqlValue[]; opening?: SqlValue[] };
  readonly ms: number;
}

/** Validates and fills the defaults from the data. Throws MembersError. */
export async function prepareMembers(wh: Warehouse, params: MembersParams): Promise<{ p: ResolvedMembersParams; firstPoints: string | null }> {
  const issues = validateMembersParams(params);
  if (issues.length) throw new MembersError(issues);
  const span = (await wh.query(SPAN_SQL)).rows[0] ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  let first = str(span.first);
  let last = str(span.last);
  if (!first || !last) {
    if (Number(span.members ?? 0) === 0) throw new MembersError([{ code: 'no_member_data', field: '', message: 'no membership data: no customer has a member tier, and there are no tier changes or points entries' }]);
    first = last = await warehouseToday(wh);
  }
  const p = resolveMembersParams(params, first, last);
  if (p.mode === 'range' && p.from > p.to) throw new MembersError([{ code: 'from_after_to', field: params.from ? 'from' : 'to', message: `${params.from ? 'from' : 'to'}: the range ${p.from} … ${p.to} is empty (membership data runs ${first} … ${last})` }]);
  if (p.periods.length > MAX_PERIODS) throw new MembersError([{ code: 'too_many_periods', field: 'grain', message: `grain: ${p.from} … ${p.to} has more than ${MAX_PERIODS} ${p.grain}s; choose a coarser grain or a shorter range` }]);
  return { p, firstPoints: str(span.first_points) };
}

export async function runMembers(wh: Warehouse, catalog: Catalog, params: MembersParams): Promise<MembersResult> {
  const { p, firstPoints } = await prepareMembers(wh, params);
  const t0 = performance.now();

  const dist = distributionSql(p.periods.map((x) => x.snapshot));
  const distRows = (await wh.query(dist.sql, dist.params)).rows;
  let mig: ReturnType<typeof migrationSql> | undefined;
  const migRows = p.migration ? (await wh.query((mig = migrationSql(p.migration.start, p.migration.end)).sql, mig.params)).rows : [];
  const found = [...distRows.map((r) => r.tier), ...migRows.flatMap((r) => [r.from_tier, r.to_tier])].filter((t): t is string => typeof t === 'string' && t !== 'none');
  const tiers = orderTiers([...new Set(found)], p.tiers);

  const distribution = p.periods.map((period): TierSnapshot => {
    const counts: Record<string, number> = Object.fromEntries(tiers.map((t) => [t, 0]));
    let nonMembers = 0;
    for (const r of distRows) {
      if (r.snapshot !== period.snapshot) continue;
      if (r.tier === null || r.tier === undefined) nonMembers += Number(r.customers);
      else counts[String(r.tier)] = Number(r.customers);
    }
    return { ...period, counts, members: Object.values(counts).reduce((a, b) => a + b, 0), nonMembers };
  });

  let migration: TierMigration | null = null;
  if (p.migration) {
    const labels = [...tiers, 'none'];
    const counts = labels.map(() => labels.map(() => 0));
    let upgraded = 0;
    let downgraded = 0;
    let unchanged = 0;
    let joined = 0;
    let left = 0;
    for (const r of migRows) {
      const i = labels.indexOf(String(r.from_tier));
      const j = labels.indexOf(String(r.to_tier));
      const n = Number(r.customers);
      counts[i]![j] = n;
      const none = labels.length - 1;
      if (i === none && j === none) continue;
      if (i === none) joined += n;
      else if (j === none) left += n;
      else if (j > i) upgraded += n;
      else if (j < i) downgraded += n;
      else unchanged += n;
    }
    migration = { start: p.migration.start, end: p.migration.end, labels, counts, upgraded, downgraded, unchanged, joined, left };
  }

  // Points through the catalog: each period's entries, plus every entry before the first period for the opening balance.
  const grainDim = p.mode === 'range' ? [p.grain] : [];
  const pts = await runQuery(wh, catalog, { metrics: [...POINTS_METRICS], dimensions: grainDim, from: p.from, to: p.to }, { today: shiftDay(p.to, 1, 'day') });
  let opening = 0;
  let open: Awaited<ReturnType<typeof runQuery>> | undefined;
  if (firstPoints && firstPoints < p.from) {
    open = await runQuery(wh, catalog, { metrics: ['points_net'], from: firstPoints, to: shiftDay(p.from, -1, 'day') }, { today: p.from });
    opening = Number(open.rows[0]?.points_net ?? 0);
  }
  const byPeriod = new Map(pts.rows.map((r) => [p.mode === 'range' ? String(r[p.grain]) : p.periods[0]!.period, r]));
  let balance = opening;
  const periods = p.periods.map((period): PointsPeriod => {
    const r = byPeriod.get(period.period);
    const earned = Number(r?.points_earned ?? 0);
    const redeemed = Number(r?.points_redeemed ?? 0);
    const expired = Number(r?.points_expired ?? 0);
    const net = Number(r?.points_net ?? 0);
    balance += net;
    return { ...period, earned, redeemed, expired, other: net - earned + redeemed + expired, net, balance };
  });

  return {
    params: p,
    tiers,
    distribution,
    migration,
    points: { opening, periods },
    sql: { distribution: dist.sql, ...(mig ? { migration: mig.sql } : {}), points: pts.sql, ...(open ? { opening: open.sql } : {}) },
    sqlParams: { distribution: dist.params, ...(mig ? { migration: mig.params } : {}), points: pts.params, ...(open ? { opening: open.params } : {}) },
    ms: performance.now() - t0,
  };
}
