/**
 * Demo data: a synthetic but realistic Chinese omni-channel retailer with a B2B sales team.
 *
 * Everything is derived from the seed; the large tables are generated inside DuckDB with
 * INSERT … SELECT over range() (randomness from hash(), see random.ts), the small master data and
 * the B2B funnel in TypeScript. One transaction replaces all rows of every entity table.
 */
import { performance } from 'node:perf_hooks';
import { ENTITIES, quoteIdent } from '../schema/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { buildB2B } from './b2b.js';
import { B2CSql } from './b2c.js';
import { buildCalendar } from './calendar.js';
import { buildCampaigns, buildOrg, buildProducts, type Campaign, type Org, type Product } from './catalog.js';
import { buildLists, createListTable } from './lists.js';
import { fmtTs, insertRows, yuan, type DemoRow } from './sqlutil.js';

export interface DemoOptions {
  customers: number;
  seed: number;
  /** First day of the demo period (default 2023-01-01). */
  start?: string;
  /** Last day of the demo period, also "today" for the demo (default 2025-12-31). */
  end?: string;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface DemoSummary {
  seed: number;
  customers: number;
  tables: Record<string, number>;
  seconds: number;
}

export const DEFAULT_START = '2023-01-01';
export const DEFAULT_END = '2025-12-31';
export const MAX_CUSTOMERS = 5_000_000;

const TEMP_TABLES = ['_dm_l', '_dm_pois', '_dm_cust', '_dm_o0', '_dm_ord', '_dm_agg', '_dm_attr', '_dm_pq', '_dm_tier', '_dm_tk', '_dm_touch'];

export class DemoError extends Error {
  override readonly name = 'DemoError';
}

function validate(opts: DemoOptions): void {
  if (!Number.isInteger(opts.customers) || opts.customers < 1 || opts.customers > MAX_CUSTOMERS) {
    throw new DemoError(`customers must be a whole number from 1 to ${MAX_CUSTOMERS.toLocaleString('en-US')}, got ${opts.customers}`);
  }
  if (!Number.isSafeInteger(opts.seed)) throw new DemoError(`seed must be an integer, got ${opts.seed}`);
}

export async function generateDemo(wh: Warehouse, opts: DemoOptions): Promise<DemoSummary> {
  validate(opts);
  const t0 = performance.now();
  const seed = opts.seed;
  const N = opts.customers;
  const cal = (() => {
    try {
      return buildCalendar(opts.start ?? DEFAULT_START, opts.end ?? DEFAULT_END);
    } catch (e) {
      throw new DemoError(e instanceof Error ? e.message : String(e));
    }
  })();
  const products = buildProducts(seed, cal.start);
  const org = buildOrg(seed, cal);
  const campaigns = buildCampaigns(seed, cal);
  const b2b = buildB2B(seed, N, cal, org, products, campaigns);
  const persons = N - b2b.companies.length;
  const lists = buildLists(cal, org, products, campaigns);
  const sql = new B2CSql({ seed, cal, lists, campaigns, persons });
  const steps = [
    'customers',
    'orders',
    'membership',
    'service tickets',
    'campaigns',
    'write customers',
    'write orders',
    'write order items',
    'write loyalty',
    'write interactions',
    'write service and campaigns',
    'write master data and B2B',
    'commit',
  ];
  const total = steps.length + 1;
  let done = 0;
  const step = (name: (typeof steps)[number] | 'prepare'): void => {
    opts.onProgress?.(name, done++, total);
  };
  step('prepare');

  // Row order inside the generated tables carries no meaning; letting DuckDB drop it roughly halves
  // the CPU time of the big INSERT … SELECTs. The setting is restored afterwards.
  const preserve = String((await wh.query(`SELECT current_setting('preserve_insertion_order') AS v`)).rows[0]?.v ?? 'true');
  await wh.run(`SET preserve_insertion_order = false`);
  try {
    // Phase 1: everything is computed into connection-local temp tables, outside the transaction:
    // DuckDB scans committed temp tables in parallel, but a table created inside a transaction only
    // serially (and about twice as slowly). Nothing outside this connection sees them.
    await createListTable(wh, lists);
    await wh.run(sql.poissonSql());
    step('customers');
    await wh.run(sql.customerSql());
    step('orders');
    for (const q of sql.orderSql()) await wh.run(q);
    await wh.run('DROP TABLE IF EXISTS _dm_o0');
    step('membership');
    await wh.run(sql.aggSql());
    await wh.run(sql.attrSql());
    await wh.run(sql.procurementSampleSql());
    await wh.run(sql.tierSql());
    step('service tickets');
    await wh.run(sql.ticketsSql());
    step('campaigns');
    await wh.run(sql.touchesSql());
    const touched = new Map<number, number>();
    for (const r of (await wh.query(`SELECT k, count(*) AS n FROM _dm_touch GROUP BY k`)).rows) touched.set(Number(r.k), Number(r.n));

    // Phase 2: one transaction replaces the rows of every entity table.
    await wh.transaction(async (tx) => {
      for (const e of ENTITIES) await tx.run(`DELETE FROM ${quoteIdent(e.name)}`);
      step('write customers');
      await tx.run(sql.insertCustomersSql());
      await tx.run(sql.insertIdentitiesSql());
      step('write orders');
      await tx.run(sql.insertOrdersSql());
      await tx.run(sql.insertReturnsSql());
      step('write order items');
      await tx.run(sql.insertItemsSql());
      step('write loyalty');
      await tx.run(sql.insertTierChangesSql());
      await tx.run(sql.insertPointsEarnedSql());
      await tx.run(sql.insertPointsSpentSql());
      await tx.run(sql.insertCompensationSql());
      step('write interactions');
      await tx.run(sql.insertInteractionsSql());
      await tx.run(sql.insertReferralsSql());
      step('write service and campaigns');
      await tx.run(sql.insertTicketsSql());
      await tx.run(sql.insertTouchesSql());
      await insertRows(tx, 'campaigns', campaignRows(campaigns, touched, b2b.leadsPerCampaign));
      await tx.run(sql.insertPurchasesSql());
      step('write master data and B2B');
      await insertRows(tx, 'org_units', orgUnitRows(org));
      await insertRows(tx, 'employees', employeeRows(org));
      await insertRows(tx, 'stores', storeRows(org));
      await insertRows(tx, 'products', productRows(products));
      await insertRows(tx, 'customers', b2b.companies);
      await insertRows(tx, 'leads', b2b.leads);
      await insertRows(tx, 'opportunities', b2b.opportunities);
      await insertRows(tx, 'opportunity_stages', b2b.stages);
      await insertRows(tx, 'contracts', b2b.contracts);
      await insertRows(tx, 'receivables', b2b.receivables);
      await insertRows(tx, 'payments', b2b.payments);
      await insertRows(tx, 'activities', b2b.activities);
      await tx.run(`INSERT OR REPLACE INTO tm_meta VALUES ('demo_seed', $1), ('demo_customers', $2)`, [String(seed), String(N)]);
      step('commit');
    });
  } finally {
    for (const t of TEMP_TABLES) await wh.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    await wh.run(`SET preserve_insertion_order = ${preserve === 'false' ? 'false' : 'true'}`);
  }
  opts.onProgress?.('done', total, total);

  const tables: Record<string, number> = {};
  for (const e of ENTITIES) {
    const r = await wh.query(`SELECT count(*) AS n FROM ${quoteIdent(e.name)}`);
    tables[e.name] = Number(r.rows[0]?.n ?? 0);
  }
  return { seed, customers: N, tables, seconds: Math.round((performance.now() - t0) / 10) / 100 };
}

function campaignRows(campaigns: readonly Campaign[], touched: Map<number, number>, leads: Map<number, number>): DemoRow[] {
  return campaigns.map((c) => {
    const size = c.frac > 0 ? touched.get(c.index) ?? 0 : leads.get(c.index) ?? 0;
    return {
      campaign_id: c.id,
      name: c.name,
      channel: c.channel,
      kind: c.kind,
      start_date: fmtTs(c.startSec).slice(0, 10),
      end_date: fmtTs(c.endSec).slice(0, 10),
      cost: yuan(Math.round((c.fixedCost + c.costPerTouch * size) * 100)),
      target_size: size,
    };
  });
}

function orgUnitRows(org: Org): DemoRow[] {
  return org.units.map((u) => ({
    unit_id: u.id,
    name: u.name,
    kind: u.kind,
    parent_id: u.parent,
    province: u.city.province.name,
    province_code: u.city.province.code,
    city: u.city.name,
    city_code: u.city.code,
  }));
}

function employeeRows(org: Org): DemoRow[] {
  return org.employees.map((e) => ({
    employee_id: e.id,
    name: e.name,
    unit_id: e.unit,
    manager_id: e.manager,
    role: e.role,
    phone: e.phone,
    email: e.email,
    hired_at: e.hiredAt,
    left_at: e.leftAt,
  }));
}

function storeRows(org: Org): DemoRow[] {
  return org.stores.map((s) => ({
    store_id: s.id,
    name: s.name,
    channel: s.channel,
    unit_id: s.unitId,
    province: s.city?.province.name ?? null,
    province_code: s.city?.province.code ?? null,
    city: s.city?.name ?? null,
    city_code: s.city?.code ?? null,
    district: s.district?.name ?? null,
    district_code: s.district?.code ?? null,
    opened_at: s.openedAt,
  }));
}

function productRows(products: readonly Product[]): DemoRow[] {
  return products.map((p) => ({
    product_id: p.id,
    name: p.name,
    category_l1: p.l1Name,
    category_l2: p.l2Name,
    category_l3: p.l3Name,
    brand: p.brand,
    price: yuan(p.priceCents),
    cost: yuan(p.costCents),
    launched_at: p.launchedAt,
  }));
}
