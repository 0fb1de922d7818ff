import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors, parseId } from '@vetting/core';
import { CurrentUser, User } from '@vetting/identity';
import { CallsService } from '../calls/calls.service';
import { CallsRepository } from '../data/calls.repository';

export class CallParticipant {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone!: string;
}

export class CallParticipants {
  @ApiProperty({ format: 'uuid' }) callId!: string;
  @ApiProperty({ type: CallParticipant }) freelancer!: CallParticipant;
  @ApiProperty({ type: CallParticipant }) talentManager!: CallParticipant;
}

/** Who is in a call, for the call page and the talent manager's agenda (names and zones, never emails). */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('vetting/calls')
export class CallParticipantsController {
  constructor(
    private readonly calls: CallsService,
    private readonly repository: CallsRepository,
  ) {}

  @Get(':id/participants')
  @ApiOperation({
    operationId: 'getCallParticipants',
    summary: 'The call’s freelancer and talent manager: names and time zones (participants and admins)',
  })
  @ApiOkResponse({ type: CallParticipants })
  @ApiErrors(401, 404)
  async participants(@CurrentUser() user: User, @Param('id', parseId()) id: string): Promise<CallParticipants> {
    const call = await this.calls.findVisible(user, id);
    const users = await this.repository.people([call.freelancerId, call.talentManagerId]);
    const view = (userId: string) => {
      const u = users.find((x) => x.id === userId)!;
      return { id: u.id, name: u.name, timeZone: u.timeZone };
    };
    return { callId: call.id, freelancer: view(call.freelancerId), talentManager: view(call.talentManagerId) };
  }
}
