/**
 * `v2v kinetics fit|simulate|cohort`: the kinetics research model (issue 14) from the command line,
 * through the same services as GET /api/v1/patients/{id}/kinetics, POST /api/v1/kinetics/simulate
 * and /virtual-cohort. Reads run as a read-only monitor at the patient's site (subject codes only).
 * A fit (its starts, then the what-ifs) and a cohort show a progress bar on stderr when stdout is
 * a terminal, so piped output stays clean.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../domain/errors.ts";
import type { OutcomeSummary, Summary } from "../domain/kinetics/whatif.ts";
import { FITTED_COHORT_MAX } from "../domain/schemas/kinetics.ts";
import { systemActor } from "../services/context.ts";
import type { VirtualCohortReport } from "../services/kinetics.ts";
import { findPatientBySubjectCode } from "../store/patients.ts";
import type { Cli } from "./cli-context.ts";
import { COHORT_OPTIONS } from "./cohort-command.ts";
import { columns } from "./columns.ts";
import { allSiteIds, siteByCode } from "./sites.ts";

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
    .option(
      "--data-cut <date>",
      "fit only measurements on or before this date (the site's zone), to reproduce a report",
    )
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
        const bar = progressBar(cli);
        let k: Awaited<ReturnType<typeof patientKinetics>>;
        try {
          k = await patientKinetics(
            ctx,
            patient.id,
            {
              strategy: opts.strategy,
              draws: opts.draws,
              seed: opts.seed,
              ...(opts.dataCut !== undefined ? { dataCut: opts.dataCut } : {}),
            },
            (phase, done, total) => bar.update(phase === "fit" ? "fit starts" : "what-ifs  ", done, total),
          );
        } finally {
          bar.stop();
        }
        if (opts.json) return cli.out(JSON.stringify(k, null, 2));
        cli.out(`${k.subjectCode}: ${LABEL}`);
        cli.out(
          `Infusion ${k.infusionDate}; ${k.dosing.source}${k.dataCut ? `; data cut ${k.dataCut}: measurements after it left out` : ""}`,
        );
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

  const cohort = kinetics
    .command("cohort")
    .description(
      "a virtual cohort from the population priors, or with --fitted from the fitted patients of a cohort: outcome distributions per strategy",
    )
    .requiredOption("--n <count>", "virtual patients (≤ 10,000)")
    .option("--seed <n>", "seed", "1")
    .option("--strategies <list>", "comma-separated strategies", "compound,cd19-only,bcma-only")
    .option("--strategy <list>", "the same as --strategies")
    .option("--product <name>", "the given product: cd19, bcma or compound", "compound")
    .option("--dose <cellsPerKg>", "CAR+ cells per kg", "3e6")
    .option("--weight <kg>", "body weight", "60")
    .option("--horizon <days>", "days to simulate", "365")
    .option("--parameters <json>", "base parameter overrides as JSON")
    .option(
      "--fitted",
      "draw from a population estimated from fitted patients (decision 0045): the patients the cohort options, --saved or --subjects select",
    )
    .option("--saved <name>", "with --fitted: a saved cohort (options given as well narrow it)")
    .option("--subjects <codes>", "with --fitted: subject codes, comma-separated, e.g. SZ-0003,SZ-0004")
    .option("--method <name>", "with --fitted: standard-two-stage or global-two-stage")
    .option("--fit-starts <n>", "with --fitted: starts of each patient's fit (1–3)")
    .option(
      "--data-cut <date>",
      "with --fitted: fit only observations on or before this date (the site's zone), to reproduce a report",
    )
    .option("--json", "print the API's JSON");
  for (const [flag, , help] of COHORT_OPTIONS) cohort.option(flag, `with --fitted: ${help}`);
  cohort.action(async (opts: Record<string, string | boolean | undefined>) => {
    const selecting = [
      "saved",
      "subjects",
      "method",
      "fitStarts",
      "dataCut",
      ...COHORT_OPTIONS.map(([, key]) => key),
    ].filter((k) => opts[k] !== undefined);
    if (!opts.fitted && selecting.length)
      throw new DomainError(
        "validation",
        `${selecting.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} select fitted patients: add --fitted.`,
      );
    if (opts.strategy !== undefined) opts.strategies = opts.strategy;
    return opts.fitted ? fittedCohort(cli, opts) : priorCohort(cli, opts);
  });
}

/** Progress on stderr when stdout is a terminal, so piped output stays clean. */
function progressBar(cli: Cli) {
  const bar = cli.io.stdout.isTTY
    ? new SingleBar({
        stream: cli.io.stderr as NodeJS.WritableStream,
        format: "{phase} [{bar}] {percentage}% {value}/{total} {eta_formatted} left",
        hideCursor: true,
        // stderr redirected while stdout is a terminal: plain lines, one a second
        noTTYOutput: !cli.io.stderr.isTTY,
        notTTYSchedule: 1000,
      })
    : null;
  let phase: string | null = null;
  return {
    update(name: string, done: number, total: number) {
      if (!bar) return;
      if (phase !== name) {
        if (phase !== null) bar.stop();
        bar.start(total, 0, { phase: name });
        phase = name;
      }
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

/** The cohort options shared by both kinds, as the API's body. */
function cohortBody(opts: Record<string, string | boolean | undefined>) {
  return {
    n: number("n", opts.n as string),
    seed: number("seed", opts.seed as string),
    strategies: list(opts.strategies as string),
    parameters: parametersOption(opts.parameters),
    horizonDays: number("horizon", opts.horizon as string),
    dosing: {
      weightKg: number("weight", opts.weight as string),
      infusions: [{ product: opts.product, cellsPerKg: number("dose", opts.dose as string), day: 0 }],
    },
  };
}

async function priorCohort(cli: Cli, opts: Record<string, string | boolean | undefined>) {
  const { virtualCohortKinetics } = await import("../services/kinetics.ts");
  const body = cohortBody(opts);
  const bar = progressBar(cli);
  try {
    const r = await virtualCohortKinetics(body, (done, total) => bar.update("patients", done, total));
    bar.stop();
    if (opts.json) return cli.out(JSON.stringify(r, null, 2));
    cli.out(LABEL);
    cli.out(
      `${r.n} virtual patients from the population priors (seed ${r.seed}), ${r.horizonDays} days, ${(r.milliseconds / 1000).toFixed(1)} s`,
    );
    cohortTables(cli, r);
  } finally {
    bar.stop();
  }
}

function cohortTables(cli: Cli, r: VirtualCohortReport) {
  for (const l of outcomeTable(r.strategies)) cli.out(l);
  for (const s of r.strategies.filter((s) => s.failed > 0))
    cli.out(`${s.label}: ${s.failed} patient(s) could not be integrated and are left out`);
}

/**
 * `--fitted`: POST /api/v1/kinetics/virtual-cohort/fitted as a read-only monitor at every site.
 * A saved cohort alone goes to the service as itself; cohort options (with or without one) select
 * patients as `v2v cohort outcomes` does, and those go as patient ids, as --subjects do.
 */
function fittedCohort(cli: Cli, opts: Record<string, string | boolean | undefined>) {
  return cli.withDatabase(async (database) => {
    const { fittedCohortKinetics } = await import("../services/kinetics.ts");
    const body: Record<string, unknown> = cohortBody(opts);
    if (opts.method !== undefined) body.method = opts.method;
    if (opts.fitStarts !== undefined) body.fitStarts = number("fit-starts", opts.fitStarts as string);
    if (opts.dataCut !== undefined) body.dataCut = opts.dataCut;
    const siteIds = await allSiteIds(database);
    const ctx = {
      db: database.db,
      actor: systemActor(siteIds.map((siteId) => ({ siteId, role: "monitor" as const }))),
      now: () => new Date(),
    };
    const filters = Object.fromEntries(
      COHORT_OPTIONS.map(([, key]) => [key, opts[key]]).filter(([, v]) => v !== undefined),
    );
    let saved: { id: string; query: string } | undefined;
    if (typeof opts.saved === "string") {
      const { listCohorts } = await import("../services/saved-cohorts.ts");
      const name = opts.saved.toLowerCase();
      saved = (await listCohorts(ctx)).items.find((c) => c.name.toLowerCase() === name);
      if (!saved) throw new DomainError("validation", `No saved cohort called "${opts.saved}".`);
    }
    if (typeof opts.subjects === "string") {
      if (saved || Object.keys(filters).length)
        throw new DomainError(
          "validation",
          "Give --subjects or a cohort (--saved, cohort options), not both.",
        );
      const ids: string[] = [];
      for (const subject of list(opts.subjects)!.filter(Boolean)) {
        const site = await siteByCode(database, subject.split("-")[0]!);
        const patient = await findPatientBySubjectCode(database.db, site.id, subject);
        if (!patient) throw new DomainError("validation", `No patient ${subject} at site ${site.code}.`);
        ids.push(patient.id);
      }
      body.from = { patientIds: ids };
    } else if (saved && !Object.keys(filters).length) body.from = { savedCohortId: saved.id };
    else {
      const { cohortOutcomes } = await import("../services/cohort-outcomes.ts");
      const query = { ...(saved ? Object.fromEntries(new URLSearchParams(saved.query)) : {}), ...filters };
      const selected = await cohortOutcomes(ctx, query);
      if (selected.patients.length === 0)
        throw new DomainError("validation", `The cohort (${selected.description}) holds no infused patient.`);
      if (selected.patients.length > FITTED_COHORT_MAX)
        throw new DomainError(
          "validation",
          `The cohort (${selected.description}) holds ${selected.patients.length} infused patients; a fitted virtual cohort reads at most ${FITTED_COHORT_MAX}: narrow it.`,
        );
      body.from = { patientIds: selected.patients.map((p) => p.patientId) };
    }
    const bar = progressBar(cli);
    try {
      const r = await fittedCohortKinetics(ctx, body, (phase, done, total) =>
        bar.update(phase === "fit" ? "fits    " : "patients", done, total),
      );
      bar.stop();
      if (opts.json) return cli.out(JSON.stringify(r, null, 2));
      const p = r.population;
      cli.out(LABEL);
      cli.out(
        `${r.n} virtual patients from the population of ${p.fittedPatients} fitted patient(s) (${p.source.kind === "saved-cohort" ? `saved cohort "${p.source.name}"` : "selected patients"}; ${p.method}${p.dataCut ? `; data cut ${p.dataCut}` : ""}; seed ${r.seed}), ${r.horizonDays} days, ${(r.milliseconds / 1000).toFixed(1)} s`,
      );
      cli.out("");
      for (const l of columns(
        ["patient", "fit"],
        p.patients.map((x) => [x.subjectCode, x.status === "fitted" ? "fitted" : `left out: ${x.reason}`]),
      ))
        cli.out(l);
      cli.out("");
      for (const l of columns(
        ["parameter", "unit", "population median (90%)", "patients 5th–95th", "prior median"],
        p.parameters.map((x) => [
          x.name,
          x.unit,
          `${num(x.median)} (${num(x.medianLower)}–${num(x.medianUpper)})`,
          `${num(x.patientsLower)}–${num(x.patientsUpper)}`,
          num(x.prior.median),
        ]),
      ))
        cli.out(l);
      if (p.fromPrior.length) cli.out(`From their published priors: ${p.fromPrior.join(", ")}`);
      cli.out("");
      cohortTables(cli, r);
    } finally {
      bar.stop();
    }
  });
}
