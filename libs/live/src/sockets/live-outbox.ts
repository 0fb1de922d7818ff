import { Injectable, OnModuleInit } from '@nestjs/common';
import { Outbox, OutboxMessage } from '@vetting/core';
import { LivePublisher } from './live.publisher';

/**
 * Socket events owed by a state change, written to the outbox with it. Delivered at least once: clients
 * treat a repeated event as the same fact (they key on its ids and states).
 */
export const liveEmit = (key: string, room: string, event: string, payload: unknown): OutboxMessage => ({
  topic: 'live.emit',
  key: `live:${key}`,
  payload: { room, event, payload },
});

export const liveCloseRoom = (key: string, room: string): OutboxMessage => ({
  topic: 'live.close-room',
  key: `live:${key}`,
  payload: { room },
});

@Injectable()
export class LiveOutboxHandlers implements OnModuleInit {
  constructor(
    private readonly outbox: Outbox,
    private readonly live: LivePublisher,
  ) {}

  onModuleInit(): void {
    this.outbox.handle<{ room: string; event: string; payload: unknown }>('live.emit', ({ payload: p }) =>
      this.live.emit(p.room, p.event, p.payload),
    );
    this.outbox.handle<{ room: string }>('live.close-room', ({ payload: p }) => this.live.closeRoom(p.room));
  }
}
