/**
 * The SQL statements a piece of work runs, as the database's query observer sees them, optionally
 * only those matching a pattern (a table name, a column list): how tests show that an answer was
 * held, or that a read stays bounded.
 */
import type { Database } from "../../src/store/database.ts";

export async function statementsRun(
  database: Database,
  fn: () => Promise<unknown>,
  matching?: RegExp,
): Promise<string[]> {
  const seen: string[] = [];
  const stop = database.observeQueries((e) => {
    if (!matching || matching.test(e.sql)) seen.push(e.sql);
  });
  try {
    await fn();
  } finally {
    stop();
  }
  return seen;
}
