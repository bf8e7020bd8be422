/**
 * A whole export of the record as FHIR R4 NDJSON, one resource per line and one stream per type,
 * as the HL7 Bulk Data Access IG lays out its output files. It pages through the same search the
 * API serves (fhir-resources.ts), so an export shows exactly what the caller could read page by
 * page: the same sites, the same permissions, Patients always pseudonymous. Used by
 * `v2v export fhir`; the asynchronous `$export` runs the same search a page per step in its
 * own job (fhir-bulk-export.ts, decision 0032).
 *
 * Audited as an export at its start, on the primary; the pages are read on the reports'
 * connection (decision 0060's addendum of 2026-12-07), each in a read-only snapshot that first
 * looks for that audit record: a replica that does not show it yet has not replayed everything
 * the manifest's transactionTime promises, and the page waits for it.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { v7 as uuidv7 } from "uuid";
import { DomainError, forbidden } from "../domain/errors.ts";
import { RESOURCE_TYPES, type ResourceType, type Search } from "../fhir/index.ts";
import { auditRecordShown } from "../store/audit-events.ts";
import { sitesWith } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, readOnlySnapshot, type ServiceContext, within } from "./context.ts";
import { FHIR_READ_PERMISSION, type FhirPage, searchFhir } from "./fhir-resources.ts";

const PAGE = 1000;
/** The audit record's entity type; its id is the export's own (a new UUID per export). */
export const FHIR_EXPORT_ENTITY = "fhir-export";
/** How long a page waits, by default, for the reports' connection to show the export's start. */
export const REPLICA_WAIT_MS = 60_000;
const POLL_MS = 100;

export interface ExportRequest {
  /** `_type`: the types wanted; every type the caller may read when absent */
  types?: ResourceType[];
  /** `_since`: only resources changed at or after this instant */
  since?: Date;
}

export interface ExportProgress {
  type: ResourceType;
  /** resources of this type written so far */
  count: number;
  /** types finished, of `typesTotal` */
  typesDone: number;
  typesTotal: number;
}

export interface ExportedType {
  type: ResourceType;
  count: number;
}

/** The types an export covers: those asked for (each must be readable), or all readable ones. */
export function exportTypes(ctx: ServiceContext, wanted?: ResourceType[]): ResourceType[] {
  const readable = (t: ResourceType) => sitesWith(ctx.actor, FHIR_READ_PERMISSION[t]).length > 0;
  if (!wanted) return RESOURCE_TYPES.filter(readable);
  const refused = wanted.filter((t) => !readable(t));
  if (refused.length > 0) throw forbidden(`None of your roles may read ${refused.join(", ")}.`);
  return wanted;
}

export interface NdjsonExportOptions {
  /** where the files go (the output directory), for the audit record */
  to: string;
  write: (type: ResourceType, lines: string) => Promise<void>;
  onProgress?: (p: ExportProgress) => void;
  /** how long a page waits for the reports' connection to show the export's start (default 60 s) */
  replicaWaitMs?: number;
  /** how often it looks meanwhile (default 100 ms) */
  pollMs?: number;
}

export interface NdjsonExport {
  /** the export's id: its audit record's entity id */
  id: string;
  /**
   * The manifest's transactionTime: the audit record's `at`, taken before that record commits, so
   * everything committed before it is shown wherever the record is.
   */
  transactionTime: Date;
  /** the count per type (types with none included, count 0) */
  output: ExportedType[];
}

/**
 * Records the export (one audit record on the primary, attributed to the caller), then writes
 * every resource through `write(type, ndjsonLines)` a page at a time, read on the reports'
 * connection, and reports progress after each page. A type the caller may not read is refused
 * before anything is recorded.
 */
export async function exportNdjson(
  ctx: ServiceContext,
  request: ExportRequest,
  o: NdjsonExportOptions,
): Promise<NdjsonExport> {
  const types = exportTypes(ctx, request.types);
  const id = uuidv7();
  // Taken before the record commits (it is the record's own time): a replica that shows the record
  // shows everything committed before it, and so everything up to this instant.
  const transactionTime = ctx.now();
  await inTransaction(ctx, (trx) =>
    appendAudit(
      trx,
      { ...within(ctx, trx), now: () => transactionTime },
      {
        action: "export",
        entityType: FHIR_EXPORT_ENTITY,
        entityId: id,
        siteId: null,
        after: {
          format: "fhir-ndjson",
          types,
          ...(request.since ? { since: request.since.toISOString() } : {}),
          to: o.to,
        },
      },
    ),
  );
  const done: ExportedType[] = [];
  for (const type of types) {
    let count = 0;
    let after: string | undefined;
    do {
      const page = await pageOnceShown(
        ctx,
        id,
        type,
        {
          count: PAGE,
          ...(after ? { after } : {}),
          ...(request.since ? { lastUpdated: { from: request.since } } : {}),
        },
        o,
      );
      if (page.resources.length > 0) {
        await o.write(type, `${page.resources.map((r) => JSON.stringify(r)).join("\n")}\n`);
        count += page.resources.length;
      }
      after = page.nextCursor ?? undefined;
      o.onProgress?.({ type, count, typesDone: done.length, typesTotal: types.length });
    } while (after);
    done.push({ type, count });
  }
  // The last report: every type done, the last one with what it wrote (not 0, as it once said).
  o.onProgress?.({
    type: done.at(-1)?.type ?? "Patient",
    count: done.at(-1)?.count ?? 0,
    typesDone: types.length,
    typesTotal: types.length,
  });
  return { id, transactionTime, output: done };
}

/**
 * One page, read in a read-only snapshot on the reports' connection that shows the export's own
 * audit record; while it does not (a replica behind the export's start), it looks again every
 * `pollMs`, and gives up after `replicaWaitMs`. The search writes nothing here: it writes only an
 * identity read's audit, and an export never asks for identity (in the snapshot the database
 * would refuse that write).
 */
async function pageOnceShown(
  ctx: ServiceContext,
  id: string,
  type: ResourceType,
  search: Search,
  o: NdjsonExportOptions,
): Promise<FhirPage> {
  const waitMs = o.replicaWaitMs ?? REPLICA_WAIT_MS;
  const began = performance.now();
  for (;;) {
    const page = await readOnlySnapshot(ctx, async (trx) =>
      (await auditRecordShown(trx, FHIR_EXPORT_ENTITY, id))
        ? searchFhir(within(ctx, trx), type, search)
        : null,
    );
    if (page) return page;
    const left = waitMs - (performance.now() - began);
    if (left <= 0)
      throw new DomainError(
        "rule-violation",
        `The export stopped: the reports' replica (DATABASE_REPORTS_URL) has not shown its start after ${waitMs / 1000} s, so it lags behind the primary by at least that. Try again once it has caught up.`,
      );
    await sleep(Math.min(o.pollMs ?? POLL_MS, left));
  }
}
