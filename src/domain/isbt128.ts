/**
 * ISBT 128 identifiers used on CAR-T collections and bags: the Donation Identification Number
 * (DIN, Data Structure 001), its ISO/IEC 7064 MOD 37-2 keyboard-entry check character, and the
 * Chain of Identity (CoI) Identifier (Data Structure 040). Pure functions, no I/O.
 *
 * Sources (see shared/domain/workflow-standards.md §2.1–2.2, sources S15–S20):
 * - ICCBBA, ISBT 128 Standard Technical Specification ST-001 v6.2.2 (April 2023):
 *   §2.4.1 DIN layout `=αppppyynnnnnnff`; Table 3 [RT004] flag values; §7.4.1 printing the DIN;
 *   §7.5 keyboard entry check character K (§7.5.1.1: K is printed in a box); Table 30 [RT002]
 *   (K is required for DS 001 and DS 040); Appendix A (the MOD 37-2 steps, Table 35 [RT035],
 *   worked example G1234 17 654321 → A, Type 3 flags = checksum + 60); §2.4.40 DS 040
 *   `&/CHαppppyynnnnnn`.
 * - UK Red Book (JPAC), Annex 2 "ISBT 128 check character calculation": the same algorithm and the
 *   worked example G123 498 654 321 → weighted sum 148354, checksum 17, eye-readable H, bar-code
 *   check value 77.
 * - ISO/IEC 7064:2003, MOD 37-2 (pure system, modulus 37, radix 2): a check value c is chosen so
 *   that the weighted sum of data and check, with weight 2^n for the character n places from the
 *   right (the check character itself has weight 2^0), is ≡ 1 (mod 37).
 *
 * Where the notes and the standard differ (kept here, not silently): ST-001 allows letters
 * {A–N, P–Z} in the 2nd and 3rd FIN characters ("current usage is numeric for all four characters;
 * alpha characters may be introduced … in the future"), so this parser accepts them, although the
 * notes describe the FIN as 1 character + 4 digits. ST-001 Appendix A.3 (informative) says the first
 * character may be any capital letter or 1–9; the normative §2.4.1 excludes the letter O, which we
 * follow. Its sample C code skips invalid characters; we reject them (a hard stop fails closed).
 *
 * ICCBBA tables (flag meanings, product codes, registered FINs) are licensed and are not copied
 * here: flags are only classified by type, and a FIN is checked for shape, not registration.
 */
import { DomainError, type Issue } from "./errors.ts";

// ─── ISO/IEC 7064 MOD 37-2 ──────────────────────────────────────────────────────────────────

/** Table 35 [RT035]: character ↔ value. Position in this string is the value (0–36). */
export const MOD37_2_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";
/** Data characters may be 0–9 and A–Z; `*` (value 36) only ever appears as a check character. */
const MOD37_2_DATA = /^[0-9A-Z]+$/;

function charValue(ch: string): number {
  const code = ch.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 55; // '0'..'9' → 0..9, 'A'..'Z' → 10..35
}

/**
 * The ISO/IEC 7064 MOD 37-2 checksum (0–36) of `data` (capital letters and digits only).
 * Computed with the standard's recursive (Horner) form: r ← 2·(r + value) mod 37 for each character
 * left to right, which equals Σ value·2^n mod 37 with n counted from the right starting at 1 (the
 * Red Book / ST-001 Appendix A steps 1–4) without large intermediate sums. Then checksum =
 * (38 − r) mod 37, i.e. the value that brings the total to 1 (mod 37).
 */
export function mod37_2Checksum(data: string): number {
  if (!MOD37_2_DATA.test(data)) {
    throw new DomainError("validation", "ISO 7064 MOD 37-2 input must be one or more of 0–9, A–Z.", [
      {
        path: "",
        message: `'${data}' has characters outside 0–9, A–Z, or is empty.`,
        code: "invalid_character",
      },
    ]);
  }
  let r = 0;
  for (const ch of data) r = ((r + charValue(ch)) * 2) % 37;
  return (38 - r) % 37;
}

