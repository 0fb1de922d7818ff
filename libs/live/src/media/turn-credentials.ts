import { createHmac } from 'node:crypto';

/** One entry of `RTCConfiguration.iceServers`, as the browser takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest, coturn's `use-auth-secret`): the username is
 * `<expiry unix seconds>:<userId>`, the credential base64(HMAC-SHA1(secret, username)). The TURN server
 * recomputes the HMAC with the same shared secret and refuses a username whose expiry has passed.
 */
export function mintTurnCredential(
  secret: string,
  userId: string,
  expiresAt: Date,
): { username: string; credential: string; expiresAt: number } {
  const expiry = Math.ceil(expiresAt.getTime() / 1000);
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: expiry };
}

export interface IceSettings {
  /** RTC_ICE_SERVERS: servers handed out as they are (STUN, or TURN with static credentials). */
  servers: IceServer[];
  /** TURN_URLS + TURN_SECRET: TURN servers that take minted credentials. */
  turnUrls: string[];
  turnSecret?: string;
}

/** The ICE servers of one user in one room: the configured ones, plus TURN with credentials expiring when the room closes. */
export function iceServersFor(settings: IceSettings, userId: string, roomClosesAt: Date): IceServer[] {
  const out = settings.servers.map((s) => ({ ...s, urls: [...s.urls] }));
  if (settings.turnSecret && settings.turnUrls.length > 0) {
    const { username, credential } = mintTurnCredential(settings.turnSecret, userId, roomClosesAt);
    out.push({ urls: [...settings.turnUrls], username, credential });
  }
  return out;
}
