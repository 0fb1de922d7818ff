import type { Socket } from 'socket.io-client';
import { mediaDebug, mediaLog } from './debug';
import type { IceConfig, LinkState, MediaJoin, MediaProvider, MediaSession, PeerMediaState } from './provider';

/** What the server relays: `rtc:signal {room, from, description | candidate | state}`. */
interface IncomingSignal {
  room: string;
  from: string;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit;
  state?: PeerMediaState & { hello?: boolean; restart?: boolean };
}

type Payload =
  | { description: RTCSessionDescriptionInit }
  | { candidate: RTCIceCandidateInit }
  | { state: PeerMediaState & { hello: boolean; restart?: boolean } };

/** The `o=` session id of an SDP: a new one means the other side started a new connection. */
const sessionOf = (sdp?: string) => /^o=\S+ (\d+) /m.exec(sdp ?? '')?.[1] ?? '';

function send(socket: Socket, room: string, to: string, payload: Payload): void {
  mediaLog(
    `send ${Object.keys(payload)[0]} ${'description' in payload ? payload.description.type : 'state' in payload ? JSON.stringify(payload.state) : ''} to ${to.slice(0, 8)}`,
  );
  socket.emit('rtc:signal', { room, to, ...payload }, (ack?: { ok: boolean; code?: string }) => {
    if (ack && !ack.ok) mediaDebug.refusals.push({ room, to, code: ack.code ?? 'ERROR' });
  });
}

interface LinkOptions {
  socket: Socket;
  room: string;
  peerId: string;
  ice: IceConfig;
  offerer: boolean;
  /** Tracks to send; for the offerer `sendonly` when the other side sends nothing back. */
  local: MediaStream | null;
  receive: boolean;
  localState: () => PeerMediaState;
  onRemoteStream?: (stream: MediaStream) => void;
  onPeerState?: (state: PeerMediaState) => void;
  onLinkState?: (state: LinkState) => void;
}

/**
 * One WebRTC connection with one other person. The offerer makes the offers (and ICE restarts); the
 * answerer says hello when it starts (the offerer starts afresh) and asks for an ICE restart when the
 * connection is lost (the offerer restarts ICE on the same connection).
 * Signals are handled one at a time, in order; ICE candidates wait for their description.
 */
