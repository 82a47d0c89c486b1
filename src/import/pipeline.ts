import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setupCleaning } from '../clean/index.js';
import { DEFAULT_CLEAN_CONFIG, type CleanConfig } from '../clean/types.js';
import { entity as schemaEntity, type EntityDef } from '../schema/index.js';
import { warehouseTimeZone, type Warehouse } from '../warehouse/index.js';
import { buildCleanTable, contentSql, planFields, ruleLog } from './cleanse.js';
import { detectFile } from './detect.js';
import { failpoint } from '../util/failpoint.js';
import { ImportError } from './errors.js';
import { mapColumns } from './mapping.js';
import { dedupe, flagRules, entityProjection, outlierTests, stubCustomersSql, synthesiseKey, unknownCustomers } from './rows.js';
import { splitSalesLines } from './sales-lines.js';
import { LineCounter, type FileLines } from './lines.js';
import { stageFile } from './stage.js';
import { IMPORT_TARGETS, importTarget, SALES_LINES } from './targets.js';
import type { ImportOptions, ImportReport, RuleLog } from './types.js';
import { upsert, type UpsertCounts } from './upsert.js';

function must(name: string): EntityDef {
  const e = schemaEntity(name);
  if (!e) throw new Error(`schema has no ${name}`);
  return e;
}

/** One read of the file: its sha256 and its line ends and empty lines (for stage's line numbers). */
async function scanFile(file: string): Promise<{ hash: string; lines: FileLines }> {
  const h = createHash('sha256');
  const lines = new LineCounter();
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer;
    h.update(b);
    lines.update(b);
  }
  return { hash: h.digest('hex'), lines: lines.result() };
}

async function columnsOf(wh: Warehouse, table: string): Promise<string[]> {
  return (await wh.query(`SELECT column_name FROM duckdb_columns() WHERE table_name = $1 ORDER BY column_index`, [table])).rows.map((r) => String(r.column_name));
}

const MONEY_OUTLIER_FIELDS = new Set(['amount', 'paid_amount', 'close_value']);

/**
 * Imports one file into the warehouse: detect → stage → map → clean → row rules → one transaction
 * that upserts every affected table and stores the report and the quarantine. Any error before the
 * commit leaves the warehouse as it was.
 */
export async function importFile(wh: Warehouse, opts: ImportOptions): Promise<ImportReport> {
  try {
    return await runImport(wh, opts);
  } finally {
    await dropTemps(wh).catch(() => undefined);
  }
}

