/**
 * Loads the demo program: two synthetic sites, one user per role, the compound CD19/BCMA CAR-T
 * study, the reference case and the synthetic cohort. Everything is written through the services,
 * as the system actor, so the demo obeys the same validation, access rules and audit trail as real
 * data; the one raw write is the `installation` marker that says the demo is there.
 *
 * The whole load is one transaction: a failure halfway leaves no half-demo behind, and the
 * services join that transaction instead of committing piecemeal.
 */
import type { Kysely } from "kysely";
import { addDays } from "../domain/calendar.ts";
import { DomainError } from "../domain/errors.ts";
import { EXAMPLE_RELEASE_SPEC } from "../domain/release-specs.ts";
import type { Role } from "../domain/roles.ts";
import { createAdverseEvent } from "../services/adverse-events.ts";
import { recordAssessment } from "../services/assessments.ts";
import { recordClinicalEvent } from "../services/clinical-events.ts";
import { createCondition } from "../services/conditions.ts";
import { type Actor, type ServiceContext, systemActor } from "../services/context.ts";
import { enrolPatient } from "../services/enrolments.ts";
import { setLymphodepletionRegimen } from "../services/lymphodepletion-plan.ts";
import { recordMedication } from "../services/medications.ts";
import { recordObservations } from "../services/observations.ts";
import { createPatient } from "../services/patients.ts";
import { setReleaseSpec } from "../services/release.ts";
import { createSite, createUser } from "../services/sites.ts";
import { createCarProduct, createStudy } from "../services/studies.ts";
import { listPatientVisits, recordVisit } from "../services/visits.ts";
import type { Database } from "../store/database.ts";
import type { DB } from "../store/schema.ts";
import { LOINC } from "./codes.ts";
import { journeyDates } from "./journey-dates.ts";
import { type DemoCrew, type DemoDose, walkJourney } from "./journey-walk.ts";
import type { PatientPlan, SiteCode } from "./plan.ts";
import { referenceCasePlan } from "./reference-case.ts";
import { DEMO_AS_OF, DEMO_SEED, syntheticCohortPlans } from "./synthetic-cohort.ts";

export interface DemoSummary {
  sites: { id: string; code: string }[];
  users: { username: string; password: string; role: string }[];
  studyId: string;
  referencePatientId: string;
  patients: number;
  observations: number;
}

/** Bump when the demo's content changes, so an installation can tell which demo it holds. */
export const DEMO_VERSION = 1;
const INSTALLATION_KEY = "demo";

const SITES = [
  {
    code: "SZ",
    name: "Demo Shenzhen Hospital (synthetic)",
    department: "Hematology",
    city: "Shenzhen",
    country: "CN",
    timeZone: "Asia/Shanghai",
    isSynthetic: true,
  },
  {
    code: "WH",
    name: "Demo Wuhan Hospital (synthetic)",
    department: "Rheumatology and Immunology",
    city: "Wuhan",
    country: "CN",
    timeZone: "Asia/Shanghai",
    isSynthetic: true,
  },
] as const;

/**
 * One user per role, named after it. The split of the coordinators (one per site) makes site
 * scoping visible when you log in as each of them.
 */
const USERS: { username: string; displayName: string; role: Role; sites: SiteCode[] }[] = [
  { username: "admin", displayName: "Demo administrator", role: "admin", sites: ["SZ", "WH"] },
  { username: "investigator", displayName: "Demo investigator", role: "investigator", sites: ["SZ", "WH"] },
  { username: "coordinator", displayName: "Demo coordinator (Shenzhen)", role: "coordinator", sites: ["SZ"] },
  {
    username: "coordinator-wh",
    displayName: "Demo coordinator (Wuhan)",
    role: "coordinator",
    sites: ["WH"],
  },
  // The cell lab makes and releases the product for both sites.
  {
    username: "manufacturing",
    displayName: "Demo manufacturing (cell lab)",
    role: "manufacturing",
    sites: ["SZ", "WH"],
  },
  {
    username: "quality",
    displayName: "Demo quality assurance (cell lab)",
    role: "quality",
    sites: ["SZ", "WH"],
  },
  { username: "monitor", displayName: "Demo monitor", role: "monitor", sites: ["SZ", "WH"] },
];

