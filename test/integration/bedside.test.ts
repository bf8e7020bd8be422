/**
 * Bedside verification (shared/domain/workflow-standards.md §2.6; issue 4): a mutation matrix in
 * which each scanned field is wrong on its own. Every one is a hard stop: 422 naming the field,
 * the attempt logged and committed, and no product or journey state changed. The dose case changes
 * the patient's latest weight so the bag no longer gives the dose level (±20 %,
 * src/domain/dose-check.ts). Both verifiers sign every attempt with their own passwords (the
 * refusals of the signatures themselves are in signatures.test.ts). Then the real check passes and
 * lets the infusion be recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mod37_2CheckCharacter } from "../../src/domain/isbt128.ts";
import { bedsideSignatures } from "../support/bags.ts";
import { roleForStep } from "../support/product-step-role.ts";
import { recordWeight, releaseThroughQc, specifyRelease } from "../support/release.ts";
import { makeSlot } from "../support/slots.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-03-02T08:00:00Z");
let journeyId: string;
let subjectCode: string;
let patientId: string;
let enrolmentId: string;
let bag: {
  id: string;
  din: string;
  dinCheckCharacter: string;
  coiId: string;
  productCode: string;
  thawedAt: string;
  version: number;
};
let valid: Record<string, unknown>;
let secondId: string;
let callerId: string;

const attempts = async (passed?: boolean) => {
  let q = w.database.db.selectFrom("bedside_attempts").select((eb) => eb.fn.countAll<number>().as("n"));
  if (passed !== undefined) q = q.where("passed", "=", passed);
  return Number((await q.executeTakeFirstOrThrow()).n);
};
const stateOf = async () => {
  const p = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${bag.id}`)).json();
  const j = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json();
  return { product: [p.state, p.version], journey: [j.state, j.version] };
};
const verify = (body: Record<string, unknown>, role: "coordinator" | "investigator" = "coordinator") =>
  w.call(role, "A", "POST", `/api/v1/products/${bag.id}/bedside-verifications`, body);

async function journeyMove(body: Record<string, unknown>) {
  const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json().version;
  return w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, { ...body, version: v });
}
async function productMove(id: string, type: string) {
  const res = await w.call(roleForStep(type), "A", "POST", `/api/v1/product-units/${id}/events`, {
    type,
  });
  expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
  return res.json();
}

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1976,
      sex: "female",
    })
  ).json();
  subjectCode = patient.subjectCode;
  patientId = patient.id;
  const study = (
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
  ).json();
  enrolmentId = (
    await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId: study.id,
      armCode: "LYM",
      doseLevelCode: "DL1",
      consentDate: "2026-01-20",
      consentVersion: "1",
    })
  ).json().id;
  journeyId = (await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolmentId}/journey`)).json()
    .id;
  const { carProductId } = await specifyRelease(w, study.id);
  // Apheresis is booked only with a free manufacturing slot downstream.
  const slot = await makeSlot(w, carProductId, { startsOn: "2026-02-02", collectionWindowDays: 3 });
  // 70 kg: a bag of 7 × 10⁷ CAR+ viable cells is exactly DL1.
  await recordWeight(w, patientId, 70, "2026-02-25T08:00:00Z");
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", manufacturingSlotId: slot.id, apheresisDate: "2026-02-01" },
    { type: "record-apheresis" },
  ])
    expect((await journeyMove(body)).statusCode).toBe(200);
  const col = (
    await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journeyId}/collections`, {
      productCode: "S1234V00",
    })
  ).json();
  expect((await journeyMove({ type: "hand-to-courier" })).statusCode).toBe(200);
  for (const t of ["ship-to-manufacturer", "receive-at-manufacturer", "start-manufacture"])
    await productMove(col.id, t);
  const fp = (
    await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${col.id}/final-products`, {
      productCode: "S5678V00",
      thawStabilityMinutes: 60,
    })
  ).json();
  await productMove(fp.id, "complete-manufacture");
  await releaseThroughQc(w, fp.id, 7e7);
  for (const t of ["ship-to-site", "receive-at-site"]) await productMove(fp.id, t);
  for (const body of [
    { type: "product-released" },
    { type: "start-lymphodepletion", patientFit: true },
    { type: "complete-lymphodepletion" },
  ])
    expect((await journeyMove(body)).statusCode).toBe(200);
  bag = await productMove(fp.id, "thaw");
  callerId = (await w.as("coordinator", "A")).actor.userId;
  secondId = (await w.as("investigator", "A")).actor.userId;
  valid = {
    signatures: bedsideSignatures(w),
    patientSubjectCode: subjectCode,
    enrolmentId,
    coiId: bag.coiId,
    din: bag.din,
    dinCheckCharacter: bag.dinCheckCharacter,
    productCode: bag.productCode,
    thawedAt: bag.thawedAt,
  };
  clock += 10 * 60_000; // ten minutes after thawing
});
afterAll(() => w.close());

/** A DIN of the same facility and year with another sequence, and its own correct check character. */
const otherDin = () => {
  const seq = String((Number(bag.din.slice(7)) + 1) % 1_000_000).padStart(6, "0");
  const din = bag.din.slice(0, 7) + seq;
  return { din, dinCheckCharacter: mod37_2CheckCharacter(din) };
};
const wrongCheck = () => {
  const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";
  return chars[(chars.indexOf(bag.dinCheckCharacter) + 1) % chars.length]!;
};

