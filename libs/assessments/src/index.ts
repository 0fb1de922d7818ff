// What other libs, apps, tests and mikro-orm.config.ts use of the assessments domain.
export { AssessmentsModule, AssessmentsWorkerModule } from './assessments.module';
export { AssessmentCatalog } from './catalog/assessment-catalog';
export { COMPETENCIES } from './catalog/catalog.schema';
export type { Assessment, AssessmentItem } from './catalog/catalog.schema';
export { TrackStates } from './tracks/track-states';
export { Attempt, AttemptAnswer, IntegritySignal, TrackInvitation, TrackState } from './data/attempt.entities';
export { ATTEMPT_DEADLINES_QUEUE, GRADING_QUEUE, deadlineJobId, startWindowJobId } from './attempts/attempt-jobs';
