import { Injectable } from '@nestjs/common';
import { EntityManager, RequiredEntityData, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { onPooledConnection } from '@vetting/core';
import { User, UserRole } from './user.entity';

/** `%` and `_` match themselves in a search. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CALLERS_SQL =
  'select id, email, password_hash, name, role, time_zone, plan, created_at, token_version from users where id = any($1::uuid[])';

/** Every read and write of `users`. Uses the context's EntityManager (a request's, a job's, `withContext`'s). */
@Injectable()
export class UsersRepository {
  constructor(private readonly em: EntityManager) {}

  findById(id: string, opts: { refresh?: boolean } = {}): Promise<User | null> {
    return opts.refresh ? this.em.findOne(User, { id }, { refresh: true }) : this.em.findOne(User, { id });
  }

  /**
   * The caller of a request, by the id its token names: the primary-key read that answers the session check
   * (`token_version`) and the user together, never cached. The reads of requests that arrive together (the same
   * turn of the event loop) go to PostgreSQL as one statement, a named prepared one on a connection of the ORM's
   * pool; each is issued after its request arrived, so it sees every logout, password change and deletion
   * committed before. The row becomes the request context's managed `User` (a later `findById` of the same id
   * answers from the identity map).
   */
  async findCaller(id: string): Promise<User | null> {
    if (!UUID.test(id)) return null; // never part of a batch it would fail
    const row = await this.callerRows(id);
    return row ? this.em.map(User, row) : null;
  }

  private batch: { ids: Set<string>; rows: Promise<Map<string, Record<string, unknown>>> } | null = null;

  private callerRows(id: string): Promise<Record<string, unknown> | undefined> {
    if (!this.batch) {
      const batch = { ids: new Set<string>(), rows: null as unknown as Promise<Map<string, Record<string, unknown>>> };
      batch.rows = new Promise((resolve) => setImmediate(resolve)).then(() => {
        if (this.batch === batch) this.batch = null;
        return this.readCallers([...batch.ids]);
      });
      this.batch = batch;
    }
    this.batch.ids.add(id);
    return this.batch.rows.then((rows) => rows.get(id));
  }

  private async readCallers(ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    return onPooledConnection(this.em, async (connection) => {
      const { rows } = await connection.query({ name: 'identity.callers', text: CALLERS_SQL, values: [ids] });
      return new Map(rows.map((r: Record<string, unknown>) => [r.id as string, r]));
    });
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
