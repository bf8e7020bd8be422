/**
 * Censored lab values (decision 0038) from the record to the rules: CD19+ and IgG results stored
 * with a comparator, as the lab import keeps them ("<1 %", "<140 mg/dL"), reach the derived
 * endpoints as bounds, and the kinetics fit gets a "<L" B-cell count as censored at L. The
 * comparator is set in the table the way the lab import writes it, so the test reads the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/services/context.ts";
import { patientModelInput } from "../../src/services/kinetics.ts";
import { demoDatabase } from "../support/demo-database.ts";
import { buildWorld, type World } from "../support/world.ts";

const DAY0 = "2019-09-16";
const at = (date: string) => `${date}T08:00:00+08:00`;

describe("derived endpoints from censored results", () => {
  let w: World;
  let patientId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    w = await buildWorld({ now: () => new Date("2020-09-01T02:00:00Z") });
    const as = (method: string, url: string, body?: unknown) =>
      w.call("investigator", "A", method, url, body);
    patientId = (
      await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1976, sex: "female" })
    ).json().id;
    const study = (
      await as("POST", "/api/v1/studies", {
        leadSiteId: w.sites.A,
        title: "S",
        shortName: "S",
        phase: "phase-1",
        status: "active",
        arms: [{ code: "SLE", name: "Lupus" }],
      })
    ).json();
    const enrolment = await as("POST", "/api/v1/enrolments", {
      patientId,
      studyId: study.id,
      armCode: "SLE",
      consentDate: "2019-08-20",
      consentVersion: "1",
      infusionDate: DAY0,
    });
    expect(enrolment.statusCode, enrolment.body).toBe(201);
    const o = (key: string, code: string, date: string, valueNumber: number, unit: string) => ({
      key,
      body: { patientId, code, effectiveAt: at(date), valueNumber, unit },
    });
    const rows = [
      o("cd19-d14", "20593-0", "2019-09-30", 1, "%"),
      o("cd19-d60", "20593-0", "2019-11-15", 0.3, "%"),
      o("igg-d30", "2465-3", "2019-10-16", 140, "mg/dL"),
      o("igg-d90", "2465-3", "2019-12-15", 520, "mg/dL"),
    ];
    const res = await as("POST", "/api/v1/observations", { observations: rows.map((r) => r.body) });
    expect(res.statusCode, res.body).toBe(201);
    res.json().observations.forEach((item: { id: string }, k: number) => {
      ids[rows[k]!.key] = item.id;
    });
    for (const key of ["cd19-d14", "igg-d30"])
      await w.database.db
        .updateTable("observations")
        .set({ value_comparator: "<" })
        .where("id", "=", ids[key]!)
        .execute();
  });
  afterAll(() => w.close());

  it('"<1 %" CD19+ starts the aplasia, "<140 mg/dL" IgG is a nadir below 1.4 g/L', async () => {
    const res = await w.call("monitor", "A", "GET", `/api/v1/patients/${patientId}/derived/endpoints`);
    expect(res.statusCode, res.body).toBe(200);
    const e = Object.fromEntries(
      (res.json().endpoints as { key: string }[]).map((x) => [x.key, x as Record<string, unknown>]),
    );
    // read as 1 % the first sample would not be aplastic and the start would be day 60
    expect(e["b-cell-aplasia-start"]).toMatchObject({ status: "met", studyDay: 14 });
    expect(e["b-cell-aplasia-start"]!.derivedFrom).toEqual([{ kind: "observation", id: ids["cd19-d14"] }]);
    expect(e["igg-nadir"]).toMatchObject({ status: "met", value: 1.4, unit: "g/L", studyDay: 30 });
    expect(e["igg-nadir"]!.details).toMatchObject({
      censored: true,
      comparator: "<",
      atOrBelowReplacementThreshold: true,
    });
    const timeline = await w.call(
      "monitor",
      "A",
      "GET",
      `/api/v1/patients/${patientId}/timeline?kinds=derived-endpoint&limit=50`,
    );
    expect(timeline.statusCode, timeline.body).toBe(200);
    const summaries = (timeline.json().items as { summary: string }[]).map((i) => i.summary);
    expect(summaries).toContain("IgG nadir after infusion: < 1.40 g/L");
  });
});

describe("the kinetics fit's input from censored results", () => {
  const now = () => new Date("2026-11-01T09:00:00+08:00");
  it('gets a "<L" CD19+ count as censored at L and leaves a ">L" result out', async () => {
    const { database, summary } = await demoDatabase(now);
    try {
      const ctx = { db: database.db, actor: systemActor(), now };
      const patient = { id: summary.referencePatientId, site_id: "" };
      patient.site_id = (
        await database.db
          .selectFrom("patients")
          .select("site_id")
          .where("id", "=", patient.id)
          .executeTakeFirstOrThrow()
      ).site_id;
      const before = await patientModelInput(ctx, patient);
      const bCells = before.data.filter((d) => d.observable === "bCellsPerUL" && !d.censored);
      const last = bCells.at(-1)!;
      expect(last.value).toBeGreaterThan(1);
      const row = await database.db
        .selectFrom("observations")
        .select(["id", "value_number"])
        .where("patient_id", "=", patient.id)
        .where("code", "=", "8116-6")
        .orderBy("effective_at", "desc")
        .executeTakeFirstOrThrow();
      await database.db
        .updateTable("observations")
        .set({ value_comparator: "<" })
        .where("id", "=", row.id)
        .execute();
      const after = await patientModelInput(ctx, patient);
      const point = after.data.find((d) => d.observable === "bCellsPerUL" && d.day === last.day)!;
      // Beal's M3 at the lab's limit, not the limit read as a count
      expect(point).toMatchObject({ value: null, censored: true, lloq: last.value });
      expect(after.measurements.find((m) => m.observable === "bCellsPerUL" && m.day === last.day)).toEqual({
        observable: "bCellsPerUL",
        day: last.day,
        value: null,
        lloq: last.value,
      });
      await database.db
        .updateTable("observations")
        .set({ value_comparator: ">" })
        .where("id", "=", row.id)
        .execute();
      const above = await patientModelInput(ctx, patient);
      expect(above.data.some((d) => d.observable === "bCellsPerUL" && d.day === last.day)).toBe(false);
      expect(above.skipped.map((s) => s.reason)).toContain(`>${row.value_number} is above the assay's range`);
    } finally {
      await database.close();
    }
  }, 300_000);
});