/** The check character for `data`: Table 35 read backwards from the checksum (0–9, A–Z or `*`). */
export function mod37_2CheckCharacter(data: string): string {
  return MOD37_2_CHARACTERS[mod37_2Checksum(data)]!;
}

/** True when the last character of `dataWithCheck` is the MOD 37-2 check character of the rest. */
export function isValidMod37_2(dataWithCheck: string): boolean {
  if (dataWithCheck.length < 2) return false;
  const data = dataWithCheck.slice(0, -1);
  if (!MOD37_2_DATA.test(data)) return false;
  return mod37_2CheckCharacter(data) === dataWithCheck.slice(-1);
}

// ─── Shared field rules ─────────────────────────────────────────────────────────────────────

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: Issue[] };

const FIN_FIRST = /^[A-NP-Z1-9]$/; // ST-001 §2.4.1: α ∈ {A–N; P–Z; 1–9}
const FIN_SECOND_THIRD = /^[A-NP-Z0-9]{2}$/; // pppp positions 1–2: {A–N; P–Z; 0–9}
const DIGITS = /^\d+$/;

const quote = (s: string) => JSON.stringify(s);

/** Problems with a 5-character Facility Identification Number (shape only; registration is ICCBBA's). */
function finProblems(fin: string, path: string): Issue[] {
  const ok =
    fin.length === 5 &&
    FIN_FIRST.test(fin[0]!) &&
    FIN_SECOND_THIRD.test(fin.slice(1, 3)) &&
    DIGITS.test(fin.slice(3));
  if (ok) return [];
  let why: string;
  if (fin.length !== 5) why = `it has ${fin.length} characters, not 5`;
  else if (!FIN_FIRST.test(fin[0]!))
    why =
      fin[0] === "O" || fin[0] === "0"
        ? "its first character may not be the letter O or the digit 0"
        : `its first character ${quote(fin[0]!)} must be a capital letter (not O) or a digit 1–9`;
  else if (!FIN_SECOND_THIRD.test(fin.slice(1, 3)))
    why = "its 2nd and 3rd characters must be digits (or capital letters other than O)";
  else why = "its 4th and 5th characters must be digits";
  return [
    {
      path,
      message: `Facility Identification Number ${quote(fin)} is not valid: ${why} (ISBT 128 ST-001 §2.4.1).`,
      code: "invalid_fin",
    },
  ];
}

function yearProblems(year: string, path: string): Issue[] {
  return /^\d{2}$/.test(year)
    ? []
    : [
        {
          path,
          message: `Year ${quote(year)} must be 2 digits (last two digits of the year).`,
          code: "invalid_year",
        },
      ];
}

function normaliseYear(year: number | string, path: string): { value: string; problems: Issue[] } {
  if (typeof year === "number") {
    if (Number.isInteger(year) && year >= 0 && year <= 99)
      return { value: String(year).padStart(2, "0"), problems: [] };
    if (Number.isInteger(year) && year >= 1000 && year <= 9999)
      return { value: String(year % 100).padStart(2, "0"), problems: [] };
    return {
      value: "",
      problems: [{ path, message: `Year ${year} must be 0–99 or a four-digit year.`, code: "invalid_year" }],
    };
  }
  const value = /^\d{4}$/.test(year) ? year.slice(2) : year;
  return { value, problems: yearProblems(value, path) };
}

/** Whitespace separates printed groups (e.g. "A9998 18 123456 N", "G123 498 654 321"); drop it. */
const compact = (text: string) => text.replace(/\s+/g, "");

function lowercaseProblem(text: string, path: string): Issue[] {
  return /[a-z]/.test(text)
    ? [
        {
          path,
          message: `${quote(text)} has lower-case letters; ISBT 128 identifiers and check characters use capitals only.`,
          code: "lowercase",
        },
      ]
    : [];
}

// ─── Donation Identification Number (Data Structure 001) ────────────────────────────────────

export const DIN_LENGTH = 13;

