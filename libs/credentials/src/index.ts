export { CredentialsModule, CredentialsWorkerModule } from './credentials.module';
export {
  Badge,
  CategorySupplyLimit,
  Certification,
  FreelancerProfile,
  ProfileReview,
  VerifiedSkill,
} from './data/credentials.entities';
export { ProfilesService } from './profiles/profiles.service';
export { FreelancerAdminService } from './admin/freelancer-admin.service';
// Repositories, for the medium tests (test/medium/credentials-*.medium.spec.ts).
export { BadgesRepository } from './data/badges.repository';
export { GradedAttemptsRepository } from './data/graded-attempts.repository';
export { VerifiedSkillsRepository } from './data/verified-skills.repository';
export { VerifiedSkillsService } from './verified-skills/verified-skills.service';
export { StatBadgesService } from './badges/stat-badges.service';
