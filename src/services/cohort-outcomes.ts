/**
 * Cohort results (issue 12): the treated patients a cohort definition selects, each reduced to
 * the facts outcomes need (domain/cohort/patient-outcome.ts), and the summary computed from them.
 * The facts come from the same domain rules the patient page uses (Lugano response, DORIS/LLDAS
 * remission, the CRS and ICANS calculators' stored grades), applied to records read for the whole
 * cohort in a handful of statements and cut at the data-cut date in each site's time zone.
 * Only sites where the user may read clinical data are included; patients are pseudonymous.
 */
import type { Kysely } from "kysely";
import type { PathogenClass } from "../domain/adverse-events.ts";
import { addDays, daysBetween } from "../domain/calendar.ts";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import {
  type CohortDefinition,
  CohortResultsQuery,
  cohortQuery,
  describeCohort,
} from "../domain/cohort/definition.ts";
import { hasLupus, hasLymphoma, indicationOf } from "../domain/cohort/indication.ts";
import {
  icahtGrade,
  iecHsGrade,
  type ProductFacts,
  type ToxicityCourse,
  type TreatedPatient,
} from "../domain/cohort/patient-outcome.ts";
import type { CohortOutcomes } from "../domain/cohort/results.ts";
import { type KeptMeasures, keptMeasures, summariseCohort } from "../domain/cohort/summary.ts";
import { CAR_COPIES_NOTE_PREFIX, carSeriesFromNotes } from "../domain/endpoints/car-copies-note.ts";
import { carKineticsEndpoints } from "../domain/endpoints/car-kinetics.ts";
import type { Endpoint } from "../domain/endpoints/endpoint.ts";
import {
  lupusRelapseDate,
  type RemissionAssessment,
  remissionEndpoints,
} from "../domain/endpoints/lupus-remission.ts";
import {
  type ResponseAssessment,
  type ResponseCategory,
  responseEndpoints,
} from "../domain/endpoints/lymphoma-response.ts";
import type { MedicationRecord } from "../domain/endpoints/medication-free.ts";
import { veinToVeinDays } from "../domain/journey-metrics.ts";
import { isSystemicGlucocorticoid, isTocilizumab } from "../domain/medications.ts";
import { localDate, startOfLocalDay } from "../domain/study-day.ts";
import {
  type CohortFactsRow,
  type CohortFactsWrite,
  type CohortMemberFilter,
  type CohortRecords,
  cohortChanges,
  cohortHorizons,
  cohortMembers,
  cohortRecords,
  emptyCohortRecords,
  productsOfStudies,
  type StudyProductRow,
  saveCohortFacts,
  storedCohortFacts,
} from "../store/cohort.ts";
import type { DB } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import { heldFacts, holdFacts } from "./cohort-facts-cache.ts";
import { type HeldCohort, heldCohort, holdCohort } from "./cohort-report-cache.ts";
import { reportsReader, type ServiceContext } from "./context.ts";
import { heldAnswerWith } from "./held-answers.ts";
import { parseInput } from "./validate.ts";

const CALCULATORS = [
  "crs",
  "icans",
  "icaht",
  "iec-hs",
  "lugano-pet",
  "lugano-ct",
  "doris",
  "lldas",
  "sledai-2k",
  "sri-4",
];
/** Supportive care counted in the first 30 days (the CRS/ICANS window, workflow-standards.md §1.2). */
const SUPPORTIVE_CARE_DAYS = 30;

/**
 * `rawQuery`: a cohort definition and `groupBy` (default: indication), as the API's query. A
 * report computed before is answered again while nothing it read has changed, and brought up to
 * date from the patients that changed when only some did (services/cohort-report-cache.ts).
 */
