/**
 * The vein-to-vein journey over HTTP on a real database: every legal move from referral to
 * completion with the product that makes each one possible, illegal moves refused with the rule
 * that refuses them and nothing written, stale versions, site scoping, and DIN / chain-of-identity
 * allocation (shared/domain/workflow-standards.md §1.3–§1.5, §2.6).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dinCheckCharacter, mod37_2CheckCharacter, parseCoiId, parseDin } from "../../src/domain/isbt128.ts";
import { RESEARCH_SUBJECT_STATUS } from "../../src/domain/vein-to-vein.ts";
import { bedsideSignatures, sig } from "../support/bags.ts";
import { roleForStep } from "../support/product-step-role.ts";
import { passingResults } from "../support/qc-results.ts";
import { CRITERIA_WITHOUT_DOSE, releaseThroughQc, specifyRelease } from "../support/release.ts";
import { makeCarProduct, makeSlot } from "../support/slots.ts";
import { joinStudy } from "../support/study-sites.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let studyId: string;
/** apheresis needs a free manufacturing slot downstream: two roomy ones, for 2019-09-01 and 2019-09-08 */
let slotId: string;
let slot2Id: string;

async function newEnrolment(
  site: "A" | "B" = "A",
): Promise<{ enrolmentId: string; patientId: string; subjectCode: string }> {
  const patient = (
    await w.call("investigator", site, "POST", "/api/v1/patients", {
      siteId: w.sites[site],
      birthYear: 1976,
      sex: "female",
    })
  ).json();
  const res = await w.call("investigator", site, "POST", "/api/v1/enrolments", {
    patientId: patient.id,
    studyId,
    armCode: "LYM",
    consentDate: "2019-08-20",
    consentVersion: "1",
  });
  expect(res.statusCode, res.body).toBe(201);
  return { enrolmentId: res.json().id, patientId: patient.id, subjectCode: patient.subjectCode };
}

async function openJourney(site: "A" | "B" = "A") {
  const e = await newEnrolment(site);
  const res = await w.call("coordinator", site, "POST", `/api/v1/enrolments/${e.enrolmentId}/journey`);
  expect(res.statusCode, res.body).toBe(201);
  return { ...e, journey: res.json() as { id: string; version: number; state: string } };
}

const versions = new Map<string, number>();
async function move(journeyId: string, body: Record<string, unknown>, site: "A" | "B" = "A") {
  const v =
    versions.get(journeyId) ??
    (await w.call("monitor", site, "GET", `/api/v1/journeys/${journeyId}`)).json().version;
  const res = await w.call("coordinator", site, "POST", `/api/v1/journeys/${journeyId}/events`, body, {
    "if-match": `"${v}"`,
  });
  if (res.statusCode === 200) versions.set(journeyId, res.json().version);
  return res;
}
async function ok(journeyId: string, body: Record<string, unknown>, expectedState: string) {
  const res = await move(journeyId, body);
  expect(res.statusCode, `${body.type}: ${res.body}`).toBe(200);
  expect(res.json().state).toBe(expectedState);
  expect(res.json().researchSubjectStatus).toBe(
    RESEARCH_SUBJECT_STATUS[expectedState as keyof typeof RESEARCH_SUBJECT_STATUS],
  );
  return res.json();
}

/** Referral to apheresis with every fact the guards need, each move checked. */
async function walkToApheresed(j: string) {
  for (const [t, s] of [
    ["consult", "consulted"],
    ["sign-consent", "consented"],
    ["start-screening", "screening"],
    ["enrol", "enrolled"],
    ["book-apheresis", "apheresis-scheduled"],
    ["record-apheresis", "apheresed"],
  ] as const)
    await ok(
      j,
      {
        type: t,
        scopes: ["trial"],
        pathway: "trial",
        eligibilityConfirmed: true,
        manufacturingSlotId: slotId,
        apheresisDate: "2019-09-01",
      },
      s,
    );
}

const productVersions = new Map<string, number>();
async function productMove(
  productId: string,
  body: Record<string, unknown>,
  role: "manufacturing" | "coordinator" = "manufacturing",
) {
  const res = await w.call(
    roleForStep(String(body.type), role),
    "A",
    "POST",
    `/api/v1/product-units/${productId}/events`,
    body,
  );
  expect(res.statusCode, `${body.type}: ${res.body}`).toBe(200);
  productVersions.set(productId, res.json().version);
  return res.json();
}

