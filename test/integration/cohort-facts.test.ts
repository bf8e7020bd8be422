/**
 * Stored outcome facts (decision 0042, migration 0024): a cohort report derives each patient's
 * facts once and reads them on later reports, and a write to any record they come from makes the
 * next report derive them again — a new response assessment, a death — so no report reads stale
 * facts. On the demo program, on PGlite and PostgreSQL alike.
 */
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CODE_SYSTEMS } from "../../src/domain/code-systems.ts";
import type { CohortOutcomes } from "../../src/domain/cohort/results.ts";
import { recordAssessment } from "../../src/services/assessments.ts";
import { forgetHeldFacts } from "../../src/services/cohort-facts-cache.ts";
import { cohortOutcomes, FACTS_FORMAT } from "../../src/services/cohort-outcomes.ts";
import { forgetHeldReports } from "../../src/services/cohort-report-cache.ts";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { applyJourney, getJourneyOfEnrolment } from "../../src/services/journeys.ts";
import { cohortChanges, saveCohortFacts, storedCohortFacts } from "../../src/store/cohort.ts";
import type { Database, QueryEvent } from "../../src/store/database.ts";
import type { DB } from "../../src/store/schema.ts";
import { siteVersions } from "../../src/store/site-versions.ts";
import { usingPostgres } from "../support/database.ts";
import { demoAsInvestigator } from "../support/demo-database.ts";
import { transactionLeftOpen } from "../support/open-transaction.ts";
import { queriesRun, statementsRun } from "../support/statements.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let ctx: ServiceContext;

beforeAll(async () => {
  ({ database, ctx } = await demoAsInvestigator(now));
  // Reports read on the reports' connection, as every request's context has it (decision 0060).
  ctx = { ...ctx, reports: database.reports };
}, 300_000);
afterAll(async () => {
  await database?.close();
});

/** The report as the API gives it, without the instant it was generated at. */
const report = async (query: Record<string, string> = {}) => {
  const { generatedAt: _, ...rest } = await cohortOutcomes(ctx, query);
  return rest;
};
const patient = (o: Omit<CohortOutcomes, "generatedAt">, code: string) =>
  o.patients.find((p) => p.subjectCode === code)!;

/** Statements a report runs that read a record table (not the facts, enrolments or products). */
const recordReads = (fn: () => Promise<unknown>) =>
  statementsRun(database, fn, /\b(assessments|observations|journey_events|medications|clinical_events)\b/);

/** What a new process holds: nothing, neither parsed facts nor reports. */
const restart = () => {
  forgetHeldFacts(database.db);
  forgetHeldReports(database.db);
};

