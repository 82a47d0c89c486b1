import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { generateDemo } from '../../demo/index.js';
import { writeAtomically } from '../../export/index.js';
import { ENTITIES, quoteIdent } from '../../schema/index.js';
import { overview, type Overview } from '../../overview/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import { addCommonOptions, dbPathOf, formatNumber, printJson, Progress, wantJson, write, type CommonOptions } from '../output.js';
import { renderOverview } from './overview.js';
import { existingTables } from './status.js';

/** The demo `tidemark start` builds: fixed, so every first run shows the same numbers. */
export const START_DEMO = { customers: 20_000, seed: 42 } as const;

/** Rows in orders, in all entity tables together, and imports logged (all 0 for a fresh file). */
async function contents(wh: Warehouse): Promise<{ orders: number; rows: number }> {
  const have = await existingTables(wh);
  const present = ENTITIES.filter((e) => have.has(e.name));
  const parts = present.map((e) => `SELECT '${e.name}' AS t, count(*) AS n FROM ${quoteIdent(e.name)}`);
  if (have.has('tm_imports')) parts.push(`SELECT 'tm_imports' AS t, count(*) AS n FROM tm_imports`);
  if (!parts.length) return { orders: 0, rows: 0 };
  let orders = 0;
  let rows = 0;
  for (const r of (await wh.query(parts.join(' UNION ALL '))).rows) {
    rows += Number(r.n);
    if (r.t === 'orders') orders = Number(r.n);
  }
  return { orders, rows };
}

/** What generateDemo reports (src/demo). */
export interface DemoSummary {
  readonly seed: number;
  readonly customers: number;
  readonly tables: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export type StartState = 'built-demo' | 'existing' | 'no-orders';

export interface StartResult {
  readonly warehouse: string;
  readonly state: StartState;
  readonly demo: DemoSummary | null;
  readonly overview: Overview;
}

/**
 * The first thing a new user runs (`npm start`). Without a warehouse, or with an empty one (no rows,
 * no imports), it builds the demo warehouse; then it returns the overview. A warehouse that has data
 * but no orders is left alone: demo customers must never be mixed into real ones.
 *
 * The demo is built in a temporary file next to the target and renamed into place when complete,
 * so a failed or interrupted build (Ctrl-C) never leaves a half-built warehouse at the default path.
 */
export async function start(path: string, progress: Progress): Promise<StartResult> {
  const target = resolve(path);
  if (existsSync(target)) {
    const ro = await openWarehouse({ path: target, readOnly: true });
    try {
      const c = await contents(ro);
      if (c.rows > 0) {
        return { warehouse: ro.path, state: c.orders > 0 ? 'existing' : 'no-orders', demo: null, overview: await overview(ro) };
      }
    } finally {
      await ro.close();
    }
  }
  const demo = await buildDemo(target, progress);
  const ro = await openWarehouse({ path: target, readOnly: true });
  try {
    return { warehouse: ro.path, state: 'built-demo', demo, overview: await overview(ro) };
  } finally {
    await ro.close();
  }
}

/** Built under a temporary name and renamed when done, so an interrupted build leaves nothing behind. */
async function buildDemo(target: string, progress: Progress): Promise<DemoSummary> {
  return writeAtomically(
    target,
    async (tmp) => {
      const wh = await openWarehouse({ path: tmp });
      try {
        return await generateDemo(wh, {
          ...START_DEMO,
          onProgress: (step: string, done: number, total: number) => progress.update(done, total, `Building demo: ${step}`),
        });
      } finally {
        progress.done();
        await wh.close();
      }
    },
    // close() checkpoints, so normally there is no WAL left; it moves along if there is.
    { companions: ['.wal'], onAbort: () => progress.done() },
  );
}

/** Commands to try after the overview. Run through `npm start`, `tidemark` is not on the PATH: show `npx tidemark`. */
export function whatNext(path: string, dbGiven: boolean): string {
  const t = process.env.npm_lifecycle_event ? 'npx tidemark' : 'tidemark';
  const lines: [string, string][] = [
    [`${t} status`, 'tables, row counts, recent imports'],
    [`${t} overview --from 2024-01-01 --to 2024-12-31`, 'the same numbers for a period'],
    [`${t} sql "SUMMARIZE customers"`, 'read-only SQL on the warehouse'],
    [`${t} sql "SELECT channel, count(*) AS orders, sum(amount) AS revenue FROM orders GROUP BY ALL ORDER BY revenue DESC"`, ''],
    [`${t} export --table customers --out customers.xlsx`, 'to Excel, CSV or Parquet'],
    [`${t} import my-orders.csv --entity orders`, 'your own data: CSV (UTF-8/GBK), XLSX, JSON, Parquet'],
    [`${t} --help`, 'every command'],
  ];
  const w = Math.max(...lines.filter(([, d]) => d).map(([c]) => c.length));
  let out = '\nWhat next:\n';
  for (const [c, d] of lines) out += d ? `  ${c.padEnd(w)}  ${d}\n` : `  ${c}\n`;
  if (dbGiven) out += `(add --db ${JSON.stringify(path)} to each, or set TIDEMARK_DB)\n`;
  return out;
}

export function registerStart(program: Command): void {
  const cmd = program
    .command('start')
    .description('first run: build the demo warehouse if there is none, then show the overview and what to try next');
  addCommonOptions(cmd);
  cmd.action(async (opts: CommonOptions) => {
    const path = dbPathOf(opts);
    const progress = new Progress('Building demo');
    const r = await start(path, progress);
    if (wantJson(opts)) {
      await printJson(r);
      return;
    }
    let out = '';
    if (r.state === 'built-demo' && r.demo) {
      const rows = Object.values(r.demo.tables).reduce((a, n) => a + n, 0);
      out += `Built the demo warehouse ${r.warehouse}: ${formatNumber(r.demo.customers)} customers, ${formatNumber(rows)} rows in ${r.demo.seconds.toFixed(1)} s (seed ${r.demo.seed}).\n\n`;
    } else if (r.state === 'no-orders') {
      out += `Warehouse ${r.warehouse} has data but no orders yet, so the numbers below are empty. Import orders with tidemark import.\n\n`;
    } else {
      out += `Warehouse ${r.warehouse}\n\n`;
    }
    out += renderOverview(r.overview);
    out += whatNext(r.warehouse, opts.db !== undefined);
    await write(out);
  });
}
