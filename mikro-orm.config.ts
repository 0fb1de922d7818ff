import { CallHistoryEntry, Scorecard, TalentManagerAvailability, VettingCall } from '@vetting/calendar';
import { Attempt, AttemptAnswer, IntegritySignal, TrackInvitation, TrackState } from '@vetting/assessments';
import {
  Badge,
  CategorySupplyLimit,
  Certification,
  FreelancerProfile,
  ProfileReview,
  VerifiedSkill,
} from '@vetting/credentials';
import { User } from '@vetting/identity';
import {
  EmailDelivery,
  Notification,
  NotificationPreference,
  TalentAlertSubscription,
  Webhook,
  WebhookDelivery,
} from '@vetting/notifications';
import { ApplicationWindow, Cooldown, Invitation } from '@vetting/talent';
import { MIGRATIONS } from './migrations';

/** Every entity of every domain module: both apps and the migration command use this list. */
export const ENTITIES = [
  User,
  Notification,
  Invitation,
  ApplicationWindow,
  Cooldown,
  TalentManagerAvailability,
  VettingCall,
  CallHistoryEntry,
  Scorecard,
  Attempt,
  AttemptAnswer,
  IntegritySignal,
  TrackInvitation,
  TrackState,
  FreelancerProfile,
  ProfileReview,
  CategorySupplyLimit,
  VerifiedSkill,
  Certification,
  Badge,
  NotificationPreference,
  Webhook,
  WebhookDelivery,
  EmailDelivery,
  TalentAlertSubscription,
];
export { MIGRATIONS };
