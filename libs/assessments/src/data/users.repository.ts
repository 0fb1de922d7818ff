import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { User } from '@vetting/identity';

/** Reads of identity's `users` (never writes): who is invited, and the candidate's name for proctors. */
@Injectable()
export class UsersRepository {
  // touches identity's users: read only, a user by id (its role and name)
  findById(em: EntityManager, id: string): Promise<User | null> {
    return em.findOne(User, { id });
  }
}
