import { type Kysely, sql } from "kysely";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import type { DB, Insertable, PatientIdentitiesTable, PatientsTable } from "./schema.ts";
import type { PatientIdentityHistoryTable } from "./schema-identity-history.ts";

export const insertPatient = (db: Kysely<DB>, row: Insertable<PatientsTable>) =>
  db.insertInto("patients").values(row).returningAll().executeTakeFirstOrThrow();

export const insertIdentity = (db: Kysely<DB>, row: Insertable<PatientIdentitiesTable>) =>
  db.insertInto("patient_identities").values(row).returningAll().executeTakeFirstOrThrow();

export const findIdentity = (db: Kysely<DB>, patientId: string) =>
  db.selectFrom("patient_identities").selectAll().where("patient_id", "=", patientId).executeTakeFirst();

export const updateIdentity = (
  db: Kysely<DB>,
  patientId: string,
  expectedVersion: number,
  changes: Record<string, unknown>,
  at: Date,
) =>
  db
    .updateTable("patient_identities")
    .set({ ...changes, updated_at: at, version: expectedVersion + 1 })
    .where("patient_id", "=", patientId)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();

export const insertIdentityHistory = (db: Kysely<DB>, row: Insertable<PatientIdentityHistoryTable>) =>
  db.insertInto("patient_identity_history").values(row).execute();

/** A patient's replaced identity values, newest first, with who replaced them. */
export const listIdentityHistory = (db: Kysely<DB>, patientId: string) =>
  db
    .selectFrom("patient_identity_history as h")
    .innerJoin("users as u", "u.id", "h.replaced_by")
    .selectAll("h")
    .select("u.username as replaced_by_username")
    .where("h.patient_id", "=", patientId)
    .orderBy("h.version", "desc")
    .execute();

export interface IdentityCommitmentRow {
  seq: string;
  event_id: string;
  version: string;
  digest: string;
  history_id: string | null;
  salt: string | null;
  family_name: string;
  given_name: string;
  sex: string;
  birth_date: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  home_region: string | null;
  national_id: string | null;
}

/**
 * For the audit verifier: every identity update's audit record that commits to replaced values
 * (after.priorDigest), in chain order, with the history row it names (null columns when gone).
 */
export async function identityCommitments(db: Kysely<DB>): Promise<IdentityCommitmentRow[]> {
  const res = await sql<IdentityCommitmentRow>`
    SELECT c.seq::text AS seq, e.id::text AS event_id, e.after->>'replacedVersion' AS version,
           e.after->>'priorDigest' AS digest, h.id::text AS history_id, encode(h.salt, 'hex') AS salt,
           h.family_name, h.given_name, h.sex, h.birth_date::text AS birth_date, h.phone, h.email,
           h.address, h.home_region, h.national_id
      FROM audit_events e
      JOIN audit_chain c ON c.event_id = e.id
      LEFT JOIN patient_identity_history h
        ON h.patient_id::text = e.entity_id AND h.version = (e.after->>'replacedVersion')::int
     WHERE e.entity_type = 'patient-identity' AND e.action = 'update' AND e.after ? 'priorDigest'
     ORDER BY c.seq`.execute(db);
  return res.rows;
}

/** History rows no audit record commits to, with the last chain position before they were written. */
export async function uncommittedIdentityHistory(
  db: Kysely<DB>,
): Promise<{ id: string; position: string | null }[]> {
  const res = await sql<{ id: string; position: string | null }>`
    SELECT h.id::text AS id,
           (SELECT max(c.seq) FROM audit_chain c WHERE c.event_at <= h.replaced_at)::text AS position
      FROM patient_identity_history h
     WHERE NOT EXISTS (
       SELECT 1 FROM audit_events e
        WHERE e.entity_type = 'patient-identity' AND e.action = 'update'
          AND e.entity_id = h.patient_id::text AND (e.after->>'replacedVersion')::int = h.version)
     ORDER BY h.replaced_at
     LIMIT 1`.execute(db);
  return res.rows;
}

/** Codes naming one disease (domain/cohort/indication.ts DISEASE_CODES). */
export interface DiseaseCodes {
  snomed: string[];
  icdPrefixes: string[];
  icdExact: string[];
}

