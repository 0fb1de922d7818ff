import { Inject, Logger, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { MikroORM } from '@mikro-orm/postgresql';
import Redis from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig, PATIENT_OVERRIDES, REDIS, withContext } from '@vetting/core';
import { SessionEvents, TokenService, User, bearerToken } from '@vetting/identity';
import { LivePublisher, decodeLiveMessage, liveChannel } from './live.publisher';
import { userRoom } from './live-user';

/**
 * The `/live` namespace: authenticates the handshake, puts each socket in `user:<id>`, and relays
 * messages published by any process to this process's sockets.
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  @WebSocketServer() server!: Namespace;
  private readonly logger = new Logger('Live');
  private subscriber?: Redis;

  constructor(
    private readonly tokens: TokenService,
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly publisher: LivePublisher,
    private readonly sessions: SessionEvents,
  ) {}

  afterInit(ns: Namespace): void {
    ns.use((socket, next) => {
      this.authenticate(socket)
        .then(() => next())
        .catch((err) => {
          const e = new Error(err?.message ?? 'Authentication required') as Error & { data?: unknown };
          e.data = { code: 'UNAUTHENTICATED', message: e.message };
          next(e);
        });
    });
    this.publisher.attach(ns);
    // Logout or a password change: the user's sockets on every api process are disconnected (through the adapter).
    this.sessions.onRevoked((userId) => ns.in(userRoom(userId)).disconnectSockets(true));
    // The subscriber waits out an outage and subscribes again (the request connection fails fast instead).
    this.subscriber = this.redis.duplicate(PATIENT_OVERRIDES);
    this.subscriber.on('message', (_channel, raw) => this.relay(raw));
    void this.subscriber.subscribe(liveChannel(this.config));
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data?.user;
    if (user) await socket.join(userRoom(user.id));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Every handshake, a recovered session's too: a revoked or expired token is refused on reconnect. */
  private async authenticate(socket: Socket): Promise<void> {
    const raw = socket.handshake.auth?.token ?? bearerToken(socket.handshake.headers?.authorization);
    const claims = this.tokens.verify(typeof raw === 'string' ? raw : undefined);
    const restored = socket.data?.user as { id: string } | undefined;
    if (restored && restored.id !== claims.sub) throw new Error('The token belongs to another account');
    const user = await withContext(this.orm, (em) => em.findOne(User, { id: claims.sub }));
    if (!user) throw new Error('The account for this token no longer exists');
    if (user.tokenVersion !== claims.ver) throw new Error('This session has ended: sign in again');
    socket.data.user = { id: user.id, role: user.role, name: user.name };
  }

  private relay(raw: string): void {
    const msg = decodeLiveMessage(raw, this.publisher.origin); // null for our own: the publisher delivered it here
    if (!this.server || !msg) return;
    if (msg.kind === 'emit') this.server.local.to(msg.room).emit(msg.event, msg.payload);
    else if (msg.kind === 'close-room') this.server.local.in(msg.room).socketsLeave(msg.room);
  }
}
