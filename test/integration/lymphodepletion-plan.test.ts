/**
 * The lymphodepletion plan from the study's regimen and the patient's latest height, weight and
 * creatinine, on hand-made records with answers worked by hand (Mosteller BSA, Cockcroft–Gault,
 * US fludarabine label bands: 30–70 mL/min −20 %, < 30 withhold, > 70 full dose).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLoincCode } from "../../src/domain/loinc.ts";
import { LD_LOINC } from "../../src/services/lymphodepletion-plan.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let studyId: string;

const FLU_CY = {
  name: "Flu/Cy 30/500 mg/m² days −5 to −3",
  regimen: [
    { drug: "FLUDARABINE", doseMgPerM2PerDay: 30, days: [-5, -4, -3] },
    { drug: "CYCLOPHOSPHAMIDE", doseMgPerM2PerDay: 500, days: [-5, -4, -3] },
  ],
  fludarabineRenalRule: { kind: "US_LABEL" },
};

async function patientWith(
  obs: { code: string; value: number; unit: string; at: string }[],
  infusionDate?: string,
) {
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1960,
      sex: "female",
    })
  ).json();
  for (const o of obs) {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/observations", {
      patientId: patient.id,
      code: o.code,
      valueNumber: o.value,
      unit: o.unit,
      effectiveAt: o.at,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const enrolment = (
    await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId,
      armCode: "LYM",
      consentDate: "2026-01-05",
      consentVersion: "1",
    })
  ).json();
  return { enrolmentId: enrolment.id as string, infusionDate };
}

const plan = (enrolmentId: string, q = "?infusionDate=2026-03-10") =>
  w.call("coordinator", "A", "GET", `/api/v1/enrolments/${enrolmentId}/lymphodepletion-plan${q}`);

/** 165 cm, 60 kg (older values first, to prove the latest is used) and the creatinine given. */
type Obs = { code: string; value: number; unit: string; at: string };
const body = (creatinineMgDl: number): Obs[] => [
  { code: LD_LOINC.height, value: 160, unit: "cm", at: "2025-06-01T08:00:00Z" },
  { code: LD_LOINC.height, value: 165, unit: "cm", at: "2026-02-20T08:00:00Z" },
  { code: LD_LOINC.weight, value: 70, unit: "kg", at: "2025-06-01T08:00:00Z" },
  { code: LD_LOINC.weight, value: 60, unit: "kg", at: "2026-02-25T08:00:00Z" },
  { code: LD_LOINC.creatinineMass, value: creatinineMgDl, unit: "mg/dL", at: "2026-02-26T08:00:00Z" },
];

beforeAll(async () => {
  w = await buildWorld();
  studyId = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "cCAR",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json().id;
});
afterAll(() => w.close());

