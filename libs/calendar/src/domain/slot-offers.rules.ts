import { DateTime, IANAZone } from 'luxon';
import { MS_PER_DAY, ianaZone, localDayBounds, localDayNumber, offsetTable } from './local-days';
import {
  BookedInterval,
  MergedSlot,
  SlotPolicy,
  TalentManagerSchedule,
  TalentManagerSlot,
  UTC,
  compareIds,
  indexBookings,
  ParsedSchedule,
  offsetTables,
  parseSchedule,
  slotBounds,
  slotStartsMs,
  utcFactory,
} from './slot-grid.rules';
import { offersByStart } from './slot-starts.rules';

/*
 * The slots offered to freelancers and the choice of talent manager: pure functions of their arguments.
 * The database enforces two of these rules again when a call is written: no overlap of one talent
 * manager's calls (exclusion constraint on vetting_calls) and the daily cap (talent_manager_day_load_cap,
 * kept by the vetting_calls_day_load trigger); test/medium/calendar-*.medium.spec.ts pin them together.
 */

/**
 * Slots one TM offers whose start lies in [from, to), sorted by start, as UTC DateTimes.
 *
 * For each local date (TM's zone) in range that is not an exception and whose count of this TM's
 * booked calls starting that local day is below `dailyCap`, each weekly window of that ISO weekday is
 * stepped in absolute time by `callLength` from the window's start; a slot must end at or before the
 * window's end, start in [now + minBookingLead, now + bookingHorizon], and not overlap (half-open)
 * any of this TM's booked intervals.
 */
export function slotsForTalentManager(
  s: TalentManagerSchedule,
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  from: DateTime,
  to: DateTime,
): TalentManagerSlot[] {
  const bounds = slotBounds(policy, now, from, to);
  if (!bounds) return [];
  const starts = slotStartsMs(s, indexBookings(booked, s.talentManagerId), bounds, offsetTables(bounds));
  const toDateTime = utcFactory();
  return starts.map((t) => ({
    talentManagerId: s.talentManagerId,
    startsAt: toDateTime(t),
    endsAt: toDateTime(t + bounds.callMs),
  }));
}

/**
 * Union of several TMs' slots, de-duplicated by start instant and sorted by start.
 * Each merged slot carries the (ascending, unique) ids of the TMs offering it; the end is taken
 * from the first TM offering that start.
 */
export function mergeSlots(perTm: TalentManagerSlot[][]): MergedSlot[] {
  const byStart = new Map<number, { startsAt: DateTime; endsAt: DateTime; ids: Set<string> }>();
  for (const slots of perTm) {
    for (const slot of slots) {
      const key = slot.startsAt.toMillis();
      let entry = byStart.get(key);
      if (!entry) {
        entry = { startsAt: slot.startsAt.toUTC(), endsAt: slot.endsAt.toUTC(), ids: new Set() };
        byStart.set(key, entry);
      }
      entry.ids.add(slot.talentManagerId);
    }
  }
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => ({ startsAt: e.startsAt, endsAt: e.endsAt, talentManagerIds: [...e.ids].sort(compareIds) }));
}

/**
 * `slotsForTalentManager` for every schedule, then `mergeSlots` — computed in epoch milliseconds, per
 * distinct start instant (`offersByStart`: each zone's grid is built once and filtered per TM), and only
 * converting the merged, unique slots to DateTimes. Equal, slot for slot and field for field, to the
 * previous per-offer computation (`availableSlotsPerOffer`, slot-offers.reference.ts); a spec pins that.
 */
export function availableSlots(
  schedules: TalentManagerSchedule[],
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  from: DateTime,
  to: DateTime,
): MergedSlot[] {
  const bounds = slotBounds(policy, now, from, to);
  if (!bounds) return [];
  const { times, ids } = offersByStart(schedules, booked, bounds);
  const order: number[] = [];
  for (let i = 0; i < times.length; i++) if (ids[i].length > 0) order.push(i);
  order.sort((a, b) => times[a] - times[b]);
  const toDateTime = utcFactory();
  return order.map((i) => ({
    startsAt: toDateTime(times[i]),
    endsAt: toDateTime(times[i] + bounds.callMs),
    talentManagerIds: ids[i],
  }));
}

/** True when `startsAt` is exactly the start of one of the slots this TM offers (same rules). */
export function offersSlot(
  s: TalentManagerSchedule,
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  startsAt: DateTime,
): boolean {
  const at = startsAt.toMillis();
  if (!Number.isFinite(at)) return false;
  const bounds = slotBounds(policy, now, startsAt, DateTime.fromMillis(at + 1, { zone: UTC }));
  if (!bounds) return false;
  return slotStartsMs(s, indexBookings(booked, s.talentManagerId), bounds, offsetTables(bounds)).includes(at);
}

