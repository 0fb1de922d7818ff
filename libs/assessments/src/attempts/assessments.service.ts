import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { DateTime, Duration } from 'luxon';
import { randomInt, randomUUID } from 'node:crypto';
import { AppConfig, AppError, Clock, Outbox, badRequest, notFound, sqlState, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { LivePublisher, liveCloseRoom, liveEmit } from '@vetting/live';
import { answerProblems } from '../domain/answer.rules';
import { Attempt, AttemptAnswer, IntegritySignal, TrackInvitation, toSignalView } from '../data/attempt.entities';
import {
  AttemptStatus,
  COOLDOWN_ATTEMPT_STATUSES,
  OPEN_ATTEMPT_STATUSES,
  assertCanAbandon,
  assertCanAnswer,
  assertCanStart,
  deadlineOf,
  drawItems,
  hasLapsed,
  remainingMs,
  showsItems,
  startByOf,
  startWindowPassed,
  transition,
} from '../domain/attempt.rules';
import { assessmentSummary, loadCatalog, publicItem } from '../catalog/catalog';
import { Assessment, AssessmentItem, Track } from '../catalog/catalog.schema';
import { IntegrityThresholds, SignalFact, SignalType, integrityPoints, shouldAutoTerminate, signalCounts, signalPoints, tierOf } from '../domain/integrity.rules';
import { SignalRelay } from '../proctoring/signal-relay';
import { SignalWriteBatch, runningTotals } from '../proctoring/signal-batch';

export const ATTEMPT_DEADLINES_QUEUE = 'attempt-deadlines';
export const GRADING_QUEUE = 'grading';
export const attemptRoom = (id: string) => `attempt:${id}`;
export const proctorRoom = (id: string) => `proctor:attempt:${id}`;
export const PROCTOR_LOBBY = 'proctor:lobby';
export const deadlineJobId = (attemptId: string) => `attempt:${attemptId}:deadline`;
export const gradingJobId = (attemptId: string) => `attempt:${attemptId}:grading`;
export const startWindowJobId = (attemptId: string) => `attempt:${attemptId}:start-window`;
/** Outbox topic: queue an ended attempt's grading job. */
const GRADE_EFFECT = 'assessments.grade';

/** What a candidate sees of a grading report: scores by section, competency and test case, never which options were right. */
export function candidateReport(report: Record<string, any>) {
  const { multipleChoice, items: _items, ...rest } = report;
  return {
    ...rest,
    ...(multipleChoice ? { multipleChoice: { score: multipleChoice.score, sections: multipleChoice.sections } } : {}),
  };
}

const randomUnit = () => randomInt(0, 2 ** 32) / 2 ** 32;
const dt = (d: Date | null | undefined) => (d ? DateTime.fromJSDate(d, { zone: 'utc' }) : null);

/** The assessment catalog, loaded from config/ and validated once at boot. */
@Injectable()
export class AssessmentCatalog implements OnModuleInit {
  assessments = new Map<string, Assessment>();
  tracks = new Map<string, Track>();
  constructor(private readonly config: AppConfig) {}
  onModuleInit(): void {
    const c = loadCatalog(this.config.env.ASSESSMENT_CATALOG_DIR);
    this.assessments = c.assessments;
    this.tracks = c.tracks;
  }
  get(slug: string): Assessment {
    const a = this.assessments.get(slug);
    if (!a) throw notFound('Assessment', { slug });
    return a;
  }
  item(a: Assessment, id: string): AssessmentItem | undefined {
    return a.pool.find((i) => i.id === id);
  }
  tracksUsing(slug: string): Track[] {
    return [...this.tracks.values()].filter((t) => t.assessments.includes(slug));
  }
}

type SignalSource = 'candidate' | 'proctor' | 'system';

/** What proctors receive for a signal, relayed or stored (one shape for both paths). */
function signalView(id: string, attemptId: string, type: SignalType, source: SignalSource, actorId: string | null, data: Record<string, unknown>, at: string, points: number, tier: string) {
  return { id, attemptId, type, source, actorId, data, at, integrity: { points, tier } };
}

interface SignalRow {
  at: Date;
  integrity_points: number;
  integrity_tier: string;
  status: AttemptStatus;
}

/** A signal to store. With `owner`, only for that candidate's running attempt. */
interface SignalRecord {
  signalId: string;
  attemptId: string;
  type: SignalType;
  source: SignalSource;
  actorId: string | null;
  owner?: string;
  points: number;
  data: Record<string, unknown>;
  at: Date;
}

/** A signal that reached a process while it was stopping: nothing was stored, the client sends it again once reconnected. */
export const shuttingDown = () => new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down: send the signal again once reconnected');

/** A relayed candidate signal waiting for its batch write. */
interface QueuedSignal extends SignalRecord {
  owner: string;
  /** What proctors on this process were sent; other processes get it when the batch is written. */
  view: ReturnType<typeof signalView>;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** A batch write that lost a deadlock against another process's batch is tried again, this many times in all. */
const SIGNAL_BATCH_TRIES = 3;

@Injectable()
export class AssessmentsService {
  private readonly relay = new SignalRelay();
  private readonly signalWrites: SignalWriteBatch<QueuedSignal, SignalRow>;
  private readonly logger = new Logger('Assessments');

  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly live: LivePublisher,
    @InjectQueue(ATTEMPT_DEADLINES_QUEUE) private readonly deadlines: Queue,
    @InjectQueue(GRADING_QUEUE) private readonly grading: Queue,
    private readonly outbox: Outbox,
  ) {
    outbox.handle<{ attemptId: string }>(GRADE_EFFECT, async ({ payload }) => void (await this.queueGrading(payload.attemptId)));
    this.signalWrites = new SignalWriteBatch((batch) => this.writeSignalBatch(batch), config.env.SIGNAL_WRITE_WINDOW_MS, config.env.SIGNAL_WRITE_BATCH_MAX);
  }

  get thresholds(): IntegrityThresholds {
    const e = this.config.env;
    return { someAt: e.INTEGRITY_SOME_AT, majorAt: e.INTEGRITY_MAJOR_AT, autoTerminateAt: e.INTEGRITY_AUTO_TERMINATE_AT };
  }

  /** The catalog; `tracks` with their effective status (TrackStates.all) when given. */
  list(tracks: Track[] = [...this.catalog.tracks.values()]) {
    return {
      assessments: [...this.catalog.assessments.values()].map(assessmentSummary),
      tracks: tracks.map((t) => ({ slug: t.slug, title: t.title, categorySlug: t.categorySlug, assessments: t.assessments, validityWindow: t.validityWindow, status: t.status })),
    };
  }

  async inviteToTrack(admin: User, trackSlug: string, freelancerId: string) {
    if (!this.catalog.tracks.has(trackSlug)) throw notFound('Track', { trackSlug });
    const freelancer = await this.em.findOne(User, { id: freelancerId });
    if (!freelancer || freelancer.role !== 'freelancer') throw notFound('Freelancer', { freelancerId });
    const inv = this.em.create(TrackInvitation, { freelancerId, trackSlug, invitedById: admin.id, createdAt: this.clock.now().toJSDate() });
    try {
      await this.em.persistAndFlush(inv);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.em.clear();
        throw new AppError(409, 'INVITATION_EXISTS', 'This freelancer is already invited to this track');
      }
      throw err;
    }
    return { id: inv.id, trackSlug, freelancerId, createdAt: inv.createdAt.toISOString() };
  }

  // ---- attempts -----------------------------------------------------------------------------

  private get startWindow(): Duration {
    return this.config.env.ATTEMPT_START_WINDOW;
  }

  /**
   * Draws the items and creates the attempt; the clock starts with `begin` (or the first join). The answer
   * shows the test's name, duration and item count and `startBy`, never an item. A created attempt of the
   * freelancer that has lapsed is abandoned first, so it does not block this one.
   */
  async start(freelancer: User, slug: string) {
    const assessment = this.catalog.get(slug);
    const now = this.clock.now();
    const tracks = this.catalog.tracksUsing(slug).map((t) => t.slug);
    const invited = tracks.length > 0 && (await this.em.count(TrackInvitation, { freelancerId: freelancer.id, trackSlug: { $in: tracks } })) > 0;
    const openAttempts = await this.em.find(Attempt, { freelancerId: freelancer.id, status: { $in: OPEN_ATTEMPT_STATUSES as AttemptStatus[] } });
    let open = 0;
    for (const o of openAttempts) {
      if (hasLapsed({ status: o.status, createdAt: dt(o.createdAt)! }, now, this.startWindow)) await this.abandonCreated(o.id, 'start_window_passed');
      else open++;
    }
    const last = await this.em.findOne(
      Attempt,
      { freelancerId: freelancer.id, assessmentSlug: slug, status: { $in: COOLDOWN_ATTEMPT_STATUSES as AttemptStatus[] }, endedAt: { $ne: null } },
      { orderBy: { endedAt: 'desc' } },
    );
    assertCanStart(
      {
        access: assessment.access,
        invitedToTrack: invited,
        hasOpenAttempt: open > 0,
        lastEndedAt: dt(last?.endedAt),
        retakeCooldown: Duration.fromISO(assessment.retakeCooldown),
      },
      now,
    );
    const items = drawItems(assessment.pool.map((i) => i.id), assessment.draw, randomUnit);
    const attempt = this.em.create(Attempt, {
      assessmentSlug: slug,
      freelancerId: freelancer.id,
      status: 'created',
      itemIds: items,
      createdAt: now.toJSDate(),
      integrityPoints: 0,
      integrityTier: 'none',
    });
    try {
      await this.em.persistAndFlush(attempt);
    } catch (err) {
      if (sqlState(err) === '23505') {
        this.em.clear();
        throw new AppError(409, 'ATTEMPT_IN_PROGRESS', 'Finish or submit your current attempt first');
      }
      throw err;
    }
    const startBy = startByOf(now, this.startWindow);
    await this.deadlines.add(
      'start-window',
      { attemptId: attempt.id },
      { jobId: startWindowJobId(attempt.id), delay: Math.max(0, startBy.toMillis() - now.toMillis()), attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 86400 * 7 } },
    );
    return this.view(attempt, assessment, []);
  }

  /** created → abandoned by the candidate: no grade, no retake cooldown, not in any norm group. */
  async abandon(user: { id: string }, attemptId: string) {
    const a = await withContext(this.orm, (em) => this.owned(em, user, attemptId));
    assertCanAbandon(a.status);
    if (!(await this.abandonCreated(a.id, 'abandoned_by_candidate'))) {
      // Started (or lapsed) meanwhile: say what it is now.
      const fresh = await withContext(this.orm, (em) => em.findOneOrFail(Attempt, { id: a.id }));
      assertCanAbandon(fresh.status);
    }
    return this.state(user, attemptId);
  }

  /** The start-window job: a created attempt not started by its `startBy` lapses (re-reads the attempt). */
  async lapse(attemptId: string): Promise<void> {
    const a = await withContext(this.orm, (em) => em.findOne(Attempt, { id: attemptId }));
    if (!a || !hasLapsed({ status: a.status, createdAt: dt(a.createdAt)! }, this.clock.now(), this.startWindow)) return;
    await this.abandonCreated(a.id, 'start_window_passed');
  }

  /** One conditional update: only a still-created attempt is abandoned (a start racing it wins or loses whole). */
  private async abandonCreated(attemptId: string, reason: 'abandoned_by_candidate' | 'start_window_passed'): Promise<boolean> {
    const updated = await withContext(this.orm, (em) =>
      em.nativeUpdate(Attempt, { id: attemptId, status: 'created' }, { status: transition('created', 'abandon'), endedAt: this.clock.now().toJSDate(), endReason: reason }),
    );
    if (updated) await this.deadlines.remove(startWindowJobId(attemptId)).catch(() => undefined);
    return updated > 0;
  }

  /** Why an abandoned attempt cannot start: it lapsed (ATTEMPT_START_WINDOW_PASSED) or the candidate abandoned it (ATTEMPT_NOT_ACTIVE). */
  private notStartable(a: Attempt): AppError {
    if (a.endReason === 'start_window_passed') return startWindowPassed(startByOf(dt(a.createdAt)!, this.startWindow));
    return new AppError(409, 'ATTEMPT_NOT_ACTIVE', `The attempt is ${a.status}`, { status: a.status });
  }

  /** created → in_progress: the deadline is set by the server and a job will expire the attempt at it. */
  async begin(user: { id: string }, attemptId: string) {
    const attempt = await withContext(this.orm, async (em) => {
      const a = await this.owned(em, user, attemptId);
      const now = this.clock.now();
      if (a.status === 'abandoned') throw this.notStartable(a);
      if (a.status !== 'created') return a;
      if (hasLapsed({ status: a.status, createdAt: dt(a.createdAt)! }, now, this.startWindow)) {
        await this.abandonCreated(a.id, 'start_window_passed');
        throw startWindowPassed(startByOf(dt(a.createdAt)!, this.startWindow));
      }
      const assessment = this.catalog.get(a.assessmentSlug);
      const deadline = deadlineOf(now, Duration.fromISO(assessment.duration));
      const updated = await em.nativeUpdate(Attempt, { id: a.id, status: 'created' }, { status: transition('created', 'start'), startedAt: now.toJSDate(), deadline: deadline.toJSDate() });
      const fresh = await em.findOneOrFail(Attempt, { id: a.id }, { refresh: true });
      // Lapsed (the start-window job) or abandoned between the check and the update.
      if (!updated && fresh.status === 'abandoned') throw this.notStartable(fresh);
      if (updated) {
        await this.deadlines.remove(startWindowJobId(a.id)).catch(() => undefined);
        await this.queueDeadline(a.id, deadline);
        await this.live.emit(PROCTOR_LOBBY, 'proctoring:attempt-started', await this.liveSummary(em, fresh));
      }
      return fresh;
    });
    if (attempt.status === 'in_progress') this.relay.stored(attempt.id, attempt.integrityPoints);
    return this.state(user, attempt.id);
  }

  /** Everything a (re)joining candidate needs: items, saved answers, the server's deadline and time left. */
  async state(user: { id: string }, attemptId: string) {
    return withContext(this.orm, async (em) => {
      const a = await this.owned(em, user, attemptId);
      const answers = await em.find(AttemptAnswer, { attemptId: a.id });
      return this.view(a, this.catalog.get(a.assessmentSlug), answers);
    });
  }

  /** Autosave: one answer per item, last write wins, stored with the server's time. */
  async answer(user: { id: string }, attemptId: string, itemId: string, answer: unknown) {
    return withContext(this.orm, async (em) => {
      const a = await this.owned(em, user, attemptId);
      const now = this.clock.now();
      assertCanAnswer({ status: a.status, deadline: dt(a.deadline) }, now);
      if (!a.itemIds.includes(itemId)) throw notFound('Item', { itemId });
      const item = this.catalog.item(this.catalog.get(a.assessmentSlug), itemId)!;
      const problems = answerProblems(item, answer);
      if (problems.length) throw badRequest('VALIDATION_FAILED', `Invalid answer: ${problems.join('; ')}`, { fields: problems.map((p) => ({ field: 'answer', problems: [p] })) });
      // The write itself re-checks status and deadline, so an answer racing the deadline job cannot land late.
      const rows = await em.execute<{ saved_at: Date; revision: number }[]>(
        `insert into attempt_answers (id, attempt_id, item_id, answer, saved_at, revision)
         select gen_random_uuid(), a.id, ?, ?::jsonb, ?, 1 from attempts a
          where a.id = ? and a.status = 'in_progress' and a.deadline > ?
         on conflict (attempt_id, item_id) do update set answer = excluded.answer, saved_at = excluded.saved_at, revision = attempt_answers.revision + 1
         returning saved_at, revision`,
        [itemId, JSON.stringify(answer), now.toJSDate(), a.id, now.toJSDate()],
      );
      if (rows.length === 0) {
        const fresh = await em.findOneOrFail(Attempt, { id: a.id }, { refresh: true });
        assertCanAnswer({ status: fresh.status, deadline: dt(fresh.deadline) }, now);
        throw new AppError(409, 'ATTEMPT_DEADLINE_PASSED', 'The time for this attempt is over');
      }
      const answered = await em.count(AttemptAnswer, { attemptId: a.id });
      await this.live.emit(proctorRoom(a.id), 'attempt:progress', { attemptId: a.id, answeredCount: answered, total: a.itemIds.length, at: now.toISO() });
      return { attemptId: a.id, itemId, savedAt: new Date(rows[0].saved_at).toISOString(), revision: rows[0].revision, answeredCount: answered };
    });
  }

  async submit(user: { id: string }, attemptId: string) {
    const a = await withContext(this.orm, (em) => this.owned(em, user, attemptId));
    const now = this.clock.now();
    if (a.status === 'in_progress' && a.deadline && now >= DateTime.fromJSDate(a.deadline)) {
      // Past the deadline the job will (or did) expire it; a submit cannot claim more time.
      await this.expire(a.id);
      throw new AppError(409, 'ATTEMPT_DEADLINE_PASSED', 'The time for this attempt is over');
    }
    transition(a.status, 'submit');
    await this.end(a.id, 'in_progress', 'submitted', 'submitted_by_candidate');
    return this.state(user, attemptId);
  }

  /** The deadline job: an attempt still running at its deadline is submitted as it stands. */
  async expire(attemptId: string): Promise<void> {
    const a = await withContext(this.orm, (em) => em.findOne(Attempt, { id: attemptId }));
    if (!a || a.status !== 'in_progress' || !a.deadline) return;
    if (this.clock.now() < DateTime.fromJSDate(a.deadline)) return; // a late-arriving duplicate of an earlier schedule
    await this.end(a.id, 'in_progress', 'expired', 'deadline');
  }

  async terminate(proctor: { id: string; role: string }, attemptId: string, reason: string, auto = false) {
    const a = await withContext(this.orm, (em) => em.findOne(Attempt, { id: attemptId }));
    if (!a) throw notFound('Attempt', { attemptId });
    transition(a.status, 'terminate');
    await this.recordSignal(attemptId, auto ? 'auto_terminate' : 'proctor_terminate', auto ? 'system' : 'proctor', auto ? null : proctor.id, { reason }, false);
    const ended = await this.end(a.id, a.status, 'terminated', reason, { event: 'attempt:terminated', payload: { attemptId: a.id, reason } });
    if (!ended) throw new AppError(409, 'ATTEMPT_NOT_ACTIVE', 'The attempt has already ended');
    return { attemptId: a.id, status: 'terminated', reason };
  }

  /** One conditional update decides how an attempt ends (submit, deadline or proctor), then grading is queued. */
  private async end(attemptId: string, from: AttemptStatus, to: AttemptStatus, reason: string, toCandidate?: { event: string; payload: unknown }): Promise<boolean> {
    const now = this.clock.now();
    const payload = { attemptId, status: to, reason, endedAt: now.toISO() };
    const key = `attempt:${attemptId}:ended`;
    // The end, its grading job and its socket events commit together (the outbox relay delivers them).
    const updated = await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const n = await tem.nativeUpdate(Attempt, { id: attemptId, status: from }, { status: to, endedAt: now.toJSDate(), endReason: reason });
        if (!n) return 0;
        await this.outbox.write(tem, [
          { topic: GRADE_EFFECT, key: gradingJobId(attemptId), payload: { attemptId } },
          ...(toCandidate ? [liveEmit(`${key}:${toCandidate.event}`, attemptRoom(attemptId), toCandidate.event, toCandidate.payload)] : []),
          liveEmit(`${key}:candidate`, attemptRoom(attemptId), 'attempt:ended', payload),
          liveEmit(`${key}:proctor`, proctorRoom(attemptId), 'attempt:ended', payload),
          liveEmit(`${key}:lobby`, PROCTOR_LOBBY, 'proctoring:attempt-ended', payload),
          liveCloseRoom(`${key}:close`, attemptRoom(attemptId)),
        ]);
        return n;
      }),
    );
    if (!updated) return false;
    this.relay.forget(attemptId);
    await this.deadlines.remove(deadlineJobId(attemptId)).catch(() => undefined);
    return true;
  }

  private queueGrading(attemptId: string) {
    return this.grading.add('grade', { attemptId }, { jobId: gradingJobId(attemptId), attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 86400 * 7 } });
  }

  private queueDeadline(attemptId: string, deadline: DateTime) {
    return this.deadlines.add('deadline', { attemptId }, { jobId: deadlineJobId(attemptId), delay: Math.max(0, deadline.toMillis() - this.clock.now().toMillis()), attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 86400 * 7 } });
  }

  /**
   * The reconciliation sweep, from the database alone: running attempts past their deadline are expired
   * (and so graded), running ones get their deadline job back, ended ones not graded their grading job
   * (a grading job that failed every try is tried again: grading is one idempotent transaction), and created
   * attempts not started within ATTEMPT_START_WINDOW lapse (the start-window job's work, if it was lost).
   */
  async reconcile(): Promise<{ expired: number; deadlines: number; grading: number; lapsed: number }> {
    const now = this.clock.now().toJSDate();
    const lapseBefore = this.clock.now().minus(this.startWindow).toJSDate();
    const [overdue, running, ungraded, lapsed] = await withContext(this.orm, (em) =>
      Promise.all([
        em.find(Attempt, { status: 'in_progress', deadline: { $lte: now } }, { fields: ['id'], limit: 1000 }),
        em.find(Attempt, { status: 'in_progress', deadline: { $gt: now } }, { fields: ['id', 'deadline'] }),
        em.find(Attempt, { status: { $in: ['submitted', 'expired', 'terminated'] } }, { fields: ['id'], limit: 1000 }),
        em.find(Attempt, { status: 'created', createdAt: { $lte: lapseBefore } }, { fields: ['id'], limit: 1000 }),
      ]),
    );
    for (const a of lapsed) await this.lapse(a.id);
    for (const a of overdue) await this.expire(a.id);
    for (const a of running) await this.queueDeadline(a.id, DateTime.fromJSDate(a.deadline!));
    for (const a of ungraded) {
      const job = await this.grading.getJob(gradingJobId(a.id));
      if (job && (await job.isFailed())) await job.retry();
      else if (!job) await this.queueGrading(a.id);
    }
    return { expired: overdue.length, deadlines: running.length, grading: ungraded.length, lapsed: lapsed.length };
  }

  // ---- integrity ----------------------------------------------------------------------------

  /**
   * Appends a signal with the server's time, adds its points and re-tiers the attempt in one statement,
   * then streams it to watching proctors (proctor and system signals, and candidates who did not join
   * through this process). With `owner`, the signal is only recorded for that candidate's running attempt.
   */
  async recordSignal(
    attemptId: string,
    type: SignalType,
    source: SignalSource,
    actorId: string | null,
    data: Record<string, unknown>,
    mayAutoTerminate = true,
    owner?: string,
  ) {
    const signalId = randomUUID();
    const points = signalPoints({ type, data: data as SignalFact['data'] });
    const row = await this.writeSignal({ signalId, attemptId, type, source, actorId, owner, points, data, at: this.clock.now().toJSDate() });
    if (this.relay.knows(attemptId)) this.relay.stored(attemptId, row.integrity_points);
    const view = signalView(signalId, attemptId, type, source, actorId, data, new Date(row.at).toISOString(), row.integrity_points, row.integrity_tier);
    await this.live.emit(proctorRoom(attemptId), 'attempt:signal', view);
    await this.afterSignal(attemptId, row, mayAutoTerminate);
    return view;
  }

  /**
   * A candidate's signal. From a socket that joined the running attempt through this process, the signal
   * goes to watching proctors on this process as it arrives (`attempt:signal`, with the running
   * integrity); the next batch write (group commit: at most SIGNAL_WRITE_WINDOW_MS later, so the relay has
   * the CPU first and signals under load share a commit) publishes it to the other processes and stores it
   * in arrival order; the candidate's answer waits for the row. Once stored, proctors get
   * `attempt:signal-stored` (the same signal with the stored integrity: it corrects a total that missed
   * points added through another process, and reaches a proctor on another process who started watching
   * between the relay and the write); if it cannot be stored (the attempt ended meanwhile),
   * `attempt:signal-withdrawn`.
   */
  async candidateSignal(user: { id: string }, attemptId: string, type: SignalType, data: Record<string, unknown>, joinedHere = false) {
    if (!joinedHere || !this.relay.knows(attemptId)) return this.recordSignal(attemptId, type, 'candidate', user.id, data, true, user.id);
    const t = this.thresholds;
    const at = new Date(this.clock.nowMillis());
    const signalId = randomUUID();
    const points = signalPoints({ type, data: data as SignalFact['data'] });
    const running = this.relay.reserve(attemptId, points);
    const view = signalView(signalId, attemptId, type, 'candidate', user.id, data, at.toISOString(), running, tierOf(running, t));
    // Proctors on this process have it now; the other processes get it with its batch (see writeSignalBatch).
    this.live.emitHere(proctorRoom(attemptId), 'attempt:signal', view);
    let row: SignalRow;
    try {
      row = await this.signalWrites.add({ signalId, attemptId, type, source: 'candidate', actorId: user.id, owner: user.id, points, data, at, view });
    } catch (err) {
      this.relay.settle(attemptId, points);
      await this.live
        .emit(proctorRoom(attemptId), 'attempt:signal-withdrawn', { attemptId, id: signalId, reason: err instanceof AppError ? err.code : 'NOT_RECORDED' })
        .catch((e) => this.logger.warn(`withdrawal of signal ${signalId} failed: ${e}`));
      throw err;
    }
    this.relay.settle(attemptId, points, row.integrity_points);
    const stored = { ...view, integrity: { points: row.integrity_points, tier: row.integrity_tier } };
    await this.live.emit(proctorRoom(attemptId), 'attempt:signal-stored', stored).catch((err) => this.logger.warn(`stored-signal event ${signalId} failed: ${err}`));
    await this.afterSignal(attemptId, row, true);
    return stored;
  }

  /** One signal: its row, its points on the attempt, the new tier; refused with the reason when it may not be stored. */
  private async writeSignal(signal: SignalRecord): Promise<SignalRow> {
    const stored = (await this.insertSignals([signal])).get(signal.attemptId);
    if (!stored) throw await this.signalRefusal(signal.attemptId, signal.owner);
    return { at: signal.at, integrity_points: stored.integrity_points, integrity_tier: tierOf(stored.integrity_points, this.thresholds), status: stored.status };
  }

  /**
   * One autocommit statement, run on the connection directly (no EntityManager to fork on the hot path):
   * the signals' rows in the given order, each attempt's points added at once and its tier set. Signals
   * with an `owner` are only stored for that candidate's running attempt. Answers the new total and status
   * of each attempt that took its signals.
   */
  private async insertSignals(signals: readonly SignalRecord[]): Promise<Map<string, { integrity_points: number; status: AttemptStatus }>> {
    const t = this.thresholds;
    const records = signals.map((b, ord) => ({ ord, signal_id: b.signalId, attempt_id: b.attemptId, type: b.type, source: b.source, actor_id: b.actorId, owner: b.owner ?? null, points: b.points, data: b.data, at: b.at.toISOString() }));
    const rows = await this.orm.em.getConnection().execute<{ id: string; integrity_points: number; status: AttemptStatus }[]>(
      `with b as (
         select * from jsonb_to_recordset(?::jsonb)
           as b(ord int, signal_id uuid, attempt_id uuid, type text, source text, actor_id uuid, owner uuid, points int, data jsonb, at timestamptz)
       ), totals as (
         select attempt_id, owner, sum(points)::int as points from b group by attempt_id, owner
       ), a as (
         update attempts t set integrity_points = t.integrity_points + totals.points,
           integrity_tier = case when t.integrity_points + totals.points >= ? then 'major' when t.integrity_points + totals.points >= ? then 'some' else 'none' end
         from totals
         where t.id = totals.attempt_id and (totals.owner is null or (t.freelancer_id = totals.owner and t.status = 'in_progress'))
         returning t.id, t.freelancer_id, t.integrity_points, t.status
       ), s as (
         insert into integrity_signals (signal_id, attempt_id, type, source, actor_id, data, at)
         select b.signal_id, b.attempt_id, b.type, b.source, b.actor_id, b.data, b.at
         from b join a on a.id = b.attempt_id and (b.owner is null or a.freelancer_id = b.owner)
         order by b.ord
       )
       select a.id, a.integrity_points, a.status from a`,
      [JSON.stringify(records), t.majorAt, t.someAt],
      'all',
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Why a signal for this attempt was not stored. */
  private async signalRefusal(attemptId: string, owner?: string): Promise<AppError> {
    const a = await withContext(this.orm, (em) => em.findOne(Attempt, { id: attemptId }));
    if (!a) return notFound('Attempt', { attemptId });
    // Another's attempt is answered as if it did not exist (never "exists but not yours").
    if (owner && a.freelancerId !== owner) return notFound('Attempt', { attemptId });
    return new AppError(409, 'ATTEMPT_NOT_ACTIVE', `The attempt is ${a.status}`, { status: a.status });
  }

  /**
   * A batch of relayed candidate signals, stored by one statement in arrival order. Signals of an attempt
   * that is no longer running (or not the sender's) are refused with the reason; the others answer the
   * stored total right after them.
   */
  private async writeSignalBatch(batch: QueuedSignal[]): Promise<(SignalRow | Error)[]> {
    // The batch's relayed signals go to the other api processes first, in one round trip (a failed
    // publish must not fail the signals); their stored or withdrawn events follow on the same connection.
    const published = this.live
      .publishEmits(batch.map((b) => ({ room: proctorRoom(b.attemptId), event: 'attempt:signal', payload: b.view })))
      .catch((err) => this.logger.warn(`publishing ${batch.length} relayed signals failed: ${err}`));
    try {
      return await this.storeSignalBatch(batch);
    } finally {
      await published;
    }
  }

  private async storeSignalBatch(batch: QueuedSignal[]): Promise<(SignalRow | Error)[]> {
    let stored: Map<string, { integrity_points: number; status: AttemptStatus }>;
    for (let attempt = 1; ; attempt++) {
      try {
        stored = await this.insertSignals(batch);
        break;
      } catch (err) {
        if (sqlState(err) === '40P01' && attempt < SIGNAL_BATCH_TRIES) continue;
        // Nothing of the batch was stored: write its signals one by one, so one that cannot be stored is refused alone.
        if (batch.length > 1) return this.writeSignalsOneByOne(batch);
        throw err;
      }
    }
    const t = this.thresholds;
    const after = runningTotals(batch, new Map([...stored].map(([id, a]) => [id, a.integrity_points])));
    const refusals = new Map<string, Promise<Error>>();
    return Promise.all(
      batch.map(async (b, i) => {
        const points = after[i];
        if (points === undefined) {
          // A failed lookup refuses this signal only: the others of the batch are stored.
          if (!refusals.has(b.attemptId)) refusals.set(b.attemptId, this.signalRefusal(b.attemptId, b.owner).catch((e: unknown) => asError(e)));
          return refusals.get(b.attemptId)!;
        }
        return { at: b.at, integrity_points: points, integrity_tier: tierOf(points, t), status: stored.get(b.attemptId)!.status };
      }),
    );
  }

  private async writeSignalsOneByOne(batch: QueuedSignal[]): Promise<(SignalRow | Error)[]> {
    const out: (SignalRow | Error)[] = [];
    for (const b of batch) out.push(await this.writeSignal(b).catch((e: unknown) => asError(e)));
    return out;
  }

  private async afterSignal(attemptId: string, row: SignalRow, mayAutoTerminate: boolean): Promise<void> {
    if (mayAutoTerminate && row.status === 'in_progress' && shouldAutoTerminate(row.integrity_points, this.thresholds)) {
      await this.terminate({ id: 'system', role: 'system' }, attemptId, 'integrity threshold reached', true).catch(() => undefined);
    }
  }

  /** Signal writes still queued (shutdown waits for them before the database closes). */
  drainSignals(): Promise<void> {
    return this.signalWrites.close(shuttingDown());
  }

  async timeline(attemptId: string) {
    await this.signalWrites.idle();
    return withContext(this.orm, async (em) => {
      const a = await em.findOne(Attempt, { id: attemptId });
      if (!a) throw notFound('Attempt', { attemptId });
      const signals = await em.find(IntegritySignal, { attemptId }, { orderBy: { at: 'asc', id: 'asc' } });
      return { attempt: await this.liveSummary(em, a), timeline: signals.map(toSignalView) };
    });
  }

  /** Running attempts for the proctors' list: candidate, test, time left, signal counts, tier. */
  async live_() {
    return withContext(this.orm, async (em) => {
      const running = await em.find(Attempt, { status: 'in_progress' }, { orderBy: { startedAt: 'asc' }, limit: 500 });
      return { attempts: await Promise.all(running.map((a) => this.liveSummary(em, a))) };
    });
  }

  private async liveSummary(em: EntityManager, a: Attempt) {
    const [candidate, signals, answered] = await Promise.all([
      em.findOne(User, { id: a.freelancerId }),
      em.find(IntegritySignal, { attemptId: a.id }, { orderBy: { at: 'asc', id: 'asc' } }),
      em.count(AttemptAnswer, { attemptId: a.id }),
    ]);
    const assessment = this.catalog.assessments.get(a.assessmentSlug);
    const facts = signals.map((s) => ({ type: s.type as SignalType, data: s.data as SignalFact['data'] }));
    return {
      attemptId: a.id,
      status: a.status,
      candidate: candidate ? { id: candidate.id, name: candidate.name } : { id: a.freelancerId, name: null },
      assessment: assessment ? { slug: assessment.slug, title: assessment.title, proctored: assessment.proctored } : { slug: a.assessmentSlug },
      startedAt: a.startedAt?.toISOString() ?? null,
      deadline: a.deadline?.toISOString() ?? null,
      remainingMs: remainingMs(dt(a.deadline), this.clock.now()),
      answeredCount: answered,
      itemCount: a.itemIds.length,
      signalCounts: signalCounts(facts),
      integrity: { points: integrityPoints(facts), tier: tierOf(integrityPoints(facts), this.thresholds) },
    };
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async owned(em: EntityManager, user: { id: string }, attemptId: string): Promise<Attempt> {
    const a = await em.findOne(Attempt, { id: attemptId });
    // Another's attempt is answered as if it did not exist (never "exists but not yours").
    if (!a || a.freelancerId !== user.id) throw notFound('Attempt', { attemptId });
    return a;
  }

  private view(a: Attempt, assessment: Assessment, answers: AttemptAnswer[]) {
    const byId = new Map(assessment.pool.map((i) => [i.id, i]));
    return {
      id: a.id,
      assessment: assessmentSummary(assessment),
      status: a.status,
      createdAt: a.createdAt.toISOString(),
      startedAt: a.startedAt?.toISOString() ?? null,
      deadline: a.deadline?.toISOString() ?? null,
      remainingMs: remainingMs(dt(a.deadline), this.clock.now()),
      serverTime: this.clock.now().toISO(),
      // A created attempt may still be started until startBy; it shows the test and the item count, never an item.
      ...(a.status === 'created' ? { startBy: startByOf(dt(a.createdAt)!, this.startWindow).toISO() } : {}),
      itemCount: a.itemIds.length,
      items: showsItems(a.status) ? a.itemIds.map((id) => publicItem(byId.get(id)!)) : [],
      answers: answers.map((x) => ({ itemId: x.itemId, answer: x.answer, savedAt: x.savedAt.toISOString(), revision: x.revision })),
      endedAt: a.endedAt?.toISOString() ?? null,
      endReason: a.endReason ?? null,
      ...(a.gradedAt ? { score: a.score, passed: a.passed, gradedAt: a.gradedAt.toISOString(), report: candidateReport(a.report ?? {}) } : {}),
    };
  }

  async myAttempts(user: User) {
    const list = await this.em.find(Attempt, { freelancerId: user.id }, { orderBy: { createdAt: 'desc' }, limit: 200 });
    return {
      attempts: list.map((a) => ({
        id: a.id,
        assessmentSlug: a.assessmentSlug,
        status: a.status,
        createdAt: a.createdAt.toISOString(),
        deadline: a.deadline?.toISOString() ?? null,
        endedAt: a.endedAt?.toISOString() ?? null,
        score: a.score ?? null,
        passed: a.passed ?? null,
      })),
    };
  }
}
