import { lit, mapOf } from './sql.js';
import { halfwidth } from './text.js';

/**
 * Small vocabularies — gender, booleans, enum synonyms — as DuckDB MAP literals (a few dozen entries each,
 * which DuckDB looks up about as fast as a CASE).
 */

/** Enum lookup key: half-width, lower-case, spaces and hyphens as underscores ("Work Log" → work_log). */
export function enumKey(s: string): string {
  return halfwidth(s).toLowerCase().replace(/[ -]/g, '_');
}
export function enumKeySql(x: string): string {
  return `lower(replace(replace(${x}, ' ', '_'), '-', '_'))`;
}

// ---------------------------------------------------------------------------------------------- gender

/** GB/T 2261.1: 0 未知的性别, 1 男, 2 女, 9 未说明的性别. Keys are lower-case. */
const GENDER: Readonly<Record<string, 'male' | 'female' | 'unknown'>> = {
  男: 'male', 男性: 'male', 男士: 'male', 先生: 'male', m: 'male', male: 'male', man: 'male', '1': 'male',
  女: 'female', 女性: 'female', 女士: 'female', 小姐: 'female', f: 'female', female: 'female', woman: 'female', '2': 'female',
  '0': 'unknown', '9': 'unknown', 未知: 'unknown', 不详: 'unknown', 保密: 'unknown', 未说明: 'unknown', unknown: 'unknown', u: 'unknown',
};
export const GENDER_TOKENS: ReadonlySet<string> = new Set(Object.keys(GENDER));

const GENDER_MAP = mapOf(Object.entries(GENDER).map(([k, v]) => [k, lit(v)] as const));

/** The gender vocabulary value of a cleaned text, NULL when not recognised. */
export function genderLookupSql(x: string): string {
  return `${GENDER_MAP}[lower(${x})]`;
}

// ---------------------------------------------------------------------------------------------- booleans

const TRUE_WORDS = ['是', '是的', 'y', 'yes', 'true', 't', '1', '对', '√', '✓', '✔', '有', 'on', '已', '同意'];
const FALSE_WORDS = ['否', '不是', 'n', 'no', 'false', 'f', '0', '错', '×', '✗', '✘', '无', '没有', 'off', '未', '不同意'];
export const BOOL_TOKENS: ReadonlySet<string> = new Set([...TRUE_WORDS, ...FALSE_WORDS]);

const BOOL_MAP = mapOf([...TRUE_WORDS.map((w) => [w, 'true'] as const), ...FALSE_WORDS.map((w) => [w, 'false'] as const)]);

export function boolSql(x: string): string {
  return `${BOOL_MAP}[lower(${x})]`;
}

// ---------------------------------------------------------------------------------------------- enums

/**
 * Synonyms, each with its candidate vocabulary values in order of preference: a field takes the first candidate
 * that is in its own vocabulary (电话 is `phone` for a channel and `call` for an activity kind).
 */
