/**
 * Derived endpoints over HTTP: recorded through the services, read back computed, and changed
 * when the record changes (a stop date added, a late positive result, that result marked entered
 * in error). Also site scoping, and derived items on the paginated timeline, held between its reads
 * while the record is unchanged.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLEDAI_2K_KEYS } from "../../src/domain/calculators/lupus/sledai.ts";
import { applyJourney, openJourney } from "../../src/services/journeys.ts";
import { statementsRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
let hcqId: string;

const DAY0 = "2019-09-16";
const at = (date: string, time = "08:00") => `${date}T${time}:00+08:00`;
const SLEDAI_ITEMS = Object.fromEntries(SLEDAI_2K_KEYS.map((k) => [k, false]));

type EndpointDto = {
  key: string;
  status: string;
  value: unknown;
  date: string | null;
  studyDay: number | null;
  derivedFrom: { kind: string; id: string }[];
  rule: string;
  source: string;
  reasons: string[];
};

const as = (method: string, url: string, body?: unknown) => w.call("investigator", "A", method, url, body);

async function endpoints(): Promise<Record<string, EndpointDto>> {
  const res = await w.call("monitor", "A", "GET", `/api/v1/patients/${patientId}/derived/endpoints`);
  expect(res.statusCode, res.body).toBe(200);
  return Object.fromEntries((res.json().endpoints as EndpointDto[]).map((e) => [e.key, e]));
}

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date("2020-09-01T02:00:00Z") });
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

  const o = (code: string, effectiveAt: string, v: number | string, unit?: string) =>
    typeof v === "number"
      ? { patientId, code, effectiveAt, valueNumber: v, unit }
      : { patientId, code, effectiveAt, valueCode: v };
  const obs = await as("POST", "/api/v1/observations", {
    observations: [
      o("5130-0", at("2019-09-10"), 200, "[IU]/mL"),
      o("5130-0", at("2019-12-15"), 30, "[IU]/mL"),
      o("5130-0", at("2020-03-14"), 6, "[IU]/mL"),
      o("8061-4", at("2019-09-10"), "positive"),
      // CD19+ and lymphocytes from the same draws: 0 % on day 7, 2.5 % and 5 % later
      o("8116-6", at("2019-09-23"), 0, "/uL"),
      o("731-0", at("2019-09-23"), 0.5, "10*3/uL"),
      o("8116-6", at("2019-12-15"), 30, "/uL"),
      o("731-0", at("2019-12-15"), 1.2, "10*3/uL"),
      o("8116-6", at("2020-03-14"), 80, "/uL"),
      o("731-0", at("2020-03-14"), 1.6, "10*3/uL"),
      o("2465-3", at("2019-10-16"), 720, "mg/dL"),
      o("2465-3", at("2019-12-15"), 5.4, "g/L"),
    ],
  });
  expect(obs.statusCode, obs.body).toBe(201);

  for (const body of [
    { drug: "prednisone", startDate: "2010-01-01", stopDate: "2019-09-09", status: "completed" },
    {
      drug: "aciclovir",
      startDate: "2019-09-11",
      stopDate: "2020-03-16",
      status: "completed",
      indication: "Prophylaxis",
    },
  ]) {
    const r = await as("POST", "/api/v1/medications", { patientId, ...body });
    expect(r.statusCode, r.body).toBe(201);
  }
  const hcq = await as("POST", "/api/v1/medications", {
    patientId,
    drug: "hydroxychloroquine",
    startDate: "2012-01-01",
  });
  hcqId = hcq.json().id;

  for (const note of [
    "CAR-T copies day 7: 5,000 copies/µg gDNA (qPCR)",
    "CAR-T copies day 14: 20,000 copies/µg gDNA (qPCR)",
  ]) {
    const day = Number(/day (\d+)/.exec(note)![1]);
    const date = new Date(Date.parse(`${DAY0}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);
    const r = await as("POST", "/api/v1/clinical-events", {
      patientId,
      occurredAt: at(date, "07:30"),
      category: "note",
      title: note,
    });
    expect(r.statusCode, r.body).toBe(201);
  }

  const pet = await as("POST", `/api/v1/patients/${patientId}/assessments`, {
    calculator: "lugano-pet",
    assessedAt: at("2019-10-16", "14:00"),
    inputs: {
      timepoint: "END_OF_TREATMENT",
      sites: [{ site: "right femur", kind: "EXTRANODAL", deauvilleScore: 2 }],
      newFdgAvidLesions: false,
      boneMarrow: "NO_FDG_AVID_DISEASE",
    },
  });
  expect(pet.statusCode, pet.body).toBe(201);
  const doris = await as("POST", `/api/v1/patients/${patientId}/assessments`, {
    calculator: "doris",
    assessedAt: at("2020-03-14", "10:00"),
    inputs: {
      sledai2k: SLEDAI_ITEMS,
      pga: 0.2,
      prednisoloneEquivalentMgPerDay: 0,
      antimalarial: "STABLE",
      immunosuppressive: "NONE",
      biologic: "NONE",
    },
  });
  expect(doris.statusCode, doris.body).toBe(201);
}, 180_000);
afterAll(() => w?.close());

describe("derived endpoints from recorded data", () => {
  it("computes each endpoint with date, study day, sources, rule and source", async () => {
    const e = await endpoints();
    expect(e["seroconversion-anti-dsdna"]).toMatchObject({
      status: "met",
      date: "2020-03-14",
      studyDay: 180,
    });
    expect(e["seroconversion-ana"]).toMatchObject({ status: "not-met" });
    expect(e["b-cell-aplasia-start"]).toMatchObject({ status: "met", studyDay: 7 });
    expect(e["b-cell-aplasia-start"]!.derivedFrom).toHaveLength(2);
    expect(e["b-cell-recovery"]).toMatchObject({ status: "met", studyDay: 90 });
    expect(e["igg-nadir"]).toMatchObject({ status: "met", value: 5.4, studyDay: 90 });
    expect(e["car-cmax"]).toMatchObject({ value: 20000, studyDay: 14 });
    expect(e["car-auc-0-28d"]).toMatchObject({ status: "not-evaluable" });
    expect(e["first-complete-response"]).toMatchObject({ status: "met", studyDay: 30 });
    expect(e["steroid-free"]).toMatchObject({ status: "met", date: "2019-09-10", studyDay: -6 });
    expect(e["lupus-therapy-free"]).toMatchObject({ status: "not-met" });
    expect(e["medication-free"]).toMatchObject({ status: "not-met" });
    expect(e["doris-remission"]).toMatchObject({ status: "met", studyDay: 180 });
    // DORIS allows stable hydroxychloroquine; drug-free it is not
    expect(e["drug-free-remission"]).toMatchObject({ status: "not-met" });
    expect(e.lldas).toMatchObject({ status: "not-evaluable" });
    for (const x of Object.values(e)) {
      expect(x.rule.length, x.key).toBeGreaterThan(10);
      expect(x.source.length, x.key).toBeGreaterThan(10);
      expect(x.reasons.length, x.key).toBeGreaterThan(0);
    }
  });

  it("changes when the record changes: a stop date, a late positive, an entry in error", async () => {
    const med = (await as("GET", `/api/v1/medications/${hcqId}`)).json();
    const stopped = await as("PATCH", `/api/v1/medications/${hcqId}`, {
      stopDate: "2020-01-31",
      status: "stopped",
      version: med.version,
      reason: "Stopped in clinic",
    });
    expect(stopped.statusCode, stopped.body).toBe(200);
    let e = await endpoints();
    expect(e["lupus-therapy-free"]).toMatchObject({ status: "met", date: "2020-02-01" });
    expect(e["medication-free"]).toMatchObject({ status: "met", date: "2020-03-17", studyDay: 183 });

    const late = await as("POST", "/api/v1/observations", {
      observations: [
        { patientId, code: "5130-0", effectiveAt: at("2020-06-12"), valueNumber: 45, unit: "[IU]/mL" },
      ],
    });
    expect(late.statusCode, late.body).toBe(201);
    e = await endpoints();
    expect(e["seroconversion-anti-dsdna"]).toMatchObject({ status: "not-met", date: null });

    const lateId = late.json().observations[0].id;
    const wrong = await as("PATCH", `/api/v1/observations/${lateId}`, {
      status: "entered-in-error",
      version: 1,
      reason: "Another patient's sample",
    });
    expect(wrong.statusCode, wrong.body).toBe(200);
    e = await endpoints();
    expect(e["seroconversion-anti-dsdna"]).toMatchObject({ status: "met", studyDay: 180 });
  });

  it("answers a patient with nothing recorded with reasons, not errors", async () => {
    const empty = (
      await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1980, sex: "male" })
    ).json();
    const res = await w.call("monitor", "A", "GET", `/api/v1/patients/${empty.id}/derived/endpoints`);
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json().endpoints as EndpointDto[];
    expect(list.length).toBeGreaterThanOrEqual(20);
    for (const x of list) {
      expect(x.status, x.key).toBe("not-evaluable");
      expect(x.reasons[0], x.key).toMatch(/No |no day 0/);
    }
  });

  it("is scoped to the patient's site and needs clinical:read", async () => {
    const other = await w.call("investigator", "B", "GET", `/api/v1/patients/${patientId}/derived/endpoints`);
    expect([403, 404]).toContain(other.statusCode);
    expect(other.headers["content-type"]).toMatch(/problem\+json/);
    const bad = await w.call("monitor", "A", "GET", "/api/v1/patients/not-a-uuid/derived/endpoints");
    expect(bad.statusCode).toBe(400);
  });
});

describe("derived endpoints on the timeline", () => {
  type Item = { kind: string; id: string; date: string; studyDay: number; summary: string };
  const page = async (query: string) => {
    const res = await w.call("monitor", "A", "GET", `/api/v1/patients/${patientId}/timeline?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Item[]; nextCursor: string | null };
  };

  it("shows reached endpoints on their date", async () => {
    const t = await page("kinds=derived-endpoint&limit=100");
    const keys = t.items.map((i) => [i.summary.split(":")[0], i.studyDay]);
    expect(keys).toContainEqual(["First complete response", 30]);
    expect(keys).toContainEqual(["anti-dsDNA seroconversion to negative", 180]);
    expect(t.items.every((i) => i.kind === "derived-endpoint")).toBe(true);
    // not-met and not-evaluable endpoints have no date, so no place on the timeline
    expect(t.items.some((i) => i.summary.startsWith("Lupus low disease"))).toBe(false);
  });

  it("pages through records and derived items without skipping or repeating", async () => {
    const all = (await page("limit=1000")).items;
    expect(all.some((i) => i.kind === "derived-endpoint")).toBe(true);
    const walked: Item[] = [];
    let cursor: string | null = null;
    do {
      const p = await page(`limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      walked.push(...p.items);
      cursor = p.nextCursor;
    } while (cursor);
    expect(walked.map((i) => `${i.kind}/${i.id}`)).toEqual(all.map((i) => `${i.kind}/${i.id}`));
    // a page boundary on a derived item still continues correctly
    const idx = all.findIndex((i) => i.kind === "derived-endpoint");
    const upTo = await page(`limit=${idx + 1}`);
    expect(upTo.items.at(-1)!.kind).toBe("derived-endpoint");
    const rest = await page(`limit=1000&cursor=${upTo.nextCursor}`);
    expect(rest.items.map((i) => i.id)).toEqual(all.slice(idx + 1).map((i) => i.id));
  });

  it("applies the from/to window to derived items like to records", async () => {
    const t = await page(
      `kinds=derived-endpoint&from=${encodeURIComponent("2019-10-15T00:00:00+08:00")}&to=${encodeURIComponent("2019-10-17T00:00:00+08:00")}`,
    );
    // same date and kind: their order is by id, so compare as a set
    expect(t.items.map((i) => [i.summary.split(":")[0], i.date]).sort()).toEqual([
      ["Best overall response (Lugano 2014)", "2019-10-16"],
      ["First complete response", "2019-10-16"],
    ]);
  });

  it("leaves derived items out when other kinds are asked for", async () => {
    const t = await page("kinds=observation&limit=1000");
    expect(t.items.every((i) => i.kind === "observation")).toBe(true);
  });
  it("holds them between reads, and a write to the record shows on the next one (decision 0051)", async () => {
    // endpointSources' statement reads the CAR-T copies notes: seen only when the endpoints are derived
    const derivations = async (read: () => Promise<unknown>) =>
      (await statementsRun(w.database, read, /FROM clinical_events e\b/)).length;
    const seroconversion = (t: { items: Item[] }) =>
      t.items.filter((i) => i.summary.startsWith("anti-dsDNA seroconversion")).map((i) => i.studyDay);
    let first: { items: Item[] } | undefined;
    await derivations(async () => {
      first = await page("kinds=derived-endpoint&limit=100");
    });
    let again: { items: Item[] } | undefined;
    expect(
      await derivations(async () => {
        again = await page("kinds=derived-endpoint&limit=100");
      }),
    ).toBe(0);
    expect(again).toEqual(first);
    expect(seroconversion(first!)).toEqual([180]);
    // the patient page's endpoint list shares what the timeline holds
    let listed: Record<string, EndpointDto> | undefined;
    expect(
      await derivations(async () => {
        listed = await endpoints();
      }),
    ).toBe(0);
    expect(listed!["seroconversion-anti-dsdna"]).toMatchObject({ status: "met", studyDay: 180 });

    // a late positive anti-dsDNA undoes the seroconversion at once
    const late = await as("POST", "/api/v1/observations", {
      observations: [
        { patientId, code: "5130-0", effectiveAt: at("2020-07-01"), valueNumber: 60, unit: "[IU]/mL" },
      ],
    });
    expect(late.statusCode, late.body).toBe(201);
    let after: { items: Item[] } | undefined;
    expect(
      await derivations(async () => {
        after = await page("kinds=derived-endpoint&limit=100");
      }),
    ).toBe(1);
    expect(seroconversion(after!)).toEqual([]);

    // and marking it entered in error brings it back
    const wrong = await as("PATCH", `/api/v1/observations/${late.json().observations[0].id}`, {
      status: "entered-in-error",
      version: 1,
      reason: "Another patient's sample",
    });
    expect(wrong.statusCode, wrong.body).toBe(200);
    expect(seroconversion(await page("kinds=derived-endpoint&limit=100"))).toEqual([180]);
  });
});

describe("a death after the response", () => {
  it("ends the duration of response on the site-local date of death, uncensored (Cheson 2014)", async () => {
    const before = (await endpoints())["duration-of-response"]!;
    expect(before).toMatchObject({ status: "not-met", value: 0, details: { censored: true } });
    const enrolments = await w.call("investigator", "A", "GET", `/api/v1/enrolments?patientId=${patientId}`);
    const enrolmentId = (enrolments.json().items as { id: string }[])[0]!.id;
    const ctx = await w.as("investigator", "A");
    const journey = await openJourney(ctx, enrolmentId);
    // The death is recorded at the clock's time: 2020-09-01 10:00 at the site.
    await applyJourney(ctx, journey.id, {
      type: "die",
      reason: "death reported by the family",
      version: journey.version,
    });
    const after = (await endpoints())["duration-of-response"]!;
    // 2019-10-16 (first CR) to 2020-09-01: 15 + 30 + 31 + 31 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 1 days
    expect(after).toMatchObject({
      status: "met",
      value: 321,
      date: "2020-09-01",
      details: { censored: false },
    });
    expect(after.reasons.join(" ")).toContain("death on 2020-09-01");
  });
});
