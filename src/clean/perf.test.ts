import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDef, FieldType } from '../schema/index.js';
import { cleanFieldsSql, DEFAULT_CLEAN_CONFIG, setupCleaning } from './index.js';
import { TestWarehouse } from './test-db.js';

const ROWS = 1_000_000;
const f = (name: string, type: FieldType): FieldDef => ({ name, type, label: name, labelZh: name });
const FIELDS = [f('province', 'province'), f('city', 'city'), f('phone', 'phone'), f('paid_at', 'timestamp'), f('amount', 'money')];

let db: TestWarehouse;
let dir: string;
beforeAll(async () => {
  db = await TestWarehouse.open({ udf: false });
  await setupCleaning(db, DEFAULT_CLEAN_CONFIG);
  dir = mkdtempSync(join(tmpdir(), 'tm-clean-perf-'));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const seconds = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};

/** Times read_csv alone, cleaning alone, and both in one statement, on the CSV of table `raw`. */
async function measure(label: string, raw: string): Promise<void> {
  const csv = join(dir, `${raw}.csv`);
  await db.run(`COPY ${raw} TO '${csv}' (HEADER)`);
  const sql = cleanFieldsSql(FIELDS, Object.fromEntries(FIELDS.map((x) => [x.name, `"${x.name}"`])), DEFAULT_CLEAN_CONFIG);
  const cols = Object.entries(sql).flatMap(([name, s]) => [
    `${s.value} AS "${name}"`,
    `${s.invalid} AS "${name}__invalid"`,
    ...Object.entries(s.derived).map(([d, e]) => `${e} AS "${d}"`),
  ]);
  const changed = Object.entries(sql).flatMap(([name, s]) => s.steps.map((st, i) => `(${st.before}) IS DISTINCT FROM (${st.after}) AS "${name}__chg${i}"`));
  const read = await seconds(() => db.run(`CREATE OR REPLACE TEMP TABLE ${raw}_read AS SELECT * FROM read_csv('${csv}', all_varchar = true)`));
  const clean = await seconds(() => db.run(`CREATE OR REPLACE TEMP TABLE ${raw}_clean AS SELECT ${cols.join(', ')} FROM ${raw}_read`));
  const withLog = await seconds(() => db.run(`CREATE OR REPLACE TEMP TABLE ${raw}_log AS SELECT ${[...cols, ...changed].join(', ')} FROM ${raw}_read`));
  const both = await seconds(() => db.run(`CREATE OR REPLACE TEMP TABLE ${raw}_both AS SELECT ${cols.join(', ')} FROM read_csv('${csv}', all_varchar = true)`));
  console.log(
    `[clean perf] ${label}, ${ROWS.toLocaleString('en')} rows, 5 fields: read_csv ${read.toFixed(2)} s; cleaning ${clean.toFixed(2)} s; ` +
      `cleaning + per-rule change flags ${withLog.toFixed(2)} s; read_csv + cleaning in one statement ${both.toFixed(2)} s (${(both / read).toFixed(1)}× read_csv)`,
  );
}

describe('performance', () => {
  it(`cleans province, city, phone, timestamp and amount on ${ROWS.toLocaleString('en')} rows inside DuckDB`, async () => {
    // Consistent, machine-written values (the usual shape of a large export).
    await db.run(`CREATE TEMP TABLE perf_tidy AS
      SELECT ['广东省', '北京市', '浙江省', '上海市', '四川省', '湖北省', '江苏省'][1 + i % 7] AS province,
        ['深圳市', '北京市', '杭州市', '上海市', '成都市', '武汉市', '苏州市'][1 + i % 7] AS city,
        '138' || lpad(CAST(i AS VARCHAR), 8, '0') AS phone,
        strftime(TIMESTAMP '2023-01-01' + to_seconds(i * 7), '%Y-%m-%d %H:%M:%S') AS paid_at,
        printf('%.2f', (i % 100000) / 7.0) AS amount
      FROM range(${ROWS}) t(i)`);
    await measure('tidy values', 'perf_tidy');

    // A messy mix of forms.
    await db.run(`CREATE TEMP TABLE perf_raw AS
      SELECT
        ['广东', '广东省', '粤', '北京', '浙江省', 'Shanghai', '四川', '湖北省', '江苏', '新疆', NULL][1 + i % 11] AS province,
        ['深圳', '广州市', '东莞', '北京', '杭州', '上海市', '成都', '武汉市', '苏州', '乌鲁木齐', '长沙'][1 + i % 11] AS city,
        CASE i % 4 WHEN 0 THEN '138' || lpad(CAST(i AS VARCHAR), 8, '0')
                   WHEN 1 THEN '+86 139 ' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') || ' 5678'
                   WHEN 2 THEN '0755-' || lpad(CAST(i % 100000000 AS VARCHAR), 8, '2')
                   ELSE 'n/a' END AS phone,
        CASE i % 5 WHEN 0 THEN strftime(TIMESTAMP '2023-01-01' + to_seconds(i * 7), '%Y/%m/%d %H:%M')
                   WHEN 1 THEN strftime(TIMESTAMP '2023-01-01' + to_seconds(i * 7), '%Y年%m月%d日 %H:%M')
                   WHEN 2 THEN strftime(TIMESTAMP '2023-01-01' + to_seconds(i * 7), '%Y-%m-%dT%H:%M:%SZ')
                   ELSE strftime(TIMESTAMP '2023-01-01' + to_seconds(i * 7), '%Y-%m-%d %H:%M:%S') END AS paid_at,
        CASE i % 4 WHEN 0 THEN printf('%.2f', (i % 100000) / 7.0)
                   WHEN 1 THEN '¥' || format('{:,}', i % 1000000) || '.50'
                   WHEN 2 THEN printf('%.1f万', (i % 1000) / 10.0)
                   ELSE CAST(i % 5000 AS VARCHAR) END AS amount
      FROM range(${ROWS}) t(i)`);
    await measure('messy values', 'perf_raw');

    const r = await db.query(`SELECT count(*) AS n,
        count(province) AS province, count_if(province__invalid) AS province_invalid, count(city_code) AS city_code,
        count(phone) AS phone, count_if(phone__invalid) AS phone_invalid,
        count(paid_at) AS paid_at, count_if(paid_at__invalid) AS paid_at_invalid,
        count(amount) AS amount, count_if(amount__invalid) AS amount_invalid
      FROM perf_raw_clean`);
    const row = Object.fromEntries(Object.entries(r.rows[0]!).map(([k, v]) => [k, Number(v)]));
    const n = ROWS;
    const nullProvinces = Math.floor(n / 11) + (n % 11 > 10 ? 1 : 0);
    expect(row).toEqual({
      n,
      province: n - nullProvinces,
      province_invalid: 0,
      // 长沙 falls in the rows whose province is missing, so every city is found.
      city_code: n,
      phone: n - n / 4,
      phone_invalid: 0,
      paid_at: n,
      paid_at_invalid: 0,
      amount: n,
      amount_invalid: 0,
    });
  }, 600_000);
});
