/**
 * Named prepared statements on PostgreSQL for the few hot statements whose planning costs as
 * much as running them (the timeline's page: a union over eleven record tables, planned in ~3 ms
 * and executed in ~3 ms at 10,000 patients). A statement opts in by starting with
 * PREPARED_STATEMENT (`prepared` below); the pool then sends it under a name derived from its
 * text, so each connection parses and plans it once and later runs skip both (PostgreSQL's plan
 * cache decides between custom and generic plans as usual). Opt-in, not every statement: a
 * statement whose text varies with its input (IN lists of N values) would fill the server's
 * memory with one-off plans. At most MAX_PER_CONNECTION names per connection; beyond that a
 * marked statement runs unnamed. PGlite runs the same text: the mark is a comment.
 *
 * A pooler in transaction mode (pgbouncer before 1.21, or without max_prepared_statements) does
 * not keep a connection's prepared statements between transactions: set
 * DATABASE_PREPARED_STATEMENTS=off there (docs/scaling.md).
 */
import { hash } from "node:crypto";
import type { PostgresPool, PostgresPoolClient } from "kysely";
import { type RawBuilder, sql } from "kysely";
import type pg from "pg";

// No colon in it: pgbench (bench/tier-m.ts) would read ":word" as one of its variables.
export const PREPARED_STATEMENT = "/* v2v prepared */";
const MAX_PER_CONNECTION = 64;

/** `query` sent as a named prepared statement on PostgreSQL. */
export const prepared = <T>(query: RawBuilder<T>): RawBuilder<T> =>
  sql<T>`${sql.raw(PREPARED_STATEMENT)} ${query}`;

const statementName = (text: string) => `v2v_${hash("sha1", text, "base64url").slice(0, 24)}`;

/** Kysely's pool over node-postgres's, naming the statements marked PREPARED_STATEMENT. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pooled client: Kysely keeps its connection object per client it is given.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const names = new Set<string>();
    const query = (text: unknown, values?: readonly unknown[]) => {
      if (typeof text === "string" && text.startsWith(PREPARED_STATEMENT)) {
        const name = statementName(text);
        if (names.has(name) || names.size < MAX_PER_CONNECTION) {
          names.add(name);
          return client.query({ name, text, values: values as unknown[] });
        }
      }
      return (client.query as (t: unknown, v?: unknown) => unknown)(text, values);
    };
    return { query: query as PostgresPoolClient["query"], release: () => client.release() };
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const wrapper = wrappers.get(client) ?? wrap(client);
      wrappers.set(client, wrapper);
      return wrapper;
    },
    end: () => pool.end(),
  };
}
