/**
 * Python bootstrap executed (via `python3 -I -S -B -c BOOT ...`) inside the sandbox, after the privilege drop and
 * the prlimit wrapper, before any candidate code:
 *
 *   argv: BOOT_MODE WORKDIR MEMORY_BYTES CPU_SECONDS FSIZE_BYTES SECCOMP(0|1) [REST...]
 *
 * - mode `python`: sets rlimits (AS, CPU, FSIZE, CORE), optionally installs a seccomp filter (no execve, no fork,
 *   no ptrace, no namespaces...), installs an audit hook (file writes/reads outside the workdir, process spawning,
 *   sockets, ctypes, ...), then compiles and runs `main.py` as `__main__`.
 * - mode `node`: sets the same rlimits, installs the seccomp filter with a single allowed execve (the pointer of the
 *   node path buffer, so the node process that replaces this one cannot execve anything itself) and execs REST.
 * - mode `probe`: installs the seccomp filter and checks that fork is refused; prints `seccomp-ok`.
 *
 * Infrastructure failures exit with code 121 and a `sandbox-internal:` line on stderr.
 *
 * The audit hook is defence in depth only (CPython documents audit hooks as not being a sandbox); the kernel-level
 * limits (uid drop, namespaces, read-only mounts, rlimits, seccomp) are what actually contain the process.
 * Must not contain a backtick or a dollar-brace sequence (embedded in a template literal).
 */
export const SANDBOX_INTERNAL_EXIT_CODE = 121;
export const SANDBOX_INTERNAL_MARKER = 'sandbox-internal:';

