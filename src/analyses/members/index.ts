/**
 * Member analysis (会员分析): how many customers hold each tier over time, how they moved between two dates
 * (会员变迁: the tier-migration matrix), and the points earned, redeemed and expired per period with the
 * outstanding balance — the points liability (积分负债).
 *
 * Sources: the tier-migration (transition) matrix as used for customer-state movement in Markov models of
 * customer relationships — P. E. Pfeifer, R. L. Carraway, "Modeling customer relationships as Markov
 * chains", Journal of Interactive Marketing 14(2), 2000; points as a liability that stays outstanding until
 * redeemed or expired — IFRS 15 (customer loyalty points as a deferred obligation); and the 会员等级分布 /
 * 会员变迁 / 积分发放·使用·余额 reports of Chinese membership practice (see /work/shared/reference).
 *
 * Definitions:
 * - **Moment**: a tier or balance "as of day D" counts every event strictly before D (the start of day D),
 *   as in RFM. A period's snapshot is as of the day after its last day, so a change at 00:00 on the first
 *   day of the next period belongs to the next period.
 * - **Tier of a customer at D**: the to_tier of their last tier change before D; before their first
 *   recorded change, that change's from_tier; a customer with no changes has their current member_tier
 *   throughout. Either way only from registration (registered_at < D; unknown registration: always).
 *   A NULL tier means not a member. Stub customers (created by an import) count only through their changes.
 * - **Tier distribution**: customers per tier at the end of every period (week, month — the default —,
 *   quarter or year) of the range; the first and last period are clipped to the range. Members = customers
 *   with a tier; non-members = existing customers without one.
 * - **Migration matrix**: customers per (tier as of the start, tier as of the end), with 'none' for not a
 *   member or not yet a customer. In a range: its first day and the day after its last; in a snapshot:
 *   compareAsOf and asOf. Upgraded/downgraded = members at both dates in a higher/lower tier (tier order:
 *   the `tiers` given, else recognised names 普通 < 铜 < 银 < 金 < 白金/铂金 < 钻石 < 黑, English alike, then
 *   alphabetical); joined = none → tier; left = tier → none.
 * - **Points** (catalog metrics, through runQuery): `points_earned` (positive entries), `points_redeemed`
 *   (negative redeem or kind-less entries), `points_expired` (negative expire entries) and `points_net` (all
 *   entries) per period; other = net − earned + redeemed + expired (negative adjustments).
 * - **Outstanding balance** (the liability) at a period's end: the sum of every ledger entry before its
 *   snapshot day = points_net before the range (the opening balance) + the nets of the periods so far.
 *   Expiry is what the ledger records as 'expire' entries: no expiry rule is applied on top, so points past
 *   a scheme's validity but not yet written off still count as outstanding.
 */
export * from './params.js';
export { distributionSql, migrationSql, SPAN_SQL, type BuiltSql } from './query.js';
export * from './run.js';
