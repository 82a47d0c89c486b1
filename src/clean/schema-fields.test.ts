import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES, sqlType } from '../schema/index.js';
import { cleanFieldSql, cleanFieldsSql, DEFAULT_CLEAN_CONFIG, RULES, setupCleaning, type CleanConfig, type FieldCleanSql } from './index.js';
import { lit } from './sql.js';
import { TestWarehouse } from './test-db.js';

const RAW = [
  '', '  ', null, '1', '17850.0', '2023-10-15 14:30', '2023年10月15日', '45214', '广东', '深圳', '南山区', '是', '男', '13812345678', 'a@b.cn',
  '¥1,234.50', '12.5%', '天猫', '已发货', '{"a": 1}', 'abc', '臺北', 'NULL',
  // Hostile input: nothing may raise an error.
  "'; DROP TABLE t; --", '😀'.repeat(50), 'x'.repeat(10_000), '１２３４５６７８９０'.repeat(10), '(((', '万', '--1', '1e999', '-1e999', '0x1F', '2023-10-15T25:99:99Z',
  '99/99/9999', '∞', '\t\n', '9'.repeat(40), '9'.repeat(40) + '万亿', '1.' + '9'.repeat(30), '2958465.999999', '-45214', '0755-', '+86', '\u00a0',
];

let db: TestWarehouse;
beforeAll(async () => {
  db = await TestWarehouse.open();
  await setupCleaning(db);
});
afterAll(async () => db.close());

const values = RAW.map((s, i) => `(${i}, ${s === null ? 'NULL::VARCHAR' : lit(s)})`).join(', ');

/** Runs every expression of every field in one SELECT and returns the distinct DuckDB types of each column. */
async function types(sqls: Record<string, FieldCleanSql>): Promise<Record<string, string[]>> {
  const cols: string[] = [];
  for (const [name, s] of Object.entries(sqls)) {
    cols.push(`typeof(${s.value}) AS "${name}|value"`, `typeof(${s.invalid}) AS "${name}|invalid"`, `CAST(${s.invalid} AS VARCHAR) AS "${name}|invalid_value"`);
    s.steps.forEach((st, i) => cols.push(`typeof(${st.before}) AS "${name}|before${i}"`, `typeof(${st.after}) AS "${name}|after${i}"`));
    for (const [d, e] of Object.entries(s.derived)) cols.push(`typeof(${e}) AS "${name}|derived:${d}"`);
  }
  const r = await db.query(`SELECT ${cols.join(', ')} FROM (VALUES ${values}) t(i, raw)`);
  const out: Record<string, string[]> = {};
  for (const row of r.rows) for (const [k, v] of Object.entries(row)) out[k] = [...new Set([...(out[k] ?? []), String(v)])].sort();
  return out;
}

function check(entity: string, sqls: Record<string, FieldCleanSql>, got: Record<string, string[]>): string[] {
  const e = ENTITIES.find((x) => x.name === entity)!;
  const problems: string[] = [];
  for (const [name, s] of Object.entries(sqls)) {
    const fd = e.fields.find((x) => x.name === name)!;
    const want = sqlType(fd.type);
    // typeof() of a NULL constant is "NULL"; every real value must have the schema's type.
    const valueTypes = got[`${name}|value`]!.filter((t) => t !== 'NULL');
    if (valueTypes.join() !== want) problems.push(`${entity}.${name}: value is ${valueTypes.join('/')} instead of ${want}`);
    if (got[`${name}|invalid`]!.join() !== 'BOOLEAN') problems.push(`${entity}.${name}: invalid is ${got[`${name}|invalid`]!.join('/')}`);
    if (got[`${name}|invalid_value`]!.includes('null')) problems.push(`${entity}.${name}: invalid is NULL for some input`);
    s.steps.forEach((st, i) => {
      for (const side of ['before', 'after'] as const) {
        const t = got[`${name}|${side}${i}`]!.filter((x) => x !== 'NULL');
        if (t.join() !== 'VARCHAR') problems.push(`${entity}.${name}: step ${st.rule} ${side} is ${t.join('/')}`);
      }
      if (!RULES.some((r) => r.name === st.rule)) problems.push(`${entity}.${name}: step names unknown rule ${st.rule}`);
    });
    for (const d of Object.keys(s.derived)) {
      const t = got[`${name}|derived:${d}`]!.filter((x) => x !== 'NULL');
      if (t.length && t.join() !== 'VARCHAR') problems.push(`${entity}.${name}: derived ${d} is ${t.join('/')}`);
      if (!e.fields.some((x) => x.name === d)) problems.push(`${entity}.${name}: derived ${d} is not a field of ${entity}`);
    }
    if (!s.expected) problems.push(`${entity}.${name}: no expected phrase`);
  }
  return problems;
}

describe('every field of every entity', () => {
  const configs: [string, CleanConfig][] = [
    ['default settings', DEFAULT_CLEAN_CONFIG],
    ['with traditional_to_simplified', { ...DEFAULT_CLEAN_CONFIG, traditionalToSimplified: true, timeZone: 'Europe/Berlin' }],
    ['with every rule switched off', { ...DEFAULT_CLEAN_CONFIG, disabled: RULES.map((r) => r.name) }],
  ];
  for (const [label, config] of configs) {
    it(`cleanFieldSql parses, runs and has the schema's SQL types (${label})`, async () => {
      const problems: string[] = [];
      for (const e of ENTITIES) {
        const sqls = Object.fromEntries(e.fields.map((fd) => [fd.name, cleanFieldSql(fd, 'raw', config)]));
        problems.push(...check(e.name, sqls, await types(sqls)));
      }
      expect(problems).toEqual([]);
    });

    it(`cleanFieldsSql cleans whole records (${label})`, async () => {
      const problems: string[] = [];
      for (const e of ENTITIES) {
        const sqls = cleanFieldsSql(e.fields, Object.fromEntries(e.fields.map((fd) => [fd.name, 'raw'])), config);
        expect(Object.keys(sqls).sort()).toEqual(e.fields.map((fd) => fd.name).sort());
        problems.push(...check(e.name, sqls, await types(sqls)));
      }
      expect(problems).toEqual([]);
    });
  }

  it('keeps the SQL of each field small', () => {
    for (const e of ENTITIES) {
      for (const fd of e.fields) {
        const s = cleanFieldSql(fd, '"某个很长的列名 some long column name"', DEFAULT_CLEAN_CONFIG);
        const size = s.value.length + s.invalid.length + s.steps.reduce((n, st) => n + st.before.length + st.after.length, 0);
        expect(size, `${e.name}.${fd.name}`).toBeLessThan(20_000);
      }
    }
  });
});
