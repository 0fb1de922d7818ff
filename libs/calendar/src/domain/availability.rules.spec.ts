import {
  AvailabilityInput,
  WeeklyWindow,
  dailyCapProblem,
  minutesOfDay,
  validateAvailability,
} from './availability.rules';

function input(over: Partial<AvailabilityInput> = {}): AvailabilityInput {
  return {
    timeZone: 'Europe/Berlin',
    weekly: [
      { weekday: 1, start: '09:00', end: '12:00' },
      { weekday: 1, start: '13:00', end: '17:30' },
      { weekday: 3, start: '08:00', end: '24:00' },
    ],
    exceptions: [{ date: '2026-03-27', available: false }],
    ...over,
  };
}

function weekly(...windows: [number, string, string][]): WeeklyWindow[] {
  return windows.map(([weekday, start, end]) => ({ weekday, start, end }));
}

const fields = (i: AvailabilityInput): string[] => validateAvailability(i).map((p) => p.field);

describe('minutesOfDay', () => {
  it.each([
    ['00:00', 0],
    ['00:01', 1],
    ['09:30', 570],
    ['12:00', 720],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('%s → %i', (hhmm, minutes) => {
    expect(minutesOfDay(hhmm)).toBe(minutes);
  });

  it.each(['24:01', '25:00', '9:00', '09:60', '0900', '09:00:00', '', 'ab:cd', ' 09:00'])('rejects %p', (bad) => {
    expect(() => minutesOfDay(bad)).toThrow(RangeError);
  });
});

describe('validateAvailability', () => {
  it('returns no problems for a valid input', () => {
    expect(validateAvailability(input())).toEqual([]);
  });

  it('accepts empty weekly windows and exceptions', () => {
    expect(validateAvailability(input({ weekly: [], exceptions: [] }))).toEqual([]);
  });

  it('accepts touching windows, identical times on different weekdays, and a full day 00:00–24:00', () => {
    const ok = input({
      weekly: weekly(
        [2, '09:00', '12:00'],
        [2, '12:00', '13:00'],
        [2, '13:00', '24:00'],
        [4, '09:00', '12:00'],
        [5, '00:00', '24:00'],
      ),
    });
    expect(validateAvailability(ok)).toEqual([]);
  });

  describe('timeZone', () => {
    it.each(['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])(
      'accepts %p',
      (timeZone) => {
        expect(validateAvailability(input({ timeZone }))).toEqual([]);
      },
    );

    it.each(['UTC+3', 'GMT+03:00', '+03:00', 'Europe/Atlantis', 'Berlin', '', 'CEST'])('rejects %p', (timeZone) => {
      expect(validateAvailability(input({ timeZone }))).toEqual([
        { field: 'timeZone', problem: expect.stringContaining('IANA') },
      ]);
    });

    it('rejects a non-string time zone', () => {
      expect(fields(input({ timeZone: 3 as unknown as string }))).toEqual(['timeZone']);
    });
  });

  describe('weekday', () => {
    it.each([0, 8, -1, 1.5, Number.NaN, '1', null])('rejects %p', (weekday) => {
      const i = input({ weekly: [{ weekday: weekday as number, start: '09:00', end: '10:00' }] });
      expect(validateAvailability(i)).toEqual([
        { field: 'weekly[0].weekday', problem: expect.stringContaining('1 (Monday) to 7 (Sunday)') },
      ]);
    });

    it.each([1, 2, 3, 4, 5, 6, 7])('accepts %i', (weekday) => {
      expect(validateAvailability(input({ weekly: [{ weekday, start: '09:00', end: '10:00' }] }))).toEqual([]);
    });

    it('reports the index of the offending window', () => {
      const i = input({ weekly: weekly([1, '09:00', '10:00'], [2, '09:00', '10:00'], [9, '09:00', '10:00']) });
      expect(fields(i)).toEqual(['weekly[2].weekday']);
    });
  });

  describe('start / end format', () => {
    it.each(['9:00', '24:00', '12:60', '25:00', '09:00:00', 'ab:cd', '', '0900', '-01:00'])(
      'rejects start %p',
      (start) => {
        const i = input({ weekly: [{ weekday: 1, start, end: '23:00' }] });
        expect(validateAvailability(i)).toEqual([
          { field: 'weekly[0].start', problem: expect.stringContaining('HH:mm') },
        ]);
      },
    );

    it.each(['24:01', '24:30', '7pm', '10:5', '', '99:99'])('rejects end %p', (end) => {
      const i = input({ weekly: [{ weekday: 1, start: '09:00', end }] });
      expect(validateAvailability(i)).toEqual([{ field: 'weekly[0].end', problem: expect.stringContaining('HH:mm') }]);
    });

    it('accepts 00:00 as start, 23:59 as start and 24:00 as end', () => {
      expect(validateAvailability(input({ weekly: weekly([1, '00:00', '00:30'], [1, '23:59', '24:00']) }))).toEqual([]);
    });

    it('reports both start and end when both are malformed', () => {
      const i = input({ weekly: [{ weekday: 1, start: 'x', end: 'y' }] });
      expect(fields(i)).toEqual(['weekly[0].start', 'weekly[0].end']);
    });
  });

  describe('end after start', () => {
    it.each([
      ['10:00', '10:00'],
      ['10:00', '09:59'],
      ['23:30', '00:00'],
    ])('rejects %s–%s', (start, end) => {
      const i = input({ weekly: [{ weekday: 4, start, end }] });
      expect(validateAvailability(i)).toEqual([{ field: 'weekly[0].end', problem: 'must be after start' }]);
    });

    it('accepts a one-minute window', () => {
      expect(validateAvailability(input({ weekly: weekly([4, '10:00', '10:01']) }))).toEqual([]);
    });
  });

  describe('overlapping windows on the same weekday', () => {
    it('reports the later window', () => {
      const i = input({ weekly: weekly([1, '09:00', '12:00'], [1, '11:59', '13:00']) });
      expect(validateAvailability(i)).toEqual([
        { field: 'weekly[1]', problem: 'overlaps weekly[0] on the same weekday' },
      ]);
    });

    it('reports the later window (by position) even when it starts earlier', () => {
      const i = input({ weekly: weekly([1, '10:00', '12:00'], [1, '08:00', '10:30']) });
      expect(fields(i)).toEqual(['weekly[1]']);
    });

    it('detects containment and identical windows', () => {
      expect(fields(input({ weekly: weekly([6, '08:00', '18:00'], [6, '10:00', '11:00']) }))).toEqual(['weekly[1]']);
      expect(fields(input({ weekly: weekly([6, '08:00', '09:00'], [6, '08:00', '09:00']) }))).toEqual(['weekly[1]']);
    });

    it('checks every earlier window, not only the previous one', () => {
      const i = input({
        weekly: weekly([2, '09:00', '10:00'], [3, '09:00', '10:00'], [2, '14:00', '15:00'], [2, '09:30', '09:45']),
      });
      expect(validateAvailability(i)).toEqual([
        { field: 'weekly[3]', problem: 'overlaps weekly[0] on the same weekday' },
      ]);
    });

    it('also compares against windows that were themselves reported as overlapping', () => {
      const i = input({ weekly: weekly([2, '09:00', '10:00'], [2, '09:30', '11:00'], [2, '10:30', '12:00']) });
      expect(fields(i)).toEqual(['weekly[1]', 'weekly[2]']);
    });

    it('does not compare windows on different weekdays', () => {
      expect(validateAvailability(input({ weekly: weekly([1, '09:00', '12:00'], [2, '09:00', '12:00']) }))).toEqual([]);
    });

    it('ignores windows that are invalid on their own', () => {
      const i = input({ weekly: weekly([2, '09:00', '12:00'], [2, '11:00', '10:00'], [2, '11:00', 'xx:yy']) });
      expect(fields(i)).toEqual(['weekly[1].end', 'weekly[2].end']);
    });
  });

  describe('exceptions', () => {
    it.each([
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-2-3',
      '20260203',
      '2026-02-03T00:00',
      '03/02/2026',
      '',
    ])('rejects date %p', (date) => {
      const i = input({ exceptions: [{ date, available: false }] });
      expect(validateAvailability(i)).toEqual([
        { field: 'exceptions[0].date', problem: expect.stringContaining('yyyy-MM-dd') },
      ]);
    });

    it.each(['2028-02-29', '2026-12-31', '2026-01-01'])('accepts date %p', (date) => {
      expect(validateAvailability(input({ exceptions: [{ date, available: false }] }))).toEqual([]);
    });

    it('reports duplicate dates on the later entry', () => {
      const i = input({
        exceptions: [
          { date: '2026-04-01', available: false },
          { date: '2026-04-02', available: false },
          { date: '2026-04-01', available: false },
        ],
      });
      expect(validateAvailability(i)).toEqual([
        { field: 'exceptions[2].date', problem: 'duplicates exceptions[0].date' },
      ]);
    });

    it('rejects an exception that is not `available: false`', () => {
      const i = input({ exceptions: [{ date: '2026-04-01', available: true as unknown as false }] });
      expect(fields(i)).toEqual(['exceptions[0].available']);
    });
  });

  it('rejects non-array weekly / exceptions', () => {
    const i = input({ weekly: null as unknown as WeeklyWindow[], exceptions: {} as unknown as [] });
    expect(fields(i)).toEqual(['weekly', 'exceptions']);
  });

  it('reports every problem at once, in input order', () => {
    const i: AvailabilityInput = {
      timeZone: 'UTC+3',
      weekly: [
        { weekday: 0, start: '09:00', end: '10:00' },
        { weekday: 1, start: '09:00', end: '24:01' },
        { weekday: 1, start: '10:00', end: '09:00' },
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 1, start: '11:00', end: '13:00' },
      ],
      exceptions: [
        { date: '2026-02-30', available: false },
        { date: '2026-03-01', available: false },
        { date: '2026-03-01', available: false },
      ],
    };
    expect(fields(i)).toEqual([
      'timeZone',
      'weekly[0].weekday',
      'weekly[1].end',
      'weekly[2].end',
      'weekly[4]',
      'exceptions[0].date',
      'exceptions[2].date',
    ]);
  });
});

describe('dailyCapProblem', () => {
  it('accepts no cap (the default applies) and whole numbers from 1 to the calls that fit in a day', () => {
    expect(dailyCapProblem(undefined, 48)).toBeNull();
    expect(dailyCapProblem(1, 48)).toBeNull();
    expect(dailyCapProblem(48, 48)).toBeNull();
    expect(dailyCapProblem(72, 72)).toBeNull();
  });

  it('refuses a cap above the bound, naming it', () => {
    expect(dailyCapProblem(49, 48)).toEqual({
      field: 'dailyCap',
      problem: 'must be a whole number from 1 to 48 (the calls that fit in a day)',
    });
    expect(dailyCapProblem(25, 24)?.problem).toContain('to 24');
  });

  it('refuses zero, negatives and fractions', () => {
    for (const cap of [0, -1, 2.5]) expect(dailyCapProblem(cap, 48)?.field).toBe('dailyCap');
  });
});