async function runImport(wh: Warehouse, opts: ImportOptions): Promise<ImportReport> {
  const started = new Date();
  const t0 = performance.now();
  const file = resolve(opts.file);
  const recorded = opts.sourceName ?? file;
  const target = importTarget(opts.entity);
  if (!target) throw new ImportError(opts.file, `unknown entity "${opts.entity}"; expected one of: ${IMPORT_TARGETS.map((e) => e.name).join(', ')}`);
  const userProgress = opts.onProgress ?? (() => undefined);
  let lap = performance.now();
  const progress = (step: string, f: number) => {
    if (process.env.TIDEMARK_PROFILE === '1') {
      process.stderr.write(`[profile] ${step} at ${((performance.now() - t0) / 1000).toFixed(2)} s (+${((performance.now() - lap) / 1000).toFixed(2)})\n`);
      lap = performance.now();
    }
    userProgress(step, f);
  };
  const config: CleanConfig = { ...DEFAULT_CLEAN_CONFIG, timeZone: await warehouseTimeZone(wh), ...opts.clean };

  progress('reading', 0);
  const detected = detectFile(file);
  // hashed while DuckDB reads the file on its own threads
  const scanned = scanFile(file);
  scanned.catch(() => undefined);
  const fileHash = scanned.then((s) => s.hash);
  fileHash.catch(() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), 'tidemark-import-'));
  let staged;
  try {
    staged = await stageFile(wh, file, detected, tmp, scanned.then((s) => s.lines));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  progress('staged', 0.25);
  progress('mapping', 0.3);
  const mapping = mapColumns(target, staged.headers, opts.mapping ?? {});
  const isSales = target === SALES_LINES;
  const synthesise = Boolean(target.synthesiseKey) && !(target.key[0]! in mapping.fields);
  const missing = target.fields.filter((f) => f.required && !f.derived && !(f.name in mapping.fields) && !(synthesise && f.name === target.key[0]));
  if (missing.length) {
    throw new ImportError(
      opts.file,
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `${f.name} (${f.labelZh})`).join(', ')} for ${target.name}; the file has: ${staged.headers.join(', ')}. Name the column in a --mapping file if it is there under another header.`,
    );
  }
  if (isSales && !('unit_price' in mapping.fields) && !('amount' in mapping.fields)) {
    throw new ImportError(opts.file, `sales_lines needs a unit price (单价) or a line amount (金额) column; the file has: ${staged.headers.join(', ')}`);
  }

  progress('cleaning', 0.4);
  await setupCleaning(wh, config);
  const plans = planFields(target, staged, mapping, config);
  await buildCleanTable(wh, target, staged, mapping, plans, synthesise ? 'md5' : isSales ? 'hash' : false);
  progress('cleaned', 0.5);
  const rules: RuleLog[] = await ruleLog(wh, plans);
  progress('rule log', 0.55);
  let present = (await columnsOf(wh, 'tm_clean')).filter((c) => target.fields.some((f) => f.name === c));

  if (synthesise) {
    rules.push(...(await synthesiseKey(wh, target.key[0], target.name.slice(0, 1).toUpperCase())));
    present = [...present, target.key[0]!];
  }
  const hasCustomer = present.includes('customer_id') && target.fields.find((f) => f.name === 'customer_id')?.references !== undefined;
  const unknown = hasCustomer || isSales ? await unknownCustomers(wh, config.unknownCustomers, target.name === 'customers') : { log: [], stubs: 0 };
  rules.push(...unknown.log);

  progress('keys and customers', 0.6);
  const flagTests: { flag: string; test: string }[] = [];
  if (!config.disabled.includes('amount_outlier')) {
    const money = target.fields.filter((f) => f.type === 'money' && MONEY_OUTLIER_FIELDS.has(f.name) && present.includes(f.name)).map((f) => f.name);
    for (const o of await outlierTests(wh, money, config.outlierZ)) flagTests.push({ flag: 'amount_outlier', test: o.test });
  }
  if (target.name === 'orders' || isSales) {
    if (present.includes('amount')) flagTests.push({ flag: 'zero_amount', test: '(amount = 0)' });
    if (present.includes('is_gift')) flagTests.push({ flag: 'gift', test: 'coalesce(is_gift, false)' });
  }
  const merged1 = new Map<string, { flag: string; tests: string[] }>();
  for (const t of flagTests) merged1.set(t.flag, { flag: t.flag, tests: [...(merged1.get(t.flag)?.tests ?? []), t.test] });
  const rowFlags = await flagRules(wh, [...merged1.values()].map((m) => ({ flag: m.flag, test: m.tests.join(' OR ') })));
  rules.push(...rowFlags.log);

  progress('flags', 0.65);
  const counts = (await wh.query(`SELECT count(*) AS n, count(__reason) AS q FROM tm_clean`)).rows[0] ?? {};
  const quarantinedRows = Number(counts.q ?? 0) + staged.rejects.length;
  const rowsRead = staged.rowsAccepted + staged.rejects.length;

  progress('writing', 0.7);
  const tables: Record<string, UpsertCounts> = {};
  let withinFileMerged = 0;
  if (!isSales) {
    if (synthesise) {
      // keys made from content + occurrence are unique by construction
      await wh.run(`CREATE OR REPLACE TEMP VIEW tm_winners AS SELECT * FROM tm_clean WHERE __reason IS NULL`);
    } else {
      const d = await dedupe(wh, target, present);
      rules.push(...d.log);
      withinFileMerged = d.duplicates + d.conflicts;
    }
    const overrides: Record<string, string> = { _flags: `list_concat(_flags, ${rowFlags.expr})` };
    if (target.name === 'orders') {
      overrides.is_anonymous = 'customer_id IS NULL';
      overrides._flags = `list_concat(_flags, ${rowFlags.expr}, CASE WHEN customer_id IS NULL THEN ['anonymous'] ELSE [] END)`;
      const anon = Number((await wh.query(`SELECT count(*) AS n FROM tm_winners WHERE customer_id IS NULL`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0]?.n ?? 0);
      if (present.includes('customer_id') && anon) rules.push({ rule: 'anonymous_order', count: anon, examples: [] });
      if (!present.includes('customer_id')) {
        overrides.is_anonymous = 'true';
        overrides._flags = `list_concat(_flags, ${rowFlags.expr}, ['anonymous'])`;
      }
    }
    await wh.run(`CREATE OR REPLACE TEMP VIEW tm_src AS SELECT ${entityProjection(target, present, overrides)} FROM tm_winners`);
  } else {
    rules.push(...(await splitSalesLines(wh, present, rowFlags.expr, contentSql(staged, 's.'))));
  }

  progress('prepared', 0.8);
  const report = await wh.transaction(async (tx) => {
    const importId = Number((await tx.query(`SELECT nextval('tm_import_seq') AS id`)).rows[0]?.id);
    if (unknown.stubs) {
      await tx.run(`CREATE OR REPLACE TEMP VIEW tm_src_stubs AS ${stubCustomersSql(must('customers'))}`);
      tables.customers = await upsert(tx, must('customers'), 'tm_src_stubs', importId, 'insert-missing');
    }
    let loaded: number;
    let merged: number;
    if (isSales) {
      tables.products = await upsert(tx, must('products'), 'tm_src_products', importId, 'insert-missing');
      tables.orders = await upsert(tx, must('orders'), 'tm_src_orders', importId);
      tables.order_items = await upsert(tx, must('order_items'), 'tm_src_items', importId);
      tables.returns = await upsert(tx, must('returns'), 'tm_src_returns', importId);
      const it = tables.order_items;
      const rt = tables.returns;
      loaded = it.inserted + it.updated + rt.inserted + rt.updated;
      merged = it.unchanged + it.stale + rt.unchanged + rt.stale;
    } else {
      const c = await upsert(tx, target, 'tm_src', importId);
      tables[target.name] = c;
      loaded = c.inserted + c.updated;
      merged = c.unchanged + c.stale + withinFileMerged;
      if (c.unchanged) rules.push({ rule: 'unchanged_existing', count: c.unchanged, examples: [] });
      if (c.stale) rules.push({ rule: 'older_than_stored', count: c.stale, examples: [] });
    }
    if (rowsRead !== loaded + merged + quarantinedRows) {
      throw new Error(`internal: rows do not reconcile (read ${rowsRead} ≠ loaded ${loaded} + merged ${merged} + quarantined ${quarantinedRows}); nothing was written`);
    }
    await tx.run(
      `INSERT INTO tm_quarantine SELECT $1, $2, __line, raw, reason FROM (
         SELECT c.__line, s.raw, c.__reason AS reason FROM tm_clean c JOIN (SELECT __line, ${staged.rawJsonSql} AS raw FROM tm_stage) s USING (__line) WHERE c.__reason IS NOT NULL
         UNION ALL SELECT line, raw, reason FROM tm_stage_rejects) ORDER BY __line`,
      [importId, recorded],
    );
    const sample = (await tx.query(`SELECT line, reason, raw FROM tm_quarantine WHERE import_id = $1 ORDER BY line LIMIT 10`, [importId])).rows.map((r) => ({
      line: r.line === null ? null : Number(r.line),
      reason: String(r.reason),
      raw: String(r.raw ?? ''),
    }));
    const rep: ImportReport = {
      importId,
      file: recorded,
      entity: target.name,
      format: detected.format,
      encoding: detected.encoding,
      mapping: mapping.fields,
      customFields: mapping.custom,
      rowsRead,
      loaded,
      merged,
      quarantined: quarantinedRows,
      tables: Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, { inserted: v.inserted, updated: v.updated, unchanged: v.unchanged + v.stale }])),
      rules,
      quarantineSample: sample,
      seconds: Math.round((performance.now() - t0) / 10) / 100,
    };
    await tx.run(`INSERT INTO tm_imports VALUES ($1, $2, $3, $4, $5::TIMESTAMP, now()::TIMESTAMP, $6, $7, $8, $9, $10::JSON)`, [
      importId,
      recorded,
      await fileHash,
      target.name,
      started.toISOString().replace('T', ' ').replace('Z', ''),
      rowsRead,
      loaded,
      merged,
      quarantinedRows,
      JSON.stringify({ ...rep, file: basename(recorded) }),
    ]);
    progress('written', 0.95);
    await failpoint('import-before-commit');
    return rep;
  });
  progress('done', 1);
  return report;
}

async function dropTemps(wh: Warehouse): Promise<void> {
  const r = await wh.query(`SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp' AND table_name LIKE 'tm\\_%' ESCAPE '\\'`);
  for (const row of r.rows) {
    const kind = String(row.table_type) === 'VIEW' ? 'VIEW' : 'TABLE';
    await wh.run(`DROP ${kind} IF EXISTS temp.main."${String(row.table_name).replace(/"/g, '""')}"`).catch(() => undefined);
  }
}
