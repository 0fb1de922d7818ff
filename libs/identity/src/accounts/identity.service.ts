import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { UsersRepository } from '../data/users.repository';
import { PublicUser, User, UserRole, toPublicUser } from '../data/user.entity';
import { emailTaken, planNotAllowed, userNotFound } from '../domain/identity.errors';
import { hashPassword } from '../domain/password.rules';
import { TokenService } from '../sessions/token.service';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  role: 'freelancer' | 'client';
  timeZone: string;
  plan?: User['plan'];
}

export interface CreateStaffInput {
  email: string;
  password: string;
  name: string;
  role: 'talent_manager' | 'proctor' | 'admin';
  timeZone: string;
}

/** Accounts: sign-up, staff accounts made by an admin, and the admin named by ADMIN_EMAIL. */
@Injectable()
export class IdentityService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly users: UsersRepository,
    private readonly orm: MikroORM,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterInput): Promise<{ accessToken: string; user: PublicUser }> {
    if (dto.role !== 'client' && dto.plan) {
      // A plan is a client's; refuse rather than silently drop it.
      throw planNotAllowed();
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

  createStaff(dto: CreateStaffInput): Promise<User> {
    return this.createUser({ ...dto, plan: null });
  }

  async findById(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
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
    const user = await this.users.insert({
      email: input.email.trim().toLowerCase(),
      passwordHash: await hashPassword(input.password),
      name: input.name.trim(),
      role: input.role,
      timeZone: input.timeZone,
      plan: input.plan,
      createdAt: this.clock.now().toJSDate(),
    });
    if (!user) throw emailTaken();
    return user;
  }

  /** Creates the admin named by ADMIN_EMAIL/ADMIN_PASSWORD once, if it does not exist. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config.env;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    await withContext(this.orm, async () => {
      const email = ADMIN_EMAIL.toLowerCase();
      if (await this.users.findByEmail(email)) return;
      const admin = await this.users.insert({
        email,
        passwordHash: await hashPassword(ADMIN_PASSWORD),
        name: 'Administrator',
        role: 'admin',
        timeZone: 'UTC',
        plan: null,
        createdAt: this.clock.now().toJSDate(),
      });
      // null: another process created it first.
      if (admin) this.logger.log(`Admin account ${email} created`);
    });
  }
}
