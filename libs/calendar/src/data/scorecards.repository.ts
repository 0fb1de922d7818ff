import { Injectable } from '@nestjs/common';
import { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import { CallHistoryEntry, Scorecard } from './call.entities';

/** Scorecards: one per call (the primary key decides a race between two submissions). */
@Injectable()
export class ScorecardsRepository {
  constructor(private readonly em: EntityManager) {}

  async exists(callId: string): Promise<boolean> {
    return (await this.em.count(Scorecard, { callId })) > 0;
  }

  find(callId: string): Promise<Scorecard | null> {
    return this.em.findOne(Scorecard, { callId });
  }

  draft(data: RequiredEntityData<Scorecard>): Scorecard {
    return this.em.create(Scorecard, data);
  }

  /** Stores the card and its history entry, then `after` in the same transaction. */
  async insert(card: Scorecard, entry: CallHistoryEntry, after: (tem: EntityManager) => Promise<void>): Promise<void> {
    await this.em.transactional(async (tem) => {
      tem.persist(card);
      tem.persist(entry);
      await tem.flush();
      await after(tem);
    });
  }

  /** After a failed insert: forget the unit of work's pending card. */
  forget(): void {
    this.em.clear();
  }
}
