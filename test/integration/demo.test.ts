/**
 * The demo program: it loads through the services, tells the reference case as published, is
 * deterministic, refuses a second load, and codes every observation with a valid LOINC code.
 * One load is shared by the read-only checks; the determinism check loads a second database.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTI_DSDNA_NEGATIVE_BELOW, DEMO_LOINC_CODES, LOINC } from "../../src/demo/codes.ts";
import { type DemoSummary, isDemoLoaded, loadDemo } from "../../src/demo/load.ts";
import {
  REFERENCE_INFUSION_DATE,
  REFERENCE_MONTH_9,
  referenceCasePlan,
} from "../../src/demo/reference-case.ts";
import { DEMO_AS_OF, syntheticCohortPlans } from "../../src/demo/synthetic-cohort.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { checkLoincCode } from "../../src/domain/loinc.ts";
import { ENROLMENT_STATUSES } from "../../src/domain/schemas/study.ts";
import { listAssessments } from "../../src/services/assessments.ts";
import { verifyAuditChain } from "../../src/services/audit-chain.ts";
import { actorFor, login } from "../../src/services/auth.ts";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { ltfuContactList } from "../../src/services/ltfu.ts";
import { lymphodepletionPlan } from "../../src/services/lymphodepletion-plan.ts";
import { checkSignatures } from "../../src/services/signatures.ts";
import { patientTimeline } from "../../src/services/timeline.ts";
import type { Database } from "../../src/store/database.ts";
import { signaturesOfProduct } from "../../src/store/signatures.ts";
import { testDatabase } from "../support/database.ts";
import { demoDatabase } from "../support/demo-database.ts";

// A fixed clock: record creation times are then the same on every run, which keeps the audit
// trail of two loads comparable by eye; the data dates never depend on it.
const now = () => new Date("2026-11-01T09:00:00+08:00");

let database: Database;
let summary: DemoSummary;

beforeAll(async () => {
  database = await testDatabase();
  expect(await isDemoLoaded(database)).toBe(false);
  summary = await loadDemo(database, now);
  // Loading time is measured in bench/ (never asserted here); a loaded machine needs the slack.
}, 240_000);
afterAll(() => database?.close());

/** Everything the demo recorded, as comparable text: no ids, no creation times. */
async function fingerprint(db: Database) {
  const patients = await db.db
    .selectFrom("patients")
    .innerJoin("sites", "sites.id", "patients.site_id")
    .select(["patients.subject_code", "patients.birth_year", "patients.sex", "sites.code"])
    .orderBy("patients.subject_code")
    .execute();
  const observations = await db.db
    .selectFrom("observations")
    .innerJoin("patients", "patients.id", "observations.patient_id")
    .select([
      "patients.subject_code",
      "observations.code",
      "observations.effective_at",
      "observations.value_number",
      "observations.value_code",
      "observations.value_text",
      "observations.unit",
    ])
    .orderBy("patients.subject_code")
    .orderBy("observations.effective_at")
    .orderBy("observations.code")
    .execute();
  const events = await db.db
    .selectFrom("clinical_events")
    .innerJoin("patients", "patients.id", "clinical_events.patient_id")
    .select(["patients.subject_code", "occurred_at", "category", "title", "text"])
    .orderBy("patients.subject_code")
    .orderBy("occurred_at")
    .orderBy("title")
    .execute();
  const hash = (rows: unknown[]) =>
    createHash("sha256")
      .update(rows.map((r) => JSON.stringify(r)).join("\n"))
      .digest("hex");
  const perPatient = new Map<string, number>();
  for (const o of observations) perPatient.set(o.subject_code, (perPatient.get(o.subject_code) ?? 0) + 1);
  const adverseEvents = await db.db
    .selectFrom("adverse_events")
    .innerJoin("patients", "patients.id", "adverse_events.patient_id")
    .select(["patients.subject_code", "term", "grade", "onset_date", "resolved_date", "outcome", "organism"])
    .orderBy("patients.subject_code")
    .orderBy("onset_date")
    .orderBy("term")
    .execute();
  return {
    adverseEvents: hash(adverseEvents),
    subjects: patients.map((p) => `${p.subject_code} ${p.code} ${p.birth_year} ${p.sex}`),
    observationsPerPatient: Object.fromEntries(perPatient),
    observations: hash(
      observations.map((o) => ({ ...o, effective_at: new Date(o.effective_at).toISOString() })),
    ),
    events: hash(events.map((e) => ({ ...e, occurred_at: new Date(e.occurred_at).toISOString() }))),
    journeys: hash(
      await db.db
        .selectFrom("journey_events")
        .innerJoin("journeys", "journeys.id", "journey_events.journey_id")
        .innerJoin("patients", "patients.id", "journeys.patient_id")
        .select(["patients.subject_code", "journey_events.event_type", "journey_events.to_state"])
        .select((eb) => eb.cast<string>("journey_events.at", "text").as("at"))
        .orderBy("patients.subject_code")
        .orderBy("journey_events.at")
        .orderBy("journey_events.event_type")
        .execute(),
    ),
  };
}

