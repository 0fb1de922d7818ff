import { Injectable } from '@nestjs/common';
import { EntityManager, RequiredEntityData, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { User, UserRole } from './user.entity';

/** `%` and `_` match themselves in a search. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Every read and write of `users`. Uses the context's EntityManager (a request's, a job's, `withContext`'s). */
@Injectable()
export class UsersRepository {
  constructor(private readonly em: EntityManager) {}

  findById(id: string, opts: { refresh?: boolean } = {}): Promise<User | null> {
    return opts.refresh ? this.em.findOne(User, { id }, { refresh: true }) : this.em.findOne(User, { id });
  }

  /** `email` as stored: lower-cased and trimmed by the caller. */
  findByEmail(email: string): Promise<User | null> {
    return this.em.findOne(User, { email });
  }

  /** Stores a new account; null when the email is taken (the unique index decides, also between processes). */
  async insert(data: RequiredEntityData<User>): Promise<User | null> {
    const user = this.em.create(User, data);
    try {
      await this.em.persistAndFlush(user);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.em.clear();
        return null;
      }
      throw err;
    }
    return user;
  }

  /** Ends every session (tokens carry the version); the new version, or null for an unknown user. */
  async bumpTokenVersion(userId: string): Promise<number | null> {
    const rows = await this.em.execute<{ token_version: number }[]>(
      `update users set token_version = token_version + 1 where id = ? returning token_version`,
      [userId],
    );
    return rows[0]?.token_version ?? null;
  }

  /** A new password hash and, in the same statement, a new token version (every earlier session ends). */
  async setPassword(userId: string, passwordHash: string): Promise<number> {
    const rows = await this.em.execute<{ token_version: number }[]>(
      `update users set password_hash = ?, token_version = token_version + 1 where id = ? returning token_version`,
      [passwordHash, userId],
    );
    return rows[0].token_version;
  }

  /** Accounts, oldest first, at most 500; `q` part of the email or name, case-insensitive. */
  list(filter: { role?: UserRole; q?: string }): Promise<User[]> {
    const where: Record<string, unknown> = {};
    if (filter.role) where.role = filter.role;
    const q = filter.q?.trim();
    if (q) where.$or = [{ email: { $ilike: likePattern(q) } }, { name: { $ilike: likePattern(q) } }];
    return this.em.find(User, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 500 });
  }
}
