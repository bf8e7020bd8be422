/**
 * Citations shared by the CRS/ICANS family. Every threshold in this folder points back to one of
 * these; the table or footnote is named next to each threshold where it is used.
 */

/** Lee DW, Santomasso BD, Locke FL, et al. Biol Blood Marrow Transplant 2019;25(4):625–638. */
export const LEE_2019 =
  "Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release syndrome and " +
  "neurologic toxicity associated with immune effector cells. Biol Blood Marrow Transplant " +
  "2019;25(4):625–638. doi:10.1016/j.bbmt.2018.12.758";

/** Traube C, Silver G, Kearney J, et al. Crit Care Med 2014;42(3):656–663. */
export const TRAUBE_2014 =
  "Traube C, Silver G, Kearney J, et al. Cornell Assessment of Pediatric Delirium: a valid, rapid, " +
  "observational tool for screening delirium in the PICU. Crit Care Med 2014;42(3):656–663.";

export const RULE_SET_ASTCT = "ASTCT 2019 (Lee et al.)";
export const RULE_SET_CAPD = "CAPD (Traube et al. 2014)";

/** "Grade 3", "Grade 0" — one label shape for every grade in this family. */
export const gradeLabel = (grade: number): string => `Grade ${grade}`;
