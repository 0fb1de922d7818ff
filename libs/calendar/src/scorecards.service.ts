import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Clock, Outbox, badRequest, expertVettedEffect, forbidden } from '@vetting/core';
import { User } from '@vetting/identity';
import { Scorecard } from './call.entities';
import { callState } from './call-state';
import { assertCanScore } from './call.rules';
import { ScorecardInput, scorecardProblems } from './scorecard.rules';
import { CallsService, history } from './calls.service';

export function toScorecardView(s: Scorecard) {
  return {
    callId: s.callId,
    talentManagerId: s.talentManagerId,
    freelancerId: s.freelancerId,
    hardSkills: s.hardSkills,
    softSkills: s.softSkills,
    decision: s.decision,
    notes: s.notes ?? null,
    submittedAt: s.submittedAt.toISOString(),
  };
}

@Injectable()
export class ScorecardsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly calls: CallsService,
    private readonly outbox: Outbox,
  ) {}

  async submit(tm: User, callId: string, input: ScorecardInput & { notes?: string }) {
    const call = await this.calls.findVisible(tm, callId);
    if (call.talentManagerId !== tm.id) throw forbidden('Only the call’s talent manager scores it');
    const problems = scorecardProblems(input);
    if (problems.length) {
      throw badRequest('VALIDATION_FAILED', `Invalid scorecard: ${problems.map((p) => p.field).join(', ')}`, {
        fields: problems.map((p) => ({ field: p.field, problems: [p.problem] })),
      });
    }
    const existing = await this.em.count(Scorecard, { callId });
    const now = this.clock.now();
    assertCanScore(callState(call), now, existing > 0);
    const card = this.em.create(Scorecard, {
      callId,
      talentManagerId: tm.id,
      freelancerId: call.freelancerId,
      hardSkills: input.hardSkills.map((h) => ({ skill: h.skill.trim(), score: h.score })),
      softSkills: input.softSkills as Record<string, number>,
      decision: input.decision,
      notes: input.notes ?? null,
      submittedAt: now.toJSDate(),
    });
    try {
      // Expert-Vetted is decided by the credentials worker from this scorecard: its job commits with it.
      await this.em.transactional(async (tem) => {
        tem.persist(card);
        tem.persist(history(callId, now.toJSDate(), tm.id, 'talent_manager', 'scored', call.status, null, { decision: input.decision }));
        await tem.flush();
        await this.outbox.write(tem, [expertVettedEffect(call.freelancerId, callId)]);
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.em.clear();
        assertCanScore(callState(call), now, true);
      }
      throw err;
    }
    return toScorecardView(card);
  }

  async get(user: User, callId: string) {
    const call = await this.calls.findVisible(user, callId);
    const card = await this.em.findOne(Scorecard, { callId: call.id });
    if (!card) return { scorecard: null };
    return { scorecard: toScorecardView(card) };
  }

  async ics(user: User, callId: string): Promise<string> {
    return this.calls.icsFor(await this.calls.findVisible(user, callId));
  }
}
