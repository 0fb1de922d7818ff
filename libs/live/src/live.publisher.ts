import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, REDIS } from '@vetting/core';

/** What travels from any process (api or worker) to the socket servers of every api process. */
export type LiveMessage =
  | { kind: 'emit'; room: string; event: string; payload: unknown }
  | { kind: 'close-room'; room: string };

export const liveChannel = (config: AppConfig) => `${config.env.REDIS_PREFIX}live:events`;

/**
 * Emits to Socket.IO rooms from anywhere. Each api process delivers to its own sockets
 * (`local`), so a message reaches every socket once whichever process published it.
 */
@Injectable()
export class LivePublisher {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly config: AppConfig) {}

  async emit(room: string, event: string, payload: unknown): Promise<void> {
    await this.publish({ kind: 'emit', room, event, payload });
  }

  /** Makes every socket leave the room (e.g. a call that has ended). */
  async closeRoom(room: string): Promise<void> {
    await this.publish({ kind: 'close-room', room });
  }

  private async publish(message: LiveMessage): Promise<void> {
    await this.redis.publish(liveChannel(this.config), JSON.stringify(message));
  }
}
