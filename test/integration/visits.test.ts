/**
 * Protocol visits on a real database: generated with the enrolment's infusion date, regenerated
 * when it changes (recorded visits kept), recorded as done or missed, their status at the exact
 * window edges in the site's time zone, the worklist's site scoping, and the iCalendar feed.
 * Windows: shared/domain/workflow-standards.md §4.4 via domain/visit-schedule.ts.
 */
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.ts";
import { enrolPatient, updateEnrolment } from "../../src/services/enrolments.ts";
import { applyJourney, openJourney } from "../../src/services/journeys.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createStudy } from "../../src/services/studies.ts";
import { listPatientVisits, recordVisit, type VisitDto, worklist } from "../../src/services/visits.ts";
import { siteVersions } from "../../src/store/site-versions.ts";
import { runV2v } from "../support/cli.ts";
import { statementsRun } from "../support/statements.ts";
import { buildWorld, type SiteKey, type World } from "../support/world.ts";

let clock = new Date("2019-10-15T10:00:00+08:00");
let w: World;
const studies = {} as Record<SiteKey, string>;

beforeAll(async () => {
  w = await buildWorld({ now: () => clock });
  for (const site of ["A", "B"] as const) {
    const study = await createStudy(await w.as("investigator", site), {
      leadSiteId: w.sites[site],
      title: `Study ${site}`,
      shortName: `V-${site}`,
      phase: "phase-1",
      status: "active",
      arms: ["LYM", "AID", "MM"].map((code) => ({
        code,
        name: `Arm ${code}`,
        doseLevels: [{ code: "DL1", label: "1e6/kg", dose: 1e6, unit: "car-cells-per-kg" }],
      })),
    });
    studies[site] = study.id;
  }
}, 60_000);
afterAll(() => w.close());

async function enrolled(site: SiteKey, opts: { armCode?: string; infusionDate?: string } = {}) {
  const ctx = await w.as("coordinator", site);
  const patient = await createPatient(ctx, {
    siteId: w.sites[site],
    birthYear: 1976,
    sex: "female",
    identity: { familyName: "Secretname", givenName: "Hidden", sex: "female", birthDate: "1976-05-01" },
  });
  const enrolment = await enrolPatient(ctx, {
    patientId: patient.id,
    studyId: studies[site],
    armCode: opts.armCode ?? "LYM",
    doseLevelCode: "DL1",
    consentDate: "2019-08-20",
    consentVersion: "1.0",
    ...(opts.infusionDate ? { infusionDate: opts.infusionDate, status: "follow-up" } : {}),
  });
  return { patient, enrolment, ctx };
}

async function visitsOf(patientId: string, role: Role = "coordinator", site: SiteKey = "A") {
  return (await listPatientVisits(await w.as(role, site), patientId)).items;
}
const byCode = (visits: VisitDto[], code: string) => visits.find((v) => v.code === code)!;

