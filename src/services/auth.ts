/**
 * Authentication: password login into server-side sessions, and bearer API tokens for scripts.
 * Only SHA-256 digests of session cookies and tokens are stored (they are 256-bit random values,
 * so a fast hash suffices; passwords get argon2id). Sessions end after 30 minutes idle or 12 hours
 * in all, whichever comes first, and logout revokes them on the server.
 */
import { createHash, randomBytes } from "node:crypto";
import { verify } from "@node-rs/argon2";
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { DomainError } from "../domain/errors.ts";
import { decideAttempt, FORGET_AFTER_MS, type ThrottleState } from "../domain/login-backoff.ts";
import { isRole } from "../domain/roles.ts";
import { LoginInput } from "../domain/schemas/admin.ts";
import {
  clearThrottle,
  insertFirstAttempt,
  lockThrottleRow,
  pruneThrottle,
  updateThrottle,
} from "../store/login-throttle.ts";
import type { DB, UserRow } from "../store/schema.ts";
import {
  findApiToken,
  findSession,
  findUser,
  findUserByName,
  insertApiToken,
  insertSession,
  listMemberships,
  revokeSession,
  touchApiToken,
  touchSession,
} from "../store/users.ts";
import { appendAudit } from "./audit.ts";
import { type Actor, inTransaction, type ServiceContext } from "./context.ts";
import { hashPassword } from "./sites.ts";
import { parseInput } from "./validate.ts";

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;
export const API_TOKEN_PREFIX = "v2v_";

const digest = (secret: string) => createHash("sha256").update(secret).digest("hex");
const randomSecret = () => randomBytes(32).toString("base64url");

// A hash to verify against when the username is unknown, so both cases take as long.
let dummyHash: Promise<string> | null = null;

export async function actorFor(db: Kysely<DB>, userId: string, username: string): Promise<Actor> {
  const rows = await listMemberships(db, userId);
  return {
    userId,
    username,
    memberships: rows
      .filter((r) => isRole(r.role))
      .map((r) => ({ siteId: r.site_id, role: r.role as Actor["memberships"][number]["role"] })),
  };
}

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  actor: Actor;
  expiresAt: Date;
}

const badLogin = () => new DomainError("unauthenticated", "Unknown username or wrong password.");

/** What a password check found: the user when the password is theirs, and the account it named. */
export interface PasswordCheck {
  ok: boolean;
  /** the active account the username names, whether or not the password was right */
  user: UserRow | undefined;
  /** set when this failed check locked the username (domain/login-backoff.ts) */
  lockedUntil?: Date;
}

/** Why a password was checked; the audit of a refused, locked attempt records it. */
export type PasswordPurpose = "login" | "signature";

const throttleRow = (username: string, s: ThrottleState) => ({
  username,
  attempts: s.attempts,
  last_attempt_at: s.lastAttemptAt,
  locked_until: s.lockedUntil,
});

/** Counts one password check for `name` and decides whether it may run (domain/login-backoff.ts). */
function countAttempt(ctx: ServiceContext, name: string) {
  const now = ctx.now();
  return inTransaction(ctx, async (db) => {
    const first = decideAttempt(null, now);
    if (first.allowed && (await insertFirstAttempt(db, throttleRow(name, first.next)))) return first;
    const row = await lockThrottleRow(db, name);
    const decision = decideAttempt(
      row
        ? { attempts: row.attempts, lastAttemptAt: row.last_attempt_at, lockedUntil: row.locked_until }
        : null,
      now,
    );
    if (decision.allowed) await updateThrottle(db, throttleRow(name, decision.next));
    return decision;
  });
}

/**
 * The platform's one password check, used by login and by every electronic signature (21 CFR
 * 11.200(a)(1): a non-biometric signature uses two distinct identification components, here the
 * username and the password). An unknown or inactive account is checked against a dummy hash so
 * it takes as long as a wrong password.
 *
 * Every check counts towards the username's backoff (domain/login-backoff.ts, docs/decisions/0005),
 * whatever it was for, so login and signing share one limit and a signing screen is no back door
 * for guessing. The check is counted before the password is verified. While the name is locked it
 * throws DomainError "rate-limited" (with `retryAfterSeconds`) without looking at the password,
 * and audits the refused attempt; a wrong password is the caller's to audit and answer.
 *
 * Call it before opening a transaction (as the HTTP routes' services do): inside one, the count
 * is only kept if that transaction commits.
 */
