/**
 * Every route module of the API. A module declares its routes (zod schemas → validation and docs/openapi.json) next to
 * its handlers; add a module here and it is served, documented and covered by the route tests.
 */
import type { ApiModule } from '../deps.js';
import * as admin from './admin.js';
import * as analyses from './analyses.js';
import * as analytics from './analytics.js';
import * as auth from './auth.js';
import * as customers from './customers.js';
import * as exports from './exports.js';
import * as extent from './extent.js';
import * as imports from './imports.js';
import * as meta from './meta.js';
import * as segments from './segments.js';
import * as sql from './sql.js';
import * as users from './users.js';
import * as warehouse from './warehouse.js';

export const API_MODULES: readonly ApiModule[] = [meta, auth, warehouse, imports, admin, users, analytics, analyses, customers, segments, exports, sql, extent];

/** All route definitions, for the OpenAPI document and the tests that enumerate routes. */
export const ALL_ROUTES: readonly { method: string; path: string }[] = API_MODULES.flatMap((m) => Object.values(m.routes));
