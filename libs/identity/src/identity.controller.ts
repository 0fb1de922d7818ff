import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@vetting/core';
import { ThrottlerGuard } from '@nestjs/throttler';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { CreateStaffDto, LoginDto, RegisterDto } from './identity.dto';
import { IdentityService } from './identity.service';
import { AuthSession, UserView } from './identity.responses';
import { User, toPublicUser } from './user.entity';

@ApiTags('auth')
@Controller('auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Post('register')
  @ApiOperation({ operationId: 'register', summary: 'Create a freelancer or client account and sign in' })
  @ApiCreatedResponse({ type: AuthSession })
  @ApiErrors(400, [409, 'EMAIL_TAKEN, PLAN_NOT_ALLOWED (a plan is a client’s)'], 429)
  register(@Body() dto: RegisterDto) {
    return this.identity.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'login', summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AuthSession })
  @ApiErrors(400, [401, 'UNAUTHENTICATED: email or password is wrong'], 429)
  login(@Body() dto: LoginDto) {
    return this.identity.login(dto.email, dto.password);
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
