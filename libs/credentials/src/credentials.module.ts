import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig, CREDENTIALS_QUEUE } from '@vetting/core';
import { AssessmentsModule, AssessmentsWorkerModule, GRADING_QUEUE } from '@vetting/assessments';
import { CredentialsController } from './credentials.controller';
import { AdminFreelancersController, FreelancerDirectory } from './admin-freelancers.controller';
import { CredentialsProcessor, GradingProcessor } from './credentials.processor';
import { CredentialsService } from './credentials.service';
import { GradingService } from './grading.service';
import { CodeRunner, Judge0CodeRunner, LocalCodeRunner } from './runner';

const queues = BullModule.registerQueue({ name: CREDENTIALS_QUEUE }, { name: GRADING_QUEUE });

/** Profiles, approval, verified skills, certifications and badges (api). */
@Module({
  imports: [queues, AssessmentsModule],
  controllers: [CredentialsController, AdminFreelancersController],
  providers: [CredentialsService, FreelancerDirectory],
  exports: [CredentialsService],
})
export class CredentialsModule {}

/** Grading with the code runner and the credential jobs (worker). */
@Module({
  imports: [queues, AssessmentsWorkerModule],
  providers: [
    CredentialsService,
    GradingService,
    GradingProcessor,
    CredentialsProcessor,
    {
      provide: CodeRunner,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.env.CODE_RUNNER === 'judge0' ? new Judge0CodeRunner({ url: config.env.JUDGE0_URL!, apiKey: config.env.JUDGE0_API_KEY }) : new LocalCodeRunner(),
    },
  ],
})
export class CredentialsWorkerModule {}
