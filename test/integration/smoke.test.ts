import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});
afterAll(() => w.close());

describe("smoke", () => {
  it("creates a patient, records observations and reads the timeline", async () => {
    const p = await w.call("coordinator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1975,
      sex: "female",
      identity: { familyName: "Li", givenName: "Mei", sex: "female", birthDate: "1975-03-02" },
    });
    expect(p.statusCode, p.body).toBe(201);
    const patient = p.json();
    expect(patient.subjectCode).toBe("AA-0001");
    const o = await w.call("coordinator", "A", "POST", "/api/v1/observations", {
      observations: [
        {
          patientId: patient.id,
          code: "5130-0",
          valueNumber: 310,
          unit: "[IU]/mL",
          effectiveAt: "2019-08-20T09:00:00+08:00",
        },
        {
          patientId: patient.id,
          code: "4485-9",
          valueNumber: 52,
          unit: "mg/dL",
          effectiveAt: "2019-08-20T09:00:00+08:00",
        },
      ],
    });
    expect(o.statusCode, o.body).toBe(201);
    const t = await w.call("coordinator", "A", "GET", `/api/v1/patients/${patient.id}/timeline`);
    expect(t.statusCode, t.body).toBe(200);
    expect(t.json().items).toHaveLength(2);
  });
});
