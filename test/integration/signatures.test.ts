/**
 * Electronic signatures (21 CFR Part 11; issue 10; docs/decisions/0022): every two-person or
 * quality step is signed by people who re-enter their own username and password in the request.
 *
 * - One person cannot do the two-person bedside check: the same user twice, a wrong or unknown
 *   password, a signer without a clinical role, a signed-in user who does not sign — each is a
 *   4xx problem and nothing is written (no attempt, no signature, no state change).
 * - QA release is not implicit: QC results that meet the specification leave the bag "QC complete,
 *   awaiting QA release"; only quality's signed POST …/release releases it, refused while results
 *   are missing or failing.
 * - The OOS exception takes an investigator's and a QA signature from two different people; QA's
 *   quarantine decision is signed by quality.
 * - The hash binds the content: a signed record changed in SQL, a signature moved to another
 *   record or edited behind the trigger is reported by the verify function; signatures are
 *   append-only and two on one record from one person are refused by the database itself.
 */
import { sql } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.ts";
import { createUser } from "../../src/services/sites.ts";
import {
  bagAwaitingRelease,
  bagInQc,
  bedsideReading,
  enterQc,
  oosBag,
  qaRelease,
  quarantinedCollection,
  sig,
  type ThawedBag,
  thawedBag,
} from "../support/bags.ts";
import { passingResults } from "../support/qc-results.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-03-02T08:00:00Z");

const count = (
  table:
    | "electronic_signatures"
    | "bedside_attempts"
    | "release_evaluations"
    | "oos_exceptions"
    | "product_events"
    | "audit_events",
) => w.rowCount(table);
/** Every table a signing step may write, to show a refusal wrote none of them. */
const written = async () => ({
  signatures: await count("electronic_signatures"),
  attempts: await count("bedside_attempts"),
  decisions: await count("release_evaluations"),
  exceptions: await count("oos_exceptions"),
  events: await count("product_events"),
});
const failedChecks = async () =>
  Number(
    (
      await w.database.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action", "=", "login-failed")
        .executeTakeFirstOrThrow()
    ).n,
  );
const unit = async (id: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/product-units/${id}`)).json() as {
    state: string;
    version: number;
  };
const journeyOf = async (id: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/journeys/${id}`)).json() as {
    state: string;
    version: number;
  };
async function journeyMove(journeyId: string, body: Record<string, unknown>) {
  const v = (await journeyOf(journeyId)).version;
  return w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, { ...body, version: v });
}
const userId = async (role: "coordinator" | "investigator" | "quality", site: "A" | "B" = "A") =>
  (await w.as(role, site)).actor.userId;

/** Runs `fn` as a superuser would, with triggers off (decision 0021's tamper tests do the same). */
const tamper = (statement: ReturnType<typeof sql>) =>
  w.database.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await statement.execute(trx);
  });

interface Checked {
  id: string;
  recordKind: string;
  recordId: string;
  meaning: string;
  contentMatches: boolean;
  auditMatches: boolean;
  valid: boolean;
}
/** The verify function, as a monitor reads it: every signature on the bag, checked. */
async function checked(productId: string): Promise<{ allValid: boolean; items: Checked[] }> {
  const res = await w.call("monitor", "A", "GET", `/api/v1/product-units/${productId}/signatures`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
  // One person holding both the investigator and the quality role at site A.
  await createUser(w.system, {
    username: "dual-a",
    displayName: "Dana Dual (investigator and QA)",
    password: PASSWORD,
    memberships: [
      { siteId: w.sites.A, role: "investigator" },
      { siteId: w.sites.A, role: "quality" },
    ],
  });
}, 120_000);
afterAll(() => w.close());