describe("stored outcome facts", () => {
  it("are derived on the first report, then read: the next report is the same and reads no records", async () => {
    await sql`DELETE FROM cohort_patient_facts`.execute(database.db);
    const first = await report();
    expect(first.patients).toHaveLength(22);
    const stored = await storedCohortFacts(
      database.db,
      first.patients.map((p) => p.patientId),
    );
    // Every demo record lies before the cut, so every patient's facts were kept.
    expect(stored.filter((r) => r.facts !== null && r.facts_version === r.version)).toHaveLength(22);
    let second: Awaited<ReturnType<typeof report>> | undefined;
    expect(
      await recordReads(async () => {
        second = await report();
      }),
    ).toEqual([]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("facts stored by a release that derived them differently are derived again, not served", async () => {
    const first = await report();
    const sz1 = patient(first, "SZ-0001");
    // A new release runs in a new process: nothing held in memory yet.
    restart();
    // As an older release would have stored them: the same version (no write since), but another
    // format, and a visibly different fact. The triggers cannot see a code change; the format can.
    await sql`UPDATE cohort_patient_facts
                 SET facts = json_build_object('format', ${FACTS_FORMAT - 1}::int,
                                               'facts', (facts->'facts')::jsonb || '{"deathDate": "2001-01-01"}'::jsonb)
               WHERE patient_id = ${sz1.patientId}`.execute(database.db);
    const again = await report();
    expect(patient(again, "SZ-0001").deathDate).toBe(sz1.deathDate);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const [row] = await storedCohortFacts(database.db, [sz1.patientId]);
    expect((row!.facts as { format: number }).format).toBe(FACTS_FORMAT);
  });

  it("parsed facts are held between reports, and used only while the stored JSON is the one they came from", async () => {
    const first = await report();
    const sz1 = patient(first, "SZ-0001");
    const factsReads = async () => {
      let answer: Awaited<ReturnType<typeof report>> | undefined;
      const seen = await statementsRun(
        database,
        async () => {
          answer = await report();
        },
        /facts_digest, facts\b/,
      );
      return { report: answer!, reads: seen.length };
    };
    // Held since the first report: the next one reads digests, not one patient's JSON.
    forgetHeldReports(database.db);
    expect((await factsReads()).reads).toBe(0);
    // Another process stores other facts (a planted death) under the same version, or the table
    // is emptied and refilled: the digest changes, and a report computed again reads the stored
    // JSON again. (No record changed, so a held report is still answered: decision 0055.)
    await sql`UPDATE cohort_patient_facts
                 SET facts = json_build_object('format', ${FACTS_FORMAT}::int,
                                               'facts', (facts->'facts')::jsonb || '{"deathDate": "2001-01-01"}'::jsonb)
               WHERE patient_id = ${sz1.patientId}`.execute(database.db);
    expect(patient(await report(), "SZ-0001").deathDate).toBe(sz1.deathDate);
    forgetHeldReports(database.db);
    const planted = await factsReads();
    expect(planted.reads).toBe(1);
    expect(patient(planted.report, "SZ-0001").deathDate).toBe("2001-01-01");
    await sql`DELETE FROM cohort_patient_facts WHERE patient_id = ${sz1.patientId}`.execute(database.db);
    forgetHeldReports(database.db);
    expect(patient(await report(), "SZ-0001").deathDate).toBe(sz1.deathDate);
    // A restart holds nothing: every patient's JSON is read once.
    restart();
    expect((await factsReads()).reads).toBe(1);
    // Computed again (no held report), from the facts now held: no JSON read.
    forgetHeldReports(database.db);
    expect((await factsReads()).reads).toBe(0);
  });

  it("an earlier data cut does not use facts that read records after it", async () => {
    const early = await report({ asOf: "2020-06-30" });
    // SZ-0003 progressed on 2020-04-10 and died later: by this cut, not yet (cohort-outcomes.test.ts).
    expect(patient(early, "SZ-0003").deathDate).toBeNull();
    expect(patient(await report(), "SZ-0003").deathDate).not.toBeNull();
  });

  it("a new response assessment changes the next report (progression)", async () => {
    const before = await report();
    const responder = before.patients.find(
      (p) =>
        p.lymphoma?.best === "CR" &&
        p.lymphoma.progressionDate === null &&
        p.deathDate === null &&
        p.lymphoma.lastAssessmentDate !== null &&
        p.lymphoma.lastAssessmentDate < "2026-10-30",
    )!;
    expect(responder).toBeDefined();
    const pfsEvents = (o: typeof before) =>
      o.summary.survival.find((s) => s.endpoint === "progression-free-survival")!.all.events;
    await recordAssessment(ctx, responder.patientId, {
      calculator: "lugano-pet",
      assessedAt: "2026-10-30T10:00:00+08:00",
      inputs: {
        timepoint: "END_OF_TREATMENT",
        sites: [{ site: "right femur", kind: "EXTRANODAL", deauvilleScore: 2 }],
        newFdgAvidLesions: true,
        boneMarrow: "NO_FDG_AVID_DISEASE",
      },
    });
    const after = await report();
    expect(patient(after, responder.subjectCode).lymphoma).toMatchObject({
      progressionDate: "2026-10-30",
      lastAssessmentDate: "2026-10-30",
    });
    expect(pfsEvents(after)).toBe(pfsEvents(before) + 1);
  });

  it("a death changes the next report (overall survival)", async () => {
    const before = await report();
    const alive = before.patients.filter((p) => p.deathDate === null && p.offStudyDate === null);
    const osEvents = (o: typeof before) =>
      o.summary.survival.find((s) => s.endpoint === "overall-survival")!.all.events;
    let died: string | null = null;
    for (const p of alive) {
      const enrolment = await database.db
        .selectFrom("enrolments")
        .select("id")
        .where("patient_id", "=", p.patientId)
        .executeTakeFirstOrThrow();
      const journey = await getJourneyOfEnrolment(ctx, enrolment.id);
      if (!journey.allowedEvents.includes("die")) continue;
      await applyJourney(ctx, journey.id, {
        type: "die",
        reason: "death reported by the family",
        version: journey.version,
      });
      died = p.subjectCode;
      break;
    }
    expect(died).not.toBeNull();
    const after = await report();
    // Recorded at the clock's instant: 2026-11-01 09:00 at the site.
    expect(patient(after, died!)).toMatchObject({ deathDate: "2026-11-01", lastContactDate: "2026-11-01" });
    expect(osEvents(after)).toBe(osEvents(before) + 1);
  });

  it("facts derived while a write commits are not stored: the write's version bump outruns them", async () => {
    const o = await report();
    const p = o.patients.find((x) => x.lymphoma !== null && x.deathDate === null)!;
    const [read] = await storedCohortFacts(database.db, [p.patientId]);
    expect(read!.facts_version).toBe(read!.version);
    // A write lands after the version was read and before the derived facts are saved …
    await recordAssessment(ctx, p.patientId, {
      calculator: "lugano-pet",
      assessedAt: "2026-10-31T10:00:00+08:00",
      inputs: {
        timepoint: "END_OF_TREATMENT",
        sites: [{ site: "right femur", kind: "EXTRANODAL", deauvilleScore: 2 }],
        newFdgAvidLesions: false,
        boneMarrow: "NO_FDG_AVID_DISEASE",
      },
    });
    // … so saving facts tagged with the version read before it changes nothing.
    await saveCohortFacts(database.db, [
      {
        patientId: p.patientId,
        version: read!.version,
        infusionDate: p.infusionDate,
        timeZone: read!.time_zone!,
        horizonAt: null,
        horizonDate: null,
        facts: JSON.stringify({ stale: true }),
      },
    ]);
    const [now2] = await storedCohortFacts(database.db, [p.patientId]);
    expect(Number(now2!.version)).toBe(Number(read!.version) + 1);
    expect(now2!.facts_version).toBe(read!.version);
    expect(now2!.facts).not.toEqual({ stale: true });
    // and the next report derives that patient again, with the new assessment.
    expect(patient(await report(), p.subjectCode).lymphoma?.lastAssessmentDate).toBe("2026-10-31");
  });
});

describe("held reports", () => {
  /** Every statement a report runs. */
  const statements = (fn: () => Promise<unknown>) => statementsRun(database, fn);

  it("a report asked again while nothing changed is the held one: one statement, the same numbers", async () => {
    restart();
    const first = await report({ groupBy: "product" });
    let again: Awaited<ReturnType<typeof report>> | undefined;
    const ran = await statements(async () => {
      again = await report({ groupBy: "product" });
    });
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatch(/cohort_patient_facts/);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    // The instant is the request's, not the held report's.
    const later = new Date("2026-11-01T10:00:00+08:00");
    const atLater = await cohortOutcomes({ ...ctx, now: () => later }, { groupBy: "product" });
    expect(atLater.generatedAt).toBe(later.toISOString());
  });

  it("held reports are frozen: a caller cannot change what the next one is answered", async () => {
    await report();
    const held = await cohortOutcomes(ctx, {});
    expect(() => (held.patients as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (held.summary as { n: number }).n = 0;
    }).toThrow(TypeError);
    // and all the way down: rows in arrays in objects, a patient's facts
    expect(() => (held.summary.crs.rows[0]!.byMaxGrade as number[]).push(1)).toThrow(TypeError);
    expect(() => {
      (held.patients[0]!.crs as { maxGrade: number | null }).maxGrade = 5;
    }).toThrow(TypeError);
    expect(() => {
      (held.summary.survival[0]!.all.curve[0] as { survival: number }).survival = 0;
    }).toThrow(TypeError);
  });

  it("what the facts do not hold moves the next report too: a study's name, a product's targets", async () => {
    const before = await report();
    const p = before.patients[0]!;
    const [product] = await database.db
      .selectFrom("car_products")
      .select(["id", "targets"])
      .where("study_id", "=", p.studyId)
      .execute();
    try {
      await sql`UPDATE studies SET short_name = 'Renamed' WHERE id = ${p.studyId}`.execute(database.db);
      expect(patient(await report(), p.subjectCode).studyName).toBe("Renamed");
      await sql`UPDATE car_products SET targets = ARRAY['CD22'] WHERE id = ${product!.id}`.execute(
        database.db,
      );
      expect(patient(await report(), p.subjectCode).targets).toContain("CD22");
    } finally {
      await sql`UPDATE studies SET short_name = ${p.studyName} WHERE id = ${p.studyId}`.execute(database.db);
      await sql`UPDATE car_products SET targets = ${product!.targets} WHERE id = ${product!.id}`.execute(
        database.db,
      );
    }
    expect(JSON.stringify(await report())).toBe(JSON.stringify(before));
  });

  it("a reader of fewer sites is not answered another reader's report", async () => {
    const all = await report();
    const sites = [...new Set(all.patients.map((p) => p.siteCode))];
    expect(sites.length).toBeGreaterThan(1);
    const one = await database.db
      .selectFrom("sites")
      .select("id")
      .where("code", "=", sites[0]!)
      .executeTakeFirstOrThrow();
    const narrow = await cohortOutcomes(
      { ...ctx, actor: systemActor([{ siteId: one.id, role: "investigator" }]) },
      {},
    );
    expect(narrow.patients.length).toBeGreaterThan(0);
    expect(narrow.patients.length).toBeLessThan(all.patients.length);
    expect(new Set(narrow.patients.map((p) => p.siteCode))).toEqual(new Set([sites[0]]));
  });
});

describe("reports brought up to date from the patients that changed (decision 0055)", () => {
  /** The members' statement: a report computed in full runs it, one brought up to date does not. */
  const membersRead = /DISTINCT ON \(e\.patient_id\)/;
  /** Patients with a CRS grade, whose grade a plain-SQL write can take away. */
  const graded = (o: Omit<CohortOutcomes, "generatedAt">) =>
    o.patients.filter((p) => p.crs.maxGrade !== null && p.crs.maxGrade > 0);
  /** As another process would: the patient's CRS gradings marked entered in error, or restored. */
  const crsInError = (db: Kysely<DB>, id: string, inError: boolean) =>
    sql`UPDATE assessments SET status = ${inError ? "entered-in-error" : "final"}
         WHERE patient_id = ${id} AND calculator = 'crs'`.execute(db);

  it("a write to one patient: that patient alone is derived again, and the report equals one computed afresh", async () => {
    restart();
    const before = await report();
    const p = graded(before)[0]!;
    expect(p).toBeDefined();
    try {
      await crsInError(database.db, p.patientId, true);
      let updated: Awaited<ReturnType<typeof report>> | undefined;
      const ran = await statementsRun(database, async () => {
        updated = await report();
      });
      expect(ran.filter((s) => membersRead.test(s))).toEqual([]);
      expect(ran.some((s) => /\bassessments\b/.test(s))).toBe(true);
      expect(patient(updated!, p.subjectCode).crs.maxGrade).toBeNull();
      expect(updated!.summary.crs.rows[0]!.graded).toBe(before.summary.crs.rows[0]!.graded - 1);
      // What a new process computes from nothing held is the same report.
      restart();
      expect(JSON.stringify(await report())).toBe(JSON.stringify(updated));
    } finally {
      await crsInError(database.db, p.patientId, false);
    }
    expect(JSON.stringify(await report())).toBe(JSON.stringify(before));
  });

  it("under an indication filter, patients whose diagnoses move them into or out of it are counted as computed afresh", async () => {
    const query = { indication: "lymphoma" };
    restart();
    const before = await report(query);
    const all = await report();
    const leaving = before.patients.find((p) => p.indication === "lymphoma")!;
    const joining = all.patients.find((p) => p.indication === "sle")!;
    expect(leaving && joining).toBeTruthy();
    expect(before.patients.some((p) => p.patientId === joining.patientId)).toBe(false);
    const saved = await database.db
      .selectFrom("conditions")
      .select(["id", "code_system", "code"])
      .where("patient_id", "in", [leaving.patientId, joining.patientId])
      .execute();
    const recode = (patientId: string, code: string) =>
      database.db
        .updateTable("conditions")
        .set({ code_system: CODE_SYSTEMS.snomed, code })
        .where("patient_id", "=", patientId)
        .execute();
    try {
      await recode(leaving.patientId, "55464009"); // systemic lupus erythematosus
      await recode(joining.patientId, "109969005"); // diffuse large B-cell lymphoma
      const updated = await report(query);
      const ids = updated.patients.map((p) => p.patientId);
      expect(ids).not.toContain(leaving.patientId);
      expect(ids).toContain(joining.patientId);
      expect(updated.summary.response.rows[0]!.n).toBe(before.summary.response.rows[0]!.n);
      restart();
      expect(JSON.stringify(await report(query))).toBe(JSON.stringify(updated));
    } finally {
      for (const c of saved)
        await database.db
          .updateTable("conditions")
          .set({ code_system: c.code_system, code: c.code })
          .where("id", "=", c.id)
          .execute();
    }
    expect(JSON.stringify(await report(query))).toBe(JSON.stringify(before));
  });

  it("the changes statement reads the sites' cohort versions as siteVersions does, a site without one as 0", async () => {
    const sites = (await database.db.selectFrom("sites").select("id").orderBy("id").execute()).map(
      (r) => r.id,
    );
    // An id no site has, sorting first: no version row, so version 0.
    const none = "00000000-0000-4000-8000-000000000000";
    const ids = [sites.at(-1)!, none, sites[0]!];
    const read = await siteVersions(database.db, "cohort", ids);
    expect(read.split(",").map((v) => v.split(":")[0])).toEqual([none, ...sites.slice(0, 1), sites.at(-1)!]);
    // "row version + sum of bumps" (store/site-versions.ts): the demo's CAR products moved the
    // row, its enrolments added bumps (migration 0036).
    expect(read.startsWith(`${none}:0+0,`)).toBe(true);
    expect(read).toMatch(new RegExp(`${sites[0]}:[1-9]\\d*\\+[1-9]\\d*(,|$)`));
    expect((await cohortChanges(database.db, ids, null)).membersVersion).toBe(read);
  });

  // Through a parent row: the QC result names its bag, the bag the patient (a journey event, the
  // other such write, is the death test above).
  it("a QC result of the patient's bag changed by plain SQL shows in the next report", async () => {
    const before = await report();
    const p = before.patients.find((x) => x.product?.viabilityPercent != null)!;
    expect(p).toBeDefined();
    const viability = p.product!.viabilityPercent!;
    try {
      // The QC result names its product unit, the unit names the patient (cohort_facts_stale_by_parent).
      await sql`UPDATE qc_results SET value_number = value_number - 1
                  FROM product_units u
                 WHERE u.id = qc_results.product_id AND u.patient_id = ${p.patientId}
                   AND qc_results.attribute = 'viability'`.execute(database.db);
      expect(patient(await report(), p.subjectCode).product!.viabilityPercent).toBe(viability - 1);
    } finally {
      await sql`UPDATE qc_results SET value_number = value_number + 1
                  FROM product_units u
                 WHERE u.id = qc_results.product_id AND u.patient_id = ${p.patientId}
                   AND qc_results.attribute = 'viability'`.execute(database.db);
    }
    expect(patient(await report(), p.subjectCode).product!.viabilityPercent).toBe(viability);
  });

  it("a write, then the facts table emptied: the next report still shows the write", async () => {
    const before = await report();
    const p = graded(before)[1]!;
    try {
      await crsInError(database.db, p.patientId, true);
      // The write's only trace for a held report is the facts row's transaction id; the table is
      // a cache, and emptying it makes the next report compute in full.
      await sql`DELETE FROM cohort_patient_facts`.execute(database.db);
      expect(patient(await report(), p.subjectCode).crs.maxGrade).toBeNull();
    } finally {
      await crsInError(database.db, p.patientId, false);
    }
    expect(JSON.stringify(await report())).toBe(JSON.stringify(before));
  });

  it("a write to a patient the reader cannot see leaves the held report: no record is read", async () => {
    const all = await report();
    const [siteA, siteB] = [...new Set(all.patients.map((p) => p.siteCode))];
    const one = await database.db
      .selectFrom("sites")
      .select("id")
      .where("code", "=", siteA!)
      .executeTakeFirstOrThrow();
    const narrowCtx = { ...ctx, actor: systemActor([{ siteId: one.id, role: "investigator" as const }]) };
    const narrow = async () => {
      const { generatedAt: _, ...rest } = await cohortOutcomes(narrowCtx, {});
      return rest;
    };
    const first = await narrow();
    const elsewhere = graded(all).find((p) => p.siteCode === siteB)!;
    expect(elsewhere).toBeDefined();
    try {
      await crsInError(database.db, elsewhere.patientId, true);
      let again: Awaited<ReturnType<typeof narrow>> | undefined;
      expect(
        await recordReads(async () => {
          again = await narrow();
        }),
      ).toEqual([]);
      expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    } finally {
      await crsInError(database.db, elsewhere.patientId, false);
    }
  });

  it("an enrolment changed by plain SQL: the next report is computed in full and shows it", async () => {
    const before = await report({ groupBy: "doseLevel" });
    const p = before.patients[0]!;
    try {
      await sql`UPDATE enrolments SET dose_level_code = 'DL-X' WHERE patient_id = ${p.patientId}`.execute(
        database.db,
      );
      let after: Awaited<ReturnType<typeof report>> | undefined;
      const ran = await statementsRun(database, async () => {
        after = await report({ groupBy: "doseLevel" });
      });
      expect(ran.filter((s) => membersRead.test(s))).toHaveLength(1);
      expect(patient(after!, p.subjectCode).doseLevel).toBe("DL-X");
      expect(after!.summary.groups.map((g) => g.key)).toContain("DL-X");
    } finally {
      await sql`UPDATE enrolments SET dose_level_code = ${p.doseLevel} WHERE patient_id = ${p.patientId}`.execute(
        database.db,
      );
    }
    expect(JSON.stringify(await report({ groupBy: "doseLevel" }))).toBe(JSON.stringify(before));
  });

  // Two connections at once: PostgreSQL only (PGlite has one).
  it.runIf(usingPostgres())(
    "a writer that began before another and committed after it is not missed",
    async () => {
      restart();
      const before = await report();
      const [early, late] = graded(before);
      expect(late).toBeDefined();
      // The early writer takes its transaction id first and stays open …
      const earlyWriter = transactionLeftOpen(database.db, (trx) => crsInError(trx, early!.patientId, true));
      try {
        // (a writer that failed ends the wait with its error)
        await earlyWriter.written;
        // … a later writer (a larger id) commits, and a report reads it.
        await crsInError(database.db, late!.patientId, true);
        const between = await report();
        expect(patient(between, late!.subjectCode).crs.maxGrade).toBeNull();
        expect(patient(between, early!.subjectCode).crs.maxGrade).toBe(early!.crs.maxGrade);
        // The early writer commits last: "changed after the largest id seen" would miss it.
        await earlyWriter.commit();
        const after = await report();
        expect(patient(after, early!.subjectCode).crs.maxGrade).toBeNull();
        restart();
        expect(JSON.stringify(await report())).toBe(JSON.stringify(after));
      } finally {
        await earlyWriter.close();
        await crsInError(database.db, early!.patientId, false);
        await crsInError(database.db, late!.patientId, false);
      }
    },
  );
});

describe("a report reads on the reports' connection (decision 0060's addendum)", () => {
  const isRecordRead = (e: QueryEvent) =>
    /\b(assessments|observations|journey_events|medications|clinical_events)\b/.test(e.sql) &&
    !/cohort_patient_facts/.test(e.sql);
  const isFactsStore = (e: QueryEvent) => /^\s*insert into cohort_patient_facts/i.test(e.sql);
  const observed = (fn: () => Promise<unknown>) => queriesRun(database, fn);

  it("reads every record there, and stores the facts on the primary after the reads", async () => {
    // Emptied facts (every site's cohort version moves): the next report is computed in full.
    await sql`DELETE FROM cohort_patient_facts`.execute(database.db);
    restart();
    const seen = await observed(() => report());
    const reads = seen.filter(isRecordRead);
    const stores = seen.filter(isFactsStore);
    expect(reads.length).toBeGreaterThan(0);
    expect(stores).toHaveLength(1);
    expect(seen.indexOf(stores[0]!)).toBeGreaterThan(seen.indexOf(reads.at(-1)!));
    const stored = await database.db
      .selectFrom("cohort_patient_facts")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("facts", "is not", null)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(22);
    if (usingPostgres()) {
      // Its own pool (PGlite has one connection): every statement but the store there.
      expect(seen.filter((e) => !e.reports).map((e) => e.sql)).toEqual([stores[0]!.sql]);
    }
  });

  it("a held report asked again runs its one statement there", async () => {
    await report();
    const seen = await observed(() => report());
    expect(seen.map((e) => e.sql)).toHaveLength(1);
    expect(seen[0]!.sql).toMatch(/cohort_patient_facts/);
    if (usingPostgres()) expect(seen[0]!.reports).toBe(true);
  });
});
