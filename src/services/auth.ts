/**
 * Authentication: password login into server-side sessions, and bearer API tokens for scripts.
 * Only SHA-256 digests of session cookies and tokens are stored (they are 256-bit random values,
 * so a fast hash suffices; passwords get argon2id). Sessions end after 30 minutes idle or 12 hours
 * in all, whichever comes first, and logout revokes them on the server.
 */
import { hash as hashOnce, randomBytes } from "node:crypto";
import { verify } from "@node-rs/argon2";
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import { decideAttempt, FORGET_AFTER_MS, type ThrottleState } from "../domain/login-backoff.ts";
import { isRole } from "../domain/roles.ts";
import { LoginInput, TokenCreate, TokenRevoke } from "../domain/schemas/admin.ts";
import { Uuid } from "../domain/schemas/common.ts";
import {
  clearThrottle,
  insertFirstAttempt,
  lockThrottleRow,
  pruneThrottle,
  updateThrottle,
} from "../store/login-throttle.ts";
import type { DB, UserRow } from "../store/schema.ts";
import {
  findApiTokenById,
  findApiTokenWithUser,
  findSessionWithUser,
  findUser,
  findUserByName,
  insertApiToken,
  insertSession,
  listMemberships,
  listApiTokens as listTokenRows,
  revokeSession,
  revokeApiToken as revokeTokenRow,
  touchApiToken,
  touchSession,
} from "../store/users.ts";
import { readableSites, sitesWith } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { type Actor, inTransaction, type ServiceContext, SYSTEM_USER_ID } from "./context.ts";
import { forgetHeldCredentials, HeldCredentials } from "./held-credentials.ts";
import { hashPassword } from "./sites.ts";
import { parseInput } from "./validate.ts";

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;
export const API_TOKEN_PREFIX = "v2v_";

// Held by the digest of the secret, never the secret itself.
const heldTokens = new HeldCredentials<NonNullable<Awaited<ReturnType<typeof findApiTokenWithUser>>>>();
const heldSessions = new HeldCredentials<NonNullable<Awaited<ReturnType<typeof findSessionWithUser>>>>();

// One-shot `hash` (Node ≥ 20.12): a Hash object per request cost ~1.5 µs more, ~2% of a held
// list's busy time under load.
const digest = (secret: string) => hashOnce("sha256", secret, "hex");
const randomSecret = () => randomBytes(32).toString("base64url");

// A hash to verify against when the username is unknown, so both cases take as long.
let dummyHash: Promise<string> | null = null;

export async function actorFor(db: Kysely<DB>, userId: string, username: string): Promise<Actor> {
  return actorOf(userId, username, await listMemberships(db, userId));
}

/** An actor from its memberships as stored; roles the code does not know are left out. */
export function actorOf(userId: string, username: string, rows: { site_id: string; role: string }[]): Actor {
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
  const session = await heldSessions.read(db, hash, now, () => findSessionWithUser(db, hash));
  if (!session || session.revoked_at) return null;
  const t = now.getTime();
  if (t >= session.expires_at.getTime() || t - session.last_seen_at.getTime() >= SESSION_IDLE_MS) return null;
  if (!session.is_active) return null;
  if (t - session.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, hash, now);
    heldSessions.update(db, hash, { ...session, last_seen_at: now });
  }
  return {
    actor: actorOf(session.user_id, session.username, session.memberships),
    csrfToken: session.csrf_token,
    displayName: session.display_name,
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
  forgetHeldCredentials();
}

export type ApiTokenState = "active" | "expired" | "revoked";

export interface ApiTokenDto {
  id: string;
  label: string;
  userId: string;
  username: string;
  displayName: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  revokedAt: string | null;
  state: ApiTokenState;
}

const tokenState = (r: { revoked_at: Date | null; expires_at: Date }, now: Date): ApiTokenState =>
  r.revoked_at ? "revoked" : r.expires_at.getTime() <= now.getTime() ? "expired" : "active";

const tokenDto = (
  r: {
    id: string;
    user_id: string;
    label: string;
    created_at: Date;
    last_used_at: Date | null;
    expires_at: Date;
    revoked_at: Date | null;
    username: string;
    display_name: string;
  },
  now: Date,
): ApiTokenDto => ({
  id: r.id,
  label: r.label,
  userId: r.user_id,
  username: r.username,
  displayName: r.display_name,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  state: tokenState(r, now),
});

const isSystem = (ctx: ServiceContext) => ctx.actor.userId === SYSTEM_USER_ID;

/** The sites an account has roles at: where its token events are audited, for those admins to see. */
async function auditSitesOf(db: Kysely<DB>, userId: string): Promise<(string | null)[]> {
  const sites = [...new Set((await listMemberships(db, userId)).map((m) => m.site_id))];
  return sites.length ? sites : [null];
}

/**
 * A new API token for `username`, shown once. The command line (the system) makes them for anyone;
 * through the API a person makes them only for themselves, with a browser session (so a token
 * cannot breed tokens that outlive it). It expires after `expiresInDays` (default 90, at most 365).
 * `expiresAt` is for test fixtures only; no route or command passes it.
 */