async function referencePatient() {
  return database.db
    .selectFrom("patients")
    .selectAll()
    .where("id", "=", summary.referencePatientId)
    .executeTakeFirstOrThrow();
}

async function referenceObservations(code: string) {
  const rows = await database.db
    .selectFrom("observations")
    .select(["effective_at", "value_number", "value_code"])
    .where("patient_id", "=", summary.referencePatientId)
    .where("code", "=", code)
    .orderBy("effective_at")
    .execute();
  return rows.map((r) => ({ at: new Date(r.effective_at), value: r.value_number, code: r.value_code }));
}

/** Calendar dates must come back as YYYY-MM-DD strings on every backend (a Date would shift by zone). */
const ymd = (v: unknown) => {
  expect(v === null || /^\d{4}-\d{2}-\d{2}$/.test(String(v))).toBe(true);
  expect(v instanceof Date).toBe(false);
  return v;
};

const infusion = new Date(`${REFERENCE_INFUSION_DATE}T00:00:00+08:00`);
const studyDayOf = (d: Date) => Math.floor((d.getTime() - infusion.getTime()) / 86_400_000);

describe("codes", () => {
  it("uses only LOINC codes with a valid check digit", () => {
    for (const code of DEMO_LOINC_CODES) expect(checkLoincCode(code), code).toBeNull();
    const planned = [referenceCasePlan(), ...syntheticCohortPlans()].flatMap((p) => p.observations);
    for (const o of planned) {
      expect(checkLoincCode(o.code), o.code).toBeNull();
      expect(DEMO_LOINC_CODES).toContain(o.code);
    }
  });

  it("stored observations carry only those codes", async () => {
    const codes = await database.db.selectFrom("observations").select("code").distinct().execute();
    for (const { code } of codes) {
      expect(checkLoincCode(code), code).toBeNull();
      expect(DEMO_LOINC_CODES).toContain(code);
    }
  });
});

