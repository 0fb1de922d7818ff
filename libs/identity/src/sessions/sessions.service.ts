import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../data/users.repository';
import { PublicUser, User, toPublicUser } from '../data/user.entity';
import { userNotFound, wrongCredentials, wrongPassword } from '../domain/identity.errors';
import { hashPassword, verifyPassword } from '../domain/password.rules';
import { LoginThrottle } from './login-throttle';
import { SessionEvents } from './session-events';
import { TokenService } from './token.service';

// Spends the same time on an unknown email as on a wrong password.
let dummyHash: Promise<string> | undefined;
const timingDummy = () => (dummyHash ??= hashPassword('not-a-real-password'));

/** Signing in, signing out everywhere, and changing the password (which signs out every other session). */
@Injectable()
export class SessionsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionEvents,
  ) {}

  /** Checks the password; the account's attempts are limited whatever address they come from. */
  async login(email: string, password: string): Promise<{ accessToken: string; user: PublicUser }> {
    const attempt = await this.throttle.hitAccount(email);
    const user = await this.users.findByEmail(email.trim().toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? (await timingDummy()));
    if (!user || !ok) throw wrongCredentials();
    await attempt.succeeded();
    return { accessToken: this.tokens.issue(user), user: toPublicUser(user) };
  }

  /** Ends every session of the user: all tokens issued so far stop working, live sockets are disconnected. */
  async logout(user: User): Promise<void> {
    const version = await this.users.bumpTokenVersion(user.id);
    if (version === null) throw userNotFound(user.id);
    user.tokenVersion = version;
    this.sessions.revoked(user.id);
  }

  /** Changes the password after checking the current one; ends every other session and answers a fresh token. */
  async changePassword(
    user: User,
    currentPassword: string,
    newPassword: string,
  ): Promise<{ accessToken: string; user: PublicUser }> {
    const attempt = await this.throttle.hitAccount(user.email);
    const stored = await this.users.findById(user.id, { refresh: true });
    if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash))) throw wrongPassword();
    await attempt.succeeded();
    const hash = await hashPassword(newPassword);
    const version = await this.users.setPassword(user.id, hash);
    stored.passwordHash = hash;
    stored.tokenVersion = version;
    this.sessions.revoked(user.id);
    return { accessToken: this.tokens.issue(stored), user: toPublicUser(stored) };
  }
}
