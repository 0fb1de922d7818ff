import { Reconciler } from './reconciler';
import { outboxBackoffSeconds } from '../outbox/outbox-relay';

describe('Reconciler', () => {
  it('runs every sweep even when one fails, then reports the failure', async () => {
    const r = new Reconciler();
    const ran: string[] = [];
    r.register('calls', async () => {
      ran.push('calls');
      throw new Error('database away');
    });
    r.register('attempts', async () => {
      ran.push('attempts');
      return { expired: 1 };
    });
    await expect(r.runAll()).rejects.toThrow('database away');
    expect(ran).toEqual(['calls', 'attempts']);
  });

  it('answers each sweep’s result by name', async () => {
    const r = new Reconciler();
    r.register('attempts', async () => ({ expired: 2 }));
    await expect(r.runAll()).resolves.toEqual({ attempts: { expired: 2 } });
  });
});

describe('outbox backoff', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect([1, 2, 3, 4].map(outboxBackoffSeconds)).toEqual([1, 2, 4, 8]);
    expect(outboxBackoffSeconds(30)).toBe(300);
  });
});
