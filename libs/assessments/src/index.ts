// What other libs, apps, tests and mikro-orm.config.ts use of the assessments domain.
export { AssessmentsModule, AssessmentsWorkerModule } from './assessments.module';
export { AssessmentCatalog } from './catalog/assessment-catalog';
export { COMPETENCIES, catalogFileSchema } from './catalog/catalog.schema';
export type { Assessment, AssessmentItem, Track } from './catalog/catalog.schema';
export { TrackStates } from './tracks/track-states';
export { Attempt, AttemptAnswer, IntegritySignal, TrackInvitation, TrackState } from './data/attempt.entities';
export { ATTEMPT_DEADLINES_QUEUE, GRADING_QUEUE, deadlineJobId, startWindowJobId } from './attempts/attempt-jobs';
// Repositories and the SQL twin of the integrity tier, for the medium tests (test/medium/assessments-*).
export { AttemptsRepository } from './data/attempts.repository';
export { AnswersRepository } from './data/answers.repository';
export { SignalsRepository, integrityTierSql } from './data/signals.repository';
export type { SignalRecord } from './data/signals.repository';
export { tierOf } from './domain/integrity.rules';
export { ATTEMPT_STATUSES, assertCanAnswer } from './domain/attempt.rules';
export type { IntegrityThresholds } from './domain/integrity.rules';
