/**
 * `v2v export sdtm --study ID --out DIR`: the study's CDISC SDTM datasets as SAS XPORT v5 and CSV
 * files with define.xml, written into DIR, as a read-only monitor at every site would export them
 * (pseudonymous; audited as an export by the system user). `exportGroup` gives the `export`
 * command every exporter hangs its subcommand on (`export fhir` too), created once.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { sdtmFiles } from "../domain/cdisc/files.ts";
import { DomainError } from "../domain/errors.ts";
import { systemActor } from "../services/context.ts";
import { exportStudySdtm } from "../services/sdtm-export.ts";
import { studyIdByKey } from "../store/sdtm-sources.ts";
import type { Cli } from "./cli-context.ts";
import { allSiteIds } from "./sites.ts";

/** The `export` command group, shared by every exporter: created on first use. */
export function exportGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "export") ??
    program.command("export").description("export study data for sponsors, registries and statisticians")
  );
}

export function registerExportSdtmCommand(program: Command, cli: Cli) {
  exportGroup(program)
    .command("sdtm")
    .description(
      "CDISC SDTM datasets of a study (DM, AE, CM, DS, EX, LB, MH, RS, TU, TR, VS) as .xpt and .csv, with define.xml",
    )
    .requiredOption("--study <id>", "study id, registry id or short name")
    .requiredOption("--out <dir>", "directory to write the files into (created if missing)")
    .action((opts: { study: string; out: string }) =>
      cli.withDatabase(async (database) => {
        const studyId = await studyIdByKey(database.db, opts.study);
        if (!studyId)
          throw new DomainError("validation", `No study with id, registry id or short name ${opts.study}.`);
        const siteIds = await allSiteIds(database);
        const ctx = {
          db: database.db,
          reports: database.reports,
          actor: systemActor(siteIds.map((siteId) => ({ siteId, role: "monitor" as const }))),
          now: () => new Date(),
        };
        const e = await exportStudySdtm(ctx, studyId, "all files (v2v export sdtm)");
        const dir = resolve(opts.out);
        await mkdir(dir, { recursive: true });
        const files = sdtmFiles(e.study, e.datasets, e.generatedAt);
        for (const f of files) await writeFile(join(dir, f.name), f.content);
        cli.out(`SDTM export of ${e.study.studyId} (sites ${e.sites.join(", ") || "none"}) → ${dir}`);
        for (const d of e.datasets)
          cli.out(`  ${d.name.padEnd(3)} ${String(d.rows.length).padStart(6)} records  ${d.label}`);
        cli.out(`  define.xml; ${files.length} files`);
        for (const n of e.notes) cli.out(`note: ${n}`);
      }),
    );
}