/** The 13-character DIN and what is computed from it. */
export interface Din {
  /** the 13 data characters αppppyynnnnnn, no "=", no flags, no check character */
  din: string;
  /** Facility Identification Number (5) */
  fin: string;
  /** nominal year, last two digits */
  year: string;
  /** sequence number within FIN and year (6 digits) */
  sequence: string;
  /** ISO 7064 MOD 37-2 checksum, 0–36 */
  checksum: number;
  /** keyboard entry check character K, printed boxed after the DIN */
  checkCharacter: string;
  /** Type 3 flag value "60"–"96" (checksum + 60) for bar codes that carry the check in the flags */
  type3Flags: string;
}

/** ST-001 Table 3 [RT004], by type only (the meanings table is ICCBBA's). */
export type DinFlagType = "not-used" | "type-1-iccbba" | "type-2-local" | "type-3-check" | "reserved";

export interface DinFlags {
  value: string;
  type: DinFlagType;
}

export interface ParsedDin extends Din {
  /** flag characters when the input carried them (bar-code data or 15-character data content) */
  flags: DinFlags | null;
  /** the check character typed after the DIN, when the input had one (already verified) */
  enteredCheckCharacter: string | null;
  /** which accepted form the input was in */
  form: "din" | "din+check" | "data-content" | "barcode";
}

const FLAG_CHARS = /^[0-9A-HJ-NPR-Y]{2}$/; // ST-001 §2.4.1: ff ∈ {0–9}, {A–H; J–N; P; R–Y}

export function classifyDinFlags(ff: string): DinFlagType {
  if (ff === "00") return "not-used";
  if (!DIGITS.test(ff)) return "reserved"; // alphanumeric values: reserved for future assignment
  const n = Number(ff);
  if (n === 14) return "reserved";
  if (n <= 19) return "type-1-iccbba";
  if (n <= 59) return "type-2-local";
  if (n <= 96) return "type-3-check";
  return "reserved"; // 97–99
}

/** Problems with the 13 DIN characters, one issue per faulty field. */
function dinStructureProblems(din: string, path: string): Issue[] {
  if (din.length !== DIN_LENGTH)
    return [{ path, message: `A DIN has 13 characters; got ${din.length}.`, code: "invalid_length" }];
  const problems = finProblems(din.slice(0, 5), path);
  const year = din.slice(5, 7);
  if (!/^\d{2}$/.test(year))
    problems.push({
      path,
      message: `Characters 6–7 of the DIN (the year, ${quote(year)}) must be digits.`,
      code: "invalid_year",
    });
  const sequence = din.slice(7);
  if (!/^\d{6}$/.test(sequence))
    problems.push({
      path,
      message: `Characters 8–13 of the DIN (the sequence number, ${quote(sequence)}) must be 6 digits.`,
      code: "invalid_sequence",
    });
  return problems;
}

function dinOf(din: string): Din {
  const checksum = mod37_2Checksum(din);
  return {
    din,
    fin: din.slice(0, 5),
    year: din.slice(5, 7),
    sequence: din.slice(7),
    checksum,
    checkCharacter: MOD37_2_CHARACTERS[checksum]!,
    type3Flags: String(checksum + 60),
  };
}

const LENGTH_HELP =
  "Accepted: the 13-character DIN (FIN 5 + year 2 + sequence 6), the DIN + its check character (14), " +
  "the DIN + 2 flag characters (15), or '=' + DIN + flags as read from the bar code (16). Spaces are ignored.";

/**
 * Parse a DIN in any of the forms it is met in: typed from a label (spaces between groups, optionally
 * followed by the boxed check character), bar-code data (`=` + DIN + flags), or data content (DIN +
 * flags). A typed check character must match; Type 3 flags (60–96) must equal checksum + 60.
 * `path` is the JSON Pointer used in problems (e.g. "/din").
 */
