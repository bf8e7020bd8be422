/**
 * The tables a piece of work reads, from PostgreSQL's own plans of the statements it ran: how a
 * test of a held answer shows that every table behind it is watched by the triggers that move
 * its version.
 */
import { CompiledQuery } from "kysely";
import type { Database } from "../../src/store/database.ts";
import { queriesRun } from "./statements.ts";

/** Every table a plan reads, from EXPLAIN's JSON (scans name their relation). */
export function relationsIn(plan: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(plan)) for (const p of plan) relationsIn(p, into);
  else if (plan && typeof plan === "object") {
    const node = plan as Record<string, unknown>;
    if (typeof node["Relation Name"] === "string") into.add(node["Relation Name"]);
    for (const v of Object.values(node)) relationsIn(v, into);
  }
  return into;
}

/** The tables the statements `work` runs read, each statement explained afterwards. */
export async function relationsRead(database: Database, work: () => Promise<unknown>): Promise<Set<string>> {
  const seen = await queriesRun(database, work);
  const read = new Set<string>();
  for (const statement of seen) {
    const { rows } = await database.db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${statement.sql}`, [...statement.parameters]),
    );
    relationsIn(Object.values(rows[0]!)[0], read);
  }
  return read;
}
