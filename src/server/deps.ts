/** What every route module gets: the app to register on and the server's shared parts. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AuthPolicy, MetaStore } from '../accounts/index.js';
import type { Catalog } from '../metrics/types.js';
import type { AppEnv, LoginRateLimiter } from './auth.js';
import type { DataContext } from './data.js';

export type Api = OpenAPIHono<AppEnv>;

export interface ApiDeps {
  readonly meta: MetaStore;
  readonly catalog: Catalog;
  /** The only way to the warehouse: readAs / writeAs in ./data.ts. */
  readonly data: DataContext;
  readonly clock: () => Date;
  readonly policy: AuthPolicy;
  readonly limiter: LoginRateLimiter;
  readonly version: string;
  readonly log: (message: string) => void;
  /** File uploads: the directory they are written to and the largest accepted body. */
  readonly uploads: { readonly dir: string; readonly maxBytes: number };
  /** Whether cookies set on this request get the Secure flag. */
  secure(c: Context): boolean;
}

/** A route module: its route definitions (for the OpenAPI document and the route tests) and their handlers. */
export interface ApiModule {
  readonly routes: Readonly<Record<string, { method: string; path: string }>>;
  /** "METHOD /path" of routes that stream their body (uploads): exempt from the JSON body limit, they enforce their own. */
  readonly uploads?: readonly string[];
  register(app: Api, deps: ApiDeps): void;
}
