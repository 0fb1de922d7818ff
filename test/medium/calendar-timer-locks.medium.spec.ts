import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { CallLifecycleService, CallsRepository } from '@vetting/calendar';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { draftCall, insertCallRow, insertTalentManager, invitedFreelancer } from '../support/calendar-medium';

/**
 * Timer jobs on settled calls lock nothing: when a grace sweep has settled thousands of calls at once, the grace
 * jobs it made redundant and the calls' later timers find no row to lock, so their transactions stay read-only
 * (no transaction id, no WAL flush on commit). A row lock would leave the locker's xid in the row's xmax.
 */
describe('calendar: timers lock only active calls and settle them set-based', () => {
  let db: MediumDatabase;
  let em: EntityManager;
  let repo: CallsRepository;
  const now = DateTime.utc();

  beforeAll(async () => {
    db = await openMediumDatabase();
    em = db.em();
    repo = new CallsRepository(db.em(), db.orm);
  });
  afterAll(() => db.close());

  async function call(status: 'scheduled' | 'missed', startsAt: DateTime) {
    const tm = await insertTalentManager(em);
    const f = await invitedFreelancer(em);
    const c = Object.assign(draftCall(f, tm, startsAt, now), { id: randomUUID(), status });
    await insertCallRow(em, c);
    return c;
  }
  const xmax = async (id: string) =>
    (await em.execute<{ xmax: string }[]>(`select xmax::text as xmax from vetting_calls where id = ?`, [id]))[0].xmax;

  it('the end timer of a settled call finds nothing to lock; an active call is locked', async () => {
    const missed = await call('missed', now.minus({ minutes: 40 }));
    const active = await call('scheduled', now.minus({ minutes: 40 }));
    const before = await xmax(missed.id);
    const found = await db.em().transactional((tem) => repo.lockActiveAtVersion(tem, missed.id, 1));
    expect(found).toBeNull();
    expect(await xmax(missed.id)).toBe(before);
    const locked = await db.em().transactional((tem) => repo.lockActiveAtVersion(tem, active.id, 1));
    expect(locked?.id).toBe(active.id);
    expect(await xmax(active.id)).not.toBe('0');
  });

  it('settles calls in one statement: status, end and a system history entry each (ended for a completed call)', async () => {
    const a = await call('scheduled', now.minus({ hours: 4 }));
    const b = await call('scheduled', now.minus({ hours: 5 }));
    const at = now.startOf('second').toJSDate();
    await db.em().transactional((tem) =>
      repo.settle(
        tem,
        [
          { id: a.id, from: 'scheduled', to: 'missed' },
          { id: b.id, from: 'in_progress', to: 'completed' },
        ],
        at,
      ),
    );
    const calls = await em.execute<{ id: string; status: string; ended_at: Date }[]>(
      `select id, status, ended_at from vetting_calls where id in (?, ?) order by starts_at desc`,
      [a.id, b.id],
    );
    expect(calls.map((c) => [c.id, c.status, new Date(c.ended_at).getTime()])).toEqual([
      [a.id, 'missed', at.getTime()],
      [b.id, 'completed', at.getTime()],
    ]);
    const history = await em.execute<{ call_id: string; action: string; from_status: string; to_status: string }[]>(
      `select call_id, action, from_status, to_status from call_history
        where call_id in (?, ?) and actor_role = 'system' and actor_id is null and at = ? order by action`,
      [a.id, b.id, at],
    );
    expect(history.map((h) => [h.call_id, h.action, h.from_status, h.to_status])).toEqual([
      [b.id, 'ended', 'in_progress', 'completed'],
      [a.id, 'missed', 'scheduled', 'missed'],
    ]);
  });

  it('a grace job whose call is already settled stops at one read: no sweep, no transaction', async () => {
    const settled = await call('missed', now.minus({ hours: 6 }));
    const due = await call('scheduled', now.minus({ hours: 7 }));
    // Only the repository is real: a sweep would need the clock, config, talent, notifications and outbox.
    const none = {} as never;
    const lifecycle = new CallLifecycleService(db.orm, none, none, none, none, none, none, repo, none);
    await lifecycle.onGrace(settled.id, 1);
    const [row] = await em.execute<{ status: string }[]>(`select status from vetting_calls where id = ?`, [due.id]);
    expect(row.status).toBe('scheduled');
    expect(await repo.isActiveAtVersion(due.id, 1)).toBe(true);
    expect(await repo.isActiveAtVersion(due.id, 2)).toBe(false);
    expect(await repo.isActiveAtVersion(settled.id, 1)).toBe(false);
  });

  it('a grace job of a call already settled locks nothing; its sweep still takes the active calls that are due', async () => {
    const settled = await call('missed', now.minus({ hours: 2 }));
    const due = await call('scheduled', now.minus({ hours: 3 }));
    const notDue = await call('scheduled', now.plus({ hours: 3 }));
    const before = await xmax(settled.id);
    const dueBefore = now.minus({ minutes: 5 }).toJSDate();
    const locked = await db
      .em()
      .transactional((tem) => repo.lockDueForGrace(tem, { id: settled.id, version: 1 }, dueBefore));
    expect(locked.map((c) => c.id)).toContain(due.id);
    expect(locked.map((c) => c.id)).not.toContain(settled.id);
    expect(locked.map((c) => c.id)).not.toContain(notDue.id);
    expect(await xmax(settled.id)).toBe(before);
    // Its own call, still active and not yet due by the clock, is taken at that version (and not at another).
    const own = await db
      .em()
      .transactional((tem) => repo.lockDueForGrace(tem, { id: notDue.id, version: 1 }, dueBefore));
    expect(own.map((c) => c.id)).toContain(notDue.id);
    const stale = await db
      .em()
      .transactional((tem) => repo.lockDueForGrace(tem, { id: notDue.id, version: 2 }, dueBefore));
    expect(stale.map((c) => c.id)).not.toContain(notDue.id);
  });
});
