/**
 * The B2B side, built in TypeScript (it is small: at most 20,000 leads): leads → opportunities
 * (with their stage history) → contracts → receivables (instalments) → payments, sales activities,
 * and the company customers that converted leads become. Reps and branches differ in conversion
 * and deal size; some customers pay late or never.
 */
import type { Calendar } from './calendar.js';
import type { Campaign, Employee, Org, Product } from './catalog.js';
import { loadGeo, type City } from './geo.js';
import { chineseName } from './names.js';
import { Rng } from './random.js';
import { COMPANY_CORES, COMPANY_SIZES, INDUSTRIES, INDUSTRY_WORDS, LOSS_REASONS, MOBILE_PREFIXES, PAYMENT_METHODS } from './reference.js';
import { fmtDate, fmtTs, idJs, yuan, type DemoRow } from './sqlutil.js';

export const STAGES = ['prospecting', 'qualification', 'engaging', 'proposal', 'negotiation'] as const;
const STAGE_PROB = [0.1, 0.2, 0.35, 0.5, 0.7];
/** Base probability of advancing out of each stage (the last one: of winning). */
const ADVANCE = [0.8, 0.74, 0.76, 0.7, 0.62];
/** Median days spent in each stage. */
const STAGE_DAYS = [5, 9, 12, 14, 10];

export interface B2B {
  readonly companies: DemoRow[];
  readonly leads: DemoRow[];
  readonly opportunities: DemoRow[];
  readonly stages: DemoRow[];
  readonly contracts: DemoRow[];
  readonly receivables: DemoRow[];
  readonly payments: DemoRow[];
  readonly activities: DemoRow[];
  /** Lead counts per campaign index (target_size of lead-generation events). */
  readonly leadsPerCampaign: Map<number, number>;
}

/** Number of leads for a demo of n customers: n/20, capped at 20,000, and at most a quarter of the customers. */
export function leadCount(customers: number): number {
  return Math.min(20000, Math.max(Math.ceil(customers / 20), Math.min(60, Math.floor(customers / 4))));
}


interface Ctx {
  readonly rng: Rng;
  readonly cal: Calendar;
  readonly org: Org;
  readonly now: number;
}

function activeReps(ctx: Ctx, branch: number, atSec: number): Employee[] {
  return ctx.org.employees.filter(
    (e) =>
      e.role === 'sales' &&
      e.branch === branch &&
      Date.parse(`${e.hiredAt}T00:00:00Z`) / 1000 <= atSec &&
      (e.leftAt === null || Date.parse(`${e.leftAt}T00:00:00Z`) / 1000 > atSec + 30 * 86400),
  );
}

/** A business-hours timestamp on the given day (seconds), moved off weekends. */
function workTime(rng: Rng, sec: number): number {
  let day = Math.floor(sec / 86400) * 86400;
  const dow = new Date(day * 1000).getUTCDay();
  if (dow === 6) day += 2 * 86400;
  else if (dow === 0) day += 86400;
  return day + 9 * 3600 + rng.int(9 * 3600);
}

