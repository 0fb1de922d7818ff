import {
  ConnectedSocket,
  MessageBody,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig, Clock } from '@vetting/core';
import { MediaRepository } from '../data/media.repository';
import { mediaRateLimited, mediaRefused, invalidMediaRoom } from '../domain/live.errors';
import {
  MediaRoom,
  SignalBucket,
  attemptAdmission,
  callAdmission,
  parseMediaRoom,
  takeSignalToken,
} from '../domain/media.rules';
import { parseRtcSignal } from '../domain/rtc-signal.payload';
import { ack } from '../sockets/live-ack';
import { LivePublisher } from '../sockets/live.publisher';
import { liveUser, userRoom } from '../sockets/live-user';

// The rooms of the call room and the candidate's room (libs/calendar, libs/assessments).
const callRoom = (id: string) => `call:${id}`;
const attemptRoom = (id: string) => `attempt:${id}`;
const proctorRoom = (id: string) => `proctor:attempt:${id}`;

/**
 * `rtc:signal {room, to, description | candidate | state}`: WebRTC signalling relayed to the target user's
 * sockets as `rtc:signal {room, from, ...}`, only between members the server admits (media.rules.ts),
 * checked against the database on every signal. A refused signal is answered `{ok: false, code}` and never relayed.
 */
@WebSocketGateway({ namespace: '/live' })
export class MediaGateway implements OnGatewayDisconnect {
  @WebSocketServer() server!: Namespace;
  private readonly buckets = new Map<string, SignalBucket>();

  constructor(
    private readonly repo: MediaRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly live: LivePublisher,
  ) {}

  handleDisconnect(socket: Socket): void {
    this.buckets.delete(socket.id);
  }

  @SubscribeMessage('rtc:signal')
  signal(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const user = liveUser(socket);
      const env = this.config.env;
      const limits = { perSecond: env.RTC_SIGNAL_RATE, burst: env.RTC_SIGNAL_BURST };
      const take = takeSignalToken(this.buckets.get(socket.id), this.clock.nowMillis(), limits);
      this.buckets.set(socket.id, take.bucket);
      if (!take.allowed) throw mediaRateLimited(Math.ceil(take.retryAfterMs / 1000));
      const signal = parseRtcSignal(body);
      const room = parseMediaRoom(signal.room);
      if (!room) throw invalidMediaRoom();
      const refusal = await this.admission(socket, room, user.id, signal.to);
      if (refusal) throw mediaRefused(refusal);
      const relayed = { room: signal.room, from: user.id, ...signal.payload };
      await this.live.emit(userRoom(signal.to), 'rtc:signal', relayed);
      return { room: signal.room, to: signal.to };
    });
  }

  private async admission(socket: Socket, room: MediaRoom, from: string, to: string) {
    const now = this.clock.now();
    if (room.kind === 'call') {
      const call = await this.repo.call(room.id);
      const facts = call && { ...call, senderInRoom: socket.rooms.has(callRoom(room.id)) };
      return callAdmission(facts, from, to, now, this.config.policy);
    }
    const attempt = await this.repo.attempt(room.id);
    if (!attempt) return attemptAdmission(null, from, to, now);
    const senderIsJoinedCandidate = from === attempt.candidateId && socket.rooms.has(attemptRoom(room.id));
    // Only the candidate's signals need to know who watches (the proctor room spans processes).
    const targetIsWatching = senderIsJoinedCandidate ? await this.isWatching(room.id, to) : false;
    return attemptAdmission(
      {
        ...attempt,
        senderIsJoinedCandidate,
        senderIsWatching: socket.rooms.has(proctorRoom(room.id)),
        targetIsWatching,
      },
      from,
      to,
      now,
    );
  }

  private async isWatching(attemptId: string, userId: string): Promise<boolean> {
    const sockets = await this.server.in(proctorRoom(attemptId)).fetchSockets();
    return sockets.some((s) => (s.data as { user?: { id: string } }).user?.id === userId);
  }
}
