import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { DeliveryProcessor, FanoutProcessor } from './delivery.processor';
import { DeliveryService } from './delivery.service';
import { FANOUT_QUEUE, FanoutService } from './fanout.service';
import { NotificationsController } from './notifications.controller';
import { DELIVERY_QUEUE, NotificationsService } from './notifications.service';

const queue = BullModule.registerQueue({ name: DELIVERY_QUEUE }, { name: FANOUT_QUEUE });

/** The inbox and push (every process), plus the channels' HTTP API. */
@Global()
@Module({
  imports: [queue],
  controllers: [NotificationsController, ChannelsController],
  providers: [NotificationsService, ChannelsService, FanoutService],
  exports: [NotificationsService, FanoutService],
})
export class NotificationsModule {}

/** Routing, webhook and email delivery, and fan-outs (worker). */
@Module({ imports: [queue], providers: [DeliveryService, DeliveryProcessor, FanoutProcessor] })
export class NotificationsWorkerModule {}
