/**
 * FHIR Bulk Data `$export` (decision 0032): kick-off, status, cancel and download, and the one
 * step of work the worker (fhir-export-worker.ts) repeats. A job belongs to the user who started
 * it: only they see its status or its files (anyone else gets "not found", as for a record at
 * another site), and each step runs with that user's rights as they are then (the same sites and
 * permissions as the read and search API, services/fhir-resources.ts; Patients pseudonymous).
 *
 * A step reads one page of one type on the reports' connection (decision 0060), then appends it as
 * a part and moves the job's resume point in one transaction on the primary, so a job stopped
 * anywhere (a restart, a crash) resumes after its last whole page.
 * Every page is cut at the job's transactionTime: what changes while the job runs waits for the
 * next export with `_since`.
 *
 * Audited, attributed to the user: the kick-off (create), the completion or failure (update), a
 * cancel (delete) and each file download (export: the moment data leaves).
 */

import type { Group } from "@medplum/fhirtypes";
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { DomainError, notFound } from "../domain/errors.ts";
import {
  type BulkLevel,
  type BulkManifest,
  bulkManifest,
  isResourceType,
  PATIENT_LEVEL_TYPES,
  parametersToQuery,
  parseBulkRequest,
  type ResourceType,
  type Search,
  toGroup,
} from "../fhir/index.ts";
import {
  appendExportPart,
  deleteExportJob,
  type ExportJobRow,
  exportPartSeqs,
  exportPartText,
  findExportJob,
  insertExportJob,
  lockExportJob,
  updateExportJob,
} from "../store/fhir-export-jobs.ts";
import { findSavedCohort } from "../store/saved-cohorts.ts";
import type { DB } from "../store/schema.ts";
import { findUser } from "../store/users.ts";
import { readableSites } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { actorFor } from "./auth.ts";
import { cohortOutcomes } from "./cohort-outcomes.ts";
import { inTransaction, readOnlySnapshot, type ServiceContext, within } from "./context.ts";
import { exportTypes } from "./fhir-export.ts";
import { searchFhir } from "./fhir-resources.ts";

const ENTITY = "fhir-export-job";
const HOUR = 3_600_000;
/** How long a finished job's files stay (the manifest's Expires); an unfinished job's limit. */
export const EXPORT_RETENTION_MS = 24 * HOUR;
const UNFINISHED_LIMIT_MS = 7 * 24 * HOUR;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Wakes the in-process workers after a kick-off (fhir-export-worker.ts registers itself). */
const wakers = new Set<() => void>();
export const onExportQueued = (wake: () => void) => {
  wakers.add(wake);
  return () => wakers.delete(wake);
};

export interface KickOff {
  level: BulkLevel;
  /** the saved cohort's id, for a Group export */
  groupId?: string;
  /** GET: the query; POST: ignored, the parameters come from `parameters` */
  query: Record<string, unknown>;
  /** POST: the body, a FHIR Parameters resource */
  parameters?: unknown;
  prefer: string | undefined;
  /** the kick-off URL as the client sent it (query included for a GET) */
  requestUrl: string;
}

const problemsError = (problems: { parameter: string; message: string }[]) =>
  new DomainError(
    "validation",
    "The $export request has problems.",
    problems.map((p) => ({ path: `/${p.parameter}`, message: p.message })),
  );

/** A URL's query as Fastify's parser gives it, with every value as a list. */
function queryOf(url: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URL(url).searchParams) out[k] = [...(out[k] ?? []), v];
  return out;
}

/**
 * The parameters asked for, in the GET query's shape (name → values): the GET's query, or a
 * POST's Parameters written as that query. The job keeps them (its `parameters` column, migration
 * 0026) and each step checks them again with the kick-off's parser (jobFilters), so a job resumed
 * by another worker filters exactly as it was asked to.
 */
function askedParameters(k: KickOff): Record<string, string[]> {
  if (k.parameters === undefined)
    return Object.fromEntries(
      Object.entries(k.query).map(([name, v]) => [name, [v].flat().map((x) => String(x))]),
    );
  const { query, problems } = parametersToQuery(k.parameters);
  if (problems.length > 0) throw problemsError(problems);
  return query;
}

/**
 * A job's parameters: its own column, or for a job queued before migration 0026 (no backfill)
 * the query of its request URL, where those jobs kept them.
 */
const jobParameters = (job: ExportJobRow): Record<string, string[]> => job.parameters ?? queryOf(job.request);

