import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { ReconcileProcessor, RECONCILE_QUEUE } from './reconcile.processor';
import { Reconciler } from './reconciler';

/** The sweep registry (every process, so domain modules can register wherever they load). */
@Global()
@Module({ providers: [Reconciler], exports: [Reconciler] })
export class ReconcilerModule {}

/** The repeatable sweep job and its watchdog (worker processes). */
@Module({
  imports: [BullModule.registerQueue({ name: RECONCILE_QUEUE })],
  providers: [ReconcileProcessor],
  exports: [ReconcileProcessor],
})
export class ReconcileWorkerModule {}
