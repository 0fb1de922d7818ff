import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Badge } from './credentials.entities';

/**
 * A PostgreSQL array literal bound as one parameter (a JS array would be expanded into a list by the driver's
 * binding): `{"a","b"}`, each element quoted.
 */
const pgArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** A freelancer's facts behind the statistics badges, with the statistics badges held now. */
export interface StatBadgeFacts {
  freelancerId: string;
  jobSuccessScore: number | null;
  earnings12m: number;
  approvalStatus: string;
  accountCreatedAt: Date;
  active: { id: string; kind: string }[];
  /** Kinds an admin revoked from this freelancer: never granted back by the re-evaluation. */
  revokedByAdmin: string[];
}

/** Badges: Expert-Vetted and the statistics badges. One active badge per kind (`badges_one_active`). */
@Injectable()
export class BadgesRepository {
  active(em: EntityManager, freelancerId: string, kind?: string): Promise<Badge[]> {
    return em.find(Badge, { freelancerId, revokedAt: null, ...(kind ? { kind } : {}) });
  }

  /** Freelancers among `ids` who hold or ever held `kind` (a revoked grant counts). */
  async everHeld(em: EntityManager, ids: string[], kind: string): Promise<Set<string>> {
    const holders = await em.find(Badge, { freelancerId: { $in: ids }, kind }, { fields: ['freelancerId'] });
    return new Set(holders.map((b) => b.freelancerId));
  }

  /** When an admin last revoked this freelancer's badge of `kind` (null: never). */
  async lastRevokedByAdmin(em: EntityManager, freelancerId: string, kind: string): Promise<Date | null> {
    const [row] = await em.execute<{ at: Date | null }[]>(
      `select max(revoked_at) as at from badges where freelancer_id = ? and kind = ? and revoked_by_admin`,
      [freelancerId, kind],
    );
    return row?.at ? new Date(row.at) : null;
  }

  /** Grants Expert-Vetted unless it is held (a concurrent grant does nothing): the new badge's id, or null. */
  async grantExpertVetted(
    em: EntityManager,
    freelancerId: string,
    at: Date,
    evidence: Record<string, unknown>,
  ): Promise<string | null> {
    const rows = await em.execute<{ id: string }[]>(
      `insert into badges (id, freelancer_id, kind, granted_at, evidence)
       values (gen_random_uuid(), ?, 'expert_vetted', ?, ?::jsonb)
       on conflict (freelancer_id, kind) where revoked_at is null do nothing returning id`,
      [freelancerId, at, JSON.stringify(evidence)],
    );
    return rows[0]?.id ?? null;
  }

  /** An admin's revocation of the active badge of a kind: its id, or null when none is active. */
  async revoke(
    em: EntityManager,
    freelancerId: string,
    kind: string,
    at: Date,
    reason: string,
    adminId: string,
  ): Promise<string | null> {
    const rows = await em.execute<{ id: string }[]>(
      `update badges set revoked_at = ?, revoked_reason = ?, revoked_by = ?, revoked_by_admin = true
       where freelancer_id = ? and kind = ? and revoked_at is null returning id`,
      [at, reason, adminId, freelancerId, kind],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * One statement for the statistics badges' evaluation: every profile (or those of `only`) with its account's age,
   * the statistics badges it holds and the kinds an admin revoked from it. Profiles without a user row are left out.
   * touches identity's users: the account's creation date (Rising Talent's minimum account age)
   */
  async statBadgeFacts(em: EntityManager, kinds: readonly string[], only?: string[]): Promise<StatBadgeFacts[]> {
    const rows = await em.execute<
      {
        user_id: string;
        job_success_score: number | null;
        earnings12m: number;
        approval_status: string;
        created_at: Date;
        active: { id: string; kind: string }[];
        revoked_by_admin: string[];
      }[]
    >(
      `select p.user_id, p.job_success_score, p.earnings12m, p.approval_status, u.created_at,
         coalesce(json_agg(json_build_object('id', b.id, 'kind', b.kind) order by b.granted_at, b.id)
           filter (where b.id is not null and b.revoked_at is null), '[]'::json) as active,
         coalesce(array_agg(distinct b.kind) filter (where b.revoked_by_admin), '{}') as revoked_by_admin
       from freelancer_profiles p
       join users u on u.id = p.user_id
       left join badges b on b.freelancer_id = p.user_id and b.kind = any(?::text[])
                          and (b.revoked_at is null or b.revoked_by_admin)
       where ?::uuid[] is null or p.user_id = any(?::uuid[])
       group by p.user_id, u.created_at
       order by p.user_id`,
      [pgArray(kinds), only ? pgArray(only) : null, only ? pgArray(only) : null],
    );
    return rows.map((r) => ({
      freelancerId: r.user_id,
      jobSuccessScore: r.job_success_score === null ? null : Number(r.job_success_score),
      earnings12m: Number(r.earnings12m),
      approvalStatus: r.approval_status,
      accountCreatedAt: new Date(r.created_at),
      active: r.active,
      revokedByAdmin: r.revoked_by_admin,
    }));
  }

  /** Revokes the listed badges (their criteria lapsed). */
  async revokeMany(em: EntityManager, ids: string[], at: Date, reason: string): Promise<void> {
    if (!ids.length) return;
    await em.execute(`update badges set revoked_at = ?, revoked_reason = ? where id = any(?::uuid[])`, [
      at,
      reason,
      pgArray(ids),
    ]);
  }

  /** A new badge, persisted with the unit of work (its id is known now, for notification keys). */
  add(em: EntityManager, freelancerId: string, kind: string, at: Date, evidence: Record<string, unknown>): Badge {
    const badge = em.create(Badge, { freelancerId, kind, grantedAt: at, evidence, revokedByAdmin: false });
    em.persist(badge);
    return badge;
  }
}