export async function cohortOutcomes(ctx: ServiceContext, rawQuery: unknown): Promise<CohortOutcomes> {
  const { groupBy: grouping, ...definition } = parseInput(CohortResultsQuery, rawQuery);
  const filter: CohortMemberFilter = {
    siteIds: readableSites(ctx.actor, "clinical:read"),
    siteCodes: definition.site,
    studyIds: definition.study,
    armCodes: definition.arm,
    doseLevelCodes: definition.doseLevel,
    targets: definition.target,
    formats: definition.format,
    infusedFrom: definition.infusedFrom,
    infusedTo: definition.infusedTo,
  };
  const now = ctx.now();
  const key = JSON.stringify([definition, grouping, filter.siteIds]);
  const prior = heldCohort(ctx.db, key);
  // Every read goes to the reports' connection (a replica when there is one, decision 0060's
  // addendum); the facts derived are stored on the primary, ctx.db, on whose handle the held
  // report and facts are keyed. No snapshot is kept open across the reads: their order makes them
  // safe (outcomeFacts), and apart they run side by side on the reports' pool.
  const read = reportsReader(ctx);
  // First, before anything the report reads: what changed since the held report read its facts.
  const changes = await cohortChanges(read, filter.siteIds, prior?.answer.snapshot ?? null);
  const sitesCut = dataCuts(new Map(changes.zones.map((z) => [z.siteId, z.timeZone])), definition.asOf, now);
  // What the held report must have been computed under to be brought up to date, not recomputed.
  const digest = JSON.stringify([changes.membersVersion, [...sitesCut.cutOf], sitesCut.dataCut]);
  const held =
    prior?.digest === digest
      ? await updated({ ctx, read }, prior.answer, new Set(changes.changed), changes.snapshot, now)
      : await computed({ ctx, read }, definition, grouping, filter, now, changes.snapshot);
  holdCohort(ctx.db, key, digest, held);
  // Every answer carries this request's instant (a new report was made with it, so its own is
  // the same). Sent as the held report with the instant written in, from its first answer: the
  // held text is cut once around the instant and kept, and its gzip pieces with it
  // (http/openapi.ts, http/held-gzip.ts), rather than a new report's text made once for itself.
  return heldAnswerWith(held.report, { generatedAt: now.toISOString() });
}

/** Each site's data cut (the date asked for, else today in the site's zone) and the report's. */
function dataCuts(zones: Map<string, string>, asOf: string | undefined, now: Date) {
  const cutOf = new Map([...zones].map(([siteId, tz]) => [siteId, asOf ?? localDate(now, tz)]));
  const dataCut = asOf ?? ([...cutOf.values()].sort().at(-1) || localDate(now, "UTC"));
  return { cutOf, dataCut };
}

/** Per site, the first instant after its data cut (records at or after it do not count). */
const untilOfCuts = (cutOf: Map<string, string>, zones: Map<string, string>) =>
  new Map(
    [...cutOf].map(([siteId, date]) => [siteId, startOfLocalDay(addDays(date, 1), zones.get(siteId)!)]),
  );

type Held = HeldCohort;

/** Where a report reads (the reports' connection) and where it holds and stores (`ctx.db`). */
interface FactsSource {
  ctx: ServiceContext;
  read: Kysely<DB>;
}

/**
 * The held report if none of its patients changed since its snapshot (then held from the new
 * snapshot on: nothing it reads moved in between), else the changed patients' facts derived
 * again and the report made anew from them and the rest as held. Members, cuts and products are
 * the held ones: the caller checked that their version and the days (its digest) are the same.
 */
async function updated(
  source: FactsSource,
  prior: Held,
  changed: Set<string>,
  snapshot: string,
  now: Date,
): Promise<Held> {
  // Nothing changed, the common case under load: the same report, without going through every
  // member (10,000 at tier M) to find none.
  const stale = changed.size === 0 ? [] : prior.infused.filter((m) => changed.has(m.patient_id));
  if (stale.length === 0) return prior.snapshot === snapshot ? prior : { ...prior, snapshot };
  const fresh = await outcomeFacts(source, stale, prior.cutOf, prior.untilOf);
  const { definition, grouping, dataCut } = prior.report;
  return {
    ...prior,
    snapshot,
    report: report(definition, grouping, dataCut, now, prior.infused, prior.products, fresh, {
      patients: prior.report.patients,
      changed,
      measures: prior.measures,
    }),
  };
}

