import { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ALL_CATEGORY_SLUGS, AppConfig, AppError, Clock, ELIGIBLE_CATEGORY_SLUGS, withContext } from '@vetting/core';
import { ClientPlan, IdentityService, User, UserRole } from '@vetting/identity';
import { TalentService } from '@vetting/talent';
import { AvailabilityService, BookingService, CallsService } from '@vetting/calendar';
import { FreelancerAdminService, ProfilesService } from '@vetting/credentials';
import { ChannelsService } from '@vetting/notifications';

/**
 * The demo world of a local start on the embedded database: one account per role, so a newcomer can click
 * through at once. The password is fixed and printed: this never runs with DATABASE_URL or in production.
 */
export const DEMO_PASSWORD = 'demo-password-1';

export interface DemoAccount {
  email: string;
  name: string;
  role: UserRole;
  timeZone: string;
  plan?: ClientPlan;
  note: string;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: 'admin@demo.test',
    name: 'Avery Admin',
    role: 'admin',
    timeZone: 'UTC',
    note: 'invitations, staff, reviews, queue dashboard',
  },
  {
    email: 'tm.berlin@demo.test',
    name: 'Bettina Berlin',
    role: 'talent_manager',
    timeZone: 'Europe/Berlin',
    note: 'available daily 09:00–17:00 Berlin',
  },
  {
    email: 'tm.newyork@demo.test',
    name: 'Nate NewYork',
    role: 'talent_manager',
    timeZone: 'America/New_York',
    note: 'available daily 09:00–17:00 New York',
  },
  {
    email: 'proctor@demo.test',
    name: 'Petra Proctor',
    role: 'proctor',
    timeZone: 'Europe/Lisbon',
    note: 'watches running tests',
  },
  {
    email: 'ada@demo.test',
    name: 'Ada Lovelace',
    role: 'freelancer',
    timeZone: 'Europe/London',
    note: 'invited (web, mobile & software); profile filled, identity verified',
  },
  {
    email: 'grace@demo.test',
    name: 'Grace Hopper',
    role: 'freelancer',
    timeZone: 'America/Chicago',
    note: 'invited (data science & analytics)',
  },
  {
    email: 'linus@demo.test',
    name: 'Linus Tokyo',
    role: 'freelancer',
    timeZone: 'Asia/Tokyo',
    note: 'invited (design & creative), a call booked',
  },
  {
    email: 'client.marketplace@demo.test',
    name: 'Marta Marketplace',
    role: 'client',
    plan: 'marketplace',
    timeZone: 'Europe/Madrid',
    note: 'plan marketplace',
  },
  {
    email: 'client.business@demo.test',
    name: 'Bruno Business',
    role: 'client',
    plan: 'business_plus',
    timeZone: 'America/Los_Angeles',
    note: 'plan business_plus',
  },
  {
    email: 'client.enterprise@demo.test',
    name: 'Erin Enterprise',
    role: 'client',
    plan: 'enterprise',
    timeZone: 'Australia/Sydney',
    note: 'plan enterprise',
  },
];

const INVITATIONS: Record<string, string> = {
  'ada@demo.test': 'web-mobile-software-dev',
  'grace@demo.test': 'data-science-analytics',
  'linus@demo.test': 'design-creative',
};
const FOLLOWS: Record<string, string[]> = {
  'client.marketplace@demo.test': ['writing'],
  'client.business@demo.test': ['web-mobile-software-dev', 'design-creative'],
  'client.enterprise@demo.test': ['web-mobile-software-dev', 'data-science-analytics', 'it-networking'],
};
/** The account created last: once it exists the world is complete and a start leaves it alone. */
const MARKER = DEMO_ACCOUNTS[DEMO_ACCOUNTS.length - 1].email;

/** Whether a start seeds the demo world: only on the embedded database, never in production, unless SEED_DEMO=false. */
export function demoSeedEnabled(config: AppConfig): boolean {
  return config.embeddedDatabase && config.env.NODE_ENV !== 'production' && config.env.SEED_DEMO;
}

export type DemoSeedOutcome = 'seeded' | 'present' | 'disabled';

/** Seeds the demo world when the configuration allows it (see demoSeedEnabled). */
export async function maybeSeedDemoWorld(app: INestApplication, config: AppConfig): Promise<DemoSeedOutcome> {
  if (!demoSeedEnabled(config)) return 'disabled';
  return seedDemoWorld(app);
}

/**
 * Creates the demo accounts and their data through the services (idempotent: every step skips what exists, so an
 * interrupted seed completes on the next start). The caller decides whether seeding is allowed.
 */
