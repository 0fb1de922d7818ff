import { Injectable } from '@nestjs/common';
import { EntityManager, RequiredEntityData, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { User, UserRole } from './user.entity';

/** `%` and `_` match themselves in a search. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const CALLER_SQL =
  'select id, email, password_hash, name, role, time_zone, plan, created_at, token_version from users where id = $1';

/** Every read and write of `users`. Uses the context's EntityManager (a request's, a job's, `withContext`'s). */
@Injectable()
export class UsersRepository {
  constructor(private readonly em: EntityManager) {}

  findById(id: string, opts: { refresh?: boolean } = {}): Promise<User | null> {
    return opts.refresh ? this.em.findOne(User, { id }, { refresh: true }) : this.em.findOne(User, { id });
  }

  /**
   * The caller of a request, by the id its token names: one primary-key read that answers the session check
   * (`token_version`) and the user together. It runs as a named prepared statement on a connection of the ORM's
   * pool, so PostgreSQL plans it once per connection and MikroORM builds no query; the row becomes the request
   * context's managed `User` (a later `findById` of the same id answers from the identity map without a query).
   */
  async findCaller(id: string): Promise<User | null> {
    const client = this.em.getKnex().client;
    const connection = await client.acquireConnection();
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await connection.query({ name: 'identity.caller', text: CALLER_SQL, values: [id] }));
    } finally {
      await client.releaseConnection(connection);
    }
    return rows[0] ? this.em.map(User, rows[0]) : null;
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