async function computed(
  source: FactsSource,
  definition: CohortDefinition,
  grouping: CohortOutcomes["grouping"],
  filter: CohortMemberFilter,
  now: Date,
  snapshot: string,
): Promise<Held> {
  const members = await cohortMembers(source.read, filter);
  const zones = new Map(members.map((m) => [m.site_id, m.time_zone]));
  const { cutOf, dataCut } = dataCuts(zones, definition.asOf, now);
  const untilOf = untilOfCuts(cutOf, zones);
  const infused = members.filter((m) => m.infusion_date <= cutOf.get(m.site_id)!);
  const [products, facts] = await Promise.all([
    productsOfStudies(source.read, [...new Set(infused.map((m) => m.study_id))]),
    outcomeFacts(source, infused, cutOf, untilOf),
  ]);
  const measures = keptMeasures();
  return {
    snapshot,
    cutOf,
    untilOf,
    infused,
    products,
    measures,
    report: report(definition, grouping, dataCut, now, infused, products, facts, {
      patients: [],
      changed: null,
      measures,
    }),
  };
}

/**
 * The report of these members: each one's enrolment, study products and facts, and the summary.
 * `held.patients`: the patients of a held report of the same members, products and cuts, in the
 * members' order; with `held.changed`, the patients whose facts `facts` gives anew (null: all of
 * them, `held.patients` empty). The rest are the held report's objects, or left out as it left
 * them out (the indication filter reads the facts, which did not change).
 * `held.measures`: the summary's measures of patient objects summarised before.
 */
function report(
  definition: CohortDefinition,
  grouping: CohortOutcomes["grouping"],
  dataCut: string,
  now: Date,
  infused: readonly Member[],
  products: readonly StudyProductRow[],
  facts: ReadonlyMap<string, OutcomeFacts>,
  held: { patients: readonly TreatedPatient[]; changed: ReadonlySet<string> | null; measures: KeptMeasures },
): CohortOutcomes {
  const ofStudy = new Map<string, { codes: string[]; targets: string[] }>();
  for (const studyId of new Set(infused.map((m) => m.study_id))) {
    const studyProducts = products.filter((p) => p.study_id === studyId);
    ofStudy.set(studyId, {
      codes: studyProducts.map((p) => p.code),
      targets: [...new Set(studyProducts.flatMap((p) => p.targets))].sort(),
    });
  }
  const patients: TreatedPatient[] = [];
  let next = 0;
  for (const m of infused) {
    // Held patients are a subsequence of the members, in the same order.
    const before = held.patients[next]?.patientId === m.patient_id ? held.patients[next++] : undefined;
    if (held.changed !== null && !held.changed.has(m.patient_id)) {
      if (before) patients.push(before);
      continue;
    }
    const f = facts.get(m.patient_id)!;
    if (definition.indication && (f.indication === null || !definition.indication.includes(f.indication)))
      continue;
    const study = ofStudy.get(m.study_id)!;
    patients.push(treatedPatient(m, [...study.codes], [...study.targets], f));
  }
  // A held patient not met in the walk would be left out of the report without a word.
  if (next !== held.patients.length)
    throw new Error(
      `cohort report: ${held.patients.length - next} held patient(s) not among the members in order`,
    );
  return {
    definition,
    grouping,
    query: cohortQuery(definition),
    description: describeCohort(definition),
    dataCut,
    generatedAt: now.toISOString(),
    patients,
    summary: summariseCohort(patients, grouping, held.measures),
  };
}

type Member = Awaited<ReturnType<typeof cohortMembers>>[number];

/** What a TreatedPatient holds beyond the enrolment: everything derived from the patient's records. */
export type OutcomeFacts = Omit<
  TreatedPatient,
  | "patientId"
  | "subjectCode"
  | "siteCode"
  | "studyId"
  | "studyName"
  | "arm"
  | "doseLevel"
  | "products"
  | "targets"
  | "infusionDate"
>;

