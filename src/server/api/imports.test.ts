import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGate } from '../../access/index.js';
import { loadCatalog } from '../../metrics/catalog/index.js';
import { saveSegment } from '../../segments/index.js';
import { fingerprint } from '../../testing/index.js';
import { orgFixture, type OrgFixture } from '../../testing/org.js';
import { createApp } from '../app.js';
import type { Principal } from '../auth.js';
import { WriteLock, type DataContext } from '../data.js';
import { ImportJobs } from '../import-jobs.js';

/**
 * Members from a store POS, GBK with Chinese headers. By hand (line 1 is the header):
 *   2 N1 — loaded; phone "+86 138 1234 5678" → E.164 +8613812345678; 广东 → 广东省
 *   3 N2 — the same row as line 5: merged (duplicate_row; the later line wins)
 *   4 (no 客户编号) — quarantined: missing required 客户编号 (customer_id)
 *   5 N2 — loaded
 *   6 N3 — loaded
 *   7 (no 客户编号) — quarantined
 * rows read 6 = loaded 3 + merged 1 + quarantined 2; customers 6 → 9.
 */
const MEMBERS = [
  '客户编号,姓名,手机号,邮箱,省份,注册时间',
  'N1,孙七,+86 138 1234 5678,sun7@example.com,广东,2024-01-05',
  'N2,周八,13900002222,,浙江省,2024/02/03',
  ',无名,13900003333,,北京,2024-01-01',
  'N2,周八,13900002222,,浙江省,2024/02/03',
  'N3,吴九,13700004444,wu9@example.com,上海,2024-03-01',
  ',无名二,13600005555,,广东,2024-01-02',
  '',
].join('\r\n');

/** Line 3 opens a quoted value that is never closed. */
const BROKEN = ['客户编号,姓名,手机号', 'B1,好人,13800000001', 'B2,"坏人,13800000002', 'B3,好人三,13800000003', ''].join('\n');

interface Job {
  id: string;
  state: string;
  stage: string;
  percent: number;
  login: string;
  file: string;
  importId?: number;
  report?: {
    importId: number;
    file: string;
    encoding: string;
    rowsRead: number;
    loaded: number;
    merged: number;
    quarantined: number;
    rules: { rule: string; field?: string; count: number; examples: { line: number | null; before: string | null; after: string | null }[] }[];
    quarantineSample: { line: number | null; reason: string; raw: string | null }[];
  };
  refreshed?: { segments: { key: string; before: number; customers: number }[] };
  error?: { code: string; message: string; file: string; line?: number; column?: string | number };
}

function form(file: { name: string; bytes: Uint8Array | string } | undefined, fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append('file', new File([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)], file.name));
  return fd;
}

const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'));

async function upload(f: OrgFixture, login: string, file: { name: string; bytes: Uint8Array | string } | undefined, fields: Record<string, string> = { entity: 'customers' }) {
  return f.request(login, '/api/imports', { method: 'POST', body: form(file, fields) });
}

