import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig, Clock } from '@vetting/core';
import { IceServers, ack, flushSocketWrites, liveUser } from '@vetting/live';
import { AnswerAttempt } from '../attempts/answer-attempt';
import { EndAttempt } from '../attempts/end-attempt';
import { StartAttempt } from '../attempts/start-attempt';
import { attemptNotRunning, invalidSignalData, shuttingDown, unknownSignalType } from '../domain/assessments.errors';
import { CANDIDATE_SIGNALS, SignalType, signalData } from '../domain/integrity.rules';
import { IntegritySignals } from '../proctoring/integrity-signals';
import { LiveAttempts } from '../proctoring/live-attempts';
import { SignalRecorder } from '../proctoring/signal-recorder';
import { objectField, stringField, uuidField } from './live-payload';
import { attemptRoom } from './rooms';

interface AttemptSocketData {
  attempts?: Record<string, string | null>; // attemptId → deadline ISO
}

/** The candidate's room `attempt:<id>`: join/rejoin, autosaved answers, submit, integrity signals, `attempt:time`. */
@WebSocketGateway({ namespace: '/live' })
export class AttemptRoomGateway implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  @WebSocketServer() private readonly server?: Namespace;
  private readonly logger = new Logger('AttemptRoom');
  private readonly tickers = new Map<string, NodeJS.Timeout>();
  /** Disconnect bookkeeping still writing, and signals not yet acknowledged; shutdown waits for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private shuttingDown = false;

  /**
   * Runs before the sockets close (Nest disposes the socket server after this hook): refuse new signals,
   * write the queued ones, send every acknowledgement and let it reach the transport. A signal is then
   * either stored and acknowledged, or refused with SHUTTING_DOWN: a client never resends a stored signal.
   */
  async beforeApplicationShutdown(): Promise<void> {
    // Sockets dropped by our own shutdown are not the candidate's disconnects.
    this.shuttingDown = true;
    for (const t of this.tickers.values()) clearInterval(t);
    this.tickers.clear();
    await this.recorder.drain();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await flushSocketWrites(this.server, this.config.env.DEPENDENCY_TIMEOUT.toMillis());
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  constructor(
    private readonly starting: StartAttempt,
    private readonly answering: AnswerAttempt,
    private readonly ending: EndAttempt,
    private readonly signals: IntegritySignals,
    private readonly recorder: SignalRecorder,
    private readonly liveAttempts: LiveAttempts,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly ice: IceServers,
  ) {}

  /** A recovered connection keeps its rooms; restart its clock and note the reconnect on the timeline. */
  async handleConnection(socket: Socket): Promise<void> {
    this.listenForSignals(socket);
    if (!socket.recovered) return;
    const data = socket.data as AttemptSocketData;
    for (const [attemptId, deadline] of Object.entries(data.attempts ?? {})) {
      this.startTicker(socket, attemptId, deadline);
      await this.signals
        .recordSignal(attemptId, 'reconnect', 'system', liveUser(socket).id, { recovered: true })
        .catch(() => undefined);
    }
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    const timer = this.tickers.get(socket.id);
    if (timer) clearInterval(timer);
    this.tickers.delete(socket.id);
    if (this.shuttingDown) return;
    const data = socket.data as AttemptSocketData;
    const user = socket.data?.user;
    for (const attemptId of Object.keys(data.attempts ?? {})) {
      const p = this.signals
        .recordSignal(attemptId, 'disconnect', 'system', user?.id ?? null, { reason: 'socket closed' })
        .catch(() => undefined);
      this.track(p);
      await p;
    }
  }

  @SubscribeMessage('attempt:join')
  join(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const attemptId = uuidField(body, 'attemptId');
      const user = liveUser(socket);
      const rejoin =
        Boolean((socket.data as AttemptSocketData).attempts?.[attemptId]) || (await this.wasConnectedBefore(attemptId));
      const state = await this.starting.begin(user, attemptId);
      if (state.status !== 'in_progress') throw attemptNotRunning(state.status);
      await socket.join(attemptRoom(attemptId));
      const data = socket.data as AttemptSocketData;
      data.attempts = { ...(data.attempts ?? {}), [attemptId]: state.deadline };
      this.startTicker(socket, attemptId, state.deadline);
      if (rejoin) await this.signals.recordSignal(attemptId, 'reconnect', 'system', user.id, {});
      // The candidate's camera for watching proctors: TURN credentials expire at the deadline.
      return { attempt: state, ...this.ice.forRoom(user.id, new Date(state.deadline ?? this.clock.nowMillis())) };
    });
  }

  @SubscribeMessage('attempt:answer')
  answer(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => {
      const attemptId = uuidField(body, 'attemptId');
      const itemId = stringField(body, 'itemId', 64)!;
      const answer = objectField(body, 'answer');
      return this.answering.answer(liveUser(socket), attemptId, itemId, answer);
    });
  }

  @SubscribeMessage('attempt:submit')
  submit(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return ack(async () => ({ attempt: await this.ending.submit(liveUser(socket), uuidField(body, 'attemptId')) }));
  }

  /**
   * `attempt:signal` is listened to on the socket itself rather than through a @SubscribeMessage handler:
   * the relay to proctors then runs synchronously in Socket.IO's packet dispatch, before anything else is
   * allocated or awaited (the hot path of live proctoring).
   */
  private listenForSignals(socket: Socket): void {
    socket.on('attempt:signal', (body: unknown, reply?: unknown) => {
      const answered = (this.shuttingDown ? ack(() => Promise.reject(shuttingDown())) : this.signal(socket, body)).then(
        (answer) => {
          if (typeof reply === 'function') reply(answer);
        },
      );
      this.track(answered);
    });
  }

  private signal(socket: Socket, body: unknown) {
    return ack(async () => {
      const attemptId = uuidField(body, 'attemptId');
      const type = stringField(body, 'type', 40)!;
      if (!(CANDIDATE_SIGNALS as readonly string[]).includes(type)) {
        throw unknownSignalType(CANDIDATE_SIGNALS);
      }
      const parsed = signalData(objectField(body, 'data', true));
      if ('field' in parsed) throw invalidSignalData(parsed.field, parsed.problem);
      const { data } = parsed;
      // Joined through this socket and still in the room (it is closed when the attempt ends): relay ahead of the
      // write.
      const joinedHere =
        Boolean((socket.data as AttemptSocketData).attempts?.[attemptId]) && socket.rooms.has(attemptRoom(attemptId));
      const signal = await this.signals.candidateSignal(
        liveUser(socket),
        attemptId,
        type as SignalType,
        data,
        joinedHere,
      );
      return { signal: { id: signal.id, type: signal.type, at: signal.at } };
    });
  }

  private async wasConnectedBefore(attemptId: string): Promise<boolean> {
    const { timeline } = await this.liveAttempts
      .timeline(attemptId)
      .catch(() => ({ timeline: [] as { type: string }[] }));
    return timeline.some((s) => s.type === 'disconnect');
  }

  private startTicker(socket: Socket, attemptId: string, deadline: string | null): void {
    const old = this.tickers.get(socket.id);
    if (old) clearInterval(old);
    if (!deadline) return;
    const end = Date.parse(deadline);
    const tick = () => {
      const remainingMs = Math.max(0, end - this.clock.now().toMillis());
      socket.emit('attempt:time', { attemptId, remainingMs, deadline, serverTime: this.clock.now().toISO() });
      if (remainingMs === 0) {
        clearInterval(this.tickers.get(socket.id));
        this.tickers.delete(socket.id);
      }
    };
    tick();
    this.tickers.set(socket.id, setInterval(tick, this.config.env.ATTEMPT_TIME_TICK.toMillis()));
  }
}
