import type { DimensionDef, Label } from '../types.js';

const L = (zh: string, en: string): Label => ({ en, zh });
const a = (table: string, expr: string) => ({ table, expr });

const CHANNEL_VALUES: Record<string, Label> = {
  tmall: L('天猫', 'Tmall'),
  jd: L('京东', 'JD'),
  wechat: L('微信', 'WeChat'),
  web: L('官网', 'Web'),
  store: L('门店', 'Store'),
  app: L('App', 'App'),
  phone: L('电话', 'Phone'),
  sms: L('短信', 'SMS'),
  email: L('邮件', 'Email'),
  other: L('其他', 'Other'),
  unknown: L('未知', 'Unknown'),
};

export const DIMENSIONS: DimensionDef[] = [
  { key: 'year', label: L('年', 'Year'), time: 'year', hierarchy: 'time', level: 0 },
  { key: 'quarter', label: L('季度', 'Quarter'), time: 'quarter', hierarchy: 'time', level: 1 },
  { key: 'month', label: L('月', 'Month'), time: 'month', hierarchy: 'time', level: 2 },
  { key: 'week', label: L('周', 'Week'), time: 'week', hierarchy: 'time', level: 3 },
  { key: 'day', label: L('日', 'Day'), time: 'day', hierarchy: 'time', level: 4 },
  { key: 'month_of_year', label: L('月份', 'Month of year'), time: 'month_of_year' },
  { key: 'quarter_of_year', label: L('季度(不分年)', 'Quarter of year'), time: 'quarter_of_year' },
  { key: 'season', label: L('季节', 'Season'), time: 'season', description: 'Spring = Mar–May, summer = Jun–Aug, autumn = Sep–Nov, winter = Dec–Feb.', values: { spring: L('春', 'Spring'), summer: L('夏', 'Summer'), autumn: L('秋', 'Autumn'), winter: L('冬', 'Winter') } },
  { key: 'weekday', label: L('星期', 'Weekday'), time: 'weekday', description: 'ISO weekday: 1 = Monday … 7 = Sunday.' },
  { key: 'hour_of_day', label: L('时段', 'Hour of day'), time: 'hour_of_day' },

  { key: 'province', label: L('省份', 'Province'), hierarchy: 'region', level: 0, description: "The customer's province (a lead's own, a store's for procurement).", anchors: [a('customers', 'province'), a('leads', 'province'), a('stores', 'province'), a('org_units', 'province')] },
  { key: 'city', label: L('城市', 'City'), hierarchy: 'region', level: 1, anchors: [a('customers', 'city'), a('leads', 'city'), a('stores', 'city'), a('org_units', 'city')] },
  { key: 'district', label: L('区县', 'District'), hierarchy: 'region', level: 2, anchors: [a('customers', 'district'), a('leads', 'district'), a('stores', 'district'), a('org_units', 'district')] },

  { key: 'channel', label: L('渠道', 'Channel'), values: CHANNEL_VALUES, anchors: [a('orders', 'channel'), a('campaign_touches', 'channel'), a('service_tickets', 'channel'), a('interactions', 'channel'), a('campaigns', 'channel'), a('stores', 'channel')] },
  { key: 'store', label: L('门店', 'Store'), description: 'Store name (id when it has none).', anchors: [a('stores', 'coalesce(name, store_id)')] },
  { key: 'store_province', label: L('门店省份', 'Store province'), hierarchy: 'store_region', level: 0, anchors: [a('stores', 'province')] },
  { key: 'store_city', label: L('门店城市', 'Store city'), hierarchy: 'store_region', level: 1, anchors: [a('stores', 'city')] },

  { key: 'category', label: L('一级类目', 'Category'), hierarchy: 'product', level: 0, anchors: [a('products', 'category_l1')] },
  { key: 'subcategory', label: L('二级类目', 'Subcategory'), hierarchy: 'product', level: 1, anchors: [a('products', 'category_l2')] },
  { key: 'category_l3', label: L('三级类目', 'Category level 3'), hierarchy: 'product', level: 2, anchors: [a('products', 'category_l3')] },
  { key: 'product', label: L('商品', 'Product'), hierarchy: 'product', level: 3, description: 'Product name (id when it has none).', anchors: [a('products', 'coalesce(name, product_id)')] },
  { key: 'brand', label: L('品牌', 'Brand'), anchors: [a('products', 'brand')] },

  { key: 'gender', label: L('性别', 'Gender'), values: { male: L('男', 'Male'), female: L('女', 'Female'), unknown: L('未知', 'Unknown') }, anchors: [a('customers', 'gender')] },
  { key: 'age_band', label: L('年龄段', 'Age band'), description: 'Age today from the birth date: <18, 18-24, 25-34, 35-44, 45-54, 55+.', anchors: [a('customers', 'age_band(birth_date)')] },
  { key: 'tier', label: L('会员等级', 'Member tier'), anchors: [a('customers', 'member_tier')] },
  { key: 'source', label: L('客户来源', 'Customer source'), values: CHANNEL_VALUES, anchors: [a('customers', 'source_channel'), a('leads', 'source_channel')] },
  { key: 'customer_kind', label: L('客户类型', 'Customer kind'), values: { person: L('个人', 'Person'), company: L('企业', 'Company'), unknown: L('未知', 'Unknown') }, anchors: [a('customers', 'kind')] },
  { key: 'industry', label: L('行业', 'Industry'), anchors: [a('customers', 'industry')] },
  { key: 'company_size', label: L('企业规模', 'Company size'), anchors: [a('customers', 'company_size')] },
  {
    key: 'rfm_segment',
    label: L('RFM分群', 'RFM segment'),
    description: "The customer's segment in the latest stored RFM result (`tidemark rfm --save`); empty for customers without one.",
    values: {
      important_value: L('重要价值客户', 'Important value'),
      important_development: L('重要发展客户', 'Important development'),
      important_retention: L('重要保持客户', 'Important retention'),
      important_recovery: L('重要挽留客户', 'Important recovery'),
      general_value: L('一般价值客户', 'General value'),
      general_development: L('一般发展客户', 'General development'),
      general_retention: L('一般保持客户', 'General retention'),
      general_recovery: L('一般挽留客户', 'General recovery'),
    },
    anchors: [a('customers', 'rfm.segment')],
  },
  {
    key: 'cluster',
    label: L('客户聚类', 'Customer cluster'),
    description: "The customer's cluster (1 … k, largest first) in the latest stored clustering (`tidemark cluster --save`); empty for customers without one.",
    anchors: [a('customers', 'cluster.cluster')],
  },
  { key: 'customer', label: L('客户', 'Customer'), description: 'One row per customer (customer id).', anchors: [a('customers', 'customer_id')] },

  { key: 'branch', label: L('分公司', 'Branch'), hierarchy: 'org', level: 0, description: "The rep's branch: the parent of their department (the department itself when it has no parent).", anchors: [a('employees', 'coalesce(unit.parent.name, unit.name, unit_id)')] },
  { key: 'department', label: L('部门', 'Department'), hierarchy: 'org', level: 1, anchors: [a('employees', 'coalesce(unit.name, unit_id)')] },
  { key: 'manager', label: L('经理', 'Manager'), description: "The rep's manager.", anchors: [a('employees', 'coalesce(manager.name, manager_id)')] },
  { key: 'rep', label: L('销售代表', 'Rep'), hierarchy: 'org', level: 2, description: 'The employee who owns the record (the customer’s owner for orders).', anchors: [a('employees', 'employee_id')] },

  { key: 'campaign', label: L('营销活动', 'Campaign'), description: 'Campaign name (id when it has none).', anchors: [a('campaigns', 'coalesce(name, campaign_id)')] },
  { key: 'campaign_channel', label: L('活动渠道', 'Campaign channel'), values: CHANNEL_VALUES, anchors: [a('campaigns', 'channel')] },
  { key: 'campaign_kind', label: L('营销活动类型', 'Campaign kind'), anchors: [a('campaigns', 'kind')] },

  { key: 'order_status', label: L('订单状态', 'Order status'), anchors: [a('orders', 'status')] },
  { key: 'stage', label: L('商机阶段', 'Opportunity stage'), anchors: [a('opportunities', 'stage')] },
  { key: 'loss_reason', label: L('输单原因', 'Loss reason'), anchors: [a('opportunities', 'loss_reason')] },
  { key: 'ticket_kind', label: L('工单类型', 'Ticket kind'), values: { complaint: L('投诉', 'Complaint'), consultation: L('咨询', 'Consultation'), suggestion: L('建议', 'Suggestion'), praise: L('表扬', 'Praise'), other: L('其他', 'Other') }, anchors: [a('service_tickets', 'kind')] },
  { key: 'ticket_category', label: L('问题分类', 'Ticket category'), anchors: [a('service_tickets', 'category')] },
  { key: 'activity_kind', label: L('销售活动类型', 'Activity kind'), anchors: [a('activities', 'kind')] },
  { key: 'interaction_kind', label: L('互动类型', 'Interaction kind'), anchors: [a('interactions', 'kind')] },
  { key: 'supplier', label: L('供应商', 'Supplier'), anchors: [a('purchases', 'supplier')] },
];
