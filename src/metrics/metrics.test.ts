/**
 * Every built-in metric against a hand-made warehouse whose expected values were worked out by hand
 * (the arithmetic is in the comments), never copied from the compiler's output.
 *
 * The fixture (times are wall-clock, Asia/Shanghai; "Q1" = 2024-01-01 … 2024-03-31; today = 2024-04-15):
 *
 * customers  C1 张三 浙江省 owner E1 金卡 reg 2023-11-05 | C2 李四 浙江省 E1 reg 2024-01-10 | C3 王五 广东省 E2 银卡 reg 2024-02-15
 *            C4 赵六 广东省 E2 reg 2024-03-20 | C5 孙七 浙江省 E1 stub (reg 2024-01-15) | C6 周八 上海市 no owner reg 2024-03-05
 * employees  E1 张伟 (杭州销售一部 → 杭州分公司) | E2 李娜 (广州销售部 → 广州分公司) | E3 李强 (广州分公司 itself) | E9 王经理, everyone's manager
 *
 * orders  id   cust  ch     ordered_at        status     amount disc  paid  paid_at(+h) ship(+d) recv(+d) reviewed campaign
 *         O1   C1    tmall  2023-12-10 10:00  completed  100    10    90    +2h        +1d      +2d      -        -
 *         O2   C1    tmall  2024-01-05 09:00  completed  200    20    180   +1h        +1d      +2d      yes      K1
 *         O3   C2    jd     2024-01-30 14:00  completed  150    0     150   +2h        +2d      +3d      -        -
 *         O4   C1    tmall  2024-02-03 08:00  cancelled  80     0     -     -          -        -        -        K2
 *         O5   C3    tmall  2024-02-14 20:00  completed  300    30    270   +3h        +1d      +2d      yes      K1
 *         O6   anon  jd     2024-02-20 12:00  completed  50     0     50    +0.5h      -        -        -        -
 *         O7   C1    jd     2024-03-01 10:00  paid       120    0     120   +1h        -        -        -        -
 *         O8   C3    tmall  2024-03-15 10:00  completed  250    25    225   +4h        +1d      +3d      yes      K2
 *         O9   C4    jd     2024-03-25 10:00  created    90     -     -     -          -        -        -        -
 *         O10  C2    jd     2023-03-10 10:00  completed  60     0     60    +1h        -        -        -        -
 *         O11  C5    tmall  2024-01-15 10:00  NULL       40     -     -     -          -        -        -        -
 *         O12  C4    jd     2024-03-26 10:00  cancelled  500    0     500   +1h        -        -        -        -
 *         O13  C3    tmall  2024-03-28 10:00  completed  100    0     100   +0.5h      +1d      -        -        -
 *         O14  none  store  2024-03-05 15:00  completed  70     0     70    +0h        -        -        -        -   (customer NULL, is_anonymous NULL)
 *         O15  C6    wechat 2024-03-05 12:00  completed  80     0     80    +0h        -        -        -        -
 *         O16  C6    wechat 2024-03-20 12:00  completed  60     0     60    +1h        -        -        -        -
 *
 * Q1 orders: O2 O3 O4 O5 O6 O7 O8 O9 O11 O12 O13 O14 O15 O16 (14 placed); counted = all but O4, O12 (12).
 * Customers' first counted order: C1 O1 2023-12-10, C2 O10 2023-03-10, C3 O5 02-14, C4 O9 03-25 (O12 cancelled), C5 O11 01-15, C6 O15 03-05.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from './catalog/index.js';
import { runQuery } from '../query/run.js';
import type { Query } from '../query/types.js';
import { tempWarehouse } from '../testing/index.js';
import type { Row } from '../warehouse/port.js';

const catalog = buildCatalog();
const TODAY = '2024-04-15';
const Q1 = { from: '2024-01-01', to: '2024-03-31' } as const;

const FIXTURE = `
INSERT INTO org_units (unit_id, name, kind, parent_id, province) VALUES
  ('U_HZ', '杭州分公司', 'branch', NULL, '浙江省'),
  ('U_HZ1', '杭州销售一部', 'department', 'U_HZ', '浙江省'),
  ('U_GZ', '广州分公司', 'branch', NULL, '广东省'),
  ('U_GZ1', '广州销售部', 'department', 'U_GZ', '广东省');
INSERT INTO employees (employee_id, name, unit_id, manager_id, role) VALUES
  ('E1', '张伟', 'U_HZ1', 'E9', 'sales'),
  ('E2', '李娜', 'U_GZ1', 'E9', 'sales'),
  ('E3', '李强', 'U_GZ', 'E9', 'service'),
  ('E9', '王经理', 'U_HZ', NULL, 'manager');
INSERT INTO customers (customer_id, kind, name, gender, province, city, source_channel, registered_at, owner_employee_id, member_tier, is_stub) VALUES
  ('C1', 'person', '张三', 'male', '浙江省', '杭州市', 'tmall', '2023-11-05 10:00', 'E1', '金卡', false),
  ('C2', 'person', '李四', 'female', '浙江省', '宁波市', 'jd', '2024-01-10 10:00', 'E1', NULL, false),
  ('C3', 'person', '王五', 'male', '广东省', '广州市', 'tmall', '2024-02-15 10:00', 'E2', '银卡', false),
  ('C4', 'company', '赵六贸易有限公司', NULL, '广东省', '深圳市', 'jd', '2024-03-20 10:00', 'E2', NULL, NULL),
  ('C5', 'unknown', NULL, NULL, '浙江省', '杭州市', NULL, '2024-01-15 10:00', 'E1', NULL, true),
  ('C6', 'person', '周八', 'female', '上海市', '上海市', 'wechat', '2024-03-05 09:00', NULL, NULL, false);
INSERT INTO stores (store_id, name, channel, province, city) VALUES
  ('S1', '杭州湖滨店', 'store', '浙江省', '杭州市'),
  ('S2', '天猫旗舰店', 'tmall', '广东省', '广州市');
INSERT INTO products (product_id, name, category_l1, category_l2, category_l3, brand, price, cost) VALUES
  ('P1', '羽绒服', '服装', '外套', '羽绒服', '波司登', 100, 60),
  ('P2', 'T恤', '服装', '上衣', 'T恤', '李宁', 50, 20),
  ('P3', '面膜', '美妆', '护肤', '面膜', '百雀羚', 25, NULL);
INSERT INTO campaigns (campaign_id, name, channel, kind, start_date, end_date, cost, target_size) VALUES
  ('K0', '年末回馈', 'wechat', '促销', '2023-12-01', '2023-12-31', 50, 100),
  ('K1', '新春预热', 'tmall', '促销', '2024-01-01', '2024-02-29', 200, 1000),
  ('K2', '会员日', 'sms', '会员', '2024-03-01', '2024-03-31', 100, 500);
INSERT INTO orders (order_id, customer_id, is_anonymous, channel, store_id, campaign_id, ordered_at, paid_at, shipped_at, received_at, reviewed_at, status, item_qty, amount, discount, paid_amount) VALUES
  ('O1', 'C1', false, 'tmall', NULL, NULL, '2023-12-10 10:00', '2023-12-10 12:00', '2023-12-11 12:00', '2023-12-13 12:00', NULL, 'completed', 1, 100, 10, 90),
  ('O2', 'C1', false, 'tmall', NULL, 'K1', '2024-01-05 09:00', '2024-01-05 10:00', '2024-01-06 10:00', '2024-01-08 10:00', '2024-01-09 10:00', 'completed', 2, 200, 20, 180),
  ('O3', 'C2', false, 'jd', NULL, NULL, '2024-01-30 14:00', '2024-01-30 16:00', '2024-02-01 16:00', '2024-02-04 16:00', NULL, 'completed', 5, 150, 0, 150),
  ('O4', 'C1', false, 'tmall', NULL, 'K2', '2024-02-03 08:00', NULL, NULL, NULL, NULL, 'cancelled', 1, 80, 0, NULL),
  ('O5', 'C3', false, 'tmall', NULL, 'K1', '2024-02-14 20:00', '2024-02-14 23:00', '2024-02-15 23:00', '2024-02-17 23:00', '2024-02-18 10:00', 'completed', 3, 300, 30, 270),
  ('O6', NULL, true, 'jd', NULL, NULL, '2024-02-20 12:00', '2024-02-20 12:30', NULL, NULL, NULL, 'completed', 1, 50, 0, 50),
  ('O7', 'C1', false, 'jd', NULL, NULL, '2024-03-01 10:00', '2024-03-01 11:00', NULL, NULL, NULL, 'paid', 1, 120, 0, 120),
  ('O8', 'C3', false, 'tmall', NULL, 'K2', '2024-03-15 10:00', '2024-03-15 14:00', '2024-03-16 14:00', '2024-03-19 14:00', '2024-03-20 09:00', 'completed', 5, 250, 25, 225),
  ('O9', 'C4', false, 'jd', NULL, NULL, '2024-03-25 10:00', NULL, NULL, NULL, NULL, 'created', 1, 90, NULL, NULL),
  ('O10', 'C2', false, 'jd', NULL, NULL, '2023-03-10 10:00', '2023-03-10 11:00', NULL, NULL, NULL, 'completed', 1, 60, 0, 60),
  ('O11', 'C5', false, 'tmall', NULL, NULL, '2024-01-15 10:00', NULL, NULL, NULL, NULL, NULL, 1, 40, NULL, NULL),
  ('O12', 'C4', false, 'jd', NULL, NULL, '2024-03-26 10:00', '2024-03-26 11:00', NULL, NULL, NULL, 'cancelled', 5, 500, 0, 500),
  ('O13', 'C3', false, 'tmall', 'S2', NULL, '2024-03-28 10:00', '2024-03-28 10:30', '2024-03-29 10:30', NULL, NULL, 'completed', 4, 100, 0, 100),
  ('O14', NULL, NULL, 'store', 'S1', NULL, '2024-03-05 15:00', '2024-03-05 15:00', NULL, NULL, NULL, 'completed', 1, 70, 0, 70),
  ('O15', 'C6', false, 'wechat', NULL, NULL, '2024-03-05 12:00', '2024-03-05 12:00', NULL, NULL, NULL, 'completed', 1, 80, 0, 80),
  ('O16', 'C6', false, 'wechat', NULL, NULL, '2024-03-20 12:00', '2024-03-20 13:00', NULL, NULL, NULL, 'completed', 1, 60, 0, 60);
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price, amount) VALUES
  ('O1', 1, 'P1', 1, 100, 100),
  ('O2', 1, 'P1', 2, 100, 200),
  ('O3', 1, 'P2', 1, 50, 50),
  ('O3', 2, 'P3', 4, 25, 100),
  ('O4', 1, 'P1', 1, 80, 80),
  ('O5', 1, 'P1', 3, 100, 300),
  ('O6', 1, 'P2', 1, 50, 50),
  ('O8', 1, 'P2', 5, 50, 250),
  ('O13', 1, 'P3', 4, 25, 100);
INSERT INTO returns (return_id, order_id, customer_id, product_id, quantity, amount, requested_at, status, reason) VALUES
  ('R1', 'O5', 'C3', 'P1', 1, 100, '2024-02-20 10:00', 'refunded', '尺码不合适'),
  ('R2', 'O8', 'C3', 'P2', 1, 50, '2024-03-18 10:00', 'rejected', '不想要了'),
  ('R3', 'O2', 'C1', 'P1', 1, 100, '2024-01-10 10:00', NULL, '质量问题'),
  ('R4', 'O1', 'C1', 'P1', 1, 30, '2023-12-20 10:00', 'approved', '降价补差');
INSERT INTO purchases (purchase_id, supplier, product_id, quantity, unit_cost, amount, purchased_at, store_id) VALUES
  ('PU1', '义乌供应商', 'P1', 10, 60, 600, '2024-01-03 09:00', 'S1'),
  ('PU2', '广州供应商', 'P2', 20, 20, NULL, '2024-02-10 09:00', 'S2'),
  ('PU3', '义乌供应商', 'P3', 5, 10, 50, '2023-11-01 09:00', 'S1');
INSERT INTO leads (lead_id, name, company, province, source_channel, owner_employee_id, created_at, status, converted_at) VALUES
  ('L1', '陈先生', '杭州云栖科技', '浙江省', 'web', 'E1', '2024-01-05 10:00', 'converted', '2024-01-20 10:00'),
  ('L2', '林女士', '宁波港务', '浙江省', 'phone', 'E1', '2024-01-15 10:00', 'qualified', NULL),
  ('L3', '黄先生', '深圳鹏城电子', '广东省', 'web', 'E2', '2024-02-01 10:00', 'converted', NULL),
  ('L4', '吴女士', '佛山陶瓷', '广东省', 'wechat', 'E2', '2024-03-10 10:00', 'new', NULL),
  ('L5', '郑先生', '温州鞋业', '浙江省', 'web', 'E1', '2023-12-01 10:00', 'converted', '2023-12-15 10:00');
INSERT INTO opportunities (opportunity_id, customer_id, owner_employee_id, product_id, stage, amount, probability, created_at, closed_at, loss_reason) VALUES
  ('OP1', 'C1', 'E1', 'P1', 'won', 10000, 1, '2024-01-10 00:00', '2024-02-09 00:00', NULL),
  ('OP2', 'C2', 'E1', 'P2', 'lost', 5000, 0, '2024-01-20 00:00', '2024-03-05 00:00', '价格'),
  ('OP3', 'C3', 'E2', 'P1', 'won', 20000, 1, '2024-02-01 00:00', '2024-03-11 00:00', NULL),
  ('OP4', 'C4', 'E2', 'P2', 'negotiation', 8000, 0.6, '2024-03-01 00:00', NULL, NULL),
  ('OP5', 'C3', 'E2', 'P3', 'proposal', 4000, 0.25, '2024-03-15 00:00', NULL, NULL),
  ('OP6', 'C1', 'E1', 'P1', 'won', 6000, 1, '2023-10-01 00:00', '2024-01-15 00:00', NULL),
  ('OP7', 'C2', 'E1', 'P3', NULL, 1000, NULL, '2024-02-10 00:00', NULL, NULL),
  ('OP8', 'C4', 'E2', 'P2', 'lost', 3000, 0, '2023-12-01 00:00', '2023-12-20 00:00', '竞品');
INSERT INTO contracts (contract_id, opportunity_id, customer_id, owner_employee_id, signed_at, start_date, end_date, amount, status) VALUES
  ('KC1', 'OP1', 'C1', 'E1', '2024-02-10 10:00', '2024-02-10', '2025-02-09', 10000, 'active'),
  ('KC2', 'OP3', 'C3', 'E2', '2024-03-12 10:00', '2024-03-12', '2025-03-11', 20000, 'active'),
  ('KC3', 'OP6', 'C1', 'E1', '2024-01-16 10:00', '2024-01-16', '2024-12-31', 6000, 'completed');
INSERT INTO receivables (receivable_id, contract_id, customer_id, due_date, amount, instalment) VALUES
  ('RV1', 'KC1', 'C1', '2024-02-20', 5000, 1),
  ('RV2', 'KC1', 'C1', '2024-05-20', 5000, 2),
  ('RV3', 'KC2', 'C3', '2024-03-20', 20000, 1),
  ('RV4', 'KC3', 'C1', '2024-01-31', 6000, 1);
INSERT INTO payments (payment_id, receivable_id, contract_id, customer_id, received_at, amount, method) VALUES
  ('PY1', 'RV1', 'KC1', 'C1', '2024-02-18 10:00', 5000, '银行转账'),
  ('PY2', 'RV3', 'KC2', 'C3', '2024-03-22 10:00', 8000, '银行转账'),
  ('PY3', 'RV3', 'KC2', 'C3', '2024-04-02 10:00', 2000, '支付宝'),
  ('PY4', 'RV4', 'KC3', 'C1', '2024-01-30 10:00', 6000, '银行转账');
INSERT INTO activities (activity_id, employee_id, customer_id, opportunity_id, kind, occurred_at, duration_min) VALUES
  ('A1', 'E1', 'C1', 'OP1', 'call', '2024-01-08 10:00', 30),
  ('A2', 'E1', 'C2', 'OP2', 'visit', '2024-01-22 14:00', 90),
  ('A3', 'E2', 'C3', 'OP3', 'meeting', '2024-02-05 15:00', 60),
  ('A4', 'E2', 'C4', 'OP4', 'call', '2024-03-02 11:00', 15),
  ('A5', 'E3', NULL, NULL, 'work_log', '2024-03-10 18:00', NULL),
  ('A6', 'E1', 'C1', NULL, 'email', '2024-02-15 09:00', 5),
  ('A7', 'E1', 'C1', NULL, 'call', '2023-12-28 10:00', 10);
INSERT INTO service_tickets (ticket_id, customer_id, kind, channel, category, opened_at, resolved_at, status, satisfaction, employee_id) VALUES
  ('T1', 'C1', 'complaint', 'tmall', '物流', '2024-01-10 09:00', '2024-01-10 15:00', 'resolved', 2, 'E3'),
  ('T2', 'C2', 'consultation', 'jd', '售前', '2024-01-25 10:00', '2024-01-25 11:00', 'closed', 5, 'E3'),
  ('T3', 'C3', 'complaint', 'tmall', '质量', '2024-02-12 08:00', '2024-02-13 08:00', 'resolved', NULL, 'E3'),
  ('T4', 'C4', 'suggestion', 'jd', '产品', '2024-03-03 10:00', NULL, 'open', NULL, 'E3'),
  ('T5', 'C1', 'praise', 'tmall', '服务', '2024-03-20 12:00', '2024-03-20 14:00', 'closed', 4, 'E3'),
  ('T6', 'C2', 'complaint', 'jd', '物流', '2023-12-15 12:00', '2023-12-16 12:00', 'closed', 1, 'E3');
INSERT INTO campaign_touches (campaign_id, customer_id, touched_at, channel, responded_at, response, order_id) VALUES
  ('K1', 'C1', '2024-01-02 10:00', 'tmall', '2024-01-05 09:00', 'purchase', 'O2'),
  ('K1', 'C2', '2024-01-02 10:00', 'tmall', '2024-01-02 12:00', 'open', NULL),
  ('K1', 'C3', '2024-02-10 10:00', 'tmall', '2024-02-10 11:00', 'click', 'O5'),
  ('K1', 'C4', '2024-01-03 10:00', 'tmall', NULL, 'none', NULL),
  ('K2', 'C3', '2024-03-10 10:00', 'sms', '2024-03-15 10:00', 'purchase', NULL),
  ('K2', 'C1', '2024-03-10 10:00', 'sms', '2024-03-10 10:05', 'unsubscribe', NULL),
  ('K2', 'C5', '2024-03-11 10:00', 'sms', NULL, NULL, NULL),
  ('K0', 'C1', '2023-12-02 10:00', 'wechat', NULL, 'purchase', 'O1');
INSERT INTO interactions (event_id, customer_id, kind, channel, occurred_at, product_id, points, referred_customer_id) VALUES
  ('I1', 'C1', 'visit', 'app', '2024-01-03 08:00', NULL, 1, NULL),
  ('I2', 'C1', 'browse', 'app', '2024-01-03 08:05', 'P1', NULL, NULL),
  ('I3', 'C2', 'favourite', 'tmall', '2024-02-11 21:00', 'P2', NULL, NULL),
  ('I4', 'C3', 'referral', 'wechat', '2024-02-20 20:00', NULL, 50, 'C4'),
  ('I5', 'C3', 'share', 'wechat', '2024-03-01 20:00', 'P1', 5, NULL),
  ('I6', NULL, 'visit', 'web', '2024-03-05 10:00', NULL, NULL, NULL),
  ('I7', 'C1', 'referral', 'app', '2023-11-20 10:00', NULL, 50, 'C2');
INSERT INTO points_ledger (entry_id, customer_id, occurred_at, points, kind, order_id, reason) VALUES
  ('PL1', 'C1', '2024-01-05 10:00', 200, 'earn', 'O2', '下单得积分'),
  ('PL2', 'C3', '2024-02-14 23:00', 300, 'earn', 'O5', '下单得积分'),
  ('PL3', 'C1', '2024-02-20 10:00', -100, 'redeem', NULL, '积分兑换'),
  ('PL4', 'C3', '2024-03-01 10:00', -50, NULL, NULL, '积分抵现'),
  ('PL5', 'C2', '2024-03-31 23:59', -30, 'expire', NULL, '积分过期'),
  ('PL6', 'C1', '2024-03-15 10:00', -20, 'adjust', NULL, '人工调整'),
  ('PL7', 'C1', '2023-12-10 12:00', 100, 'earn', 'O1', '下单得积分');
INSERT INTO tier_changes (customer_id, changed_at, from_tier, to_tier, reason) VALUES
  ('C1', '2024-01-05 10:00', '银卡', '金卡', '累计消费升级'),
  ('C3', '2024-02-15 10:00', NULL, '银卡', '注册');
`;

let ctx: Awaited<ReturnType<typeof tempWarehouse>>;
beforeAll(async () => {
  ctx = await tempWarehouse();
  for (const stmt of FIXTURE.split(';').map((s) => s.trim()).filter(Boolean)) await ctx.wh.run(stmt);
});
afterAll(async () => {
  await ctx.cleanup();
});

async function rows(q: Query): Promise<Row[]> {
  return (await runQuery(ctx.wh, catalog, q, { today: TODAY })).rows;
}
async function one(metrics: string[], extra: Partial<Query> = {}): Promise<Row> {
  const r = await rows({ metrics, ...extra });
  expect(r).toHaveLength(1);
  return r[0]!;
}
/** Compares a row to expected values: exact for integers and money, 9 decimals for ratios/averages, NULL as null. */
function expectRow(actual: Row, expected: Record<string, number | string | null>) {
  for (const [k, v] of Object.entries(expected)) {
    const a = actual[k];
    if (v === null || typeof v === 'string') expect(a, k).toBe(v);
    else {
      expect(typeof a, `${k} = ${String(a)}`).toBe('number');
      expect(a as number, k).toBeCloseTo(v, 9);
    }
  }
}
/** Rows keyed by a dimension: { 浙江省: {...}, … }; a NULL value is keyed '∅'. */
function byKey(rs: Row[], dim: string): Record<string, Row> {
  return Object.fromEntries(rs.map((r) => [r[dim] === null ? '∅' : String(r[dim]), r]));
}