export async function issueApiToken(
  ctx: ServiceContext,
  username: string,
  raw: unknown,
  options: { expiresAt?: Date } = {},
): Promise<{ token: string; apiToken: ApiTokenDto }> {
  const input = parseInput(TokenCreate, raw);
  const user = await findUserByName(ctx.db, username);
  if (!isSystem(ctx) && user?.id !== ctx.actor.userId)
    throw forbidden("You can create API tokens only for yourself; admins use `v2v token create`.");
  if (!user?.is_active) throw new DomainError("not-found", `No active user ${username}.`);
  const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
  const now = ctx.now();
  const row = {
    id: uuidv7(),
    user_id: user.id,
    token_hash: digest(token),
    label: input.label,
    created_at: now,
    expires_at: options.expiresAt ?? new Date(now.getTime() + input.expiresInDays * 86_400_000),
  };
  return inTransaction(ctx, async (db) => {
    await insertApiToken(db, row);
    const apiToken = tokenDto(
      {
        ...row,
        last_used_at: null,
        revoked_at: null,
        username: user.username,
        display_name: user.display_name,
      },
      now,
    );
    await appendAudit(
      db,
      ctx,
      (await auditSitesOf(db, user.id)).map((siteId) => ({
        action: "token-create" as const,
        entityType: "api-token",
        entityId: row.id,
        siteId,
        after: { user: username, label: input.label, expiresAt: apiToken.expiresAt },
      })),
    );
    return { token, apiToken };
  });
}

/** The command line's and the test world's way: the token itself. */
export async function createApiToken(
  ctx: ServiceContext,
  username: string,
  label: string,
  options: { expiresInDays?: number; expiresAt?: Date } = {},
): Promise<string> {
  const body = {
    label,
    ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
  };
  return (await issueApiToken(ctx, username, body, options.expiresAt ? { expiresAt: options.expiresAt } : {}))
    .token;
}

/**
 * Tokens, newest first: `mine` the caller's own; otherwise those of the users of the sites the
 * caller administers (`siteId` narrows to one), every token for the command line.
 */
export async function listApiTokens(
  ctx: ServiceContext,
  q: { siteId?: string; mine?: boolean } = {},
): Promise<ApiTokenDto[]> {
  const now = ctx.now();
  let rows: Awaited<ReturnType<typeof listTokenRows>>;
  if (q.mine) rows = await listTokenRows(ctx.db, { userIds: [ctx.actor.userId] });
  else if (isSystem(ctx)) rows = await listTokenRows(ctx.db, q.siteId ? { siteIds: [q.siteId] } : {});
  else rows = await listTokenRows(ctx.db, { siteIds: readableSites(ctx.actor, "site:manage", q.siteId) });
  return rows.map((r) => tokenDto(r, now));
}

/**
 * Revokes a token at once: its owner may, and an admin of any site where the owner has a role; for
 * anyone else it does not exist. Audited at the owner's sites with the reason.
 */
export async function revokeApiToken(
  ctx: ServiceContext,
  id: string,
  raw: unknown = {},
): Promise<ApiTokenDto> {
  const input = parseInput(TokenRevoke, raw ?? {});
  const row = Uuid.safeParse(id).success ? await findApiTokenById(ctx.db, id) : undefined;
  if (!row) throw notFound("API token", id);
  const ownerSites = (await listMemberships(ctx.db, row.user_id)).map((m) => m.site_id);
  const administers = sitesWith(ctx.actor, "site:manage");
  const allowed =
    isSystem(ctx) || row.user_id === ctx.actor.userId || ownerSites.some((s) => administers.includes(s));
  if (!allowed) throw notFound("API token", id);
  if (row.revoked_at) throw new DomainError("conflict", "This token was already revoked.");
  const now = ctx.now();
  const dto = await inTransaction(ctx, async (db) => {
    const revoked = await revokeTokenRow(db, id, now, ctx.actor.userId);
    if (!revoked) throw new DomainError("conflict", "This token was already revoked.");
    const owner = await findUser(db, row.user_id);
    const dto = tokenDto(
      { ...revoked, username: owner?.username ?? "", display_name: owner?.display_name ?? "" },
      now,
    );
    await appendAudit(
      db,
      ctx,
      (await auditSitesOf(db, row.user_id)).map((siteId) => ({
        action: "token-revoke" as const,
        entityType: "api-token",
        entityId: id,
        siteId,
        before: { state: tokenState(row, now) },
        after: { user: dto.username, label: dto.label, state: "revoked" },
        reason: input.reason ?? null,
      })),
    );
    return dto;
  });
  forgetHeldCredentials();
  return dto;
}

/** The actor a bearer token acts as, or null when unknown, revoked, expired or its user inactive. */
export async function resolveApiToken(db: Kysely<DB>, token: string, now: Date): Promise<Actor | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const hash = digest(token);
  const row = await heldTokens.read(db, hash, now, () => findApiTokenWithUser(db, hash));
  if (!row || row.revoked_at || row.expires_at.getTime() <= now.getTime()) return null;
  if (!row.is_active) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= TOUCH_EVERY_MS) {
    await touchApiToken(db, row.id, now);
    heldTokens.update(db, hash, { ...row, last_used_at: now });
  }
  return actorOf(row.user_id, row.username, row.memberships);
}
