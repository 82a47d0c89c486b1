import { quoteIdent, sqlType, type EntityDef } from '../schema/index.js';
import type { Warehouse } from '../warehouse/index.js';
import type { RuleLog } from './types.js';

/**
 * Row-level rules that run on tm_clean after the field rules: synthesised keys, duplicates and
 * conflicts within the file, outliers, zero amounts, unknown customers. Each returns its log entry.
 */

type Examples = RuleLog['examples'];

async function examples(wh: Warehouse, sql: string): Promise<Examples> {
  const r = await wh.query(sql);
  return r.rows.map((x) => ({ line: x.line === null ? null : Number(x.line), before: x.before === null ? null : String(x.before), after: x.after === null ? null : String(x.after) }));
}

async function count(wh: Warehouse, sql: string): Promise<number> {
  return Number((await wh.query(sql)).rows[0]?.n ?? 0);
}

/** No key column: each line is its own record, keyed by its content and its occurrence among identical lines. */
export async function synthesiseKey(wh: Warehouse, keyField: string | undefined, prefix: string): Promise<RuleLog[]> {
  const key = keyField ? `'${prefix}' || substr(__h, 1, 16) || '-' || __occ AS ${quoteIdent(keyField)},` : '';
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_clean AS
     SELECT * EXCLUDE (__occ, _flags), ${key}
            CASE WHEN __occ > 1 THEN list_append(_flags, 'possible_duplicate') ELSE _flags END AS _flags
     FROM (SELECT *, row_number() OVER (PARTITION BY __h ORDER BY __line) AS __occ FROM tm_clean)`,
  );
  const n = await count(wh, `SELECT count(*) AS n FROM tm_clean WHERE list_contains(_flags, 'possible_duplicate')`);
  if (n === 0) return [];
  const groups = await count(wh, `SELECT count(DISTINCT __h) AS n FROM tm_clean WHERE list_contains(_flags, 'possible_duplicate')`);
  return [
    {
      rule: 'possible_duplicate',
      count: n,
      detail: `${groups} groups of identical lines; each repeat after the first is kept and flagged (no key column, so they may be real repeat purchases)`,
      examples: await examples(wh, `SELECT __line AS line, NULL AS before, 'kept, flagged possible_duplicate' AS after FROM tm_clean WHERE list_contains(_flags, 'possible_duplicate') ORDER BY __line LIMIT 3`),
    },
  ];
}

/** Rows naming a customer the warehouse does not have: a stub customer is created, or the row is quarantined. */
export async function unknownCustomers(wh: Warehouse, mode: 'stub' | 'quarantine', importCustomers: boolean): Promise<{ log: RuleLog[]; stubs: number }> {
  if (importCustomers) return { log: [], stubs: 0 };
  const unknown = `__reason IS NULL AND customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = tm_clean.customer_id)`;
  if (mode === 'quarantine') {
    const n = await wh.run(`UPDATE tm_clean SET __reason = 'unknown customer ' || customer_id || ' (import customers first, or use --unknown-customers stub)' WHERE ${unknown}`);
    return { log: n ? [{ rule: 'unknown_customer_quarantined', field: 'customer_id', count: n, examples: [] }] : [], stubs: 0 };
  }
  // Grouped first, so the lookup in customers runs once per distinct id rather than once per row.
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_stub_ids AS
     SELECT * FROM (SELECT customer_id, min(__line) AS line FROM tm_clean WHERE __reason IS NULL AND customer_id IS NOT NULL GROUP BY customer_id) t
     WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)`,
  );
  const stubs = await count(wh, `SELECT count(*) AS n FROM tm_stub_ids`);
  if (stubs === 0) return { log: [], stubs: 0 };
  return {
    log: [
      {
        rule: 'unknown_customer_stub',
        field: 'customer_id',
        count: stubs,
        examples: await examples(wh, `SELECT line, customer_id AS before, 'stub customer created' AS after FROM tm_stub_ids ORDER BY line LIMIT 3`),
      },
    ],
    stubs,
  };
}

export function stubCustomersSql(customers: EntityDef): string {
  const cols = customers.fields.map((f) => {
    if (f.name === 'customer_id') return 'customer_id';
    if (f.name === 'is_stub') return 'true AS is_stub';
    if (f.name === 'kind' || f.name === 'gender') return `'unknown' AS ${f.name}`;
    return `NULL::${sqlType(f.type)} AS ${quoteIdent(f.name)}`;
  });
  return `SELECT ${cols.join(', ')}, NULL::JSON AS extra, ['stub']::VARCHAR[] AS _flags FROM tm_stub_ids`;
}

/**
 * Robust z-score (Iglewicz & Hoaglin 1993): z = 0.6745 (x − median) / MAD; with MAD = 0, the mean
 * absolute deviation × 1.2533 stands in. Returns a SQL boolean per money field, or nothing when the
 * spread is zero.
 */
