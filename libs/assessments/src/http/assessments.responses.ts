import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ATTEMPT_STATUSES } from '../domain/attempt.rules';
import { CODE_LANGUAGES } from '../catalog/catalog.schema';
import { CANDIDATE_SIGNALS, SYSTEM_SIGNALS } from '../domain/integrity.rules';

const SIGNAL_TYPES = [...CANDIDATE_SIGNALS, ...SYSTEM_SIGNALS];
const TIERS = ['none', 'some', 'major'];

export class AssessmentSummary {
  @ApiProperty({ example: 'javascript-fundamentals' }) slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['skill', 'cert-part1', 'cert-part2', 'scenario'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the skill a pass verifies' }) skill!: string | null;
  @ApiProperty() categorySlug!: string;
  @ApiProperty({ enum: ['open', 'invited'] }) access!: string;
  @ApiProperty({ example: 'PT45M', description: 'ISO-8601 duration' }) duration!: string;
  @ApiProperty({ description: 'percent' }) passingScore!: number;
  @ApiProperty() proctored!: boolean;
  @ApiProperty({
    description:
      'a proctored test the page starts only with the camera on (unless the catalog marks it camera-optional)',
  })
  cameraRequired!: boolean;
  @ApiProperty({ description: 'items drawn per attempt' }) itemCount!: number;
}

export class TrackView {
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty() categorySlug!: string;
  @ApiProperty({ type: [String], description: 'assessment slugs, all to be passed' }) assessments!: string[];
  @ApiProperty({ example: 'P1Y', description: 'ISO-8601 duration' }) validityWindow!: string;
  @ApiProperty({ enum: ['active', 'legacy'], description: 'legacy: closed to new awards, awards stay valid' })
  status!: string;
}

export class TrackStateView {
  @ApiProperty() slug!: string;
  @ApiProperty({ enum: ['active', 'legacy'], description: 'the effective status now' }) status!: string;
  @ApiProperty({ enum: ['active', 'legacy'], description: 'the catalog default it overrides' }) catalogStatus!: string;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
  @ApiProperty({ format: 'uuid', description: 'the admin who changed it' }) changedBy!: string;
}

export class CatalogView {
  @ApiProperty({ type: [AssessmentSummary] }) assessments!: AssessmentSummary[];
  @ApiProperty({ type: [TrackView] }) tracks!: TrackView[];
}

export class TrackInvitationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() trackSlug!: string;
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ItemOption {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
}

export class MultipleChoiceItem {
  @ApiProperty({ enum: ['multiple_choice'] }) type!: 'multiple_choice';
  @ApiProperty() id!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty({ type: [ItemOption] }) options!: ItemOption[];
  @ApiProperty({ description: 'more than one option is right' }) multiple!: boolean;
}

export class CodingExample {
  @ApiProperty() input!: string;
  @ApiProperty() output!: string;
  @ApiPropertyOptional() explanation?: string;
}

export class CodingItem {
  @ApiProperty({ enum: ['coding'] }) type!: 'coding';
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() statement!: string;
  @ApiProperty({ type: [CodingExample] }) examples!: CodingExample[];
  @ApiProperty({ enum: CODE_LANGUAGES, isArray: true }) languages!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'by language' })
  starterCode!: Record<string, string>;
  @ApiProperty() timeLimitMs!: number;
}

export class ScenarioItem {
  @ApiProperty({ enum: ['scenario'] }) type!: 'scenario';
  @ApiProperty() id!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty({ type: [ItemOption] }) options!: ItemOption[];
}

export class SavedAnswerView {
  @ApiProperty() itemId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'as sent: {optionIds}, {optionId} or {language, code}',
  })
  answer!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) savedAt!: string;
  @ApiProperty() revision!: number;
}

