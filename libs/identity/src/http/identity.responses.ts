import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLIENT_PLANS, USER_ROLES } from '../data/user.entity';

/** A user as the api shows them (never the password hash). */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: (typeof USER_ROLES)[number];
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone!: string;
  @ApiPropertyOptional({ enum: CLIENT_PLANS, description: 'clients only' }) plan?: (typeof CLIENT_PLANS)[number];
}

export class AuthSession {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer` and the /live handshake (`auth.token`)' })
  accessToken!: string;
  @ApiProperty({ type: UserView }) user!: UserView;
}

export class UserList {
  @ApiProperty({ type: [UserView], description: 'oldest first, at most 500' }) users!: UserView[];
}
