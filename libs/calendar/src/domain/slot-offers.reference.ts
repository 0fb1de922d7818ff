import { DateTime } from 'luxon';
import {
  BookedInterval,
  MergedSlot,
  SlotPolicy,
  TalentManagerSchedule,
  compareIds,
  indexBookings,
  offsetTables,
  slotBounds,
  slotStartsMs,
  utcFactory,
} from './slot-grid.rules';

/*
 * The previous `availableSlots`, kept unchanged as the REFERENCE for the current one: every talent manager's
 * offers materialised one by one (`slotStartsMs`, the same per-TM rules `offersSlot` checks at booking time),
 * then merged by start instant. Not used by the app. `slot-offers.equivalence.spec.ts` requires
 * `availableSlots` to return exactly what this returns, and `bench/slots.ts` measures it as the baseline.
 */

/** `slotStartsMs` for every schedule, merged by start (ids ascending, unique) and sorted by start. */
export function availableSlotsPerOffer(
  schedules: TalentManagerSchedule[],
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  from: DateTime,
  to: DateTime,
): MergedSlot[] {
  const bounds = slotBounds(policy, now, from, to);
  if (!bounds) return [];
  const bookedByTm = new Map<string, BookedInterval[]>();
  for (const b of booked) {
    const list = bookedByTm.get(b.talentManagerId);
    if (list) list.push(b);
    else bookedByTm.set(b.talentManagerId, [b]);
  }
  const idsByStart = new Map<number, Set<string>>();
  const offsetsFor = offsetTables(bounds);
  for (const s of schedules) {
    const ix = indexBookings(bookedByTm.get(s.talentManagerId) ?? [], s.talentManagerId);
    for (const t of slotStartsMs(s, ix, bounds, offsetsFor)) {
      const ids = idsByStart.get(t);
      if (ids) ids.add(s.talentManagerId);
      else idsByStart.set(t, new Set([s.talentManagerId]));
    }
  }
  const toDateTime = utcFactory();
  return [...idsByStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, ids]) => ({
      startsAt: toDateTime(t),
      endsAt: toDateTime(t + bounds.callMs),
      talentManagerIds: [...ids].sort(compareIds),
    }));
}
