/**
 * The ad-hoc SQL console (permission run_sql). The statement runs on the caller's gate connection, so it only ever
 * reads their scoped, masked views; the guard of src/access/console.ts checks it on that connection first (one SELECT,
 * warehouse tables by plain name, no file, catalog or settings functions). Every use is audited, refused or not.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { runConsoleSql, type ConsoleRefusal, type ConsoleResult } from '../../access/console.js';
import { isDuckDbInputError, oneLine } from '../../cli/output.js';
import { principalOf, requirePermission } from '../auth.js';
import { readAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { body, json, SECURED } from '../schemas.js';

export const SQL_DEFAULT_LIMIT = 1000;
export const SQL_MAX_LIMIT = 10_000;
/** A statement is interrupted after this long (DuckDB has no statement timeout of its own). */
export const SQL_BUDGET_MS = 30_000;
/** The audit log keeps this much of the statement. */
const AUDIT_SQL_CHARS = 10_000;

const SqlRequestSchema = z
  .object({
    sql: z.string().min(1).max(100_000).openapi({ example: "SELECT status, count(*) AS n, sum(amount) AS revenue FROM orders GROUP BY ALL" }),
    limit: z.number().int().positive().max(SQL_MAX_LIMIT).optional().openapi({ description: `Rows returned at most (default ${SQL_DEFAULT_LIMIT})` }),
  })
  .strict()
  .openapi('SqlRequest');

const SqlResultSchema = z
  .object({
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    rows: z.array(z.record(z.string(), z.unknown())),
    rowCount: z.number(),
    truncated: z.boolean().openapi({ description: 'Reading stopped at the row limit or the time budget; there may be more rows' }),
    ms: z.number(),
  })
  .openapi('SqlResult');

export const routes = {
  sql: createRoute({
    method: 'post',
    path: '/api/sql',
    tags: ['analysis'],
    summary: 'One read-only SELECT over your scoped, masked views of the warehouse (permission run_sql)',
    security: SECURED,
    request: { body: body(SqlRequestSchema) },
    responses: { 200: json(SqlResultSchema, 'Columns and rows (capped)'), ...errorResponses(400, 401, 403) },
  }),
} as const;

type Outcome = { refusal: ConsoleRefusal } | { result: ConsoleResult };

export function register(app: Api, d: ApiDeps): void {
  app.openapi(routes.sql, async (c) => {
    const who = principalOf(c);
    const { sql, limit } = c.req.valid('json');
    const cap = limit ?? SQL_DEFAULT_LIMIT;
    const started = Date.now();
    const audit = (details: Record<string, unknown>) =>
      d.meta.audit({ user: who.user, action: 'sql', details: { sql: sql.length > AUDIT_SQL_CHARS ? `${sql.slice(0, AUDIT_SQL_CHARS)}…` : sql, ...details } });
    try {
      requirePermission(c, 'run_sql');
    } catch (e) {
      audit({ refused: true, code: 'forbidden', reason: `role ${who.user.role} lacks run_sql` });
      throw e;
    }
    let out: Outcome;
    try {
      out = await readAs(d.data, who, (wh) => runConsoleSql(wh, sql, { limit: cap, budgetMs: SQL_BUDGET_MS }));
    } catch (e) {
      const input = isDuckDbInputError(e);
      const message = input ? oneLine((e as Error).message) : 'internal error';
      audit({ refused: false, failed: true, error: message });
      if (input) throw new ApiError(400, 'sql_error', message, 'sql');
      throw e;
    }
    if ('refusal' in out) {
      const r = out.refusal;
      audit({ refused: true, code: r.code, reason: r.message });
      throw new ApiError(400, r.code, r.message, 'sql');
    }
    const { columns, rows, truncated } = out.result;
    audit({ refused: false, rows: rows.length, truncated });
    return c.json({ columns: [...columns], rows, rowCount: rows.length, truncated, ms: Date.now() - started }, 200);
  });
}
