import type { MetricDef } from '../types.js';
import { metric } from './define.js';

const SALES = '销售部 Sales';
const FIN = '财务部 Finance';
const WON = "stage = 'won'";
const LOST = "stage = 'lost'";

export function b2bMetrics(): MetricDef[] {
  return [
    metric('leads', '线索数', 'Leads', 'count', { source: 'leads', time: 'created_at', measure: 'count(*)', owner: '市场部 Marketing', better: 'higher', description: 'Leads created in the period.' }),
    metric('converted_leads', '转化线索数', 'Converted leads', 'count', { source: 'leads', time: 'created_at', measure: "count_if(converted_at IS NOT NULL OR status = 'converted')", owner: SALES, better: 'higher', description: 'Leads created in the period that became an opportunity (converted_at set or status converted).' }),
    metric('lead_conversion_rate', '线索转化率', 'Lead → opportunity conversion', 'ratio', { formula: '{converted_leads} / {leads}', owner: SALES, better: 'higher', description: 'Converted leads ÷ leads, by the leads’ creation date.' }),
    metric('opportunities', '商机数', 'Opportunities', 'count', { source: 'opportunities', time: 'created_at', measure: 'count(*)', owner: SALES, better: 'higher', description: 'Opportunities created in the period.' }),
    metric('won_deals', '赢单数', 'Deals won', 'count', { source: 'opportunities', time: 'closed_at', measure: 'count(*)', filter: WON, owner: SALES, better: 'higher', description: 'Opportunities closed as won in the period.' }),
    metric('lost_deals', '输单数', 'Deals lost', 'count', { source: 'opportunities', time: 'closed_at', measure: 'count(*)', filter: LOST, owner: SALES, better: 'lower', description: 'Opportunities closed as lost in the period.' }),
    metric('win_rate', '赢单率', 'Win rate', 'ratio', { formula: '{won_deals} / ({won_deals} + {lost_deals})', owner: SALES, better: 'higher', description: 'Won ÷ (won + lost) of the opportunities closed in the period; open ones do not count.' }),
    metric('won_amount', '赢单金额', 'Won value', 'currency', { source: 'opportunities', time: 'closed_at', measure: 'sum(amount)', filter: WON, owner: SALES, better: 'higher', description: 'Amount of the opportunities won in the period.' }),
    metric('avg_deal_size', '平均成交额', 'Average deal size', 'currency', { formula: '{won_amount} / {won_deals}', owner: SALES, better: 'higher', description: 'Won value ÷ deals won.' }),
    metric('sales_cycle_days', '销售周期', 'Sales cycle', 'days', { source: 'opportunities', time: 'closed_at', measure: 'avg(days_between(created_at, closed_at))', filter: `${WON} AND created_at IS NOT NULL`, owner: SALES, better: 'lower', description: 'Average days from creation to winning, over deals won in the period.' }),
    metric('open_opportunities', '进行中商机数', 'Open opportunities', 'count', { source: 'opportunities', time: 'created_at', measure: 'count(*)', filter: "stage IS NULL OR stage NOT IN ('won', 'lost')", owner: SALES, description: 'Opportunities created in the period that are still open.' }),
    metric('pipeline_amount', '商机金额', 'Pipeline value', 'currency', { source: 'opportunities', time: 'created_at', measure: 'sum(amount)', filter: "stage IS NULL OR stage NOT IN ('won', 'lost')", owner: SALES, better: 'higher', description: 'Amount of the open opportunities created in the period.' }),
    metric('weighted_pipeline', '加权商机金额', 'Weighted pipeline', 'currency', { source: 'opportunities', time: 'created_at', measure: 'sum(amount * coalesce(probability, 0))', filter: "stage IS NULL OR stage NOT IN ('won', 'lost')", owner: SALES, description: 'Open amount × probability.' }),
    metric('contracts', '合同数', 'Contracts', 'count', { source: 'contracts', time: 'signed_at', measure: 'count(*)', owner: SALES, better: 'higher', description: 'Contracts signed in the period.' }),
    metric('contract_amount', '合同金额', 'Contract value', 'currency', { source: 'contracts', time: 'signed_at', measure: 'sum(amount)', owner: SALES, better: 'higher', description: 'Value of the contracts signed in the period.' }),
    metric('receivable_amount', '应收金额', 'Receivable', 'currency', { source: 'receivables', time: 'due_date', measure: 'sum(amount)', owner: FIN, description: 'Instalments falling due in the period.' }),
    metric('received_amount', '回款金额', 'Received', 'currency', { source: 'payments', time: 'received_at', measure: 'sum(amount)', owner: FIN, better: 'higher', description: 'Payments received in the period.' }),
    metric('collection_rate', '回款率', 'Collection rate', 'ratio', { formula: '{received_amount} / {receivable_amount}', owner: FIN, better: 'higher', description: 'Received ÷ receivable of the same period (a payment counts when received, an instalment when due).' }),
    metric('overdue_amount', '逾期应收金额', 'Overdue receivables', 'currency', { source: 'receivables', time: 'due_date', measure: 'sum(amount - coalesce(paid.paid, 0))', filter: 'due_date < today() AND amount > coalesce(paid.paid, 0)', owner: FIN, better: 'lower', description: 'Unpaid balance of instalments due in the period and before today.' }),
    metric('overdue_receivables', '逾期应收笔数', 'Overdue instalments', 'count', { source: 'receivables', time: 'due_date', measure: 'count(*)', filter: 'due_date < today() AND amount > coalesce(paid.paid, 0)', owner: FIN, better: 'lower', description: 'Instalments due in the period and before today that are not fully paid.' }),
    metric('activities', '销售活动数', 'Activities', 'count', { source: 'activities', time: 'occurred_at', measure: 'count(*)', owner: SALES, description: 'Calls, visits, meetings, emails and work logs.' }),
    metric('calls', '电话数', 'Calls', 'count', { source: 'activities', time: 'occurred_at', measure: "count_if(kind = 'call')", owner: SALES, description: 'Activities of kind call.' }),
    metric('visits', '拜访数', 'Visits', 'count', { source: 'activities', time: 'occurred_at', measure: "count_if(kind = 'visit')", owner: SALES, description: 'Activities of kind visit.' }),
    metric('meetings', '会议数', 'Meetings', 'count', { source: 'activities', time: 'occurred_at', measure: "count_if(kind = 'meeting')", owner: SALES, description: 'Activities of kind meeting.' }),
    metric('work_logs', '工作日志数', 'Work logs', 'count', { source: 'activities', time: 'occurred_at', measure: "count_if(kind = 'work_log')", owner: SALES, description: 'Activities of kind work_log.' }),
    metric('active_reps', '有活动员工数', 'Active employees', 'count', { source: 'activities', time: 'occurred_at', measure: 'count_distinct(employee_id)', owner: SALES, description: 'Employees with at least one activity.' }),
    metric('activities_per_rep', '人均活动数', 'Activities per employee', 'number', { formula: '{activities} / {active_reps}', decimals: 1, owner: SALES, description: 'Activities ÷ employees with activities.' }),
  ];
}