/**
 * Q1 2024 (from 2024-01-01 to 2024-03-31), no dimensions: every built-in metric.
 */
const Q1_EXPECTED: Record<string, number | null> = {
  // --- orders (counted Q1: O2 O3 O5 O6 O7 O8 O9 O11 O13 O14 O15 O16) ---
  revenue: 1510, // 200+150+300+50+120+250+90+40+100+70+80+60
  paid_amount: 1305, // 180+150+270+50+120+225+100+70+80+60 (O9, O11 unpaid)
  discount_amount: 75, // 20+30+25
  discount_rate: 75 / 1510,
  orders: 12,
  placed_orders: 14, // + O4, O12
  cancelled_orders: 2, // O4, O12
  anonymous_orders: 2, // O6 (is_anonymous), O14 (no customer)
  aov: 1510 / 12,
  buying_customers: 6, // C1..C6 (O6 anonymous, O14 no customer)
  active_customers: 6,
  revenue_per_customer: 1510 / 6,
  new_customers: 4, // first counted order ≥ 2024-01-01: C3, C4, C5, C6 (C1's is 2023-12-10, C2's 2023-03-10)
  returning_customers: 2, // C1, C2
  new_customer_share: 4 / 6,
  returning_customer_share: 2 / 6,
  new_customer_revenue: 920, // C3 300+250+100, C4 90, C5 40, C6 80+60
  returning_customer_revenue: 470, // C1 200+120, C2 150
  repeat_customers: 3, // C1 (O2, O7; O4 cancelled), C3 (O5, O8, O13), C6 (O15, O16)
  repurchase_rate: 3 / 6,
  orders_per_customer: 10 / 6, // C1 2, C2 1, C3 3, C4 1 (O12 cancelled), C5 1, C6 2
  // churn over Q1: look back 90 days from 2024-01-01 = 2023-10-03; counted customer orders then: O1 (C1). C1 bought in Q1.
  churn_base_customers: 1,
  churned_customers: 0,
  churn_rate: 0,
  paid_orders: 11, // paid_at set: O2 O3 O5 O6 O7 O8 O12 (cancelled but paid) O13 O14 O15 O16
  payment_rate: 11 / 14,
  pay_hours: 14 / 11, // 1+2+3+0.5+1+4+1+0.5+0+0+1
  ship_days: 6 / 5, // O2 1, O3 2, O5 1, O8 1, O13 1
  receipt_days: 10 / 4, // O2 2, O3 3, O5 2, O8 3
  received_orders: 4, // O2 O3 O5 O8
  reviewed_orders: 3, // O2 O5 O8
  review_rate: 3 / 4,
  member_customers: 2, // C1 金卡, C3 银卡
  member_share: 2 / 6,
  member_revenue: 970, // C1 320 + C3 650
  member_revenue_share: 970 / 1510,
  campaign_revenue: 750, // O2 200 + O5 300 + O8 250 (O4 cancelled)
  // --- order items of counted Q1 orders: O2 P1 2×=200, O3 P2 1×=50, O3 P3 4×=100, O5 P1 3×=300, O6 P2 1×=50, O8 P2 5×=250, O13 P3 4×=100 ---
  item_revenue: 1050,
  units_sold: 20, // 2+1+4+3+1+5+4
  costed_item_revenue: 850, // P1/P2 only (P3 has no cost): 200+50+300+50+250
  gross_profit: 410, // (200-2·60)+(50-20)+(300-3·60)+(50-20)+(250-5·20) = 80+30+120+30+150
  gross_margin: 410 / 850,
  item_buyers: 3, // C1 (O2), C2 (O3), C3 (O5, O8, O13); O6 anonymous
  gross_profit_per_customer: 410 / 3,
  product_repeat_buyers: 1, // C3: 3 orders; C1: O2 only (O4 cancelled); C2: O3 only
  product_repurchase_rate: 1 / 3,
  // --- returns requested in Q1: R1 100 refunded, R2 50 rejected (out), R3 100 status NULL ---
  refunds: 200,
  refund_count: 2,
  refund_rate: 200 / 1510,
  registered_customers: 4, // C2 01-10, C3 02-15, C4 03-20, C6 03-05 (C5 is a stub, C1 registered 2023)
  procurement_amount: 1000, // PU1 600 + PU2 20×20 (amount missing)
  procurement_units: 30, // 10 + 20
  // --- B2B ---
  leads: 4, // L1..L4
  converted_leads: 2, // L1 (converted_at), L3 (status converted)
  lead_conversion_rate: 0.5,
  opportunities: 6, // created in Q1: OP1 OP2 OP3 OP4 OP5 OP7
  won_deals: 3, // closed in Q1: OP1 02-09, OP3 03-11, OP6 01-15
  lost_deals: 1, // OP2 03-05
  win_rate: 3 / 4,
  won_amount: 36000, // 10000+20000+6000
  avg_deal_size: 12000,
  sales_cycle_days: (30 + 39 + 106) / 3, // OP1 01-10→02-09 30d, OP3 02-01→03-11 39d, OP6 2023-10-01→2024-01-15 106d
  open_opportunities: 3, // OP4 negotiation, OP5 proposal, OP7 stage NULL
  pipeline_amount: 13000, // 8000+4000+1000
  weighted_pipeline: 5800, // 8000·0.6 + 4000·0.25 + 1000·0 (probability NULL)
  contracts: 3,
  contract_amount: 36000,
  receivable_amount: 31000, // due in Q1: RV1 5000, RV3 20000, RV4 6000
  received_amount: 19000, // received in Q1: PY1 5000, PY2 8000, PY4 6000
  collection_rate: 19000 / 31000,
  overdue_amount: 10000, // RV3: 20000 − (8000+2000) paid by today (2024-04-15); RV1, RV4 fully paid
  overdue_receivables: 1,
  activities: 6, // A1..A6
  calls: 2, // A1, A4
  visits: 1,
  meetings: 1,
  work_logs: 1,
  active_reps: 3, // E1, E2, E3
  activities_per_rep: 2,
  // --- service ---
  tickets: 5, // T1..T5
  complaints: 2, // T1, T3
  complaint_share: 2 / 5,
  resolved_tickets: 4, // T1 T2 T3 T5
  resolution_rate: 4 / 5,
  resolution_hours: (6 + 1 + 24 + 2) / 4,
  complaint_resolution_hours: (6 + 24) / 2,
  satisfaction: (2 + 5 + 4) / 3,
  // --- marketing ---
  campaigns: 2, // K1 01-01, K2 03-01
  campaign_cost: 300,
  touches: 7, // K0's touch is 2023-12-02
  reach: 5, // C1 C2 C3 C4 C5
  responses: 4, // purchase, open, click, purchase (unsubscribe, none, NULL are not)
  response_rate: 4 / 7,
  conversions: 3, // C1 purchase, C3 click + attributed order O5, C3 purchase
  conversion_rate: 3 / 7,
  converted_customers: 2, // C1, C3
  cac: 300 / 2,
  roi: (750 - 300) / 300,
  interactions: 6, // I1..I6
  interacting_customers: 3, // C1 C2 C3 (I6 has no customer)
  referrals: 1, // I4
  points_earned: 500, // 200 + 300
  points_redeemed: 150, // PL3 −100 redeem, PL4 −50 kind NULL
  points_expired: 30, // PL5
  points_net: 300, // 200+300−100−50−30−20
};

