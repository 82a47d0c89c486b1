/**
 * `tidemark role` and `tidemark audit` through the built CLI (`npm run build` first). The metadata store is prepared
 * and checked directly; expected permissions are the defaults of src/accounts/roles.ts, written out by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, MetaStore } from '../accounts/index.js';
import { runCli, scratch } from '../testing/index.js';

const s = scratch('tidemark-role-');
const DB = join(s.dir, 'wh.duckdb');
const META = `${DB}.meta.sqlite`;

function tidemark(...args: string[]) {
  const r = runCli([...args, '--db', DB]);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withMeta<T>(fn: (m: MetaStore) => T): T {
  const m = MetaStore.open(META);
  try {
    return fn(m);
  } finally {
    m.close();
  }
}

beforeAll(async () => {
  const hash = await hashPassword('the admin password');
  withMeta((m) => {
    m.addUser({ login: 'root', role: 'admin', passwordHash: hash });
    m.addUser({ login: 'ray', role: 'sales_rep', employeeId: 'E1', passwordHash: hash });
  });
});
afterAll(() => s.cleanup());

describe('tidemark role', () => {
  it('lists each role with its permissions and defaults (JSON)', () => {
    const r = tidemark('role', 'list', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { role: 'admin', permissions: ['export', 'import', 'manage_users', 'run_sql', 'see_personal_data'], defaults: ['export', 'import', 'manage_users', 'run_sql', 'see_personal_data'] },
      { role: 'analyst', permissions: ['export', 'import', 'run_sql'], defaults: ['export', 'import', 'run_sql'] },
      { role: 'manager', permissions: ['export', 'see_personal_data'], defaults: ['export', 'see_personal_data'] },
      { role: 'sales_rep', permissions: ['see_personal_data'], defaults: ['see_personal_data'] },
      { role: 'viewer', permissions: [], defaults: [] },
    ]);
  });

  it('grants, revokes and resets; each change is in the store and audited before → after', () => {
    const g = tidemark('role', 'grant', 'sales_rep', 'run_sql', '--json');
    expect(g.code, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout)).toEqual({ role: 'sales_rep', permissions: ['run_sql', 'see_personal_data'], defaults: ['see_personal_data'] });
    const v = tidemark('role', 'revoke', 'manager', 'see_personal_data', '--json');
    expect(JSON.parse(v.stdout)).toMatchObject({ role: 'manager', permissions: ['export'] });
    withMeta((m) => {
      expect(m.permissionsOf('sales_rep')).toEqual(['run_sql', 'see_personal_data']);
      expect(m.permissionsOf('manager')).toEqual(['export']);
      const [revoked, granted] = m.queryAudit({ action: 'role_changed' }).entries;
      expect(granted).toMatchObject({ login: expect.stringMatching(/^cli:/), details: { role: 'sales_rep', before: ['see_personal_data'], after: ['run_sql', 'see_personal_data'] } });
      expect(revoked!.details).toEqual({ role: 'manager', before: ['export', 'see_personal_data'], after: ['export'] });
    });
    const table = tidemark('role', 'list'); // not a terminal: JSON anyway
    expect(JSON.parse(table.stdout)[2]).toEqual({ role: 'manager', permissions: ['export'], defaults: ['export', 'see_personal_data'] });
    const reset = tidemark('role', 'reset', 'manager', '--json');
    expect(JSON.parse(reset.stdout)).toMatchObject({ role: 'manager', permissions: ['export', 'see_personal_data'] });
    expect(withMeta((m) => m.queryAudit({ action: 'role_changed', limit: 1 }).entries[0]!.details)).toEqual({ role: 'manager', before: ['export'], after: ['export', 'see_personal_data'] });
    // Granting what a role has is no change and no audit entry.
    const n = withMeta((m) => m.queryAudit({ action: 'role_changed' }).total);
    expect(tidemark('role', 'grant', 'sales_rep', 'run_sql').code).toBe(0);
    expect(withMeta((m) => m.queryAudit({ action: 'role_changed' }).total)).toBe(n);
  });

  it('names the unknown role or permission (exit 2) and keeps manage_users on admin', () => {
    const role = tidemark('role', 'grant', 'boss', 'export');
    expect(role.code).toBe(2);
    expect(role.stderr).toBe("tidemark: unknown role 'boss'; roles: admin, analyst, manager, sales_rep, viewer\n");
    const perm = tidemark('role', 'revoke', 'viewer', 'fly');
    expect(perm.code).toBe(2);
    expect(perm.stderr).toBe("tidemark: unknown permission 'fly'; permissions: import, export, see_personal_data, manage_users, run_sql\n");
    const reset = tidemark('role', 'reset', 'superuser');
    expect(reset.code).toBe(2);
    expect(reset.stderr).toMatch(/unknown role 'superuser'/);
    const admin = tidemark('role', 'revoke', 'admin', 'manage_users');
    expect(admin.code).toBe(2);
    expect(admin.stderr).toMatch(/admin role keeps manage_users/);
    expect(withMeta((m) => m.permissionsOf('admin'))).toContain('manage_users');
    expect(tidemark('role', 'grant', 'viewer').code).toBe(2); // missing argument
  });

  it('tidemark user disable refuses the last enabled admin', () => {
    const r = tidemark('user', 'disable', 'root');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tidemark: root is the last enabled admin; make another user admin first\n');
    expect(withMeta((m) => m.userByLogin('root')!.disabled)).toBe(false);
    const rep = tidemark('user', 'disable', 'ray', '--json');
    expect(rep.code, rep.stderr).toBe(0);
    expect(withMeta((m) => m.queryAudit({ action: 'user_disabled' }).entries[0]!.details)).toEqual({ login: 'ray', before: { disabled: false }, after: { disabled: true } });
  });
});

describe('tidemark user set', () => {
  it('changes role and org position (empty clears), audited before → after; the last admin keeps the role', () => {
    const r = tidemark('user', 'set', 'ray', '--role', 'manager', '--department', 'D1', '--employee-id', '', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ login: 'ray', role: 'manager', employeeId: null, department: 'D1' });
    expect(withMeta((m) => m.queryAudit({ action: 'user_updated', limit: 1 }).entries[0]!.details)).toEqual({
      login: 'ray',
      before: { role: 'sales_rep', employeeId: 'E1', department: null },
      after: { role: 'manager', employeeId: null, department: 'D1' },
    });
    const last = tidemark('user', 'set', 'root', '--role', 'viewer');
    expect(last.code).toBe(2);
    expect(last.stderr).toBe('tidemark: root is the last enabled admin; make another user admin first\n');
    expect(tidemark('user', 'set', 'ray').code).toBe(2); // nothing to change
    const nobody = tidemark('user', 'set', 'nobody', '--role', 'viewer');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toBe("tidemark: no user 'nobody'; see tidemark user list\n");
  });
});

describe('tidemark audit', () => {
  it('filters by action and login, pages, and refuses bad dates (exit 2)', () => {
    const all = JSON.parse(tidemark('audit', '--json').stdout) as { entries: { action: string }[]; total: number };
    // So far, newest first: ray's role and position changed, ray disabled, role_changed ×3 (sales_rep, manager, manager reset).
    expect(all.entries.map((e) => e.action)).toEqual(['user_updated', 'user_disabled', 'role_changed', 'role_changed', 'role_changed']);
    expect(all.total).toBe(5);
    expect(JSON.parse(tidemark('audit', '--action', 'role_changed', '--limit', '1', '--offset', '1').stdout)).toMatchObject({ total: 3, limit: 1, offset: 1, entries: [{ details: { role: 'manager', after: ['export'] } }] });
    expect(JSON.parse(tidemark('audit', '--login', 'ray').stdout).entries.map((e: { action: string }) => e.action)).toEqual(['user_updated', 'user_disabled']);
    expect(JSON.parse(tidemark('audit', '--from', '2999-01-01').stdout).total).toBe(0);
    const bad = tidemark('audit', '--to', '2026-02-30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to: not a date/);
    expect(tidemark('audit', '--out', join(s.dir, 'a.txt')).code).toBe(2);
  });

  it('--out writes CSV with a BOM, one line per entry, and the export is audited', () => {
    const out = join(s.dir, 'audit.csv');
    const r = tidemark('audit', '--action', 'role_changed', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ out, rows: 3, total: 3 });
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('audit_id,at,login,action,about,details');
    expect(lines.length).toBe(4);
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T[^,]+,cli:[^,]*,role_changed,,"\{""role"":""manager"",""before"":\[""export""\],""after"":\[""export"",""see_personal_data""\]\}"$/);
    expect(withMeta((m) => m.queryAudit({ action: 'audit_exported' }).entries[0]!.details)).toMatchObject({ rows: 3, file: out, filters: { action: 'role_changed' } });
  });
});

describe('tidemark serve: bad flags', () => {
  it('refuses a non-numeric --max-upload-mb before opening anything, naming the flag (exit 2)', () => {
    const r = tidemark('serve', '--port', '0', '--max-upload-mb', 'lots');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--max-upload-mb must be a positive integer, got 'lots'");
  });
});
