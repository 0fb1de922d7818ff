import { ConnectedSocket, MessageBody, OnGatewayDisconnect, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig, AppError, Clock } from '@vetting/core';
import { ack } from '../live-ack';
import { LivePublisher } from '../live.publisher';
import { liveUser, userRoom } from '../live-user';
import { MediaRepository } from './media.repository';
import { MediaRoom, SignalBucket, attemptAdmission, callAdmission, parseMediaRoom, takeSignalToken } from './media.rules';
import { parseRtcSignal } from './rtc-signal.payload';

// The rooms of the call room and the candidate's room (libs/calendar, libs/assessments).
const callRoom = (id: string) => `call:${id}`;
const attemptRoom = (id: string) => `attempt:${id}`;
const proctorRoom = (id: string) => `proctor:attempt:${id}`;

const refused = (code: string) =>
  new AppError(403, code, code === 'RTC_ROOM_CLOSED' ? 'The media room is closed' : 'You may not send media signals to this person in this room');

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
      const take = takeSignalToken(this.buckets.get(socket.id), this.clock.nowMillis(), { perSecond: this.config.env.RTC_SIGNAL_RATE, burst: this.config.env.RTC_SIGNAL_BURST });
      this.buckets.set(socket.id, take.bucket);
      if (!take.allowed) {
        const retryAfter = Math.ceil(take.retryAfterMs / 1000);
        throw new AppError(429, 'RATE_LIMITED', `Too many media signals: try again in ${retryAfter} s`, { retryAfter, scope: 'socket' });
      }
      const signal = parseRtcSignal(body);
      const room = parseMediaRoom(signal.room);
      if (!room) throw new AppError(400, 'VALIDATION_FAILED', 'room must be call:<id> or attempt:<id>', { fields: [{ field: 'room', problems: ['room must be call:<id> or attempt:<id>'] }] });
      const refusal = await this.admission(socket, room, user.id, signal.to);
      if (refusal) throw refused(refusal);
      await this.live.emit(userRoom(signal.to), 'rtc:signal', { room: signal.room, from: user.id, ...signal.payload });
      return { room: signal.room, to: signal.to };
    });
  }

  private async admission(socket: Socket, room: MediaRoom, from: string, to: string) {
    const now = this.clock.now();
    if (room.kind === 'call') {
      const call = await this.repo.call(room.id);
      return callAdmission(call && { ...call, senderInRoom: socket.rooms.has(callRoom(room.id)) }, from, to, now, this.config.policy);
    }
    const attempt = await this.repo.attempt(room.id);
    if (!attempt) return attemptAdmission(null, from, to, now);
    const senderIsJoinedCandidate = from === attempt.candidateId && socket.rooms.has(attemptRoom(room.id));
    // Only the candidate's signals need to know who watches (the proctor room spans processes).
    const targetIsWatching = senderIsJoinedCandidate ? await this.isWatching(room.id, to) : false;
    return attemptAdmission(
      { ...attempt, senderIsJoinedCandidate, senderIsWatching: socket.rooms.has(proctorRoom(room.id)), targetIsWatching },
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
