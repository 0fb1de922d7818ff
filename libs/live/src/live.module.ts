import { Global, Module } from '@nestjs/common';
import { IdentityModule } from '@vetting/identity';
import { LiveGateway } from './live.gateway';
import { LivePublisher } from './live.publisher';
import { LiveOutboxHandlers } from './live-outbox';
import { IceServers } from './media/ice-servers';
import { MediaGateway } from './media/media.gateway';
import { MediaRepository } from './media/media.repository';

/** Publishing to rooms and the ICE servers of media rooms: available in every process. */
@Global()
@Module({ providers: [LivePublisher, LiveOutboxHandlers, IceServers], exports: [LivePublisher, IceServers] })
export class LiveModule {}

/** The socket server itself (and `rtc:signal`): api processes only. */
@Module({ imports: [IdentityModule], providers: [LiveGateway, MediaGateway, MediaRepository], exports: [LiveGateway] })
export class LiveGatewayModule {}