describe('every built-in metric over Q1 2024, by hand', () => {
  it('has a hand-computed expectation for every metric of the catalog', () => {
    expect(Object.keys(Q1_EXPECTED).sort()).toEqual([...catalog.metrics.keys()].sort());
  });

  it('matches all of them in one query', async () => {
    expectRow(await one(Object.keys(Q1_EXPECTED), Q1), Q1_EXPECTED);
  });

  it('matches each metric asked for on its own (no cross-talk between fact groups)', async () => {
    for (const [k, v] of Object.entries(Q1_EXPECTED)) expectRow(await one([k], Q1), { [k]: v });
  });
});

describe('whole history (no period)', () => {
  it('order and customer metrics', async () => {
    expectRow(await one(['revenue', 'orders', 'buying_customers', 'new_customers', 'returning_customers', 'repeat_customers', 'refunds', 'won_deals', 'lost_deals', 'win_rate', 'points_net', 'touches', 'campaign_cost']), {
      revenue: 1670, // 1510 + O1 100 + O10 60
      orders: 14,
      buying_customers: 6,
      new_customers: 6, // no period: everyone's first order is in "the period"
      returning_customers: 0,
      repeat_customers: 4, // C1 (O1 O2 O7), C2 (O3 O10), C3, C6
      refunds: 230, // + R4 30
      won_deals: 3,
      lost_deals: 2, // + OP8 (2023-12-20)
      win_rate: 3 / 5,
      points_net: 400, // + PL7 100
      touches: 8,
      campaign_cost: 350,
    });
  });

  it('churn with no period takes the span of the orders (2023-03-10 … 2024-03-28) and has nothing to look back on', async () => {
    // look back from 2023-03-10: 2022-12-10 … 2023-03-09 holds no orders
    expectRow(await one(['churn_base_customers', 'churned_customers', 'churn_rate']), { churn_base_customers: 0, churned_customers: 0, churn_rate: null });
  });
});