describe("demo load", () => {
  it("creates two synthetic sites with patients at both", async () => {
    expect(summary.sites.map((s) => s.code)).toEqual(["SZ", "WH"]);
    const sites = await database.db.selectFrom("sites").selectAll().execute();
    expect(sites.every((s) => s.is_synthetic)).toBe(true);
    const perSite = await database.db
      .selectFrom("patients")
      .select(["site_id", (eb) => eb.fn.countAll<string>().as("n")])
      .groupBy("site_id")
      .execute();
    const count = (code: string) =>
      Number(perSite.find((p) => p.site_id === summary.sites.find((s) => s.code === code)!.id)?.n ?? 0);
    expect(count("SZ")).toBeGreaterThanOrEqual(20);
    expect(count("WH")).toBeGreaterThanOrEqual(5);
  });

  it("records about thirty synthetic patients and a few thousand observations", async () => {
    expect(summary.patients).toBeGreaterThanOrEqual(31);
    const patients = await database.db.selectFrom("patients").select(["is_synthetic"]).execute();
    expect(patients).toHaveLength(summary.patients);
    expect(patients.every((p) => p.is_synthetic)).toBe(true);
    const { n } = await database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(summary.observations);
    expect(summary.observations).toBeGreaterThan(2000);
    expect(summary.observations).toBeLessThan(10_000);
  });

  it("records nothing after the demo world's today", async () => {
    const limit = new Date(`${DEMO_AS_OF}T23:59:59+08:00`);
    const { latest } = await database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.max("effective_at").as("latest"))
      .executeTakeFirstOrThrow();
    expect(new Date(latest as Date).getTime()).toBeLessThanOrEqual(limit.getTime());
    const { last } = await database.db
      .selectFrom("clinical_events")
      .select((eb) => eb.fn.max("occurred_at").as("last"))
      .executeTakeFirstOrThrow();
    expect(new Date(last as Date).getTime()).toBeLessThanOrEqual(limit.getTime());
  });

  it("shows every enrolment status of the journey", async () => {
    const rows = await database.db.selectFrom("enrolments").select("status").distinct().execute();
    expect(rows.map((r) => r.status).sort()).toEqual([...ENROLMENT_STATUSES].sort());
    const study = await database.db
      .selectFrom("studies")
      .selectAll()
      .where("id", "=", summary.studyId)
      .executeTakeFirstOrThrow();
    expect(study.is_synthetic).toBe(true);
    expect(study.registry_id).toBe("DEMO-0001");
  });

  it("creates one user per role who can log in with the demo password", async () => {
    expect(summary.users.map((u) => u.username)).toEqual(
      expect.arrayContaining(["admin", "investigator", "coordinator", "manufacturing", "quality", "monitor"]),
    );
    const ctx: ServiceContext = { db: database.db, actor: systemActor(), now };
    for (const u of summary.users) {
      expect(u.password).toBe(`${u.username}-demo`);
      const result = await login(ctx, { username: u.username, password: u.password });
      expect(result.actor.memberships.map((m) => m.role)).toContain(u.role);
    }
    const sz = summary.sites.find((s) => s.code === "SZ")!.id;
    const coordinator = (await login(ctx, { username: "coordinator", password: "coordinator-demo" })).actor;
    expect(coordinator.memberships).toEqual([{ siteId: sz, role: "coordinator" }]);
  });

  it("leaves an audit trail whose hash chain verifies clean, every record linked", async () => {
    const report = await verifyAuditChain(database.db);
    expect(report.firstBreak).toBeNull();
    const records = await database.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(report.records).toBe(Number(records.n));
    expect(report.records).toBeGreaterThan(1000);
  });
});

