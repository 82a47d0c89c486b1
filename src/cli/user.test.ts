/**
 * `tidemark user …` and `tidemark serve`'s hold on the warehouse, through the built CLI (`node bin/tidemark.js`,
 * so `npx tsc -p .` first). Passwords go in on stdin (--password-stdin); stdin is not a terminal here, so without
 * the flag there is no password and no user.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MetaStore, verifyPassword } from '../accounts/index.js';
import { loadCatalog } from '../metrics/catalog/index.js';
import { startServer } from '../server/serve.js';
import { scratch } from '../testing/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tidemark.js');
const s = scratch('tidemark-user-');
const DB = join(s.dir, 'wh.duckdb');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function tidemark(args: readonly string[], stdin?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...args, '--db', DB], { cwd: s.dir, env: { ...process.env, TIDEMARK_DB: undefined, TIDEMARK_DEBUG: undefined } }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(stdin ?? '');
  });
}

afterAll(() => s.cleanup());

describe('tidemark user', () => {
  it('has no default password: without --password-stdin (and no terminal) nothing is created', async () => {
    const r = await tidemark(['user', 'add', 'root', '--role', 'admin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no password: pass --password-stdin/);
    expect(JSON.parse((await tidemark(['user', 'list'])).stdout)).toEqual([]);
  });

  it('the first user must be an admin; weak passwords are refused', async () => {
    const r = await tidemark(['user', 'add', 'ana', '--role', 'analyst', '--password-stdin'], 'a long enough password\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/first user must be an admin/);
    const weak = await tidemark(['user', 'add', 'root', '--role', 'admin', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/at least 10 characters/);
  });

  it('adds, lists, disables and resets; the stored hash is argon2id and verifies', async () => {
    const add = await tidemark(['user', 'add', 'root', '--role', 'admin', '--name', '管理员', '--password-stdin'], 'first admin password\n');
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ login: 'root', role: 'admin', state: 'active' });
    const rep = await tidemark(['user', 'add', 'li.lei', '--role', 'sales_rep', '--employee-id', 'E007', '--branch', 'B01', '--password-stdin'], 'sales rep password\n');
    expect(rep.code, rep.stderr).toBe(0);
    expect((await tidemark(['user', 'add', 'ROOT', '--role', 'viewer', '--password-stdin'], 'another password\n')).stderr).toMatch(/exists already/);
    expect((await tidemark(['user', 'add', 'x', '--role', 'boss', '--password-stdin'], 'another password\n')).code).toBe(2);

    const list = JSON.parse((await tidemark(['user', 'list'])).stdout) as { login: string; role: string; employeeId: string | null }[];
    expect(list.map((u) => [u.login, u.role, u.employeeId])).toEqual([
      ['root', 'admin', null],
      ['li.lei', 'sales_rep', 'E007'],
    ]);
    expect((await tidemark(['user', 'disable', 'li.lei'])).code).toBe(0);
    expect(JSON.parse((await tidemark(['user', 'list'])).stdout)[1]).toMatchObject({ state: 'disabled' });
    expect((await tidemark(['user', 'reset-password', 'li.lei', '--password-stdin'], 'a brand new password\n')).code).toBe(0);
    expect((await tidemark(['user', 'disable', 'nobody'])).code).toBe(2);

    const meta = MetaStore.open(`${DB}.meta.sqlite`);
    try {
      const u = meta.userByLogin('li.lei')!;
      const hash = meta.passwordHashOf(u.userId)!;
      expect(hash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(hash, 'a brand new password')).toBe(true);
      expect(await verifyPassword(hash, 'sales rep password')).toBe(false);
      expect(meta.auditLog().map((e) => e.action)).toEqual(expect.arrayContaining(['user_added', 'user_disabled', 'password_reset']));
    } finally {
      meta.close();
    }
  });

  it('API tokens: created once, listed without the secret, revoked', async () => {
    const c = await tidemark(['user', 'token', 'create', 'root', '--name', 'nightly']);
    expect(c.code, c.stderr).toBe(0);
    const created = JSON.parse(c.stdout) as { tokenId: number; token: string };
    expect(created.token).toMatch(/^tmt_/);
    const list = await tidemark(['user', 'token', 'list']);
    expect(list.stdout).not.toContain(created.token);
    expect(JSON.parse(list.stdout)).toMatchObject([{ tokenId: created.tokenId, login: 'root', name: 'nightly', revokedAt: null }]);
    expect((await tidemark(['user', 'token', 'revoke', String(created.tokenId)])).code).toBe(0);
    expect((await tidemark(['user', 'token', 'revoke', String(created.tokenId)])).code).toBe(2);
  });

  it('while the server holds the warehouse, a CLI command says so and points to the API; user commands keep working', async () => {
    const server = await startServer({ dbPath: DB, catalog: loadCatalog(), port: 0, host: '127.0.0.1' });
    try {
      const r = await tidemark(['import', join(ROOT, 'samples/customers_gbk.csv'), '--entity', 'customers']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`held by the Tidemark server (PID ${process.pid}, ${server.url})`);
      expect(r.stderr).toMatch(/use the API/);
      expect(JSON.parse(readFileSync(`${DB}.server.json`, 'utf8')).url).toBe(server.url);
      // The metadata store is SQLite (WAL), shared with the server: accounts can be managed while it runs.
      expect((await tidemark(['user', 'list'])).code).toBe(0);
    } finally {
      await server.close();
    }
  });
});
