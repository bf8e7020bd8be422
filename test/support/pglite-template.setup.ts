/**
 * Vitest global set-up: one migrated PGlite data directory for the whole run, cached on disk
 * under the migrations' fingerprint, whose path every test file receives (`inject`) and opens
 * instead of running initdb and the migrations itself (test/support/database.ts).
 */
import type { TestProject } from "vitest/node";
import { migratedSnapshot } from "../../src/store/pglite-snapshots.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) return; // each file makes its own schema on that server
  project.provide("pgliteTemplate", (await migratedSnapshot()).path);
}
