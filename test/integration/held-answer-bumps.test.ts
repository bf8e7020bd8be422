/**
 * Decision 0052's third addendum (migration 0036): the writes of visits, journeys, enrolments and
 * products bump their held answers' versions by inserting rows, as gradings do since 0035, so two
 * writers at one site never wait for each other, and a held answer still moves with each commit.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { within } from "../../src/services/context.ts";
import { enrolPatient } from "../../src/services/enrolments.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createStudy } from "../../src/services/studies.ts";
import { listPatientVisits, recordVisit, worklist } from "../../src/services/visits.ts";
import { type HeldAnswerTopic, siteVersions } from "../../src/store/site-versions.ts";
import { usingPostgres } from "../support/database.ts";
import { transactionLeftOpen } from "../support/open-transaction.ts";
import { buildWorld, type SiteKey, type World } from "../support/world.ts";

const clock = new Date("2019-10-15T10:00:00+08:00");
let w: World;
let study: string;

beforeAll(async () => {
  w = await buildWorld({ now: () => clock });
  study = (
    await createStudy(await w.as("investigator", "A"), {
      leadSiteId: w.sites.A,
      title: "Bumps",
      shortName: "BUMPS",
      phase: "phase-1",
      status: "active",
      arms: [
        {
          code: "LYM",
          name: "Lymphoma",
          doseLevels: [{ code: "DL1", label: "1e6/kg", dose: 1e6, unit: "car-cells-per-kg" }],
        },
      ],
    })
  ).id;
}, 60_000);
afterAll(() => w.close());

/** An infused patient at site A, whose first visits (D1, D2, …) are overdue on the clock's day. */
async function infused() {
  const ctx = await w.as("coordinator", "A");
  const patient = await createPatient(ctx, {
    siteId: w.sites.A,
    birthYear: 1980,
    sex: "female",
    identity: { familyName: "Hidden", givenName: "Name", sex: "female", birthDate: "1980-01-01" },
  });
  await enrolPatient(ctx, {
    patientId: patient.id,
    studyId: study,
    armCode: "LYM",
    doseLevelCode: "DL1",
    consentDate: "2019-08-20",
    consentVersion: "1.0",
    infusionDate: "2019-09-17",
    status: "follow-up",
  });
  const d1 = (await listPatientVisits(ctx, patient.id)).items.find((v) => v.code === "D1")!;
  return { ctx, patientId: patient.id, d1 };
}

const VISIT_TOPICS: HeldAnswerTopic[] = ["visit-calendar", "dashboard", "ltfu"];
const versionsAt = (site: SiteKey) =>
  Promise.all(VISIT_TOPICS.map((topic) => siteVersions(w.database.db, topic, [w.sites[site]])));
const sumOfBumps = (version: string) => Number(version.split("+")[1]);
const storedRows = () =>
  w.database.db.selectFrom("held_answer_versions").selectAll().orderBy("topic").orderBy("site_id").execute();

