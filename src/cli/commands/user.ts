/** `tidemark user add|list|disable|enable|reset-password|token`: accounts in the metadata store next to the warehouse. */
import { Option, type Command } from 'commander';
import { isRole, MetaStore, metaPathOf, newPasswordHash, PasswordError, ROLES, type User } from '../../accounts/index.js';
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

async function hashOrUsage(password: string, login: string): Promise<string> {
  try {
    return await newPasswordHash(password, login);
  } catch (e) {
    throw e instanceof PasswordError ? new UsageError(e.message) : e;
  }
}

function findUser(store: MetaStore, login: string): User {
  const u = store.userByLogin(login);
  if (!u) throw new UsageError(`no user '${login}'; see tidemark user list`);
  return u;
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
  const user = program.command('user').description('accounts of the HTTP API: add, list, disable, reset passwords, API tokens');

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
    if (!/^[\p{L}\p{N}._@-]{2,64}$/u.test(login)) throw new UsageError(`login: 2–64 letters, digits or . _ @ -, got '${login}'`);
    if (!isRole(opts.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const store = openStore(opts);
    try {
      if (store.userCount() === 0 && opts.role !== 'admin') throw new UsageError('--role: the first user must be an admin (--role admin)');
      if (store.userByLogin(login)) throw new UsageError(`login: '${login}' exists already`);
      const passwordHash = await hashOrUsage(await readNewPassword(opts, login), login);
      const u = store.addUser({ login, role: opts.role, passwordHash, displayName: opts.name, employeeId: opts.employeeId, department: opts.department, branch: opts.branch });
      store.audit({ login: `cli:${process.env.USER ?? 'unknown'}`, action: 'user_added', details: { login, role: u.role } });
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

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    const cmd = user.command(`${name} <login>`).description(disabled ? 'disable a user: their sessions end and their API tokens stop working' : 'enable a disabled user again');
    addCommonOptions(cmd);
    cmd.action(async (login: string, opts: CommonOptions) => {
      const store = openStore(opts);
      try {
        const u = findUser(store, login);
        store.setDisabled(u.userId, disabled);
        store.audit({ login: `cli:${process.env.USER ?? 'unknown'}`, action: disabled ? 'user_disabled' : 'user_enabled', details: { login: u.login } });
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
      const u = findUser(store, login);
      store.setPassword(u.userId, await hashOrUsage(await readNewPassword(opts, u.login), u.login));
      store.audit({ login: `cli:${process.env.USER ?? 'unknown'}`, action: 'password_reset', details: { login: u.login } });
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
      const u = findUser(store, login);
      const t = store.createApiToken(u.userId, opts.name);
      store.audit({ login: `cli:${process.env.USER ?? 'unknown'}`, action: 'token_created', details: { login: u.login, tokenId: t.tokenId, name: opts.name } });
      if (wantJson(opts)) await printJson({ tokenId: t.tokenId, login: u.login, name: opts.name, token: t.token });
      else await write(`Token ${t.tokenId} for ${u.login} (shown once, store it now):\n${t.token}\n`);
    } finally {
      store.close();
    }
  });
  const tokens = token.command('list').description('API tokens (never their secrets)').option('--login <login>', 'only this user');
  addCommonOptions(tokens);
  tokens.action(async (opts: CommonOptions & { login?: string }) => {
    const store = openStore(opts);
    try {
      const rows = store.listApiTokens(opts.login ? findUser(store, opts.login).userId : undefined);
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
      if (!store.revokeApiToken(Number(id))) throw new UsageError(`no unrevoked token ${id}; see tidemark user token list`);
      store.audit({ login: `cli:${process.env.USER ?? 'unknown'}`, action: 'token_revoked', details: { tokenId: Number(id) } });
      if (wantJson(opts)) await printJson({ tokenId: Number(id), revoked: true });
      else await write(`Token ${id} revoked.\n`);
    } finally {
      store.close();
    }
  });
}