/** Demo passwords are public by design: the loader returns them so the CLI can print them. */
export const demoPassword = (username: string) => `${username}-demo`;

const DOSE_LEVELS = [
  { code: "DL1", label: "1 × 10^6 CAR+ cells/kg", dose: 1e6, unit: "car-cells-per-kg" },
  { code: "DL2", label: "3 × 10^6 CAR+ cells/kg", dose: 3e6, unit: "car-cells-per-kg" },
] as const;

export async function isDemoLoaded(database: Database): Promise<boolean> {
  return (await demoMarker(database.db)) !== undefined;
}

function demoMarker(db: Kysely<DB>) {
  return db.selectFrom("installation").select("key").where("key", "=", INSTALLATION_KEY).executeTakeFirst();
}

export async function loadDemo(database: Database, now: () => Date): Promise<DemoSummary> {
  return database.db.transaction().execute(async (trx) => {
    if (await demoMarker(trx))
      throw new DomainError("conflict", "The demo program is already loaded in this installation.");
    const codes = SITES.map((s) => s.code);
    const taken = await trx.selectFrom("sites").select("code").where("code", "in", codes).execute();
    if (taken.length > 0)
      throw new DomainError(
        "conflict",
        `Site codes ${taken.map((t) => t.code).join(", ")} are already in use; the demo needs an installation without them.`,
      );

    // The system actor may create sites without memberships; for everything after that it needs
    // roles at the demo sites like any other user, so the services' checks apply unchanged.
    const bootstrap: ServiceContext = { db: trx, actor: systemActor(), now };
    const sites = {} as Record<SiteCode, string>;
    for (const s of SITES) sites[s.code] = (await createSite(bootstrap, s)).id;
    const actor: Actor = systemActor(
      Object.values(sites).flatMap((siteId) => [
        { siteId, role: "investigator" as const },
        { siteId, role: "admin" as const },
      ]),
    );
    const ctx: ServiceContext = { db: trx, actor, now };

    const actors = new Map<string, Actor>();
    for (const u of USERS) {
      const memberships = u.sites.map((code) => ({ siteId: sites[code], role: u.role }));
      // Seeded: the demo's published passwords are exempt from the password policy (decision 0005).
      const user = await createUser(
        ctx,
        {
          username: u.username,
          displayName: u.displayName,
          password: demoPassword(u.username),
          memberships,
        },
        { seeded: true },
      );
      actors.set(u.username, { userId: user.id, username: u.username, memberships });
    }

    const study = await createStudy(ctx, {
      leadSiteId: sites.SZ,
      siteIds: [sites.SZ, sites.WH],
      title: "Compound CD19/BCMA CAR-T for refractory B-cell lymphoma and autoimmune disease",
      shortName: "cCAR-19/BCMA",
      registryId: "DEMO-0001",
      phase: "phase-1",
      status: "active",
      isSynthetic: true,
      arms: [
        { code: "LYM", name: "Relapsed/refractory B-cell lymphoma", doseLevels: DOSE_LEVELS },
        {
          code: "AID",
          name: "Refractory autoimmune disease (SLE, lupus nephritis)",
          doseLevels: DOSE_LEVELS,
        },
        { code: "MM", name: "Relapsed/refractory multiple myeloma", doseLevels: DOSE_LEVELS },
      ],
    });
    const car = await createCarProduct(ctx, {
      studyId: study.id,
      code: "cCAR-19B",
      name: "Compound CD19/BCMA CAR-T (synthetic demo construct)",
      targets: ["CD19", "BCMA"],
      format: "compound",
      costimulatoryDomain: "4-1BB",
      vector: "lentiviral",
      doseUnit: "car-cells-per-kg",
      manufacturer: "Demo cell-therapy laboratory (synthetic)",
    });
    // The ARI-0001 example specification (src/domain/release-specs.ts) stands in for the
    // synthetic construct's own; shipping ranges as in workflow-standards §2.7.
    await setReleaseSpec(ctx, {
      carProductId: car.id,
      criteria: EXAMPLE_RELEASE_SPEC.criteria,
      temperatureRanges: {
        apheresis: { minC: 2, maxC: 8 },
        finalProduct: { minC: -196, maxC: -150, maxGapMinutes: 30 },
      },
      note: "Demo: the published ARI-0001 acceptance criteria, not this synthetic product's own.",
    });

    // Fludarabine 30 mg/m² and cyclophosphamide 500 mg/m² on days −5 to −3 (clinical-rules §6.5),
    // as in the trial the reference case took part in.
    await setLymphodepletionRegimen(ctx, study.id, {
      name: "Flu/Cy 30/500 mg/m² days −5 to −3",
      regimen: [
        { drug: "FLUDARABINE", doseMgPerM2PerDay: 30, days: [-5, -4, -3] },
        { drug: "CYCLOPHOSPHAMIDE", doseMgPerM2PerDay: 500, days: [-5, -4, -3] },
      ],
      fludarabineRenalRule: { kind: "US_LABEL" },
    });
    const crew = demoCrew(trx, actors, { carProductId: car.id, labSiteId: sites.SZ });

    // The reference case goes first so that she is SZ-0001.
    const plans = [referenceCasePlan(), ...syntheticCohortPlans(DEMO_SEED)];
    let observations = 0;
    let referencePatientId = "";
    for (const plan of plans) {
      const written = await writePatient(ctx, plan, sites, study.id);
      observations += written.observations;
      const dates = journeyDates(plan);
      if (dates && written.enrolmentId)
        await walkJourney(
          crew,
          plan.siteCode,
          { ...written, enrolmentId: written.enrolmentId, ...doseOf(plan, dates.release) },
          dates,
        );
      if (plan.label === "reference") referencePatientId = written.patientId;
    }

    await trx
      .insertInto("installation")
      .values({
        key: INSTALLATION_KEY,
        value: JSON.stringify({
          version: DEMO_VERSION,
          loadedAt: now().toISOString(),
          seed: DEMO_SEED,
          asOf: DEMO_AS_OF,
        }),
        at: now(),
      })
      .execute();

    return {
      sites: SITES.map((s) => ({ id: sites[s.code], code: s.code })),
      users: USERS.map((u) => ({ username: u.username, password: demoPassword(u.username), role: u.role })),
      studyId: study.id,
      referencePatientId,
      patients: plans.length,
      observations,
    };
  });
}