describe("held answers' versions bumped without a shared row", () => {
  it("every trigger of the per-site writes bumps by inserting rows; the updating function is gone", async () => {
    const triggers = (
      await sql<{ rel: string; fn: string }>`
        SELECT DISTINCT c.relname AS rel, p.proname AS fn
          FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
         WHERE p.proname LIKE 'held_answer%' AND c.relnamespace = to_regnamespace(current_schema())::oid
         ORDER BY 1, 2`.execute(w.database.db)
    ).rows;
    const bySite = triggers.filter((t) => t.fn === "held_answer_bumped_by_site").map((t) => t.rel);
    expect(bySite).toEqual([
      "assessments",
      "enrolments",
      "journey_events",
      "journeys",
      "manufacturing_slot_bookings",
      "observations",
      "product_events",
      "product_units",
      "visits",
    ]);
    expect(triggers.filter((t) => t.fn === "held_answer_stale_by_site")).toEqual([]);
    const fn = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_proc
       WHERE proname = 'held_answer_stale_by_site' AND pronamespace = to_regnamespace(current_schema())::oid`.execute(
      w.database.db,
    );
    expect(fn.rows[0]!.n).toBe(0);
  });

  it("a visit recorded moves its site's calendar, dashboard and LTFU versions by one, not the other site's, and updates no stored row", async () => {
    const { ctx, d1 } = await infused();
    const [beforeA, beforeB, rows] = await Promise.all([versionsAt("A"), versionsAt("B"), storedRows()]);
    await recordVisit(ctx, d1.id, { doneOn: "2019-09-18", version: d1.version, reason: "seen on ward" });
    const [afterA, afterB] = await Promise.all([versionsAt("A"), versionsAt("B")]);
    expect(afterA.map(sumOfBumps)).toEqual(beforeA.map((v) => sumOfBumps(v) + 1));
    expect(afterB).toEqual(beforeB);
    expect(await storedRows()).toEqual(rows);
  });

  it("each site's topic keeps at most 33 bump rows, whatever the statements' mix of topics, and the sums move by every write", async () => {
    const { patientId, d1 } = await infused();
    const topics = ["vein-to-vein-metrics", "dashboard", "ltfu", "cohort"] as const;
    const bumpsOf = async () =>
      (
        await sql<{ topic: string; n: number; total: string }>`
          SELECT topic, count(*)::int AS n, sum(bumps)::text AS total FROM held_answer_bumps
           WHERE site_id = ${w.sites.A} GROUP BY topic`.execute(w.database.db)
      ).rows;
    const before = new Map((await bumpsOf()).map((r) => [r.topic, BigInt(r.total)]));
    // An enrolment statement bumps four topics at once; gradings and visits one and three.
    for (let i = 0; i < 100; i++) {
      await sql`UPDATE enrolments SET consent_version = consent_version WHERE patient_id = ${patientId}`.execute(
        w.database.db,
      );
      if (i % 10 === 0)
        await sql`UPDATE visits SET version = version WHERE id = ${d1.id}`.execute(w.database.db);
    }
    const after = await bumpsOf();
    for (const topic of topics) {
      const row = after.find((r) => r.topic === topic)!;
      expect(BigInt(row.total) - (before.get(topic) ?? 0n), topic).toBeGreaterThanOrEqual(100n);
      expect(row.n, topic).toBeLessThanOrEqual(33);
    }
    expect(after.find((r) => r.topic === "visit-calendar")!.n).toBeLessThanOrEqual(33);
  });

  // Two connections at once: PostgreSQL only (PGlite has one).
  it.runIf(usingPostgres())(
    "a visit recorded never waits for another open transaction's visit at the site, and the held worklist shows each once committed",
    async () => {
      const early = await infused();
      const late = await infused();
      const overdueD1s = async () =>
        (await worklist(early.ctx, { siteId: w.sites.A, status: "overdue", limit: 500 })).items
          .filter((v) => v.code === "D1")
          .map((v) => v.patientId);
      expect(await overdueD1s()).toEqual(expect.arrayContaining([early.patientId, late.patientId]));
      // The early visit's transaction stays open …
      const open = transactionLeftOpen(early.ctx.db, (trx) =>
        recordVisit(within(early.ctx, trx), early.d1.id, {
          doneOn: "2019-09-18",
          version: early.d1.version,
          reason: "seen on ward",
        }),
      );
      try {
        await open.written;
        // … while another visit at the site is recorded. Had it to wait for the open one (its
        // site's version row to update, as before migration 0036), the lock timeout would fail it.
        await late.ctx.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
          await recordVisit(within(late.ctx, trx), late.d1.id, {
            doneOn: "2019-09-18",
            version: late.d1.version,
            reason: "seen in clinic",
          });
        });
        const between = await overdueD1s();
        expect(between).toContain(early.patientId);
        expect(between).not.toContain(late.patientId);
        // The early one commits last, with the smaller bump id: the worklist held in between must not stand.
        await open.commit();
        const after = await overdueD1s();
        expect(after).not.toContain(early.patientId);
        expect(after).not.toContain(late.patientId);
      } finally {
        await open.close();
      }
    },
  );
});
