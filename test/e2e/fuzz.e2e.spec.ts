import { Agent, request as httpRequest } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { TestApp, createStaff, loginAdmin, registerUser, startTestApp } from '../support/test-app';
import { prng } from '../support/prng';

/**
 * Every operation of the OpenAPI document × every role × classes of bad input (deep nesting, corrupt
 * compression, NUL bytes, lone surrogates, nulls, overflowing numbers, out-of-range dates, bad path
 * params, long strings): no answer may be a 5xx. Generation is seeded, so a failure reproduces.
 */
jest.setTimeout(300_000);

const TARGET_REQUESTS = 10_000;
const CONCURRENCY = 20;
const SEED = 20261127;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: Json[];
  example?: Json;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: Schema }[];
  body?: Schema;
}
interface FuzzRequest {
  method: string;
  path: string;
  token?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  label: string;
}

const VALID_UUID = '6f1c0f5e-2a4b-4c1d-9e8f-0a1b2c3d4e5f';
const LONG = 'x'.repeat(10_000);
const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const BAD_DATES = [
  '9999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-02-30T10:00:00Z',
];
const BAD_NUMBERS = [2147483648, -2147483649, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, 0];
const BAD_VALUES: Json[] = [
  NUL,
  LONE_SURROGATE,
  null,
  LONG,
  '',
  {},
  [],
  true,
  'null',
  ...BAD_NUMBERS,
  ...BAD_DATES,
  [NUL],
  [LONE_SURROGATE],
  [null],
  { a: NUL },
];
const BAD_PATH_PARAMS = [
  '%E0%A4%A',
  '..%2F..%2Fetc%2Fpasswd',
  '..',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%',
  '%25',
  'x'.repeat(5000),
  'null',
  '-1',
  '2147483648',
  VALID_UUID,
  '00000000-0000-0000-0000-000000000000',
  `${VALID_UUID}%00`,
];
const BAD_QUERY_VALUES = [
  '%00',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  encodeURIComponent(LONG),
  '9999-12-31T23:59:59Z',
  '-1',
  '2147483648',
  'null',
  '',
  '1e400',
  '0001-01-01T00:00:00Z',
];

function deepArray(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}
function deepObject(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

/** Raw bodies that are bad before any DTO sees them. */
function rawBodies(base: Json): { label: string; body: Buffer; headers: Record<string, string> }[] {
  const json = { 'content-type': 'application/json' };
  const valid = Buffer.from(JSON.stringify(base ?? {}));
  const gz = gzipSync(valid);
  const br = brotliCompressSync(valid);
  return [
    { label: 'deep array 20000', body: Buffer.from(deepArray(20_000)), headers: json },
    { label: 'deep object 20000', body: Buffer.from(deepObject(20_000)), headers: json },
    { label: 'nested array 1MB', body: Buffer.from(deepArray(400_000)), headers: json },
    { label: 'wide array 1MB', body: Buffer.from(JSON.stringify(Array(340_000).fill(1))), headers: json },
    {
      label: 'wide field',
      body: Buffer.from(
        JSON.stringify({ ...(base && typeof base === 'object' ? base : {}), email: Array(4_000).fill('a') }),
      ),
      headers: json,
    },
    {
      label: 'many keys',
      body: Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [`k${i}`, i])))),
      headers: json,
    },
    {
      label: 'deep inside a field',
      body: Buffer.from(`{"email":${deepArray(5000)},"x":${deepObject(5000)}}`),
      headers: json,
    },
    {
      label: 'corrupt gzip',
      body: Buffer.concat([gz.subarray(0, 10), Buffer.from('not really gzip at all')]),
      headers: { ...json, 'content-encoding': 'gzip' },
    },
    {
      label: 'truncated gzip',
      body: gz.subarray(0, Math.max(12, gz.length - 6)),
      headers: { ...json, 'content-encoding': 'gzip' },
    },
    {
      label: 'corrupt br',
      body: Buffer.from('\x1b\xff\xff\xff garbage brotli'),
      headers: { ...json, 'content-encoding': 'br' },
    },
    {
      label: 'truncated br',
      body: br.subarray(0, Math.max(1, br.length - 3)),
      headers: { ...json, 'content-encoding': 'br' },
    },
    {
      label: 'corrupt deflate',
      body: Buffer.from('definitely not deflate'),
      headers: { ...json, 'content-encoding': 'deflate' },
    },
    { label: 'unknown encoding', body: valid, headers: { ...json, 'content-encoding': 'zstd-ish' } },
    {
      label: 'gzip bomb-ish',
      body: gzipSync(Buffer.from(`{"a":"${'a'.repeat(3_000_000)}"}`)),
      headers: { ...json, 'content-encoding': 'gzip' },
    },
    { label: 'malformed json', body: Buffer.from('{"a": '), headers: json },
    { label: 'json null', body: Buffer.from('null'), headers: json },
    { label: 'json array', body: Buffer.from(JSON.stringify([base, base])), headers: json },
    { label: 'json string', body: Buffer.from('"\\u0000"'), headers: json },
    { label: 'escaped NUL key', body: Buffer.from('{"\\u0000":"\\u0000"}'), headers: json },
    {
      label: 'escaped lone surrogate',
      body: Buffer.from('{"email":"\\udc00@example.com","name":"\\ud800"}'),
      headers: json,
    },
    {
      label: 'invalid utf-8',
      body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]),
      headers: json,
    },
    {
      label: '__proto__',
      body: Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'),
      headers: json,
    },
    { label: 'huge number', body: Buffer.from('{"a":1e400,"b":-1e400}'), headers: json },
    {
      label: 'utf-16 charset',
      body: Buffer.from(JSON.stringify(base ?? {}), 'utf16le'),
      headers: { 'content-type': 'application/json; charset=utf-16' },
    },
    { label: 'bad charset', body: valid, headers: { 'content-type': 'application/json; charset=klingon' } },
    {
      label: 'urlencoded nested',
      body: Buffer.from('a[b][c][d]=1&email=%00&name=%ED%A0%80&x=%E0%A4%A'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    { label: 'text/plain', body: Buffer.from(NUL), headers: { 'content-type': 'text/plain' } },
    { label: 'too large', body: Buffer.from(JSON.stringify({ a: 'a'.repeat(1_100_000) })), headers: json },
  ];
}