const count = (table: "journey_events" | "audit_events" | "product_events" | "journeys") => w.rowCount(table);

/** Expects a refusal by `rule` and proves nothing was written. */
async function refused(journeyId: string, body: Record<string, unknown>, rule: string) {
  const before = [await count("journey_events"), await count("audit_events"), await count("product_events")];
  const state = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json();
  const res = await move(journeyId, body);
  expect(res.statusCode, res.body).toBe(422);
  expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
  expect(res.json().rule).toBe(rule);
  expect(res.body).toContain(rule);
  expect([await count("journey_events"), await count("audit_events"), await count("product_events")]).toEqual(
    before,
  );
  const after = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json();
  expect({ state: after.state, version: after.version }).toEqual({
    state: state.state,
    version: state.version,
  });
}

beforeAll(async () => {
  w = await buildWorld();
  const study = await w.call("investigator", "A", "POST", "/api/v1/studies", {
    leadSiteId: w.sites.A,
    title: "cCAR",
    shortName: "cCAR",
    phase: "phase-1",
    status: "active",
    arms: [{ code: "LYM", name: "Lymphoma" }],
  });
  expect(study.statusCode, study.body).toBe(201);
  await joinStudy(w, study.json().id, "B");
  studyId = study.json().id;
  const product = await makeCarProduct(w, studyId);
  slotId = (await makeSlot(w, product.id, { startsOn: "2019-09-02", collectionWindowDays: 3, capacity: 500 }))
    .id;
  slot2Id = (
    await makeSlot(w, product.id, { startsOn: "2019-09-09", collectionWindowDays: 3, capacity: 500 })
  ).id;
  // Bags are released from QC results against this specification; these enrolments name no dose level.
  await specifyRelease(w, studyId, { carProductId: product.id, criteria: CRITERIA_WITHOUT_DOSE });
});
afterAll(() => w.close());

