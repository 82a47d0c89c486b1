/**
 * A user's row scope, from their role and org position (decided where issue 5 is silent):
 * - admin, analyst: all rows.
 * - manager: their department's subtree of org units when `department` is set, else their branch's subtree
 *   (a branch head); with neither, no rows.
 * - sales_rep: the records they own (`employeeId`); without an employee id, no rows.
 * - viewer: the narrowest position they have (employee, department, branch), else all rows.
 * Deny by default: a scoped role without the position its scope needs sees nothing, never everything.
 */
import type { Permission, User } from '../accounts/index.js';

export type Scope =
  | { readonly kind: 'all' }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'employee'; readonly employeeId: string }
  | { readonly kind: 'unit'; readonly unitId: string; readonly level: 'department' | 'branch' };

export interface Access {
  readonly login: string;
  readonly scope: Scope;
  /** Personal data (names, phones, emails, ID numbers, addresses, external ids) is masked. */
  readonly maskPersonal: boolean;
  readonly permissions: readonly Permission[];
}

function positionScope(u: User): Scope | undefined {
  if (u.employeeId) return { kind: 'employee', employeeId: u.employeeId };
  if (u.department) return { kind: 'unit', unitId: u.department, level: 'department' };
  if (u.branch) return { kind: 'unit', unitId: u.branch, level: 'branch' };
  return undefined;
}

export function scopeOf(u: User): Scope {
  switch (u.role) {
    case 'admin':
    case 'analyst':
      return { kind: 'all' };
    case 'manager':
      if (u.department) return { kind: 'unit', unitId: u.department, level: 'department' };
      if (u.branch) return { kind: 'unit', unitId: u.branch, level: 'branch' };
      return { kind: 'none', reason: `manager ${u.login} has no department or branch (tidemark user add --department/--branch)` };
    case 'sales_rep':
      return u.employeeId ? { kind: 'employee', employeeId: u.employeeId } : { kind: 'none', reason: `sales rep ${u.login} has no employee id (--employee-id)` };
    case 'viewer':
      return positionScope(u) ?? { kind: 'all' };
  }
}

export function accessOf(u: User, permissions: readonly Permission[]): Access {
  return { login: u.login, scope: scopeOf(u), maskPersonal: !permissions.includes('see_personal_data'), permissions };
}

export function scopeLabel(s: Scope): string {
  switch (s.kind) {
    case 'all':
      return 'all rows';
    case 'none':
      return 'no rows';
    case 'employee':
      return `records owned by employee ${s.employeeId}`;
    case 'unit':
      return `records of ${s.level} ${s.unitId} and its sub-units`;
  }
}
