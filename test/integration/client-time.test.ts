/**
 * Time that the client chooses (issue 10): product and journey events may not lie in the future
 * beyond the allowed clock skew (src/domain/event-time.ts), may not precede the event they follow,
 * take their actor from the session (an actor in the body is a 400), and a bag is neither thawed nor
 * verified at the bedside before the patient's journey reaches lymphodepletion. Every refusal is
 * a 422 naming its rule (or a 400 for the body actor) and writes nothing.
 *
 * The world's clock is a variable, so "now" is exact and a clock set back is possible.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOCK_SKEW_MINUTES } from "../../src/domain/event-time.ts";
import { bedsideSignatures } from "../support/bags.ts";
import { roleForStep } from "../support/product-step-role.ts";
import { CRITERIA_WITHOUT_DOSE, releaseThroughQc, specifyRelease } from "../support/release.ts";
import { makeSlot } from "../support/slots.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-03-02T08:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;
let studyId: string;
let carProductId: string;
/** one roomy manufacturing slot that every patient here books */
let slotId: string;

const count = (table: "journey_events" | "audit_events" | "product_events" | "bedside_attempts") =>
  w.rowCount(table);
const counts = async () => ({
  journeyEvents: await count("journey_events"),
  productEvents: await count("product_events"),
  audit: await count("audit_events"),
  bedside: await count("bedside_attempts"),
});

interface Bag {
  id: string;
  journeyId: string;
  subjectCode: string;
  din: string;
  dinCheckCharacter: string;
  coiId: string;
  productCode: string;
}

async function journeyMove(journeyId: string, body: Record<string, unknown>) {
  const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json().version;
  return w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, { ...body, version: v });
}
async function journeyOk(journeyId: string, body: Record<string, unknown>) {
  const res = await journeyMove(journeyId, body);
  expect(res.statusCode, `${body.type}: ${res.body}`).toBe(200);
  return res.json();
}
const productEvent = (id: string, body: Record<string, unknown>, role: "manufacturing" | "coordinator") =>
  w.call(roleForStep(String(body.type), role), "A", "POST", `/api/v1/product-units/${id}/events`, body);
async function productOk(id: string, body: Record<string, unknown>, role: "manufacturing" | "coordinator") {
  const res = await productEvent(id, body, role);
  expect(res.statusCode, `${body.type}: ${res.body}`).toBe(200);
  return res.json();
}
const stateOf = async (bag: Bag) => ({
  product: (await w.call("monitor", "A", "GET", `/api/v1/product-units/${bag.id}`)).json().state,
  journey: (await w.call("monitor", "A", "GET", `/api/v1/journeys/${bag.journeyId}`)).json().state,
});

/** A refusal: the status, the rule (when 422), and nothing written. */
async function refusedWith(
  status: number,
  rule: string | null,
  bag: Bag,
  call: () => Promise<{ statusCode: number; body: string; json: () => Record<string, unknown> }>,
) {
  const before = { ...(await counts()), ...(await stateOf(bag)) };
  const res = await call();
  expect(res.statusCode, res.body).toBe(status);
  if (rule) expect(res.json().rule).toBe(rule);
  expect({ ...(await counts()), ...(await stateOf(bag)) }).toEqual(before);
  return res.json();
}

/**
 * A patient whose final bag has been released, shipped and received at site A; the journey is at
 * the pre-LD check. The clock advances a little at every step, as it would in life.
 */
async function bagAtSite(): Promise<Bag> {
  const tick = () => {
    clock += 30 * MIN;
  };
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1970,
      sex: "male",
    })
  ).json();
  const enrolment = await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
    patientId: patient.id,
    studyId,
    armCode: "LYM",
    consentDate: "2026-01-20",
    consentVersion: "1",
  });
  expect(enrolment.statusCode, enrolment.body).toBe(201);
  const journeyId = (
    await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolment.json().id}/journey`)
  ).json().id as string;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", manufacturingSlotId: slotId, apheresisDate: "2026-02-01" },
    { type: "record-apheresis" },
  ]) {
    tick();
    await journeyOk(journeyId, body);
  }
  const col = (
    await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journeyId}/collections`, {
      productCode: "S1234V00",
    })
  ).json();
  await journeyOk(journeyId, { type: "hand-to-courier" });
  for (const type of ["ship-to-manufacturer", "receive-at-manufacturer", "start-manufacture"]) {
    tick();
    await productOk(col.id, { type }, "manufacturing");
  }
  const fp = (
    await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${col.id}/final-products`, {
      productCode: "S5678V00",
      thawStabilityMinutes: 60,
    })
  ).json();
  tick();
  await productOk(fp.id, { type: "complete-manufacture" }, "manufacturing");
  tick();
  await releaseThroughQc(w, fp.id, 7e7);
  for (const type of ["ship-to-site", "receive-at-site"]) {
    tick();
    await productOk(fp.id, { type }, "manufacturing");
  }
  tick();
  await journeyOk(journeyId, { type: "product-released" });
  tick();
  const unit = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${fp.id}`)).json();
  return {
    id: fp.id,
    journeyId,
    subjectCode: patient.subjectCode,
    din: unit.din,
    dinCheckCharacter: unit.dinCheckCharacter,
    coiId: unit.coiId,
    productCode: unit.productCode,
  };
}