@ApiExtraModels(MultipleChoiceItem, CodingItem, ScenarioItem)
export class AttemptView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: AssessmentSummary }) assessment!: AssessmentSummary;
  @ApiProperty({ enum: ATTEMPT_STATUSES }) status!: (typeof ATTEMPT_STATUSES)[number];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'held by the server' }) deadline!:
    string | null;
  @ApiProperty({ nullable: true, type: Number }) remainingMs!: number | null;
  @ApiProperty({ format: 'date-time' }) serverTime!: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'a created attempt: start it before this (ATTEMPT_START_WINDOW) or it lapses',
  })
  startBy?: string;
  @ApiProperty({ type: 'integer', description: 'drawn items; the items themselves only once the clock runs' })
  itemCount!: number;
  @ApiProperty({
    description: 'empty until the attempt is started',
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(MultipleChoiceItem) },
        { $ref: getSchemaPath(CodingItem) },
        { $ref: getSchemaPath(ScenarioItem) },
      ],
      discriminator: { propertyName: 'type' },
    },
  })
  items!: (MultipleChoiceItem | CodingItem | ScenarioItem)[];
  @ApiProperty({ type: [SavedAnswerView] }) answers!: SavedAnswerView[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) endReason!: string | null;
  @ApiPropertyOptional({ description: 'once graded' }) score?: number;
  @ApiPropertyOptional({ description: 'once graded' }) passed?: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 'once graded' }) gradedAt?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'once graded: scores by section, competency and test case',
  })
  report?: Record<string, unknown>;
}

export class AttemptSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() assessmentSlug!: string;
  @ApiProperty({ enum: ATTEMPT_STATUSES }) status!: (typeof ATTEMPT_STATUSES)[number];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deadline!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) score!: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) passed!: boolean | null;
}

export class AttemptList {
  @ApiProperty({ type: [AttemptSummary], description: 'newest first, at most 200' }) attempts!: AttemptSummary[];
}

export class SavedAnswer {
  @ApiProperty({ format: 'uuid' }) attemptId!: string;
  @ApiProperty() itemId!: string;
  @ApiProperty({ format: 'date-time' }) savedAt!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() answeredCount!: number;
}

export class IntegrityView {
  @ApiProperty() points!: number;
  @ApiProperty({ enum: TIERS }) tier!: string;
}

export class CandidateRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
}

export class AssessmentRef {
  @ApiProperty() slug!: string;
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional() proctored?: boolean;
}

export class LiveAttempt {
  @ApiProperty({ format: 'uuid' }) attemptId!: string;
  @ApiProperty({ enum: ATTEMPT_STATUSES }) status!: (typeof ATTEMPT_STATUSES)[number];
  @ApiProperty({ type: CandidateRef }) candidate!: CandidateRef;
  @ApiProperty({ type: AssessmentRef }) assessment!: AssessmentRef;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deadline!: string | null;
  @ApiProperty({ nullable: true, type: Number }) remainingMs!: number | null;
  @ApiProperty() answeredCount!: number;
  @ApiProperty() itemCount!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'signals by type' })
  signalCounts!: Record<string, number>;
  @ApiProperty({ type: IntegrityView }) integrity!: IntegrityView;
}

export class LiveAttemptList {
  @ApiProperty({ type: [LiveAttempt] }) attempts!: LiveAttempt[];
}

export class IntegritySignalView {
  @ApiProperty({ format: 'uuid', description: 'the same id the live events carry' }) id!: string;
  @ApiProperty({ format: 'uuid' }) attemptId!: string;
  @ApiProperty({ enum: SIGNAL_TYPES }) type!: string;
  @ApiProperty({ enum: ['candidate', 'proctor', 'system'] }) source!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class AttemptTimeline {
  @ApiProperty({ type: LiveAttempt }) attempt!: LiveAttempt;
  @ApiProperty({ type: [IntegritySignalView], description: 'in order' }) timeline!: IntegritySignalView[];
}

export class TerminatedAttempt {
  @ApiProperty({ format: 'uuid' }) attemptId!: string;
  @ApiProperty({ enum: ['terminated'] }) status!: 'terminated';
  @ApiProperty() reason!: string;
}
