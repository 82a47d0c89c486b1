/**
 * Imports over the API: upload a file (multipart/form-data, streamed to disk), follow the background job, read the
 * import history, the cleaning log and the quarantined rows. Decisions (the issue is silent):
 * - Starting an import and reading the history need `import` and an unscoped role (as any write does): the history
 *   holds values from every customer. The quarantine's raw lines also need `see_personal_data`.
 * - A second upload while an import runs is accepted (202) and waits its turn in the write lock (state `queued`).
 * - A job is seen by whoever started it and by admins; to anyone else it does not exist (404).
 */
import { rm } from 'node:fs/promises';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { csvLine, UTF8_BOM } from '../../export/csv.js';
import { IMPORT_TARGETS } from '../../import/index.js';
import { importTarget } from '../../import/targets.js';
import { importRecord, listImports } from '../../cli/commands/log.js';
import { principalOf, requirePermission, type AppEnv, type Principal } from '../auth.js';
import { accessOfPrincipal, readAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, ErrorSchema, errorResponses } from '../errors.js';
import { ImportJobs, type ImportJob, type ImportJobOptions } from '../import-jobs.js';
import { reportView } from '../import-view.js';
import { readMultipart } from '../multipart.js';
import { json, SECURED } from '../schemas.js';

const RuleLogSchema = z.object({
  rule: z.string(),
  field: z.string().optional(),
  count: z.number(),
  detail: z.string().optional(),
  examples: z.array(z.object({ line: z.number().nullable(), before: z.string().nullable(), after: z.string().nullable() })),
});

const ImportReportSchema = z
  .object({
    importId: z.number(),
    file: z.string(),
    entity: z.string(),
    format: z.string(),
    encoding: z.string(),
    mapping: z.record(z.string(), z.string()).openapi({ description: 'field → the file column it was read from' }),
    customFields: z.array(z.string()),
    rowsRead: z.number().openapi({ description: 'rowsRead = loaded + merged + quarantined' }),
    loaded: z.number(),
    merged: z.number(),
    quarantined: z.number(),
    tables: z.record(z.string(), z.object({ inserted: z.number(), updated: z.number(), unchanged: z.number() })),
    rules: z.array(RuleLogSchema).openapi({ description: 'The cleaning log: per rule and field, how many values it changed, with examples (masked without see_personal_data)' }),
    quarantineSample: z.array(z.object({ line: z.number().nullable(), reason: z.string(), raw: z.string().nullable().openapi({ description: 'null without see_personal_data' }) })),
    seconds: z.number(),
  })
  .openapi('ImportReport');

const RefreshedSchema = z.object({
  tags: z.array(z.object({ key: z.string(), before: z.number(), customers: z.number() })),
  segments: z.array(z.object({ key: z.string(), before: z.number(), customers: z.number() })),
  error: z.string().optional(),
});

const ImportJobSchema = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    stage: z.string().openapi({ description: 'queued, reading, staged, mapping, cleaning, cleaned, rule log, keys and customers, flags, writing, prepared, written, refreshing, done' }),
    percent: z.number().openapi({ description: 'As the import pipeline reports it (the CLI progress bar)' }),
    login: z.string(),
    file: z.string(),
    bytes: z.number(),
    options: z.object({
      entity: z.string(),
      mapping: z.record(z.string(), z.string()).optional(),
      t2s: z.boolean(),
      unknownCustomers: z.enum(['stub', 'quarantine']),
      disable: z.array(z.string()),
      refresh: z.boolean(),
    }),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    importId: z.number().optional(),
    report: ImportReportSchema.optional().openapi({ description: 'When done' }),
    refreshed: RefreshedSchema.optional().openapi({ description: 'When done and saved rule segments or tags were re-evaluated' }),
    error: z
      .object({ code: z.enum(['import_failed', 'internal']), message: z.string(), file: z.string(), line: z.number().optional(), column: z.union([z.string(), z.number()]).optional() })
      .optional()
      .openapi({ description: 'When failed; the warehouse is unchanged' }),
  })
  .openapi('ImportJob');

const ImportSummarySchema = z
  .object({
    importId: z.number(),
    startedAt: z.string(),
    finishedAt: z.string(),
    file: z.string(),
    entity: z.string(),
    rowsRead: z.number(),
    loaded: z.number(),
    merged: z.number(),
    quarantined: z.number(),
  })
  .openapi('ImportSummary');

const ImportDetailSchema = z
  .object({
    import: ImportSummarySchema.extend({ fileSha256: z.string().nullable() }),
    report: ImportReportSchema.nullable(),
    quarantineTotal: z.number(),
  })
  .openapi('ImportDetail');