describe("bedside mutation matrix: each field wrong on its own is a hard stop", () => {
  const cases: [string, () => Record<string, unknown>, string[], string?][] = [
    ["patient subject code", () => ({ patientSubjectCode: `${subjectCode}X` }), ["patientSubjectCode"]],
    ["enrolment", () => ({ enrolmentId: "00000000-0000-7000-8000-000000000999" }), ["enrolmentId"]],
    [
      "chain-of-identity id",
      () => ({ coiId: `${bag.coiId.slice(0, 14)}${bag.coiId.endsWith("9") ? "8" : "9"}` }),
      ["coiId"],
    ],
    ["DIN (another bag, its own valid check character)", otherDin, ["din"]],
    ["DIN check character", () => ({ dinCheckCharacter: wrongCheck() }), ["dinCheckCharacter"]],
    ["product code", () => ({ productCode: "S5678V01" }), ["productCode"]],
    [
      "thaw time",
      () => ({ thawedAt: new Date(Date.parse(bag.thawedAt) - 60_000).toISOString() }),
      ["thawedAt"],
    ],
  ];
  for (const [name, mutate, fields, rule] of cases)
    it(`blocks a wrong ${name}, logs the attempt and changes nothing`, async () => {
      const patch = mutate();
      const before = await stateOf();
      const failed = await attempts(false);
      const res = await verify({ ...valid, ...patch });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().rule).toBe(rule ?? "V2V-BEDSIDE-MISMATCH");
      expect(res.json().mismatches).toEqual(fields);
      expect(await attempts(false)).toBe(failed + 1);
      expect(await attempts(true)).toBe(0);
      expect(await stateOf()).toEqual(before);
      // Nor can the journey be moved on by the failed check.
      expect((await journeyMove({ type: "verify-at-bedside" })).json().rule).toBe("V2V-BEDSIDE-MISMATCH");
      expect((await journeyMove({ type: "infuse" })).json().rule).toBe("V2V-INFUSE-NEEDS-BEDSIDE-CHECK");
      expect(await stateOf()).toEqual(before);
    });

  it("blocks an expired bag (past its post-thaw stability) and logs it", async () => {
    const saved = clock;
    clock = Date.parse(bag.thawedAt) + 61 * 60_000;
    try {
      const before = await stateOf();
      const failed = await attempts(false);
      const res = await verify(valid);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ rule: "V2V-BEDSIDE-MISMATCH", mismatches: ["expiry"] });
      expect(await attempts(false)).toBe(failed + 1);
      expect(await stateOf()).toEqual(before);
    } finally {
      clock = saved;
    }
  });

  it("blocks a bag that no longer gives the dose level for the patient's latest weight", async () => {
    // 7 × 10⁷ cells ÷ 100 kg = 0.7 × 10⁶/kg, below DL1's accepted 0.8–1.2 × 10⁶/kg.
    await recordWeight(w, patientId, 100, new Date(clock - 60_000).toISOString());
    try {
      const before = await stateOf();
      const failed = await attempts(false);
      const res = await verify(valid);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ rule: "V2V-BEDSIDE-MISMATCH", mismatches: ["dose"] });
      expect(res.json().doseCheck).toMatchObject({ ok: false, delivered: 7e5, target: 1e6 });
      expect(await attempts(false)).toBe(failed + 1);
      expect(await stateOf()).toEqual(before);
      expect((await journeyMove({ type: "infuse" })).json().rule).toBe("V2V-INFUSE-NEEDS-BEDSIDE-CHECK");
    } finally {
      // the weight taken again, back at 70 kg, is the latest before the real check
      await recordWeight(w, patientId, 70, new Date(clock - 30_000).toISOString());
    }
  });

  it("stores the failed attempt with what was scanned and who scanned it", async () => {
    const row = await w.database.db
      .selectFrom("bedside_attempts")
      .selectAll()
      .where("passed", "=", false)
      .orderBy("at")
      // every attempt is at the test's fixed clock; uuid v7 ids keep the order they were made in
      .orderBy("id")
      .executeTakeFirstOrThrow();
    expect(row.first_verifier_id).toBe(callerId);
    expect(row.second_verifier_id).toBe(secondId);
    // A failed attempt is kept with both authenticated verifiers but signed by no one: the
    // signatures mean "verified product identity at bedside", which it did not.
    const signed = await w.database.db
      .selectFrom("electronic_signatures")
      .select("id")
      .where("record_id", "=", row.id)
      .execute();
    expect(signed).toEqual([]);
    expect(row.mismatches).toEqual(["patientSubjectCode"]);
    expect((row.scanned as { patientSubjectCode: string }).patientSubjectCode).toBe(`${subjectCode}X`);
  });

  it("refuses a verifier whose role may not write clinical data (403) and other sites (404)", async () => {
    expect(
      (await w.call("monitor", "A", "POST", `/api/v1/products/${bag.id}/bedside-verifications`, valid))
        .statusCode,
    ).toBe(403);
    expect(
      (await w.call("investigator", "B", "POST", `/api/v1/products/${bag.id}/bedside-verifications`, valid))
        .statusCode,
    ).toBe(404);
  });
});

