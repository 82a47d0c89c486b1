import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES, type FieldDef, type FieldType } from '../schema/index.js';
import { cleanFieldSql, DEFAULT_CLEAN_CONFIG, setupCleaning, type CleanConfig } from './index.js';
import { TestWarehouse } from './test-db.js';

const f = (type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ name: 'f', type, label: 'f', labelZh: '字段', ...extra });
const cfg = (c: Partial<CleanConfig> = {}): CleanConfig => ({ ...DEFAULT_CLEAN_CONFIG, ...c });

/** A field of the canonical schema, so the tests use the real vocabularies. */
function schemaField(entity: string, name: string): FieldDef {
  const fd = ENTITIES.find((e) => e.name === entity)?.fields.find((x) => x.name === name);
  if (!fd) throw new Error(`${entity}.${name} is not in the schema`);
  return fd;
}

let db: TestWarehouse;
beforeAll(async () => {
  db = await TestWarehouse.open({ udf: false });
  await setupCleaning(db, cfg());
});
afterAll(async () => db.close());

const clean = (field: FieldDef, inputs: (string | null)[], c: Partial<CleanConfig> = {}) => db.texts((raw) => cleanFieldSql(field, raw, cfg(c)).value, inputs);
const invalid = (field: FieldDef, inputs: (string | null)[]) => db.eval((raw) => cleanFieldSql(field, raw, cfg()).invalid, inputs);

describe('gender_normalize', () => {
  const g = f('gender');
  it('maps Chinese, English and GB/T 2261.1 codes', async () => {
    const inputs = ['男', '男性', 'M', 'male', '先生', '1', '女', '女性', 'F', 'Female', '女士', '2', '０', '9', '保密', '未知'];
    expect(await clean(g, inputs)).toEqual(['male', 'male', 'male', 'male', 'male', 'male', 'female', 'female', 'female', 'female', 'female', 'female', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(await invalid(g, inputs)).toEqual(inputs.map(() => false));
  });

  it('gives missing values unknown, and flags anything else as unknown + invalid', async () => {
    expect(await clean(g, [null, '', '-', '其他', 'x', '3'])).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(await invalid(g, [null, '', '-', '其他', 'x', '3'])).toEqual([false, false, false, true, true, true]);
  });
});

describe('bool_normalize', () => {
  const b = f('bool');
  it('maps the Chinese and English yes/no words', async () => {
    const yes = ['是', 'Y', 'yes', 'TRUE', 'true', '1', '对', '√', '有', 'T', 'ｙ'];
    const no = ['否', 'N', 'No', 'FALSE', 'false', '0', '错', '×', '无', 'f'];
    expect(await clean(b, yes)).toEqual(yes.map(() => 'true'));
    expect(await clean(b, no)).toEqual(no.map(() => 'false'));
  });

  it('rejects anything else', async () => {
    expect(await clean(b, ['也许', '2', 'maybe', null])).toEqual([null, null, null, null]);
    expect(await invalid(b, ['也许', '2', 'maybe', null])).toEqual([true, true, true, false]);
  });
});

describe('enum_normalize', () => {
  it('maps channel synonyms to the channel vocabulary', async () => {
    const channel = schemaField('orders', 'channel');
    const inputs = ['天猫', '淘宝', '京东', '微信', '小程序', '微商城', '官网', '网店', '自营商城', '门店', '线下', '实体店', 'APP', 'app', '电话', 'Tmall', 'JD', '抖音'];
    expect(await clean(channel, inputs)).toEqual(['tmall', 'tmall', 'jd', 'wechat', 'wechat', 'wechat', 'web', 'web', 'web', 'store', 'store', 'store', 'app', 'app', 'phone', 'tmall', 'jd', 'other']);
    expect(await invalid(channel, inputs)).toEqual(inputs.map(() => false));
  });

  it('maps order statuses, including Taobao export wording', async () => {
    const status = schemaField('orders', 'status');
    const inputs = ['待付款', '已付款', '待发货', '已发货', '已签收', '已收货', '交易成功', '已完成', '交易关闭', '已取消', '已退款', '等待买家付款', '买家已付款，等待卖家发货', 'PAID'];
    expect(await clean(status, inputs)).toEqual(['created', 'paid', 'paid', 'shipped', 'received', 'received', 'completed', 'completed', 'cancelled', 'cancelled', 'refunded', 'created', 'paid', 'paid']);
  });

  it('maps opportunity stages', async () => {
    const stage = schemaField('opportunities', 'stage');
    const inputs = ['Won', '赢单', '成交', 'Lost', '输单', '丢单', 'Engaging', '跟进中', 'Prospecting', '初步接洽', '需求确认', '方案', '报价', '谈判'];
    expect(await clean(stage, inputs)).toEqual(['won', 'won', 'won', 'lost', 'lost', 'lost', 'engaging', 'engaging', 'prospecting', 'prospecting', 'qualification', 'proposal', 'proposal', 'negotiation']);
  });

  it('maps ticket, activity and interaction kinds, customer kind and points kind', async () => {
    expect(await clean(schemaField('service_tickets', 'kind'), ['投诉', '咨询', '建议', '表扬'])).toEqual(['complaint', 'consultation', 'suggestion', 'praise']);
    expect(await clean(schemaField('activities', 'kind'), ['电话', '拜访', '会议', '邮件', '日志', '工作日志', 'Work Log'])).toEqual(['call', 'visit', 'meeting', 'email', 'work_log', 'work_log', 'work_log']);
    expect(await clean(schemaField('interactions', 'kind'), ['访问', '浏览', '收藏', '加购', '加入购物车', '登录', '分享', '评价', '推荐', '转介绍'])).toEqual([
      'visit', 'browse', 'favourite', 'cart', 'cart', 'login', 'share', 'review', 'referral', 'referral',
    ]);
    expect(await clean(schemaField('customers', 'kind'), ['个人', '企业', '公司'])).toEqual(['person', 'company', 'company']);
    expect(await clean(schemaField('points_ledger', 'kind'), ['获得', '兑换', '过期', '调整'])).toEqual(['earn', 'redeem', 'expire', 'adjust']);
    expect(await clean(schemaField('campaign_touches', 'response'), ['无', '打开', '点击', '购买', '退订'])).toEqual(['none', 'open', 'click', 'purchase', 'unsubscribe']);
  });

  it('passes vocabulary values through, case-insensitively', async () => {
    expect(await clean(schemaField('orders', 'status'), ['shipped', 'Shipped', 'SHIPPED'])).toEqual(['shipped', 'shipped', 'shipped']);
  });

  it('falls back to unknown, else other, flagging the value; with neither it is invalid', async () => {
    expect(await clean(schemaField('orders', 'status'), ['部分发货'])).toEqual(['unknown']);
    expect(await invalid(schemaField('orders', 'status'), ['部分发货', null])).toEqual([true, false]);
    expect(await clean(schemaField('activities', 'kind'), ['培训'])).toEqual(['other']);
    expect(await invalid(schemaField('activities', 'kind'), ['培训'])).toEqual([true]);
    expect(await clean(schemaField('points_ledger', 'kind'), ['冻结'])).toEqual([null]);
    expect(await invalid(schemaField('points_ledger', 'kind'), ['冻结'])).toEqual([true]);
  });

  it('keeps missing values missing', async () => {
    expect(await clean(schemaField('orders', 'status'), [null, '', '-'])).toEqual([null, null, null]);
  });

  it('can be switched off (the text is kept as it is)', async () => {
    expect(await clean(schemaField('orders', 'status'), ['已发货'], { disabled: ['enum_normalize'] })).toEqual(['已发货']);
  });
});
