/**
 * `v2v kinetics fit|simulate|cohort`: the kinetics research model (issue 14) from the command line,
 * through the same services as GET /api/v1/patients/{id}/kinetics, POST /api/v1/kinetics/simulate
 * and /virtual-cohort. Reads run as a read-only monitor at the patient's site (subject codes only).
 * A cohort shows a progress bar on stderr when stdout is a terminal, so piped output stays clean.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../domain/errors.ts";
import type { OutcomeSummary, Summary } from "../domain/kinetics/whatif.ts";
import { systemActor } from "../services/context.ts";
import { findPatientBySubjectCode } from "../store/patients.ts";
import type { Cli } from "./cli-context.ts";
import { columns } from "./columns.ts";
import { siteByCode } from "./sites.ts";

const LABEL = "Research model — not a treatment recommendation.";

/** 3 significant digits, or "-" */
const num = (x: number | null | undefined) => {
  if (x === null || x === undefined || !Number.isFinite(x)) return "-";
  const v = Number(x.toPrecision(3));
  // toLocaleString keeps 3 decimals at most: a rate of 0.000121/d would print as 0
  return Math.abs(v) >= 1000 ? v.toLocaleString("en") : String(v);
};
const summary = (s: Summary) =>
  s.median === null
    ? "never"
    : `${num(s.median)} (${num(s.lower)}–${num(s.upper)})${s.reached < 1 ? ` in ${(100 * s.reached).toFixed(0)}%` : ""}`;

const OUTCOME_ROWS: [keyof OutcomeSummary, string][] = [
  ["carTPeakCellsPerUL", "CAR-T peak, cells/µL"],
  ["carTPeakDay", "CAR-T peak day"],
  ["bCellAplasiaDays", "B-cell aplasia, days"],
  ["bCellReturnDay", "B cells back, day"],
  ["igGNadirGPerL", "IgG nadir, g/L"],
  ["antiDsDnaNegativeDay", "anti-dsDNA negative, day"],
  ["antiDsDnaReboundDay", "anti-dsDNA rebound, day"],
  ["tumourCleared", "tumour cleared (share)"],
];

function outcomeTable(strategies: { label: string; summary: OutcomeSummary }[]): string[] {
  return columns(
    ["outcome: median (5th–95th)", ...strategies.map((s) => s.label)],
    OUTCOME_ROWS.map(([key, title]) => [
      title,
      ...strategies.map((s) =>
        key === "tumourCleared" && s.summary[key].reached === 0 ? "no tumour" : summary(s.summary[key]),
      ),
    ]),
  );
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(",").map((s) => s.trim()));
const number = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || v.trim() === "")
    throw new DomainError("validation", `--${name} must be a number, not "${v}".`);
  return n;
};

/** `--parameters` as JSON: a CLI message, not a stack trace, when it is not. */
function parametersOption(text: string | boolean | undefined): unknown {
  if (typeof text !== "string") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError("validation", "--parameters must be a JSON object.");
  }
}

