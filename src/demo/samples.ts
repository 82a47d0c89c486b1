/**
 * Dirty sample files for tests and the README: `writeSamples(dir)` writes them, with a README.md
 * whose counts come from this generator's own bookkeeping (not from importing the files).
 * Run `node dist/src/demo/samples.js [dir]` (default ./samples) to regenerate the checked-in copies.
 *
 * Everything is deterministic (fixed seed); only the zip container of orders.xlsx carries write times.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { chineseName } from './names.js';
import { Rng } from './random.js';

const SEED = 20240607;

/** What is in each file, counted while writing it. */
export interface SampleManifest {
  customers: {
    file: string;
    rows: number;
    uniqueIds: number;
    exactDuplicateRows: number;
    exactDuplicateIds: string[];
    conflictingIds: string[];
    phones: {
      plain: number;
      spacedPlus86: number;
      dashed: number;
      prefixed86: number;
      fullWidth: number;
      empty: number;
      invalid: number;
      invalidIds: string[];
    };
    dates: Record<string, number>;
    invalidDateIds: string[];
    provinces: Record<string, number>;
    genders: Record<string, number>;
    emails: { empty: number; valid: number; uppercase: number; invalid: number; invalidIds: string[] };
    paddedNames: number;
    traditionalNames: string[];
  };
  orders: {
    file: string;
    rows: number;
    uniqueOrders: number;
    exactDuplicateRows: number;
    orderedAt: { dateCells: number; textSlash: number; textIso: number; serialNumbers: number };
    unpaid: number;
    amounts: { numberCells: number; yuanSignText: number; yuanSuffixText: number };
    totalPaid: number;
    channels: Record<string, number>;
    members: { known: number; unknown: number; empty: number; unknownIds: string[] };
  };
  salesLines: {
    file: string;
    lines: number;
    orders: number;
    returnLines: number;
    returnOrders: string[];
    linesWithoutCustomer: number;
    ordersWithoutCustomer: number;
    floatCustomerIds: number;
    customers: number;
    products: number;
    netAmount: number;
  };
  broken: { emptyCsv: string; brokenQuote: { file: string; line: number }; missingRequired: { file: string; rows: number } };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');


function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';
const toFullWidth = (s: string): string => s.replace(/\d/g, (d) => FULL_WIDTH_DIGITS[Number(d)] ?? d);

/** Excel's serial day number of a UTC date (1900 date system). */
function excelSerial(y: number, m: number, d: number): number {
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000);
}

interface Place {
  province: string; // full name
  short: string;
  abbr: string;
  city: string; // with 市
}

const PLACES: readonly (readonly [Place, number])[] = [
  [{ province: '广东省', short: '广东', abbr: '粤', city: '广州市' }, 8],
  [{ province: '广东省', short: '广东', abbr: '粤', city: '深圳市' }, 7],
  [{ province: '上海市', short: '上海', abbr: '沪', city: '上海市' }, 6],
  [{ province: '北京市', short: '北京', abbr: '京', city: '北京市' }, 6],
  [{ province: '浙江省', short: '浙江', abbr: '浙', city: '杭州市' }, 5],
  [{ province: '江苏省', short: '江苏', abbr: '苏', city: '南京市' }, 4],
  [{ province: '江苏省', short: '江苏', abbr: '苏', city: '苏州市' }, 4],
  [{ province: '四川省', short: '四川', abbr: '川', city: '成都市' }, 5],
  [{ province: '山东省', short: '山东', abbr: '鲁', city: '青岛市' }, 4],
  [{ province: '河南省', short: '河南', abbr: '豫', city: '郑州市' }, 4],
  [{ province: '湖北省', short: '湖北', abbr: '鄂', city: '武汉市' }, 4],
  [{ province: '广西壮族自治区', short: '广西', abbr: '桂', city: '南宁市' }, 2],
  [{ province: '新疆维吾尔自治区', short: '新疆', abbr: '新', city: '乌鲁木齐市' }, 1],
];

const TIERS = ['普通会员', '银卡会员', '金卡会员', '钻石会员'];