describe("generation", () => {
  it("creates the 32 visits of the template on enrolment with an infusion date", async () => {
    const { patient, enrolment } = await enrolled("A", { infusionDate: "2019-09-16" });
    const visits = await visitsOf(patient.id);
    expect(visits).toHaveLength(32);
    expect(visits[0]).toMatchObject({ code: "D1", nominalDate: "2019-09-17", windowStart: "2019-09-17" });
    expect(byCode(visits, "D28")).toMatchObject({
      nominalDate: "2019-10-14",
      nominalDay: 28,
      windowStart: "2019-10-11",
      windowEnd: "2019-10-17",
      subjectCode: patient.subjectCode,
    });
    expect(byCode(visits, "D28").expected.assessments).toEqual(expect.arrayContaining(["lugano-pet"]));
    // Calendar month 12 of 2019-09-16, ± 14 d; CIBMTR's 1-year window counts days 365–425.
    expect(byCode(visits, "M12")).toMatchObject({
      nominalDate: "2020-09-16",
      windowStart: "2020-09-02",
      windowEnd: "2020-09-30",
      registryWindow: { registry: "CIBMTR F4100 1 year", start: "2020-09-15", end: "2020-11-14" },
    });
    expect(byCode(visits, "Y15").nominalDate).toBe("2034-09-16");
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "visit-schedule")
      .where("entity_id", "=", enrolment.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe("create");
  });

  it("chooses response assessments by arm: AID gets SLE indices", async () => {
    const { patient } = await enrolled("A", { armCode: "AID", infusionDate: "2019-09-16" });
    const d28 = byCode(await visitsOf(patient.id), "D28");
    expect(d28.expected.assessments).toEqual(expect.arrayContaining(["sledai-2k", "doris"]));
    expect(d28.expected.assessments).not.toContain("lugano-pet");
    expect(d28.schedule).toMatch(/sle/);
  });

  it("creates none without an infusion date, and all of them when it is set", async () => {
    const { patient, enrolment, ctx } = await enrolled("A");
    expect(await visitsOf(patient.id)).toEqual([]);
    await updateEnrolment(ctx, enrolment.id, {
      infusionDate: "2019-09-16",
      version: enrolment.version,
      reason: "infused today",
    });
    expect(await visitsOf(patient.id)).toHaveLength(32);
  });

  it("moves open visits when the infusion date changes and keeps done and missed ones", async () => {
    const { patient, enrolment, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    let visits = await visitsOf(patient.id);
    const d1 = byCode(visits, "D1");
    const d2 = byCode(visits, "D2");
    const d28Before = byCode(visits, "D28");
    await recordVisit(ctx, d1.id, { doneOn: "2019-09-17", version: d1.version, reason: "seen on ward" });
    await recordVisit(ctx, d2.id, {
      missedReason: "ICU transfer",
      version: d2.version,
      reason: "not seen",
    });
    await updateEnrolment(ctx, enrolment.id, {
      infusionDate: "2019-09-20",
      version: enrolment.version,
      reason: "infusion date corrected from the pharmacy log",
    });
    visits = await visitsOf(patient.id);
    expect(visits).toHaveLength(32);
    expect(byCode(visits, "D1")).toMatchObject({
      nominalDate: "2019-09-17",
      doneOn: "2019-09-17",
      status: { status: "done" },
    });
    expect(byCode(visits, "D2")).toMatchObject({ nominalDate: "2019-09-18", missedReason: "ICU transfer" });
    const d28 = byCode(visits, "D28");
    expect(d28).toMatchObject({ id: d28Before.id, nominalDate: "2019-10-18", windowEnd: "2019-10-21" });
    expect(d28.version).toBe(d28Before.version + 1);
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "visit-schedule")
      .where("entity_id", "=", enrolment.id)
      .where("action", "=", "update")
      .executeTakeFirstOrThrow();
    expect(audit.reason).toBe("infusion date corrected from the pharmacy log");
    expect(audit.before).toEqual({ infusionDate: "2019-09-16" });
    expect((audit.after as { keptRecorded: string[] }).keptRecorded).toEqual(["D1", "D2"]);
    expect((audit.after as { moved: string[] }).moved).toHaveLength(30);
  });

  it("keeps recorded visits and drops open ones when the infusion date is cleared", async () => {
    const { patient, enrolment, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    const d1 = byCode(await visitsOf(patient.id), "D1");
    await recordVisit(ctx, d1.id, { doneOn: "2019-09-17", version: d1.version, reason: "seen" });
    await updateEnrolment(ctx, enrolment.id, {
      infusionDate: null,
      version: enrolment.version,
      reason: "infusion postponed",
    });
    expect((await visitsOf(patient.id)).map((v) => v.code)).toEqual(["D1"]);
  });
});

describe("status at the window edges, in the site's time zone", () => {
  const at = async (instant: string, patientId: string, code: string) => {
    clock = new Date(instant);
    return byCode(await visitsOf(patientId), code).status;
  };

  it("is upcoming, due from the first to the last day, then overdue", async () => {
    const { patient } = await enrolled("A", { infusionDate: "2019-09-16" });
    // D28: 2019-10-14 ± 3 d, so 2019-10-11..2019-10-17 at a Shanghai site (UTC+8).
    expect(await at("2019-10-10T23:59:00+08:00", patient.id, "D28")).toEqual({
      status: "upcoming",
      opensInDays: 1,
    });
    expect(await at("2019-10-11T00:00:00+08:00", patient.id, "D28")).toEqual({
      status: "due",
      closesInDays: 6,
    });
    expect(await at("2019-10-17T23:59:00+08:00", patient.id, "D28")).toEqual({
      status: "due",
      closesInDays: 0,
    });
    // Still 2019-10-17 in UTC, already the 18th in Shanghai.
    expect(await at("2019-10-18T00:30:00+08:00", patient.id, "D28")).toEqual({
      status: "overdue",
      daysOverdue: 1,
    });
    clock = new Date("2019-10-15T10:00:00+08:00");
  });

  it("is done (in or out of the window) or missed once recorded", async () => {
    const { patient, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    clock = new Date("2019-11-01T10:00:00+08:00");
    const visits = await visitsOf(patient.id);
    const d28 = byCode(visits, "D28");
    const late = await recordVisit(ctx, d28.id, {
      doneOn: "2019-10-18",
      version: d28.version,
      reason: "seen late",
    });
    expect(late.status).toEqual({
      status: "done",
      doneOn: "2019-10-18",
      inWindow: false,
      daysOutsideWindow: 1,
    });
    const d21 = byCode(visits, "D21");
    const missed = await recordVisit(ctx, d21.id, {
      missedReason: "patient travelling",
      version: d21.version,
      reason: "no show",
    });
    expect(missed.status).toEqual({ status: "missed", reason: "patient travelling" });
    // Correcting "missed" to "done" clears the reason in one step.
    const done = await recordVisit(ctx, d21.id, {
      doneOn: "2019-10-07",
      version: missed.version,
      reason: "found the note",
    });
    expect(done).toMatchObject({ missedReason: null, status: { status: "done", inWindow: true } });
    clock = new Date("2019-10-15T10:00:00+08:00");
  });
});

describe("HTTP", () => {
  let patientA: { id: string; subjectCode: string };
  let patientB: { id: string; subjectCode: string };
  let d28: VisitDto;

  beforeAll(async () => {
    clock = new Date("2019-10-15T10:00:00+08:00");
    patientA = (await enrolled("A", { infusionDate: "2019-09-16" })).patient;
    patientB = (await enrolled("B", { infusionDate: "2019-09-16" })).patient;
    d28 = byCode(await visitsOf(patientA.id), "D28");
  });

  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    expect(String(res.headers["content-type"])).toContain("application/problem+json");
    return res.json() as { status: number; issues?: { pointer?: string; path?: string }[] };
  };

  it("lists a patient's visits for readers as for enrolments, and hides other sites", async () => {
    for (const role of ["coordinator", "investigator", "manufacturing", "monitor", "admin"] as const) {
      const res = await w.call(role, "A", "GET", `/api/v1/patients/${patientA.id}/visits`);
      expect(res.statusCode, role).toBe(200);
      expect(res.json().items).toHaveLength(32);
    }
    expect(
      (await w.call("coordinator", "B", "GET", `/api/v1/patients/${patientA.id}/visits`)).statusCode,
    ).toBe(404);
  });

  it("records a visit with a reason and the version; refuses bad input with problem+json", async () => {
    const url = `/api/v1/visits/${d28.id}`;
    const future = await w.call("coordinator", "A", "PATCH", url, {
      doneOn: "2019-10-16",
      version: d28.version,
      reason: "seen",
    });
    expect(future.statusCode).toBe(400);
    expect(JSON.stringify(problem(future))).toContain("/doneOn");
    const both = await w.call("coordinator", "A", "PATCH", url, {
      doneOn: "2019-10-14",
      missedReason: "not both",
      version: d28.version,
      reason: "seen",
    });
    expect(both.statusCode).toBe(400);
    problem(both);
    const badDate = await w.call("coordinator", "A", "PATCH", url, { doneOn: "2019-13-01", reason: "seen" });
    expect(badDate.statusCode).toBe(400);
    problem(badDate);
    const noVersion = await w.call("coordinator", "A", "PATCH", url, {
      doneOn: "2019-10-14",
      reason: "seen",
    });
    expect(noVersion.statusCode).toBe(428);
    const stale = await w.call(
      "coordinator",
      "A",
      "PATCH",
      url,
      { doneOn: "2019-10-14", reason: "seen" },
      {
        "if-match": `"${d28.version + 5}"`,
      },
    );
    expect(stale.statusCode).toBe(412);
    problem(stale);
    for (const role of ["manufacturing", "monitor", "admin"] as const)
      expect(
        (
          await w.call(role, "A", "PATCH", url, {
            doneOn: "2019-10-14",
            version: d28.version,
            reason: "x-y-z",
          })
        ).statusCode,
        role,
      ).toBe(403);
    expect(
      (
        await w.call("coordinator", "B", "PATCH", url, {
          doneOn: "2019-10-14",
          version: d28.version,
          reason: "seen",
        })
      ).statusCode,
    ).toBe(404);
    const ok = await w.call("coordinator", "A", "PATCH", url, {
      doneOn: "2019-10-14",
      version: d28.version,
      reason: "seen",
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe(`"${d28.version + 1}"`);
    expect(ok.json()).toMatchObject({ doneOn: "2019-10-14", status: { status: "done", inWindow: true } });
    const audit = await w.call("admin", "A", "GET", `/api/v1/audit?entity=visit&entityId=${d28.id}`);
    expect(audit.json().items[0]).toMatchObject({ reason: "seen", after: { doneOn: "2019-10-14" } });
    // Back to open, so the worklist tests below see it again.
    const reopened = await w.call("coordinator", "A", "PATCH", url, {
      doneOn: null,
      version: d28.version + 1,
      reason: "recorded on the wrong patient",
    });
    expect(reopened.json().status).toEqual({ status: "due", closesInDays: 2 });
  });

  it("worklist: due today and overdue at the actor's sites only, with subject code and study day", async () => {
    for (const role of ["coordinator", "manufacturing", "monitor", "admin", "investigator"] as const) {
      const res = await w.call(role, "A", "GET", "/api/v1/worklist");
      expect(res.statusCode, role).toBe(200);
      const body = res.json() as { items: VisitDto[]; sites: { today: string }[] };
      expect(body.sites).toHaveLength(1);
      expect(body.sites[0]!.today).toBe("2019-10-15");
      expect(
        body.items.every((v) => v.siteId === w.sites.A),
        role,
      ).toBe(true);
      expect(body.items.some((v) => v.subjectCode === patientB.subjectCode)).toBe(false);
      const mine = body.items.filter((v) => v.patientId === patientA.id);
      expect(mine.find((v) => v.code === "D28")).toMatchObject({
        status: { status: "due" },
        studyDayToday: 29,
      });
      // D1–D21 closed before today with nothing recorded.
      expect(mine.filter((v) => v.status.status === "overdue").map((v) => v.code)).toEqual(
        expect.arrayContaining(["D1", "D14", "D21"]),
      );
      expect(mine.some((v) => v.code === "M2")).toBe(false);
    }
    const b = (await w.call("coordinator", "B", "GET", "/api/v1/worklist")).json() as { items: VisitDto[] };
    expect(b.items.some((v) => v.patientId === patientB.id)).toBe(true);
    expect(b.items.every((v) => v.siteId === w.sites.B)).toBe(true);
    expect((await w.call("coordinator", "A", "GET", `/api/v1/worklist?siteId=${w.sites.B}`)).statusCode).toBe(
      404,
    );
  });

  it("worklist: a period and a status filter", async () => {
    const ctx = await w.as("coordinator", "A");
    const due = await worklist(ctx, { from: "2019-11-10", to: "2019-11-16", status: "due" });
    expect(due.items.filter((v) => v.patientId === patientA.id).map((v) => v.code)).toEqual(["M2"]);
    expect(due.items.every((v) => v.windowStart <= "2019-11-16" && v.windowEnd >= "2019-11-10")).toBe(true);
    const overdue = await worklist(ctx, { status: "overdue" });
    expect(overdue.items.every((v) => v.status.status === "overdue")).toBe(true);
    const badStatus = await w.call("coordinator", "A", "GET", "/api/v1/worklist?status=late");
    expect(badStatus.statusCode).toBe(400);
    expect(JSON.stringify(problem(badStatus))).toContain("/status");
    const backwards = await w.call(
      "coordinator",
      "A",
      "GET",
      "/api/v1/worklist?from=2019-10-20&to=2019-10-01",
    );
    expect(backwards.statusCode).toBe(400);
    expect(JSON.stringify(problem(backwards))).toContain("/to");
  });

  it("worklist: a page at a time, most overdue first, without skipping or repeating a visit; part of a subject code", async () => {
    type Page = { items: VisitDto[]; nextCursor: string | null };
    const get = async (query: string): Promise<Page> => {
      const res = await w.call("coordinator", "A", "GET", `/api/v1/worklist?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const whole = await get("limit=500");
    expect(whole.nextCursor).toBeNull();
    expect(whole.items.length).toBeGreaterThanOrEqual(4);
    const ends = whole.items.map((v) => v.windowEnd);
    expect(ends).toEqual([...ends].sort());
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((v) => v.id));
      cursor = page.nextCursor;
    } while (cursor && paged.length <= whole.items.length);
    expect(paged).toEqual(whole.items.map((v) => v.id));
    const part = patientA.subjectCode.slice(-3).toLowerCase();
    expect((await get(`limit=500&find=${part}`)).items.map((v) => v.id)).toEqual(
      whole.items.filter((v) => v.subjectCode.toLowerCase().includes(part)).map((v) => v.id),
    );
    for (const bad of ["cursor=bm9wZQ", "limit=501"]) {
      const res = await w.call("coordinator", "A", "GET", `/api/v1/worklist?${bad}`);
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it("v2v worklist prints the whole list as columns, every page of it", async () => {
    // The command asks at the real today; count the same list through the service, two at a time.
    const ctx = { ...(await w.as("monitor", "A")), now: () => new Date() };
    let n = 0;
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof worklist>> = await worklist(ctx, {
        siteId: w.sites.A,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      n += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(n).toBeGreaterThan(2);
    const r = await runV2v(w.database, ["worklist", "--site", "AA"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^subject {2,}visit {2,}window {2,}status {2,}study day today$/m);
    expect(r.stdout).toContain(`\n${n} visit(s)\n`);
  });

  it("iCalendar feed: one all-day VEVENT per open window from a month back to six months ahead, subject code only", async () => {
    const res = await w.call("coordinator", "A", "GET", `/api/v1/sites/${w.sites.A}/visits.ics`);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers["content-type"])).toContain("text/calendar");
    const events = parseIcs(res.body);
    // Today at site A is 2019-10-15: windows overlapping 2019-09-15 … 2020-04-15 (issue 15).
    const all = (await visitsOf(patientA.id)).filter((v) => !v.doneOn && !v.missedReason);
    const open = all.filter((v) => v.windowEnd >= "2019-09-15" && v.windowStart <= "2020-04-15");
    expect(open.length).toBeGreaterThan(0);
    expect(open.length).toBeLessThan(all.length);
    const mine = events.filter((e) => e.SUMMARY?.startsWith(`${patientA.subjectCode} `));
    expect(mine).toHaveLength(open.length);
    const d28Event = mine.find((e) => e.SUMMARY?.includes("D28"))!;
    expect(d28Event["DTSTART;VALUE=DATE"]).toBe("20191011");
    expect(d28Event["DTEND;VALUE=DATE"]).toBe("20191018"); // exclusive end: the window ends on the 17th
    expect(d28Event.UID).toBe(`${d28.id}@vein2vein`);
    expect(res.body).not.toMatch(/Secretname|Hidden|1976-05-01/);
    expect(events.some((e) => e.SUMMARY?.startsWith(patientB.subjectCode))).toBe(false);
    expect(
      (await w.call("coordinator", "B", "GET", `/api/v1/sites/${w.sites.A}/visits.ics`)).statusCode,
    ).toBe(404);
    const anonymous = await w.app.inject({ method: "GET", url: `/api/v1/sites/${w.sites.A}/visits.ics` });
    expect(anonymous.statusCode).toBe(401);
    const notUuid = await w.call("coordinator", "A", "GET", "/api/v1/sites/nope/visits.ics");
    expect(notUuid.statusCode).toBe(400);
    problem(notUuid);
  });
});

describe("when the journey ends", () => {
  it("death closes every open visit with its reason and date; done and missed ones stay; the lists drop them", async () => {
    const { patient, enrolment, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    const before = await visitsOf(patient.id);
    const d1 = await recordVisit(ctx, byCode(before, "D1").id, {
      doneOn: "2019-09-17",
      version: byCode(before, "D1").version,
      reason: "seen on the ward",
    });
    await recordVisit(ctx, byCode(before, "D7").id, {
      missedReason: "too unwell to come",
      version: byCode(before, "D7").version,
      reason: "entered late",
    });
    // D28's window (2019-10-11..17) holds the clock's day and D14's has closed: both on the worklist.
    const listed = async () =>
      (
        (await w.call("coordinator", "A", "GET", "/api/v1/worklist?status=due,overdue")).json() as {
          items: VisitDto[];
        }
      ).items.filter((v) => v.patientId === patient.id);
    expect((await listed()).map((v) => v.code)).toEqual(expect.arrayContaining(["D14", "D28"]));

    const journey = await openJourney(ctx, enrolment.id);
    // 01:30 on the 16th in the site's zone is still the 15th in UTC: the closure takes the site's date.
    clock = new Date("2019-10-16T01:30:00+08:00");
    try {
      const ended = await applyJourney(await w.as("investigator", "A"), journey.id, {
        type: "die",
        reason: "death reported by the family",
        version: journey.version,
      });
      expect(ended.effects).toContainEqual({
        type: "close-open-visits",
        reason: "Journey ended: patient died",
      });
    } finally {
      clock = new Date("2019-10-15T10:00:00+08:00");
    }

    const after = await visitsOf(patient.id);
    expect(byCode(after, "D1").status).toMatchObject({ status: "done", doneOn: "2019-09-17" });
    expect(byCode(after, "D1").version).toBe(d1.version);
    expect(byCode(after, "D7").status).toEqual({ status: "missed", reason: "too unwell to come" });
    const closed = after.filter((v) => v.code !== "D1" && v.code !== "D7");
    expect(closed).toHaveLength(30);
    for (const v of closed) {
      expect(v.status).toEqual({
        status: "closed",
        closedOn: "2019-10-16",
        reason: "Journey ended: patient died",
      });
      expect(v).toMatchObject({ doneOn: null, missedReason: null, closedOn: "2019-10-16" });
    }
    expect(await listed()).toEqual([]);
    const ics = await w.call("coordinator", "A", "GET", `/api/v1/sites/${w.sites.A}/visits.ics`);
    expect(ics.body).not.toContain(patient.subjectCode);

    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "visit-schedule")
      .where("entity_id", "=", enrolment.id)
      .orderBy("at")
      .execute();
    const closure = audit.at(-1)!;
    expect(closure.reason).toBe("Journey ended: patient died");
    expect((closure.after as { closed: string[] }).closed).toEqual(closed.map((v) => v.code));

    // A visit that did take place before the death is entered afterwards: done replaces the closure.
    const d14 = byCode(after, "D14");
    const late = await recordVisit(ctx, d14.id, {
      doneOn: "2019-09-30",
      version: d14.version,
      reason: "chart found",
    });
    expect(late).toMatchObject({ doneOn: "2019-09-30", closedOn: null, closedReason: null });
    expect(late.status.status).toBe("done");
  });

  it("the migration closes the open visits of journeys that ended before it, dated by the ending event", async () => {
    const { patient, enrolment, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    const journey = await openJourney(ctx, enrolment.id);
    await applyJourney(ctx, journey.id, {
      type: "withdraw",
      reason: "no longer wishes",
      version: journey.version,
    });
    // As a database migrated from before 0015 holds it: the journey ended, its visits still open.
    await sql`UPDATE visits SET closed_on = NULL, closed_reason = NULL WHERE enrolment_id = ${enrolment.id}`.execute(
      w.database.db,
    );
    expect(byCode(await visitsOf(patient.id), "M3").status.status).not.toBe("closed");
    const migration = readFileSync(
      new URL("../../src/store/migrations/0015_visits_closed_at_journey_end.sql", import.meta.url),
      "utf8",
    );
    const backfill = migration.slice(migration.indexOf("UPDATE visits v"));
    await sql.raw(backfill).execute(w.database.db);
    const visits = await visitsOf(patient.id);
    expect(visits.every((v) => v.status.status === "closed")).toBe(true);
    expect(byCode(visits, "M3").status).toEqual({
      status: "closed",
      closedOn: "2019-10-15",
      reason: "Journey ended: patient withdrew (no longer wishes)",
    });
  });

  it("a withdrawal's reason is carried; a PATCH prepared on the open visit conflicts", async () => {
    const { patient, enrolment, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    const open = byCode(await visitsOf(patient.id), "M3");
    const journey = await openJourney(ctx, enrolment.id);
    await applyJourney(ctx, journey.id, {
      type: "withdraw",
      reason: "moved abroad",
      version: journey.version,
    });
    const m3 = byCode(await visitsOf(patient.id), "M3");
    expect(m3.status).toEqual({
      status: "closed",
      closedOn: "2019-10-15",
      reason: "Journey ended: patient withdrew (moved abroad)",
    });
    const stale = await w.call("coordinator", "A", "PATCH", `/api/v1/visits/${open.id}`, {
      doneOn: "2019-10-15",
      version: open.version,
      reason: "prepared before the withdrawal",
    });
    expect(stale.statusCode).toBe(409);
    expect(byCode(await visitsOf(patient.id), "M3").status.status).toBe("closed");
  });
});

/** Minimal RFC 5545 reading: unfold continuation lines, split VEVENTs into property maps. */
function parseIcs(text: string): Record<string, string>[] {
  const lines = text.replace(/\r\n[ \t]/g, "").split(/\r\n/);
  expect(lines[0]).toBe("BEGIN:VCALENDAR");
  expect(lines.filter(Boolean).at(-1)).toBe("END:VCALENDAR");
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT") {
      events.push(current!);
      current = null;
    } else if (current) {
      const i = line.indexOf(":");
      current[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return events;
}

describe("the held iCalendar feed (decision 0050, migration 0029)", () => {
  const feed = async (site: SiteKey = "A") =>
    (await w.call("coordinator", site, "GET", `/api/v1/sites/${w.sites[site]}/visits.ics`)).body;
  const calendarVersion = (site: SiteKey) => siteVersions(w.database.db, "visit-calendar", [w.sites[site]]);

  it("is answered again without reading the visits while nothing changed; a visit done leaves it at once", async () => {
    const { patient, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    const first = await feed();
    expect(first).toContain(`${patient.subjectCode} · D28`);
    let again = "";
    const visitReads = await statementsRun(
      w.database,
      async () => {
        again = await feed();
      },
      /\bvisits\b/,
    );
    expect(visitReads).toEqual([]);
    expect(again).toBe(first);

    const b = await calendarVersion("B");
    const d28 = byCode(await visitsOf(patient.id), "D28");
    await recordVisit(ctx, d28.id, { doneOn: "2019-10-15", version: d28.version, reason: "seen" });
    const after = await feed();
    expect(after).not.toContain(`${patient.subjectCode} · D28`);
    expect(after).toContain(`${patient.subjectCode} · M2`);
    // A write at site A leaves site B's feed where it was.
    expect(await calendarVersion("B")).toBe(b);
  });

  it("tells a polling client nothing changed (304 for its ETag) until a visit of the site does", async () => {
    const url = `/api/v1/sites/${w.sites.A}/visits.ics`;
    const first = await w.call("coordinator", "A", "GET", url);
    const etag = String(first.headers.etag);
    // Weak: the same tag names the plain and the gzip-compressed feed (http/held-gzip.ts).
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);
    const asClient = (tag: string) =>
      w.call("coordinator", "A", "GET", url, undefined, { "if-none-match": tag });
    const unchanged = await asClient(etag);
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe("");
    // A client holding the strong tag sent before the feed was compressed is told the same.
    expect((await asClient(etag.slice(2))).statusCode).toBe(304);
    expect((await asClient('"another"')).statusCode).toBe(200);
    expect((await asClient('W/"another"')).statusCode).toBe(200);

    const { patient } = await enrolled("A", { infusionDate: "2019-09-16" });
    const changed = await asClient(etag);
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain(patient.subjectCode);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it("shows a new subject code and a new day at once", async () => {
    const { patient } = await enrolled("A", { infusionDate: "2019-09-16" });
    expect(await feed()).toContain(`${patient.subjectCode} · M2`);
    const renamed = `${patient.subjectCode}-R`;
    await sql`UPDATE patients SET subject_code = ${renamed} WHERE id = ${patient.id}`.execute(w.database.db);
    expect(await feed()).toContain(`${renamed} · M2`);
    // Another day at the site: windows that closed yesterday leave the feed's range.
    const today = clock;
    try {
      clock = new Date("2020-05-01T10:00:00+08:00");
      expect(await feed()).not.toContain(`${renamed} · D28`);
    } finally {
      clock = today;
    }
  });
});

describe("the held worklist (decision 0053)", () => {
  const list = async (find: string) =>
    (
      await w.call("coordinator", "A", "GET", `/api/v1/worklist?find=${encodeURIComponent(find)}&limit=500`)
    ).json() as {
      items: VisitDto[];
    };

  it("is answered again without reading the visits while nothing of the site changed; a write at another site leaves it held", async () => {
    const { patient } = await enrolled("A", { infusionDate: "2019-09-16" });
    const first = await list(patient.subjectCode);
    expect(first.items.map((v) => v.code)).toContain("D28");
    let again: unknown;
    const reads = await statementsRun(
      w.database,
      async () => {
        again = await list(patient.subjectCode);
      },
      /\b(visits|enrolments|patients)\b/,
    );
    expect(reads).toEqual([]);
    expect(again).toEqual(first);

    // A visit recorded at site B moves B's version, not A's: A's list stays held.
    const other = await enrolled("B", { infusionDate: "2019-09-16" });
    const d28B = byCode(await visitsOf(other.patient.id, "coordinator", "B"), "D28");
    await recordVisit(other.ctx, d28B.id, { doneOn: "2019-10-15", version: d28B.version, reason: "seen" });
    expect(await statementsRun(w.database, () => list(patient.subjectCode), /\bvisits\b/)).toEqual([]);
  });

  it("shows a new infusion date, a new subject code, a visit done and a new day at once", async () => {
    const { patient, enrolment, ctx } = await enrolled("A", { infusionDate: "2019-09-16" });
    const d28 = () => list(patient.subjectCode).then((l) => l.items.find((v) => v.code === "D28"));
    expect(await d28()).toMatchObject({ studyDayToday: 29, status: { status: "due" } });

    // A day later: the open visits move with it.
    await updateEnrolment(ctx, enrolment.id, {
      infusionDate: "2019-09-17",
      version: enrolment.version,
      reason: "infusion was the next day",
    });
    expect(await d28()).toMatchObject({ studyDayToday: 28 });

    const renamed = `${patient.subjectCode}-R`;
    await sql`UPDATE patients SET subject_code = ${renamed} WHERE id = ${patient.id}`.execute(w.database.db);
    expect((await list(renamed)).items.find((v) => v.code === "D28")?.subjectCode).toBe(renamed);

    const visit = byCode(await visitsOf(patient.id), "D28");
    await recordVisit(ctx, visit.id, { doneOn: "2019-10-15", version: visit.version, reason: "seen" });
    expect((await list(renamed)).items.some((v) => v.code === "D28")).toBe(false);

    // Another day at the site: M2 (2019-11-17 ± 7 days) is due on 2019-11-12, not today.
    expect((await list(renamed)).items.some((v) => v.code === "M2")).toBe(false);
    const today = clock;
    try {
      clock = new Date("2019-11-12T10:00:00+08:00");
      expect((await list(renamed)).items.find((v) => v.code === "M2")).toMatchObject({
        status: { status: "due" },
      });
    } finally {
      clock = today;
    }
  });
});
