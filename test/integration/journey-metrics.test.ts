/**
 * Vein-to-vein metrics on hand-made journeys with answers known in advance, every step through the
 * services at a controlled clock: one infused (vein-to-vein 30 days, turnaround 14), one out of
 * specification (turnaround 10), one failed in manufacture and one still in manufacture.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteVersions } from "../../src/store/site-versions.ts";
import { bedsideSignatures } from "../support/bags.ts";
import { roleForStep } from "../support/product-step-role.ts";
import { passingResults } from "../support/qc-results.ts";
import { recordWeight, releaseThroughQc, specifyRelease } from "../support/release.ts";
import { makeSlot } from "../support/slots.ts";
import { statementsRun } from "../support/statements.ts";
import { joinStudy } from "../support/study-sites.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-01-01T02:00:00Z");
let studyId: string;
let carProductId: string;

/** 02:00 UTC is 10:00 in Shanghai (site A): the same calendar day at the site. */
const at = (day: string, time = "02:00") => {
  clock = Date.parse(`${day}T${time}:00Z`);
};

async function journeyMove(journeyId: string, body: Record<string, unknown>) {
  const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json().version;
  const res = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, {
    ...body,
    version: v,
  });
  expect(res.statusCode, `${body.type}: ${res.body}`).toBe(200);
  return res.json();
}
async function productMove(id: string, type: string, extra: Record<string, unknown> = {}) {
  const res = await w.call(roleForStep(type), "A", "POST", `/api/v1/product-units/${id}/events`, {
    type,
    ...extra,
  });
  expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
  return res.json();
}

interface Plan {
  apheresis: string;
  manufactureStart: string;
  outcome: "released" | "oos" | "failed" | "pending";
  qcDay?: string;
  infusion?: string;
}

