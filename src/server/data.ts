/**
 * The one path from the API to customer data. Every route that reads the warehouse calls a function here with the
 * signed-in principal, so row scopes and personal-data masking (next, issue 5) are applied in one place.
 */
import type { MetaStore } from '../accounts/index.js';
import { status, type Status } from '../cli/commands/status.js';
import type { Catalog } from '../metrics/types.js';
import { runQuery, type QueryResult } from '../query/run.js';
import type { Query } from '../query/types.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Principal } from './auth.js';

export interface DataContext {
  readonly warehouse: Warehouse;
  readonly catalog: Catalog;
  readonly meta: MetaStore;
}

export async function queryAs(ctx: DataContext, who: Principal, query: Query): Promise<QueryResult> {
  const result = await runQuery(ctx.warehouse, ctx.catalog, query);
  ctx.meta.audit({ user: who.user, action: 'query', details: { metrics: query.metrics, dimensions: query.dimensions ?? [], filters: query.filters ?? [], rows: result.rows.length } });
  return result;
}

export async function statusAs(ctx: DataContext, _who: Principal): Promise<Status> {
  return status(ctx.warehouse);
}
