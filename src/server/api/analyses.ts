/**
 * Customer-value analyses, one route each (POST /api/analyses/<name>): the analysis's own parameter validation (its
 * stable codes and fields become 400 errors) and runner, on the caller's scoped and masked view, so a scoped user's
 * analysis covers their rows only. The body schemas give the shapes; the values (dates, choices, ranges) are checked by
 * the analysis, so its codes reach the client. `save: true` stores the per-customer result (a write to shared tables):
 * it needs the `import` permission and an unscoped role, as every write.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ClusterError, runCluster, saveCluster, type ClusterParams } from '../../analyses/cluster/index.js';
import { COHORT_GROUPS, CohortError, runCohorts, type CohortParams } from '../../analyses/cohorts/index.js';
import { LifecycleError, PERIODS, runLifecycle, saveLifecycle, type LifecycleParams } from '../../analyses/lifecycle/index.js';
import { MatrixError, runMatrix, saveMatrix, THRESHOLD_STATS, type MatrixParams } from '../../analyses/matrix/index.js';
import { MEMBER_GRAINS, MembersError, runMembers, type MembersParams } from '../../analyses/members/index.js';
import { RepurchaseError, runRepurchase, type RepurchaseParams } from '../../analyses/repurchase/index.js';
import { RfmError, runRfm, saveRfm, SCORE_METHODS, SPLITS, type RfmParams } from '../../analyses/rfm/index.js';
import { runTiers, saveTiers, TiersError, type TiersParams } from '../../analyses/tiers/index.js';
import { QueryError, type QueryIssue } from '../../query/types.js';
import type { Warehouse } from '../../warehouse/port.js';
import { principalOf, type AppEnv, type Principal } from '../auth.js';
import { accessOfPrincipal, readAs, readCachedAs, writeAs } from '../data.js';
import type { Api, ApiDeps } from '../deps.js';
import { ApiError, errorResponses } from '../errors.js';
import { body, json, SECURED } from '../schemas.js';
import { jsonSafe } from './analytics.js';

const ANALYSIS_ERRORS = [RfmError, TiersError, MatrixError, ClusterError, LifecycleError, CohortError, RepurchaseError, MembersError] as const;

/** An analysis's parameter error as a 400 with its code, field and every issue (the app maps QueryError so). */
function asApiError(e: unknown): unknown {
  for (const E of ANALYSIS_ERRORS) if (e instanceof E) return new QueryError(e.issues as readonly QueryIssue[]);
  return e;
}

const day = (description: string) => z.string().optional().openapi({ description: `${description} (YYYY-MM-DD)`, example: '2026-01-01' });
const choice = (values: readonly string[], description: string) => z.string().optional().openapi({ enum: [...values], description });
const save = z.boolean().optional().openapi({ description: 'Store the per-customer result (permission import, unscoped role)' });

