/**
 * Kysely table types, written by hand to match migrations/*.sql. A test compares these columns
 * with information_schema after migrating, so the two cannot drift apart silently.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { AccountTables } from "./schema-accounts.ts";
import type { AdverseEventTables } from "./schema-adverse-events.ts";
import type { AuditChainTables } from "./schema-audit-chain.ts";
import type { CohortTables } from "./schema-cohorts.ts";
import type { FhirExportTables } from "./schema-fhir-export.ts";
import type { FollowUpTables } from "./schema-follow-up.ts";
import type { IdentityHistoryTables } from "./schema-identity-history.ts";
import type { JourneyTables } from "./schema-journey.ts";
import type { LabImportTables } from "./schema-lab-imports.ts";
import type { ReleaseTables } from "./schema-release.ts";
import type { SchedulingTables } from "./schema-scheduling.ts";
import type { SignatureTables } from "./schema-signatures.ts";
import type { VisitTables } from "./schema-visits.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `date` columns are read as 'YYYY-MM-DD' strings (parsers set in database.ts), never as Date. */
type CalendarDate = string;
type Json<T> = ColumnType<T, string, string>;

export interface SitesTable {
  id: string;
  code: string;
  name: string;
  department: string;
  city: string | null;
  country: string | null;
  time_zone: string;
  is_synthetic: Generated<boolean>;
  subject_seq: Generated<number>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  is_active: Generated<boolean>;
  /** BCP 47 tag of the app's language for this user (migration 0022); null: follow the browser */
  language: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  user_id: string;
  site_id: string;
  role: string;
  created_at: Timestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  label: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  expires_at: Timestamp;
  revoked_by: string | null;
}

