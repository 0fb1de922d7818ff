export { CredentialsModule, CredentialsWorkerModule } from './credentials.module';
export { Badge, CategorySupplyLimit, Certification, FreelancerProfile, ProfileReview, VerifiedSkill } from './data/credentials.entities';
export { ProfilesService } from './profiles/profiles.service';
export { FreelancerAdminService } from './admin/freelancer-admin.service';
