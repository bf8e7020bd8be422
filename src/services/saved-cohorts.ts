/**
 * Saved cohorts (issue 12): a cohort definition under a name, shared by everyone who may read
 * cohort results. The query is checked with the same schema as the results themselves and stored
 * in its canonical form, so a saved cohort always opens, and two saves of one cohort are one text.
 * Saving and removing are audited; only the author or a site admin removes one.
 */
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { CohortResultsQuery, cohortQuery } from "../domain/cohort/definition.ts";
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import { NonEmptyText } from "../domain/schemas/common.ts";
import {
  deleteSavedCohort,
  findSavedCohort,
  findSavedCohortByName,
  insertSavedCohort,
  listSavedCohorts,
} from "../store/saved-cohorts.ts";
import { readableSites } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { parseInput, zodIssues } from "./validate.ts";

export const SavedCohortCreate = z
  .object({
    name: NonEmptyText(120),
    /** the cohort's query string, as in its link (with or without the leading "?") */
    query: z.string().max(4000),
  })
  .strict();

export interface SavedCohortDto {
  id: string;
  name: string;
  query: string;
  createdAt: string;
  createdBy: string;
}

/** The canonical query of a link's query string; a 400 naming the bad key otherwise. */
function canonicalQuery(query: string): string {
  const params = new URLSearchParams(query.replace(/^\?/, ""));
  const raw: Record<string, string> = {};
  for (const [k, v] of params) raw[k] = v;
  const parsed = CohortResultsQuery.safeParse(raw);
  if (!parsed.success)
    throw new DomainError("validation", "The cohort query is not valid.", zodIssues(parsed.error, ["query"]));
  const { groupBy, ...definition } = parsed.data;
  return [cohortQuery(definition), groupBy !== "indication" ? `groupBy=${groupBy}` : ""]
    .filter(Boolean)
    .join("&");
}

export async function saveCohort(ctx: ServiceContext, raw: unknown): Promise<SavedCohortDto> {
  readableSites(ctx.actor, "clinical:read");
  const input = parseInput(SavedCohortCreate, raw);
  const query = canonicalQuery(input.query);
  return inTransaction(ctx, async (db) => {
    if (await findSavedCohortByName(db, input.name))
      throw new DomainError("conflict", `A saved cohort is already called "${input.name}".`);
    const row = {
      id: uuidv7(),
      name: input.name,
      query,
      created_at: ctx.now(),
      created_by: ctx.actor.userId,
    };
    await insertSavedCohort(db, row);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "saved-cohort",
      entityId: row.id,
      siteId: null,
      after: { name: row.name, query },
    });
    return {
      id: row.id,
      name: row.name,
      query,
      createdAt: row.created_at.toISOString(),
      createdBy: ctx.actor.username,
    };
  });
}

export async function listCohorts(ctx: ServiceContext): Promise<{ items: SavedCohortDto[] }> {
  readableSites(ctx.actor, "clinical:read");
  const rows = await listSavedCohorts(ctx.db);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      query: r.query,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by_name,
    })),
  };
}

export async function removeCohort(ctx: ServiceContext, id: string): Promise<void> {
  readableSites(ctx.actor, "clinical:read");
  await inTransaction(ctx, async (db) => {
    const row = await findSavedCohort(db, id);
    if (!row) throw notFound("saved cohort", id);
    const isAdmin = ctx.actor.memberships.some((m) => m.role === "admin");
    if (row.created_by !== ctx.actor.userId && !isAdmin)
      throw forbidden("Only the person who saved a cohort, or an administrator, may remove it.");
    await deleteSavedCohort(db, id);
    await appendAudit(db, ctx, {
      action: "delete",
      entityType: "saved-cohort",
      entityId: id,
      siteId: null,
      before: { name: row.name, query: row.query },
    });
  });
}
