import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const USER_ROLES = ['freelancer', 'client', 'talent_manager', 'proctor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const STAFF_ROLES = ['talent_manager', 'proctor', 'admin'] as const;
export const CLIENT_PLANS = ['marketplace', 'business_plus', 'enterprise'] as const;
export type ClientPlan = (typeof CLIENT_PLANS)[number];

@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'tokenVersion';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored lower-cased; unique. */
  @Property({ type: 'string', length: 320 })
  email!: string;

  @Property({ type: 'string', hidden: true, lazy: false })
  passwordHash!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Enum({ items: () => USER_ROLES, type: 'string' })
  role!: UserRole;

  @Property({ type: 'string', length: 64 })
  timeZone!: string;

  @Enum({ items: () => CLIENT_PLANS, type: 'string', nullable: true })
  plan?: ClientPlan | null;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  /** Raised by logout and a password change: tokens carrying an older version are refused. */
  @Property({ type: 'integer', hidden: true, default: 0 })
  tokenVersion: number = 0;
}

export function toPublicUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    timeZone: u.timeZone,
    ...(u.role === 'client' ? { plan: u.plan ?? 'marketplace' } : {}),
  };
}
export type PublicUser = ReturnType<typeof toPublicUser>;
