/** `tidemark user add|list|set|disable|enable|reset-password|token`: accounts in the metadata store next to the warehouse. */
import { Option, type Command } from 'commander';
import { AdminError, createToken, createUser, findUser, LOGIN_PATTERN, resetPassword, revokeToken, updateUser, MetaStore, metaPathOf, ROLES, type Actor, type Role, type User } from '../../accounts/index.js';
import { addCommonOptions, dbPathOf, printJson, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';

interface AddOptions extends CommonOptions {
  readonly role: string;
  readonly name?: string;
  readonly employeeId?: string;
  readonly department?: string;
  readonly branch?: string;
  readonly passwordStdin?: boolean;
}

function openStore(opts: CommonOptions): MetaStore {
  return MetaStore.open(metaPathOf(dbPathOf(opts)));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (s: string) => {
        for (const ch of s) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(text);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            reject(new UsageError('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
          else text += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

/** The new password: from stdin with --password-stdin, else asked twice on a terminal. There is no default password. */
async function readNewPassword(opts: { passwordStdin?: boolean }, login: string): Promise<string> {
  let password: string;
  if (opts.passwordStdin) password = await readStdin();
  else if (process.stdin.isTTY) {
    password = await promptHidden(`Password for ${login}: `);
    if ((await promptHidden('Repeat it: ')) !== password) throw new UsageError('the passwords differ');
  } else throw new UsageError('no password: pass --password-stdin and write it to stdin, or run on a terminal to be asked');
  return password;
}

/** Who runs the command line: the OS account, as `cli:<name>` in the audit log. */
export function cliActor(): Actor {
  return { login: `cli:${process.env.USER ?? process.env.USERNAME ?? 'unknown'}` };
}

/** Runs an administration step; its refusals (unknown user, weak password, last admin …) are usage errors (exit 2). */
export async function adminStep<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AdminError) throw new UsageError(e.code === 'unknown_user' ? `${e.message}; see tidemark user list` : e.message);
    throw e;
  }
}

const USER_COLUMNS = [
  { key: 'login', header: 'login' },
  { key: 'displayName', header: 'name' },
  { key: 'role', header: 'role' },
  { key: 'employeeId', header: 'employee' },
  { key: 'department', header: 'department' },
  { key: 'branch', header: 'branch' },
  { key: 'state', header: 'state' },
  { key: 'createdAt', header: 'created' },
] as const;

function publicUser(u: User, now: Date): Record<string, unknown> {
  const locked = u.lockedUntil !== null && now.getTime() < Date.parse(u.lockedUntil);
  return {
    login: u.login,
    displayName: u.displayName,
    role: u.role,
    employeeId: u.employeeId,
    department: u.department,
    branch: u.branch,
    state: u.disabled ? 'disabled' : locked ? `locked until ${u.lockedUntil}` : 'active',
    createdAt: u.createdAt,
  };
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('accounts of the HTTP API: add, list, change, disable, reset passwords, API tokens');

  const add = user
    .command('add <login>')
    .description('add a user; the first user must be an admin. The password is asked on a terminal, or read from stdin with --password-stdin')
    .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
    .option('--name <name>', 'display name')
    .option('--employee-id <id>', 'the employee this user is (employees.employee_id), for row scopes')
    .option('--department <unit>', 'department (org unit) for row scopes')
    .option('--branch <unit>', 'branch (org unit) for row scopes')
    .option('--password-stdin', 'read the password from stdin (scripts)');
  addCommonOptions(add);
  add.action(async (login: string, opts: AddOptions) => {
    const store = openStore(opts);
    try {
      // Checked before asking for the password, so a typo does not cost a password prompt.
      await adminStep(() => {
        if (!LOGIN_PATTERN.test(login)) throw new UsageError(`login: 2–64 letters, digits or . _ @ -, got '${login}'`);
        if (store.userCount() === 0 && opts.role !== 'admin') throw new UsageError('--role: the first user must be an admin (--role admin)');
        if (store.userByLogin(login)) throw new UsageError(`login: '${login}' exists already`);
      });
      const password = await readNewPassword(opts, login);
      const u = await adminStep(() =>
        createUser(store, cliActor(), { login, role: opts.role, password, displayName: opts.name, employeeId: opts.employeeId, department: opts.department, branch: opts.branch }),
      );
      if (wantJson(opts)) await printJson(publicUser(u, store.clock()));
      else await write(`User ${u.login} (${u.role}) added.\n`);
    } finally {
      store.close();
    }
  });

  const list = user.command('list').description('the users, their roles, org positions and states');
  addCommonOptions(list);
  list.action(async (opts: CommonOptions) => {
    const store = openStore(opts);
    try {
      const rows = store.listUsers().map((u) => publicUser(u, store.clock()));
      if (wantJson(opts)) await printJson(rows);
      else await write(rows.length ? renderTable(USER_COLUMNS, rows) : 'No users yet: tidemark user add LOGIN --role admin\n');
    } finally {
      store.close();
    }
  });

  const set = user
    .command('set <login>')
    .description("change a user's role, name or org position (an empty value clears it); applies from their next request")
    .addOption(new Option('--role <role>', 'role').choices([...ROLES]))
    .option('--name <name>', 'display name')
    .option('--employee-id <id>', 'the employee this user is, for row scopes')
    .option('--department <unit>', 'department (org unit) for row scopes')
    .option('--branch <unit>', 'branch (org unit) for row scopes');
  addCommonOptions(set);
  set.action(async (login: string, opts: CommonOptions & { role?: Role; name?: string; employeeId?: string; department?: string; branch?: string }) => {
    const text = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? null : v.trim());
    const patch = { role: opts.role, displayName: text(opts.name), employeeId: text(opts.employeeId), department: text(opts.department), branch: text(opts.branch) };
    if (Object.values(patch).every((v) => v === undefined)) throw new UsageError('nothing to change: give --role, --name, --employee-id, --department or --branch');
    const store = openStore(opts);
    try {
      const u = await adminStep(() => updateUser(store, cliActor(), login, patch));
      if (wantJson(opts)) await printJson(publicUser(u, store.clock()));
      else await write(`User ${u.login}: ${u.role}${u.employeeId ? `, employee ${u.employeeId}` : ''}${u.department ? `, department ${u.department}` : ''}${u.branch ? `, branch ${u.branch}` : ''}.\n`);
    } finally {
      store.close();
    }
  });

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    const cmd = user.command(`${name} <login>`).description(disabled ? 'disable a user: their sessions end and their API tokens stop working' : 'enable a disabled user again');
    addCommonOptions(cmd);
    cmd.action(async (login: string, opts: CommonOptions) => {
      const store = openStore(opts);
      try {
        const u = await adminStep(() => updateUser(store, cliActor(), login, { disabled }));
        if (wantJson(opts)) await printJson({ login: u.login, disabled });
        else await write(`User ${u.login} ${disabled ? 'disabled' : 'enabled'}.\n`);
      } finally {
        store.close();
      }
    });
  }

  const reset = user
    .command('reset-password <login>')
    .description("set a user's password (asked on a terminal, or --password-stdin); clears a lock-out and ends their sessions")
    .option('--password-stdin', 'read the password from stdin (scripts)');
  addCommonOptions(reset);
  reset.action(async (login: string, opts: CommonOptions & { passwordStdin?: boolean }) => {
    const store = openStore(opts);
    try {
      await adminStep(() => findUser(store, login));
      const u = await adminStep(async () => resetPassword(store, cliActor(), login, await readNewPassword(opts, login)));
      if (wantJson(opts)) await printJson({ login: u.login, reset: true });
      else await write(`Password of ${u.login} reset; their sessions have ended.\n`);
    } finally {
      store.close();
    }
  });

  const token = user.command('token').description('API tokens for scripts (Authorization: Bearer …)');
  const create = token.command('create <login>').description('create an API token for a user; it is shown once').requiredOption('--name <name>', 'what the token is for');
  addCommonOptions(create);
  create.action(async (login: string, opts: CommonOptions & { name: string }) => {
    const store = openStore(opts);
    try {
      const t = await adminStep(() => createToken(store, cliActor(), login, opts.name));
      if (wantJson(opts)) await printJson(t);
      else await write(`Token ${t.tokenId} for ${t.login} (shown once, store it now):\n${t.token}\n`);
    } finally {
      store.close();
    }
  });
  const tokens = token.command('list').description('API tokens (never their secrets)').option('--login <login>', 'only this user');
  addCommonOptions(tokens);
  tokens.action(async (opts: CommonOptions & { login?: string }) => {
    const store = openStore(opts);
    try {
      const rows = store.listApiTokens(opts.login ? (await adminStep(() => findUser(store, opts.login!))).userId : undefined);
      if (wantJson(opts)) await printJson(rows);
      else
        await write(
          renderTable(
            [
              { key: 'tokenId', header: 'id' },
              { key: 'login', header: 'login' },
              { key: 'name', header: 'name' },
              { key: 'createdAt', header: 'created' },
              { key: 'lastUsedAt', header: 'last used' },
              { key: 'revokedAt', header: 'revoked' },
            ],
            rows as unknown as Record<string, unknown>[],
          ),
        );
    } finally {
      store.close();
    }
  });
  const revoke = token.command('revoke <id>').description('revoke an API token');
  addCommonOptions(revoke);
  revoke.action(async (id: string, opts: CommonOptions) => {
    if (!/^\d+$/.test(id)) throw new UsageError(`id must be a token id (tidemark user token list), got '${id}'`);
    const store = openStore(opts);
    try {
      await adminStep(() => revokeToken(store, cliActor(), Number(id)));
      if (wantJson(opts)) await printJson({ tokenId: Number(id), revoked: true });
      else await write(`Token ${id} revoked.\n`);
    } finally {
      store.close();
    }
  });
}
