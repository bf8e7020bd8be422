/**
 * Electronic signatures (migration 0016) and the stored records they sign, read back exactly as
 * stored so that services/signatures.ts builds the signed content the same way at signing and at
 * every later verification.
 */
import type { Insertable, Kysely } from "kysely";
import type { SignedRecordKind } from "../domain/signatures.ts";
import type { DB } from "./schema.ts";
import type { ElectronicSignaturesTable } from "./schema-signatures.ts";

export const insertSignatures = (db: Kysely<DB>, rows: Insertable<ElectronicSignaturesTable>[]) =>
  db.insertInto("electronic_signatures").values(rows).returningAll().execute();

export const signaturesOfRecord = (db: Kysely<DB>, kind: SignedRecordKind, recordId: string) =>
  db
    .selectFrom("electronic_signatures")
    .selectAll()
    .where("record_kind", "=", kind)
    .where("record_id", "=", recordId)
    .orderBy("signed_at")
    .orderBy("id")
    .execute();

export const signaturesOfRecords = (db: Kysely<DB>, kind: SignedRecordKind, recordIds: string[]) =>
  recordIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom("electronic_signatures")
        .selectAll()
        .where("record_kind", "=", kind)
        .where("record_id", "in", recordIds)
        .orderBy("signed_at")
        .orderBy("id")
        .execute();

export const signaturesOfProduct = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("electronic_signatures")
    .selectAll()
    .where("product_id", "=", productId)
    .orderBy("signed_at")
    .orderBy("id")
    .execute();

/** The audit records of signatures ("sign" on electronic-signature), by signature id. */
export const signatureAuditRecords = (db: Kysely<DB>, signatureIds: string[]) =>
  signatureIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom("audit_events")
        .select(["entity_id", "after", "site_id"])
        .where("entity_type", "=", "electronic-signature")
        .where("action", "=", "sign")
        .where("entity_id", "in", signatureIds)
        .execute();

// ───────────────────────────────────────────── signed records ──

export const productIdentity = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("product_units")
    .select(["id", "site_id", "journey_id", "kind", "din", "coi_id", "product_code"])
    .where("id", "=", productId)
    .executeTakeFirst();

export const bedsideAttemptRow = (db: Kysely<DB>, id: string) =>
  db.selectFrom("bedside_attempts").selectAll().where("id", "=", id).executeTakeFirst();

export const releaseEvaluationRow = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom("release_evaluations as r")
    .innerJoin("release_specs as s", "s.id", "r.spec_id")
    .selectAll("r")
    .select(["s.revision as spec_revision", "s.car_product_id"])
    .where("r.id", "=", id)
    .executeTakeFirst();

/** The QC results a release decision covered: those entered for the bag up to the decision. */
export const qcResultsUpTo = (db: Kysely<DB>, productId: string, at: Date) =>
  db
    .selectFrom("qc_results")
    .selectAll()
    .where("product_id", "=", productId)
    .where("entered_at", "<=", at)
    .orderBy("id")
    .execute();

export const oosExceptionRow = (db: Kysely<DB>, id: string) =>
  db.selectFrom("oos_exceptions").selectAll().where("id", "=", id).executeTakeFirst();

/** The evaluation that declared the bag out of specification (the first, if ever several). */
export const oosDeclaration = (db: Kysely<DB>, productId: string) =>
  db
    .selectFrom("release_evaluations")
    .selectAll()
    .where("product_id", "=", productId)
    .where("outcome", "=", "out-of-specification")
    .orderBy("decided_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();

export const productEventRow = (db: Kysely<DB>, id: string) =>
  db.selectFrom("product_events").selectAll().where("id", "=", id).executeTakeFirst();
