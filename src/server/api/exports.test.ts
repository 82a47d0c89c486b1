import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INJECTION_CORPUS } from '../../testing/injection.js';
import { ORG_EXPECTED, orgFixture, type OrgFixture } from '../../testing/org.js';
import { CONSENT_HEADER, ROWS_HEADER } from './exports.js';

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

async function csvOf(res: Response): Promise<{ bom: boolean; rows: Record<string, string>[] }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const [header, ...lines] = parseCsv(new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes));
  return { bom, rows: lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i] ?? '']))) };
}

async function xlsxOf(res: Response): Promise<Record<string, unknown>[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0]!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const out: Record<string, unknown>[] = [];
  ws.eachRow((r, n) => {
    if (n === 1) return;
    const v = (r.values as unknown[]).slice(1);
    out.push(Object.fromEntries(header.map((h, i) => [h, v[i] ?? null])));
  });
  return out;
}

describe('exports API', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
    // Segments straight in the warehouse: vip = C1, C2, C3; pair = C1, C2 (C2 withdrew marketing consent).
    await f.wh.run(`INSERT INTO tm_segments VALUES ('vip', '重点客户', 'static', NULL, NULL, TIMESTAMP '2026-03-01 00:00:00', NULL, NULL, 3), ('pair', '一对', 'static', NULL, NULL, TIMESTAMP '2026-03-01 00:00:00', NULL, NULL, 2), ('浙江客户', '浙江', 'static', NULL, NULL, TIMESTAMP '2026-03-01 00:00:00', NULL, NULL, 1)`);
    await f.wh.run(`INSERT INTO tm_segment_members VALUES ('vip', 'C1'), ('vip', 'C2'), ('vip', 'C3'), ('pair', 'C1'), ('pair', 'C2'), ('浙江客户', 'C3')`);
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const exp = (login: string, body: unknown) => f.request(login, '/api/exports', { body });

  it('refuses roles without the export permission (sales rep, viewer) with 403', async () => {
    for (const login of ['ray', 'sue', 'vic', 'nop']) {
      const res = await exp(login, { kind: 'segment', segment: 'vip', format: 'csv' });
      expect(res.status, login).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('exports a segment as CSV with BOM, Chinese intact, masked for the analyst and clear for the manager', async () => {
    const ana = await exp('ana', { kind: 'segment', segment: 'vip', format: 'csv' });
    expect(ana.status).toBe(200);
    expect(ana.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(ana.headers.get(ROWS_HEADER)).toBe('3');
    const a = await csvOf(ana);
    expect(a.bom).toBe(true);
    expect(a.rows.map((r) => r.customer_id)).toEqual(['C1', 'C2', 'C3']);
    expect(a.rows[0]).toMatchObject({ name: '张*', phone: '138****5678', province: '北京市', city: '北京市' });
    expect(a.rows[1]).toMatchObject({ name: '欧***', province: '上海市' });

    const mia = await csvOf(await exp('mia', { kind: 'segment', segment: 'vip', format: 'csv' }));
    expect(mia.rows.map((r) => r.customer_id)).toEqual(['C1', 'C2', 'C3']);
    expect(mia.rows[0]).toMatchObject({ name: '张三', phone: '13812345678' });
    expect(mia.rows[1]).toMatchObject({ name: '欧阳娜娜' });
    // A manager of another unit: bob's branch holds C1–C4, so all of vip; nobody outside the scope leaks in.
    const bob = await csvOf(await exp('bob', { kind: 'segment', segment: 'vip', format: 'csv' }));
    expect(bob.rows.map((r) => r.customer_id)).toEqual(['C1', 'C2', 'C3']);
  });

  it('exports XLSX with masked text for the analyst, clear for the manager, numbers as numbers', async () => {
    const ana = await exp('ana', { kind: 'customers', format: 'xlsx', sort: 'id' });
    expect(ana.status).toBe(200);
    expect(ana.headers.get('Content-Type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const rows = await xlsxOf(ana);
    expect(rows.map((r) => r.customer_id)).toEqual(ORG_EXPECTED.ana!.customers);
    expect(rows[0]).toMatchObject({ customer_id: 'C1', name: '张*', phone: '138****5678', email: 'z***@example.com', orders: 2, revenue: 300 });
    expect(typeof rows[0]!.revenue).toBe('number');
    // 杭州西湖贸易有限公司: 10 characters → the first and 9 stars.
    expect(rows.find((r) => r.customer_id === 'C4')!.name).toBe(`杭${'*'.repeat(9)}`);

    const mia = await xlsxOf(await exp('mia', { kind: 'customers', format: 'xlsx' }));
    expect(mia.map((r) => r.customer_id)).toEqual(ORG_EXPECTED.mia!.customers);
    expect(mia[0]).toMatchObject({ name: '张三', phone: '13812345678', email: 'zhang.san@example.com' });
    // Revenue summed over the manager's rows: 650 by hand.
    expect(mia.reduce((s, r) => s + Number(r.revenue), 0)).toBe(ORG_EXPECTED.mia!.revenue);

    const seg = await xlsxOf(await exp('ana', { kind: 'segment', segment: 'vip', format: 'xlsx' }));
    expect(seg[0]).toMatchObject({ customer_id: 'C1', name: '张*', phone: '138****5678' });
  });

  it('exports a query within the scope: aggregates change with the caller', async () => {
    for (const login of ['ada', 'mia', 'bob']) {
      const res = await exp(login, { kind: 'query', query: { metrics: ['revenue'] }, format: 'xlsx', lang: 'en' });
      expect(res.status, login).toBe(200);
      const [row] = await xlsxOf(res);
      expect(Object.values(row!), login).toEqual([ORG_EXPECTED[login]!.revenue]);
    }
    const csv = await csvOf(await exp('mia', { kind: 'query', query: { metrics: ['revenue'], dimensions: ['customer'] }, format: 'csv', lang: 'en' }));
    expect(csv.bom).toBe(true);
    expect(csv.rows.map((r) => Object.values(r)[0])).toEqual(['C1', 'C2', 'C3']);
  });

  it('exports a report as XLSX, one sheet per section', async () => {
    const res = await exp('bob', { kind: 'report', report: 'sales', format: 'xlsx' });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.length).toBeGreaterThan(1);
    const bad = await exp('ada', { kind: 'report', report: 'nope', format: 'csv' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'unknown_report', field: 'report' } });
  });

  it('leaves customers without marketing consent out of a campaign export and says how many', async () => {
    const res = await exp('ada', { kind: 'segment', segment: 'pair', format: 'csv', purpose: 'campaign' });
    expect(res.status).toBe(200);
    expect(res.headers.get(CONSENT_HEADER)).toBe('1');
    expect(res.headers.get(ROWS_HEADER)).toBe('1');
    expect((await csvOf(res)).rows.map((r) => r.customer_id)).toEqual(['C1']);
    const entry = f.meta.auditLog(1)[0]!;
    expect(entry).toMatchObject({ login: 'ada', action: 'export' });
    expect(entry.details).toMatchObject({ kind: 'segment', segment: 'pair', format: 'csv', purpose: 'campaign', rows: 1, excludedForConsent: 1 });
    // Without the purpose, C2 is in the file and nothing is reported as left out.
    const plain = await exp('ada', { kind: 'segment', segment: 'pair', format: 'csv' });
    expect(plain.headers.get(CONSENT_HEADER)).toBeNull();
    expect((await csvOf(plain)).rows.map((r) => r.customer_id)).toEqual(['C1', 'C2']);
    // The customer list as a campaign list: all six but C2.
    const list = await exp('ada', { kind: 'customers', format: 'xlsx', purpose: 'campaign' });
    expect(list.headers.get(CONSENT_HEADER)).toBe('1');
    expect((await xlsxOf(list)).map((r) => r.customer_id)).toEqual(['C1', 'C3', 'C4', 'C5', 'C6']);
    // A campaign list must be customers.
    const q = await exp('ada', { kind: 'query', query: { metrics: ['revenue'] }, format: 'csv', purpose: 'campaign' });
    expect(q.status).toBe(400);
    expect(await q.json()).toMatchObject({ error: { code: 'campaign_needs_customers', field: 'purpose' } });
  });

  it('audits every export: who, what, format, rows', async () => {
    await exp('mia', { kind: 'customers', format: 'csv', search: '13812345678' });
    const entry = f.meta.auditLog(1)[0]!;
    expect(entry).toMatchObject({ login: 'mia', action: 'export' });
    expect(entry.details).toMatchObject({ kind: 'customers', format: 'csv', rows: 1, purpose: null });
    // The search term may be personal data: the audit log keeps it masked.
    expect(JSON.stringify(entry.details)).not.toContain('13812345678');
  });

  it('names the download with a UTF-8 filename*', async () => {
    const res = await exp('ada', { kind: 'segment', segment: '浙江客户', format: 'csv' });
    expect(res.status).toBe(200);
    const cd = res.headers.get('Content-Disposition')!;
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe('浙江客户-2026-03-01.csv');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });

  it('answers bad requests with a stable code and the field', async () => {
    const cases: [unknown, number, string, string][] = [
      [{ kind: 'segment', format: 'csv' }, 400, 'missing_field', 'segment'],
      [{ kind: 'segment', segment: 'nope', format: 'csv' }, 404, 'unknown_segment', 'segment'],
      [{ kind: 'segment', segment: 'vip', format: 'pdf' }, 400, 'invalid_input', 'format'],
      [{ kind: 'segment', segment: 'vip', format: 'csv', search: 'x' }, 400, 'unexpected_field', 'search'],
      [{ kind: 'customers', format: 'csv', sort: 'revenue desc' }, 400, 'invalid_sort', 'sort'],
      [{ kind: 'query', format: 'csv' }, 400, 'missing_field', 'query'],
      [{ kind: 'query', query: { metrics: ['nope'] }, format: 'csv' }, 400, 'unknown_metric', 'metrics[0]'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await exp('ada', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const e = ((await res.json()) as { error: { code: string; field: string } }).error;
      expect(e.code, JSON.stringify(body)).toBe(code);
      expect(e.field, JSON.stringify(body)).toContain(field.replace(/\[0\]$/, ''));
    }
  });

  it('binds the customer search of an export: the injection corpus exports no rows and never fails', async () => {
    for (const s of INJECTION_CORPUS.filter((x) => x !== '*')) {
      const res = await exp('mia', { kind: 'customers', format: 'csv', search: s });
      expect(res.status, s).toBe(200);
      expect(res.headers.get(ROWS_HEADER), s).toBe('0');
      expect((await csvOf(res)).rows, s).toEqual([]);
    }
  });
});