const SCHEMAS = {
  rfm: z
    .object({
      asOf: day('Orders before this day count; recency is measured to it. Default: the day after the last order'),
      from: day('First day of the window'),
      scores: choice(SCORE_METHODS, 'quintiles (default) or thresholds'),
      thresholds: z.object({ recency: z.array(z.number()).optional(), frequency: z.array(z.number()).optional(), monetary: z.array(z.number()).optional() }).optional().openapi({ description: 'Four ascending cut points per measure (with scores: thresholds)' }),
      split: choice(SPLITS, 'How a score is high or low'),
      compareAsOf: day('A second as-of date for the movement matrix'),
      save,
    })
    .strict()
    .openapi('RfmParams'),
  tiers: z
    .object({
      asOf: day('Orders before this day count'),
      from: day('First day of the window'),
      rules: z.array(z.object({ tier: z.string(), minSpend: z.number().optional(), maxSpend: z.number().optional(), minRepurchase: z.number().optional(), maxRepurchase: z.number().optional() }).strict()).optional().openapi({ description: 'Ordered rules; the first a customer matches gives its tier' }),
      otherTier: z.string().optional(),
      activeDays: z.number().optional(),
      save,
    })
    .strict()
    .openapi('TiersParams'),
  matrix: z
    .object({
      asOf: day('Orders before this day count'),
      from: day('First day of the window'),
      aovThreshold: z.union([z.string(), z.number()]).optional().openapi({ description: `${THRESHOLD_STATS.join(' | ')} or a number (default median)` }),
      frequencyThreshold: z.union([z.string(), z.number()]).optional().openapi({ description: `${THRESHOLD_STATS.join(' | ')} or a number (default median)` }),
      activeDays: z.number().optional(),
      save,
    })
    .strict()
    .openapi('MatrixParams'),
  cluster: z
    .object({
      asOf: day('Orders before this day count'),
      from: day('First day of the window'),
      k: z.number().optional().openapi({ description: 'The number of clusters; without it, k is chosen by silhouette over kRange' }),
      kRange: z.array(z.number()).optional().openapi({ description: '[min, max] (default [2, 8])' }),
      seed: z.number().optional(),
      restarts: z.number().optional(),
      maxIter: z.number().optional(),
      tol: z.number().optional(),
      silhouetteSample: z.number().optional(),
      topCategories: z.number().optional(),
      save,
    })
    .strict()
    .openapi('ClusterParams'),
  lifecycle: z
    .object({
      from: day('A period start: the first period reported'),
      to: day('A period start: the end (exclusive) of the last period'),
      asOf: day('Instead of from/to: one period ending on this day'),
      period: choice(PERIODS, 'month (default) or week'),
      activeDays: z.number().optional().openapi({ description: "Default: the catalog's churnDays" }),
      sleepingDays: z.number().optional(),
      save,
    })
    .strict()
    .openapi('LifecycleParams'),
  cohorts: z
    .object({
      from: day('A period start: the first cohort'),
      to: day('A period start: cohorts before it'),
      asOf: day('The data cut-off'),
      period: choice(PERIODS, 'month (default) or week'),
      by: choice(COHORT_GROUPS, 'Split each cohort by first-order channel or customer source'),
    })
    .strict()
    .openapi('CohortParams'),
  repurchase: z
    .object({
      from: day('First day of the window'),
      to: day('Last day of the window, inclusive'),
      asOf: day('Instead of to: orders before this day count'),
      minPurchases: z.number().optional(),
      factor: z.number().optional(),
      maxOverdueDays: z.number().optional(),
      productLimit: z.number().optional(),
      reminderLimit: z.number().optional(),
      reminders: z.boolean().optional().openapi({ description: 'Also list the customers past their own usual interval (复购提醒)' }),
    })
    .strict()
    .openapi('RepurchaseParams'),
  members: z
    .object({
      from: day('First day of the range'),
      to: day('Last day of the range, inclusive'),
      asOf: day('Instead of a range: one snapshot'),
      compareAsOf: day('With asOf: the earlier date of the migration matrix'),
      grain: choice(MEMBER_GRAINS, 'Periods of the range (default month)'),
      tiers: z.array(z.string()).optional().openapi({ description: 'Tier names, lowest first' }),
    })
    .strict()
    .openapi('MembersParams'),
} as const;

type Name = keyof typeof SCHEMAS;

const TITLES: Record<Name, string> = {
  rfm: 'RFM scores and the eight customer segments, with actions (as `tidemark rfm`)',
  tiers: 'Customer value tiers by spend × repurchase (as `tidemark tiers`)',
  matrix: 'Customer value matrix: AOV × purchase frequency (as `tidemark matrix`)',
  cluster: 'k-means customer clusters on standardised behaviour (as `tidemark cluster`)',
  lifecycle: 'Lifecycle stages per period with transitions (as `tidemark lifecycle`)',
  cohorts: 'Acquisition-cohort retention, revenue retention and LTV to date (as `tidemark cohorts`)',
  repurchase: 'Repurchase rate, days between purchases, by category and product; reminders (as `tidemark repurchase`)',
  members: 'Member tier distribution, migration and points (as `tidemark members`)',
};

const ResultSchema = (name: Name) =>
  z
    .looseObject({
      params: z.record(z.string(), z.unknown()).openapi({ description: 'The parameters it ran with, defaults filled in' }),
      sql: z.unknown().openapi({ description: 'The SQL that ran (with `sqlParams`)' }),
      ms: z.number(),
      saved: z.number().optional().openapi({ description: 'With save: the customers stored' }),
    })
    .openapi(`${name[0]!.toUpperCase()}${name.slice(1)}Result`);

const route = <S extends z.ZodType>(name: Name, schema: S) =>
  createRoute({
    method: 'post',
    path: `/api/analyses/${name}`,
    tags: ['analyses'],
    summary: TITLES[name],
    security: SECURED,
    request: { body: body(schema) },
    responses: { 200: json(ResultSchema(name), 'The result, over the caller’s rows, with the SQL that ran'), ...errorResponses(400, 401, 403) },
  });

export const routes = {
  rfm: route('rfm', SCHEMAS.rfm),
  tiers: route('tiers', SCHEMAS.tiers),
  matrix: route('matrix', SCHEMAS.matrix),
  cluster: route('cluster', SCHEMAS.cluster),
  lifecycle: route('lifecycle', SCHEMAS.lifecycle),
  cohorts: route('cohorts', SCHEMAS.cohorts),
  repurchase: route('repurchase', SCHEMAS.repurchase),
  members: route('members', SCHEMAS.members),
} as const;

/** Saving writes shared tables: checked before the analysis runs, so a refused save costs nothing. */
function checkSave(who: Principal): void {
  if (!who.permissions.includes('import')) throw new ApiError(403, 'forbidden', `saving results needs the 'import' permission; your role (${who.user.role}) does not have it`, 'save');
  if (accessOfPrincipal(who).scope.kind !== 'all') throw new ApiError(403, 'forbidden', 'saving results needs a role whose row scope is all rows (a scoped result would replace everyone’s)', 'save');
}

