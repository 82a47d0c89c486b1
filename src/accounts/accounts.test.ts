import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { scratch } from '../testing/index.js';
import { DEFAULT_PERMISSIONS, hashPassword, LastAdminError, MetaStore, metaPathOf, ROLES } from './index.js';

describe('metadata store', () => {
  it('lives next to the warehouse, migrates once, and keeps its data on reopen', async () => {
    const s = scratch();
    try {
      const path = metaPathOf(join(s.dir, 'wh.duckdb'));
      expect(path).toBe(join(s.dir, 'wh.duckdb.meta.sqlite'));
      const a = MetaStore.open(path);
      expect(a.schemaVersion).toBe(1);
      a.addUser({ login: 'ada', role: 'admin', passwordHash: await hashPassword('x'.repeat(12)) });
      a.close();
      const b = MetaStore.open(path);
      expect(b.schemaVersion).toBe(1);
      expect(b.userByLogin('ADA')?.login).toBe('ada'); // logins are case-insensitive
      b.close();
    } finally {
      s.cleanup();
    }
  });

  it('default permissions per role, configurable', () => {
    const m = MetaStore.open(':memory:');
    try {
      for (const r of ROLES) expect(m.permissionsOf(r)).toEqual([...DEFAULT_PERMISSIONS[r]].sort());
      expect(m.permissionsOf('viewer')).toEqual([]);
      expect(m.permissionsOf('admin')).toContain('manage_users');
      m.setRolePermissions('viewer', ['export']);
      expect(m.permissionsOf('viewer')).toEqual(['export']);
    } finally {
      m.close();
    }
  });

  it('stores only SHA-256 hashes of session, CSRF and API token secrets', async () => {
    const s = scratch();
    try {
      const path = join(s.dir, 'm.sqlite');
      const m = MetaStore.open(path);
      const u = m.addUser({ login: 'ada', role: 'admin', passwordHash: await hashPassword('y'.repeat(12)) });
      const sess = m.createSession(u.userId, 60_000);
      const tok = m.createApiToken(u.userId, 'ci');
      m.close();
      const raw = new Database(path, { readonly: true });
      try {
        const dump = JSON.stringify([raw.prepare('SELECT * FROM sessions').all(), raw.prepare('SELECT * FROM api_tokens').all()]);
        for (const secret of [sess.token, sess.csrfToken, tok.token]) {
          expect(dump).not.toContain(secret);
          expect(dump).toContain(createHash('sha256').update(secret).digest('hex'));
        }
      } finally {
        raw.close();
      }
    } finally {
      s.cleanup();
    }
  });
});

describe('metadata store: the last enabled admin', () => {
  it('refuses, inside the write, a change that leaves no enabled admin, and changes nothing then', async () => {
    const m = MetaStore.open(':memory:');
    try {
      const hash = await hashPassword('z'.repeat(12));
      const ada = m.addUser({ login: 'ada', role: 'admin', passwordHash: hash });
      const bob = m.addUser({ login: 'bob', role: 'admin', passwordHash: hash });
      expect(m.updateUser(bob.userId, { disabled: true })?.disabled).toBe(true);
      expect(() => m.updateUser(ada.userId, { role: 'viewer', displayName: 'Ada' })).toThrow(LastAdminError);
      expect(m.userById(ada.userId)).toMatchObject({ role: 'admin', displayName: null, disabled: false });
      expect(() => m.updateUser(ada.userId, { disabled: true })).toThrow(LastAdminError);
      expect(m.updateUser(ada.userId, { displayName: 'Ada' })?.displayName).toBe('Ada'); // other fields are fine
      expect(m.updateUser(bob.userId, { disabled: false })?.disabled).toBe(false);
      expect(m.updateUser(ada.userId, { role: 'viewer' })?.role).toBe('viewer'); // bob is an enabled admin now
    } finally {
      m.close();
    }
  });
});
