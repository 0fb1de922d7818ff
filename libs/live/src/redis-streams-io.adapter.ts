import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig, createRedis } from '@vetting/core';

/**
 * Socket.IO across processes through Redis Streams (survives a Redis blip without losing packets),
 * with connection-state recovery so a brief disconnect resumes rooms and missed packets.
 */
export class RedisStreamsIoAdapter extends IoAdapter {
  private redis?: Redis;

  constructor(app: INestApplicationContext, private readonly config: AppConfig) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: { origin: true, credentials: true },
      connectionStateRecovery: {
        maxDisconnectionDuration: this.config.env.LIVE_RECOVERY_WINDOW.toMillis(),
        skipMiddlewares: true,
      },
    });
    this.redis ??= createRedis(this.config.env.REDIS_URL);
    server.adapter(createAdapter(this.redis, { streamName: `${this.config.env.REDIS_PREFIX}socket.io` }) as any);
    return server;
  }

  async dispose(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