describe("the two-person bedside check is two authenticated people", () => {
  let bag: ThawedBag;
  const MEANING = "verified product identity at bedside" as const;
  const verify = (signatures: unknown, role: "coordinator" | "investigator" = "coordinator") =>
    w.call(role, "A", "POST", `/api/v1/products/${bag.bagId}/bedside-verifications`, {
      ...bedsideReading(bag),
      signatures,
    });
  /** A refusal: the status, rule and pointer given, and nothing written or moved. */
  async function refused(
    signatures: unknown,
    want: { status: number; rule?: string; pointer?: string; failedChecks?: number },
  ) {
    const before = { written: await written(), product: await unit(bag.bagId), checks: await failedChecks() };
    const journey = await journeyOf(bag.journeyId);
    const res = await verify(signatures);
    expect(res.statusCode, res.body).toBe(want.status);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    if (want.rule) expect(res.json().rule).toBe(want.rule);
    if (want.pointer)
      expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(want.pointer);
    expect(await written()).toEqual(before.written);
    expect(await unit(bag.bagId)).toEqual(before.product);
    expect(await journeyOf(bag.journeyId)).toEqual(journey);
    expect(await failedChecks()).toBe(before.checks + (want.failedChecks ?? 0));
    return res;
  }

  beforeAll(async () => {
    bag = await thawedBag(w);
    clock += 10 * 60_000; // ten minutes after thawing
  }, 120_000);

  it("refuses the same person signing twice, before any password is checked", async () => {
    const me = sig(w, "coordinator", "A", MEANING);
    await refused([me, me], {
      status: 422,
      rule: "V2V-SIGNATURES-SAME-PERSON",
      pointer: "/signatures/1/username",
    });
  });

  it("refuses one signature, or three", async () => {
    await refused([sig(w, "coordinator", "A", MEANING)], { status: 400, pointer: "/signatures" });
  });

  it("refuses a wrong password of the second person: 403, counted and audited, nothing else written", async () => {
    const attemptsBefore = await w.database.db
      .selectFrom("login_throttle")
      .select("attempts")
      .where("username", "=", "investigator-a")
      .executeTakeFirst();
    const res = await refused(
      [sig(w, "coordinator", "A", MEANING), sig(w, "investigator", "A", MEANING, "not-their-password")],
      { status: 403, rule: "V2V-SIGNATURE-REJECTED", pointer: "/signatures/1/password", failedChecks: 1 },
    );
    expect(res.json().type).toMatch(/problems\/forbidden$/);
    const attemptsAfter = await w.database.db
      .selectFrom("login_throttle")
      .select("attempts")
      .where("username", "=", "investigator-a")
      .executeTakeFirstOrThrow();
    expect(attemptsAfter.attempts).toBe((attemptsBefore?.attempts ?? 0) + 1);
    const audit = await w.database.db
      .selectFrom("audit_events")
      .select(["after", "site_id"])
      .where("action", "=", "login-failed")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.site_id).toBe(w.sites.A);
    expect(audit.after).toMatchObject({ purpose: "signature", meaning: MEANING, productId: bag.bagId });
  });

  it("refuses an unknown second username and a wrong password of the signed-in user", async () => {
    await refused(
      [
        sig(w, "coordinator", "A", MEANING),
        { username: "nobody-here", password: PASSWORD, meaning: MEANING },
      ],
      { status: 403, rule: "V2V-SIGNATURE-REJECTED", pointer: "/signatures/1/password", failedChecks: 1 },
    );
    await refused(
      [sig(w, "coordinator", "A", MEANING, "wrong-password"), sig(w, "investigator", "A", MEANING)],
      { status: 403, rule: "V2V-SIGNATURE-REJECTED", pointer: "/signatures/0/password", failedChecks: 1 },
    );
  });

  it("refuses two other people signing for the signed-in user", async () => {
    await refused(
      [sig(w, "investigator", "A", MEANING), { ...sig(w, "investigator", "A", MEANING), username: "dual-a" }],
      {
        status: 422,
        rule: "V2V-SIGNATURE-NEEDS-SESSION-USER",
      },
    );
  });

  it("refuses a second signer without a clinical role at the bag's site", async () => {
    for (const [role, site] of [
      ["monitor", "A"],
      ["quality", "A"],
      ["manufacturing", "A"],
      ["investigator", "B"],
    ] as const)
      await refused([sig(w, "coordinator", "A", MEANING), sig(w, role, site, MEANING)], {
        status: 403,
        rule: "V2V-SIGNER-NOT-ELIGIBLE",
        pointer: "/signatures/1/username",
      });
  });

  it("refuses a signature with another meaning", async () => {
    await refused([sig(w, "coordinator", "A", MEANING), sig(w, "investigator", "A", "released")], {
      status: 400,
      pointer: "/signatures/1/meaning",
    });
  });

  it("passes with both signatures, each with printed name, time and meaning, and lets the infusion be recorded", async () => {
    const res = await verify([sig(w, "coordinator", "A", MEANING), sig(w, "investigator", "A", MEANING)]);
    expect(res.statusCode, res.body).toBe(201);
    const at = new Date(clock).toISOString();
    const [coordinator, investigator] = [await userId("coordinator"), await userId("investigator")];
    expect(res.json()).toMatchObject({
      passed: true,
      verifiedBy: [coordinator, investigator],
      signatures: [
        { signerId: coordinator, printedName: "coordinator at A", meaning: MEANING, signedAt: at },
        { signerId: investigator, printedName: "investigator at A", meaning: MEANING, signedAt: at },
      ],
    });
    const [a, b] = res.json().signatures;
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.contentHash).toBe(a.contentHash);
    expect(a.recordKind).toBe("bedside-attempt");
    expect(a.recordId).toBe(res.json().id);
    // The passwords are nowhere in what was stored.
    const stored = await w.database.db.selectFrom("bedside_attempts").select("scanned").execute();
    const audit = await w.database.db.selectFrom("audit_events").select(["after", "before"]).execute();
    expect(JSON.stringify([stored, audit])).not.toContain(PASSWORD);
    const v = await journeyMove(bag.journeyId, { type: "verify-at-bedside" });
    expect(v.statusCode, v.body).toBe(200);
    const inf = await journeyMove(bag.journeyId, { type: "infuse" });
    expect(inf.statusCode, inf.body).toBe(200);
    expect((await unit(bag.bagId)).state).toBe("administered");
    expect((await checked(bag.bagId)).items.map((s) => [s.meaning, s.valid])).toEqual([
      ["released", true],
      [MEANING, true],
      [MEANING, true],
    ]);
  });
});