describe("the matching check", () => {
  it("passes with both verifiers recorded and lets the infusion be recorded", async () => {
    const before = await stateOf();
    const res = await verify(valid);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      passed: true,
      verifiedBy: [callerId, secondId],
      signatures: [
        { signerId: callerId, meaning: "verified product identity at bedside" },
        { signerId: secondId, meaning: "verified product identity at bedside" },
      ],
    });
    expect(await attempts(true)).toBe(1);
    expect(await stateOf()).toEqual(before);
    const v = await journeyMove({ type: "verify-at-bedside" });
    expect(v.statusCode, v.body).toBe(200);
    expect(v.json().effects).toContainEqual({
      type: "record-bedside-verification",
      verifiedBy: [callerId, secondId],
    });
    const inf = await journeyMove({ type: "infuse" });
    expect(inf.statusCode, inf.body).toBe(200);
    expect(inf.json().state).toBe("infused");
    expect((await stateOf()).product[0]).toBe("administered");

    // The infusion is day 0: the enrolment's infusion date is the site's calendar date of it
    // (Shanghai), and her follow-up visits exist from it, without anyone typing the date again.
    const day0 = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(clock));
    const enrolment = (await w.call("monitor", "A", "GET", `/api/v1/enrolments/${enrolmentId}`)).json();
    expect(enrolment.infusionDate).toBe(day0);
    const visits = (await w.call("coordinator", "A", "GET", `/api/v1/patients/${patientId}/visits`)).json()
      .items as { code: string; nominalDate: string }[];
    const d28 = new Date(`${day0}T00:00:00Z`);
    d28.setUTCDate(d28.getUTCDate() + 28);
    expect(visits.find((v) => v.code === "D28")?.nominalDate).toBe(d28.toISOString().slice(0, 10));
    const audit = (
      await w.call(
        "monitor",
        "A",
        "GET",
        `/api/v1/audit?siteId=${w.sites.A}&entity=enrolment&entityId=${enrolmentId}`,
      )
    ).json().items as { reason: string | null; after: { infusionDate?: string } }[];
    expect(audit.filter((a) => a.after?.infusionDate === day0).map((a) => a.reason)).toEqual([
      "Day 0 set from the infusion recorded on the journey",
    ]);
  });
});
