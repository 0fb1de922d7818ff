import { invalidField } from './live.errors';

/** The largest SDP and ICE candidate accepted (a call's offer is a few KB; a candidate line well under 1 KB). */
export const RTC_LIMITS = { sdp: 32_000, candidate: 1024, sdpMid: 64, sdpMLineIndex: 64, ufrag: 256 } as const;

export type RtcPayload =
  | { description: { type: 'offer' | 'answer' | 'pranswer' | 'rollback'; sdp: string } }
  | {
      candidate: {
        candidate: string;
        sdpMid: string | null;
        sdpMLineIndex: number | null;
        usernameFragment: string | null;
      };
    }
  /**
   * The sender's media state (shown on the other side); `hello`: the sender has no connection yet (a new page)
   * and asks for a new one; `restart`: its connection was lost and it asks for an ICE restart.
   */
  | { state: { audio: boolean; video: boolean; hello: boolean; restart: boolean } };

export interface RtcSignal {
  room: string;
  to: string;
  payload: RtcPayload;
}

const invalid = invalidField;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function text(v: unknown, field: string, max: number, nullable: boolean): string | null {
  if ((v === undefined || v === null) && nullable) return null;
  // eslint-disable-next-line no-control-regex -- NUL and control characters are what this refuses
  if (typeof v !== 'string' || v.length > max || /[\u0000]/.test(v))
    throw invalid(field, `must be a string of at most ${max} characters`);
  return v;
}

/** `rtc:signal {room, to, description | candidate | state}`: exactly one of the three, every field bounded. */
export function parseRtcSignal(body: unknown): RtcSignal {
  if (!isObject(body)) throw invalid('body', 'must be an object');
  const room = body.room;
  if (typeof room !== 'string' || room.length > 64) throw invalid('room', 'must be call:<id> or attempt:<id>');
  if (typeof body.to !== 'string' || !UUID.test(body.to)) throw invalid('to', 'must be a UUID');
  const given = (['description', 'candidate', 'state'] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw invalid('body', 'must carry exactly one of description, candidate, state');
  const to = body.to.toLowerCase();
  const kind = given[0];
  const v = body[kind];
  if (!isObject(v)) throw invalid(kind, 'must be an object');
  if (kind === 'description') {
    const type = v.type;
    if (type !== 'offer' && type !== 'answer' && type !== 'pranswer' && type !== 'rollback')
      throw invalid('description.type', 'must be offer, answer, pranswer or rollback');
    const sdp =
      type === 'rollback'
        ? (text(v.sdp, 'description.sdp', RTC_LIMITS.sdp, true) ?? '')
        : text(v.sdp, 'description.sdp', RTC_LIMITS.sdp, false)!;
    return { room, to, payload: { description: { type, sdp } } };
  }
  if (kind === 'candidate') {
    const index = v.sdpMLineIndex;
    if (
      index !== undefined &&
      index !== null &&
      (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > RTC_LIMITS.sdpMLineIndex)
    ) {
      throw invalid('candidate.sdpMLineIndex', `must be an integer from 0 to ${RTC_LIMITS.sdpMLineIndex}`);
    }
    return {
      room,
      to,
      payload: {
        candidate: {
          candidate: text(v.candidate, 'candidate.candidate', RTC_LIMITS.candidate, false)!,
          sdpMid: text(v.sdpMid, 'candidate.sdpMid', RTC_LIMITS.sdpMid, true),
          sdpMLineIndex: typeof index === 'number' ? index : null,
          usernameFragment: text(v.usernameFragment, 'candidate.usernameFragment', RTC_LIMITS.ufrag, true),
        },
      },
    };
  }
  for (const f of ['audio', 'video'] as const)
    if (typeof v[f] !== 'boolean') throw invalid(`state.${f}`, 'must be a boolean');
  for (const f of ['hello', 'restart'] as const)
    if (v[f] !== undefined && typeof v[f] !== 'boolean') throw invalid(`state.${f}`, 'must be a boolean');
  return {
    room,
    to,
    payload: {
      state: {
        audio: v.audio as boolean,
        video: v.video as boolean,
        hello: v.hello === true,
        restart: v.restart === true,
      },
    },
  };
}
