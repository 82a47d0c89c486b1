import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { exportQuery } from '../../export/index.js';
import type { Catalog } from '../../metrics/types.js';
import { warehouseToday } from '../../query/run.js';
import { QueryError } from '../../query/types.js';
import { deleteSegment, listSegments, membersSql, readCustomerFile, refreshSegments, requireSegment, RuleError, saveSegment, type ConditionOp, type MetricCondition, type RuleDefinition } from '../../segments/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import { addCommonOptions, dbPathOf, formatNumber, parsePositiveInt, printJson, renderPairs, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';
import { asUsageError, langOf, openCatalog, saveTables, type AnalysisOptions } from './analysis.js';
import { parseFilter } from './query.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface RuleFlags extends CommonOptions {
  readonly catalog?: string;
  readonly filter?: string[];
  readonly metric?: string[];
  readonly days?: string;
  readonly from?: string;
  readonly to?: string;
  readonly definition?: string;
  readonly asOf?: string;
}

/** `discount_rate>0.2`, `orders>=2`, `revenue=100..500` (between), `orders!=0`. */
export function parseCondition(text: string): Pick<MetricCondition, 'metric' | 'op' | 'values'> {
  const m = /^\s*([^=!<>\s]+)\s*(!=|>=|<=|=|>|<)\s*(\S.*)$/.exec(text);
  if (!m) throw new UsageError(`--metric '${text}': write METRIC>VALUE (also >=, <, <=, =, !=; METRIC=A..B for between), e.g. discount_rate>0.2`);
  const [, metric, op, rest] = m as unknown as [string, string, string, string];
  const range = /^(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)$/.exec(rest.trim());
  const num = (s: string) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--metric '${text}': '${s}' is not a number`);
    return n;
  };
  if (range) {
    if (op !== '=') throw new UsageError(`--metric '${text}': a range A..B goes with =`);
    return { metric, op: 'between', values: [num(range[1]!), num(range[2]!)] };
  }
  const ops: Record<string, ConditionOp> = { '=': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
  return { metric, op: ops[op]!, values: [num(rest.trim())] };
}

/** The rule given by --definition FILE.json, or by --filter / --metric with --days or --from/--to; undefined when none is given. */
export function ruleFromFlags(opts: RuleFlags): RuleDefinition | undefined {
  const inline = (opts.filter?.length ?? 0) + (opts.metric?.length ?? 0) > 0;
  if (opts.definition) {
    if (inline) throw new UsageError('--definition: give the rule as a file or as --filter/--metric flags, not both');
    try {
      return JSON.parse(readFileSync(opts.definition, 'utf8').replace(/^\uFEFF/, '')) as RuleDefinition;
    } catch (e) {
      throw new UsageError(`--definition ${opts.definition}: ${(e as Error).message}`);
    }
  }
  if ((opts.days || opts.from || opts.to) && !opts.metric?.length) throw new UsageError('--days/--from/--to: these set the window of --metric conditions; give one');
  if (!inline) return undefined;
  const days = opts.days ? parsePositiveInt('--days', opts.days) : undefined;
  const window = { ...(days !== undefined ? { days } : {}), ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
  return {
    ...(opts.filter?.length ? { filters: opts.filter.map(parseFilter) } : {}),
    ...(opts.metric?.length ? { metrics: opts.metric.map((t) => ({ ...parseCondition(t), ...window })) } : {}),
  };
}

const FLAG: Record<string, string> = { days: '--days', from: '--from', to: '--to', key: 'KEY', name: '--name', metric: '--metric', filters: '--filter', op: '--metric', values: '--metric' };

/** Rule and query problems are the user's input: exit 2, every problem on one line, named by flag where it has one. */
export function ruleUsage(e: unknown): unknown {
  if (e instanceof RuleError) {
    return new UsageError(
      e.issues
        .map((i) => {
          const m = /^(filters|metrics)\[(\d+)\](?:\.(\w+))?/.exec(i.field);
          const flag = m ? (m[1] === 'filters' ? `--filter #${Number(m[2]) + 1}` : `--metric #${Number(m[2]) + 1}${m[3] && FLAG[m[3]] && ['days', 'from', 'to'].includes(m[3]) ? ` ${FLAG[m[3]]}` : ''}`) : undefined;
          return flag ? `${flag}: ${i.message.replace(/^(filters|metrics)\[\d+\][.\w]*( \([^)]*\))?: /, '')}` : i.message;
        })
        .join('; '),
    );
  }
  if (e instanceof QueryError) return asUsageError(e);
  // A warehouse from before segments and tags, opened read-only: the tables come with the next read-write open.
  if (e instanceof Error && /Table with name tm_(segments|segment_members|tags|customer_tags) does not exist/.test(e.message)) return new UsageError('this warehouse has no segments or tags yet; `tidemark segment save` or `tidemark tags define` creates them');
  return e;
}

