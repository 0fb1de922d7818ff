import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ALL_CATEGORY_SLUGS, ApiErrors, parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { ChannelsService } from '../channels/channels.service';
import { PreferencesDto, TalentAlertsDto, WebhookDto } from './notifications.dto';
import {
  CreatedWebhook,
  DeletedWebhook,
  NotificationPreferences,
  TalentAlerts,
  WebhookDeliveryList,
  WebhookList,
  WebhookView,
} from './notifications.responses';

@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get('notifications/preferences')
  @ApiOperation({ operationId: 'getNotificationPreferences', summary: 'Channels the caller receives notifications on' })
  @ApiOkResponse({ type: NotificationPreferences })
  prefs(@CurrentUser() user: User) {
    return this.channels.preferences(user.id);
  }

  @Put('notifications/preferences')
  @ApiOperation({
    operationId: 'setNotificationPreferences',
    summary: 'Change channels and muted types (omitted fields stay)',
  })
  @ApiOkResponse({ type: NotificationPreferences })
  @ApiErrors(400)
  setPrefs(@CurrentUser() user: User, @Body() dto: PreferencesDto) {
    return this.channels.setPreferences(user.id, dto);
  }

  @Roles('client', 'admin')
  @Post('webhooks')
  @ApiOperation({ operationId: 'createWebhook', summary: 'Register a webhook; the secret is shown once' })
  @ApiCreatedResponse({ type: CreatedWebhook })
  @ApiErrors(400, 403, [409, 'WEBHOOK_LIMIT_REACHED'])
  create(@CurrentUser() user: User, @Body() dto: WebhookDto) {
    return this.channels.createWebhook(user, dto);
  }

  @Roles('client', 'admin')
  @Get('webhooks')
  @ApiOperation({ operationId: 'listWebhooks', summary: 'The caller’s webhooks' })
  @ApiOkResponse({ type: WebhookList })
  @ApiErrors(403)
  list(@CurrentUser() user: User) {
    return this.channels.webhooks(user.id);
  }

  @Roles('client', 'admin')
  @Delete('webhooks/:id')
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Remove a webhook' })
  @ApiOkResponse({ type: DeletedWebhook })
  @ApiErrors(403, 404)
  remove(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.channels.deleteWebhook(user.id, id);
  }

  @Roles('client', 'admin')
  @Post('webhooks/:id/enable')
  @HttpCode(200)
  @ApiOperation({ operationId: 'enableWebhook', summary: 'Re-enable a webhook disabled after failures' })
  @ApiOkResponse({ type: WebhookView })
  @ApiErrors(403, 404)
  enable(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.channels.enableWebhook(user.id, id);
  }

  @Roles('client', 'admin')
  @Get('webhooks/:id/deliveries')
  @ApiOperation({ operationId: 'listWebhookDeliveries', summary: 'The webhook’s delivery log, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryList })
  @ApiErrors(403, 404)
  deliveries(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.channels.deliveries(user.id, id);
  }

  @Roles('client')
  @Get('clients/me/talent-alerts')
  @ApiOperation({ operationId: 'getMyTalentAlerts', summary: 'Categories the client follows for vetted-talent alerts' })
  @ApiOkResponse({ type: TalentAlerts })
  @ApiErrors(403)
  alerts(@CurrentUser() user: User) {
    return this.channels.talentAlerts(user.id);
  }

  @Roles('client')
  @Put('clients/me/talent-alerts')
  @ApiOperation({ operationId: 'setMyTalentAlerts', summary: 'Replace the followed categories' })
  @ApiOkResponse({ type: TalentAlerts })
  @ApiErrors(400, 403)
  setAlerts(@CurrentUser() user: User, @Body() dto: TalentAlertsDto) {
    return this.channels.setTalentAlerts(user.id, dto.categorySlugs, ALL_CATEGORY_SLUGS);
  }
}
