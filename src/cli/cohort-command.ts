/**
 * `v2v cohort outcomes [filters] [--group-by indication] [--json]`: the cohort results of
 * GET /api/v1/cohorts/outcomes, as a read-only monitor at every site would see them (subject
 * codes only). The filters are the API's query keys as options, so a link's definition can be
 * pasted into a command; a bad filter is a CLI message and a non-zero exit, like a 400.
 */
import type { Command } from "commander";
import { cohortOutcomesCsv } from "../domain/cohort/outcomes-csv.ts";
import type { CohortOutcomes } from "../domain/cohort/results.ts";
import { type CohortSummary, LANDMARK_MONTHS } from "../domain/cohort/summary.ts";
import { DomainError } from "../domain/errors.ts";
import type { Proportion } from "../domain/statistics/binomial.ts";
import type { Estimate } from "../domain/statistics/kaplan-meier.ts";
import type { MedianRange } from "../domain/statistics/median-range.ts";
import { systemActor } from "../services/context.ts";
import type { Cli } from "./cli-context.ts";
import { columns } from "./columns.ts";
import { allSiteIds } from "./sites.ts";

const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);
const proportion = (p: Proportion) =>
  p.total === 0 ? "-" : `${p.count}/${p.total} ${pct(p.estimate)} (${pct(p.lower)}–${pct(p.upper)})`;
const months = (e: Estimate) =>
  e.estimate === null
    ? "not reached"
    : `${e.estimate.toFixed(1)} (${e.lower?.toFixed(1) ?? "NA"}–${e.upper?.toFixed(1) ?? "NA"})`;
const medianRange = (m: MedianRange) => (m.median === null ? "-" : `${m.median} (${m.min}–${m.max})`);

export function formatCohort(o: CohortOutcomes): string[] {
  const s: CohortSummary = o.summary;
  const lines = [
    `Cohort: ${o.description}`,
    `Data cut ${o.dataCut}; ${s.n} infused patient(s), first infusion ${s.firstInfusion ?? "-"}, last ${s.lastInfusion ?? "-"}; median follow-up ${months(s.followUp)} months (reverse Kaplan–Meier)`,
    "",
    "Best overall response, lymphoma (Lugano 2014; exact 95% CI)",
    ...columns(
      ["group", "n", "CR", "PR", "SD", "PD", "NE", "ORR", "CR rate"],
      s.response.rows.map((r) => [
        r.label,
        String(r.n),
        ...[r.counts.CR, r.counts.PR, r.counts.SD, r.counts.PD, r.counts.notEvaluable].map(String),
        proportion(r.overallResponse),
        proportion(r.completeResponse),
      ]),
    ),
    "",
  ];
  for (const [title, table] of [
    ["CRS", s.crs],
    ["ICANS", s.icans],
    ["ICAHT (early)", s.icaht],
    ["IEC-HS", s.iecHs],
  ] as const)
    lines.push(
      `${title} by maximum grade`,
      ...columns(
        ["group", "graded", "G0", "G1", "G2", "G3", "G4", "G5", "any grade", "grade ≥3", "onset day", "days"],
        table.rows.map((r) => [
          r.label,
          `${r.graded}${r.notGraded ? ` (+${r.notGraded} not graded)` : ""}`,
          ...r.byMaxGrade.map(String),
          proportion(r.anyGrade),
          proportion(r.gradeThreeOrMore),
          medianRange(r.onsetDay),
          medianRange(r.durationDays),
        ]),
      ),
      "",
    );
  lines.push(
    "Infections after infusion by window (patients followed into it; episodes by pathogen)",
    ...columns(
      ["group", "window", "followed", "any", "grade ≥3", "episodes", "bacterial", "viral", "fungal", "other"],
      s.infections.rows.map((r) => [
        r.label,
        r.window,
        String(r.followed),
        proportion(r.anyInfection),
        proportion(r.severeInfection),
        String(r.episodes),
        String(r.episodesByPathogen.bacterial),
        String(r.episodesByPathogen.viral),
        String(r.episodesByPathogen.fungal),
        String(r.episodesByPathogen.parasitic + r.episodesByPathogen.unidentified),
      ]),
    ),
    "",
    "Lupus remission reached by month (DORIS 2021, LLDAS)",
    ...columns(
      ["group", "month", "followed", "DORIS", "LLDAS", "drug-free"],
      s.remission.rows
        .filter((r) => r.n > 0)
        .map((r) => [
          r.label,
          String(r.months),
          String(r.followed),
          proportion(r.doris),
          proportion(r.lldas),
          proportion(r.drugFree),
        ]),
    ),
    "",
  );
  for (const a of s.survival) {
    lines.push(
      `${a.title} — median months (95% CI); landmark rates`,
      ...columns(
        ["group", "n", "events", "median", ...a.all.landmarks.map((l) => `${l.time} mo`)],
        [a.all, ...a.groups].map((g) => [
          g.label,
          String(g.n),
          String(g.events),
          months(g.median),
          ...g.landmarks.map((l) =>
            l.survival === null ? "-" : `${pct(l.survival)} (${pct(l.lower)}–${pct(l.upper)})`,
          ),
        ]),
      ),
    );
    if (a.logRank)
      lines.push(
        `log-rank: chi-square ${a.logRank.chiSquare?.toFixed(3) ?? "NA"} on ${a.logRank.df} df, p = ${a.logRank.pValue?.toPrecision(3) ?? "NA"}`,
      );
    lines.push("");
  }
  const cr = s.competingRisks;
  if (cr.all.n > 0)
    lines.push(
      `${cr.title} — cumulative incidence (95% CI)`,
      ...columns(
        ["cause", "events", ...LANDMARK_MONTHS.map((m) => `${m} mo`)],
        cr.all.causes.map((c) => [
          c.cause,
          String(c.events),
          ...c.landmarks.map((l) =>
            l.estimate === null ? "-" : `${pct(l.estimate)} (${pct(l.lower)}–${pct(l.upper)})`,
          ),
        ]),
      ),
      "",
    );
  lines.push(`Link: /cohorts${o.query ? `?${o.query}` : ""}`);
  return lines;
}

