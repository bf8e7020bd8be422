/**
 * Electronic signatures (21 CFR Part 11; docs/decisions/0022-electronic-signatures.md): the fixed
 * vocabulary of what a signature means, the kinds of record that are signed, what each signing step
 * asks of its signers, and the hash that binds a signature to the content it signed.
 *
 * - §11.50 manifestations: every signature carries the signer's printed name, the date and time
 *   it was executed and its meaning; the meaning is one of SIGNATURE_MEANINGS, never free text.
 * - §11.70 linking: a signature names the record it signs (kind and id) and the SHA-256 of that
 *   record's canonical content as signed (`signedContentHash`); verifying recomputes the hash from
 *   the stored record, so a signature cannot be moved to, or survive a change of, its record.
 * - §11.200(a)(1): a signature is executed with both identification components, the username and
 *   the password, re-entered by the signer in the request that signs (SignatureInput).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Role } from "./roles.ts";

/** What a signature means, in the words shown next to it (§11.50(a)(3)). */
export const SIGNATURE_MEANINGS = [
  "verified product identity at bedside",
  "released",
  "approved deviation",
  "released from quarantine",
  "rejected",
] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

/** The records that are signed. */
export const SIGNED_RECORD_KINDS = [
  /** a passed bedside verification (bedside_attempts) */
  "bedside-attempt",
  /** QA's release of a bag (release_evaluations, outcome released) */
  "product-release",
  /** the decision to use an out-of-specification bag (oos_exceptions) */
  "oos-exception",
  /** QA's decision on a quarantined product (the product event it applied) */
  "quarantine-decision",
] as const;
export type SignedRecordKind = (typeof SIGNED_RECORD_KINDS)[number];

/**
 * One signature as the signer gives it: both identification components and the meaning they
 * consent to. The password is checked (services/auth.ts verifyPassword) and never stored.
 */
export const SignatureInput = z.strictObject({
  username: z.string().min(1).max(100),
  // the password policy's 128 code points can take 512 UTF-16 units (as login)
  password: z.string().min(1).max(512),
  meaning: z.enum(SIGNATURE_MEANINGS),
});
export type SignatureInput = z.infer<typeof SignatureInput>;

/** The capacity an OOS exception is signed in, and the site role that capacity needs. */
export const OOS_CAPACITIES = ["investigator", "qa"] as const;
export type OosCapacity = (typeof OOS_CAPACITIES)[number];

/** An OOS exception signature also says in which capacity it is given. */
export const OosSignatureInput = SignatureInput.extend({ capacity: z.enum(OOS_CAPACITIES) });

/** Canonical form version: a change to any kind's content is a new version, never an edit. */
export const SIGNED_CONTENT_FORM = "v2v-signed-content/1";

/**
 * JSON with object keys sorted at every level and no spacing, so the same content always gives
 * the same text whatever order its fields were built in. Content holds only strings, finite
 * numbers, booleans, null, arrays and plain objects (times as ISO 8601 strings); anything else is
 * a programming error and throws.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("signed content holds a non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`signed content holds a ${typeof value} that has no canonical form`);
}

/** SHA-256 (hex) of the form name, a newline, and the canonical JSON of the record kind, id and content. */
export function signedContentHash(kind: SignedRecordKind, recordId: string, content: unknown): string {
  const text = `${SIGNED_CONTENT_FORM}\n${canonicalJson({ kind, recordId, content })}`;
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Which roles at the record's site may give a signature of each meaning (and capacity, for the OOS
 * exception). The bedside check is clinical (the roles holding clinical:write); release and
 * quarantine decisions are quality's alone (product:release, GMP's independent quality unit); the
 * OOS exception takes an investigator and QA.
 */
export function signingRoles(meaning: SignatureMeaning, capacity?: OosCapacity): readonly Role[] {
  switch (meaning) {
    case "verified product identity at bedside":
      return ["investigator", "coordinator"];
    case "approved deviation":
      return capacity === "investigator" ? ["investigator"] : ["quality"];
    case "released":
    case "released from quarantine":
    case "rejected":
      return ["quality"];
  }
}

/** The role a signer signs in: the first of the allowed roles they hold, or undefined. */
export function signingRole(
  held: readonly Role[],
  meaning: SignatureMeaning,
  capacity?: OosCapacity,
): Role | undefined {
  return signingRoles(meaning, capacity).find((r) => held.includes(r));
}