interface Spec<R> {
  /** The request as validated: with the scope and masking, the key of the result cache (runs that save are never cached). */
  readonly request: unknown;
  readonly run: (wh: Warehouse) => Promise<R>;
  readonly save?: ((wh: Warehouse, r: R) => Promise<number>) | undefined;
}

async function analyse<R extends { ms: number }>(c: Context<AppEnv>, d: ApiDeps, name: Name, spec: Spec<R>): Promise<Record<string, unknown>> {
  const who = principalOf(c);
  if (spec.save) checkSave(who);
  const read = spec.save ? readAs(d.data, who, (wh) => spec.run(wh)) : readCachedAs(d.data, who, `analysis:${name}`, spec.request, (wh) => spec.run(wh));
  const result = await read.catch((e: unknown) => {
    throw asApiError(e);
  });
  const save = spec.save;
  const saved = save ? await writeAs(d.data, who, 'import', `save ${name}`, (wh) => save(wh, result)) : undefined;
  d.meta.audit({ user: who.user, action: 'analysis', details: { analysis: name, ...(saved !== undefined ? { saved } : {}) } });
  const { assignment: _perCustomer, ...rest } = result as R & { assignment?: unknown };
  return jsonSafe({ ...rest, ms: Math.round(result.ms), ...(saved !== undefined ? { saved } : {}) }) as Record<string, unknown>;
}

/** The body without the route's own flags: what the analysis validates. */
function paramsOf<T extends Record<string, unknown>, K extends string>(b: T, ...drop: K[]): Omit<T, K> {
  const out: Record<string, unknown> = { ...b };
  for (const k of drop) delete out[k];
  return out as Omit<T, K>;
}

export function register(app: Api, d: ApiDeps): void {
  const ok = (c: Context, r: Record<string, unknown>) => c.json(r as z.infer<ReturnType<typeof ResultSchema>>, 200);

  app.openapi(routes.rfm, async (c) => {
    const b = c.req.valid('json');
    const p = paramsOf(b, 'save') as RfmParams;
    return ok(c, await analyse(c, d, 'rfm', { request: b, run: (wh) => runRfm(wh, p), save: b.save ? (wh, r) => saveRfm(wh, r.params) : undefined }));
  });
  app.openapi(routes.tiers, async (c) => {
    const b = c.req.valid('json');
    const p = paramsOf(b, 'save') as TiersParams;
    return ok(c, await analyse(c, d, 'tiers', { request: b, run: (wh) => runTiers(wh, p), save: b.save ? (wh, r) => saveTiers(wh, r.params) : undefined }));
  });
  app.openapi(routes.matrix, async (c) => {
    const b = c.req.valid('json');
    const p = paramsOf(b, 'save') as MatrixParams;
    return ok(c, await analyse(c, d, 'matrix', { request: b, run: (wh) => runMatrix(wh, p), save: b.save ? (wh, r) => saveMatrix(wh, r.params) : undefined }));
  });
  app.openapi(routes.cluster, async (c) => {
    const b = c.req.valid('json');
    const p = paramsOf(b, 'save') as unknown as ClusterParams;
    return ok(c, await analyse(c, d, 'cluster', { request: b, run: (wh) => runCluster(wh, p), save: b.save ? (wh, r) => saveCluster(wh, r) : undefined }));
  });
  app.openapi(routes.lifecycle, async (c) => {
    const b = c.req.valid('json');
    // One definition of "active": the catalog's churnDays unless given (as the CLI).
    const p = { ...paramsOf(b, 'save'), activeDays: b.activeDays ?? d.catalog.settings.churnDays } as LifecycleParams;
    return ok(c, await analyse(c, d, 'lifecycle', { request: b, run: (wh) => runLifecycle(wh, p), save: b.save ? (wh, r) => saveLifecycle(wh, r.params) : undefined }));
  });
  app.openapi(routes.cohorts, async (c) => {
    const p = c.req.valid('json') as CohortParams;
    return ok(c, await analyse(c, d, 'cohorts', { request: p, run: (wh) => runCohorts(wh, p) }));
  });
  app.openapi(routes.repurchase, async (c) => {
    const b = c.req.valid('json');
    const p = paramsOf(b, 'reminders') as RepurchaseParams;
    return ok(c, await analyse(c, d, 'repurchase', { request: b, run: (wh) => runRepurchase(wh, d.catalog, p, { reminders: b.reminders === true }) }));
  });
  app.openapi(routes.members, async (c) => {
    const p = c.req.valid('json') as MembersParams;
    return ok(c, await analyse(c, d, 'members', { request: p, run: (wh) => runMembers(wh, d.catalog, p) }));
  });
}
