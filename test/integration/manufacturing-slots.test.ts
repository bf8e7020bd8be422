/**
 * Manufacturing slots over HTTP on a real database: who may open one, free capacity, apheresis
 * booking that needs a free slot downstream, two bookings racing for the last place, moving
 * apheresis (same slot, another slot, or refused with nothing changed), and places given back on
 * withdrawal (issue 4, "Scheduling").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCarProduct, makeSlot } from "../support/slots.ts";
import { joinStudy } from "../support/study-sites.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let studyId: string;
let productId: string;
let otherProductId: string;

async function newJourney(): Promise<string> {
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
      consentDate: "2026-01-05",
      consentVersion: "1",
    })
  ).json();
  const id = (await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolment.id}/journey`)).json()
    .id;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
  ])
    expect((await move(id, body)).statusCode).toBe(200);
  return id;
}

async function move(journeyId: string, body: Record<string, unknown>) {
  const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json().version;
  return w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, body, {
    "if-match": `"${v}"`,
  });
}

const slot = async (id: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/manufacturing-slots/${id}`)).json();
const bookings = async (journeyId: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}/slot-bookings`)).json().items as {
    slotId: string;
    status: string;
    apheresisDate: string;
  }[];

beforeAll(async () => {
  w = await buildWorld();
  const study = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "cCAR in lymphoma",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json();
  studyId = study.id;
  await joinStudy(w, studyId, "B");
  productId = (await makeCarProduct(w, studyId)).id;
  const other = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "Other",
      shortName: "Other",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "SLE", name: "Lupus" }],
    })
  ).json();
  otherProductId = (await makeCarProduct(w, other.id, "OTHER")).id;
});
afterAll(() => w.close());

describe("opening slots", () => {
  const body = (o: Record<string, unknown> = {}) => ({
    carProductId: productId,
    siteId: w.sites.A,
    facility: "SZ GMP unit",
    startsOn: "2026-03-10",
    collectionWindowDays: 2,
    capacity: 2,
    ...o,
  });

  it("manufacturing opens a slot (product:write); it shows its free places and the collection window", async () => {
    const res = await w.call("manufacturing", "A", "POST", "/api/v1/manufacturing-slots", body());
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      capacity: 2,
      booked: 0,
      free: 2,
      startsOn: "2026-03-10",
      acceptsCollectionFrom: "2026-03-08",
    });
    const audit = await w.database.db
      .selectFrom("audit_events")
      .select(["action", "entity_type"])
      .where("entity_id", "=", res.json().id)
      .execute();
    expect(audit).toEqual([{ action: "create", entity_type: "manufacturing-slot" }]);
  });

  it("the same facility, product and day twice is a conflict", async () => {
    const res = await w.call("manufacturing", "A", "POST", "/api/v1/manufacturing-slots", body());
    expect(res.statusCode).toBe(409);
  });

  it("a monitor or quality may not open one; another site's user does not see the site", async () => {
    const b = body({ startsOn: "2026-03-11" });
    expect((await w.call("monitor", "A", "POST", "/api/v1/manufacturing-slots", b)).statusCode).toBe(403);
    expect((await w.call("quality", "A", "POST", "/api/v1/manufacturing-slots", b)).statusCode).toBe(403);
    expect((await w.call("manufacturing", "B", "POST", "/api/v1/manufacturing-slots", b)).statusCode).toBe(
      404,
    );
  });

  it("bad input names every bad field and writes nothing", async () => {
    const before = (await w.database.db.selectFrom("manufacturing_slots").select("id").execute()).length;
    const res = await w.call("manufacturing", "A", "POST", "/api/v1/manufacturing-slots", {
      carProductId: "nope",
      siteId: w.sites.A,
      facility: "",
      startsOn: "2026-02-30",
      collectionWindowDays: -1,
      capacity: 0,
    });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .errors.map((i: { pointer: string }) => i.pointer)
      .sort();
    expect(paths).toEqual(["/capacity", "/carProductId", "/collectionWindowDays", "/facility", "/startsOn"]);
    expect((await w.database.db.selectFrom("manufacturing_slots").select("id").execute()).length).toBe(
      before,
    );
  });

  it("a site outside the product's study cannot hold its slots", async () => {
    const res = await w.call("manufacturing", "A", "POST", "/api/v1/manufacturing-slots", {
      ...body({ startsOn: "2026-03-12" }),
      carProductId: otherProductId,
      siteId: w.sites.A,
    });
    expect(res.statusCode, res.body).toBe(201); // the other study is led by A
    const b = await w.call("manufacturing", "B", "POST", "/api/v1/manufacturing-slots", {
      ...body({ startsOn: "2026-03-12" }),
      carProductId: otherProductId,
      siteId: w.sites.B,
    });
    expect(b.statusCode).toBe(400);
    expect(b.json().errors[0].pointer).toBe("/siteId");
  });
});

describe("booking apheresis needs a free slot downstream", () => {
  it("no slot accepts the date: refused naming the rule, nothing written", async () => {
    const j = await newJourney();
    const before = (await w.database.db.selectFrom("journey_events").select("id").execute()).length;
    const res = await move(j, { type: "book-apheresis", apheresisDate: "2026-04-01" });
    expect(res.statusCode).toBe(422);
    expect(res.json().rule).toBe("V2V-APHERESIS-NEEDS-SLOT");
    expect((await w.database.db.selectFrom("journey_events").select("id").execute()).length).toBe(before);
    expect(await bookings(j)).toEqual([]);
  });

  it("the earliest slot whose window covers the date is booked, and its place taken", async () => {
    const late = await makeSlot(w, productId, {
      startsOn: "2026-05-08",
      collectionWindowDays: 7,
      capacity: 3,
    });
    const early = await makeSlot(w, productId, {
      startsOn: "2026-05-06",
      collectionWindowDays: 2,
      capacity: 3,
    });
    const j = await newJourney();
    const res = await move(j, { type: "book-apheresis", apheresisDate: "2026-05-04" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe("apheresis-scheduled");
    expect(await bookings(j)).toMatchObject([
      { slotId: early.id, status: "booked", apheresisDate: "2026-05-04" },
    ]);
    expect((await slot(early.id)).booked).toBe(1);
    expect((await slot(late.id)).booked).toBe(0);
    const history = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${j}/events`)).json().items;
    expect(history.at(-1).payload).toMatchObject({
      manufacturingSlotId: early.id,
      apheresisDate: "2026-05-04",
    });
  });

  it("named slots are checked: another study's product, outside the window, full", async () => {
    const other = await makeSlot(w, otherProductId, { startsOn: "2026-06-02", capacity: 5 });
    const full = await makeSlot(w, productId, { startsOn: "2026-06-03", capacity: 1 });
    const j0 = await newJourney();
    expect(
      (await move(j0, { type: "book-apheresis", apheresisDate: "2026-06-02", manufacturingSlotId: full.id }))
        .statusCode,
    ).toBe(200);
    const j = await newJourney();
    const cases: [Record<string, unknown>, string][] = [
      [{ manufacturingSlotId: other.id, apheresisDate: "2026-06-01" }, "V2V-SLOT-WRONG-PRODUCT"],
      [{ manufacturingSlotId: full.id, apheresisDate: "2026-06-04" }, "V2V-SLOT-OUTSIDE-WINDOW"],
      [{ manufacturingSlotId: full.id, apheresisDate: "2026-05-30" }, "V2V-SLOT-OUTSIDE-WINDOW"],
      [{ manufacturingSlotId: full.id, apheresisDate: "2026-06-01" }, "V2V-SLOT-FULL"],
    ];
    for (const [extra, rule] of cases) {
      const res = await move(j, { type: "book-apheresis", ...extra });
      expect(res.statusCode, `${rule}: ${res.body}`).toBe(422);
      expect(res.json().rule).toBe(rule);
    }
    const bad = await move(j, {
      type: "book-apheresis",
      manufacturingSlotId: "slot-1",
      apheresisDate: "1 May",
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((i: { pointer: string }) => i.pointer)
        .sort(),
    ).toEqual(["/apheresisDate", "/manufacturingSlotId"]);
    expect(await bookings(j)).toEqual([]);
  });

  it("two bookings racing for the last place: one gets it, the other is refused, capacity holds", async () => {
    const last = await makeSlot(w, productId, {
      startsOn: "2026-07-01",
      collectionWindowDays: 1,
      capacity: 1,
    });
    const [a, b] = [await newJourney(), await newJourney()];
    const results = await Promise.all(
      [a, b].map((j) =>
        move(j, { type: "book-apheresis", apheresisDate: "2026-07-01", manufacturingSlotId: last.id }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 422]);
    const refused = results.find((r) => r.statusCode === 422)!;
    expect(["V2V-SLOT-FULL", "V2V-APHERESIS-NEEDS-SLOT"]).toContain(refused.json().rule);
    expect((await slot(last.id)).booked).toBe(1);
    const held = await w.database.db
      .selectFrom("manufacturing_slot_bookings")
      .select("journey_id")
      .where("slot_id", "=", last.id)
      .execute();
    expect(held).toHaveLength(1);
  });

  it("the database itself refuses a place beyond capacity", async () => {
    const s = await makeSlot(w, productId, { startsOn: "2026-07-20", capacity: 1 });
    await expect(
      w.database.db.updateTable("manufacturing_slots").set({ booked: 2 }).where("id", "=", s.id).execute(),
    ).rejects.toThrow();
  });
});

describe("moving and freeing the booking", () => {
  let j: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    first = (await makeSlot(w, productId, { startsOn: "2026-08-05", collectionWindowDays: 3, capacity: 2 }))
      .id;
    second = (await makeSlot(w, productId, { startsOn: "2026-08-20", collectionWindowDays: 3, capacity: 2 }))
      .id;
    j = await newJourney();
    expect((await move(j, { type: "book-apheresis", apheresisDate: "2026-08-03" })).statusCode).toBe(200);
  });

  it("a new date the slot still accepts keeps the slot and moves the date", async () => {
    const res = await move(j, { type: "reschedule-apheresis", apheresisDate: "2026-08-05" });
    expect(res.statusCode, res.body).toBe(200);
    expect(await bookings(j)).toMatchObject([
      { slotId: first, status: "booked", apheresisDate: "2026-08-05" },
    ]);
    expect((await slot(first)).booked).toBe(1);
  });

  it("a date only another slot accepts moves the booking there and frees the first place", async () => {
    const res = await move(j, { type: "reschedule-apheresis", apheresisDate: "2026-08-18" });
    expect(res.statusCode, res.body).toBe(200);
    expect(await bookings(j)).toMatchObject([
      { slotId: first, status: "freed" },
      { slotId: second, status: "booked", apheresisDate: "2026-08-18" },
    ]);
    expect([(await slot(first)).booked, (await slot(second)).booked]).toEqual([0, 1]);
  });

  it("a date no slot accepts is refused and the booking stays as it was", async () => {
    const res = await move(j, { type: "reschedule-apheresis", apheresisDate: "2026-09-30" });
    expect(res.statusCode).toBe(422);
    expect(res.json().rule).toBe("V2V-APHERESIS-NEEDS-SLOT");
    expect((await bookings(j)).at(-1)).toMatchObject({
      slotId: second,
      status: "booked",
      apheresisDate: "2026-08-18",
    });
    expect((await slot(second)).booked).toBe(1);
  });

  it("withdrawal before apheresis gives the place back", async () => {
    const res = await move(j, { type: "withdraw", reason: "patient choice" });
    expect(res.statusCode, res.body).toBe(200);
    expect((await bookings(j)).at(-1)).toMatchObject({ slotId: second, status: "freed" });
    expect((await slot(second)).booked).toBe(0);
  });

  it("recorded apheresis keeps the place (used), and a later withdrawal does not free it", async () => {
    const k = await newJourney();
    expect((await move(k, { type: "book-apheresis", apheresisDate: "2026-08-19" })).statusCode).toBe(200);
    expect((await move(k, { type: "record-apheresis" })).statusCode).toBe(200);
    expect(await bookings(k)).toMatchObject([{ slotId: second, status: "used" }]);
    expect((await move(k, { type: "withdraw", reason: "progression" })).statusCode).toBe(200);
    expect((await bookings(k))[0]!.status).toBe("used");
    expect((await slot(second)).booked).toBe(1);
  });
});

describe("reading slots", () => {
  it("lists slots of a study with free places; onlyFree hides full ones", async () => {
    const res = await w.call("monitor", "A", "GET", `/api/v1/manufacturing-slots?studyId=${studyId}`);
    expect(res.statusCode, res.body).toBe(200);
    const all = res.json().items;
    const free = (
      await w.call("monitor", "A", "GET", `/api/v1/manufacturing-slots?studyId=${studyId}&onlyFree=true`)
    ).json().items;
    expect(all.length).toBeGreaterThan(free.length);
    expect(free.every((s: { free: number }) => s.free > 0)).toBe(true);
    expect(all.some((s: { free: number }) => s.free === 0)).toBe(true);
    expect(all.every((s: { carProductId: string }) => s.carProductId === productId)).toBe(true);
  });
});
