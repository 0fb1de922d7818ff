import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Namespace } from 'socket.io';
import { AppConfig, REDIS } from '@vetting/core';

/** What travels from any process (api or worker) to the socket servers of every api process. */
export type LiveMessage = { origin: string } & (
  | { kind: 'emit'; room: string; event: string; payload: unknown }
  | { kind: 'close-room'; room: string }
);

export const liveChannel = (config: AppConfig) => `${config.env.REDIS_PREFIX}live:events`;

/** On the channel a message is `<origin> <json>`, so a process skips its own without parsing them. */
export function encodeLiveMessage(message: LiveMessage): string {
  const { origin, ...body } = message;
  return `${origin} ${JSON.stringify(body)}`;
}

/** The message, or null when it came from `self` (already delivered there) or is not one. */
export function decodeLiveMessage(raw: string, self: string): LiveMessage | null {
  let origin: unknown;
  let json = raw;
  // A message that starts with `{` is the earlier whole-JSON form (origin inside), still published during a rolling deploy.
  if (!raw.startsWith('{')) {
    const space = raw.indexOf(' ');
    if (space <= 0) return null;
    origin = raw.slice(0, space);
    if (origin === self) return null; // skipped without parsing
    json = raw.slice(space + 1);
  }
  let body;
  try {
    body = JSON.parse(json);
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  if (origin === undefined) {
    origin = body.origin;
    delete body.origin;
  }
  if (typeof origin !== 'string' || !origin || origin === self) return null;
  if (typeof body.room !== 'string' || (body.kind !== 'emit' && body.kind !== 'close-room')) return null;
  if (body.kind === 'emit' && typeof body.event !== 'string') return null;
  return { ...body, origin };
}

/**
 * Emits to Socket.IO rooms from anywhere. Each api process delivers to its own sockets (`local`), so a
 * message reaches every socket once whichever process published it. In an api process the publisher is
 * attached to the socket server and delivers to its own sockets at once, with no Redis round trip first;
 * the other processes get the message on the channel and skip it when it comes back to its origin.
 */
@Injectable()
export class LivePublisher {
  readonly origin = randomUUID();
  private sockets?: Namespace;

  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly config: AppConfig) {}

  /** Called by this process's socket gateway. */
  attach(sockets: Namespace): void {
    this.sockets = sockets;
  }

  async emit(room: string, event: string, payload: unknown): Promise<void> {
    this.emitHere(room, event, payload);
    await this.publish({ origin: this.origin, kind: 'emit', room, event, payload });
  }

  /** Delivers to this process's sockets only; `publishEmits` tells the other processes later. */
  emitHere(room: string, event: string, payload: unknown): void {
    this.sockets?.local.to(room).emit(event, payload);
  }

  /** Tells the other processes about emits already delivered here, in one round trip and in order. */
  async publishEmits(emits: readonly { room: string; event: string; payload: unknown }[]): Promise<void> {
    if (emits.length === 0) return;
    const channel = liveChannel(this.config);
    const pipeline = this.redis.pipeline();
    for (const e of emits) pipeline.publish(channel, encodeLiveMessage({ origin: this.origin, kind: 'emit', ...e }));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** Makes every socket leave the room (e.g. a call that has ended). */
  async closeRoom(room: string): Promise<void> {
    this.sockets?.local.in(room).socketsLeave(room);
    await this.publish({ origin: this.origin, kind: 'close-room', room });
  }

  private async publish(message: LiveMessage): Promise<void> {
    await this.redis.publish(liveChannel(this.config), encodeLiveMessage(message));
  }
}