/**
 * Each infused member's outcome facts (decision 0042): the stored ones where they still hold —
 * same version as the records (no write since), same day 0 and time zone, and every record on
 * or before this data cut — and for the rest derived from the records as before, then stored
 * when nothing of the record lies after the cut (so they hold for any later cut as well).
 * The versions are read before the records: facts derived from records newer than the version
 * are tagged with an older version and never used; a write after the read bumps the version.
 * Read on `read`, the reports' connection, and stored on the primary only while it still has the
 * version they were derived under (saveCohortFacts): facts derived on a replica behind the
 * primary lose as facts derived while a write commits do.
 */
async function outcomeFacts(
  { ctx, read }: FactsSource,
  infused: Member[],
  cutOf: ReadonlyMap<string, string>,
  untilOf: ReadonlyMap<string, Date>,
): Promise<Map<string, OutcomeFacts>> {
  const out = new Map<string, OutcomeFacts>();
  const stored = new Map(
    (
      await storedCohortFacts(
        read,
        infused.map((m) => m.patient_id),
        false,
      )
    ).map((r) => [r.patient_id, r]),
  );
  const holds = (m: Member, row: CohortFactsRow) =>
    row.facts_digest !== null &&
    row.facts_version === row.version &&
    row.infusion_date === m.infusion_date &&
    row.time_zone === m.time_zone &&
    readsEveryRecord(row, untilOf.get(m.site_id)!, cutOf.get(m.site_id)!);
  const stale: Member[] = [];
  const toRead = new Map<string, Member>();
  for (const m of infused) {
    const row = stored.get(m.patient_id);
    if (!row || !holds(m, row)) {
      stale.push(m);
      continue;
    }
    const held = heldFacts<OutcomeFacts>(ctx.db, m.patient_id, row.facts_digest!);
    if (held) out.set(m.patient_id, held);
    else toRead.set(m.patient_id, m);
  }
  // Facts stored but not held here yet: read once, then held. A write since the first read shows
  // as a version mismatch here, and that patient is derived again.
  if (toRead.size > 0)
    for (const row of await storedCohortFacts(read, [...toRead.keys()])) {
      const m = toRead.get(row.patient_id)!;
      const facts = storedFacts(row.facts);
      if (!facts || !holds(m, row)) continue;
      out.set(m.patient_id, facts);
      holdFacts(ctx.db, m.patient_id, row.facts_digest!, facts);
      toRead.delete(m.patient_id);
    }
  stale.push(...toRead.values());
  if (stale.length === 0) return out;

  const ids = stale.map((m) => m.patient_id);
  const [records, horizons] = await Promise.all([
    cohortRecords(
      read,
      ids,
      [...untilOf].map(([siteId, until]) => ({ siteId, until })),
      CALCULATORS,
      CAR_COPIES_NOTE_PREFIX,
    ),
    cohortHorizons(read, ids),
  ]);
  const byPatient = groupRecords(records);
  const horizonOf = new Map(horizons.map((h) => [h.patient_id, h]));
  const writes: CohortFactsWrite[] = [];
  for (const m of stale) {
    const f = derivedFacts(m, byPatient.get(m.patient_id) ?? emptyCohortRecords(), cutOf.get(m.site_id)!);
    out.set(m.patient_id, f);
    const h = horizonOf.get(m.patient_id);
    if (h && readsEveryRecord(h, untilOf.get(m.site_id)!, cutOf.get(m.site_id)!))
      writes.push({
        patientId: m.patient_id,
        version: stored.get(m.patient_id)?.version ?? "0",
        infusionDate: m.infusion_date,
        timeZone: m.time_zone,
        horizonAt: h.horizon_at,
        horizonDate: h.horizon_date,
        facts: JSON.stringify({ format: FACTS_FORMAT, facts: f } satisfies StoredFacts),
      });
  }
  // The facts stored are held as a later read of the stored JSON would hold them (parsed from
  // it, under the database's digest of it), so the next report computed in full does not read
  // them back. Facts that lost to a write were not stored and are not held.
  const json = new Map(writes.map((w) => [w.patientId, w.facts]));
  for (const row of await saveCohortFacts(ctx.db, writes))
    holdFacts(ctx.db, row.patient_id, row.facts_digest, storedFacts(JSON.parse(json.get(row.patient_id)!))!);
  return out;
}

