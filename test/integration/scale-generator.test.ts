/**
 * `v2v demo scale`: the generator writes a registry the app reads like any other — journeys at
 * many stages, product units with valid DINs, visits, ~200 lab results per patient, gradings —
 * with one audit record per batch, and the audit hash chain still verifies. Runs on PGlite and,
 * with TEST_DATABASE_URL, on PostgreSQL.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateScaleRegistry, type ScaleSummary } from "../../src/demo/scale.ts";
import { parseDin } from "../../src/domain/isbt128.ts";
import { verifyAuditChain } from "../../src/services/audit-chain.ts";
import { systemActor } from "../../src/services/context.ts";
import { patientTimeline } from "../../src/services/timeline.ts";
import { worklist } from "../../src/services/visits.ts";
import type { Database } from "../../src/store/database.ts";
import { testDatabase } from "../support/database.ts";

let database: Database;
let summary: ScaleSummary;
const PATIENTS = 60;

beforeAll(async () => {
  database = await testDatabase();
  const progress: number[] = [];
  summary = await generateScaleRegistry(database, {
    patients: PATIENTS,
    siteCodes: ["SA", "SB"],
    asOf: "2026-12-01",
    batchSize: 25,
    onProgress: (done) => progress.push(done),
  });
  expect(progress).toEqual([0, 25, 50, 60]);
}, 120_000);
afterAll(() => database?.close());

const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db)).rows[0]!.n,
  );

describe("v2v demo scale", () => {
  it("writes every patient with an enrolment and a journey, spread over the sites", async () => {
    expect(await count("patients")).toBe(PATIENTS);
    expect(await count("enrolments")).toBe(PATIENTS);
    expect(await count("journeys")).toBe(PATIENTS);
    expect(summary.sites.map((s) => s.patients)).toEqual([35, 25]);
    expect(summary.batches).toBe(3);
    const codes = await database.db.selectFrom("patients").select("subject_code").execute();
    expect(new Set(codes.map((c) => c.subject_code)).size).toBe(PATIENTS);
    const seqs = await database.db
      .selectFrom("sites")
      .select(["code", "subject_seq"])
      .orderBy("code")
      .execute();
    expect(seqs).toEqual([
      { code: "SA", subject_seq: 35 },
      { code: "SB", subject_seq: 25 },
    ]);
  });

  it("has journeys at many stages, ended ones included, and about 200 lab results per patient", async () => {
    const states = Object.keys(summary.journeyStates);
    expect(states.length).toBeGreaterThanOrEqual(6);
    expect(states).toEqual(expect.arrayContaining(["long-term-follow-up", "follow-up"]));
    const perPatient = (await count("observations")) / PATIENTS;
    expect(perPatient).toBeGreaterThan(150);
    expect(perPatient).toBeLessThan(260);
    expect(await count("assessments")).toBeGreaterThan(0);
    expect(await count("visits")).toBeGreaterThan(PATIENTS * 10);
    // Journey state = the to_state of its last event.
    const mismatched = await sql<{ n: string }>`
      SELECT count(*) AS n FROM journeys j
       WHERE j.state <> coalesce((SELECT e.to_state FROM journey_events e WHERE e.journey_id = j.id
                                  ORDER BY e.at DESC, e.id DESC LIMIT 1), 'referred')`.execute(database.db);
    expect(Number(mismatched.rows[0]!.n)).toBe(0);
  });

  it("gives product units unique, well-formed DINs, and one chain of identity per journey", async () => {
    const units = await database.db
      .selectFrom("product_units")
      .select(["din", "coi_id", "journey_id"])
      .execute();
    expect(units.length).toBeGreaterThan(PATIENTS / 2);
    expect(new Set(units.map((u) => u.din)).size).toBe(units.length);
    const coiOf = new Map<string, string>();
    for (const u of units) {
      expect(coiOf.get(u.journey_id) ?? u.coi_id).toBe(u.coi_id);
      coiOf.set(u.journey_id, u.coi_id);
    }
    expect(new Set(coiOf.values()).size).toBe(coiOf.size);
    // The product service's next DIN continues after the generated ones.
    const counters = await database.db
      .selectFrom("isbt_counters")
      .selectAll()
      .where("kind", "=", "din")
      .execute();
    expect(counters.reduce((a, c) => a + c.last_value, 0)).toBe(units.length);
    expect(units.every((u) => parseDin(u.din).ok)).toBe(true);
  });

  it("writes one audit record per batch naming what it generated, and the hash chain verifies", async () => {
    const batches = await database.db
      .selectFrom("audit_events")
      .select(["site_id", "after", "action"])
      .where("entity_type", "=", "scale-batch")
      .execute();
    expect(batches).toHaveLength(3);
    const after = batches[0]!.after as {
      subjectCodes: { first: string; count: number };
      rows: Record<string, number>;
    };
    expect(after.subjectCodes).toMatchObject({ first: "SA-0001", count: 25 });
    expect(after.rows.observations).toBeGreaterThan(0);
    const report = await verifyAuditChain(database.db);
    expect(report.ok).toBe(true);
  });

  it("is read by the services like any other record", async () => {
    const [sa] = summary.sites;
    const ctx = {
      db: database.db,
      actor: systemActor([{ siteId: sa!.id, role: "investigator" }]),
      now: () => new Date("2026-12-01T04:00:00Z"),
    };
    const infused = await database.db
      .selectFrom("enrolments")
      .select("patient_id")
      .where("site_id", "=", sa!.id)
      .where("infusion_date", "is not", null)
      .executeTakeFirstOrThrow();
    const page = await patientTimeline(ctx, infused.patient_id, { limit: 50 });
    expect(page.items.length).toBe(50);
    expect(page.infusionDate).not.toBeNull();
    const list = await worklist(ctx, { siteId: sa!.id, from: "2026-11-01", to: "2026-12-31" });
    expect(list.items.length).toBeGreaterThan(0);
  });
});
