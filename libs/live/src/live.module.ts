import { Global, Module } from '@nestjs/common';
import { IdentityModule } from '@vetting/identity';
import { LiveUsersRepository } from './data/live-users.repository';
import { MediaRepository } from './data/media.repository';
import { IceServers } from './media/ice-servers';
import { MediaGateway } from './media/media.gateway';
import { LiveGateway } from './sockets/live.gateway';
import { LiveOutboxHandlers } from './sockets/live-outbox';
import { LivePublisher } from './sockets/live.publisher';

/**
 * Publishing to rooms and the ICE servers of media rooms: available in every process. In an api process the
 * gateway hands its namespace to the publisher; elsewhere the publisher emits through a headless Socket.IO
 * server on the same adapter.
 */
@Global()
@Module({ providers: [LivePublisher, LiveOutboxHandlers, IceServers], exports: [LivePublisher, IceServers] })
export class LiveModule {}

/** The socket server itself (and `rtc:signal`): api processes only. */
@Module({
  imports: [IdentityModule],
  providers: [LiveGateway, MediaGateway, MediaRepository, LiveUsersRepository],
  exports: [LiveGateway],
})
export class LiveGatewayModule {}
