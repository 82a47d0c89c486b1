import { Option, type Command } from 'commander';
import { langOf, openCatalog, saveTables, type AnalysisOptions } from './analysis.js';
import { warehouseToday } from '../../query/run.js';
import { applyTags, defineTag, deleteTag, generateModelTags, importTag, listTags, requireTag, setTag, tagCoverage, tagOverlap, type TagInfo } from '../../segments/index.js';
import { addCommonOptions, formatNumber, formatPercent, printJson, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';
import { exportQuery } from '../../export/index.js';
import { membersSql } from '../../segments/index.js';
import { addRuleOptions, ruleFromFlags, withWarehouse, type RuleFlags } from './segment.js';

type Lang = 'zh' | 'en';
interface LangOptions extends CommonOptions {
  readonly lang?: Lang;
  readonly catalog?: string;
  readonly out?: string;
}

const nameOf = (t: { nameZh: string; nameEn: string | null }, lang: Lang) => (lang === 'en' && t.nameEn ? t.nameEn : t.nameZh);

function ruleText(t: TagInfo): string {
  const d = t.definition;
  if (!d) return '';
  return [...(d.filters ?? []).map((f) => `${f.dimension} ${f.op} ${(f.values ?? []).join('|')}`.trim()), ...(d.metrics ?? []).map((m) => `${m.metric} ${m.op} ${m.values.join('..')}${m.days ? ` (${m.days}d)` : ''}`)].join(' AND ');
}

const langOpt = () => new Option('--lang <lang>', 'language of names and headers (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']);

/** CSV/XLSX output of a table through the shared writers; true when written. */
async function maybeSave(opts: LangOptions, name: string, headers: string[], rows: unknown[][]): Promise<boolean> {
  if (!opts.out) return false;
  const format = /\.xlsx$/i.test(opts.out) ? 'xlsx' : /\.csv$/i.test(opts.out) ? 'csv' : undefined;
  if (!format) throw new UsageError(`--out: cannot tell the format from '${opts.out}'; end it in .csv or .xlsx`);
  await saveTables(format, opts.out, [{ name, notes: [], columns: headers.map((header) => ({ header })), rows }]);
  process.stderr.write(`Wrote ${formatNumber(rows.length)} rows to ${opts.out}\n`);
  return true;
}

async function runList(opts: LangOptions): Promise<void> {
  const lang = langOf(opts as AnalysisOptions);
  await withWarehouse(opts, false, async (wh) => {
    const tags = await listTags(wh);
    const headers = lang === 'zh' ? ['标签', '名称', '类型', '客户数', '规则', '更新时间'] : ['tag', 'name', 'kind', 'customers', 'rule', 'applied'];
    const rows = tags.map((t) => [t.key, nameOf(t, lang), t.kind, t.customers, ruleText(t), t.appliedAt]);
    if (await maybeSave(opts, lang === 'zh' ? '标签' : 'Tags', headers, rows)) return;
    if (wantJson(opts)) return printJson(tags);
    if (!tags.length) return write('No tags. Define one with `tidemark tags define KEY --name 名称 --filter …` or `--kind manual`\n');
    const keys = ['key', 'name', 'kind', 'customers', 'rule', 'applied'];
    await write(renderTable(keys.map((k, i) => ({ key: k, header: headers[i]!, ...(k === 'customers' ? { align: 'right' as const } : {}), ...(k === 'rule' ? { maxWidth: 60 } : {}) })), rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, k === 'customers' ? formatNumber(Number(r[i])) : (r[i] ?? '')])))));
  });
}

interface DefineOptions extends RuleFlags {
  readonly name: string;
  readonly nameEn?: string;
  readonly kind?: 'rule' | 'manual';
  readonly description?: string;
  readonly replace?: boolean;
}

