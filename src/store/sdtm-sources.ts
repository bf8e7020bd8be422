/**
 * The reads behind an SDTM export: a study, its enrolled subjects at the given sites (pseudonymous
 * columns only: subject code, birth year, sex; never patient_identities), and their records, each
 * kind in one statement for all subjects. Records entered in error are left out (adverse events
 * have no such status: a wrong one is corrected, never marked).
 */
import type { Kysely } from "kysely";
import type { DB, Selectable, StudyArm } from "./schema.ts";

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

/** The columns each record read selects; the row types below are derived from them and the schema. */
const CONDITION_COLUMNS = [
  "id",
  "patient_id",
  "code_system",
  "code",
  "display",
  "onset_date",
  "abatement_date",
  "clinical_status",
] as const;
const OBSERVATION_COLUMNS = [
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
] as const;
const MEDICATION_COLUMNS = [
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
] as const;
const ADVERSE_EVENT_COLUMNS = [
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
] as const;
const ASSESSMENT_COLUMNS = ["id", "patient_id", "calculator", "assessed_at", "inputs", "result"] as const;

type Row<T extends keyof DB, C extends readonly (keyof Selectable<DB[T]>)[]> = Pick<
  Selectable<DB[T]>,
  C[number]
>;

export interface SdtmRecordRows {
  journeyEvents: {
    enrolment_id: string;
    event_type: string;
    at: Date;
    reason: string | null;
    payload: unknown;
  }[];
  conditions: Row<"conditions", typeof CONDITION_COLUMNS>[];
  observations: Row<"observations", typeof OBSERVATION_COLUMNS>[];
  medications: Row<"medications", typeof MEDICATION_COLUMNS>[];
  adverseEvents: Row<"adverse_events", typeof ADVERSE_EVENT_COLUMNS>[];
  assessments: Row<"assessments", typeof ASSESSMENT_COLUMNS>[];
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
        .select(CONDITION_COLUMNS)
        .where("patient_id", "in", patientIds)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("observations")
        .select(OBSERVATION_COLUMNS)
        .where("patient_id", "in", patientIds)
        .where("status", "<>", "entered-in-error")
        .orderBy("effective_at")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("medications")
        .select(MEDICATION_COLUMNS)
        .where("patient_id", "in", patientIds)
        .where("status", "<>", "entered-in-error")
        .orderBy("start_date")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("adverse_events")
        .select(ADVERSE_EVENT_COLUMNS)
        .where("patient_id", "in", patientIds)
        .orderBy("onset_date")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("assessments")
        .select(ASSESSMENT_COLUMNS)
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
