import { Module } from '@nestjs/common';
import { ApplicationWindowsService } from './application-windows/application-windows.service';
import { TalentRepository } from './data/talent.repository';
import { AdminInvitationsController } from './http/admin-invitations.controller';
import { TalentController } from './http/talent.controller';
import { InvitationDirectory } from './invitations/invitation-directory.service';
import { TalentService } from './invitations/talent.service';

/** Invitations to the vetting programs, application windows and cooldowns. */
@Module({
  controllers: [TalentController, AdminInvitationsController],
  providers: [TalentRepository, TalentService, ApplicationWindowsService, InvitationDirectory],
  exports: [TalentService],
})
export class TalentModule {}
