import { SignalWriteBatch, runningTotals } from './signal-batch';

/** A write whose batches the test releases one by one. */
function gatedWrite<E>() {
  const batches: E[][] = [];
  const gates: Array<{ ok: (r: (string | Error)[]) => void; fail: (e: unknown) => void }> = [];
  const write = (entries: E[]) =>
    new Promise<(string | Error)[]>((ok, fail) => {
      batches.push(entries);
      gates.push({ ok, fail });
    });
  return { batches, gates, write };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('SignalWriteBatch', () => {
  afterEach(() => jest.useRealTimers());

  it('writes nothing before the window ends, then everything that arrived in it as one batch, in order', async () => {
    jest.useFakeTimers();
    const writes: string[][] = [];
    const batch = new SignalWriteBatch<string, string>(
      async (e) => (writes.push(e), e.map((x) => `stored ${x}`)),
      5,
      100,
    );
    const results = [batch.add('a'), batch.add('b'), batch.add('c')];
    jest.advanceTimersByTime(4);
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(writes).toEqual([['a', 'b', 'c']]);
    await expect(Promise.all(results)).resolves.toEqual(['stored a', 'stored b', 'stored c']);
  });

  it('writes at once when the batch is full, and the rest after the running write', async () => {
    const w = gatedWrite<number>();
    const batch = new SignalWriteBatch<number, string>(w.write, 60_000, 2);
    const first = [batch.add(1), batch.add(2)];
    expect(w.batches).toEqual([[1, 2]]);
    const later = [batch.add(3), batch.add(4), batch.add(5)];
    expect(w.batches).toHaveLength(1); // one write at a time
    w.gates[0].ok(['1', '2']);
    await expect(Promise.all(first)).resolves.toEqual(['1', '2']);
    await settle();
    // What waited during the write goes at once, at most `max` per batch.
    expect(w.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    w.gates[1].ok(['3', '4']);
    await settle();
    expect(w.batches).toEqual([[1, 2], [3, 4], [5]]);
    w.gates[2].ok(['5']);
    await expect(Promise.all(later)).resolves.toEqual(['3', '4', '5']);
  });

  it('with a window of 0 writes each signal that finds no write running at once', async () => {
    const w = gatedWrite<string>();
    const batch = new SignalWriteBatch<string, string>(w.write, 0, 100);
    const a = batch.add('a');
    expect(w.batches).toEqual([['a']]);
    const b = batch.add('b');
    const c = batch.add('c');
    w.gates[0].ok(['A']);
    await settle();
    expect(w.batches).toEqual([['a'], ['b', 'c']]);
    w.gates[1].ok(['B', 'C']);
    await expect(Promise.all([a, b, c])).resolves.toEqual(['A', 'B', 'C']);
  });

  it('an entry answered with an error is refused alone; the others of its batch are stored', async () => {
    const batch = new SignalWriteBatch<string, string>(
      async (e) => e.map((x) => (x === 'late' ? new Error('ATTEMPT_NOT_ACTIVE') : x)),
      0,
      100,
    );
    const [ok, refused] = [batch.add('early'), batch.add('late')];
    await expect(ok).resolves.toBe('early');
    await expect(refused).rejects.toThrow('ATTEMPT_NOT_ACTIVE');
  });

  it('a failed write refuses its whole batch and the next batch is still written', async () => {
    const w = gatedWrite<string>();
    const batch = new SignalWriteBatch<string, string>(w.write, 0, 100);
    const a = batch.add('a');
    const b = batch.add('b');
    w.gates[0].fail(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await settle();
    expect(w.batches).toEqual([['a'], ['b']]);
    w.gates[1].ok(['B']);
    await expect(b).resolves.toBe('B');
  });

  it('an entry the write answers nothing for is refused, not left hanging', async () => {
    const batch = new SignalWriteBatch<string, string>(async () => ['one'], 1, 100);
    const [first, second] = [batch.add('a'), batch.add('b')];
    await expect(first).resolves.toBe('one');
    await expect(second).rejects.toThrow('no result');
  });

  it('idle writes what is queued without waiting for the window and resolves when nothing is left', async () => {
    const writes: string[][] = [];
    const batch = new SignalWriteBatch<string, string>(async (e) => (writes.push(e), e), 60_000, 100);
    const a = batch.add('a');
    const b = batch.add('b');
    expect(batch.size).toBe(2);
    await batch.idle();
    expect(writes).toEqual([['a', 'b']]);
    expect(batch.size).toBe(0);
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    await batch.idle(); // nothing queued: resolves at once
    expect(writes).toHaveLength(1);
  });

  it('idle waits for what was queued when it was called, not for what arrives meanwhile', async () => {
    const w = gatedWrite<string>();
    const batch = new SignalWriteBatch<string, string>(w.write, 60_000, 100);
    void batch.add('a');
    let idle = false;
    const done = batch.idle().then(() => (idle = true));
    expect(w.batches).toEqual([['a']]);
    const b = batch.add('b'); // arrives while 'a' is being written
    w.gates[0].ok(['A']);
    await done;
    expect(idle).toBe(true);
    // 'b' still goes right after the running write, without waiting for the window.
    await settle();
    expect(w.batches).toEqual([['a'], ['b']]);
    w.gates[1].ok(['B']);
    await expect(b).resolves.toBe('B');
  });

  it('idle waits through several batches when more was queued than one batch holds', async () => {
    const writes: string[][] = [];
    const batch = new SignalWriteBatch<string, string>(async (e) => (writes.push(e), e), 60_000, 2);
    const all = ['a', 'b', 'c', 'd', 'e'].map((x) => batch.add(x));
    await batch.idle();
    expect(writes).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    await expect(Promise.all(all)).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('close writes what is queued at once and refuses what comes after', async () => {
    const writes: string[][] = [];
    const batch = new SignalWriteBatch<string, string>(async (e) => (writes.push(e), e), 60_000, 100);
    const queued = batch.add('a');
    await batch.close(new Error('shutting down'));
    expect(writes).toEqual([['a']]);
    await expect(queued).resolves.toBe('a');
    await expect(batch.add('late')).rejects.toThrow('shutting down');
    expect(writes).toHaveLength(1);
  });
});

describe('runningTotals', () => {
  it('gives each signal the total right after it: the new total minus the points of later signals of its attempt', () => {
    const signals = [
      { attemptId: 'a', points: 1 },
      { attemptId: 'b', points: 2 },
      { attemptId: 'a', points: 3 },
      { attemptId: 'a', points: 0 },
      { attemptId: 'b', points: 1 },
    ];
    expect(
      runningTotals(
        signals,
        new Map([
          ['a', 14],
          ['b', 3],
        ]),
      ),
    ).toEqual([11, 2, 14, 14, 3]);
  });

  it('answers undefined for signals of attempts that got no new total (refused)', () => {
    expect(
      runningTotals(
        [
          { attemptId: 'a', points: 1 },
          { attemptId: 'x', points: 1 },
        ],
        new Map([['a', 1]]),
      ),
    ).toEqual([1, undefined]);
  });

  it('is empty for an empty batch', () => {
    expect(runningTotals([], new Map())).toEqual([]);
  });
});
