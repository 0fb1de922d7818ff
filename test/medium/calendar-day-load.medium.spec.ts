import { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { isDayFull } from '@vetting/calendar';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { dayLoad, draftCall, insertCallRow, insertTalentManager, invitedFreelancer } from '../support/calendar-medium';

/*
 * The day-load trigger (migrations/Migration20261122000007_daily_cap.ts: `vetting_calls_day_load` keeps per
 * talent manager and local day the active calls, `talent_manager_day_load_cap` refuses the one over the cap).
 * Its TypeScript twin is the `dailyCap` check of the slot rules (domain/slot-grid.rules.ts, pinned in
 * calendar-booking.medium.spec.ts). Rows are written straight into vetting_calls, as any writer would.
 */
describe('calendar day-load trigger (PostgreSQL)', () => {
  let db: MediumDatabase;
  const now = DateTime.utc().startOf('second');
  // A local day in Berlin, well ahead.
  const berlinDay = now.setZone('Europe/Berlin').plus({ days: 10 }).startOf('day');
  const berlin = (h: number, m = 0) => berlinDay.set({ hour: h, minute: m }).toUTC();

  beforeAll(async () => {
    db = await openMediumDatabase();
  });
  afterAll(() => db.close());

  async function insert(tm: string, startsAt: DateTime): Promise<'inserted' | 'day-full'> {
    const f = await invitedFreelancer(db.em());
    try {
      await db.em().transactional((tem) => insertCallRow(tem as EntityManager, draftCall(f, tm, startsAt, now)));
      return 'inserted';
    } catch (err) {
      if (isDayFull(err)) return 'day-full';
      throw err;
    }
  }

  it('concurrent inserts of one local day, cap 2: exactly two stand and the day counts two', async () => {
    const tm = await insertTalentManager(db.em(), { timeZone: 'Europe/Berlin', dailyCap: 2 });
    const outcomes = await Promise.all([9, 10, 11, 12, 13, 14].map((h) => insert(tm, berlin(h))));
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'day-full')).toHaveLength(4);
    expect(await dayLoad(db.em(), tm)).toEqual({ [berlinDay.toISODate()!]: 2 });
    const [{ n }] = await db
      .em()
      .execute(`select count(*)::int as n from vetting_calls where talent_manager_id = ?`, [tm]);
    expect(n).toBe(2);
  });

  it('days are the talent manager’s local days: 00:30 in Berlin is the day before in UTC', async () => {
    const tm = await insertTalentManager(db.em(), { timeZone: 'Europe/Berlin', dailyCap: 1 });
    const lateUtc = berlinDay.plus({ minutes: 30 }).toUTC(); // 23:30 (or 22:30) UTC, the day before
    expect(lateUtc.toISODate()).not.toBe(berlinDay.toISODate());
    expect(await insert(tm, lateUtc)).toBe('inserted');
    expect(await dayLoad(db.em(), tm)).toEqual({ [berlinDay.toISODate()!]: 1 });
    expect(await insert(tm, berlin(12))).toBe('day-full');
    expect(await insert(tm, berlin(12).minus({ days: 1 }))).toBe('inserted');
  });

  it('a cancellation frees the place, a move carries the count to the new day', async () => {
    const tm = await insertTalentManager(db.em(), { timeZone: 'Europe/Berlin', dailyCap: 1 });
    expect(await insert(tm, berlin(9))).toBe('inserted');
    const [{ id }] = await db.em().execute(`select id from vetting_calls where talent_manager_id = ?`, [tm]);
    expect(await insert(tm, berlin(15))).toBe('day-full');

    await db
      .em()
      .execute(`update vetting_calls set starts_at = ?, ends_at = ? where id = ?`, [
        berlin(9).plus({ days: 1 }).toJSDate(),
        berlin(9, 30).plus({ days: 1 }).toJSDate(),
        id,
      ]);
    expect(await dayLoad(db.em(), tm)).toEqual({ [berlinDay.plus({ days: 1 }).toISODate()!]: 1 });
    expect(await insert(tm, berlin(15))).toBe('inserted');

    await db.em().execute(`update vetting_calls set status = 'cancelled' where id = ?`, [id]);
    expect(await dayLoad(db.em(), tm)).toEqual({ [berlinDay.toISODate()!]: 1 });
    expect(await insert(tm, berlin(15).plus({ days: 1 }))).toBe('inserted');
  });

  it('concurrent cancellation and booking of a full day never lose a count', async () => {
    const tm = await insertTalentManager(db.em(), { timeZone: 'Europe/Berlin', dailyCap: 1 });
    expect(await insert(tm, berlin(9))).toBe('inserted');
    const [{ id }] = await db.em().execute(`select id from vetting_calls where talent_manager_id = ?`, [tm]);
    const [, booked] = await Promise.all([
      db.em().execute(`update vetting_calls set status = 'cancelled' where id = ?`, [id]),
      insert(tm, berlin(11)),
    ]);
    const [{ n }] = await db
      .em()
      .execute(`select count(*)::int as n from vetting_calls where talent_manager_id = ? and status = 'scheduled'`, [
        tm,
      ]);
    // Whichever came first, the count matches the active calls and never exceeds the cap.
    expect(await dayLoad(db.em(), tm)).toEqual(n ? { [berlinDay.toISODate()!]: n } : {});
    expect(n).toBe(booked === 'inserted' ? 1 : 0);
  });
});
