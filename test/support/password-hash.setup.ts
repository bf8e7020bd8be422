/**
 * Test set-up: argon2id hashing memoised per password within a test file. Worlds create a dozen
 * users with one shared password, and each real hash costs 19 MiB and tens of milliseconds; the
 * first hash of each password is real (same algorithm and parameters, checked in
 * sessions.test.ts) and verification is never touched, so every login still runs real argon2.
 */
import { vi } from "vitest";

vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  const made = new Map<string, Promise<string>>();
  const hash: typeof real.hash = (password, options) => {
    const key = JSON.stringify([String(password), options]);
    const known = made.get(key);
    if (known) return known;
    const h = real.hash(password, options);
    made.set(key, h);
    return h;
  };
  return { ...real, hash };
});