export function registerKineticsCommand(program: Command, cli: Cli) {
  const kinetics = program
    .command("kinetics")
    .description(
      "the CAR-T kinetics research model: a patient's fit and what-if, simulations, virtual cohorts",
    );

  kinetics
    .command("fit")
    .description(
      "fit the model to a patient's recorded data and show parameters, goodness of fit and what-ifs",
    )
    .requiredOption("--subject <code>", "subject code, e.g. SZ-0001")
    .option("--site <code>", "site code (default: the subject code's prefix)")
    .option(
      "--strategy <list>",
      "what-ifs, comma-separated: cd19-only, bcma-only, compound, co-infusion, half-dose, double-dose",
    )
    .option("--draws <n>", "posterior draws for the bands", "100")
    .option("--seed <n>", "seed of the draws", "1")
    .option("--json", "print the API's JSON")
    .action((opts: Record<string, string | boolean | undefined>) =>
      cli.withDatabase(async (database) => {
        const { patientKinetics } = await import("../services/kinetics.ts");
        const subject = String(opts.subject);
        const site = await siteByCode(database, String(opts.site ?? subject.split("-")[0]));
        const patient = await findPatientBySubjectCode(database.db, site.id, subject);
        if (!patient) throw new DomainError("validation", `No patient ${subject} at site ${site.code}.`);
        const ctx = {
          db: database.db,
          actor: systemActor([{ siteId: site.id, role: "monitor" as const }]),
          now: () => new Date(),
        };
        const k = await patientKinetics(ctx, patient.id, {
          strategy: opts.strategy,
          draws: opts.draws,
          seed: opts.seed,
        });
        if (opts.json) return cli.out(JSON.stringify(k, null, 2));
        cli.out(`${k.subjectCode}: ${LABEL}`);
        cli.out(`Infusion ${k.infusionDate}; ${k.dosing.source}`);
        cli.out(
          `Fit: ${k.fit.converged ? "converged" : "NOT converged"} (${k.fit.reason}; ${k.fit.starts} starts, ${k.fit.evaluations} simulations, ${k.fit.milliseconds.toFixed(0)} ms${k.fit.cached ? ", cached" : ""})`,
        );
        cli.out("");
        for (const l of columns(
          ["parameter", "unit", "estimate", "90% interval", "prior median", "posterior/prior variance"],
          k.fit.parameters.map((p) => [
            p.name,
            p.unit,
            num(p.estimate),
            `${num(p.lower)}–${num(p.upper)}`,
            num(p.prior.median),
            p.shrinkage.toFixed(2),
          ]),
        ))
          cli.out(l);
        if (k.fit.unidentified.length)
          cli.out(
            `Left at their population prior (the data do not inform them): ${k.fit.unidentified.join(", ")}`,
          );
        cli.out("");
        for (const l of columns(
          ["observable", "n", "below LLOQ", "weighted SSR", "RMS z"],
          k.fit.goodness.observables.map((o) => [
            o.observable,
            String(o.n),
            String(o.censored),
            o.weightedSsr.toFixed(1),
            o.rmsZ.toFixed(2),
          ]),
        ))
          cli.out(l);
        cli.out("");
        for (const l of outcomeTable(k.strategies)) cli.out(l);
      }),
    );

  kinetics
    .command("simulate")
    .description("simulate one patient with the population parameters (or overrides) under a strategy")
    .option(
      "--strategy <name>",
      "as-given, cd19-only, bcma-only, compound, co-infusion, half-dose, double-dose",
      "as-given",
    )
    .option("--product <name>", "cd19, bcma or compound", "compound")
    .option("--dose <cellsPerKg>", "CAR+ cells per kg", "3e6")
    .option("--weight <kg>", "body weight", "60")
    .option("--horizon <days>", "days to simulate", "365")
    .option("--parameters <json>", 'overrides, e.g. {"bCells0":80,"tumour0":1000}')
    .option("--json", "print the API's JSON")
    .action((opts: Record<string, string | boolean | undefined>) =>
      (async () => {
        const { simulateKinetics } = await import("../services/kinetics.ts");
        const parameters = parametersOption(opts.parameters);
        const r = simulateKinetics({
          parameters,
          strategy: opts.strategy,
          horizonDays: number("horizon", opts.horizon as string),
          dosing: {
            weightKg: number("weight", opts.weight as string),
            infusions: [{ product: opts.product, cellsPerKg: number("dose", opts.dose as string), day: 0 }],
          },
        });
        if (opts.json) return cli.out(JSON.stringify(r, null, 2));
        const o = r.outcomes;
        cli.out(LABEL);
        cli.out(
          `Strategy ${r.strategy}: ${r.dosing.infusions.map((i) => `${i.product.name} ${i.cellsPerKg.toExponential(2)}/kg day ${i.day}`).join(" + ")}, ${r.dosing.weightKg} kg`,
        );
        for (const l of columns(
          ["outcome", "value"],
          [
            ["CAR-T peak, cells/µL", num(o.carT.peakCellsPerUL)],
            ["CAR-T peak day", num(o.carT.peakDay)],
            ["B-cell aplasia from day", num(o.bCellAplasia.startDay)],
            [
              "B cells back, day",
              o.bCellAplasia.ongoingAtHorizon ? "not by the horizon" : num(o.bCellAplasia.endDay),
            ],
            ["IgG nadir, g/L (day)", `${num(o.igG.nadirGPerL)} (${num(o.igG.nadirDay)})`],
            ["anti-dsDNA negative, day", num(o.antiDsDna.negativeDay)],
            ["tumour cleared", o.tumour ? String(o.tumour.cleared) : "no tumour"],
          ],
        ))
          cli.out(l);
        cli.out("");
        cli.out("day   CAR-T/µL   B/µL   IgG g/L   anti-dsDNA");
        for (const d of [0, 7, 14, 28, 56, 90, 180, 365].filter((x) => x < r.days.length))
          cli.out(
            [
              d,
              r.curves.carTCellsPerUL![d],
              r.curves.bCellsPerUL![d],
              r.curves.igGgPerL![d],
              r.curves.antiDsDnaIuPerML![d],
            ]
              .map((v, i) => (i === 0 ? String(v).padEnd(5) : num(v).padStart(10)))
              .join(" "),
          );
      })(),
    );

  kinetics
    .command("cohort")
    .description("a virtual cohort drawn from the population priors: outcome distributions per strategy")
    .requiredOption("--n <count>", "virtual patients (≤ 10,000)")
    .option("--seed <n>", "seed", "1")
    .option("--strategies <list>", "comma-separated strategies", "compound,cd19-only,bcma-only")
    .option("--product <name>", "the given product: cd19, bcma or compound", "compound")
    .option("--dose <cellsPerKg>", "CAR+ cells per kg", "3e6")
    .option("--weight <kg>", "body weight", "60")
    .option("--horizon <days>", "days to simulate", "365")
    .option("--parameters <json>", "base parameter overrides as JSON")
    .option("--json", "print the API's JSON")
    .action((opts: Record<string, string | boolean | undefined>) =>
      (async () => {
        const { virtualCohortKinetics } = await import("../services/kinetics.ts");
        const parameters = parametersOption(opts.parameters);
        const bar = cli.io.stdout.isTTY
          ? new SingleBar({
              stream: cli.io.stderr as NodeJS.WritableStream,
              format: "patients [{bar}] {percentage}% {value}/{total} {eta_formatted} left",
              hideCursor: true,
              // stderr redirected while stdout is a terminal: plain lines, one a second
              noTTYOutput: !cli.io.stderr.isTTY,
              notTTYSchedule: 1000,
            })
          : null;
        let started = false;
        try {
          const r = await virtualCohortKinetics(
            {
              n: number("n", opts.n as string),
              seed: number("seed", opts.seed as string),
              strategies: list(opts.strategies as string),
              parameters,
              horizonDays: number("horizon", opts.horizon as string),
              dosing: {
                weightKg: number("weight", opts.weight as string),
                infusions: [
                  { product: opts.product, cellsPerKg: number("dose", opts.dose as string), day: 0 },
                ],
              },
            },
            (done, total) => {
              if (!bar) return;
              if (!started) {
                bar.start(total, 0);
                started = true;
              }
              bar.update(done);
            },
          );
          bar?.stop();
          if (opts.json) return cli.out(JSON.stringify(r, null, 2));
          cli.out(LABEL);
          cli.out(
            `${r.n} virtual patients from the population priors (seed ${r.seed}), ${r.horizonDays} days, ${(r.milliseconds / 1000).toFixed(1)} s`,
          );
          for (const l of outcomeTable(r.strategies)) cli.out(l);
          const failed = r.strategies.filter((s) => s.failed > 0);
          for (const s of failed)
            cli.out(`${s.label}: ${s.failed} patient(s) could not be integrated and are left out`);
        } finally {
          bar?.stop();
        }
      })(),
    );
}
