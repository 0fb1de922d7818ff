import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { AppConfig, serviceUnavailable } from '@vetting/core';
import { HeadlessLiveServer, broadcastEvent, broadcastEvents, leaveRoom } from './live-adapter';

/**
 * Emits to Socket.IO rooms from any process, through the one live-event path: the Socket.IO adapter
 * (Redis Streams). In an api process the gateway attaches its namespace, so an event reaches this process's
 * sockets and, through the stream, every other api's; in a process without the gateway (a worker) the
 * publisher emits through a headless Socket.IO server on the same adapter. Every event carries its stream
 * offset, so connection-state recovery replays it to a client that was briefly away.
 */
@Injectable()
export class LivePublisher implements OnApplicationShutdown {
  private sockets?: Namespace;
  private headless?: HeadlessLiveServer;

  constructor(private readonly config: AppConfig) {}

  /** Called by this process's socket gateway. */
  attach(sockets: Namespace): void {
    this.sockets = sockets;
  }

  /**
   * Resolves once the event is in the stream (and delivered to this process's sockets). Redis not answering
   * within DEPENDENCY_TIMEOUT: 503 (the event still goes out when Redis is back; a retry may repeat it, and
   * clients treat a repeated event as the same fact).
   */
  async emit(room: string, event: string, payload: unknown): Promise<void> {
    await this.bounded(broadcastEvent(this.namespace(), room, event, payload));
  }

  /**
   * Many events at once (a fan-out batch): every one goes into the stream on the one Redis connection, in
   * order, in one socket write, without waiting for the previous; resolves once all are in it (one
   * DEPENDENCY_TIMEOUT for the lot).
   */
  async emitMany(events: readonly { room: string; event: string; payload: unknown }[]): Promise<void> {
    if (events.length === 0) return;
    await this.bounded(broadcastEvents(this.namespace(), events));
  }

  /**
   * The same path without waiting: the event goes into the stream and to this process's sockets in the
   * order of the calls (one Redis connection), ahead of whatever the caller awaits next.
   */
  emitHere(room: string, event: string, payload: unknown): void {
    void broadcastEvent(this.namespace(), room, event, payload);
  }

  /** Makes every socket, on every process, leave the room (e.g. a call that has ended). */
  async closeRoom(room: string): Promise<void> {
    await this.bounded(leaveRoom(this.namespace(), room));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.headless?.close();
  }

  private namespace(): Namespace {
    if (this.sockets) return this.sockets;
    this.headless ??= new HeadlessLiveServer(this.config);
    return this.headless.namespace;
  }

  private async bounded(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(serviceUnavailable('redis')), this.config.env.DEPENDENCY_TIMEOUT.toMillis());
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
