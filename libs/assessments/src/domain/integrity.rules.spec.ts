import {
  CANDIDATE_SIGNALS,
  IntegrityThresholds,
  SIGNAL_DATA_LIMITS,
  SYSTEM_SIGNALS,
  SignalFact,
  SignalType,
  integrityPoints,
  shouldAutoTerminate,
  signalCounts,
  signalData,
  signalPoints,
  tierOf,
} from './integrity.rules';

/** Points for every signal without data (focus_regained without a duration counts nothing). */
const BASE_POINTS: Record<SignalType, number> = {
  focus_lost: 1,
  focus_regained: 0,
  tab_hidden: 1,
  tab_visible: 0,
  paste: 2,
  copy: 1,
  fullscreen_exit: 1,
  fullscreen_enter: 0,
  extended_display: 3,
  devtools_open: 3,
  camera_off: 1,
  camera_on: 0,
  camera_denied: 3,
  disconnect: 1,
  reconnect: 0,
  proctor_warning: 2,
  proctor_flag: 5,
  proctor_terminate: 0,
  auto_terminate: 0,
};

describe('signal types', () => {
  it('lists the candidate and system signals without overlap', () => {
    expect(CANDIDATE_SIGNALS).toHaveLength(13);
    expect(SYSTEM_SIGNALS).toHaveLength(6);
    const all = [...CANDIDATE_SIGNALS, ...SYSTEM_SIGNALS];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Object.keys(BASE_POINTS).sort());
  });
});

describe('camera signals', () => {
  it('camera_on scores the time the camera was off, one point per full 30 s, like focus_regained', () => {
    expect(signalPoints({ type: 'camera_on', data: { durationMs: 29_999 } })).toBe(0);
    expect(signalPoints({ type: 'camera_on', data: { durationMs: 30_000 } })).toBe(1);
    expect(signalPoints({ type: 'camera_on', data: { durationMs: 95_000 } })).toBe(3);
  });

  it('a camera lost and back after 65 s costs 1 + 2 points; a denied camera 3', () => {
    expect(integrityPoints([{ type: 'camera_off' }, { type: 'camera_on', data: { durationMs: 65_000 } }])).toBe(3);
    expect(signalPoints({ type: 'camera_denied' })).toBe(3);
  });

  it('are candidate signals (the page reports them)', () => {
    expect(CANDIDATE_SIGNALS).toEqual(expect.arrayContaining(['camera_off', 'camera_on', 'camera_denied']));
  });
});

describe('signalPoints', () => {
  it.each(Object.entries(BASE_POINTS) as [SignalType, number][])('%s without data scores %i', (type, points) => {
    expect(signalPoints({ type })).toBe(points);
    expect(signalPoints({ type, data: {} })).toBe(points);
  });

  it.each([
    [0, 0],
    [1, 0],
    [29_999, 0],
    [30_000, 1],
    [30_001, 1],
    [59_999, 1],
    [60_000, 2],
    [65_000, 2],
    [90_000, 3],
    [10 * 60_000, 20],
  ])('focus_regained after %i ms away scores %i (one point per full 30 s)', (durationMs, points) => {
    expect(signalPoints({ type: 'focus_regained', data: { durationMs } })).toBe(points);
  });

  it('never scores a negative duration', () => {
    expect(signalPoints({ type: 'focus_regained', data: { durationMs: -60_000 } })).toBe(0);
  });

  it.each([
    [undefined, 2],
    [0, 2],
    [1, 2],
    [200, 2],
    [201, 3],
    [5000, 3],
  ])('paste of length %s scores %i (more than 200 characters is 3)', (length, points) => {
    expect(signalPoints({ type: 'paste', data: length === undefined ? {} : { length } })).toBe(points);
  });

  it('ignores data that does not belong to the signal', () => {
    expect(signalPoints({ type: 'focus_lost', data: { durationMs: 600_000 } })).toBe(1);
    expect(signalPoints({ type: 'copy', data: { length: 10_000 } })).toBe(1);
    expect(signalPoints({ type: 'tab_visible', data: { durationMs: 600_000 } })).toBe(0);
  });
});

describe('integrityPoints', () => {
  it('is 0 for no signals', () => {
    expect(integrityPoints([])).toBe(0);
  });

  it('sums the points of every signal', () => {
    const signals: SignalFact[] = [
      { type: 'focus_lost' }, // 1
      { type: 'focus_regained', data: { durationMs: 65_000 } }, // 2
      { type: 'tab_hidden' }, // 1
      { type: 'tab_visible' }, // 0
      { type: 'paste', data: { length: 201 } }, // 3
      { type: 'paste', data: { length: 10 } }, // 2
      { type: 'copy' }, // 1
      { type: 'devtools_open' }, // 3
      { type: 'proctor_warning' }, // 2
      { type: 'proctor_flag' }, // 5
      { type: 'reconnect' }, // 0
    ];
    expect(integrityPoints(signals)).toBe(20);
    expect(integrityPoints(signals)).toBe(signals.reduce((s, x) => s + signalPoints(x), 0));
  });

  it('counts repeated signals each time', () => {
    expect(integrityPoints(Array.from({ length: 7 }, () => ({ type: 'focus_lost' as const })))).toBe(7);
  });
});