async function runDefine(key: string, opts: DefineOptions): Promise<void> {
  const catalog = openCatalog(opts as AnalysisOptions);
  const definition = ruleFromFlags(opts);
  const kind = opts.kind ?? (definition ? 'rule' : 'manual');
  if (kind === 'rule' && !definition) throw new UsageError('--kind rule: give the rule with --filter, --metric or --definition');
  if (kind === 'manual' && definition) throw new UsageError('--kind manual: a manual tag has no rule; drop --filter/--metric/--definition');
  await withWarehouse(opts, true, async (wh) => {
    const t = await defineTag(wh, catalog, {
      key,
      nameZh: opts.name,
      ...(opts.nameEn ? { nameEn: opts.nameEn } : {}),
      kind,
      ...(definition ? { definition } : {}),
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.replace ? { replace: true } : {}),
      ...(opts.asOf ? { asOf: opts.asOf } : {}),
      today: await warehouseToday(wh),
    });
    if (wantJson(opts)) return printJson(t);
    await write(`Defined ${t.kind} tag ${t.key} (${t.nameZh}): ${formatNumber(t.customers)} customers\n`);
  });
}

async function runGenerate(dimension: string, opts: LangOptions & { asOf?: string }): Promise<void> {
  const catalog = openCatalog(opts as AnalysisOptions);
  const lang = langOf(opts as AnalysisOptions);
  await withWarehouse(opts, true, async (wh) => {
    const tags = await generateModelTags(wh, catalog, dimension, { ...(opts.asOf ? { asOf: opts.asOf } : {}), today: await warehouseToday(wh) });
    if (wantJson(opts)) return printJson(tags);
    await write(renderTable([{ key: 'key', header: lang === 'zh' ? '标签' : 'tag' }, { key: 'name', header: lang === 'zh' ? '名称' : 'name' }, { key: 'customers', header: lang === 'zh' ? '客户数' : 'customers', align: 'right' }], tags.map((t) => ({ key: t.key, name: nameOf(t, lang), customers: formatNumber(t.customers) }))));
  });
}

async function runApply(key: string | undefined, opts: LangOptions & { asOf?: string }): Promise<void> {
  const catalog = openCatalog(opts as AnalysisOptions);
  const zh = langOf(opts as AnalysisOptions) === 'zh';
  await withWarehouse(opts, true, async (wh) => {
    const r = await applyTags(wh, catalog, { ...(key ? { key } : {}), ...(opts.asOf ? { asOf: opts.asOf } : {}), today: await warehouseToday(wh) });
    if (wantJson(opts)) return printJson(r);
    await write(
      renderTable(
        [{ key: 'key', header: zh ? '标签' : 'tag' }, { key: 'kind', header: zh ? '类型' : 'kind' }, { key: 'before', header: zh ? '更新前' : 'before', align: 'right' }, { key: 'customers', header: zh ? '更新后' : 'now', align: 'right' }],
        r.map((x) => ({ key: x.key, kind: x.kind === 'manual' ? (zh ? 'manual(人工,不变)' : 'manual (unchanged)') : x.kind, before: formatNumber(x.before), customers: formatNumber(x.customers) })),
      ),
    );
  });
}

async function runImport(file: string, opts: CommonOptions & { tag: string; replace?: boolean }): Promise<void> {
  await withWarehouse(opts, true, async (wh) => {
    const r = await importTag(wh, opts.tag, file, { replace: opts.replace === true });
    if (wantJson(opts)) return printJson({ tag: opts.tag, ...r });
    await write(`Tagged ${formatNumber(r.added)} customers with ${opts.tag}${r.removed ? `, removed ${formatNumber(r.removed)}` : ''}; ${formatNumber(r.customers)} in all\n`);
  });
}

async function runSet(on: boolean, key: string, customers: string[], opts: CommonOptions): Promise<void> {
  await withWarehouse(opts, true, async (wh) => {
    const r = await setTag(wh, key, customers, on);
    if (wantJson(opts)) return printJson({ tag: key, ...r });
    await write(`${on ? `Tagged ${formatNumber(r.added)}` : `Untagged ${formatNumber(r.removed)}`} customer(s) ${on ? 'with' : 'from'} ${key}; ${formatNumber(r.customers)} in all\n`);
  });
}

