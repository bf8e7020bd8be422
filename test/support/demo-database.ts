/**
 * A database holding the demo program. On PGlite it opens the demo snapshot (src/demo/snapshot.ts,
 * built once per code version) in about 2 s; on PostgreSQL it loads the demo into a fresh schema.
 * demo.test.ts checks the snapshot holds exactly what a fresh load writes.
 */
import { type DemoSummary, loadDemo } from "../../src/demo/load.ts";
import { demoSnapshot } from "../../src/demo/snapshot.ts";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import type { Database } from "../../src/store/database.ts";
import { openSnapshot } from "../../src/store/pglite-snapshots.ts";
import { testDatabase, usingPostgres } from "./database.ts";

export async function demoDatabase(now: () => Date): Promise<{ database: Database; summary: DemoSummary }> {
  if (usingPostgres()) {
    const database = await testDatabase();
    return { database, summary: await loadDemo(database, now) };
  }
  const snapshot = await demoSnapshot();
  return { database: await openSnapshot(snapshot.path), summary: snapshot.summary };
}

/** The demo with a service context of an investigator at every one of its sites. */
export async function demoAsInvestigator(
  now: () => Date,
): Promise<{ database: Database; ctx: ServiceContext }> {
  const { database } = await demoDatabase(now);
  const sites = await database.db.selectFrom("sites").select("id").execute();
  const ctx: ServiceContext = {
    db: database.db,
    actor: systemActor(sites.map((s) => ({ siteId: s.id, role: "investigator" as const }))),
    now,
  };
  return { database, ctx };
}
