export { DEFAULT_PERMISSIONS, isPermission, isRole, PERMISSIONS, ROLES, type Permission, type Role } from './roles.js';
export { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './secrets.js';
export { LastAdminError, MetaStore, metaPathOf, type ApiToken, type AuditEntry, type AuditFilter, type Clock, type NewUser, type Session, type User, type UserPatch } from './store.js';
export { checkLogin, DEFAULT_POLICY, newPasswordHash, PasswordError, type AuthPolicy, type LoginResult } from './auth.js';
export {
  AdminError,
  createToken,
  createUser,
  findUser,
  grantPermission,
  LOGIN_PATTERN,
  requirePermissionName,
  requireRole,
  resetPassword,
  resetRole,
  revokePermission,
  revokeToken,
  rolesView,
  setRolePermissions,
  updateUser,
  type Actor,
  type AdminErrorCode,
  type NewUserInput,
} from './admin.js';
