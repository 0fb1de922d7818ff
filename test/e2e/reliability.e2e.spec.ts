import { getQueueToken } from '@nestjs/bullmq';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { MikroORM } from '@mikro-orm/postgresql';
import { Outbox, OutboxRelay, RECONCILE_QUEUE } from '@vetting/core';
import { CALL_TIMERS_QUEUE, cooldownJobId } from '@vetting/calendar';
import { ATTEMPT_DEADLINES_QUEUE, deadlineJobId, startWindowJobId } from '@vetting/assessments';
import { DELIVERY_QUEUE, routeJobId } from '@vetting/notifications';
import { TestApp, connected, emitAck, nextEvent, registerUser, startTestApp } from '../support/test-app';
import { adminToken, bearer, invitedFreelancer, nextGridStart, talentManager } from '../support/calendar-fixtures';
import { freePort } from '../support/spawn-api';
import { redisPrefix } from '../support/test-env';
import { until } from '../support/until';
import { SHORT_CALLS_ENV } from '../support/short-calls';

jest.setTimeout(180_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CALL_MS = 20_000;
const CATEGORIES = ['writing', 'consulting', 'hr', 'sales-marketing'];
const POLICY = {
  ...SHORT_CALLS_ENV,
  VETTING_REMINDERS: 'PT24H',
  VETTING_MISSED_COOLDOWN: 'PT1H',
  OUTBOX_POLL_INTERVAL: 'PT0.5S',
};

async function sql<T = any>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(text, params)).rows as T[];
  } finally {
    await db.end();
  }
}

const pendingOutbox = async (url: string) =>
  Number((await sql(url, `select count(*)::int as n from outbox where delivered_at is null`))[0].n);
const callStatuses = async (url: string, ids: string[]) =>
  Object.fromEntries(
    (
      await sql<{ id: string; status: string }>(
        url,
        `select id, status from vetting_calls where id = any($1::uuid[])`,
        [ids],
      )
    ).map((r) => [r.id, r.status]),
  );

/** Books one call per category, all at the same start (each category has its own talent manager). */
async function bookCalls(t: TestApp, admin: string, aheadMs = 3000, categories = CATEGORIES) {
  const people = [];
  for (const category of categories)
    people.push({ tm: await talentManager(t, admin, category), f: await invitedFreelancer(t, admin, category) });
  const startsAt = nextGridStart(CALL_MS, aheadMs);
  const booked = await Promise.all(
    people.map(async ({ tm, f }) => {
      const res = await t
        .http()
        .post('/api/vetting/calls')
        .set(bearer(f.token))
        .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
      if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { tm, f, callId: res.body.id as string };
    }),
  );
  return { startsAt, booked };
}

