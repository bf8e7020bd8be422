/**
 * `v2v export fhir --out DIR --as USER [--type T,…] [--since INSTANT]`: the record as FHIR R4
 * NDJSON files, one per resource type (`Observation.ndjson`…), and a `manifest.json` shaped like
 * the HL7 Bulk Data manifest (transactionTime, request, output with type, url and count). It acts
 * as the named user, so it exports what that user may read, Patients pseudonymous. A progress bar
 * (cli-progress) goes to stderr when it is a terminal or --progress is given.
 *
 * Audited as an export of that user at its start, on the primary; the pages are read on the
 * reports' connection (a replica when DATABASE_REPORTS_URL is set), once it shows that audit
 * record, waiting at most --replica-wait seconds (decision 0060's addendum of 2026-12-07).
 */

import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../domain/errors.ts";
import { isResourceType, RESOURCE_TYPES, type ResourceType } from "../fhir/index.ts";
import { actorFor } from "../services/auth.ts";
import type { ServiceContext } from "../services/context.ts";
import { type ExportedType, exportNdjson, REPLICA_WAIT_MS } from "../services/fhir-export.ts";
import type { Database } from "../store/database.ts";
import { findActiveUserByName } from "../store/users.ts";
import type { Cli, CliIo } from "./cli-context.ts";

export interface ExportFhirOptions {
  out: string;
  as: string;
  type?: string;
  since?: string;
  progress?: boolean;
  /** seconds to wait for the reports' replica to show the export's start */
  replicaWait?: string;
}

export function registerExportFhirCommand(program: Command, cli: Cli) {
  // `export` may already hold other formats (SDTM); add to it rather than shadow it
  const exportCommand =
    program.commands.find((c) => c.name() === "export") ?? program.command("export").description("exports");
  exportCommand
    .command("fhir")
    .description("the record as FHIR R4 NDJSON files, one per resource type, with a Bulk Data manifest")
    .requiredOption("--out <dir>", "directory to write into (created; must hold no .ndjson files yet)")
    .requiredOption("--as <username>", "the user whose rights decide what is exported")
    .option(
      "--type <types>",
      `comma-separated resource types (default: all you may read): ${RESOURCE_TYPES.join(", ")}`,
    )
    .option("--since <instant>", "only resources changed at or after this time (ISO 8601 with a zone)")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .option(
      "--replica-wait <seconds>",
      "how long to wait for the reports' replica (DATABASE_REPORTS_URL) to catch up with the export's start",
      String(REPLICA_WAIT_MS / 1000),
    )
    .action((opts: ExportFhirOptions) =>
      cli.withDatabase(async (database) => {
        const output = await runExportFhir(database, opts, cli.io.stderr);
        const total = output.reduce((n, o) => n + o.count, 0);
        cli.out(
          `Exported ${total} resource(s) to ${opts.out}: ${output.map((o) => `${o.type} ${o.count}`).join(", ")}`,
        );
      }),
    );
}

function parseOptions(opts: ExportFhirOptions): {
  types?: ResourceType[];
  since?: Date;
  replicaWaitMs?: number;
} {
  const problems: { path: string; message: string }[] = [];
  let types: ResourceType[] | undefined;
  if (opts.type !== undefined) {
    const names = opts.type.split(",").map((t) => t.trim());
    const unknown = names.filter((t) => !isResourceType(t));
    if (unknown.length > 0)
      problems.push({ path: "/type", message: `not a type this server exports: ${unknown.join(", ")}` });
    types = names.filter(isResourceType);
  }
  let since: Date | undefined;
  if (opts.since !== undefined) {
    since = new Date(opts.since);
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(opts.since) || Number.isNaN(since.getTime()))
      problems.push({
        path: "/since",
        message: "an ISO 8601 instant with a time zone, e.g. 2026-01-01T00:00:00Z",
      });
  }
  let replicaWaitMs: number | undefined;
  if (opts.replicaWait !== undefined) {
    const seconds = Number(opts.replicaWait);
    if (opts.replicaWait.trim() === "" || !Number.isFinite(seconds) || seconds < 0)
      problems.push({ path: "/replica-wait", message: "a number of seconds, 0 or more, e.g. 60" });
    else replicaWaitMs = seconds * 1000;
  }
  if (problems.length > 0) throw new DomainError("validation", "The export options have problems.", problems);
  return {
    ...(types ? { types } : {}),
    ...(since ? { since } : {}),
    ...(replicaWaitMs !== undefined ? { replicaWaitMs } : {}),
  };
}

export async function runExportFhir(
  database: Database,
  opts: ExportFhirOptions,
  stderr: CliIo["stderr"] = process.stderr,
): Promise<ExportedType[]> {
  const { replicaWaitMs, ...request } = parseOptions(opts);
  const user = await findActiveUserByName(database.db, opts.as);
  if (!user) throw new DomainError("validation", `No active user ${opts.as}.`);
  const ctx: ServiceContext = {
    db: database.db,
    reports: database.reports,
    actor: await actorFor(database.db, user.id, user.username),
    now: () => new Date(),
  };
  mkdirSync(opts.out, { recursive: true });
  if (readdirSync(opts.out).some((f) => f.endsWith(".ndjson")))
    throw new DomainError(
      "validation",
      `${opts.out} already holds .ndjson files; choose an empty directory.`,
    );
  const bar =
    opts.progress === true || stderr.isTTY === true
      ? new SingleBar({
          stream: stderr as NodeJS.WritableStream,
          format: "FHIR export [{bar}] {value}/{total} types | {type} {count}",
          noTTYOutput: !stderr.isTTY,
          notTTYSchedule: 1000,
          hideCursor: true,
        })
      : null;
  let started = false;
  try {
    const { transactionTime, output } = await exportNdjson(ctx, request, {
      to: opts.out,
      write: async (type, lines) => appendFileSync(join(opts.out, `${type}.ndjson`), lines),
      onProgress: (p) => {
        if (!bar) return;
        if (!started) {
          bar.start(p.typesTotal, 0, { type: p.type, count: 0 });
          started = true;
        }
        bar.update(p.typesDone, { type: p.type, count: p.count });
      },
      ...(replicaWaitMs !== undefined ? { replicaWaitMs } : {}),
    });
    const manifest = {
      transactionTime: transactionTime.toISOString(),
      request: `v2v export fhir${opts.type ? ` --type ${opts.type}` : ""}${opts.since ? ` --since ${opts.since}` : ""}`,
      requiresAccessToken: false,
      output: output
        .filter((o) => o.count > 0)
        .map((o) => ({ type: o.type, url: `${o.type}.ndjson`, count: o.count })),
      error: [],
    };
    writeFileSync(join(opts.out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return output;
  } finally {
    bar?.stop();
  }
}
