import type { Socket } from 'socket.io-client';

/** What a join ack (`call:join`, `attempt:join`, `proctor:watch`) hands over for media. */
export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/** A person's media state, shown on the other side ("muted", "camera off"). */
export interface PeerMediaState {
  audio: boolean;
  video: boolean;
}

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/**
 * How the pages join a media room:
 * - `call`: two people see and hear each other (the vetting call);
 * - `publish`: the candidate's camera goes to every admitted viewer who asks (watching proctors);
 * - `view`: a proctor receives one candidate's camera.
 */
export type MediaRole =
  { mode: 'call'; peerId: string; offerer: boolean } | { mode: 'publish' } | { mode: 'view'; peerId: string };

export interface MediaJoin {
  socket: Socket;
  /** `call:<id>` or `attempt:<id>`: the server admits signals by this room's rules. */
  room: string;
  ice: IceConfig;
  role: MediaRole;
  /** The tracks this side sends (none for a viewer). */
  local: MediaStream | null;
  onRemoteStream?: (peerId: string, stream: MediaStream) => void;
  onPeerState?: (peerId: string, state: PeerMediaState) => void;
  onLinkState?: (peerId: string, state: LinkState) => void;
}

export interface MediaSession {
  /** Tells the other side(s) this side's microphone/camera state (the tracks are enabled/disabled by the caller). */
  setLocalState(state: PeerMediaState): void;
  /** Sends this camera track from now on (a camera turned back on). */
  replaceVideoTrack(track: MediaStreamTrack | null): void;
  /** Stops sending and receiving; closes every connection. */
  close(): void;
}

/**
 * The seam between the pages and the media transport. Today's provider is peer-to-peer WebRTC (one
 * connection per pair, signalled over `/live` `rtc:signal`); an SFU provider (LiveKit, mediasoup) can
 * implement the same `join` for many viewers, and the pages do not change.
 */
export interface MediaProvider {
  join(options: MediaJoin): MediaSession;
}
