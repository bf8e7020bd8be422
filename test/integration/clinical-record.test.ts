/**
 * The clinical record over HTTP: observation filters and cursors, batches in one transaction,
 * corrections, enrolment rules, and the timeline with study days.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchEntries } from "../../src/domain/audit-batch.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
let studyId: string;
const as = (method: string, url: string, body?: unknown) => w.call("investigator", "A", method, url, body);

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1976, sex: "female" })
  ).json().id;
  const study = await as("POST", "/api/v1/studies", {
    leadSiteId: w.sites.A,
    title: "Compound CD19/BCMA CAR-T",
    shortName: "cCAR",
    phase: "phase-1",
    status: "active",
    arms: [
      {
        code: "LYM",
        name: "Lymphoma",
        doseLevels: [{ code: "DL2", label: "3e6/kg", dose: 3e6, unit: "car-cells-per-kg" }],
      },
    ],
  });
  expect(study.statusCode, study.body).toBe(201);
  studyId = study.json().id;
});
afterAll(() => w.close());

describe("observations", () => {
  it("stores a batch of 2,000 rows in one request, each row attributed by the batch's audit record", async () => {
    const start = Date.parse("2019-09-16T00:00:00Z");
    const observations = Array.from({ length: 2000 }, (_, i) => ({
      patientId,
      code: i % 2 ? "751-8" : "777-3",
      valueNumber: i / 10,
      unit: "10*3/uL",
      effectiveAt: new Date(start + i * 3_600_000).toISOString(),
    }));
    const res = await as("POST", "/api/v1/observations", { observations });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.json().count).toBe(2000);
    // One audit record for the batch (decision 0040) that lists all 2,000 rows with their values.
    const audit = await w.database.db
      .selectFrom("audit_events")
      .select(["after"])
      .where("entity_type", "=", "observation-batch")
      .execute();
    expect(audit).toHaveLength(1);
    const listed = batchEntries("observation-batch", audit[0]!.after)!;
    expect(listed.map((e) => e.entityId)).toEqual(res.json().observations.map((o: { id: string }) => o.id));
    expect(listed[1999]!.after).toEqual(res.json().observations[1999]);
  });

  it("filters by code and time window and pages with a cursor without gaps or repeats", async () => {
    const from = "2019-09-20T00:00:00Z";
    const to = "2019-10-10T00:00:00Z";
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/observations?patientId=${patientId}&code=751-8&from=${from}&to=${to}&limit=97${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await as("GET", url)).json();
      for (const o of page.items) {
        expect(o.code).toBe("751-8");
        expect(Date.parse(o.effectiveAt)).toBeGreaterThanOrEqual(Date.parse(from));
        expect(Date.parse(o.effectiveAt)).toBeLessThan(Date.parse(to));
        seen.push(o.id);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    // 20 days × 24 hourly rows, every other one 751-8
    expect(seen).toHaveLength(240);
    expect(new Set(seen).size).toBe(240);
    expect(pages).toBe(3);
  });

  it("a to before from is refused", async () => {
    const res = await as("GET", `/api/v1/observations?from=2019-10-01T00:00:00Z&to=2019-09-01T00:00:00Z`);
    expect(res.statusCode).toBe(400);
  });

  it("a corrected value becomes 'amended' and keeps the history in the audit trail", async () => {
    const created = (
      await as("POST", "/api/v1/observations", {
        patientId,
        code: "4485-9",
        valueNumber: 5.2,
        unit: "mg/dL",
        effectiveAt: "2019-08-20T09:00:00+08:00",
      })
    ).json();
    const res = await as("PATCH", `/api/v1/observations/${created.id}`, {
      valueNumber: 52,
      reason: "Decimal point misplaced on entry",
      version: created.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ valueNumber: 52, status: "amended", version: 2 });
    const trail = (
      await w.call("monitor", "A", "GET", `/api/v1/audit?entity=observation&entityId=${created.id}`)
    ).json().items;
    expect(trail[0]).toMatchObject({
      before: { valueNumber: 5.2, status: "final" },
      after: { valueNumber: 52, status: "amended" },
    });
  });

  it("entered-in-error rows disappear from lists unless asked for", async () => {
    const created = (
      await as("POST", "/api/v1/observations", {
        patientId,
        code: "4498-2",
        valueNumber: 7,
        unit: "mg/dL",
        effectiveAt: "2019-08-21T09:00:00Z",
      })
    ).json();
    await as("PATCH", `/api/v1/observations/${created.id}`, {
      status: "entered-in-error",
      reason: "Wrong patient's sample",
      version: 1,
    });
    const hidden = (await as("GET", `/api/v1/observations?patientId=${patientId}&code=4498-2`)).json().items;
    const shown = (
      await as("GET", `/api/v1/observations?patientId=${patientId}&code=4498-2&includeErrors=true`)
    ).json().items;
    expect(hidden).toHaveLength(0);
    expect(shown.map((o: { id: string }) => o.id)).toEqual([created.id]);
  });
});

describe("medications", () => {
  it("carry what the domain reads from them (class, doses per day, daily mg, prednisolone equivalent); the audit keeps only what was recorded", async () => {
    // A patient of its own: an ongoing steroid would change the shared patient's derived endpoints.
    const own = await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1980, sex: "female" });
    expect(own.statusCode, own.body).toBe(201);
    const res = await as("POST", "/api/v1/medications", {
      patientId: own.json().id,
      drug: "methylprednisolone",
      drugCodeSystem: "http://www.whocc.no/atc",
      drugCode: "H02AB04",
      doseValue: 4,
      doseUnit: "mg",
      route: "subcutaneous",
      frequency: "q8h",
      startDate: "2019-01-01",
    });
    expect(res.statusCode, res.body).toBe(201);
    // Subcutaneous is systemic; q8h is three doses; methylprednisolone 4 mg ≡ prednisolone 5 mg (BNF).
    expect(res.json().derived).toEqual({
      lupusDrugClass: "glucocorticoid",
      dosesPerDay: 3,
      dailyDoseMg: 12,
      prednisoloneEquivalentMgPerDay: 15,
    });
    const changed = await w.call("investigator", "A", "PATCH", `/api/v1/medications/${res.json().id}`, {
      frequency: "every other day",
      version: res.json().version,
      reason: "tapering",
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().derived).toMatchObject({ dosesPerDay: 0.5, prednisoloneEquivalentMgPerDay: 2.5 });
    const audit = (
      await w.call("monitor", "A", "GET", `/api/v1/audit?entity=medication&entityId=${res.json().id}`)
    ).json().items;
    expect(audit.length).toBe(2);
    expect(JSON.stringify(audit)).not.toContain("derived");
  });
});

describe("clinical events", () => {
  it("a CAR-T copies note carries its reading (the one the derived kinetics use); other notes none; the audit keeps only what was recorded", async () => {
    const own = await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1981, sex: "male" });
    const note = (title: string) =>
      as("POST", "/api/v1/clinical-events", {
        patientId: own.json().id,
        occurredAt: "2019-09-26T09:00:00+08:00",
        category: "note",
        title,
      });
    const level = await note("CAR-T copies day 10: 124,000 copies/µg gDNA (qPCR)");
    expect(level.statusCode, level.body).toBe(201);
    expect(level.json().derived).toEqual({ carCopies: { value: 124000 } });
    const below = await note("CAR-T copies day 274: below the limit of detection (< 50) copies/µg gDNA");
    expect(below.json().derived).toEqual({ carCopies: { belowLimit: true, limit: 50 } });
    // Looser wording is not a level: an unrelated note is never read as one.
    expect((await note("CAR-T copies about 5000")).json().derived).toEqual({ carCopies: null });
    const audit = (
      await w.call("monitor", "A", "GET", `/api/v1/audit?entity=clinical-event&entityId=${level.json().id}`)
    ).json().items;
    expect(audit.length).toBe(1);
    expect(JSON.stringify(audit)).not.toContain("derived");
  });
});

describe("enrolment", () => {
  it("refuses an arm or dose level the study does not have, naming each", async () => {
    const res = await as("POST", "/api/v1/enrolments", {
      patientId,
      studyId,
      armCode: "AID",
      consentDate: "2019-08-20",
      consentVersion: "2.1",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe("/armCode");
  });

  it("refuses a study not open at the patient's site", async () => {
    const other = (
      await w.call("investigator", "B", "POST", "/api/v1/patients", {
        siteId: w.sites.B,
        birthYear: 1990,
        sex: "male",
      })
    ).json();
    // investigator-b cannot even see study A: it is not open at site B
    const res = await w.call("investigator", "B", "POST", "/api/v1/enrolments", {
      patientId: other.id,
      studyId,
      armCode: "LYM",
      consentDate: "2019-08-20",
      consentVersion: "2.1",
    });
    expect(res.statusCode).toBe(404);
  });

  it("enrols and sets study day 0 at infusion", async () => {
    const res = await as("POST", "/api/v1/enrolments", {
      patientId,
      studyId,
      armCode: "LYM",
      doseLevelCode: "DL2",
      consentDate: "2019-08-20",
      consentVersion: "2.1",
      enrolledOn: "2019-08-27",
      infusionDate: "2019-09-16",
      status: "follow-up",
    });
    expect(res.statusCode, res.body).toBe(201);
    const again = await as("POST", "/api/v1/enrolments", {
      patientId,
      studyId,
      armCode: "LYM",
      consentDate: "2019-08-20",
      consentVersion: "2.1",
    });
    expect(again.statusCode).toBe(409);
  });
});

describe("timeline", () => {
  beforeAll(async () => {
    await as("POST", "/api/v1/conditions", {
      patientId,
      codeSystem: "http://snomed.info/sct",
      code: "55464009",
      display: "Systemic lupus erythematosus",
      onsetDate: "1998-05-01",
      clinicalStatus: "remission",
    });
    await as("POST", "/api/v1/medications", {
      patientId,
      drug: "prednisone",
      doseValue: 10,
      doseUnit: "mg",
      frequency: "daily",
      startDate: "2015-01-01",
      stopDate: "2019-12-01",
    });
    // 23:30 on 15 Sep in Shenzhen is still day −1; 00:30 on 16 Sep local is day 0.
    await as("POST", "/api/v1/clinical-events", {
      patientId,
      occurredAt: "2019-09-15T23:30:00+08:00",
      category: "note",
      title: "Evening before",
    });
    await as("POST", "/api/v1/clinical-events", {
      patientId,
      occurredAt: "2019-09-16T00:30:00+08:00",
      category: "note",
      title: "Just after midnight",
    });
    await as("POST", "/api/v1/clinical-events", {
      patientId,
      occurredAt: "2019-10-16T10:00:00+08:00",
      category: "imaging",
      title: "PET-CT: complete metabolic response",
    });
  });

  async function allItems(query = "") {
    const items = [];
    let cursor: string | null = null;
    do {
      const page: {
        items: { kind: string; at: string; studyDay: number | null; summary: string; date: string }[];
        nextCursor: string | null;
      } = (
        await as(
          "GET",
          `/api/v1/patients/${patientId}/timeline?limit=250${query}${cursor ? `&cursor=${cursor}` : ""}`,
        )
      ).json();
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  it("is one chronological stream across every kind", async () => {
    const items = await allItems();
    const times = items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(items.map((i) => i.kind))).toEqual(
      new Set([
        "condition",
        "medication-start",
        "medication-stop",
        "observation",
        "event",
        "consent",
        "enrolment",
        "infusion",
        // the medication-free date and the like, derived from the records above (issue 5)
        "derived-endpoint",
      ]),
    );
  });

  it("gives study days in the site's time zone, day 0 at infusion", async () => {
    const items = await allItems("&kinds=event,infusion,condition");
    const byTitle = Object.fromEntries(items.map((i) => [i.summary, i]));
    expect(byTitle["Evening before"]?.studyDay).toBe(-1);
    expect(byTitle["Just after midnight"]?.studyDay).toBe(0);
    expect(byTitle["PET-CT: complete metabolic response"]?.studyDay).toBe(30);
    expect(items.find((i) => i.kind === "infusion")).toMatchObject({ studyDay: 0, date: "2019-09-16" });
    expect(byTitle["Systemic lupus erythematosus"]?.date).toBe("1998-05-01");
  });

  it("filters by kind and time window", async () => {
    const items = await allItems("&kinds=observation&from=2019-09-16T00:00:00Z&to=2019-09-17T00:00:00Z");
    expect(items).toHaveLength(24);
    expect(items.every((i) => i.kind === "observation")).toBe(true);
  });
});
