import type { Command } from 'commander';
import { DEFAULT_END, DEFAULT_START, DemoError, generateDemo, MAX_CUSTOMERS, type DemoSummary } from '../../demo/index.js';
import { ENTITIES } from '../../schema/index.js';
import { openWarehouse } from '../../warehouse/index.js';
import { addCommonOptions, dbPathOf, formatNumber, parsePositiveInt, printJson, Progress, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';

interface DemoFlags extends CommonOptions {
  readonly customers: string;
  readonly seed: string;
  readonly start?: string;
  readonly end?: string;
}

export const DEFAULT_DEMO_CUSTOMERS = 20000;
export const DEFAULT_DEMO_SEED = 42;

export function parseCustomers(value: string): number {
  const n = parsePositiveInt('--customers', value);
  if (n > MAX_CUSTOMERS) throw new UsageError(`--customers must be a positive integer of at most ${formatNumber(MAX_CUSTOMERS)}, got '${value}'`);
  return n;
}

export function parseSeed(value: string): number {
  const v = value.trim();
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`--seed must be an integer, got '${value}'`);
  return n;
}

function parseDay(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`${flag} must be a date like 2023-01-01, got '${value}'`);
  }
  return value;
}

/** The summary as printed on a terminal: what was built, then rows per table. */
export function printableSummary(path: string, s: DemoSummary): string {
  const total = Object.values(s.tables).reduce((a, n) => a + n, 0);
  const rows = ENTITIES.map((e) => ({ table: e.name, zh: e.labelZh, rows: s.tables[e.name] ?? 0 }));
  return (
    `Demo warehouse ${path}\n` +
    `${formatNumber(s.customers)} customers, seed ${s.seed}: ${formatNumber(total)} rows in ${s.seconds.toFixed(1)} s\n\n` +
    renderTable([{ key: 'table' }, { key: 'zh', header: '表' }, { key: 'rows', align: 'right' }], rows, { indent: 2 })
  );
}

export function registerDemo(program: Command): void {
  addCommonOptions(
    program
      .command('demo')
      .description('fill the warehouse with realistic demo data (replaces all customer data in it; same seed, same data)')
      .option('--customers <n>', `number of customers, 1 to ${formatNumber(MAX_CUSTOMERS)}`, String(DEFAULT_DEMO_CUSTOMERS))
      .option('--seed <n>', 'random seed (an integer)', String(DEFAULT_DEMO_SEED))
      .option('--start <date>', 'first day of the demo period', DEFAULT_START)
      .option('--end <date>', 'last day of the demo period ("today" in the demo)', DEFAULT_END),
  ).action(async (flags: DemoFlags) => {
    const customers = parseCustomers(flags.customers);
    const seed = parseSeed(flags.seed);
    const start = parseDay('--start', flags.start);
    const end = parseDay('--end', flags.end);
    const json = wantJson(flags);
    const path = dbPathOf(flags);
    const progress = new Progress('demo');
    const wh = await openWarehouse({ path });
    try {
      const summary = await generateDemo(wh, {
        customers,
        seed,
        start,
        end,
        onProgress: (step, done, total) => progress.update(done, total, `demo: ${step}`),
      });
      progress.done();
      if (json) await printJson({ warehouse: wh.path, ...summary });
      else await write(printableSummary(wh.path, summary));
    } catch (e) {
      progress.done();
      if (e instanceof DemoError) throw new UsageError(e.message);
      throw e;
    } finally {
      await wh.close();
    }
  });
}