// -------------------------------------------------------------------------------------------------
// (a) customers_gbk.csv

interface CustomerRow {
  id: string;
  name: string;
  gender: string;
  phone: string;
  email: string;
  province: string;
  city: string;
  registered: string;
  tier: string;
}

function buildCustomers(m: SampleManifest['customers']): { rows: CustomerRow[]; ids: string[] } {
  const rng = new Rng(SEED, 'customers');
  const base: CustomerRow[] = [];
  const N = 180;
  const dateForms = ['iso', 'slash', 'compact', 'chinese', 'excel_serial', 'iso_time'] as const;
  const provinceForms = ['full', 'short', 'abbr'] as const;
  const usedPhones = new Set<string>();
  for (let k = 0; k < N; k++) {
    const id = `VIP${10001 + k}`;
    const female = rng.chance(0.55);
    let nm = chineseName(rng, () => female);
    // Genders: 男/女 for most, M/F and 1/2 codes for some, and a few blanks.
    let gender: string;
    if (k % 15 === 7) gender = '';
    else if (k % 6 === 0) gender = female ? 'F' : 'M';
    else if (k % 6 === 3) gender = female ? '2' : '1';
    else gender = female ? '女' : '男';
    // Phones
    let mobile: string;
    do mobile = `1${rng.pick(['38', '39', '50', '58', '86', '88', '35', '77', '99'])}${String(rng.int(100_000_000)).padStart(8, '0')}`;
    while (usedPhones.has(mobile));
    usedPhones.add(mobile);
    let phone = mobile;
    if (k % 40 === 19) phone = toFullWidth(mobile);
    else if (k % 30 === 4) phone = `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
    else if (k % 30 === 9) phone = `${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`;
    else if (k % 30 === 14) phone = `86${mobile}`;
    // Invalid phones on fixed rows.
    const invalid: Record<number, string> = {
      11: mobile.slice(0, 10), // 10 digits
      47: mobile.slice(0, 9), // 9 digits
      62: `12${mobile.slice(2)}`, // no mobile prefix 12x
      95: `10${mobile.slice(2)}`, // no mobile prefix 10x
      118: `${mobile.slice(0, 6)}O${mobile.slice(7)}`, // letter O for zero
      141: 'N/A',
      166: '021-12345',
    };
    if (invalid[k] !== undefined) phone = invalid[k]!;
    if (k === 33 || k === 77 || k === 155) phone = '';
    // Emails
    let email = '';
    if (k % 5 === 1 || k % 5 === 3) email = `${['wang', 'li', 'zhang', 'liu', 'chen', 'yang'][k % 6]}${1000 + k}@${['qq.com', '163.com', '126.com', 'gmail.com'][k % 4]}`;
    if (k === 21 || k === 81) email = email.toUpperCase() || `USER${k}@QQ.COM`;
    if (k === 43) email = 'zhangwei@';
    if (k === 103) email = 'li.na.163.com';
    if (k === 133) email = 'wang@@qq.com';
    // Names: a few padded with spaces, two in traditional characters.
    if (k === 15 || k === 115) nm = ` ${nm} `;
    if (k === 57) nm = '陳小華';
    if (k === 129) nm = '張偉';
    const place = PLACES[rng.weightedIndex(PLACES.map((p) => p[1]))]![0];
    const pf = provinceForms[k % 3]!;
    const province = pf === 'full' ? place.province : pf === 'short' ? place.short : place.abbr;
    const city = k % 4 === 2 ? place.city.replace(/市$/, '') : place.city;
    // Registration date in one of six formats.
    const y = 2022 + rng.int(3);
    const mo = 1 + rng.int(12);
    const d = 1 + rng.int(28);
    const hh = 8 + rng.int(14);
    const mi = rng.int(60);
    const ss = rng.int(60);
    const form = dateForms[k % dateForms.length]!;
    let registered =
      form === 'iso'
        ? `${y}-${pad(mo)}-${pad(d)}`
        : form === 'slash'
          ? `${y}/${pad(mo)}/${pad(d)}`
          : form === 'compact'
            ? `${y}${pad(mo)}${pad(d)}`
            : form === 'chinese'
              ? `${y}年${mo}月${d}日`
              : form === 'excel_serial'
                ? String(excelSerial(y, mo, d))
                : `${y}-${pad(mo)}-${pad(d)} ${pad(hh)}:${pad(mi)}:${pad(ss)}`;
    if (k === 52) registered = '2023-02-30';
    if (k === 170) registered = '未知';
    const tierIdx = rng.weightedIndex([60, 22, 13, 5]);
    const tier = k % 7 === 5 ? TIERS[tierIdx]!.replace('会员', '') : TIERS[tierIdx]!;
    base.push({ id, name: nm, gender, phone, email, province, city, registered, tier });
  }

  // Exact repeats of eight rows, and conflicting repeats of four ids (new phone and tier), appended in between.
  const dupOf = [10, 20, 30, 40, 50, 60, 70, 80];
  const conflictOf = [100, 120, 140, 160];
  const rows: CustomerRow[] = [];
  for (let k = 0; k < N; k++) {
    rows.push(base[k]!);
    const dupIdx = dupOf.indexOf(k - 25);
    if (dupIdx >= 0) rows.push({ ...base[dupOf[dupIdx]!]! });
  }
  for (const k of conflictOf) {
    const b = base[k]!;
    const newPhone = `13${String(900000000 + k * 7919).slice(0, 9)}`;
    rows.push({ ...b, phone: newPhone, tier: TIERS[(TIERS.indexOf(b.tier.endsWith('会员') ? b.tier : `${b.tier}会员`) + 1) % TIERS.length]! });
  }

  // Bookkeeping
  m.rows = rows.length;
  m.uniqueIds = new Set(rows.map((r) => r.id)).size;
  m.exactDuplicateRows = dupOf.length;
  m.exactDuplicateIds = dupOf.map((k) => base[k]!.id);
  m.conflictingIds = conflictOf.map((k) => base[k]!.id);
  const ph = m.phones;
  for (const r of rows) {
    const p = r.phone;
    if (p === '') ph.empty++;
    else if (/^1\d{10}$/.test(p) && /^1[3-9]/.test(p)) ph.plain++;
    else if (p.startsWith('+86 ')) ph.spacedPlus86++;
    else if (/^1\d{2}-\d{4}-\d{4}$/.test(p)) ph.dashed++;
    else if (/^861[3-9]\d{9}$/.test(p)) ph.prefixed86++;
    else if (/^[０-９]{11}$/.test(p)) ph.fullWidth++;
    else {
      ph.invalid++;
      ph.invalidIds.push(r.id);
    }
  }
  for (const r of rows) {
    const f = /^\d{4}-\d{2}-\d{2}$/.test(r.registered)
      ? 'YYYY-MM-DD'
      : /^\d{4}\/\d{2}\/\d{2}$/.test(r.registered)
        ? 'YYYY/MM/DD'
        : /^\d{8}$/.test(r.registered)
          ? 'YYYYMMDD'
          : /^\d{4}年\d{1,2}月\d{1,2}日$/.test(r.registered)
            ? 'YYYY年M月D日'
            : /^\d{5}$/.test(r.registered)
              ? 'Excel serial'
              : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.registered)
                ? 'YYYY-MM-DD HH:MM:SS'
                : 'invalid';
    m.dates[f] = (m.dates[f] ?? 0) + 1;
  }
  // 2023-02-30 matches the ISO pattern but is no date: count it as invalid.
  const bad = rows.filter((r) => r.registered === '2023-02-30').length;
  m.dates['YYYY-MM-DD'] = (m.dates['YYYY-MM-DD'] ?? 0) - bad;
  m.dates.invalid = (m.dates.invalid ?? 0) + bad;
  m.invalidDateIds = rows.filter((r) => r.registered === '2023-02-30' || r.registered === '未知').map((r) => r.id);
  for (const r of rows) {
    const place = PLACES.find(([p]) => p.province === r.province || p.short === r.province || p.abbr === r.province)![0];
    const f = r.province === place.province ? 'full name (广东省)' : r.province === place.short ? 'short name (广东)' : 'one-character abbreviation (粤)';
    m.provinces[f] = (m.provinces[f] ?? 0) + 1;
  }
  for (const r of rows) m.genders[r.gender === '' ? '(blank)' : r.gender] = (m.genders[r.gender === '' ? '(blank)' : r.gender] ?? 0) + 1;
  for (const r of rows) {
    if (r.email === '') m.emails.empty++;
    else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.email)) {
      m.emails.invalid++;
      m.emails.invalidIds.push(r.id);
    } else if (r.email !== r.email.toLowerCase()) m.emails.uppercase++;
    else m.emails.valid++;
  }
  m.paddedNames = rows.filter((r) => r.name !== r.name.trim()).length;
  m.traditionalNames = rows.filter((r) => r.name === '陳小華' || r.name === '張偉').map((r) => `${r.id} ${r.name}`);
  return { rows, ids: base.map((b) => b.id) };
}

// -------------------------------------------------------------------------------------------------
// (b) orders.xlsx

async function buildOrders(memberIds: readonly string[], m: SampleManifest['orders']): Promise<Buffer> {
  const rng = new Rng(SEED, 'orders');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tidemark samples';
  wb.created = new Date(Date.UTC(2024, 5, 7));
  wb.modified = new Date(Date.UTC(2024, 5, 7));
  const ws = wb.addWorksheet('订单');
  ws.columns = [
    { header: '订单号', key: 'id', width: 22 },
    { header: '会员卡号', key: 'member', width: 12 },
    { header: '下单时间', key: 'ordered', width: 20 },
    { header: '付款时间', key: 'paid', width: 20 },
    { header: '实际付款金额', key: 'amount', width: 14 },
    { header: '渠道', key: 'channel', width: 8 },
  ];
  const N = 120;
  type Cell = string | number | Date | null;
  const rows: Cell[][] = [];
  let totalCents = 0;
  for (let k = 0; k < N; k++) {
    const channel = k % 5 < 2 ? '天猫' : k % 5 < 4 ? '京东' : '门店';
    const prefix = channel === '天猫' ? 'TM' : channel === '京东' ? 'JD' : 'MD';
    const id = `${prefix}2024${pad(k + 1, 6)}${rng.int(10)}`;
    let member: string | null;
    if (k % 24 === 5) member = null;
    else if (k % 12 === 11) member = `VIP2${pad(1000 + k, 4)}`;
    else member = memberIds[rng.int(memberIds.length)] ?? null;
    const mo = 1 + rng.int(6);
    const d = 1 + rng.int(28);
    const hh = rng.int(24);
    const mi = rng.int(60);
    const ss = rng.int(60);
    const orderedUtc = Date.UTC(2024, mo - 1, d, hh, mi, ss);
    let ordered: Cell;
    if (k % 10 < 7) {
      ordered = new Date(orderedUtc);
      m.orderedAt.dateCells++;
    } else if (k % 10 < 9) {
      ordered = `2024/${mo}/${d} ${pad(hh)}:${pad(mi)}`;
      m.orderedAt.textSlash++;
    } else if (k % 20 === 9) {
      ordered = `2024-${pad(mo)}-${pad(d)}T${pad(hh)}:${pad(mi)}:${pad(ss)}`;
      m.orderedAt.textIso++;
    } else {
      // A date typed as a plain number: Excel serial with a time fraction.
      ordered = Math.round(((orderedUtc - Date.UTC(1899, 11, 30)) / 86_400_000) * 1e6) / 1e6;
      m.orderedAt.serialNumbers++;
    }
    const unpaid = k % 17 === 3;
    let paid: Cell = null;
    if (unpaid) m.unpaid++;
    else {
      const lag = 30 + rng.int(3600);
      // Paid times whose order time is text stay text too (as exported by the same system).
      paid = typeof ordered === 'string' ? new Date(orderedUtc + lag * 1000).toISOString().slice(0, 19).replace('T', ' ') : new Date(orderedUtc + lag * 1000);
    }
    const cents = unpaid ? 0 : (19 + rng.int(2500)) * 100 + (rng.chance(0.3) ? 50 : 0);
    let amount: Cell;
    if (k % 10 < 5) {
      amount = cents / 100;
      m.amounts.numberCells++;
    } else if (k % 10 < 9) {
      amount = `¥${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
      m.amounts.yuanSignText++;
    } else {
      amount = `${(cents / 100).toFixed(2)}元`;
      m.amounts.yuanSuffixText++;
    }
    totalCents += cents;
    m.channels[channel] = (m.channels[channel] ?? 0) + 1;
    if (member === null) m.members.empty++;
    else if (member.startsWith('VIP2')) {
      m.members.unknown++;
      m.members.unknownIds.push(member);
    } else m.members.known++;
    rows.push([id, member, ordered, paid, amount, channel]);
  }
  // Two exact duplicate rows (an export that paged twice).
  const dups = [rows[30]!, rows[31]!];
  rows.splice(60, 0, ...dups.map((r) => [...r]));
  for (const r of rows) {
    const row = ws.addRow(r);
    const o = row.getCell(3);
    const p = row.getCell(4);
    if (o.value instanceof Date) o.numFmt = 'yyyy-mm-dd hh:mm:ss';
    if (p.value instanceof Date) p.numFmt = 'yyyy-mm-dd hh:mm:ss';
    if (typeof r[4] === 'number') row.getCell(5).numFmt = '#,##0.00';
  }
  m.rows = rows.length;
  m.uniqueOrders = N;
  m.exactDuplicateRows = dups.length;
  // Count the duplicated rows in the per-kind counts as well (they are rows of the file).
  for (const r of dups) {
    const [, member, ordered, , amount, channel] = r;
    if (ordered instanceof Date) m.orderedAt.dateCells++;
    else if (typeof ordered === 'number') m.orderedAt.serialNumbers++;
    else if (typeof ordered === 'string' && ordered.includes('T')) m.orderedAt.textIso++;
    else m.orderedAt.textSlash++;
    if (typeof amount === 'number') m.amounts.numberCells++;
    else if (typeof amount === 'string' && amount.startsWith('¥')) m.amounts.yuanSignText++;
    else m.amounts.yuanSuffixText++;
    m.channels[String(channel)] = (m.channels[String(channel)] ?? 0) + 1;
    if (member === null) m.members.empty++;
    else if (String(member).startsWith('VIP2')) m.members.unknown++;
    else m.members.known++;
  }
  m.totalPaid = totalCents / 100;
  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}

// -------------------------------------------------------------------------------------------------
// (c) sales_lines.csv

function buildSalesLines(m: SampleManifest['salesLines']): string {
  const rng = new Rng(SEED, 'sales');
  const products: readonly (readonly [string, string, number])[] = [
    ['85123A', '白色心形挂饰', 2.55],
    ['71053', '白色金属灯笼', 3.39],
    ['84406B', '奶油色丘比特衣架', 2.75],
    ['84029G', '针织国旗暖水袋', 3.39],
    ['22752', '复古风格储物罐', 7.65],
    ['21730', '玻璃星星烛台', 4.25],
    ['22633', '手提暖手宝', 1.85],
    ['84879', '彩色鸟形摆件', 1.69],
    ['22745', '布艺小鸟挂饰', 2.1],
    ['10002', '纸质派对彩灯', 0.85],
  ];
  const customers = Array.from({ length: 25 }, (_, k) => 17850 + k * 13);
  const header = '订单号,客户ID,下单时间,商品编号,商品名称,数量,单价';
  const lines: string[] = [header];
  let netCents = 0;
  const usedCustomers = new Set<number>();
  const usedProducts = new Set<string>();
  const sold: { order: string; customer: string; at: string; product: readonly [string, string, number] }[] = [];
  for (let o = 0; o < 60; o++) {
    const order = String(536365 + o);
    const anonymous = o % 20 === 7;
    const cust = customers[rng.int(customers.length)]!;
    const custText = anonymous ? '' : o % 6 === 1 ? `${cust}.0` : String(cust);
    const day = 1 + Math.floor(o / 3);
    const at = `2024-03-${pad(day)} ${pad(8 + rng.int(12))}:${pad(rng.int(60))}`;
    const n = 1 + rng.int(3);
    const chosen = rng.shuffle([...products]).slice(0, n);
    for (const p of chosen) {
      const qty = 1 + rng.int(12);
      lines.push(csvLine([order, custText, at, p[0], p[1], String(qty), p[2].toFixed(2)]));
      netCents += qty * Math.round(p[2] * 100);
      usedProducts.add(p[0]);
      if (!anonymous) usedCustomers.add(cust);
      if (anonymous) m.linesWithoutCustomer++;
      if (!anonymous && custText.endsWith('.0')) m.floatCustomerIds++;
      sold.push({ order, customer: custText, at, product: p });
    }
    if (anonymous) m.ordersWithoutCustomer++;
  }
  // Returns: negative quantities on cancellation orders C<original> a few days later.
  for (const k of [2, 9, 17, 28, 41]) {
    const s = sold[k * 2]!;
    if (s.customer === '') continue;
    const order = `C${s.order}`;
    const qty = -(1 + rng.int(2));
    const at = s.at.replace(/^2024-03-(\d\d)/, (_, d: string) => `2024-03-${pad(Number(d) + 3)}`);
    lines.push(csvLine([order, s.customer, at, s.product[0], s.product[1], String(qty), s.product[2].toFixed(2)]));
    netCents += qty * Math.round(s.product[2] * 100);
    m.returnLines++;
    m.returnOrders.push(order);
    if (s.customer.endsWith('.0')) m.floatCustomerIds++;
  }
  m.lines = lines.length - 1;
  m.orders = new Set(lines.slice(1).map((l) => l.split(',')[0])).size;
  m.customers = usedCustomers.size;
  m.products = usedProducts.size;
  m.netAmount = netCents / 100;
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

// -------------------------------------------------------------------------------------------------

function emptyManifest(): SampleManifest {
  return {
    customers: {
      file: 'customers_gbk.csv',
      rows: 0,
      uniqueIds: 0,
      exactDuplicateRows: 0,
      exactDuplicateIds: [],
      conflictingIds: [],
      phones: { plain: 0, spacedPlus86: 0, dashed: 0, prefixed86: 0, fullWidth: 0, empty: 0, invalid: 0, invalidIds: [] },
      dates: {},
      invalidDateIds: [],
      provinces: {},
      genders: {},
      emails: { empty: 0, valid: 0, uppercase: 0, invalid: 0, invalidIds: [] },
      paddedNames: 0,
      traditionalNames: [],
    },
    orders: {
      file: 'orders.xlsx',
      rows: 0,
      uniqueOrders: 0,
      exactDuplicateRows: 0,
      orderedAt: { dateCells: 0, textSlash: 0, textIso: 0, serialNumbers: 0 },
      unpaid: 0,
      amounts: { numberCells: 0, yuanSignText: 0, yuanSuffixText: 0 },
      totalPaid: 0,
      channels: {},
      members: { known: 0, unknown: 0, empty: 0, unknownIds: [] },
    },
    salesLines: {
      file: 'sales_lines.csv',
      lines: 0,
      orders: 0,
      returnLines: 0,
      returnOrders: [],
      linesWithoutCustomer: 0,
      ordersWithoutCustomer: 0,
      floatCustomerIds: 0,
      customers: 0,
      products: 0,
      netAmount: 0,
    },
    broken: { emptyCsv: 'empty.csv', brokenQuote: { file: 'broken_quote.csv', line: 4 }, missingRequired: { file: 'missing_required.csv', rows: 5 } },
  };
}

/** Writes the sample files and samples/README.md into dir; returns what is in them. */
export async function writeSamples(dir: string): Promise<SampleManifest> {
  mkdirSync(dir, { recursive: true });
  const m = emptyManifest();

  const { rows, ids } = buildCustomers(m.customers);
  const header = ['客户编号', '姓名', '性别', '手机号', '邮箱', '省份', '城市', '注册时间', '会员等级'];
  const csv = [csvLine(header), ...rows.map((r) => csvLine([r.id, r.name, r.gender, r.phone, r.email, r.province, r.city, r.registered, r.tier]))].join('\r\n') + '\r\n';
  writeFileSync(join(dir, m.customers.file), iconv.encode(csv, 'gbk'));

  writeFileSync(join(dir, m.orders.file), await buildOrders(ids, m.orders));
  writeFileSync(join(dir, m.salesLines.file), buildSalesLines(m.salesLines));

  writeFileSync(join(dir, m.broken.emptyCsv), '');
  writeFileSync(
    join(dir, m.broken.brokenQuote.file),
    ['客户编号,姓名,手机号,城市', 'VIP10001,王伟,13812345678,广州', 'VIP10002,李娜,13912345678,深圳', 'VIP10003,"张敏,13712345678,上海', 'VIP10004,刘洋,13612345678,北京', 'VIP10005,陈静,13512345678,杭州', ''].join('\n'),
  );
  writeFileSync(
    join(dir, m.broken.missingRequired.file),
    ['订单号,会员卡号,实际付款金额,渠道', 'TM20240001,VIP10001,199.00,天猫', 'TM20240002,VIP10002,59.90,天猫', 'JD20240003,VIP10003,1299.00,京东', 'MD20240004,VIP10004,88.00,门店', 'JD20240005,,35.50,京东', ''].join('\n'),
  );
  writeFileSync(join(dir, 'README.md'), readme(m));
  return m;
}

function table(rows: readonly (readonly [string, string | number])[]): string {
  return ['| what | count |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function readme(m: SampleManifest): string {
  const c = m.customers;
  const o = m.orders;
  const s = m.salesLines;
  return `# Sample files

Small, deliberately dirty files for tests and the README. They are generated by \`src/demo/samples.ts\`
(\`npm run build && node dist/src/demo/samples.js samples\`); the counts below come from the generator's
own bookkeeping, not from importing the files. Do not edit the files by hand: change the generator
and regenerate (the content is deterministic; only the zip timestamps inside orders.xlsx change).

## customers_gbk.csv — members exported from a store POS

GBK-encoded CSV (no BOM, CRLF line ends), header \`客户编号,姓名,性别,手机号,邮箱,省份,城市,注册时间,会员等级\`.
Key: 客户编号 (VIP10001 … VIP10180).

${table([
  ['data rows', c.rows],
  ['distinct 客户编号', c.uniqueIds],
  [`exact repeats (the whole row again, 25 rows later): ${c.exactDuplicateIds.join(', ')}`, c.exactDuplicateRows],
  [`conflicting repeats (same 客户编号 at the end of the file with a new 手机号 and the next 会员等级): ${c.conflictingIds.join(', ')}`, c.conflictingIds.length],
  ['手机号 plain 11 digits', c.phones.plain],
  ['手机号 "+86 138 1234 5678"', c.phones.spacedPlus86],
  ['手机号 "138-1234-5678"', c.phones.dashed],
  ['手机号 "8613812345678"', c.phones.prefixed86],
  ['手机号 in full-width digits (１３８…), valid after normalising', c.phones.fullWidth],
  ['手机号 empty', c.phones.empty],
  [`手机号 invalid (9 or 10 digits, prefix 12/10, letter O for 0, "N/A", "021-12345"): ${c.phones.invalidIds.join(', ')}`, c.phones.invalid],
  ...Object.entries(c.dates).map(([k, v]) => [`注册时间 ${k === 'invalid' ? `invalid ("2023-02-30", "未知"): ${c.invalidDateIds.join(', ')}` : k}`, v] as const),
  ...Object.entries(c.provinces).map(([k, v]) => [`省份 as ${k}`, v] as const),
  ...Object.entries(c.genders).map(([k, v]) => [`性别 ${k}`, v] as const),
  ['邮箱 empty', c.emails.empty],
  ['邮箱 valid, lower case', c.emails.valid],
  ['邮箱 valid, upper case', c.emails.uppercase],
  [`邮箱 invalid ("zhangwei@", "li.na.163.com", "wang@@qq.com"): ${c.emails.invalidIds.join(', ')}`, c.emails.invalid],
  ['姓名 with leading/trailing spaces', c.paddedNames],
  [`姓名 in traditional characters: ${c.traditionalNames.join(', ')}`, c.traditionalNames.length],
])}

Also: 城市 is written without 市 on every fourth row (广州 / 广州市); 会员等级 drops the 会员 suffix on
every seventh row (金卡 / 金卡会员). Excel serials are days since 1899-12-30 (45214 = 2023-10-15).

## orders.xlsx — orders exported from a shop back office

One sheet 订单, header \`订单号, 会员卡号, 下单时间, 付款时间, 实际付款金额, 渠道\`.

${table([
  ['data rows', o.rows],
  ['distinct 订单号', o.uniqueOrders],
  ['exact duplicate rows (rows 31–32 of the data repeated after row 60)', o.exactDuplicateRows],
  ['下单时间 as real date cells', o.orderedAt.dateCells],
  ['下单时间 as text "2024/3/5 14:22"', o.orderedAt.textSlash],
  ['下单时间 as text "2024-03-05T14:22:00"', o.orderedAt.textIso],
  ['下单时间 as a plain number (Excel serial with time fraction)', o.orderedAt.serialNumbers],
  ['unpaid orders (付款时间 empty, amount 0)', o.unpaid],
  ['实际付款金额 as number cells', o.amounts.numberCells],
  ['实际付款金额 as text "¥1,234.50" (yuan sign, thousands separator)', o.amounts.yuanSignText],
  ['实际付款金额 as text "1234.50元"', o.amounts.yuanSuffixText],
  ['sum of 实际付款金额 over distinct orders (yuan)', o.totalPaid.toFixed(2)],
  ...Object.entries(o.channels).map(([k, v]) => [`渠道 ${k}`, v] as const),
  ['会员卡号 of a customer in customers_gbk.csv', o.members.known],
  [`会员卡号 unknown to customers_gbk.csv (VIP2…; a stub customer each): ${[...new Set(o.members.unknownIds)].join(', ')}`, o.members.unknown],
  ['会员卡号 empty (anonymous orders)', o.members.empty],
])}

付款时间 follows the type of 下单时间 (date cell or text); it is always after 下单时间.

## sales_lines.csv — line items in the style of the UCI "Online Retail" data

UTF-8 with BOM, CRLF, header \`订单号,客户ID,下单时间,商品编号,商品名称,数量,单价\`; one row per line item.

${table([
  ['data lines', s.lines],
  ['orders (订单号), including return orders', s.orders],
  [`return lines (negative 数量, order number C + original): ${s.returnOrders.join(', ')}`, s.returnLines],
  ['lines without 客户ID', s.linesWithoutCustomer],
  ['orders without 客户ID', s.ordersWithoutCustomer],
  ['lines whose 客户ID is written as a float ("17850.0")', s.floatCustomerIds],
  ['distinct customers', s.customers],
  ['distinct products (商品编号)', s.products],
  ['net amount Σ 数量 × 单价 (yuan, returns negative)', s.netAmount.toFixed(2)],
])}

## Broken files (error handling)

- \`empty.csv\`: zero bytes.
- \`broken_quote.csv\`: UTF-8; line ${m.broken.brokenQuote.line} (the third data row, VIP10003) opens a quoted field that is never closed.
- \`missing_required.csv\`: ${m.broken.missingRequired.rows} orders with 订单号, 会员卡号, 实际付款金额, 渠道 but no order date column (下单时间 is required for orders).
`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? 'samples');
  writeSamples(dir)
    .then((m) => console.log(JSON.stringify(m, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