async function waitJob(f: OrgFixture, login: string, id: string): Promise<Job> {
  for (let i = 0; i < 2400; i++) {
    const res = await f.request(login, `/api/imports/jobs/${id}`);
    expect(res.status).toBe(200);
    const job = (await res.json()) as Job;
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not end`);
}

async function importAs(f: OrgFixture, login: string, name: string, bytes: Uint8Array | string, fields: Record<string, string> = { entity: 'customers' }): Promise<Job> {
  const res = await upload(f, login, { name, bytes }, fields);
  expect(res.status).toBe(202);
  const queued = (await res.json()) as Job;
  expect(res.headers.get('Location')).toBe(`/api/imports/jobs/${queued.id}`);
  return waitJob(f, login, queued.id);
}

const count = async (f: OrgFixture, sql: string) => Number((await f.wh.query(sql)).rows[0]?.n);

describe('imports over the API: upload, job, history, quarantine', () => {
  let f: OrgFixture;
  let job: Job;
  beforeAll(async () => {
    f = await orgFixture();
    // C5 and C6 are in 广东省; N1 joins them, so the refresh after the import moves this rule segment from 2 to 3.
    await saveSegment(f.wh, loadCatalog(), { key: 'gd', name: '广东客户', definition: { filters: [{ dimension: 'province', op: 'eq', values: ['广东省'] }] }, today: '2026-03-01' });
    job = await importAs(f, 'ada', '会员.csv', gbk(MEMBERS));
  });
  afterAll(async () => f.cleanup());

  it('imports a GBK CSV with Chinese headers: the counts reconcile with the file', async () => {
    expect(job.state).toBe('done');
    expect(job.percent).toBe(100);
    expect(job.file).toBe('会员.csv');
    const r = job.report!;
    expect(r.encoding).toMatch(/^gb/);
    expect({ rowsRead: r.rowsRead, loaded: r.loaded, merged: r.merged, quarantined: r.quarantined }).toEqual({ rowsRead: 6, loaded: 3, merged: 1, quarantined: 2 });
    expect(job.importId).toBe(r.importId);
    expect(await count(f, `SELECT count(*) AS n FROM customers`)).toBe(9);
    expect((await f.wh.query(`SELECT phone, province FROM customers WHERE customer_id = 'N1'`)).rows[0]).toEqual({ phone: '+8613812345678', province: '广东省' });
    // the cleaning log: per rule, a count and examples from the file (admin sees them in clear)
    const phone = r.rules.find((x) => x.rule === 'phone_e164')!;
    expect(phone.field).toBe('phone');
    expect(phone.examples[0]).toEqual({ line: 2, before: '+86 138 1234 5678', after: '+8613812345678' });
    expect(r.rules.find((x) => x.rule === 'duplicate_row')?.count).toBe(1);
    expect(r.quarantineSample.map((q) => q.line)).toEqual([4, 7]);
    expect(r.quarantineSample[0]!.raw).toContain('无名');
  });

  it('imports a binary XLSX upload intact (samples/orders.xlsx: counts from samples/README.md)', async () => {
    // 122 data rows, 120 distinct 订单号, rows 31–32 repeated exactly → 120 loaded + 2 merged, nothing quarantined
    const j = await importAs(f, 'ada', 'orders.xlsx', new Uint8Array(readFileSync(new URL('../../../samples/orders.xlsx', import.meta.url))), { entity: 'orders' });
    expect(j.state).toBe('done');
    expect(j.report).toMatchObject({ format: 'xlsx', rowsRead: 122, loaded: 120, merged: 2, quarantined: 0 });
  });

  it('refreshes the saved rule segments afterwards, as the CLI does', () => {
    expect(job.refreshed?.segments).toEqual([{ key: 'gd', before: 2, customers: 3 }]);
  });

  it('refresh=false skips the refresh (--no-refresh)', async () => {
    const j = await importAs(f, 'ada', 'more.csv', '客户编号,姓名,省份\nN9,钱一,广东\n', { entity: 'customers', refresh: 'false' });
    expect(j.state).toBe('done');
    expect(j.refreshed).toBeUndefined();
    expect(await count(f, `SELECT count(*) AS n FROM tm_segment_members WHERE segment_key = 'gd'`)).toBe(3); // N9 (广东) not added
  });

  it('lists the import in the history and shows it with its rule log', async () => {
    const list = await f.request('ada', '/api/imports');
    expect(list.status).toBe(200);
    const { imports } = (await list.json()) as { imports: { importId: number; file: string; entity: string; rowsRead: number; loaded: number; merged: number; quarantined: number }[] };
    const mine = imports.find((i) => i.importId === job.importId)!;
    expect(mine).toMatchObject({ file: '会员.csv', entity: 'customers', rowsRead: 6, loaded: 3, merged: 1, quarantined: 2 });
    expect(imports[0]!.importId).toBeGreaterThan(mine.importId); // newest first (more.csv came after)

    const one = await f.request('ada', `/api/imports/${job.importId}`);
    expect(one.status).toBe(200);
    const d = (await one.json()) as { import: { fileSha256: string }; report: Job['report']; quarantineTotal: number };
    expect(d.import.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.quarantineTotal).toBe(2);
    expect(d.report!.rules.find((x) => x.rule === 'phone_e164')!.examples[0]!.before).toBe('+86 138 1234 5678');

    expect((await f.request('ada', '/api/imports/999')).status).toBe(404);
    const bad = await f.request('ada', '/api/imports/abc');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('id');
  });

  it('gives the quarantined lines with line and reason, as JSON pages and as CSV', async () => {
    const res = await f.request('ada', `/api/imports/${job.importId}/quarantine`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { total: number; rows: { line: number; reason: string; raw: string }[] };
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.line)).toEqual([4, 7]);
    expect(page.rows[0]!.reason).toBe('missing required 客户编号 (customer_id)');
    expect(JSON.parse(page.rows[0]!.raw)).toMatchObject({ 客户编号: null, 姓名: '无名', 手机号: '13900003333', 省份: '北京' });
    expect(JSON.parse(page.rows[1]!.raw)).toMatchObject({ 姓名: '无名二', 手机号: '13600005555' });

    const second = (await (await f.request('ada', `/api/imports/${job.importId}/quarantine?offset=1&limit=1`)).json()) as { total: number; rows: { line: number }[] };
    expect(second).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect(second.rows.map((r) => r.line)).toEqual([7]);

    const csv = await f.request('ada', `/api/imports/${job.importId}/quarantine?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('Content-Disposition')).toContain(`import-${job.importId}-quarantine.csv`);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.subarray(3)).split('\r\n');
    expect(lines[0]).toBe('line,reason,raw');
    expect(lines[1]).toMatch(/^4,missing required 客户编号 \(customer_id\),"\{""客户编号"":null,""姓名"":""无名""/);
    expect(lines[2]).toMatch(/^7,/);
    expect(lines[3]).toBe('');
    expect(f.meta.auditLog().some((e) => e.action === 'export' && e.details.what === 'quarantine' && e.details.rows === 2)).toBe(true);
  });

  it('audits the import: who, file, target, counts, outcome', () => {
    const entry = f.meta.auditLog().find((e) => e.action === 'import' && e.details.job === job.id);
    expect(entry?.login).toBe('ada');
    expect(entry?.details).toMatchObject({ file: '会员.csv', entity: 'customers', outcome: 'done', importId: job.importId, rowsRead: 6, loaded: 3, merged: 1, quarantined: 2 });
  });

  it('removes the uploaded file once the job has ended', () => {
    const dir = `${f.wh.path}.uploads`;
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('refuses roles without the import permission (rep, manager, viewer): 403 on upload, history and quarantine', async () => {
    for (const login of ['ray', 'sue', 'mia', 'bob', 'vic', 'nop']) {
      const up = await upload(f, login, { name: 'x.csv', bytes: '客户编号\nZ1\n' });
      expect(up.status, login).toBe(403);
      expect(((await up.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      for (const path of ['/api/imports', `/api/imports/${job.importId}`, `/api/imports/${job.importId}/quarantine`, `/api/imports/${job.importId}/quarantine?format=csv`]) {
        expect((await f.request(login, path)).status, `${login} ${path}`).toBe(403);
      }
    }
    expect(await count(f, `SELECT count(*) AS n FROM customers WHERE customer_id = 'Z1'`)).toBe(0);
  });

  it('refuses unauthenticated requests', async () => {
    const res = await f.app.request('/api/imports', { method: 'POST', body: form({ name: 'x.csv', bytes: '客户编号\nZ2\n' }, { entity: 'customers' }) });
    expect(res.status).toBe(401);
    expect((await f.app.request(`/api/imports/jobs/${job.id}`)).status).toBe(401);
    expect((await f.app.request('/api/imports')).status).toBe(401);
  });

  it('lets an analyst import (permission import) but masks the cleaning log and refuses the raw quarantine (no see_personal_data)', async () => {
    const j = await importAs(f, 'ana', '会员2.csv', gbk(MEMBERS.replace(/N(\d)/g, 'A$1')));
    expect(j.state).toBe('done');
    expect(j.login).toBe('ana');
    // masks as the gate's: the 4 characters before the last 4 become ****
    expect(j.report!.rules.find((x) => x.rule === 'phone_e164')!.examples[0]).toEqual({ line: 2, before: '+86 138 1****5678', after: '+86138****5678' });
    expect(j.report!.quarantineSample).toEqual([
      { line: 4, reason: 'missing required 客户编号 (customer_id)', raw: null },
      { line: 7, reason: 'missing required 客户编号 (customer_id)', raw: null },
    ]);
    // the admin's import, seen by the analyst: masked too
    const d = (await (await f.request('ana', `/api/imports/${job.importId}`)).json()) as { report: Job['report']; quarantineTotal: number };
    expect(d.report!.rules.find((x) => x.rule === 'phone_e164')!.examples[1]).toEqual({ line: 3, before: '139****2222', after: '+86139****2222' });
    expect(d.quarantineTotal).toBe(2);
    expect((await f.request('ana', '/api/imports')).status).toBe(200);
    for (const path of [`/api/imports/${j.importId}/quarantine`, `/api/imports/${j.importId}/quarantine?format=csv`]) {
      const res = await f.request('ana', path);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('see_personal_data');
    }
    // the admin sees the analyst's lines in clear
    const q = (await (await f.request('ada', `/api/imports/${j.importId}/quarantine`)).json()) as { rows: { raw: string }[] };
    expect(q.rows[0]!.raw).toContain('13900003333');
  });

  it('shows a job only to whoever started it and to admins', async () => {
    expect((await f.request('ana', `/api/imports/jobs/${job.id}`)).status).toBe(404);
    expect((await f.request('ray', `/api/imports/jobs/${job.id}`)).status).toBe(404);
    const anas = (await (await f.request('ana', '/api/imports/jobs')).json()) as { jobs: Job[] };
    expect(anas.jobs.length).toBeGreaterThan(0);
    expect(anas.jobs.every((j) => j.login === 'ana')).toBe(true);
    expect((await f.request('ada', `/api/imports/jobs/${anas.jobs[0]!.id}`)).status).toBe(200);
    const adas = (await (await f.request('ada', '/api/imports/jobs')).json()) as { jobs: Job[] };
    expect(new Set(adas.jobs.map((j) => j.login))).toEqual(new Set(['ada', 'ana']));
    expect((await f.request('ada', '/api/imports/jobs/no-such-job')).status).toBe(404);
  });

  it('fails a bad file with the line named and leaves the warehouse as it was', async () => {
    const before = await fingerprint(f.wh);
    const j = await importAs(f, 'ada', 'broken.csv', BROKEN);
    expect(j.state).toBe('failed');
    expect(j.report).toBeUndefined();
    expect(j.error).toMatchObject({ code: 'import_failed', file: 'broken.csv', line: 3 });
    expect(j.error!.message).toMatch(/^broken\.csv, line 3/);
    expect(j.error!.message).not.toContain(f.dir); // the temporary path never shows
    expect(await fingerprint(f.wh)).toEqual(before);
    const entry = f.meta.auditLog().find((e) => e.action === 'import' && e.details.job === j.id);
    expect(entry?.details).toMatchObject({ file: 'broken.csv', outcome: 'failed' });
    // an empty file and a missing required column fail the same way
    const empty = await importAs(f, 'ada', 'empty.csv', '');
    expect(empty.error).toMatchObject({ code: 'import_failed', file: 'empty.csv' });
    const noKey = await importAs(f, 'ada', 'orders.csv', '会员卡号,实付金额\nC1,10\n', { entity: 'orders' });
    expect(noKey.error?.message).toContain('下单时间');
    expect(await fingerprint(f.wh)).toEqual(before);
  });

  it('answers 400 naming the field for a missing file part or bad options, 415 for a non-multipart body', async () => {
    const cases: [FormData, string, string][] = [
      [form(undefined, { entity: 'customers' }), 'file', 'file_missing'],
      [(() => { const fd = new FormData(); fd.append('entity', 'customers'); fd.append('file', 'not a file'); return fd; })(), 'file', 'file_missing'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, {}), 'entity', 'invalid_input'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, { entity: 'nope' }), 'entity', 'unknown_entity'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, { entity: 'orders', unknownCustomers: 'drop' }), 'unknownCustomers', 'invalid_input'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, { entity: 'orders', mapping: '{not json' }), 'mapping', 'invalid_mapping'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, { entity: 'orders', mapping: '{"nope":"a"}' }), 'mapping.nope', 'invalid_mapping'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, { entity: 'orders', refresh: 'maybe' }), 'refresh', 'invalid_input'],
      [form({ name: 'x.csv', bytes: 'a\n1\n' }, { entity: 'orders', sheet: '1' }), 'sheet', 'unknown_field'],
    ];
    for (const [body, field, code] of cases) {
      const res = await f.request('ada', '/api/imports', { method: 'POST', body });
      expect(res.status, field).toBe(400);
      expect(((await res.json()) as { error: { field: string; code: string } }).error).toMatchObject({ field, code });
    }
    const asJson = await f.request('ada', '/api/imports', { method: 'POST', body: { entity: 'customers' } });
    expect(asJson.status).toBe(415);
    expect(((await asJson.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: 'unsupported_media_type', field: 'file' });
    const dir = `${f.wh.path}.uploads`;
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('answers 413 for an upload over the limit, which is separate from the 256 KiB JSON limit', async () => {
    const uploadDir = join(f.dir, 'small-uploads');
    const small = createApp({ warehouse: f.wh, meta: f.meta, catalog: loadCatalog(), log: () => undefined, maxUploadBytes: 4096, uploadDir });
    const auth = { Authorization: `Bearer ${f.tokens.ada}` };
    const big = '客户编号,姓名\n' + Array.from({ length: 500 }, (_, i) => `BIG${i},名字${i}`).join('\n');
    const streamed = await small.request('/api/imports', { method: 'POST', headers: auth, body: form({ name: 'big.csv', bytes: big }, { entity: 'customers' }) });
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: 'upload_too_large', field: 'file' });
    const declared = await small.request('/api/imports', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=xyz', 'Content-Length': '5000' },
      body: 'x'.repeat(5000),
    });
    expect(declared.status).toBe(413);
    expect(readdirSync(uploadDir)).toEqual([]);
    expect(await count(f, `SELECT count(*) AS n FROM customers WHERE customer_id LIKE 'BIG%'`)).toBe(0);
    // the default app takes the same file: uploads are not held to the 256 KiB JSON limit (nor this one to 4 KiB)
    const bigger = big + '\n' + Array.from({ length: 20_000 }, (_, i) => `BIGGER${i},名字${i}`).join('\n') + '\n';
    expect(bigger.length).toBeGreaterThan(256 * 1024);
    const ok = await importAs(f, 'ada', 'big.csv', bigger);
    expect(ok.state).toBe('done');
    expect(ok.report!.loaded).toBe(20_500);
  });

  it('takes two uploads in a row: the second waits for the first and sees its rows', async () => {
    // Orders for customers S1, S2 that only the first file creates; unknown customers are quarantined, so if the
    // second import ran before the first committed, its two rows would be quarantined.
    const a = await upload(f, 'ada', { name: 'a.csv', bytes: '客户编号,姓名\nS1,甲\nS2,乙\n' });
    const b = await upload(f, 'ada', { name: 'b.csv', bytes: '订单号,会员卡号,下单时间,实付金额\nX1,S1,2026-02-01 10:00:00,10\nX2,S2,2026-02-02 10:00:00,20\n' }, { entity: 'orders', unknownCustomers: 'quarantine' });
    expect([a.status, b.status]).toEqual([202, 202]);
    const ja = await waitJob(f, 'ada', ((await a.json()) as Job).id);
    const jb = await waitJob(f, 'ada', ((await b.json()) as Job).id);
    expect([ja.state, jb.state]).toEqual(['done', 'done']);
    expect(jb.importId!).toBeGreaterThan(ja.importId!);
    expect({ loaded: jb.report!.loaded, quarantined: jb.report!.quarantined }).toEqual({ loaded: 2, quarantined: 0 });
  });
});