export async function seedDemoWorld(app: INestApplication): Promise<DemoSeedOutcome> {
  const orm = app.get<MikroORM>(MikroORM);
  const identity = app.get(IdentityService, { strict: false });
  const talent = app.get(TalentService, { strict: false });
  const calls = app.get(CallsService, { strict: false });
  const profiles = app.get(ProfilesService, { strict: false });
  const freelancerAdmin = app.get(FreelancerAdminService, { strict: false });
  const availability = app.get(AvailabilityService, { strict: false });
  const booking = app.get(BookingService, { strict: false });
  const channels = app.get(ChannelsService, { strict: false });
  const clock = app.get(Clock, { strict: false });

  const find = (email: string) => withContext(orm, (em) => em.findOne(User, { email }));
  if (await find(MARKER)) return 'present';

  const users = new Map<string, User>();
  for (const a of DEMO_ACCOUNTS.slice(0, -1)) users.set(a.email, await ensureAccount(orm, identity, a));
  const admin = users.get('admin@demo.test')!;

  for (const email of ['tm.berlin@demo.test', 'tm.newyork@demo.test']) {
    const tm = users.get(email)!;
    await withContext(orm, () =>
      availability.setAvailability(tm, {
        timeZone: tm.timeZone,
        weekly: WEEKDAYS.map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
        exceptions: [],
        categorySlugs: [...ELIGIBLE_CATEGORY_SLUGS],
      }),
    );
  }

  for (const [email, categorySlug] of Object.entries(INVITATIONS)) {
    const freelancer = users.get(email)!;
    const existing = await withContext(orm, () => talent.invitationsOf(freelancer.id));
    if (existing.some((i) => i.categorySlug === categorySlug)) continue;
    await withContext(orm, () =>
      talent.invite(admin.id, { freelancerId: freelancer.id, program: 'expert-vetted', categorySlug }),
    );
  }

  const ada = users.get('ada@demo.test')!;
  const profile = await withContext(orm, () => profiles.myProfile(ada));
  if (!profile.title) {
    await withContext(orm, () =>
      profiles.updateProfile(ada, {
        title: 'Full-stack TypeScript engineer',
        overview: 'Ten years of web and mobile products; NestJS, React and PostgreSQL.',
        categorySlugs: ['web-mobile-software-dev'],
        skills: ['TypeScript', 'React', 'PostgreSQL', 'Node.js'],
        portfolioLinks: ['https://example.com/ada'],
      }),
    );
    await withContext(orm, () => freelancerAdmin.verifyIdentity(admin, ada.id));
  }

  await bookDemoCall(orm, talent, calls, booking, clock, users.get('linus@demo.test')!);

  // The marker account last, then what it follows.
  const last = DEMO_ACCOUNTS[DEMO_ACCOUNTS.length - 1];
  users.set(last.email, await ensureAccount(orm, identity, last));
  for (const [email, slugs] of Object.entries(FOLLOWS)) {
    await withContext(orm, () => channels.setTalentAlerts(users.get(email)!.id, slugs, ALL_CATEGORY_SLUGS));
  }
  return 'seeded';
}

async function ensureAccount(orm: MikroORM, identity: IdentityService, a: DemoAccount): Promise<User> {
  const existing = await withContext(orm, (em) => em.findOne(User, { email: a.email }));
  if (existing) return existing;
  if (a.role === 'freelancer' || a.role === 'client') {
    await withContext(orm, () =>
      identity.register({
        email: a.email,
        password: DEMO_PASSWORD,
        name: a.name,
        role: a.role as 'freelancer' | 'client',
        timeZone: a.timeZone,
        plan: a.plan,
      }),
    );
  } else {
    await withContext(orm, () =>
      identity.createStaff({
        email: a.email,
        password: DEMO_PASSWORD,
        name: a.name,
        role: a.role as 'talent_manager' | 'proctor' | 'admin',
        timeZone: a.timeZone,
      }),
    );
  }
  return withContext(orm, (em) => em.findOneOrFail(User, { email: a.email }));
}

/** Books the first free slot two days or more ahead, so the talent managers' agendas are not empty. */
async function bookDemoCall(
  orm: MikroORM,
  talent: TalentService,
  calls: CallsService,
  booking: BookingService,
  clock: Clock,
  freelancer: User,
): Promise<void> {
  const open = (await withContext(orm, () => talent.invitationsOf(freelancer.id))).find((i) => i.status === 'open');
  if (!open) return;
  const booked = await withContext(orm, () => calls.listMine(freelancer));
  if (booked.calls.length > 0) return;
  const from = clock.now().plus({ days: 2 }).startOf('hour');
  const { slots } = await withContext(orm, () =>
    booking.slots(freelancer, { invitationId: open.id, from: from.toISO()!, to: from.plus({ days: 5 }).toISO()! }),
  );
  for (const slot of slots.slice(0, 5)) {
    try {
      await withContext(orm, () => booking.book(freelancer, { invitationId: open.id, startsAt: slot.startsAt! }));
      return;
    } catch (err) {
      if (!(err instanceof AppError)) throw err; // taken meanwhile: try the next one
    }
  }
}

/** The sign-in table printed at start. */
export function demoSignInTable(): string {
  const rows = DEMO_ACCOUNTS.map((a) => [a.email, DEMO_PASSWORD, a.role + (a.plan ? ` (${a.plan})` : ''), a.note]);
  const head = ['email', 'password', 'role', 'what to try'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
