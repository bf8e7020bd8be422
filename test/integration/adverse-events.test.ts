/**
 * Adverse events over HTTP: recorded with a 201 and its audit row, refused with problem+json when
 * the facts contradict each other (nothing written), corrected with a reason and the version read,
 * and confined to the sites the caller works at.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
const as = (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
  w.call("investigator", "A", method, url, body, headers);

const pneumonia = () => ({
  patientId,
  term: "Lung infection",
  soc: "Infections and infestations",
  grade: 3,
  attribution: "possible",
  serious: true,
  seriousCriteria: ["hospitalisation"],
  onsetDate: "2024-03-10",
  resolvedDate: null,
  outcome: "RECOVERING/RESOLVING",
  pathogenClass: "bacterial",
  organism: "Klebsiella pneumoniae",
});

const countOf = (table: "adverse_events" | "audit_events") => w.rowCount(table);

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1976, sex: "female" })
  ).json().id;
});
afterAll(() => w.close());

describe("adverse events", () => {
  let id: string;

  it("records a serious infection with its audit row", async () => {
    const auditBefore = await countOf("audit_events");
    const res = await as("POST", "/api/v1/adverse-events", pneumonia());
    expect(res.statusCode, res.body).toBe(201);
    const ae = res.json();
    id = ae.id;
    expect(res.headers.location).toBe(`/api/v1/adverse-events/${id}`);
    expect(ae).toMatchObject({
      grade: 3,
      seriousCriteria: ["hospitalisation"],
      organism: "Klebsiella pneumoniae",
      version: 1,
    });
    expect(await countOf("audit_events")).toBe(auditBefore + 1);
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(audit.entity_type).toBe("adverse_event");
    expect(audit.action).toBe("create");
  });

  it("refuses contradictory facts with problem+json naming each field, and writes nothing", async () => {
    const before = [await countOf("adverse_events"), await countOf("audit_events")];
    const res = await as("POST", "/api/v1/adverse-events", {
      ...pneumonia(),
      term: "Febrile neutropenia",
      soc: "Blood and lymphatic system disorders",
      grade: 2,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    const body = res.json();
    const fields = JSON.stringify(body);
    expect(fields).toContain("grade");
    expect(fields).toContain("pathogenClass");
    // Each contradiction has its stable code, so a screen can say it in the reader's language.
    const codes = (body.errors as { pointer: string; code: string }[]).map((e) => `${e.pointer} ${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining(["/grade ae_grade_not_defined", "/pathogenClass ae_pathogen_not_infection"]),
    );
    expect([await countOf("adverse_events"), await countOf("audit_events")]).toEqual(before);
  });

  it("is corrected with a reason and the version read; a stale version is a conflict", async () => {
    const res = await as(
      "PATCH",
      `/api/v1/adverse-events/${id}`,
      {
        ...pneumonia(),
        patientId: undefined,
        resolvedDate: "2024-03-24",
        outcome: "RECOVERED/RESOLVED",
        reason: "Discharged, antibiotics completed",
      },
      { "if-match": '"1"' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      version: 2,
      outcome: "RECOVERED/RESOLVED",
      resolvedDate: "2024-03-24",
    });
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", id)
      .where("action", "=", "update")
      .executeTakeFirstOrThrow();
    expect(audit.reason).toBe("Discharged, antibiotics completed");
    const stale = await as(
      "PATCH",
      `/api/v1/adverse-events/${id}`,
      {
        ...pneumonia(),
        patientId: undefined,
        grade: 4,
        seriousCriteria: ["life-threatening"],
        reason: "Worse",
      },
      { "if-match": '"1"' },
    );
    expect(stale.statusCode).toBe(412);
  });

  it("lists a patient's events at the caller's sites only", async () => {
    const mine = (await as("GET", `/api/v1/adverse-events?patientId=${patientId}`)).json();
    expect(mine.items.map((a: { id: string }) => a.id)).toEqual([id]);
    const other = await w.call("investigator", "B", "GET", `/api/v1/adverse-events/${id}`);
    expect(other.statusCode).toBe(404);
    const all = (await w.call("investigator", "B", "GET", "/api/v1/adverse-events")).json();
    expect(all.items).toEqual([]);
  });

  it("offers the form's vocabulary", async () => {
    const v = (await as("GET", "/api/v1/adverse-events/vocabulary")).json();
    expect(v.terms.find((t: { term: string }) => t.term === "Sepsis")).toMatchObject({ grades: [4, 5] });
    expect(v.systemOrganClasses).toHaveLength(26);
    expect(v.outcomes).toContain("RECOVERED/RESOLVED WITH SEQUELAE");
  });
});
