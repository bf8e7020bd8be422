/** GET /api/v1/dashboard: one site's program at a glance, panels by permission. */
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAssessment } from "../../src/services/assessments.ts";
import { within } from "../../src/services/context.ts";
import { programDashboard } from "../../src/services/dashboard.ts";
import { journeyStagesOfSite } from "../../src/store/dashboard.ts";
import type { DB } from "../../src/store/schema.ts";
import { siteVersions } from "../../src/store/site-versions.ts";
import { usingPostgres } from "../support/database.ts";
import { transactionLeftOpen } from "../support/open-transaction.ts";
import { registerPatient } from "../support/patients.ts";
import { statementsRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

// 12:00 in Shenzhen (site A's zone), so "today" there is 2026-03-10.
const NOW = new Date("2026-03-10T04:00:00Z");
/** The server's clock: NOW, except where a test moves it on (and back). */
let clock = NOW;
let w: World;
const ids: Record<string, string> = {};
const enrolmentIds: Record<string, string> = {};

const crsGrade1 = {
  tempMaxC: 38.6,
  feverOtherCause: false,
  crsAlreadyDiagnosed: false,
  hypotension: "NONE",
  oxygenDevice: "NONE",
  deathDueToCrs: false,
};
const crsGrade0 = {
  tempMaxC: 36.8,
  crsAlreadyDiagnosed: false,
  hypotension: "NONE",
  oxygenDevice: "NONE",
  deathDueToCrs: false,
};

/** The API as the site's investigator, expecting success. */
const investigatorAt = (site: "A" | "B") => async (method: string, url: string, body?: unknown) => {
  const res = await w.call("investigator", site, method, url, body);
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};

beforeAll(async () => {
  w = await buildWorld({ now: () => clock });
  const as = investigatorAt("A");
  const study = await as("POST", "/api/v1/studies", {
    leadSiteId: w.sites.A,
    title: "S",
    shortName: "S",
    phase: "phase-1",
    status: "active",
    arms: [{ code: "LYM", name: "Lymphoma" }],
  });
  const patient = async (key: string, infusionDate: string) => {
    ids[key] = (
      await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1970, sex: "female" })
    ).id;
    enrolmentIds[key] = (
      await as("POST", "/api/v1/enrolments", {
        patientId: ids[key],
        studyId: study.id,
        armCode: "LYM",
        consentDate: "2025-11-01",
        consentVersion: "1",
        infusionDate,
      })
    ).id;
  };
  await patient("resolved", "2026-03-01");
  await patient("open", "2026-02-20");
  await patient("edge", "2025-12-01");
  await patient("tooOld", "2025-12-01");
  const grade = (key: string, assessedAt: string, inputs: unknown) =>
    as("POST", `/api/v1/patients/${ids[key]}/assessments`, { calculator: "crs", assessedAt, inputs });
  await grade("resolved", "2026-03-02T06:00:00Z", crsGrade1);
  await grade("resolved", "2026-03-04T06:00:00Z", crsGrade0); // graded 0 later: no longer open
  await grade("open", "2026-02-21T06:00:00Z", crsGrade1);
  await grade("edge", "2026-02-08T04:00:00Z", crsGrade1); // exactly 30 days before now: still watched
  await grade("tooOld", "2026-02-08T03:59:00Z", crsGrade1); // one minute earlier: outside the window
});
afterAll(() => w.close());

const dashboard = (role: Parameters<World["call"]>[0], site: "A" | "B", siteId: string) =>
  w.call(role, site, "GET", `/api/v1/dashboard?siteId=${siteId}`);

