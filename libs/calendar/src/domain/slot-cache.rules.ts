import { DateTime } from 'luxon';
import { cooldownActive, notInvited } from '@vetting/talent';
import { MS_PER_DAY } from './local-days';
import { BookedInterval, Bounds, SlotPolicy, TalentManagerSchedule, UTC, countBelow } from './slot-grid.rules';
import { offersByStart } from './slot-starts.rules';

/*
 * The rules behind the slot list's cache (SlotListService). Pure functions of their arguments.
 *
 * A category's offered start instants depend on its talent managers' schedules and booked calls, and on `now`
 * only through the lead time and the horizon, which clip the list (`slotBounds`): a slot is offered for
 * (now, from, to) exactly when it is offered over any wider range and lies within `slotBounds(policy, now, from,
 * to)` — each talent manager's grid is anchored at the start of their window, never at the range. So the starts
 * are computed once over a window covering every `now` of a UTC day (`cachedWindow`), and each request keeps
 * those within its own bounds (`startsWithin`). slot-cache.rules.spec.ts pins that to `availableSlots`.
 */

/** The range whose offered starts are cached for requests made on the UTC day of `now`. */
export function cachedWindow(policy: SlotPolicy, now: DateTime): Bounds | null {
  const callMs = policy.callLength.as('milliseconds');
  if (!Number.isFinite(callMs) || callMs <= 0 || !now.isValid) return null;
  const day = Math.floor(now.toMillis() / MS_PER_DAY) * MS_PER_DAY;
  // The latest `now` of the day plus the horizon, with a day to spare (calendar-aware durations such as P1M).
  const hi = DateTime.fromMillis(day + 2 * MS_PER_DAY, { zone: UTC })
    .plus(policy.bookingHorizon)
    .toMillis();
  if (!Number.isFinite(hi) || hi < day) return null;
  return { callMs, lo: day, hi };
}

/** True when every start `bounds` allows lies in `window`. */
export function covers(window: Bounds, bounds: Bounds): boolean {
  return window.callMs === bounds.callMs && window.lo <= bounds.lo && bounds.hi <= window.hi;
}

/** The start instants (epoch ms, ascending, distinct) at least one talent manager offers within `window`. */
export function offeredStarts(
  schedules: readonly TalentManagerSchedule[],
  booked: readonly BookedInterval[],
  window: Bounds,
): Float64Array {
  const { times, ids } = offersByStart(schedules, booked, window);
  const out: number[] = [];
  for (let i = 0; i < times.length; i++) if (ids[i].length > 0) out.push(times[i]);
  return Float64Array.from(out).sort();
}

/** Index range [first, end) of the ascending `starts` that lie in [bounds.lo, bounds.hi]. */
export function startsWithin(starts: Float64Array, bounds: Pick<Bounds, 'lo' | 'hi'>): [number, number] {
  const first = countBelow(starts, bounds.lo);
  return [first, Math.max(first, countBelow(starts, bounds.hi + 1))];
}

/** What the slot list needs to know about the invitation (read with the category's version). */
export interface SlotListFacts {
  invitation: { freelancerId: string; status: string; categorySlug: string } | null;
  cooldownUntil: DateTime | null;
}

/**
 * May this freelancer list slots with this invitation? Theirs, no cooldown running, open — checked in that
 * order (as TalentService.requireBookableInvitation: a freelancer who missed a call learns when they can come
 * back). Returns the invitation's category; throws NOT_INVITED or COOLDOWN_ACTIVE.
 */
export function slotListCategory(facts: SlotListFacts, freelancerId: string, now: DateTime): string {
  const inv = facts.invitation;
  if (inv && inv.freelancerId !== freelancerId) throw notInvited('This invitation is not yours');
  if (facts.cooldownUntil && facts.cooldownUntil > now) throw cooldownActive(facts.cooldownUntil.toJSDate());
  if (!inv || inv.status !== 'open') throw notInvited();
  return inv.categorySlug;
}
