import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { CreateStaffDto, LoginDto, RegisterDto } from './identity.dto';
import { IdentityService } from './identity.service';
import { User, toPublicUser } from './user.entity';

@ApiTags('auth')
@Controller('auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Post('register')
  register(@Body() dto: RegisterDto) {
    return this.identity.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto) {
    return this.identity.login(dto.email, dto.password);
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Controller()
export class MeController {
  constructor(private readonly identity: IdentityService) {}

  @Get('me')
  me(@CurrentUser() user: User) {
    return toPublicUser(user);
  }

  @Roles('admin')
  @Post('admin/users')
  async createStaff(@Body() dto: CreateStaffDto) {
    return toPublicUser(await this.identity.createStaff(dto));
  }
}
