import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppConfig, Clock } from '@vetting/core';
import { User } from '@vetting/identity';
import { invalidField } from '../domain/calendar.errors';
import { parseInstant } from '../domain/instants';
import { Bounds, SlotPolicy, UTC, slotBounds } from '../domain/slot-grid.rules';
import { cachedWindow, covers, offeredStarts, slotListCategory, startsWithin } from '../domain/slot-cache.rules';
import { AvailabilityRepository } from '../data/availability.repository';

export interface SlotsRequest {
  invitationId: string;
  from?: string;
  to?: string;
  timeZone?: string;
}

export interface SlotView {
  startsAt: string;
  endsAt: string;
  localStartsAt: string;
}

/** A category's offered starts over a window, computed under one version of its slot list. */
interface Entry {
  version: bigint;
  window: Bounds;
  starts: Float64Array;
  /** The answers' strings, per zone of `localStartsAt`, filled index by index as requests need them. */
  views: Map<string, (SlotView | undefined)[]>;
  /** Whole JSON answers by zone and index range (the lead time moves the range once per call length). */
  bodies: Map<string, string>;
}

/** Zones and answers kept per entry before they are dropped (a bound on memory, not a tuning knob). */
const MAX_ZONES = 64;
const MAX_BODIES = 256;

/**
 * The freelancers' slot list (GET /api/vetting/slots), cached per category in this process.
 *
 * Every request still reads, in one statement, the invitation, the cooldown and the category's version
 * (`AvailabilityRepository.slotListFacts`): the database's triggers raise that version in the transaction of
 * every change that moves a slot (bookings, cancellations, reschedules, calls ending, availability, categories,
 * roles), so a change made by any api process is seen by the next request of every process. A cached list is
 * used only when it was computed under that version or a later one and its window covers the request; the lead
 * time and the horizon (`now`, from the injected clock) are applied per request. Concurrent requests that miss
 * share one computation. Booking does not use this cache: it reads who is free again and the database decides
 * (a slot listed a moment ago may still be refused with SLOT_UNAVAILABLE).
 */
@Injectable()
export class SlotListService {
  private readonly entries = new Map<string, Entry>();
  private readonly computing = new Map<string, Promise<Entry>>();

  constructor(
    private readonly availability: AvailabilityRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private get policy(): SlotPolicy {
    const p = this.config.policy;
    return { callLength: p.callLength, minBookingLead: p.minBookingLead, bookingHorizon: p.bookingHorizon };
  }

  /** The answer as an object (its slot views are shared: do not modify them). */
  async slots(freelancer: User, q: SlotsRequest): Promise<{ timeZone: string; slots: SlotView[] }> {
    const found = await this.find(freelancer, q);
    if (!found.entry) return { timeZone: found.zone, slots: [] };
    return { timeZone: found.zone, slots: this.viewsOf(found.entry, found.zone, found.range) };
  }

  /** The answer as JSON text, as the HTTP route sends it. */
  async slotsJson(freelancer: User, q: SlotsRequest): Promise<string> {
    const found = await this.find(freelancer, q);
    if (!found.entry) return JSON.stringify({ timeZone: found.zone, slots: [] });
    const { entry, zone, range } = found;
    const key = `${range[0]}:${range[1]}:${zone}`;
    let body = entry.bodies.get(key);
    if (body === undefined) {
      body = JSON.stringify({ timeZone: zone, slots: this.viewsOf(entry, zone, range) });
      if (entry.bodies.size >= MAX_BODIES) entry.bodies.clear();
      entry.bodies.set(key, body);
    }
    return body;
  }

  private async find(freelancer: User, q: SlotsRequest) {
    const now = this.clock.now();
    const facts = await this.availability.slotListFacts(q.invitationId, freelancer.id, now);
    const category = slotListCategory(facts, freelancer.id, now);
    const from = q.from ? parseInstant('from', q.from) : now;
    const to = q.to ? parseInstant('to', q.to) : now.plus(this.config.policy.bookingHorizon);
    if (to <= from) throw invalidField('to', 'to must be after from');
    const zone = q.timeZone ?? freelancer.timeZone;
    const bounds = slotBounds(this.policy, now, from, to);
    if (!bounds) return { zone, entry: null, range: [0, 0] as [number, number] };
    const entry = await this.entryFor(category, BigInt(facts.categoryVersion), now, bounds);
    return { zone, entry, range: startsWithin(entry.starts, bounds) };
  }

  private async entryFor(category: string, version: bigint, now: DateTime, bounds: Bounds): Promise<Entry> {
    const cached = this.entries.get(category);
    if (cached && cached.version >= version && covers(cached.window, bounds)) return cached;
    const window = cachedWindow(this.policy, now);
    // A range the day's window does not cover (it cannot happen with a valid policy): computed for itself.
    if (!window || !covers(window, bounds)) return this.compute(category, version, bounds);
    const key = `${category}\n${version}\n${window.lo}`;
    let pending = this.computing.get(key);
    if (!pending) {
      pending = this.compute(category, version, window).finally(() => this.computing.delete(key));
      this.computing.set(key, pending);
    }
    const entry = await pending;
    const latest = this.entries.get(category);
    if (!latest || latest.version < entry.version || (latest.version === entry.version && latest.window.lo < window.lo))
      this.entries.set(category, entry);
    return entry;
  }

  /**
   * Who is free over the window, read after the version was (so the list is at least as new as the version
   * says), and the starts offered in it.
   */
  private async compute(category: string, version: bigint, window: Bounds): Promise<Entry> {
    const from = DateTime.fromMillis(window.lo, { zone: UTC });
    const to = DateTime.fromMillis(window.hi + 1, { zone: UTC });
    const free = await this.availability.whoIsFree({ categorySlug: category }, from, to);
    return {
      version,
      window,
      starts: offeredStarts(free.schedules, free.booked, window),
      views: new Map(),
      bodies: new Map(),
    };
  }

  private viewsOf(entry: Entry, zone: string, [first, end]: [number, number]): SlotView[] {
    let views = entry.views.get(zone);
    if (!views) {
      if (entry.views.size >= MAX_ZONES) entry.views.clear();
      views = new Array(entry.starts.length);
      entry.views.set(zone, views);
    }
    const out: SlotView[] = [];
    for (let i = first; i < end; i++) {
      let v = views[i];
      if (!v) {
        const startsAt = DateTime.fromMillis(entry.starts[i], { zone: UTC });
        v = Object.freeze({
          startsAt: startsAt.toISO()!,
          endsAt: DateTime.fromMillis(entry.starts[i] + entry.window.callMs, { zone: UTC }).toISO()!,
          localStartsAt: startsAt.setZone(zone).toISO()!,
        });
        views[i] = v;
      }
      out.push(v);
    }
    return out;
  }
}