describe('nothing lost: effects after a commit are delivered at least once, exactly once in effect', () => {
  it('a worker that dies after the grace sweep commits loses no call.missed notification, socket event or cooldown-expiry job', async () => {
    const prefix = `${redisPrefix()}${randomBytes(3).toString('hex')}:`;
    const a = await startTestApp({ withWorker: true, redisPrefix: prefix, env: POLICY });
    const url = a.databaseUrl!;
    let b: TestApp | undefined;
    try {
      const admin = await adminToken(a);
      const { booked } = await bookCalls(a, admin);
      const ids = booked.map((x) => x.callId);
      // The bookings' own effects (timers, notifications) are out; then the relay "dies".
      await until('booking effects delivered', async () => (await pendingOutbox(url)) === 0);
      await a.app.get(OutboxRelay).stop();

      // The grace timers still run in this process: the outcomes commit, their effects stay in the outbox.
      await until(
        'calls missed',
        async () => Object.values(await callStatuses(url, ids)).every((s) => s === 'missed'),
        30_000,
      );
      const cooldowns = await sql<{ id: string; call_id: string }>(
        url,
        `select id, call_id from vetting_cooldowns where call_id = any($1::uuid[])`,
        [ids],
      );
      expect(cooldowns).toHaveLength(ids.length);
      const pending = await sql<{ topic: string }>(url, `select topic from outbox where delivered_at is null`);
      expect(pending.filter((p) => p.topic === 'calendar.cooldown-expiry')).toHaveLength(ids.length);
      expect(pending.filter((p) => p.topic === 'live.emit').length).toBeGreaterThanOrEqual(2 * ids.length);
      const timersA = a.app.get<Queue>(getQueueToken(CALL_TIMERS_QUEUE));
      for (const c of cooldowns) expect(await timersA.getJob(cooldownJobId(c.id))).toBeUndefined();
      await a.close();

      // A fresh worker on the same database and Redis delivers what was owed.
      b = await startTestApp({ withWorker: true, redisPrefix: prefix, databaseUrl: url, env: POLICY });
      await until('outbox drained by the new worker', async () => (await pendingOutbox(url)) === 0);
      const timersB = b.app.get<Queue>(getQueueToken(CALL_TIMERS_QUEUE));
      const deliveryB = b.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
      const assertExactlyOnce = async () => {
        const notes = await sql<{ id: string; data: { callId: string } }>(
          url,
          `select id, data from notifications where type = 'call.missed' and (data->>'callId')::uuid = any($1::uuid[])`,
          [ids],
        );
        expect(notes.map((n) => n.data.callId).sort()).toEqual([...ids].sort());
        for (const n of notes) expect(await deliveryB.getJob(routeJobId(n.id))).toBeDefined();
        for (const c of cooldowns) expect(await timersB.getJob(cooldownJobId(c.id))).toBeDefined();
        const delayed = await timersB.getDelayed(0, 1000);
        for (const c of cooldowns) expect(delayed.filter((j) => j.id === cooldownJobId(c.id))).toHaveLength(1);
      };
      await assertExactlyOnce();

      // Delivered twice (a relay that dies after delivering, before marking): the same single effects.
      const freelancer = booked[0].f;
      const socket = b.socket(freelancer.token);
      await connected(socket);
      const missedAgain = nextEvent(socket, 'call:missed');
      await sql(url, `update outbox set delivered_at = null, available_at = now()`);
      b.app.get(OutboxRelay).kick();
      expect(await missedAgain).toMatchObject({ callId: booked[0].callId, call: { status: 'missed' } });
      await until('outbox drained again', async () => (await pendingOutbox(url)) === 0);
      await assertExactlyOnce();
    } finally {
      await b?.close();
      await a.close().catch(() => undefined);
    }
  });
});