describe('by month (Q1 2024), with a grand total', () => {
  it('sales, new/returning split and repurchase per month; the total is the whole quarter, not the sum of months', async () => {
    const rs = await rows({ metrics: ['revenue', 'orders', 'buying_customers', 'new_customers', 'returning_customers', 'repeat_customers', 'repurchase_rate', 'orders_per_customer', 'aov'], dimensions: ['month'], ...Q1, totals: true });
    expect(rs.map((r) => r.month)).toEqual(['2024-01', '2024-02', '2024-03', null]);
    const [jan, feb, mar, total] = rs as [Row, Row, Row, Row];
    // Jan: O2 C1 200, O3 C2 150, O11 C5 40. C5's first order is in January; C1, C2 bought before.
    expectRow(jan, { revenue: 390, orders: 3, buying_customers: 3, new_customers: 1, returning_customers: 2, repeat_customers: 0, repurchase_rate: 0, orders_per_customer: 1, aov: 130 });
    // Feb: O5 C3 300, O6 anonymous 50 (O4 cancelled). C3's first order.
    expectRow(feb, { revenue: 350, orders: 2, buying_customers: 1, new_customers: 1, returning_customers: 0, repeat_customers: 0, repurchase_rate: 0, orders_per_customer: 1, aov: 175 });
    // Mar: O7 C1 120, O8 C3 250, O9 C4 90, O13 C3 100, O14 70, O15 C6 80, O16 C6 60 (O12 cancelled).
    // buyers C1 C3 C4 C6; new C4 (03-25) and C6 (03-05); repeat C3 (O8 O13) and C6 (O15 O16); orders per buyer (1+2+1+2)/4
    expectRow(mar, { revenue: 770, orders: 7, buying_customers: 4, new_customers: 2, returning_customers: 2, repeat_customers: 2, repurchase_rate: 0.5, orders_per_customer: 1.5, aov: 110 });
    expect(total._grouping).toBe(1);
    expectRow(total, { revenue: 1510, orders: 12, buying_customers: 6, new_customers: 4, returning_customers: 2, repeat_customers: 3, repurchase_rate: 0.5, orders_per_customer: 10 / 6, aov: 1510 / 12 });
  });

  it('a new customer is new in the month of the first order only', async () => {
    // C3: new in February (O5), returning in March (O8, O13)
    const rs = byKey(await rows({ metrics: ['new_customers', 'new_customer_revenue', 'returning_customer_revenue'], dimensions: ['month'], ...Q1, filters: [{ dimension: 'customer', op: 'eq', values: ['C3'] }] }), 'month');
    expectRow(rs['2024-02']!, { new_customers: 1, new_customer_revenue: 300, returning_customer_revenue: 0 });
    expectRow(rs['2024-03']!, { new_customers: 0, new_customer_revenue: 0, returning_customer_revenue: 350 });
  });

  it('item and B2B metrics per month', async () => {
    const rs = byKey(await rows({ metrics: ['item_revenue', 'gross_profit', 'won_deals', 'won_amount', 'receivable_amount', 'received_amount', 'tickets', 'points_earned'], dimensions: ['month'], ...Q1 }), 'month');
    // Jan: items O2 200 + O3 150, profit 80+30; won OP6 6000; due RV4 6000; received PY4 6000; tickets T1 T2; points PL1 200
    expectRow(rs['2024-01']!, { item_revenue: 350, gross_profit: 110, won_deals: 1, won_amount: 6000, receivable_amount: 6000, received_amount: 6000, tickets: 2, points_earned: 200 });
    // Feb: items O5 300 + O6 50, profit 120+30; won OP1 10000; due RV1 5000; received PY1 5000; ticket T3; points PL2 300
    expectRow(rs['2024-02']!, { item_revenue: 350, gross_profit: 150, won_deals: 1, won_amount: 10000, receivable_amount: 5000, received_amount: 5000, tickets: 1, points_earned: 300 });
    // Mar: items O8 250 + O13 100, profit 150; won OP3 20000; due RV3 20000; received PY2 8000; tickets T4 T5; no points earned
    expectRow(rs['2024-03']!, { item_revenue: 350, gross_profit: 150, won_deals: 1, won_amount: 20000, receivable_amount: 20000, received_amount: 8000, tickets: 2, points_earned: 0 });
  });
});

