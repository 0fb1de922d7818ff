import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { Clock, forbidden } from '@vetting/core';
import { IceServers, LivePublisher, ack, liveUser } from '@vetting/live';
import { stringField, uuidField } from '../attempt-room/live-payload';
import { PROCTOR_LOBBY, attemptRoom, proctorRoom } from '../attempt-room/rooms';
import { IntegritySignals } from './integrity-signals';
import { LiveAttempts } from './live-attempts';
import { TerminateAttempt } from './terminate-attempt';

const isProctor = (role: string) => role === 'proctor' || role === 'admin';

/** Proctors watch attempts live: the timeline so far, then every signal and progress event as it happens. */
@WebSocketGateway({ namespace: '/live' })
export class ProctorGateway implements OnGatewayConnection {
  constructor(
    private readonly attempts: LiveAttempts,
    private readonly signals: IntegritySignals,
    private readonly terminating: TerminateAttempt,
    private readonly live: LivePublisher,
    private readonly ice: IceServers,
    private readonly clock: Clock,
  ) {}

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data?.user;
    if (user && isProctor(user.role)) await socket.join(PROCTOR_LOBBY);
  }

  private proctor(socket: Socket) {
    const user = liveUser(socket);
    if (!isProctor(user.role)) throw forbidden('Only proctors and admins may do this');
    return user;
  }

  @SubscribeMessage('proctor:lobby')
  lobby(@ConnectedSocket() socket: Socket) {
    return ack(async () => {
      this.proctor(socket);
      await socket.join(PROCTOR_LOBBY);
      return this.attempts.running();
    });
  }

  @SubscribeMessage('proctor:watch')
  watch(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const user = this.proctor(socket);
      const attemptId = uuidField(body, 'attemptId');
      // Join first, then read: a signal arriving in between is in both (signal ids tell them apart), never in neither.
      await socket.join(proctorRoom(attemptId));
      try {
        const watched = await this.attempts.timeline(attemptId);
        // The candidate's camera: TURN credentials expire at the attempt's deadline.
        const closesAt = watched.attempt.deadline
          ? new Date(watched.attempt.deadline)
          : new Date(this.clock.nowMillis());
        return { ...watched, ...this.ice.forRoom(user.id, closesAt) };
      } catch (err) {
        await socket.leave(proctorRoom(attemptId));
        throw err;
      }
    });
  }

  @SubscribeMessage('proctor:unwatch')
  unwatch(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const attemptId = uuidField(body, 'attemptId');
      await socket.leave(proctorRoom(attemptId));
      return { attemptId };
    });
  }

  @SubscribeMessage('proctor:warn')
  warn(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const user = this.proctor(socket);
      const attemptId = uuidField(body, 'attemptId');
      const message = stringField(body, 'message', 500)!;
      const signal = await this.signals.recordSignal(attemptId, 'proctor_warning', 'proctor', user.id, { message });
      await this.live.emit(attemptRoom(attemptId), 'proctor:warning', { attemptId, message, at: signal.at });
      return { signal };
    });
  }

  @SubscribeMessage('proctor:flag')
  flag(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const user = this.proctor(socket);
      const attemptId = uuidField(body, 'attemptId');
      const note = stringField(body, 'note', 2000)!;
      return { signal: await this.signals.recordSignal(attemptId, 'proctor_flag', 'proctor', user.id, { note }) };
    });
  }

  @SubscribeMessage('proctor:terminate')
  terminate(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const user = this.proctor(socket);
      const attemptId = uuidField(body, 'attemptId');
      const reason = stringField(body, 'reason', 500)!;
      return this.terminating.terminate(user, attemptId, reason);
    });
  }
}
