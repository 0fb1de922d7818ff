import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AvailabilityExceptionDto, HardSkillScoreDto, WeeklyWindowDto } from './call.dto';
import { CALL_STATUSES } from '../data/call.entities';

export class AvailabilityView {
  @ApiProperty({ format: 'uuid' }) talentManagerId!: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone!: string;
  @ApiProperty({ type: [WeeklyWindowDto] }) weekly!: WeeklyWindowDto[];
  @ApiProperty({ type: [AvailabilityExceptionDto] }) exceptions!: AvailabilityExceptionDto[];
  @ApiProperty({ type: [String], example: ['web-mobile-software-dev'] }) categorySlugs!: string[];
  @ApiProperty({ example: 8 }) dailyCap!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SlotView {
  @ApiProperty({ format: 'date-time', description: 'UTC' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: 'UTC' }) endsAt!: string;
  @ApiProperty({ format: 'date-time', description: 'the start in the requested time zone, with its offset' })
  localStartsAt!: string;
}

export class SlotList {
  @ApiProperty({ example: 'America/New_York', description: 'the zone of localStartsAt' }) timeZone!: string;
  @ApiProperty({ type: [SlotView] }) slots!: SlotView[];
}

export class CallView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) invitationId!: string;
  @ApiProperty({ enum: CALL_STATUSES }) status!: (typeof CALL_STATUSES)[number];
  @ApiProperty({ example: 'expert-vetted' }) program!: string;
  @ApiProperty({ example: 'web-mobile-software-dev' }) categorySlug!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty() rescheduleCount!: number;
  @ApiProperty({ format: 'uuid' }) talentManagerId!: string;
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) freelancerJoinedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) talentManagerJoinedAt!: string | null;
  @ApiProperty({ description: 'raised on every change (timers carry it)' }) version!: number;
  @ApiProperty() freeRebooking!: boolean;
}

export class CallList {
  @ApiProperty({ type: [CallView], description: 'newest start first, at most 200' }) calls!: CallView[];
}

export class CancelledCall extends CallView {
  @ApiProperty({ description: 'true when cancelled with less notice than VETTING_RESCHEDULE_NOTICE' })
  countsAsMiss!: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 'end of the cooldown a late cancellation costs' })
  eligibleAt?: string;
}

export class CallHistoryEntryView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for the system (timers)' }) actorId!:
    string | null;
  @ApiProperty({ example: 'freelancer' }) actorRole!: string;
  @ApiProperty({ example: 'booked' }) action!: string;
  @ApiProperty({ nullable: true, type: String }) fromStatus!: string | null;
  @ApiProperty({ nullable: true, type: String }) toStatus!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class CallHistory {
  @ApiProperty({ type: [CallHistoryEntryView] }) history!: CallHistoryEntryView[];
}

export class ScorecardView {
  @ApiProperty({ format: 'uuid' }) callId!: string;
  @ApiProperty({ format: 'uuid' }) talentManagerId!: string;
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ type: [HardSkillScoreDto] }) hardSkills!: HardSkillScoreDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { reliability: 4, communication: 5 },
  })
  softSkills!: Record<string, number>;
  @ApiProperty({ enum: ['pass', 'fail'] }) decision!: 'pass' | 'fail';
  @ApiProperty({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

export class CallScorecard {
  @ApiProperty({ type: ScorecardView, nullable: true, description: 'null until the talent manager submits it' })
  scorecard!: ScorecardView | null;
}
