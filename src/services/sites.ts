/**
 * Sites (hospital departments), users and their role memberships. Creating the first site and
 * admin happens through the CLI bootstrap (or the demo loader) as the system actor; after that,
 * admins manage their own sites.
 */
import { hash } from "@node-rs/argon2";
import { v7 as uuidv7 } from "uuid";
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import { isRole } from "../domain/roles.ts";
import { SiteCreate, SiteUpdate, UserCreate } from "../domain/schemas/admin.ts";
import type { SiteRow } from "../store/schema.ts";
import { findSite, findSiteByCode, insertSite, listSitesByIds } from "../store/sites.ts";
import { findUserByName, insertMemberships, insertUser, listUsersAtSites } from "../store/users.ts";
import { requireAt, sitesWith } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext, SYSTEM_USER_ID } from "./context.ts";
import { forgetHeldCredentials } from "./held-credentials.ts";
import { requireAcceptablePassword } from "./password-policy.ts";
import { expectedVersion } from "./patients.ts";
import { defined, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

/**
 * argon2id parameters: OWASP Password Storage Cheat Sheet's first option (m = 19 MiB, t = 2,
 * p = 1), which is also @node-rs/argon2's default; written out so a library change cannot weaken it.
 */
export const ARGON2_OPTIONS = {
  algorithm: 2 /* Argon2id */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

export interface SiteDto extends Record<string, unknown> {
  id: string;
  code: string;
  name: string;
  department: string;
  city: string | null;
  country: string | null;
  timeZone: string;
  isSynthetic: boolean;
  version: number;
}

const siteDto = (r: SiteRow): SiteDto => ({
  id: r.id,
  code: r.code,
  name: r.name,
  department: r.department,
  city: r.city,
  country: r.country,
  timeZone: r.time_zone,
  isSynthetic: r.is_synthetic,
  version: r.version,
});

const isSystem = (ctx: ServiceContext) => ctx.actor.userId === SYSTEM_USER_ID;

export async function createSite(ctx: ServiceContext, raw: unknown): Promise<SiteDto> {
  const input = parseInput(SiteCreate, raw);
  if (!isSystem(ctx) && sitesWith(ctx.actor, "site:manage").length === 0)
    throw forbidden("Only admins create sites.");
  const created = await inTransaction(ctx, async (db) => {
    if (await findSiteByCode(db, input.code))
      throw new DomainError("conflict", `Site code ${input.code} is taken.`, [
        { path: "/code", message: "already in use" },
      ]);
    const now = ctx.now();
    const row = await insertSite(db, {
      id: uuidv7(),
      code: input.code,
      name: input.name,
      department: input.department,
      city: input.city ?? null,
      country: input.country ?? null,
      time_zone: input.timeZone,
      is_synthetic: input.isSynthetic,
      created_at: now,
      updated_at: now,
    });
    const dto = siteDto(row);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "site",
      entityId: row.id,
      siteId: row.id,
      after: dto,
    });
    // The admin who creates a site administers it.
    if (!isSystem(ctx))
      await insertMemberships(db, [
        { user_id: ctx.actor.userId, site_id: row.id, role: "admin", created_at: now },
      ]);
    return dto;
  });
  // Their held session or token must carry the new membership from the next request on.
  forgetHeldCredentials();
  return created;
}

export async function listSites(ctx: ServiceContext): Promise<SiteDto[]> {
  const ids = [...new Set(ctx.actor.memberships.map((m) => m.siteId))];
  return (await listSitesByIds(ctx.db, ids)).map(siteDto);
}

export async function getSite(ctx: ServiceContext, id: string): Promise<SiteDto> {
  if (!ctx.actor.memberships.some((m) => m.siteId === id)) throw notFound("site", id);
  const row = await findSite(ctx.db, id);
  if (!row) throw notFound("site", id);
  return siteDto(row);
}

export async function updateSite(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<SiteDto> {
  const input = parseInput(SiteUpdate, raw);
  return updateRecord(ctx, {
    table: "sites",
    entity: "site",
    id,
    permission: "site:manage",
    siteOf: (r) => r.id as string,
    toDto: siteDto,
    changes: () => defined({ name: input.name, department: input.department, city: input.city }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}

export interface UserDto {
  id: string;
  username: string;
  displayName: string;
  isActive: boolean;
  memberships: { siteId: string; role: string }[];
}

/**
 * Only admins create users, and only with roles at sites they administer; every user has a role at
 * some site, so the user and the audit of their creation are visible to that site's admins. A
 * non-admin is refused before anything is looked up, so a taken username tells them nothing.
 * The password must meet the policy (services/password-policy.ts) unless `seeded` (the demo's
 * published accounts, docs/decisions/0005); the command line's bootstrap acts as the system.
 */
export async function createUser(
  ctx: ServiceContext,
  raw: unknown,
  options: { seeded?: boolean } = {},
): Promise<UserDto> {
  if (!isSystem(ctx) && sitesWith(ctx.actor, "site:manage").length === 0)
    throw forbidden("Only admins create users.");
  const input = parseInput(UserCreate, raw);
  if (!isSystem(ctx))
    for (const m of input.memberships) requireAt(ctx.actor, m.siteId, "site:manage", "site", m.siteId);
  if (input.password && !options.seeded) await requireAcceptablePassword(input.password, input.username);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return inTransaction(ctx, async (db) => {
    if (await findUserByName(db, input.username))
      throw new DomainError("conflict", `Username ${input.username} is taken.`, [
        { path: "/username", message: "already in use" },
      ]);
    for (const [i, m] of input.memberships.entries())
      if (!(await findSite(db, m.siteId)))
        throw new DomainError("validation", "Unknown site.", [
          { path: `/memberships/${i}/siteId`, message: "no such site" },
        ]);
    const now = ctx.now();
    const row = await insertUser(db, {
      id: uuidv7(),
      username: input.username,
      display_name: input.displayName,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    });
    await insertMemberships(
      db,
      input.memberships.map((m) => ({ user_id: row.id, site_id: m.siteId, role: m.role, created_at: now })),
    );
    const dto: UserDto = {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      isActive: row.is_active,
      memberships: input.memberships,
    };
    await appendAudit(
      db,
      ctx,
      [...new Set(input.memberships.map((m) => m.siteId))].map((siteId) => ({
        action: "create" as const,
        entityType: "user",
        entityId: row.id,
        siteId,
        after: dto,
      })),
    );
    return dto;
  });
}

export async function listUsers(ctx: ServiceContext): Promise<UserDto[]> {
  const siteIds = sitesWith(ctx.actor, "site:manage");
  if (siteIds.length === 0) throw forbidden("Only admins list users.");
  const rows = await listUsersAtSites(ctx.db, siteIds);
  const users = new Map<string, UserDto>();
  for (const r of rows) {
    const u = users.get(r.id) ?? {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      isActive: r.is_active,
      memberships: [],
    };
    if (isRole(r.role)) u.memberships.push({ siteId: r.site_id, role: r.role });
    users.set(r.id, u);
  }
  return [...users.values()];
}