/**
 * Schedules parsed by `talentManagersOffering`, by the schedule object: the bookings read together share their
 * category's schedule objects (BookingReadRepository), which are read, never changed. A schedule object is treated
 * as immutable once offered here.
 */
const parsedSchedules = new WeakMap<TalentManagerSchedule, ParsedSchedule>();

/**
 * The ids of the schedules offering `startsAt`, in schedule order: `schedules.filter(s => offersSlot(s, …))`
 * (a spec pins the two together), with the bounds, the zones' offset tables and each TM's booking index
 * computed once for all schedules instead of once per schedule.
 */
export function talentManagersOffering(
  schedules: TalentManagerSchedule[],
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  startsAt: DateTime,
): string[] {
  const at = startsAt.toMillis();
  if (!Number.isFinite(at)) return [];
  const bounds = slotBounds(policy, now, startsAt, DateTime.fromMillis(at + 1, { zone: UTC }));
  if (!bounds) return [];
  const offsets = offsetTables(bounds);
  const byTm = new Map<string, BookedInterval[]>();
  for (const b of booked) {
    const list = byTm.get(b.talentManagerId);
    if (list) list.push(b);
    else byTm.set(b.talentManagerId, [b]);
  }
  const indexes = new Map<string, ReturnType<typeof indexBookings>>();
  const offering: string[] = [];
  for (const s of schedules) {
    let index = indexes.get(s.talentManagerId);
    if (!index) {
      index = indexBookings(byTm.get(s.talentManagerId) ?? [], s.talentManagerId);
      indexes.set(s.talentManagerId, index);
    }
    let parsed = parsedSchedules.get(s);
    if (!parsed) {
      parsed = parseSchedule(s);
      parsedSchedules.set(s, parsed);
    }
    if (slotStartsMs(s, index, bounds, offsets, parsed).includes(at)) offering.push(s.talentManagerId);
  }
  return offering;
}

/**
 * The calls `rankTalentManagers` counts: the booked ones and the bookings still being written (`pending`, this
 * process's inserts in flight), each once. Only ranking counts a pending booking, never offering (it may yet
 * fail): bookings that arrive together then spread over the talent managers, as they would one after another,
 * instead of all choosing the same one and queueing on its row locks (its day load and slot version).
 */
export function bookedAndPending(booked: BookedInterval[], pending: readonly BookedInterval[]): BookedInterval[] {
  if (pending.length === 0) return booked;
  const extra = pending.filter(
    (p) =>
      !booked.some((b) => b.talentManagerId === p.talentManagerId && b.startsAt.toMillis() === p.startsAt.toMillis()),
  );
  return extra.length === 0 ? booked : booked.concat(extra);
}

/**
 * Orders the TMs offering a slot, best first: fewest active calls starting on the slot's local day
 * (in each TM's own zone), then fewest active calls starting at or after `now`, then
 * talentManagerId ascending. Duplicate candidate ids are collapsed. A candidate without a schedule
 * (or with an invalid zone) has its local day evaluated in UTC.
 */
export function rankTalentManagers(
  candidateIds: string[],
  schedules: TalentManagerSchedule[],
  booked: BookedInterval[],
  now: DateTime,
  slotStart: DateTime,
): string[] {
  const zoneById = new Map<string, string>();
  for (const s of schedules) if (!zoneById.has(s.talentManagerId)) zoneById.set(s.talentManagerId, s.timeZone);
  const nowMs = now.toMillis();
  const slotMs = slotStart.toMillis();

  const ranked = [...new Set(candidateIds)].map((id) => {
    const zoneName = zoneById.get(id);
    const zone = ianaZone(zoneName) ?? IANAZone.create('UTC');
    // The memoised per-day offsets around the slot (luxon's zone.offset is costly on the booking path).
    const offset = offsetTable(zone, slotMs - 2 * MS_PER_DAY, slotMs + 2 * MS_PER_DAY);
    const [dayStart, dayEnd] = localDayBounds(offset, localDayNumber(offset, slotMs));
    let sameDay = 0;
    let upcoming = 0;
    for (const b of booked) {
      if (b.talentManagerId !== id) continue;
      const start = b.startsAt.toMillis();
      if (start >= dayStart && start < dayEnd) sameDay++;
      if (start >= nowMs) upcoming++;
    }
    return { id, sameDay, upcoming };
  });

  ranked.sort((a, b) => a.sameDay - b.sameDay || a.upcoming - b.upcoming || compareIds(a.id, b.id));
  return ranked.map((r) => r.id);
}