export function buildB2B(seed: number, customers: number, cal: Calendar, org: Org, products: readonly Product[], campaigns: readonly Campaign[]): B2B {
  const rng = new Rng(seed, 'b2b');
  const now = cal.nowEpoch;
  const ctx: Ctx = { rng, cal, org, now };
  const geo = loadGeo();
  const cityWeights = geo.cities.map((c) => Math.pow(c.weight, 1.4)); // companies cluster in big cities
  const b2bProducts = products.filter((p) => !p.isGift && (p.l1Name === '数码' || ['四件套', '保温杯', '茶叶', '坚果', '行李箱', '双肩包'].includes(p.l3Name)));
  const leadEvents = campaigns.filter((c) => c.kind === 'b2b_event' || c.channel === 'email' || c.channel === 'wechat');
  const out: B2B = {
    companies: [],
    leads: [],
    opportunities: [],
    stages: [],
    contracts: [],
    receivables: [],
    payments: [],
    activities: [],
    leadsPerCampaign: new Map(),
  };
  const L = leadCount(customers);
  const span = now - cal.startEpoch;
  const usedPhones = new Set<string>();
  const mobile = (): string => {
    let p: string;
    do p = `+86${rng.pick(MOBILE_PREFIXES)}${String(rng.int(100_000_000)).padStart(8, '0')}`;
    while (usedPhones.has(p));
    usedPhones.add(p);
    return p;
  };
  let oppSeq = 0;
  let arSeq = 0;
  let pmSeq = 0;
  let acSeq = 0;
  const contractsPerYear = new Map<number, number>();

  const addActivity = (rep: Employee, kind: 'call' | 'visit' | 'meeting' | 'email' | 'work_log', at: number, customerId: string | null, oppId: string | null, notes: string): void => {
    if (at > now) return;
    const leftSec = rep.leftAt ? Date.parse(`${rep.leftAt}T00:00:00Z`) / 1000 : Infinity;
    if (at >= leftSec) return;
    const duration = kind === 'call' ? 3 + rng.int(28) : kind === 'visit' ? 45 + rng.int(120) : kind === 'meeting' ? 30 + rng.int(90) : kind === 'email' ? 5 + rng.int(15) : 20 + rng.int(40);
    out.activities.push({
      activity_id: idJs('AC', ++acSeq, 7),
      employee_id: rep.id,
      customer_id: customerId,
      opportunity_id: oppId,
      kind,
      occurred_at: fmtTs(at),
      duration_min: duration,
      notes,
    });
  };

  /** Runs one opportunity through the stages; returns whether it was won and when it closed. */
  const runOpportunity = (opts: { customerId: string; leadId: string | null; rep: Employee; branchFactor: number; created: number; sizeFactor: number; upsell: boolean }): void => {
    const { customerId, leadId, rep, created } = opts;
    const oppId = idJs('OP', ++oppSeq, 6);
    const product = rng.pick(b2bProducts);
    let amount = Math.round((opts.sizeFactor * rep.dealSize * (0.6 + 0.8 * rng.next()) * (opts.upsell ? 0.7 : 1)) / 100) * 10000; // cents, whole hundreds of yuan
    const skill = rep.skill * opts.branchFactor * (opts.upsell ? 1.25 : 1);
    let t = created;
    let stage = 0;
    let outcome: 'won' | 'lost' | 'open' = 'open';
    let lossReason: string | null = null;
    let closedAt: number | null = null;
    const cycleFactor = Math.pow(Math.max(0.3, amount / 10_000_000), 0.15); // bigger deals take longer
    for (;;) {
      const entered = t;
      if (stage === 3) amount = Math.round((amount * (0.85 + 0.35 * rng.next())) / 100) * 100;
      if (stage === 4) amount = Math.round((amount * (0.9 + 0.1 * rng.next())) / 100) * 100;
      out.stages.push({ opportunity_id: oppId, stage: STAGES[stage], entered_at: fmtTs(entered), amount: yuan(amount), probability: STAGE_PROB[stage], loss_reason: null });
      // Activities while in this stage: better reps work their deals harder.
      const dwell = STAGE_DAYS[stage]! * cycleFactor * Math.exp(0.5 * rng.normal()) * 86400;
      const acts = Math.max(1, Math.round(rep.activity * (1 + stage * 0.6) * (0.6 + rng.next())));
      for (let a = 0; a < acts; a++) {
        const kind = stage <= 1 ? rng.weighted([['call', 5], ['email', 3], ['visit', 1]] as const) : rng.weighted([['call', 3], ['visit', 3], ['meeting', 3], ['email', 2]] as const);
        const notes = {
          call: ['电话沟通采购需求', '电话跟进项目进度', '确认决策人和预算'],
          email: ['发送产品资料', '发送报价单', '邮件确认方案细节'],
          visit: ['上门拜访，介绍产品方案', '拜访客户采购部门', '现场调研需求'],
          meeting: ['方案演示会议', '商务谈判', '技术交流会'],
          work_log: ['工作记录'],
        }[kind];
        addActivity(rep, kind, workTime(rng, entered + rng.next() * dwell), customerId, oppId, rng.pick(notes));
      }
      const next = entered + dwell;
      if (next > now) break;
      const pAdvance = Math.min(0.95, ADVANCE[stage]! * Math.pow(skill, 0.35));
      if (rng.next() >= pAdvance) {
        outcome = 'lost';
        closedAt = workTime(rng, next);
        // Early losses are mostly silence; late ones price and competitors.
        lossReason = stage <= 1 && rng.chance(0.45) ? '联系不上' : rng.weighted(LOSS_REASONS);
        break;
      }
      if (stage === STAGES.length - 1) {
        outcome = 'won';
        closedAt = workTime(rng, next);
        amount = Math.round((amount * (0.92 + 0.08 * rng.next())) / 100) * 100;
        break;
      }
      stage++;
      t = workTime(rng, next);
    }
    if (closedAt !== null && closedAt > now) {
      outcome = 'open';
      closedAt = null;
    }
    if (outcome !== 'open' && closedAt !== null) {
      out.stages.push({ opportunity_id: oppId, stage: outcome, entered_at: fmtTs(closedAt), amount: yuan(outcome === 'won' ? amount : 0), probability: outcome === 'won' ? 1 : 0, loss_reason: lossReason });
    }
    const expected = created + (45 + rng.int(60)) * cycleFactor * 86400;
    out.opportunities.push({
      opportunity_id: oppId,
      customer_id: customerId,
      lead_id: leadId,
      owner_employee_id: rep.id,
      product_id: product.id,
      stage: outcome === 'open' ? STAGES[stage] : outcome,
      amount: yuan(amount),
      probability: outcome === 'won' ? 1 : outcome === 'lost' ? 0 : STAGE_PROB[stage],
      created_at: fmtTs(created),
      expected_close_at: fmtDate(expected),
      closed_at: closedAt === null ? null : fmtTs(closedAt),
      loss_reason: lossReason,
    });
    if (outcome !== 'won' || closedAt === null) return;

    // Contract, instalments and payments.
    const signed = closedAt;
    const year = new Date(signed * 1000).getUTCFullYear();
    const seqInYear = (contractsPerYear.get(year) ?? 0) + 1;
    contractsPerYear.set(year, seqInYear);
    const contractId = `HT${year}-${String(seqInYear).padStart(4, '0')}`;
    const startDate = Math.floor((signed + (1 + rng.int(14)) * 86400) / 86400) * 86400;
    const months = rng.chance(0.7) ? 12 : 24;
    const endDate = startDate + Math.round(months * 30.4 * 86400);
    const terminated = rng.chance(0.04);
    out.contracts.push({
      contract_id: contractId,
      opportunity_id: oppId,
      customer_id: customerId,
      owner_employee_id: rep.id,
      signed_at: fmtTs(signed),
      start_date: fmtDate(startDate),
      end_date: fmtDate(endDate),
      amount: yuan(amount),
      status: terminated ? 'terminated' : endDate < now ? 'completed' : 'active',
    });
    const n = rng.weighted([[1, 35], [2, 25], [3, 15], [4, 25]] as const);
    // Payment behaviour of this customer: reliable, slow, or a bad payer.
    const behaviour = rng.weighted([['good', 70], ['slow', 20], ['bad', 10]] as const);
    const each = Math.floor(amount / n);
    for (let k = 0; k < n; k++) {
      const due = startDate + 15 * 86400 + Math.round((k * months * 30.4 * 86400) / n);
      const amt = k === n - 1 ? amount - each * (n - 1) : each;
      const arId = idJs('AR', ++arSeq, 6);
      out.receivables.push({ receivable_id: arId, contract_id: contractId, customer_id: customerId, due_date: fmtDate(due), amount: yuan(amt), instalment: k + 1 });
      if (terminated && k > 0) continue;
      let paidAt: number | null;
      if (behaviour === 'good') paidAt = due + (-7 + rng.int(13)) * 86400;
      else if (behaviour === 'slow') paidAt = due + (15 + rng.int(75)) * 86400;
      else paidAt = rng.chance(0.45) ? null : due + (30 + rng.int(120)) * 86400;
      if (paidAt === null) continue;
      paidAt = workTime(rng, Math.max(paidAt, signed + 86400));
      const method = rng.weighted(PAYMENT_METHODS);
      if (rng.chance(0.08) && amt >= 200) {
        const first = Math.round((amt * 0.6) / 100) * 100;
        const second = workTime(rng, paidAt + (10 + rng.int(40)) * 86400);
        if (paidAt <= now) out.payments.push({ payment_id: idJs('PM', ++pmSeq, 6), receivable_id: arId, contract_id: contractId, customer_id: customerId, received_at: fmtTs(paidAt), amount: yuan(first), method });
        if (second <= now) out.payments.push({ payment_id: idJs('PM', ++pmSeq, 6), receivable_id: arId, contract_id: contractId, customer_id: customerId, received_at: fmtTs(second), amount: yuan(amt - first), method });
      } else if (paidAt <= now) {
        out.payments.push({ payment_id: idJs('PM', ++pmSeq, 6), receivable_id: arId, contract_id: contractId, customer_id: customerId, received_at: fmtTs(paidAt), amount: yuan(amt), method });
      }
    }
    // Account care after signing, and sometimes an upsell.
    for (let q = 1; q <= 3; q++) addActivity(rep, rng.chance(0.5) ? 'visit' : 'call', workTime(rng, signed + q * 90 * 86400), customerId, null, '客户回访');
    if (!opts.upsell && rng.chance(0.3)) {
      const again = workTime(rng, signed + (90 + rng.int(270)) * 86400);
      if (again < now) runOpportunity({ ...opts, leadId: null, created: again, upsell: true });
    }
  };

  let companyIndex = 0;
  for (let i = 0; i < L; i++) {
    // Leads grow over time (inverse CDF of a linear ramp 1 → 2).
    const u = rng.next();
    const x = -1 + Math.sqrt(1 + 3 * u);
    const created = workTime(rng, cal.startEpoch + x * (span - 86400));
    const city: City = geo.cities[rng.weightedIndex(cityWeights)]!;
    const branch = org.branchOfProvince(city.province.prefix);
    const reps = activeReps(ctx, branch.index, created);
    const rep = reps.length ? rng.pick(reps) : org.employees.find((e) => e.role === 'sales' && e.branch === branch.index)!;
    const industry = rng.weighted(INDUSTRIES);
    const size = COMPANY_SIZES[rng.weightedIndex(COMPANY_SIZES.map((s) => s[1]))]!;
    const company = `${city.name.replace(/市$/, '')}${rng.pick(COMPANY_CORES)}${rng.pick(COMPANY_CORES)}${rng.pick(INDUSTRY_WORDS[industry] ?? ['商贸'])}有限公司`;
    const contact = chineseName(rng, () => !rng.chance(0.6));
    const source = rng.weighted([['web', 30], ['wechat', 20], ['phone', 18], ['other', 20], ['tmall', 6], ['jd', 6]] as const);
    const event = leadEvents.find((c) => created >= c.startSec && created <= c.endSec + 14 * 86400 && (c.kind === 'b2b_event' || source === 'web' || source === 'wechat'));
    const campaign = event && (event.kind === 'b2b_event' ? rng.chance(0.6) : rng.chance(0.25)) ? event : null;
    if (campaign) out.leadsPerCampaign.set(campaign.index, (out.leadsPerCampaign.get(campaign.index) ?? 0) + 1);
    const leadId = idJs('L', i + 1, 6);
    const contacted = created + (0.2 + rng.exp(1.5)) * 86400;
    const qualifyAt = contacted + (2 + rng.exp(6)) * 86400;
    const pQualify = Math.min(0.9, 0.5 * Math.pow(rep.skill, 0.5) * branch.factor * (campaign?.kind === 'b2b_event' ? 1.2 : 1));
    let status: string;
    let convertedAt: number | null = null;
    let customerId: string | null = null;
    if (contacted > now || rng.chance(0.08)) status = 'new';
    else if (qualifyAt > now) status = 'contacted';
    else if (rng.next() < pQualify) {
      status = 'converted';
      convertedAt = workTime(rng, qualifyAt);
      if (convertedAt > now) {
        status = 'qualified';
        convertedAt = null;
      }
    } else status = 'disqualified';
    if (status !== 'new') addActivity(rep, 'call', workTime(rng, contacted), null, null, `首次联系线索 ${leadId}`);
    if (convertedAt !== null) {
      customerId = `${COMPANY_MARK}${companyIndex++}`;
      const companySize = size;
      const revenue = Math.round(companySize[2] + (companySize[3] - companySize[2]) * Math.pow(rng.next(), 2)) * 10000;
      const district = city.districts.length ? rng.pick(city.districts) : null;
      out.companies.push({
        customer_id: customerId,
        kind: 'company',
        name: company,
        phone: mobile(),
        email: rng.chance(0.6) ? `purchase${companyIndex}@${['corp', 'biz', 'ent'][rng.int(3)]}${companyIndex}.com.cn` : null,
        province: city.province.name,
        province_code: city.province.code,
        city: city.name,
        city_code: city.code,
        district: district?.name ?? null,
        district_code: district?.code ?? null,
        industry,
        company_size: companySize[0],
        annual_revenue: yuan(revenue * 100),
        source_channel: source === 'phone' ? 'phone' : source,
        registered_at: fmtTs(convertedAt),
        owner_employee_id: rep.id,
        member_tier: null,
        marketing_consent: rng.chance(0.7),
        parent_customer_id: out.companies.length > 10 && rng.chance(0.05) ? (out.companies[rng.int(out.companies.length - 1)]?.customer_id as string) : null,
        updated_at: fmtTs(convertedAt),
        is_stub: false,
      });
      const sizeFactor = { '1-49人': 30000, '50-199人': 90000, '200-999人': 260000, '1000人以上': 700000 }[companySize[0]] ?? 50000;
      runOpportunity({ customerId, leadId, rep, branchFactor: branch.factor, created: convertedAt, sizeFactor, upsell: false });
    }
    out.leads.push({
      lead_id: leadId,
      name: contact,
      company,
      phone: mobile(),
      email: rng.chance(0.4) ? `${leadId.toLowerCase()}@mail-${i % 97}.cn` : null,
      province: city.province.name,
      province_code: city.province.code,
      city: city.name,
      city_code: city.code,
      source_channel: source,
      campaign_id: campaign?.id ?? null,
      owner_employee_id: rep.id,
      created_at: fmtTs(created),
      status,
      converted_at: convertedAt === null ? null : fmtTs(convertedAt),
      customer_id: customerId,
    });
  }
  // Weekly work logs of every sales rep while employed.
  for (const rep of org.employees.filter((e) => e.role === 'sales' || (e.role === 'manager' && e.branch >= 0))) {
    const hired = Math.max(cal.startEpoch, Date.parse(`${rep.hiredAt}T00:00:00Z`) / 1000);
    const firstFriday = hired + ((5 - new Date(hired * 1000).getUTCDay() + 7) % 7) * 86400;
    for (let t = firstFriday; t <= now; t += 7 * 86400) {
      if (rng.chance(0.15 / rep.activity)) continue; // not everyone writes every week
      addActivity(rep, 'work_log', t + 17 * 3600 + rng.int(3 * 3600), null, null, '本周工作总结');
    }
  }
  // Companies take the last customer numbers: C{n-k+1} .. C{n}.
  const first = customers - out.companies.length + 1;
  const fix = (rows: DemoRow[], fields: readonly string[]): void => {
    for (const r of rows)
      for (const f of fields) {
        const v = r[f];
        if (typeof v === 'string' && v.startsWith(COMPANY_MARK)) r[f] = idJs('C', first + Number(v.slice(COMPANY_MARK.length)), 7);
      }
  };
  fix(out.companies, ['customer_id', 'parent_customer_id']);
  for (const rows of [out.leads, out.opportunities, out.contracts, out.receivables, out.payments, out.activities]) fix(rows, ['customer_id']);
  return out;
}

const COMPANY_MARK = '#company:';