/** Checks the request and the caller's rights, fixes a Group's patients, and queues the job. */
export async function kickOffExport(ctx: ServiceContext, k: KickOff): Promise<{ jobId: string }> {
  const asked = askedParameters(k);
  const { request, problems } = parseBulkRequest(k.level, asked, k.prefer);
  if (problems.length > 0) throw problemsError(problems);
  const covered = k.level === "system" ? undefined : PATIENT_LEVEL_TYPES;
  const types = request.types
    ? exportTypes(ctx, request.types)
    : exportTypes(ctx).filter((t) => covered === undefined || covered.includes(t));
  if (types.length === 0)
    throw new DomainError("forbidden", "None of your roles may read what this export covers.");
  // the job keeps the Group's members as they are at kick-off
  const patientIds = k.level === "group" ? (await groupOf(ctx, k.groupId ?? "")).patientIds : null;
  const now = ctx.now();
  const jobId = uuidv7();
  await inTransaction(ctx, async (db) => {
    await insertExportJob(db, {
      id: jobId,
      requested_by: ctx.actor.userId,
      level: k.level,
      group_id: k.level === "group" ? k.groupId! : null,
      patient_ids: patientIds ? JSON.stringify(patientIds) : null,
      types: JSON.stringify(types),
      since: request.since ?? null,
      // as the client sent it: a POST's parameters are in the body, and the IG's manifest
      // `request` of a POST "will not include the request parameters"
      request: k.requestUrl,
      parameters: JSON.stringify(asked),
      transaction_time: now,
      state: "queued",
      created_at: now,
      expires_at: new Date(now.getTime() + UNFINISHED_LIMIT_MS),
    });
    await appendAudit(db, ctx, {
      action: "create",
      entityType: ENTITY,
      entityId: jobId,
      siteId: null,
      after: {
        level: k.level,
        ...(k.groupId ? { group: k.groupId, patients: patientIds?.length ?? 0 } : {}),
        types,
        ...(request.since ? { since: request.since.toISOString() } : {}),
        ...(request.patientIds ? { patientFilter: request.patientIds } : {}),
        ...(request.typeFilters ? { typeFilter: asked._typeFilter } : {}),
      },
    });
  });
  for (const wake of wakers) wake();
  return { jobId };
}

/**
 * A Group: the saved cohort with this id and its members as its results show them to the caller
 * now (sites where they read clinical data, patients infused by the data cut). "not found" for an
 * id no one saved. One home for what a Group holds: its export and its read.
 */
async function groupOf(
  ctx: ServiceContext,
  id: string,
): Promise<{ cohort: { id: string; name: string }; patientIds: string[] }> {
  const cohort = UUID.test(id) ? await findSavedCohort(ctx.db, id) : undefined;
  if (!cohort) throw notFound("Group", id);
  const params = Object.fromEntries(new URLSearchParams(cohort.query));
  const patientIds = (await cohortOutcomes(ctx, params)).patients.map((p) => p.patientId);
  return { cohort, patientIds };
}

/**
 * `GET /fhir/R4/Group/{id}`: the Group a Group export covers, for a caller who reads clinical data
 * at some site (as the export asks). Not audited, like the other FHIR reads of pseudonymous data:
 * it names patients by id only.
 */
export async function readGroup(ctx: ServiceContext, id: string): Promise<Group> {
  if (readableSites(ctx.actor, "clinical:read").length === 0)
    throw new DomainError("forbidden", "Your roles read clinical data at no site.");
  const { cohort, patientIds } = await groupOf(ctx, id);
  return toGroup(cohort, patientIds);
}

/** The caller's own job, or "not found" (someone else's job is not revealed). */
async function ownJob(ctx: ServiceContext, jobId: string): Promise<ExportJobRow> {
  if (!UUID.test(jobId)) throw notFound("export job", jobId);
  const job = await findExportJob(ctx.db, jobId);
  if (!job || job.requested_by !== ctx.actor.userId || job.expires_at < ctx.now())
    throw notFound("export job", jobId);
  return job;
}

export type ExportStatus =
  | { state: "in-progress"; progress: string }
  | { state: "completed"; manifest: BulkManifest; expires: Date }
  | { state: "failed"; message: string };

export async function exportStatus(
  ctx: ServiceContext,
  jobId: string,
  fileUrl: (type: string) => string,
): Promise<ExportStatus> {
  const job = await ownJob(ctx, jobId);
  if (job.state === "failed") return { state: "failed", message: job.error ?? "The export failed." };
  if (job.state === "completed")
    return {
      state: "completed",
      expires: job.expires_at,
      manifest: bulkManifest({
        transactionTime: job.transaction_time,
        request: job.request,
        types: job.types,
        counts: job.counts,
        fileUrl,
      }),
    };
  return { state: "in-progress", progress: progressText(job) };
}

/** e.g. "queued", "type 3 of 9 (Condition), 1,234 resources written" */
function progressText(job: ExportJobRow): string {
  if (job.state === "queued") return "queued";
  const written = Object.values(job.counts).reduce((a, b) => a + b, 0);
  const type = job.types[job.type_index];
  return `type ${Math.min(job.type_index + 1, job.types.length)} of ${job.types.length}${type ? ` (${type})` : ""}, ${written.toLocaleString("en")} resources written`;
}