/** The cohort definition as command options, one per API query key (used by `v2v report cohort` too). */
export const COHORT_OPTIONS: [flag: string, key: string, help: string][] = [
  ["--study <ids>", "study", "study ids, comma-separated"],
  ["--arm <codes>", "arm", "arm codes, e.g. LYM,AID"],
  ["--dose-level <codes>", "doseLevel", "dose-level codes, e.g. DL1,DL2"],
  ["--target <antigens>", "target", "product targets any of these, e.g. BCMA"],
  ["--format <formats>", "format", "product construct format, e.g. compound"],
  ["--site <codes>", "site", "site codes, e.g. SZ,WH"],
  ["--indication <list>", "indication", "lymphoma, myeloma, sle, overlap"],
  ["--infused-from <date>", "infusedFrom", "first infusion on or after this date"],
  ["--infused-to <date>", "infusedTo", "first infusion on or before this date"],
  ["--as-of <date>", "asOf", "data cut (default: today)"],
];

export function registerCohortCommand(program: Command, cli: Cli) {
  const cohort = program.command("cohort").description("cohort results (response, toxicity, survival)");
  const outcomes = cohort
    .command("outcomes")
    .description("outcomes of the infused patients a cohort definition selects, as tables or JSON")
    .option("--group-by <grouping>", "none, indication (default), doseLevel, arm, site or product")
    .option("--json", "print the API's JSON instead of tables")
    .option("--csv", "print one CSV line per patient (GET /api/v1/cohorts/outcomes.csv) for R and SAS")
    .option("--saved <name>", "start from a saved cohort (options given as well override its keys)");
  for (const [flag, , help] of COHORT_OPTIONS) outcomes.option(flag, help);
  outcomes.action((opts: Record<string, string | boolean | undefined>) =>
    cli.withDatabase(async (database) => {
      const { cohortOutcomes } = await import("../services/cohort-outcomes.ts");
      // Every site, read-only: what a monitor at all of them would see.
      const siteIds = await allSiteIds(database);
      const ctx = {
        db: database.db,
        reports: database.reports,
        actor: systemActor(siteIds.map((siteId) => ({ siteId, role: "monitor" as const }))),
        now: () => new Date(),
      };
      const given = Object.fromEntries(
        [...COHORT_OPTIONS.map(([, key]) => key), "groupBy"]
          .map((key) => [key, opts[key]])
          .filter(([, v]) => v !== undefined),
      );
      let query: Record<string, unknown> = given;
      if (typeof opts.saved === "string") {
        const { listCohorts } = await import("../services/saved-cohorts.ts");
        const name = opts.saved.toLowerCase();
        const found = (await listCohorts(ctx)).items.find((c) => c.name.toLowerCase() === name);
        if (!found) throw new DomainError("validation", `No saved cohort called "${opts.saved}".`);
        query = { ...Object.fromEntries(new URLSearchParams(found.query)), ...given };
      }
      const result = await cohortOutcomes(ctx, query);
      if (opts.csv) cli.io.stdout.write(cohortOutcomesCsv(result.patients));
      else if (opts.json) cli.out(JSON.stringify(result, null, 2));
      else for (const l of formatCohort(result)) cli.out(l);
    }),
  );
}
