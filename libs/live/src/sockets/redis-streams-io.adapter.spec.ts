import { createServer, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { from, isObservable, mergeAll, of } from 'rxjs';
import { Server, Socket } from 'socket.io';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { AppConfig } from '@vetting/core';
import { RedisStreamsIoAdapter } from './redis-streams-io.adapter';
import type { MessageHandler } from './socket-handlers';

/** What Nest's WebSocketsController passes as `transform` (its `pickResult`, then flattened). */
const nestTransform = (result: unknown) =>
  from(
    (async () => {
      const r = await result;
      return isObservable(r) ? r : r instanceof Promise ? from(r) : of(r);
    })(),
  ).pipe(mergeAll());

describe('RedisStreamsIoAdapter.bindMessageHandlers: gateway handlers as plain socket listeners', () => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket;
  let serverSocket: Socket;
  const adapter = new RedisStreamsIoAdapter(undefined as any, AppConfig.fromEnv({}));

  async function connect(handlers: (socket: Socket) => MessageHandler[]): Promise<void> {
    http = createServer();
    server = new Server(http);
    const connected = new Promise<void>((resolve) =>
      server.on('connection', (socket) => {
        serverSocket = socket;
        adapter.bindMessageHandlers(socket as any, handlers(socket) as any, nestTransform);
        resolve();
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ['websocket'],
      reconnection: false,
    });
    await connected;
  }

  afterEach(async () => {
    client?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('acks the answer, emits a { event, data } answer as that event, sends nothing for a nil answer', async () => {
    await connect(() => [
      { message: 'echo', callback: async (data: unknown) => ({ ok: true, data }) },
      { message: 'shout', callback: (data: unknown) => ({ event: 'shouted', data }) },
      { message: 'quiet', callback: () => undefined },
    ]);
    await expect(client.emitWithAck('echo', { n: 1 })).resolves.toEqual({ ok: true, data: { n: 1 } });
    const shouted = new Promise((resolve) => client.once('shouted', resolve));
    client.emit('shout', 'hey');
    await expect(shouted).resolves.toBe('hey');
    const quiet = client.timeout(200).emitWithAck('quiet', {});
    await expect(quiet).rejects.toThrow(); // no ack ever comes
    await expect(client.emitWithAck('echo', 2)).resolves.toEqual({ ok: true, data: 2 }); // still listening
  });

  it('a handler that fails answers nothing for that message and keeps handling the next ones', async () => {
    let calls = 0;
    await connect(() => [
      {
        message: 'flaky',
        callback: async () => {
          calls++;
          if (calls === 1) throw new Error('boom');
          return { ok: true, call: calls };
        },
      },
    ]);
    await expect(client.timeout(200).emitWithAck('flaky', {})).rejects.toThrow();
    await expect(client.timeout(5000).emitWithAck('flaky', {})).resolves.toEqual({ ok: true, call: 2 });
  });

  it('keeps no per-socket pipeline: one listener per handler, none waiting for the disconnect', async () => {
    await connect(() => [
      { message: 'a', callback: () => ({ ok: true }) },
      { message: 'b', callback: () => ({ ok: true }) },
    ]);
    expect(serverSocket.listeners('a')).toHaveLength(1);
    expect(serverSocket.listeners('b')).toHaveLength(1);
    expect(serverSocket.listeners('disconnect')).toHaveLength(0);
  });
});
