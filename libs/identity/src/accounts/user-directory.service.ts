import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../data/users.repository';
import { UserRole, toPublicUser } from '../data/user.entity';

/** Reads accounts for the admin pages (staff, freelancer pickers). */
@Injectable()
export class UserDirectory {
  constructor(private readonly users: UsersRepository) {}

  async list(query: { role?: UserRole; q?: string }) {
    const users = await this.users.list(query);
    return { users: users.map(toPublicUser) };
  }
}
