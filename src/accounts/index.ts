export { DEFAULT_PERMISSIONS, isPermission, isRole, PERMISSIONS, ROLES, type Permission, type Role } from './roles.js';
export { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './secrets.js';
export { MetaStore, metaPathOf, type ApiToken, type AuditEntry, type Clock, type NewUser, type Session, type User } from './store.js';
export { checkLogin, DEFAULT_POLICY, newPasswordHash, PasswordError, type AuthPolicy, type LoginResult } from './auth.js';
