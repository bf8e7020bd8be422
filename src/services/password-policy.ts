/**
 * Checks a new password against domain/password-policy.ts with the common-password list loaded
 * once, on first use (about 49,000 entries from @zxcvbn-ts/language-common, MIT licence; why this
 * list: docs/decisions/0005). Decompressing it takes ~0.1 s, so processes that never set a
 * password never pay for it.
 */
import { validationError } from "../domain/errors.ts";
import { passwordProblems } from "../domain/password-policy.ts";

let common: Promise<ReadonlySet<string>> | null = null;

export function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(
    (m) => new Set((m.dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase())),
  );
  return common;
}

/** Throws a validation error at `path` naming every problem with the password. */
export async function requireAcceptablePassword(password: string, username: string, path = "/password") {
  const list = await commonPasswords();
  const problems = passwordProblems(password, { username, isCommon: (p) => list.has(p) });
  if (problems.length)
    throw validationError(
      problems.map((message) => ({ path, message, code: "weak_password" })),
      "The password does not meet the password policy; nothing was written.",
    );
}
