import type { ServerOptions, Server } from 'socket.io';
import { RedisStreamsIoAdapter } from '@vetting/live';

/** The live adapter, remembering the Socket.IO servers it creates so metrics can count their clients. */
export class MeteredIoAdapter extends RedisStreamsIoAdapter {
  private readonly servers: Server[] = [];

  createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options);
    this.servers.push(server);
    return server;
  }

  connectedSockets(): number {
    return this.servers.reduce((n, s) => n + s.engine.clientsCount, 0);
  }
}
