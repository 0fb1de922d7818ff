/**
 * Integration test of the candidate-code sandbox: real child processes, real limits, no mocks.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunLanguage, RunLimits, RunResult } from './code-runner';
import { LocalCodeRunner, SandboxInfo } from './local-code-runner';

jest.setTimeout(20_000);

const LIMITS: RunLimits = { wallTimeMs: 3000, cpuTimeMs: 2000, memoryBytes: 128 * 1024 * 1024, outputBytes: 16 * 1024 };

describe('LocalCodeRunner (real sandboxed processes)', () => {
  let tmpRoot: string;
  let runner: LocalCodeRunner;
  let info: SandboxInfo;
  const escapes: string[] = [];

  const run = (language: RunLanguage, code: string, stdin = '', limits: Partial<RunLimits> = {}): Promise<RunResult> =>
    runner.run({ language, code, stdin, limits: { ...LIMITS, ...limits } });

  beforeAll(async () => {
    process.env.SANDBOX_SECRET = 's3cr3t';
    tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'runner-spec-'));
    runner = new LocalCodeRunner({ tmpRoot });
    info = await runner.sandboxInfo();

    if (info.problems.length) console.warn(`sandbox degraded on this host: ${info.problems.join('; ')}`);
  });

  afterEach(() => {
    // every run removes its temporary directory, whatever happened inside
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  afterAll(() => {
    delete process.env.SANDBOX_SECRET;
    for (const file of escapes) rmSync(file, { force: true });
    rmSync(tmpRoot, { recursive: true, force: true });
  });

  describe('javascript', () => {
    it('runs a correct program: sums stdin to stdout', async () => {
      const r = await run(
        'javascript',
        `const input = require('fs').readFileSync(0, 'utf8');
         const nums = input.split(/\\s+/).filter(Boolean).map(Number);
         console.log(nums.reduce((a, b) => a + b, 0));`,
        '1 2 3\n4\n',
      );
      expect(r).toMatchObject({ status: 'ok', stdout: '10\n', exitCode: 0, signal: null });
      expect(r.timeMs).toBeGreaterThan(0);
    });

    it('echoes stdin line by line (readline, /dev/stdin)', async () => {
      const r = await run(
        'javascript',
        `const first = require('fs').readFileSync('/dev/stdin', 'utf8');
         process.stdout.write(first.split('\\n').map((l) => l.toUpperCase()).join('\\n'));`,
        'hello\nworld\n',
      );
      expect(r).toMatchObject({ status: 'ok', stdout: 'HELLO\nWORLD\n' });
    });

    it('kills an infinite loop: timeout', async () => {
      const t0 = Date.now();
      const r = await run('javascript', 'while (true) {}');
      expect(r.status).toBe('timeout');
      expect(Date.now() - t0).toBeLessThan(10_000);
    });

    it('kills a Buffer memory bomb: memory_limit', async () => {
      const r = await run('javascript', 'const keep = []; for (;;) keep.push(Buffer.alloc(4 * 1024 * 1024, 1));');
      expect(r.status).toBe('memory_limit');
    });

    it('kills a heap (strings) memory bomb: memory_limit', async () => {
      const r = await run('javascript', "const keep = []; for (let i = 0; ; i++) keep.push('x'.repeat(1 << 20) + i);");
      expect(r.status).toBe('memory_limit');
    });

    it('kills a program printing forever: output_limit, output truncated to the limit', async () => {
      const r = await run('javascript', "for (;;) console.log('spam spam spam');");
      expect(r.status).toBe('output_limit');
      expect(Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr)).toBeLessThanOrEqual(LIMITS.outputBytes);
      expect(r.stdout.startsWith('spam spam spam\n')).toBe(true);
    });

    it('does not see the parent environment', async () => {
      const r = await run('javascript', 'console.log(JSON.stringify(process.env))');
      expect(r.status).toBe('ok');
      expect(r.stdout).not.toContain('s3cr3t');
      expect(r.stdout).not.toContain('SANDBOX_SECRET');
      expect(Object.keys(JSON.parse(r.stdout))).toEqual(['PATH']);
    });

    it('cannot write outside its directory, can write inside', async () => {
      const outside = [
        path.join(os.tmpdir(), `escape-${randomBytes(6).toString('hex')}`),
        path.join(process.cwd(), 'escape-test'),
      ];
      escapes.push(...outside);
      const r = await run(
        'javascript',
        `const fs = require('fs');
         const res = {};
         for (const p of ${JSON.stringify([...outside, '../escape-relative'])}) {
           try { fs.writeFileSync(p, 'pwned'); res[p] = 'written'; } catch (e) { res[p] = 'blocked:' + (e.code || e.message); }
         }
         fs.writeFileSync('inside.txt', 'hello');
         fs.mkdirSync('sub');
         fs.writeFileSync('sub/deeper.txt', 'world');
         res.inside = fs.readFileSync('inside.txt', 'utf8') + ' ' + fs.readFileSync('sub/deeper.txt', 'utf8');
         console.log(JSON.stringify(res));`,
      );
      expect(r.status).toBe('ok');
      const res = JSON.parse(r.stdout);
      expect(res.inside).toBe('hello world');
      for (const p of outside) {
        expect(res[p]).toMatch(/^blocked:/);
        expect(existsSync(p)).toBe(false);
      }
      expect(res['../escape-relative']).toMatch(/^blocked:/);
    });

    it('cannot read files outside its directory', async () => {
      const r = await run(
        'javascript',
        `try { console.log(require('fs').readFileSync('/etc/passwd', 'utf8')); } catch (e) { console.log('blocked:' + e.code); }`,
      );
      expect(r.stdout.trim()).toBe('blocked:ERR_ACCESS_DENIED');
    });

    it('cannot spawn processes', async () => {
      const r = await run(
        'javascript',
        `const cp = require('child_process');
         const out = [];
         try { out.push(String(cp.execSync('id'))); } catch (e) { out.push('blocked:' + (e.code || e.message)); }
         try { const s = cp.spawnSync('/usr/bin/id'); out.push(s.error ? 'blocked:' + s.error.code : String(s.stdout)); } catch (e) { out.push('blocked:' + (e.code || e.message)); }
         try { new (require('worker_threads').Worker)('1', { eval: true }); out.push('worker started'); } catch (e) { out.push('blocked:' + (e.code || e.message)); }
         console.log(JSON.stringify(out));`,
      );
      expect(r.status).toBe('ok');
      expect(r.stdout).not.toContain('uid=');
      for (const entry of JSON.parse(r.stdout)) expect(entry).toMatch(/^blocked:/);
    });

    it('has no network when namespaces are available', async () => {
      if (!info.namespaces) return; // documented limitation: without namespaces JavaScript has network access
      const server: Server = createServer((_req, res) => res.end('reachable'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const r = await run(
          'javascript',
          `require('http').get('http://127.0.0.1:${port}/', (res) => { res.on('data', (d) => process.stdout.write(String(d))); })
             .on('error', (e) => console.log('blocked:' + e.code));`,
        );
        expect(r.stdout).not.toContain('reachable');
        expect(r.stdout).toMatch(/^blocked:/);
      } finally {
        server.close();
      }
    });

    it('reports a syntax error as compile_error', async () => {
      const r = await run('javascript', 'let x = ;');
      expect(r.status).toBe('compile_error');
      expect(r.stderr).toContain('SyntaxError');
    });

    it('reports a thrown exception as runtime_error (a runtime SyntaxError too)', async () => {
      const thrown = await run('javascript', "console.log('before'); throw new Error('boom');");
      expect(thrown).toMatchObject({ status: 'runtime_error', stdout: 'before\n', exitCode: 1 });
      expect(thrown.stderr).toContain('Error: boom');
      const json = await run('javascript', "JSON.parse('{');");
      expect(json.status).toBe('runtime_error');
    });
  });

  describe('python', () => {
    it('runs a correct program: sums stdin to stdout', async () => {
      const r = await run('python', 'import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))\n', '1 2 3\n4\n');
      expect(r).toMatchObject({ status: 'ok', stdout: '10\n', exitCode: 0, signal: null });
    });

    it('echoes stdin line by line (input())', async () => {
      const r = await run(
        'python',
        'while True:\n    try:\n        print(input().upper())\n    except EOFError:\n        break\n',
        'hello\nworld\n',
      );
      expect(r).toMatchObject({ status: 'ok', stdout: 'HELLO\nWORLD\n' });
    });

    it('kills an infinite loop: timeout', async () => {
      const t0 = Date.now();
      const r = await run('python', 'while True:\n    pass\n');
      expect(r.status).toBe('timeout');
      expect(Date.now() - t0).toBeLessThan(10_000);
    });

    it('kills a memory bomb: memory_limit', async () => {
      const r = await run('python', 'keep = []\nwhile True:\n    keep.append(bytearray(4 * 1024 * 1024))\n');
      expect(r.status).toBe('memory_limit');
    });

    it('kills a program printing forever: output_limit, output truncated to the limit', async () => {
      const r = await run('python', "while True:\n    print('spam spam spam')\n");
      expect(r.status).toBe('output_limit');
      expect(Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr)).toBeLessThanOrEqual(LIMITS.outputBytes);
      expect(r.stdout.startsWith('spam spam spam\n')).toBe(true);
    });

    it('does not see the parent environment', async () => {
      const r = await run('python', 'import os, json\nprint(json.dumps(dict(os.environ)))\n');
      expect(r.status).toBe('ok');
      expect(r.stdout).not.toContain('s3cr3t');
      expect(r.stdout).not.toContain('SANDBOX_SECRET');
      expect(Object.keys(JSON.parse(r.stdout))).toEqual(['PATH']);
    });

    it('cannot write outside its directory, can write inside', async () => {
      const outside = [
        path.join(os.tmpdir(), `escape-${randomBytes(6).toString('hex')}`),
        path.join(process.cwd(), 'escape-test'),
      ];
      escapes.push(...outside);
      const r = await run(
        'python',
        [
          'import json, os, shutil',
          'res = {}',
          `for p in ${JSON.stringify([...outside, '../escape-relative'])}:`,
          '    try:',
          '        with open(p, "w") as f:',
          '            f.write("pwned")',
          '        res[p] = "written"',
          '    except Exception as e:',
          '        res[p] = "blocked:" + type(e).__name__',
          'try:',
          `    os.close(os.open(${JSON.stringify(outside[0])}, os.O_WRONLY | os.O_CREAT))`,
          '    res["os.open"] = "written"',
          'except Exception as e:',
          '    res["os.open"] = "blocked:" + type(e).__name__',
          'with open("inside.txt", "w") as f:',
          '    f.write("hello")',
          'os.mkdir("sub")',
          'shutil.copyfile("inside.txt", "sub/copy.txt")',
          'res["inside"] = open("sub/copy.txt").read()',
          'try:',
          `    shutil.copyfile("inside.txt", ${JSON.stringify(outside[0])})`,
          '    res["copy"] = "written"',
          'except Exception as e:',
          '    res["copy"] = "blocked:" + type(e).__name__',
          'print(json.dumps(res))',
        ].join('\n'),
      );
      expect(r.status).toBe('ok');
      const res = JSON.parse(r.stdout);
      expect(res.inside).toBe('hello');
      for (const key of [...outside, '../escape-relative', 'os.open', 'copy']) expect(res[key]).toMatch(/^blocked:/);
      for (const p of outside) expect(existsSync(p)).toBe(false);
    });

    it('cannot read files outside its directory', async () => {
      const r = await run(
        'python',
        'try:\n    print(open("/etc/passwd").read())\nexcept Exception as e:\n    print("blocked:" + type(e).__name__)\n',
      );
      expect(r.stdout.trim()).toBe('blocked:PermissionError');
    });

    it('cannot spawn processes', async () => {
      const r = await run(
        'python',
        [
          'import json, os',
          'out = []',
          'def attempt(name, fn):',
          '    try:',
          '        out.append(name + ":" + repr(fn()))',
          '    except Exception as e:',
          '        out.append(name + ":blocked:" + type(e).__name__)',
          'attempt("system", lambda: os.system("id"))',
          'attempt("subprocess", lambda: __import__("subprocess").run(["id"], capture_output=True).stdout)',
          'attempt("fork", os.fork)',
          'attempt("execv", lambda: os.execv("/usr/bin/id", ["id"]))',
          'attempt("posix_spawn", lambda: os.posix_spawn("/usr/bin/id", ["id"], {}))',
          'attempt("ctypes", lambda: __import__("ctypes").CDLL(None).system(b"id"))',
          'print(json.dumps(out))',
        ].join('\n'),
      );
      expect(r.status).toBe('ok');
      expect(r.stdout).not.toContain('uid=');
      for (const entry of JSON.parse(r.stdout)) expect(entry).toMatch(/^[a-z_]+:blocked:/);
    });

    it('still cannot spawn a process after bypassing the audit hook (seccomp)', async () => {
      if (!info.seccomp) return; // documented limitation: without seccomp the audit hook is the only barrier
      const r = await run(
        'python',
        [
          'import _imp, importlib.machinery, os',
          '# a fresh _posixsubprocess module: not covered by any audit event',
          'fork_exec = _imp.create_builtin(importlib.machinery.ModuleSpec("_posixsubprocess", None, origin="built-in")).fork_exec',
          'r, w = os.pipe()',
          'try:',
          '    pid = fork_exec([b"/usr/bin/id"], [b"/usr/bin/id"], True, (w,), None, None, -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, None, -1, None, False)',
          '    print("spawned", pid)',
          'except OSError as e:',
          '    print("blocked:" + type(e).__name__)',
        ].join('\n'),
      );
      expect(r.stdout).not.toContain('uid=');
      expect(r.stdout.trim()).toBe('blocked:PermissionError');
    });

    it('cannot remove or weaken its audit hook', async () => {
      const r = await run(
        'python',
        [
          'import gc',
          'hooks = [o for o in gc.get_objects() if getattr(o, "__name__", "") == "_sandbox_audit"]',
          'try:',
          '    hooks[0].__code__ = (lambda event, args: None).__code__',
          '    print("replaced")',
          'except Exception as e:',
          '    print("blocked:" + type(e).__name__)',
          'try:',
          '    open("/tmp/escape-after-hook", "w")',
          '    print("written")',
          'except Exception as e:',
          '    print("blocked:" + type(e).__name__)',
        ].join('\n'),
      );
      expect(r.stdout).toBe('blocked:PermissionError\nblocked:PermissionError\n');
      expect(existsSync('/tmp/escape-after-hook')).toBe(false);
    });

    it('reports a syntax error as compile_error', async () => {
      const r = await run('python', 'def f(:\n    pass\n');
      expect(r.status).toBe('compile_error');
      expect(r.stderr).toContain('SyntaxError');
      const indent = await run('python', 'if True:\nprint(1)\n');
      expect(indent.status).toBe('compile_error');
      expect(indent.stderr).toContain('IndentationError');
    });

    it('reports a raised exception as runtime_error (a runtime SyntaxError too)', async () => {
      const raised = await run('python', 'print("before")\nraise ValueError("boom")\n');
      expect(raised).toMatchObject({ status: 'runtime_error', stdout: 'before\n', exitCode: 1 });
      expect(raised.stderr).toContain('ValueError: boom');
      expect(raised.stderr).toContain('File "main.py", line 2');
      const evaluated = await run('python', 'eval("1 +")\n');
      expect(evaluated.status).toBe('runtime_error');
    });
  });

  describe('housekeeping', () => {
    it('runs in a fresh directory under tmpRoot and removes it afterwards', async () => {
      const js = await run('javascript', 'console.log(process.cwd())');
      const py = await run('python', 'import os\nprint(os.getcwd())\n');
      const dirs = [js.stdout.trim(), py.stdout.trim()];
      const realRoot = require('node:fs').realpathSync(tmpRoot) as string;
      for (const dir of dirs) {
        expect(dir.startsWith(realRoot + path.sep)).toBe(true);
        expect(existsSync(dir)).toBe(false);
      }
      expect(dirs[0]).not.toBe(dirs[1]);
      expect(readdirSync(tmpRoot)).toEqual([]);
    });

    it('runs concurrent programs independently (threads of parallel runs do not exhaust RLIMIT_NPROC)', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2
            ? run('python', 'import sys, time\ntime.sleep(0.5)\nprint(int(sys.stdin.read()) * 2)\n', String(i))
            : run(
                'javascript',
                "setTimeout(() => console.log(Number(require('fs').readFileSync(0, 'utf8')) * 2), 500);",
                String(i),
              ),
        ),
      );
      expect(results.map((r) => `${r.status}:${r.stdout}`)).toEqual(
        Array.from({ length: 8 }, (_, i) => `ok:${i * 2}\n`),
      );
    });

    it('can give every run its own uid', async () => {
      if (process.getuid?.() !== 0) return; // privilege drop needs root
      const pooled = new LocalCodeRunner({ tmpRoot, sandboxUids: { from: 1_500_000, count: 100 } });
      const uids = await Promise.all(
        Array.from({ length: 3 }, () =>
          pooled.run({
            language: 'python',
            code: 'import os, time\ntime.sleep(0.2)\nprint(os.getuid(), os.getgid())\n',
            stdin: '',
            limits: LIMITS,
          }),
        ),
      );
      const seen = uids.map((r) => r.stdout.trim().split(' ').map(Number));
      for (const [uid, gid] of seen) {
        expect(uid).toBeGreaterThanOrEqual(1_500_000);
        expect(uid).toBeLessThan(1_500_100);
        expect(gid).toBe(uid);
      }
      expect(new Set(seen.map(([uid]) => uid)).size).toBe(3);
    });

    it('never throws: invalid requests are internal_error', async () => {
      const r = await runner.run({ language: 'cobol' as RunLanguage, code: '', stdin: '', limits: LIMITS });
      expect(r.status).toBe('internal_error');
      expect(r.stderr).toContain('unsupported language');
    });

    it('reports what the sandbox could set up', () => {
      expect(typeof info.namespaces).toBe('boolean');
      if (process.getuid?.() === 0) expect(info.privilegeDrop).toBe(true);
    });
  });
});
