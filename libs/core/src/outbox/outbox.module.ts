import { Global, Module } from '@nestjs/common';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

/** The outbox writer and the handler registry: every process (domain modules register their topics). */
@Global()
@Module({ providers: [OutboxRepository, Outbox], exports: [OutboxRepository, Outbox] })
export class OutboxModule {}

/** The relay that delivers outbox rows: worker processes (and the api when it runs the worker). */
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxRelayModule {}