describe('by a category dimension', () => {
  it('province: the customer’s (lead’s, for leads)', async () => {
    const rs = byKey(await rows({ metrics: ['revenue', 'buying_customers', 'new_customers', 'refunds', 'registered_customers', 'leads', 'converted_leads', 'member_revenue'], dimensions: ['province'], ...Q1 }), 'province');
    expect(Object.keys(rs).sort()).toEqual(['上海市', '广东省', '浙江省', '∅'].sort());
    // 浙江: C1 200+120, C2 150, C5 40; new C5; refunds R3 100; registered C2; leads L1 L2 (L1 converted); member C1 320
    expectRow(rs['浙江省']!, { revenue: 510, buying_customers: 3, new_customers: 1, refunds: 100, registered_customers: 1, leads: 2, converted_leads: 1, member_revenue: 320 });
    // 广东: C3 300+250+100, C4 90; new C3 C4; refunds R1 100; registered C3 C4; leads L3 (converted) L4; member C3 650
    expectRow(rs['广东省']!, { revenue: 740, buying_customers: 2, new_customers: 2, refunds: 100, registered_customers: 2, leads: 2, converted_leads: 1, member_revenue: 650 });
    // 上海: C6 80+60
    expectRow(rs['上海市']!, { revenue: 140, buying_customers: 1, new_customers: 1, refunds: 0, registered_customers: 1, leads: 0, member_revenue: 0 });
    // no customer: O6 50 + O14 70
    expectRow(rs['∅']!, { revenue: 120, buying_customers: 0, new_customers: 0 });
  });

  it('channel: the order’s, the ticket’s, the touch’s', async () => {
    const rs = byKey(await rows({ metrics: ['revenue', 'orders', 'cancelled_orders', 'tickets', 'complaints', 'touches', 'conversions', 'interactions'], dimensions: ['channel'], ...Q1 }), 'channel');
    // tmall: O2 200, O5 300, O8 250, O11 40, O13 100 (O4 cancelled); tickets T1 T3 T5; touches: K1's four; no interactions
    expectRow(rs.tmall!, { revenue: 890, orders: 5, cancelled_orders: 1, tickets: 3, complaints: 2, touches: 4, conversions: 2, interactions: 1 });
    // jd: O3 150, O6 50, O7 120, O9 90 (O12 cancelled); tickets T2 T4
    expectRow(rs.jd!, { revenue: 410, orders: 4, cancelled_orders: 1, tickets: 2, complaints: 0, touches: 0, interactions: 0 });
    expectRow(rs.wechat!, { revenue: 140, orders: 2, interactions: 2 }); // O15 O16; I4 I5
    expectRow(rs.store!, { revenue: 70, orders: 1 }); // O14
    expectRow(rs.sms!, { revenue: 0, touches: 3, conversions: 1 }); // K2's three touches, C3 purchase
    expectRow(rs.app!, { interactions: 2 }); // I1 I2
  });

  it('category: product sales, profit and repeat buyers per category', async () => {
    const rs = byKey(await rows({ metrics: ['item_revenue', 'units_sold', 'gross_profit', 'gross_margin', 'item_buyers', 'product_repeat_buyers', 'product_repurchase_rate', 'refunds', 'procurement_amount', 'opportunities'], dimensions: ['category'], ...Q1 }), 'category');
    // 服装 (P1, P2): O2 200, O3 50, O5 300, O6 50, O8 250 → 850, units 2+1+3+1+5 = 12, profit 410; buyers C1 C2 C3, repeat C3 (O5, O8)
    // refunds R1 P1 100 + R3 P1 100; purchases PU1 600 + PU2 400; opportunities created in Q1 on P1/P2: OP1 OP2 OP3 OP4
    expectRow(rs['服装']!, { item_revenue: 850, units_sold: 12, gross_profit: 410, gross_margin: 410 / 850, item_buyers: 3, product_repeat_buyers: 1, product_repurchase_rate: 1 / 3, refunds: 200, procurement_amount: 1000, opportunities: 4 });
    // 美妆 (P3, no cost): O3 100, O13 100; buyers C2, C3, each once; opportunities OP5 OP7
    expectRow(rs['美妆']!, { item_revenue: 200, units_sold: 8, gross_profit: 0, gross_margin: null, item_buyers: 2, product_repeat_buyers: 0, product_repurchase_rate: 0, refunds: 0, procurement_amount: 0, opportunities: 2 });
  });

  it('rep, department, branch and manager', async () => {
    const m = ['won_deals', 'lost_deals', 'win_rate', 'won_amount', 'activities', 'overdue_amount', 'contract_amount', 'revenue'];
    const rep = byKey(await rows({ metrics: m, dimensions: ['rep'], ...Q1 }), 'rep');
    // E1: won OP1 10000 + OP6 6000, lost OP2; activities A1 A2 A6; contracts KC1 + KC3; orders of C1/C2/C5: 320+150+40
    expectRow(rep.E1!, { won_deals: 2, lost_deals: 1, win_rate: 2 / 3, won_amount: 16000, activities: 3, overdue_amount: 0, contract_amount: 16000, revenue: 510 });
    // E2: won OP3 20000; activities A3 A4; overdue RV3 (contract KC2) 10000; orders of C3/C4: 650+90
    expectRow(rep.E2!, { won_deals: 1, lost_deals: 0, win_rate: 1, won_amount: 20000, activities: 2, overdue_amount: 10000, contract_amount: 20000, revenue: 740 });
    expectRow(rep.E3!, { won_deals: 0, win_rate: null, activities: 1 });
    expectRow(rep['∅']!, { revenue: 260 }); // C6 140 (no owner) + O6 50 + O14 70

    const dept = byKey(await rows({ metrics: ['activities', 'won_amount'], dimensions: ['department'], ...Q1 }), 'department');
    expectRow(dept['杭州销售一部']!, { activities: 3, won_amount: 16000 });
    expectRow(dept['广州销售部']!, { activities: 2, won_amount: 20000 });
    expectRow(dept['广州分公司']!, { activities: 1, won_amount: 0 }); // E3 sits in the branch itself

    const branch = byKey(await rows({ metrics: ['activities', 'won_amount', 'win_rate'], dimensions: ['branch'], ...Q1 }), 'branch');
    expect(Object.keys(branch).sort()).toEqual(['广州分公司', '杭州分公司'].sort());
    expectRow(branch['杭州分公司']!, { activities: 3, won_amount: 16000, win_rate: 2 / 3 });
    expectRow(branch['广州分公司']!, { activities: 3, won_amount: 20000, win_rate: 1 }); // E2 2 + E3 1

    const mgr = await rows({ metrics: ['activities', 'won_deals', 'lost_deals'], dimensions: ['manager'], ...Q1 });
    expect(mgr).toHaveLength(1);
    expectRow(mgr[0]!, { manager: '王经理', activities: 6, won_deals: 3, lost_deals: 1 });
  });
});

