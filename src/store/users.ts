import { type Kysely, sql } from "kysely";
import type { DB, Insertable, UsersTable } from "./schema.ts";

export const insertUser = (db: Kysely<DB>, row: Insertable<UsersTable>) =>
  db.insertInto("users").values(row).returningAll().executeTakeFirstOrThrow();

export const findUserByName = (db: Kysely<DB>, username: string) =>
  db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();

export const findUser = (db: Kysely<DB>, id: string) =>
  db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();

export const listMemberships = (db: Kysely<DB>, userId: string) =>
  db.selectFrom("memberships").select(["site_id", "role"]).where("user_id", "=", userId).execute();

export const insertMemberships = (
  db: Kysely<DB>,
  rows: { user_id: string; site_id: string; role: string; created_at: Date }[],
) =>
  rows.length === 0
    ? Promise.resolve()
    : db
        .insertInto("memberships")
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();

export const listUsersAtSites = (db: Kysely<DB>, siteIds: string[]) =>
  db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.is_active",
      "memberships.site_id",
      "memberships.role",
    ])
    .where("memberships.site_id", "in", siteIds)
    .orderBy("users.username")
    .execute();

// Sessions and API tokens are looked up by a SHA-256 of the secret the client holds.

export const insertSession = (
  db: Kysely<DB>,
  row: {
    token_hash: string;
    user_id: string;
    csrf_token: string;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  },
) => db.insertInto("sessions").values(row).execute();

export const findSession = (db: Kysely<DB>, tokenHash: string) =>
  db.selectFrom("sessions").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();

export const touchSession = (db: Kysely<DB>, tokenHash: string, at: Date) =>
  db.updateTable("sessions").set({ last_seen_at: at }).where("token_hash", "=", tokenHash).execute();

export const revokeSession = (db: Kysely<DB>, tokenHash: string, at: Date) =>
  db
    .updateTable("sessions")
    .set({ revoked_at: at })
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .execute();

export const insertApiToken = (
  db: Kysely<DB>,
  row: { id: string; user_id: string; token_hash: string; label: string; created_at: Date; expires_at: Date },
) => db.insertInto("api_tokens").values(row).execute();

/** Tokens with their owner, newest first; `userIds`/`siteIds` narrow to owners or owners' sites. */
export async function listApiTokens(db: Kysely<DB>, filter: { userIds?: string[]; siteIds?: string[] }) {
  if (filter.userIds?.length === 0 || filter.siteIds?.length === 0) return [];
  let q = db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id",
      "api_tokens.user_id",
      "api_tokens.label",
      "api_tokens.created_at",
      "api_tokens.last_used_at",
      "api_tokens.expires_at",
      "api_tokens.revoked_at",
      "users.username",
      "users.display_name",
    ])
    .orderBy("api_tokens.id", "desc");
  if (filter.userIds) q = q.where("api_tokens.user_id", "in", filter.userIds);
  if (filter.siteIds)
    q = q.where(
      "api_tokens.user_id",
      "in",
      db
        .selectFrom("memberships")
        .select("memberships.user_id")
        .where("memberships.site_id", "in", filter.siteIds),
    );
  return q.execute();
}

export const findApiTokenById = (db: Kysely<DB>, id: string) =>
  db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();

export const revokeApiToken = (db: Kysely<DB>, id: string, at: Date, by: string) =>
  db
    .updateTable("api_tokens")
    .set({ revoked_at: at, revoked_by: by })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returningAll()
    .executeTakeFirst();

export const findApiToken = (db: Kysely<DB>, tokenHash: string) =>
  db.selectFrom("api_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();

export const touchApiToken = (db: Kysely<DB>, id: string, at: Date) =>
  db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", id).execute();

/** The user's memberships as one JSON column, so a credential and its actor come in one query. */
const membershipsOf = sql<{ site_id: string; role: string }[]>`coalesce(
  (SELECT json_agg(json_build_object('site_id', m.site_id, 'role', m.role))
     FROM memberships m WHERE m.user_id = u.id), '[]'::json)`;

/** An API token with its user and the user's memberships: one round trip per request (issue 15). */
export const findApiTokenWithUser = (db: Kysely<DB>, tokenHash: string) =>
  db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select([
      "t.id",
      "t.revoked_at",
      "t.expires_at",
      "t.last_used_at",
      "u.id as user_id",
      "u.username",
      "u.is_active",
      membershipsOf.as("memberships"),
    ])
    .where("t.token_hash", "=", tokenHash)
    .executeTakeFirst();

/** A browser session with its user and the user's memberships, in one query. */
export const findSessionWithUser = (db: Kysely<DB>, tokenHash: string) =>
  db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.revoked_at",
      "s.expires_at",
      "s.last_seen_at",
      "s.csrf_token",
      "u.id as user_id",
      "u.username",
      "u.display_name",
      "u.is_active",
      membershipsOf.as("memberships"),
    ])
    .where("s.token_hash", "=", tokenHash)
    .executeTakeFirst();

/** Active users with a membership at a site, with each membership's role, by username. */
export const activeMembersOfSite = (db: Kysely<DB>, siteId: string) =>
  db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.username", "users.display_name", "memberships.role"])
    .where("memberships.site_id", "=", siteId)
    .where("users.is_active", "=", true)
    .orderBy("users.username")
    .execute();

/** An active user by username, if any. */
export const findActiveUserByName = (db: Kysely<DB>, username: string) =>
  db
    .selectFrom("users")
    .select(["id", "username"])
    .where("username", "=", username)
    .where("is_active", "=", true)
    .executeTakeFirst();

export const findUserLanguage = (db: Kysely<DB>, id: string) =>
  db.selectFrom("users").select("language").where("id", "=", id).executeTakeFirst();

export const setUserLanguage = (db: Kysely<DB>, id: string, language: string, at: Date) =>
  db.updateTable("users").set({ language, updated_at: at }).where("id", "=", id).executeTakeFirst();