describe("reference case", () => {
  it("is SZ-0001, a woman born in 1976 from Hubei", async () => {
    const p = await referencePatient();
    expect(p.subject_code).toBe("SZ-0001");
    expect(p.sex).toBe("female");
    expect(p.birth_year).toBe(1976);
    expect(p.is_synthetic).toBe(true);
    const identity = await database.db
      .selectFrom("patient_identities")
      .selectAll()
      .where("patient_id", "=", p.id)
      .executeTakeFirstOrThrow();
    expect(identity.home_region).toBe("Hubei");
    const codes = await database.db
      .selectFrom("conditions")
      .select(["code", "clinical_status"])
      .where("patient_id", "=", p.id)
      .execute();
    expect(codes).toEqual(
      expect.arrayContaining([
        { code: "55464009", clinical_status: "remission" },
        { code: "109969005", clinical_status: "remission" },
      ]),
    );
  });

  it("was infused on 2019-09-16 at dose level DL2 and is in follow-up", async () => {
    const e = await database.db
      .selectFrom("enrolments")
      .selectAll()
      .where("patient_id", "=", summary.referencePatientId)
      .executeTakeFirstOrThrow();
    expect(ymd(e.infusion_date)).toBe("2019-09-16");
    expect(e.dose_level_code).toBe("DL2");
    expect(e.status).toBe("follow-up");
  });

  it("has high anti-dsDNA before infusion and a negative result at month 9", async () => {
    const dsDna = await referenceObservations(LOINC.antiDsDna.code);
    const before = dsDna.filter((o) => o.at < infusion);
    expect(before.length).toBeGreaterThan(0);
    for (const o of before) expect(o.value).toBeGreaterThan(100);
    const month9 = dsDna.find((o) => o.at.toISOString().startsWith(REFERENCE_MONTH_9.slice(0, 7)));
    expect(month9?.value).toBeLessThan(ANTI_DSDNA_NEGATIVE_BELOW);
    const ana = await referenceObservations(LOINC.ana.code);
    expect(ana.at(-1)?.code).toBe("negative");
  });

  it("takes no medication at month 9, after years of prednisone", async () => {
    const meds = await database.db
      .selectFrom("medications")
      .select(["drug", "start_date", "stop_date", "status"])
      .where("patient_id", "=", summary.referencePatientId)
      .execute();
    expect(meds.filter((m) => m.drug === "prednisone").length).toBeGreaterThanOrEqual(2);
    expect(meds.some((m) => m.drug === "prednisone" && String(ymd(m.start_date)) < "2000-01-01")).toBe(true);
    for (const m of meds) {
      const stop = ymd(m.stop_date);
      expect(m.status, m.drug).not.toBe("active");
      expect(stop, m.drug).not.toBeNull();
      expect(String(stop) < REFERENCE_MONTH_9, `${m.drug} stops ${stop}`).toBe(true);
    }
  });

  it("has no B cells in the first month", async () => {
    const bCells = await referenceObservations(LOINC.cd19Absolute.code);
    expect(bCells.filter((o) => studyDayOf(o.at) < 0).every((o) => (o.value ?? 0) > 50)).toBe(true);
    const firstMonth = bCells.filter((o) => studyDayOf(o.at) >= 3 && studyDayOf(o.at) <= 30);
    expect(firstMonth.length).toBeGreaterThanOrEqual(4);
    for (const o of firstMonth) expect(o.value).toBe(0);
    expect(bCells.at(-1)?.value).toBeGreaterThan(100);
  });

  it("has a CRS fever peak with IL-6 in the first days", async () => {
    const temperatures = await referenceObservations(LOINC.temperature.code);
    const fever = temperatures.filter((o) => (o.value ?? 0) >= 38).map((o) => studyDayOf(o.at));
    expect(fever).toEqual([1, 2, 3]);
    const il6 = await referenceObservations(LOINC.il6.code);
    const peak = il6.reduce((a, b) => ((b.value ?? 0) > (a.value ?? 0) ? b : a));
    expect(studyDayOf(peak.at)).toBeGreaterThanOrEqual(1);
    expect(studyDayOf(peak.at)).toBeLessThanOrEqual(3);
  });

  it("shows study days on the timeline, day 0 at infusion", async () => {
    const user = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "investigator")
      .executeTakeFirstOrThrow();
    const ctx: ServiceContext = {
      db: database.db,
      actor: await actorFor(database.db, user.id, "investigator"),
      now,
    };
    const timeline = await patientTimeline(ctx, summary.referencePatientId, { limit: 1000 });
    expect(timeline.subjectCode).toBe("SZ-0001");
    expect(timeline.infusionDate).toBe(REFERENCE_INFUSION_DATE);
    const infusionItem = timeline.items.find((i) => i.kind === "infusion");
    expect(infusionItem?.studyDay).toBe(0);
    expect(timeline.items.find((i) => i.kind === "consent")?.studyDay).toBe(-27);
    const crs = timeline.items.find((i) => i.kind === "event" && i.summary.startsWith("Cytokine release"));
    expect(crs?.studyDay).toBe(1);
  });
});