describe('nothing lost: a Redis restart without persistence', () => {
  let redis: ChildProcess | undefined;
  let port = 0;
  const startRedis = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await until('redis up', async () => {
      const probe = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    });
    return child;
  };
  const stopRedis = async () => {
    if (!redis || redis.exitCode !== null) return;
    const exited = new Promise((r) => redis!.once('exit', r));
    redis.kill('SIGKILL');
    await exited;
  };
  afterAll(stopRedis);

  it('calls past their end settle within one sweep from the database, and the sweep schedule comes back', async () => {
    port = await freePort();
    redis = await startRedis();
    const env = { ...POLICY, REDIS_URL: `redis://127.0.0.1:${port}`, RECONCILE_INTERVAL: 'PT2S' };
    const c = await startTestApp({ withWorker: true, env });
    const url = c.databaseUrl!;
    let d: TestApp | undefined;
    try {
      const admin = await adminToken(c);
      const { startsAt, booked } = await bookCalls(c, admin, 4000);
      const ids = booked.map((x) => x.callId);
      await until('timers added', async () => (await pendingOutbox(url)) === 0);
      expect(await c.app.get<Queue>(getQueueToken(CALL_TIMERS_QUEUE)).getDelayedCount()).toBeGreaterThanOrEqual(
        2 * ids.length,
      );

      // The first call is attended by both, so it completes at its end; the others are missed.
      const [first] = booked;
      const fs = c.socket(first.f.token);
      const ts = c.socket(first.tm.token);
      await Promise.all([connected(fs), connected(ts)]);
      expect(await emitAck(fs, 'call:join', { callId: first.callId })).toMatchObject({ ok: true });
      expect(await emitAck(ts, 'call:join', { callId: first.callId })).toMatchObject({ ok: true });
      await c.close();

      // Redis restarts without its data while no worker runs; the calls' grace moments and ends pass.
      await stopRedis();
      redis = await startRedis();
      await sleep(Math.max(0, startsAt.toMillis() + CALL_MS + 500 - Date.now()));
      const before = await callStatuses(url, ids);
      expect(before[first.callId]).toBe('in_progress');
      for (const id of ids.slice(1)) expect(before[id]).toBe('scheduled');

      // A worker starts: its first sweep settles every call from the database alone.
      d = await startTestApp({ withWorker: true, databaseUrl: url, env });
      const settled = await until(
        'calls settled',
        async () => {
          const s = await callStatuses(url, ids);
          return Object.values(s).every((x) => x !== 'scheduled' && x !== 'in_progress') ? s : null;
        },
        5000,
      );
      expect(settled[first.callId]).toBe('completed');
      for (const id of ids.slice(1)) expect(settled[id]).toBe('missed');
      await until('outbox drained', async () => (await pendingOutbox(url)) === 0);
      const timers = d.app.get<Queue>(getQueueToken(CALL_TIMERS_QUEUE));
      const cooldowns = await sql<{ id: string }>(
        url,
        `select id from vetting_cooldowns where call_id = any($1::uuid[])`,
        [ids],
      );
      expect(cooldowns).toHaveLength(ids.length - 1);
      for (const cd of cooldowns) expect(await timers.getJob(cooldownJobId(cd.id))).toBeDefined();

      // Redis restarts empty under a running worker: the sweep's schedule is put back within a period.
      const reconcile = d.app.get<Queue>(getQueueToken(RECONCILE_QUEUE));
      expect(await reconcile.getJobScheduler('reconcile')).toBeTruthy();
      await stopRedis();
      redis = await startRedis();
      await until(
        'reconcile schedule back',
        async () => Boolean(await reconcile.getJobScheduler('reconcile').catch(() => null)),
        10_000,
      );
    } finally {
      await d?.close();
      await c.close().catch(() => undefined);
    }
  });
});

describe('nothing lost: a lost attempt deadline job', () => {
  it('an attempt past its deadline whose job is gone is expired and graded by the next sweep', async () => {
    const t = await startTestApp({ withWorker: true, env: { RECONCILE_INTERVAL: 'PT2S' } });
    const url = t.databaseUrl!;
    try {
      const f = await registerUser(t);
      const created = await t.http().post('/api/assessments/quick-open/attempts').set(bearer(f.token)).expect(201);
      const id = created.body.id as string;
      const begun = await t.http().post(`/api/attempts/${id}/start`).set(bearer(f.token));
      expect(begun.body.status).toBe('in_progress');
      const deadlines = t.app.get<Queue>(getQueueToken(ATTEMPT_DEADLINES_QUEUE));
      await until('deadline job present', async () => Boolean(await deadlines.getJob(deadlineJobId(id))), 5000);
      await deadlines.remove(deadlineJobId(id));
      expect(await deadlines.getJob(deadlineJobId(id))).toBeUndefined();
      const deadline = new Date(begun.body.deadline).getTime();
      // The deadline (4 s) passes with no job to act on it; within a sweep period (2 s) plus slack it is settled.
      const row = await until(
        'attempt expired and graded by the sweep',
        async () =>
          (
            await sql(url, `select status, end_reason, ended_at from attempts where id = $1 and status = 'graded'`, [
              id,
            ])
          )[0],
        deadline - Date.now() + 10_000,
      );
      expect(row).toMatchObject({ status: 'graded', end_reason: 'deadline' });
      expect(new Date(row.ended_at).getTime()).toBeGreaterThanOrEqual(deadline);
    } finally {
      await t.close();
    }
  });
});

