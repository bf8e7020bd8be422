/**
 * Read and search of our records as FHIR R4 resources. Each resource type is read under the
 * permission the rest of the API uses for the same records (src/domain/roles.ts): patients
 * `patient:read`, studies and bags `study:read` (manufacturing and quality see bags, as on the
 * product board), enrolments `enrolment:read`, clinical records `clinical:read`, Provenance (the
 * audit trail) `audit:read`. Rows come only from sites where the caller holds that permission; a
 * read of a row elsewhere is "not found", as in /api/v1. Patients are pseudonymous unless the
 * caller asks for identity, and then only at sites where the role may read it, each disclosure
 * audited as an identity read.
 */

import type { Resource } from "@medplum/fhirtypes";
import type { Kysely } from "kysely";
import { notFound } from "../domain/errors.ts";
import { SINGLE_DOSE_FREQUENCIES } from "../domain/medications.ts";
import type { Permission } from "../domain/roles.ts";
import {
  AUDITED_RESOURCE_TYPES,
  assessmentToObservation,
  LOCAL_SYSTEMS,
  type ResourceType,
  type Search,
  toAdverseEvent,
  toBiologicallyDerivedProduct,
  toCondition,
  toMedicationAdministration,
  toMedicationStatement,
  toObservation,
  toPatient,
  toProcedure,
  toProvenance,
  toResearchStudy,
  toResearchSubject,
} from "../fhir/index.ts";
import {
  adverseEventRows,
  apheresisRows,
  assessmentRows,
  auditRows,
  conditionRows,
  enrolmentRows,
  type FhirRowFilter,
  identityRows,
  infusionRows,
  medicationAdministrationRows,
  medicationRows,
  observationRows,
  patientRows,
  productRows,
  studyRows,
} from "../store/fhir-reads.ts";
import type { DB } from "../store/schema.ts";
import { readableSites, sitesWith } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const FHIR_READ_PERMISSION: Readonly<Record<ResourceType, Permission>> = {
  Patient: "patient:read",
  ResearchStudy: "study:read",
  ResearchSubject: "enrolment:read",
  Condition: "clinical:read",
  Observation: "clinical:read",
  MedicationStatement: "clinical:read",
  MedicationAdministration: "clinical:read",
  Procedure: "clinical:read",
  BiologicallyDerivedProduct: "study:read",
  AdverseEvent: "clinical:read",
  Provenance: "audit:read",
};

export interface FhirPage {
  resources: Resource[];
  /** the cursor of the next page, null on the last */
  nextCursor: string | null;
}

/** Restricts a search further, e.g. to a cohort's patients (bulk export of a Group). */
export interface FhirScope {
  patientIds?: string[];
}

type Source = (db: Kysely<DB>, filter: FhirRowFilter) => Promise<Resource[]>;

const codesFor = (search: Search, system: string) =>
  search.codes?.filter((t) => t.system === undefined || t.system === system).map((t) => t.code);

/** The sources each type is read from, given the search (a code filter may rule a source out). */
function sourcesOf(type: ResourceType, search: Search): Source[] {
  switch (type) {
    case "Patient":
      return []; // read with identity handling in patientsPage
    case "ResearchStudy":
      return [async (db, f) => (await studyRows(db, f)).map(toResearchStudy)];
    case "ResearchSubject":
      return [async (db, f) => (await enrolmentRows(db, f)).map(toResearchSubject)];
    case "Condition":
      return [async (db, f) => (await conditionRows(db, f)).map(toCondition)];
    case "MedicationStatement":
      return [async (db, f) => (await medicationRows(db, f)).map(toMedicationStatement)];
    case "MedicationAdministration":
      return [
        async (db, f) =>
          (await medicationAdministrationRows(db, f, SINGLE_DOSE_FREQUENCIES)).map(
            toMedicationAdministration,
          ),
      ];
    case "BiologicallyDerivedProduct":
      return [
        async (db, f) =>
          (await productRows(db, f)).map((r) =>
            toBiologicallyDerivedProduct({
              ...r,
              collected_at: r.collected_at === null ? null : new Date(r.collected_at as unknown as string),
            }),
          ),
      ];
    case "Observation": {
      const calculators = codesFor(search, LOCAL_SYSTEMS.calculator);
      const sources: Source[] = [async (db, f) => (await observationRows(db, f)).map(toObservation)];
      if (search.codes === undefined || (calculators && calculators.length > 0))
        sources.push(async (db, f) =>
          (await assessmentRows(db, f, calculators ? { calculators } : {})).map(assessmentToObservation),
        );
      return sources;
    }
    case "AdverseEvent":
      return [
        async (db, f) =>
          (await adverseEventRows(db, f)).map((r) =>
            toAdverseEvent({ ...r, infusion_id: r.infusion_id ?? null }),
          ),
      ];
    case "Procedure": {
      const kinds = codesFor(search, LOCAL_SYSTEMS.procedure);
      const wants = (kind: string) => search.codes === undefined || (kinds ?? []).includes(kind);
      const sources: Source[] = [];
      if (wants("apheresis"))
        sources.push(async (db, f) =>
          (await apheresisRows(db, { ...f, codes: undefined })).map((r) =>
            toProcedure({ ...r, kind: "apheresis", recorded_at: r.at, product_id: r.product_id ?? null }),
          ),
        );
      if (wants("infusion"))
        sources.push(async (db, f) =>
          (await infusionRows(db, { ...f, codes: undefined })).map((r) =>
            toProcedure({ ...r, kind: "infusion" }),
          ),
        );
      return sources;
    }
    case "Provenance":
      return [
        async (db, f) =>
          (await auditRows(db, f, Object.keys(AUDITED_RESOURCE_TYPES)))
            .map(toProvenance)
            .filter((r): r is NonNullable<typeof r> => r !== null),
      ];
  }
}