function resolve(doc: any, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; cur.$ref && i < 10; i++) cur = doc.components.schemas[cur.$ref.split('/').pop()!] ?? {};
  if (cur.allOf?.length) return resolve(doc, cur.allOf[0]);
  return cur;
}

/** A plausible value for a schema, so mutations of one field reach the validators of the others. */
function example(doc: any, schema: Schema | undefined, name: string, depth = 0): Json {
  const s = resolve(doc, schema);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (/url|link/i.test(name)) return s.type === 'array' ? ['http://127.0.0.1:1/hook'] : 'http://127.0.0.1:1/hook';
  switch (s.type) {
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return depth > 4 ? [] : [example(doc, s.items, name, depth + 1)];
    case 'object':
    case undefined: {
      const out: Record<string, Json> = {};
      if (depth > 4) return out;
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = example(doc, v, k, depth + 1);
      return out;
    }
    default:
      if (/email/i.test(name)) return `fuzz-${name.length}@example.com`;
      if (/id$/i.test(name) || s.format === 'uuid') return VALID_UUID;
      if (/At$|from|to/.test(name) || s.format === 'date-time') return '2026-12-01T09:00:00Z';
      if (/timeZone/.test(name)) return 'Europe/Berlin';
      if (/password/i.test(name)) return 'password-123';
      return 'fuzz';
  }
}

function operations(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const params: any[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, k: string) => values[k] ?? VALID_UUID);
}

