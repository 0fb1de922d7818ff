import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import {
  AvailabilityDto,
  BookCallDto,
  CancelCallDto,
  ListCallsQuery,
  RescheduleCallDto,
  ScorecardDto,
  SlotsQuery,
} from './call.dto';
import { AvailabilityService } from '../availability/availability.service';
import { BookingService } from '../booking/booking.service';
import { SlotListService } from '../booking/slot-list.service';
import { CallsService } from '../calls/calls.service';
import { CancelService } from '../cancel/cancel.service';
import { RescheduleService } from '../reschedule/reschedule.service';
import { ScorecardsService } from '../scorecards/scorecards.service';
import {
  AvailabilityView,
  CallHistory,
  CallList,
  CallScorecard,
  CallView,
  CancelledCall,
  ScorecardView,
  SlotList,
} from './calendar.responses';

@ApiTags('calendar')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class CalendarController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly booking: BookingService,
    private readonly calls: CallsService,
    private readonly rescheduling: RescheduleService,
    private readonly cancelling: CancelService,
    private readonly scorecards: ScorecardsService,
    private readonly slotList: SlotListService,
  ) {}

  @Roles('talent_manager')
  @Put('talent-managers/me/availability')
  @ApiOperation({
    operationId: 'setMyAvailability',
    summary: 'Weekly hours in an IANA zone, exceptions, categories and daily cap',
  })
  @ApiOkResponse({ type: AvailabilityView })
  @ApiErrors(400, 403)
  setAvailability(@CurrentUser() tm: User, @Body() dto: AvailabilityDto) {
    return this.availability.setAvailability(tm, dto);
  }

  @Roles('talent_manager')
  @Get('talent-managers/me/availability')
  @ApiOperation({ operationId: 'getMyAvailability', summary: 'The caller’s availability' })
  @ApiOkResponse({ type: AvailabilityView })
  @ApiErrors(403, [404, 'NOT_FOUND: no availability published yet'])
  getAvailability(@CurrentUser() tm: User) {
    return this.availability.getAvailability(tm);
  }

  @Roles('freelancer')
  @Get('vetting/slots')
  @ApiOperation({
    operationId: 'listSlots',
    summary: 'Free slots for an invitation (UTC, with the start in the freelancer’s zone)',
  })
  @ApiOkResponse({ type: SlotList })
  @ApiErrors(400, [403, 'FORBIDDEN, NOT_INVITED'], [409, 'COOLDOWN_ACTIVE (details.eligibleAt)'])
  // The answer is JSON text made once per cached list (SlotListService), so it is not serialised again here.
  @Header('content-type', 'application/json; charset=utf-8')
  slots(@CurrentUser() user: User, @Query() q: SlotsQuery): Promise<string> {
    return this.slotList.slotsJson(user, q);
  }

  @Roles('freelancer')
  @Post('vetting/calls')
  @ApiOperation({ operationId: 'bookCall', summary: 'Book a pre-vetting call at a free slot' })
  @ApiCreatedResponse({ type: CallView })
  @ApiErrors(
    400,
    [403, 'FORBIDDEN, NOT_INVITED'],
    [
      409,
      'SLOT_UNAVAILABLE, COOLDOWN_ACTIVE (details.eligibleAt), CALL_ALREADY_BOOKED, RESCHEDULE_LIMIT_REACHED, CALL_CHANGED',
    ],
  )
  book(@CurrentUser() user: User, @Body() dto: BookCallDto) {
    return this.booking.book(user, dto);
  }

  @Roles('freelancer', 'talent_manager', 'admin')
  @Get('vetting/calls')
  @ApiOperation({
    operationId: 'listMyCalls',
    summary: 'The caller’s calls (a talent manager’s agenda; every call for an admin), newest start first',
  })
  @ApiOkResponse({ type: CallList })
  @ApiErrors(403)
  mine(@CurrentUser() user: User, @Query() q: ListCallsQuery) {
    return this.calls.listMine(user, q);
  }

  @Get('vetting/calls/:id')
  @ApiOperation({ operationId: 'getCall', summary: 'A call (participants and admins)' })
  @ApiOkResponse({ type: CallView })
  @ApiErrors(404)
  get(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.calls.get(user, id);
  }

  @Get('vetting/calls/:id/history')
  @ApiOperation({ operationId: 'getCallHistory', summary: 'The call’s audit trail, oldest first' })
  @ApiOkResponse({ type: CallHistory })
  @ApiErrors(404)
  history(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.calls.history(user, id);
  }

  @Roles('freelancer')
  @Post('vetting/calls/:id/reschedule')
  @HttpCode(200)
  @ApiOperation({ operationId: 'rescheduleCall', summary: 'Move the call to another free slot (once, with notice)' })
  @ApiOkResponse({ type: CallView })
  @ApiErrors(400, 403, 404, [
    409,
    'NOTICE_TOO_SHORT, RESCHEDULE_LIMIT_REACHED, SLOT_UNAVAILABLE, CALL_NOT_ACTIVE, CALL_CHANGED',
  ])
  reschedule(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: RescheduleCallDto) {
    return this.rescheduling.reschedule(user, id, dto);
  }

  @Roles('freelancer', 'admin')
  @Post('vetting/calls/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ operationId: 'cancelCall', summary: 'Cancel the call; inside the notice window it counts as a miss' })
  @ApiOkResponse({ type: CancelledCall })
  @ApiErrors(400, 403, 404, [409, 'CALL_NOT_ACTIVE, CALL_CHANGED'])
  cancel(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: CancelCallDto) {
    return this.cancelling.cancel(user, id, dto);
  }

  @Get('vetting/calls/:id/calendar.ics')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({
    operationId: 'downloadCallInvite',
    summary: 'The call as an iTIP invite (REQUEST, or CANCEL once cancelled)',
  })
  @ApiOkResponse({ description: 'iCalendar text', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiErrors(404)
  ics(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.scorecards.ics(user, id);
  }

  @Roles('talent_manager')
  @Post('vetting/calls/:id/scorecard')
  @ApiOperation({ operationId: 'submitScorecard', summary: 'Score the call: hard skills 1–5, soft skills, decision' })
  @ApiCreatedResponse({ type: ScorecardView })
  @ApiErrors(400, 403, 404, [409, 'SCORECARD_ALREADY_SUBMITTED, CALL_NOT_STARTED'])
  scorecard(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: ScorecardDto) {
    return this.scorecards.submit(user, id, dto);
  }

  @Get('vetting/calls/:id/scorecard')
  @ApiOperation({ operationId: 'getScorecard', summary: 'The call’s scorecard, or null' })
  @ApiOkResponse({ type: CallScorecard })
  @ApiErrors(404)
  getScorecard(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.scorecards.get(user, id);
  }
}
