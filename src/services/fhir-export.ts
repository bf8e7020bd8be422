/**
 * A whole export of the record as FHIR R4 NDJSON, one resource per line and one stream per type,
 * as the HL7 Bulk Data Access IG lays out its output files. It pages through the same search the
 * API serves (fhir-resources.ts), so an export shows exactly what the caller could read page by
 * page: the same sites, the same permissions, Patients always pseudonymous. Used by
 * `v2v export fhir`; the asynchronous `$export` runs the same search a page per step in its
 * own job (fhir-bulk-export.ts, decision 0032).
 */

import { forbidden } from "../domain/errors.ts";
import { RESOURCE_TYPES, type ResourceType } from "../fhir/index.ts";
import { sitesWith } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { FHIR_READ_PERMISSION, searchFhir } from "./fhir-resources.ts";

const PAGE = 1000;

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

/**
 * Writes every resource through `write(type, ndjsonLines)` a page at a time and reports progress
 * after each page. Returns the count per type (types with none included, count 0).
 */
export async function exportNdjson(
  ctx: ServiceContext,
  request: ExportRequest,
  write: (type: ResourceType, lines: string) => Promise<void>,
  onProgress?: (p: ExportProgress) => void,
): Promise<ExportedType[]> {
  const types = exportTypes(ctx, request.types);
  const done: ExportedType[] = [];
  for (const type of types) {
    let count = 0;
    let after: string | undefined;
    do {
      const page = await searchFhir(ctx, type, {
        count: PAGE,
        ...(after ? { after } : {}),
        ...(request.since ? { lastUpdated: { from: request.since } } : {}),
      });
      if (page.resources.length > 0) {
        await write(type, `${page.resources.map((r) => JSON.stringify(r)).join("\n")}\n`);
        count += page.resources.length;
      }
      after = page.nextCursor ?? undefined;
      onProgress?.({ type, count, typesDone: done.length, typesTotal: types.length });
    } while (after);
    done.push({ type, count });
  }
  // The last report: every type done, the last one with what it wrote (not 0, as it once said).
  onProgress?.({
    type: done.at(-1)?.type ?? "Patient",
    count: done.at(-1)?.count ?? 0,
    typesDone: types.length,
    typesTotal: types.length,
  });
  return done;
}
