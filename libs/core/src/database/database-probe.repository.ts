import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';

/** The health check's round trip to PostgreSQL. */
@Injectable()
export class DatabaseProbeRepository {
  constructor(private readonly orm: MikroORM) {}

  /** Resolves when the database answers a trivial query (callers bound the wait). */
  async ping(): Promise<void> {
    await this.orm.em.fork().getConnection().execute('select 1');
  }
}
