import { CallHistoryEntry, Scorecard, TalentManagerAvailability, VettingCall } from '@vetting/calendar';
import { Attempt, AttemptAnswer, IntegritySignal, TrackInvitation } from '@vetting/assessments';
import { User } from '@vetting/identity';
import { Notification } from '@vetting/notifications';
import { ApplicationWindow, Cooldown, Invitation } from '@vetting/talent';
import { MIGRATIONS } from './migrations';

/** Every entity of every domain module: both apps and the migration command use this list. */
export const ENTITIES = [User, Notification, Invitation, ApplicationWindow, Cooldown, TalentManagerAvailability, VettingCall, CallHistoryEntry, Scorecard, Attempt, AttemptAnswer, IntegritySignal, TrackInvitation];
export { MIGRATIONS };