describe("reference case assessments (computed by the calculators, not typed in)", () => {
  async function stored(calculator: string) {
    const user = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "investigator")
      .executeTakeFirstOrThrow();
    const ctx: ServiceContext = {
      db: database.db,
      actor: await actorFor(database.db, user.id, "investigator"),
      now,
    };
    return (await listAssessments(ctx, summary.referencePatientId, { calculator, limit: 100 })).items;
  }

  it("CRS was grade 1 at most, in the first days after infusion", async () => {
    const crs = await stored("crs");
    expect(crs.length).toBeGreaterThan(0);
    expect(Math.max(...crs.map((a) => a.result.value as number))).toBe(1);
    expect(crs.every((a) => a.studyDay !== null && a.studyDay >= 1 && a.studyDay <= 3)).toBe(true);
  });

  it("her one adverse event is the grade 1 CRS of days 1–4, definitely related", async () => {
    const aes = await database.db
      .selectFrom("adverse_events")
      .selectAll()
      .where("patient_id", "=", summary.referencePatientId)
      .execute();
    expect(aes.map((a) => [a.term, a.grade, a.attribution, a.onset_date, a.resolved_date])).toEqual([
      ["Cytokine release syndrome", 1, "definite", "2019-09-17", "2019-09-20"],
    ]);
  });

  it("the synthetic cohort has infections in every window CAR-T series report, each with its pathogen class", async () => {
    const infections = await database.db
      .selectFrom("adverse_events")
      .innerJoin("enrolments", "enrolments.patient_id", "adverse_events.patient_id")
      .select(["adverse_events.onset_date", "adverse_events.pathogen_class", "enrolments.infusion_date"])
      .where("soc", "=", "Infections and infestations")
      .execute();
    expect(infections.length).toBeGreaterThanOrEqual(5);
    expect(infections.every((i) => i.pathogen_class !== null)).toBe(true);
    const days = infections.map(
      (i) => (Date.parse(i.onset_date) - Date.parse(i.infusion_date!)) / 86_400_000,
    );
    expect(days.some((d) => d >= 0 && d <= 28)).toBe(true);
    expect(days.some((d) => d > 28 && d <= 90)).toBe(true);
    expect(days.some((d) => d > 90)).toBe(true);
  });

  it("the PET-CT at about day 30 is a complete metabolic response", async () => {
    const [pet] = await stored("lugano-pet");
    expect(pet?.result.value).toBe("CMR");
    expect(pet?.studyDay).toBeGreaterThanOrEqual(28);
    expect(pet?.studyDay).toBeLessThanOrEqual(35);
  });

  it("SLEDAI-2K falls to 0 and stays there", async () => {
    const scores = (await stored("sledai-2k")).map((a) => ({
      day: a.studyDay as number,
      score: a.result.value as number,
    }));
    expect(scores[0]!.day).toBeLessThan(0);
    expect(scores[0]!.score).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < scores.length; i++)
      expect(scores[i]!.score).toBeLessThanOrEqual(scores[i - 1]!.score);
    expect(scores.at(-1)).toMatchObject({ score: 0 });
    expect(scores.at(-1)!.day).toBeGreaterThanOrEqual(270);
  });

  it("DORIS remission, drug-free, by month 9", async () => {
    const [doris] = await stored("doris");
    expect(doris?.result.value).toEqual({ remission: true, drugFree: true });
    expect(doris?.studyDay).toBeLessThanOrEqual(280);
  });
});