describe('import jobs and the write lock', () => {
  let f: OrgFixture;
  beforeAll(async () => {
    f = await orgFixture();
  });
  afterAll(async () => f.cleanup());

  it('a job is queued while another write holds the lock, and jobs run one at a time in order', async () => {
    const catalog = loadCatalog();
    const data: DataContext = { catalog, meta: f.meta, gate: new AccessGate(f.wh), writer: new WriteLock(f.wh) };
    const jobs = new ImportJobs({ data, meta: f.meta, catalog, clock: () => new Date('2026-03-01T08:00:00Z'), log: () => undefined, uploadDir: join(f.dir, 'jobs') });
    const user = f.meta.userByLogin('ada')!;
    const who: Principal = { user, permissions: f.meta.permissionsOf(user.role), via: 'token' };
    const startJob = (name: string, text: string) => {
      const { id, dir } = jobs.newUploadDir();
      const path = join(dir, name);
      writeFileSync(path, text);
      return jobs.start(id, who, { dir, path, name, bytes: text.length }, { entity: 'customers', t2s: false, unknownCustomers: 'stub', disable: [], refresh: false });
    };
    let release!: () => void;
    const held = data.writer.run('a test holding the lock', () => new Promise<void>((r) => (release = r)));
    const one = startJob('one.csv', '客户编号\nQ1\n');
    const two = startJob('two.csv', '客户编号\nQ2\n');
    await new Promise((r) => setTimeout(r, 50));
    expect([one.state, two.state]).toEqual(['queued', 'queued']);
    expect(data.writer.busy).toBe('a test holding the lock');
    release();
    await held;
    await jobs.settled(one.id);
    expect(one.state).toBe('done');
    await jobs.settled(two.id);
    expect(two.state).toBe('done');
    expect(two.report!.importId).toBe(one.report!.importId + 1);
    await data.gate.close();
  });
});