export async function outlierTests(wh: Warehouse, fields: readonly string[], z: number): Promise<{ field: string; test: string }[]> {
  const out: { field: string; test: string }[] = [];
  for (const f of fields) {
    const col = quoteIdent(f);
    const r = (
      await wh.query(
        `WITH m AS (SELECT median(${col}::DOUBLE) AS med FROM tm_clean WHERE __reason IS NULL)
         SELECT med, median(abs(${col}::DOUBLE - med)) AS mad, avg(abs(${col}::DOUBLE - med)) AS meanad
         FROM tm_clean, m WHERE __reason IS NULL AND ${col} IS NOT NULL GROUP BY med`,
      )
    ).rows[0];
    if (!r || r.med === null) continue;
    const med = Number(r.med);
    const mad = Number(r.mad);
    const scale = mad > 0 ? mad / 0.6745 : Number(r.meanad) * 1.2533;
    if (!(scale > 0)) continue;
    out.push({ field: f, test: `(abs(${col}::DOUBLE - ${med}) / ${scale} > ${z})` });
  }
  return out;
}

/**
 * Row flags (outliers, zero amounts, gifts) as one SQL list expression to append to _flags where the
 * rows are finally projected, so tm_clean is not rewritten; the log counts come from one aggregate.
 */
export async function flagRules(wh: Warehouse, flags: readonly { flag: string; test: string }[]): Promise<{ expr: string; log: RuleLog[] }> {
  if (flags.length === 0) return { expr: '[]::VARCHAR[]', log: [] };
  const expr = `list_filter([${flags.map((f) => `CASE WHEN ${f.test} THEN '${f.flag}' END`).join(', ')}], x -> x IS NOT NULL)`;
  const aggs = flags.map((f, i) => `count_if(coalesce(${f.test}, false)) AS n${i}, arg_min(__line, __line, 3) FILTER (WHERE ${f.test}) AS l${i}`);
  const row = (await wh.query(`SELECT ${aggs.join(', ')} FROM tm_clean WHERE __reason IS NULL`)).rows[0] ?? {};
  const log: RuleLog[] = [];
  flags.forEach((f, i) => {
    const n = Number(row[`n${i}`] ?? 0);
    if (n > 0) log.push({ rule: f.flag, count: n, examples: ((row[`l${i}`] as number[] | null) ?? []).map((l) => ({ line: Number(l), before: null, after: `flagged ${f.flag}` })) });
  });
  return { expr, log };
}

/**
 * One row per key: rows repeating a key with identical content are merged as duplicates; with
 * different content the latest wins (by the version field, then the later line) and the others are
 * logged as conflicts. Leaves tm_winners.
 */
export async function dedupe(wh: Warehouse, e: EntityDef, present: readonly string[]): Promise<{ log: RuleLog[]; duplicates: number; conflicts: number }> {
  const keys = e.key.map(quoteIdent).join(', ');
  const content = [...present.filter((c) => !e.key.includes(c)), 'extra'].map(quoteIdent).join(', ');
  const order = [e.versionField && present.includes(e.versionField) ? `${quoteIdent(e.versionField)} DESC NULLS LAST` : undefined, '__line DESC'].filter(Boolean).join(', ');
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE tm_ranked AS
     SELECT *, row_number() OVER w AS __rn, hash(${content}) AS __ch, first_value(hash(${content})) OVER w AS __wch, first_value(__line) OVER w AS __wline
     FROM tm_clean WHERE __reason IS NULL WINDOW w AS (PARTITION BY ${keys} ORDER BY ${order})`,
  );
  const r = (await wh.query(`SELECT count(*) FILTER (WHERE __rn > 1 AND __ch = __wch) AS d, count(*) FILTER (WHERE __rn > 1 AND __ch <> __wch) AS c FROM tm_ranked`)).rows[0] ?? {};
  const duplicates = Number(r.d ?? 0);
  const conflicts = Number(r.c ?? 0);
  const log: RuleLog[] = [];
  if (duplicates)
    log.push({
      rule: 'duplicate_row',
      count: duplicates,
      examples: await examples(wh, `SELECT __line AS line, NULL AS before, 'same as line ' || __wline || ', merged' AS after FROM tm_ranked WHERE __rn > 1 AND __ch = __wch ORDER BY __line LIMIT 3`),
    });
  if (conflicts)
    log.push({
      rule: 'conflict_latest_wins',
      count: conflicts,
      examples: await examples(wh, `SELECT __line AS line, NULL AS before, 'superseded by line ' || __wline AS after FROM tm_ranked WHERE __rn > 1 AND __ch <> __wch ORDER BY __line LIMIT 3`),
    });
  await wh.run(`CREATE OR REPLACE TEMP VIEW tm_winners AS SELECT * EXCLUDE (__rn, __ch, __wch, __wline) FROM tm_ranked WHERE __rn = 1`);
  return { log, duplicates, conflicts };
}

/** Every column of the entity table from a relation that has some of them. */
export function entityProjection(e: EntityDef, present: readonly string[], overrides: Readonly<Record<string, string>> = {}): string {
  const cols = e.fields.map((f) => {
    if (f.name in overrides) return `${overrides[f.name]} AS ${quoteIdent(f.name)}`;
    return present.includes(f.name) ? quoteIdent(f.name) : `NULL::${sqlType(f.type)} AS ${quoteIdent(f.name)}`;
  });
  for (const sys of ['extra', '_flags']) cols.push(sys in overrides ? `${overrides[sys]} AS ${sys}` : sys);
  return cols.join(', ');
}
