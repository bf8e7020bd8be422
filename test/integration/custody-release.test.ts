/**
 * Chain of custody and release over HTTP on a real database (shared/domain/workflow-standards.md
 * §1.5, §2.7, §3; issue 4): a logger excursion quarantines the product and nothing else; QA alone
 * returns it with a signed decision; QC results declare a bag OOS with the failed attributes, or
 * leave it awaiting QA's signed release; an OOS bag ships only with an exception signed by an
 * investigator and QA, two different people; the generic event endpoint refuses quality
 * decisions; roles, sites and bad input. (The signatures' own refusals: signatures.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../src/services/sites.ts";
import { sig } from "../support/bags.ts";
import { roleForStep } from "../support/product-step-role.ts";
import { passingResults } from "../support/qc-results.ts";
import { recordWeight, specifyRelease } from "../support/release.ts";
import { makeSlot } from "../support/slots.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
let studyId: string;
let slotId: string;
const clock = Date.parse("2026-03-02T08:00:00Z");

const count = (
  table:
    | "qc_results"
    | "custody_handoffs"
    | "logger_uploads"
    | "temperature_readings"
    | "product_events"
    | "release_evaluations"
    | "electronic_signatures"
    | "audit_events",
) => w.rowCount(table);

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
const unit = async (id: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/product-units/${id}`)).json();

/** A patient of 70 kg on DL1 whose collection is on its way to the manufacturer. */
async function collectionInTransit() {
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1976,
      sex: "female",
    })
  ).json();
  const enrolment = (
    await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId,
      armCode: "LYM",
      doseLevelCode: "DL1",
      consentDate: "2026-01-20",
      consentVersion: "1",
    })
  ).json();
  await recordWeight(w, patient.id, 70, "2026-02-01T08:00:00Z");
  const journeyId = (
    await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolment.id}/journey`)
  ).json().id as string;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", manufacturingSlotId: slotId },
    { type: "record-apheresis" },
  ])
    await journeyMove(journeyId, body);
  const collection = (
    await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journeyId}/collections`, {
      productCode: "S1234V00",
    })
  ).json();
  await journeyMove(journeyId, { type: "hand-to-courier" });
  await productMove(collection.id, "ship-to-manufacturer");
  return { patientId: patient.id as string, journeyId, collectionId: collection.id as string };
}