/** Cancels a job (running or finished) and removes its files; its status is then "not found". */
export async function cancelExport(ctx: ServiceContext, jobId: string): Promise<void> {
  const job = await ownJob(ctx, jobId);
  await inTransaction(ctx, async (db) => {
    await deleteExportJob(db, job.id);
    await appendAudit(db, ctx, {
      action: "delete",
      entityType: ENTITY,
      entityId: job.id,
      siteId: null,
      before: { state: job.state, counts: job.counts },
    });
  });
}

/**
 * One output file, as its parts in order (the caller streams them). The type must still be one the
 * caller may read: rights lost since the kick-off close the file too. Audited as the export.
 */
export async function exportFile(
  ctx: ServiceContext,
  jobId: string,
  type: string,
): Promise<{ lines: number; parts: () => AsyncGenerator<string> }> {
  const job = await ownJob(ctx, jobId);
  const lines = job.counts[type] ?? 0;
  if (job.state !== "completed" || !isResourceType(type) || lines === 0)
    throw notFound("export file", `${jobId}/${type}`);
  exportTypes(ctx, [type]);
  const seqs = await exportPartSeqs(ctx.db, job.id, type);
  await inTransaction(ctx, (db) =>
    appendAudit(db, ctx, {
      action: "export",
      entityType: ENTITY,
      entityId: job.id,
      siteId: null,
      after: { format: "fhir-ndjson", type, resources: lines },
    }),
  );
  const db = ctx.db;
  return {
    lines,
    async *parts() {
      for (const seq of seqs) {
        const text = await exportPartText(db, job.id, seq);
        if (text !== undefined) yield text;
      }
    },
  };
}

/**
 * "waiting": the reports' connection does not see the job yet (a replica that has not replayed
 * the kick-off); nothing was read or written, and the worker tries again after a pause.
 */
export type StepResult = "more" | "done" | "lost" | "waiting";

export interface StepOptions {
  owner: string;
  pageSize: number;
  leaseMs: number;
  now: () => Date;
  /** where the pages are read (Database.reports, decision 0060); the primary when not given */
  reports?: Kysely<DB>;
}

/**
 * One unit of work on a job this worker holds: a page of the current type (or the completion).
 * "lost" when the job is gone (cancelled, expired) or another worker holds it now.
 *
 * Three parts, so the page is read on the reports' connection (a replica when there is one) and
 * no transaction on the primary stays open while it is read: on the primary, check the job is
 * still this worker's, renew its lease and find whose rights it runs with; read the page in a
 * read-only snapshot; on the primary again, append the page and move the resume point, only if
 * the job is still this worker's and still where the page was read from. A page read twice (a
 * step lost between its read and its write) is written once.
 */
export async function runExportStep(db: Kysely<DB>, jobId: string, o: StepOptions): Promise<StepResult> {
  const begun = await db.transaction().execute(async (trx) => {
    const job = await lockExportJob(trx, jobId);
    if (job?.state !== "running" || job.lease_owner !== o.owner) return "lost" as const;
    const now = o.now();
    const user = await findUser(trx, job.requested_by);
    if (!user?.is_active)
      throw new DomainError("forbidden", "The account that started this export is no longer active.");
    const actor = await actorFor(trx, user.id, user.username);
    const types = job.types as ResourceType[];
    if (job.type_index >= types.length) {
      await updateExportJob(trx, job.id, {
        state: "completed",
        lease_owner: null,
        lease_until: null,
        finished_at: now,
        expires_at: new Date(now.getTime() + EXPORT_RETENTION_MS),
      });
      await appendAudit(
        trx,
        { db: trx, actor, now: o.now },
        {
          action: "update",
          entityType: ENTITY,
          entityId: job.id,
          siteId: null,
          after: { state: "completed", counts: job.counts },
        },
      );
      return "done" as const;
    }
    await updateExportJob(trx, job.id, { lease_until: new Date(now.getTime() + o.leaseMs) });
    return { job, actor, type: types[job.type_index]! };
  });
  if (typeof begun === "string") return begun;
  const { job, actor, type } = begun;
  const { typeFilters, patientIds } = jobFilters(job);
  const ctx: ServiceContext = { db, ...(o.reports ? { reports: o.reports } : {}), actor, now: o.now };
  const page = await readOnlySnapshot(ctx, async (trx) => {
    // A replica shows a prefix of what the primary committed: once it shows the job, it shows
    // everything committed before the kick-off, and so all that the transactionTime promises.
    if (!(await findExportJob(trx, job.id))) return undefined;
    return exportPage(within(ctx, trx), type, typeFilters[type], {
      count: o.pageSize,
      ...(job.cursor ? { after: job.cursor } : {}),
      lastUpdated: {
        ...(job.since ? { from: job.since } : {}),
        // up to and including transactionTime (the IG); `to` is exclusive
        to: new Date(job.transaction_time.getTime() + 1),
      },
      ...(patientIds ? { patientIds } : {}),
    });
  });
  if (!page) return "waiting";
  return db.transaction().execute(async (trx) => {
    const current = await lockExportJob(trx, jobId);
    if (
      current?.state !== "running" ||
      current.lease_owner !== o.owner ||
      current.type_index !== job.type_index ||
      current.cursor !== job.cursor
    )
      return "lost";
    const counts = { ...current.counts };
    if (page.resources.length > 0) {
      await appendExportPart(trx, {
        job_id: job.id,
        resource_type: type,
        lines: page.resources.length,
        ndjson: `${page.resources.map((r) => JSON.stringify(r)).join("\n")}\n`,
      });
      counts[type] = (counts[type] ?? 0) + page.resources.length;
    }
    await updateExportJob(trx, job.id, {
      ...(page.nextCursor ? { cursor: page.nextCursor } : { cursor: null, type_index: job.type_index + 1 }),
      counts: JSON.stringify(counts),
      lease_until: new Date(o.now().getTime() + o.leaseMs),
    });
    return "more";
  });
}

