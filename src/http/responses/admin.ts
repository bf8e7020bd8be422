/**
 * Response schemas of sign-in, sites, users, API tokens and the audit trail (routes/admin.ts,
 * routes/tokens.ts), checked against the services' types in test/unit/http-contract.test.ts.
 */
import { z } from "zod";
import { BREAK_KINDS } from "../../domain/audit-chain.ts";
import { LANGUAGES } from "../../domain/languages.ts";
import { ROLES } from "../../domain/roles.ts";

const str = z.string();
const maybeStr = str.nullable();

export const MembershipSchema = z.object({ siteId: str, role: z.enum(ROLES) }).meta({ id: "Membership" });

export const HealthSchema = z
  .object({ status: z.literal("ok"), database: z.enum(["pglite", "postgres"]), version: str })
  .meta({ id: "Health" });

export const LoginAnswerSchema = z
  .object({
    user: z.object({ id: str, username: str }),
    memberships: z.array(MembershipSchema),
    csrfToken: str,
    expiresAt: str,
  })
  .meta({ id: "LoginAnswer" });

export const SessionSchema = z
  .object({
    user: z.object({ id: str, username: str, displayName: maybeStr }),
    memberships: z.array(MembershipSchema),
    authMethod: z.enum(["session", "token"]).nullable(),
    csrfToken: maybeStr.describe("send it back as X-CSRF-Token on writes (browser sessions only)"),
  })
  .meta({ id: "Session" });

export const SiteSchema = z
  .object({
    id: str,
    code: str,
    name: str,
    department: str,
    city: maybeStr,
    country: maybeStr,
    timeZone: str,
    isSynthetic: z.boolean(),
    version: z.number(),
  })
  .meta({ id: "Site" });

export const UserSchema = z
  .object({
    id: str,
    username: str,
    displayName: str,
    isActive: z.boolean(),
    memberships: z.array(z.object({ siteId: str, role: str })),
  })
  .meta({ id: "User" });

export const AuditEventSchema = z
  .object({
    id: str,
    at: str,
    actorId: maybeStr,
    actorName: str,
    siteId: maybeStr,
    action: str,
    entityType: str,
    entityId: str,
    before: z.unknown(),
    after: z.unknown(),
    reason: maybeStr,
    requestId: maybeStr,
    actorDisplayName: str,
    entityLabel: maybeStr,
    names: z.record(str, str),
    batch: z
      .object({ item: z.number().int(), count: z.number().int() })
      .nullable()
      .describe(
        "Set when the entry is one row of a batch's audit record (one record per batch and site): " +
          "`id` is the record's, shared by its rows; `item` is the row's position in it (from 0).",
      ),
  })
  .meta({ id: "AuditEvent" });

export const LanguageAnswerSchema = z
  .object({
    language: z.enum(LANGUAGES).nullable().describe("null: not chosen, the app follows the browser"),
  })
  .meta({ id: "LanguageAnswer" });

export const AuditFilterChoicesSchema = z
  .object({
    entityTypes: z.array(str),
    entities: z.array(z.object({ id: str, label: str })),
    actors: z.array(z.object({ id: str, name: str })),
  })
  .meta({ id: "AuditFilterChoices" });

export const ApiTokenSchema = z
  .object({
    id: str,
    label: str,
    userId: str,
    username: str,
    displayName: str,
    createdAt: str,
    lastUsedAt: maybeStr,
    expiresAt: str,
    revokedAt: maybeStr,
    state: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "ApiToken" });

export const NewApiTokenSchema = ApiTokenSchema.extend({
  token: str.describe("the secret, shown this once"),
}).meta({ id: "NewApiToken" });

export const AuditVerifyReportSchema = z
  .object({
    ok: z.boolean(),
    records: z.number(),
    head: z.object({ position: z.number(), hash: str }).nullable(),
    chainStartedAt: maybeStr,
    backfilled: z.number(),
    checkpoints: z.object({
      count: z.number(),
      last: z.object({ number: z.number(), at: str, position: z.number(), keyId: str }).nullable(),
      keyIds: z.array(str),
      keysPinned: z
        .boolean()
        .describe(
          "every signature checked against a key held outside the database (not only the stored one)",
        ),
    }),
    unsignedTail: z.number().describe("records after the last checkpoint, chained but not yet signed"),
    firstBreak: z
      .object({
        kind: z.enum(BREAK_KINDS),
        position: z.number(),
        recordId: maybeStr,
        checkpoint: z.number().nullable(),
        detail: str,
      })
      .nullable(),
  })
  .meta({ id: "AuditVerifyReport" });