const QuarantinePageSchema = z
  .object({
    importId: z.number(),
    total: z.number(),
    offset: z.number(),
    limit: z.number(),
    rows: z.array(z.object({ line: z.number().nullable(), reason: z.string(), raw: z.string().nullable() })),
  })
  .openapi('QuarantinePage');

const errorOf = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
const IdParams = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 3 }) });
const JobParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

/** The form fields of an upload besides `file`. */
const FORM_FIELDS = ['entity', 'mapping', 't2s', 'unknownCustomers', 'disable', 'refresh'] as const;

const UPLOAD_FORM = {
  type: 'object' as const,
  required: ['file', 'entity'] as string[],
  properties: {
    file: { type: 'string' as const, format: 'binary', description: 'CSV/TSV/text, XLSX, JSON/NDJSON or Parquet; UTF-8 or GBK/GB18030 (detected)' },
    entity: { type: 'string' as const, enum: IMPORT_TARGETS.map((e) => e.name), description: 'What the rows are (as --entity)' },
    mapping: { type: 'string' as const, description: 'JSON {"field": "column header"} overriding the automatic mapping (as --mapping)' },
    t2s: { type: 'string' as const, enum: ['true', 'false'] as string[], description: 'Traditional → Simplified Chinese in text fields (as --t2s); default false' },
    unknownCustomers: { type: 'string' as const, enum: ['stub', 'quarantine'] as string[], description: 'Rows naming an unknown customer (as --unknown-customers); default stub' },
    disable: { type: 'string' as const, description: 'Comma-separated cleaning rules to switch off (as --disable)' },
    refresh: { type: 'string' as const, enum: ['true', 'false'] as string[], description: 'Re-evaluate saved rule segments and tags afterwards; false = --no-refresh. Default true' },
  },
};

