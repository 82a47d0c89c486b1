import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, MetaStore, verifyPassword } from '../accounts/index.js';
import { tempWarehouse } from '../testing/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { generateDemo } from './index.js';
import { DEMO_PASSWORD, DEMO_USERS, ensureDemoUsers, isDemoWarehouse, maskDemoReps } from './users.js';

let demo: Awaited<ReturnType<typeof tempWarehouse>>;

beforeAll(async () => {
  demo = await tempWarehouse();
  await generateDemo(demo.wh, { customers: 300, seed: 42 });
});
afterAll(async () => {
  await demo?.cleanup();
});

async function withOther(fn: (wh: Warehouse) => Promise<void>): Promise<void> {
  const t = await tempWarehouse();
  try {
    await fn(t.wh);
  } finally {
    await t.cleanup();
  }
}

describe('demo users', () => {
  it('are added to an empty accounts store of a demo warehouse, in its org, and keep working on the next run', async () => {
    const meta = MetaStore.open(':memory:');
    const first = await ensureDemoUsers(meta, demo.wh);
    expect(first.created).toBe(true);
    expect(first.logins.map((l) => l.login)).toEqual(DEMO_USERS.map((u) => u.login));
    expect(meta.listUsers().map((u) => [u.login, u.role, u.employeeId, u.branch])).toEqual([
      ['admin', 'admin', null, null],
      ['manager', 'manager', null, 'U100'],
      ['rep', 'sales_rep', 'E024', null],
    ]);
    // The rep and the branch are in the demo's org, named from it.
    const names = await demo.wh.query(`SELECT (SELECT name FROM employees WHERE employee_id = 'E024') AS rep, (SELECT name FROM org_units WHERE unit_id = 'U100') AS branch`);
    expect(first.logins.find((l) => l.login === 'rep')?.positionName).toBe(names.rows[0]?.rep);
    expect(first.logins.find((l) => l.login === 'manager')?.positionName).toBe('华北分公司');
    for (const u of meta.listUsers()) expect(await verifyPassword(meta.passwordHashOf(u.userId)!, DEMO_PASSWORD)).toBe(true);
    expect(meta.auditLog().filter((e) => e.action === 'user_added')).toHaveLength(3);

    const again = await ensureDemoUsers(meta, demo.wh);
    expect(again.created).toBe(false);
    expect(again.logins.map((l) => l.login)).toEqual(['admin', 'manager', 'rep']);
    expect(meta.userCount()).toBe(3);

    // A changed password is no longer printed as the demo one.
    meta.setPassword(meta.userByLogin('manager')!.userId, await hashPassword('another password 1'));
    expect((await ensureDemoUsers(meta, demo.wh)).logins.map((l) => l.login)).toEqual(['admin', 'rep']);
    meta.close();
  });

  it('are never added when the accounts store has a user already', async () => {
    const meta = MetaStore.open(':memory:');
    meta.addUser({ login: 'boss', role: 'admin', passwordHash: await hashPassword('a real password') });
    const r = await ensureDemoUsers(meta, demo.wh);
    expect(r).toMatchObject({ created: false, logins: [] });
    expect(r.reason).toMatch(/has users already/);
    expect(meta.listUsers().map((u) => u.login)).toEqual(['boss']);
    meta.close();
  });

  it('are never added to a warehouse that is not a generated demo, or a demo with imports', async () => {
    await withOther(async (wh) => {
      await wh.run(`INSERT INTO customers (customer_id, name) VALUES ('REAL1', '真实客户')`);
      expect(await isDemoWarehouse(wh)).toBe(false);
      const meta = MetaStore.open(':memory:');
      const r = await ensureDemoUsers(meta, wh);
      expect(r).toMatchObject({ created: false, logins: [] });
      expect(r.reason).toMatch(/not \(only\) a generated demo/);
      expect(meta.userCount()).toBe(0);
      meta.close();
    });
    await withOther(async (wh) => {
      await generateDemo(wh, { customers: 100, seed: 7 });
      expect(await isDemoWarehouse(wh)).toBe(true);
      await wh.run(`INSERT INTO tm_imports VALUES (1, 'real.csv', NULL, 'customers', now()::TIMESTAMP, now()::TIMESTAMP, 1, 1, 0, 0, '{}')`);
      expect(await isDemoWarehouse(wh)).toBe(false);
      const meta = MetaStore.open(':memory:');
      expect((await ensureDemoUsers(meta, wh)).created).toBe(false);
      expect(meta.userCount()).toBe(0);
      meta.close();
    });
  });

  it('maskDemoReps takes see_personal_data from the sales_rep role only', () => {
    const meta = MetaStore.open(':memory:');
    expect(meta.permissionsOf('sales_rep')).toContain('see_personal_data');
    maskDemoReps(meta);
    expect(meta.permissionsOf('sales_rep')).not.toContain('see_personal_data');
    expect(meta.permissionsOf('manager')).toContain('see_personal_data');
    meta.close();
  });
});
