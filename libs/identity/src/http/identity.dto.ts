import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isIanaTimeZone } from '@vetting/core';
import { CLIENT_PLANS, ClientPlan, STAFF_ROLES, USER_ROLES, UserRole } from '../data/user.entity';

@ValidatorConstraint({ name: 'ianaTimeZone' })
export class IsIanaTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isIanaTimeZone(value);
  }
  defaultMessage(): string {
    return '$property must be an IANA time zone such as Europe/Berlin';
  }
}

export class RegisterDto {
  @ApiProperty({ format: 'email', example: 'ada@example.com' }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(200) password!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiProperty({ enum: ['freelancer', 'client'] }) @IsIn(['freelancer', 'client']) role!: 'freelancer' | 'client';
  @ApiProperty({ example: 'Europe/Berlin' }) @Validate(IsIanaTimeZone) timeZone!: string;
  @ApiPropertyOptional({ enum: CLIENT_PLANS }) @IsOptional() @IsIn(CLIENT_PLANS) plan?: ClientPlan;
}

export class LoginDto {
  @ApiProperty() @IsString() @MaxLength(320) email!: string;
  @ApiProperty() @IsString() @MaxLength(200) password!: string;
}

export class CreateStaffDto {
  @ApiProperty({ format: 'email' }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(200) password!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role!: (typeof STAFF_ROLES)[number];
  @ApiProperty({ example: 'Europe/Berlin' }) @Validate(IsIanaTimeZone) timeZone!: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(200) currentPassword!: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(200) newPassword!: string;
}

export class UserListQuery {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOptional() @IsIn(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional({ description: 'part of the email or name, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