describe("loading again", () => {
  it("is refused, and changes nothing", async () => {
    expect(await isDemoLoaded(database)).toBe(true);
    const before = await fingerprint(database);
    const error = await loadDemo(database, now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("conflict");
    expect(await fingerprint(database)).toEqual(before);
  });

  // On PGlite the other database is the demo snapshot every demo test and fresh installation
  // opens; on PostgreSQL a second load.
  it("into a fresh database gives exactly the same records", async () => {
    const { database: other } = await demoDatabase(() => new Date());
    try {
      const [a, b] = await Promise.all([fingerprint(database), fingerprint(other)]);
      expect(b.subjects).toEqual(a.subjects);
      expect(b.observationsPerPatient).toEqual(a.observationsPerPatient);
      expect(b.observations).toBe(a.observations);
      expect(b.events).toBe(a.events);
      expect(b.journeys).toBe(a.journeys);
      expect(b.adverseEvents).toBe(a.adverseEvents);
    } finally {
      await other.close();
    }
  }, 240_000);
});

describe("vein-to-vein journeys (walked through the journey, product and bedside services)", () => {
  /** Where each coarse enrolment status leaves the fine-grained journey (§1.3). */
  const JOURNEY_STATE_OF: Record<string, string[]> = {
    screening: ["screening"],
    "screen-failed": ["screen-failed"],
    enrolled: ["awaiting-product", "bridging-or-washout"],
    withdrawn: ["withdrawn"],
    "on-treatment": ["acute-monitoring"],
    "follow-up": ["follow-up", "long-term-follow-up"],
    completed: ["completed"],
    died: ["died"],
    "lost-to-follow-up": ["lost-to-follow-up"],
  };

  const journeysWithStatus = () =>
    database.db
      .selectFrom("journeys")
      .innerJoin("enrolments", "enrolments.id", "journeys.enrolment_id")
      .innerJoin("patients", "patients.id", "journeys.patient_id")
      .select(["journeys.id", "journeys.state", "enrolments.status", "patients.subject_code"])
      .execute();

  it("gives every enrolment a journey in the state its status implies", async () => {
    const rows = await journeysWithStatus();
    const enrolments = await database.db.selectFrom("enrolments").select("id").execute();
    expect(rows).toHaveLength(enrolments.length);
    for (const r of rows)
      expect(JOURNEY_STATE_OF[r.status], `${r.subject_code} ${r.status}`).toContain(r.state);
    // the cohort covers the whole machine, not one happy path
    expect(new Set(rows.map((r) => r.state)).size).toBeGreaterThanOrEqual(8);
  });

  it("takes the reference case from referral to long-term follow-up, infused on 2019-09-16", async () => {
    const sz = summary.sites.find((s) => s.code === "SZ")!.id;
    const ctx: ServiceContext = {
      db: database.db,
      actor: systemActor([{ siteId: sz, role: "investigator" }]),
      now,
    };
    const journey = (await journeysWithStatus()).find((r) => r.subject_code === "SZ-0001")!;
    expect(journey.state).toBe("long-term-follow-up");
    const events = await database.db
      .selectFrom("journey_events")
      .select(["event_type", "at", "actor_id"])
      .where("journey_id", "=", journey.id)
      .orderBy("at")
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.event_type)).toEqual([
      "consult",
      "sign-consent",
      "start-screening",
      "enrol",
      "book-apheresis",
      "record-apheresis",
      "hand-to-courier",
      "product-released",
      "start-lymphodepletion",
      "complete-lymphodepletion",
      "verify-at-bedside",
      "infuse",
      "start-acute-monitoring",
      "start-follow-up",
      "start-long-term-follow-up",
    ]);
    const infuse = events.find((e) => e.event_type === "infuse")!;
    expect(infuse.at.toISOString()).toBe("2019-09-16T02:00:00.000Z"); // 10:00 in Shenzhen
    const ld = events.find((e) => e.event_type === "start-lymphodepletion")!;
    expect(ld.at.toISOString().slice(0, 10)).toBe("2019-09-11"); // day −5
    const units = await database.db
      .selectFrom("product_units")
      .select(["id", "kind", "state", "din", "coi_id"])
      .where("journey_id", "=", journey.id)
      .orderBy("created_at")
      .execute();
    expect(units.map((u) => [u.kind, u.state])).toEqual([
      ["apheresis", "in-manufacture"],
      ["final-product", "administered"],
    ]);
    expect(units[0]!.coi_id).toBe(units[1]!.coi_id);
    expect(units[0]!.din).not.toBe(units[1]!.din);
    const attempts = await database.db
      .selectFrom("bedside_attempts")
      .select(["passed", "first_verifier_id", "second_verifier_id"])
      .where("journey_id", "=", journey.id)
      .execute();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.passed).toBe(true);
    // The bag was released by QA's QC panel, shipped under a logger trace that stayed in range,
    // and its apheresis was booked into a manufacturing slot.
    const bag = units[1]!;
    const evaluations = await database.db
      .selectFrom("release_evaluations")
      .select("outcome")
      .where("product_id", "=", bag.id)
      .execute();
    expect(evaluations.map((e) => e.outcome)).toEqual(["released"]);
    // QA signed the release, the coordinator and the investigator the bedside check, each with
    // their own demo password; every signature still matches what it signed.
    const signatures = await checkSignatures(database.db, await signaturesOfProduct(database.db, bag.id));
    expect(signatures.map((s) => [s.signerUsername, s.meaning, s.valid])).toEqual([
      ["quality", "released", true],
      ["coordinator", "verified product identity at bedside", true],
      ["investigator", "verified product identity at bedside", true],
    ]);
    const uploads = await database.db
      .selectFrom("logger_uploads")
      .select(["verdict", "quarantined"])
      .where("product_id", "in", [units[0]!.id, bag.id])
      .execute();
    expect(uploads).toHaveLength(2);
    for (const u of uploads) expect(u.quarantined).toBe(false);
    const bookings = await database.db
      .selectFrom("manufacturing_slot_bookings")
      .select("journey_id")
      .where("journey_id", "=", journey.id)
      .execute();
    expect(bookings).toHaveLength(1);
    expect(attempts[0]!.first_verifier_id).not.toBe(attempts[0]!.second_verifier_id);
    const timeline = await patientTimeline(ctx, summary.referencePatientId, {
      kinds: ["journey"],
      limit: 100,
    });
    const infusedOnTimeline = timeline.items.find(
      (i) => i.studyDay === 0 && /infuse/i.test(JSON.stringify(i)),
    );
    expect(infusedOnTimeline).toBeDefined();
  });

  it("plans the reference case's lymphodepletion from the study's regimen and her measurements", async () => {
    const sz = summary.sites.find((s) => s.code === "SZ")!.id;
    const ctx: ServiceContext = {
      db: database.db,
      actor: systemActor([{ siteId: sz, role: "investigator" }]),
      now,
    };
    const enrolment = await database.db
      .selectFrom("enrolments")
      .select("id")
      .where("patient_id", "=", summary.referencePatientId)
      .executeTakeFirstOrThrow();
    const plan = await lymphodepletionPlan(ctx, enrolment.id, {});
    // Screening height 158 cm and weight 56.2 kg: Mosteller BSA √(158 × 56.2 / 3600) = 1.5706 m².
    expect(plan.bsa.m2).toBeCloseTo(Math.sqrt((158 * 56.2) / 3600), 2);
    expect(plan.days.map((d) => d.date)).toEqual(["2019-09-11", "2019-09-12", "2019-09-13"]);
    const cy = plan.days[0]!.doses.find((d) => d.drug === "CYCLOPHOSPHAMIDE")!;
    expect(cy.mg).toBeCloseTo(500 * plan.bsa.m2, -1);
  });

  it("holds her yearly long-term follow-up contacts with every item answered", async () => {
    const sz = summary.sites.find((s) => s.code === "SZ")!.id;
    const ctx: ServiceContext = {
      db: database.db,
      actor: systemActor([{ siteId: sz, role: "investigator" }]),
      now,
    };
    const list = await ltfuContactList(ctx, { siteId: sz, year: 2025 });
    const hers = list.items.filter((c) => c.subjectCode === "SZ-0001");
    // Infused 2019-09-16: the year-6 anniversary falls in 2025, within 15 years (lentiviral).
    expect(hers.map((c) => [c.year, c.anniversary])).toEqual([[6, "2025-09-16"]]);
    expect(hers[0]!.complete).toBe(true);
    const everyContact = list.ltfuItems.filter((i) => i.when === "every-contact").map((i) => i.code);
    expect(everyContact).toHaveLength(7);
    const answered = hers[0]!.items.filter((i) => everyContact.includes(i.code));
    expect(answered).toHaveLength(7);
    expect(answered.every((i) => i.outcome === "none")).toBe(true);
  });

  it("records no journey or product event after the demo world's today", async () => {
    const late = await database.db
      .selectFrom("journey_events")
      .select("id")
      .where("at", ">", new Date(`${DEMO_AS_OF}T23:59:59+08:00`))
      .execute();
    const lateProduct = await database.db
      .selectFrom("product_events")
      .select("id")
      .where("at", ">", new Date(`${DEMO_AS_OF}T23:59:59+08:00`))
      .execute();
    expect([...late, ...lateProduct]).toEqual([]);
  });
});

