/**
 * The consumer side, generated inside DuckDB with SQL over range(): customers and their
 * identities, orders and order items, returns, membership (tiers, points), interactions, service
 * tickets, campaign touches and procurement. The methods return SQL; index.ts runs it: first into
 * temp tables (_dm_*), then INSERT … SELECT into the entity tables inside one transaction.
 *
 * The purchase process is BG/NBD-like: each customer has a purchase rate λ ~ Gamma(0.8) (per
 * "effective day" of the seasonal calendar) and a dropout probability p ~ Beta(0.5, 1); after each
 * purchase they drop out with probability p. Conditional on their count, order times are i.i.d. with
 * density ∝ the seasonal day weight (inverse CDF through a grid over the cumulative weights), which
 * puts the Spring Festival dip, 618 and Double 11 into every customer's history. Customers who drop
 * out interact less and complain more before their last order.
 */
import { PROMO_MEGA, PROMO_PERIOD, type Calendar } from './calendar.js';
import type { Campaign } from './catalog.js';
import { CITY_SLOTS, GRID, SLOTS, SURNAME_SLOTS, type Lists } from './lists.js';
import { Noise, saltOf } from './random.js';
import {
  COMPLAINT_CATEGORIES,
  CONSULT_CATEGORIES,
  GIVEN_FEMALE,
  GIVEN_MALE,
  MOBILE_PREFIXES,
  PRAISE_CATEGORIES,
  RETURN_REASONS_PARTIAL,
  RETURN_REASONS_RETURNED,
  RETURN_REASONS_UNSHIPPED,
  ROADS,
  SUGGESTION_CATEGORIES,
  TIERS,
  TIER_THRESHOLDS,
} from './reference.js';
import { cols, idSql, lit, ts } from './sqlutil.js';

/** Model parameters of the purchase process (calibrated for ~10 orders per customer over three years). */
export const MODEL = {
  lambdaShape: 0.8,
  lambdaScale: 0.2,
  dropoutA: 0.5,
  dropoutB: 1.0,
  neverBuy: 0.07,
  maxOrders: 400,
} as const;

const DAY = 86400;

/**
 * The (up to) four lines of an order travel packed in one BIGINT "basket", 12 bits a line: 9 for the
 * product index, 3 for the quantity (the temp order table is about a third narrower that way).
 */
function packBasket(): string {
  return [0, 1, 2, 3].map((k) => `((p${k}::BIGINT | (q${k}::BIGINT << 9)) << ${12 * k})`).join(' | ');
}
/** Product index of line k (0-based) of the basket. */
function bp(k: number): string {
  return `((basket >> ${12 * k}) & 511)::INTEGER`;
}
/** Quantity of line k (0 when the order has fewer lines). */
function bq(k: number): string {
  return `((basket >> ${12 * k + 9}) & 7)::INTEGER`;
}
const BQTY = `(${[0, 1, 2, 3].map(bq).join(' + ')})`;

function sqlArray(xs: readonly string[]): string {
  return `[${xs.map(lit).join(', ')}]`;
}

export interface B2CParams {
  readonly seed: number;
  readonly cal: Calendar;
  readonly lists: Lists;
  readonly campaigns: readonly Campaign[];
  /** Person customers are C0000001 .. C{persons}. */
  readonly persons: number;
}

export class B2CSql {
  readonly n: Noise;
  readonly S: number;
  readonly NOW: number;

  constructor(readonly ctx: B2CParams) {
    if (ctx.lists.productCount > 511) throw new Error('the order basket packs product indexes in 9 bits');
    this.n = new Noise(ctx.seed);
    this.S = ctx.cal.startEpoch;
    this.NOW = ctx.cal.nowEpoch;
  }

  /**
   * _dm_ord is narrow (INTEGER seconds since the start of the period, small integer types) so that
   * 10M orders stay within DuckDB's memory limit instead of spilling; at() turns a stored offset
   * back into epoch seconds.
   */
  private off(expr: string): string {
    return `((${expr}) - ${this.S})::INTEGER`;
  }
  private at(col: string): string {
    return `(${this.S} + ${col}::BIGINT)`;
  }

  private u(p: string, ...k: string[]): string {
    return this.n.u(p, ...k);
  }
  private int(m: number | string, p: string, ...k: string[]): string {
    return this.n.int(m, p, ...k);
  }

  /** Position in the seasonal order clock → day index: two stages (d0, then correction). */
  private gridDay(pos: string, grid: 'ord' | 'reg', total: number): string {
    return `L.${grid}_grid[1 + least(${GRID - 1}, floor((${pos}) * ${GRID / total}))::INTEGER]`;
  }

  /** Touch time of campaign k (an SQL expression) for customer c. */
  touchSql(c: string, k: string): string {
    return `(L.camp_start[${k} + 1] + ${DAY} * (${this.n.hash('touchday', c, k)} % L.camp_tdays[${k} + 1]::UBIGINT)::BIGINT + 32400 + (${this.n.hash('touchsec', c, k)} % 43200)::BIGINT)`;
  }

  /**
   * Whether campaign k targets customer c (columns reg_sec, consent, dropped, n, last_sec in scope).
   * The same expression selects campaign touches and attributes orders, so both agree.
   */
  targetSql(c: string, k: string, col: (name: string) => string = (x) => x): string {
    return `(${this.u('target', c, k)} < L.camp_frac[${k} + 1]
      AND ${col('reg_sec')} < L.camp_start[${k} + 1]
      AND (NOT L.camp_consent[${k} + 1] OR ${col('consent')})
      AND (NOT L.camp_winback[${k} + 1] OR (${col('dropped')} AND ${col('n')} > 0 AND ${col('last_sec')} < L.camp_start[${k} + 1] - ${90 * DAY})))`;
  }

  // -------------------------------------------------------------------------------------------
  // Customers (persons)

