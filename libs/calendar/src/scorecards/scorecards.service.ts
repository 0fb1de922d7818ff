import { Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Clock, Outbox, expertVettedEffect, forbidden } from '@vetting/core';
import { User } from '@vetting/identity';
import { assertCanScore } from '../domain/call.rules';
import { callState } from '../domain/call-state';
import { invalidFields } from '../domain/calendar.errors';
import { ScorecardInput, scorecardProblems } from '../domain/scorecard.rules';
import { Scorecard, historyEntry } from '../data/call.entities';
import { ScorecardsRepository } from '../data/scorecards.repository';
import { CallsService } from '../calls/calls.service';
import { CallNoticesService } from '../invites/call-notices.service';

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

/** The talent manager's scorecard of a call (once), and the call's invite download. */
@Injectable()
export class ScorecardsService {
  constructor(
    private readonly clock: Clock,
    private readonly calls: CallsService,
    private readonly scorecards: ScorecardsRepository,
    private readonly notices: CallNoticesService,
    private readonly outbox: Outbox,
  ) {}

  async submit(tm: User, callId: string, input: ScorecardInput & { notes?: string }) {
    const call = await this.calls.findVisible(tm, callId);
    if (call.talentManagerId !== tm.id) throw forbidden('Only the call’s talent manager scores it');
    const problems = scorecardProblems(input);
    if (problems.length) throw invalidFields('scorecard', problems);
    const existing = await this.scorecards.exists(callId);
    const now = this.clock.now();
    assertCanScore(callState(call), now, existing);
    const card = this.scorecards.draft({
      callId,
      talentManagerId: tm.id,
      freelancerId: call.freelancerId,
      hardSkills: input.hardSkills.map((h) => ({ skill: h.skill.trim(), score: h.score })),
      softSkills: input.softSkills as Record<string, number>,
      decision: input.decision,
      notes: input.notes ?? null,
      submittedAt: now.toJSDate(),
    });
    const details = { decision: input.decision };
    const entry = historyEntry(callId, now.toJSDate(), tm.id, 'talent_manager', 'scored', call.status, null, details);
    try {
      // Expert-Vetted is decided by the credentials worker from this scorecard: its job commits with it.
      await this.scorecards.insert(card, entry, (tem) =>
        this.outbox.write(tem, [expertVettedEffect(call.freelancerId, callId)]),
      );
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.scorecards.forget();
        assertCanScore(callState(call), now, true);
      }
      throw err;
    }
    return toScorecardView(card);
  }

  async get(user: User, callId: string) {
    const call = await this.calls.findVisible(user, callId);
    const card = await this.scorecards.find(call.id);
    if (!card) return { scorecard: null };
    return { scorecard: toScorecardView(card) };
  }

  async ics(user: User, callId: string): Promise<string> {
    return this.notices.icsFor(await this.calls.findVisible(user, callId));
  }
}