function queryString(values: Record<string, string>): string {
  const parts = Object.entries(values).map(([k, v]) => `${encodeURIComponent(k)}=${v}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const jsonBody = (v: unknown) => Buffer.from(JSON.stringify(v));

/** The deterministic list of bad requests for one operation and one caller. */
function requestsFor(
  doc: any,
  op: Operation,
  token: string | undefined,
  role: string,
  random: () => number,
  target: number,
  share: { index: number; of: number },
): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const validPath: Record<string, string> = Object.fromEntries(
    op.pathParams.map((p) => [
      p,
      p === 'slug' || p === 'kind' || p === 'name' ? 'web-mobile-software-dev' : VALID_UUID,
    ]),
  );
  const validQuery: Record<string, string> = Object.fromEntries(
    op.queryParams.map((q) => [q.name, encodeURIComponent(String(example(doc, q.schema, q.name)))]),
  );
  const base = op.body ? example(doc, op.body, 'body') : undefined;
  const bodyHeaders = { 'content-type': 'application/json' };
  const add = (label: string, r: Partial<FuzzRequest> & { path?: string }) =>
    out.push({
      method: op.method,
      path: r.path ?? fillPath(op.path, validPath) + queryString(validQuery),
      token,
      headers: r.headers,
      body: r.body,
      label: `${role} ${op.method} ${op.path} ${label}`,
    });

  for (const param of op.pathParams) {
    for (const bad of BAD_PATH_PARAMS)
      add(`path ${param}=${bad.slice(0, 40)}`, {
        path: fillPath(op.path, { ...validPath, [param]: bad }) + queryString(validQuery),
      });
  }
  for (const q of op.queryParams) {
    for (const bad of BAD_QUERY_VALUES)
      add(`query ${q.name}=${bad.slice(0, 40)}`, {
        path: fillPath(op.path, validPath) + queryString({ ...validQuery, [q.name]: bad }),
      });
    add(`query ${q.name} twice`, {
      path: fillPath(op.path, validPath) + queryString(validQuery) + `&${q.name}=a&${q.name}=b`,
    });
  }
  if (op.body || op.method !== 'GET') {
    for (const r of rawBodies(base ?? {})) add(r.label, { body: r.body, headers: r.headers });
  }
  if (base && typeof base === 'object' && !Array.isArray(base)) {
    const fields = Object.keys(base);
    for (const f of fields) {
      for (const bad of BAD_VALUES)
        add(`field ${f}=${JSON.stringify(bad).slice(0, 40)}`, {
          body: jsonBody({ ...base, [f]: bad }),
          headers: bodyHeaders,
        });
      // one level down: arrays of objects and objects
      const v = base[f];
      const inner =
        Array.isArray(v) && v[0] && typeof v[0] === 'object' && !Array.isArray(v[0])
          ? (v[0] as Record<string, Json>)
          : null;
      if (inner) {
        for (const k of Object.keys(inner)) {
          for (const bad of BAD_VALUES)
            add(`field ${f}[0].${k}=${JSON.stringify(bad).slice(0, 40)}`, {
              body: jsonBody({ ...base, [f]: [{ ...inner, [k]: bad }] }),
              headers: bodyHeaders,
            });
        }
      }
    }
  }
  // Each caller takes its share of the fixed list (together they cover all of it), then seeded mixes.
  const fixed = out.splice(0).filter((_r, i) => i % share.of === share.index);
  out.push(...fixed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const mixers: (() => void)[] = [
    () =>
      add('mixed query junk', {
        path:
          fillPath(op.path, validPath) +
          queryString({ ...validQuery, [pick(['x', 'limit', 'from', 'to', '__proto__'])]: pick(BAD_QUERY_VALUES) }),
      }),
    () => {
      const body: Record<string, Json> = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
      const keys = Object.keys(body).length ? Object.keys(body) : ['x'];
      for (let i = 0; i < 3; i++) body[pick(keys)] = pick(BAD_VALUES);
      add('mixed fields', { body: jsonBody(body), headers: bodyHeaders });
    },
    () => {
      if (!op.pathParams.length)
        return add('path suffix', {
          path: fillPath(op.path, validPath) + pick(['/%E0%A4%A', '/..%2F', '%00', '/' + VALID_UUID]),
        });
      add('mixed path', {
        path: fillPath(op.path, Object.fromEntries(op.pathParams.map((p) => [p, pick(BAD_PATH_PARAMS)]))),
      });
    },
  ];
  while (out.length < target) pick(mixers)();
  return out;
}

function send(baseUrl: string, agent: Agent, r: FuzzRequest): Promise<{ status: number; error?: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolveStatus) => {
    const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
    if (r.token) headers.authorization = `Bearer ${r.token}`;
    if (r.body) headers['content-length'] = r.body.length;
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolveStatus({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolveStatus({ status: -1, error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolveStatus({ status: -1, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(r.body);
  });
}

describe('fuzz: bad input never gets a 5xx (every operation × every role)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // HTTP edge only: no worker, so the fuzz measures the api and nothing it queues runs meanwhile.
    t = await startTestApp({ withWorker: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`sends ≥ ${TARGET_REQUESTS} bad requests and gets no 5xx`, async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body;
    const admin = await loginAdmin(t);
    const tokens: Record<string, string | undefined> = {
      anonymous: undefined,
      freelancer: (await registerUser(t, { role: 'freelancer' })).token,
      client: (await registerUser(t, { role: 'client' })).token,
      talent_manager: (await createStaff(t, admin, 'talent_manager')).token,
      proctor: (await createStaff(t, admin, 'proctor')).token,
      admin,
    };
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(40);
    const random = prng(SEED);
    const perCombo = Math.ceil(TARGET_REQUESTS / (ops.length * Object.keys(tokens).length)) + 1;
    const all: FuzzRequest[] = [];
    const roles = Object.entries(tokens);
    ops.forEach((op, o) =>
      roles.forEach(([role, token], r) =>
        all.push(
          ...requestsFor(doc, op, token, role, random, perCombo, { index: (r + o) % roles.length, of: roles.length }),
        ),
      ),
    );
    // Logout and a password change end the caller's sessions: send them last, so every other operation is
    // fuzzed with a live token of each role (not answered 401 before validation).
    const endsSession = (r: FuzzRequest) => /\/api\/auth\/(logout|password)/.test(r.label);
    all.sort((a, b) => Number(endsSession(a)) - Number(endsSession(b)));

    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    let sent = 0;
    let authenticated = 0;
    let unauthenticated = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < all.length) {
          const r = all[next++];
          const { status, error } = await send(t.baseUrl, agent, r);
          sent++;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (r.token && !endsSession(r)) {
            authenticated++;
            if (status === 401) unauthenticated++;
          }
          if (status >= 500 || status <= 0) failures.push(`${status}${error ? ` (${error})` : ''} ${r.label}`);
        }
      }),
    );
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz: ${sent} requests over ${ops.length} operations in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(sent).toBeGreaterThanOrEqual(TARGET_REQUESTS);
    // The roles' tokens stay valid throughout: a 401 with a token only comes from a deliberately broken header.
    expect(unauthenticated / authenticated).toBeLessThan(0.2);
    expect({ count: failures.length, first: failures.slice(0, 60) }).toEqual({ count: 0, first: [] });
  });
});
