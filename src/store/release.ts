/**
 * Release specifications, QC results, release evaluations and OOS exception decisions (migration
 * 0006; their signatures are in electronic_signatures, migration 0016). Append-only: nothing here
 * updates or deletes a row.
 */
import type { Kysely } from "kysely";
import type { OosException } from "../domain/vein-to-vein.ts";
import type { DB, Insertable } from "./schema.ts";
import type {
  OosExceptionsTable,
  QcResultsTable,
  ReleaseEvaluationsTable,
  ReleaseSpecsTable,
} from "./schema-release.ts";
import { signaturesOfRecord } from "./signatures.ts";

/** LOINC 29463-7 Body weight (workflow-standards.md §5.4). */
export const BODY_WEIGHT_LOINC = "29463-7";

export const insertReleaseSpec = (db: Kysely<DB>, row: Insertable<ReleaseSpecsTable>) =>
  db.insertInto("release_specs").values(row).returningAll().executeTakeFirstOrThrow();

export const latestSpecRevision = async (db: Kysely<DB>, carProductId: string) =>
  db
    .selectFrom("release_specs")
    .selectAll()
    .where("car_product_id", "=", carProductId)
    .orderBy("revision", "desc")
    .limit(1)
    .executeTakeFirst();

/** The newest revision of each CAR product's spec in a study. */
export const latestSpecsOfStudy = (db: Kysely<DB>, studyId: string) =>
  db
    .selectFrom("release_specs as s")
    .selectAll("s")
    .where("s.study_id", "=", studyId)
    .where(({ eb, selectFrom }) =>
      eb(
        "s.revision",
        "=",
        selectFrom("release_specs as r")
          .select(({ fn }) => fn.max("r.revision").as("m"))
          .whereRef("r.car_product_id", "=", "s.car_product_id"),
      ),
    )
    .orderBy("s.created_at")
    .execute();

export const insertQcResults = (db: Kysely<DB>, rows: Insertable<QcResultsTable>[]) =>
  db.insertInto("qc_results").values(rows).returningAll().execute();

/** Every QC result of a product in the order that makes the latest per attribute come last. */
export const listQcResults = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("qc_results")
    .selectAll()
    .where("product_id", "=", productId)
    .orderBy("tested_at")
    .orderBy("entered_at")
    .orderBy("id")
    .execute();

export const latestQcResult = (db: Kysely<DB>, productId: string, attribute: string) =>
  db
    .selectFrom("qc_results")
    .selectAll()
    .where("product_id", "=", productId)
    .where("attribute", "=", attribute)
    .orderBy("tested_at", "desc")
    .orderBy("entered_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();

export const insertReleaseEvaluation = (db: Kysely<DB>, row: Insertable<ReleaseEvaluationsTable>) =>
  db.insertInto("release_evaluations").values(row).returningAll().executeTakeFirstOrThrow();

export const listReleaseEvaluations = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("release_evaluations")
    .selectAll()
    .where("product_id", "=", productId)
    .orderBy("decided_at")
    .orderBy("id")
    .execute();

export const findOosException = (db: Kysely<DB>, productId: string) =>
  db.selectFrom("oos_exceptions").selectAll().where("product_id", "=", productId).executeTakeFirst();

export const insertOosException = (db: Kysely<DB>, row: Insertable<OosExceptionsTable>) =>
  db.insertInto("oos_exceptions").values(row).returningAll().executeTakeFirstOrThrow();

/** The enrolment, study arms and dose level code behind a journey. */
export const enrolmentOfJourney = (db: Kysely<DB>, journeyId: string) =>
  db
    .selectFrom("journeys as j")
    .innerJoin("enrolments as e", "e.id", "j.enrolment_id")
    .innerJoin("studies as s", "s.id", "e.study_id")
    .select([
      "e.id as enrolment_id",
      "e.study_id",
      "e.arm_code",
      "e.dose_level_code",
      "s.arms",
      "j.patient_id",
    ])
    .where("j.id", "=", journeyId)
    .executeTakeFirst();

/** The patient's latest body weight at or before `at`, ignoring entries in error. */
export const latestBodyWeight = (db: Kysely<DB>, patientId: string, at: Date) =>
  db
    .selectFrom("observations")
    .select(["value_number", "unit", "effective_at"])
    .where("patient_id", "=", patientId)
    .where("code", "=", BODY_WEIGHT_LOINC)
    .where("status", "<>", "entered-in-error")
    .where("value_number", "is not", null)
    .where("effective_at", "<=", at)
    .orderBy("effective_at", "desc")
    .limit(1)
    .executeTakeFirst();

/**
 * The recorded exception decision of an OOS product in the shape the product machine checks, or
 * null when none was opened. Its signatures are the electronic signatures on the exception
 * (migration 0016, meaning "approved deviation"), the capacity being the role signed in: an
 * investigator's, or quality's as QA. The user ids of oos_exception_signatures (before 0016, never
 * authenticated) do not count.
 */
export async function recordedOosException(db: Kysely<DB>, productId: string): Promise<OosException | null> {
  const ex = await findOosException(db, productId);
  if (!ex) return null;
  const sigs = await signaturesOfRecord(db, "oos-exception", ex.id);
  return {
    rationale: ex.rationale,
    signatures: sigs
      .filter((s) => s.meaning === "approved deviation")
      .map((s) => ({
        userId: s.signer_id,
        role: s.signed_as === "investigator" ? ("investigator" as const) : ("qa" as const),
        signedAt: s.signed_at.toISOString(),
      })),
  };
}
