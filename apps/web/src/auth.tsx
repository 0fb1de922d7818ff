import { createContext, ReactNode, useContext, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, getToken, onTokenChange, setToken, unwrap } from './api/client';
import type { AuthAnswer, User } from './api/types';
import { browserZone } from './time';

interface AuthState {
  user: User | null;
  loading: boolean;
  zone: string;
  signIn: (answer: AuthAnswer) => void;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setLocalToken] = useState(getToken());
  const client = useQueryClient();
  useEffect(() => onTokenChange(() => setLocalToken(getToken())), []);
  const me = useQuery({
    queryKey: ['me', token],
    enabled: Boolean(token),
    queryFn: () => unwrap<User>(api.GET('/api/me')),
    staleTime: 60_000,
  });
  const user = token ? (me.data ?? null) : null;
  const value: AuthState = {
    user,
    loading: Boolean(token) && me.isPending,
    zone: user?.timeZone ?? browserZone(),
    signIn: (answer) => {
      client.setQueryData(['me', answer.accessToken], answer.user);
      setToken(answer.accessToken);
    },
    signOut: () => {
      setToken(null);
      client.clear();
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user (pages behind `RequireRole` only). */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('not signed in');
  return user;
}
