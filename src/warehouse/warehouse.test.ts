import { describe, expect, it } from 'vitest';
import { tempWarehouse } from '../testing/index.js';
import { openWarehouse } from './index.js';

describe('warehouse port (DuckDB)', () => {
  it('binds values instead of splicing them into SQL', async () => {
    const ctx = await tempWarehouse();
    try {
      const evil = "x'); DROP TABLE customers; --";
      const r = await ctx.wh.query(`SELECT $1 AS v, $2::INT + 1 AS n`, [evil, 41]);
      expect(r.rows).toEqual([{ v: evil, n: 42 }]);
      expect((await ctx.wh.query(`SELECT count(*) AS n FROM customers`)).rows[0]?.n).toBe(0);
    } finally {
      await ctx.cleanup();
    }
  });

  it('a failed transaction leaves nothing behind', async () => {
    const ctx = await tempWarehouse();
    try {
      await expect(
        ctx.wh.transaction(async (tx) => {
          await tx.run(`INSERT INTO org_units (unit_id, name) VALUES ('B1', '华南分公司')`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await ctx.wh.query(`SELECT count(*) AS n FROM org_units`)).rows[0]?.n).toBe(0);
    } finally {
      await ctx.cleanup();
    }
  });

  it('streams and appends', async () => {
    const ctx = await tempWarehouse();
    try {
      await ctx.wh.append('tm_meta', [['k1', '值'], ['k2', null]]);
      let n = 0;
      for await (const batch of ctx.wh.stream(`SELECT * FROM range(5000)`)) n += batch.length;
      expect(n).toBe(5000);
      expect((await ctx.wh.query(`SELECT value FROM tm_meta WHERE key = 'k1'`)).rows[0]?.value).toBe('值');
    } finally {
      await ctx.cleanup();
    }
  });

  it('registers JS scalar functions', async () => {
    const ctx = await tempWarehouse();
    try {
      ctx.wh.registerFunction!('tm_test_upper', (s) => (s === null ? null : s.toUpperCase()));
      expect((await ctx.wh.query(`SELECT tm_test_upper('abc') AS a, tm_test_upper(NULL) AS b`)).rows).toEqual([{ a: 'ABC', b: null }]);
    } finally {
      await ctx.cleanup();
    }
  });

  it('read-only mode refuses writes and file access; a second writer is told who holds the file', async () => {
    const ctx = await tempWarehouse();
    await ctx.wh.close();
    const ro = await openWarehouse({ path: ctx.path, readOnly: true });
    try {
      await expect(ro.run(`INSERT INTO tm_meta VALUES ('a', 'b')`)).rejects.toThrow(/read-only/i);
      await expect(ro.query(`SELECT * FROM read_csv('/etc/hostname')`)).rejects.toThrow(/disabled|Permission/i);
    } finally {
      await ro.close();
      await ctx.cleanup();
    }
    await expect(openWarehouse({ path: '/nonexistent-dir-tidemark/x.duckdb', readOnly: true })).rejects.toThrow(/does not exist/);
  });

  it('readers spill to their own directories, so one closing cannot delete the spill files of another', async () => {
    const ctx = await tempWarehouse();
    await ctx.wh.close();
    const a = await openWarehouse({ path: ctx.path, readOnly: true });
    const b = await openWarehouse({ path: ctx.path, readOnly: true });
    try {
      const dir = async (w: typeof a) => String((await w.query(`SELECT current_setting('temp_directory') AS d`)).rows[0]?.d);
      const [da, db] = [await dir(a), await dir(b)];
      expect(da.startsWith(`${ctx.path}.tmp.`)).toBe(true);
      expect(db.startsWith(`${ctx.path}.tmp.`)).toBe(true);
      expect(da).not.toBe(db);
    } finally {
      await a.close();
      await b.close();
      await ctx.cleanup();
    }
  });
});