function filterOf(search: Search, siteIds: string[], scope: FhirScope): FhirRowFilter {
  const patientIds =
    scope.patientIds !== undefined
      ? search.patientId !== undefined
        ? scope.patientIds.filter((id) => id === search.patientId)
        : scope.patientIds
      : search.patientId !== undefined
        ? [search.patientId]
        : undefined;
  return {
    siteIds,
    limit: search.count,
    ...(search.ids ? { ids: search.ids } : {}),
    ...(patientIds ? { patientIds } : {}),
    ...(search.codes ? { codes: search.codes } : {}),
    ...(search.date ? { date: search.date } : {}),
    ...(search.lastUpdated ? { lastUpdated: search.lastUpdated } : {}),
    ...(search.after ? { after: search.after } : {}),
  };
}

/** Merges sources that each returned their first `count + 1` ids after the cursor. */
function page(resources: Resource[], count: number): FhirPage {
  const sorted = resources.sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0));
  const shown = sorted.slice(0, count);
  return { resources: shown, nextCursor: sorted.length > count ? shown.at(-1)!.id! : null };
}

async function patientsPage(ctx: ServiceContext, search: Search, filter: FhirRowFilter): Promise<FhirPage> {
  return inTransaction(ctx, async (db) => {
    // a patient searched by `_id` or in a cohort: the Patient's own id is its patient id
    const rows = await patientRows(
      db,
      filter.patientIds ? { ...filter, ids: intersect(filter.ids, filter.patientIds) } : filter,
    );
    const more = rows.length > search.count;
    const shown = rows.slice(0, search.count);
    const identitySites = search.identity
      ? new Set(sitesWith(ctx.actor, "identity:read"))
      : new Set<string>();
    const disclosed = shown.filter((p) => identitySites.has(p.site_id));
    const identities = new Map(
      (
        await identityRows(
          db,
          disclosed.map((p) => p.id),
        )
      ).map((i) => [i.patient_id, i]),
    );
    const withIdentity = disclosed.filter((p) => identities.has(p.id));
    if (withIdentity.length > 0)
      await appendAudit(
        db,
        ctx,
        withIdentity.map((p) => ({
          action: "read-identity" as const,
          entityType: "patient-identity",
          entityId: p.id,
          siteId: p.site_id,
          after: { via: "fhir" },
        })),
      );
    return {
      resources: shown.map((p) => toPatient(p, identities.get(p.id))),
      nextCursor: more ? shown.at(-1)!.id : null,
    };
  });
}

const intersect = (a: string[] | undefined, b: string[]) => (a ? a.filter((x) => b.includes(x)) : b);

/** One page of a search. Throws "forbidden" when the caller may read this type at no site. */
export async function searchFhir(
  ctx: ServiceContext,
  type: ResourceType,
  search: Search,
  scope: FhirScope = {},
): Promise<FhirPage> {
  const siteIds = readableSites(ctx.actor, FHIR_READ_PERMISSION[type]);
  const filter = filterOf(search, siteIds, scope);
  if (type === "Patient") return patientsPage(ctx, search, filter);
  const batches = await Promise.all(sourcesOf(type, search).map((source) => source(ctx.db, filter)));
  return page(batches.flat(), search.count);
}

/** One resource by id, or "not found" when it does not exist at a site the caller may read. */
export async function readFhir(
  ctx: ServiceContext,
  type: ResourceType,
  id: string,
  options: { identity?: boolean } = {},
): Promise<Resource> {
  if (!UUID.test(id)) throw notFound(type, id);
  const { resources } = await searchFhir(ctx, type, { ids: [id], count: 1, ...options });
  const [resource] = resources;
  if (!resource) throw notFound(type, id);
  return resource;
}