describe('other groupings', () => {
  it('weekday (ISO, 1 = Monday) of the March orders', async () => {
    // 03-01 Fri O7 120, 03-05 Tue O14 70 + O15 80, 03-15 Fri O8 250, 03-20 Wed O16 60, 03-25 Mon O9 90, 03-28 Thu O13 100
    const rs = await rows({ metrics: ['revenue'], dimensions: ['weekday'], from: '2024-03-01', to: '2024-03-31' });
    expect(rs.map((r) => [r.weekday, r.revenue])).toEqual([[1, 90], [2, 150], [3, 60], [4, 100], [5, 370]]);
  });

  it('a store’s province for procurement, the campaign’s channel for campaign cost', async () => {
    const prov = byKey(await rows({ metrics: ['procurement_amount'], dimensions: ['province'], ...Q1 }), 'province');
    expectRow(prov['浙江省']!, { procurement_amount: 600 }); // PU1 → S1 杭州湖滨店
    expectRow(prov['广东省']!, { procurement_amount: 400 }); // PU2 → S2
    const ch = byKey(await rows({ metrics: ['campaign_cost', 'campaigns'], dimensions: ['channel'], ...Q1 }), 'channel');
    expect(Object.keys(ch).sort()).toEqual(['sms', 'tmall']);
    expectRow(ch.tmall!, { campaign_cost: 200, campaigns: 1 });
    expectRow(ch.sms!, { campaign_cost: 100, campaigns: 1 });
  });

  it('quarter with yoy and a total', async () => {
    const rs = await rows({ metrics: ['revenue', 'buying_customers'], dimensions: ['quarter'], from: '2024-01-01', to: '2024-03-31', compare: 'yoy', totals: true });
    // 2023-Q1: O10 C2 60
    expectRow(rs.find((r) => r.quarter === '2024-Q1')!, { revenue: 1510, revenue__prev: 60, buying_customers: 6, buying_customers__prev: 1 });
    expectRow(rs.find((r) => r._grouping === 1)!, { revenue: 1510, revenue__prev: 60 });
  });
});

