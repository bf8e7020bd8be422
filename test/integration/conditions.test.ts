/**
 * Diagnoses over HTTP as the web form sends them: the vocabulary a form offers, a diagnosis
 * recorded from it with its audit row, refusals named by field and stable code with nothing
 * written, and a correction with a reason and the version read (If-Match).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
const as = (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
  w.call("coordinator", "A", method, url, body, headers);

const countOf = (table: "conditions" | "audit_events") => w.rowCount(table);

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1990, sex: "female" })
  ).json().id;
});
afterAll(() => w.close());

describe("conditions", () => {
  let id: string;

  it("offers the diagnoses and clinical statuses a form chooses from", async () => {
    const res = await as("GET", "/api/v1/conditions/vocabulary");
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v.diagnoses.find((d: { code: string }) => d.code === "55464009")).toEqual({
      codeSystem: "http://snomed.info/sct",
      code: "55464009",
      display: "Systemic lupus erythematosus",
      disease: "sle",
    });
    expect(v.clinicalStatuses).toEqual([
      "active",
      "recurrence",
      "relapse",
      "inactive",
      "remission",
      "resolved",
    ]);
  });

  it("records a diagnosis picked from it, with its audit row", async () => {
    const audits = await countOf("audit_events");
    const res = await as("POST", "/api/v1/conditions", {
      patientId,
      codeSystem: "http://snomed.info/sct",
      code: "55464009",
      display: "Systemic lupus erythematosus",
      onsetDate: "2016-03-01",
      clinicalStatus: "active",
    });
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().id;
    expect(res.json()).toMatchObject({ onsetDate: "2016-03-01", version: 1 });
    expect(await countOf("audit_events")).toBe(audits + 1);
  });

  it("refuses an abatement before the onset at its field by code, and writes nothing", async () => {
    const before = [await countOf("conditions"), await countOf("audit_events")];
    const res = await as("POST", "/api/v1/conditions", {
      patientId,
      codeSystem: "http://snomed.info/sct",
      code: "109969005",
      display: "Diffuse large B-cell lymphoma",
      onsetDate: "2020-05-01",
      abatementDate: "2020-04-01",
      clinicalStatus: "resolved",
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().errors).toEqual([
      expect.objectContaining({ pointer: "/abatementDate", code: "condition_abated_before_onset" }),
    ]);
    expect([await countOf("conditions"), await countOf("audit_events")]).toEqual(before);
  });

  it("corrects the onset with a reason and the version read; a stale version is refused", async () => {
    const res = await as(
      "PATCH",
      `/api/v1/conditions/${id}`,
      { onsetDate: "2015-11-20", reason: "Date from the referral letter" },
      { "if-match": '"1"' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ onsetDate: "2015-11-20", version: 2 });
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", id)
      .where("action", "=", "update")
      .executeTakeFirstOrThrow();
    expect(audit.reason).toBe("Date from the referral letter");

    const stale = await as(
      "PATCH",
      `/api/v1/conditions/${id}`,
      { onsetDate: "2015-01-01", reason: "Older letter" },
      { "if-match": '"1"' },
    );
    expect(stale.statusCode).toBe(412);
  });

  it("refuses a correction whose abatement would fall before the stored onset, and writes nothing", async () => {
    const audits = await countOf("audit_events");
    const res = await as(
      "PATCH",
      `/api/v1/conditions/${id}`,
      { abatementDate: "2015-01-01", clinicalStatus: "resolved", reason: "Resolved" },
      { "if-match": '"2"' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ pointer: "/abatementDate", code: "condition_abated_before_onset" }),
    ]);
    expect((await as("GET", `/api/v1/conditions/${id}`)).json()).toMatchObject({
      version: 2,
      abatementDate: null,
      clinicalStatus: "active",
    });
    expect(await countOf("audit_events")).toBe(audits);
  });
});
