import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '@vetting/core';
import { IdentityService } from '../accounts/identity.service';
import { User, toPublicUser } from '../data/user.entity';
import { CurrentUser, Public, Roles } from '../sessions/auth.decorators';
import { ClientRateLimitGuard } from '../sessions/client-rate-limit.guard';
import { SessionsService } from '../sessions/sessions.service';
import { ChangePasswordDto, CreateStaffDto, LoginDto, RegisterDto } from './identity.dto';
import { AuthSession, UserView } from './identity.responses';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly identity: IdentityService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Post('register')
  @UseGuards(ClientRateLimitGuard)
  @ApiOperation({ operationId: 'register', summary: 'Create a freelancer or client account and sign in' })
  @ApiCreatedResponse({ type: AuthSession })
  @ApiErrors(
    400,
    [409, 'EMAIL_TAKEN, PLAN_NOT_ALLOWED (a plan is a client’s)'],
    [429, 'RATE_LIMITED, with Retry-After'],
  )
  register(@Body() dto: RegisterDto) {
    return this.identity.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(ClientRateLimitGuard)
  @ApiOperation({ operationId: 'login', summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AuthSession })
  @ApiErrors(
    400,
    [401, 'UNAUTHENTICATED: email or password is wrong'],
    [429, 'RATE_LIMITED per client address or per account, with Retry-After'],
  )
  login(@Body() dto: LoginDto) {
    return this.sessions.login(dto.email, dto.password);
  }

  /** Ends every session of the caller (all devices): every token issued so far stops working. */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ operationId: 'logout', summary: 'End every session of the caller (all devices)' })
  @ApiNoContentResponse({ description: 'Every session of the caller has ended' })
  @ApiErrors(401)
  async logout(@CurrentUser() user: User): Promise<void> {
    await this.sessions.logout(user);
  }

  /** Changes the password; every other session ends, the answer carries a fresh token for this one. */
  @ApiBearerAuth()
  @Post('password')
  @HttpCode(200)
  @UseGuards(ClientRateLimitGuard)
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change the password: every other session ends, the answer signs this one in again',
  })
  @ApiOkResponse({ type: AuthSession })
  @ApiErrors(400, 401, [403, 'WRONG_PASSWORD: the current password is wrong'], [429, 'RATE_LIMITED, with Retry-After'])
  changePassword(@CurrentUser() user: User, @Body() dto: ChangePasswordDto) {
    return this.sessions.changePassword(user, dto.currentPassword, dto.newPassword);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class MeController {
  constructor(private readonly identity: IdentityService) {}

  @Get('me')
  @ApiOperation({ operationId: 'getMe', summary: 'The caller' })
  @ApiOkResponse({ type: UserView })
  me(@CurrentUser() user: User) {
    return toPublicUser(user);
  }

  @Roles('admin')
  @Post('admin/users')
  @ApiOperation({ operationId: 'createStaffUser', summary: 'Create a talent manager, proctor or admin' })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(400, 403, [409, 'EMAIL_TAKEN'])
  async createStaff(@Body() dto: CreateStaffDto) {
    return toPublicUser(await this.identity.createStaff(dto));
  }
}