describe('comparisons', () => {
  it('yoy: March 2024 against March 2023', async () => {
    const r = await one(['revenue', 'orders', 'buying_customers', 'repurchase_rate'], { from: '2024-03-01', to: '2024-03-31', compare: 'yoy' });
    // 2023-03: O10 C2 60
    expectRow(r, { revenue: 770, revenue__prev: 60, revenue__change: (770 - 60) / 60, orders: 7, orders__prev: 1, buying_customers: 4, buying_customers__prev: 1, repurchase_rate: 0.5, repurchase_rate__prev: 0, repurchase_rate__change: 0.5 });
  });

  it('yoy by month: each month against the same month a year before', async () => {
    const rs = byKey(await rows({ metrics: ['revenue'], dimensions: ['month'], from: '2024-03-01', to: '2024-03-31', compare: 'yoy' }), 'month');
    expectRow(rs['2024-03']!, { revenue: 770, revenue__prev: 60 });
  });

  it('mom by month: February against all of January (31 days, though February has 29)', async () => {
    const rs = await rows({ metrics: ['revenue', 'orders', 'buying_customers'], dimensions: ['month'], from: '2024-02-01', to: '2024-02-29', compare: 'mom' });
    expect(rs).toHaveLength(1);
    // January: O2 200 (01-05), O11 40 (01-15), O3 150 (01-30)
    expectRow(rs[0]!, { month: '2024-02', revenue: 350, revenue__prev: 390, revenue__change: (350 - 390) / 390, orders: 2, orders__prev: 3, buying_customers: 1, buying_customers__prev: 3 });
  });

  it('mom by month over two months: each month against the one before', async () => {
    const rs = byKey(await rows({ metrics: ['revenue', 'won_amount'], dimensions: ['month'], ...Q1, compare: 'mom' }), 'month');
    expectRow(rs['2024-01']!, { revenue: 390, revenue__prev: 100, won_amount: 6000, won_amount__prev: 0 }); // Dec 2023: O1 100
    expectRow(rs['2024-02']!, { revenue: 350, revenue__prev: 390, won_amount: 10000, won_amount__prev: 6000 });
    expectRow(rs['2024-03']!, { revenue: 770, revenue__prev: 350, won_amount: 20000, won_amount__prev: 10000 });
  });

  it('mom without a time dimension: whole months step back by months (March → February)', async () => {
    // February 2024: O4 cancelled, O5 300 + O6 50 = 350
    expectRow(await one(['revenue'], { from: '2024-03-01', to: '2024-03-31', compare: 'mom' }), { revenue: 770, revenue__prev: 350 });
  });

  it('mom without a time dimension: other periods compare with the days of equal length just before', async () => {
    // 2024-03-10…03-31 (22 days): O8 250 + O9 90 + O13 100 + O16 60 = 500 (O12 cancelled);
    // the 22 days before, 02-17…03-09: O6 50 + O7 120 + O14 70 + O15 80 = 320
    expectRow(await one(['revenue'], { from: '2024-03-10', to: '2024-03-31', compare: 'mom' }), { revenue: 500, revenue__prev: 320 });
  });
});

