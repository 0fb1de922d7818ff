import type { Socket } from 'socket.io';
import { unauthenticated } from '@vetting/core';

export interface LiveUser {
  id: string;
  role: string;
  name: string;
}

export function liveUser(socket: Socket): LiveUser {
  const user = socket.data?.user as LiveUser | undefined;
  if (!user) throw unauthenticated();
  return user;
}

export const userRoom = (userId: string) => `user:${userId}`;
