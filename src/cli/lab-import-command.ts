/**
 * `v2v labs import FILE --format csv|fhir [--mapping mapping.json] --site CODE --as USER`: the same
 * all-or-nothing import as POST /api/v1/lab-imports, acting as a named user with that user's roles.
 * The file is streamed; progress goes to stderr as a bar (cli-progress) when stderr is a terminal
 * or --progress is given, so piped output and logs stay clean. Problems are printed one per line
 * by main.ts and exit with status 2.
 */
import { createReadStream, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { SingleBar } from "cli-progress";
import { type Command, Option } from "commander";
import { DomainError } from "../domain/errors.ts";
import { actorFor } from "../services/auth.ts";
import type { ServiceContext } from "../services/context.ts";
import {
  type ImportProgress,
  importLabCsv,
  importLabFhir,
  type LabImportDto,
} from "../services/lab-import.ts";
import type { Database } from "../store/database.ts";
import { findActiveUserByName } from "../store/users.ts";
import type { Cli, CliIo } from "./cli-context.ts";
import { siteByCode } from "./sites.ts";

export interface LabImportOptions {
  format: "csv" | "fhir";
  mapping?: string;
  site: string;
  as: string;
  progress?: boolean;
  locale?: string;
}

export function registerLabsCommand(program: Command, cli: Cli) {
  const { withDatabase } = cli;
  const labs = program.command("labs").description("laboratory results");
  labs
    .command("import")
    .description("import a lab file (CSV with a column mapping, or a FHIR R4 Bundle), all or nothing")
    .argument("<file>", "the CSV or FHIR JSON file")
    .addOption(new Option("--format <format>", "file format").choices(["csv", "fhir"]).makeOptionMandatory())
    .option("--mapping <file>", "JSON column mapping (CSV only; see src/domain/lab-import/README.md)")
    .requiredOption("--site <code>", "code of the site whose patients the results belong to")
    .requiredOption(
      "--as <username>",
      "the user the import is recorded as (needs clinical write at the site)",
    )
    .option(
      "--locale <tag>",
      "CSV only: the locale the file writes numbers in, e.g. de or fr (1,5 = 1.5) or zh (1.5); without it a decimal comma is refused",
    )
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .action((file: string, opts: LabImportOptions) =>
      withDatabase(async (database) => {
        const done = await runLabImport(database, file, opts, cli.io.stderr);
        cli.out(
          `Imported ${done.rowCount} result(s) from ${done.fileName ?? file} at ${opts.site}: import ${done.id}, ` +
            `${done.createdCount} new, ${done.correctedCount} corrected, ${done.retractedCount} retracted, ` +
            `${done.unchangedCount} unchanged, ${done.skippedCount} context entries skipped, ` +
            `${done.convertedCount} converted to canonical units, SHA-256 ${done.sha256}`,
        );
      }),
    );
}

export async function runLabImport(
  database: Database,
  file: string,
  opts: LabImportOptions,
  stderr: CliIo["stderr"] = process.stderr,
): Promise<LabImportDto> {
  const site = await siteByCode(database, opts.site);
  const user = await findActiveUserByName(database.db, opts.as);
  if (!user) throw new DomainError("validation", `No active user ${opts.as}.`);
  const ctx: ServiceContext = {
    db: database.db,
    actor: await actorFor(database.db, user.id, user.username),
    now: () => new Date(),
  };
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new DomainError("validation", `Cannot read ${file}.`);
  }
  const progress = progressReporter(size, opts.progress === true || stderr.isTTY === true, stderr);
  const source = {
    siteId: site.id,
    fileName: basename(file),
    content: createReadStream(file),
    onProgress: progress.update,
  };
  try {
    if (opts.format === "fhir") {
      if (opts.locale) throw new DomainError("validation", "--locale applies to CSV files only.");
      return await importLabFhir(ctx, source);
    }
    if (!opts.mapping) throw new DomainError("validation", "A CSV import needs --mapping <file>.");
    let mapping: unknown;
    try {
      mapping = JSON.parse(readFileSync(opts.mapping, "utf8"));
    } catch (e) {
      throw new DomainError(
        "validation",
        `The mapping ${opts.mapping} is not readable JSON: ${(e as Error).message}`,
      );
    }
    return await importLabCsv(ctx, source, mapping, opts.locale);
  } finally {
    progress.stop();
  }
}

/** One bar for reading (bytes of the file), then one for writing (rows). */
function progressReporter(fileBytes: number, enabled: boolean, stderr: CliIo["stderr"]) {
  if (!enabled) return { update: undefined, stop: () => {} };
  let bar: SingleBar | null = null;
  let phase: ImportProgress["phase"] | null = null;
  const start = (p: ImportProgress["phase"], total: number, unit: string) => {
    bar?.stop();
    bar = new SingleBar({
      stream: stderr as NodeJS.WritableStream,
      format: `${p.padEnd(7)} [{bar}] {percentage}% {value}/{total} ${unit}`,
      noTTYOutput: !stderr.isTTY,
      notTTYSchedule: 1000,
      hideCursor: true,
    });
    bar.start(total, 0);
    phase = p;
  };
  return {
    update: (p: ImportProgress) => {
      if (p.phase !== phase)
        start(p.phase, p.phase === "reading" ? fileBytes : p.total, p.phase === "reading" ? "bytes" : "rows");
      bar?.update(p.phase === "reading" ? Math.min(p.bytes, fileBytes) : p.done);
    },
    stop: () => bar?.stop(),
  };
}