export function parseDin(text: string, path = ""): ParseResult<ParsedDin> {
  const s = compact(text);
  const lower = lowercaseProblem(s, path);
  if (lower.length) return { ok: false, problems: lower };
  let din: string;
  let flags: string | null = null;
  let entered: string | null = null;
  let form: ParsedDin["form"];
  if (s.startsWith("=")) {
    if (s.length !== 16)
      return {
        ok: false,
        problems: [
          {
            path,
            message: `Bar-code data for a DIN is '=' + 13 DIN characters + 2 flag characters (16); got ${s.length}.`,
            code: "invalid_length",
          },
        ],
      };
    [din, flags, form] = [s.slice(1, 14), s.slice(14), "barcode"];
  } else if (s.length === 13) [din, form] = [s, "din"];
  else if (s.length === 14) [din, entered, form] = [s.slice(0, 13), s.slice(13), "din+check"];
  else if (s.length === 15) [din, flags, form] = [s.slice(0, 13), s.slice(13), "data-content"];
  else
    return {
      ok: false,
      problems: [
        {
          path,
          message:
            s.length === 0
              ? `A DIN is required. ${LENGTH_HELP}`
              : `${quote(s)} has ${s.length} characters. ${LENGTH_HELP}`,
          code: s.length === 0 ? "required" : "invalid_length",
        },
      ],
    };

  const problems = dinStructureProblems(din, path);
  if (entered !== null && !MOD37_2_CHARACTERS.includes(entered))
    problems.push({
      path,
      message: `The check character ${quote(entered)} is not one of 0–9, A–Z or *.`,
      code: "invalid_check_character",
    });
  if (flags !== null && !FLAG_CHARS.test(flags))
    problems.push({
      path,
      message: `Flag characters ${quote(flags)} must be digits or capitals from A–H, J–N, P, R–Y (ST-001 §2.4.1).`,
      code: "invalid_flags",
    });
  if (problems.length) return { ok: false, problems };

  const value = dinOf(din);
  if (entered !== null && entered !== value.checkCharacter)
    problems.push(mismatchIssue(path, "DIN", eyeReadableText(value)));
  const flagType = flags === null ? null : classifyDinFlags(flags);
  if (flags !== null && flagType === "type-3-check" && flags !== value.type3Flags)
    problems.push({
      path,
      message: `The check flags ${flags} do not match DIN ${eyeReadableText(value)}: the bar code or the DIN is corrupt.`,
      code: "flag_check_mismatch",
    });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      ...value,
      flags: flags === null ? null : { value: flags, type: flagType! },
      enteredCheckCharacter: entered,
      form,
    },
  };
}

/** Throwing variant of `parseDin` for API-facing code: DomainError "validation" with the problems. */
export function requireDin(text: string, path = ""): ParsedDin {
  const r = parseDin(text, path);
  if (!r.ok)
    throw new DomainError("validation", "The Donation Identification Number is not valid.", r.problems);
  return r.value;
}

/** The MOD 37-2 check character of a 13-character DIN (throws DomainError "validation" if malformed). */
export function dinCheckCharacter(din13: string): string {
  const problems = dinStructureProblems(din13, "");
  if (problems.length)
    throw new DomainError("validation", "The Donation Identification Number is not valid.", problems);
  return mod37_2CheckCharacter(din13);
}

function normaliseDinSequence(sequence: number | string, path: string): { value: string; problems: Issue[] } {
  if (typeof sequence === "number") {
    if (Number.isInteger(sequence) && sequence >= 0 && sequence <= 999_999)
      return { value: String(sequence).padStart(6, "0"), problems: [] };
    return {
      value: "",
      problems: [
        { path, message: `Sequence ${sequence} must be a whole number 0–999999.`, code: "invalid_sequence" },
      ],
    };
  }
  return /^\d{6}$/.test(sequence)
    ? { value: sequence, problems: [] }
    : {
        value: "",
        problems: [
          { path, message: `Sequence ${quote(sequence)} must be 6 digits.`, code: "invalid_sequence" },
        ],
      };
}

/**
 * Build the 13-character DIN from its parts: FIN (5 characters), year (2 digits, 0–99 or a
 * four-digit year) and sequence (0–999999, zero-padded, or a 6-digit string). Throws DomainError
 * "validation" with paths /fin, /year, /sequence.
 */
