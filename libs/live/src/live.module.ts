import { Global, Module } from '@nestjs/common';
import { IdentityModule } from '@vetting/identity';
import { LiveGateway } from './live.gateway';
import { LivePublisher } from './live.publisher';
import { LiveOutboxHandlers } from './live-outbox';

/** Publishing to rooms: available in every process. */
@Global()
@Module({ providers: [LivePublisher, LiveOutboxHandlers], exports: [LivePublisher] })
export class LiveModule {}

/** The socket server itself: api processes only. */
@Module({ imports: [IdentityModule], providers: [LiveGateway], exports: [LiveGateway] })
export class LiveGatewayModule {}