  customerSql(): string {
    const { cal, persons, campaigns } = this.ctx;
    const S = this.S;
    const NOW = this.NOW;
    const TW = cal.totalWeight;
    const TR = cal.totalRegWeight;
    const n = this.n;
    const winback = campaigns.filter((c) => c.winback && c.frac > 0);
    const reactArms = winback.map((c) => {
      const k = `${c.index}::BIGINT`;
      const touch = this.touchSql('i', k);
      const at = `(${touch} + 3600 + least(${7 * DAY}, ${n.exp('reacttime', 'i', k)} * ${2 * DAY})::BIGINT)`;
      const cond = `${this.targetSql('i', k)} AND ${this.u('react', 'i', k)} < ${c.reactivate} AND ${at} <= ${Math.min(c.endSec + 7 * DAY, NOW)}`;
      return { k: c.index, cond, at };
    });
    const reactCamp = reactArms.length ? `CASE ${reactArms.map((a) => `WHEN ${a.cond} THEN ${a.k}`).join(' ')} END` : 'NULL::BIGINT';
    const reactSec = reactArms.length ? `CASE react_camp ${reactArms.map((a) => `WHEN ${a.k} THEN ${a.at}`).join(' ')} END` : 'NULL::BIGINT';
    return `
CREATE OR REPLACE TEMP TABLE _dm_cust AS
WITH a AS (
  SELECT i,
    ${this.u('gender', 'i')} AS ug,
    18 + least(51, floor(${n.gamma(3.2, 'age', 'i')} * 5.2))::INTEGER AS age,
    L.city_slots[1 + ${this.int(CITY_SLOTS, 'city', 'i')}] AS city,
    ${this.u('never', 'i')} < ${MODEL.neverBuy} AS never,
    ${this.u('firstfast', 'i')} AS ufirst,
    ${n.exp('firstdelay', 'i')} AS efirst,
    L.chan_src_slots[1 + ${this.int(SLOTS, 'src', 'i')}] AS src0,
    ${this.u('regpos', 'i')} * ${TR} AS rpos,
    ${n.gamma(MODEL.lambdaShape, 'lambda', 'i')} * ${MODEL.lambdaScale} AS lam,
    ${n.beta(MODEL.dropoutA, MODEL.dropoutB, 'dropout', 'i')} AS p,
    ${this.u('mpois', 'i')} AS um,
    ${n.normal('mnorm', 'i')} AS zm
  FROM range(1, ${persons + 1}) t(i), _dm_l L
), b AS (
  SELECT a.*,
    CASE WHEN ug < 0.565 THEN 0 WHEN ug < 0.975 THEN 1 ELSE 2 END AS g,
    L.city_prov[city + 1] AS prov,
    CASE WHEN L.city_store_cnt[city + 1] > 0
      THEN L.city_stores[L.city_store_off[city + 1] + 1 + ${this.int('L.city_store_cnt[city + 1]', 'homestore', 'i')}] END AS home_store,
    ${this.gridDay('rpos', 'reg', TR)} AS rd0,
    least(100000.0, 1 + floor(ln(${this.u('k', 'i')}) / ln(greatest(1e-12, 1 - p))))::BIGINT AS K
  FROM a, _dm_l L
), c AS (
  SELECT b.*,
    CASE WHEN src0 = 4 AND home_store IS NULL THEN 2 ELSE src0 END AS ch,
    least(${cal.days.length - 1}, rd0 + (rpos >= L.reg_cw1[rd0 + 1])::INTEGER) AS rd,
    CASE WHEN g = 0 AND age BETWEEN 24 AND 38 THEN L.fav_p[1 + ${this.int(SLOTS, 'fav', 'i')}]
         WHEN g = 1 THEN L.fav_m[1 + ${this.int(SLOTS, 'fav', 'i')}]
         ELSE L.fav_f[1 + ${this.int(SLOTS, 'fav', 'i')}] END AS fav
  FROM b, _dm_l L
), d AS (
  SELECT c.*,
    ${S} + rd * ${DAY} + 3600 * (CASE WHEN ch = 4 THEN L.hour_store[1 + ${this.int(SLOTS, 'reghour', 'i')}]
                                      ELSE L.hour_online[1 + ${this.int(SLOTS, 'reghour', 'i')}] END)
      + ${this.int(3600, 'regsec', 'i')} AS reg_sec,
    ${this.u('consent', 'i')} < CASE ch WHEN 2 THEN 0.82 WHEN 4 THEN 0.72 WHEN 3 THEN 0.6 WHEN 0 THEN 0.55 ELSE 0.5 END AS consent
  FROM c, _dm_l L
), e AS (
  SELECT d.*,
    reg_sec + CASE WHEN ufirst < 0.72 THEN 60 + ${this.int(1800, 'firstsec', 'i')}
                   ELSE least(${60 * DAY}, 3600 + efirst * ${4 * DAY})::BIGINT END AS first_sec,
    (L.ord_cw1[rd + 1] - L.day_w[rd + 1]) + L.day_w[rd + 1] * ((reg_sec - ${S} - rd * ${DAY}) / ${DAY}.0) AS s_reg
  FROM d, _dm_l L
), f AS (
  SELECT e.*,
    ${TW} - s_reg AS W,
    lam * (${TW} - s_reg) AS mu,
    least(floor(lam * (${TW} - s_reg) / 0.05), 799)::INTEGER AS mb,
    CASE WHEN K >= 2 THEN ${n.gammaK('K - 1', 'T', 'i')} / lam ELSE 0 END AS T
  FROM e
), g AS (
  SELECT f.*, CASE WHEN f.mu < 39.9 THEN pz.k ELSE greatest(0, round(f.mu + sqrt(f.mu) * f.zm))::BIGINT END AS M
  FROM f ASOF LEFT JOIN _dm_pois pz ON f.mb = pz.mb AND f.um >= pz.cdf_prev
), h AS (
  SELECT g.*,
    (K = 1 OR T < W) AS dropped,
    CASE WHEN never OR first_sec > ${NOW} THEN 0
         WHEN K = 1 OR T < W THEN least(K, ${MODEL.maxOrders})
         ELSE least(1 + least(M, K - 2), ${MODEL.maxOrders}) END AS n,
    ${this.gridDay('s_reg + T', 'ord', TW)} AS ld0
  FROM g, _dm_l L
), i2 AS (
  SELECT h.*,
    CASE WHEN n = 0 OR NOT dropped THEN NULL
         WHEN K = 1 THEN first_sec
         ELSE least(${NOW}, greatest(first_sec + 3600,
           ${S} + ${DAY} * least(${cal.days.length - 1}, ld0 + (s_reg + T >= L.ord_cw1[ld0 + 1])::INTEGER)
           + 3600 * L.hour_online[1 + ${this.int(SLOTS, 'lasthour', 'i')}] + ${this.int(3600, 'lastsec', 'i')}))
    END AS last_sec
  FROM h, _dm_l L
), j2 AS (
  SELECT i2.*, ${reactCamp} AS react_camp FROM i2, _dm_l L
), k2 AS (
  SELECT j2.*, ${reactSec} AS react_sec, n + (react_camp IS NOT NULL)::INTEGER AS n_total FROM j2, _dm_l L
)
SELECT i, g, age, city, prov, home_store, ch, fav, consent, reg_sec, rd, first_sec, s_reg, W, T, lam, K, M,
  dropped, n, last_sec, react_camp, react_sec, n_total,
  (sum(n_total) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - n_total)::BIGINT AS obase
FROM k2`;
  }

  /** Poisson inverse-CDF table for means below 40 (steps of 0.05). */
  poissonSql(): string {
    return `
CREATE OR REPLACE TEMP TABLE _dm_pois AS
SELECT mb, k, coalesce(sum(p) OVER (PARTITION BY mb ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0.0) AS cdf_prev
FROM (SELECT mb::INTEGER AS mb, k, exp(-((mb + 0.5) * 0.05) + k * ln((mb + 0.5) * 0.05) - lgamma(k + 1)) AS p
      FROM range(800) a(mb), range(100) b(k))`;
  }

  // -------------------------------------------------------------------------------------------
  // Orders

  /** Product of line k (k a literal or a column; p0 in scope). */
  lineProduct(k: string): string {
    const ok = ['ono', k];
    return `(CASE WHEN ${k} = 0 THEN p0
      WHEN ${this.u('rel', ...ok)} < 0.42 THEN (CASE WHEN ${this.u('relc', ...ok)} < 0.7 THEN L.prod_comp1[p0 + 1] ELSE L.prod_comp2[p0 + 1] END)
      WHEN ${this.u('rel', ...ok)} < 0.72 THEN L.prod_slots[${SLOTS} * L.prod_l1[p0 + 1] + 1 + ${this.int(SLOTS, 'psame', ...ok)}]
      ELSE L.prod_slots[${SLOTS} * L.cat_slots[1 + ${this.int(SLOTS, 'catk', ...ok)}] + 1 + ${this.int(SLOTS, 'pk', ...ok)}] END)`;
  }

  lineQty(k: string, product: string): string {
    return `(1 + floor(pow(${this.u('qty', 'ono', k)}, 2.2) * (L.prod_qmax[${product} + 1] + 1)))::INTEGER`;
  }