export function formatDin(fin: string, year: number | string, sequence: number | string): string {
  const y = normaliseYear(year, "/year");
  const n = normaliseDinSequence(sequence, "/sequence");
  const problems = [...finProblems(fin, "/fin"), ...y.problems, ...n.problems];
  if (problems.length)
    throw new DomainError("validation", "A DIN cannot be built from these parts.", problems);
  return `${fin}${y.value}${n.value}`;
}

/** Bar-code data content for Code 128: "=" + DIN + flags. `flags` "type3" puts checksum + 60 there. */
export function dinBarcodeData(din13: string, flags: string = "00"): string {
  const d = requireDin(din13);
  if (d.form !== "din")
    throw new DomainError("validation", "Pass the 13-character DIN alone.", [
      {
        path: "",
        message: "dinBarcodeData takes the 13 DIN characters, without flags or check character.",
        code: "invalid_length",
      },
    ]);
  const ff = flags === "type3" ? d.type3Flags : flags;
  if (!FLAG_CHARS.test(ff))
    throw new DomainError("validation", "Invalid flag characters.", [
      {
        path: "/flags",
        message: `Flag characters ${quote(ff)} must be 2 characters from 0–9, A–H, J–N, P, R–Y.`,
        code: "invalid_flags",
      },
    ]);
  if (classifyDinFlags(ff) === "type-3-check" && ff !== d.type3Flags)
    throw new DomainError("validation", "Invalid flag characters.", [
      {
        path: "/flags",
        message: `Flags 60–96 carry the check value; for this DIN they must be ${d.type3Flags}.`,
        code: "flag_check_mismatch",
      },
    ]);
  return `=${d.din}${ff}`;
}

// ─── Eye-readable (printed) form ─────────────────────────────────────────────────────────────

/**
 * Printed-text conventions.
 * - "fin-year-sequence" (default): `A9998 18 123456`, the grouping of every DIN example in ST-001
 *   (§2.4.1 Figure 2, §7.4.1 "V0043 14 499999", §7.5.1.1 "A9998 18 123456" + boxed K). ST-001 §7.4.1
 *   leaves the grouping to national authorities.
 * - "uk-red-book": `G123 498 654 321` (4-3-3-3), as in UK Red Book Annex 2.
 */
export type DinTextStyle = "fin-year-sequence" | "uk-red-book";

export interface EyeReadableDin {
  /** the DIN split into printed groups */
  groups: string[];
  /** the DIN as printed under its bar code, e.g. "G1234 98 654321" */
  text: string;
  /** K: print it after the DIN inside a drawn box, in a font that tells 0/O and 1/I apart (§7.5.1.1) */
  checkCharacter: string;
  /**
   * Type 1 or Type 2 flag characters that must be printed, rotated 90° clockwise (or as an icon),
   * after the DIN (§7.4.1). null when there are none, when they are 00 (need not be printed) or when
   * they are Type 3 (never printed).
   */
  printedFlags: string | null;
  /** plain-text rendering where no box can be drawn: the check character in square brackets */
  plain: string;
}

function eyeReadableText(d: Din, style: DinTextStyle = "fin-year-sequence"): string {
  return groupsOf(d.din, style).join(" ");
}

function groupsOf(din: string, style: DinTextStyle): string[] {
  return style === "uk-red-book"
    ? [din.slice(0, 4), din.slice(4, 7), din.slice(7, 10), din.slice(10)]
    : [din.slice(0, 5), din.slice(5, 7), din.slice(7)];
}

/** The printed form of a DIN (any form `parseDin` accepts); throws DomainError "validation" if invalid. */
export function eyeReadable(din: string, style: DinTextStyle = "fin-year-sequence"): EyeReadableDin {
  const d = requireDin(din);
  const groups = groupsOf(d.din, style);
  const text = groups.join(" ");
  const t = d.flags?.type;
  const printedFlags = t === "type-1-iccbba" || t === "type-2-local" ? d.flags!.value : null;
  return {
    groups,
    text,
    checkCharacter: d.checkCharacter,
    printedFlags,
    plain: `${text} [${d.checkCharacter}]`,
  };
}

