import { z } from "zod";
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
  password: z.string().min(1).max(200),
});
