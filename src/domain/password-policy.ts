/**
 * What a password set through the API or the CLI must be, after OWASP ASVS 4.0.3 V2.1 (Password
 * Security) and NIST SP 800-63B §5.1.1.2:
 * - at least 12 characters (V2.1.1), at most 128 (V2.1.2), counted as Unicode code points after
 *   NFKC normalisation (V2.1.4: any printable character, spaces and emoji included);
 * - not a commonly used or breached password (V2.1.7), compared without regard to case, and not
 *   one with only digits or symbols added around it ("Password2024!"); the list is the zxcvbn-ts
 *   project's common-password dictionary (see docs/decisions/0005), loaded by the caller;
 * - not the username, nor containing it (800-63B: context-specific words such as the username);
 * - and no composition rules (V2.1.9): no demand for upper case, digits or symbols.
 * Seeded demo accounts are not held to this (docs/decisions/0005).
 */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export interface PasswordContext {
  username?: string;
  /** true when the (lower-cased) string is on the common-password list */
  isCommon: (lowerCased: string) => boolean;
}

const length = (s: string) => [...s].length;

/** The problems with `password`, in words a user can act on; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const normalised = password.normalize("NFKC");
  const n = length(normalised);
  if (n < PASSWORD_MIN) return [`Use at least ${PASSWORD_MIN} characters (this has ${n}).`];
  if (n > PASSWORD_MAX) return [`Use at most ${PASSWORD_MAX} characters.`];
  const problems: string[] = [];
  const lower = normalised.toLowerCase();
  // The core of the password with any run of digits, symbols and spaces cut from both ends.
  const core = lower.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, "");
  if (context.isCommon(lower) || (core.length >= 4 && context.isCommon(core)) || /^(.)\1*$/u.test(lower))
    problems.push("This password is too common: it appears on lists attackers try first. Choose another.");
  const username = context.username?.normalize("NFKC").toLowerCase();
  if (username && (lower === username || (length(username) >= 3 && lower.includes(username))))
    problems.push("The password must not contain the username.");
  return problems;
}