export interface PatientsTable {
  id: string;
  site_id: string;
  subject_code: string;
  birth_year: number;
  sex: string;
  is_synthetic: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface PatientIdentitiesTable {
  patient_id: string;
  family_name: string;
  given_name: string;
  sex: string;
  birth_date: CalendarDate;
  phone: string | null;
  email: string | null;
  address: string | null;
  home_region: string | null;
  national_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConditionsTable {
  id: string;
  patient_id: string;
  site_id: string;
  code_system: string;
  code: string;
  display: string;
  onset_date: CalendarDate | null;
  abatement_date: CalendarDate | null;
  clinical_status: string;
  note: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface DoseLevel {
  code: string;
  label: string;
  dose: number;
  unit: string;
}
export interface StudyArm {
  code: string;
  name: string;
  doseLevels: DoseLevel[];
}

export interface StudiesTable {
  id: string;
  lead_site_id: string;
  title: string;
  short_name: string;
  registry_id: string | null;
  phase: string;
  status: string;
  arms: Json<StudyArm[]>;
  is_synthetic: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface StudySitesTable {
  study_id: string;
  site_id: string;
}

export interface CarProductsTable {
  id: string;
  study_id: string;
  code: string;
  name: string;
  targets: string[];
  format: string;
  costimulatory_domain: string;
  vector: string;
  /** closed list (domain VECTOR_TYPES); null until set */
  vector_type: string | null;
  dose_unit: string;
  manufacturer: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface EnrolmentsTable {
  id: string;
  patient_id: string;
  study_id: string;
  site_id: string;
  arm_code: string;
  dose_level_code: string | null;
  consent_date: CalendarDate;
  consent_version: string;
  enrolled_on: CalendarDate | null;
  infusion_date: CalendarDate | null;
  status: string;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface ObservationsTable {
  id: string;
  patient_id: string;
  site_id: string;
  code_system: string;
  code: string;
  display: string | null;
  value_number: number | null;
  value_code: string | null;
  value_text: string | null;
  unit: string | null;
  effective_at: Timestamp;
  specimen: string | null;
  source: string | null;
  status: Generated<string>;
  note: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  /** as the lab file gave them, before unit normalisation (migration 0008); null when typed in */
  original_value: number | null;
  original_unit: string | null;
  reference_range: string | null;
  lab_import_id: string | null;
  /** what a lab result carries beyond value and unit (migration 0021, decision 0035) */
  value_comparator: "<" | "<=" | ">=" | ">" | null;
  value_code_system: string | null;
  absent_reason: string | null;
  interpretation: Json<ObservationCoding[]> | null;
  /** the lab's structured reference range in the observation's unit */
  reference_low: number | null;
  reference_high: number | null;
  effective_end: Timestamp | null;
  effective_is_date: Generated<boolean>;
  identifier_system: string | null;
  identifier_value: string | null;
}

/** A FHIR Coding as stored (observations.interpretation). */
export interface ObservationCoding {
  system: string | null;
  code: string;
  display?: string;
}

export interface MedicationsTable {
  id: string;
  patient_id: string;
  site_id: string;
  drug: string;
  drug_code_system: string | null;
  drug_code: string | null;
  dose_value: number | null;
  dose_unit: string | null;
  route: string | null;
  frequency: string | null;
  start_date: CalendarDate;
  stop_date: CalendarDate | null;
  indication: string | null;
  status: Generated<string>;
  note: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface ClinicalEventsTable {
  id: string;
  patient_id: string;
  site_id: string;
  occurred_at: Timestamp;
  category: string;
  title: string;
  text: string | null;
  status: Generated<string>;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  site_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  reason: string | null;
  request_id: string | null;
}

export interface AssessmentsTable {
  id: string;
  patient_id: string;
  site_id: string;
  calculator: string;
  assessed_at: Timestamp;
  study_day: number | null;
  inputs: Json<unknown>;
  result: Json<unknown>;
  label: string;
  rule_set: string;
  rule_set_version: string;
  source: Generated<string>;
  status: Generated<string>;
  note: string | null;
  /** the visit the assessment was made at, if any */
  visit_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface InstallationTable {
  key: string;
  value: Json<unknown>;
  at: Timestamp;
}

/** Per topic and site, bumped by the rare writes that touch every site or a site's own row (migrations 0031, 0036). */
export interface HeldAnswerVersionsTable {
  topic: string;
  site_id: string;
  version: ColumnType<string, string | number | undefined, string | number>;
}

/** Bumps that take no shared lock, one row each, folded past 32 a topic and site: the clinic's writes (migrations 0035–0037). */
export interface HeldAnswerBumpsTable {
  id: Generated<string>;
  topic: string;
  site_id: string;
  bumps: ColumnType<string, string | number, string | number>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

export interface DB
  extends CohortTables,
    FhirExportTables,
    AdverseEventTables,
    JourneyTables,
    VisitTables,
    LabImportTables,
    FollowUpTables,
    ReleaseTables,
    SchedulingTables,
    AccountTables,
    AuditChainTables,
    IdentityHistoryTables,
    SignatureTables {
  sites: SitesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  patients: PatientsTable;
  patient_identities: PatientIdentitiesTable;
  conditions: ConditionsTable;
  studies: StudiesTable;
  study_sites: StudySitesTable;
  car_products: CarProductsTable;
  enrolments: EnrolmentsTable;
  observations: ObservationsTable;
  medications: MedicationsTable;
  clinical_events: ClinicalEventsTable;
  audit_events: AuditEventsTable;
  assessments: AssessmentsTable;
  installation: InstallationTable;
  schema_migrations: SchemaMigrationsTable;
  held_answer_versions: HeldAnswerVersionsTable;
  held_answer_bumps: HeldAnswerBumpsTable;
}

export type SiteRow = Selectable<SitesTable>;
export type UserRow = Selectable<UsersTable>;
export type PatientRow = Selectable<PatientsTable>;
export type IdentityRow = Selectable<PatientIdentitiesTable>;
export type ConditionRow = Selectable<ConditionsTable>;
export type StudyRow = Selectable<StudiesTable>;
export type CarProductRow = Selectable<CarProductsTable>;
export type EnrolmentRow = Selectable<EnrolmentsTable>;
export type ObservationRow = Selectable<ObservationsTable>;
export type NewObservation = Insertable<ObservationsTable>;
export type MedicationRow = Selectable<MedicationsTable>;
export type ClinicalEventRow = Selectable<ClinicalEventsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type AssessmentRow = Selectable<AssessmentsTable>;
export type { Insertable, Selectable, Updateable };