export interface PatientFilter {
  siteIds: string[];
  subjectCode?: string;
  /** part of the subject code, any case */
  subjectCodeContains?: string;
  studyId?: string;
  disease?: DiseaseCodes;
  /** a journey in this state */
  stage?: string;
  /** the sort key (subject code, id) of the last row shown */
  after?: readonly [string, string];
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Patients at the given sites matching every filter, ordered by subject code then id (keyset). */
export function listPatients(db: Kysely<DB>, f: PatientFilter) {
  let q = db
    .selectFrom("patients")
    .innerJoin("sites", "sites.id", "patients.site_id")
    .selectAll("patients")
    .select("sites.code as site_code")
    .where("patients.site_id", "in", f.siteIds)
    .orderBy("patients.subject_code")
    .orderBy("patients.id")
    .limit(f.limit + 1);
  if (f.subjectCode) q = q.where("patients.subject_code", "=", f.subjectCode);
  if (f.subjectCodeContains)
    q = q.where("patients.subject_code", "ilike", `%${likeEscape(f.subjectCodeContains)}%`);
  const { studyId, disease, stage, after } = f;
  if (studyId)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("enrolments")
          .select("enrolments.id")
          .whereRef("enrolments.patient_id", "=", "patients.id")
          .where("enrolments.study_id", "=", studyId),
      ),
    );
  if (stage)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("journeys")
          .select("journeys.id")
          .whereRef("journeys.patient_id", "=", "patients.id")
          .where("journeys.state", "=", stage),
      ),
    );
  if (disease)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("conditions")
          .select("conditions.id")
          .whereRef("conditions.patient_id", "=", "patients.id")
          .where((eb) => {
            const icd = eb.fn<string>("upper", ["conditions.code"]);
            const icdMatches = [
              ...disease.icdPrefixes.map((p) => eb(icd, "like", `${likeEscape(p)}%`)),
              ...(disease.icdExact.length ? [eb(icd, "in", disease.icdExact)] : []),
            ];
            return eb.or([
              eb.and([
                eb("conditions.code_system", "=", CODE_SYSTEMS.snomed),
                eb("conditions.code", "in", disease.snomed.length ? disease.snomed : [""]),
              ]),
              eb.and([
                eb("conditions.code_system", "in", [CODE_SYSTEMS.icd10, CODE_SYSTEMS.icd10cm]),
                icdMatches.length ? eb.or(icdMatches) : eb.lit(false),
              ]),
            ]);
          }),
      ),
    );
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb("patients.subject_code", ">", after[0]),
        eb.and([eb("patients.subject_code", "=", after[0]), eb("patients.id", ">", after[1])]),
      ]),
    );
  return q.execute();
}

/** What the patient list shows beside each patient: studies, journey states and coded diagnoses. */
export async function patientListDetails(db: Kysely<DB>, patientIds: string[]) {
  if (patientIds.length === 0) return { enrolments: [], journeys: [], diagnoses: [] };
  const [enrolments, journeys, diagnoses] = await Promise.all([
    db
      .selectFrom("enrolments")
      .innerJoin("studies", "studies.id", "enrolments.study_id")
      .select(["enrolments.patient_id", "enrolments.study_id", "studies.short_name"])
      .where("enrolments.patient_id", "in", patientIds)
      .orderBy("studies.short_name")
      .execute(),
    db
      .selectFrom("journeys")
      .select(["patient_id", "state"])
      .where("patient_id", "in", patientIds)
      .orderBy("created_at")
      .execute(),
    db
      .selectFrom("conditions")
      .select(["patient_id", "code_system", "code"])
      .where("patient_id", "in", patientIds)
      .execute(),
  ]);
  return { enrolments, journeys, diagnoses };
}

/** The patient with this subject code at a site, if any (codes are unique per site). */
/** The patients with these ids (those that exist), in one query. */
export const findPatients = (db: Kysely<DB>, ids: readonly string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom("patients").selectAll().where("id", "in", ids).execute();

export const findPatientBySubjectCode = (db: Kysely<DB>, siteId: string, subjectCode: string) =>
  db
    .selectFrom("patients")
    .select("id")
    .where("site_id", "=", siteId)
    .where("subject_code", "=", subjectCode)
    .executeTakeFirst();

/** Whether the database holds any patient yet (a first start). */
export const hasPatients = async (db: Kysely<DB>) =>
  (await db.selectFrom("patients").select("id").limit(1).execute()).length > 0;