class PeerLink {
  private pc: RTCPeerConnection | null = null;
  private remoteSession = '';
  private pending: RTCIceCandidateInit[] = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private restartTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly o: LinkOptions) {}

  private get key() {
    return `${this.o.room}|${this.o.peerId}`;
  }

  start(): void {
    if (this.o.offerer) this.enqueue(() => this.offerAfresh());
    else this.hello();
  }

  hello(): void {
    send(this.o.socket, this.o.room, this.o.peerId, { state: { ...this.o.localState(), hello: true } });
  }

  sendState(): void {
    send(this.o.socket, this.o.room, this.o.peerId, { state: { ...this.o.localState(), hello: false } });
  }

  /** The answerer's connection was lost: ask the offerer for an ICE restart on the same connection. */
  askRestart(): void {
    send(this.o.socket, this.o.room, this.o.peerId, { state: { ...this.o.localState(), hello: false, restart: true } });
  }

  get offerer(): boolean {
    return this.o.offerer;
  }

  get connection(): RTCPeerConnection | null {
    return this.pc;
  }

  handle(s: IncomingSignal): void {
    this.enqueue(() => this.handleNow(s));
  }

  replaceVideoTrack(track: MediaStreamTrack | null): void {
    for (const t of this.pc?.getTransceivers() ?? []) {
      if (
        t.sender &&
        (t.sender.track?.kind === 'video' || t.receiver.track.kind === 'video') &&
        t.direction !== 'recvonly'
      )
        void t.sender.replaceTrack(track).catch(() => undefined);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.pc?.close();
    this.o.onLinkState?.('closed');
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err) => console.warn('media signal', err));
  }

  private newConnection(): RTCPeerConnection {
    this.pc?.close();
    const pc = new RTCPeerConnection({
      iceServers: this.o.ice.iceServers,
      iceTransportPolicy: this.o.ice.iceTransportPolicy ?? 'all',
    });
    this.pc = pc;
    this.pending = [];
    mediaDebug.connections[this.key] = pc;
    pc.onicecandidate = (e) => {
      if (e.candidate && pc === this.pc)
        send(this.o.socket, this.o.room, this.o.peerId, { candidate: e.candidate.toJSON() });
    };
    pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      this.o.onRemoteStream?.(stream);
    };
    pc.oniceconnectionstatechange = () => this.onIceState(pc);
    this.o.onLinkState?.('connecting');
    return pc;
  }

  /**
   * Network loss: the offerer restarts ICE on the same connection (new candidates, same media and DTLS),
   * again every few seconds while it stays lost; the answerer asks the offerer for it.
   */
  private onIceState(pc: RTCPeerConnection): void {
    if (pc !== this.pc || this.closed) return;
    const s = pc.iceConnectionState;
    mediaLog(`ice ${s} (connection ${pc.connectionState})`);
    clearTimeout(this.restartTimer);
    if (s === 'connected' || s === 'completed') this.o.onLinkState?.('connected');
    else if (s === 'disconnected' || s === 'failed') {
      this.o.onLinkState?.('reconnecting');
      // A short blip recovers on its own; a longer one (or a failure) is restarted.
      this.restartTimer = setTimeout(() => this.recover(pc), s === 'failed' ? 0 : 3000);
    }
  }

  private recover(pc: RTCPeerConnection): void {
    if (pc !== this.pc || this.closed) return;
    const s = pc.iceConnectionState;
    if (s === 'connected' || s === 'completed') return;
    mediaLog(`recover (ice ${s})`);
    if (this.o.offerer) this.enqueue(() => this.restartIce());
    else this.askRestart();
    // Until it is back: the relay or the network may still be down.
    this.restartTimer = setTimeout(() => this.recover(pc), 5000);
  }

  /** An ICE restart offer, only from a stable state (an answer still awaited would land on the wrong offer). */
  private async restartIce(): Promise<void> {
    if (!this.pc || this.pc.signalingState !== 'stable') return;
    await this.offer(true);
  }

  private async offerAfresh(): Promise<void> {
    const pc = this.newConnection();
    const tracks = this.o.local?.getTracks() ?? [];
    for (const track of tracks)
      pc.addTransceiver(track, { direction: this.o.receive ? 'sendrecv' : 'sendonly', streams: [this.o.local!] });
    if (this.o.receive) {
      // Receive what the other side sends even when this side has no track of that kind.
      for (const kind of ['audio', 'video'] as const)
        if (!tracks.some((t) => t.kind === kind)) pc.addTransceiver(kind, { direction: 'recvonly' });
    }
    await this.offer(false);
    this.sendState();
  }

  private async offer(iceRestart: boolean): Promise<void> {
    const pc = this.pc;
    if (!pc || this.closed) return;
    if (iceRestart) pc.restartIce();
    const offer = await pc.createOffer(iceRestart ? { iceRestart: true } : undefined);
    await pc.setLocalDescription(offer);
    send(this.o.socket, this.o.room, this.o.peerId, { description: { type: offer.type, sdp: offer.sdp } });
  }

  private async handleNow(s: IncomingSignal): Promise<void> {
    if (this.closed) return;
    mediaLog(
      `got ${s.description ? `description ${s.description.type}` : s.candidate ? 'candidate' : `state ${JSON.stringify(s.state)}`} from ${s.from.slice(0, 8)} (pc ${this.pc?.signalingState ?? 'none'})`,
    );
    if (s.state) {
      this.o.onPeerState?.({ audio: s.state.audio, video: s.state.video });
      if (
        s.state.hello &&
        this.o.offerer &&
        this.pc?.signalingState === 'have-local-offer' &&
        this.pc.localDescription
      ) {
        // Still waiting for the answer to the current offer: send that offer again rather than a new connection
        // (an answer to a replaced offer would otherwise land on the new one).
        const d = this.pc.localDescription;
        send(this.o.socket, this.o.room, this.o.peerId, { description: { type: d.type, sdp: d.sdp } });
      } else if (s.state.hello && this.o.offerer) await this.offerAfresh();
      else if (s.state.restart && this.o.offerer) {
        if (!this.pc || this.pc.signalingState === 'closed') await this.offerAfresh();
        else await this.restartIce();
      } else if (s.state.hello) this.sendState();
      return;
    }
    if (s.description) {
      const d = s.description;
      if (d.type === 'offer' && !this.o.offerer) {
        const session = sessionOf(d.sdp);
        // A new offerer connection (its first offer, or after a restart): start a new connection too.
        const fresh = !this.pc || session !== this.remoteSession || this.pc.signalingState === 'closed';
        const pc = fresh ? this.newConnection() : this.pc!;
        this.remoteSession = session;
        await pc.setRemoteDescription(d);
        if (fresh) this.attachLocal(pc);
        await this.flushCandidates(pc);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send(this.o.socket, this.o.room, this.o.peerId, { description: { type: answer.type, sdp: answer.sdp } });
        this.sendState();
      } else if (d.type === 'answer' && this.o.offerer && this.pc?.signalingState === 'have-local-offer') {
        await this.pc.setRemoteDescription(d);
        await this.flushCandidates(this.pc);
      }
      return;
    }
    if (s.candidate && this.pc) {
      if (!this.pc.remoteDescription) this.pending.push(s.candidate);
      else await this.pc.addIceCandidate(s.candidate).catch(() => undefined); // a stale candidate of an earlier connection
    }
  }

  /** The answerer sends its tracks on the offered transceivers of their kind. */
  private attachLocal(pc: RTCPeerConnection): void {
    const tracks = this.o.local?.getTracks() ?? [];
    for (const t of pc.getTransceivers()) {
      const track = tracks.find((x) => x.kind === t.receiver.track.kind);
      if (track) {
        void t.sender.replaceTrack(track);
        t.sender.setStreams?.(this.o.local!);
        t.direction = 'sendrecv';
      } else t.direction = 'recvonly';
    }
  }

  private async flushCandidates(pc: RTCPeerConnection): Promise<void> {
    const list = this.pending;
    this.pending = [];
    for (const c of list) await pc.addIceCandidate(c).catch(() => undefined);
  }
}