const receivedAt = async (bag: Bag) => {
  const history = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${bag.id}/events`)).json()
    .items;
  return Date.parse(history.find((e: { type: string }) => e.type === "receive-at-site").at);
};

async function toLymphodepletion(bag: Bag) {
  await journeyOk(bag.journeyId, { type: "start-lymphodepletion", patientFit: true });
  clock += 60 * MIN;
}
async function toPreInfusionCheck(bag: Bag) {
  await toLymphodepletion(bag);
  await journeyOk(bag.journeyId, { type: "complete-lymphodepletion" });
  clock += 60 * MIN;
}

const bedsideBody = async (bag: Bag, thawedAt: string) => ({
  signatures: bedsideSignatures(w),
  patientSubjectCode: bag.subjectCode,
  coiId: bag.coiId,
  din: bag.din,
  dinCheckCharacter: bag.dinCheckCharacter,
  productCode: bag.productCode,
  thawedAt,
});

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
  studyId = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "Clock study",
      shortName: "CLOCK",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json().id;
  carProductId = (await specifyRelease(w, studyId, { criteria: CRITERIA_WITHOUT_DOSE })).carProductId;
  slotId = (await makeSlot(w, carProductId, { startsOn: "2026-02-02", capacity: 50 })).id;
});
afterAll(() => w.close());

describe("a thaw time chosen by the client", () => {
  it("a thaw in the future is refused (it would have kept an expired bag usable), and changes nothing", async () => {
    const bag = await bagAtSite();
    await toPreInfusionCheck(bag);
    const future = iso(clock + 3 * 60 * MIN);
    const problem = await refusedWith(422, "V2V-TIME-IN-FUTURE", bag, () =>
      productEvent(bag.id, { type: "thaw", at: future }, "coordinator"),
    );
    expect(problem.detail).toContain(future);
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: "/at" })]);
    // The exploit it closes: thawed "in three hours", the bag was still "in date" 80 minutes
    // later although its label allows 60 minutes after thawing. Thawed now, it is not.
    const thawedAt = iso(clock);
    await productOk(bag.id, { type: "thaw", at: thawedAt }, "coordinator");
    clock += 80 * MIN;
    const late = await w.call(
      "coordinator",
      "A",
      "POST",
      `/api/v1/products/${bag.id}/bedside-verifications`,
      await bedsideBody(bag, thawedAt),
    );
    expect(late.statusCode, late.body).toBe(422);
    expect(late.json().mismatches).toEqual(["expiry"]);
  });

  it(`a time up to ${CLOCK_SKEW_MINUTES} minutes ahead of the server is clock skew and accepted; the infusion the server stamps after it still goes through`, async () => {
    const bag = await bagAtSite();
    await toPreInfusionCheck(bag);
    const thawedAt = iso(clock + (CLOCK_SKEW_MINUTES - 1) * MIN);
    const thawed = await productOk(bag.id, { type: "thaw", at: thawedAt }, "coordinator");
    expect(thawed.thawedAt).toBe(thawedAt);
    const check = await w.call(
      "coordinator",
      "A",
      "POST",
      `/api/v1/products/${bag.id}/bedside-verifications`,
      await bedsideBody(bag, thawedAt),
    );
    expect(check.statusCode, check.body).toBe(201);
    await journeyOk(bag.journeyId, { type: "verify-at-bedside" });
    // The server stamps the infusion (and the bag's administration) with its own clock, which is
    // still behind the device's thaw time: not "before" it in any sense that matters.
    expect((await journeyOk(bag.journeyId, { type: "infuse" })).state).toBe("infused");
    expect((await stateOf(bag)).product).toBe("administered");
  });

  it("a thaw before the bag was received at the site is refused", async () => {
    const bag = await bagAtSite();
    await toPreInfusionCheck(bag);
    const received = await receivedAt(bag);
    const before = iso(received - 10 * MIN);
    const problem = await refusedWith(422, "V2V-TIME-BEFORE-PREVIOUS", bag, () =>
      productEvent(bag.id, { type: "thaw", at: before }, "coordinator"),
    );
    expect(problem.detail).toContain("receive-at-site");
    expect(problem.previousAt).toBe(iso(received));
    // At the receipt itself is not before it.
    await productOk(bag.id, { type: "thaw", at: iso(received + 3 * 60 * MIN) }, "coordinator");
  });

  it("any product event with an explicit time before the bag's previous event is refused", async () => {
    const bag = await bagAtSite();
    // received at site; returning it "yesterday" is earlier than its receipt
    await refusedWith(422, "V2V-TIME-BEFORE-PREVIOUS", bag, () =>
      productEvent(
        bag.id,
        { type: "return-to-manufacturer", reason: "recall", at: iso(clock - 24 * 60 * MIN) },
        "manufacturing",
      ),
    );
  });
});

describe("the actor of a product event is the signed-in user", () => {
  it("an actor in the body is a 400 naming the field; nothing is written", async () => {
    const bag = await bagAtSite();
    for (const field of ["actor", "actorId", "recordedBy"]) {
      const problem = await refusedWith(400, null, bag, () =>
        productEvent(
          bag.id,
          { type: "quarantine", reason: "logger alarm", [field]: "someone else" },
          "manufacturing",
        ),
      );
      expect(problem.errors).toEqual([expect.objectContaining({ pointer: `/${field}` })]);
      expect(String((problem.errors as { detail: string }[])[0]!.detail)).toMatch(/session|signed-in/i);
    }
  });

  it("the history names the session's user as the actor", async () => {
    const bag = await bagAtSite();
    await productOk(bag.id, { type: "quarantine", reason: "logger alarm" }, "manufacturing");
    const manufacturingId = (await w.as("manufacturing", "A")).actor.userId;
    const history = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${bag.id}/events`)).json()
      .items;
    expect(history.at(-1)).toMatchObject({ type: "quarantine", actor: manufacturingId });
  });

  it("a journey event refuses an actor or a time in the body (the server stamps both)", async () => {
    const bag = await bagAtSite();
    for (const extra of [{ actor: "someone else" }, { at: iso(clock - 60 * MIN) }]) {
      const problem = await refusedWith(400, null, bag, () =>
        journeyMove(bag.journeyId, { type: "start-lymphodepletion", patientFit: true, ...extra }),
      );
      expect(problem.errors).toEqual([expect.objectContaining({ pointer: `/${Object.keys(extra)[0]}` })]);
    }
  });
});

