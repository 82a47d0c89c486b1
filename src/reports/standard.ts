/**
 * The standard report pack: the reports a CRM's analytics module ships. Each is only a list of queries
 * over the catalog, so its numbers are the catalog's numbers.
 */
import type { Label } from '../metrics/types.js';
import type { ReportDef, ReportSection } from './types.js';

const L = (zh: string, en: string): Label => ({ zh, en });
const desc = (key: string) => [{ key, desc: true }];
const s = (key: string, title: Label, metrics: string[], rest: Omit<ReportSection, 'key' | 'title' | 'metrics'> = {}): ReportSection => ({ key, title, metrics, ...rest });

export const STANDARD_REPORTS: readonly ReportDef[] = [
  {
    key: 'sales',
    title: L('销售概览', 'Sales overview'),
    description: 'Headline numbers with 同比/环比, the monthly trend, new vs returning customers, and channel, store and region contribution.',
    sections: [
      s('kpi_mom', L('核心指标(环比)', 'Headline (vs previous period)'), ['revenue', 'orders', 'aov', 'buying_customers', 'new_customers', 'returning_customers', 'repurchase_rate'], { compare: 'mom' }),
      s('kpi_yoy', L('核心指标(同比)', 'Headline (vs last year)'), ['revenue', 'orders', 'aov', 'buying_customers', 'repurchase_rate'], { compare: 'yoy' }),
      s('trend', L('销售趋势', 'Trend'), ['revenue', 'orders', 'buying_customers', 'aov'], { dimensions: ['month'], byable: true, compare: 'yoy' }),
      s('new_returning', L('新老客户', 'New and returning customers'), ['new_customers', 'returning_customers', 'new_customer_share', 'new_customer_revenue', 'returning_customer_revenue'], { dimensions: ['month'], byable: true, totals: true }),
      s('channels', L('渠道贡献', 'Channel contribution'), ['revenue', 'orders', 'buying_customers', 'aov'], { dimensions: ['channel'], sort: desc('revenue'), totals: true }),
      s('stores', L('门店贡献(前20)', 'Top 20 stores'), ['revenue', 'orders', 'aov'], { dimensions: ['store'], sort: desc('revenue'), limit: 20 }),
      s('regions', L('区域贡献', 'Region contribution'), ['revenue', 'buying_customers', 'revenue_per_customer'], { dimensions: ['province'], sort: desc('revenue'), totals: true }),
    ],
  },
  {
    key: 'process',
    title: L('流程能力', 'Process capability'),
    description: 'Payment rate, payment/shipping/receipt cycle times and review behaviour, overall, over time and by channel.',
    sections: [
      s('overall', L('总体', 'Overall'), ['payment_rate', 'pay_hours', 'ship_days', 'receipt_days', 'review_rate'], { compare: 'mom' }),
      s('trend', L('趋势', 'Trend'), ['placed_orders', 'payment_rate', 'pay_hours', 'ship_days', 'receipt_days', 'review_rate'], { dimensions: ['month'], byable: true }),
      s('channels', L('分渠道', 'By channel'), ['placed_orders', 'payment_rate', 'pay_hours', 'ship_days', 'receipt_days', 'review_rate'], { dimensions: ['channel'], totals: true }),
    ],
  },
  {
    key: 'products',
    title: L('商品分析', 'Products'),
    description: 'Sales by category and product, by region and season, monthly peaks and troughs, and repurchase per product.',
    sections: [
      s('categories', L('品类销售', 'Categories'), ['item_revenue', 'units_sold', 'gross_profit', 'gross_margin', 'item_buyers'], { dimensions: ['category', 'subcategory'], subtotals: true }),
      s('top_products', L('商品销售前20', 'Top 20 products'), ['item_revenue', 'units_sold', 'gross_margin', 'product_repurchase_rate'], { dimensions: ['product'], sort: desc('item_revenue'), limit: 20 }),
      s('category_region', L('品类×区域', 'Category × province'), ['item_revenue'], { dimensions: ['province', 'category'], sort: desc('item_revenue'), limit: 50 }),
      s('season', L('品类×季节', 'Category × season'), ['item_revenue', 'units_sold'], { dimensions: ['category', 'season'] }),
      s('monthly', L('月度走势', 'Monthly'), ['item_revenue', 'units_sold'], { dimensions: ['month'], byable: true }),
      s('peaks', L('销售高峰', 'Peaks'), ['item_revenue'], { dimensions: ['month'], byable: true, sort: desc('item_revenue'), limit: 3 }),
      s('troughs', L('销售低谷', 'Troughs'), ['item_revenue'], { dimensions: ['month'], byable: true, sort: [{ key: 'item_revenue' }], limit: 3 }),
      s('repurchase', L('品类复购', 'Repurchase by category'), ['item_buyers', 'product_repeat_buyers', 'product_repurchase_rate'], { dimensions: ['category'], sort: desc('product_repurchase_rate') }),
    ],
  },
  {
    key: 'geography',
    title: L('客户地域', 'Customer geography'),
    description: 'Buying customers, revenue and repurchase by province and city.',
    sections: [
      s('provinces', L('省份', 'Provinces'), ['buying_customers', 'revenue', 'revenue_per_customer', 'repurchase_rate'], { dimensions: ['province'], sort: desc('revenue'), totals: true }),
      s('cities', L('城市前30', 'Top 30 cities'), ['buying_customers', 'revenue', 'repurchase_rate'], { dimensions: ['province', 'city'], sort: desc('revenue'), limit: 30 }),
    ],
  },
  {
    key: 'profile',
    title: L('客户画像', 'Customer profile'),
    description: 'Buying customers and their spending by age band, gender, member tier, source and kind.',
    sections: [
      s('age', L('年龄段', 'Age band'), ['buying_customers', 'revenue', 'aov', 'repurchase_rate'], { dimensions: ['age_band'], totals: true }),
      s('gender', L('性别', 'Gender'), ['buying_customers', 'revenue', 'aov', 'repurchase_rate'], { dimensions: ['gender'], totals: true }),
      s('tier', L('会员等级', 'Member tier'), ['buying_customers', 'revenue', 'aov', 'repurchase_rate'], { dimensions: ['tier'], totals: true }),
      s('source', L('客户来源', 'Source'), ['buying_customers', 'revenue', 'aov', 'repurchase_rate'], { dimensions: ['source'], totals: true }),
    ],
  },
  {
    key: 'members',
    title: L('会员分析', 'Members'),
    description: 'Member share of buyers and of revenue, tier distribution and member contribution.',
    sections: [
      s('overall', L('会员贡献', 'Member contribution'), ['member_customers', 'member_share', 'member_revenue', 'member_revenue_share'], { compare: 'yoy' }),
      s('trend', L('会员趋势', 'Trend'), ['member_share', 'member_revenue_share'], { dimensions: ['month'], byable: true }),
      s('tiers', L('等级分布', 'Tiers'), ['buying_customers', 'revenue', 'revenue_per_customer'], { dimensions: ['tier'], sort: desc('revenue'), totals: true }),
    ],
  },
  {
    key: 'interactions',
    title: L('互动分析', 'Interactions'),
    description: 'Interaction events and people, points earned and used, referrals.',
    sections: [
      s('trend', L('互动趋势', 'Trend'), ['interactions', 'interacting_customers', 'referrals', 'points_earned', 'points_redeemed'], { dimensions: ['month'], byable: true, totals: true }),
      s('kinds', L('互动类型', 'Kinds'), ['interactions', 'interacting_customers'], { dimensions: ['interaction_kind'], sort: desc('interactions') }),
      s('channels', L('互动渠道', 'Channels'), ['interactions', 'interacting_customers'], { dimensions: ['channel'], sort: desc('interactions') }),
    ],
  },
  {
    key: 'service',
    title: L('服务分析', 'Service'),
    description: 'Tickets, complaints, time to resolve and satisfaction.',
    sections: [
      s('overall', L('总体', 'Overall'), ['tickets', 'complaints', 'complaint_share', 'resolution_rate', 'resolution_hours', 'satisfaction'], { compare: 'mom' }),
      s('trend', L('趋势', 'Trend'), ['tickets', 'complaints', 'resolution_hours', 'satisfaction'], { dimensions: ['month'], byable: true }),
      s('kinds', L('工单类型', 'Kinds'), ['tickets', 'resolution_hours', 'satisfaction'], { dimensions: ['ticket_kind'], totals: true }),
      s('categories', L('问题分类', 'Categories'), ['tickets', 'complaints', 'resolution_hours', 'satisfaction'], { dimensions: ['ticket_category'], sort: desc('tickets') }),
    ],
  },
  {
    key: 'sales_team',
    title: L('销售团队', 'Sales team'),
    description: 'Leads, opportunities, win rate, contracts and receivables per branch, department and rep, and employee activity.',
    sections: [
      s('funnel', L('销售业绩', 'Performance'), ['leads', 'lead_conversion_rate', 'opportunities', 'won_deals', 'win_rate', 'won_amount', 'avg_deal_size', 'sales_cycle_days', 'contract_amount'], { dimensions: ['branch', 'department', 'rep'], subtotals: true }),
      s('pipeline', L('商机阶段', 'Pipeline by stage'), ['opportunities', 'pipeline_amount', 'weighted_pipeline'], { dimensions: ['stage'], totals: true }),
      s('receivables', L('应收回款', 'Receivables'), ['receivable_amount', 'received_amount', 'collection_rate', 'overdue_amount', 'overdue_receivables'], { dimensions: ['branch', 'rep'], subtotals: true }),
      s('activity', L('员工活动', 'Employee activity'), ['activities', 'calls', 'visits', 'meetings', 'work_logs'], { dimensions: ['department', 'rep'], subtotals: true }),
      s('loss_reasons', L('输单原因', 'Loss reasons'), ['lost_deals'], { dimensions: ['loss_reason'], sort: desc('lost_deals') }),
    ],
  },
  {
    key: 'campaigns',
    title: L('营销活动', 'Campaigns'),
    description: 'Cost, reach, response, conversion, CAC and ROI per campaign and channel.',
    sections: [
      s('campaigns', L('活动效果', 'Campaigns'), ['campaign_cost', 'reach', 'response_rate', 'conversions', 'conversion_rate', 'cac', 'campaign_revenue', 'roi'], { dimensions: ['campaign'], sort: desc('campaign_revenue'), totals: true }),
      s('channels', L('活动渠道', 'Campaign channels'), ['campaign_cost', 'reach', 'response_rate', 'conversion_rate', 'cac', 'campaign_revenue', 'roi'], { dimensions: ['campaign_channel'], totals: true }),
    ],
  },
  {
    key: 'purchasing',
    title: L('采购与销售', 'Purchasing'),
    description: 'Procurement against sales per category and product.',
    sections: [
      s('categories', L('品类', 'Categories'), ['procurement_amount', 'procurement_units', 'item_revenue', 'units_sold'], { dimensions: ['category'], totals: true }),
      s('products', L('商品前30', 'Top 30 products'), ['procurement_amount', 'procurement_units', 'item_revenue', 'units_sold'], { dimensions: ['product'], sort: desc('procurement_amount'), limit: 30 }),
      s('suppliers', L('供应商', 'Suppliers'), ['procurement_amount', 'procurement_units'], { dimensions: ['supplier'], sort: desc('procurement_amount') }),
    ],
  },
];