describe('nothing lost: a lost start-window job', () => {
  it('a created attempt not started within ATTEMPT_START_WINDOW whose job is gone lapses at the next sweep', async () => {
    const t = await startTestApp({
      withWorker: true,
      env: { RECONCILE_INTERVAL: 'PT2S', ATTEMPT_START_WINDOW: 'PT3S' },
    });
    const url = t.databaseUrl!;
    try {
      const f = await registerUser(t);
      const created = await t.http().post('/api/assessments/quick-open/attempts').set(bearer(f.token)).expect(201);
      const id = created.body.id as string;
      const jobs = t.app.get<Queue>(getQueueToken(ATTEMPT_DEADLINES_QUEUE));
      await until('start-window job present', async () => Boolean(await jobs.getJob(startWindowJobId(id))), 5000);
      await jobs.remove(startWindowJobId(id));
      expect(await jobs.getJob(startWindowJobId(id))).toBeUndefined();
      const row = await until(
        'attempt lapsed by the sweep',
        async () =>
          (await sql(url, `select status, end_reason from attempts where id = $1 and status = 'abandoned'`, [id]))[0],
        15_000,
      );
      expect(row).toMatchObject({ status: 'abandoned', end_reason: 'start_window_passed' });
      const begun = await t.http().post(`/api/attempts/${id}/start`).set(bearer(f.token));
      expect(begun.status).toBe(409);
      expect(begun.body.code).toBe('ATTEMPT_START_WINDOW_PASSED');
    } finally {
      await t.close();
    }
  });
});

