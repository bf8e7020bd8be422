/**
 * Site scoping and role checks. A record at a site where the actor has no membership at all is
 * reported as not found (we do not reveal that it exists); a member whose role lacks the
 * permission gets "forbidden".
 */
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import { may, type Permission } from "../domain/roles.ts";
import type { Actor } from "./context.ts";

export function rolesAt(actor: Actor, siteId: string) {
  return actor.memberships.filter((m) => m.siteId === siteId).map((m) => m.role);
}

export function isMemberOf(actor: Actor, siteId: string): boolean {
  return actor.memberships.some((m) => m.siteId === siteId);
}

/** Sites where the actor holds `permission`. */
export function sitesWith(actor: Actor, permission: Permission): string[] {
  const sites = new Set<string>();
  for (const m of actor.memberships) if (may([m.role], permission)) sites.add(m.siteId);
  return [...sites];
}

/**
 * Throws unless the actor may do `permission` at `siteId`. `entity`/`id` name the record for
 * the not-found message.
 */
export function requireAt(
  actor: Actor,
  siteId: string,
  permission: Permission,
  entity: string,
  id: string,
): void {
  if (!isMemberOf(actor, siteId)) throw notFound(entity, id);
  if (!may(rolesAt(actor, siteId), permission))
    throw forbidden(`Your role at this site does not allow ${permission.replace(":", " ")}.`);
}

/** For lists: the sites to read from, or "forbidden" when the actor may read this nowhere. */
export function readableSites(actor: Actor, permission: Permission, onlySite?: string): string[] {
  const sites = sitesWith(actor, permission);
  if (sites.length === 0) throw forbidden(`None of your roles allows ${permission.replace(":", " ")}.`);
  if (onlySite === undefined) return sites;
  if (!sites.includes(onlySite)) {
    if (actor.memberships.some((m) => m.siteId === onlySite))
      throw forbidden(`Your role at this site does not allow ${permission.replace(":", " ")}.`);
    throw notFound("site", onlySite);
  }
  return [onlySite];
}

/**
 * Optimistic locking. A stale If-Match is "precondition failed" (412), a stale body version a
 * "conflict" (409); an update with neither is refused (428) so no client overwrites blindly.
 */
export interface ExpectedVersion {
  version: number | undefined;
  source: "if-match" | "body";
}

export function checkVersion(current: number, expected: ExpectedVersion | undefined): void {
  if (!expected || expected.version === undefined)
    throw new DomainError(
      "precondition-required",
      "Send the version you are changing (If-Match header or a version field) so a concurrent change is not overwritten.",
      [{ path: "/version", message: "required for updates" }],
      { currentVersion: current },
    );
  if (expected.version !== current)
    throw new DomainError(
      expected.source === "if-match" ? "precondition-failed" : "conflict",
      `The record changed since you read it: you sent version ${expected.version}, it is now at ${current}. Nothing was written.`,
      [],
      { currentVersion: current, sentVersion: expected.version },
    );
}
