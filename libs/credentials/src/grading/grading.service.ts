import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { Assessment, AssessmentCatalog, AssessmentItem } from '@vetting/assessments';
import { NotificationsService, NotifyInput } from '@vetting/notifications';
import { CodeRunner } from '../runner';
import {
  CaseOutcome,
  gradeCoding,
  gradeMultipleChoice,
  gradeScenario,
  outputsMatch,
  percentileBand,
  scoreDistribution,
} from '../domain/grading.rules';
import { GradedAttemptsRepository } from '../data/graded-attempts.repository';
import { VerifiedSkillsService } from '../verified-skills/verified-skills.service';

type Coding = Extract<AssessmentItem, { type: 'coding' }>;
type Mc = Extract<AssessmentItem, { type: 'multiple_choice' }>;
type Scenario = Extract<AssessmentItem, { type: 'scenario' }>;

/** Grades an ended attempt (a BullMQ job in the worker): re-reads it and does nothing if already graded. */
@Injectable()
export class GradingService {
  private readonly logger = new Logger('Grading');

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly runner: CodeRunner,
    private readonly verifiedSkills: VerifiedSkillsService,
    private readonly notifications: NotificationsService,
    private readonly attempts: GradedAttemptsRepository,
  ) {}

  async grade(attemptId: string): Promise<void> {
    const loaded = await withContext(this.orm, (em) => this.attempts.gradable(em, attemptId));
    if (!loaded) return;
    const { attempt, answers } = loaded;
    const assessment = this.catalog.get(attempt.assessmentSlug);
    const items = attempt.itemIds
      .map((id) => this.catalog.item(assessment, id))
      .filter((i): i is AssessmentItem => Boolean(i));

    const report = await this.score(assessment, items, answers);
    const now = this.clock.now();
    const terminated = attempt.status === 'terminated';
    const passed = !terminated && report.score >= assessment.passingScore;

    // The norm group: graded attempts of the same test within the window, this one included.
    const windowStart = now.minus(this.config.env.GRADING_NORM_WINDOW).toJSDate();
    const group = await withContext(this.orm, (em) =>
      this.attempts.normGroupScores(em, assessment.slug, windowStart, attempt.id),
    );
    const scores = [...group, report.score];
    const band = percentileBand(report.score, scores, this.config.env.BAND_MIN_NORM_GROUP);
    const fullReport = {
      ...report,
      passingScore: assessment.passingScore,
      passed,
      ...(terminated ? { note: 'The attempt was terminated by a proctor; it is not a pass.' } : {}),
      percentile: {
        band: band.band,
        normGroup: {
          test: assessment.slug,
          window: this.config.env.GRADING_NORM_WINDOW.toISO(),
          size: band.normGroupSize,
          scoredHigher: band.scoredHigher,
          distribution: scoreDistribution(scores),
        },
        computedAt: now.toISO(),
      },
      integrity: {
        tier: attempt.integrityTier,
        points: attempt.integrityPoints,
        note: 'advice for human review, not part of the grade',
      },
    };
    // One transaction: the result, the verified skill, any certification and the notifications they owe. A
    // failure leaves the attempt ungraded and the retried job (or the reconciliation sweep) does it all again.
    await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const em = tem as EntityManager;
        const result = { score: report.score, passed, report: fullReport, gradedAt: now.toJSDate() };
        if (!(await this.attempts.recordGrade(em, attempt.id, result))) return; // another worker graded it first
        const notes: NotifyInput[] = [
          {
            userId: attempt.freelancerId,
            type: 'attempt.graded',
            title: `${assessment.title}: ${passed ? 'passed' : 'not passed'}`,
            body: `You scored ${report.score}% (passing score ${assessment.passingScore}%)${band.band ? `, ${band.band} of ${band.normGroupSize} graded attempts` : ''}.`,
            data: {
              attemptId: attempt.id,
              assessmentSlug: assessment.slug,
              score: report.score,
              passed,
              band: band.band,
            },
            dedupeKey: `attempt.graded:${attempt.id}`,
          },
        ];
        if (passed) {
          const at = DateTime.fromJSDate(now.toJSDate());
          const { score } = report;
          const owed = await this.verifiedSkills.recordPass(
            em,
            attempt,
            assessment,
            score,
            band.band,
            band.normGroupSize,
            at,
          );
          notes.push(...owed);
        }
        await this.notifications.notifyMany(notes, em);
      }),
    );
  }

  private async score(assessment: Assessment, items: AssessmentItem[], answers: Map<string, unknown>) {
    const mc = items.filter((i): i is Mc => i.type === 'multiple_choice');
    const coding = items.filter((i): i is Coding => i.type === 'coding');
    const scenario = items.filter((i): i is Scenario => i.type === 'scenario');
    if (assessment.kind === 'scenario') return { kind: assessment.kind, ...gradeScenario(scenario, answers) };

    const parts: { score: number; weight: number }[] = [];
    const out: Record<string, unknown> = { kind: assessment.kind };
    if (mc.length) {
      const r = gradeMultipleChoice(mc, answers);
      out.multipleChoice = r;
      parts.push({ score: r.score, weight: mc.reduce((a, i) => a + i.weight, 0) });
    }
    if (coding.length) {
      const r = gradeCoding(
        await Promise.all(
          coding.map((item) =>
            this.runCases(item, answers.get(item.id) as { language?: string; code?: string } | undefined),
          ),
        ),
      );
      out.coding = r;
      parts.push({ score: r.score, weight: coding.reduce((a, i) => a + i.weight, 0) });
    }
    const weight = parts.reduce((a, p) => a + p.weight, 0);
    const score = weight > 0 ? Math.round((parts.reduce((a, p) => a + p.score * p.weight, 0) / weight) * 100) / 100 : 0;
    return { ...out, score };
  }

  /** Runs every hidden case of one coding item; a missing answer fails every case without running anything. */
  private async runCases(item: Coding, answer: { language?: string; code?: string } | undefined) {
    if (!answer?.code || !answer.language) {
      return {
        item,
        answered: false,
        language: null,
        cases: item.tests.map((t, index): CaseOutcome => ({
          index,
          weight: t.weight,
          status: 'not_answered',
          passed: false,
          timeMs: 0,
        })),
      };
    }
    const cases: CaseOutcome[] = [];
    for (const [index, t] of item.tests.entries()) {
      const r = await this.runner.run({
        language: answer.language as 'javascript' | 'python',
        code: answer.code,
        stdin: t.input,
        limits: {
          cpuTimeMs: item.timeLimitMs,
          wallTimeMs: item.timeLimitMs * 2 + 1000,
          memoryBytes: 256 * 1024 * 1024,
          outputBytes: 64 * 1024,
        },
      });
      const passed = r.status === 'ok' && outputsMatch(r.stdout, t.output);
      const status = r.status === 'ok' ? (passed ? 'passed' : 'wrong_answer') : r.status;
      const message = r.status === 'runtime_error' || r.status === 'compile_error' ? lastLines(r.stderr) : undefined;
      cases.push({ index, weight: t.weight, status, passed, timeMs: r.timeMs, ...(message ? { message } : {}) });
    }
    return { item, answered: true, language: answer.language, cases };
  }
}

/** The tail of an error message, without the sandbox's paths. */
function lastLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim())
    .slice(-3)
    .join('\n')
    .replace(/\/tmp\/[^\s:'"]+/g, 'main')
    .slice(0, 500);
}