  /**
   * All orders, into the temp table _dm_ord, in two statements: the expansion to one row per order
   * first (so the heavy second step reads a table of many row groups and runs on all cores), then
   * everything else.
   */
  orderSql(): string[] {
    const { cal, lists } = this.ctx;
    const S = this.S;
    const NOW = this.NOW;
    const TW = cal.totalWeight;
    const n = this.n;
    const col = (x: string): string => x;
    const arms = Array.from({ length: lists.campArms }, (_, a) => {
      const k = `k${a}`;
      return `CASE WHEN ${k} >= 0 AND ${this.targetSql('i', k, col)}
        AND ots >= ${this.touchSql('i', k)} AND ots <= L.camp_end[${k} + 1] + ${7 * DAY}
        AND ${this.u('conv', 'ono', k)} < L.camp_conv[${k} + 1] THEN ${k} END`;
    });
    const lines = [0, 1, 2, 3].map((k) => {
      const p = `p${k}`;
      return { p, expr: this.lineProduct(`${k}::BIGINT`), qty: this.lineQty(`${k}::BIGINT`, p) };
    });
    const expand = `
CREATE OR REPLACE TEMP TABLE _dm_o0 AS
WITH c AS (
  SELECT i, g, fav, ch, home_store, prov, consent, reg_sec, dropped, n, last_sec, first_sec, react_camp, react_sec, obase, s_reg, T, W,
    unnest(range(n_total)) AS j
  FROM _dm_cust
)
SELECT c.i, c.g, c.fav, c.ch AS cch, c.home_store, c.prov, c.consent, c.reg_sec, c.dropped, c.n, c.last_sec, c.first_sec,
  c.react_camp, c.react_sec, c.j, c.obase + c.j + 1 AS ono,
  CASE WHEN c.j = 0 THEN c.first_sec
       WHEN c.j = c.n THEN c.react_sec
       WHEN c.dropped AND c.j = c.n - 1 THEN c.last_sec END AS fixed_sec,
  c.s_reg + ${this.u('opos', 'c.i', 'c.j')} * CASE WHEN c.dropped THEN c.T ELSE c.W END AS s
FROM c`;
    return [expand, `
CREATE OR REPLACE TEMP TABLE _dm_ord AS
WITH o0 AS (SELECT * FROM _dm_o0), o1 AS (
  SELECT o0.*, ${this.gridDay('s', 'ord', TW)} AS d0 FROM o0, _dm_l L
), o2 AS (
  SELECT o1.*, least(${cal.days.length - 1}, d0 + (s >= L.ord_cw1[d0 + 1])::INTEGER) AS dr FROM o1, _dm_l L
), o3 AS (
  SELECT o2.*,
    CASE WHEN j = 0 OR j = n THEN cch
         ELSE (CASE WHEN ${this.u('ch', 'ono')} < 0.72 THEN cch ELSE L.chan_ord_slots[1 + ${this.int(SLOTS, 'ch2', 'ono')}] END) END AS ch1,
    L.day_promo[dr + 1] AS promo_r
  FROM o2, _dm_l L
), o4 AS (
  SELECT o3.*,
    CASE WHEN ch1 = 4 AND home_store IS NULL THEN 2
         WHEN j > 0 AND j < n AND promo_r = ${PROMO_MEGA} AND ch1 IN (3, 4) AND ${this.u('megach', 'ono')} < 0.6 THEN 0
         ELSE ch1 END AS ch
  FROM o3
), o5 AS (
  SELECT o4.*,
    coalesce(fixed_sec, least(coalesce(last_sec - 1, ${NOW}), greatest(first_sec + 1,
      ${S} + dr * ${DAY} + 3600 * (CASE WHEN ch = 4 THEN L.hour_store[1 + ${this.int(SLOTS, 'hour', 'ono')}]
                                        WHEN promo_r = ${PROMO_MEGA} THEN L.hour_mega[1 + ${this.int(SLOTS, 'hour', 'ono')}]
                                        ELSE L.hour_online[1 + ${this.int(SLOTS, 'hour', 'ono')}] END)
      + ${this.int(3600, 'sec', 'ono')}))) AS ots
  FROM o4, _dm_l L
), o6 AS (
  SELECT o5.*,
    ((ots - ${S}) // ${DAY})::INTEGER AS d,
    j > 0 AND j < n AND ${this.u('gift', 'ono')} < 0.012 AS gift
  FROM o5
), o6b AS (
  SELECT o6.*, ${Array.from({ length: lists.campArms }, (_, a) => `L.day_camp_${a}[d + 1] AS k${a}`).join(', ')} FROM o6, _dm_l L
), o7 AS (
  SELECT o6b.*,
    L.day_promo[d + 1] AS promo,
    L.day_ship[d + 1] AS ship_f,
    L.prov_remote[prov + 1] AS remote,
    CASE WHEN ch = 4 THEN home_store ELSE ${lists.specs.store_id!.values.length - 4} + ch END AS store,
    CASE WHEN gift THEN 1 ELSE L.n_items_slots[1 + ${this.int(100, 'ni', 'ono')}] END AS ni,
    CASE WHEN gift THEN L.gift_prods[1 + ${this.int(lists.giftCount, 'giftp', 'ono')}]
         ELSE L.prod_slots[${SLOTS} * (CASE WHEN ${this.u('favpick', 'ono')} < 0.62 THEN fav ELSE L.cat_slots[1 + ${this.int(SLOTS, 'cat0', 'ono')}] END)
                           + 1 + ${this.int(SLOTS, 'p0', 'ono')}] END AS p0,
    CASE WHEN j = n AND react_camp IS NOT NULL THEN react_camp ELSE coalesce(${arms.join(', ')}) END AS camp
  FROM o6b, _dm_l L
), o8 AS (
  SELECT o7.*, ${lines.slice(1).map((l, k) => `CASE WHEN ni > ${k + 1} THEN ${l.expr} ELSE 0 END AS ${l.p}`).join(', ')} FROM o7, _dm_l L
), o9 AS (
  SELECT o8.*, ${lines.map((l, k) => `CASE WHEN ni > ${k} THEN ${l.qty} ELSE 0 END AS q${k}`).join(', ')} FROM o8, _dm_l L
), o9b AS (
  SELECT o9.*, ${lines.map((l, k) => `q${k} * L.prod_price[${l.p} + 1] AS l${k}`).join(', ')} FROM o9, _dm_l L
), o10 AS (
  SELECT o9b.*, l0 + l1 + l2 + l3 AS amt FROM o9b
), o11 AS (
  SELECT o10.*,
    least((amt * 4) // 10, CASE
      WHEN gift THEN 0
      WHEN ch = 4 THEN (CASE WHEN ${this.u('disc', 'ono')} < 0.1 THEN amt // 20 ELSE 0 END)
      WHEN promo = ${PROMO_MEGA} THEN (amt // 30000) * 5000
      WHEN promo = ${PROMO_PERIOD} THEN (amt // 20000) * 2000
      WHEN ${this.u('disc', 'ono')} < 0.15 THEN (CASE WHEN amt >= 5 * [500, 1000, 2000][1 + ${this.int(3, 'coupon', 'ono')}]
                                                     THEN [500, 1000, 2000][1 + ${this.int(3, 'coupon', 'ono')}] ELSE 0 END)
      ELSE 0 END)::BIGINT AS disc,
    NOT gift AND ${this.u('unpaid', 'ono')} < 0.04 AS unpaid
  FROM o10
), o12 AS (
  SELECT o11.*,
    CASE WHEN ni > 1 THEN least(l1 - (CASE WHEN amt > 0 THEN (disc * l1) // amt ELSE 0 END), amt - disc) ELSE amt - disc END AS ret_part,
    CASE WHEN gift THEN ots WHEN unpaid THEN NULL
         WHEN ch = 4 THEN ots + 5 + ${this.int(120, 'paylag', 'ono')}
         ELSE ots + 5 + least(72000, ${n.lognormalQ(60, 1.4, 'paylag2', 'ono')})::BIGINT END AS pay_raw
  FROM o11, _dm_l L
), o13 AS (
  SELECT o12.*,
    CASE WHEN pay_raw IS NULL THEN NULL WHEN ch = 4 THEN pay_raw
         ELSE pay_raw + 1800 + (${n.lognormalQ(18 * 3600, 0.6, 'shiplag', 'ono')} * ship_f)::BIGINT END AS ship_raw
  FROM o12, _dm_l L
), o14 AS (
  SELECT o13.*,
    CASE WHEN ship_raw IS NULL THEN NULL WHEN ch = 4 THEN ship_raw
         ELSE ship_raw + 3600 + (${n.lognormalQ(2.2 * DAY, 0.45, 'deliver', 'ono')} * (CASE WHEN remote THEN 1.8 ELSE 1 END) * sqrt(ship_f))::BIGINT END AS recv_raw,
    CASE WHEN pay_raw IS NULL OR gift THEN 0
         WHEN ${this.u('refund', 'ono')} < 0.035 + (CASE WHEN promo = ${PROMO_MEGA} THEN 0.04 ELSE 0 END)
              + (CASE WHEN dropped AND j = n - 1 THEN 0.2 ELSE 0 END) + (CASE WHEN ch IN (0, 1) THEN 0.01 ELSE 0 END)
         THEN (CASE WHEN ${this.u('rkind', 'ono')} < 0.3 AND ch <> 4 THEN 1 WHEN ${this.u('rkind', 'ono')} < 0.75 OR ni = 1 THEN 2 ELSE 3 END)
         ELSE 0 END AS rk0
  FROM o13, _dm_l L
), o15 AS (
  SELECT o14.*,
    CASE rk0 WHEN 1 THEN pay_raw + 1800 + ${this.int(36 * 3600, 'req1', 'ono')}
             WHEN 0 THEN NULL
             ELSE recv_raw + 3600 + ${this.int(6 * DAY, 'req2', 'ono')} END AS req_raw
  FROM o14
), o16 AS (
  SELECT o15.*,
    CASE WHEN req_raw <= ${NOW} THEN rk0 ELSE 0 END AS rk
  FROM o15
), o17 AS (
  SELECT o16.*,
    CASE WHEN pay_raw <= ${NOW} THEN pay_raw END AS pay_s,
    CASE WHEN rk = 1 THEN NULL WHEN ship_raw <= ${NOW} THEN ship_raw END AS ship_s,
    CASE WHEN rk = 1 THEN NULL WHEN recv_raw <= ${NOW} THEN recv_raw END AS recv_s,
    CASE WHEN rk > 0 THEN req_raw END AS req_s,
    rk = 3 AND ${this.u('reject', 'ono')} < 0.1 AS rrej,
    CASE WHEN rk = 0 THEN NULL
         ELSE req_raw + (CASE WHEN rk = 1 THEN 600 + ${this.int(12 * 3600, 'refd1', 'ono')} ELSE ${DAY} + ${this.int(3 * DAY, 'refd2', 'ono')} END) END AS refd_raw
  FROM o16
), o18 AS (
  SELECT o17.*,
    CASE WHEN rrej OR refd_raw > ${NOW} THEN NULL ELSE refd_raw END AS refd_s,
    CASE WHEN recv_s IS NOT NULL AND rk NOT IN (1, 2) AND ${this.u('review', 'ono')} < 0.3
         THEN recv_s + 600 + (${n.expQ('revlag', 'ono')} * ${2.5 * DAY})::BIGINT END AS rev_raw
  FROM o17, _dm_l L
)
SELECT ono::INTEGER AS ono, i::INTEGER AS i, ${this.off('ots')} AS ts, ch::TINYINT AS ch, store::SMALLINT AS store, camp::SMALLINT AS camp,
  gift, ni::TINYINT AS ni, ${packBasket()} AS basket, amt::INTEGER AS amt, disc::INTEGER AS disc,
  ${this.off('pay_s')} AS pay_s, ${this.off('ship_s')} AS ship_s, ${this.off('recv_s')} AS recv_s, ${this.off(`CASE WHEN rev_raw <= ${NOW} THEN rev_raw END`)} AS rev_s,
  rk::TINYINT AS rk, ${this.off('req_s')} AS req_s, ${this.off('refd_s')} AS refd_s, rrej,
  (CASE WHEN rk = 3 THEN ret_part ELSE amt - disc END)::INTEGER AS ret,
  (CASE WHEN pay_s IS NULL THEN (CASE WHEN ots > ${NOW - 1800} THEN 0 ELSE 6 END)
       WHEN rk IN (1, 2) AND refd_s IS NOT NULL THEN 7
       WHEN recv_s IS NOT NULL AND recv_s + ${7 * DAY} <= ${NOW} THEN 4
       WHEN recv_s IS NOT NULL THEN 3
       WHEN ship_s IS NOT NULL THEN 2
       ELSE 1 END)::TINYINT AS status
FROM o18`];
  }

