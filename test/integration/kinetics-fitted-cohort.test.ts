/**
 * Virtual cohorts from fitted patients over HTTP on the demo program (issue 14, decision 0045):
 * listed patients and a saved cohort are fitted from their own records, a population is estimated
 * from the fits, and virtual patients are drawn from it; too few fittable patients are refused with
 * each patient's reason; patients the user may not read do not exist for her. Fits use one start
 * (fitStarts: 1) to keep the test short; the page's three starts are the default.
 */
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.ts";
import { buildApp } from "../../src/http/app.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { systemActor } from "../../src/services/context.ts";
import type { FittedCohortReport } from "../../src/services/kinetics.ts";
import { saveCohort } from "../../src/services/saved-cohorts.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { demoDatabase } from "../support/demo-database.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
const ids = new Map<string, string>();

beforeAll(async () => {
  ({ database } = await demoDatabase(now));
  app = await buildApp({ database, now });
  const system = { db: database.db, actor: systemActor(), now };
  for (const u of ["investigator", "coordinator-wh"])
    tokens[u] = await createApiToken(system, u, "fitted cohort test", {
      expiresAt: new Date("2100-01-01T00:00:00Z"),
    });
  for (const p of await database.db.selectFrom("patients").select(["id", "subject_code"]).execute())
    ids.set(p.subject_code, p.id);
}, 300_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const post = (payload: unknown, user = "investigator") =>
  app.inject({
    method: "POST",
    url: "/api/v1/kinetics/virtual-cohort/fitted",
    payload: payload as object,
    headers: { authorization: `Bearer ${tokens[user]}` },
  });

/** Demo patients whose CAR-T, B-cell and IgG records fit in about a second each, and one that cannot be fitted. */
const FITTABLE = ["SZ-0003", "SZ-0004", "SZ-0006", "SZ-0008", "SZ-0010", "SZ-0014"];
const UNFITTABLE = "SZ-0020"; // one quantified CAR-T level after infusion

describe("POST /api/v1/kinetics/virtual-cohort/fitted", () => {
  it("fits listed patients, estimates their population and draws virtual patients from it", async () => {
    const res = await post({
      from: { patientIds: [...FITTABLE, UNFITTABLE].map((s) => ids.get(s)!) },
      fitStarts: 1,
      method: "standard-two-stage",
      n: 200,
      seed: 3,
      strategies: ["compound", "bcma-only"],
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as FittedCohortReport;
    expect(r.label).toBe("Research model — not a treatment recommendation");
    expect(r.population.source).toEqual({ kind: "patients" });
    expect(r.population.method).toBe("standard-two-stage");
    expect(r.population.fittedPatients).toBe(6);
    const refused = r.population.patients.filter((p) => p.status === "refused");
    expect(refused.map((p) => p.subjectCode)).toEqual([UNFITTABLE]);
    expect(refused[0]!.reason).toMatch(/at least 3 are needed/);
    // Every fit estimates expansion, its end, contraction and B-cell killing; those are the population's.
    expect(r.population.parameters.map((p) => p.name)).toEqual(["rho", "tmax", "kE", "kKill"]);
    expect(r.population.fromPrior).toEqual(expect.arrayContaining(["kEM", "beta", "kG", "phiG"]));
    expect(r.population.converged).toBe(true);
    expect(r.population.iterations).toBe(0);
    for (const p of r.population.parameters) {
      expect(p.medianLower).toBeLessThan(p.median);
      expect(p.medianUpper).toBeGreaterThan(p.median);
      expect(p.patientsLower).toBeLessThanOrEqual(p.medianLower);
    }
    expect(r.population.correlation[0]![0]).toBeCloseTo(1, 12);
    // Standard two-stage: the population median of ρ is the geometric mean of the patients' own
    // MAP ρ. Their pages fit with three starts, which may find a better optimum than the one start
    // used here (measured: 10% apart on these six), so within 25%, not exactly.
    const rhos: number[] = [];
    for (const s of FITTABLE) {
      const page = await app.inject({
        method: "GET",
        url: `/api/v1/patients/${ids.get(s)}/kinetics`,
        headers: { authorization: `Bearer ${tokens.investigator}` },
      });
      expect(page.statusCode).toBe(200);
      rhos.push(
        (page.json() as { fit: { parameters: { name: string; estimate: number }[] } }).fit.parameters.find(
          (p) => p.name === "rho",
        )!.estimate,
      );
    }
    const geometricMean = Math.exp(rhos.reduce((a, x) => a + Math.log(x), 0) / rhos.length);
    expect(r.population.parameters[0]!.median / geometricMean).toBeGreaterThan(0.8);
    expect(r.population.parameters[0]!.median / geometricMean).toBeLessThan(1.25);
    // Outcomes per strategy, as in the prior cohort: BCMA-only never clears CD19+ B cells for long.
    expect(r.strategies.map((s) => s.strategy)).toEqual(["compound", "bcma-only"]);
    const compound = r.strategies[0]!.summary;
    const bcma = r.strategies[1]!.summary;
    expect(compound.carTPeakCellsPerUL.median).toBeGreaterThan(0);
    expect(compound.bCellAplasiaDays.median ?? 0).toBeGreaterThan(bcma.bCellAplasiaDays.median ?? 0);
    // Seeded: the same answer twice (fits from the cache the second time).
    const again = await post({
      from: { patientIds: [...FITTABLE, UNFITTABLE].map((s) => ids.get(s)!) },
      fitStarts: 1,
      method: "standard-two-stage",
      n: 200,
      seed: 3,
      strategies: ["compound", "bcma-only"],
    });
    expect((again.json() as FittedCohortReport).strategies).toEqual(r.strategies);
  }, 600_000);

  it("global two-stage on the same six reports whether its EM converged, with the fits' shared parameters", async () => {
    const res = await post({
      from: { patientIds: FITTABLE.map((s) => ids.get(s)!) },
      fitStarts: 1,
      n: 50,
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as FittedCohortReport;
    expect(r.population.method).toBe("global-two-stage");
    expect(r.population.parameters.map((p) => p.name)).toEqual(["rho", "tmax", "kE", "kKill"]);
    expect(r.population.iterations).toBeGreaterThan(0);
    expect(typeof r.population.converged).toBe("boolean");
  }, 600_000);

  it("refuses a saved cohort with too few fittable patients (422), naming each patient's reason", async () => {
    const saved = await saveCohort(
      { db: database.db, actor: systemActor([{ siteId: (await siteId("WH"))!, role: "monitor" }]), now },
      { name: "Wuhan, fitted cohort test", query: "site=WH" },
    );
    const res = await post({ from: { savedCohortId: saved.id }, fitStarts: 1, n: 100 });
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json() as { detail: string; patients?: unknown };
    expect(body.detail, body.detail).toMatch(
      /A population cannot be estimated from 3 fitted patient\(s\): at least 7 are needed for the 6 parameter\(s\) they share/,
    );
    expect(body.detail).toMatch(/1 of the 4 patients could not be fitted/);
  }, 600_000);

  it("an unknown saved cohort is 404; another site's patient does not exist for you; bad input is 400", async () => {
    const unknown = await post({ from: { savedCohortId: "01890000-0000-7000-8000-000000000000" }, n: 10 });
    expect(unknown.statusCode).toBe(404);
    const other = await post({ from: { patientIds: [ids.get("SZ-0003")!] }, n: 10 }, "coordinator-wh");
    expect(other.statusCode).toBe(404);
    const bad = await post({ from: { patientIds: [] }, n: 10 });
    expect(bad.statusCode).toBe(400);
    const method = await post({ from: { patientIds: [ids.get("SZ-0003")!] }, n: 10, method: "naive-pooled" });
    expect(method.statusCode).toBe(400);
    expect(method.body).toMatch(/method/);
  });
});

interface Page {
  infusionDate: string;
  dataCut: string | null;
  data: { date: string; observable: string }[];
  fit: { parameters: { name: string; estimate: number }[] };
}

describe("a data cut (reproducing a report)", () => {
  const page = (subject: string, query = "") =>
    app.inject({
      method: "GET",
      url: `/api/v1/patients/${ids.get(subject)}/kinetics?draws=10${query}`,
      headers: { authorization: `Bearer ${tokens.investigator}` },
    });

  it("fits only the measurements on or before the cut, reports it, and refuses a cut before the infusion", async () => {
    const full = await page("SZ-0003");
    expect(full.statusCode, full.body).toBe(200);
    const all = full.json() as Page;
    expect(all.dataCut).toBeNull();
    // Cut before the last third of her sampling dates: later samples must drop out of the fit.
    const dates = [...new Set(all.data.map((d) => d.date))].sort();
    const cut = dates[Math.floor((2 * dates.length) / 3)]!;
    expect(dates.at(-1)! > cut).toBe(true);
    const res = await page("SZ-0003", `&dataCut=${cut}`);
    expect(res.statusCode, res.body).toBe(200);
    const early = res.json() as Page;
    expect(early.dataCut).toBe(cut);
    expect(early.data.length).toBe(all.data.filter((d) => d.date <= cut).length);
    expect(early.data.every((d) => d.date <= cut)).toBe(true);
    expect(early.data.some((d) => d.date === cut)).toBe(true); // on the cut day: kept
    const estimates = (p: Page) => p.fit.parameters.map((x) => x.estimate);
    expect(estimates(early)).not.toEqual(estimates(all));
    // The same cut again: the same fit (from the cache, keyed on exactly these measurements).
    expect(estimates((await page("SZ-0003", `&dataCut=${cut}`)).json() as Page)).toEqual(estimates(early));

    const before = await page("SZ-0003", `&dataCut=${dayBefore(all.infusionDate)}`);
    expect(before.statusCode).toBe(422);
    expect(before.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(before.json().detail).toMatch(
      new RegExp(`data cut ${dayBefore(all.infusionDate)} is before the infusion on ${all.infusionDate}`),
    );
    const malformed = await page("SZ-0003", "&dataCut=2026-13-40");
    expect(malformed.statusCode).toBe(400);
  }, 600_000);

  it("the fitted cohort fits each patient up to the cut and says so; a patient infused after it is left out", async () => {
    const infusions: { subject_code: string; infusion_date: string }[] = [];
    for (const subject of FITTABLE)
      infusions.push({
        subject_code: subject,
        infusion_date: ((await page0(subject)).json() as Page).infusionDate,
      });
    const latest = infusions
      .map((i) => i.infusion_date)
      .sort()
      .at(-1)!;
    const res = await post({
      from: { patientIds: FITTABLE.map((s) => ids.get(s)!) },
      fitStarts: 1,
      method: "standard-two-stage",
      n: 20,
      dataCut: dayBefore(latest),
    });
    const r = res.json() as FittedCohortReport;
    const lastInfused = infusions
      .filter((i) => String(i.infusion_date) === latest)
      .map((i) => i.subject_code);
    if (res.statusCode === 200) expect(r.population.dataCut).toBe(dayBefore(latest));
    else expect(res.statusCode).toBe(422); // too few left to estimate a population: also an answer
    const patients =
      res.statusCode === 200
        ? r.population.patients
        : (res.json() as { patients: FittedCohortReport["population"]["patients"] }).patients;
    for (const p of patients.filter((p) => lastInfused.includes(p.subjectCode))) {
      expect(p.status).toBe("refused");
      expect(p.reason).toMatch(/is before the infusion/);
    }
  }, 600_000);
});

describe("v2v kinetics cohort --fitted and fit --data-cut", () => {
  const v2v = (...args: string[]) => runV2v(database, args);

  it("draws virtual patients from the fitted population of listed subjects and prints who was fitted", async () => {
    const r = await v2v(
      "kinetics",
      "cohort",
      "--fitted",
      "--subjects",
      [...FITTABLE, UNFITTABLE].join(","),
      "--fit-starts",
      "1",
      "--method",
      "standard-two-stage",
      "--n",
      "100",
      "--strategies",
      "compound,bcma-only",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Research model — not a treatment recommendation\./);
    expect(r.stdout).toMatch(
      /100 virtual patients from the population of 6 fitted patient\(s\) \(selected patients; standard-two-stage; seed 1\)/,
    );
    expect(r.stdout).toMatch(new RegExp(`^${UNFITTABLE} +left out: .*at least 3 are needed`, "m"));
    expect(r.stdout).toMatch(/^rho +1\/d /m);
    expect(r.stdout).toMatch(/B-cell aplasia, days/);
    expect(r.stderr).toBe(""); // stdout is no terminal: no progress bar
    // --json is the API's answer
    const json = await v2v(
      "kinetics",
      "cohort",
      "--fitted",
      "--subjects",
      FITTABLE.join(","),
      "--fit-starts",
      "1",
      "--method",
      "standard-two-stage",
      "--n",
      "20",
      "--json",
    );
    expect(json.status, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as FittedCohortReport;
    expect(parsed.population.fittedPatients).toBe(6);
    expect(parsed.n).toBe(20);
  }, 600_000);

  it("shows the fits' and the simulations' progress on stderr when stdout is a terminal", async () => {
    let stdout = "";
    let stderr = "";
    const status = await runCli(
      ["kinetics", "cohort", "--fitted", "--subjects", FITTABLE.join(","), "--fit-starts", "1"].concat([
        "--method",
        "standard-two-stage",
        "--n",
        "30",
        "--strategies",
        "compound",
      ]),
      {
        env: { LOG_LEVEL: "warn" },
        stdin: Readable.from([]),
        stdout: { write: (t: string) => (stdout += t), isTTY: true },
        // stderr redirected: the bar's plain-line form, so the test can read it
        stderr: { write: (t: string) => (stderr += t), isTTY: false },
        database,
      },
    );
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/^fits +\[.*\] 100% 6\/6 /m);
    expect(stderr).toMatch(/^patients \[.*\] 100% 30\/30 /m);
    expect(stderr.indexOf("fits")).toBeLessThan(stderr.indexOf("patients"));
    expect(stdout).toMatch(/30 virtual patients from the population of 6 fitted patient\(s\)/);
  }, 600_000);

  it("selects patients with the cohort options, as v2v cohort outcomes does", async () => {
    const r = await v2v(
      "kinetics",
      "cohort",
      "--fitted",
      "--site",
      "WH",
      "--fit-starts",
      "1",
      "--method",
      "standard-two-stage",
      "--n",
      "20",
    );
    // Wuhan's four patients are too few for a population: the service's 422 as a message, exit 1
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/A population cannot be estimated from 3 fitted patient\(s\)/);
  }, 600_000);

  it("refuses bad input with a message and a non-zero exit, before fitting anyone", async () => {
    const cases: [string[], RegExp][] = [
      [["--study", "x"], /--study select fitted patients: add --fitted/],
      [["--fitted", "--subjects", "SZ-9999"], /No patient SZ-9999 at site SZ/],
      [["--fitted", "--saved", "no such cohort"], /No saved cohort called "no such cohort"/],
      [["--fitted", "--subjects", "SZ-0003", "--site", "SZ"], /Give --subjects or a cohort/],
      [["--fitted", "--subjects", "SZ-0003", "--method", "naive-pooled"], /method/],
      [["--fitted", "--subjects", "SZ-0003", "--fit-starts", "many"], /--fit-starts must be a number/],
      [["--fitted", "--subjects", "SZ-0003", "--data-cut", "yesterday"], /dataCut/],
      [["--fitted", "--site", "XX"], /holds no infused patient/],
    ];
    for (const [args, message] of cases) {
      const r = await v2v("kinetics", "cohort", "--n", "10", ...args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  }, 600_000);

  it("fit --data-cut reports the cut; a cut before the infusion is refused", async () => {
    const full = (await page0("SZ-0003")).json() as Page;
    const dates = [...new Set(full.data.map((d) => d.date))].sort();
    const cut = dates[Math.floor((2 * dates.length) / 3)]!;
    const r = await v2v(
      "kinetics",
      "fit",
      "--subject",
      "SZ-0003",
      "--draws",
      "10",
      "--data-cut",
      cut,
      "--json",
    );
    expect(r.status, r.stderr).toBe(0);
    const k = JSON.parse(r.stdout) as Page;
    expect(k.dataCut).toBe(cut);
    expect(k.data.every((d) => d.date <= cut)).toBe(true);
    const text = await v2v("kinetics", "fit", "--subject", "SZ-0003", "--draws", "10", "--data-cut", cut);
    expect(text.stdout).toMatch(new RegExp(`data cut ${cut}: measurements after it left out`));
    const before = await v2v(
      "kinetics",
      "fit",
      "--subject",
      "SZ-0003",
      "--data-cut",
      dayBefore(full.infusionDate),
    );
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(/is before the infusion on/);
  }, 600_000);
});

const page0 = (subject: string) =>
  app.inject({
    method: "GET",
    url: `/api/v1/patients/${ids.get(subject)}/kinetics?draws=10`,
    headers: { authorization: `Bearer ${tokens.investigator}` },
  });

function dayBefore(date: string) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

async function siteId(code: string) {
  return (await database.db.selectFrom("sites").select("id").where("code", "=", code).executeTakeFirst())?.id;
}