describe("the whole journey, referral to completion", () => {
  it("takes every legal move over HTTP, each with the product facts it needs, and refuses the illegal ones on the way", async () => {
    const { journey, subjectCode } = await openJourney();
    expect(journey.state).toBe("referred");
    const got = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journey.id}`)).json();
    expect(got).toMatchObject({ state: "referred", researchSubjectStatus: "potential-candidate" });
    expect(got.allowedEvents).toContain("consult");
    const j = journey.id;

    await refused(j, { type: "infuse" }, "V2V-OUT-OF-SEQUENCE");
    await ok(j, { type: "consult" }, "consulted");
    await refused(j, { type: "sign-consent", scopes: ["registry"] }, "V2V-CONSENT-NEEDS-TREATMENT-SCOPE");
    await ok(j, { type: "sign-consent", scopes: ["trial", "registry"] }, "consented");
    await ok(j, { type: "start-screening" }, "screening");
    await refused(j, { type: "fail-screening", failedCriteria: [] }, "V2V-SCREEN-FAIL-NEEDS-CRITERIA");
    await refused(j, { type: "enrol", pathway: "trial" }, "V2V-ENROL-NEEDS-ELIGIBILITY");
    await ok(j, { type: "enrol", pathway: "trial", eligibilityConfirmed: true }, "enrolled");
    await refused(j, { type: "book-apheresis" }, "V2V-APHERESIS-NEEDS-SLOT");
    await ok(
      j,
      { type: "book-apheresis", manufacturingSlotId: slotId, apheresisDate: "2019-09-01" },
      "apheresis-scheduled",
    );
    await ok(
      j,
      { type: "reschedule-apheresis", manufacturingSlotId: slot2Id, apheresisDate: "2019-09-08" },
      "apheresis-scheduled",
    );
    await ok(j, { type: "record-apheresis" }, "apheresed");

    // The collection: DIN and chain-of-identity id allocated.
    const col = await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${j}/collections`, {
      productCode: "S1234V00",
    });
    expect(col.statusCode, col.body).toBe(201);
    const collection = col.json();
    expect(collection.state).toBe("collected");
    expect(parseDin(collection.din).ok).toBe(true);
    expect(collection.dinCheckCharacter).toBe(mod37_2CheckCharacter(collection.din));

    await ok(j, { type: "hand-to-courier" }, "awaiting-product");
    await ok(j, { type: "start-bridging", kind: "bridging" }, "bridging-or-washout");
    await ok(j, { type: "end-bridging" }, "awaiting-product");
    // No final product yet: the patient cannot move on.
    await refused(j, { type: "product-released" }, "V2V-RELEASE-NEEDS-DISPOSITION");

    await productMove(collection.id, { type: "ship-to-manufacturer" });
    await productMove(collection.id, { type: "receive-at-manufacturer" });
    await productMove(collection.id, { type: "start-manufacture" });
    const fp = await w.call(
      "manufacturing",
      "A",
      "POST",
      `/api/v1/product-units/${collection.id}/final-products`,
      {
        productCode: "S5678V00",
        thawStabilityMinutes: 90,
      },
    );
    expect(fp.statusCode, fp.body).toBe(201);
    const bag = fp.json();
    expect(bag.coiId).toBe(collection.coiId);
    expect(bag.din).not.toBe(collection.din);
    await productMove(bag.id, { type: "complete-manufacture" });
    // A client cannot claim a release the product has not had.
    await refused(
      j,
      { type: "product-released", product: { state: "released" } },
      "V2V-RELEASE-NEEDS-DISPOSITION",
    );
    await releaseThroughQc(w, bag.id, 7e7);
    await ok(j, { type: "product-released" }, "pre-ld-check");
    // Released but still at the manufacturer: lymphodepletion with no product available is refused.
    await refused(j, { type: "start-lymphodepletion", patientFit: true }, "V2V-LD-NEEDS-PRODUCT");
    await productMove(bag.id, { type: "ship-to-site" });
    await productMove(bag.id, { type: "receive-at-site" }, "coordinator");
    await refused(j, { type: "start-lymphodepletion", patientFit: false }, "V2V-LD-NEEDS-FIT");
    await ok(j, { type: "start-lymphodepletion", patientFit: true }, "lymphodepletion");
    await ok(j, { type: "complete-lymphodepletion" }, "pre-infusion-check");
    await refused(j, { type: "infuse" }, "V2V-INFUSE-NEEDS-THAWED-PRODUCT");
    await refused(j, { type: "defer-infusion" }, "V2V-DEFER-NEEDS-REASON");
    await ok(j, { type: "defer-infusion", reason: "fever on day 0" }, "infusion-deferred");
    await ok(j, { type: "resume-pre-infusion-check" }, "pre-infusion-check");

    const thawed = await productMove(bag.id, { type: "thaw" }, "coordinator");
    await refused(j, { type: "infuse" }, "V2V-INFUSE-NEEDS-BEDSIDE-CHECK");
    await refused(
      j,
      { type: "verify-at-bedside", verification: { passed: true, verifiedBy: ["x", "y"] } },
      "V2V-BEDSIDE-MISMATCH",
    );
    const check = await w.call(
      "coordinator",
      "A",
      "POST",
      `/api/v1/products/${bag.id}/bedside-verifications`,
      {
        signatures: bedsideSignatures(w),
        patientSubjectCode: subjectCode,
        coiId: bag.coiId,
        din: bag.din,
        dinCheckCharacter: bag.dinCheckCharacter,
        productCode: "S5678V00",
        thawedAt: thawed.thawedAt,
      },
    );
    expect(check.statusCode, check.body).toBe(201);
    await ok(j, { type: "verify-at-bedside" }, "pre-infusion-check");
    await ok(j, { type: "infuse" }, "infused");
    expect((await w.call("monitor", "A", "GET", `/api/v1/product-units/${bag.id}`)).json().state).toBe(
      "administered",
    );
    await ok(j, { type: "start-acute-monitoring" }, "acute-monitoring");
    await ok(j, { type: "start-follow-up" }, "follow-up");
    await ok(j, { type: "start-long-term-follow-up" }, "long-term-follow-up");
    await ok(j, { type: "complete" }, "completed");
    await refused(j, { type: "die" }, "V2V-TERMINAL-STATE");

    const history = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${j}/events`)).json().items;
    expect(history.map((e: { type: string }) => e.type)).toEqual([
      "consult",
      "sign-consent",
      "start-screening",
      "enrol",
      "book-apheresis",
      "reschedule-apheresis",
      "record-apheresis",
      "hand-to-courier",
      "start-bridging",
      "end-bridging",
      "product-released",
      "start-lymphodepletion",
      "complete-lymphodepletion",
      "defer-infusion",
      "resume-pre-infusion-check",
      "verify-at-bedside",
      "infuse",
      "start-acute-monitoring",
      "start-follow-up",
      "start-long-term-follow-up",
      "complete",
    ]);
    expect(history[0].fromState).toBe("referred");
    const productHistory = (
      await w.call("monitor", "A", "GET", `/api/v1/product-units/${bag.id}/events`)
    ).json().items;
    expect(productHistory.map((e: { type: string }) => e.type)).toEqual([
      "complete-manufacture",
      "release",
      "ship-to-site",
      "receive-at-site",
      "thaw",
      "administer",
    ]);
    for (const e of productHistory) expect(e.actor && e.at).toBeTruthy();
  });

  it("exits: screen failure, withdrawal, death and loss to follow-up", async () => {
    const a = (await openJourney()).journey.id;
    for (const [t, s] of [
      ["consult", "consulted"],
      ["sign-consent", "consented"],
      ["start-screening", "screening"],
    ] as const)
      await ok(a, t === "sign-consent" ? { type: t, scopes: ["treatment"] } : { type: t }, s);
    await ok(a, { type: "fail-screening", failedCriteria: ["ECOG > 1"] }, "screen-failed");
    const b = (await openJourney()).journey.id;
    await ok(b, { type: "withdraw", reason: "patient choice" }, "withdrawn");
    const c = (await openJourney()).journey.id;
    await ok(c, { type: "die" }, "died");
    await refused(c, { type: "consult" }, "V2V-TERMINAL-STATE");
    await refused(b, { type: "no-such-event" }, "V2V-UNKNOWN-EVENT");
  });
});

describe("versions and scoping", () => {
  it("refuses a stale If-Match with 412, a stale body version with 409 and no version with 428", async () => {
    const { journey } = await openJourney();
    const before = await count("journey_events");
    const stale = await w.call(
      "coordinator",
      "A",
      "POST",
      `/api/v1/journeys/${journey.id}/events`,
      { type: "consult" },
      { "if-match": '"7"' },
    );
    expect(stale.statusCode).toBe(412);
    const staleBody = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journey.id}/events`, {
      type: "consult",
      version: 9,
    });
    expect(staleBody.statusCode).toBe(409);
    const none = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journey.id}/events`, {
      type: "consult",
    });
    expect(none.statusCode).toBe(428);
    expect(await count("journey_events")).toBe(before);
    const good = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journey.id}/events`, {
      type: "consult",
      version: 1,
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.headers.etag).toBe('"2"');
  });

  it("answers 404 at another site, 403 to a monitor or manufacturing writing, and opens one journey per enrolment", async () => {
    const { journey, enrolmentId } = await openJourney();
    expect((await w.call("investigator", "B", "GET", `/api/v1/journeys/${journey.id}`)).statusCode).toBe(404);
    expect(
      (await w.call("investigator", "B", "GET", `/api/v1/journeys/${journey.id}/events`)).statusCode,
    ).toBe(404);
    expect(
      (
        await w.call("investigator", "B", "POST", `/api/v1/journeys/${journey.id}/events`, {
          type: "consult",
          version: 1,
        })
      ).statusCode,
    ).toBe(404);
    expect((await w.call("monitor", "A", "GET", `/api/v1/journeys/${journey.id}`)).statusCode).toBe(200);
    expect(
      (
        await w.call("monitor", "A", "POST", `/api/v1/journeys/${journey.id}/events`, {
          type: "consult",
          version: 1,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journey.id}/events`, {
          type: "consult",
          version: 1,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await w.call("monitor", "A", "POST", `/api/v1/enrolments/${enrolmentId}/journey`)).statusCode,
    ).toBe(403);
    expect(
      (await w.call("coordinator", "B", "POST", `/api/v1/enrolments/${enrolmentId}/journey`)).statusCode,
    ).toBe(404);
    expect(
      (await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolmentId}/journey`)).statusCode,
    ).toBe(409);
  });
});