/** Writes one planned patient through the services, in the order a program would record it. */
async function writePatient(
  ctx: ServiceContext,
  plan: PatientPlan,
  sites: Record<SiteCode, string>,
  studyId: string,
): Promise<{ patientId: string; subjectCode: string; enrolmentId?: string; observations: number }> {
  const patient = await createPatient(ctx, {
    siteId: sites[plan.siteCode],
    birthYear: plan.birthYear,
    sex: plan.sex,
    isSynthetic: true,
    ...(plan.identity ? { identity: plan.identity } : {}),
  });
  const patientId = patient.id;
  for (const c of plan.conditions) await createCondition(ctx, { ...c, patientId });
  const enrolment = plan.enrolment
    ? await enrolPatient(ctx, { ...plan.enrolment, patientId, studyId })
    : undefined;
  for (const m of plan.medications) await recordMedication(ctx, { ...m, patientId });
  for (const e of plan.events) await recordClinicalEvent(ctx, { ...e, patientId });
  for (const a of plan.assessments ?? []) await recordAssessment(ctx, patientId, a);
  for (const ae of plan.adverseEvents ?? []) await createAdverseEvent(ctx, { ...ae, patientId });
  if (plan.observations.length > 0)
    await recordObservations(ctx, { observations: plan.observations.map((o) => ({ ...o, patientId })) });
  await recordPastVisits(ctx, patientId, plan);
  return {
    patientId,
    subjectCode: patient.subjectCode,
    ...(enrolment ? { enrolmentId: enrolment.id } : {}),
    observations: plan.observations.length,
  };
}

