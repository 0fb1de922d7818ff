import { EntityManager, Knex } from '@mikro-orm/postgresql';
import { asDatabaseError } from '../dependencies/dependency-errors';

/** node-postgres' client as knex's pool hands it out (only what the raw reads use). */
export interface PooledConnection {
  query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: any[] }>;
}

/**
 * Runs `work` on a connection of the ORM's pool and gives it back. A network failure on it (ECONNRESET from a
 * terminated backend, a refused connect) is the database's: it answers 503 naming `database`.
 */
export async function onPooledConnection<T>(em: EntityManager, work: (c: PooledConnection) => Promise<T>): Promise<T> {
  const client = em.getKnex().client;
  let connection: PooledConnection;
  try {
    connection = await client.acquireConnection();
  } catch (err) {
    throw asDatabaseError(err);
  }
  try {
    return await work(connection);
  } catch (err) {
    throw asDatabaseError(err);
  } finally {
    await client.releaseConnection(connection);
  }
}

/** Statement names by SQL text (a few fixed hot statements; beyond the cap a statement runs unnamed). */
const named = new Map<string, { name: string; text: string }>();
const MAX_NAMED = 64;

/** MikroORM's `?` placeholders as PostgreSQL's `$1, $2, …` (the statements passed here use no `?` operator). */
export const numberedPlaceholders = (sql: string) => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

/**
 * Runs `sql` (with MikroORM's `?` placeholders) as a named prepared statement: PostgreSQL parses it once per
 * connection, and the values travel as parameters instead of literals spliced into the text by the ORM (for the
 * hottest statements, that work is a large share of a request; and an array stays one array parameter, where the
 * ORM would splice it in as a list). Outside a transaction it runs on a connection of the ORM's pool; inside one, on
 * the transaction's own connection (knex's transaction client hands out that one and never releases it). Errors
 * are the driver's (SQLSTATE in `code`).
 */
export async function executePrepared<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  let statement = named.get(sql);
  if (!statement) {
    statement = { name: `prepared.${named.size + 1}`, text: numberedPlaceholders(sql) };
    if (named.size < MAX_NAMED) named.set(sql, statement);
    else statement = { name: '', text: statement.text };
  }
  const query = statement.name
    ? { name: statement.name, text: statement.text, values: params }
    : { text: statement.text, values: params };
  const transaction = em.getTransactionContext<Knex.Transaction>();
  if (transaction) return onTransactionConnection(transaction, async (c) => (await c.query(query)).rows as T[]);
  return onPooledConnection(em, async (connection) => (await connection.query(query)).rows as T[]);
}

/** Runs `work` on the connection a knex transaction holds (not given back: the transaction ends it). */
async function onTransactionConnection<T>(
  transaction: Knex.Transaction,
  work: (c: PooledConnection) => Promise<T>,
): Promise<T> {
  if (transaction.isCompleted()) throw new Error('executePrepared: the transaction has already ended');
  const client = (transaction as unknown as { client: { acquireConnection(): Promise<PooledConnection> } }).client;
  try {
    return await work(await client.acquireConnection());
  } catch (err) {
    throw asDatabaseError(err);
  }
}
