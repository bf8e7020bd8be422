import { z } from "zod";
import { LANGUAGES } from "../languages.ts";
import { ROLES } from "../roles.ts";
import { isValidTimeZone } from "../study-day.ts";
import { NonEmptyText, Reason, Uuid, Version } from "./common.ts";

export const SiteCreate = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, "A site code is 2–10 capitals/digits, e.g. SZ"),
  name: NonEmptyText(200),
  department: NonEmptyText(200),
  city: z.string().max(100).nullish(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, e.g. CN")
    .nullish(),
  timeZone: z.string().refine(isValidTimeZone, "Not an IANA time zone (e.g. Asia/Shanghai)"),
  isSynthetic: z.boolean().default(false),
});
export type SiteCreate = z.infer<typeof SiteCreate>;

export const SiteUpdate = z.object({
  name: NonEmptyText(200).optional(),
  department: NonEmptyText(200).optional(),
  city: z.string().max(100).nullish(),
  version: Version.optional(),
  reason: Reason,
});

/**
 * A new password. Its shape only: the policy (at least 12 characters, not a common password, not
 * the username; OWASP ASVS 4.0 V2.1) is checked by the service, domain/password-policy.ts.
 */
export const Password = z
  .string()
  .min(1)
  .max(512)
  .describe(
    "at least 12 characters, not a common password, not containing the username (OWASP ASVS 4.0 V2.1)",
  );

export const Membership = z.object({ siteId: Uuid, role: z.enum(ROLES) });

export const UserCreate = z.object({
  username: z
    .string()
    .regex(/^[a-z][a-z0-9._-]{1,39}$/, "lower-case letters, digits, . _ -; 2–40 characters"),
  displayName: NonEmptyText(200),
  password: Password.optional(),
  /** Every user belongs to at least one site. */
  memberships: z.array(Membership).min(1, "Give the user a role at a site").max(100),
});
export type UserCreate = z.infer<typeof UserCreate>;

export const LoginInput = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(512), // 128 code points of the policy can take 512 UTF-16 units
});

/**
 * API tokens expire: 90 days unless asked otherwise, at most a year (docs/decisions/0005), so a
 * token forgotten in a script or a leaked log stops working by itself.
 */
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;

export const TokenCreate = z.object({
  label: NonEmptyText(100).describe("what the token is for, e.g. the script's name"),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(TOKEN_MAX_DAYS, `A token lives at most ${TOKEN_MAX_DAYS} days`)
    .default(TOKEN_DEFAULT_DAYS),
});
export type TokenCreate = z.infer<typeof TokenCreate>;

export const TokenRevoke = z.object({ reason: z.string().trim().max(1000).optional() });

export const TokenListQuery = z.object({
  siteId: Uuid.optional().describe("only tokens of this site's users"),
});

/** The app's language for the signed-in user (issue 11); the web app reads and sets it. */
export const LanguagePreference = z.object({ language: z.enum(LANGUAGES) });
export type LanguagePreference = z.infer<typeof LanguagePreference>;
