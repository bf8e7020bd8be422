/**
 * Studies (protocol, arms and dose levels, participating sites) and their CAR products. A study
 * is visible to members of any participating site; only the lead site's investigators and admins
 * change it, and a site takes part only when an investigator or admin of that site agrees (when
 * the study is created or by `addStudySite`).
 */
import { v7 as uuidv7 } from "uuid";
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import { may, type Permission } from "../domain/roles.ts";
import {
  CarProductCreate,
  CarProductUpdate,
  StudyCreate,
  StudySiteAdd,
  StudyUpdate,
} from "../domain/schemas/study.ts";
import { VECTOR_TYPES, type VectorType } from "../domain/visit-schedule.ts";
import type { CarProductRow, StudyArm, StudyRow } from "../store/schema.ts";
import { findSite } from "../store/sites.ts";
import {
  findCarProductByCode,
  insertCarProduct,
  insertStudy,
  insertStudySites,
  listCarProducts,
  listStudies as listStudyRows,
  siteIdsOfStudies,
  studySiteIds,
  touchStudy,
} from "../store/studies.ts";
import { findById } from "../store/versioned.ts";
import { isMemberOf, readableSites, requireAt, rolesAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { type Actor, inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion } from "./patients.ts";
import { defined, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

export interface StudyDto extends Record<string, unknown> {
  id: string;
  leadSiteId: string;
  siteIds: string[];
  title: string;
  shortName: string;
  registryId: string | null;
  phase: string;
  status: string;
  arms: StudyArm[];
  isSynthetic: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const studyDto = (r: StudyRow, siteIds: string[]): StudyDto => ({
  id: r.id,
  leadSiteId: r.lead_site_id,
  siteIds: [...siteIds].sort(),
  title: r.title,
  shortName: r.short_name,
  registryId: r.registry_id,
  phase: r.phase,
  status: r.status,
  arms: r.arms,
  isSynthetic: r.is_synthetic,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface CarProductDto extends Record<string, unknown> {
  id: string;
  studyId: string;
  code: string;
  name: string;
  targets: string[];
  format: string;
  costimulatoryDomain: string;
  vector: string;
  /** decides long-term follow-up (15 years for integrating vectors); null until set */
  vectorType: string | null;
  doseUnit: string;
  manufacturer: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const productDto = (r: CarProductRow): CarProductDto => ({
  id: r.id,
  studyId: r.study_id,
  code: r.code,
  name: r.name,
  targets: r.targets,
  format: r.format,
  costimulatoryDomain: r.costimulatory_domain,
  vector: r.vector,
  vectorType: r.vector_type,
  doseUnit: r.dose_unit,
  manufacturer: r.manufacturer,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Read needs the permission at some participating site; write needs it at the lead site. */
function requireStudyAccess(actor: Actor, study: StudyRow, siteIds: string[], permission: Permission) {
  const member = siteIds.some((s) => actor.memberships.some((m) => m.siteId === s));
  if (!member) throw notFound("study", study.id);
  if (permission === "study:write") {
    if (!may(rolesAt(actor, study.lead_site_id), "study:write"))
      throw forbidden("Only investigators and admins of the study's lead site may change it.");
    return;
  }
  if (!siteIds.some((s) => may(rolesAt(actor, s), permission)))
    throw forbidden(`Your roles do not allow ${permission.replace(":", " ")}.`);
}

export async function loadStudyFor(ctx: ServiceContext, studyId: string, permission: Permission) {
  const study = await findById(ctx.db, "studies", studyId);
  if (!study) throw notFound("study", studyId);
  const siteIds = await studySiteIds(ctx.db, studyId);
  requireStudyAccess(ctx.actor, study, siteIds, permission);
  return { study, siteIds };
}

/**
 * A site takes part in a study only on the word of its own admin or investigator (issue 10): the
 * lead site's investigators change the study, its visit schedule included, for every participant.
 */
function requireJoinable(actor: Actor, siteId: string) {
  if (!isMemberOf(actor, siteId)) throw notFound("site", siteId);
  if (!may(rolesAt(actor, siteId), "study:write"))
    throw forbidden("Only an admin or an investigator of a site may make it take part in a study.");
}

export async function createStudy(ctx: ServiceContext, raw: unknown): Promise<StudyDto> {
  const input = parseInput(StudyCreate, raw);
  requireAt(ctx.actor, input.leadSiteId, "study:write", "site", input.leadSiteId);
  const siteIds = [...new Set([input.leadSiteId, ...input.siteIds])];
  for (const s of siteIds) requireJoinable(ctx.actor, s);
  return inTransaction(ctx, async (db) => {
    const missing = [];
    for (const [i, s] of siteIds.entries())
      if (!(await findSite(db, s))) missing.push({ path: `/siteIds/${i}`, message: `No site ${s}` });
    if (missing.length) throw new DomainError("validation", "Unknown sites.", missing);
    const now = ctx.now();
    const row = await insertStudy(db, {
      id: uuidv7(),
      lead_site_id: input.leadSiteId,
      title: input.title,
      short_name: input.shortName,
      registry_id: input.registryId ?? null,
      phase: input.phase,
      status: input.status,
      arms: JSON.stringify(input.arms),
      is_synthetic: input.isSynthetic,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    await insertStudySites(db, row.id, siteIds);
    const dto = studyDto(row, siteIds);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "study",
      entityId: row.id,
      siteId: input.leadSiteId,
      after: dto,
    });
    return dto;
  });
}

export async function getStudy(ctx: ServiceContext, id: string): Promise<StudyDto> {
  const { study, siteIds } = await loadStudyFor(ctx, id, "study:read");
  return studyDto(study, siteIds);
}

export async function listStudies(
  ctx: ServiceContext,
  q: { limit: number; cursor?: string },
): Promise<Page<StudyDto>> {
  const siteIds = readableSites(ctx.actor, "study:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listStudyRows(ctx.db, siteIds, after, q.limit);
  const sites = await siteIdsOfStudies(
    ctx.db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    q.limit,
    (r) => [r.id],
    (r) => studyDto(r, sites.get(r.id) ?? []),
  );
}

export async function updateStudy(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<StudyDto> {
  const input = parseInput(StudyUpdate, raw);
  const siteIds = await studySiteIds(ctx.db, id);
  return updateRecord(ctx, {
    table: "studies",
    entity: "study",
    id,
    permission: "study:write",
    siteOf: (r) => {
      requireStudyAccess(ctx.actor, r as unknown as StudyRow, siteIds, "study:write");
      return r.lead_site_id as string;
    },
    toDto: (r: StudyRow) => studyDto(r, siteIds),
    changes: () =>
      defined({
        title: input.title,
        registry_id: input.registryId,
        phase: input.phase,
        status: input.status,
        arms: input.arms ? JSON.stringify(input.arms) : undefined,
      }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}

/**
 * Adds a participating site to a study: needs study:write at the lead site (who runs the study)
 * and at the site that joins (who agrees to follow it). Audited at both sites with the reason.
 */
export async function addStudySite(ctx: ServiceContext, studyId: string, raw: unknown): Promise<StudyDto> {
  const input = parseInput(StudySiteAdd, raw);
  const { study, siteIds } = await loadStudyFor(ctx, studyId, "study:write");
  requireJoinable(ctx.actor, input.siteId);
  if (siteIds.includes(input.siteId))
    throw new DomainError("conflict", "That site already takes part in the study.", [
      { path: "/siteId", message: "already a participating site" },
    ]);
  return inTransaction(ctx, async (db) => {
    await insertStudySites(db, study.id, [input.siteId]);
    const row = await touchStudy(db, study.id, ctx.now());
    const after = [...siteIds, input.siteId];
    const dto = studyDto(row, after);
    await appendAudit(
      db,
      ctx,
      [study.lead_site_id, input.siteId].map((siteId) => ({
        action: "update" as const,
        entityType: "study",
        entityId: study.id,
        siteId,
        before: { siteIds: [...siteIds].sort() },
        after: { siteIds: dto.siteIds },
        reason: input.reason,
      })),
    );
    return dto;
  });
}

/** A free-text vector that is exactly one of the closed list (as migration 0009 backfilled). */
function vectorTypeNamed(vector: string): VectorType | null {
  const v = vector.trim().toLowerCase();
  return (VECTOR_TYPES as readonly string[]).includes(v) ? (v as VectorType) : null;
}

export async function createCarProduct(ctx: ServiceContext, raw: unknown): Promise<CarProductDto> {
  const input = parseInput(CarProductCreate, raw);
  const { study } = await loadStudyFor(ctx, input.studyId, "study:write");
  return inTransaction(ctx, async (db) => {
    const clash = await findCarProductByCode(db, study.id, input.code);
    if (clash)
      throw new DomainError("conflict", `Product code ${input.code} already exists in this study.`, [
        { path: "/code", message: "already in use" },
      ]);
    const now = ctx.now();
    const row = await insertCarProduct(db, {
      id: uuidv7(),
      study_id: study.id,
      code: input.code,
      name: input.name,
      targets: input.targets,
      format: input.format,
      costimulatory_domain: input.costimulatoryDomain,
      vector: input.vector,
      vector_type: input.vectorType ?? vectorTypeNamed(input.vector),
      dose_unit: input.doseUnit,
      manufacturer: input.manufacturer ?? null,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    const dto = productDto(row);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "car-product",
      entityId: row.id,
      siteId: study.lead_site_id,
      after: dto,
    });
    return dto;
  });
}

export async function getCarProduct(ctx: ServiceContext, id: string): Promise<CarProductDto> {
  const row = await findById(ctx.db, "car_products", id);
  if (!row) throw notFound("product", id);
  await loadStudyFor(ctx, row.study_id, "study:read").catch((e) => {
    throw e instanceof DomainError && e.code === "not-found" ? notFound("product", id) : e;
  });
  return productDto(row);
}

export async function listProducts(
  ctx: ServiceContext,
  q: { studyId?: string; limit: number; cursor?: string },
): Promise<Page<CarProductDto>> {
  const siteIds = readableSites(ctx.actor, "study:read");
  const after = decodeCursor(q.cursor, ["uuid"])?.[0];
  const rows = await listCarProducts(ctx.db, siteIds, q.studyId, after, q.limit);
  return toPage(rows, q.limit, (r) => [r.id], productDto);
}

export async function updateCarProduct(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<CarProductDto> {
  const input = parseInput(CarProductUpdate, raw);
  const row = await findById(ctx.db, "car_products", id);
  if (!row) throw notFound("product", id);
  const { study } = await loadStudyFor(ctx, row.study_id, "study:write");
  return updateRecord(ctx, {
    table: "car_products",
    entity: "car-product",
    id,
    permission: "study:write",
    siteOf: () => study.lead_site_id,
    toDto: productDto,
    changes: () =>
      defined({
        name: input.name,
        costimulatory_domain: input.costimulatoryDomain,
        vector: input.vector,
        vector_type: input.vectorType,
        manufacturer: input.manufacturer,
      }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
