import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class TrackInvitationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() freelancerId!: string;
}
export class AnswerDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { optionIds: ['a'] },
    description: 'multiple choice {optionIds}, scenario {optionId}, coding {language, code}',
  })
  @IsObject()
  answer!: Record<string, unknown>;
}
export class TerminateDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) reason!: string;
}