export async function withWarehouse<T>(opts: CommonOptions, write: boolean, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: !write });
  try {
    return await fn(wh);
  } catch (e) {
    throw ruleUsage(e);
  } finally {
    await wh.close();
  }
}

export function addRuleOptions(cmd: Command): Command {
  return cmd
    .option('--filter <expr>', 'DIMENSION=VALUE on customers (province=广东省, tier=金卡|银卡, rfm_segment=important_value, segment=KEY, tag=KEY …; !=, >, <, ~ as in query); repeatable', collect)
    .option('--metric <cond>', 'a per-customer metric condition: discount_rate>0.2, orders>=2, revenue=100..500; repeatable', collect)
    .option('--days <n>', 'window of the --metric conditions: the n days before the as-of day')
    .option('--from <YYYY-MM-DD>', 'window of the --metric conditions: first day')
    .option('--to <YYYY-MM-DD>', 'window of the --metric conditions: last day, inclusive')
    .option('--definition <file.json>', 'the rule as JSON: {"filters": [{"dimension","op","values"}], "metrics": [{"metric","op","values","days"}]}')
    .option('--as-of <YYYY-MM-DD>', '--days count back from this day (default: the day after the last counted order)')
    .option('--catalog <file>', 'catalog config with your own metrics and dimensions');
}

function describeRule(def: RuleDefinition | null): string {
  if (!def) return '';
  const parts = [
    ...(def.filters ?? []).map((f) => `${f.dimension} ${f.op}${f.values ? ` ${f.values.join('|')}` : ''}`),
    ...(def.metrics ?? []).map((m) => `${m.metric} ${m.op} ${m.values.join('..')}${m.days ? ` (${m.days}d)` : m.from || m.to ? ` (${m.from ?? '…'}→${m.to ?? '…'})` : ''}`),
  ];
  return parts.join(' AND ');
}

interface SaveOptions extends RuleFlags {
  readonly name?: string;
  readonly description?: string;
  readonly customers?: string;
  readonly replace?: boolean;
}

async function runSave(key: string, opts: SaveOptions): Promise<void> {
  const catalog = openCatalog(opts as AnalysisOptions);
  const definition = ruleFromFlags(opts);
  if (definition && opts.customers) throw new UsageError('--customers: a segment is a rule or a fixed list, not both');
  if (!definition && !opts.customers) throw new UsageError('give the rule (--filter, --metric or --definition) or a fixed list (--customers FILE)');
  await withWarehouse(opts, true, async (wh) => {
    const customers = opts.customers ? await readCustomerFile(wh, opts.customers) : undefined;
    const s = await saveSegment(wh, catalog, {
      key,
      name: opts.name ?? key,
      ...(opts.description ? { description: opts.description } : {}),
      ...(definition ? { definition } : {}),
      ...(customers ? { customers } : {}),
      ...(opts.replace ? { replace: true } : {}),
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      today: await warehouseToday(wh),
    });
    if (wantJson(opts)) return printJson(s);
    await write(`Saved segment ${s.key} (${s.name}): ${formatNumber(s.customers)} customers${s.asOf ? ` · as of ${s.asOf}` : ''}\n`);
  });
}

const LIST_HEADERS = { zh: ['分组', '名称', '类型', '客户数', '更新时间', '规则'], en: ['segment', 'name', 'kind', 'customers', 'refreshed', 'rule'] };

