/**
 * FHIR Bulk Data export jobs and their output (migration 0023, decision 0032). The queue is the
 * job table itself: a worker claims the oldest queued job, or a running one whose lease ran out
 * (its worker stopped), with `FOR UPDATE SKIP LOCKED`, so two workers on one PostgreSQL never
 * take the same job; on PGlite the same statement runs on its one connection. Output pages are
 * written with the job's resume point in one transaction by the service.
 */
import { type Insertable, type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";
import type { FhirExportJobsTable } from "./schema-fhir-export.ts";

export const insertExportJob = (db: Kysely<DB>, row: Insertable<FhirExportJobsTable>) =>
  db.insertInto("fhir_export_jobs").values(row).execute();

export const findExportJob = (db: Kysely<DB>, id: string) =>
  db.selectFrom("fhir_export_jobs").selectAll().where("id", "=", id).executeTakeFirst();

export type ExportJobRow = NonNullable<Awaited<ReturnType<typeof findExportJob>>>;

/** The job row locked for this transaction (null when it is gone: cancelled or expired). */
export const lockExportJob = (db: Kysely<DB>, id: string) =>
  db.selectFrom("fhir_export_jobs").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

/**
 * Claims the next job to work on: queued, or running with a lapsed lease. Sets the lease, counts
 * the attempt, and returns the job, or undefined when there is none.
 */
export async function claimExportJob(
  db: Kysely<DB>,
  owner: string,
  now: Date,
  leaseUntil: Date,
): Promise<ExportJobRow | undefined> {
  const res = await sql<ExportJobRow>`
    UPDATE fhir_export_jobs
       SET state = 'running', lease_owner = ${owner}, lease_until = ${leaseUntil},
           attempts = attempts + 1, started_at = coalesce(started_at, ${now})
     WHERE id = (
       SELECT id FROM fhir_export_jobs
        WHERE state = 'queued' OR (state = 'running' AND (lease_until IS NULL OR lease_until < ${now}))
        ORDER BY created_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return res.rows[0];
}

/** Lets go of every lease (PGlite at start: its data-directory lock means no other worker is alive). */
export const releaseExportLeases = (db: Kysely<DB>) =>
  db
    .updateTable("fhir_export_jobs")
    .set({ lease_owner: null, lease_until: null })
    .where("state", "=", "running")
    .execute();

/** Lets go of one job's lease if this worker still holds it (a clean stop, a passing fault). */
export const releaseExportLease = (db: Kysely<DB>, id: string, owner: string) =>
  db
    .updateTable("fhir_export_jobs")
    .set({ lease_owner: null, lease_until: null })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();

export const updateExportJob = (
  db: Kysely<DB>,
  id: string,
  set: Partial<{
    state: FhirExportJobsTable["state"];
    type_index: number;
    cursor: string | null;
    counts: string;
    lease_owner: string | null;
    lease_until: Date | null;
    error: string | null;
    finished_at: Date;
    expires_at: Date;
  }>,
) => db.updateTable("fhir_export_jobs").set(set).where("id", "=", id).execute();

export const deleteExportJob = (db: Kysely<DB>, id: string) =>
  db.deleteFrom("fhir_export_jobs").where("id", "=", id).execute();

/**
 * Removes the jobs past their expiry (their files with them, by cascade); returns how many. Looks
 * first and deletes only when one has expired: the worker sweeps every minute, and a DELETE, even
 * of nothing, is a write, which on PGlite drops every read kept until the next write
 * (store/reads-until-write.ts).
 */
export async function deleteExpiredExportJobs(db: Kysely<DB>, now: Date): Promise<number> {
  const expired = await db
    .selectFrom("fhir_export_jobs")
    .select("id")
    .where("expires_at", "<", now)
    .limit(1)
    .executeTakeFirst();
  if (!expired) return 0;
  const res = await db.deleteFrom("fhir_export_jobs").where("expires_at", "<", now).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Whether a job waits or runs (the worker's cheap check before it claims). */
export async function hasPendingExportJobs(db: Kysely<DB>): Promise<boolean> {
  const row = await db
    .selectFrom("fhir_export_jobs")
    .select("id")
    .where("state", "in", ["queued", "running"])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function appendExportPart(
  db: Kysely<DB>,
  part: { job_id: string; resource_type: string; lines: number; ndjson: string },
): Promise<void> {
  const last = await db
    .selectFrom("fhir_export_parts")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("job_id", "=", part.job_id)
    .executeTakeFirst();
  await db
    .insertInto("fhir_export_parts")
    .values({ ...part, seq: Number(last?.seq ?? 0) + 1 })
    .execute();
}

/** The parts' sequence numbers of one type, in order (the file is their concatenation). */
export const exportPartSeqs = async (db: Kysely<DB>, jobId: string, type: string) =>
  (
    await db
      .selectFrom("fhir_export_parts")
      .select("seq")
      .where("job_id", "=", jobId)
      .where("resource_type", "=", type)
      .orderBy("seq")
      .execute()
  ).map((r) => r.seq);

export const exportPartText = async (db: Kysely<DB>, jobId: string, seq: number) =>
  (
    await db
      .selectFrom("fhir_export_parts")
      .select("ndjson")
      .where("job_id", "=", jobId)
      .where("seq", "=", seq)
      .executeTakeFirst()
  )?.ndjson;
