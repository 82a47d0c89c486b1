/** Roles and the permissions each one has by default; the live table (`role_permissions` in the metadata store) is configurable. */
export const ROLES = ['admin', 'analyst', 'manager', 'sales_rep', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['import', 'export', 'see_personal_data', 'manage_users', 'run_sql'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Every signed-in user may query within their row scope; these are the extras. */
export const DEFAULT_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['import', 'export', 'see_personal_data', 'manage_users', 'run_sql'],
  analyst: ['import', 'export', 'run_sql'],
  manager: ['export', 'see_personal_data'],
  sales_rep: ['see_personal_data'],
  viewer: [],
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function isPermission(s: string): s is Permission {
  return (PERMISSIONS as readonly string[]).includes(s);
}
