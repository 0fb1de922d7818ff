import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig, CREDENTIALS_QUEUE } from '@vetting/core';
import { AssessmentsModule, AssessmentsWorkerModule, GRADING_QUEUE } from '@vetting/assessments';
import { BadgesRepository } from './data/badges.repository';
import { GradedAttemptsRepository } from './data/graded-attempts.repository';
import { ProfilesRepository } from './data/profiles.repository';
import { VerifiedSkillsRepository } from './data/verified-skills.repository';
import { VettingFactsRepository } from './data/vetting-facts.repository';
import { ProfilesService } from './profiles/profiles.service';
import { PublicProfileService } from './profiles/public-profile.service';
import { VerifiedSkillsService } from './verified-skills/verified-skills.service';
import { ExpertVettedService } from './badges/expert-vetted.service';
import { StatBadgesService } from './badges/stat-badges.service';
import { CredentialsProcessor } from './badges/credentials.processor';
import { FreelancerAdminService } from './admin/freelancer-admin.service';
import { FreelancerDirectory } from './admin/freelancer-directory';
import { GradingService } from './grading/grading.service';
import { GradingProcessor } from './grading/grading.processor';
import { CredentialsController } from './http/credentials.controller';
import { AdminFreelancersController } from './http/admin-freelancers.controller';
import { CodeRunner, Judge0CodeRunner, LocalCodeRunner } from './runner';

const queues = BullModule.registerQueue({ name: CREDENTIALS_QUEUE }, { name: GRADING_QUEUE });

/** The one provider list of the domain (stateless services and repositories), used by the api and the worker. */
const PROVIDERS = [
  ProfilesRepository,
  VerifiedSkillsRepository,
  BadgesRepository,
  GradedAttemptsRepository,
  VettingFactsRepository,
  ProfilesService,
  PublicProfileService,
  VerifiedSkillsService,
  ExpertVettedService,
  StatBadgesService,
  FreelancerAdminService,
  FreelancerDirectory,
];

/** Profiles, approval, verified skills, certifications and badges (api). */
@Module({
  imports: [queues, AssessmentsModule],
  controllers: [CredentialsController, AdminFreelancersController],
  providers: PROVIDERS,
})
export class CredentialsModule {}

/** Grading with the code runner and the credential jobs (worker). */
@Module({
  imports: [queues, AssessmentsWorkerModule],
  providers: [
    ...PROVIDERS,
    GradingService,
    GradingProcessor,
    CredentialsProcessor,
    {
      provide: CodeRunner,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.env.CODE_RUNNER === 'judge0'
          ? new Judge0CodeRunner({ url: config.env.JUDGE0_URL!, apiKey: config.env.JUDGE0_API_KEY })
          : new LocalCodeRunner(),
    },
  ],
})
export class CredentialsWorkerModule {}
