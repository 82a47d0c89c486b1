/**
 * The demo's sign-in accounts: one login per kind of user, all with the published password DEMO_PASSWORD, so a first
 * run (`tidemark start`) can open the dashboard right away. The browser tests use the same accounts.
 *
 * Safety (a known password must never reach a real company's metadata store): ensureDemoUsers adds them only when
 * - the warehouse is a demo: `tm_meta` has `demo_seed` (written by generateDemo) and nothing was ever imported
 *   (`tm_imports` is empty or absent), and
 * - the metadata store has no user yet.
 * Otherwise it adds nothing; it then lists the demo logins that exist and still have the demo password (checked
 * against the stored hash), so a second `tidemark start` prints the same logins and one whose password was changed is
 * not shown.
 *
 * The accounts sit in the demo org (src/demo/catalog.ts buildOrg, the same for every seed and size): the manager heads
 * branch U100 (华北分公司), the rep is E024 of its channel-sales department U102, who looks after the members of the
 * branch's stores (src/demo/b2c.ts ownerSql): about 340 customers, 300 of them with orders, at 20,000 customers
 * (about 58 / 51 at 3,000).
 */
import { createUser, MetaStore, revokePermission, verifyPassword, type Role } from '../accounts/index.js';
import type { Warehouse } from '../warehouse/port.js';

/** Published in the README and printed by `tidemark start`: only for the demo, on 127.0.0.1. */
export const DEMO_PASSWORD = 'tidemark-demo';

/** The demo rep (employee id) and the manager's branch (org unit id). */
export const DEMO_REP_EMPLOYEE = 'E024';
export const DEMO_MANAGER_BRANCH = 'U100';

export interface DemoUser {
  readonly login: string;
  readonly role: Role;
  readonly employeeId?: string;
  readonly branch?: string;
  /** What the login shows, in a few words (printed by `tidemark start`). */
  readonly shows: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { login: 'admin', role: 'admin', shows: 'everything: all customers, personal data in clear, the Admin page' },
  { login: 'manager', role: 'manager', branch: DEMO_MANAGER_BRANCH, shows: 'one branch: the customers of its reps' },
  { login: 'rep', role: 'sales_rep', employeeId: DEMO_REP_EMPLOYEE, shows: 'a sales rep: only their own customers' },
];

export interface DemoLogin extends DemoUser {
  readonly password: string;
  /** The employee's or branch's name in the warehouse (e.g. 李雨诗, 华北分公司), when found. */
  readonly positionName: string | null;
}

export interface DemoUsersResult {
  /** Whether this call created the accounts. */
  readonly created: boolean;
  /** The demo logins that work with DEMO_PASSWORD now (none for a warehouse that is not a demo). */
  readonly logins: readonly DemoLogin[];
  /** Why no accounts were created, when none were (for the caller to print). */
  readonly reason: string | null;
}

/** Whether the warehouse holds only a generated demo: a demo seed and no import ever. */
export async function isDemoWarehouse(wh: Warehouse): Promise<boolean> {
  const tables = new Set((await wh.query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'`)).rows.map((r) => String(r.table_name)));
  if (!tables.has('tm_meta')) return false;
  const seed = await wh.query(`SELECT value FROM tm_meta WHERE key = 'demo_seed'`);
  if (!seed.rows.length) return false;
  if (tables.has('tm_imports')) {
    const n = Number((await wh.query(`SELECT count(*) AS n FROM tm_imports`)).rows[0]?.n ?? 0);
    if (n > 0) return false;
  }
  return true;
}

async function positionNames(wh: Warehouse): Promise<Map<string, string>> {
  const r = await wh.query(
    `SELECT employee_id AS id, name FROM employees WHERE employee_id = $1 UNION ALL SELECT unit_id AS id, name FROM org_units WHERE unit_id = $2`,
    [DEMO_REP_EMPLOYEE, DEMO_MANAGER_BRANCH],
  );
  return new Map(r.rows.map((x) => [String(x.id), String(x.name)]));
}

function positionOf(u: DemoUser): string | undefined {
  return u.employeeId ?? u.branch;
}

/**
 * Adds the demo accounts to `meta` when `wh` is a demo warehouse and `meta` has no user (see the file comment), and
 * returns the demo logins that work. Accounts whose org position is missing from the warehouse are skipped.
 */
export async function ensureDemoUsers(meta: MetaStore, wh: Warehouse): Promise<DemoUsersResult> {
  if (!(await isDemoWarehouse(wh))) {
    return { created: false, logins: [], reason: 'the warehouse is not (only) a generated demo, so no demo accounts are added' };
  }
  const names = await positionNames(wh);
  const wanted = DEMO_USERS.filter((u) => positionOf(u) === undefined || names.has(positionOf(u)!));
  const login = (u: DemoUser): DemoLogin => ({ ...u, password: DEMO_PASSWORD, positionName: names.get(positionOf(u) ?? '') ?? null });
  if (meta.userCount() === 0) {
    const actor = { login: 'tidemark start' };
    for (const u of wanted) {
      await createUser(meta, actor, {
        login: u.login,
        role: u.role,
        password: DEMO_PASSWORD,
        displayName: names.get(positionOf(u) ?? '') ?? undefined,
        employeeId: u.employeeId,
        branch: u.branch,
      });
    }
    return { created: true, logins: wanted.map(login), reason: null };
  }
  const working: DemoLogin[] = [];
  for (const u of wanted) {
    const have = meta.userByLogin(u.login);
    if (!have || have.disabled || have.role !== u.role) continue;
    const hash = meta.passwordHashOf(have.userId);
    if (hash && (await verifyPassword(hash, DEMO_PASSWORD))) working.push(login(u));
  }
  return { created: false, logins: working, reason: working.length ? null : 'the accounts store has users already, so no demo accounts are added' };
}

/**
 * The demo shows masking: the sales_rep role loses `see_personal_data` (as an admin would revoke it; the default role
 * table keeps it). `tidemark role reset sales_rep` restores the default.
 */
export function maskDemoReps(meta: MetaStore): void {
  revokePermission(meta, { login: 'tidemark start' }, 'sales_rep', 'see_personal_data');
}
