/** `tidemark audit`: the audit log of the metadata store, filtered, printed or exported to CSV/XLSX. */
import type { Command } from 'commander';
import { MetaStore, metaPathOf } from '../../accounts/index.js';
import { auditBound, AuditRangeError, auditTable } from '../../audit/index.js';
import { writeTablesCsv, writeTablesXlsx } from '../../export/tables.js';
import { addCommonOptions, dbPathOf, printJson, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';
import { cliActor } from './user.js';

interface AuditOptions extends CommonOptions {
  readonly action?: string;
  readonly login?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: string;
  readonly offset?: string;
  readonly out?: string;
}

function count(s: string | undefined, flag: string, min: number): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < min) throw new UsageError(`${flag}: a whole number ≥ ${min}, got '${s}'`);
  return Number(s);
}

function bound(s: string | undefined, field: 'from' | 'to'): string | undefined {
  try {
    return auditBound(s, field);
  } catch (e) {
    throw e instanceof AuditRangeError ? new UsageError(`--${e.message}`) : e;
  }
}

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description('the audit log (sign-ins, user, role and token changes, queries, exports …), newest first; --out writes CSV or XLSX')
    .option('--action <action>', 'only this action, e.g. login_failed, user_updated, role_changed')
    .option('--login <login>', 'only entries made by this login or about this user')
    .option('--from <when>', 'from this UTC day YYYY-MM-DD or ISO instant, inclusive')
    .option('--to <when>', 'to this UTC day (inclusive) or ISO instant (exclusive)')
    .option('--limit <n>', 'at most n entries (default 100; with --out all, up to 1,000,000)')
    .option('--offset <n>', 'skip the n newest matching entries')
    .option('--out <file>', 'write the entries to a .csv (UTF-8 with BOM) or .xlsx file');
  addCommonOptions(cmd);
  cmd.action(async (opts: AuditOptions) => {
    const format = opts.out === undefined ? undefined : /\.csv$/i.test(opts.out) ? 'csv' : /\.xlsx$/i.test(opts.out) ? 'xlsx' : undefined;
    if (opts.out !== undefined && !format) throw new UsageError(`--out: a .csv or .xlsx file, got '${opts.out}'`);
    const filter = {
      action: opts.action,
      login: opts.login,
      from: bound(opts.from, 'from'),
      to: bound(opts.to, 'to'),
      limit: count(opts.limit, '--limit', 1) ?? (format ? 1_000_000 : 100),
      offset: count(opts.offset, '--offset', 0) ?? 0,
    };
    const store = MetaStore.open(metaPathOf(dbPathOf(opts)));
    try {
      const { entries, total } = store.queryAudit(filter);
      if (opts.out !== undefined) {
        const table = auditTable(entries);
        await (format === 'csv' ? writeTablesCsv(opts.out, [table]) : writeTablesXlsx(opts.out, [table]));
        store.audit({ ...cliActor(), action: 'audit_exported', details: { filters: { action: opts.action, about: opts.login, from: opts.from, to: opts.to }, rows: entries.length, file: opts.out } });
        if (wantJson(opts)) await printJson({ out: opts.out, rows: entries.length, total });
        else await write(`${entries.length} of ${total} entries written to ${opts.out}.\n`);
        return;
      }
      if (wantJson(opts)) await printJson({ entries, total, limit: filter.limit, offset: filter.offset });
      else {
        const rows = entries.map((e) => ({ id: e.auditId, at: e.at, login: e.login, action: e.action, details: JSON.stringify(e.details) }));
        await write(rows.length ? renderTable([{ key: 'id', header: 'id' }, { key: 'at', header: 'at' }, { key: 'login', header: 'login' }, { key: 'action', header: 'action' }, { key: 'details', header: 'details' }], rows) : 'No matching entries.\n');
        if (total > entries.length) await write(`${entries.length} of ${total} shown (--limit, --offset).\n`);
      }
    } finally {
      store.close();
    }
  });
}
