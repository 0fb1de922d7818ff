import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RunLimits, RunRequest } from './code-runner';
import { Judge0CodeRunner } from './judge0-code-runner';

const LIMITS: RunLimits = { wallTimeMs: 3000, cpuTimeMs: 2000, memoryBytes: 128 * 1024 * 1024, outputBytes: 16 * 1024 };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

describe('Judge0CodeRunner (stub Judge0 over HTTP)', () => {
  let server: Server;
  let baseUrl: string;
  let requests: Recorded[];
  let reply: { status: number; body: unknown };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw);
        } catch {
          // recorded as empty
        }
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    requests = [];
    reply = { status: 201, body: {} };
  });

  const request = (over: Partial<RunRequest> = {}): RunRequest => ({
    language: 'javascript',
    code: 'console.log(1)',
    stdin: '',
    limits: LIMITS,
    ...over,
  });
  const submission = (statusId: number, extra: Record<string, unknown> = {}) => ({
    stdout: null,
    stderr: null,
    compile_output: null,
    message: null,
    time: '0.010',
    memory: 9000,
    exit_code: 0,
    exit_signal: null,
    status: { id: statusId, description: `status ${statusId}` },
    ...extra,
  });

  it('POSTs a base64, wait=true submission with the limits in Judge0 units', async () => {
    const runner = new Judge0CodeRunner({ url: `${baseUrl}/`, apiKey: 'k3y' });
    reply = { status: 201, body: submission(3, { stdout: b64('héllo\n'), time: '0.123' }) };
    const code = "const s = require('fs').readFileSync(0, 'utf8'); console.log(s.trim() + ' é');";
    const r = await runner.run(request({ code, stdin: '1 2\n' }));

    expect(requests).toHaveLength(1);
    const [rec] = requests;
    expect(rec.method).toBe('POST');
    expect(rec.url).toBe('/submissions?base64_encoded=true&wait=true');
    expect(rec.headers['content-type']).toContain('application/json');
    expect(rec.headers['x-auth-token']).toBe('k3y');
    expect(rec.body.language_id).toBe(63);
    expect(Buffer.from(rec.body.source_code as string, 'base64').toString('utf8')).toBe(code);
    expect(Buffer.from(rec.body.stdin as string, 'base64').toString('utf8')).toBe('1 2\n');
    expect(rec.body.cpu_time_limit).toBe(2);
    expect(rec.body.wall_time_limit).toBe(3);
    expect(rec.body.memory_limit).toBe(128 * 1024);

    expect(r).toEqual({ status: 'ok', stdout: 'héllo\n', stderr: '', exitCode: 0, signal: null, timeMs: 123 });
  });

  it('uses python id 71 by default, custom language ids and a custom auth header when configured', async () => {
    reply = { status: 201, body: submission(3) };
    await new Judge0CodeRunner({ url: baseUrl }).run(request({ language: 'python', code: 'print(1)' }));
    await new Judge0CodeRunner({
      url: baseUrl,
      apiKey: 'rapid',
      apiKeyHeader: 'X-RapidAPI-Key',
      languageIds: { python: 92 },
    }).run(request({ language: 'python', code: 'print(1)' }));
    expect(requests.map((r) => r.body.language_id)).toEqual([71, 92]);
    expect(requests[0].headers['x-auth-token']).toBeUndefined();
    expect(requests[1].headers['x-rapidapi-key']).toBe('rapid');
  });

  it.each([
    [3, {}, 'ok'],
    [5, {}, 'timeout'],
    [6, { compile_output: b64("SyntaxError: Unexpected token ';'") }, 'compile_error'],
    [7, { exit_signal: 11 }, 'runtime_error'],
    [8, { exit_signal: 25 }, 'output_limit'],
    [9, { exit_signal: 8 }, 'runtime_error'],
    [10, { exit_signal: 6 }, 'runtime_error'],
    [11, { exit_code: 1, stderr: b64('Error: boom') }, 'runtime_error'],
    [12, {}, 'runtime_error'],
    [11, { exit_code: 1, stderr: b64('Traceback (most recent call last):\nMemoryError\n') }, 'memory_limit'],
    [
      10,
      {
        exit_signal: 6,
        stderr: b64('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'),
      },
      'memory_limit',
    ],
    [7, { exit_signal: 11, memory: 131000 }, 'memory_limit'],
    [1, {}, 'internal_error'],
    [2, {}, 'internal_error'],
    [4, {}, 'internal_error'],
    [13, { message: b64('isolate crashed') }, 'internal_error'],
    [14, {}, 'internal_error'],
  ])('maps Judge0 status %i (%j) to %s', async (statusId, extra, expected) => {
    reply = { status: 201, body: submission(statusId as number, extra as Record<string, unknown>) };
    const r = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(r.status).toBe(expected);
  });

  it('decodes stderr, compile output, exit code and signal', async () => {
    reply = {
      status: 201,
      body: submission(6, { compile_output: b64('main.js:1\nSyntaxError: nope'), exit_code: 1, time: null }),
    };
    const compile = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(compile).toMatchObject({
      status: 'compile_error',
      stderr: 'main.js:1\nSyntaxError: nope',
      exitCode: 1,
      signal: null,
    });

    reply = {
      status: 201,
      body: submission(7, {
        stdout: b64('partial'),
        stderr: b64('Segmentation fault'),
        exit_code: null,
        exit_signal: 11,
        time: '0.5',
      }),
    };
    const segv = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(segv).toEqual({
      status: 'runtime_error',
      stdout: 'partial',
      stderr: 'Segmentation fault',
      exitCode: null,
      signal: 'SIGSEGV',
      timeMs: 500,
    });

    reply = { status: 201, body: submission(13, { message: b64('box busy') }) };
    const internal = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(internal).toMatchObject({ status: 'internal_error', stderr: 'box busy' });
  });

  it('enforces the output limit client-side and truncates', async () => {
    reply = { status: 201, body: submission(3, { stdout: b64('x'.repeat(20_000)) }) };
    const r = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(r.status).toBe('output_limit');
    expect(Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr)).toBeLessThanOrEqual(LIMITS.outputBytes);
  });

  it('turns HTTP errors and bad bodies into internal_error', async () => {
    reply = { status: 500, body: { error: 'Something went wrong' } };
    const http500 = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(http500.status).toBe('internal_error');
    expect(http500.stderr).toContain('HTTP 500');

    reply = { status: 401, body: { error: 'Authentication failed' } };
    expect((await new Judge0CodeRunner({ url: baseUrl }).run(request())).status).toBe('internal_error');

    reply = { status: 201, body: 'not json' };
    const bad = await new Judge0CodeRunner({ url: baseUrl }).run(request());
    expect(bad.status).toBe('internal_error');
    expect(bad.stderr).toContain('invalid JSON');
  });

  it('turns an unreachable server into internal_error without throwing', async () => {
    // a port that was just free: nothing listens there
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const r = await new Judge0CodeRunner({ url: `http://127.0.0.1:${port}` }).run(request());
    expect(r.status).toBe('internal_error');
    expect(r.stderr).toContain('request failed');
  });

  it('turns a throwing fetch implementation into internal_error', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const r = await new Judge0CodeRunner({ url: baseUrl, fetchImpl }).run(request());
    expect(r).toMatchObject({ status: 'internal_error', stdout: '', exitCode: null, signal: null });
    expect(r.stderr).toContain('fetch failed');
  });
});
