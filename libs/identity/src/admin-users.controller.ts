import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiErrors } from '@vetting/core';
import { Roles } from './auth.decorators';
import { UserView } from './identity.responses';
import { USER_ROLES, User, UserRole, toPublicUser } from './user.entity';

export class UserListQuery {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOptional() @IsIn(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional({ description: 'part of the email or name, case-insensitive' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
}

export class UserList {
  @ApiProperty({ type: [UserView], description: 'oldest first, at most 500' }) users!: UserView[];
}

/** `%` and `_` match themselves in a search. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads accounts for the admin pages (staff, freelancer pickers). */
@Injectable()
export class UserDirectory {
  constructor(private readonly em: EntityManager) {}

  async list(query: UserListQuery) {
    const where: Record<string, unknown> = {};
    if (query.role) where.role = query.role;
    if (query.q?.trim()) where.$or = [{ email: { $ilike: likePattern(query.q.trim()) } }, { name: { $ilike: likePattern(query.q.trim()) } }];
    const users = await this.em.find(User, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 500 });
    return { users: users.map(toPublicUser) };
  }
}

@ApiTags('identity')
@ApiBearerAuth()
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly directory: UserDirectory) {}

  @Roles('admin')
  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'Accounts, optionally by role (staff: talent_manager, proctor, admin) or search' })
  @ApiOkResponse({ type: UserList })
  @ApiErrors(400, 401, 403)
  list(@Query() query: UserListQuery) {
    return this.directory.list(query);
  }
}
