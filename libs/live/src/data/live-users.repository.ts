import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { withContext } from '@vetting/core';
import { User } from '@vetting/identity';

/** Who a socket's token names, as the handshake checks it. */
export interface HandshakeUser {
  id: string;
  role: string;
  name: string;
  tokenVersion: number;
}

/**
 * touches identity's users (read only): every handshake, a recovered session's too, checks that the token's
 * account still exists and that its session version has not moved (logout, password change).
 */
@Injectable()
export class LiveUsersRepository {
  constructor(private readonly orm: MikroORM) {}

  async find(id: string): Promise<HandshakeUser | null> {
    const user = await withContext(this.orm, (em) => em.findOne(User, { id }));
    return user ? { id: user.id, role: user.role, name: user.name, tokenVersion: user.tokenVersion } : null;
  }
}
