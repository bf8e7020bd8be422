/**
 * `v2v serve`: open and migrate the database, load the demo program on the very first start, listen,
 * and close everything cleanly on SIGINT/SIGTERM (PGlite must be closed to flush its files).
 */

import { createPublicKey, type KeyObject } from "node:crypto";
import type { Config } from "../config.ts";
import type { DemoSummary } from "../demo/load.ts";
import type { AppOptions } from "../http/app.ts";
import { writeCheckpoint } from "../services/audit-chain.ts";
import { type ExportWorker, startExportWorker } from "../services/fhir-export-worker.ts";
import { openDatabase, refreshPlannerStatistics } from "../store/database.ts";
import { migrate } from "../store/migrator.ts";
import { hasPatients } from "../store/patients.ts";
import { migratedSnapshot, startFromSnapshot } from "../store/pglite-snapshots.ts";
import { loadSigningKey } from "./audit-key.ts";
import { compiledCli } from "./compiled-cli.ts";
import { printDemoSummary } from "./demo-summary.ts";
import { ensureWebBuild } from "./web-build.ts";

/**
 * What the app takes from the configuration, as `serve` builds it; the browser tests' app served
 * in their own process (test/e2e/support/server.ts) is built with the same.
 */
export function appOptionsFromConfig(
  config: Config,
): Pick<AppOptions, "secureCookies" | "trustProxy" | "loginRateLimit" | "logger"> {
  return {
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    loginRateLimit: config.loginRateLimit,
    logger: { level: config.logLevel },
  };
}