// ─── Bedside verification ────────────────────────────────────────────────────────────────────

export type VerificationFailure =
  | "malformed-identifier"
  | "malformed-check-character"
  | "check-character-mismatch";

/**
 * Outcome of checking an identifier against the check character a person read from the label.
 * A mismatch deliberately does not say which character was expected: showing it would let the
 * user copy it back and defeat the check. Anything but `ok: true` is a hard stop.
 */
export type DinVerification =
  | { ok: true; din: Din }
  | { ok: false; reason: VerificationFailure; issues: Issue[] };

function mismatchIssue(path: string, what: string, shown: string): Issue {
  return {
    path,
    message: `The check character does not match ${what} ${shown}. Re-read the ${what} and the boxed check character from the label; do not proceed.`,
    code: "check_character_mismatch",
  };
}

/**
 * The bedside comparison shared by DINs and CoI Identifiers: the identifier must parse, must not
 * carry its own check character, and the check character read from the label must be well formed
 * and equal the one computed from the identifier.
 */
function verifyAgainstLabel<
  P extends { enteredCheckCharacter: string | null },
  V extends { checkCharacter: string },
>(
  parsed: ParseResult<P>,
  checkChar: string,
  paths: { identifier: string; checkCharacter: string },
  text: { what: string; separately: string },
  strip: (parsed: P) => V,
  shown: (value: V) => string,
): { ok: true; value: V } | { ok: false; reason: VerificationFailure; issues: Issue[] } {
  if (!parsed.ok) return { ok: false, reason: "malformed-identifier", issues: parsed.problems };
  if (parsed.value.enteredCheckCharacter !== null)
    return {
      ok: false,
      reason: "malformed-identifier",
      issues: [{ path: paths.identifier, message: text.separately, code: "invalid_length" }],
    };
  const cp = checkCharacterProblems(checkChar, paths.checkCharacter);
  if (cp.length) return { ok: false, reason: "malformed-check-character", issues: cp };
  const value = strip(parsed.value);
  if (compact(checkChar) !== value.checkCharacter)
    return {
      ok: false,
      reason: "check-character-mismatch",
      issues: [mismatchIssue(paths.checkCharacter, text.what, shown(value))],
    };
  return { ok: true, value };
}

function checkCharacterProblems(checkChar: string, path: string): Issue[] {
  const c = compact(checkChar);
  if (c.length === 0) return [{ path, message: "The check character is required.", code: "required" }];
  if (/^[a-z]$/.test(c))
    return [{ path, message: `Check character ${quote(c)} must be a capital letter.`, code: "lowercase" }];
  if (c.length !== 1 || !MOD37_2_CHARACTERS.includes(c))
    return [
      {
        path,
        message: `The check character must be exactly one of 0–9, A–Z or *; got ${quote(c)}.`,
        code: "invalid_check_character",
      },
    ];
  return [];
}

/**
 * Check a DIN (typed with or without spaces, or scanned bar-code data "=DIN+flags") against the check
 * character read from the label. The DIN must not carry its own check character.
 */
export function verifyDin(
  din: string,
  checkChar: string,
  paths: { din: string; checkCharacter: string } = { din: "/din", checkCharacter: "/checkCharacter" },
): DinVerification {
  const r = verifyAgainstLabel(
    parseDin(din, paths.din),
    checkChar,
    { identifier: paths.din, checkCharacter: paths.checkCharacter },
    { what: "DIN", separately: "Give the 13-character DIN here and the check character separately." },
    ({ flags: _f, enteredCheckCharacter: _e, form: _form, ...value }) => value,
    eyeReadableText,
  );
  return r.ok ? { ok: true, din: r.value } : r;
}

