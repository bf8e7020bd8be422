/**
 * The demo program as a PGlite data directory, built once per version of the code that writes it
 * (migrations, domain rules, services, the demo itself, the installed packages) and then opened
 * in about 2 s by every fresh installation, e2e server and demo test, instead of replaying the
 * whole load (10 to 20 s). The summary the loader returned is kept next to it, so a start from
 * the snapshot prints the same logins.
 */
import { refreshPlannerStatistics } from "../store/database.ts";
import {
  cachedSnapshot,
  migratedSnapshot,
  openSnapshot,
  sourcesFingerprint,
} from "../store/pglite-snapshots.ts";
import { type DemoSummary, loadDemo } from "./load.ts";

const SOURCES = ["package-lock.json", "src/store", "src/domain", "src/services", "src/demo"];

export async function demoSnapshot(): Promise<{ path: string; summary: DemoSummary }> {
  const migrated = await migratedSnapshot();
  const snapshot = await cachedSnapshot("demo", sourcesFingerprint(SOURCES), async () => {
    const database = await openSnapshot(migrated.path);
    try {
      const summary = await loadDemo(database, () => new Date());
      await refreshPlannerStatistics(database);
      return { tar: await database.dumpDataDir!(), meta: summary };
    } finally {
      await database.close();
    }
  });
  return { path: snapshot.path, summary: snapshot.meta as DemoSummary };
}
