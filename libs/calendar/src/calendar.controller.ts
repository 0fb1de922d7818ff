import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { AvailabilityDto, BookCallDto, CancelCallDto, ListCallsQuery, RescheduleCallDto, ScorecardDto, SlotsQuery } from './call.dto';
import { CallsService } from './calls.service';
import { ScorecardsService } from './scorecards.service';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(
    private readonly calls: CallsService,
    private readonly scorecards: ScorecardsService,
  ) {}

  @Roles('talent_manager')
  @Put('talent-managers/me/availability')
  setAvailability(@CurrentUser() tm: User, @Body() dto: AvailabilityDto) {
    return this.calls.setAvailability(tm, dto);
  }

  @Roles('talent_manager')
  @Get('talent-managers/me/availability')
  getAvailability(@CurrentUser() tm: User) {
    return this.calls.getAvailability(tm);
  }

  @Roles('freelancer')
  @Get('vetting/slots')
  slots(@CurrentUser() user: User, @Query() q: SlotsQuery) {
    return this.calls.slots(user, q);
  }

  @Roles('freelancer')
  @Post('vetting/calls')
  book(@CurrentUser() user: User, @Body() dto: BookCallDto) {
    return this.calls.book(user, dto);
  }

  @Roles('freelancer', 'talent_manager', 'admin')
  @Get('vetting/calls')
  mine(@CurrentUser() user: User, @Query() q: ListCallsQuery) {
    return this.calls.listMine(user, q);
  }

  @Get('vetting/calls/:id')
  get(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.calls.get(user, id);
  }

  @Get('vetting/calls/:id/history')
  history(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.calls.history(user, id);
  }

  @Roles('freelancer')
  @Post('vetting/calls/:id/reschedule')
  @HttpCode(200)
  reschedule(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: RescheduleCallDto) {
    return this.calls.reschedule(user, id, dto);
  }

  @Roles('freelancer', 'admin')
  @Post('vetting/calls/:id/cancel')
  @HttpCode(200)
  cancel(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: CancelCallDto) {
    return this.calls.cancel(user, id, dto);
  }

  @Get('vetting/calls/:id/calendar.ics')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  ics(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.scorecards.ics(user, id);
  }

  @Roles('talent_manager')
  @Post('vetting/calls/:id/scorecard')
  scorecard(@CurrentUser() user: User, @Param('id', parseId()) id: string, @Body() dto: ScorecardDto) {
    return this.scorecards.submit(user, id, dto);
  }

  @Get('vetting/calls/:id/scorecard')
  getScorecard(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.scorecards.get(user, id);
  }
}