async function runCoverage(opts: LangOptions): Promise<void> {
  const lang = langOf(opts as AnalysisOptions);
  await withWarehouse(opts, false, async (wh) => {
    const c = await tagCoverage(wh);
    const headers = lang === 'zh' ? ['标签', '名称', '类型', '客户数', '覆盖率'] : ['tag', 'name', 'kind', 'customers', 'coverage'];
    if (await maybeSave(opts, lang === 'zh' ? '标签覆盖率' : 'Tag coverage', headers, c.tags.map((t) => [t.key, nameOf(t, lang), t.kind, t.customers, t.share]))) return;
    if (wantJson(opts)) return printJson(c);
    const text = renderTable(
      [{ key: 'key', header: headers[0]! }, { key: 'name', header: headers[1]! }, { key: 'kind', header: headers[2]! }, { key: 'customers', header: headers[3]!, align: 'right' }, { key: 'share', header: headers[4]!, align: 'right' }],
      c.tags.map((t) => ({ key: t.key, name: nameOf(t, lang), kind: t.kind, customers: formatNumber(t.customers), share: formatPercent(t.share) })),
    );
    await write(`${text}\n${lang === 'zh' ? `有标签的客户 ${formatNumber(c.tagged)} / ${formatNumber(c.customers)}（${formatPercent(c.customers ? c.tagged / c.customers : null)}）` : `Tagged customers ${formatNumber(c.tagged)} of ${formatNumber(c.customers)} (${formatPercent(c.customers ? c.tagged / c.customers : null)})`}\n`);
  });
}

async function runOverlap(keys: string[], opts: LangOptions): Promise<void> {
  const lang = langOf(opts as AnalysisOptions);
  await withWarehouse(opts, false, async (wh) => {
    for (const k of keys) await requireTag(wh, k);
    const o = await tagOverlap(wh, keys.length ? keys : undefined);
    const headers = lang === 'zh' ? ['标签A', '标签B', '同时拥有', '任一拥有', 'Jaccard'] : ['tag a', 'tag b', 'both', 'either', 'jaccard'];
    if (await maybeSave(opts, lang === 'zh' ? '标签重叠' : 'Tag overlap', headers, o.pairs.map((p) => [p.a, p.b, p.both, p.either, p.jaccard]))) return;
    if (wantJson(opts)) return printJson(o);
    // A matrix of customers with both tags (the diagonal: the tag's size), then the pairs with their Jaccard index.
    const cell = (a: string, b: string) => o.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
    const matrix = renderTable([{ key: 'tag', header: '' }, ...o.tags.map((t, j) => ({ key: `c${j}`, header: t, align: 'right' as const }))], o.tags.map((a) => ({ tag: a, ...Object.fromEntries(o.tags.map((b, j) => [`c${j}`, formatNumber(cell(a, b)?.both ?? 0)])) })));
    const pairs = renderTable(
      headers.map((h, i) => ({ key: `k${i}`, header: h, ...(i >= 2 ? { align: 'right' as const } : {}) })),
      o.pairs.filter((p) => p.a !== p.b).map((p) => ({ k0: p.a, k1: p.b, k2: formatNumber(p.both), k3: formatNumber(p.either), k4: p.jaccard === null ? '—' : p.jaccard.toFixed(3) })),
    );
    await write(`${matrix}\n${pairs}`);
  });
}

async function runExport(key: string, opts: CommonOptions & { out: string }): Promise<void> {
  const format = /\.xlsx$/i.test(opts.out) ? 'xlsx' : /\.csv$/i.test(opts.out) ? 'csv' : undefined;
  if (!format) throw new UsageError(`--out: cannot tell the format from '${opts.out}'; end it in .csv or .xlsx`);
  await withWarehouse(opts, false, async (wh) => {
    await requireTag(wh, key);
    const q = membersSql(key, undefined, 'tag');
    const described = await wh.query(`DESCRIBE ${q.sql}`, q.params);
    const columns = described.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
    const r = await exportQuery(wh, { sql: q.sql, params: q.params, columns, out: opts.out, format, sheet: key.slice(0, 31) });
    process.stderr.write(`Wrote ${formatNumber(r.rows)} customers tagged ${key} to ${r.out}\n`);
  });
}

