/**
 * The SQL statements a piece of work runs, as the database's query observer sees them, optionally
 * only those matching a pattern (a table name, a column list): how tests show that an answer was
 * held, or that a read stays bounded.
 */
import type { Database, QueryEvent } from "../../src/store/database.ts";

export async function statementsRun(
  database: Database,
  fn: () => Promise<unknown>,
  matching?: RegExp,
): Promise<string[]> {
  return (await queriesRun(database, fn)).map((e) => e.sql).filter((sql) => !matching || matching.test(sql));
}

/** Every statement the work runs, with where it ran (`reports`: the reports' own pool). */
export async function queriesRun(database: Database, fn: () => Promise<unknown>): Promise<QueryEvent[]> {
  const seen: QueryEvent[] = [];
  const stop = database.observeQueries((e) => seen.push(e));
  try {
    await fn();
  } finally {
    stop();
  }
  return seen;
}
