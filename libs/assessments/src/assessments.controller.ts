import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsObject, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { AssessmentsService } from './assessments.service';
import { TrackStates } from './track-states';

export class TrackInvitationDto {
  @ApiProperty() @IsUUID() freelancerId!: string;
}
export class AnswerDto {
  @ApiProperty({ example: { optionIds: ['a'] }, description: 'multiple choice {optionIds}, scenario {optionId}, coding {language, code}' })
  @IsObject()
  answer!: Record<string, unknown>;
}
export class TerminateDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) reason!: string;
}

@ApiTags('assessments')
@ApiBearerAuth()
@Controller()
export class AssessmentsController {
  constructor(
    private readonly attempts: AssessmentsService,
    private readonly tracks: TrackStates,
  ) {}

  @Get('assessments')
  async catalog() {
    return this.attempts.list(await this.tracks.all());
  }

  /** Closes a track to new awards (legacy), over the catalog's default; awards already made stay valid and visible. */
  @Roles('admin')
  @Post('admin/tracks/:slug/close')
  @HttpCode(200)
  closeTrack(@CurrentUser() admin: User, @Param('slug') slug: string) {
    return this.tracks.set(slug, 'legacy', admin.id);
  }

  /** Opens a track to new awards again (active), whatever the catalog's default. */
  @Roles('admin')
  @Post('admin/tracks/:slug/reopen')
  @HttpCode(200)
  reopenTrack(@CurrentUser() admin: User, @Param('slug') slug: string) {
    return this.tracks.set(slug, 'active', admin.id);
  }

  @Roles('admin')
  @Post('assessments/tracks/:slug/invitations')
  invite(@CurrentUser() admin: User, @Param('slug') slug: string, @Body() dto: TrackInvitationDto) {
    return this.attempts.inviteToTrack(admin, slug, dto.freelancerId);
  }

  @Roles('freelancer')
  @Post('assessments/:slug/attempts')
  start(@CurrentUser() user: User, @Param('slug') slug: string) {
    return this.attempts.start(user, slug);
  }

  @Roles('freelancer')
  @Get('attempts')
  mine(@CurrentUser() user: User) {
    return this.attempts.myAttempts(user);
  }

  @Roles('freelancer')
  @Get('attempts/:id')
  get(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.attempts.state(user, id);
  }

  @Roles('freelancer')
  @Post('attempts/:id/start')
  @HttpCode(200)
  begin(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.attempts.begin(user, id);
  }

  /** A created attempt the candidate will not take: abandoned, no grade, no retake cooldown (409 ATTEMPT_NOT_ABANDONABLE once started). */
  @Roles('freelancer')
  @Post('attempts/:id/abandon')
  @HttpCode(200)
  abandon(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.attempts.abandon(user, id);
  }

  @Roles('freelancer')
  @Put('attempts/:id/answers/:itemId')
  answer(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Param('itemId') itemId: string, @Body() dto: AnswerDto) {
    return this.attempts.answer(user, id, itemId, dto.answer);
  }

  @Roles('freelancer')
  @Post('attempts/:id/submit')
  @HttpCode(200)
  submit(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.attempts.submit(user, id);
  }

  @Roles('proctor', 'admin')
  @Get('proctoring/live')
  live() {
    return this.attempts.live_();
  }

  @Roles('proctor', 'admin')
  @Get('proctoring/attempts/:id/timeline')
  timeline(@Param('id', parseId()) id: string) {
    return this.attempts.timeline(id);
  }

  @Roles('proctor', 'admin')
  @Post('proctoring/attempts/:id/terminate')
  @HttpCode(200)
  terminate(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: TerminateDto) {
    return this.attempts.terminate(user, id, dto.reason);
  }
}
