import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { AppConfig, AppError, Clock, conflict, notFound, unauthenticated, withContext } from '@vetting/core';
import { LoginThrottle } from './login-throttle';
import { SessionEvents } from './session-events';
import { CreateStaffDto, RegisterDto } from './identity.dto';
import { hashPassword, verifyPassword } from './password';
import { TokenService } from './token.service';
import { PublicUser, User, UserRole, toPublicUser } from './user.entity';

// Spends the same time on an unknown email as on a wrong password.
let dummyHash: Promise<string> | undefined;
const timingDummy = () => (dummyHash ??= hashPassword('not-a-real-password'));

@Injectable()
export class IdentityService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly em: EntityManager,
    private readonly orm: MikroORM,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionEvents,
  ) {}

  async register(dto: RegisterDto): Promise<{ accessToken: string; user: PublicUser }> {
    if (dto.role !== 'client' && dto.plan) {
      // A plan is a client's; refuse rather than silently drop it.
      throw conflict('PLAN_NOT_ALLOWED', 'Only clients have a plan');
    }
    const user = await this.createUser({
      email: dto.email,
      password: dto.password,
      name: dto.name,
      role: dto.role,
      timeZone: dto.timeZone,
      plan: dto.role === 'client' ? (dto.plan ?? 'marketplace') : null,
    });
    return { accessToken: this.tokens.issue(user), user: toPublicUser(user) };
  }

  /** Checks the password; the account's attempts are limited whatever address they come from. */
  async login(email: string, password: string): Promise<{ accessToken: string; user: PublicUser }> {
    const attempt = await this.throttle.hitAccount(email);
    const user = await this.em.findOne(User, { email: email.trim().toLowerCase() });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await timingDummy()));
    if (!user || !ok) throw unauthenticated('Email or password is wrong');
    await attempt.succeeded();
    return { accessToken: this.tokens.issue(user), user: toPublicUser(user) };
  }

  /** Ends every session of the user: all tokens issued so far stop working, live sockets are disconnected. */
  async logout(user: User): Promise<void> {
    user.tokenVersion = await this.bumpTokenVersion(user.id);
    this.sessions.revoked(user.id);
  }

  /** Changes the password after checking the current one; ends every other session and answers a fresh token. */
  async changePassword(user: User, currentPassword: string, newPassword: string): Promise<{ accessToken: string; user: PublicUser }> {
    const attempt = await this.throttle.hitAccount(user.email);
    const stored = await this.em.findOne(User, { id: user.id }, { refresh: true });
    if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash))) {
      throw new AppError(403, 'WRONG_PASSWORD', 'The current password is wrong');
    }
    await attempt.succeeded();
    const hash = await hashPassword(newPassword);
    const rows = await this.em.execute<{ token_version: number }[]>(
      `update users set password_hash = ?, token_version = token_version + 1 where id = ? returning token_version`,
      [hash, user.id],
    );
    stored.passwordHash = hash;
    stored.tokenVersion = rows[0].token_version;
    this.sessions.revoked(user.id);
    return { accessToken: this.tokens.issue(stored), user: toPublicUser(stored) };
  }

  private async bumpTokenVersion(userId: string): Promise<number> {
    const rows = await this.em.execute<{ token_version: number }[]>(
      `update users set token_version = token_version + 1 where id = ? returning token_version`,
      [userId],
    );
    if (!rows[0]) throw notFound('User', { id: userId });
    return rows[0].token_version;
  }

  createStaff(dto: CreateStaffDto): Promise<User> {
    return this.createUser({ ...dto, plan: null });
  }

  async findById(id: string): Promise<User> {
    const user = await this.em.findOne(User, { id });
    if (!user) throw notFound('User', { id });
    return user;
  }

  private async createUser(input: {
    email: string;
    password: string;
    name: string;
    role: UserRole;
    timeZone: string;
    plan: User['plan'];
  }): Promise<User> {
    const user = this.em.create(User, {
      email: input.email.trim().toLowerCase(),
      passwordHash: await hashPassword(input.password),
      name: input.name.trim(),
      role: input.role,
      timeZone: input.timeZone,
      plan: input.plan,
      createdAt: this.clock.now().toJSDate(),
    });
    try {
      await this.em.persistAndFlush(user);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.em.clear();
        throw conflict('EMAIL_TAKEN', 'An account with this email already exists');
      }
      throw err;
    }
    return user;
  }

  /** Creates the admin named by ADMIN_EMAIL/ADMIN_PASSWORD once, if it does not exist. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config.env;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    await withContext(this.orm, async (em) => {
      const email = ADMIN_EMAIL.toLowerCase();
      if (await em.findOne(User, { email })) return;
      const admin = em.create(User, {
        email,
        passwordHash: await hashPassword(ADMIN_PASSWORD),
        name: 'Administrator',
        role: 'admin',
        timeZone: 'UTC',
        plan: null,
        createdAt: this.clock.now().toJSDate(),
      });
      try {
        await em.persistAndFlush(admin);
        this.logger.log(`Admin account ${email} created`);
      } catch (err) {
        // Another process created it first.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
      }
    });
  }
}
