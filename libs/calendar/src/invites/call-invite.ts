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

const TITLE = 'Expert-Vetted pre-vetting call';

/**
 * The call as an iTIP message: a stable UID, METHOD:REQUEST while the call stands (booking and
 * every reschedule), METHOD:CANCEL with STATUS:CANCELLED once cancelled; SEQUENCE rises on every change.
 *
 * Written out directly (it is rendered inside every booking request): the output is byte for byte what
 * ical-generator renders for the same calendar (call-invite.spec.ts compares the two), at a small fraction
 * of its cost (ical-generator folds lines with one TextEncoder call per character).
 */
export function callInvite(i: InviteInput): string {
  const cancelled = i.status === 'cancelled';
  const description =
    `30-minute pre-vetting call (${i.categorySlug}). Join: ${i.joinUrl}\n` +
    'The call starts on time: after the grace period it counts as missed. Reschedule at least 24 hours ahead, once.';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//vetting-platform//vetting-calls//EN',
    `METHOD:${cancelled ? 'CANCEL' : 'REQUEST'}`,
    `NAME:${TITLE}`,
    `X-WR-CALNAME:${TITLE}`,
    'BEGIN:VEVENT',
    `UID:vetting-call-${i.callId}@vetting-platform`,
    `SEQUENCE:${i.sequence}`,
    `DTSTAMP:${icsDate(i.stamp)}`,
    `DTSTART:${icsDate(i.startsAt)}`,
    `DTEND:${icsDate(i.endsAt)}`,
    `SUMMARY:${escapeText(TITLE)}`,
    `LOCATION:${escapeText(i.joinUrl)}`,
    `DESCRIPTION:${escapeText(description)}`,
    `ORGANIZER;CN="${escapeQuoted(i.organizer.name)}":mailto:${escapeText(i.organizer.email)}`,
    attendee(
      `ROLE=REQ-PARTICIPANT;PARTSTAT=${cancelled ? 'DECLINED' : 'NEEDS-ACTION'};RSVP=${cancelled ? 'FALSE' : 'TRUE'}`,
      i.freelancer,
    ),
    attendee('ROLE=CHAIR;PARTSTAT=ACCEPTED', i.organizer),
    `URL;VALUE=URI:${escapeText(i.joinUrl)}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    `CREATED:${icsDate(i.createdAt)}`,
    `LAST-MODIFIED:${icsDate(i.updatedAt)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n');
}

function attendee(params: string, who: { name: string; email: string }): string {
  const cn = who.name ? `;CN="${escapeQuoted(who.name)}"` : '';
  return `ATTENDEE;${params}${cn}:MAILTO:${escapeText(who.email)}`;
}

/** UTC, to the second: 20261201T100000Z. */
function icsDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as \n. */
const escapeText = (s: string) => s.replace(/[\\;,]/g, (m) => `\\${m}`).replace(/\r\n|\r|\n/g, '\\n');

/** Inside a quoted parameter value: backslash and double quote escaped, line breaks as \n. */
const escapeQuoted = (s: string) => s.replace(/[\\"]/g, (m) => `\\${m}`).replace(/\r\n|\r|\n/g, '\\n');

/**
 * Folds a content line (RFC 5545 §3.1) as ical-generator does: a break (CRLF and a space) before the character
 * that would take the line past 74 octets of UTF-8; a surrogate pair is never split.
 */
function fold(line: string): string {
  let ascii = true;
  for (let k = 0; k < line.length; k++) if (line.charCodeAt(k) > 0x7f) ascii = false;
  if (ascii && line.length <= 74) return line;
  let out = '';
  let octets = 0;
  for (let k = 0; k < line.length; k++) {
    const code = line.charCodeAt(k);
    let ch = line[k];
    let size: number;
    if (code >= 0xd800 && code <= 0xdbff) {
      // a high surrogate: with its low half, one 4-octet character (a lone one encodes as U+FFFD, 3 octets)
      ch += line.charAt(++k);
      size = ch.length === 2 && isLowSurrogate(ch.charCodeAt(1)) ? 4 : utf8Size(ch);
    } else {
      size = code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    }
    octets += size;
    if (octets > 74) {
      out += '\r\n ';
      octets = size;
    }
    out += ch;
  }
  return out;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const utf8Size = (s: string) => Buffer.byteLength(s, 'utf8');