export async function verifyPassword(
  ctx: ServiceContext,
  username: string,
  password: string,
  purpose: PasswordPurpose = "login",
): Promise<PasswordCheck> {
  const found = await findUserByName(ctx.db, username);
  const attempt = await countAttempt(ctx, username);
  if (!attempt.allowed) {
    const retryAfterSeconds = Math.ceil(attempt.retryAfterMs / 1000);
    await appendAudit(ctx.db, ctx, {
      action: "login-failed",
      entityType: "user",
      entityId: found?.id ?? username,
      siteId: null,
      after: { purpose, locked: true, retryAfterSeconds },
    });
    throw new DomainError(
      "rate-limited",
      `Too many wrong passwords for this username; try again in ${retryAfterSeconds} s.`,
      [],
      { retryAfterSeconds },
    );
  }
  const lockedUntil = attempt.next.lockedUntil ?? undefined;
  if (!found?.password_hash || !found.is_active) {
    dummyHash ??= hashPassword("not-a-real-password-at-all");
    await verify(await dummyHash, password).catch(() => false);
    return { ok: false, user: undefined, ...(lockedUntil ? { lockedUntil } : {}) };
  }
  const ok = await verify(found.password_hash, password).catch(() => false);
  if (!ok) return { ok, user: found, ...(lockedUntil ? { lockedUntil } : {}) };
  await clearThrottle(ctx.db, username);
  await pruneThrottle(ctx.db, new Date(ctx.now().getTime() - FORGET_AFTER_MS));
  return { ok, user: found };
}

export async function login(ctx: ServiceContext, raw: unknown): Promise<LoginResult> {
  const input = parseInput(LoginInput, raw);
  const check = await verifyPassword(ctx, input.username, input.password, "login");
  const user = check.user;
  if (!check.ok || !user) {
    await appendAudit(ctx.db, ctx, {
      action: "login-failed",
      entityType: "user",
      entityId: user?.id ?? input.username,
      siteId: null,
      after: {
        purpose: "login",
        ...(check.lockedUntil ? { lockedUntil: check.lockedUntil.toISOString() } : {}),
      },
    });
    throw badLogin();
  }
  const sessionToken = randomSecret();
  const csrfToken = randomSecret();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
  return inTransaction(ctx, async (db) => {
    await insertSession(db, {
      token_hash: digest(sessionToken),
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    });
    const actor = await actorFor(db, user.id, user.username);
    await appendAudit(
      db,
      { ...ctx, actor },
      { action: "login", entityType: "user", entityId: user.id, siteId: null },
    );
    return { sessionToken, csrfToken, actor, expiresAt };
  });
}

export interface SessionInfo {
  actor: Actor;
  csrfToken: string;
  displayName: string;
}

/** The live session for a cookie value, or null when unknown, revoked, idle too long or too old. */
export async function resolveSession(db: Kysely<DB>, token: string, now: Date): Promise<SessionInfo | null> {
  const hash = digest(token);
  const session = await findSession(db, hash);
  if (!session || session.revoked_at) return null;
  const t = now.getTime();
  if (t >= session.expires_at.getTime() || t - session.last_seen_at.getTime() >= SESSION_IDLE_MS) return null;
  const user = await findUser(db, session.user_id);
  if (!user?.is_active) return null;
  if (t - session.last_seen_at.getTime() >= TOUCH_EVERY_MS) await touchSession(db, hash, now);
  return {
    actor: await actorFor(db, user.id, user.username),
    csrfToken: session.csrf_token,
    displayName: user.display_name,
  };
}

export async function logout(ctx: ServiceContext, token: string): Promise<void> {
  await inTransaction(ctx, async (db) => {
    await revokeSession(db, digest(token), ctx.now());
    await appendAudit(db, ctx, {
      action: "logout",
      entityType: "user",
      entityId: ctx.actor.userId,
      siteId: null,
    });
  });
}

export async function createApiToken(ctx: ServiceContext, username: string, label: string): Promise<string> {
  const user = await findUserByName(ctx.db, username);
  if (!user?.is_active) throw new DomainError("not-found", `No active user ${username}.`);
  const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
  const id = uuidv7();
  await insertApiToken(ctx.db, {
    id,
    user_id: user.id,
    token_hash: digest(token),
    label,
    created_at: ctx.now(),
  });
  await appendAudit(ctx.db, ctx, {
    action: "token-create",
    entityType: "api-token",
    entityId: id,
    siteId: null,
    after: { user: username, label },
  });
  return token;
}

export async function resolveApiToken(db: Kysely<DB>, token: string, now: Date): Promise<Actor | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const row = await findApiToken(db, digest(token));
  if (!row || row.revoked_at) return null;
  const user = await findUser(db, row.user_id);
  if (!user?.is_active) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= TOUCH_EVERY_MS)
    await touchApiToken(db, row.id, now);
  return actorFor(db, user.id, user.username);
}
