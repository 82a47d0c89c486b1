/** API errors: JSON `{ error: { code, message, field? } }` with a stable code; never a stack trace. */
import { z } from '@hono/zod-openapi';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string(),
      field: z.string().optional().openapi({ description: 'The offending request field, e.g. `metrics` or `filters[0].values`' }),
      issues: z.array(z.object({ code: z.string(), message: z.string(), field: z.string().optional() })).optional(),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof ErrorSchema>;

export function errorBody(code: string, message: string, field?: string, issues?: readonly { code: string; message: string; field?: string }[]): ErrorBody {
  return { error: { code, message, ...(field !== undefined ? { field } : {}), ...(issues && issues.length > 1 ? { issues: [...issues] } : {}) } };
}

/** A zod issue path as the field name clients know: `filters[0].values`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export const errorResponses = <S extends 400 | 401 | 403 | 404 | 409 | 423 | 429>(...statuses: readonly S[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_TEXT[s], content: { 'application/json': { schema: ErrorSchema } } }]),
  ) as Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `field` names the offending field',
  401: 'Not signed in, or the session or token is no longer valid',
  403: 'Signed in, but not allowed (permission, or a missing CSRF token)',
  404: 'No such thing',
  409: 'Conflict',
  423: 'The account is locked after repeated failed logins',
  429: 'Too many attempts; retry later',
};
