import { TestApp, createStaff, loginAdmin, startTestApp } from '../support/test-app';
import { ALL_DAY_UTC, bearer } from '../support/calendar-fixtures';

/** A talent manager's daily cap is bounded by the calls of VETTING_CALL_LENGTH that fit in a day, not a literal 48. */
describe('availability dailyCap bound (VETTING_CALL_LENGTH=PT45M: 32 calls a day)', () => {
  let t: TestApp;
  let tm: { token: string };

  beforeAll(async () => {
    t = await startTestApp({ withWorker: false, env: { VETTING_CALL_LENGTH: 'PT45M' } });
    tm = await createStaff(t, await loginAdmin(t), 'talent_manager');
  }, 60_000);
  afterAll(async () => t?.close());

  const put = (dailyCap: number) =>
    t
      .http()
      .put('/api/talent-managers/me/availability')
      .set(bearer(tm.token))
      .send({ ...ALL_DAY_UTC, categorySlugs: ['writing'], dailyCap });

  it('accepts the bound and refuses one more with VALIDATION_FAILED naming it', async () => {
    const ok = await put(32);
    expect(ok.status).toBe(200);
    expect(ok.body.dailyCap).toBe(32);
    for (const cap of [33, 48]) {
      const res = await put(cap);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.fields).toEqual([
        { field: 'dailyCap', problems: ['must be a whole number from 1 to 32 (the calls that fit in a day)'] },
      ]);
    }
    expect((await put(0)).status).toBe(400);
  });
});
