import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { NotificationPreference } from './delivery.entities';

/** `notification_preferences`: one row per user who changed a channel (no row: defaults). */
@Injectable()
export class PreferencesRepository {
  constructor(private readonly em: EntityManager) {}

  find(userId: string): Promise<NotificationPreference | null> {
    return this.em.findOne(NotificationPreference, { userId });
  }

  /** The user's row, or a new one with every channel on (stored by `save`). */
  async findOrNew(userId: string, at: Date): Promise<NotificationPreference> {
    return (
      (await this.find(userId)) ??
      this.em.create(NotificationPreference, {
        userId,
        push: true,
        email: true,
        webhook: true,
        mutedTypes: [],
        updatedAt: at,
      })
    );
  }

  save(p: NotificationPreference): Promise<void> {
    return this.em.persistAndFlush(p);
  }
}
