/** `tidemark role list|grant|revoke|reset`: the permissions of each role, in the metadata store next to the warehouse. */
import type { Command } from 'commander';
import { grantPermission, MetaStore, metaPathOf, PERMISSIONS, resetRole, revokePermission, rolesView, type Permission } from '../../accounts/index.js';
import { addCommonOptions, dbPathOf, printJson, renderTable, wantJson, write, type CommonOptions } from '../output.js';
import { adminStep, cliActor } from './user.js';

function rolesTable(store: MetaStore): string {
  const rows = rolesView(store).map((r) => ({
    role: r.role,
    ...Object.fromEntries(PERMISSIONS.map((p) => [p, r.permissions.includes(p) ? '✓' : ''])),
    changed: r.permissions.join() === r.defaults.join() ? '' : 'yes',
  }));
  return renderTable([{ key: 'role', header: 'role' }, ...PERMISSIONS.map((p) => ({ key: p, header: p })), { key: 'changed', header: 'not default' }], rows);
}

async function withStore(opts: CommonOptions, fn: (store: MetaStore) => Promise<void>): Promise<void> {
  const store = MetaStore.open(metaPathOf(dbPathOf(opts)));
  try {
    await fn(store);
  } finally {
    store.close();
  }
}

async function printRole(store: MetaStore, opts: CommonOptions, role: string, permissions: readonly Permission[], verb: string): Promise<void> {
  if (wantJson(opts)) await printJson(rolesView(store).find((r) => r.role === role));
  else await write(`${verb}. Role ${role} now has: ${permissions.length ? permissions.join(', ') : 'no extra permissions'}.\n`);
}

export function registerRole(program: Command): void {
  const role = program
    .command('role')
    .description('role permissions (import, export, see_personal_data, manage_users, run_sql): list, grant, revoke, reset to the defaults');

  const list = role.command('list').description('each role with its permissions, and whether they differ from the defaults');
  addCommonOptions(list);
  list.action((opts: CommonOptions) =>
    withStore(opts, async (store) => {
      if (wantJson(opts)) await printJson(rolesView(store));
      else await write(rolesTable(store));
    }),
  );

  const grant = role.command('grant <role> <permission>').description('give a role a permission; signed-in users of the role have it on their next request');
  addCommonOptions(grant);
  grant.action((r: string, p: string, opts: CommonOptions) =>
    withStore(opts, async (store) => printRole(store, opts, r, await adminStep(() => grantPermission(store, cliActor(), r, p)), `Granted ${p} to ${r}`)),
  );

  const revoke = role.command('revoke <role> <permission>').description('take a permission from a role (the admin role keeps manage_users)');
  addCommonOptions(revoke);
  revoke.action((r: string, p: string, opts: CommonOptions) =>
    withStore(opts, async (store) => printRole(store, opts, r, await adminStep(() => revokePermission(store, cliActor(), r, p)), `Revoked ${p} from ${r}`)),
  );

  const reset = role.command('reset <role>').description("set a role's permissions back to the defaults");
  addCommonOptions(reset);
  reset.action((r: string, opts: CommonOptions) => withStore(opts, async (store) => printRole(store, opts, r, await adminStep(() => resetRole(store, cliActor(), r)), `Reset ${r} to its defaults`)));
}
