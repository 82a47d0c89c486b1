import type { MetricDef } from '../types.js';
import { metric } from './define.js';

const SVC = '客服部 Service';
const MKT = '市场部 Marketing';
const MEM = '会员中心 Membership';
const t = { source: 'service_tickets', time: 'opened_at' } as const;
const RESPONDED = "response IN ('open', 'click', 'visit', 'purchase')";
const CONVERTED = "(response = 'purchase' OR order_id IS NOT NULL)";

export function serviceMarketingMetrics(): MetricDef[] {
  return [
    metric('tickets', '工单数', 'Service tickets', 'count', { ...t, measure: 'count(*)', owner: SVC, description: 'Tickets opened in the period (complaints, consultations, suggestions, praise).' }),
    metric('complaints', '投诉数', 'Complaints', 'count', { ...t, measure: "count_if(kind = 'complaint')", owner: SVC, better: 'lower', description: 'Tickets of kind complaint opened in the period.' }),
    metric('complaint_share', '投诉占比', 'Complaint share', 'ratio', { formula: '{complaints} / {tickets}', owner: SVC, better: 'lower', description: 'Complaints ÷ tickets.' }),
    metric('resolved_tickets', '已解决工单数', 'Tickets resolved', 'count', { ...t, measure: 'count_if(resolved_at IS NOT NULL)', owner: SVC, description: 'Tickets opened in the period that have been resolved.' }),
    metric('resolution_rate', '解决率', 'Resolution rate', 'ratio', { formula: '{resolved_tickets} / {tickets}', owner: SVC, better: 'higher', description: 'Resolved ÷ opened tickets.' }),
    metric('resolution_hours', '平均解决时长', 'Time to resolve', 'hours', { ...t, measure: 'avg(hours_between(opened_at, resolved_at))', filter: 'resolved_at IS NOT NULL', owner: SVC, better: 'lower', description: 'Average hours from opening to resolution, over resolved tickets.' }),
    metric('complaint_resolution_hours', '投诉解决时长', 'Time to resolve a complaint', 'hours', { ...t, measure: 'avg(hours_between(opened_at, resolved_at))', filter: "resolved_at IS NOT NULL AND kind = 'complaint'", owner: SVC, better: 'lower', description: 'Average hours from opening to resolution, over resolved complaints.' }),
    metric('satisfaction', '满意度', 'Satisfaction', 'score', { ...t, measure: 'avg(satisfaction)', filter: 'satisfaction IS NOT NULL', decimals: 2, owner: SVC, better: 'higher', description: 'Average satisfaction score (1–5) of rated tickets.' }),
    metric('campaigns', '营销活动数', 'Campaigns', 'count', { source: 'campaigns', time: 'start_date', measure: 'count(*)', owner: MKT, description: 'Campaigns starting in the period.' }),
    metric('campaign_cost', '活动成本', 'Campaign cost', 'currency', { source: 'campaigns', time: 'start_date', measure: 'sum(cost)', owner: MKT, better: 'lower', description: 'Cost of the campaigns starting in the period.' }),
    metric('touches', '触达次数', 'Touches', 'count', { source: 'campaign_touches', time: 'touched_at', measure: 'count(*)', owner: MKT, description: 'Campaign messages/contacts delivered.' }),
    metric('reach', '触达人数', 'Reach', 'count', { source: 'campaign_touches', time: 'touched_at', measure: 'count_distinct(customer_id)', owner: MKT, better: 'higher', description: 'Distinct customers reached.' }),
    metric('responses', '响应次数', 'Responses', 'count', { source: 'campaign_touches', time: 'touched_at', measure: `count_if(${RESPONDED})`, owner: MKT, better: 'higher', description: 'Touches answered by an open, click, visit or purchase.' }),
    metric('response_rate', '响应率', 'Response rate', 'ratio', { formula: '{responses} / {touches}', owner: MKT, better: 'higher', description: 'Responses ÷ touches.' }),
    metric('conversions', '转化次数', 'Conversions', 'count', { source: 'campaign_touches', time: 'touched_at', measure: `count_if(${CONVERTED})`, owner: MKT, better: 'higher', description: 'Touches that led to a purchase (response purchase or an attributed order).' }),
    metric('conversion_rate', '转化率', 'Conversion rate', 'ratio', { formula: '{conversions} / {touches}', owner: MKT, better: 'higher', description: 'Conversions ÷ touches.' }),
    metric('converted_customers', '转化客户数', 'Converted customers', 'count', { source: 'campaign_touches', time: 'touched_at', measure: 'count_distinct(customer_id)', filter: CONVERTED, owner: MKT, better: 'higher', description: 'Distinct customers who converted.' }),
    metric('cac', '获客成本', 'Cost per converted customer (CAC)', 'currency', { formula: '{campaign_cost} / {converted_customers}', owner: MKT, better: 'lower', description: 'Campaign cost ÷ converted customers.' }),
    metric('roi', '投资回报率', 'Campaign ROI', 'ratio', { formula: '({campaign_revenue} - {campaign_cost}) / {campaign_cost}', owner: MKT, better: 'higher', description: '(Campaign-attributed revenue − campaign cost) ÷ campaign cost.' }),
    metric('interactions', '互动次数', 'Interactions', 'count', { source: 'interactions', time: 'occurred_at', measure: 'count(*)', owner: MEM, better: 'higher', description: 'Interaction events (visits, browsing, favourites, carts, logins, shares, reviews, referrals).' }),
    metric('interacting_customers', '互动人数', 'Interacting customers', 'count', { source: 'interactions', time: 'occurred_at', measure: 'count_distinct(customer_id)', owner: MEM, better: 'higher', description: 'Distinct customers with an interaction.' }),
    metric('referrals', '推荐次数', 'Referrals', 'count', { source: 'interactions', time: 'occurred_at', measure: "count_if(kind = 'referral')", owner: MEM, better: 'higher', description: 'Interactions of kind referral.' }),
    metric('points_earned', '积分发放', 'Points earned', 'points', { source: 'points_ledger', time: 'occurred_at', measure: 'sum(points)', filter: 'points > 0', owner: MEM, description: 'Positive entries of the points ledger.' }),
    metric('points_redeemed', '积分使用', 'Points redeemed', 'points', { source: 'points_ledger', time: 'occurred_at', measure: '-sum(points)', filter: "points < 0 AND (kind IS NULL OR kind = 'redeem')", owner: MEM, description: 'Points spent (negative redeem entries, as a positive number).' }),
    metric('points_expired', '积分过期', 'Points expired', 'points', { source: 'points_ledger', time: 'occurred_at', measure: '-sum(points)', filter: "points < 0 AND kind = 'expire'", owner: MEM, description: 'Points that expired (as a positive number).' }),
    metric('points_net', '积分净增', 'Net points', 'points', { source: 'points_ledger', time: 'occurred_at', measure: 'sum(points)', owner: MEM, description: 'All ledger entries summed: the change in the points liability.' }),
  ];
}