describe("demo: what ended leaves the working lists (issue 11)", () => {
  const ENDED = ["completed", "off-treatment", "died", "withdrawn", "lost-to-follow-up"];

  async function as(username: string, role: "coordinator" | "monitor"): Promise<ServiceContext> {
    const user = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirstOrThrow();
    return { db: database.db, actor: await actorFor(database.db, user.id, role), now };
  }

  it("patients whose journey ended have no visit left open, and the worklist names none of them", async () => {
    const ended = await database.db
      .selectFrom("journeys")
      .innerJoin("patients", "patients.id", "journeys.patient_id")
      .select(["journeys.enrolment_id", "journeys.state", "patients.subject_code"])
      .where("journeys.state", "in", ENDED)
      .execute();
    // The demo has patients who died, withdrew and were lost (synthetic-cohort.ts), SZ-0003 among the dead.
    expect(ended.map((e) => e.state)).toEqual(
      expect.arrayContaining(["died", "withdrawn", "lost-to-follow-up"]),
    );
    const open = await database.db
      .selectFrom("visits")
      .select(["enrolment_id", "code"])
      .where(
        "enrolment_id",
        "in",
        ended.map((e) => e.enrolment_id),
      )
      .where("done_on", "is", null)
      .where("missed_reason", "is", null)
      .where("closed_reason", "is", null)
      .execute();
    expect(open).toEqual([]);
    const closed = await database.db
      .selectFrom("visits")
      .select(["closed_reason"])
      .where("closed_reason", "is not", null)
      .execute();
    expect(closed.length).toBeGreaterThan(0);
    for (const c of closed) expect(c.closed_reason).toMatch(/^Journey ended: /);

    const { worklist } = await import("../../src/services/visits.ts");
    const listed = await worklist(await as("coordinator", "coordinator"), { status: ["due", "overdue"] });
    const endedCodes = new Set(ended.map((e) => e.subject_code));
    expect(listed.items.filter((v) => endedCodes.has(v.subjectCode))).toEqual([]);
  });

  it("the board's open scope lists no administered bag, no collection that became a product and no unit of an ended journey", async () => {
    const { productBoard } = await import("../../src/services/product-board.ts");
    const ctx = await as("monitor", "monitor");
    const sites = await database.db.selectFrom("sites").select("id").execute();
    let all = 0;
    for (const site of sites) {
      const everything = (await productBoard(ctx, { siteId: site.id, scope: "all" })).items;
      const open = (await productBoard(ctx, { siteId: site.id, scope: "open" })).items;
      all += everything.length;
      const parents = new Set(
        (
          await database.db
            .selectFrom("product_units")
            .select("parent_id")
            .where("parent_id", "is not", null)
            .execute()
        ).map((r) => r.parent_id),
      );
      for (const u of open) {
        expect(["administered", "discarded", "returned", "failed"]).not.toContain(u.state);
        expect(ENDED).not.toContain(u.journeyState);
        expect(parents.has(u.id), `${u.subjectCode} ${u.kind} has a product made from it`).toBe(false);
      }
      // What "open" leaves out is still there under "all".
      expect(everything.length).toBeGreaterThan(open.length);
    }
    const reference = await productBoard(ctx, {
      siteId: (
        await database.db
          .selectFrom("patients")
          .select("site_id")
          .where("id", "=", summary.referencePatientId)
          .executeTakeFirstOrThrow()
      ).site_id,
      scope: "open",
    });
    expect(reference.items.map((u) => u.subjectCode)).not.toContain("SZ-0001");
    expect(all).toBeGreaterThan(0);
  });
});
