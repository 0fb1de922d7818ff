import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { ChannelsService } from './channels/channels.service';
import { DeliveriesRepository } from './data/deliveries.repository';
import { NotificationsRepository } from './data/notifications.repository';
import { PreferencesRepository } from './data/preferences.repository';
import { TalentAlertsRepository } from './data/talent-alerts.repository';
import { WebhooksRepository } from './data/webhooks.repository';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryService } from './delivery/delivery.service';
import { FanoutProcessor } from './fanout/fanout.processor';
import { FanoutService } from './fanout/fanout.service';
import { ChannelsController } from './http/channels.controller';
import { NotificationsController } from './http/notifications.controller';
import { NotificationsService } from './inbox/notifications.service';
import { DELIVERY_QUEUE, FANOUT_QUEUE } from './notifications.queues';

const queue = BullModule.registerQueue({ name: DELIVERY_QUEUE }, { name: FANOUT_QUEUE });

const repositories = [
  NotificationsRepository,
  PreferencesRepository,
  WebhooksRepository,
  DeliveriesRepository,
  TalentAlertsRepository,
];

/** The inbox and push (every process), plus the channels' HTTP API. */
@Global()
@Module({
  imports: [queue],
  controllers: [NotificationsController, ChannelsController],
  providers: [...repositories, NotificationsService, ChannelsService, FanoutService],
  exports: [...repositories, NotificationsService, FanoutService],
})
export class NotificationsModule {}

/** Routing, webhook and email delivery, and fan-outs (worker; imported beside NotificationsModule). */
@Module({ imports: [queue], providers: [DeliveryService, DeliveryProcessor, FanoutProcessor] })
export class NotificationsWorkerModule {}