describe("the study's regimen", () => {
  it("the codes the plan reads are well-formed LOINC codes", () => {
    for (const code of Object.values(LD_LOINC)) expect(checkLoincCode(code), code).toBeNull();
  });

  it("no regimen yet: the plan is refused naming it", async () => {
    const { enrolmentId } = await patientWith(body(0.9));
    const res = await plan(enrolmentId);
    expect(res.statusCode).toBe(422);
    expect(res.json().rule).toBe("V2V-LD-PLAN-MISSING-INPUTS");
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/regimen"]);
  });

  it("only the lead site's investigator sets it; a bad regimen is refused with the calculator's checks", async () => {
    const url = `/api/v1/studies/${studyId}/lymphodepletion-regimen`;
    expect((await w.call("coordinator", "A", "PUT", url, FLU_CY)).statusCode).toBe(403);
    const bad = await w.call("investigator", "A", "PUT", url, {
      ...FLU_CY,
      armCode: "NOPE",
      regimen: [
        { drug: "FLUDARABINE", doseMgPerM2PerDay: 300, days: [-5, -5] },
        { drug: "FLUDARABINE", doseMgPerM2PerDay: 30, days: [2] },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual([
      "/armCode",
      "/regimen/0/days/1",
      "/regimen/0/doseMgPerM2PerDay",
      "/regimen/1/days/0",
      "/regimen/1/drug",
    ]);
    const ok = await w.call("investigator", "A", "PUT", url, FLU_CY);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ armCode: "", version: 1, bsaFormula: "MOSTELLER" });
    // Replacing it needs its version.
    expect((await w.call("investigator", "A", "PUT", url, FLU_CY)).statusCode).toBe(428);
  });
});

describe("the plan", () => {
  it("computes the worked example: BSA 1.6583 m², CrCl 58.2 mL/min → fludarabine −20 %, dated days −5 to −3", async () => {
    const { enrolmentId } = await patientWith(body(0.9));
    const res = await plan(enrolmentId);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    // Mosteller √(165 × 60 / 3600) = √2.75 = 1.658312…
    expect(p.bsa.m2).toBeCloseTo(1.658312, 5);
    // Cockcroft–Gault, female, age 2026 − 1960 = 66: (140 − 66) × 60 / (72 × 0.9) × 0.85 = 58.2407…
    expect(p.inputs.ageYears.value).toBe(66);
    expect(p.creatinineClearance.mlPerMin).toBeCloseTo(58.2407, 3);
    const flu = p.drugs.find((d: { drug: string }) => d.drug === "FLUDARABINE");
    const cy = p.drugs.find((d: { drug: string }) => d.drug === "CYCLOPHOSPHAMIDE");
    expect(flu.renalFactor).toBe(0.8);
    expect(flu.mgPerDay).toBeCloseTo(24 * 1.658312, 3); // 39.80 mg
    expect(cy.mgPerDay).toBeCloseTo(500 * 1.658312, 2); // 829.16 mg
    expect(p.days.map((d: { day: number; date: string }) => [d.day, d.date])).toEqual([
      [-5, "2026-03-05"],
      [-4, "2026-03-06"],
      [-3, "2026-03-07"],
    ]);
    expect(p.inputs.height).toMatchObject({
      value: 165,
      unit: "cm",
      effectiveAt: "2026-02-20T08:00:00.000Z",
    });
    expect(p.inputs.weight).toMatchObject({ value: 60, unit: "kg", effectiveAt: "2026-02-25T08:00:00.000Z" });
    expect(p.reasons.join(" ")).toMatch(/US label: CrCl 30–70 mL\/min, reduce by 20 %/);
  });

  it("doses on the measurements up to the first lymphodepletion day at the site, never later ones", async () => {
    // Site A is in Asia/Shanghai (UTC+8); day −5 is 2026-03-05 there.
    const { enrolmentId } = await patientWith([
      ...body(0.9),
      { code: LD_LOINC.weight, value: 62, unit: "kg", at: "2026-03-05T07:30:00+08:00" }, // day −5: used
      { code: LD_LOINC.weight, value: 64, unit: "kg", at: "2026-03-06T01:00:00+08:00" }, // 17:00Z on 03-05, but day −4 locally
      { code: LD_LOINC.weight, value: 75, unit: "kg", at: "2026-06-10T08:00:00Z" }, // months after the infusion
    ]);
    const res = await plan(enrolmentId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().inputs.weight).toMatchObject({ value: 62, effectiveAt: "2026-03-04T23:30:00.000Z" });
    expect(res.json().bsa.m2).toBeCloseTo(Math.sqrt((165 * 62) / 3600), 5);
  });

  it("both edges of the 70 mL/min band: 69.9 is reduced, 70.8 gets the full dose", async () => {
    // (140 − 66) × 60 / (72 × 0.75) × 0.85 = 69.89; with 0.74 mg/dL it is 70.83.
    const below = (await plan((await patientWith(body(0.75))).enrolmentId)).json();
    const above = (await plan((await patientWith(body(0.74))).enrolmentId)).json();
    expect(below.creatinineClearance.mlPerMin).toBeCloseTo(69.89, 2);
    expect(above.creatinineClearance.mlPerMin).toBeCloseTo(70.83, 2);
    expect(below.drugs[0].renalFactor).toBe(0.8);
    expect(above.drugs[0].renalFactor).toBe(1);
  });

  it("under 30 mL/min fludarabine is withheld and the days show cyclophosphamide only", async () => {
    // (140 − 66) × 60 / (72 × 2.0) × 0.85 = 26.2 mL/min
    const p = (await plan((await patientWith(body(2.0))).enrolmentId)).json();
    expect(p.fludarabineWithheld).toBe(true);
    expect(p.days[0].doses.map((d: { drug: string }) => d.drug)).toEqual(["CYCLOPHOSPHAMIDE"]);
  });

  it("creatinine in µmol/L (LOINC 14682-9) is converted: 79.56 µmol/L = 0.9 mg/dL gives the same plan", async () => {
    const obs = body(0.9).slice(0, 4);
    obs.push({ code: LD_LOINC.creatinineMoles, value: 79.56, unit: "umol/L", at: "2026-02-27T08:00:00Z" });
    const p = (await plan((await patientWith(obs)).enrolmentId)).json();
    expect(p.creatinineClearance.mlPerMin).toBeCloseTo(58.2407, 3);
    expect(p.inputs.serumCreatinine).toMatchObject({ code: "14682-9", unit: "umol/L" });
  });

  it("refuses naming every missing input: no infusion date, no height, no weight, no creatinine", async () => {
    const { enrolmentId } = await patientWith([]);
    const res = await plan(enrolmentId, "");
    expect(res.statusCode).toBe(422);
    expect(res.json().rule).toBe("V2V-LD-PLAN-MISSING-INPUTS");
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      "/infusionDate",
      "/observations/height",
      "/observations/weight",
      "/observations/serumCreatinine",
    ]);
  });

  it("a weight entered in pounds is stored in kg on entry (issue 10), so the plan uses it", async () => {
    const obs = body(0.9);
    obs[3] = { code: LD_LOINC.weight, value: 132.2774, unit: "[lb_av]", at: "2026-02-25T08:00:00Z" };
    const res = await plan((await patientWith(obs)).enrolmentId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().inputs.weight.unit).toBe("kg");
    expect(res.json().inputs.weight.value).toBeCloseTo(60, 3);
  });

  it("a unit it cannot read on a record stored before entry normalisation is reported, not guessed", async () => {
    const { enrolmentId } = await patientWith(body(0.9));
    // Observations recorded before issue 10 keep the unit they were typed in.
    const patientId = (
      await w.database.db
        .selectFrom("enrolments")
        .select("patient_id")
        .where("id", "=", enrolmentId)
        .executeTakeFirstOrThrow()
    ).patient_id;
    await w.database.db
      .updateTable("observations")
      .set({ value_number: 132, unit: "[lb_av]" })
      .where("patient_id", "=", patientId)
      .where("code", "=", LD_LOINC.weight)
      .where("effective_at", "=", new Date("2026-02-25T08:00:00Z"))
      .execute();
    const res = await plan(enrolmentId);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ pointer: "/observations/weight" });
    expect(res.json().errors[0].detail).toMatch(/\[lb_av\]/);
  });

  it("needs clinical:read at the enrolment's site", async () => {
    const { enrolmentId } = await patientWith(body(0.9));
    expect(
      (await w.call("manufacturing", "A", "GET", `/api/v1/enrolments/${enrolmentId}/lymphodepletion-plan`))
        .statusCode,
    ).toBe(403);
    expect(
      (await w.call("coordinator", "B", "GET", `/api/v1/enrolments/${enrolmentId}/lymphodepletion-plan`))
        .statusCode,
    ).toBe(404);
  });
});