export const PYTHON_BOOT = String.raw`
import sys, os, resource

def _sandbox_die(msg):
    try:
        os.write(2, ('sandbox-internal: ' + msg + '\n').encode('utf-8', 'replace'))
    finally:
        os._exit(121)

def _sandbox_setlimit(res, soft, hard):
    try:
        cur_soft, cur_hard = resource.getrlimit(res)
        if cur_hard != resource.RLIM_INFINITY:
            hard = min(hard, cur_hard)
            soft = min(soft, hard)
        resource.setrlimit(res, (soft, hard))
    except (ValueError, OSError) as e:
        _sandbox_die('setrlimit(%r) failed: %r' % (res, e))

def _sandbox_seccomp(exec_ptr):
    import ctypes, struct
    machine = os.uname().machine
    if machine == 'x86_64':
        arch, x32 = 0xC000003E, True
        nr = dict(execve=59, execveat=322, fork=57, vfork=58, clone=56, clone3=435, ptrace=101,
                  process_vm_readv=310, process_vm_writev=311, unshare=272, setns=308, mount=165, umount2=166,
                  pivot_root=155, chroot=161, bpf=321, perf_event_open=298, userfaultfd=323, keyctl=250,
                  add_key=248, request_key=249, io_uring_setup=425, kexec_load=246, init_module=175,
                  finit_module=313, open_by_handle_at=304, name_to_handle_at=303)
    elif machine == 'aarch64':
        arch, x32 = 0xC00000B7, False
        nr = dict(execve=221, execveat=281, clone=220, clone3=435, ptrace=117, process_vm_readv=270,
                  process_vm_writev=271, unshare=97, setns=268, mount=40, umount2=39, pivot_root=41, chroot=51,
                  bpf=280, perf_event_open=241, userfaultfd=282, keyctl=219, add_key=217, request_key=218,
                  io_uring_setup=425, kexec_load=104, init_module=105, finit_module=273, open_by_handle_at=265,
                  name_to_handle_at=264)
    else:
        _sandbox_die('seccomp: unsupported architecture ' + machine)
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, KILL, EPERM, ENOSYS = 0x7FFF0000, 0x80000000, 0x00050001, 0x00050026
    prog, labels = [], {}
    def ins(code, k, jt=0, jf=0):
        prog.append([code, jt, jf, k])
    ins(LD, 4)                       # seccomp_data.arch
    ins(JEQ, arch, 1, 0)
    ins(RET, KILL)
    ins(LD, 0)                       # seccomp_data.nr
    if x32:
        ins(JGE, 0x40000000, 'eperm', 0)
    for name in ('execveat', 'fork', 'vfork', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'unshare',
                 'setns', 'mount', 'umount2', 'pivot_root', 'chroot', 'bpf', 'perf_event_open', 'userfaultfd',
                 'keyctl', 'add_key', 'request_key', 'kexec_load', 'init_module', 'finit_module',
                 'open_by_handle_at', 'name_to_handle_at'):
        if name in nr:
            ins(JEQ, nr[name], 'eperm', 0)
    ins(JEQ, nr['clone3'], 'enosys', 0)          # glibc falls back to clone(2), whose flags we can inspect
    ins(JEQ, nr['io_uring_setup'], 'enosys', 0)
    ins(JEQ, nr['clone'], 'clone', 0)
    ins(JEQ, nr['execve'], 'execve', 0)
    ins(RET, ALLOW)
    labels['clone'] = len(prog)
    ins(LD, 16)                      # low 32 bits of args[0] = clone flags
    ins(JSET, 0x00010000, 'allow', 'eperm')      # CLONE_THREAD: threads yes, processes no
    labels['execve'] = len(prog)
    if exec_ptr is None:
        ins(RET, EPERM)
    else:
        ins(LD, 16)
        ins(JEQ, exec_ptr & 0xFFFFFFFF, 0, 'eperm')
        ins(LD, 20)
        ins(JEQ, (exec_ptr >> 32) & 0xFFFFFFFF, 'allow', 'eperm')
    labels['allow'] = len(prog)
    ins(RET, ALLOW)
    labels['eperm'] = len(prog)
    ins(RET, EPERM)
    labels['enosys'] = len(prog)
    ins(RET, ENOSYS)
    for i, p in enumerate(prog):
        for j in (1, 2):
            if isinstance(p[j], str):
                p[j] = labels[p[j]] - i - 1
                if not 0 <= p[j] < 256:
                    _sandbox_die('seccomp: jump out of range')
    raw = b''.join(struct.pack('<HBBI', c, jt, jf, k) for c, jt, jf, k in prog)
    filt = ctypes.create_string_buffer(raw, len(raw))
    class _Fprog(ctypes.Structure):
        _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]
    fprog = _Fprog(len(prog), ctypes.addressof(filt))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.prctl.restype = ctypes.c_int
    if libc.prctl(38, 1, 0, 0, 0) != 0:         # PR_SET_NO_NEW_PRIVS
        _sandbox_die('prctl(PR_SET_NO_NEW_PRIVS) failed: errno %d' % ctypes.get_errno())
    if libc.prctl(22, 2, ctypes.addressof(fprog), 0, 0) != 0:   # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        _sandbox_die('prctl(PR_SET_SECCOMP) failed: errno %d' % ctypes.get_errno())
    return libc

_SANDBOX_HOOK_SRC = '''
def _sandbox_path(p, write, op, extension=False, _wd=WD, _wd_slash=WD + '/', _read_prefixes=READ_PREFIXES,
                  _read_exact=READ_EXACT, _write_exact=WRITE_EXACT, _type=type, _str=str, _bytes=bytes,
                  _int=int, _len=len, _PE=PermissionError, _getcwd=GETCWD):
    t = _type(p)
    if t is _int and not extension:
        return
    if t is _bytes:
        p = p.decode('utf-8', 'surrogateescape')
    elif t is not _str:
        raise _PE('sandbox: ' + op + ': only str or bytes paths are allowed here')
    if p[:1] != '/':
        p = _getcwd() + '/' + p
    parts = []
    for seg in p.split('/'):
        if seg == '' or seg == '.':
            continue
        if seg == '..':
            if parts:
                parts.pop()
            continue
        parts.append(seg)
    n = '/' + '/'.join(parts)
    if not extension and (n == _wd or n[:_len(_wd_slash)] == _wd_slash):
        return
    if write:
        if n in _write_exact:
            return
        raise _PE('sandbox: ' + op + ': writing outside the working directory is not allowed: ' + n)
    if not extension and n in _read_exact:
        return
    for pre in _read_prefixes:
        if n == pre or n[:_len(pre) + 1] == pre + '/':
            return
    raise _PE('sandbox: ' + op + ': access outside the working directory is not allowed: ' + n)

def _sandbox_audit(event, args, _check=_sandbox_path, _watched=WATCHED, _denied=DENIED_EVENTS,
                   _denied_imports=DENIED_IMPORTS, _type=type, _str=str, _bytes=bytes, _int=int,
                   _func=FUNCTION_TYPE, _PE=PermissionError, _pid=PID, _wmask=WMASK, _marker=MARKER):
    if event not in _watched:
        if event[:7] == 'ctypes.':
            raise _PE('sandbox: ctypes is not allowed')
        return
    if event in _denied:
        raise _PE('sandbox: ' + event + ' is not allowed')
    if event == 'open':
        path, mode, flags = args[0], args[1], args[2]
        write = _type(flags) is not _int or (flags & _wmask) != 0
        if mode is None and write:
            # os.open: dir_fd is not part of the event, so only absolute paths can be checked
            tp = _type(path)
            if (tp is _str and path[:1] != '/') or (tp is _bytes and path[:1] != b'/'):
                raise _PE('sandbox: os.open with a relative path for writing is not allowed; use open()')
        _check(path, write, 'open')
    elif event == 'import':
        name = args[0]
        if _type(name) is not _str or name.split('.')[0] in _denied_imports:
            raise _PE('sandbox: importing ' + name + ' is not allowed')
        if args[1] is not None:
            _check(args[1], False, 'import', True)
    elif event == 'os.listdir' or event == 'os.scandir':
        p = args[0]
        _check('.' if p is None else p, False, event)
    elif event == 'os.chdir':
        if _type(args[0]) is _int:
            raise _PE('sandbox: fchdir is not allowed')
        _check(args[0], True, event)
    elif event == 'os.rename':
        if not (args[2] is None or args[2] == -1 or args[2] == -100) or not (args[3] is None or args[3] == -1 or args[3] == -100):
            raise _PE('sandbox: dir_fd is not allowed')
        _check(args[0], True, event)
        _check(args[1], True, event)
    elif event == 'os.mkdir' or event == 'os.rmdir' or event == 'os.remove' or event == 'os.chmod' or event == 'os.chown' or event == 'os.utime':
        d = args[-1]
        if not (d is None or d == -1 or d == -100):
            raise _PE('sandbox: dir_fd is not allowed')
        _check(args[0], True, event)
    elif event == 'os.truncate' or event == 'shutil.rmtree' or event == 'shutil.chown' or event == 'shutil.make_archive':
        _check(args[0], True, event)
    elif event == 'shutil.copyfile' or event == 'shutil.copymode' or event == 'shutil.copystat' or event == 'shutil.copytree':
        _check(args[0], False, event)
        _check(args[1], True, event)
    elif event == 'shutil.move':
        _check(args[0], True, event)
        _check(args[1], True, event)
    elif event == 'shutil.unpack_archive':
        _check(args[0], False, event)
        _check(args[1], True, event)
    elif event == 'sqlite3.connect':
        db = args[0]
        if not (_type(db) is _str and (db == ':memory:' or db == '')):
            _check(db, True, event)
    elif event == 'socket.__new__':
        if args[1] != 1:
            raise _PE('sandbox: only AF_UNIX socket pairs are allowed')
    elif event == 'os.kill':
        if args[0] != _pid:
            raise _PE('sandbox: signalling other processes is not allowed')
    elif event == 'object.__setattr__' or event == 'object.__delattr__':
        obj = args[0]
        if _type(obj) is _func and obj.__code__.co_filename == _marker:
            raise _PE('sandbox: the sandbox hooks cannot be modified')
'''

def _sandbox_install_hook(wd):
    import posix
    read_prefixes = []
    for p in list(sys.path) + ['/usr/share/zoneinfo']:
        if p and os.path.isdir(p):
            for q in (os.path.normpath(p), os.path.realpath(p)):
                if q not in read_prefixes:
                    read_prefixes.append(q)
    watched_denied = frozenset([
        'os.system', 'os.exec', 'os.posix_spawn', 'os.spawn', 'os.fork', 'os.forkpty', 'subprocess.Popen',
        'os.startfile', 'os.killpg', 'os.link', 'os.symlink', 'os.chflags', 'os.lchflags', 'os.setxattr',
        'os.removexattr', 'os.mkfifo', 'os.mknod', 'socket.bind', 'socket.connect', 'socket.sendto',
        'socket.sendmsg', 'socket.getaddrinfo', 'socket.gethostbyname', 'socket.gethostbyname_ex',
        'socket.gethostbyaddr', 'socket.getnameinfo', 'socket.sethostname', 'resource.setrlimit',
        'resource.prlimit', 'sqlite3.enable_load_extension', 'sqlite3.load_extension', 'webbrowser.open',
        'pty.spawn'])
    watched = watched_denied | frozenset([
        'open', 'import', 'os.listdir', 'os.scandir', 'os.chdir', 'os.rename', 'os.mkdir', 'os.rmdir',
        'os.remove', 'os.chmod', 'os.chown', 'os.utime', 'os.truncate', 'shutil.rmtree', 'shutil.chown',
        'shutil.make_archive', 'shutil.copyfile', 'shutil.copymode', 'shutil.copystat', 'shutil.copytree',
        'shutil.move', 'shutil.unpack_archive', 'sqlite3.connect', 'socket.__new__', 'os.kill',
        'object.__setattr__', 'object.__delattr__'])
    ns = {
        'WD': wd,
        'READ_PREFIXES': tuple(read_prefixes),
        'READ_EXACT': frozenset(['/dev/null', '/dev/zero', '/dev/urandom', '/dev/random', '/dev/stdin',
                                 '/dev/fd/0', '/proc/self/fd/0']),
        'WRITE_EXACT': frozenset(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2',
                                  '/proc/self/fd/1', '/proc/self/fd/2']),
        'WATCHED': watched,
        'DENIED_EVENTS': watched_denied,
        'DENIED_IMPORTS': frozenset(['ctypes', '_ctypes', '_ctypes_test', '_testcapi', '_testinternalcapi',
                                     '_testbuffer', '_testmultiphase', '_testsinglephase', '_testclinic',
                                     '_testimportmultiple', '_xxsubinterpreters', '_xxinterpchannels',
                                     '_xxtestfuzz']),
        'FUNCTION_TYPE': type(_sandbox_die),
        'GETCWD': posix.getcwd,
        'PID': os.getpid(),
        'WMASK': os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND,
        'MARKER': '<sandbox-audit>',
    }
    exec(compile(_SANDBOX_HOOK_SRC, '<sandbox-audit>', 'exec'), ns)
    sys.addaudithook(ns['_sandbox_audit'])

def _sandbox_main():
    argv = sys.argv
    if len(argv) < 7:
        _sandbox_die('bad bootstrap arguments')
    mode, wd = argv[1], argv[2]
    mem, cpu, fsize, use_seccomp = int(argv[3]), int(argv[4]), int(argv[5]), argv[6] == '1'
    rest = argv[7:]
    path_env = os.environ.get('PATH', '/usr/bin:/bin')
    for k in list(os.environ):
        if k != 'PATH':
            del os.environ[k]

    if mode == 'probe':
        _sandbox_seccomp(None)
        try:
            pid = os.fork()
        except OSError:
            print('seccomp-ok')
            sys.stdout.flush()
            os._exit(0)
        if pid == 0:
            os._exit(0)
        _sandbox_die('seccomp filter did not block fork')

    if cpu > 0:
        _sandbox_setlimit(resource.RLIMIT_CPU, cpu, cpu + 1)
    if fsize > 0:
        _sandbox_setlimit(resource.RLIMIT_FSIZE, fsize, fsize)
    _sandbox_setlimit(resource.RLIMIT_CORE, 0, 0)

    if mode == 'node':
        if mem > 0:
            _sandbox_setlimit(resource.RLIMIT_AS, mem, mem)
        import ctypes
        if not rest:
            _sandbox_die('no command')
        path_buf = ctypes.create_string_buffer(rest[0].encode())
        ptr = ctypes.addressof(path_buf)
        if use_seccomp:
            libc = _sandbox_seccomp(ptr)
        else:
            libc = ctypes.CDLL(None, use_errno=True)
        import signal
        for sig in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)   # python ignores these; do not leak that into node
        cargv = (ctypes.c_char_p * (len(rest) + 1))(*[a.encode() for a in rest], None)
        cenv = (ctypes.c_char_p * 2)(('PATH=' + path_env).encode(), None)
        libc.execve.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        libc.execve(ptr, ctypes.addressof(cargv), ctypes.addressof(cenv))
        _sandbox_die('execve(%s) failed: errno %d' % (rest[0], ctypes.get_errno()))

    if mode != 'python':
        _sandbox_die('unknown mode ' + mode)
    if mem > 0:
        _sandbox_setlimit(resource.RLIMIT_AS, mem, mem)
    if use_seccomp:
        _sandbox_seccomp(None)
    for k in list(sys.modules):
        if k == 'ctypes' or k.startswith('ctypes.') or k == '_ctypes':
            del sys.modules[k]
    import traceback, linecache, types, builtins
    try:
        with open(os.path.join(wd, 'main.py'), 'rb') as f:
            source = f.read()
    except OSError as e:
        _sandbox_die('cannot read main.py: %r' % (e,))
    _sandbox_install_hook(wd)
    try:
        code = compile(source, 'main.py', 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        if isinstance(e, SyntaxError):
            sys.stderr.write(''.join(traceback.format_exception_only(type(e), e)))
        else:
            sys.stderr.write('SyntaxError: %s\n' % (e,))
        sys.stderr.flush()
        sys.exit(1)
    main = types.ModuleType('__main__')
    main.__file__ = 'main.py'
    main.__builtins__ = builtins
    sys.modules['__main__'] = main
    sys.argv = ['main.py']
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except MemoryError:
        main.__dict__.clear()
        try:
            sys.stdout.flush()
        except BaseException:
            pass
        os.write(2, b'MemoryError\n')
        os._exit(1)
    except BaseException as e:
        tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
        try:
            traceback.print_exception(type(e), e, tb)
        except BaseException:
            os.write(2, ('%s: %s\n' % (type(e).__name__, e)).encode('utf-8', 'replace'))
        sys.exit(1)

_sandbox_main()
`;
