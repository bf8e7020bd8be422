/**
 * The hand-written Kysely types (src/store/schema.ts) must match what the migrations create.
 * COLUMNS is type-checked against the interfaces (every key, no extra), and compared here with
 * information_schema; a column added to one side only fails either tsc or this test.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/store/database.ts";
import { loadMigrations, migrate } from "../../src/store/migrator.ts";
import type { DB } from "../../src/store/schema.ts";
import type { AccountTables } from "../../src/store/schema-accounts.ts";
import type { AdverseEventTables } from "../../src/store/schema-adverse-events.ts";
import type { AuditChainTables } from "../../src/store/schema-audit-chain.ts";
import type { CohortTables } from "../../src/store/schema-cohorts.ts";
import type { FhirExportTables } from "../../src/store/schema-fhir-export.ts";
import type { FollowUpTables } from "../../src/store/schema-follow-up.ts";
import type { IdentityHistoryTables } from "../../src/store/schema-identity-history.ts";
import type { JourneyTables } from "../../src/store/schema-journey.ts";
import type { LabImportTables } from "../../src/store/schema-lab-imports.ts";
import type { ReleaseTables } from "../../src/store/schema-release.ts";
import type { SchedulingTables } from "../../src/store/schema-scheduling.ts";
import type { SignatureTables } from "../../src/store/schema-signatures.ts";
import type { VisitTables } from "../../src/store/schema-visits.ts";
import { all } from "../support/columns.ts";
import { ACCOUNT_COLUMNS } from "../support/columns-accounts.ts";
import { ADVERSE_EVENT_COLUMNS } from "../support/columns-adverse-events.ts";
import { AUDIT_CHAIN_COLUMNS } from "../support/columns-audit-chain.ts";
import { COHORT_COLUMNS } from "../support/columns-cohorts.ts";
import { FHIR_EXPORT_COLUMNS } from "../support/columns-fhir-export.ts";
import { FOLLOW_UP_COLUMNS } from "../support/columns-follow-up.ts";
import { IDENTITY_HISTORY_COLUMNS } from "../support/columns-identity-history.ts";
import { JOURNEY_COLUMNS } from "../support/columns-journey.ts";
import { LAB_IMPORT_COLUMNS } from "../support/columns-lab-imports.ts";
import { RELEASE_COLUMNS } from "../support/columns-release.ts";
import { SCHEDULING_COLUMNS } from "../support/columns-scheduling.ts";
import { SIGNATURE_COLUMNS } from "../support/columns-signatures.ts";
import { VISIT_COLUMNS } from "../support/columns-visits.ts";
import { testDatabase } from "../support/database.ts";

const CORE_COLUMNS = {
  sites: all<DB["sites"]>({
    id: true,
    code: true,
    name: true,
    department: true,
    city: true,
    country: true,
    time_zone: true,
    is_synthetic: true,
    subject_seq: true,
    version: true,
    created_at: true,
    updated_at: true,
  }),
  users: all<DB["users"]>({
    id: true,
    username: true,
    display_name: true,
    password_hash: true,
    is_active: true,
    language: true,
    version: true,
    created_at: true,
    updated_at: true,
  }),
  memberships: all<DB["memberships"]>({ user_id: true, site_id: true, role: true, created_at: true }),
  sessions: all<DB["sessions"]>({
    token_hash: true,
    user_id: true,
    csrf_token: true,
    created_at: true,
    last_seen_at: true,
    expires_at: true,
    revoked_at: true,
  }),
  api_tokens: all<DB["api_tokens"]>({
    id: true,
    user_id: true,
    token_hash: true,
    label: true,
    created_at: true,
    last_used_at: true,
    revoked_at: true,
    expires_at: true,
    revoked_by: true,
  }),
  patients: all<DB["patients"]>({
    id: true,
    site_id: true,
    subject_code: true,
    birth_year: true,
    sex: true,
    is_synthetic: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  patient_identities: all<DB["patient_identities"]>({
    patient_id: true,
    family_name: true,
    given_name: true,
    sex: true,
    birth_date: true,
    phone: true,
    email: true,
    address: true,
    home_region: true,
    national_id: true,
    version: true,
    created_at: true,
    updated_at: true,
  }),
  conditions: all<DB["conditions"]>({
    id: true,
    patient_id: true,
    site_id: true,
    code_system: true,
    code: true,
    display: true,
    onset_date: true,
    abatement_date: true,
    clinical_status: true,
    note: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  studies: all<DB["studies"]>({
    id: true,
    lead_site_id: true,
    title: true,
    short_name: true,
    registry_id: true,
    phase: true,
    status: true,
    arms: true,
    is_synthetic: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  study_sites: all<DB["study_sites"]>({ study_id: true, site_id: true }),
  car_products: all<DB["car_products"]>({
    id: true,
    study_id: true,
    code: true,
    name: true,
    targets: true,
    format: true,
    costimulatory_domain: true,
    vector: true,
    vector_type: true,
    dose_unit: true,
    manufacturer: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  enrolments: all<DB["enrolments"]>({
    id: true,
    patient_id: true,
    study_id: true,
    site_id: true,
    arm_code: true,
    dose_level_code: true,
    consent_date: true,
    consent_version: true,
    enrolled_on: true,
    infusion_date: true,
    status: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  observations: all<DB["observations"]>({
    id: true,
    patient_id: true,
    site_id: true,
    code_system: true,
    code: true,
    display: true,
    value_number: true,
    value_code: true,
    value_text: true,
    unit: true,
    effective_at: true,
    specimen: true,
    source: true,
    status: true,
    note: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
    original_value: true,
    original_unit: true,
    reference_range: true,
    lab_import_id: true,
    value_comparator: true,
    value_code_system: true,
    absent_reason: true,
    interpretation: true,
    reference_low: true,
    reference_high: true,
    effective_end: true,
    effective_is_date: true,
    identifier_system: true,
    identifier_value: true,
  }),
  medications: all<DB["medications"]>({
    id: true,
    patient_id: true,
    site_id: true,
    drug: true,
    drug_code_system: true,
    drug_code: true,
    dose_value: true,
    dose_unit: true,
    route: true,
    frequency: true,
    start_date: true,
    stop_date: true,
    indication: true,
    status: true,
    note: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  clinical_events: all<DB["clinical_events"]>({
    id: true,
    patient_id: true,
    site_id: true,
    occurred_at: true,
    category: true,
    title: true,
    text: true,
    status: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  audit_events: all<DB["audit_events"]>({
    id: true,
    at: true,
    actor_id: true,
    actor_name: true,
    site_id: true,
    action: true,
    entity_type: true,
    entity_id: true,
    before: true,
    after: true,
    reason: true,
    request_id: true,
  }),
  assessments: all<DB["assessments"]>({
    id: true,
    patient_id: true,
    site_id: true,
    calculator: true,
    assessed_at: true,
    study_day: true,
    inputs: true,
    result: true,
    label: true,
    rule_set: true,
    rule_set_version: true,
    source: true,
    status: true,
    note: true,
    visit_id: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  installation: all<DB["installation"]>({ key: true, value: true, at: true }),
  schema_migrations: all<DB["schema_migrations"]>({
    version: true,
    name: true,
    checksum: true,
    applied_at: true,
  }),
  held_answer_versions: all<DB["held_answer_versions"]>({ topic: true, site_id: true, version: true }),
  held_answer_bumps: all<DB["held_answer_bumps"]>({ id: true, topic: true, site_id: true, bumps: true }),
} satisfies {
  [K in Exclude<
    keyof DB,
    | keyof JourneyTables
    | keyof VisitTables
    | keyof LabImportTables
    | keyof FollowUpTables
    | keyof ReleaseTables
    | keyof SchedulingTables
    | keyof AccountTables
    | keyof AuditChainTables
    | keyof IdentityHistoryTables
    | keyof SignatureTables
    | keyof CohortTables
    | keyof FhirExportTables
    | keyof AdverseEventTables
  >]: string[];
};

const COLUMNS: Record<string, string[]> = {
  ...CORE_COLUMNS,
  ...JOURNEY_COLUMNS,
  ...VISIT_COLUMNS,
  ...LAB_IMPORT_COLUMNS,
  ...FOLLOW_UP_COLUMNS,
  ...COHORT_COLUMNS,
  ...FHIR_EXPORT_COLUMNS,
  ...ADVERSE_EVENT_COLUMNS,
  ...RELEASE_COLUMNS,
  ...SCHEDULING_COLUMNS,
  ...ACCOUNT_COLUMNS,
  ...AUDIT_CHAIN_COLUMNS,
  ...IDENTITY_HISTORY_COLUMNS,
  ...SIGNATURE_COLUMNS,
};

let database: Database;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());

describe("schema", () => {
  it("every table and column in schema.ts exists after migrating, and nothing else", async () => {
    const rows = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() ORDER BY table_name, column_name`.execute(database.db);
    const actual: Record<string, string[]> = {};
    for (const r of rows.rows) {
      actual[r.table_name] ??= [];
      actual[r.table_name]!.push(r.column_name);
    }
    for (const cols of Object.values(actual)) cols.sort();
    expect(actual).toEqual(COLUMNS);
  });

  it("migrating again applies nothing", async () => {
    expect(await migrate(database)).toEqual([]);
  });

  it("refuses to start when an applied migration was edited", async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(database, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it("has the indexes that patient timelines and observation lists use", async () => {
    const rows = await sql<{
      indexname: string;
    }>`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`.execute(database.db);
    const names = rows.rows.map((r) => r.indexname);
    expect(names).toEqual(
      expect.arrayContaining([
        "observations_patient_time_idx",
        "observations_patient_code_time_idx",
        "clinical_events_patient_idx",
        "medications_patient_idx",
      ]),
    );
  });
});