  /** Order status codes → schema values. */
  static readonly STATUS = ['created', 'paid', 'shipped', 'received', 'completed', 'unknown', 'cancelled', 'refunded'];

  insertOrdersSql(): string {
    return `
INSERT INTO orders ${cols('orders', 'order_id, customer_id, is_anonymous, channel, store_id, campaign_id, ordered_at, paid_at, shipped_at, received_at, reviewed_at, status, item_qty, amount, discount, paid_amount, is_gift, updated_at')}
SELECT ${idSql('O', 'ono', 9)}, ${idSql('C', 'i', 7)}, false, L.chan_name[ch + 1], L.store_id[store + 1],
  CASE WHEN camp IS NOT NULL THEN L.camp_id[camp + 1] END,
  ${ts(this.at('ts'))}, ${ts(this.at('pay_s'))}, ${ts(this.at('ship_s'))}, ${ts(this.at('recv_s'))}, ${ts(this.at('rev_s'))},
  ${sqlArray(B2CSql.STATUS)}[status + 1], ${BQTY}::DOUBLE,
  (amt / 100)::DECIMAL(18,2), (disc / 100)::DECIMAL(18,2), ((amt - disc) / 100)::DECIMAL(18,2), gift,
  ${ts(this.at('greatest(ts, pay_s, ship_s, recv_s, rev_s, refd_s)'))},
  []::VARCHAR[]
FROM _dm_ord, _dm_l L`;
  }

  insertItemsSql(): string {
    const line = (k: number): string => `${bq(k)} * L.prod_price[${bp(k)} + 1]`;
    const share = (k: number): string => `(CASE WHEN amt > 0 THEN (disc * ${line(k)}) // amt ELSE 0 END)`;
    const select = (k: number): string => `
SELECT ${idSql('O', 'ono', 9)}, ${k + 1}, L.prod_id[${bp(k)} + 1], ${bq(k)}::DOUBLE, (L.prod_price[${bp(k)} + 1] / 100)::DECIMAL(18,2), (${line(k)} / 100)::DECIMAL(18,2),
  ((${k === 0 ? `disc - ${share(1)} - ${share(2)} - ${share(3)}` : share(k)}) / 100)::DECIMAL(18,2), []::VARCHAR[]
FROM _dm_ord, _dm_l L${k > 0 ? ` WHERE ni > ${k}` : ''}`;
    return `
INSERT INTO order_items ${cols('order_items', 'order_id, line_no, product_id, quantity, unit_price, amount, discount')}
${[0, 1, 2, 3].map(select).join('\nUNION ALL')}`;
  }