/**
 * The shape and derivation of stored facts. The triggers of migration 0024 see writes to the
 * records, not changes to this code: facts derived by an older release (a field added, a rule
 * mended, as SRI-4 was) must not be served after an upgrade. Bump it with any change to
 * OutcomeFacts or to derivedFacts and the rules it calls; stored facts of another format are
 * derived again and overwritten.
 */
export const FACTS_FORMAT = 2;

interface StoredFacts {
  format: number;
  facts: OutcomeFacts;
}

/** The stored facts if this release derived them the same way, else undefined. */
function storedFacts(stored: unknown): OutcomeFacts | undefined {
  const s = stored as StoredFacts | null;
  return s !== null && typeof s === "object" && s.format === FACTS_FORMAT ? s.facts : undefined;
}

/**
 * Facts derived up to this cut read every record the patient has (both horizons on or before
 * it), so they hold for any later cut as well.
 */
function readsEveryRecord(
  h: { horizon_at: Date | null; horizon_date: string | null },
  until: Date,
  cut: string,
): boolean {
  return (
    (h.horizon_at === null || h.horizon_at < until) && (h.horizon_date === null || h.horizon_date <= cut)
  );
}

/** The report's patient: the enrolment as it is now, the study's products, the derived facts. */
function treatedPatient(m: Member, products: string[], targets: string[], f: OutcomeFacts): TreatedPatient {
  return {
    patientId: m.patient_id,
    subjectCode: m.subject_code,
    siteCode: m.site_code,
    studyId: m.study_id,
    studyName: m.study_name,
    arm: m.arm_code,
    doseLevel: m.dose_level_code,
    products,
    targets,
    indication: f.indication,
    infusionDate: m.infusion_date,
    lastContactDate: f.lastContactDate,
    deathDate: f.deathDate,
    offStudyDate: f.offStudyDate,
    offStudyReason: f.offStudyReason,
    lymphoma: f.lymphoma,
    lupus: f.lupus,
    product: f.product,
    carCmax: f.carCmax,
    crs: f.crs,
    icans: f.icans,
    icaht: f.icaht,
    iecHs: f.iecHs,
    tocilizumab: f.tocilizumab,
    infections: f.infections,
    systemicSteroids: f.systemicSteroids,
  };
}

function groupRecords(all: CohortRecords): Map<string, CohortRecords> {
  const out = new Map<string, CohortRecords>();
  for (const key of Object.keys(all) as (keyof CohortRecords)[])
    for (const row of all[key]) {
      const entry = out.get(row.patient_id) ?? emptyCohortRecords();
      out.set(row.patient_id, entry);
      (entry[key] as unknown[]).push(row);
    }
  return out;
}

const endpoint = (list: Endpoint[], key: string) => list.find((e) => e.key === key)!;
const metDate = (e: Endpoint) => (e.status === "met" ? e.date : null);

/**
 * The facts of one patient from the records (already cut at the data cut, `cut` that date).
 * Depends on the records, day 0 and the site's time zone only, and on the cut only through
 * records after it: with none, the same for every cut from day 0 on (outcomeFacts relies on it).
 */
