/**
 * The typed API client. Paths, bodies, query strings and answers are typed from the server's own route schemas
 * (src/server/contract.ts), so the dashboard and the API cannot drift apart silently.
 */
import type { ApiErrorBody, BodyOf, ParamsOf, QueryOf, ResponseOf, RouteKey } from '../../../src/server/contract.js';

export type { BodyOf, ResponseOf, RouteKey };

/** An API answer that was not 2xx: the server's stable code, message and field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type PathKey<M extends string> = Extract<RouteKey, `${M} ${string}`> extends `${M} ${infer P}` ? P : never;

export interface CallOptions<K extends RouteKey> {
  readonly params?: ParamsOf<K>;
  readonly query?: QueryOf<K>;
  readonly body?: BodyOf<K>;
  readonly signal?: AbortSignal;
}

let onUnauthenticated: () => void = () => {};
/** Called when any request answers 401 (the session ended): the app goes back to the login page. */
export function setUnauthenticatedHandler(f: () => void): void {
  onUnauthenticated = f;
}
/** For requests made outside `send` (upload.ts): the session ended. */
export function notifyUnauthenticated(): void {
  onUnauthenticated();
}

/** The session's CSRF token (from its cookie), sent as X-CSRF-Token on every write. */
export function csrfToken(): string | undefined {
  const m = /(?:^|;\s*)tm_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** The URL of a route with its path parameters and query string filled in. */
export function urlOf(path: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  let url = path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(String(params?.[k] ?? '')));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) qs.append(k, String(x));
    else qs.set(k, String(v));
  }
  const s = qs.toString();
  if (s) url += `?${s}`;
  return url;
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> | undefined;
  try {
    body = (await res.json()) as ApiErrorBody;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  return new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.field);
}

/** Sends a request; resolves to the raw Response (for downloads) or throws ApiError. */
export async function send(method: string, url: string, body?: unknown, signal?: AbortSignal, form?: FormData): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    const t = csrfToken();
    if (t) headers['X-CSRF-Token'] = t;
  }
  let payload: BodyInit | undefined;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers, body: payload, signal, credentials: 'same-origin' });
  if (!res.ok) {
    const e = await errorOf(res);
    if (res.status === 401 && !url.startsWith('/api/auth/login')) onUnauthenticated();
    throw e;
  }
  return res;
}

async function call<K extends RouteKey>(method: string, path: string, o: CallOptions<K> = {}): Promise<ResponseOf<K>> {
  const res = await send(method, urlOf(path, o.params as Record<string, unknown>, o.query as Record<string, unknown>), o.body, o.signal);
  if (res.status === 204) return undefined as ResponseOf<K>;
  return (await res.json()) as ResponseOf<K>;
}

/** `api.get('/api/overview', { query: { from } })`, `api.post('/api/query', { body })`… typed per route. */
export const api = {
  get: <P extends PathKey<'GET'>>(path: P, o?: CallOptions<`GET ${P}` & RouteKey>) => call<`GET ${P}` & RouteKey>('GET', path, o),
  post: <P extends PathKey<'POST'>>(path: P, o?: CallOptions<`POST ${P}` & RouteKey>) => call<`POST ${P}` & RouteKey>('POST', path, o),
  put: <P extends PathKey<'PUT'>>(path: P, o?: CallOptions<`PUT ${P}` & RouteKey>) => call<`PUT ${P}` & RouteKey>('PUT', path, o),
  patch: <P extends PathKey<'PATCH'>>(path: P, o?: CallOptions<`PATCH ${P}` & RouteKey>) => call<`PATCH ${P}` & RouteKey>('PATCH', path, o),
  delete: <P extends PathKey<'DELETE'>>(path: P, o?: CallOptions<`DELETE ${P}` & RouteKey>) => call<`DELETE ${P}` & RouteKey>('DELETE', path, o),
};

/** Saves a server-made file (export, quarantine CSV…): POSTs or GETs, then hands the bytes to the browser as a download. */
export async function download(method: 'GET' | 'POST', url: string, body?: unknown, fallbackName = 'tidemark-export'): Promise<string> {
  return (await downloadFile(method, url, body, fallbackName)).name;
}

/** As `download`, also answering the response headers (X-Tidemark-Rows, X-Tidemark-Excluded-No-Consent…). */
export async function downloadFile(method: 'GET' | 'POST', url: string, body?: unknown, fallbackName = 'tidemark-export'): Promise<{ name: string; headers: Headers }> {
  const res = await send(method, url, body);
  const cd = res.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  const name = star ? decodeURIComponent(star[1]!) : (plain?.[1] ?? fallbackName);
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  return { name, headers: res.headers };
}
