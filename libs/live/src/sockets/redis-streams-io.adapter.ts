import { INestApplicationContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { IoAdapter } from '@nestjs/platform-socket.io';
import Redis from 'ioredis';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AppConfig, createRedis } from '@vetting/core';
import { liveAdapter, liveRecovery } from './live-adapter';
import { MessageHandler, bindMessageHandlers } from './socket-handlers';

/**
 * Socket.IO across processes through Redis Streams (survives a Redis blip without losing packets),
 * with connection-state recovery so a brief disconnect resumes rooms and missed packets. Every live
 * event of every process goes through this adapter (see `LivePublisher`).
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  private redis?: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const origins = new Set(this.config.corsOrigins);
    const server: Server = super.createIOServer(port, {
      ...options,
      // Browsers send their page's Origin; one not in CORS_ORIGINS is refused at the handshake (the websocket
      // transport has no CORS of its own). Clients that send no Origin (servers, tests) are not browsers.
      cors: { origin: [...origins], credentials: true },
      allowRequest: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        const origin = req.headers.origin;
        callback(null, origin === undefined || origins.has(origin));
      },
      connectionStateRecovery: liveRecovery(this.config),
    });
    this.redis ??= createRedis(this.config.env.REDIS_URL);
    server.adapter(liveAdapter(this.redis, this.config) as any);
    return server;
  }

  bindMessageHandlers(...[socket, handlers, transform]: Parameters<IoAdapter['bindMessageHandlers']>): void {
    // Nest's platform package resolves its own copy of socket.io's types; the socket is the same object.
    bindMessageHandlers(socket as unknown as Socket, handlers as MessageHandler[], transform, (payload) =>
      this.mapPayload(payload),
    );
  }

  async dispose(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
