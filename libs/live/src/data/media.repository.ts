import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';

export interface CallRow {
  status: string;
  startsAt: DateTime;
  endsAt: DateTime;
  freelancerId: string;
  talentManagerId: string;
}

export interface AttemptRow {
  status: string;
  deadline: DateTime | null;
  candidateId: string;
}

const utc = (d: Date | string) => DateTime.fromJSDate(new Date(d), { zone: 'utc' });

/**
 * The facts media admission needs, read on every `rtc:signal` (read only, never written here).
 * - touches calendar's `vetting_calls`: whether the call is active and who its two participants are;
 * - touches assessments' `attempts`: whether the attempt is running and whose it is.
 * Why SQL here instead of those domains' exported surface: calendar and assessments import this lib
 * (they publish live events and use `IceServers`), so live sits below both and must not import them.
 */
@Injectable()
export class MediaRepository {
  constructor(private readonly orm: MikroORM) {}

  async call(id: string): Promise<CallRow | null> {
    const rows = await this.orm.em
      .getConnection()
      // touches calendar's vetting_calls (see the class comment)
      .execute<{ status: string; starts_at: Date; ends_at: Date; freelancer_id: string; talent_manager_id: string }[]>(
        'select status, starts_at, ends_at, freelancer_id, talent_manager_id from vetting_calls where id = ?',
        [id],
      );
    const r = rows[0];
    if (!r) return null;
    return {
      status: r.status,
      startsAt: utc(r.starts_at),
      endsAt: utc(r.ends_at),
      freelancerId: r.freelancer_id,
      talentManagerId: r.talent_manager_id,
    };
  }

  async attempt(id: string): Promise<AttemptRow | null> {
    const rows = await this.orm.em
      .getConnection()
      // touches assessments' attempts (see the class comment)
      .execute<{ status: string; deadline: Date | null; freelancer_id: string }[]>(
        'select status, deadline, freelancer_id from attempts where id = ?',
        [id],
      );
    const r = rows[0];
    return r ? { status: r.status, deadline: r.deadline ? utc(r.deadline) : null, candidateId: r.freelancer_id } : null;
  }
}
