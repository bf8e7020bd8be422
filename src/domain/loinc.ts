/**
 * LOINC code syntax and check digit.
 *
 * A LOINC code is a number of 1–7 digits, a hyphen and one check digit computed with the mod-10
 * (Luhn) algorithm over the digits before the hyphen. Source: LOINC Users' Guide, "Calculating
 * Mod 10 check digits" (Regenstrief Institute). Worked examples: 5130-0 (anti-dsDNA) is valid,
 * 5130-2 is not (see shared/domain/workflow-standards.md §5.4, which flags that exact mistake).
 */
const LOINC_SYNTAX = /^(\d{1,7})-(\d)$/;

export function loincCheckDigit(body: string): number {
  let sum = 0;
  // Luhn: double every second digit counted from the rightmost digit of the body.
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export type LoincProblem = "syntax" | "check-digit";

export function checkLoincCode(code: string): LoincProblem | null {
  const m = LOINC_SYNTAX.exec(code);
  if (!m) return "syntax";
  return loincCheckDigit(m[1]!) === Number(m[2]) ? null : "check-digit";
}
