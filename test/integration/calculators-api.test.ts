/**
 * Calculators as users meet them over HTTP and the CLI: the catalogue, evaluation without storing,
 * stored assessments on a patient (with study day, audit, timeline), and old results kept beside
 * new rule sets.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runV2v } from "../support/cli.ts";
import { buildWorld, type World } from "../support/world.ts";

const ISSUE_NAMES = [
  "crs",
  "icans",
  "ice",
  "capd",
  "ctcae-hematology",
  "icaht",
  "car-hematotox",
  "iec-hs",
  "lugano-pet",
  "lugano-ct",
  "lyric",
  "sledai-2k",
  "selena-flare",
  "sri-4",
  "doris",
  "lldas",
  "eular-acr-2019",
  "bsa",
  "creatinine-clearance",
  "lymphodepletion",
  "car-t-dose",
  "cellular-kinetics",
];

/** ASTCT worked example CRS-3 (shared/domain/clinical-rules.md §1): 38.3 °C, nasal cannula 7 L/min → grade 3. */
const CRS_3 = {
  tempMaxC: 38.3,
  feverOtherCause: false,
  crsAlreadyDiagnosed: false,
  hypotension: "NONE",
  oxygenDevice: "NASAL_CANNULA",
  oxygenFlowLpm: 7,
  hypoxiaOtherCause: false,
  deathDueToCrs: false,
};

let w: World;
let patientId: string;

const count = () => w.rowCount("assessments");

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1976,
      sex: "female",
    })
  ).json().id;
  const study = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "cCAR",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json();
  await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
    patientId,
    studyId: study.id,
    armCode: "LYM",
    consentDate: "2019-08-20",
    consentVersion: "1",
    infusionDate: "2019-09-16",
  });
});
afterAll(() => w.close());

describe("catalogue", () => {
  it("lists exactly the calculators the program needs, each with a JSON Schema of its inputs", async () => {
    const res = await w.call("monitor", "A", "GET", "/api/v1/calculators");
    expect(res.statusCode).toBe(200);
    const items: {
      name: string;
      inputSchema: { type?: string; properties?: object };
      source: string;
      ruleSetVersion: string;
    }[] = res.json().items;
    expect(items.map((i) => i.name).sort()).toEqual([...ISSUE_NAMES].sort());
    for (const i of items) {
      expect(i.source.length).toBeGreaterThan(10);
      expect(i.ruleSetVersion).toBeTruthy();
      // an object schema, or a union of them (e.g. ICAHT early vs late)
      const schema = i.inputSchema as { properties?: object; anyOf?: object[]; oneOf?: object[] };
      expect(Boolean(schema.properties || schema.anyOf?.length || schema.oneOf?.length), i.name).toBe(true);
    }
  });
});

describe("evaluate without storing", () => {
  it("grades CRS-3 as 3 with the reason, and stores nothing", async () => {
    const before = await count();
    const res = await w.call("monitor", "A", "POST", "/api/v1/calculators/crs", CRS_3);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ calculator: "crs", value: 3 });
    expect(res.json().reasons.join(" ")).toMatch(/7 L\/min/);
    expect(await count()).toBe(before);
  });

  it("names every missing or contradictory field", async () => {
    const { oxygenFlowLpm: _omit, ...noFlow } = CRS_3;
    const res = await w.call("monitor", "A", "POST", "/api/v1/calculators/crs", {
      ...noFlow,
      tempMaxC: "hot",
    });
    expect(res.statusCode).toBe(400);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/tempMaxC"]));
  });

  it("an unknown calculator is 404", async () => {
    expect((await w.call("monitor", "A", "POST", "/api/v1/calculators/apgar", {})).statusCode).toBe(404);
  });

  it("needs a login", async () => {
    expect(
      (await w.app.inject({ method: "POST", url: "/api/v1/calculators/crs", payload: CRS_3 })).statusCode,
    ).toBe(401);
  });
});

