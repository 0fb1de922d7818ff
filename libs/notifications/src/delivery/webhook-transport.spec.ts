import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { postWebhook, publicOnlyLookup, WebhookTargetRefused } from './webhook-transport';

/** A resolver that answers every name with the given addresses (a DNS rebinding attacker). */
const resolvingTo =
  (...addresses: string[]) =>
  (
    _host: string,
    _opts: unknown,
    cb: (err: NodeJS.ErrnoException | null, a: { address: string; family: number }[]) => void,
  ) =>
    cb(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('publicOnlyLookup', () => {
  const run = (lookup: ReturnType<typeof publicOnlyLookup>, all: boolean) =>
    new Promise<{ err: Error | null; address?: unknown; family?: number }>((resolve) =>
      (lookup as any)('hooks.example.com', { all }, (err: Error | null, address?: unknown, family?: number) =>
        resolve({ err, address, family }),
      ),
    );

  it('passes public addresses through, in both callback forms', async () => {
    const lookup = publicOnlyLookup(resolvingTo('93.184.216.34', '2606:4700:4700::1111'));
    expect(await run(lookup, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await run(lookup, true)).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  it.each([['127.0.0.1'], ['169.254.169.254'], ['::1'], ['::ffff:10.0.0.1'], ['93.184.216.34', '192.168.0.1']])(
    'refuses when any address is not public: %p',
    async (...addrs) => {
      const { err } = await run(publicOnlyLookup(resolvingTo(...addrs)), false);
      expect(err).toBeInstanceOf(WebhookTargetRefused);
    },
  );
});

describe('postWebhook (against a loopback listener)', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      res.statusCode = req.url === '/redirect' ? 302 : 204;
      if (req.url === '/redirect') res.setHeader('location', 'http://127.0.0.1:1/elsewhere');
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (hits = 0));

  const post = (url: string, allowPrivate: boolean, resolve?: Parameters<typeof publicOnlyLookup>[0]) =>
    postWebhook({
      url,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 2000,
      allowPrivate,
      resolve,
    });

  it('never connects to a loopback literal without WEBHOOK_ALLOW_PRIVATE', async () => {
    await expect(post(`http://127.0.0.1:${port}/hook`, false)).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(post(`http://[::ffff:127.0.0.1]:${port}/hook`, false)).rejects.toBeInstanceOf(WebhookTargetRefused);
    expect(hits).toBe(0);
  });

  it('never connects when a public-looking name resolves to loopback at connect time (DNS rebinding)', async () => {
    await expect(post(`http://hooks.example.com:${port}/hook`, false, resolvingTo('127.0.0.1'))).rejects.toBeInstanceOf(
      WebhookTargetRefused,
    );
    await expect(post(`http://localhost:${port}/hook`, false)).rejects.toBeInstanceOf(WebhookTargetRefused);
    expect(hits).toBe(0);
  });

  it('delivers to loopback with WEBHOOK_ALLOW_PRIVATE, and does not follow redirects', async () => {
    expect(await post(`http://127.0.0.1:${port}/hook`, true)).toBe(204);
    expect(await post(`http://localhost:${port}/redirect`, true)).toBe(302);
    expect(hits).toBe(2);
  });

  it('reports a failed connection without the address or port', async () => {
    const err = await post('http://127.0.0.1:1/hook', true).catch((e: Error) => e);
    expect((err as Error).message).toBe('connection failed');
  });
});