function derivedFacts(m: Member, r: CohortRecords, cut: string): OutcomeFacts {
  const x = {
    indication: indicationOf(r.diagnoses.map((d) => ({ codeSystem: d.code_system, code: d.code }))),
    cut,
  };
  const tz = m.time_zone;
  const day0 = m.infusion_date;
  const dateOf = (d: Date) => localDate(d, tz);
  const ends = r.journeyEnds.map((e) => ({ type: e.event_type, date: dateOf(e.at) }));
  const deathDate = ends.find((e) => e.type === "die")?.date ?? null;
  const offStudy = ends.find((e) => e.type !== "die") ?? null;
  const assessments = r.assessments.map((a) => ({
    id: a.id,
    calculator: a.calculator,
    date: dateOf(a.assessed_at),
    value: a.value,
    inputs: a.inputs,
    details: a.details,
  }));
  const after = assessments.filter((a) => a.date >= day0);
  const medications: MedicationRecord[] = r.medications
    .filter((md) => md.start_date <= x.cut)
    .map((md) => ({
      id: md.id,
      drug: md.drug,
      atcCode: md.drug_code_system === CODE_SYSTEMS.atc ? md.drug_code : null,
      route: md.route,
      indication: md.indication,
      startDate: md.start_date,
      stopDate: md.stop_date !== null && md.stop_date > x.cut ? null : md.stop_date,
    }));
  const inWindow = (md: MedicationRecord) =>
    md.startDate <= addDays(day0, SUPPORTIVE_CARE_DAYS) && (md.stopDate ?? x.cut) >= day0;
  const lastAt = r.lastRecords[0]?.last_at;
  const lastRecord = lastAt ? dateOf(lastAt) : day0;
  const lastContactDate = deathDate ?? [lastRecord, day0].sort().at(-1)!;

  let lymphoma: TreatedPatient["lymphoma"] = null;
  if (hasLymphoma(x.indication)) {
    const lugano = after.filter((a) => a.calculator === "lugano-pet" || a.calculator === "lugano-ct");
    const list = responseEndpoints(
      lugano.map((a) => ({ ...a, value: String(a.value) }) as ResponseAssessment),
      day0,
      deathDate,
    );
    const best = endpoint(list, "best-overall-response");
    const duration = endpoint(list, "duration-of-response");
    lymphoma = {
      best: best.status === "met" ? (best.value as ResponseCategory) : null,
      firstResponseDate: (duration.details?.from as string | undefined) ?? null,
      firstCompleteResponseDate: metDate(endpoint(list, "first-complete-response")),
      progressionDate: metDate(endpoint(list, "progression")),
      lastAssessmentDate: lugano.at(-1)?.date ?? null,
      ...tumourBurden(lugano),
    };
  }
  let lupus: TreatedPatient["lupus"] = null;
  if (hasLupus(x.indication)) {
    const remission = after.filter((a) => a.calculator === "doris" || a.calculator === "lldas");
    const list = remissionEndpoints(remission as RemissionAssessment[], medications, day0);
    lupus = {
      dorisDate: metDate(endpoint(list, "doris-remission")),
      lldasDate: metDate(endpoint(list, "lldas")),
      drugFreeDate: metDate(endpoint(list, "drug-free-remission")),
      lastAssessmentDate: remission.at(-1)?.date ?? null,
      relapseDate: lupusRelapseDate(remission as RemissionAssessment[], day0),
      ...sledaiScores(assessments, day0),
      sri4: after
        .filter((a) => a.calculator === "sri-4")
        .map((a) => ({ date: a.date, responder: a.value === "RESPONDER" })),
    };
  }
  return {
    indication: x.indication,
    lastContactDate,
    deathDate,
    offStudyDate: offStudy?.date ?? null,
    offStudyReason: offStudy
      ? offStudy.type === "withdraw"
        ? "withdrawn"
        : offStudy.type === "complete"
          ? "completed"
          : "lost-to-follow-up"
      : null,
    lymphoma,
    lupus,
    product: productFacts(r, day0, dateOf),
    carCmax: carCmax(r, day0, dateOf),
    crs: gradedCourse(after.filter((a) => a.calculator === "crs")),
    icans: gradedCourse(after.filter((a) => a.calculator === "icans")),
    icaht: gradedCourse(
      after.filter((a) => a.calculator === "icaht").map((a) => ({ ...a, value: icahtGrade(a.value) })),
    ),
    iecHs: gradedCourse(
      after.filter((a) => a.calculator === "iec-hs").map((a) => ({ ...a, value: iecHsGrade(a.value) })),
    ),
    tocilizumab: medications.some((md) => isTocilizumab(md) && inWindow(md)),
    infections: r.infections
      .filter((i) => i.onset_date >= day0 && i.onset_date <= x.cut)
      .map((i) => ({
        studyDay: daysBetween(day0, i.onset_date),
        grade: i.grade,
        pathogenClass: i.pathogen_class as PathogenClass | null,
      })),
    systemicSteroids: medications.some(
      (md) =>
        isSystemicGlucocorticoid(md) &&
        md.startDate >= day0 &&
        md.startDate <= addDays(day0, SUPPORTIVE_CARE_DAYS),
    ),
  };
}

