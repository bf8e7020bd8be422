/**
 * The web board's read-only lists over HTTP: the site's product units with subject code, journey
 * state and calendar days since the apheresis collection (site-local, Asia/Shanghai for site A),
 * "open" listing only units still on their way, site scoping; and the second bedside verifiers (clinical
 * writers of the site only).
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleForStep } from "../support/product-step-role.ts";
import { makeCarProduct, makeSlot } from "../support/slots.ts";
import { statementsRun } from "../support/statements.ts";
import { joinStudy } from "../support/study-sites.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
// 2019-09-01 10:00 in Shanghai (UTC+8): the collection is recorded on local day 2019-09-01.
let clock = Date.parse("2019-09-01T02:00:00Z");
let subjectCode: string;
let collectionId: string;
let bagId: string;
let journeyId: string;

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
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
  const car = await makeCarProduct(w, study.json().id);
  const slot = await makeSlot(w, car.id, { startsOn: "2019-09-02", collectionWindowDays: 3, capacity: 5 });
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1970,
      sex: "male",
    })
  ).json();
  subjectCode = patient.subjectCode;
  const enrolment = await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
    patientId: patient.id,
    studyId: study.json().id,
    armCode: "LYM",
    consentDate: "2019-08-20",
    consentVersion: "1",
  });
  expect(enrolment.statusCode, enrolment.body).toBe(201);
  const journey = (
    await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolment.json().id}/journey`)
  ).json();
  journeyId = journey.id;
  for (const type of [
    "consult",
    "sign-consent",
    "start-screening",
    "enrol",
    "book-apheresis",
    "record-apheresis",
  ]) {
    const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journey.id}`)).json().version;
    const res = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journey.id}/events`, {
      type,
      version: v,
      scopes: ["trial"],
      pathway: "trial",
      eligibilityConfirmed: true,
      manufacturingSlotId: slot.id,
      apheresisDate: "2019-09-01",
    });
    expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
  }
  const col = await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journey.id}/collections`, {
    productCode: "S1234V00",
  });
  expect(col.statusCode, col.body).toBe(201);
  collectionId = col.json().id;
  clock = Date.parse("2019-09-02T01:00:00Z"); // 2019-09-02 09:00 local
  for (const type of ["ship-to-manufacturer", "receive-at-manufacturer", "start-manufacture"]) {
    const res = await w.call(roleForStep(type), "A", "POST", `/api/v1/product-units/${collectionId}/events`, {
      type,
    });
    expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
  }
  const bag = await w.call(
    "manufacturing",
    "A",
    "POST",
    `/api/v1/product-units/${collectionId}/final-products`,
    {
      productCode: "S5678V00",
      thawStabilityMinutes: 60,
    },
  );
  expect(bag.statusCode, bag.body).toBe(201);
  bagId = bag.json().id;
  // 16:30 UTC on 2019-09-04 is 00:30 on the 5th in Shanghai: day 4 at the site (UTC would say 3).
  clock = Date.parse("2019-09-04T16:30:00Z");
});
afterAll(() => w.close());

const board = (role: "manufacturing" | "monitor" | "coordinator", query: string, site: "A" | "B" = "A") =>
  w.call(role, site, "GET", `/api/v1/product-board?${query}`);

describe("GET /api/v1/product-board", () => {
  it("lists the site's units with subject code, journey state and site-local days since collection", async () => {
    const res = await board("manufacturing", `siteId=${w.sites.A}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.today).toBe("2019-09-05");
    const byId = new Map(body.items.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(collectionId)).toMatchObject({
      kind: "apheresis",
      subjectCode,
      state: "in-manufacture",
      journeyState: "apheresed",
      collectedOn: "2019-09-01",
      daysSinceCollection: 4,
      daysInState: 3,
    });
    // The bag is on the same chain of identity, so it counts from the same collection.
    expect(byId.get(bagId)).toMatchObject({
      kind: "final-product",
      state: "in-manufacture",
      collectedOn: "2019-09-01",
      daysSinceCollection: 4,
    });
    expect(JSON.stringify(body)).not.toMatch(/familyName|givenName/);
  });

  it("counts by the site's calendar: half an hour earlier it is still 2019-09-04 in Shanghai", async () => {
    const saved = clock;
    clock = Date.parse("2019-09-04T15:30:00Z");
    try {
      const item = (await board("monitor", `siteId=${w.sites.A}`))
        .json()
        .items.find((i: { id: string }) => i.id === collectionId);
      expect(item.daysSinceCollection).toBe(3);
    } finally {
      clock = saved;
    }
  });

  it("'open' lists what is still on its way: the bag, not the collection it was made from, nor finished units", async () => {
    const ids = async (scope: "open" | "all") =>
      (await board("monitor", `siteId=${w.sites.A}&scope=${scope}`))
        .json()
        .items.map((i: { id: string }) => i.id);
    // The collection became the bag: the bag is followed, the collection is not "in manufacture" for ever.
    expect(await ids("open")).toEqual(expect.arrayContaining([bagId]));
    expect(await ids("open")).not.toContain(collectionId);
    const res = await w.call("manufacturing", "A", "POST", `/api/v1/product-units/${bagId}/events`, {
      type: "declare-failed",
      reason: "Transduction failed",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe("failed");
    expect(await ids("open")).not.toContain(bagId);
    expect(await ids("all")).toEqual(expect.arrayContaining([collectionId, bagId]));
  });

  it("'open' leaves out the units of a journey that ended (the patient withdrew)", async () => {
    // A new collection on the same chain of identity after the failure, then the patient withdraws.
    const again = await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journeyId}/collections`, {
      productCode: "S1234V00",
    });
    expect(again.statusCode, again.body).toBe(201);
    const ids = async (scope: "open" | "all") =>
      (await board("monitor", `siteId=${w.sites.A}&scope=${scope}`))
        .json()
        .items.map((i: { id: string }) => i.id);
    expect(await ids("open")).toContain(again.json().id);
    const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json().version;
    const withdrawn = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, {
      type: "withdraw",
      reason: "moved abroad",
      version: v,
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(await ids("open")).not.toContain(again.json().id);
    expect(await ids("all")).toContain(again.json().id);
  });

  it("is site-scoped: another site's user gets 404, a missing siteId is a 400 naming it", async () => {
    expect((await board("monitor", `siteId=${w.sites.A}`, "B")).statusCode).toBe(404);
    const res = await board("monitor", "");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain("/siteId");
  });
});

describe("GET /api/v1/product-board, a page at a time (issue 15)", () => {
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

  // Earlier tests added and moved units: every expectation is built from the whole list.
  interface Unit {
    id: string;
    state: string;
    subjectCode: string;
    din: string;
  }
  const whole = async () =>
    (await board("monitor", `siteId=${w.sites.A}&scope=all`)).json() as Promise<{
      items: Unit[];
      nextCursor: string | null;
      states: string[];
    }>;

  it("pages newest first with a cursor, without skipping or repeating a unit", async () => {
    const all = await whole();
    expect(all.nextCursor).toBeNull();
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    // The bag was made after its collection: newest first puts it before.
    expect(ids(all).indexOf(bagId)).toBeLessThan(ids(all).indexOf(collectionId));
    expect(all.states).toContain("in-manufacture");
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Unit[]; nextCursor: string | null } = (
        await board("monitor", `siteId=${w.sites.A}&scope=all&limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(1);
      paged.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor && paged.length <= all.items.length);
    expect(paged).toEqual(ids(all));
  });

  it("filters in the database by state and by part of a subject code or DIN, in any case", async () => {
    const all = (await whole()).items;
    const bag = all.find((u) => u.id === bagId)!;
    const q = async (query: string) =>
      ids((await board("monitor", `siteId=${w.sites.A}&scope=all&${query}`)).json());
    expect(await q(`state=${bag.state}`)).toEqual(ids({ items: all.filter((u) => u.state === bag.state) }));
    expect(await q("state=released")).toEqual(ids({ items: all.filter((u) => u.state === "released") }));
    const part = subjectCode.slice(-4);
    expect(await q(`find=${part.toLowerCase()}`)).toEqual(
      ids({ items: all.filter((u) => u.subjectCode.includes(part) || u.din.includes(part)) }),
    );
    expect(await q(`find=${bag.din.toLowerCase()}`)).toEqual([bagId]);
    // Typed wildcards are letters: "%" matches no subject code or DIN.
    expect(await q("find=%25")).toEqual([]);
  });

  it("refuses a cursor it did not issue, an unknown state and a page over 500 with 400", async () => {
    for (const query of ["cursor=bm90LWEtY3Vyc29y", "state=lost", "limit=501"]) {
      const res = await board("monitor", `siteId=${w.sites.A}&${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    }
  });
});

describe("GET /api/v1/sites/{id}/bedside-verifiers", () => {
  it("lists the site's clinical writers only", async () => {
    const res = await w.call("coordinator", "A", "GET", `/api/v1/sites/${w.sites.A}/bedside-verifiers`);
    expect(res.statusCode, res.body).toBe(200);
    const names = res.json().items.map((u: { username: string }) => u.username);
    expect(names).toEqual(expect.arrayContaining([w.usernames.investigator.A, w.usernames.coordinator.A]));
    for (const role of ["monitor", "quality", "manufacturing", "admin"] as const)
      expect(names).not.toContain(w.usernames[role].A);
    expect(names).not.toContain(w.usernames.investigator.B);
  });

  it("is refused to a role that cannot verify at the bedside", async () => {
    expect(
      (await w.call("monitor", "A", "GET", `/api/v1/sites/${w.sites.A}/bedside-verifiers`)).statusCode,
    ).toBe(403);
  });
});

describe("GET /api/v1/product-board, held between requests (decision 0053)", () => {
  interface BoardItem {
    id: string;
    patientId: string;
    daysInState: number;
  }
  const read = async () =>
    (await board("monitor", `siteId=${w.sites.A}&scope=all`)).json() as Promise<{ items: BoardItem[] }>;
  const unit = (body: { items: BoardItem[] }, id: string) => body.items.find((i) => i.id === id);

  it("is answered again without reading the units while nothing of the site changed", async () => {
    const first = await read();
    let again: unknown;
    const reads = await statementsRun(
      w.database,
      async () => {
        again = await read();
      },
      /\b(product_units|product_events|journeys|patients)\b/,
    );
    expect(reads).toEqual([]);
    expect(again).toEqual(first);
  });

  it("shows a changed unit, a new subject code and a new day at once", async () => {
    // Any write to the unit moves the site's version, a plain UPDATE from another process too.
    const before = unit(await read(), bagId)!;
    await sql`UPDATE product_units SET updated_at = updated_at - interval '3 days' WHERE id = ${bagId}`.execute(
      w.database.db,
    );
    expect(unit(await read(), bagId)).toMatchObject({ daysInState: before.daysInState + 3 });

    const renamed = `${subjectCode}-R`;
    const patientId = before.patientId;
    await sql`UPDATE patients SET subject_code = ${renamed} WHERE id = ${patientId}`.execute(w.database.db);
    expect(unit(await read(), bagId)).toMatchObject({ subjectCode: renamed });

    // Two days on at the site: the same units, their days counted from the new today.
    const saved = clock;
    try {
      clock += 2 * 86_400_000;
      expect(unit(await read(), bagId)).toMatchObject({ daysInState: before.daysInState + 5 });
    } finally {
      clock = saved;
    }
  });
});
