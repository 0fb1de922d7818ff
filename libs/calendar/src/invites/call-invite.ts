import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export interface InviteInput {
  callId: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
  categorySlug: string;
  joinUrl: string;
  organizer: { name: string; email: string };
  freelancer: { name: string; email: string };
  /** Instant the file is generated (DTSTAMP), from the injected clock. */
  stamp: Date;
}

/**
 * The call as an iTIP message: a stable UID, METHOD:REQUEST while the call stands (booking and
 * every reschedule), METHOD:CANCEL with STATUS:CANCELLED once cancelled; SEQUENCE rises on every change.
 */
export function callInvite(i: InviteInput): string {
  const cancelled = i.status === 'cancelled';
  const cal = ical({
    prodId: { company: 'vetting-platform', product: 'vetting-calls', language: 'EN' },
    name: 'Expert-Vetted pre-vetting call',
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  cal.createEvent({
    id: `vetting-call-${i.callId}@vetting-platform`,
    sequence: i.sequence,
    stamp: i.stamp,
    created: i.createdAt,
    lastModified: i.updatedAt,
    start: i.startsAt,
    end: i.endsAt,
    summary: 'Expert-Vetted pre-vetting call',
    description: `30-minute pre-vetting call (${i.categorySlug}). Join: ${i.joinUrl}\nThe call starts on time: after the grace period it counts as missed. Reschedule at least 24 hours ahead, once.`,
    url: i.joinUrl,
    location: i.joinUrl,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: i.organizer.name, email: i.organizer.email },
    attendees: [
      {
        name: i.freelancer.name,
        email: i.freelancer.email,
        role: ICalAttendeeRole.REQ,
        status: cancelled ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.NEEDSACTION,
        rsvp: !cancelled,
      },
      {
        name: i.organizer.name,
        email: i.organizer.email,
        role: ICalAttendeeRole.CHAIR,
        status: ICalAttendeeStatus.ACCEPTED,
      },
    ],
  });
  return cal.toString();
}