describe("program dashboard", () => {
  it("lists toxicities whose latest grading in the last 30 days is grade 1 or more", async () => {
    const res = await dashboard("coordinator", "A", w.sites.A);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.today).toBe("2026-03-10");
    expect(d.week).toEqual({ from: "2026-03-10", to: "2026-03-16" });
    const open = d.toxicities.map((t: { patientId: string }) => t.patientId);
    expect(open).toContain(ids.open);
    expect(open).toContain(ids.edge);
    expect(open).not.toContain(ids.resolved);
    expect(open).not.toContain(ids.tooOld);
    const t = d.toxicities.find((x: { patientId: string }) => x.patientId === ids.open);
    expect(t).toMatchObject({ calculator: "crs", grade: 1, label: "Grade 1", studyDay: 1 });
  });

  it("lists recent infusions, latest first, with today's study day", async () => {
    const d = (await dashboard("monitor", "A", w.sites.A)).json();
    expect(d.recentInfusions.slice(0, 2)).toMatchObject([
      { patientId: ids.resolved, infusionDate: "2026-03-01", studyDayToday: 9 },
      { patientId: ids.open, infusionDate: "2026-02-20", studyDayToday: 18 },
    ]);
  });

  it("counts protocol visits due this week and overdue from the worklist", async () => {
    const d = (await dashboard("coordinator", "A", w.sites.A)).json();
    // Infused 2026-03-01: the daily visits of days 1–7 are past their windows, day 10 falls this week.
    expect(d.visits.overdue).toBeGreaterThan(0);
    expect(d.visits.dueThisWeek).toBeGreaterThan(0);
    const thisWeek = d.visits.items.filter(
      (v: { patientId: string; status: string; nominalDate: string }) =>
        v.patientId === ids.resolved && v.status !== "overdue",
    );
    expect(thisWeek.map((v: { nominalDate: string }) => v.nominalDate)).toContain("2026-03-11");
    expect(d.visits.dueThisWeek + d.visits.overdue).toBe(d.visits.items.length);
  });

  it("leaves out the clinical panel for manufacturing, keeps the others", async () => {
    const d = (await dashboard("manufacturing", "A", w.sites.A)).json();
    expect(d.toxicities).toBeNull();
    expect(d.products).toEqual([]);
    expect(d.recentInfusions.length).toBeGreaterThan(0);
  });

  it("answers 404 for a site where the user has no role, and names a bad siteId", async () => {
    expect((await dashboard("investigator", "B", w.sites.A)).statusCode).toBe(404);
    const bad = await w.call("coordinator", "A", "GET", "/api/v1/dashboard?siteId=nope");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toContainEqual(expect.objectContaining({ in: "query", pointer: "/siteId" }));
  });

  it("counts journeys by stage and names the first patients of each by subject code", async () => {
    // Four journeys opened (referred), one moved on to consulted.
    const opened: Record<string, { id: string; version: number }> = {};
    for (const key of ["resolved", "open", "edge", "tooOld"]) {
      const res = await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolmentIds[key]}/journey`);
      expect(res.statusCode, res.body).toBe(201);
      opened[key] = res.json();
    }
    const moved = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${opened.edge!.id}/events`, {
      type: "consult",
      version: opened.edge!.version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const subjectOf = async (key: string) =>
      (await w.call("investigator", "A", "GET", `/api/v1/patients/${ids[key]}`)).json().subjectCode as string;
    const referred = (await Promise.all(["resolved", "open", "tooOld"].map(subjectOf))).sort();

    const d = (await dashboard("investigator", "A", w.sites.A)).json();
    expect(d.journeyStages).toEqual([
      {
        stage: "referred",
        count: 3,
        patients: referred.map((subjectCode) => ({ patientId: expect.any(String), subjectCode })),
      },
      {
        stage: "consulted",
        count: 1,
        patients: [{ patientId: ids.edge, subjectCode: await subjectOf("edge") }],
      },
    ]);
    // Named up to the limit, the count covers them all.
    const two = await journeyStagesOfSite(w.database.db, w.sites.A, 2);
    expect(two.find((r) => r.state === "referred")).toEqual({
      state: "referred",
      count: 3,
      patients: referred.slice(0, 2).map((subjectCode) => ({ patientId: expect.any(String), subjectCode })),
    });
  });
});