describe("QA release is a separate, signed decision", () => {
  const release = (bagId: string, body: unknown, role: Role = "quality", site: "A" | "B" = "A") =>
    w.call(role, site, "POST", `/api/v1/product-units/${bagId}/release`, body);

  it("passing QC results leave the bag QC-pending, awaiting QA release, and the journey waits", async () => {
    const b = await bagAwaitingRelease(w);
    expect((await unit(b.bagId)).state).toBe("qc-pending");
    const status = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${b.bagId}/release`)).json();
    expect(status).toMatchObject({
      state: "qc-pending",
      releaseState: "awaiting-qa-release",
      releaseStateLabel: "QC complete, awaiting QA release",
      current: { evaluation: { outcome: "meets-specification" } },
      release: null,
    });
    expect(status.decisions).toEqual([]);
    // Nothing to ship, and the patient cannot move on to the pre-LD check.
    const ship = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${b.bagId}/events`, {
      type: "ship-to-site",
    });
    expect(ship.statusCode).toBe(422);
    expect((await journeyMove(b.journeyId, { type: "product-released" })).statusCode).toBe(422);
    // Re-evaluating does not release either.
    const again = await w.call(
      "quality",
      "A",
      "POST",
      `/api/v1/product-units/${b.bagId}/release-evaluations`,
    );
    expect(again.json()).toMatchObject({ applied: null, product: { state: "qc-pending" } });
  });

  it("is quality's alone, at the bag's own site", async () => {
    const b = await bagAwaitingRelease(w);
    const before = await written();
    for (const role of ["manufacturing", "investigator", "coordinator", "monitor", "admin"] as const) {
      const res = await release(b.bagId, { signatures: [sig(w, role, "A", "released")] }, role);
      expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
    }
    expect(
      (await release(b.bagId, { signatures: [sig(w, "quality", "B", "released")] }, "quality", "B"))
        .statusCode,
    ).toBe(404);
    expect(await written()).toEqual(before);
    expect((await unit(b.bagId)).state).toBe("qc-pending");
  });

  it("refuses a wrong password, another person's signature or meaning, and writes nothing", async () => {
    const b = await bagAwaitingRelease(w);
    const before = await written();
    const wrong = await release(b.bagId, { signatures: [sig(w, "quality", "A", "released", "guess")] });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().rule).toBe("V2V-SIGNATURE-REJECTED");
    const other = await release(b.bagId, {
      signatures: [{ username: "dual-a", password: PASSWORD, meaning: "released" }],
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().rule).toBe("V2V-SIGNATURE-NEEDS-SESSION-USER");
    const meaning = await release(b.bagId, { signatures: [sig(w, "quality", "A", "approved deviation")] });
    expect(meaning.statusCode).toBe(400);
    const unsigned = await release(b.bagId, {});
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json().errors[0].pointer).toBe("/signatures");
    expect(await written()).toEqual(before);
    expect((await unit(b.bagId)).state).toBe("qc-pending");
  });

  it("is refused while a result is missing, and for a bag out of specification", async () => {
    const b = await bagInQc(w);
    const partial = await enterQc(
      w,
      "A",
      b.bagId,
      passingResults(7e7).filter((r) => r.attribute !== "sterility"),
    );
    expect(partial.json()).toMatchObject({ releaseState: "awaiting-qc-results" });
    const before = await written();
    const checks = await failedChecks();
    const early = await release(b.bagId, {
      signatures: [sig(w, "quality", "A", "released", "not even checked")],
    });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({
      rule: "V2V-RELEASE-QC-INCOMPLETE",
      missingAttributes: ["sterility"],
    });
    // Refused before the password was looked at.
    expect(await failedChecks()).toBe(checks);
    const oos = await oosBag(w);
    const failing = await release(oos.bagId, { signatures: [sig(w, "quality", "A", "released")] });
    expect(failing.statusCode).toBe(422);
    expect(failing.json().rule).toBe("V2V-RELEASE-NEEDS-QC-PENDING");
    const inManufacture = await bagInQc(w, "A", { completeManufacture: false });
    await enterQc(w, "A", inManufacture.bagId, passingResults(7e7));
    expect(
      (await release(inManufacture.bagId, { signatures: [sig(w, "quality", "A", "released")] })).json().rule,
    ).toBe("V2V-RELEASE-NEEDS-QC-PENDING");
    expect((await written()).signatures).toBe(before.signatures);
  });

  it("releases with QA's signature and shows the signed decision", async () => {
    const b = await bagAwaitingRelease(w);
    const res = await release(b.bagId, { signatures: [sig(w, "quality", "A", "released")] });
    expect(res.statusCode, res.body).toBe(201);
    const qa = await userId("quality");
    const at = new Date(clock).toISOString();
    expect(res.json()).toMatchObject({
      product: { state: "released" },
      releaseState: "released",
      signatures: [
        {
          recordKind: "product-release",
          signerId: qa,
          signerUsername: "quality-a",
          printedName: "quality at A",
          signedAs: "quality",
          meaning: "released",
          signedAt: at,
          method: "username-password",
        },
      ],
    });
    const status = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${b.bagId}/release`)).json();
    expect(status).toMatchObject({
      releaseState: "released",
      release: {
        outcome: "released",
        decidedBy: qa,
        decidedAt: at,
        signatures: [{ printedName: "quality at A", meaning: "released", signedAt: at }],
      },
    });
    const last = (await w.call("monitor", "A", "GET", `/api/v1/product-units/${b.bagId}/events`))
      .json()
      .items.at(-1);
    expect(last).toMatchObject({ type: "release", actor: qa, toState: "released" });
    // Once released, a second release is refused, and the journey moves on.
    expect((await release(b.bagId, { signatures: [sig(w, "quality", "A", "released")] })).json().rule).toBe(
      "V2V-RELEASE-NEEDS-QC-PENDING",
    );
    expect((await journeyMove(b.journeyId, { type: "product-released" })).statusCode).toBe(200);
    // The generic event endpoint still refuses a release.
    const b2 = await bagAwaitingRelease(w);
    const generic = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${b2.bagId}/events`, {
      type: "release",
      qcAllPassed: true,
    });
    expect(generic.json().rule).toBe("V2V-PRODUCT-QUALITY-DECISION-ONLY");
  });
});