/** …and then made into a final-product bag waiting for QC. */
async function bagInQc(o: { completeManufacture?: boolean } = {}) {
  const c = await collectionInTransit();
  for (const t of ["receive-at-manufacturer", "start-manufacture"]) await productMove(c.collectionId, t);
  const bag = (
    await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${c.collectionId}/final-products`, {
      productCode: "S5678V00",
      thawStabilityMinutes: 60,
    })
  ).json();
  if (o.completeManufacture !== false) await productMove(bag.id, "complete-manufacture");
  return { ...c, bagId: bag.id as string };
}

const enterQc = (
  bagId: string,
  results: unknown,
  role: "quality" | "manufacturing" | "monitor" = "quality",
  site: "A" | "B" = "A",
) => w.call(role, site, "POST", `/api/v1/product-units/${bagId}/qc-results`, { results });

/** Readings every 5 min from 08:00 at the temperatures given. */
const readings = (temps: number[]) =>
  temps.map((celsius, i) => ({
    at: new Date(Date.parse("2026-03-01T08:00:00Z") + i * 300_000).toISOString(),
    celsius,
  }));

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
  const study = await w.call("investigator", "A", "POST", "/api/v1/studies", {
    leadSiteId: w.sites.A,
    title: "Compound CAR",
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
  });
  expect(study.statusCode, study.body).toBe(201);
  studyId = study.json().id;
  const { carProductId } = await specifyRelease(w, studyId);
  slotId = (
    await makeSlot(w, carProductId, { startsOn: "2026-03-10", collectionWindowDays: 30, capacity: 50 })
  ).id;
});
afterAll(() => w.close());

describe("custody", () => {
  it("records a hand-off with shipper and logger, lists it and shows it on the timeline", async () => {
    const c = await collectionInTransit();
    const res = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/hand-offs`,
      {
        fromParty: "Apheresis unit, site A",
        toParty: "World Courier",
        place: "Site A apheresis unit",
        at: "2026-03-01T07:55:00Z",
        shipperId: "SHIP-0042",
        loggerId: "LOG-7",
        conditionNote: "seal intact, 4 °C on the display",
      },
    );
    expect(res.statusCode, res.body).toBe(201);
    const custody = (
      await w.call("monitor", "A", "GET", `/api/v1/product-units/${c.collectionId}/custody`)
    ).json();
    expect(custody.handOffs).toHaveLength(1);
    expect(custody.handOffs[0]).toMatchObject({
      toParty: "World Courier",
      shipperId: "SHIP-0042",
      loggerId: "LOG-7",
    });
    const timeline = (
      await w.call(
        "coordinator",
        "A",
        "GET",
        `/api/v1/patients/${c.patientId}/timeline?kinds=custody-handoff`,
      )
    ).json();
    expect(timeline.items.map((i: { summary: string }) => i.summary)).toEqual([
      expect.stringContaining("handed from Apheresis unit, site A to World Courier"),
    ]);
  });

  it("a trace within range changes nothing", async () => {
    const c = await collectionInTransit();
    const before = await unit(c.collectionId);
    const res = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/logger-readings`,
      {
        loggerId: "LOG-7",
        readings: readings([4, 2, 8, 5]),
      },
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      quarantine: "not-needed",
      upload: { verdict: "within-range", readingCount: 4 },
    });
    expect(await unit(c.collectionId)).toEqual(before);
  });

  it("an excursion quarantines the product in the same transaction, and nothing else changes", async () => {
    const c = await collectionInTransit();
    const journeyBefore = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${c.journeyId}`)).json();
    const [events, handoffs, qc] = [
      await count("product_events"),
      await count("custody_handoffs"),
      await count("qc_results"),
    ];
    // 2–8 °C apheresis range from the specification: 8.5 °C from 08:10 until 08:20.
    const res = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/logger-readings`,
      {
        loggerId: "LOG-7",
        readings: readings([5, 6, 8.5, 9.1, 7]),
      },
    );
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.quarantine).toBe("quarantined");
    expect(body.product).toMatchObject({
      state: "quarantined",
      quarantinedFrom: "in-transit-to-manufacturer",
    });
    expect(body.upload.excursions).toEqual([
      expect.objectContaining({ direction: "above", durationMinutes: 10, extremeC: 9.1, tolerated: false }),
    ]);
    const history = (
      await w.call("monitor", "A", "GET", `/api/v1/product-units/${c.collectionId}/events`)
    ).json().items;
    expect(history.at(-1)).toMatchObject({ type: "quarantine", toState: "quarantined" });
    expect(history.at(-1).payload.reason).toContain("logger LOG-7");
    expect(history.at(-1).payload.reason).toContain("9.1 °C");
    // Only the quarantine event and the upload were written: the journey, hand-offs and QC are untouched.
    expect(await count("product_events")).toBe(events + 1);
    expect(await count("custody_handoffs")).toBe(handoffs);
    expect(await count("qc_results")).toBe(qc);
    expect((await w.call("monitor", "A", "GET", `/api/v1/journeys/${c.journeyId}`)).json()).toEqual(
      journeyBefore,
    );
    const timeline = (
      await w.call(
        "coordinator",
        "A",
        "GET",
        `/api/v1/patients/${c.patientId}/timeline?kinds=temperature-log`,
      )
    ).json();
    expect(timeline.items[0].summary).toContain("excursion, quarantined");

    // A second trace of the same excursion leaves the quarantined product where it is.
    const again = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/logger-readings`,
      {
        loggerId: "LOG-8",
        readings: readings([9, 9]),
      },
    );
    expect(again.json().quarantine).toBe("already-quarantined");

    // QA decides; manufacturing cannot, nor can the generic event endpoint.
    const decision = {
      decision: "release",
      reason: "stability data cover 10 min at 9 °C",
      signatures: [sig(w, "quality", "A", "released from quarantine")],
    };
    const url = `/api/v1/product-units/${c.collectionId}/quarantine-decisions`;
    const manufacturing = {
      ...decision,
      signatures: [sig(w, "manufacturing", "A", "released from quarantine")],
    };
    expect((await w.call("manufacturing", "A", "POST", url, manufacturing)).statusCode).toBe(403);
    const otherSite = { ...decision, signatures: [sig(w, "quality", "B", "released from quarantine")] };
    expect((await w.call("quality", "B", "POST", url, otherSite)).statusCode).toBe(404);
    const generic = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/events`,
      {
        type: "release-from-quarantine",
        qaDecision: { userId: "qa-1", role: "qa", signedAt: "2026-03-01T10:00:00Z" },
      },
    );
    expect(generic.statusCode).toBe(422);
    expect(generic.json().rule).toBe("V2V-PRODUCT-QUALITY-DECISION-ONLY");
    const ok = await w.call("quality", "A", "POST", url, decision);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: "in-transit-to-manufacturer", quarantinedFrom: null });
    const qaUser = (await w.as("quality", "A")).actor.userId;
    const last = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${c.collectionId}/events`))
      .json()
      .items.at(-1);
    expect(last.payload.qaDecision).toEqual({
      userId: qaUser,
      role: "qa",
      signedAt: new Date(clock).toISOString(),
    });
    // No longer quarantined: a second decision is refused.
    expect((await w.call("quality", "A", "POST", url, decision)).json().rule).toBe(
      "V2V-PRODUCT-NOT-QUARANTINED",
    );
  });

  it("refuses bad custody input naming every field, and writes nothing", async () => {
    const c = await collectionInTransit();
    const [h, u, r] = [
      await count("custody_handoffs"),
      await count("logger_uploads"),
      await count("temperature_readings"),
    ];
    const bad = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/hand-offs`,
      {
        fromParty: "",
        place: "dock",
        at: "yesterday",
      },
    );
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((i: { pointer: string }) => i.pointer)
        .sort(),
    ).toEqual(["/at", "/fromParty", "/toParty"]);
    const dup = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/logger-readings`,
      {
        loggerId: "LOG-7",
        readings: [readings([5])[0], readings([5])[0]],
        range: { minC: 8, maxC: 2 },
      },
    );
    expect(dup.statusCode).toBe(400);
    expect(
      dup
        .json()
        .errors.map((i: { pointer: string }) => i.pointer)
        .sort(),
    ).toEqual(["/range/maxC", "/readings/1/at"]);
    const cold = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${c.collectionId}/logger-readings`,
      {
        readings: [{ at: "2026-03-01T09:00:00Z", celsius: "cold" }],
      },
    );
    expect(cold.statusCode).toBe(400);
    expect(
      cold
        .json()
        .errors.map((i: { pointer: string }) => i.pointer)
        .sort(),
    ).toEqual(["/loggerId", "/readings/0/celsius"]);
    expect([
      await count("custody_handoffs"),
      await count("logger_uploads"),
      await count("temperature_readings"),
    ]).toEqual([h, u, r]);
    expect((await unit(c.collectionId)).state).toBe("in-transit-to-manufacturer");
  });

  it("lets manufacturing record custody, not monitors, and hides other sites' products", async () => {
    const c = await collectionInTransit();
    const handOff = { fromParty: "a", toParty: "b", place: "c", at: "2026-03-01T08:00:00Z" };
    const url = `/api/v1/product-units/${c.collectionId}/hand-offs`;
    expect((await w.call("monitor", "A", "POST", url, handOff)).statusCode).toBe(403);
    expect((await w.call("quality", "A", "POST", url, handOff)).statusCode).toBe(403);
    expect((await w.call("manufacturing", "B", "POST", url, handOff)).statusCode).toBe(404);
    const logger = { loggerId: "L", readings: readings([5]) };
    expect(
      (
        await w.call(
          "monitor",
          "A",
          "POST",
          `/api/v1/product-units/${c.collectionId}/logger-readings`,
          logger,
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await w.call("monitor", "A", "GET", `/api/v1/product-units/${c.collectionId}/custody`)).statusCode,
    ).toBe(200);
    expect(
      (await w.call("monitor", "B", "GET", `/api/v1/product-units/${c.collectionId}/custody`)).statusCode,
    ).toBe(404);
  });
});

const qaRelease = (bagId: string) =>
  w.call("quality", "A", "POST", `/api/v1/product-units/${bagId}/release`, {
    signatures: [sig(w, "quality", "A", "released")],
  });

describe("QC results and QA release", () => {
  it("evaluates results entered during manufacture once the bag reaches QC; QA then releases it", async () => {
    const b = await bagInQc({ completeManufacture: false });
    const early = await enterQc(b.bagId, passingResults(7e7));
    expect(early.statusCode, early.body).toBe(201);
    // Complete, but the bag is still in manufacture: nothing is applied yet.
    expect(early.json()).toMatchObject({
      applied: null,
      releaseState: "in-manufacture",
      evaluation: { outcome: "meets-specification" },
    });
    await productMove(b.bagId, "complete-manufacture");
    const url = `/api/v1/product-units/${b.bagId}/release-evaluations`;
    const res = await w.call("quality", "A", "POST", url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      applied: null,
      releaseState: "awaiting-qa-release",
      product: { state: "qc-pending" },
    });
    const released = await qaRelease(b.bagId);
    expect(released.statusCode, released.body).toBe(201);
    expect(released.json()).toMatchObject({ product: { state: "released" } });
  });

  it("a logger excursion on a bag in QC is recorded but cannot quarantine it", async () => {
    const b = await bagInQc();
    const res = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${b.bagId}/logger-readings`,
      {
        loggerId: "LN2-FREEZER-3",
        // the spec's final-product range is −196 to −150 °C, sampled at most every 30 min
        readings: readings([-190, -140, -190]),
      },
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      quarantine: "not-possible-in-this-state",
      upload: { verdict: "excursion", quarantined: false },
      product: { state: "qc-pending" },
    });
  });

  it("a QC-pending bag meeting every criterion awaits QA, whose signed release keeps the evaluation", async () => {
    const b = await bagInQc();
    // Incomplete first: sterility still growing, the bag stays QC-pending.
    const partial = await enterQc(
      b.bagId,
      passingResults(7e7).filter((r) => r.attribute !== "sterility"),
    );
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({
      applied: null,
      product: { state: "qc-pending" },
      evaluation: { outcome: "incomplete", missingAttributes: ["sterility"] },
    });
    const decisions = await count("release_evaluations");
    const res = await enterQc(b.bagId, [
      {
        attribute: "sterility",
        valueCode: "negative",
        method: "BACTEC culture",
        testedAt: "2026-02-27T09:00:00Z",
      },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      applied: null,
      product: { state: "qc-pending" },
      evaluation: { outcome: "meets-specification" },
      releaseState: "awaiting-qa-release",
    });
    expect(await count("release_evaluations")).toBe(decisions);
    expect((await qaRelease(b.bagId)).statusCode).toBe(201);
    expect(await count("release_evaluations")).toBe(decisions + 1);
    const status = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${b.bagId}/release`)).json();
    expect(status.decisions).toEqual([expect.objectContaining({ outcome: "released" })]);
    expect(status.release.signatures).toEqual([expect.objectContaining({ meaning: "released" })]);
    expect(status.results).toHaveLength(7);
    // The journey can now move on.
    expect((await journeyMove(b.journeyId, { type: "product-released" })).state).toBe("pre-ld-check");
  });

  it("declares a bag OOS when one criterion fails, naming it; dose short of DL1 × 70 kg fails too", async () => {
    const b = await bagInQc();
    const results = passingResults(6.9e7).map((r) =>
      r.attribute === "viability" ? { ...r, valueNumber: 65 } : r,
    );
    const res = await enterQc(b.bagId, results);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      applied: "declare-oos",
      product: { state: "out-of-specification" },
      evaluation: { outcome: "out-of-specification", failedAttributes: ["viability", "dose-sufficiency"] },
    });
    const last = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${b.bagId}/events`))
      .json()
      .items.at(-1);
    expect(last).toMatchObject({
      type: "declare-oos",
      payload: { failedAttributes: ["viability", "dose-sufficiency"] },
    });
  });

  it("refuses release and declare-oos on the generic event endpoint, naming the rule", async () => {
    const b = await bagInQc();
    for (const body of [
      { type: "release", qcAllPassed: true },
      { type: "declare-oos", failedAttributes: ["viability"] },
    ]) {
      const res = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${b.bagId}/events`, body);
      expect(res.statusCode).toBe(422);
      expect(res.json().rule).toBe("V2V-PRODUCT-QUALITY-DECISION-ONLY");
    }
    expect((await unit(b.bagId)).state).toBe("qc-pending");
  });

  it("lets quality enter QC results, not manufacturing or monitors, and hides other sites' bags", async () => {
    const b = await bagInQc();
    const before = await count("qc_results");
    const one = passingResults(7e7).slice(0, 1);
    expect((await enterQc(b.bagId, one, "manufacturing")).statusCode).toBe(403);
    expect((await enterQc(b.bagId, one, "monitor")).statusCode).toBe(403);
    expect((await enterQc(b.bagId, one, "quality", "B")).statusCode).toBe(404);
    expect(
      (await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${b.bagId}/release-evaluations`))
        .statusCode,
    ).toBe(403);
    expect(await count("qc_results")).toBe(before);
    expect((await enterQc(b.bagId, one, "quality")).statusCode).toBe(201);
  });

  it("refuses bad QC input naming every field, and writes nothing", async () => {
    const b = await bagInQc();
    const [qc, audit] = [await count("qc_results"), await count("audit_events")];
    const res = await enterQc(b.bagId, [
      {
        attribute: "viability",
        valueNumber: 120,
        unit: "%",
        method: "trypan blue",
        testedAt: "2026-02-20T09:00:00Z",
      },
      { attribute: "sterility", valueNumber: 0, method: "culture", testedAt: "2026-02-20T09:00:00Z" },
      { attribute: "potency", valueNumber: 1, unit: "%", method: "x", testedAt: "2026-02-20T09:00:00Z" },
      { attribute: "endotoxin", valueNumber: 0.1, unit: "EU/h", method: "LAL", testedAt: "2026-02-20" },
    ]);
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((i: { pointer: string }) => i.pointer)
        .sort(),
    ).toEqual([
      "/results/0/valueNumber",
      "/results/1/valueCode",
      "/results/1/valueNumber",
      "/results/2/attribute",
      "/results/3/testedAt",
      "/results/3/unit",
    ]);
    expect([await count("qc_results"), await count("audit_events")]).toEqual([qc, audit]);
    expect((await unit(b.bagId)).state).toBe("qc-pending");
  });

  it("lets only the study's lead-site investigators write the specification, and checks it", async () => {
    const car = (await w.call("monitor", "A", "GET", `/api/v1/products?studyId=${studyId}`)).json().items[0];
    const spec = {
      carProductId: car.id,
      criteria: [{ attribute: "viability", operator: ">=", limit: 70, unit: "%", source: "protocol 3.2" }],
    };
    expect((await w.call("coordinator", "A", "POST", "/api/v1/release-specs", spec)).statusCode).toBe(403);
    expect((await w.call("quality", "A", "POST", "/api/v1/release-specs", spec)).statusCode).toBe(403);
    const bad = await w.call("investigator", "A", "POST", "/api/v1/release-specs", {
      ...spec,
      criteria: [{ attribute: "endotoxin", operator: "<=", limit: 5, unit: "EU/h", source: "x" }],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((i: { pointer: string }) => i.pointer)
        .sort(),
    ).toEqual(["/criteria/0/source", "/criteria/0/unit"]);
    const current = (await w.call("monitor", "A", "GET", `/api/v1/products/${car.id}/release-spec`)).json();
    expect(current.revision).toBe(1);
  });
});

