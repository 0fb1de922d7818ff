import { DateTime, Duration } from 'luxon';

/**
 * Who may send WebRTC signals to whom (`rtc:signal`). Two kinds of media room:
 * - `call:<id>`: the call's freelancer and talent manager, to each other, while the room is open
 *   (from `joinEarly` before the start until the end) and the call is active;
 * - `attempt:<id>`: a running attempt's candidate and the proctors watching it (one-way media from the
 *   candidate; signals both ways: offers and candidates from the candidate, answers and candidates back).
 * These are the same room names as the call room and the candidate's room.
 */
export type MediaRoom = { kind: 'call'; id: string } | { kind: 'attempt'; id: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ROOM = new RegExp(`^(call|attempt):(${UUID})$`, 'i');

export function parseMediaRoom(room: unknown): MediaRoom | null {
  if (typeof room !== 'string') return null;
  const m = ROOM.exec(room);
  return m ? { kind: m[1].toLowerCase() as MediaRoom['kind'], id: m[2].toLowerCase() } : null;
}

export type MediaRefusal = 'RTC_NOT_ADMITTED' | 'RTC_ROOM_CLOSED';

export interface CallMediaFacts {
  status: string;
  startsAt: DateTime;
  endsAt: DateTime;
  freelancerId: string;
  talentManagerId: string;
  /** The sending socket joined the call room (`call:join`) and is still in it. */
  senderInRoom: boolean;
}

const ACTIVE_CALL = ['scheduled', 'rescheduled', 'in_progress'];

/** When the call's media room closes: its end (also the TURN credentials' expiry). */
export const callMediaClosesAt = (c: Pick<CallMediaFacts, 'endsAt'>) => c.endsAt;

/** null when `from` may signal `to` in this call now; otherwise why not. A call that is not theirs is "not admitted". */
export function callAdmission(
  call: CallMediaFacts | null,
  from: string,
  to: string,
  now: DateTime,
  policy: { joinEarly: Duration },
): MediaRefusal | null {
  if (!call) return 'RTC_NOT_ADMITTED';
  const participants = [call.freelancerId, call.talentManagerId];
  if (from === to || !participants.includes(from) || !participants.includes(to)) return 'RTC_NOT_ADMITTED';
  if (!ACTIVE_CALL.includes(call.status) || now < call.startsAt.minus(policy.joinEarly) || now >= call.endsAt)
    return 'RTC_ROOM_CLOSED';
  if (!call.senderInRoom) return 'RTC_NOT_ADMITTED';
  return null;
}

export interface AttemptMediaFacts {
  status: string;
  deadline: DateTime | null;
  candidateId: string;
  /** The sender's socket is in the candidate's room (joined the running attempt). */
  senderIsJoinedCandidate: boolean;
  /** The sender's socket is watching the attempt (`proctor:watch`, proctors and admins only). */
  senderIsWatching: boolean;
  /** `to` has a socket watching the attempt. */
  targetIsWatching: boolean;
}

/** null when `from` may signal `to` about this attempt now: the candidate ↔ a proctor watching it, while it runs. */
export function attemptAdmission(
  a: AttemptMediaFacts | null,
  from: string,
  to: string,
  now: DateTime,
): MediaRefusal | null {
  if (!a || from === to) return 'RTC_NOT_ADMITTED';
  const candidateToProctor = from === a.candidateId && a.senderIsJoinedCandidate && a.targetIsWatching;
  const proctorToCandidate = to === a.candidateId && a.senderIsWatching;
  if (!candidateToProctor && !proctorToCandidate) return 'RTC_NOT_ADMITTED';
  if (a.status !== 'in_progress' || !a.deadline || now >= a.deadline) return 'RTC_ROOM_CLOSED';
  return null;
}

/** A token bucket per socket: `burst` signals at once, refilled at `perSecond`. */
export interface SignalBucket {
  tokens: number;
  at: number;
}

export function takeSignalToken(
  bucket: SignalBucket | undefined,
  nowMs: number,
  limits: { perSecond: number; burst: number },
): { allowed: boolean; bucket: SignalBucket; retryAfterMs: number } {
  const prev = bucket ?? { tokens: limits.burst, at: nowMs };
  const elapsed = Math.max(0, nowMs - prev.at);
  const tokens = Math.min(limits.burst, prev.tokens + (elapsed / 1000) * limits.perSecond);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: nowMs }, retryAfterMs: 0 };
  return {
    allowed: false,
    bucket: { tokens, at: nowMs },
    retryAfterMs: Math.ceil(((1 - tokens) / limits.perSecond) * 1000),
  };
}
