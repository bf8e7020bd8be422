/**
 * The kinetics research model over HTTP on the demo program (issue 14): the reference case SZ-0001
 * fitted from her own recorded CAR-T copies, CD19+ B cells, IgG and anti-dsDNA; what-if strategies
 * that differ as the biology says; refusals; site scoping; simulate and virtual-cohort inputs.
 * Expected values are read off her written plan (src/demo/reference-case.ts): CAR-T copies peak
 * at 124,000/µg on day 10, B cells 0 from day 3 to day 56 and back (36/µL) at month 3, IgG
 * 1,390 mg/dL before, anti-dsDNA 286 IU/mL before, dose 3 × 10⁶/kg at 56.2 kg.
 */
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.ts";
import type { DemoSummary } from "../../src/demo/load.ts";
import { buildApp } from "../../src/http/app.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { systemActor } from "../../src/services/context.ts";
import { forgetFits, type PatientKinetics, virtualCohortKinetics } from "../../src/services/kinetics.ts";
import { runningKineticsTasks } from "../../src/services/kinetics-pool.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { demoDatabase } from "../support/demo-database.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let summary: DemoSummary;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  ({ database, summary } = await demoDatabase(now));
  app = await buildApp({ database, now });
  const system = { db: database.db, actor: systemActor(), now };
  for (const u of ["investigator", "coordinator-wh", "manufacturing", "monitor"])
    tokens[u] = await createApiToken(system, u, "kinetics test", {
      expiresAt: new Date("2100-01-01T00:00:00Z"),
    });
}, 300_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const get = (url: string, user = "investigator") =>
  app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[user]}` } });
const post = (url: string, payload: unknown, user = "investigator") =>
  app.inject({
    method: "POST",
    url,
    payload: payload as object,
    headers: { authorization: `Bearer ${tokens[user]}` },
  });

describe("GET /api/v1/patients/:id/kinetics for the reference case", () => {
  let k: PatientKinetics;
  let ms: number;
  let whileFitting: { health: number; fitStillRunning: boolean; kineticsAnswered: boolean } | null = null;
  beforeAll(async () => {
    // Her fit from nothing: another file in this worker (the browser test's server) may have fitted her.
    forgetFits();
    const t0 = performance.now();
    let kineticsAnswered = false;
    const pending = get(
      `/api/v1/patients/${summary.referencePatientId}/kinetics?strategy=cd19-only,bcma-only,compound,co-infusion,half-dose,double-dose`,
    ).then((r) => {
      kineticsAnswered = true;
      return r;
    });
    // Once her fit is running (on a worker), another request must be answered before it ends.
    while (!kineticsAnswered && !runningKineticsTasks().includes("fit"))
      await new Promise((r) => setTimeout(r, 2));
    if (!kineticsAnswered) {
      const health = await app.inject({ method: "GET", url: "/api/health" });
      whileFitting = {
        health: health.statusCode,
        fitStillRunning: runningKineticsTasks().includes("fit"),
        kineticsAnswered,
      };
    }
    const res = await pending;
    ms = performance.now() - t0;
    expect(res.statusCode, res.body).toBe(200);
    k = res.json() as PatientKinetics;
  }, 120_000);

  it("fits off the request thread: a health check is answered while her fit runs", () => {
    expect(whileFitting).toEqual({ health: 200, fitStillRunning: true, kineticsAnswered: false });
  });

  it("reads her own records: dose, weight, baselines and the measurements in the model's units", () => {
    expect(k.subjectCode).toBe("SZ-0001");
    expect(k.label).toBe("Research model — not a treatment recommendation");
    expect(k.dosing.weightKg).toBe(56.2);
    expect(k.dosing.infusions).toHaveLength(1);
    expect(k.dosing.infusions[0]).toMatchObject({
      cellsPerKg: 3e6,
      day: 0,
      product: { recognition: { cd19: 1, bcma: 1 } },
    });
    const baseline = Object.fromEntries(k.baselines.map((b) => [b.parameter, b.value]));
    expect(baseline).toEqual({ bCells0: 128, igG0: 13.9, antiDsDna0: 286 });
    const count = (o: string) => k.data.filter((d) => d.observable === o).length;
    // CAR-T days 1…274 (11 notes, the last below the limit); B cells day 0…month 12; IgG and
    // anti-dsDNA day 28…month 12
    expect(count("carTCellsPerUL")).toBe(11);
    expect(count("bCellsPerUL")).toBe(11);
    expect(count("igGgPerL")).toBe(6);
    expect(count("antiDsDnaIuPerML")).toBe(6);
    expect(k.data.find((d) => d.observable === "igGgPerL" && d.day === 28)!.value).toBeCloseTo(9.8, 10);
    const last = k.data.filter((d) => d.observable === "carTCellsPerUL").at(-1)!;
    expect(last).toMatchObject({ day: 274, censored: true, value: null });
  });

  it("converges, with her measured CAR-T peak day within ±7 days of the fitted curve's peak", () => {
    console.info(
      `SZ-0001 fit: ${k.fit.milliseconds.toFixed(0)} ms (best of ${k.fit.starts} starts, ${k.fit.evaluations} simulations); whole request with 7 strategies × 100 draws ${ms.toFixed(0)} ms`,
    );
    expect(k.fit.converged, k.fit.reason).toBe(true);
    const car = k.data.filter((d) => d.observable === "carTCellsPerUL" && d.value !== null);
    const measuredPeak = car.reduce((a, b) => (b.value! > a.value! ? b : a)).day;
    expect(measuredPeak).toBe(10);
    const asGiven = k.strategies.find((s) => s.strategy === "as-given")!;
    const curve = asGiven.curves.carTCellsPerUL!.central;
    const fittedPeak = curve.indexOf(Math.max(...curve));
    expect(Math.abs(fittedPeak - measuredPeak)).toBeLessThanOrEqual(7);
    expect(asGiven.outcomes.carT.peakDay).toBeGreaterThan(3);
    // every estimate inside its own interval, and the names the data inform
    for (const p of k.fit.parameters) {
      expect(p.lower).toBeLessThanOrEqual(p.estimate);
      expect(p.estimate).toBeLessThanOrEqual(p.upper);
    }
    expect(k.fit.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(["rho", "tmax", "kE", "kKill"]),
    );
    expect(k.fit.goodness.observables.map((o) => o.observable).sort()).toEqual([
      "antiDsDnaIuPerML",
      "bCellsPerUL",
      "carTCellsPerUL",
      "igGgPerL",
    ]);
  });

  it("follows her anti-dsDNA down: the titres of months 1–3 within 30 %, her clearance near IgG's half-life", () => {
    // 121, 38 and 12 IU/mL on days 28, 56 and 91 (src/demo/reference-case.ts), then readings of a
    // negative serum (8, 5, 4). On a log scale those last three set the clearance (t½ 46 d) and
    // the curve missed day 91 sixfold; their additive error lets the falling titres decide.
    const dsDna = k.fit.goodness.residuals.filter((r) => r.observable === "antiDsDnaIuPerML");
    for (const day of [28, 56, 91]) {
      const r = dsDna.find((x) => x.day === day)!;
      expect(Math.abs(r.predicted! / r.observed! - 1), `day ${day}`).toBeLessThan(0.3);
    }
    const kD = k.fit.parameters.find((p) => p.name === "kD")!.estimate;
    const halfLife = Math.log(2) / kD;
    expect(halfLife).toBeGreaterThan(14);
    expect(halfLife).toBeLessThan(30);
  });

  it("reads her lymphoma imaging: the PET-CT complete metabolic responses of day 30 and 182 as below 1 % of the burden, and the fit's tumour curve below it", () => {
    // src/demo/reference-case.ts: Lugano PET-CT on day 30 (Deauville 2) and day 182 (Deauville 1), both CMR
    const tumour = k.data.filter((d) => d.observable === "tumourRelative");
    expect(tumour.map((d) => [d.day, d.value, d.lloq, d.censored])).toEqual([
      [30, null, 0.01, true],
      [182, null, 0.01, true],
    ]);
    // below the limit only: they say the lymphoma was cleared, not how fast it grows, and are
    // shown, not fitted (decision 0028, addendum), saying so
    expect(k.fit.parameters.map((p) => p.name)).not.toContain("gT");
    expect(k.skipped.filter((x) => x.code === "tumourRelative").map((x) => x.reason)).toEqual([
      "below the imaging limit, with no measured burden: shown, not fitted",
      "below the imaging limit, with no measured burden: shown, not fitted",
    ]);
    const curve = k.strategies[0]!.curves.tumourRelative!.central;
    expect(curve[0]).toBeCloseTo(1, 6);
    for (const d of tumour) expect(curve[d.day]!).toBeLessThan(d.lloq);
  });

  it("what-ifs differ as the biology says", () => {
    const s = Object.fromEntries(k.strategies.map((x) => [x.strategy, x]));
    expect(Object.keys(s).sort()).toEqual(
      ["as-given", "bcma-only", "cd19-only", "co-infusion", "compound", "double-dose", "half-dose"].sort(),
    );
    // Her product is the compound CAR: the as-given and compound what-ifs are the same model.
    expect(s.compound!.outcomes).toEqual(s["as-given"]!.outcomes);
    // BCMA only: B cells (CD19+BCMA−) are spared and the CD19+ lymphoma is not cleared.
    expect(s["bcma-only"]!.outcomes.bCellAplasia.startDay).toBeNull();
    expect(s["bcma-only"]!.outcomes.tumour!.cleared).toBe(false);
    expect(s.compound!.outcomes.bCellAplasia.startDay).not.toBeNull();
    expect(s.compound!.outcomes.tumour!.cleared).toBe(true);
    // CD19 only spares the CD19− long-lived plasma cells: a shallower IgG nadir than compound.
    expect(s["cd19-only"]!.outcomes.igG.nadirGPerL).toBeGreaterThan(s.compound!.outcomes.igG.nadirGPerL);
    // dose: twice the dose expands more than half of it
    expect(s["double-dose"]!.outcomes.carT.peakCellsPerUL).toBeGreaterThan(
      s["half-dose"]!.outcomes.carT.peakCellsPerUL,
    );
    // bands bracket the central curve for most days
    const band = s["as-given"]!.curves.bCellsPerUL!;
    expect(band.lower.every((v, d) => v <= band.upper[d]!)).toBe(true);
  });

  it("answers a second read from the fit cache, and a monitor may read it", async () => {
    const res = await get(`/api/v1/patients/${summary.referencePatientId}/kinetics`, "monitor");
    expect(res.statusCode).toBe(200);
    const again = res.json() as PatientKinetics;
    expect(again.fit.cached).toBe(true);
    expect(again.strategies.map((x) => x.strategy)).toEqual(["as-given"]);
  });
});

describe("a lymphoma in partial response measured by CT (SZ-0014, synthetic)", () => {
  it("reads each Lugano CT SPD as (SPD/baseline)^{3/2}, estimates gT from them and follows them while the CAR-T cells act", async () => {
    const patient = await database.db
      .selectFrom("patients")
      .select("id")
      .where("subject_code", "=", "SZ-0014")
      .executeTakeFirstOrThrow();
    const scans = await database.db
      .selectFrom("assessments")
      .select(["result"])
      .where("patient_id", "=", patient.id)
      .where("calculator", "=", "lugano-ct")
      .orderBy("assessed_at")
      .execute();
    const expected = scans.map((a) => {
      const d = (a.result as { details: { spdMm2: number; baselineSpdMm2: number } }).details;
      return (d.spdMm2 / d.baselineSpdMm2) ** 1.5;
    });
    expect(expected.length).toBe(5);
    const res = await get(`/api/v1/patients/${patient.id}/kinetics`);
    expect(res.statusCode, res.body).toBe(200);
    const k = res.json() as PatientKinetics;
    const tumour = k.data.filter((d) => d.observable === "tumourRelative");
    expect(tumour.map((d) => d.day)).toEqual([28, 90, 180, 365, 730]);
    for (const [i, d] of tumour.entries()) expect(d.value!).toBeCloseTo(expected[i]!, 10);
    // her PET-CT partial metabolic responses give no number and say why
    expect(k.skipped.filter((x) => x.code === "lugano-pet").map((x) => x.reason)).toContain(
      "PMR is a Deauville reading, not a measured burden",
    );
    expect(k.fit.converged, k.fit.reason).toBe(true);
    const gT = k.fit.parameters.find((p) => p.name === "gT");
    expect(gT).toBeDefined();
    // the data pull gT well away from its prior median √(0.02·0.2) = 0.063/d
    expect(gT!.estimate).toBeLessThan(0.063 / 2);
    const row = k.fit.goodness.observables.find((o) => o.observable === "tumourRelative")!;
    expect(row.n).toBe(5);
    // within two sd of the log-normal error (sd 0.25) while the CAR-T cells act (days 28, 90); a
    // burden that then stays put for years is beyond a Gompertz tumour (README, limits)
    const curve = k.strategies[0]!.curves.tumourRelative!.central;
    for (const d of tumour.filter((x) => x.day <= 90))
      expect(Math.abs(Math.log(d.value! / curve[d.day]!)) / 0.25).toBeLessThan(2);
  }, 120_000);
});

describe("a new measurement refits her", () => {
  it("a recorded IgG after the last one is read on the next request, which fits again instead of reading the cache", async () => {
    const url = `/api/v1/patients/${summary.referencePatientId}/kinetics`;
    await get(url); // her fit, from the cache if the reads above made it
    const before = (await get(url)).json() as PatientKinetics;
    expect(before.fit.cached).toBe(true);
    const igG = before.data.filter((d) => d.observable === "igGgPerL");
    const lastDay = igG.at(-1)!.day;
    // 30 days after her last IgG, at noon on the site's clock (+08:00), 1,100 mg/dL = 11 g/L.
    const [y, m, d] = before.infusionDate.split("-").map(Number) as [number, number, number];
    const at = new Date(Date.UTC(y, m - 1, d + lastDay + 30, 4));
    const rec = await post("/api/v1/observations", {
      observations: [
        {
          patientId: summary.referencePatientId,
          code: "2465-3",
          valueNumber: 1100,
          unit: "mg/dL",
          effectiveAt: at.toISOString(),
        },
      ],
    });
    expect(rec.statusCode, rec.body).toBe(201);
    const after = (await get(url)).json() as PatientKinetics;
    expect(after.fit.cached).toBe(false);
    const igGAfter = after.data.filter((x) => x.observable === "igGgPerL");
    expect(igGAfter).toHaveLength(igG.length + 1);
    expect(igGAfter.at(-1)).toMatchObject({ day: lastDay + 30, value: 11 });
    // and the refit is cached in turn
    expect(((await get(url)).json() as PatientKinetics).fit.cached).toBe(true);
  }, 120_000);
});

describe("refusals and scoping", () => {
  it("another site's patient does not exist for you; a role without clinical:read is refused", async () => {
    expect(
      (await get(`/api/v1/patients/${summary.referencePatientId}/kinetics`, "coordinator-wh")).statusCode,
    ).toBe(404);
    expect(
      (await get(`/api/v1/patients/${summary.referencePatientId}/kinetics`, "manufacturing")).statusCode,
    ).toBe(403);
  });

  it("a patient with fewer than three CAR-T levels after infusion is refused with the reason (422)", async () => {
    const rows = await database.db
      .selectFrom("enrolments as e")
      .innerJoin("patients as p", "p.id", "e.patient_id")
      .select(["p.id", "p.subject_code"])
      .where("e.infusion_date", "is not", null)
      .where("p.subject_code", "like", "SZ-%")
      .where((eb) =>
        eb(
          eb
            .selectFrom("clinical_events as c")
            .select((x) => x.fn.countAll().as("n"))
            .whereRef("c.patient_id", "=", "p.id")
            .where("c.title", "like", "CAR-T copies day %"),
          "<",
          3,
        ),
      )
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    const res = await get(`/api/v1/patients/${rows[0]!.id}/kinetics`);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(res.json().detail ?? res.json().title).toBeDefined();
    expect(res.body).toMatch(/quantified CAR-T level/);
  });

  it("a bad strategy or draw count is a 400 naming the field", async () => {
    const res = await get(
      `/api/v1/patients/${summary.referencePatientId}/kinetics?strategy=cd20-only&draws=5`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/strategy/);
    expect(res.body).toMatch(/draws/);
  });
});

describe("POST /api/v1/kinetics/simulate and /virtual-cohort", () => {
  it("simulates given parameters and dosing", async () => {
    const res = await post("/api/v1/kinetics/simulate", {
      parameters: { kEM: 0.05, beta: 0.015, bCells0: 80 },
      dosing: { weightKg: 62, infusions: [{ product: "cd19", cellsPerKg: 1e6 }] },
      horizonDays: 180,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.days).toHaveLength(181);
    expect(body.curves.bCellsPerUL[0]).toBeCloseTo(8, 6); // 90% removed by conditioning
    expect(body.outcomes.carT.peakDay).toBeGreaterThan(5);
    expect(body.outcomes.carT.peakDay).toBeLessThan(15);
  });

  it("refuses malformed input (400) and input the model refuses (422)", async () => {
    const bad = await post("/api/v1/kinetics/simulate", {
      parameters: { notAParameter: 1 },
      dosing: { weightKg: -1, infusions: [] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/weightKg/);
    const refused = await post("/api/v1/kinetics/simulate", {
      parameters: { phiG: 1.5 },
      dosing: { weightKg: 60, infusions: [{ product: "compound", cellsPerKg: 3e6 }] },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.body).toMatch(/phiG/);
    const tooMany = await post("/api/v1/kinetics/virtual-cohort", { n: 10_001, seed: 1 });
    expect(tooMany.statusCode).toBe(400);
  });

  it("a seeded virtual cohort: the same answer twice, BCMA only never clears a CD19+ lymphoma", async () => {
    const payload = {
      n: 200,
      seed: 7,
      strategies: ["compound", "bcma-only"],
      parameters: { tumour0: 1000 },
      horizonDays: 180,
    };
    const a = await post("/api/v1/kinetics/virtual-cohort", payload);
    expect(a.statusCode, a.body).toBe(200);
    const b = await post("/api/v1/kinetics/virtual-cohort", payload);
    const strip = (x: { milliseconds: number }) => ({ ...x, milliseconds: 0 });
    expect(strip(b.json())).toEqual(strip(a.json()));
    const [compound, bcma] = a.json().strategies;
    expect(compound.summary.tumourCleared.median).toBe(1);
    expect(bcma.summary.tumourCleared.median).toBe(0);
    expect(bcma.summary.bCellAplasiaDays.reached).toBe(0);
    console.info(`virtual cohort 200 × 2 strategies: ${a.json().milliseconds.toFixed(0)} ms`);
  });
});

describe("virtual cohort on worker threads", () => {
  it("gives the same answer on two worker threads as on this one", async () => {
    const body = { n: 300, seed: 3, strategies: ["compound", "cd19-only"], horizonDays: 120 };
    let last = 0;
    const one = await virtualCohortKinetics(body, undefined, { threads: 1 });
    const two = await virtualCohortKinetics(body, (done) => (last = done), { threads: 2 });
    expect(two.threads).toBe(2);
    expect(last).toBe(600);
    expect(two.strategies).toEqual(one.strategies);
  });
});

describe("v2v kinetics", () => {
  it("fit prints the label, convergence, parameters and what-ifs for SZ-0001", async () => {
    const r = await runV2v(database, [
      "kinetics",
      "fit",
      "--subject",
      "SZ-0001",
      "--strategy",
      "cd19-only,bcma-only",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SZ-0001: Research model — not a treatment recommendation\./);
    expect(r.stdout).toMatch(/Fit: converged/);
    expect(r.stdout).toMatch(/^rho +1\/d /m);
    expect(r.stdout).toMatch(/CD19 CAR only/);
    expect(r.stdout).toMatch(/BCMA CAR only/);
    const json = await runV2v(database, [
      "kinetics",
      "fit",
      "--subject",
      "SZ-0001",
      "--site",
      "SZ",
      "--json",
    ]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).fit.converged).toBe(true);
  });

  it("fit of an unknown subject fails with the reason and status 2", async () => {
    const missing = await runV2v(database, ["kinetics", "fit", "--subject", "SZ-9999"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/No patient SZ-9999 at site SZ/);
  });

  it("simulate prints outcomes and a table of days", async () => {
    const r = await runV2v(database, ["kinetics", "simulate", "--strategy", "bcma-only", "--horizon", "180"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Strategy bcma-only: BCMA CAR 3\.00e\+6\/kg day 0/);
    expect(r.stdout).toMatch(/^180 /m);
    const bad = await runV2v(database, ["kinetics", "simulate", "--dose", "lots"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--dose must be a number/);
  });

  it("cohort prints outcome distributions; no progress bar when stdout is not a terminal", async () => {
    const r = await runV2v(database, ["kinetics", "cohort", "--n", "100", "--seed", "1", "--horizon", "180"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/100 virtual patients from the population priors \(seed 1\)/);
    expect(r.stdout).toMatch(/B-cell aplasia, days/);
    const json = JSON.parse(
      (await runV2v(database, ["kinetics", "cohort", "--n", "100", "--horizon", "180", "--json"])).stdout,
    );
    expect(json.strategies.map((s: { strategy: string }) => s.strategy)).toEqual([
      "compound",
      "cd19-only",
      "bcma-only",
    ]);
  });

  it("fit draws its progress (starts, then what-ifs) on stderr when stdout is a terminal; --json stays JSON", async () => {
    let stderr = "";
    let stdout = "";
    // a data cut is new data for the cache: her three starts run again
    const status = await runCli(
      [
        "kinetics",
        "fit",
        "--subject",
        "SZ-0001",
        "--data-cut",
        "2020-06-30",
        "--strategy",
        "cd19-only",
        "--json",
      ],
      {
        env: { LOG_LEVEL: "warn" },
        stdin: Readable.from([]),
        stdout: { write: (t: string) => (stdout += t), isTTY: true },
        stderr: { write: (t: string) => (stderr += t) },
        database,
      },
    );
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/fit starts \[.*\] 100% 3\/3/);
    expect(stderr).toMatch(/what-ifs +\[.*\] 100% 2\/2/);
    const k = JSON.parse(stdout) as PatientKinetics;
    expect(k.dataCut).toBe("2020-06-30");
    expect(k.fit).toMatchObject({ starts: 3, cached: false });
    expect(k.strategies.map((s) => s.strategy)).toEqual(["as-given", "cd19-only"]);
  });

  it("cohort draws a progress bar on stderr when stdout is a terminal", async () => {
    let stderr = "";
    let stdout = "";
    const status = await runCli(
      ["kinetics", "cohort", "--n", "100", "--strategies", "compound", "--horizon", "90"],
      {
        env: { LOG_LEVEL: "warn" },
        stdin: Readable.from([]),
        stdout: { write: (t: string) => (stdout += t), isTTY: true },
        stderr: { write: (t: string) => (stderr += t) },
        database,
      },
    );
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/patients \[.*\] 100% 100\/100/);
    expect(stdout).not.toMatch(/patients \[/);
  });
});