describe("held between requests (decision 0052)", () => {
  /** Whether a dashboard request read any of the tables the held panels read. */
  const readsPanels = async (read: () => Promise<unknown>) =>
    (await statementsRun(w.database, read, /\b(journeys|visits|enrolments|product_units)\b/)).length > 0;
  const read = async () => (await dashboard("coordinator", "A", w.sites.A)).json();

  it("answers again without reading the panels' records while nothing of the site changed", async () => {
    const first = await read();
    let again: unknown;
    expect(
      await readsPanels(async () => {
        again = await read();
      }),
    ).toBe(false);
    expect(again).toEqual(first);
  });

  it("keeps one dashboard per toxicity panel: a role that sees none and one that does, taking turns", async () => {
    // Coordinator and manufacturing read the same held panels; only the coordinator sees toxicities.
    const [coordinator, manufacturing] = await Promise.all([
      w.as("coordinator", "A"),
      w.as("manufacturing", "A"),
    ]);
    const ask = (ctx: typeof coordinator) => programDashboard(ctx, { siteId: w.sites.A });
    const c1 = await ask(coordinator);
    const m1 = await ask(manufacturing);
    const c2 = await ask(coordinator);
    const m2 = await ask(manufacturing);
    expect(m1.toxicities).toBeNull();
    expect(c1.toxicities).not.toBeNull();
    // The very answers again: held, so their text and gzip form are kept with them (decision 0062).
    expect(c2).toBe(c1);
    expect(m2).toBe(m1);
  });

  it("shows a new infusion at the site at once, and a write at another site leaves it held", async () => {
    const before = await read();
    // An infusion at site B: a write the dashboard watches, at another site.
    const versionB = () => siteVersions(w.database.db, "dashboard", [w.sites.B]);
    const versionBBefore = await versionB();
    const asB = investigatorAt("B");
    const studyB = await asB("POST", "/api/v1/studies", {
      leadSiteId: w.sites.B,
      title: "SB",
      shortName: "SB",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    });
    const patientB = await asB("POST", "/api/v1/patients", {
      siteId: w.sites.B,
      birthYear: 1981,
      sex: "male",
    });
    await asB("POST", "/api/v1/enrolments", {
      patientId: patientB.id,
      studyId: studyB.id,
      armCode: "LYM",
      consentDate: "2026-02-01",
      consentVersion: "1",
      infusionDate: "2026-03-10",
    });
    expect(await versionB()).not.toBe(versionBBefore);
    expect(await readsPanels(read)).toBe(false);

    const studyA = await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "S2",
      shortName: "S2",
      phase: "phase-1",
      status: "active",
      arms: [
        {
          code: "LYM",
          name: "Lymphoma",
          doseLevels: [
            { code: "DL1", label: "1 × 10^6/kg", dose: 1e6, unit: "car-cells-per-kg" },
            { code: "DL2", label: "2 × 10^6/kg", dose: 2e6, unit: "car-cells-per-kg" },
          ],
        },
      ],
    });
    const studyId = studyA.json().id as string;
    const patientId = await registerPatient(w);
    const enrolled = await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId,
      studyId,
      armCode: "LYM",
      doseLevelCode: "DL1",
      consentDate: "2026-02-01",
      consentVersion: "1",
      infusionDate: "2026-03-10",
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const after = await read();
    expect(after.recentInfusions[0]).toMatchObject({
      patientId,
      infusionDate: "2026-03-10",
      studyDayToday: 0,
    });
    expect(after.recentInfusions.length).toBe(before.recentInfusions.length + 1);

    // A change to the enrolment alone (its dose level: no visit moves) shows too.
    const redosed = await w.call("investigator", "A", "PATCH", `/api/v1/enrolments/${enrolled.json().id}`, {
      doseLevelCode: "DL2",
      version: enrolled.json().version,
      reason: "Dose level corrected to the one given",
    });
    expect(redosed.statusCode, redosed.body).toBe(200);
    expect((await read()).recentInfusions[0]).toMatchObject({
      patientId,
      doseLevelCode: "DL2",
    });
  });

  it("holds toxicities too, until the window has moved past the oldest grading they were read from", async () => {
    const readsGradings = async (fn: () => Promise<unknown>) =>
      (await statementsRun(w.database, fn, /\bassessments\b/)).length > 0;
    const first = await read();
    expect(first.toxicities.map((t: { patientId: string }) => t.patientId)).toContain(ids.edge);
    // Nothing written, the clock where it was: the held panel, no grading read.
    expect(await readsGradings(read)).toBe(false);
    try {
      // The edge patient's grading was exactly 30 days old at NOW: one minute on, it has left the
      // window, with nothing written. A panel held past that would still show it.
      clock = new Date(NOW.getTime() + 60_000);
      let later: { toxicities: { patientId: string }[] } | undefined;
      expect(
        await readsGradings(async () => {
          later = await read();
        }),
      ).toBe(true);
      const open = later!.toxicities.map((t) => t.patientId);
      expect(open).not.toContain(ids.edge);
      expect(open).toContain(ids.open);
    } finally {
      clock = NOW;
    }
    // Back at NOW (a clock set back), the edge grading is in the window again.
    expect((await read()).toxicities.map((t: { patientId: string }) => t.patientId)).toContain(ids.edge);
  });

  it("holds toxicities under the site's version: a grading shows at once", async () => {
    await read();
    const graded = await w.call("investigator", "A", "POST", `/api/v1/patients/${ids.resolved}/assessments`, {
      calculator: "crs",
      assessedAt: "2026-03-10T03:00:00Z",
      inputs: crsGrade1,
    });
    expect(graded.statusCode, graded.body).toBe(201);
    const d = await read();
    expect(d.toxicities.map((t: { patientId: string }) => t.patientId)).toContain(ids.resolved);
  });

  it("counts every grading statement once under its own topic, folding the site's bump rows as it goes", async () => {
    const bumps = async () =>
      (
        await sql<{
          rows: number;
          total: string;
        }>`SELECT count(*)::int AS rows, coalesce(sum(bumps), 0)::text AS total
          FROM held_answer_bumps WHERE topic = 'toxicities' AND site_id = ${w.sites.A}`.execute(w.database.db)
      ).rows[0]!;
    const before = await bumps();
    const one = (
      await sql<{ id: string }>`SELECT id FROM assessments WHERE site_id = ${w.sites.A} LIMIT 1`.execute(
        w.database.db,
      )
    ).rows[0]!.id;
    const dashboardBefore = await siteVersions(w.database.db, "dashboard", [w.sites.A]);
    const versions = new Set<string>();
    for (let i = 0; i < 100; i++) {
      await sql`UPDATE assessments SET note = note WHERE id = ${one}`.execute(w.database.db);
      versions.add(await siteVersions(w.database.db, "toxicities", [w.sites.A]));
    }
    const after = await bumps();
    // Each statement moved the version, and the sum by exactly one: folding loses and adds nothing.
    expect(versions.size).toBe(100);
    expect(BigInt(after.total) - BigInt(before.total)).toBe(100n);
    // One bump in 32 folds: never more than ~32 rows to sum, though 100 were written.
    expect(after.rows).toBeLessThanOrEqual(33);
    // Gradings have a topic of their own: the board, the worklist and the other panels stay held.
    expect(await siteVersions(w.database.db, "dashboard", [w.sites.A])).toBe(dashboardBefore);
  });

  // Two connections at once: PostgreSQL only (PGlite has one).
  it.runIf(usingPostgres())(
    "a grading never waits for another open transaction's grading at the site, and each shows once committed",
    async () => {
      await read();
      const ctx = await w.as("investigator", "A");
      const grade = (db: Kysely<DB>, patientId: string, assessedAt: string) =>
        recordAssessment(within(ctx, db), patientId, { calculator: "crs", assessedAt, inputs: crsGrade1 });
      const shown = async () =>
        ((await read()).toxicities as { assessmentId: string }[]).map((t) => t.assessmentId);
      let earlyId = "";
      // The early grading's transaction stays open …
      const early = transactionLeftOpen(ctx.db, async (trx) => {
        earlyId = (await grade(trx, ids.resolved!, "2026-03-10T03:30:00Z")).id;
      });
      try {
        await early.written;
        // … while another grading at the site commits. Had it to wait for the open one (a
        // per-site row to update), the lock timeout would fail it instead of hanging.
        const late = await ctx.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
          return grade(trx, ids.open!, "2026-03-10T03:40:00Z");
        });
        const between = await shown();
        expect(between).toContain(late.id);
        expect(between).not.toContain(earlyId);
        // The early one commits last, with the smaller bump id: the panel held in between must
        // not stand ("the greatest bump seen" would not have moved).
        await early.commit();
        expect(await shown()).toEqual(expect.arrayContaining([earlyId, late.id]));
      } finally {
        await early.close();
      }
    },
  );
});
