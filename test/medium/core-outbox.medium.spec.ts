import { EntityManager } from '@mikro-orm/postgresql';
import Redis from 'ioredis';
import { AppConfig, Outbox, OutboxRelay, OutboxRepository } from '@vetting/core';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';

/** The outbox statements relays race on: claim (lease, SKIP LOCKED), mark delivered, retry later. */
describe('core: outbox claim and mark-done', () => {
  let db: MediumDatabase;
  let em: EntityManager;
  let repo: OutboxRepository;

  beforeAll(async () => {
    db = await openMediumDatabase();
    em = db.em();
    repo = new OutboxRepository(db.orm);
  });
  afterAll(() => db.close());
  beforeEach(() => em.execute('delete from outbox'));

  const write = (keys: string[]) =>
    db.em().transactional((tem) =>
      repo.insert(
        tem,
        keys.map((key) => ({ topic: 'medium.test', key, payload: { key } })),
      ),
    );
  const keys = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

  it('stores one row per key, however often it is written', async () => {
    await write(['a', 'b']);
    await write(['a', 'b', 'c']);
    const rows = await em.execute<{ idempotency_key: string }[]>('select idempotency_key from outbox order by id');
    expect(rows.map((r) => r.idempotency_key)).toEqual(['a', 'b', 'c']);
  });

  it('claims in id order with the payload and the attempt counted', async () => {
    await write(['a', 'b']);
    const claimed = await repo.claim(10, 30);
    expect(claimed.map((c) => [c.key, c.topic, c.payload, c.attempts])).toEqual([
      ['a', 'medium.test', { key: 'a' }, 1],
      ['b', 'medium.test', { key: 'b' }, 1],
    ]);
  });

  it('two relays claiming concurrently never get the same row', async () => {
    await write(keys(5));
    const [a, b] = await Promise.all([repo.claim(3, 30), new OutboxRepository(db.orm).claim(3, 30)]);
    const ids = [...a, ...b].map((r) => r.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(await repo.claim(10, 30)).toEqual([]); // all leased
  });

  it('many relays at once share 60 rows without overlap', async () => {
    await write(keys(60));
    const batches = await Promise.all(Array.from({ length: 8 }, () => new OutboxRepository(db.orm).claim(10, 30)));
    const ids = batches.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rest = await repo.claim(100, 30);
    expect(ids.length + rest.length).toBe(60);
    expect(new Set([...ids, ...rest.map((r) => r.id)]).size).toBe(60);
  });

  it('a delivered row is never claimed again, also after its lease', async () => {
    await write(['a']);
    const [row] = await repo.claim(10, 0);
    await repo.markDelivered([row.id]);
    expect(await repo.claim(10, 30)).toEqual([]);
    const [stored] = await em.execute<{ delivered: boolean }[]>(
      'select delivered_at is not null as delivered from outbox where id = ?',
      [row.id],
    );
    expect(stored.delivered).toBe(true);
  });

  it('the relay marks the rows of a batch delivered with one statement', async () => {
    await write(keys(5, 'relay'));
    const outbox = { handlerFor: () => async () => undefined } as unknown as Outbox;
    const relay = new OutboxRelay(repo, outbox, {} as AppConfig, {} as Redis);
    expect(await relay.drain()).toBe(5);
    // Rows updated by one statement share its transaction id (xmin); one update per row would give five.
    const [row] = await em.execute<{ delivered: string; xmins: string }[]>(
      `select count(*) filter (where delivered_at is not null)::text as delivered, count(distinct xmin::text)::text as xmins
         from outbox`,
    );
    expect(row).toEqual({ delivered: '5', xmins: '1' });
  });

  it('a lease that runs out (a relay died) makes the row due again, with the attempt counted', async () => {
    await write(['a']);
    const [first] = await repo.claim(10, 0);
    const [second] = await repo.claim(10, 30);
    expect(second.id).toBe(first.id);
    expect(second.attempts).toBe(2);
  });

  it('a failure is retried after its delay, keeping the error', async () => {
    await write(['a', 'b']);
    const [a, b] = await repo.claim(10, 30);
    await repo.retryLater(a.id, 0, 'handler failed');
    await repo.retryLater(b.id, 3600, 'handler failed');
    const again = await repo.claim(10, 30);
    expect(again.map((r) => [r.key, r.attempts])).toEqual([['a', 2]]);
    const [row] = await em.execute<{ last_error: string }[]>('select last_error from outbox where id = ?', [b.id]);
    expect(row.last_error).toBe('handler failed');
  });

  it('prunes rows delivered long ago and keeps the rest', async () => {
    await write(['old', 'recent', 'pending']);
    await em.execute(`update outbox set delivered_at = now() - interval '8 days' where idempotency_key = 'old'`);
    await em.execute(`update outbox set delivered_at = now() - interval '1 day' where idempotency_key = 'recent'`);
    await repo.prune(7);
    const rows = await em.execute<{ idempotency_key: string }[]>('select idempotency_key from outbox order by id');
    expect(rows.map((r) => r.idempotency_key)).toEqual(['recent', 'pending']);
  });
});
