import { Injectable } from '@nestjs/common';

type Listener = (userId: string) => void;

/** Tells whoever holds live connections (the /live gateway) that a user's earlier sessions have ended. */
@Injectable()
export class SessionEvents {
  private readonly listeners: Listener[] = [];

  onRevoked(listener: Listener): void {
    this.listeners.push(listener);
  }

  revoked(userId: string): void {
    for (const l of this.listeners) l(userId);
  }
}