const GROUPS: readonly (readonly [readonly string[], readonly string[]])[] = [
  // channels
  [['tmall'], ['天猫', '淘宝', '天猫商城', '淘宝网', '天猫旗舰店', '淘宝店', 'taobao', 'tb', 'tmall.com', 'taobao.com']],
  [['jd'], ['京东', '京东商城', '京东自营', 'jd.com', 'jingdong']],
  [['wechat', 'wechat_openid'], ['微信', '小程序', '微信小程序', '微商城', '公众号', '微信公众号', '企业微信', '视频号', 'weixin', 'wx', 'mini_program', 'miniprogram']],
  [['web'], ['官网', '网店', '自营商城', '网站', '官方网站', '官方商城', '线上商城', 'pc', 'h5', 'website', 'online', '线上']],
  [['store', 'store_member'], ['门店', '线下', '实体店', '专卖店', '商场', '专柜', '店铺', 'offline', 'pos', 'shop']],
  [['app'], ['手机app', '移动app', '客户端', 'app端', 'application']],
  [['phone', 'call'], ['电话', '热线', '客服电话', '400电话', '呼叫中心', 'telephone', 'tel', 'hotline']],
  [['sms'], ['短信', '短讯', 'text_message']],
  [['email'], ['邮件', '邮箱', '电子邮件', '电邮', 'e_mail', 'mail', 'edm']],
  [['other'], ['抖音', '快手', '拼多多', '小红书', '美团', '饿了么', '唯品会', '苏宁', 'douyin', 'tiktok', 'pdd', 'pinduoduo']],
  [['other', 'unknown'], ['其他', '其它', 'others']],
  [['unknown'], ['未知', '不详', 'n/a']],
  // customer identities
  [['phone'], ['手机', '手机号', '手机号码', 'mobile']],
  [['wechat_openid'], ['openid', '微信openid', 'open_id']],
  [['wechat_unionid'], ['unionid', '微信unionid', 'union_id']],
  [['store_member'], ['门店会员', '会员', '会员号']],
  [['card'], ['会员卡', '卡', '卡号', '会员卡号', 'vip卡']],
  // order status
  [['created'], ['待付款', '等待买家付款', '未付款', '待支付', '已下单', '下单', '新订单', '已创建', 'new', 'pending', 'unpaid']],
  [['paid'], ['已付款', '待发货', '已支付', '买家已付款', '买家已付款，等待卖家发货', '等待卖家发货', '付款成功']],
  [['shipped'], ['已发货', '卖家已发货', '待收货', '卖家已发货，等待买家确认', '等待买家确认收货', '运输中', '配送中', '发货']],
  [['received'], ['已签收', '已收货', '确认收货', '签收', 'delivered']],
  [['completed', 'resolved'], ['交易成功', '已完成', '完成', '交易完成', '已结束', 'complete', 'done', 'finished']],
  [['cancelled'], ['交易关闭', '已取消', '取消', '订单关闭', '交易取消', 'canceled', 'cancel']],
  [['closed', 'cancelled', 'disqualified'], ['已关闭', '关闭', '结案']],
  [['refunded'], ['已退款', '退款成功', '全额退款', '退款完成', 'refund']],
  // returns
  [['requested'], ['申请中', '待审核', '退款申请', '已申请', '退款中', '申请退款', '待处理', 'request', 'pending']],
  [['approved'], ['已同意', '审核通过', '同意退款', '已批准', '同意', 'approve']],
  [['rejected'], ['已拒绝', '拒绝', '驳回', '拒绝退款', '已驳回', 'reject', 'declined']],
  // opportunity stages
  [['won', 'purchase', 'converted'], ['赢单', '成交', '已成交', '签约', '已签约', 'closed_won', 'win']],
  [['lost'], ['输单', '丢单', '失败', '已输单', '流失', 'closed_lost', 'lose']],
  [['engaging', 'contacted'], ['跟进中', '接洽中', '沟通中', 'engage', 'engaged']],
  [['prospecting'], ['初步接洽', '潜在', '潜在客户', '发现', '初步沟通', 'prospect']],
  [['qualification', 'qualified'], ['需求确认', '需求分析', '资格确认', '商机确认', 'qualify']],
  [['proposal'], ['方案', '报价', '方案报价', '提案', '方案/报价', 'quote', 'quotation']],
  [['negotiation'], ['谈判', '商务谈判', '合同谈判', 'negotiate', 'negotiating']],
  // service tickets
  [['complaint'], ['投诉', '抱怨', '客诉']],
  [['consultation'], ['咨询', '询问', '问询', 'inquiry', 'enquiry', 'question', 'consult']],
  [['suggestion'], ['建议', '意见', '反馈建议', 'advice']],
  [['praise'], ['表扬', '好评', '感谢', '称赞', 'compliment']],
  [['open'], ['待处理', '处理中', '未解决', '新建', '受理中', 'opened']],
  [['resolved'], ['已解决', '解决', '已处理']],
  // activities
  [['call'], ['打电话', '致电', '电话拜访', '电话沟通', 'phone_call']],
  [['visit'], ['拜访', '上门拜访', '上门', '访问', '到店', '来访', 'visited']],
  [['meeting'], ['会议', '开会', '会谈', 'meet']],
  [['work_log'], ['日志', '工作日志', '日报', '周报', 'worklog', 'log']],
  // interactions
  [['browse'], ['浏览', '查看', 'view', 'page_view', 'pv']],
  [['favourite'], ['收藏', 'favorite', 'fav', 'like']],
  [['cart'], ['加购', '加入购物车', '购物车', 'add_to_cart', 'addcart']],
  [['login'], ['登录', '登陆', 'log_in', 'signin', 'sign_in']],
  [['share'], ['分享', '转发', 'shared']],
  [['review'], ['评价', '评论', '晒单', 'comment', 'rating']],
  [['referral'], ['推荐', '转介绍', '邀请', 'refer', 'invite']],
  // customer kind
  [['person'], ['个人', '个人客户', '个人用户', '自然人', 'individual', 'personal', 'b2c', 'consumer']],
  [['company'], ['企业', '公司', '企业客户', '单位', '机构', '总公司', '总部', '集团', 'business', 'organization', 'organisation', 'enterprise', 'b2b', 'corporate']],
  // points
  [['earn'], ['获得', '赚取', '增加', '积分获取', '发放', '赠送', '获取', '奖励', 'earned', 'add']],
  [['redeem'], ['兑换', '使用', '消费', '抵扣', '扣减', 'redeemed', 'use', 'spend']],
  [['expire'], ['过期', '失效', '到期', '清零', 'expired']],
  [['adjust'], ['调整', '手动调整', '修正', '补录', 'adjustment', 'correction']],
  // campaign response
  [['none'], ['无', '未响应', '无响应', '未打开', '无反应', 'no_response']],
  [['open'], ['打开', '已读', '已打开', '查看邮件', 'opened', 'read']],
  [['click'], ['点击', '已点击', 'clicked']],
  [['purchase'], ['购买', '下单购买', '转化', 'purchased', 'buy', 'order']],
  [['unsubscribe'], ['退订', '取消订阅', 'unsubscribed', 'opt_out']],
  // org units
  [['branch'], ['分公司', '分部', '办事处', '分支机构', '分店']],
  [['department'], ['部门', '部', 'dept']],
  [['team'], ['团队', '小组', '组', 'group']],
  // employee roles
  [['sales'], ['销售', '销售代表', '业务员', '销售员', '客户经理', 'sales_rep', 'salesperson', 'sales_agent']],
  [['service'], ['客服', '服务', '售后', '客户服务', 'support', 'customer_service']],
  [['marketing'], ['市场', '营销', '市场部', '市场营销']],
  [['manager'], ['经理', '主管', '管理', '总监', '管理层', 'mgr', 'director', 'supervisor']],
  // leads
  [['new'], ['新', '新建', '新线索', '未跟进', '待跟进', '未联系']],
  [['contacted'], ['已联系', '联系中', '已跟进']],
  [['qualified'], ['已确认', '有效', '合格', '有效线索']],
  [['converted'], ['已转化', '转化成功', '已转客户', 'convert']],
  [['disqualified'], ['无效', '不合格', '无效线索', '废弃', 'invalid', 'junk']],
  // contracts
  [['draft'], ['草稿', '拟定', '待签', '起草', '待签署']],
  [['active'], ['执行中', '生效', '有效', '履行中', '进行中', '已生效', '已签署']],
  [['completed'], ['履行完毕', '已履行', '到期', '执行完毕']],
  [['terminated'], ['终止', '已终止', '解除', '作废', '已作废', '提前终止']],
];