describe("stored assessments", () => {
  let id: string;

  it("stores inputs, result, rule set, assessor and study day, and audits it", async () => {
    const res = await w.call("investigator", "A", "POST", `/api/v1/patients/${patientId}/assessments`, {
      calculator: "crs",
      inputs: CRS_3,
      assessedAt: "2019-09-18T03:00:00+08:00",
    });
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json();
    id = a.id;
    expect(a).toMatchObject({ calculator: "crs", studyDay: 2, label: a.result.label, inputs: CRS_3 });
    expect(a.result.value).toBe(3);
    expect(a.ruleSet).toMatch(/ASTCT/);
    const trail = (
      await w.call("monitor", "A", "GET", `/api/v1/audit?entity=assessment&entityId=${id}`)
    ).json().items;
    expect(trail[0].action).toBe("create");
  });

  it("appears on the timeline with its grade", async () => {
    const t = (
      await w.call("coordinator", "A", "GET", `/api/v1/patients/${patientId}/timeline?kinds=assessment`)
    ).json();
    expect(t.items).toHaveLength(1);
    expect(t.items[0]).toMatchObject({ kind: "assessment", studyDay: 2 });
    expect(t.items[0].detail.value).toBe(3);
  });

  it("bad inputs are reported under /inputs and nothing is stored", async () => {
    const before = await count();
    const res = await w.call("investigator", "A", "POST", `/api/v1/patients/${patientId}/assessments`, {
      calculator: "crs",
      inputs: { ...CRS_3, oxygenDevice: "SNORKEL" },
      assessedAt: "2019-09-18T03:00:00+08:00",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe("/inputs/oxygenDevice");
    expect(await count()).toBe(before);
  });

  it("the monitor may evaluate but not store; another site cannot see the patient", async () => {
    const body = { calculator: "crs", inputs: CRS_3, assessedAt: "2019-09-18T03:00:00+08:00" };
    expect(
      (await w.call("monitor", "A", "POST", `/api/v1/patients/${patientId}/assessments`, body)).statusCode,
    ).toBe(403);
    expect(
      (await w.call("investigator", "B", "POST", `/api/v1/patients/${patientId}/assessments`, body))
        .statusCode,
    ).toBe(404);
    expect((await w.call("investigator", "B", "GET", `/api/v1/assessments/${id}`)).statusCode).toBe(404);
  });

  it("a result stored under an older rule set is kept, with the current one beside it", async () => {
    await sql`UPDATE assessments SET rule_set_version = '0', result = jsonb_set(result, '{value}', '2') WHERE id = ${id}`.execute(
      w.database.db,
    );
    const a = (await w.call("coordinator", "A", "GET", `/api/v1/assessments/${id}`)).json();
    expect(a.ruleSetVersion).toBe("0");
    expect(a.result.value).toBe(2); // what was stored, untouched
    expect(a.current.value).toBe(3); // what today's rules say
    expect(a.current.ruleSetVersion).not.toBe("0");
  });
});

describe("v2v calc", () => {
  const calc = (args: string[], input: string) => runV2v(undefined, ["calc", ...args], { input });

  it("prints the result as JSON", async () => {
    const r = await calc(["bsa"], JSON.stringify({ heightCm: 180, weightKg: 80 }));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // Mosteller: sqrt(180 × 80 / 3600) = 2.0 m²
    expect(out.value).toBeCloseTo(2.0, 2);
  });

  it("prints every problem and exits 2 on bad input", async () => {
    const r = await calc(["bsa"], JSON.stringify({ heightCm: "tall" }));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/heightCm/);
    expect(r.stderr).toMatch(/weightKg/);
  });

  it("exits 2 on an unknown calculator or broken JSON", async () => {
    expect((await calc(["apgar"], "{}")).status).toBe(2);
    expect((await calc(["bsa"], "{")).status).toBe(2);
  });
});
