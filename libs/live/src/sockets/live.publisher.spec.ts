import type { Namespace } from 'socket.io';
import { AppConfig, AppError } from '@vetting/core';
import { setStreamWriter } from './live-adapter';
import { LivePublisher } from './live.publisher';

/** A namespace whose adapter records what goes through it (the stream, in a real process). */
function fakeNamespace(opts: { hang?: boolean } = {}) {
  const broadcasts: { packet: { type: number; data: unknown[] }; rooms: string[]; except: string[] }[] = [];
  const leaves: { rooms: string[]; leave: string[] }[] = [];
  const settle = () => (opts.hang ? new Promise<void>(() => undefined) : Promise.resolve());
  const adapter = {
    broadcast: jest.fn((packet, o) => {
      broadcasts.push({ packet, rooms: [...o.rooms], except: [...o.except] });
      return settle();
    }),
    delSockets: jest.fn((o, rooms) => {
      leaves.push({ rooms: [...o.rooms], leave: rooms });
      return settle();
    }),
  };
  return { ns: { name: '/live', adapter } as unknown as Namespace, broadcasts, leaves };
}

describe('LivePublisher: every event through the Socket.IO adapter', () => {
  const config = AppConfig.fromEnv({ DEPENDENCY_TIMEOUT: 'PT0.05S' });

  it('emit and emitHere hand one event packet for the room to the adapter (stream, then local sockets)', async () => {
    const { ns, broadcasts } = fakeNamespace();
    const live = new LivePublisher(config);
    live.attach(ns);
    await live.emit('proctor:attempt:1', 'attempt:signal', { id: 's1' });
    live.emitHere('proctor:attempt:1', 'attempt:signal', { id: 's2' });
    expect(broadcasts).toEqual([
      { packet: { type: 2, data: ['attempt:signal', { id: 's1' }] }, rooms: ['proctor:attempt:1'], except: [] },
      { packet: { type: 2, data: ['attempt:signal', { id: 's2' }] }, rooms: ['proctor:attempt:1'], except: [] },
    ]);
  });

  it('emitMany hands every event to the adapter in order without waiting for the previous one', async () => {
    const { ns, broadcasts } = fakeNamespace({ hang: true });
    const live = new LivePublisher(config);
    live.attach(ns);
    const done = live.emitMany([
      { room: 'user:1', event: 'notification:new', payload: { id: 'n1' } },
      { room: 'user:2', event: 'notification:new', payload: { id: 'n2' } },
    ]);
    // Both are in the adapter before either answered (the stream write pipelines them).
    expect(broadcasts.map((b) => [b.rooms, b.packet.data])).toEqual([
      [['user:1'], ['notification:new', { id: 'n1' }]],
      [['user:2'], ['notification:new', { id: 'n2' }]],
    ]);
    await expect(done).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(live.emitMany([])).resolves.toBeUndefined();
  });

  it("emitMany makes the batch's stream writes with the connection corked: one socket write for the lot", async () => {
    const { ns, broadcasts } = fakeNamespace();
    const order: string[] = [];
    setStreamWriter(ns, { stream: { cork: () => order.push('cork'), uncork: () => order.push('uncork') } });
    (ns.adapter.broadcast as jest.Mock).mockImplementation((packet, o) => {
      order.push(`broadcast ${[...o.rooms].join()}`);
      broadcasts.push({ packet, rooms: [...o.rooms], except: [...o.except] });
      return Promise.resolve();
    });
    const live = new LivePublisher(config);
    live.attach(ns);
    await live.emitMany([
      { room: 'user:1', event: 'notification:new', payload: { id: 'n1' } },
      { room: 'user:2', event: 'notification:new', payload: { id: 'n2' } },
    ]);
    await new Promise((r) => process.nextTick(r)); // uncorked on the next tick, after every write was made
    expect(order).toEqual(['cork', 'broadcast user:1', 'broadcast user:2', 'uncork']);
  });

  it('closeRoom makes every socket leave the room through the adapter', async () => {
    const { ns, leaves } = fakeNamespace();
    const live = new LivePublisher(config);
    live.attach(ns);
    await live.closeRoom('call:1');
    expect(leaves).toEqual([{ rooms: ['call:1'], leave: ['call:1'] }]);
  });

  it('Redis not answering within DEPENDENCY_TIMEOUT: 503 SERVICE_UNAVAILABLE (the outbox tries again)', async () => {
    const { ns } = fakeNamespace({ hang: true });
    const live = new LivePublisher(config);
    live.attach(ns);
    const err = await live.emit('user:1', 'notification:new', {}).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    await expect(live.closeRoom('call:1')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
