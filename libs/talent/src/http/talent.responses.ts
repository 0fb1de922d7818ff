import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROGRAMS } from '../domain/categories';
import { INVITATION_STATUSES } from '../data/talent.entities';

export class Category {
  @ApiProperty({ example: 'web-mobile-software-dev' }) slug!: string;
  @ApiProperty({ example: 'Web, Mobile & Software Development' }) name!: string;
  @ApiProperty() expertVettedEligible!: boolean;
}

export class CategoryList {
  @ApiProperty({ type: [Category] }) categories!: Category[];
}

export class InvitationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ enum: PROGRAMS }) program!: string;
  @ApiProperty({ example: 'web-mobile-software-dev' }) categorySlug!: string;
  @ApiProperty({ enum: INVITATION_STATUSES }) status!: (typeof INVITATION_STATUSES)[number];
  @ApiProperty({ enum: ['invitation', 'application'] }) source!: 'invitation' | 'application';
  @ApiProperty({ description: 'reschedules used across this invitation’s calls' }) reschedulesUsed!: number;
  @ApiProperty({ description: 'a rebooking owed after the talent manager was absent' }) freeRebooking!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'missed' }) closedReason!: string | null;
}

export class InvitationList {
  @ApiProperty({ type: [InvitationView] }) invitations!: InvitationView[];
}

export class ApplicationWindowView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PROGRAMS }) program!: string;
  @ApiProperty() categorySlug!: string;
  @ApiProperty({ format: 'date-time' }) opensAt!: string;
  @ApiProperty({ format: 'date-time' }) closesAt!: string;
}

export class ApplicationWindowList {
  @ApiProperty({ type: [ApplicationWindowView] }) windows!: ApplicationWindowView[];
}

export class OpenApplicationWindow {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PROGRAMS }) program!: string;
  @ApiProperty() categorySlug!: string;
  @ApiProperty({ format: 'date-time' }) closesAt!: string;
}

export class EligibilityView {
  @ApiProperty() eligible!: boolean;
  @ApiPropertyOptional({ enum: ['COOLDOWN_ACTIVE', 'NOT_INVITED'] }) reason?: 'COOLDOWN_ACTIVE' | 'NOT_INVITED';
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'when a cooldown ends' }) eligibleAt?: string;
  @ApiProperty({ type: [InvitationView], description: 'open invitations' }) invitations!: InvitationView[];
  @ApiProperty({ type: [OpenApplicationWindow] }) openApplicationWindows!: OpenApplicationWindow[];
}
