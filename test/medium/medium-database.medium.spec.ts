import { openMediumDatabase, MediumDatabase } from '../support/medium-database';

describe('medium database harness', () => {
  let db: MediumDatabase;
  beforeAll(async () => {
    db = await openMediumDatabase();
  });
  afterAll(() => db.close());

  it('opens a fresh database with every migration applied', async () => {
    const em = db.em();
    const [{ count }] = await em
      .getConnection()
      .execute<{ count: string }[]>(`select count(*)::text as count from vetting_calls`);
    expect(count).toBe('0');
    const pending = await db.orm.getMigrator().getPendingMigrations();
    expect(pending).toEqual([]);
  });
});