export const routes = {
  upload: createRoute({
    method: 'post',
    path: '/api/imports',
    tags: ['imports'],
    summary: 'Upload a file and import it in the background (permission import); answers 202 with the job',
    description: 'multipart/form-data with a `file` part and option fields. The body may be up to the server\'s upload limit (1 GiB by default); it is streamed to disk, never held in memory. Follow the job at `GET /api/imports/jobs/{id}` (also the Location header).',
    security: SECURED,
    request: { body: { required: true, content: { 'multipart/form-data': { schema: UPLOAD_FORM } } } },
    responses: {
      202: json(ImportJobSchema, 'Accepted: the job, queued'),
      ...errorResponses(400, 401, 403),
      413: errorOf('The upload is over the server\'s limit (`upload_too_large`)'),
      415: errorOf('Not multipart/form-data (`unsupported_media_type`)'),
    },
  }),
  jobs: createRoute({
    method: 'get',
    path: '/api/imports/jobs',
    tags: ['imports'],
    summary: 'Your import jobs since the server started, newest first (admins: everyone\'s)',
    security: SECURED,
    responses: { 200: json(z.object({ jobs: z.array(ImportJobSchema) }), 'Jobs'), ...errorResponses(401) },
  }),
  job: createRoute({
    method: 'get',
    path: '/api/imports/jobs/{id}',
    tags: ['imports'],
    summary: 'An import job: state, stage and percent; the report when done, the error (file, line, column) when failed',
    security: SECURED,
    request: { params: JobParams },
    responses: { 200: json(ImportJobSchema, 'The job'), ...errorResponses(401, 404) },
  }),
  history: createRoute({
    method: 'get',
    path: '/api/imports',
    tags: ['imports'],
    summary: 'Import history, newest first (permission import)',
    security: SECURED,
    request: { query: z.object({ limit: z.coerce.number().int().positive().max(10_000).optional().openapi({ description: 'Default 50' }) }) },
    responses: { 200: json(z.object({ imports: z.array(ImportSummarySchema) }), 'Imports'), ...errorResponses(400, 401, 403) },
  }),
  detail: createRoute({
    method: 'get',
    path: '/api/imports/{id}',
    tags: ['imports'],
    summary: 'One import: counts, column mapping, tables written, the cleaning log (permission import)',
    security: SECURED,
    request: { params: IdParams },
    responses: { 200: json(ImportDetailSchema, 'The import'), ...errorResponses(400, 401, 403, 404) },
  }),
  quarantine: createRoute({
    method: 'get',
    path: '/api/imports/{id}/quarantine',
    tags: ['imports'],
    summary: 'The quarantined rows of an import: line, reason, raw input (permissions import and see_personal_data)',
    description: 'JSON pages (`offset`, `limit`), or all rows as CSV (`format=csv`: UTF-8 with BOM, columns line, reason, raw).',
    security: SECURED,
    request: {
      params: IdParams,
      query: z.object({
        format: z.enum(['json', 'csv']).optional(),
        offset: z.coerce.number().int().min(0).optional(),
        limit: z.coerce.number().int().positive().max(10_000).optional().openapi({ description: 'Default 100' }),
      }),
    },
    responses: {
      200: {
        description: 'The rows',
        content: { 'application/json': { schema: QuarantinePageSchema }, 'text/csv': { schema: z.string().openapi({ description: 'line,reason,raw' }) } },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
} as const;

export const uploads = ['POST /api/imports'];

/** Who may start imports and read their history: `import`, and a role that sees all rows (as writeAs requires). */
function requireImporter(c: Context<AppEnv>): Principal {
  const p = requirePermission(c, 'import');
  if (accessOfPrincipal(p).scope.kind !== 'all') throw new ApiError(403, 'forbidden', 'imports need a role whose row scope is all rows');
  return p;
}

function flag(fields: ReadonlyMap<string, string>, name: string, dflt: boolean): boolean {
  const v = fields.get(name)?.trim().toLowerCase();
  if (v === undefined || v === '') return dflt;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new ApiError(400, 'invalid_input', `${name}: expected true or false, got ${JSON.stringify(v)}`, name);
}

/** The options of an upload from its form fields, checked as the CLI checks its flags. */
export function jobOptions(fields: ReadonlyMap<string, string>): ImportJobOptions {
  const entity = fields.get('entity')?.trim();
  if (!entity) throw new ApiError(400, 'invalid_input', `entity is required; one of: ${IMPORT_TARGETS.map((e) => e.name).join(', ')}`, 'entity');
  const target = importTarget(entity);
  if (!target) throw new ApiError(400, 'unknown_entity', `unknown entity ${JSON.stringify(entity)}; one of: ${IMPORT_TARGETS.map((e) => e.name).join(', ')}`, 'entity');
  const unknownCustomers = fields.get('unknownCustomers')?.trim() || 'stub';
  if (unknownCustomers !== 'stub' && unknownCustomers !== 'quarantine') {
    throw new ApiError(400, 'invalid_input', `unknownCustomers must be stub or quarantine, got ${JSON.stringify(unknownCustomers)}`, 'unknownCustomers');
  }
  let mapping: Record<string, string> | undefined;
  const rawMapping = fields.get('mapping');
  if (rawMapping !== undefined && rawMapping.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawMapping);
    } catch {
      throw new ApiError(400, 'invalid_mapping', 'mapping must be JSON: {"field": "column header"}', 'mapping');
    }
    const obj = parsed && typeof parsed === 'object' && 'mapping' in parsed ? (parsed as { mapping: unknown }).mapping : parsed;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ApiError(400, 'invalid_mapping', 'mapping must be a JSON object {"field": "column header"}', 'mapping');
    mapping = {};
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'string') throw new ApiError(400, 'invalid_mapping', `mapping.${k}: expected a column header (string)`, `mapping.${k}`);
      if (!target.fields.some((f) => f.name === k && !f.derived)) {
        throw new ApiError(400, 'invalid_mapping', `mapping: unknown field ${JSON.stringify(k)} for ${target.name}; one of: ${target.fields.filter((f) => !f.derived).map((f) => f.name).join(', ')}`, `mapping.${k}`);
      }
      mapping[k] = v;
    }
  }
  const disable = (fields.get('disable') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { entity: target.name, ...(mapping ? { mapping } : {}), t2s: flag(fields, 't2s', false), unknownCustomers, disable, refresh: flag(fields, 'refresh', true) };
}

function jobView(job: ImportJob, maskPersonal: boolean) {
  return {
    id: job.id,
    state: job.state,
    stage: job.stage,
    percent: job.percent,
    login: job.login,
    file: job.file,
    bytes: job.bytes,
    options: { ...job.options, disable: [...job.options.disable] },
    createdAt: job.createdAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.state === 'done' && job.report ? { importId: job.report.importId, report: reportView(job.report, maskPersonal) } : {}),
    ...(job.state === 'done' && job.refreshed ? { refreshed: job.refreshed } : {}),
    ...(job.error ? { error: job.error } : {}),
  } as unknown as z.infer<typeof ImportJobSchema>;
}

const canSee = (p: Principal, job: ImportJob) => job.userId === p.user.userId || p.user.role === 'admin';

const QUARANTINE_ORDER = 'ORDER BY line NULLS LAST, reason, raw';
const CSV_PAGE = 10_000;

