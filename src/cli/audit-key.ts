/**
 * The audit checkpoint signing key: an Ed25519 private key in a PEM file outside the database
 * (decision 0021). `V2V_AUDIT_KEY_FILE` names it; by default it is `audit-signing-key.pem` in
 * DATA_DIR, beside (never inside) PGlite's `pgdata`, and on the application host when the data
 * live on PostgreSQL. `serve` and `v2v audit checkpoint` create it on first use (mode 0600); the
 * verifier needs only its public key, which `v2v audit key` prints for auditors to pin.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

function asEd25519(key: KeyObject, path: string): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${path} is not an Ed25519 key.`);
  return key;
}

/** The private signing key at `path`; created when missing and `create` is set, else null. */
export function loadSigningKey(path: string, options: { create: boolean }): KeyObject | null {
  if (existsSync(path)) return asEd25519(createPrivateKey(readFileSync(path)), path);
  if (!options.create) return null;
  const { privateKey } = generateKeyPairSync("ed25519");
  mkdirSync(dirname(path), { recursive: true });
  // 'wx': never overwrite a key another process just wrote; that one is then read back.
  try {
    writeFileSync(path, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return asEd25519(createPrivateKey(readFileSync(path)), path);
  }
  return privateKey;
}

/** A public key from a PEM file holding either the public or the private key. */
export function loadPublicKey(path: string): KeyObject {
  const pem = readFileSync(path);
  const key = pem.includes("PRIVATE KEY") ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  return asEd25519(key, path);
}
