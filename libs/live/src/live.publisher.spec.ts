import { decodeLiveMessage, encodeLiveMessage } from './live.publisher';

describe('live channel messages', () => {
  const emit = { origin: 'process-a', kind: 'emit' as const, room: 'proctor:attempt:1', event: 'attempt:signal', payload: { id: 's1', data: { note: 'a b c' } } };

  it('another process reads back what was published, origin included', () => {
    expect(decodeLiveMessage(encodeLiveMessage(emit), 'process-b')).toEqual(emit);
    const close = { origin: 'process-a', kind: 'close-room' as const, room: 'attempt:1' };
    expect(decodeLiveMessage(encodeLiveMessage(close), 'process-b')).toEqual(close);
  });

  it('the publishing process skips its own message (it delivered it already)', () => {
    expect(decodeLiveMessage(encodeLiveMessage(emit), 'process-a')).toBeNull();
  });

  it('the origin is readable without parsing the body', () => {
    expect(encodeLiveMessage(emit).startsWith('process-a {')).toBe(true);
  });

  it('still reads the earlier whole-JSON form (origin inside), so a rolling deploy loses nothing', () => {
    const legacy = JSON.stringify(emit);
    expect(decodeLiveMessage(legacy, 'process-b')).toEqual(emit);
    expect(decodeLiveMessage(legacy, 'process-a')).toBeNull();
    expect(decodeLiveMessage(JSON.stringify({ ...emit, origin: undefined }), 'process-b')).toBeNull();
  });

  it('ignores what is not a live message', () => {
    for (const raw of ['', 'no-body', ' {"kind":"emit"}', 'p not-json', 'p {"kind":"emit","room":"r"}', 'p {"kind":"other","room":"r"}', 'p null', 'p {"kind":"close-room"}']) {
      expect(decodeLiveMessage(raw, 'self')).toBeNull();
    }
  });
});
