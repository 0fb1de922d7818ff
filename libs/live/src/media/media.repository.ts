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
 * The facts media admission needs. These statements read the calendar's `vetting_calls` and the
 * assessments' `attempts` tables (read only): the live module sits below both domains and must not import them.
 */
@Injectable()
export class MediaRepository {
  constructor(private readonly orm: MikroORM) {}

  async call(id: string): Promise<CallRow | null> {
    const rows = await this.orm.em
      .getConnection()
      .execute<{ status: string; starts_at: Date; ends_at: Date; freelancer_id: string; talent_manager_id: string }[]>(
        'select status, starts_at, ends_at, freelancer_id, talent_manager_id from vetting_calls where id = ?',
        [id],
      );
    const r = rows[0];
    return r ? { status: r.status, startsAt: utc(r.starts_at), endsAt: utc(r.ends_at), freelancerId: r.freelancer_id, talentManagerId: r.talent_manager_id } : null;
  }

  async attempt(id: string): Promise<AttemptRow | null> {
    const rows = await this.orm.em
      .getConnection()
      .execute<{ status: string; deadline: Date | null; freelancer_id: string }[]>('select status, deadline, freelancer_id from attempts where id = ?', [id]);
    const r = rows[0];
    return r ? { status: r.status, deadline: r.deadline ? utc(r.deadline) : null, candidateId: r.freelancer_id } : null;
  }
}
