/**
 * The vital-sign codes a bedside form sends under (GET /api/v1/observations/vital-signs), and a
 * round of vitals recorded with them as one batch: stored in the codes' units, the device as a
 * coded value, and an implausible value refused at its field with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
const as = (method: string, url: string, body?: unknown) => w.call("investigator", "A", method, url, body);

interface Codes {
  vitalSigns: { key: string; loinc: string; unit: string; display: string }[];
  oxygenDevice: { loinc: string; devices: string[] };
}
let codes: Codes;

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1970, sex: "male" })
  ).json().id;
});
afterAll(() => w.close());

describe("vital-sign codes", () => {
  it("names each vital sign's LOINC code and UCUM unit, and the oxygen device's code and values", async () => {
    const res = await as("GET", "/api/v1/observations/vital-signs");
    expect(res.statusCode, res.body).toBe(200);
    codes = res.json();
    const byKey = Object.fromEntries(codes.vitalSigns.map((v) => [v.key, `${v.loinc} ${v.unit}`]));
    // FHIR R4 vital-signs profiles; US Core pulse oximetry for the flow.
    expect(byKey).toEqual({
      temperature: "8310-5 Cel",
      systolic: "8480-6 mm[Hg]",
      diastolic: "8462-4 mm[Hg]",
      heartRate: "8867-4 /min",
      spo2: "59408-5 %",
      oxygenFlow: "3151-8 L/min",
    });
    expect(codes.oxygenDevice.loinc).toBe("107117-4");
    expect(codes.oxygenDevice.devices).toContain("NASAL_CANNULA");
    expect(codes.oxygenDevice.devices).toContain("NONE");
  });

  it("records a round of vitals sent with those codes as one batch", async () => {
    const at = "2024-05-02T06:00:00Z";
    const code = (key: string) => codes.vitalSigns.find((v) => v.key === key)!;
    const values: Record<string, number> = {
      temperature: 38.6,
      systolic: 92,
      diastolic: 55,
      heartRate: 118,
      spo2: 93,
      oxygenFlow: 2,
    };
    const observations = [
      ...Object.entries(values).map(([key, n]) => ({
        patientId,
        code: code(key).loinc,
        valueNumber: n,
        unit: code(key).unit,
        effectiveAt: at,
      })),
      { patientId, code: codes.oxygenDevice.loinc, valueCode: "NASAL_CANNULA", effectiveAt: at },
    ];
    const res = await as("POST", "/api/v1/observations", { observations });
    expect(res.statusCode, res.body).toBe(201);
    const stored = res.json().observations as {
      code: string;
      valueNumber: number | null;
      unit: string | null;
      valueCode: string | null;
    }[];
    expect(stored).toHaveLength(7);
    expect(stored.find((o) => o.code === "8867-4")).toMatchObject({ valueNumber: 118, unit: "/min" });
    expect(stored.find((o) => o.code === "8462-4")).toMatchObject({ valueNumber: 55, unit: "mm[Hg]" });
    expect(stored.find((o) => o.code === "107117-4")).toMatchObject({ valueCode: "NASAL_CANNULA" });
  });

  it("refuses a heart rate no heart beats at, at its field, writing nothing of the round", async () => {
    const before = (await as("GET", `/api/v1/observations?patientId=${patientId}&limit=100`)).json().items
      .length;
    const res = await as("POST", "/api/v1/observations", {
      observations: [
        { patientId, code: "8310-5", valueNumber: 37.2, unit: "Cel", effectiveAt: "2024-05-02T10:00:00Z" },
        { patientId, code: "8867-4", valueNumber: 1100, unit: "/min", effectiveAt: "2024-05-02T10:00:00Z" },
      ],
    });
    expect(res.statusCode).toBe(400);
    const issues = res.json().errors as { pointer: string; code: string }[];
    expect(issues).toEqual([
      expect.objectContaining({ pointer: "/observations/1/valueNumber", code: "implausible_value" }),
    ]);
    const after = (await as("GET", `/api/v1/observations?patientId=${patientId}&limit=100`)).json().items
      .length;
    expect(after).toBe(before);
  });
});
