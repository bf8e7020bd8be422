/**
 * The reads behind an SDTM export: a study, its enrolled subjects at the given sites (pseudonymous
 * columns only: subject code, birth year, sex; never patient_identities), and their records, each
 * kind in one statement for all subjects. Records entered in error are left out (adverse events
 * have no such status: a wrong one is corrected, never marked).
 */
import type { Kysely } from "kysely";
import type { DB, StudyArm } from "./schema.ts";

export interface SdtmStudyRow {
  id: string;
  short_name: string;
  registry_id: string | null;
  title: string;
  arms: StudyArm[];
  product_names: string[];
}

export async function sdtmStudy(db: Kysely<DB>, studyId: string): Promise<SdtmStudyRow | undefined> {
  const study = await db
    .selectFrom("studies")
    .select(["id", "short_name", "registry_id", "title", "arms"])
    .where("id", "=", studyId)
    .executeTakeFirst();
  if (!study) return undefined;
  const products = await db
    .selectFrom("car_products")
    .select("name")
    .where("study_id", "=", studyId)
    .orderBy("created_at")
    .execute();
  return { ...study, product_names: products.map((p) => p.name) };
}

export interface SdtmSubjectRow {
  enrolment_id: string;
  patient_id: string;
  subject_code: string;
  birth_year: number;
  sex: string;
  site_id: string;
  site_code: string;
  country: string | null;
  time_zone: string;
  arm_code: string;
  dose_level_code: string | null;
  consent_date: string;
  infusion_date: string | null;
}

export function sdtmSubjects(db: Kysely<DB>, studyId: string, siteIds: string[]): Promise<SdtmSubjectRow[]> {
  if (siteIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("enrolments as e")
    .innerJoin("patients as p", "p.id", "e.patient_id")
    .innerJoin("sites as s", "s.id", "e.site_id")
    .select([
      "e.id as enrolment_id",
      "e.patient_id",
      "p.subject_code",
      "p.birth_year",
      "p.sex",
      "e.site_id",
      "s.code as site_code",
      "s.country",
      "s.time_zone",
      "e.arm_code",
      "e.dose_level_code",
      "e.consent_date",
      "e.infusion_date",
    ])
    .where("e.study_id", "=", studyId)
    .where("e.site_id", "in", siteIds)
    .orderBy("p.subject_code")
    .execute();
}

export interface SdtmRecordRows {
  journeyEvents: {
    enrolment_id: string;
    event_type: string;
    at: Date;
    reason: string | null;
    payload: unknown;
  }[];
  conditions: {
    id: string;
    patient_id: string;
    code_system: string;
    code: string;
    display: string;
    onset_date: string | null;
    abatement_date: string | null;
    clinical_status: string;
  }[];
  observations: {
    id: string;
    patient_id: string;
    code: string;
    display: string | null;
    value_number: number | null;
    value_code: string | null;
    value_text: string | null;
    unit: string | null;
    original_value: number | null;
    original_unit: string | null;
    effective_at: Date;
  }[];
  medications: {
    id: string;
    patient_id: string;
    drug: string;
    drug_code_system: string | null;
    drug_code: string | null;
    dose_value: number | null;
    dose_unit: string | null;
    route: string | null;
    frequency: string | null;
    start_date: string;
    stop_date: string | null;
    indication: string | null;
  }[];
  adverseEvents: {
    id: string;
    patient_id: string;
    term: string;
    soc: string;
    grade: number;
    attribution: string;
    serious: boolean;
    serious_criteria: string[];
    onset_date: string;
    resolved_date: string | null;
    outcome: string;
  }[];
  assessments: {
    id: string;
    patient_id: string;
    calculator: string;
    assessed_at: Date;
    inputs: unknown;
    result: unknown;
  }[];
}

export async function sdtmRecords(
  db: Kysely<DB>,
  enrolmentIds: string[],
  patientIds: string[],
  calculators: string[],
): Promise<SdtmRecordRows> {
  if (patientIds.length === 0)
    return {
      journeyEvents: [],
      conditions: [],
      observations: [],
      medications: [],
      adverseEvents: [],
      assessments: [],
    };
  const [journeyEvents, conditions, observations, medications, adverseEvents, assessments] =
    await Promise.all([
      db
        .selectFrom("journey_events as je")
        .innerJoin("journeys as j", "j.id", "je.journey_id")
        .select(["j.enrolment_id", "je.event_type", "je.at", "je.reason", "je.payload"])
        .where("j.enrolment_id", "in", enrolmentIds)
        .orderBy("je.at")
        .orderBy("je.id")
        .execute(),
      db
        .selectFrom("conditions")
        .select([
          "id",
          "patient_id",
          "code_system",
          "code",
          "display",
          "onset_date",
          "abatement_date",
          "clinical_status",
        ])
        .where("patient_id", "in", patientIds)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("observations")
        .select([
          "id",
          "patient_id",
          "code",
          "display",
          "value_number",
          "value_code",
          "value_text",
          "unit",
          "original_value",
          "original_unit",
          "effective_at",
        ])
        .where("patient_id", "in", patientIds)
        .where("status", "<>", "entered-in-error")
        .orderBy("effective_at")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("medications")
        .select([
          "id",
          "patient_id",
          "drug",
          "drug_code_system",
          "drug_code",
          "dose_value",
          "dose_unit",
          "route",
          "frequency",
          "start_date",
          "stop_date",
          "indication",
        ])
        .where("patient_id", "in", patientIds)
        .where("status", "<>", "entered-in-error")
        .orderBy("start_date")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("adverse_events")
        .select([
          "id",
          "patient_id",
          "term",
          "soc",
          "grade",
          "attribution",
          "serious",
          "serious_criteria",
          "onset_date",
          "resolved_date",
          "outcome",
        ])
        .where("patient_id", "in", patientIds)
        .orderBy("onset_date")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("assessments")
        .select(["id", "patient_id", "calculator", "assessed_at", "inputs", "result"])
        .where("patient_id", "in", patientIds)
        .where("calculator", "in", calculators)
        .where("status", "<>", "entered-in-error")
        .orderBy("assessed_at")
        .orderBy("id")
        .execute(),
    ]);
  return { journeyEvents, conditions, observations, medications, adverseEvents, assessments };
}

/** A study named by its id, registry id or short name (the CLI's --study); undefined when none. */
export async function studyIdByKey(db: Kysely<DB>, key: string): Promise<string | undefined> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key);
  const row = await db
    .selectFrom("studies")
    .select("id")
    .where((eb) =>
      eb.or([...(uuid ? [eb("id", "=", key)] : []), eb("registry_id", "=", key), eb("short_name", "=", key)]),
    )
    .orderBy("created_at")
    .executeTakeFirst();
  return row?.id;
}