/** `verifyDin` for API-facing code: returns the DIN or throws DomainError "validation" with paths. */
export function requireVerifiedDin(
  din: string,
  checkChar: string,
  paths: { din: string; checkCharacter: string } = { din: "/din", checkCharacter: "/checkCharacter" },
): Din {
  const r = verifyDin(din, checkChar, paths);
  if (!r.ok)
    throw new DomainError(
      "validation",
      r.reason === "check-character-mismatch"
        ? "The DIN and its check character do not match: stop and re-check the bag label."
        : "The DIN or its check character is not valid.",
      r.issues,
      { reason: r.reason },
    );
  return r.din;
}

// ─── Chain of Identity Identifier (Data Structure 040) ──────────────────────────────────────

/**
 * ISBT 128 CoI Identifier, ST-001 v6.2.2 §2.4.40: data identifier "&/", then the 15-character data
 * content "CH" + FIN of the issuing organisation (5) + nominal year (2 digits) + sequence (6
 * characters, A–Z or 0–9). One CoI Identifier links all DINs of one patient therapy event (notes
 * §2.2; it does not replace the DIN). ST-001 Table 30 makes the keyboard check character K required
 * for DS 040, computed with MOD 37-2 "from the data content string" (§7.5); we therefore compute it
 * over all 15 characters including "CH".
 *
 * Not verified (ST-028 and IG-050 were not available): whether ST-028 computes K over the same 15
 * characters, its printed grouping, and its allocation rules. The printed grouping below
 * ("CH A9999 25 ABC123" + boxed K) is our local convention; confirm against ST-028 before labels go
 * live. Sequences are allocated by the issuing facility per FIN and year (local rule).
 */
export const COI_DATA_IDENTIFIER = "&/";
export const COI_LENGTH = 15;

export interface CoiId {
  /** the 15-character data content, e.g. "CHA999925ABC123" */
  coiId: string;
  fin: string;
  year: string;
  sequence: string;
  checksum: number;
  checkCharacter: string;
}

export interface ParsedCoiId extends CoiId {
  enteredCheckCharacter: string | null;
  form: "content" | "content+check" | "barcode";
}

function coiStructureProblems(content: string, path: string): Issue[] {
  if (content.length !== COI_LENGTH)
    return [
      { path, message: `A CoI Identifier has 15 characters; got ${content.length}.`, code: "invalid_length" },
    ];
  if (!content.startsWith("CH"))
    return [
      {
        path,
        message: `A CoI Identifier starts with the literal "CH"; got ${quote(content.slice(0, 2))}.`,
        code: "invalid_prefix",
      },
    ];
  const problems = finProblems(content.slice(2, 7), path);
  const year = content.slice(7, 9);
  if (!/^\d{2}$/.test(year))
    problems.push({
      path,
      message: `Characters 8–9 (the year, ${quote(year)}) must be digits.`,
      code: "invalid_year",
    });
  const seq = content.slice(9);
  if (!/^[A-Z0-9]{6}$/.test(seq))
    problems.push({
      path,
      message: `Characters 10–15 (the sequence, ${quote(seq)}) must be 6 capital letters or digits.`,
      code: "invalid_sequence",
    });
  return problems;
}

function coiOf(content: string): CoiId {
  const checksum = mod37_2Checksum(content);
  return {
    coiId: content,
    fin: content.slice(2, 7),
    year: content.slice(7, 9),
    sequence: content.slice(9),
    checksum,
    checkCharacter: MOD37_2_CHARACTERS[checksum]!,
  };
}

/** Build the 15-character CoI data content. Sequence: 0–999999 (zero-padded) or 6 of A–Z, 0–9. */
export function formatCoiId(fin: string, year: number | string, sequence: number | string): string {
  const y = normaliseYear(year, "/year");
  let seq = "";
  const problems = [...finProblems(fin, "/fin"), ...y.problems];
  if (typeof sequence === "number") {
    if (Number.isInteger(sequence) && sequence >= 0 && sequence <= 999_999)
      seq = String(sequence).padStart(6, "0");
    else
      problems.push({
        path: "/sequence",
        message: `Sequence ${sequence} must be a whole number 0–999999.`,
        code: "invalid_sequence",
      });
  } else if (/^[A-Z0-9]{6}$/.test(sequence)) seq = sequence;
  else
    problems.push({
      path: "/sequence",
      message: `Sequence ${quote(sequence)} must be 6 capital letters or digits.`,
      code: "invalid_sequence",
    });
  if (problems.length)
    throw new DomainError("validation", "A CoI Identifier cannot be built from these parts.", problems);
  return `CH${fin}${y.value}${seq}`;
}

