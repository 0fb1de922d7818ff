import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  CoreModule,
  DatabaseModule,
  OutboxModule,
  OutboxRelayModule,
  QueuesModule,
  ReconcileWorkerModule,
  ReconcilerModule,
} from '@vetting/core';
import { LiveModule } from '@vetting/live';
import { NotificationsModule, NotificationsWorkerModule } from '@vetting/notifications';
import { CalendarWorkerModule } from '@vetting/calendar';
import { AssessmentsWorkerModule } from '@vetting/assessments';
import { CredentialsWorkerModule } from '@vetting/credentials';
import { ENTITIES, MIGRATIONS } from '../../../mikro-orm.config';

/** The BullMQ processors of every domain. */
@Module({})
export class WorkerModule {
  /** Processors only, to mount inside a process that already has core, database and queues. */
  static forFeature(): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        OutboxRelayModule,
        ReconcileWorkerModule,
        CalendarWorkerModule,
        AssessmentsWorkerModule,
        CredentialsWorkerModule,
        NotificationsWorkerModule,
      ],
    };
  }

  /** The standalone worker process. */
  static forRoot(opts: { config: AppConfig; clock?: Clock }): DynamicModule {
    return {
      module: WorkerRootModule,
      imports: [
        CoreModule.forRoot(opts),
        // Migrates too, under the advisory lock: a worker started before the api waits for the schema instead of failing.
        DatabaseModule.forRoot({ entities: ENTITIES, migrations: MIGRATIONS, migrate: true }),
        QueuesModule,
        OutboxModule,
        ReconcilerModule,
        LiveModule,
        NotificationsModule,
        WorkerModule.forFeature(),
      ],
    };
  }
}

@Module({})
class WorkerRootModule {}
