import { SignalRelay } from './signal-relay';

describe('SignalRelay', () => {
  it('knows an attempt once a stored total is given, until forgotten', () => {
    const r = new SignalRelay();
    expect(r.knows('a')).toBe(false);
    r.stored('a', 3);
    expect(r.knows('a')).toBe(true);
    r.forget('a');
    expect(r.knows('a')).toBe(false);
  });

  it('answers the running total: stored base plus every relayed signal not yet stored', () => {
    const r = new SignalRelay();
    r.stored('a', 4);
    expect(r.reserve('a', 1)).toBe(5);
    expect(r.reserve('a', 3)).toBe(8);
    r.settle('a', 1, 5); // the first write stored 5
    expect(r.reserve('a', 0)).toBe(8);
    r.settle('a', 3, 8);
    expect(r.reserve('a', 2)).toBe(10);
  });

  it('a failed write takes its points back out', () => {
    const r = new SignalRelay();
    r.stored('a', 0);
    r.reserve('a', 3);
    r.settle('a', 3);
    expect(r.reserve('a', 1)).toBe(1);
  });

  it('the base never moves down: an older stored total arriving late is ignored', () => {
    const r = new SignalRelay();
    r.stored('a', 10);
    r.stored('a', 7);
    expect(r.reserve('a', 0)).toBe(10);
    r.reserve('a', 2);
    r.settle('a', 2, 9); // a write that saw an older total
    expect(r.reserve('a', 0)).toBe(10);
  });

  it('points stored by others (a proctor flag on another process) raise the base', () => {
    const r = new SignalRelay();
    r.stored('a', 1);
    r.reserve('a', 1);
    r.settle('a', 1, 7); // 5 points of a flag were stored meanwhile
    expect(r.reserve('a', 1)).toBe(8);
  });

  it('keeps at most `capacity` attempts, dropping the least recently used', () => {
    const r = new SignalRelay(2);
    r.stored('a', 1);
    r.stored('b', 2);
    r.stored('a', 3); // a is now the most recent
    r.stored('c', 4);
    expect(r.knows('b')).toBe(false);
    expect(r.knows('a')).toBe(true);
    expect(r.knows('c')).toBe(true);
  });

  it('a relayed signal counts as use: the attempt it belongs to is not the one dropped', () => {
    const r = new SignalRelay(2);
    r.stored('a', 1);
    r.stored('b', 2);
    r.reserve('a', 1); // a is now the most recent
    r.stored('c', 4);
    expect(r.knows('a')).toBe(true);
    expect(r.knows('b')).toBe(false);
  });
});