  insertReturnsSql(): string {
    return `
INSERT INTO returns ${cols('returns', 'return_id, order_id, customer_id, product_id, quantity, amount, requested_at, refunded_at, reason, status')}
SELECT 'R' || lpad(ono::VARCHAR, 9, '0'), ${idSql('O', 'ono', 9)}, ${idSql('C', 'i', 7)},
  CASE WHEN rk = 3 THEN L.prod_id[${bp(1)} + 1] END,
  (CASE WHEN rk = 3 THEN ${bq(1)} ELSE ${BQTY} END)::DOUBLE,
  (ret / 100)::DECIMAL(18,2),
  ${ts(this.at('req_s'))}, ${ts(this.at('refd_s'))},
  CASE rk WHEN 1 THEN ${sqlArray(RETURN_REASONS_UNSHIPPED)}[1 + ${this.int(RETURN_REASONS_UNSHIPPED.length, 'rreason', 'ono')}]
          WHEN 2 THEN ${sqlArray(RETURN_REASONS_RETURNED)}[1 + ${this.int(RETURN_REASONS_RETURNED.length, 'rreason', 'ono')}]
          ELSE ${sqlArray(RETURN_REASONS_PARTIAL)}[1 + ${this.int(RETURN_REASONS_PARTIAL.length, 'rreason', 'ono')}] END,
  CASE WHEN rrej THEN 'rejected' WHEN refd_s IS NOT NULL THEN 'refunded' WHEN req_s < ${this.NOW - this.S - 2 * DAY} THEN 'approved' ELSE 'requested' END,
  []::VARCHAR[]
FROM _dm_ord, _dm_l L
WHERE rk > 0`;
  }

  /** Per-customer aggregates of paid orders (net of refunds) and loyalty points. */
  aggSql(): string {
    return `
CREATE OR REPLACE TEMP TABLE _dm_agg AS
WITH x AS (
  SELECT i, ts, recv_s, ono,
    pay_s IS NOT NULL AS paid,
    CASE WHEN pay_s IS NULL OR (rk IN (1, 2) AND refd_s IS NOT NULL) THEN 0
         WHEN rk = 3 AND refd_s IS NOT NULL THEN amt - disc - ret
         ELSE amt - disc END AS net,
    CASE WHEN recv_s IS NOT NULL AND NOT gift AND rk NOT IN (1, 2) AND amt - disc >= 100 AND ch IN (2, 3, 4) THEN (amt - disc) // 100 ELSE 0 END AS earn,
    CASE WHEN recv_s IS NOT NULL AND rk = 3 AND refd_s IS NOT NULL AND ch IN (2, 3, 4)
         THEN ret // 100 ELSE 0 END AS clawback
  FROM _dm_ord
)
SELECT i::BIGINT AS i,
  count(*) FILTER (WHERE paid) AS n_paid,
  sum(net)::BIGINT AS spend,
  ${this.at('min(ts) FILTER (WHERE paid)')} AS first_paid,
  ${this.at('max(ts) FILTER (WHERE paid)')} AS last_paid,
  sum(earn)::BIGINT AS earned,
  sum(clawback)::BIGINT AS clawed,
  ${this.at('max(recv_s)')} AS max_recv
FROM x GROUP BY i`;
  }

  attrSql(): string {
    return `CREATE OR REPLACE TEMP TABLE _dm_attr AS
SELECT i::BIGINT AS i, camp::BIGINT AS camp, min(${this.at('ts')} * 1000000000 + ono) AS key FROM _dm_ord WHERE camp IS NOT NULL GROUP BY i, camp`;
  }

  /** Sold quantities per product and 30-day period from a 10% sample of orders (sizes procurement). */
  procurementSampleSql(): string {
    const line = (k: number): string =>
      `SELECT ${bp(k)} AS p, (ts // ${30 * DAY})::BIGINT AS m, ${bq(k)} AS q FROM _dm_ord WHERE ono % 10 = 0 AND pay_s IS NOT NULL AND ni > ${k}`;
    return `
CREATE OR REPLACE TEMP TABLE _dm_pq AS
SELECT p, m, (sum(q) * 10)::BIGINT AS sold FROM (${[0, 1, 2, 3].map(line).join(' UNION ALL ')}) GROUP BY p, m`;
  }

  /** Membership tier per customer: level reached by spend, minus yearly downgrades after the last purchase. */
  tierSql(): string {
    const [t1, t2, t3] = TIER_THRESHOLDS.map((t) => t * 100);
    return `
CREATE OR REPLACE TEMP TABLE _dm_tier AS
SELECT i, spend, first_paid, last_paid, level,
  (CASE WHEN level >= 1 AND last_paid + ${365 * DAY} <= ${this.NOW} THEN 1 ELSE 0 END)
  + (CASE WHEN level >= 2 AND last_paid + ${730 * DAY} <= ${this.NOW} THEN 1 ELSE 0 END) AS downs
FROM (
  SELECT i, spend, first_paid, last_paid,
    (spend >= ${t1})::INTEGER + (spend >= ${t2})::INTEGER + (spend >= ${t3})::INTEGER AS level
  FROM _dm_agg WHERE n_paid > 0
)`;
  }