describe("the OOS exception: an investigator's and a QA signature, two different people", () => {
  const MEANING = "approved deviation" as const;
  const sign = (bagId: string, role: "investigator" | "quality" | "coordinator", body: unknown) =>
    w.call(role, "A", "POST", `/api/v1/product-units/${bagId}/oos-exception/signatures`, body);
  const inv = () => ({ ...sig(w, "investigator", "A", MEANING), capacity: "investigator" });
  const qa = () => ({ ...sig(w, "quality", "A", MEANING), capacity: "qa" });
  const RATIONALE = "CAR+ 15 % against 20 %: dose still reached, risk discussed with the manufacturer";

  it("writes nothing on a wrong password, not even the exception", async () => {
    const b = await oosBag(w);
    const before = await written();
    const res = await sign(b.bagId, "investigator", {
      rationale: RATIONALE,
      signatures: [{ ...inv(), password: "wrong" }],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().rule).toBe("V2V-SIGNATURE-REJECTED");
    expect(await written()).toEqual(before);
  });

  it("takes both signatures in one request on one device, and the bag then ships", async () => {
    const b = await oosBag(w);
    const res = await sign(b.bagId, "investigator", { rationale: RATIONALE, signatures: [inv(), qa()] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ complete: true });
    expect(res.json().electronicSignatures).toMatchObject([
      { signedAs: "investigator", printedName: "investigator at A", meaning: MEANING },
      { signedAs: "quality", printedName: "quality at A", meaning: MEANING },
    ]);
    const ship = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${b.bagId}/events`, {
      type: "ship-to-site",
    });
    expect(ship.statusCode, ship.body).toBe(200);
  });

  it("refuses one person signing in both capacities, one after the other", async () => {
    const b = await oosBag(w);
    const dual = (capacity: "investigator" | "qa") => ({
      username: "dual-a",
      password: PASSWORD,
      meaning: MEANING,
      capacity,
    });
    // The signed-in user signs, so the dual user logs in.
    const login = await w.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "dual-a", password: PASSWORD },
    });
    const cookie = String([login.headers["set-cookie"]].flat()[0]).split(";")[0]!;
    const as = (body: unknown) =>
      w.app.inject({
        method: "POST",
        url: `/api/v1/product-units/${b.bagId}/oos-exception/signatures`,
        headers: { cookie, "x-csrf-token": login.json().csrfToken },
        payload: body as object,
      });
    expect((await as({ rationale: RATIONALE, signatures: [dual("investigator")] })).statusCode).toBe(201);
    const before = await written();
    const second = await as({ signatures: [dual("qa")] });
    expect(second.statusCode).toBe(422);
    expect(second.json().rule).toBe("V2V-OOS-EXCEPTION-SAME-SIGNER");
    expect(await written()).toEqual(before);
    // …and a capacity the signer's roles do not give is refused (after the password check).
    expect(
      (await sign(b.bagId, "investigator", { signatures: [{ ...inv(), capacity: "qa" }] })).json().rule,
    ).toBe("V2V-SIGNER-NOT-ELIGIBLE");
    expect((await sign(b.bagId, "coordinator", { signatures: [inv()] })).statusCode).toBe(403);
    // The database refuses a second signature by one person on one record, whatever the service does.
    const ex = await w.database.db
      .selectFrom("electronic_signatures")
      .selectAll()
      .where("product_id", "=", b.bagId)
      .executeTakeFirstOrThrow();
    await expect(
      w.database.db
        .insertInto("electronic_signatures")
        .values({ ...ex, id: uuidv7(), signed_as: "quality" })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});

describe("QA's quarantine decision is signed by quality", () => {
  const decide = (id: string, body: unknown, role: "quality" | "manufacturing" = "quality") =>
    w.call(role, "A", "POST", `/api/v1/product-units/${id}/quarantine-decisions`, body);

  it("refuses a wrong password or the wrong meaning, then releases with the signature", async () => {
    const c = await quarantinedCollection(w);
    const reason = "stability data cover 10 min at 9 °C";
    const before = await written();
    const wrong = await decide(c.collectionId, {
      decision: "release",
      reason,
      signatures: [sig(w, "quality", "A", "released from quarantine", "guess")],
    });
    expect(wrong.statusCode).toBe(403);
    const meaning = await decide(c.collectionId, {
      decision: "release",
      reason,
      signatures: [sig(w, "quality", "A", "rejected")],
    });
    expect(meaning.statusCode).toBe(400);
    expect(meaning.json().errors[0].pointer).toBe("/signatures/0/meaning");
    const manufacturing = await decide(
      c.collectionId,
      { decision: "release", reason, signatures: [sig(w, "manufacturing", "A", "released from quarantine")] },
      "manufacturing",
    );
    expect(manufacturing.statusCode).toBe(403);
    expect(await written()).toEqual(before);
    expect((await unit(c.collectionId)).state).toBe("quarantined");
    const ok = await decide(c.collectionId, {
      decision: "release",
      reason,
      signatures: [sig(w, "quality", "A", "released from quarantine")],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      state: "in-transit-to-manufacturer",
      signatures: [
        {
          recordKind: "quarantine-decision",
          printedName: "quality at A",
          meaning: "released from quarantine",
        },
      ],
    });
  });

  it("signs a discard as rejected", async () => {
    const c = await quarantinedCollection(w);
    const res = await decide(c.collectionId, {
      decision: "discard",
      reason: "excursion beyond the stability data",
      signatures: [sig(w, "quality", "A", "rejected")],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: "discarded", signatures: [{ meaning: "rejected" }] });
  });
});

describe("the signature hash binds the signed content", () => {
  it("reports a signed record changed in SQL, a signature moved or edited, and keeps signatures append-only", async () => {
    // A bag released by QA, its OOS sibling signed by two, a quarantine decision and a bedside check.
    const released = await bagAwaitingRelease(w);
    await qaRelease(w, "A", released.bagId);
    const oos = await oosBag(w);
    const ex = await w.call(
      "investigator",
      "A",
      "POST",
      `/api/v1/product-units/${oos.bagId}/oos-exception/signatures`,
      {
        rationale: "risk assessed with the manufacturer",
        signatures: [
          { ...sig(w, "investigator", "A", "approved deviation"), capacity: "investigator" },
          { ...sig(w, "quality", "A", "approved deviation"), capacity: "qa" },
        ],
      },
    );
    expect(ex.statusCode, ex.body).toBe(201);
    const q = await quarantinedCollection(w);
    const decided = await w.call(
      "quality",
      "A",
      "POST",
      `/api/v1/product-units/${q.collectionId}/quarantine-decisions`,
      {
        decision: "release",
        reason: "within the stability data",
        signatures: [sig(w, "quality", "A", "released from quarantine")],
      },
    );
    expect(decided.statusCode, decided.body).toBe(200);
    const bag = await thawedBag(w);
    clock += 5 * 60_000;
    const bedside = await w.call(
      "coordinator",
      "A",
      "POST",
      `/api/v1/products/${bag.bagId}/bedside-verifications`,
      {
        ...bedsideReading(bag),
        signatures: [
          sig(w, "coordinator", "A", "verified product identity at bedside"),
          sig(w, "investigator", "A", "verified product identity at bedside"),
        ],
      },
    );
    expect(bedside.statusCode, bedside.body).toBe(201);

    for (const id of [released.bagId, oos.bagId, q.collectionId, bag.bagId]) {
      const report = await checked(id);
      expect(report.items.length, id).toBeGreaterThan(0);
      expect(report.allValid, JSON.stringify(report.items)).toBe(true);
    }

    // 1. A QC result the release rested on is changed.
    await tamper(
      sql`UPDATE qc_results SET value_number = 50 WHERE product_id = ${released.bagId} AND attribute = 'viability'`,
    );
    const r1 = await checked(released.bagId);
    expect(r1.allValid).toBe(false);
    expect(r1.items.find((s) => s.meaning === "released")).toMatchObject({
      contentMatches: false,
      auditMatches: true,
      valid: false,
    });
    // 2. The OOS rationale is rewritten: both signatures on it no longer match.
    await tamper(sql`UPDATE oos_exceptions SET rationale = 'no risk at all' WHERE product_id = ${oos.bagId}`);
    expect((await checked(oos.bagId)).items.map((s) => s.contentMatches)).toEqual([false, false]);
    // 3. The quarantine decision's reason is edited in the product event.
    await tamper(
      sql`UPDATE product_events SET payload = jsonb_set(payload, '{reason}', '"never happened"')
           WHERE product_id = ${q.collectionId} AND event_type = 'release-from-quarantine'`,
    );
    expect(
      (await checked(q.collectionId)).items.find((s) => s.recordKind === "quarantine-decision"),
    ).toMatchObject({
      contentMatches: false,
    });
    // 4. What was read at the bedside is changed: the bag's signature checks before and after.
    const bedsideBefore = await checked(bag.bagId);
    expect(bedsideBefore.allValid).toBe(true);
    await tamper(
      sql`UPDATE bedside_attempts SET scanned = jsonb_set(scanned, '{patientSubjectCode}', '"SOMEONE-ELSE"')
           WHERE product_id = ${bag.bagId}`,
    );
    const r4 = await checked(bag.bagId);
    expect(r4.items.filter((s) => s.recordKind === "bedside-attempt").map((s) => s.contentMatches)).toEqual([
      false,
      false,
    ]);
    // The release signature of that bag is untouched and still valid.
    expect(r4.items.find((s) => s.recordKind === "product-release")?.valid).toBe(true);

    // 5. A signature copied onto another record, behind the trigger: the coordinator's bedside
    //    signature made to sign another bag's release. (Moving QA's release signature onto another
    //    release QA signed too is refused by the database: one person, one signature per record.)
    const other = await bagAwaitingRelease(w);
    await qaRelease(w, "A", other.bagId);
    const [otherRelease] = (await checked(other.bagId)).items;
    expect(otherRelease!.valid).toBe(true);
    const qaOnBag = (await checked(bag.bagId)).items.find((s) => s.recordKind === "product-release")!;
    await expect(
      tamper(
        sql`UPDATE electronic_signatures SET record_id = ${otherRelease!.recordId} WHERE id = ${qaOnBag.id}`,
      ),
    ).rejects.toThrow(/unique|duplicate/i);
    const victim = (await checked(bag.bagId)).items.find((s) => s.recordKind === "bedside-attempt")!;
    await tamper(
      sql`UPDATE electronic_signatures
             SET record_kind = 'product-release', record_id = ${otherRelease!.recordId},
                 product_id = ${other.bagId}, meaning = 'released'
           WHERE id = ${victim.id}`,
    );
    const moved = (await checked(other.bagId)).items.find((s) => s.id === victim.id)!;
    expect(moved).toMatchObject({ contentMatches: false, auditMatches: false, valid: false });
    // 6. A signature's meaning edited behind the trigger no longer matches its audit record.
    await tamper(sql`UPDATE electronic_signatures SET meaning = 'rejected' WHERE id = ${otherRelease!.id}`);
    expect((await checked(other.bagId)).items.find((s) => s.id === otherRelease!.id)).toMatchObject({
      contentMatches: true,
      auditMatches: false,
      valid: false,
    });

    // Over HTTP too.
    const http = await w.call("monitor", "A", "GET", `/api/v1/product-units/${released.bagId}/signatures`);
    expect(http.statusCode).toBe(200);
    expect(http.json().allValid).toBe(false);
    expect(
      (await w.call("monitor", "B", "GET", `/api/v1/product-units/${released.bagId}/signatures`)).statusCode,
    ).toBe(404);

    // Append-only: the application's database user cannot change or remove a signature.
    await expect(
      sql`UPDATE electronic_signatures SET printed_name = 'someone' WHERE id = ${victim.id}`.execute(
        w.database.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`DELETE FROM electronic_signatures WHERE id = ${victim.id}`.execute(w.database.db),
    ).rejects.toThrow(/append-only/);
  }, 120_000);
});
