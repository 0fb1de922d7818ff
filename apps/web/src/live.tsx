import { createContext, ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { io, Socket } from 'socket.io-client';
import { getToken } from './api/client';
import { ApiError } from './api/client';
import { useAuth } from './auth';

interface LiveState {
  socket: Socket | null;
  connected: boolean;
}
const LiveContext = createContext<LiveState>({ socket: null, connected: false });

/** One `/live` socket per signed-in session (token in `auth.token`), reconnecting with state recovery. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const [state, setState] = useState<LiveState>({ socket: null, connected: false });
  useEffect(() => {
    const token = getToken();
    if (!user || !token) return;
    const socket = io('/live', { auth: { token }, transports: ['websocket'] });
    setState({ socket, connected: false });
    const up = () => setState({ socket, connected: true });
    const down = () => setState({ socket, connected: false });
    socket.on('connect', up);
    socket.on('disconnect', down);
    return () => {
      socket.off('connect', up);
      socket.off('disconnect', down);
      socket.disconnect();
      setState({ socket: null, connected: false });
    };
  }, [user?.id]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export const useLive = () => useContext(LiveContext);

/** Subscribes to a server event while mounted; the latest handler is always used. */
export function useLiveEvent<T>(event: string, handler: (payload: T) => void): void {
  const { socket } = useLive();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!socket) return;
    const l = (p: T) => ref.current(p);
    socket.on(event, l);
    return () => {
      socket.off(event, l);
    };
  }, [socket, event]);
}

/** Emits with an acknowledgement; an `{ok: false}` answer becomes an `ApiError`. */
export async function emitAck<T>(socket: Socket | null, event: string, payload?: unknown, ms = 10_000): Promise<T> {
  if (!socket) throw new ApiError(0, 'NOT_CONNECTED', 'Not connected to the live server yet');
  let answer: { ok: boolean; code?: string; message?: string } & Record<string, unknown>;
  try {
    answer = await socket.timeout(ms).emitWithAck(event, payload);
  } catch {
    throw new ApiError(0, 'TIMEOUT', 'The live server did not answer in time');
  }
  if (!answer?.ok) throw new ApiError(409, answer?.code ?? 'ERROR', answer?.message ?? 'Refused');
  return answer as unknown as T;
}
