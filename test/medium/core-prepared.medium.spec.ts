import { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '@vetting/core';
import { openMediumDatabase, MediumDatabase } from '../support/medium-database';

/*
 * executePrepared against real PostgreSQL: an array is one parameter (never spliced in as a list), outside a
 * transaction and inside one, where the statement runs on the transaction's own connection and so commits or
 * rolls back with it.
 */
describe('executePrepared (PostgreSQL)', () => {
  let db: MediumDatabase;
  beforeAll(async () => {
    db = await openMediumDatabase();
    await db.em().execute('create table prepared_probe (id int primary key, tags text[] not null)');
  });
  afterAll(() => db.close());

  const insert = (em: EntityManager, id: number, tags: string[]) =>
    executePrepared<{ id: number; n: number }>(
      em,
      'insert into prepared_probe (id, tags) select ?::int, ?::text[] returning id, cardinality(tags) as n',
      [id, tags],
    );
  const ids = async () =>
    (await db.em().execute<{ id: number }[]>('select id from prepared_probe order by id')).map((r) => r.id);

  it('outside a transaction: the array travels as one parameter', async () => {
    expect(await insert(db.em(), 1, ['a', 'b', 'c'])).toEqual([{ id: 1, n: 3 }]);
  });

  it('inside a transaction: the array stays one parameter, and the row commits with the transaction', async () => {
    const rows = await db.em().transactional(async (tem) => {
      const inside = await insert(tem as EntityManager, 2, ['x', 'y']);
      // The transaction's own connection sees its uncommitted row; no other connection does yet.
      const seen = await (tem as EntityManager).execute<{ id: number }[]>('select id from prepared_probe where id = 2');
      expect(seen).toHaveLength(1);
      expect(await ids()).not.toContain(2);
      return inside;
    });
    expect(rows).toEqual([{ id: 2, n: 2 }]);
    expect(await ids()).toContain(2);
  });

  it('inside a transaction that fails: the row is rolled back with it', async () => {
    await expect(
      db.em().transactional(async (tem) => {
        await insert(tem as EntityManager, 3, ['z']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await ids()).not.toContain(3);
  });

  it("a statement refused inside a transaction rejects with the driver's SQLSTATE", async () => {
    await expect(db.em().transactional((tem) => insert(tem as EntityManager, 1, ['again']))).rejects.toMatchObject({
      code: '23505',
    });
    expect(await ids()).toEqual([1, 2]);
  });
});
