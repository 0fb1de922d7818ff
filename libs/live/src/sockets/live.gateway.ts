import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { SessionEvents, TokenService, bearerToken } from '@vetting/identity';
import { LiveUsersRepository } from '../data/live-users.repository';
import { LivePublisher } from './live.publisher';
import { userRoom } from './live-user';

/**
 * The `/live` namespace: authenticates the handshake (a recovered session's too), puts each socket in
 * `user:<id>`, and hands the namespace to `LivePublisher`. Events from other processes arrive through the
 * Socket.IO adapter (see `RedisStreamsIoAdapter`), never through a relay of ours.
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  @WebSocketServer() server!: Namespace;

  constructor(
    private readonly tokens: TokenService,
    private readonly users: LiveUsersRepository,
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
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data?.user;
    if (user) await socket.join(userRoom(user.id));
  }

  /** Every handshake, a recovered session's too: a revoked or expired token is refused on reconnect. */
  private async authenticate(socket: Socket): Promise<void> {
    const raw = socket.handshake.auth?.token ?? bearerToken(socket.handshake.headers?.authorization);
    const claims = this.tokens.verify(typeof raw === 'string' ? raw : undefined);
    const restored = socket.data?.user as { id: string } | undefined;
    if (restored && restored.id !== claims.sub) throw new Error('The token belongs to another account');
    const user = await this.users.find(claims.sub);
    if (!user) throw new Error('The account for this token no longer exists');
    if (user.tokenVersion !== claims.ver) throw new Error('This session has ended: sign in again');
    socket.data.user = { id: user.id, role: user.role, name: user.name };
  }
}
