// What other libs, the apps, tests and benchmarks use of the calendar (nothing else is public).
export { CalendarModule, CalendarWorkerModule } from './calendar.module';
export { CallHistoryEntry, Scorecard, TalentManagerAvailability, VettingCall } from './data/call.entities';
export { CALL_TIMERS_QUEUE, cooldownJobId } from './call-timers/call-timers.service';
export { CallTimersProcessor } from './call-timers/call-timers.processor';
export { CallLifecycleService } from './call-timers/call-lifecycle.service';
export { AvailabilityService } from './availability/availability.service';
export { BookingService } from './booking/booking.service';
export { CallsService } from './calls/calls.service';
export type { BookedInterval, SlotPolicy, TalentManagerSchedule } from './domain/slot-grid.rules';
export { availableSlots, mergeSlots, slotsForTalentManager } from './domain/slot-offers.rules';
// The previous availableSlots, kept as the reference (equivalence spec) and the baseline of bench/slots.ts.
export { availableSlotsPerOffer } from './domain/slot-offers.reference';
// Repositories and the rules they are pinned to, for the medium tests (test/medium/calendar-*.medium.spec.ts).
export { AvailabilityRepository } from './data/availability.repository';
export type { FreeTime } from './data/availability.repository';
export { CallsRepository, StaleCall } from './data/calls.repository';
export type { BookingRow } from './data/calls.repository';
export { BookingReadRepository } from './data/booking-read.repository';
export { BookingWritesService } from './booking/booking-writes.service';
export type { BookingToWrite } from './booking/booking-writes.service';
export { isDayFull, isDuplicateCall, isTimeTaken } from './data/call-conflicts';
export { assertCanReschedule, bookingEntitlement } from './domain/call.rules';
export { offersSlot } from './domain/slot-offers.rules';
