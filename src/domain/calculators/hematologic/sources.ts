/**
 * Citations shared by the haematological-toxicity family. Every threshold in this folder points
 * back to one of these; the table (or the design decision) is named next to each threshold where
 * it is used.
 */

/** National Cancer Institute. CTCAE v5.0, 27 Nov 2017, "Blood and lymphatic system disorders" and "Investigations". */
export const CTCAE_V5 =
  "National Cancer Institute. Common Terminology Criteria for Adverse Events (CTCAE) v5.0, " +
  "27 November 2017. US Department of Health and Human Services.";

/** Rejeski K, Subklewe M, Aljurf M, et al. Blood 2023;142(10):865–877 (EHA/EBMT ICAHT consensus). */
export const REJESKI_2023 =
  "Rejeski K, Subklewe M, Aljurf M, et al. Immune effector cell–associated hematotoxicity: EHA/EBMT " +
  "consensus grading and best practice recommendations. Blood 2023;142(10):865–877. " +
  "doi:10.1182/blood.2023020578";

/**
 * Liang EC (Fred Hutchinson Cancer Center), automated ICAHT grading by EHA/EBMT criteria (public
 * R Markdown, github.com/emilyliangmd/automatedicahtgrading, index.Rmd). The counting rules that the
 * consensus leaves open (joining runs across non-stable recovery, "never recovered" as grade 4, the
 * late-phase "two lowest values" rule) follow this implementation; no code is taken from it.
 */
export const LIANG_ICAHT =
  "Liang EC. Automated approach to grade early and late ICAHT by EHA/EBMT criteria. Fred Hutchinson " +
  "Cancer Center; github.com/emilyliangmd/automatedicahtgrading (index.Rmd).";

/** Rejeski K, Perez A, Sesques P, et al. Blood 2021;138(24):2499–2513 (CAR-HEMATOTOX). */
export const REJESKI_2021 =
  "Rejeski K, Perez A, Sesques P, et al. CAR-HEMATOTOX: a model for CAR T-cell–related hematologic " +
  "toxicity in relapsed/refractory large B-cell lymphoma. Blood 2021;138(24):2499–2513. " +
  "doi:10.1182/blood.2020010543";

/** Hines MR, Knight TE, McNerney KO, et al. Transplant Cell Ther 2023;29(7):438.e1–438.e16 (ASTCT IEC-HS). */
export const HINES_2023 =
  "Hines MR, Knight TE, McNerney KO, et al. Immune effector cell-associated hemophagocytic " +
  "lymphohistiocytosis-like syndrome. Transplant Cell Ther 2023;29(7):438.e1–438.e16. " +
  "doi:10.1016/j.jtct.2023.03.006";

export const RULE_SET_CTCAE = "CTCAE v5.0 (NCI 2017)";
export const RULE_SET_ICAHT = "EHA/EBMT ICAHT 2023 (Rejeski et al.), counting rules after Liang";
export const RULE_SET_HEMATOTOX = "CAR-HEMATOTOX (Rejeski et al. 2021)";
export const RULE_SET_IEC_HS = "ASTCT IEC-HS 2023 (Hines et al.)";

/** Numbers in reasons: integers as they are, others without floating-point noise. */
export const num = (x: number): string => String(Number(x.toPrecision(10)));
