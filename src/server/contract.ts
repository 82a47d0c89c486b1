/**
 * The API's contract as TypeScript types, derived from the route definitions themselves (the same zod schemas that
 * validate requests and generate docs/openapi.json). The dashboard's client imports these types only (erased at
 * build), so a changed route is a type error in the dashboard, not a surprise in the browser.
 */
import type { z } from '@hono/zod-openapi';
import type * as admin from './api/admin.js';
import type * as analyses from './api/analyses.js';
import type * as analytics from './api/analytics.js';
import type * as auth from './api/auth.js';
import type * as customers from './api/customers.js';
import type * as exports from './api/exports.js';
import type * as extent from './api/extent.js';
import type * as imports from './api/imports.js';
import type * as meta from './api/meta.js';
import type * as segments from './api/segments.js';
import type * as sql from './api/sql.js';
import type * as users from './api/users.js';
import type * as warehouse from './api/warehouse.js';

type Modules = typeof admin | typeof analyses | typeof analytics | typeof auth | typeof customers | typeof exports | typeof extent | typeof imports | typeof meta | typeof segments | typeof sql | typeof users | typeof warehouse;
type Routes<M> = M extends { routes: infer R } ? R[keyof R] : never;
type AnyRoute = Routes<Modules>;

/** "GET /api/overview", "POST /api/customers/{id}"… */
export type RouteKey = AnyRoute extends infer R ? (R extends { method: infer M extends string; path: infer P extends string } ? `${Uppercase<M>} ${P}` : never) : never;
type RouteOf<K extends RouteKey> = Extract<AnyRoute, { method: Lowercase<MethodOf<K>>; path: PathOf<K> }>;
type MethodOf<K extends string> = K extends `${infer M} ${string}` ? M : never;
type PathOf<K extends string> = K extends `${string} ${infer P}` ? P : never;

type Schema<T> = T extends z.ZodType ? T : never;
type JsonSchemaOf<C> = C extends { content: { 'application/json': { schema: infer S } } } ? Schema<S> : never;
type Ok<R> = R extends { responses: infer Rs } ? Rs[Extract<keyof Rs, 200 | 201 | 202>] : never;

/** What the route answers on success (the JSON body). */
export type ResponseOf<K extends RouteKey> = z.output<JsonSchemaOf<Ok<RouteOf<K>>>>;
/** The JSON body the route takes (never for routes without one). */
export type BodyOf<K extends RouteKey> = RouteOf<K> extends { request: { body: infer B } } ? z.input<JsonSchemaOf<B>> : never;
/** The query string parameters the route takes. */
export type QueryOf<K extends RouteKey> = RouteOf<K> extends { request: { query: infer Q } } ? z.input<Schema<Q>> : Record<string, never>;
/** The path parameters ({id}, {login}…). */
export type ParamsOf<K extends RouteKey> = RouteOf<K> extends { request: { params: infer P } } ? z.input<Schema<P>> : Record<string, never>;

/** The error body every route answers with on 4xx/5xx. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly issues?: readonly unknown[] };
}