describe('grading is atomic', () => {
  it('a failure while writing the certification leaves the attempt ungraded; the retry writes result, skill and certification', async () => {
    const t = await startTestApp({ withWorker: true });
    const url = t.databaseUrl!;
    try {
      const admin = await adminToken(t);
      const f = await registerUser(t);
      await t
        .http()
        .post('/api/assessments/tracks/frontend-js/invitations')
        .set(bearer(admin))
        .send({ freelancerId: f.user.id })
        .expect(201);
      const take = async (slug: string, answerFor: (item: any) => unknown) => {
        const created = await t.http().post(`/api/assessments/${slug}/attempts`).set(bearer(f.token)).expect(201);
        const begun = await t.http().post(`/api/attempts/${created.body.id}/start`).set(bearer(f.token));
        for (const item of begun.body.items)
          await t
            .http()
            .put(`/api/attempts/${created.body.id}/answers/${item.id}`)
            .set(bearer(f.token))
            .send({ answer: answerFor(item) })
            .expect(200);
        await t.http().post(`/api/attempts/${created.body.id}/submit`).set(bearer(f.token));
        return created.body.id as string;
      };
      const status = async (id: string) =>
        (await sql(url, `select status from attempts where id = $1`, [id]))[0].status;
      const sum =
        "const n = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number); console.log(n.reduce((a, b) => a + b, 0));";
      const part1 = await take('algo-invited', (item) =>
        item.id === 'sum'
          ? { language: 'javascript', code: sum }
          : { language: 'python', code: 'import sys\nprint(sys.stdin.read().strip())' },
      );
      await until('part 1 graded', async () => (await status(part1)) === 'graded', 60_000);

      // The certification insert fails once (a sequence is not rolled back with the transaction).
      await sql(
        url,
        `create sequence cert_failures;
         create function fail_first_certification() returns trigger language plpgsql as $$
         begin if nextval('cert_failures') = 1 then raise exception 'injected failure'; end if; return new; end $$;
         create trigger fail_first_certification before insert on certifications for each row execute function fail_first_certification();`,
      );
      const part2 = await take('js-part2', () => ({ optionIds: ['a'] }));
      const snapshot = async () =>
        (
          await sql<{ status: string; skill: boolean; cert: boolean; graded_notes: number; tried: boolean }>(
            url,
            `select a.status,
                    exists(select 1 from verified_skills s where s.attempt_id = a.id) as skill,
                    exists(select 1 from certifications c where c.freelancer_id = a.freelancer_id and c.track_slug = 'frontend-js') as cert,
                    (select count(*)::int from notifications n where n.dedupe_key = 'attempt.graded:' || a.id) as graded_notes,
                    (select is_called from cert_failures) as tried
               from attempts a where a.id = $1`,
            [part2],
          )
        )[0];
      // Never graded without its verified skill and certification, and the injected failure did happen.
      const final = await until(
        'part 2 graded after the retry',
        async () => {
          const s = await snapshot();
          if (s.status === 'graded') expect(s).toMatchObject({ skill: true, cert: true });
          else expect(s).toMatchObject({ skill: false, cert: false, graded_notes: 0 });
          return s.status === 'graded' ? s : null;
        },
        60_000,
      );
      expect(final).toMatchObject({ status: 'graded', skill: true, cert: true, graded_notes: 1, tried: true });
      expect(Number((await sql(url, `select last_value from cert_failures`))[0].last_value)).toBeGreaterThanOrEqual(2);
      const notes = await sql<{ type: string }>(
        url,
        `select type from notifications where user_id = $1 and type = 'certification.awarded'`,
        [f.user.id],
      );
      expect(notes).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe('the outbox relay', () => {
  it('delivers right after the commit (nudge, not the poll), stores one row per key, retries a failure with backoff', async () => {
    const t = await startTestApp({ withWorker: true, env: { OUTBOX_POLL_INTERVAL: 'PT1M' } });
    const url = t.databaseUrl!;
    try {
      const outbox = t.app.get(Outbox);
      const orm = t.app.get(MikroORM);
      const seen: string[] = [];
      let failures = 1;
      outbox.handle<{ n: number }>('test.effect', async ({ key, payload }) => {
        if (payload.n === 2 && failures-- > 0) throw new Error('down for a moment');
        seen.push(key);
      });
      const started = Date.now();
      await orm.em.fork().transactional(async (tem) => {
        await outbox.write(tem as any, [{ topic: 'test.effect', key: 'test:1', payload: { n: 1 } }]);
        await outbox.write(tem as any, [{ topic: 'test.effect', key: 'test:1', payload: { n: 1 } }]);
      });
      await until('delivered after the commit', async () => seen.includes('test:1'), 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await sql(url, `select count(*)::int as n from outbox where idempotency_key = 'test:1'`)).toEqual([
        { n: 1 },
      ]);

      // A rolled-back transaction leaves nothing to deliver.
      await orm.em
        .fork()
        .transactional(async (tem) => {
          await outbox.write(tem as any, [{ topic: 'test.effect', key: 'test:rolled-back', payload: { n: 0 } }]);
          throw new Error('rollback');
        })
        .catch(() => undefined);
      expect(
        await sql(url, `select count(*)::int as n from outbox where idempotency_key = 'test:rolled-back'`),
      ).toEqual([{ n: 0 }]);

      await orm.em
        .fork()
        .transactional((tem) => outbox.write(tem as any, [{ topic: 'test.effect', key: 'test:2', payload: { n: 2 } }]));
      const failed = await until(
        'first failure recorded',
        async () =>
          (
            await sql(
              url,
              `select attempts, last_error, delivered_at from outbox where idempotency_key = 'test:2' and last_error is not null`,
            )
          )[0],
        5000,
      );
      expect(failed).toMatchObject({ attempts: 1, last_error: 'down for a moment', delivered_at: null });
      // Retried after the backoff (1 s) by the next wake-up.
      await sleep(1200);
      t.app.get(OutboxRelay).kick();
      await until('delivered on the retry', async () => seen.includes('test:2'), 5000);
      expect(
        (await sql(url, `select attempts, delivered_at from outbox where idempotency_key = 'test:2'`))[0],
      ).toMatchObject({ attempts: 2, delivered_at: expect.any(Date) });
      expect(seen.filter((k) => k === 'test:1')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