describe('tierOf', () => {
  const t: IntegrityThresholds = { someAt: 5, majorAt: 12, autoTerminateAt: 0 };

  it.each([
    [0, 'none'],
    [4, 'none'], // someAt − 1
    [5, 'some'], // someAt
    [11, 'some'], // majorAt − 1
    [12, 'major'], // majorAt
    [100, 'major'],
  ])('%i points is %s', (points, tier) => {
    expect(tierOf(points, t)).toBe(tier);
  });

  it('goes straight to major when both thresholds are equal', () => {
    const same: IntegrityThresholds = { someAt: 8, majorAt: 8, autoTerminateAt: 0 };
    expect(tierOf(7, same)).toBe('none');
    expect(tierOf(8, same)).toBe('major');
  });
});

describe('shouldAutoTerminate', () => {
  it('never terminates when the threshold is 0', () => {
    const t: IntegrityThresholds = { someAt: 5, majorAt: 12, autoTerminateAt: 0 };
    for (const p of [0, 1, 12, 1000]) expect(shouldAutoTerminate(p, t)).toBe(false);
  });

  it('terminates at and above the threshold, not below', () => {
    const t: IntegrityThresholds = { someAt: 5, majorAt: 12, autoTerminateAt: 20 };
    expect(shouldAutoTerminate(0, t)).toBe(false);
    expect(shouldAutoTerminate(19, t)).toBe(false);
    expect(shouldAutoTerminate(20, t)).toBe(true);
    expect(shouldAutoTerminate(21, t)).toBe(true);
  });

  it('works with a threshold of 1', () => {
    const t: IntegrityThresholds = { someAt: 1, majorAt: 2, autoTerminateAt: 1 };
    expect(shouldAutoTerminate(0, t)).toBe(false);
    expect(shouldAutoTerminate(1, t)).toBe(true);
  });
});

describe('signalCounts', () => {
  it('is empty for no signals', () => {
    expect(signalCounts([])).toEqual({});
  });

  it('counts each type present, and only those', () => {
    const counts = signalCounts([
      { type: 'focus_lost' },
      { type: 'focus_regained', data: { durationMs: 1000 } },
      { type: 'focus_lost' },
      { type: 'paste', data: { length: 500 } },
      { type: 'focus_lost' },
      { type: 'proctor_warning' },
    ]);
    expect(counts).toEqual({ focus_lost: 3, focus_regained: 1, paste: 1, proctor_warning: 1 });
    expect(counts.copy).toBeUndefined();
  });

  it('counts signals that score nothing too', () => {
    expect(signalCounts([{ type: 'tab_visible' }, { type: 'reconnect' }, { type: 'reconnect' }])).toEqual({
      tab_visible: 1,
      reconnect: 2,
    });
  });
});

describe('signalData', () => {
  it('keeps the known numbers, rounded, and drops anything else', () => {
    expect(signalData({ durationMs: 1234.6, length: 10, note: 'x', nested: { a: 1 } })).toEqual({
      data: { durationMs: 1235, length: 10 },
    });
    expect(signalData({})).toEqual({ data: {} });
  });

  it.each([0, SIGNAL_DATA_LIMITS.durationMs])('accepts durationMs %p (the bounds)', (v) => {
    expect(signalData({ durationMs: v })).toEqual({ data: { durationMs: v } });
  });

  it.each([
    ['durationMs', -1],
    ['durationMs', SIGNAL_DATA_LIMITS.durationMs + 1],
    ['durationMs', 1e14],
    ['durationMs', Number.POSITIVE_INFINITY],
    ['durationMs', Number.NaN],
    ['durationMs', '100'],
    ['length', SIGNAL_DATA_LIMITS.length + 1],
    ['length', 1e308],
    ['length', null],
  ])('refuses %s = %p, naming the field', (field, v) => {
    expect(signalData({ [field]: v })).toEqual({
      field: `data.${field}`,
      problem: expect.stringContaining('from 0 to'),
    });
  });

  it('keeps every accepted value within a 32-bit integer of points', () => {
    expect(signalPoints({ type: 'focus_regained', data: { durationMs: SIGNAL_DATA_LIMITS.durationMs } })).toBeLessThan(
      2 ** 31,
    );
  });
});
