/**
 * Warnings for blood counts that look entered in the wrong unit (issue 10). The haematology
 * calculators take counts in cells/µL; laboratories print them in × 10³/µL (= × 10⁹/L), so a
 * platelet count of "200" typed from a report that says 200 × 10³/µL grades as a grade 4
 * thrombocytopenia of 200 cells/µL. The calculators still grade what was entered (a count may
 * truly be that low, and a calculator does not guess), but the result carries a warning naming
 * the field, and the grading form shows it next to the result.
 *
 * Two rules, both in cells/µL:
 * - **Below what an analyser reports.** Automated haematology analysers report platelets in whole
 *   10⁹/L (so the smallest non-zero platelet count is 1,000/µL) and leukocyte counts (WBC, ANC,
 *   lymphocytes) to two decimals of 10⁹/L (10/µL). A non-zero count below that did not come from
 *   an analyser in cells/µL; it reads like × 10³/µL. (Stated rationale: the reporting resolution of
 *   the analysers' display formats, e.g. PLT "×10³/µL" without decimals and WBC "×10³/µL" with two;
 *   a manual count may differ, which is why this is a warning and not a refusal.) Zero is zero in
 *   every unit and is never warned about.
 * - **An LLN no laboratory uses.** A lower limit of normal below 10,000/µL for platelets or
 *   100/µL for leukocyte counts is below every published adult or paediatric reference interval
 *   (platelet lower limits are of the order of 150,000/µL, ANC 1,500–2,000/µL, lymphocytes about
 *   1,000/µL, WBC about 4,000/µL; the floors are a tenth or less of any of them), so it reads like
 *   × 10³/µL too.
 */
import type { CalculatorWarning } from "../calculator.ts";

export type CountAnalyte = "platelets" | "leukocytes";

/** Smallest non-zero count an analyser reports, in cells/µL. */
export const ANALYSER_RESOLUTION_PER_UL: Record<CountAnalyte, number> = { platelets: 1000, leukocytes: 10 };
/** Below this an LLN is in the wrong unit, in cells/µL. */
export const LLN_FLOOR_PER_UL: Record<CountAnalyte, number> = { platelets: 10_000, leukocytes: 100 };

export const COUNT_UNIT_WARNING = "count_unit_suspect";

/** 150000 → "150,000"; 1.5 → "1.5" */
const num = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 6 });
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const thousands = (x: number) => num(Math.round(x * 1000 * 1e6) / 1e6);

/** Warnings for one count (and its LLN, when given) entered in cells/µL; `label` as in "ANC", "platelets". */
export function countUnitWarnings(
  analyte: CountAnalyte,
  label: string,
  count: { value: number; path: string },
  lln?: { value: number; path: string },
): CalculatorWarning[] {
  const out: CalculatorWarning[] = [];
  const resolution = ANALYSER_RESOLUTION_PER_UL[analyte];
  const resolutionText =
    analyte === "platelets"
      ? "1,000/µL (1 × 10⁹/L; platelets are reported in whole 10⁹/L)"
      : "10/µL (0.01 × 10⁹/L)";
  if (count.value > 0 && count.value < resolution)
    out.push({
      path: count.path,
      code: COUNT_UNIT_WARNING,
      message:
        `${cap(label)} ${num(count.value)} cells/µL is below ${resolutionText}, the smallest count an analyser reports: ` +
        `this field is in cells/µL. If the laboratory reported ${num(count.value)} × 10³/µL (× 10⁹/L), enter ` +
        `${thousands(count.value)}${lln && count.value * 1000 >= lln.value ? ` (at or above the LLN of ${num(lln.value)})` : ""}. ` +
        `Graded as entered.`,
    });
  if (lln && lln.value < LLN_FLOOR_PER_UL[analyte])
    out.push({
      path: lln.path,
      code: COUNT_UNIT_WARNING,
      message:
        `An LLN of ${num(lln.value)} cells/µL for ${label} is below ${num(LLN_FLOOR_PER_UL[analyte])}/µL, lower ` +
        `than any laboratory's lower limit of normal: this field is in cells/µL. If it was ${num(lln.value)} × 10³/µL, ` +
        `enter ${thousands(lln.value)}. Graded as entered.`,
    });
  return out;
}

/** One warning for the values of a series that read like × 10³/µL, listing them. */
export function seriesUnitWarning(
  analyte: CountAnalyte,
  label: string,
  path: string,
  points: ReadonlyArray<{ studyDay: number; value: number }>,
): CalculatorWarning[] {
  const resolution = ANALYSER_RESOLUTION_PER_UL[analyte];
  const odd = points.filter((p) => p.value > 0 && p.value < resolution);
  if (odd.length === 0) return [];
  const shown = odd
    .slice(0, 6)
    .map((p) => `${num(p.value)} on day ${p.studyDay}`)
    .join(", ");
  return [
    {
      path,
      code: COUNT_UNIT_WARNING,
      message:
        `${odd.length} of ${points.length} ${label} values are below ${num(resolution)} cells/µL, the smallest count an analyser ` +
        `reports (${shown}${odd.length > 6 ? ", …" : ""}): the values are in cells/µL; if they were × 10³/µL (× 10⁹/L), ` +
        `multiply by 1,000. Graded as entered.`,
    },
  ];
}