async function walk(p: Plan) {
  at(p.apheresis, "00:30");
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1970,
      sex: "female",
    })
  ).json();
  await recordWeight(w, patient.id, 70, `${p.apheresis}T00:00:00Z`);
  const enrolment = (
    await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId,
      armCode: "LYM",
      doseLevelCode: "DL1",
      consentDate: "2025-12-01",
      consentVersion: "1",
    })
  ).json();
  const j = (await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolment.id}/journey`)).json()
    .id;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", apheresisDate: p.apheresis },
  ])
    await journeyMove(j, body);
  at(p.apheresis);
  await journeyMove(j, { type: "record-apheresis" });
  const col = (
    await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${j}/collections`, {
      productCode: "S1234V00",
    })
  ).json();
  await journeyMove(j, { type: "hand-to-courier" });
  at(p.manufactureStart);
  for (const t of ["ship-to-manufacturer", "receive-at-manufacturer", "start-manufacture"])
    await productMove(col.id, t);
  if (p.outcome === "pending") return;
  if (p.outcome === "failed") {
    await productMove(col.id, "declare-failed", { reason: "insufficient expansion" });
    return;
  }
  const fp = (
    await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${col.id}/final-products`, {
      productCode: "S5678V00",
      thawStabilityMinutes: 60,
    })
  ).json();
  await productMove(fp.id, "complete-manufacture");
  at(p.qcDay!);
  if (p.outcome === "oos") {
    const results = passingResults(7e7, `${p.qcDay}T01:00:00Z`).map((r) =>
      r.attribute === "viability" ? { ...r, valueNumber: 50 } : r,
    );
    const res = await w.call("quality", "A", "POST", `/api/v1/product-units/${fp.id}/qc-results`, {
      results,
    });
    expect(res.statusCode, res.body).toBe(201);
    return;
  }
  await releaseThroughQc(w, fp.id, 7e7);
  if (!p.infusion) return;
  for (const t of ["ship-to-site", "receive-at-site"]) await productMove(fp.id, t);
  for (const body of [
    { type: "product-released" },
    { type: "start-lymphodepletion", patientFit: true },
    { type: "complete-lymphodepletion" },
  ])
    await journeyMove(j, body);
  at(p.infusion, "01:00");
  const bag = await productMove(fp.id, "thaw");
  at(p.infusion, "01:10");
  const v = await w.call("coordinator", "A", "POST", `/api/v1/products/${bag.id}/bedside-verifications`, {
    signatures: bedsideSignatures(w),
    patientSubjectCode: patient.subjectCode,
    enrolmentId: enrolment.id,
    coiId: bag.coiId,
    din: bag.din,
    dinCheckCharacter: bag.dinCheckCharacter,
    productCode: bag.productCode,
    thawedAt: bag.thawedAt,
  });
  expect(v.statusCode, v.body).toBe(201);
  await journeyMove(j, { type: "verify-at-bedside" });
  await journeyMove(j, { type: "infuse" });
}

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
  studyId = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "cCAR",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [
        {
          code: "LYM",
          name: "Lymphoma",
          doseLevels: [{ code: "DL1", label: "1 × 10^6 CAR+ cells/kg", dose: 1e6, unit: "car-cells-per-kg" }],
        },
      ],
    })
  ).json().id;
  await joinStudy(w, studyId, "B");
  carProductId = (await specifyRelease(w, studyId)).carProductId;
  for (const startsOn of ["2026-01-06", "2026-01-11", "2026-01-13", "2026-01-16"])
    await makeSlot(w, carProductId, { startsOn, collectionWindowDays: 1, capacity: 2 });
  await walk({
    apheresis: "2026-01-05",
    manufactureStart: "2026-01-06",
    outcome: "released",
    qcDay: "2026-01-20",
    infusion: "2026-02-04",
  });
  await walk({
    apheresis: "2026-01-10",
    manufactureStart: "2026-01-11",
    outcome: "oos",
    qcDay: "2026-01-21",
  });
  await walk({ apheresis: "2026-01-12", manufactureStart: "2026-01-13", outcome: "failed" });
  await walk({ apheresis: "2026-01-15", manufactureStart: "2026-01-16", outcome: "pending" });
}, 240_000);
afterAll(() => w.close());

const metrics = (role: "monitor" | "coordinator" | "manufacturing", site: "A" | "B", q = "") =>
  w.call(role, site, "GET", `/api/v1/metrics/vein-to-vein${q}`);

describe("GET /api/v1/metrics/vein-to-vein", () => {
  it("gives vein-to-vein days, turnaround and rates with their n, as worked out by hand", async () => {
    const res = await metrics("monitor", "A");
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json().overall;
    expect(m.veinToVeinDays).toEqual({ n: 1, median: 30, min: 30, max: 30 });
    expect(m.manufacturingTurnaroundDays).toEqual({ n: 2, median: 12, min: 10, max: 14 });
    expect(m.lots).toEqual({ started: 4, released: 1, outOfSpecification: 1, failed: 1, pending: 1 });
    expect(m.failureRate).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    expect(m.oosRate).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
  });

  it("groups by CAR product (from the manufacturing slot) and by site", async () => {
    const body = (await metrics("monitor", "A")).json();
    expect(body.byProduct).toHaveLength(1);
    expect(body.byProduct[0]).toMatchObject({ carProductId, lots: { started: 4 } });
    expect(body.bySite).toEqual([
      expect.objectContaining({
        siteId: w.sites.A,
        code: "AA",
        lots: expect.objectContaining({ started: 4 }),
      }),
    ]);
    expect(body.definitions.failureRate).toMatch(/decided/);
  });

  it("counts only the sites the user may read; another site's id is 404, no rate without cases", async () => {
    expect((await metrics("coordinator", "A", `?siteId=${w.sites.B}`)).statusCode).toBe(404);
    const b = (await metrics("coordinator", "B")).json();
    expect(b.overall.lots.started).toBe(0);
    expect(b.overall.failureRate).toEqual({ numerator: 0, denominator: 0, rate: null });
    expect(b.overall.veinToVeinDays).toEqual({ n: 0, median: null, min: null, max: null });
  });
});

describe("held reports (decision 0050)", () => {
  /** Statements one request runs that read the metrics' data (not the version, not the login). */
  const dataReads = (fn: () => Promise<unknown>) =>
    statementsRun(
      w.database,
      fn,
      /\b(journey_events|product_events|product_units|manufacturing_slot_bookings)\b/,
    );

  it("a report asked again while nothing changed is the held one; a write at the site moves the next", async () => {
    const first = (await metrics("monitor", "A")).json();
    let again: unknown;
    expect(
      await dataReads(async () => {
        again = (await metrics("monitor", "A")).json();
      }),
    ).toEqual([]);
    expect(again).toEqual(first);

    // Another lot started and failed at site A: counted at once, nothing held is answered.
    await makeSlot(w, carProductId, { startsOn: "2026-01-21", collectionWindowDays: 1, capacity: 1 });
    await walk({ apheresis: "2026-01-20", manufactureStart: "2026-01-21", outcome: "failed" });
    const after = (await metrics("monitor", "A")).json();
    expect(after.overall.lots).toEqual({ ...first.overall.lots, started: 5, failed: 2 });
    expect(after.overall.failureRate).toEqual({ numerator: 2, denominator: 4, rate: 0.5 });
  });

  it("a write at one site leaves another site's version; a renamed product moves every site's", async () => {
    const versionOf = (site: "A" | "B") =>
      siteVersions(w.database.db, "vein-to-vein-metrics", [w.sites[site]]);
    await makeSlot(w, carProductId, { startsOn: "2026-01-23", collectionWindowDays: 1, capacity: 1 });
    const [a0, b0] = [await versionOf("A"), await versionOf("B")];
    await walk({ apheresis: "2026-01-22", manufactureStart: "2026-01-23", outcome: "pending" });
    expect(await versionOf("A")).not.toBe(a0);
    expect(await versionOf("B")).toBe(b0);

    const before = (await metrics("monitor", "A")).json();
    await sql`UPDATE car_products SET name = 'Renamed CAR' WHERE id = ${carProductId}`.execute(w.database.db);
    expect(await versionOf("B")).not.toBe(b0);
    const renamed = (await metrics("monitor", "A")).json();
    expect(before.byProduct[0].name).not.toMatch(/^Renamed CAR/);
    expect(renamed.byProduct[0].name).toMatch(/^Renamed CAR \(/);
  });
});
