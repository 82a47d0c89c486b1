import { defineMessages } from '../../i18n/index.js';

/** Tab names here; each tab file may define its own namespace ('customers.rfm', …) for its labels. */
export const useM = defineMessages(
  'customers',
  {
    'tab.rfm': 'RFM',
    'tab.value': 'Value tiers & matrix',
    'tab.clusters': 'Clusters',
    'tab.lifecycle': 'Lifecycle',
    'tab.cohorts': 'Cohorts',
    'tab.members': 'Members',
    'tab.segments': 'Saved segments',
    'tab.list': 'Customer list',
    soon: 'This view is being built.',
  },
  {
    'tab.rfm': 'RFM 分析',
    'tab.value': '价值分层与矩阵',
    'tab.clusters': '客户聚类',
    'tab.lifecycle': '生命周期',
    'tab.cohorts': '同期群留存',
    'tab.members': '会员等级',
    'tab.segments': '已存分群',
    'tab.list': '客户列表',
    soon: '此视图正在建设中。',
  },
);