async function runDelete(key: string, opts: CommonOptions): Promise<void> {
  await withWarehouse(opts, true, async (wh) => {
    await deleteTag(wh, key);
    if (wantJson(opts)) return printJson({ deleted: key });
    await write(`Deleted tag ${key}\n`);
  });
}

export function registerTags(program: Command): void {
  const tags = program.command('tags').description('tags (客户标签): rule tags over attributes and metrics, model tags from stored analyses, manual tags; coverage and overlap; usable as --filter tag=KEY and --by tag');
  addCommonOptions(tags.command('list').description('the tag catalog with sizes and rules').addOption(langOpt()).option('--out <file>', 'write the list (.csv, .xlsx)')).action(runList);
  const define = tags
    .command('define <key>')
    .description('define a rule tag (applied at once) or, with --kind manual or no rule, a manual tag')
    .requiredOption('--name <名称>', 'Chinese name')
    .option('--name-en <name>', 'English name')
    .addOption(new Option('--kind <kind>', 'rule (with --filter/--metric/--definition) or manual').choices(['rule', 'manual']))
    .option('--description <text>', 'what the tag means')
    .option('--replace', 'redefine a tag of the same key');
  addRuleOptions(define);
  addCommonOptions(define);
  define.addHelpText(
    'after',
    `
Examples:
  tidemark tags define price_sensitive --name 价格敏感 --name-en Price-sensitive --metric "discount_rate>0.2" --days 365
  tidemark tags define gd_gold --name 广东金卡 --filter province=广东省 --filter tier=金卡
  tidemark tags define vip --name 贵宾 --kind manual && tidemark tags import 贵宾名单.xlsx --tag vip
`,
  );
  define.action(runDefine);
  addCommonOptions(
    tags
      .command('generate <dimension>')
      .description('model tags from a stored analysis result: one tag per value of a customer dimension (rfm_segment → rfm_segment.important_value …)')
      .option('--as-of <YYYY-MM-DD>', 'as-of day recorded with the tags')
      .option('--catalog <file>', 'catalog config')
      .addOption(langOpt()),
  ).action(runGenerate);
  addCommonOptions(
    tags
      .command('apply [key]')
      .description('re-evaluate the rule and model tags (or one) on the current data, in one transaction; manual tags stay')
      .option('--as-of <YYYY-MM-DD>', 'windows count back from this day (default: the day after the last counted order)')
      .option('--catalog <file>', 'catalog config')
      .addOption(langOpt()),
  ).action(runApply);
  addCommonOptions(
    tags
      .command('import <file>')
      .description('tag the customers a CSV/XLSX names (column customer_id, phone or email); every unknown line is reported and nothing is written')
      .requiredOption('--tag <key>', 'the manual tag')
      .option('--replace', 'the file becomes the whole list (customers not in it lose the tag)'),
  ).action(runImport);
  addCommonOptions(tags.command('set <key> <customer_id...>').description('put a manual tag on customers')).action((key: string, ids: string[], opts: CommonOptions) => runSet(true, key, ids, opts));
  addCommonOptions(tags.command('unset <key> <customer_id...>').description('take a manual tag off customers')).action((key: string, ids: string[], opts: CommonOptions) => runSet(false, key, ids, opts));
  addCommonOptions(tags.command('coverage').description('customers per tag and their share of all customers').addOption(langOpt()).option('--out <file>', 'write the table (.csv, .xlsx)')).action(runCoverage);
  addCommonOptions(tags.command('overlap [keys...]').description('tag × tag: customers with both and the Jaccard index (default: all tags)').addOption(langOpt()).option('--out <file>', 'write the pairs (.csv, .xlsx)')).action(runOverlap);
  addCommonOptions(
    tags
      .command('export <key>')
      .description('write the customers with the tag: id, name, phone, province, city, tier, last order date and all their tags (.csv, .xlsx)')
      .requiredOption('--out <file>', 'FILE.csv or FILE.xlsx'),
  ).action(runExport);
  addCommonOptions(tags.command('delete <key>').description('delete a tag and take it off every customer')).action(runDelete);
}
