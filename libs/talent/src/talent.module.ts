import { Module } from '@nestjs/common';
import { TalentController } from './talent.controller';
import { TalentService } from './talent.service';
import { AdminInvitationsController, InvitationDirectory } from './admin-invitations.controller';

@Module({ controllers: [TalentController, AdminInvitationsController], providers: [TalentService, InvitationDirectory], exports: [TalentService] })
export class TalentModule {}
