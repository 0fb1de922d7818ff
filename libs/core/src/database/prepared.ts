import { EntityManager } from '@mikro-orm/postgresql';

/** Statement names by SQL text (a few fixed hot statements; beyond the cap a statement runs unnamed). */
const named = new Map<string, { name: string; text: string }>();
const MAX_NAMED = 64;

/** MikroORM's `?` placeholders as PostgreSQL's `$1, $2, …` (the statements passed here use no `?` operator). */
export const numberedPlaceholders = (sql: string) => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

/**
 * Runs `sql` (with MikroORM's `?` placeholders) as a named prepared statement on a connection of the ORM's pool:
 * PostgreSQL parses it once per connection, and the values travel as parameters instead of literals spliced into
 * the text by the ORM (for the hottest statements, that work is a large share of a request). Inside a transaction
 * it runs on the transaction's connection through `em.execute`. Errors are the driver's (SQLSTATE in `code`).
 */
export async function executePrepared<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  if (em.getTransactionContext()) return em.execute<T[]>(sql, params);
  let statement = named.get(sql);
  if (!statement) {
    statement = { name: `prepared.${named.size + 1}`, text: numberedPlaceholders(sql) };
    if (named.size < MAX_NAMED) named.set(sql, statement);
    else statement = { name: '', text: statement.text };
  }
  const client = em.getKnex().client;
  const connection = await client.acquireConnection();
  try {
    const query = statement.name
      ? { name: statement.name, text: statement.text, values: params }
      : { text: statement.text, values: params };
    const { rows } = await connection.query(query);
    return rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