async function runList(opts: CommonOptions & { lang?: 'zh' | 'en'; out?: string }): Promise<void> {
  const headers = LIST_HEADERS[langOf(opts as AnalysisOptions)];
  await withWarehouse(opts, false, async (wh) => {
    const rows = await listSegments(wh);
    if (opts.out) {
      const format = /\.xlsx$/i.test(opts.out) ? 'xlsx' : /\.csv$/i.test(opts.out) ? 'csv' : undefined;
      if (!format) throw new UsageError(`--out: cannot tell the format from '${opts.out}'; end it in .csv or .xlsx`);
      await saveTables(format, opts.out, [{ name: headers[0]!, notes: [], columns: headers.map((header) => ({ header })), rows: rows.map((s) => [s.key, s.name, s.kind, s.customers, s.refreshedAt, describeRule(s.definition)]) }]);
      process.stderr.write(`Wrote ${formatNumber(rows.length)} segments to ${opts.out}\n`);
      return;
    }
    if (wantJson(opts)) return printJson(rows);
    if (!rows.length) return write('No saved segments. Create one with `tidemark segment save KEY --filter …`\n');
    const keys = ['key', 'name', 'kind', 'customers', 'refreshed', 'rule'];
    await write(
      renderTable(
        keys.map((k, i) => ({ key: k, header: headers[i]!, ...(k === 'customers' ? { align: 'right' as const } : {}), ...(k === 'rule' ? { maxWidth: 70 } : {}) })),
        rows.map((s) => ({ key: s.key, name: s.name, kind: s.kind, customers: formatNumber(s.customers), refreshed: s.refreshedAt ?? '', rule: describeRule(s.definition) })),
      ),
    );
  });
}

async function runShow(key: string, opts: CommonOptions & { limit?: string }): Promise<void> {
  const limit = opts.limit ? parsePositiveInt('--limit', opts.limit) : 20;
  await withWarehouse(opts, false, async (wh) => {
    const s = await requireSegment(wh, key);
    const q = membersSql(key, limit);
    const members = (await wh.query(q.sql, q.params)).rows;
    if (wantJson(opts)) return printJson({ ...s, members });
    let text = renderPairs([
      ['segment', s.key],
      ['name', s.name],
      ['kind', s.kind],
      ...(s.definition ? [['rule', describeRule(s.definition)] as [string, string]] : []),
      ...(s.description ? [['description', s.description] as [string, string]] : []),
      ['customers', formatNumber(s.customers)],
      ['created', s.createdAt],
      ['refreshed', `${s.refreshedAt ?? '—'}${s.asOf ? ` (as of ${s.asOf})` : ''}`],
    ]);
    if (members.length) text += '\n' + renderTable(Object.keys(members[0]!).map((k) => ({ key: k, header: k, maxWidth: 30 })), members) + (s.customers > members.length ? `(first ${members.length}; \`tidemark segment export ${key} --out FILE\` for all)\n` : '');
    await write(text);
  });
}

async function runRefresh(key: string | undefined, opts: CommonOptions & { asOf?: string; catalog?: string; lang?: 'zh' | 'en' }): Promise<void> {
  const catalog: Catalog = openCatalog(opts as AnalysisOptions);
  const zh = langOf(opts as AnalysisOptions) === 'zh';
  await withWarehouse(opts, true, async (wh) => {
    const r = await refreshSegments(wh, catalog, { ...(key ? { key } : {}), ...(opts.asOf ? { asOf: opts.asOf } : {}), today: await warehouseToday(wh) });
    if (wantJson(opts)) return printJson(r);
    await write(
      renderTable(
        [{ key: 'key', header: zh ? '分组' : 'segment' }, { key: 'kind', header: zh ? '类型' : 'kind' }, { key: 'before', header: zh ? '刷新前' : 'before', align: 'right' }, { key: 'customers', header: zh ? '刷新后' : 'now', align: 'right' }, { key: 'asOf', header: zh ? '截至' : 'as of' }],
        r.map((x) => ({ key: x.key, kind: x.kind === 'static' ? (zh ? 'static(固定名单,不变)' : 'static (unchanged)') : x.kind, before: formatNumber(x.before), customers: formatNumber(x.customers), asOf: x.asOf ?? '' })),
      ),
    );
  });
}