/** Parse "CH…" (15), "CH…" + K (16) or bar-code data "&/CH…" (17); spaces are ignored. */
export function parseCoiId(text: string, path = ""): ParseResult<ParsedCoiId> {
  const s = compact(text);
  const lower = lowercaseProblem(s, path);
  if (lower.length) return { ok: false, problems: lower };
  let content: string;
  let entered: string | null = null;
  let form: ParsedCoiId["form"];
  if (s.startsWith(COI_DATA_IDENTIFIER)) [content, form] = [s.slice(2), "barcode"];
  else if (s.length === 16) [content, entered, form] = [s.slice(0, 15), s.slice(15), "content+check"];
  else [content, form] = [s, "content"];
  if (s.length === 0)
    return { ok: false, problems: [{ path, message: "A CoI Identifier is required.", code: "required" }] };
  const problems = coiStructureProblems(content, path);
  if (entered !== null && !MOD37_2_CHARACTERS.includes(entered))
    problems.push({
      path,
      message: `The check character ${quote(entered)} is not one of 0–9, A–Z or *.`,
      code: "invalid_check_character",
    });
  if (problems.length) return { ok: false, problems };
  const value = coiOf(content);
  if (entered !== null && entered !== value.checkCharacter)
    return { ok: false, problems: [mismatchIssue(path, "CoI Identifier", coiText(value))] };
  return { ok: true, value: { ...value, enteredCheckCharacter: entered, form } };
}

/** The MOD 37-2 check character K of a 15-character CoI data content. */
export function coiCheckCharacter(coi: string): string {
  const problems = coiStructureProblems(coi, "");
  if (problems.length) throw new DomainError("validation", "The CoI Identifier is not valid.", problems);
  return mod37_2CheckCharacter(coi);
}

/** Bar-code data content: "&/" + the 15 characters. */
export function coiBarcodeData(coi: string): string {
  coiCheckCharacter(coi);
  return `${COI_DATA_IDENTIFIER}${coi}`;
}

const coiText = (c: CoiId) => `CH ${c.fin} ${c.year} ${c.sequence}`;

/** Printed form (local convention, see above): "CH A9999 25 ABC123" and K to be boxed. */
export function eyeReadableCoi(coi: string): { text: string; checkCharacter: string; plain: string } {
  const r = parseCoiId(coi);
  if (!r.ok) throw new DomainError("validation", "The CoI Identifier is not valid.", r.problems);
  const text = coiText(r.value);
  return { text, checkCharacter: r.value.checkCharacter, plain: `${text} [${r.value.checkCharacter}]` };
}

export type CoiVerification =
  | { ok: true; coi: CoiId }
  | { ok: false; reason: VerificationFailure; issues: Issue[] };

/** Check a CoI Identifier (no check character of its own) against the check character from the label. */
export function verifyCoiId(
  coi: string,
  checkChar: string,
  paths: { coiId: string; checkCharacter: string } = {
    coiId: "/coiId",
    checkCharacter: "/coiCheckCharacter",
  },
): CoiVerification {
  const r = verifyAgainstLabel(
    parseCoiId(coi, paths.coiId),
    checkChar,
    { identifier: paths.coiId, checkCharacter: paths.checkCharacter },
    { what: "CoI Identifier", separately: "Give the CoI Identifier and its check character separately." },
    ({ enteredCheckCharacter: _e, form: _f, ...value }) => value,
    coiText,
  );
  return r.ok ? { ok: true, coi: r.value } : r;
}