  insertTierChangesSql(): string {
    const thr = `[${TIER_THRESHOLDS.map((t) => t * 100).join(', ')}]`;
    const tiers = sqlArray(TIERS);
    return `
INSERT INTO tier_changes ${cols('tier_changes', 'customer_id, changed_at, from_tier, to_tier, reason')}
SELECT ${idSql('C', 'i', 7)},
  ${ts(`first_paid + ((last_paid - first_paid) * least(1.0, ${thr}[k + 1] / spend))::BIGINT + 60 * k`)},
  ${tiers}[k + 1], ${tiers}[k + 2], '累计消费达标升级', []::VARCHAR[]
FROM _dm_tier, unnest(range(level)) r(k)
UNION ALL
SELECT ${idSql('C', 'i', 7)},
  ${ts(`(((last_paid + ${365 * DAY} * (k + 1)) // ${DAY}) * ${DAY}) + 7200`)},
  ${tiers}[level - k + 1], ${tiers}[level - k], '年度保级未达标降级', []::VARCHAR[]
FROM _dm_tier, unnest(range(downs)) r(k)`;
  }

  /**
   * Points earned on completed orders of the brand's own channels (WeChat mall, website, stores:
   * Tmall and JD keep their own shop points), and clawed back on partial returns.
   */
  insertPointsEarnedSql(): string {
    return `
INSERT INTO points_ledger ${cols('points_ledger', 'entry_id, customer_id, occurred_at, points, kind, order_id, reason')}
SELECT 'PE' || lpad(ono::VARCHAR, 9, '0'), ${idSql('C', 'i', 7)}, ${ts(this.at('recv_s'))}, (amt - disc) // 100, 'earn', ${idSql('O', 'ono', 9)}, '订单完成获得积分',
  []::VARCHAR[]
FROM _dm_ord
WHERE recv_s IS NOT NULL AND NOT gift AND rk NOT IN (1, 2) AND (amt - disc) >= 100 AND ch IN (2, 3, 4)
UNION ALL
SELECT 'PA' || lpad(ono::VARCHAR, 9, '0'), ${idSql('C', 'i', 7)}, ${ts(this.at('refd_s'))},
  -(ret // 100), 'adjust', ${idSql('O', 'ono', 9)}, '部分退货扣回积分',
  []::VARCHAR[]
FROM _dm_ord
WHERE recv_s IS NOT NULL AND rk = 3 AND refd_s IS NOT NULL AND ch IN (2, 3, 4) AND ret >= 100`;
  }

  /** Redemptions (at most 60% of the balance, after the last credit) and year-end expiry of what is left. */
  insertPointsSpentSql(): string {
    const NOW = this.NOW;
    return `
INSERT INTO points_ledger ${cols('points_ledger', 'entry_id, customer_id, occurred_at, points, kind, order_id, reason')}
WITH r AS (
  SELECT i, earned - clawed AS bal, max_recv,
    CASE WHEN earned - clawed >= 1000 AND ${this.u('redeem', 'i')} < 0.45
         THEN 100 * floor((earned - clawed) * (0.2 + 0.4 * ${this.u('redeemamt', 'i')}) / 100)::BIGINT ELSE 0 END AS red,
    max_recv + ${DAY} + ${this.int(20 * DAY, 'redeemat', 'i')} AS red_at,
    make_timestamp(max_recv * 1000000)::DATE AS last_day
  FROM _dm_agg WHERE max_recv IS NOT NULL
), e AS (
  SELECT r.*, (make_date(year(last_day)::INTEGER + 1, 12, 31) - DATE '1970-01-01')::BIGINT * ${DAY} + 86399 AS exp_at,
    CASE WHEN red > 0 AND red_at <= ${NOW} THEN red ELSE 0 END AS spent
  FROM r
)
SELECT 'PR' || lpad(i::VARCHAR, 8, '0'), ${idSql('C', 'i', 7)}, ${ts('red_at')}, -red, 'redeem', NULL, '积分兑换优惠券', []::VARCHAR[]
FROM e WHERE spent > 0
UNION ALL
SELECT 'PX' || lpad(i::VARCHAR, 8, '0'), ${idSql('C', 'i', 7)}, ${ts('exp_at')}, -(bal - spent), 'expire', NULL, '积分到期清零', []::VARCHAR[]
FROM e WHERE exp_at <= ${NOW} AND bal - spent > 0`;
  }

  // -------------------------------------------------------------------------------------------
  // Customers, identities

  private phoneSql(): string {
    const off = Number(saltOf(this.ctx.seed, 'phoneoff') % 100000000n);
    return `'+86' || L.mobile_prefix[1 + ${this.int(MOBILE_PREFIXES.length, 'mprefix', 'c.i')}] || lpad(((c.i * 48271 + ${off}) % 100000000)::VARCHAR, 8, '0')`;
  }

  private emailSql(): string {
    const qq = Number(saltOf(this.ctx.seed, 'qqoff') % 900000000n);
    const em = Number(saltOf(this.ctx.seed, 'emoff') % 10000000n);
    const dom = `L.email_dom[1 + L.email_slots[1 + ${this.int(100, 'edom', 'c.i')}]]`;
    return `(CASE WHEN ${this.u('hasemail', 'c.i')} < 0.35 THEN
      (CASE WHEN ${dom} = 'qq.com' THEN ((c.i * 7919 + ${qq}) % 900000000 + 100000000)::VARCHAR
            ELSE L.surname_py[1 + sur] || lpad(((c.i * 6007 + ${em}) % 10000000)::VARCHAR, 7, '0') END) || '@' || ${dom} END)`;
  }

  /**
   * The owner of a person customer: everyone living in a city with a store belongs to their home store (归属门店, the
   * store they register at or are assigned to) and is looked after by a channel-sales rep of that store's branch,
   * drawn per customer; customers elsewhere (online only) have no owner.
   */
  private ownerSql(): string {
    return `(CASE WHEN c.home_store IS NOT NULL AND L.store_rep_cnt[c.home_store + 1] > 0
      THEN L.store_reps[L.store_rep_off[c.home_store + 1] + 1 + ${this.int('L.store_rep_cnt[c.home_store + 1]', 'owner', 'c.i')}] END)`;
  }

  insertCustomersSql(): string {
    const { cal } = this.ctx;
    const tiers = sqlArray(TIERS);
    const given = (k: string): string =>
      `(CASE WHEN c.g = 1 OR (c.g = 2 AND ${this.u('gpool', 'c.i')} < 0.5) THEN L.given_m[1 + ${this.int(GIVEN_MALE.length, k, 'c.i')}]
             ELSE L.given_f[1 + ${this.int(GIVEN_FEMALE.length, k, 'c.i')}] END)`;
    return `
INSERT INTO customers ${cols('customers', 'customer_id, kind, name, gender, birth_date, phone, email, id_number, province, province_code, city, city_code, district, district_code, address, industry, company_size, annual_revenue, source_channel, registered_at, owner_employee_id, member_tier, marketing_consent, parent_customer_id, updated_at, is_stub')}
WITH c AS (
  SELECT c.*, L.surname_slots[1 + ${this.int(SURNAME_SLOTS, 'surname', 'c.i')}] AS sur,
    CASE WHEN L.city_dist_cnt[c.city + 1] > 0 THEN L.city_dist_off[c.city + 1] + ${this.int('L.city_dist_cnt[c.city + 1]', 'district', 'c.i')} END AS dist
  FROM _dm_cust c, _dm_l L
)
SELECT ${idSql('C', 'c.i', 7)}, 'person',
  L.surname[1 + sur] || ${given('given1')} || (CASE WHEN ${this.u('twochar', 'c.i')} < 0.72 THEN ${given('given2')} ELSE '' END),
  ['female', 'male', 'unknown'][c.g + 1],
  CASE WHEN ${this.u('nobirth', 'c.i')} < 0.06 THEN NULL ELSE DATE '${cal.end}' - (c.age * 365 + ${this.int(365, 'birthday', 'c.i')})::INTEGER END,
  ${this.phoneSql()},
  ${this.emailSql()},
  NULL,
  L.prov_name[c.prov + 1], L.prov_code[c.prov + 1], L.city_name[c.city + 1], L.city_code[c.city + 1],
  CASE WHEN dist IS NOT NULL THEN L.dist_name[dist + 1] END, CASE WHEN dist IS NOT NULL THEN L.dist_code[dist + 1] END,
  CASE WHEN ${this.u('hasaddr', 'c.i')} < 0.7 THEN coalesce(L.dist_name[dist + 1], '') || L.roads[1 + ${this.int(ROADS.length, 'road', 'c.i')}]
       || (1 + ${this.int(399, 'houseno', 'c.i')})::VARCHAR || '号' END,
  NULL, NULL, NULL,
  L.chan_name[c.ch + 1],
  ${ts('c.reg_sec')},
  ${this.ownerSql()},
  ${tiers}[1 + coalesce(t.level - t.downs, 0)],
  c.consent,
  NULL,
  ${ts(`greatest(c.reg_sec, CASE WHEN t.downs > 0 THEN (((t.last_paid + ${365 * DAY} * t.downs) // ${DAY}) * ${DAY}) + 7200 WHEN t.level > 0 THEN t.last_paid END)`)},
  false,
  []::VARCHAR[]
FROM c LEFT JOIN _dm_tier t ON t.i = c.i, _dm_l L`;
  }

  insertIdentitiesSql(): string {
    const cid = idSql('C', 'c.i', 7);
    const bound = (p: string, maxDays: number): string => ts(`least(${this.NOW}, c.reg_sec + ${this.int(maxDays * DAY, p, 'c.i')})`);
    const q = (name: string, cond: string, ext: string, at: string): string =>
      `SELECT ${cid}, '${name}', ${ext}, ${at}, []::VARCHAR[] FROM _dm_cust c, _dm_l L WHERE ${cond}`;
    const sur = `L.surname_slots[1 + ${this.int(SURNAME_SLOTS, 'surname', 'c.i')}]`;
    const perm = (salt: string, mod: number, mult: number): string => `((c.i * ${mult} + ${Number(saltOf(this.ctx.seed, salt) % BigInt(mod))}) % ${mod})`;
    return `
INSERT INTO customer_identities ${cols('customer_identities', 'customer_id, channel, external_id, bound_at')}
${q('phone', 'true', this.phoneSql(), ts('c.reg_sec'))}
UNION ALL
SELECT * FROM (
  SELECT ${cid}, 'email', ${this.emailSql().replace(/sur\]/g, `${sur}]`)} AS e, ${bound('emailat', 30)}, []::VARCHAR[]
  FROM _dm_cust c, _dm_l L
) WHERE e IS NOT NULL
UNION ALL
${q('wechat_openid', `c.ch = 2 OR ${this.u('openid', 'c.i')} < 0.25`, `'o' || substr(md5('${this.ctx.seed}:openid:' || c.i::VARCHAR), 1, 27)`, bound('openidat', 120))}
UNION ALL
${q('wechat_unionid', `(c.ch = 2 OR ${this.u('openid', 'c.i')} < 0.25) AND ${this.u('unionid', 'c.i')} < 0.5`, `'o' || substr(md5('${this.ctx.seed}:unionid:' || c.i::VARCHAR), 1, 27)`, bound('unionidat', 150))}
UNION ALL
${q('tmall', `c.ch = 0 OR ${this.u('tmallid', 'c.i')} < 0.2`, `'tb' || lpad(${perm('tmalloff', 10000000000, 7927)}::VARCHAR, 10, '0')`, bound('tmallat', 200))}
UNION ALL
${q('jd', `c.ch = 1 OR ${this.u('jdid', 'c.i')} < 0.15`, `'jd_' || lpad(format('{:x}', ${perm('jdoff', 4294967296, 2654435761)}), 8, '0')`, bound('jdat', 200))}
UNION ALL
${q('store_member', `c.home_store IS NOT NULL AND (c.ch = 4 OR ${this.u('storecard', 'c.i')} < 0.3)`, `'8860' || lpad(${perm('cardoff', 10000000000, 9973)}::VARCHAR, 10, '0')`, bound('cardat', 300))}`;
  }

  // -------------------------------------------------------------------------------------------
  // Interactions, service tickets, campaign touches

  insertInteractionsSql(): string {
    const NOW = this.NOW;
    const kinds = ['visit', 'browse', 'login', 'favourite', 'cart', 'share', 'review'];
    // kind by cumulative share: visit .22, browse .27, login .2, favourite .08, cart .13, share .05, review .05
    const cum = [0.22, 0.49, 0.69, 0.77, 0.9, 0.95];
    const kindExpr = `(CASE ${cum.map((c, k) => `WHEN uk < ${c} THEN ${k}`).join(' ')} ELSE ${kinds.length - 1} END)`;
    return `
INSERT INTO interactions ${cols('interactions', 'event_id, customer_id, kind, channel, occurred_at, product_id, points, referred_customer_id')}
WITH c AS (
  SELECT i, ch, fav, reg_sec, dropped, n, n_total, g,
    CASE WHEN dropped AND n > 0 THEN least(${NOW}, last_sec + ${30 * DAY}) ELSE ${NOW} END AS wend
  FROM _dm_cust
), e AS (
  SELECT c.*,
    least(150, round(1 + 0.15 * n_total + 0.06 * greatest(0, wend - reg_sec) / ${30 * DAY} + ${this.n.expQ('nev', 'i')}))::BIGINT AS ne
  FROM c, _dm_l L
), b AS (
  SELECT e.*, (sum(ne) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - ne)::BIGINT AS ebase FROM e
), x AS (
  SELECT b.i, b.ch, b.fav, b.reg_sec, b.ebase + r.k + 1 AS eno,
    reg_sec + (CASE WHEN dropped AND n > 0 THEN 1 - sqrt(${this.u('evpos', 'b.i', 'r.k')}) ELSE ${this.u('evpos', 'b.i', 'r.k')} END) * greatest(0, wend - reg_sec) AS t,
    ${this.u('evkind', 'b.i', 'r.k')} AS uk
  FROM b, unnest(range(b.ne)) r(k)
), y AS (
  SELECT x.*, ${kindExpr} AS kind,
    least(${NOW}, greatest(reg_sec + 60, (t::BIGINT // ${DAY}) * ${DAY} + 3600 * L.hour_online[1 + ${this.int(SLOTS, 'evhour', 'eno')}] + ${this.int(3600, 'evsec', 'eno')})) AS ev_at
  FROM x, _dm_l L
)
SELECT 'EV' || lpad(eno::VARCHAR, 10, '0'), ${idSql('C', 'i', 7)}, ${sqlArray(kinds)}[kind + 1],
  CASE WHEN ch = 4 OR ${this.u('evch', 'eno')} < 0.3 THEN 'wechat' ELSE L.chan_name[ch + 1] END,
  ${ts('ev_at')},
  CASE WHEN kind IN (1, 3, 4, 5, 6) THEN L.prod_id[1 + L.prod_slots[${SLOTS} * (CASE WHEN ${this.u('evfav', 'eno')} < 0.7 THEN fav ELSE L.cat_slots[1 + ${this.int(SLOTS, 'evcat', 'eno')}] END) + 1 + ${this.int(SLOTS, 'evprod', 'eno')}]] END,
  CASE kind WHEN 2 THEN 5 WHEN 5 THEN 10 WHEN 6 THEN 20 END,
  NULL,
  []::VARCHAR[]
FROM y, _dm_l L`;
  }

  /** Referrals: about 3% of customers were referred by an earlier customer. */
  insertReferralsSql(): string {
    const { persons } = this.ctx;
    return `
INSERT INTO interactions ${cols('interactions', 'event_id, customer_id, kind, channel, occurred_at, product_id, points, referred_customer_id')}
SELECT 'EVR' || lpad(c.i::VARCHAR, 9, '0'), ${idSql('C', 'r.i', 7)}, 'referral', L.chan_name[r.ch + 1],
  ${ts(`greatest(r.reg_sec + 60, c.reg_sec - ${this.int(2 * DAY, 'refat', 'c.i')})`)}, NULL, 100, ${idSql('C', 'c.i', 7)},
  []::VARCHAR[]
FROM _dm_cust c JOIN _dm_cust r ON r.i = 1 + ${this.int(Math.max(1, persons), 'referrer', 'c.i')}, _dm_l L
WHERE ${this.u('referred', 'c.i')} < 0.03 AND r.i <> c.i AND r.reg_sec < c.reg_sec - ${DAY}`;
  }

  ticketsSql(): string {
    const NOW = this.NOW;
    const pick = (arr: readonly string[], p: string): string => `${sqlArray(arr)}[1 + ${this.int(arr.length, p, 'i', 'kind')}]`;
    return `
CREATE OR REPLACE TEMP TABLE _dm_tk AS
WITH c AS (SELECT i, ch, reg_sec, first_sec, dropped, n, last_sec FROM _dm_cust),
t AS (
  -- Customers about to drop out complain around their last order.
  SELECT i, ch, 0 AS kind, true AS churn,
    CASE WHEN n = 1 OR ${this.u('tkbefore', 'i')} < 0.5 THEN last_sec + ${2 * DAY} + ${this.int(10 * DAY, 'tkafter', 'i')}
         ELSE greatest(reg_sec + 3600, last_sec - 3600 - ${this.int(45 * DAY, 'tkprior', 'i')}) END AS opened
  FROM c WHERE dropped AND n > 0 AND ${this.u('tkchurn', 'i')} < 0.22
  UNION ALL
  SELECT i, ch, 0, false, first_sec + ((coalesce(last_sec, ${NOW}) - first_sec) * ${this.u('tkbgpos', 'i')})::BIGINT
  FROM c WHERE n > 0 AND ${this.u('tkbg', 'i')} < 0.04
  UNION ALL
  SELECT i, ch, 1, false, reg_sec + ((least(${NOW}, coalesce(last_sec + ${30 * DAY}, ${NOW})) - reg_sec) * ${this.u('tkcpos', 'i')})::BIGINT
  FROM c WHERE ${this.u('tkconsult', 'i')} < 0.12
  UNION ALL
  SELECT i, ch, 2, false, reg_sec + ((least(${NOW}, coalesce(last_sec + ${30 * DAY}, ${NOW})) - reg_sec) * ${this.u('tkspos', 'i')})::BIGINT
  FROM c WHERE ${this.u('tksugg', 'i')} < 0.015
  UNION ALL
  SELECT i, ch, 3, false, first_sec + ((coalesce(last_sec, ${NOW}) - first_sec) * ${this.u('tkppos', 'i')})::BIGINT
  FROM c WHERE n > 1 AND NOT dropped AND ${this.u('tkpraise', 'i')} < 0.04
), u AS (
  SELECT t.*,
    (CASE WHEN kind = 0 THEN ${this.n.lognormal(20 * 3600, 0.9, 'tkres', 'i', 'kind')} ELSE ${this.n.lognormal(2 * 3600, 1.0, 'tkres', 'i', 'kind')} END)::BIGINT AS res_lag,
    churn AND ${this.u('tkopen', 'i')} < 0.1 AS never_resolved
  FROM t WHERE opened <= ${NOW}
)
SELECT row_number() OVER (ORDER BY opened, i, kind, churn) AS tno, u.*,
  CASE WHEN never_resolved OR opened + res_lag > ${NOW} THEN NULL ELSE opened + res_lag END AS resolved,
  CASE kind WHEN 0 THEN ${pick(COMPLAINT_CATEGORIES, 'tkcat')} WHEN 1 THEN ${pick(CONSULT_CATEGORIES, 'tkcat')}
            WHEN 2 THEN ${pick(SUGGESTION_CATEGORIES, 'tkcat')} ELSE ${pick(PRAISE_CATEGORIES, 'tkcat')} END AS category,
  CASE WHEN churn THEN (CASE WHEN ${this.u('tksat', 'i', 'kind')} < 0.55 THEN 1 WHEN ${this.u('tksat', 'i', 'kind')} < 0.85 THEN 2 ELSE 3 END)
       WHEN kind = 0 THEN 2 + ${this.int(3, 'tksat2', 'i', 'kind')}
       ELSE (CASE WHEN ${this.u('tksat', 'i', 'kind')} < 0.15 THEN 3 WHEN ${this.u('tksat', 'i', 'kind')} < 0.5 THEN 4 ELSE 5 END) END AS sat,
  ${this.u('tkrated', 'i', 'kind')} < 0.7 AS rated
FROM u`;
  }

  insertTicketsSql(): string {
    const { lists } = this.ctx;
    return `
INSERT INTO service_tickets ${cols('service_tickets', 'ticket_id, customer_id, kind, channel, category, opened_at, resolved_at, status, satisfaction, employee_id')}
SELECT 'TK' || lpad(tno::VARCHAR, 8, '0'), ${idSql('C', 'i', 7)}, ['complaint', 'consultation', 'suggestion', 'praise'][kind + 1],
  CASE WHEN ${this.u('tkch', 'tno')} < 0.3 THEN 'phone' ELSE L.chan_name[ch + 1] END,
  category, ${ts('opened')}, ${ts('resolved')},
  CASE WHEN resolved IS NULL THEN 'open' WHEN ${this.u('tkclosed', 'tno')} < 0.7 THEN 'closed' ELSE 'resolved' END,
  CASE WHEN resolved IS NOT NULL AND rated THEN sat END,
  L.service_agents[1 + ${this.int(lists.serviceAgents, 'tkagent', 'tno')}],
  []::VARCHAR[]
FROM _dm_tk, _dm_l L`;
  }

  /** Complaint compensation points. */
  insertCompensationSql(): string {
    return `
INSERT INTO points_ledger ${cols('points_ledger', 'entry_id, customer_id, occurred_at, points, kind, order_id, reason')}
SELECT 'PC' || lpad(tno::VARCHAR, 8, '0'), ${idSql('C', 'i', 7)}, ${ts('resolved + 300')}, 200, 'adjust', NULL, '投诉补偿积分', []::VARCHAR[]
FROM _dm_tk WHERE kind = 0 AND resolved IS NOT NULL AND ${this.u('compensate', 'tno')} < 0.3`;
  }

  touchesSql(): string {
    const { campaigns } = this.ctx;
    const active = campaigns.filter((c) => c.frac > 0).map((c) => c.index);
    if (active.length === 0) {
      return `CREATE OR REPLACE TEMP TABLE _dm_touch AS SELECT NULL::BIGINT AS i, NULL::BIGINT AS k, NULL::BIGINT AS tsec, NULL::BIGINT AS ots, NULL::BIGINT AS ono, NULL::DOUBLE AS ur WHERE false`;
    }
    return `
CREATE OR REPLACE TEMP TABLE _dm_touch AS
WITH t AS (
  SELECT c.i, k.k, ${this.touchSql('c.i', 'k.k')} AS tsec
  FROM _dm_cust c, (SELECT unnest([${active.join(', ')}]::BIGINT[]) AS k) k, _dm_l L
  WHERE ${this.targetSql('c.i', 'k.k', (x) => `c.${x}`)}
), a AS (
  SELECT i, camp, key FROM _dm_attr
)
SELECT t.i, t.k, t.tsec, a.key // 1000000000 AS ots, a.key % 1000000000 AS ono, ${this.u('resp', 't.i', 't.k')} AS ur
FROM t LEFT JOIN a ON a.i = t.i AND a.camp = t.k`;
  }

  insertTouchesSql(): string {
    const NOW = this.NOW;
    return `
INSERT INTO campaign_touches ${cols('campaign_touches', 'campaign_id, customer_id, touched_at, channel, responded_at, response, order_id')}
WITH x AS (
  SELECT t.*,
    CASE WHEN ono IS NOT NULL THEN 'purchase'
         WHEN ur < L.camp_unsub[k + 1] THEN 'unsubscribe'
         WHEN ur < L.camp_unsub[k + 1] + L.camp_click[k + 1] THEN (CASE WHEN L.camp_channel[k + 1] IN ('sms', 'tmall', 'jd') THEN 'visit' ELSE 'click' END)
         WHEN ur < L.camp_unsub[k + 1] + L.camp_click[k + 1] + L.camp_open[k + 1] THEN 'open'
         ELSE 'none' END AS response
  FROM _dm_touch t, _dm_l L
)
SELECT L.camp_id[k + 1], ${idSql('C', 'i', 7)}, ${ts('tsec')}, L.camp_channel[k + 1],
  ${ts(`CASE WHEN response = 'purchase' THEN ots
            WHEN response = 'none' THEN NULL
            ELSE least(${NOW}, tsec + 30 + (${this.n.lognormalQ(2 * 3600, 1.2, 'resplag', 'i', 'k')})::BIGINT) END`)},
  response, CASE WHEN ono IS NOT NULL THEN ${idSql('O', 'ono', 9)} END,
  []::VARCHAR[]
FROM x, _dm_l L`;
  }

  /** Monthly procurement per product, sized from the sampled sales in _dm_pq. */
  insertPurchasesSql(): string {
    const S = this.S;
    const lastPeriod = Math.floor((this.ctx.cal.days.length - 1) / 30);
    return `
INSERT INTO purchases ${cols('purchases', 'purchase_id, supplier, product_id, quantity, unit_cost, amount, purchased_at, store_id')}
WITH mq AS (
  SELECT p, m, sum(sold) AS sold, row_number() OVER (ORDER BY m, p) AS pno FROM _dm_pq WHERE m <= ${lastPeriod} GROUP BY p, m
), q AS (
  SELECT p, m, pno, (ceil(sold * (1.02 + 0.12 * ${this.u('poqty', 'p', 'm')}) / 10) * 10)::BIGINT AS qty,
    (L.prod_cost[p + 1] * (0.96 + 0.08 * ${this.u('pocost', 'p', 'm')}))::BIGINT AS unit_cost
  FROM mq, _dm_l L
)
SELECT 'PO' || lpad(pno::VARCHAR, 7, '0'), L.prod_supplier[p + 1], L.prod_id[p + 1], qty::DOUBLE,
  (unit_cost / 100)::DECIMAL(18,2), ((qty * unit_cost) / 100)::DECIMAL(18,2),
  ${ts(`greatest(${S} + 8 * 3600, ${S} + m * ${30 * DAY} - ${this.int(12 * DAY, 'poat', 'p', 'm')} - 5 * ${DAY} + 9 * 3600)`)},
  NULL, []::VARCHAR[]
FROM q, _dm_l L`;
  }
}
