import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { InviteInput, callInvite } from './call-invite';

/** The reference: the same calendar built with ical-generator (what callInvite rendered before it was written out). */
function withIcalGenerator(i: InviteInput): string {
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

const base: InviteInput = {
  callId: '8a6e0804-2bd0-4672-b79b-d97c0db4f3e1',
  status: 'scheduled',
  startsAt: new Date('2026-12-01T10:00:00Z'),
  endsAt: new Date('2026-12-01T10:30:00Z'),
  sequence: 0,
  createdAt: new Date('2026-11-27T23:00:00.123Z'),
  updatedAt: new Date('2026-11-27T23:05:09.999Z'),
  categorySlug: 'web-mobile-software-dev',
  joinUrl: 'http://localhost:3000/calls/8a6e0804-2bd0-4672-b79b-d97c0db4f3e1',
  organizer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  freelancer: { name: 'Grace Hopper', email: 'grace@example.com' },
  stamp: new Date('2026-11-27T23:00:01.456Z'),
};

describe('callInvite', () => {
  const cases: [string, InviteInput][] = [
    ['a booking', base],
    ['a reschedule', { ...base, status: 'rescheduled', sequence: 3 }],
    ['a cancellation', { ...base, status: 'cancelled', sequence: 2 }],
    [
      'names to escape (quotes, backslash, separators, a line break)',
      {
        ...base,
        organizer: { name: 'O\'Brien, "Pat"; \\ the TM', email: 'pat;x,y@example.com' },
        freelancer: { name: 'Zoë, "the; dev"\nsecond line', email: 'zoe@example.com' },
      },
    ],
    [
      'multi-byte characters around the fold (accents, CJK, emoji pairs)',
      {
        ...base,
        organizer: {
          name: 'Ünïcödé Ｔａｌｅｎｔ マネージャー 田中太郎 📅📅📅 名前がとても長い人 😀',
          email: 'tm@example.com',
        },
        freelancer: { name: `${'é'.repeat(40)}${'😀'.repeat(30)}`, email: 'f@example.com' },
        categorySlug: 'data-science',
      },
    ],
    ['a lone surrogate', { ...base, freelancer: { name: `${'a'.repeat(60)}\ud83d${'b'.repeat(20)}`, email: 'x@y.z' } }],
    [
      'a long join URL and category',
      {
        ...base,
        joinUrl: `https://vetting.example.com/${'deep/'.repeat(30)}calls/${base.callId}`,
        categorySlug: 'x'.repeat(90),
      },
    ],
    ['an attendee without a name', { ...base, freelancer: { name: '', email: 'anon@example.com' } }],
  ];

  it.each(cases)('%s: byte for byte what ical-generator renders', (_, input) => {
    expect(callInvite(input)).toBe(withIcalGenerator(input));
  });

  it('carries the method, the stable UID and the sequence', () => {
    const ics = callInvite({ ...base, status: 'cancelled', sequence: 4 });
    expect(ics).toContain('METHOD:CANCEL\r\n');
    expect(ics).toContain('STATUS:CANCELLED\r\n');
    expect(ics).toContain(`UID:vetting-call-${base.callId}@vetting-platform\r\n`);
    expect(ics).toContain('SEQUENCE:4\r\n');
  });
});
