import type { Command } from 'commander';
import { ImportError, importFile, IMPORT_TARGETS, readMappingFile, type ImportReport } from '../../import/index.js';
import { refreshSaved, type Refreshed } from '../../segments/refresh-saved.js';
import { openWarehouse } from '../../warehouse/index.js';
import { openCatalog } from './analysis.js';
import { addCommonOptions, dbPathOf, formatNumber, printJson, Progress, renderPairs, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';

interface ImportFlags extends CommonOptions {
  readonly entity?: string;
  readonly mapping?: string;
  readonly t2s?: boolean;
  readonly unknownCustomers?: string;
  readonly timeZone?: string;
  readonly disable?: string;
  readonly refresh?: boolean;
  readonly catalog?: string;
}

function printableRefresh(r: Refreshed): string {
  const lines = [...r.tags.map((t) => ({ what: `tag ${t.key}`, ...t })), ...r.segments.map((x) => ({ what: `segment ${x.key}`, ...x }))];
  let out = '\nRefreshed (customers before → after)\n';
  out += renderTable([{ key: 'what' }, { key: 'change' }], lines.map((l) => ({ what: l.what, change: `${formatNumber(l.before)} → ${formatNumber(l.customers)}` })), { indent: 2 });
  if (r.error) out += `  not refreshed: ${r.error} (the import itself is saved; fix the rule and run \`tidemark segment refresh\` / \`tidemark tags apply\`)\n`;
  return out;
}

export function printableReport(r: ImportReport): string {
  const out: string[] = [];
  out.push(
    renderPairs([
      ['import', `#${r.importId}  ${r.entity} ← ${r.file}`],
      ['format', `${r.format}, ${r.encoding}`],
      ['rows read', formatNumber(r.rowsRead)],
      ['loaded', formatNumber(r.loaded)],
      ['merged', `${formatNumber(r.merged)} (duplicates, superseded or unchanged rows)`],
      ['quarantined', formatNumber(r.quarantined)],
      ['check', `${formatNumber(r.rowsRead)} = ${formatNumber(r.loaded)} + ${formatNumber(r.merged)} + ${formatNumber(r.quarantined)}`],
      ['seconds', String(r.seconds)],
    ]),
  );
  out.push('\nColumn mapping\n');
  out.push(renderTable([{ key: 'field' }, { key: 'column' }], Object.entries(r.mapping).map(([field, column]) => ({ field, column })), { indent: 2 }));
  if (r.customFields.length) out.push(`  custom fields (kept in extra): ${r.customFields.join(', ')}\n`);
  out.push('\nTables\n');
  out.push(renderTable([{ key: 'table' }, { key: 'inserted' }, { key: 'updated' }, { key: 'unchanged' }], Object.entries(r.tables).map(([table, c]) => ({ table, ...c })), { indent: 2 }));
  if (r.rules.length) {
    out.push('\nCleaning log\n');
    out.push(
      renderTable(
        [{ key: 'rule' }, { key: 'field' }, { key: 'count' }, { key: 'examples', maxWidth: 70 }],
        r.rules.map((x) => ({
          rule: x.rule,
          field: x.field ?? '',
          count: x.count,
          examples: x.examples.map((e) => `${e.line ?? '?'}: ${e.before ?? '∅'} → ${e.after ?? '∅'}`).join('; '),
        })),
        { indent: 2 },
      ),
    );
  }
  if (r.quarantineSample.length) {
    out.push('\nQuarantined (first rows; `tidemark log --id ' + r.importId + '` lists all)\n');
    out.push(renderTable([{ key: 'line' }, { key: 'reason', maxWidth: 80 }], r.quarantineSample, { indent: 2 }));
  }
  return out.join('');
}

export function registerImport(program: Command): void {
  addCommonOptions(
    program
      .command('import')
      .description('import a CSV/TSV/text, XLSX, JSON/NDJSON or Parquet file into the warehouse, cleaning it and accounting for every row')
      .argument('<file>', 'the file to import')
      .option('--entity <name>', `what the rows are: ${IMPORT_TARGETS.map((e) => e.name).join(', ')}`)
      .option('--mapping <file>', 'JSON file {"field": "column header"} overriding the automatic column mapping')
      .option('--t2s', 'convert Traditional to Simplified Chinese in text fields')
      .option('--unknown-customers <mode>', 'rows naming an unknown customer: stub (create a stub customer) or quarantine', 'stub')
      .option('--disable <rules>', 'comma-separated cleaning rules to switch off')
      .option('--no-refresh', 'do not re-evaluate saved rule segments and rule/model tags after the import')
      .option('--catalog <file>', 'metric catalog config the segment and tag rules are evaluated with (default $TIDEMARK_CATALOG or ./tidemark.catalog.json)'),
  ).action(async (file: string, flags: ImportFlags) => {
    if (!flags.entity) throw new UsageError(`--entity is required; one of: ${IMPORT_TARGETS.map((e) => e.name).join(', ')}`);
    if (flags.unknownCustomers !== 'stub' && flags.unknownCustomers !== 'quarantine') {
      throw new UsageError(`--unknown-customers must be stub or quarantine, got '${flags.unknownCustomers}'`);
    }
    const json = wantJson(flags);
    const progress = new Progress('importing');
    const wh = await openWarehouse({ path: dbPathOf(flags) });
    try {
      const mapping = flags.mapping ? readMappingFile(flags.mapping) : undefined;
      const report = await importFile(wh, {
        file,
        entity: flags.entity,
        mapping,
        clean: {
          traditionalToSimplified: flags.t2s === true,
          unknownCustomers: flags.unknownCustomers,
          disabled: flags.disable ? flags.disable.split(',').map((s) => s.trim()) : [],
        },
        onProgress: (step, f) => progress.update(Math.round(f * 100), 100, step),
      });
      progress.done();
      const refreshed = flags.refresh === false ? undefined : await refreshSaved(wh, () => openCatalog(flags));
      if (json) await printJson(refreshed ? { ...report, refreshed } : report);
      else await write(printableReport(report) + (refreshed ? printableRefresh(refreshed) : ''));
    } catch (e) {
      progress.done();
      if (e instanceof ImportError) throw new UsageError(`import failed, warehouse unchanged: ${e.message}`);
      throw e;
    } finally {
      await wh.close();
    }
  });
}