describe("OOS exception: investigator and QA, two different people", () => {
  async function oosBag() {
    const b = await bagInQc();
    const results = passingResults(7e7).map((r) =>
      r.attribute === "car-positive" ? { ...r, valueNumber: 15 } : r,
    );
    expect((await enterQc(b.bagId, results)).json().product.state).toBe("out-of-specification");
    return b;
  }
  const sign = (
    bagId: string,
    role: "investigator" | "quality" | "coordinator",
    body: Record<string, unknown>,
  ) => w.call(role, "A", "POST", `/api/v1/product-units/${bagId}/oos-exception/signatures`, body);
  const invSig = () => ({ ...sig(w, "investigator", "A", "approved deviation"), capacity: "investigator" });
  const qaSig = () => ({ ...sig(w, "quality", "A", "approved deviation"), capacity: "qa" });
  const ship = (bagId: string, extra: Record<string, unknown> = {}) =>
    w.call("manufacturing", "A", "POST", `/api/v1/product-units/${bagId}/events`, {
      type: "ship-to-site",
      ...extra,
    });

  it("ships only after both signatures, each recorded with its time", async () => {
    const b = await oosBag();
    expect((await ship(b.bagId)).json().rule).toBe("V2V-OOS-EXCEPTION-REQUIRED");
    // An exception the client writes into the event counts for nothing.
    const forged = await ship(b.bagId, {
      oosException: {
        rationale: "r",
        signatures: [
          { userId: "u1", role: "investigator", signedAt: "2026-03-01T10:00:00Z" },
          { userId: "u2", role: "qa", signedAt: "2026-03-01T10:00:00Z" },
        ],
      },
    });
    expect(forged.json().rule).toBe("V2V-OOS-EXCEPTION-REQUIRED");

    const noRationale = await sign(b.bagId, "investigator", { signatures: [invSig()] });
    expect(noRationale.statusCode).toBe(400);
    expect(noRationale.json().errors[0].pointer).toBe("/rationale");
    const inv = await sign(b.bagId, "investigator", {
      rationale: "CAR+ 15 % against 20 %: dose still reached, risk discussed with the manufacturer",
      signatures: [invSig()],
    });
    expect(inv.statusCode, inv.body).toBe(201);
    expect(inv.json().complete).toBe(false);
    // Investigator signed, QA not yet: still refused.
    expect((await ship(b.bagId)).json().rule).toBe("V2V-OOS-EXCEPTION-NEEDS-QA");
    // Capacities are checked against site roles.
    expect(
      (await sign(b.bagId, "investigator", { signatures: [{ ...invSig(), capacity: "qa" }] })).statusCode,
    ).toBe(403);
    expect(
      (
        await sign(b.bagId, "quality", {
          signatures: [{ ...qaSig(), capacity: "investigator" }],
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await sign(b.bagId, "coordinator", {
          signatures: [{ ...sig(w, "coordinator", "A", "approved deviation"), capacity: "investigator" }],
        })
      ).statusCode,
    ).toBe(403);
    const qa = await sign(b.bagId, "quality", { signatures: [qaSig()] });
    expect(qa.statusCode, qa.body).toBe(201);
    const ids = {
      inv: (await w.as("investigator", "A")).actor.userId,
      qa: (await w.as("quality", "A")).actor.userId,
    };
    const at = new Date(clock).toISOString();
    expect(qa.json()).toMatchObject({
      complete: true,
      signatures: [
        { userId: ids.inv, role: "investigator", signedAt: at },
        { userId: ids.qa, role: "qa", signedAt: at },
      ],
    });
    expect((await sign(b.bagId, "quality", { signatures: [qaSig()] })).statusCode).toBe(409);
    // Anyone who may read the study sees the same decision, with the electronic signatures behind it.
    const read = await w.call("monitor", "A", "GET", `/api/v1/product-units/${b.bagId}/oos-exception`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual(qa.json());
    expect(read.json().electronicSignatures.map((s: { meaning: string }) => s.meaning)).toEqual([
      "approved deviation",
      "approved deviation",
    ]);
    const shipped = await ship(b.bagId);
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json().state).toBe("in-transit-to-site");
    const stored = await w.database.db
      .selectFrom("product_units")
      .select("oos_exception")
      .where("id", "=", b.bagId)
      .executeTakeFirstOrThrow();
    expect((stored.oos_exception as { signatures: unknown[] }).signatures).toHaveLength(2);
    expect((await journeyMove(b.journeyId, { type: "product-released" })).state).toBe("pre-ld-check");
  });

  it("refuses the same person signing as investigator and as QA", async () => {
    const b = await oosBag();
    await createUser(w.system, {
      username: "dual-a",
      displayName: "Investigator and QA at A",
      password: PASSWORD,
      memberships: [
        { siteId: w.sites.A, role: "investigator" },
        { siteId: w.sites.A, role: "quality" },
      ],
    });
    const login = await w.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "dual-a", password: PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = login.headers["set-cookie"];
    const csrf = login.json().csrfToken;
    const dual = (body: Record<string, unknown>) =>
      w.app.inject({
        method: "POST",
        url: `/api/v1/product-units/${b.bagId}/oos-exception/signatures`,
        headers: {
          cookie: String(Array.isArray(cookie) ? cookie[0] : cookie).split(";")[0]!,
          "x-csrf-token": csrf,
        },
        payload: body,
      });
    const dualSig = (capacity: string) => ({
      username: "dual-a",
      password: PASSWORD,
      meaning: "approved deviation",
      capacity,
    });
    const first = await dual({
      rationale: "risk assessed with the manufacturer",
      signatures: [dualSig("investigator")],
    });
    expect(first.statusCode, first.body).toBe(201);
    const signatures = await count("electronic_signatures");
    const second = await dual({ signatures: [dualSig("qa")] });
    expect(second.statusCode).toBe(422);
    expect(second.json().rule).toBe("V2V-OOS-EXCEPTION-SAME-SIGNER");
    expect(await count("electronic_signatures")).toBe(signatures);
    expect((await ship(b.bagId)).json().rule).toBe("V2V-OOS-EXCEPTION-NEEDS-QA");
  });

  it("signs only for an out-of-specification bag", async () => {
    const b = await bagInQc();
    const res = await sign(b.bagId, "investigator", { rationale: "not needed", signatures: [invSig()] });
    expect(res.statusCode).toBe(422);
    expect(res.json().rule).toBe("V2V-OOS-EXCEPTION-NEEDS-OOS-PRODUCT");
  });
});