describe('totals and subtotals', () => {
  it('subtotals by province and channel', async () => {
    const rs = await rows({ metrics: ['revenue', 'buying_customers'], dimensions: ['province', 'channel'], ...Q1, subtotals: true });
    const detail = rs.filter((r) => r._grouping === 0);
    const sub = rs.filter((r) => r._grouping === 1);
    const grand = rs.filter((r) => r._grouping === 3);
    const k = (r: Row) => `${String(r.province)}/${String(r.channel)}`;
    expect(Object.fromEntries(detail.map((r) => [k(r), r.revenue]))).toEqual({
      '浙江省/tmall': 240, // O2 200 + O11 40
      '浙江省/jd': 270, // O3 150 + O7 120
      '广东省/tmall': 650, // O5 O8 O13
      '广东省/jd': 90, // O9
      '上海市/wechat': 140,
      'null/jd': 50, // O6
      'null/store': 70, // O14
    });
    expect(Object.fromEntries(sub.map((r) => [String(r.province), [r.revenue, r.buying_customers]]))).toEqual({ 浙江省: [510, 3], 广东省: [740, 2], 上海市: [140, 1], null: [120, 0] });
    expect(grand).toHaveLength(1);
    expectRow(grand[0]!, { revenue: 1510, buying_customers: 6 });
    // the subtotal of a province follows its detail rows
    const order = rs.map((r) => `${r._grouping}:${String(r.province)}`);
    expect(order.indexOf('1:浙江省')).toBeGreaterThan(order.lastIndexOf('0:浙江省'));
    expect(order.at(-1)).toBe('3:null');
  });

  it('totals over per-customer metrics are recomputed over the whole period', async () => {
    const rs = await rows({ metrics: ['repeat_customers', 'orders_per_customer'], dimensions: ['month'], from: '2024-02-01', to: '2024-03-31', totals: true });
    const total = rs.find((r) => r._grouping === 1)!;
    // Feb–Mar: C1 O7; C3 O5 O8 O13; C4 O9; C6 O15 O16 → repeat C3, C6; orders per buyer (1+3+1+2)/4
    expectRow(total, { repeat_customers: 2, orders_per_customer: 7 / 4 });
  });

  it('totals over churn metrics grouped by month are left empty (each month has its own look-back window)', async () => {
    const rs = await rows({ metrics: ['churn_base_customers', 'churned_customers', 'revenue'], dimensions: ['month'], from: '2024-02-01', to: '2024-03-31', totals: true });
    const total = rs.find((r) => r._grouping === 1)!;
    expectRow(total, { churn_base_customers: null, churned_customers: null, revenue: 1120 }); // 350 + 770
  });
});

describe('churn', () => {
  it('March 2024: bought in the 90 days before (2023-12-02 … 2024-02-29) and not in March', async () => {
    // before: C1 (O1, O2), C2 (O3), C3 (O5), C5 (O11); in March: C1 O7, C3 O8 → churned C2, C5
    expectRow(await one(['churn_base_customers', 'churned_customers', 'churn_rate'], { from: '2024-03-01', to: '2024-03-31' }), { churn_base_customers: 4, churned_customers: 2, churn_rate: 0.5 });
  });

  it('by month: each month looks back 90 days from its own first day', async () => {
    const rs = byKey(await rows({ metrics: ['churn_base_customers', 'churned_customers', 'churn_rate'], dimensions: ['month'], from: '2024-02-01', to: '2024-03-31' }), 'month');
    // Feb: before = 2023-11-03 … 01-31: C1, C2, C5; in Feb only C3 bought (O4 cancelled) → all 3 churned
    expectRow(rs['2024-02']!, { churn_base_customers: 3, churned_customers: 3, churn_rate: 1 });
    expectRow(rs['2024-03']!, { churn_base_customers: 4, churned_customers: 2, churn_rate: 0.5 });
  });

  it('by province (March)', async () => {
    const rs = byKey(await rows({ metrics: ['churn_base_customers', 'churned_customers'], dimensions: ['province'], from: '2024-03-01', to: '2024-03-31' }), 'province');
    expectRow(rs['浙江省']!, { churn_base_customers: 3, churned_customers: 2 }); // C1 C2 C5; C2 C5 churned
    expectRow(rs['广东省']!, { churn_base_customers: 1, churned_customers: 0 }); // C3
  });

  it('yoy: March 2024 against March 2023 (nobody to lose in 2023)', async () => {
    expectRow(await one(['churned_customers'], { from: '2024-03-01', to: '2024-03-31', compare: 'yoy' }), { churned_customers: 2, churned_customers__prev: 0 });
  });

  it('churnDays comes from the catalog settings', async () => {
    const c30 = buildCatalog({ settings: { churnDays: 30 } });
    // March, 30 days back = 2024-01-31 … 02-29: C3 (O5); C3 bought in March → nothing churned
    const r = (await runQuery(ctx.wh, c30, { metrics: ['churn_base_customers', 'churned_customers'], from: '2024-03-01', to: '2024-03-31' }, { today: TODAY })).rows[0]!;
    expectRow(r, { churn_base_customers: 1, churned_customers: 0 });
  });
});

describe('a period that does not start on the first of a month, grouped by month', () => {
  const P = { from: '2024-03-10', to: '2024-03-31' } as const;
  it('revenue counts only the days of the period', async () => {
    // O8 250, O9 90, O13 100, O16 60 (O7 03-01, O14 03-05, O15 03-05 are before the 10th)
    expectRow((await rows({ metrics: ['revenue'], dimensions: ['month'], ...P }))[0]!, { revenue: 500 });
  });

  it('new customers: new means first order on or after the period start, with or without the month', async () => {
    // buyers C3, C4, C6; C6 first bought on 03-05, before the period: only C4 is new
    const expected = { buying_customers: 3, new_customers: 1, returning_customers: 2 };
    expectRow(await one(Object.keys(expected), P), expected);
    expectRow((await rows({ metrics: Object.keys(expected), dimensions: ['month'], ...P }))[0]!, expected);
  });

  it('churn: the month is clipped to the period, like every other metric', async () => {
    // before = 2023-12-11 … 03-09: C1 (O2, O7), C2, C3, C5, C6 (O15); during 03-10 … 03-31: C3, C4, C6 → C1, C2, C5 churned
    const expected = { churn_base_customers: 5, churned_customers: 3 };
    expectRow(await one(Object.keys(expected), P), expected);
    expectRow((await rows({ metrics: Object.keys(expected), dimensions: ['month'], ...P }))[0]!, expected);
  });
});

describe('filters', () => {
  it('a channel filter applies to every metric that has a channel', async () => {
    expectRow(await one(['revenue', 'buying_customers', 'repeat_customers'], { ...Q1, filters: [{ dimension: 'channel', op: 'eq', values: ['tmall'] }] }), {
      revenue: 890,
      buying_customers: 3, // C1 (O2), C3 (O5 O8 O13), C5 (O11)
      repeat_customers: 1, // C3
    });
  });

  it('a month filter, alone and with yoy', async () => {
    const f = { filters: [{ dimension: 'month', op: 'eq' as const, values: ['2024-03'] }] };
    expectRow(await one(['revenue', 'buying_customers'], f), { revenue: 770, buying_customers: 4 });
    expectRow(await one(['revenue'], { ...f, from: '2024-03-01', to: '2024-03-31', compare: 'yoy' }), { revenue: 770, revenue__prev: 60 });
  });

  it('a tier filter on customer metrics', async () => {
    expectRow(await one(['revenue', 'buying_customers'], { ...Q1, filters: [{ dimension: 'tier', op: 'not_null' }] }), { revenue: 970, buying_customers: 2 });
  });
});
