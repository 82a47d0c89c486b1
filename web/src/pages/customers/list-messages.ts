import { defineMessages } from '../../i18n/index.js';

/** Labels of the customer list, the profile and the saved segments (the other tabs have their own namespaces). */
export const useListM = defineMessages(
  'customers.list',
  {
    searchPlaceholder: 'Search id, name, phone or email',
    searchHint: 'Roles without personal data search the masked values they see (138 or 5678 finds 138****5678).',
    count: '{{n}} customers',
    count_one: '{{n}} customer',
    countOf: '{{n}} customers match “{{q}}”',
    countOf_one: '{{n}} customer matches “{{q}}”',
    'col.id': 'ID',
    'col.name': 'Name',
    'col.phone': 'Phone',
    'col.kind': 'Type',
    'col.memberTier': 'Member tier',
    'col.valueTier': 'Value tier',
    'col.rfmSegment': 'RFM segment',
    'col.region': 'Province / city',
    'col.owner': 'Owner',
    'col.revenue': 'Revenue',
    'col.orders': 'Orders',
    'col.firstOrder': 'First order',
    'col.lastOrder': 'Last order',
    'kind.person': 'Person',
    'kind.company': 'Company',
    sortBy: 'Sort by {{col}}',
    notSortable: 'The server cannot sort by this column',
    pageSize: 'Rows per page',
    rangeOf: '{{from}}–{{to}} of {{total}}',
    noMatch: 'No customer matches “{{q}}”',
    noMatchHint: 'Search looks in id, name, phone and email. Try part of a name or the last digits of a phone number.',
    noCustomers: 'No customers in your scope yet',
    noCustomersHint: 'Import customers on the Data page, or ask an administrator about your data scope.',
    masked: 'Personal data is masked for your role',
    exportHint: 'Exports every matching customer in this order',
    exported: 'Exported {{rows}} rows to {{name}}',
    clear: 'Clear search',
  },
  {
    searchPlaceholder: '搜索编号、姓名、手机或邮箱',
    searchHint: '无个人信息权限的角色只能按其看到的脱敏值搜索（输入 138 或 5678 可找到 138****5678）。',
    count: '共 {{n}} 位客户',
    count_one: '共 {{n}} 位客户',
    countOf: '“{{q}}” 匹配 {{n}} 位客户',
    countOf_one: '“{{q}}” 匹配 {{n}} 位客户',
    'col.id': '客户编号',
    'col.name': '姓名/名称',
    'col.phone': '手机',
    'col.kind': '类型',
    'col.memberTier': '会员等级',
    'col.valueTier': '价值分层',
    'col.rfmSegment': 'RFM 分群',
    'col.region': '省份 / 城市',
    'col.owner': '负责人',
    'col.revenue': '消费金额',
    'col.orders': '订单数',
    'col.firstOrder': '首单时间',
    'col.lastOrder': '最近下单',
    'kind.person': '个人',
    'kind.company': '企业',
    sortBy: '按{{col}}排序',
    notSortable: '服务端不支持按此列排序',
    pageSize: '每页行数',
    rangeOf: '第 {{from}}–{{to}} 条，共 {{total}} 条',
    noMatch: '没有客户匹配“{{q}}”',
    noMatchHint: '搜索范围为客户编号、姓名、手机和邮箱。可尝试输入部分姓名或手机尾号。',
    noCustomers: '您的数据范围内还没有客户',
    noCustomersHint: '请在“数据”页导入客户，或联系管理员确认您的数据范围。',
    masked: '您的角色看到的个人信息已脱敏',
    exportHint: '按当前排序导出全部匹配的客户',
    exported: '已导出 {{rows}} 行到 {{name}}',
    clear: '清除搜索',
  },
);

/** Codes of stored model results (src/analyses/rfm SEGMENTS, src/analyses/lifecycle STAGES) as words. */
export const useCodeM = defineMessages(
  'customers.codes',
  {
    'rfm.important_value': 'Important value',
    'rfm.important_development': 'Important development',
    'rfm.important_retention': 'Important retention',
    'rfm.important_recovery': 'Important recovery',
    'rfm.general_value': 'General value',
    'rfm.general_development': 'General development',
    'rfm.general_retention': 'General retention',
    'rfm.general_recovery': 'General recovery',
    'stage.new': 'New',
    'stage.active': 'Active',
    'stage.won_back': 'Won back',
    'stage.sleeping': 'Sleeping',
    'stage.churned': 'Churned',
  },
  {
    'rfm.important_value': '重要价值客户',
    'rfm.important_development': '重要发展客户',
    'rfm.important_retention': '重要保持客户',
    'rfm.important_recovery': '重要挽留客户',
    'rfm.general_value': '一般价值客户',
    'rfm.general_development': '一般发展客户',
    'rfm.general_retention': '一般保持客户',
    'rfm.general_recovery': '一般挽留客户',
    'stage.new': '新客',
    'stage.active': '活跃',
    'stage.won_back': '回流',
    'stage.sleeping': '沉睡',
    'stage.churned': '流失',
  },
);

/** A stored code in words (`rfm`, `stage`), or the code itself when it is not one of the known ones. */
export function useCode(): (kind: 'rfm' | 'stage', v: unknown) => string {
  const { m } = useCodeM();
  return (kind, v) => {
    if (v === null || v === undefined || v === '') return '–';
    const key = `${kind}.${String(v)}`;
    const s = m(key as 'stage.new');
    return s === key ? String(v) : s;
  };
}
