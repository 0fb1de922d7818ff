// What other libs, the apps and tests use of talent (nothing else is public).
export { TalentModule } from './talent.module';
export { TalentService } from './invitations/talent.service';
export { ApplicationWindow, Cooldown, Invitation } from './data/talent.entities';
export { cooldownActive, notInvited } from './domain/talent.errors';
export { ALL_CATEGORY_SLUGS, ELIGIBLE_CATEGORY_SLUGS } from './domain/categories';
