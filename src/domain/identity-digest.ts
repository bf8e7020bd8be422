/**
 * The commitment to replaced identity values that the (monitor-readable) audit record carries
 * instead of the values (migration 0013, decisions 0007 and 0021): SHA-256 over a random 32-byte
 * salt, kept with the values in identity history, and the values as JSON in a fixed key order.
 * Without the salt nobody can test guessed names against it; with the history row anyone who may
 * read identity (and the verifier) can check that the row is the one the audit recorded.
 */
import { createHash } from "node:crypto";

export interface IdentityValues {
  familyName: string;
  givenName: string;
  sex: string;
  birthDate: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  homeRegion: string | null;
  nationalId: string | null;
}

export function identityDigest(salt: Uint8Array, v: IdentityValues): string {
  const json = JSON.stringify([
    v.familyName,
    v.givenName,
    v.sex,
    v.birthDate,
    v.phone,
    v.email,
    v.address,
    v.homeRegion,
    v.nationalId,
  ]);
  return createHash("sha256").update(salt).update(json, "utf8").digest("hex");
}