/** Today's media provider: one WebRTC connection per pair of people, signalled through `/live`. */
export const peerToPeer: MediaProvider = {
  join(j: MediaJoin): MediaSession {
    let state: PeerMediaState = {
      audio: j.local?.getAudioTracks().some((t) => t.enabled) ?? false,
      video: j.local?.getVideoTracks().some((t) => t.enabled && t.readyState === 'live') ?? false,
    };
    const links = new Map<string, PeerLink>();
    const link = (peerId: string, offerer: boolean, receive: boolean) => {
      const l = new PeerLink({
        socket: j.socket,
        room: j.room,
        peerId,
        ice: j.ice,
        offerer,
        receive,
        local: j.local,
        localState: () => state,
        onRemoteStream: (s) => j.onRemoteStream?.(peerId, s),
        onPeerState: (s) => j.onPeerState?.(peerId, s),
        onLinkState: (s) => j.onLinkState?.(peerId, s),
      });
      links.set(peerId, l);
      return l;
    };
    const role = j.role;
    if (role.mode === 'call') link(role.peerId, role.offerer, true).start();
    else if (role.mode === 'view') link(role.peerId, false, true).start();
    // publish: a link per viewer, created when the viewer says hello.

    const onSignal = (s: IncomingSignal) => {
      if (s.room !== j.room) return;
      let l = links.get(s.from);
      if (!l && role.mode === 'publish' && s.state?.hello) l = link(s.from, true, false);
      l?.handle(s);
    };
    j.socket.on('rtc:signal', onSignal);
    // After a reconnect of the socket, ask again (the other side may have restarted meanwhile).
    const onConnect = () => {
      for (const l of links.values())
        if (!['connected', 'completed'].includes(l.connection?.iceConnectionState ?? '')) {
          if (l.offerer) l.start();
          else l.hello();
        }
    };
    j.socket.on('connect', onConnect);
    // An answerer's hello may reach nobody (the other side not there yet, or reloading): ask again until an offer comes.
    const asking = setInterval(() => {
      for (const l of links.values()) {
        const pc = l.connection;
        if (!(role.mode === 'call' && role.offerer) && (!pc || pc.connectionState === 'closed')) l.hello();
      }
    }, 4000);
    if (j.local) mediaDebug.local = j.local;
    return {
      setLocalState(next) {
        state = next;
        for (const l of links.values()) l.sendState();
      },
      replaceVideoTrack(track) {
        for (const l of links.values()) l.replaceVideoTrack(track);
      },
      close() {
        clearInterval(asking);
        j.socket.off('rtc:signal', onSignal);
        j.socket.off('connect', onConnect);
        for (const l of links.values()) l.close();
        links.clear();
      },
    };
  },
};
