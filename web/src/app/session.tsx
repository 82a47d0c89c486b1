import { createContext, useContext } from 'react';
import type { ResponseOf } from '../api/client.js';

export type Me = ResponseOf<'GET /api/auth/me'>;
export type Permission = Me['permissions'][number];

export interface SessionValue {
  readonly me: Me;
  /** Signs out locally (after the server call) and shows the login page. */
  signedOut(): void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in app');
  return s;
}

export function useCan(p: Permission): boolean {
  return useSession().me.permissions.includes(p);
}