/** The `_typeFilter` and `patient` a job was asked for, read back from its parameters. */
function jobFilters(job: ExportJobRow): {
  typeFilters: Partial<Record<ResourceType, Search[]>>;
  patientIds?: string[];
} {
  // checked at kick-off; lenient here so a parameter ignored then is ignored again
  const { request } = parseBulkRequest(job.level, jobParameters(job), "respond-async, handling=lenient");
  const asked = request.patientIds;
  const group = job.patient_ids;
  const patientIds =
    asked && group ? group.filter((id) => asked.includes(id)) : (asked ?? group ?? undefined);
  return { typeFilters: request.typeFilters ?? {}, ...(patientIds ? { patientIds } : {}) };
}

const later = (a?: Date, b?: Date) => (a && b ? (a > b ? a : b) : (a ?? b));
const earlier = (a?: Date, b?: Date) => (a && b ? (a < b ? a : b) : (a ?? b));

/**
 * One page of a type for a job: the job's window and patients, and, when the type has
 * `_typeFilter` searches, the resources that meet at least one. Each filter's own page after the
 * cursor is read and the pages merged by id: the first `count` ids of the union are among the
 * first `count` of some filter, so the merged page is the union's true next page, and more remain
 * when the union is longer or any filter had more.
 */
async function exportPage(
  ctx: ServiceContext,
  type: ResourceType,
  filters: Search[] | undefined,
  base: { count: number; after?: string; lastUpdated: { from?: Date; to?: Date }; patientIds?: string[] },
) {
  const scope = base.patientIds ? { patientIds: base.patientIds } : {};
  const window: Search = {
    count: base.count,
    ...(base.after ? { after: base.after } : {}),
    lastUpdated: base.lastUpdated,
  };
  if (!filters || filters.length === 0) return searchFhir(ctx, type, window, scope);
  const pages = await Promise.all(
    filters.map((f) =>
      searchFhir(
        ctx,
        type,
        {
          ...f,
          ...window,
          lastUpdated: {
            from: later(f.lastUpdated?.from, base.lastUpdated.from),
            to: earlier(f.lastUpdated?.to, base.lastUpdated.to),
          },
        },
        scope,
      ),
    ),
  );
  const byId = new Map(pages.flatMap((p) => p.resources).map((r) => [r.id!, r]));
  const ids = [...byId.keys()].sort();
  const shown = ids.slice(0, base.count);
  const more = ids.length > base.count || pages.some((p) => p.nextCursor !== null);
  return {
    resources: shown.map((id) => byId.get(id)!),
    nextCursor: more && shown.length > 0 ? shown.at(-1)! : null,
  };
}

/** Marks a job failed (a refusal no retry will change, or too many attempts), audited for its user. */
export async function failExport(db: Kysely<DB>, jobId: string, message: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const job = await lockExportJob(trx, jobId);
    if (!job || job.state === "completed") return;
    await updateExportJob(trx, jobId, {
      state: "failed",
      error: message,
      lease_owner: null,
      lease_until: null,
      finished_at: now,
      expires_at: new Date(now.getTime() + EXPORT_RETENTION_MS),
    });
    const user = await findUser(trx, job.requested_by);
    await appendAudit(
      trx,
      {
        db: trx,
        actor: { userId: job.requested_by, username: user?.username ?? "unknown", memberships: [] },
        now: () => now,
      },
      {
        action: "update",
        entityType: ENTITY,
        entityId: jobId,
        siteId: null,
        after: { state: "failed", error: message },
      },
    );
  });
}