describe("DIN and chain of identity", () => {
  it("computes the published check character G123498654321 → H", () => {
    expect(dinCheckCharacter("G123498654321")).toBe("H");
  });

  it("allocates unique DINs with valid check characters, one CoI per journey, shared by every unit", async () => {
    const dins: string[] = [];
    const cois: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { journey } = await openJourney();
      for (const [t, s] of [
        ["consult", "consulted"],
        ["sign-consent", "consented"],
        ["start-screening", "screening"],
        ["enrol", "enrolled"],
        ["book-apheresis", "apheresis-scheduled"],
        ["record-apheresis", "apheresed"],
      ] as const)
        await ok(
          journey.id,
          {
            type: t,
            scopes: ["trial"],
            pathway: "trial",
            eligibilityConfirmed: true,
            manufacturingSlotId: slotId,
            apheresisDate: "2019-09-01",
          },
          s,
        );
      const col = (
        await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journey.id}/collections`, {
          productCode: "S1234V00",
        })
      ).json();
      for (const t of ["ship-to-manufacturer", "receive-at-manufacturer", "start-manufacture"])
        await productMove(col.id, { type: t });
      const bags = [];
      for (let b = 0; b < 2; b++)
        bags.push(
          (
            await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${col.id}/final-products`, {
              productCode: "S5678V00",
              thawStabilityMinutes: 60,
            })
          ).json(),
        );
      for (const u of [col, ...bags]) {
        const parsed = parseDin(u.din);
        expect(parsed.ok, u.din).toBe(true);
        expect(u.dinCheckCharacter).toBe(dinCheckCharacter(u.din));
        expect(u.coiId).toBe(col.coiId);
        expect(parseCoiId(u.coiId).ok).toBe(true);
        dins.push(u.din);
      }
      cois.push(col.coiId);
      const units = (
        await w.call("monitor", "A", "GET", `/api/v1/journeys/${journey.id}/product-units`)
      ).json().items;
      expect(units).toHaveLength(3);
    }
    expect(new Set(dins).size).toBe(dins.length);
    expect(new Set(cois).size).toBe(cois.length);
  });

  it("keeps a remanufacture after failure on the same chain of identity", async () => {
    const { journey } = await openJourney();
    const j = journey.id;
    await walkToApheresed(j);
    const first = (
      await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${j}/collections`, {
        productCode: "S1234V00",
      })
    ).json();
    await ok(j, { type: "hand-to-courier" }, "awaiting-product");
    for (const t of ["ship-to-manufacturer", "receive-at-manufacturer"])
      await productMove(first.id, { type: t });
    await productMove(first.id, { type: "declare-failed", reason: "insufficient expansion" });
    const after = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${first.id}/events`, {
      type: "start-manufacture",
    });
    expect(after.statusCode).toBe(422);
    expect(after.json().rule).toBe("V2V-PRODUCT-TERMINAL-STATE");
    const failed = await ok(
      j,
      { type: "manufacturing-failed", reason: "insufficient expansion" },
      "re-apheresis",
    );
    expect(failed.effects).toContainEqual({
      type: "remanufacture-on-same-coi",
      reason: "insufficient expansion",
    });
    await ok(
      j,
      { type: "book-apheresis", manufacturingSlotId: slot2Id, apheresisDate: "2019-09-08" },
      "apheresis-scheduled",
    );
    await ok(j, { type: "record-apheresis" }, "apheresed");
    const second = (
      await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${j}/collections`, {
        productCode: "S1234V00",
      })
    ).json();
    expect(second.coiId).toBe(first.coiId);
    expect(second.din).not.toBe(first.din);
  });

  it("quarantines on an excursion and returns the product only on a QA decision, to where it was", async () => {
    const { journey } = await openJourney();
    const j = journey.id;
    await walkToApheresed(j);
    const col = (
      await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${j}/collections`, {
        productCode: "S1234V00",
      })
    ).json();
    await productMove(col.id, { type: "ship-to-manufacturer" });
    const q = await productMove(col.id, { type: "quarantine", reason: "logger above −150 °C for 20 min" });
    expect(q).toMatchObject({ state: "quarantined", quarantinedFrom: "in-transit-to-manufacturer" });
    // Leaving quarantine is QA's decision (services/custody.ts), never a bare event.
    const bare = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${col.id}/events`, {
      type: "release-from-quarantine",
      returnTo: "stored-at-site",
      qaDecision: { userId: "qa-1", role: "qa", signedAt: "2026-01-01T00:00:00Z" },
    });
    expect(bare.statusCode).toBe(422);
    expect(bare.json().rule).toBe("V2V-PRODUCT-QUALITY-DECISION-ONLY");
    const back = await w.call(
      "quality",
      "A",
      "POST",
      `/api/v1/product-units/${col.id}/quarantine-decisions`,
      {
        decision: "release",
        reason: "logger trace reviewed, within validated hold",
        signatures: [sig(w, "quality", "A", "released from quarantine")],
      },
    );
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ state: "in-transit-to-manufacturer", quarantinedFrom: null });
    expect(
      (
        await w.call("monitor", "A", "POST", `/api/v1/product-units/${col.id}/events`, {
          type: "receive-at-manufacturer",
        })
      ).statusCode,
    ).toBe(403);
    expect((await w.call("manufacturing", "B", "GET", `/api/v1/product-units/${col.id}`)).statusCode).toBe(
      404,
    );
  });

  it("uses an out-of-specification product only with an exception signed by two different people (investigator and QA)", async () => {
    const { journey } = await openJourney();
    const j = journey.id;
    await walkToApheresed(j);
    const col = (
      await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${j}/collections`, {
        productCode: "S1234V00",
      })
    ).json();
    await ok(j, { type: "hand-to-courier" }, "awaiting-product");
    for (const t of ["ship-to-manufacturer", "receive-at-manufacturer", "start-manufacture"])
      await productMove(col.id, { type: t });
    const bag = (
      await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${col.id}/final-products`, {
        productCode: "S5678V00",
        thawStabilityMinutes: 60,
      })
    ).json();
    await productMove(bag.id, { type: "complete-manufacture" });
    // Viability 65 % against ≥ 70 %: the QC results declare the bag out of specification.
    const qc = await w.call("quality", "A", "POST", `/api/v1/product-units/${bag.id}/qc-results`, {
      results: passingResults(7e7).map((r) => (r.attribute === "viability" ? { ...r, valueNumber: 65 } : r)),
    });
    expect(qc.json()).toMatchObject({
      applied: "declare-oos",
      evaluation: { failedAttributes: ["viability"] },
    });
    await refused(j, { type: "product-released" }, "V2V-RELEASE-NEEDS-DISPOSITION");
    const ship = () =>
      w.call("manufacturing", "A", "POST", `/api/v1/product-units/${bag.id}/events`, {
        type: "ship-to-site",
      });
    const sign = (role: "investigator" | "quality", body: Record<string, unknown>) =>
      w.call(role, "A", "POST", `/api/v1/product-units/${bag.id}/oos-exception/signatures`, body);
    const before = await count("product_events");
    const none = await ship();
    expect(none.statusCode).toBe(422);
    expect(none.json().rule).toBe("V2V-OOS-EXCEPTION-REQUIRED");
    const inv = await sign("investigator", {
      rationale: "risk assessed",
      signatures: [{ ...sig(w, "investigator", "A", "approved deviation"), capacity: "investigator" }],
    });
    expect(inv.statusCode, inv.body).toBe(201);
    expect((await ship()).json().rule).toBe("V2V-OOS-EXCEPTION-NEEDS-QA");
    expect(await count("product_events")).toBe(before);
    const qa = await sign("quality", {
      signatures: [{ ...sig(w, "quality", "A", "approved deviation"), capacity: "qa" }],
    });
    expect(qa.statusCode, qa.body).toBe(201);
    const good = await ship();
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json().state).toBe("in-transit-to-site");
    await ok(j, { type: "product-released" }, "pre-ld-check");
  });
});