export async function serve(config: Config, version: string, out: (line: string) => void): Promise<void> {
  // The app's modules (every route, service and schema) load while the database opens: opening
  // PGlite compiles its WebAssembly on V8's background threads, so the two overlap (decision 0044).
  const appModule = import("../http/app.ts");
  appModule.catch(() => undefined); // awaited below; not an unhandled rejection if the open fails first
  // Before the database opens: a build failure should not leave a locked data directory behind.
  await ensureWebBuild();
  // A new embedded installation opens a snapshot instead of running initdb, the migrations and
  // the demo load: the demo one (src/demo/snapshot.ts) when the demo is wanted, the migrated one
  // otherwise. Built on the first start after a code change, reused after.
  let demoFromSnapshot: DemoSummary | undefined;
  const restored = await startFromSnapshot(config.database, async () => {
    if (!config.loadDemoOnFirstStart) return migratedSnapshot();
    const { demoSnapshot } = await import("../demo/snapshot.ts");
    const demo = await demoSnapshot();
    demoFromSnapshot = demo.summary;
    return demo;
  });
  // The machine's clock, or one running V2V_CLOCK_OFFSET_DAYS ahead under browser tests (config.ts).
  const offsetMs = config.clockOffsetDays * 86_400_000;
  const now = offsetMs ? () => new Date(Date.now() + offsetMs) : () => new Date();
  const database = await openDatabase(config.database);
  let closing = false;
  let afterListening: Promise<unknown> = Promise.resolve();
  let exportWorker: ExportWorker | null = null;
  try {
    const applied = await migrate(database);
    const signingKey = loadSigningKey(config.auditKeyFile, { create: true });
    const { buildApp } = await appModule;
    const app = await buildApp({
      database,
      version,
      ...appOptionsFromConfig(config),
      auditTrustedKeys: signingKey ? [createPublicKey(signingKey)] : [],
      now,
    });
    const log = app.log;
    database.observeLostConnections?.((err) =>
      log.warn({ err }, "PostgreSQL closed a connection; the pool opens another when one is needed"),
    );
    if (offsetMs)
      log.warn(
        { clockOffsetDays: config.clockOffsetDays },
        "the server's clock runs ahead of the machine's (tests only)",
      );
    if (applied.length) log.info({ applied }, "migrations applied");
    // A data directory just unpacked from a snapshot has the statistics ANALYZE gave it when the
    // snapshot was made (demo/snapshot.ts; the migrated one is empty tables), unless migrations
    // wrote to it since. (The demo is replayed below only where no snapshot was unpacked: one that
    // was is the demo snapshot whenever the demo is wanted.)
    const statisticsCurrent = restored && applied.length === 0;
    if (demoFromSnapshot) printDemoSummary(demoFromSnapshot, out);
    else if (config.loadDemoOnFirstStart && !(await hasPatients(database.db))) {
      // PostgreSQL, or an embedded directory left empty: load the demo the long way.
      const { isDemoLoaded, loadDemo } = await import("../demo/load.ts");
      if (!(await isDemoLoaded(database))) {
        const started = Date.now();
        const summary = await loadDemo(database, now);
        printDemoSummary(summary, out);
        log.info({ ms: Date.now() - started }, "demo program loaded");
      }
    }
    // Signed checkpoints of the audit chain: at start, every few minutes while it grows, and on the way out.
    const checkpoint = async (key: KeyObject | null) => {
      if (!key) return;
      try {
        const r = await writeCheckpoint(database.db, key, now);
        if (r.brokenAt)
          log.error({ auditChainBreak: r.brokenAt }, "the audit chain does not verify: no checkpoint signed");
        else if (r.written) log.debug({ checkpoint: r.written }, "audit checkpoint signed");
      } catch (e) {
        log.error({ err: e }, "audit checkpoint failed");
      }
    };
    log.info({ keyFile: config.auditKeyFile }, "audit checkpoints are signed with this key");
    const timer = setInterval(() => void checkpoint(signingKey), config.auditCheckpointMinutes * 60_000);
    timer.unref();
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      clearInterval(timer);
      log.info({ signal }, "shutting down");
      try {
        await app.close();
        await exportWorker?.stop();
        await afterListening;
        await checkpoint(signingKey);
      } finally {
        await database.close();
        process.exit(0);
      }
    };
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    await app.listen({ port: config.port, host: config.host });
    // FHIR bulk exports run here (decision 0032); on PGlite this is the only process on the data
    // directory, so jobs a previous run left part-way are taken back at once
    exportWorker = startExportWorker(database.db, {
      reports: database.reports,
      reclaimOnStart: database.kind === "pglite",
      now,
      log: { error: (o, m) => log.error(o, m), info: (o, m) => log.info(o, m) },
    });
    // Work nobody should wait for, once listening: the start's checkpoint (it verifies the whole
    // chain first), and, since PGlite has no autovacuum (store/database.ts), fresh planner
    // statistics; both grow with the database. Shutdown waits for them.
    afterListening = (async () => {
      await checkpoint(signingKey);
      if (database.kind === "pglite" && !statisticsCurrent)
        await refreshPlannerStatistics(database).catch((e: unknown) =>
          log.error({ err: e }, "ANALYZE failed; queries still work, perhaps with worse plans"),
        );
      // Sources changed since the command line was compiled (this start ran them through tsx):
      // compile them now for the next start. Not under tests, whose servers run edited sources.
      if (process.env.NODE_ENV !== "test")
        await compiledCli()
          .then(async (c) => {
            if (c.freshCompiledCli()) return;
            log.info({ main: await c.compileCli() }, "compiled the command line for the next start");
          })
          .catch((e: unknown) =>
            log.warn({ err: e }, "could not compile the command line; starts load the sources instead"),
          );
    })();
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const where = `http://${config.host === "0.0.0.0" || config.host === "127.0.0.1" ? "localhost" : config.host}:${port}`;
    out(`vein2vein ${version} is up at ${where}/  (API reference ${where}/api/docs)`);
    out(`database: ${database.kind} at ${database.location}`);
    if (database.kind === "pglite")
      out(
        "note: the embedded database is for trying and developing; production data belongs on PostgreSQL (DATABASE_URL).",
      );
  } catch (e) {
    if (!closing) await database.close();
    throw e;
  }
}