describe("no thaw and no bedside check before lymphodepletion", () => {
  it("a bag is not thawed while the journey is before lymphodepletion", async () => {
    const bag = await bagAtSite();
    expect((await stateOf(bag)).journey).toBe("pre-ld-check");
    const problem = await refusedWith(422, "V2V-THAW-BEFORE-LYMPHODEPLETION", bag, () =>
      productEvent(bag.id, { type: "thaw" }, "coordinator"),
    );
    expect(problem.journeyState).toBe("pre-ld-check");
  });

  it("a thaw dated before lymphodepletion started is refused too, once the journey is there", async () => {
    const bag = await bagAtSite();
    const received = await receivedAt(bag);
    clock += 60 * MIN;
    const ldStart = clock;
    await toLymphodepletion(bag);
    // after the receipt, but before lymphodepletion began
    const between = iso(Math.floor((received + ldStart) / 2));
    await refusedWith(422, "V2V-THAW-BEFORE-LYMPHODEPLETION", bag, () =>
      productEvent(bag.id, { type: "thaw", at: between }, "coordinator"),
    );
    // during lymphodepletion the bag may be thawed (the journey has reached it)
    await productOk(bag.id, { type: "thaw", at: iso(ldStart + 30 * MIN) }, "coordinator");
  });

  it("a thawed bag is not verified at the bedside while the journey is not at lymphodepletion or the pre-infusion check", async () => {
    const bag = await bagAtSite();
    await toPreInfusionCheck(bag);
    const thawedAt = iso(clock);
    await productOk(bag.id, { type: "thaw", at: thawedAt }, "coordinator");
    await journeyOk(bag.journeyId, { type: "defer-infusion", reason: "fever" });
    const body = await bedsideBody(bag, thawedAt);
    const problem = await refusedWith(422, "V2V-BEDSIDE-BEFORE-LYMPHODEPLETION", bag, () =>
      w.call("coordinator", "A", "POST", `/api/v1/products/${bag.id}/bedside-verifications`, body),
    );
    expect(problem.journeyState).toBe("infusion-deferred");
    await journeyOk(bag.journeyId, { type: "resume-pre-infusion-check" });
    const check = await w.call(
      "coordinator",
      "A",
      "POST",
      `/api/v1/products/${bag.id}/bedside-verifications`,
      body,
    );
    expect(check.statusCode, check.body).toBe(201);
  });
});

describe("journey events follow one another in time", () => {
  it("with the server's clock set back, a journey event before the previous one is refused", async () => {
    const bag = await bagAtSite();
    const saved = clock;
    clock -= 2 * 60 * MIN;
    await refusedWith(422, "V2V-TIME-BEFORE-PREVIOUS", bag, () =>
      journeyMove(bag.journeyId, { type: "start-lymphodepletion", patientFit: true }),
    );
    clock = saved + MIN;
    await journeyOk(bag.journeyId, { type: "start-lymphodepletion", patientFit: true });
  });
});

describe("custody hand-offs", () => {
  it("a hand-off in the future is refused", async () => {
    const bag = await bagAtSite();
    const res = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${bag.id}/hand-offs`, {
      fromParty: "Courier",
      toParty: "Ward",
      place: "Ward 5",
      at: iso(clock + 24 * 60 * MIN),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().rule).toBe("V2V-TIME-IN-FUTURE");
  });
});