const qcNumber = (rows: CohortRecords["productQc"], attribute: string) =>
  rows.find((q) => q.attribute === attribute)?.value_number ?? null;

function productFacts(r: CohortRecords, day0: string, dateOf: (d: Date) => string): ProductFacts | null {
  if (r.productQc.length === 0) return null;
  return {
    carPositiveCells: qcNumber(r.productQc, "car-positive-viable-cells"),
    carPositivePercent: qcNumber(r.productQc, "car-positive"),
    vectorCopyNumber: qcNumber(r.productQc, "vector-copy-number"),
    viabilityPercent: qcNumber(r.productQc, "viability"),
    outOfSpecification: r.productQc.some((q) => q.out_of_specification),
    veinToVeinDays: veinToVeinDays({
      apheresisDates: r.apheresis.map((a) => dateOf(a.at)),
      infusionDate: day0,
    }),
  };
}

/** Cmax by the car-kinetics endpoint (the one rule for it), from the CAR-T copies notes. */
function carCmax(r: CohortRecords, day0: string, dateOf: (d: Date) => string): number | null {
  const { samples, lloq } = carSeriesFromNotes(
    r.carNotes.map((n) => ({ id: n.id, date: dateOf(n.occurred_at), title: n.title })),
  );
  const cmax = carKineticsEndpoints({ unit: "COPIES_PER_UG_GDNA", lloq, samples }, day0).find(
    (e) => e.key === "car-cmax",
  );
  return cmax?.status === "met" && typeof cmax.value === "number" ? cmax.value : null;
}

/**
 * The tumour's SPD at baseline and at its smallest, from the Lugano CT assessments after day 0:
 * each carries the SPD measured on its scan and the baseline SPD it was compared with
 * (calculators/lymphoma-response/lugano-ct.ts); the latest baseline given stands.
 */
function tumourBurden(
  lugano: { calculator: string; details: unknown }[],
): Pick<TreatedPatient["lymphoma"] & object, "spdBaselineMm2" | "spdBestMm2"> {
  const scans = lugano
    .filter((a) => a.calculator === "lugano-ct")
    .map((a) => a.details as { spdMm2?: unknown; baselineSpdMm2?: unknown } | null)
    .filter(
      (d): d is { spdMm2: number; baselineSpdMm2: number } =>
        typeof d?.spdMm2 === "number" && typeof d.baselineSpdMm2 === "number",
    );
  return {
    spdBaselineMm2: scans.at(-1)?.baselineSpdMm2 ?? null,
    spdBestMm2: scans.length ? Math.min(...scans.map((d) => d.spdMm2)) : null,
  };
}

/** Baseline (last on or before day 0) and lowest later SLEDAI-2K total. */
function sledaiScores(
  assessments: { calculator: string; date: string; value: unknown }[],
  day0: string,
): { sledaiBaseline: number | null; sledaiBest: number | null } {
  const scores = assessments.filter((a) => a.calculator === "sledai-2k" && typeof a.value === "number");
  const before = scores.filter((a) => a.date <= day0);
  const after = scores.filter((a) => a.date > day0).map((a) => a.value as number);
  return {
    sledaiBaseline: before.length ? (before.at(-1)!.value as number) : null,
    sledaiBest: after.length ? Math.min(...after) : null,
  };
}

/** Worst grade, first and last day graded ≥ 1, of one toxicity's stored gradings from day 0. */
function gradedCourse(list: { date: string; value: unknown }[]): ToxicityCourse {
  const graded = list.filter((a) => typeof a.value === "number" && Number.isInteger(a.value));
  if (graded.length === 0) return { maxGrade: null, onsetDate: null, lastDate: null };
  const positive = graded.filter((a) => (a.value as number) >= 1);
  return {
    maxGrade: Math.max(...graded.map((a) => a.value as number)),
    onsetDate: positive[0]?.date ?? null,
    lastDate: positive.at(-1)?.date ?? null,
  };
}
