import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { AbandonAttempt } from '../attempts/abandon-attempt';
import { AnswerAttempt } from '../attempts/answer-attempt';
import { AttemptViews } from '../attempts/attempt-views';
import { CreateAttempt } from '../attempts/create-attempt';
import { EndAttempt } from '../attempts/end-attempt';
import { StartAttempt } from '../attempts/start-attempt';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { LiveAttempts } from '../proctoring/live-attempts';
import { TerminateAttempt } from '../proctoring/terminate-attempt';
import { TrackInvitations } from '../tracks/track-invitations';
import { TrackStates } from '../tracks/track-states';
import { AnswerDto, TerminateDto, TrackInvitationDto } from './assessments.dto';
import {
  AttemptList,
  AttemptTimeline,
  AttemptView,
  CatalogView,
  LiveAttemptList,
  SavedAnswer,
  TerminatedAttempt,
  TrackInvitationView,
  TrackStateView,
} from './assessments.responses';

@ApiTags('assessments')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class AssessmentsController {
  constructor(
    private readonly catalogue: AssessmentCatalog,
    private readonly tracks: TrackStates,
    private readonly invitations: TrackInvitations,
    private readonly creating: CreateAttempt,
    private readonly starting: StartAttempt,
    private readonly abandoning: AbandonAttempt,
    private readonly answering: AnswerAttempt,
    private readonly ending: EndAttempt,
    private readonly views: AttemptViews,
    private readonly liveAttempts: LiveAttempts,
    private readonly terminating: TerminateAttempt,
  ) {}

  @Get('assessments')
  @ApiOperation({ operationId: 'listAssessments', summary: 'The catalog: tests and certification tracks' })
  @ApiOkResponse({ type: CatalogView })
  async catalog() {
    return this.catalogue.list(await this.tracks.all());
  }

  /** Closes a track to new awards (legacy), over the catalog's default; awards already made stay valid and visible. */
  @Roles('admin')
  @Post('admin/tracks/:slug/close')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'closeTrack',
    summary: 'Close a certification track to new awards (legacy); awards made stay valid',
  })
  @ApiOkResponse({ type: TrackStateView })
  @ApiErrors(403, 404)
  closeTrack(@CurrentUser() admin: User, @Param('slug') slug: string) {
    return this.tracks.set(slug, 'legacy', admin.id);
  }

  /** Opens a track to new awards again (active), whatever the catalog's default. */
  @Roles('admin')
  @Post('admin/tracks/:slug/reopen')
  @HttpCode(200)
  @ApiOperation({ operationId: 'reopenTrack', summary: 'Open a certification track to new awards again' })
  @ApiOkResponse({ type: TrackStateView })
  @ApiErrors(403, 404)
  reopenTrack(@CurrentUser() admin: User, @Param('slug') slug: string) {
    return this.tracks.set(slug, 'active', admin.id);
  }

  @Roles('admin')
  @Post('assessments/tracks/:slug/invitations')
  @ApiOperation({ operationId: 'inviteToTrack', summary: 'Invite a freelancer to a certification track' })
  @ApiCreatedResponse({ type: TrackInvitationView })
  @ApiErrors(400, 403, [404, 'NOT_FOUND: no such track or freelancer'], [409, 'INVITATION_EXISTS'])
  invite(@CurrentUser() admin: User, @Param('slug') slug: string, @Body() dto: TrackInvitationDto) {
    return this.invitations.invite(admin, slug, dto.freelancerId);
  }

  @Roles('freelancer')
  @Post('assessments/:slug/attempts')
  @ApiOperation({
    operationId: 'createAttempt',
    summary: 'Create an attempt (items drawn); its clock starts with startAttempt',
  })
  @ApiCreatedResponse({ type: AttemptView })
  @ApiErrors([403, 'FORBIDDEN, NOT_INVITED (invited tests)'], 404, [
    409,
    'ATTEMPT_IN_PROGRESS, RETAKE_COOLDOWN (details.eligibleAt)',
  ])
  start(@CurrentUser() user: User, @Param('slug') slug: string) {
    return this.creating.start(user, slug);
  }

  @Roles('freelancer')
  @Get('attempts')
  @ApiOperation({ operationId: 'listMyAttempts', summary: 'The caller’s attempts, newest first' })
  @ApiOkResponse({ type: AttemptList })
  @ApiErrors(403)
  mine(@CurrentUser() user: User) {
    return this.views.myAttempts(user);
  }

  @Roles('freelancer')
  @Get('attempts/:id')
  @ApiOperation({
    operationId: 'getAttempt',
    summary: 'The attempt with its items, saved answers, deadline and time left',
  })
  @ApiOkResponse({ type: AttemptView })
  @ApiErrors(403, 404)
  get(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.views.state(user, id);
  }

  @Roles('freelancer')
  @Post('attempts/:id/start')
  @HttpCode(200)
  @ApiOperation({ operationId: 'startAttempt', summary: 'Start the clock (idempotent once running)' })
  @ApiOkResponse({ type: AttemptView })
  @ApiErrors(403, 404)
  begin(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.starting.begin(user, id);
  }

  /**
   * A created attempt the candidate will not take: abandoned, no grade, no retake cooldown (409 ATTEMPT_NOT_ABANDONABLE
   * once started).
   */
  @Roles('freelancer')
  @Post('attempts/:id/abandon')
  @HttpCode(200)
  @ApiOperation({ operationId: 'abandonAttempt', summary: 'Abandon a created attempt: no grade, no retake cooldown' })
  @ApiOkResponse({ type: AttemptView })
  @ApiErrors(403, 404, [409, 'ATTEMPT_NOT_ABANDONABLE (details.status)'])
  abandon(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.abandoning.abandon(user, id);
  }

  @Roles('freelancer')
  @Put('attempts/:id/answers/:itemId')
  @ApiOperation({ operationId: 'saveAnswer', summary: 'Autosave one answer (last write wins)' })
  @ApiOkResponse({ type: SavedAnswer })
  @ApiErrors(400, 403, 404, [409, 'ATTEMPT_NOT_STARTED, ATTEMPT_NOT_ACTIVE, ATTEMPT_DEADLINE_PASSED'])
  answer(
    @CurrentUser() user: User,
    @Param('id', parseId()) id: string,
    @Param('itemId') itemId: string,
    @Body() dto: AnswerDto,
  ) {
    return this.answering.answer(user, id, itemId, dto.answer);
  }

  @Roles('freelancer')
  @Post('attempts/:id/submit')
  @HttpCode(200)
  @ApiOperation({ operationId: 'submitAttempt', summary: 'Submit the attempt for grading' })
  @ApiOkResponse({ type: AttemptView })
  @ApiErrors(403, 404, [409, 'ATTEMPT_NOT_ACTIVE, ATTEMPT_DEADLINE_PASSED'])
  submit(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.ending.submit(user, id);
  }

  @Roles('proctor', 'admin')
  @Get('proctoring/live')
  @ApiOperation({
    operationId: 'listLiveAttempts',
    summary: 'Running attempts: candidate, test, time left, signal counts, tier',
  })
  @ApiOkResponse({ type: LiveAttemptList })
  @ApiErrors(403)
  live() {
    return this.liveAttempts.running();
  }

  @Roles('proctor', 'admin')
  @Get('proctoring/attempts/:id/timeline')
  @ApiOperation({
    operationId: 'getAttemptTimeline',
    summary: 'An attempt’s summary and its integrity timeline, in order',
  })
  @ApiOkResponse({ type: AttemptTimeline })
  @ApiErrors(403, 404)
  timeline(@Param('id', parseId()) id: string) {
    return this.liveAttempts.timeline(id);
  }

  @Roles('proctor', 'admin')
  @Post('proctoring/attempts/:id/terminate')
  @HttpCode(200)
  @ApiOperation({ operationId: 'terminateAttempt', summary: 'End a running attempt (proctor)' })
  @ApiOkResponse({ type: TerminatedAttempt })
  @ApiErrors(400, 403, 404, [409, 'ATTEMPT_NOT_ACTIVE'])
  terminate(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: TerminateDto) {
    return this.terminating.terminate(user, id, dto.reason);
  }
}