export function register(app: Api, d: ApiDeps): void {
  const jobs = new ImportJobs({ data: d.data, meta: d.meta, catalog: d.catalog, clock: d.clock, log: d.log, uploadDir: d.uploads.dir });

  app.openapi(routes.upload, async (c) => {
    const who = requireImporter(c);
    const { id, dir } = jobs.newUploadDir();
    let started = false;
    try {
      const body = await readMultipart(c.req.raw, { dir, maxBytes: d.uploads.maxBytes, fileField: 'file', fields: FORM_FIELDS });
      if (!body.file) throw new ApiError(400, 'file_missing', 'the upload has no `file` part (curl -F file=@data.csv -F entity=customers)', 'file');
      const options = jobOptions(body.fields);
      const job = jobs.start(id, who, { dir, path: body.file.path, name: body.file.name, bytes: body.file.bytes }, options);
      started = true;
      c.header('Location', `/api/imports/jobs/${job.id}`);
      return c.json(jobView(job, accessOfPrincipal(who).maskPersonal), 202);
    } finally {
      if (!started) await rm(dir, { recursive: true, force: true });
    }
  });

  app.openapi(routes.jobs, (c) => {
    const p = principalOf(c);
    const mine = jobs.list().filter((j) => canSee(p, j));
    return c.json({ jobs: mine.map((j) => jobView(j, accessOfPrincipal(p).maskPersonal)) }, 200);
  });

  app.openapi(routes.job, (c) => {
    const p = principalOf(c);
    const job = jobs.get(c.req.valid('param').id);
    if (!job || !canSee(p, job)) throw new ApiError(404, 'job_not_found', 'no such import job (jobs are kept while the server runs; GET /api/imports lists finished imports)', 'id');
    return c.json(jobView(job, accessOfPrincipal(p).maskPersonal), 200);
  });

  app.openapi(routes.history, async (c) => {
    const p = requireImporter(c);
    const limit = c.req.valid('query').limit ?? 50;
    const imports = await readAs(d.data, p, (wh) => listImports(wh, limit));
    return c.json({ imports }, 200);
  });

  app.openapi(routes.detail, async (c) => {
    const p = requireImporter(c);
    const id = c.req.valid('param').id;
    const out = await readAs(d.data, p, async (wh, access) => {
      const record = await importRecord(wh, id);
      if (!record) return undefined;
      return {
        import: record.import,
        report: record.report ? reportView(record.report, access.maskPersonal) : null,
        // stored with the rows in one transaction; counted here it would be 0 for callers the gate hides the quarantine from
        quarantineTotal: record.import.quarantined,
      };
    });
    if (!out) throw new ApiError(404, 'import_not_found', `there is no import ${id}`, 'id');
    return c.json(out as unknown as z.infer<typeof ImportDetailSchema>, 200);
  });

  app.openapi(routes.quarantine, async (c) => {
    const p = requireImporter(c);
    if (!p.permissions.includes('see_personal_data')) {
      throw new ApiError(403, 'forbidden', `quarantined rows are raw input lines with personal data: your role (${p.user.role}) needs the 'see_personal_data' permission`);
    }
    const id = c.req.valid('param').id;
    const q = c.req.valid('query');
    const head = await readAs(d.data, p, async (wh) => {
      const exists = (await wh.query(`SELECT 1 AS x FROM tm_imports WHERE import_id = $1`, [id])).rows.length > 0;
      const total = Number((await wh.query(`SELECT count(*) AS n FROM tm_quarantine WHERE import_id = $1`, [id])).rows[0]?.n ?? 0);
      return { exists, total };
    });
    if (!head.exists) throw new ApiError(404, 'import_not_found', `there is no import ${id}`, 'id');
    const page = (wh: Parameters<Parameters<typeof readAs>[2]>[0], offset: number, limit: number) =>
      wh.query(`SELECT line, reason, raw FROM tm_quarantine WHERE import_id = $1 ${QUARANTINE_ORDER} LIMIT $2 OFFSET $3`, [id, limit, offset]).then((r) =>
        r.rows.map((x) => ({ line: x.line === null || x.line === undefined ? null : Number(x.line), reason: String(x.reason ?? ''), raw: x.raw === null || x.raw === undefined ? null : String(x.raw) })),
      );

    if (q.format === 'csv') {
      d.meta.audit({ user: p.user, action: 'export', details: { what: 'quarantine', importId: id, rows: head.total, format: 'csv' } });
      let offset = 0;
      let sentHeader = false;
      const enc = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        pull: async (ctl) => {
          if (!sentHeader) {
            sentHeader = true;
            ctl.enqueue(enc.encode(UTF8_BOM + csvLine(['line', 'reason', 'raw'])));
            return;
          }
          const rows = await readAs(d.data, p, (wh) => page(wh, offset, CSV_PAGE));
          offset += rows.length;
          if (rows.length) ctl.enqueue(enc.encode(rows.map((r) => csvLine([r.line, r.reason, r.raw])).join('')));
          if (rows.length < CSV_PAGE) ctl.close();
        },
      });
      return c.body(stream, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="import-${id}-quarantine.csv"` });
    }
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const rows = await readAs(d.data, p, (wh) => page(wh, offset, limit));
    return c.json({ importId: id, total: head.total, offset, limit, rows }, 200);
  });
}