const SYNONYMS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const [candidates, words] of GROUPS) {
    for (const w of words) {
      const k = enumKey(w);
      const list = m.get(k) ?? [];
      for (const c of candidates) if (!list.includes(c)) list.push(c);
      m.set(k, list);
    }
  }
  return m;
})();

export interface EnumVocab {
  /** Lookup key → vocabulary value. */
  readonly map: ReadonlyMap<string, string>;
  /** The value unrecognised input falls back to (flagged): unknown, else other, else none. */
  readonly fallback: string | undefined;
}

/** The synonym map of one enum field: its own values (case-insensitive) plus every synonym with a candidate in them. */
export function enumVocab(values: readonly string[]): EnumVocab {
  const map = new Map<string, string>();
  for (const [k, candidates] of SYNONYMS) {
    const v = candidates.find((c) => values.includes(c));
    if (v !== undefined) map.set(k, v);
  }
  for (const v of values) map.set(enumKey(v), v);
  const fallback = values.includes('unknown') ? 'unknown' : values.includes('other') ? 'other' : undefined;
  return { map, fallback };
}

export function enumLookupSql(x: string, vocab: EnumVocab): string {
  return `${mapOf([...vocab.map].map(([k, v]) => [k, lit(v)] as const))}[${enumKeySql(x)}]`;
}