async function runDelete(key: string, opts: CommonOptions): Promise<void> {
  await withWarehouse(opts, true, async (wh) => {
    await deleteSegment(wh, key);
    if (wantJson(opts)) return printJson({ deleted: key });
    await write(`Deleted segment ${key}\n`);
  });
}

async function runExport(key: string, opts: CommonOptions & { out: string; format?: 'csv' | 'xlsx' }): Promise<void> {
  const format = opts.format ?? (/\.xlsx$/i.test(opts.out) ? 'xlsx' : /\.csv$/i.test(opts.out) ? 'csv' : undefined);
  if (!format) throw new UsageError(`--out: cannot tell the format from '${opts.out}'; end it in .csv or .xlsx, or pass --format`);
  await withWarehouse(opts, false, async (wh) => {
    await requireSegment(wh, key);
    const q = membersSql(key);
    const described = await wh.query(`DESCRIBE ${q.sql}`, q.params);
    const columns = described.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
    const r = await exportQuery(wh, { sql: q.sql, params: q.params, columns, out: opts.out, format, sheet: key.slice(0, 31) });
    if (wantJson(opts) && !process.stdout.isTTY) await printJson({ segment: key, out: r.out, rows: r.rows });
    process.stderr.write(`Wrote ${formatNumber(r.rows)} customers of ${key} to ${r.out}\n`);
  });
}

export function registerSegment(program: Command): void {
  const seg = program.command('segment').description('saved segments (客户分组): named customer lists, refreshed on new data, usable as --filter segment=KEY and --by segment in every query');
  const save = seg.command('save <key>').description('save a rule (filters on customer dimensions, per-customer metric conditions) or a fixed list as a segment, and fill it');
  save.option('--name <name>', 'display name (default: the key)').option('--description <text>', 'what the segment is for').option('--customers <file>', 'a fixed list: CSV/XLSX with a customer_id, phone or email column').option('--replace', 'overwrite a segment of the same key');
  addRuleOptions(save);
  addCommonOptions(save);
  save.addHelpText(
    'after',
    `
Examples:
  tidemark segment save gd_gold --name 广东金卡会员 --filter province=广东省 --filter tier=金卡
  tidemark segment save price_sensitive --name 价格敏感 --metric "discount_rate>0.2" --days 365
  tidemark segment save vip_lost --filter rfm_segment=important_recovery --metric "orders<1" --days 90
  tidemark segment save event_2024 --name 线下活动名单 --customers 名单.xlsx
`,
  );
  save.action(runSave);
  addCommonOptions(
    seg
      .command('list')
      .description('the saved segments with their sizes and rules')
      .addOption(new Option('--lang <lang>', 'language of headers (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
      .option('--out <file>', 'write the list (.csv, .xlsx)'),
  ).action(runList);
  addCommonOptions(seg.command('show <key>').description('a segment: its rule, size and first members').option('--limit <n>', 'members shown (default 20)')).action(runShow);
  addCommonOptions(
    seg
      .command('refresh [key]')
      .description('re-evaluate the rule segments (or one) on the current data, in one transaction; fixed lists stay')
      .option('--as-of <YYYY-MM-DD>', 'windows count back from this day (default: the day after the last counted order)')
      .option('--catalog <file>', 'catalog config with your own metrics and dimensions')
      .addOption(new Option('--lang <lang>', 'language of headers (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en'])),
  ).action(runRefresh);
  addCommonOptions(seg.command('delete <key>').description('delete a segment and its members')).action(runDelete);
  addCommonOptions(
    seg
      .command('export <key>')
      .description('write the members with id, name, phone, province, city, tier, last order date and tags (.csv with BOM, .xlsx); scopes and masking come with permissions')
      .requiredOption('--out <file>', 'FILE.csv or FILE.xlsx')
      .addOption(new Option('--format <format>', 'csv or xlsx (default: from --out)').choices(['csv', 'xlsx'])),
  ).action(runExport);
}