/** The dose the bag must carry: the enrolment's dose level and the last weight before release. */
function doseOf(plan: PatientPlan, releaseDate: string | undefined): { dose?: DemoDose } {
  const level = DOSE_LEVELS.find((l) => l.code === plan.enrolment?.doseLevelCode);
  const weights = plan.observations
    .filter((o) => o.code === LOINC.weight.code && typeof o.valueNumber === "number")
    .filter((o) => releaseDate === undefined || o.effectiveAt.slice(0, 10) <= releaseDate)
    .sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
  const weightKg = weights.at(-1)?.valueNumber;
  return level && typeof weightKg === "number" ? { dose: { cellsPerKg: level.dose, weightKg } } : {};
}

/** The demo users as service contexts at a given moment, for the journey walk. */
function demoCrew(
  db: Kysely<DB>,
  actors: Map<string, Actor>,
  lab: { carProductId: string; labSiteId: string },
): DemoCrew {
  const as = (username: string) => (instant: string) => ({
    db,
    actor: actors.get(username)!,
    now: () => new Date(instant),
  });
  return {
    coordinator: (site, instant) => as(site === "SZ" ? "coordinator" : "coordinator-wh")(instant),
    investigator: as("investigator"),
    manufacturing: as("manufacturing"),
    quality: as("quality"),
    investigatorUserId: actors.get("investigator")!.userId,
    signature: (who, meaning) => {
      const username =
        typeof who === "string" ? who : who.coordinatorAt === "SZ" ? "coordinator" : "coordinator-wh";
      return { username, password: demoPassword(username), meaning };
    },
    ...lab,
  };
}

/** Why visits after the end of a patient's participation were not done, by enrolment status. */
const ENDED: Partial<Record<string, string>> = {
  died: "Patient died",
  withdrawn: "Patient withdrew from the study",
  "lost-to-follow-up": "Lost to follow-up",
  completed: "Study participation completed",
};

/**
 * The protocol visits generated at enrolment are recorded as a program would have: done on the
 * nominal day while the patient took part, missed with the reason once participation ended (the
 * last day with recorded data). Visits whose window closed in the 45 days before the demo's
 * "today" stay open, so the worklist shows some overdue and due visits, as a real one would.
 */
async function recordPastVisits(ctx: ServiceContext, patientId: string, plan: PatientPlan): Promise<void> {
  if (!plan.enrolment?.infusionDate) return;
  const lastData = [...plan.observations.map((o) => o.effectiveAt), ...plan.events.map((e) => e.occurredAt)]
    .map((t) => t.slice(0, 10))
    .sort()
    .at(-1);
  const ended = ENDED[plan.enrolment.status ?? ""];
  const openFrom = addDays(DEMO_AS_OF, -45);
  for (const v of (await listPatientVisits(ctx, patientId)).items) {
    if (v.windowEnd >= (ended ? DEMO_AS_OF : openFrom)) continue;
    const done = !ended || (lastData !== undefined && v.nominalDate <= lastData);
    // A long-term follow-up contact that took place asks its questions; in the demo nothing new
    // (no malignancy, infection, pregnancy…) was found at any of them.
    const ltfuItems =
      done && v.expected.ltfuItems.length > 0
        ? Object.fromEntries(v.expected.ltfuItems.map((code) => [code, { outcome: "none" }]))
        : undefined;
    await recordVisit(ctx, v.id, {
      ...(done ? { doneOn: v.nominalDate } : { missedReason: ended }),
      ...(ltfuItems ? { ltfuItems } : {}),
      version: v.version,
      reason: "Recorded by the demo loader (synthetic)",
    });
  }
}
