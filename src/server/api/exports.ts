/**
 * File exports (permission `export`): a query, a report, a segment's members or the customer list as CSV or XLSX,
 * built on the caller's scoped, masked view and sent as a download. Every export is audited (who, what, format,
 * rows, customers left out for consent).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { mask } from '../../access/index.js';
import { CUSTOMER_SORTS, parseCustomerSort } from '../../customers/list.js';
import { buildExport, EXPORT_KINDS, ExportError, FILE_FORMATS, type BuiltExport, type ExportRequest } from '../../export/request.js';
import type { Filter, Query } from '../../query/types.js';
import { requirePermission } from '../auth.js';
import { readAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { body, DATE, FilterSchema, QuerySchema, SECURED } from '../schemas.js';

export const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
export const ROWS_HEADER = 'X-Tidemark-Rows';
export const CONSENT_HEADER = 'X-Tidemark-Excluded-No-Consent';

const ExportRequestSchema = z
  .object({
    kind: z.enum(EXPORT_KINDS),
    format: z.enum(FILE_FORMATS),
    purpose: z.enum(['campaign']).optional().openapi({ description: 'A campaign target list: customers who withdrew marketing consent are left out (segment and customers only)' }),
    lang: z.enum(['zh', 'en']).optional().openapi({ description: 'Language of headers for query and report (default zh)' }),
    query: QuerySchema.optional().openapi({ description: "kind 'query': the query, as POST /api/query" }),
    report: z.string().max(64).optional().openapi({ description: "kind 'report': the report key, e.g. sales" }),
    from: DATE.optional(),
    to: DATE.optional(),
    by: z.array(z.string().max(64)).max(8).optional(),
    filters: z.array(FilterSchema).max(50).optional(),
    asOf: DATE.optional(),
    segment: z.string().max(64).optional().openapi({ description: "kind 'segment': the segment key" }),
    search: z.string().max(200).optional().openapi({ description: "kind 'customers': as GET /api/customers" }),
    sort: z.string().max(40).optional(),
  })
  .strict()
  .openapi('ExportRequest');

const FILE = { schema: z.string().openapi({ format: 'binary' }) };

export const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/exports',
    tags: ['exports'],
    summary: 'Export a query, report, segment or the customer list as CSV or XLSX (permission export)',
    security: SECURED,
    request: { body: body(ExportRequestSchema) },
    responses: {
      200: {
        description: `The file (Content-Disposition attachment with a UTF-8 filename*); ${ROWS_HEADER}: rows written; ${CONSENT_HEADER}: campaign exports, customers left out`,
        content: { [CONTENT_TYPES.csv]: FILE, [CONTENT_TYPES.xlsx]: FILE },
      },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
} as const;

type Body = z.infer<typeof ExportRequestSchema>;

function need<T>(v: T | undefined, field: string, kind: string): T {
  if (v === undefined) throw new ApiError(400, 'missing_field', `${field}: required for kind '${kind}'`, field);
  return v;
}

/** The body as an export request: the fields its kind needs, nothing of another kind's. */
function toRequest(b: Body): ExportRequest {
  const common = { format: b.format, ...(b.purpose ? { purpose: b.purpose } : {}), ...(b.lang ? { lang: b.lang } : {}) };
  const allowed: Record<string, readonly string[]> = { query: ['query'], report: ['report', 'from', 'to', 'by', 'filters', 'asOf'], segment: ['segment'], customers: ['search', 'sort'] };
  const foreign = Object.entries(allowed).flatMap(([k, fields]) => (k === b.kind ? [] : fields.filter((f) => (b as Record<string, unknown>)[f] !== undefined)));
  if (foreign.length) throw new ApiError(400, 'unexpected_field', `${foreign[0]}: not a field of kind '${b.kind}'`, foreign[0]);
  switch (b.kind) {
    case 'query':
      return { ...common, kind: 'query', query: need(b.query, 'query', b.kind) as Query };
    case 'report':
      return {
        ...common,
        kind: 'report',
        report: need(b.report, 'report', b.kind),
        ...(b.from ? { from: b.from } : {}),
        ...(b.to ? { to: b.to } : {}),
        ...(b.by ? { by: b.by } : {}),
        ...(b.filters ? { filters: b.filters as Filter[] } : {}),
        ...(b.asOf ? { asOf: b.asOf } : {}),
      };
    case 'segment':
      return { ...common, kind: 'segment', segment: need(b.segment, 'segment', b.kind) };
    case 'customers': {
      const sort = b.sort ? parseCustomerSort(b.sort) : undefined;
      if (b.sort && !sort) throw new ApiError(400, 'invalid_sort', `sort: expected one of ${Object.keys(CUSTOMER_SORTS).join(', ')}, optionally with a leading -`, 'sort');
      return { ...common, kind: 'customers', ...(b.search ? { search: b.search } : {}), ...(sort ? { sort } : {}) };
    }
  }
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / 5987): non-ASCII names survive in every browser. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** What was exported, for the audit log (a search term is masked: it may be a phone number or a name). */
function auditWhat(r: ExportRequest): Record<string, unknown> {
  switch (r.kind) {
    case 'query':
      return { metrics: r.query.metrics, dimensions: r.query.dimensions ?? [], filters: r.query.filters ?? [] };
    case 'report':
      return { report: r.report, filters: r.filters ?? [] };
    case 'segment':
      return { segment: r.segment };
    case 'customers':
      return { ...(r.search ? { search: mask('name', r.search) } : {}) };
  }
}

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.create, async (c) => {
    const who = requirePermission(c, 'export');
    const req = toRequest(c.req.valid('json'));
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-export-'));
    let built: BuiltExport;
    try {
      built = await readAs(d.data, who, (wh) => buildExport(wh, d.catalog, req, dir));
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      if (e instanceof ExportError) throw new ApiError(e.notFound ? 404 : 400, e.code, e.message, e.field);
      throw e;
    }
    d.meta.audit({
      user: who.user,
      action: 'export',
      details: { kind: req.kind, ...auditWhat(req), format: req.format, purpose: req.purpose ?? null, rows: built.rows, ...(built.excludedForConsent !== undefined ? { excludedForConsent: built.excludedForConsent } : {}) },
    });
    const stream = createReadStream(built.file);
    // The file is gone from the folder once open; the open stream keeps reading it.
    stream.once('open', () => rmSync(dir, { recursive: true, force: true }));
    stream.once('error', () => rmSync(dir, { recursive: true, force: true }));
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[req.format],
      'Content-Disposition': contentDisposition(`${built.name}-${d.clock().toISOString().slice(0, 10)}.${req.format}`),
      [ROWS_HEADER]: String(built.rows),
      ...(built.excludedForConsent !== undefined ? { [CONSENT_HEADER]: String(built.excludedForConsent) } : {}),
    };
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: 200, headers }) as never;
  });
}
