// Response shapes the pages read (the api's views). They mirror the services' `to*View` functions;
// once every response is documented in OpenAPI these come from `schema.d.ts` instead.
export type Role = 'freelancer' | 'client' | 'talent_manager' | 'proctor' | 'admin';
export type Plan = 'marketplace' | 'business_plus' | 'enterprise';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  timeZone: string;
  plan?: Plan | null;
}
export interface AuthAnswer {
  accessToken: string;
  user: User;
}
export interface Category {
  slug: string;
  name: string;
  expertVettedEligible: boolean;
}
export interface Invitation {
  id: string;
  freelancerId: string;
  program: string;
  categorySlug: string;
  status: string;
  source: string;
  reschedulesUsed: number;
  freeRebooking: boolean;
  createdAt: string;
  closedAt: string | null;
  closedReason: string | null;
}
export interface Eligibility {
  eligible: boolean;
  reason?: string;
  message?: string;
  eligibleAt?: string;
  invitations: Invitation[];
  openApplicationWindows: { id: string; program: string; categorySlug: string; closesAt: string }[];
}
export interface Slot {
  startsAt: string;
  endsAt: string;
  localStartsAt: string;
}
export interface Call {
  id: string;
  invitationId: string;
  status: 'scheduled' | 'rescheduled' | 'in_progress' | 'completed' | 'missed' | 'interviewer_absent' | 'cancelled';
  program: string;
  categorySlug: string;
  startsAt: string;
  endsAt: string;
  rescheduleCount: number;
  talentManagerId: string;
  freelancerId: string;
  freelancerJoinedAt: string | null;
  talentManagerJoinedAt: string | null;
  version: number;
  freeRebooking: boolean;
  countsAsMiss?: boolean;
  eligibleAt?: string;
}
export interface CallState {
  call: Call;
  present: { freelancer: boolean; talentManager: boolean };
}
export interface Policy {
  callLengthMs: number;
  gracePeriodMs: number;
  rescheduleNoticeMs: number;
  maxReschedules: number;
  joinEarlyMs: number;
  missedCooldown: string;
  minBookingLeadMs: number;
  bookingHorizonMs: number;
}
export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}
