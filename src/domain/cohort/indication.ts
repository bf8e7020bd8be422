/**
 * The indication a treated patient counts under in cohort results, from the diagnoses recorded as
 * conditions. Cohort reports split outcomes this way because the response criteria differ: Lugano
 * 2014 for lymphoma, IMWG for myeloma, DORIS/LLDAS/SLEDAI-2K for lupus. A patient with lupus AND a
 * lymphoma (the reference case) is "overlap": she belongs to neither group's denominator alone,
 * and her tumour response and lupus remission are both reported.
 *
 * Codes (shared/domain/workflow-standards.md §5.5, SNOMED CT confirmed in public code sets there):
 * SLE 55464009, lupus nephritis 68815009 (an SLE disorder), DLBCL 109969005. Multiple myeloma
 * 109989006 is SNOMED CT's "Multiple myeloma (disorder)", the code the demo records under. WHO
 * ICD-10 and ICD-10-CM by category: M32 SLE, C82–C88 non-Hodgkin and other B-cell lymphomas
 * (C81 Hodgkin is not a CD19 target and is left out), C90.0 multiple myeloma.
 */
import { CODE_SYSTEMS } from "../code-systems.ts";

export const INDICATIONS = ["lymphoma", "myeloma", "sle", "overlap"] as const;
export type Indication = (typeof INDICATIONS)[number];

export const INDICATION_LABELS: Record<Indication, string> = {
  lymphoma: "B-cell lymphoma",
  myeloma: "Multiple myeloma",
  sle: "Systemic lupus erythematosus",
  overlap: "Lupus with B-cell lymphoma",
};

export const DISEASES = ["lymphoma", "myeloma", "sle"] as const;
export type Disease = (typeof DISEASES)[number];

/**
 * The codes that name each disease: SNOMED CT codes, and ICD-10 / ICD-10-CM codes by prefix or
 * exactly (compared upper-case). One table, read by `diseaseOf` below and by the patient search's
 * SQL (store/patients.ts), so a patient found under a disease is one the cohorts count under it.
 */
export const DISEASE_CODES: Record<Disease, { snomed: string[]; icdPrefixes: string[]; icdExact: string[] }> =
  {
    sle: { snomed: ["55464009", "68815009"], icdPrefixes: ["M32"], icdExact: [] },
    lymphoma: {
      snomed: ["109969005"],
      icdPrefixes: ["C82", "C83", "C84", "C85", "C86", "C87", "C88"],
      icdExact: [],
    },
    myeloma: { snomed: ["109989006"], icdPrefixes: ["C90.0"], icdExact: ["C900", "C90"] },
  };

function icd10Disease(code: string): Disease | null {
  const c = code.toUpperCase();
  for (const d of DISEASES) {
    const { icdPrefixes, icdExact } = DISEASE_CODES[d];
    if (icdExact.includes(c) || icdPrefixes.some((p) => c.startsWith(p))) return d;
  }
  return null;
}

export interface CodedDiagnosis {
  codeSystem: string;
  code: string;
}

function diseaseOf(d: CodedDiagnosis): Disease | null {
  if (d.codeSystem === CODE_SYSTEMS.snomed)
    return DISEASES.find((x) => DISEASE_CODES[x].snomed.includes(d.code)) ?? null;
  if (d.codeSystem === CODE_SYSTEMS.icd10 || d.codeSystem === CODE_SYSTEMS.icd10cm)
    return icd10Disease(d.code);
  return null;
}

/**
 * The indication of a patient's diagnoses; null when none of them is one we treat. Lupus with a
 * lymphoma is "overlap"; lupus with myeloma, or lymphoma with myeloma, is not a combination the
 * program treats as one group, so the malignancy decides (the infusion treated it).
 */
export function indicationOf(diagnoses: readonly CodedDiagnosis[]): Indication | null {
  const found = new Set(diagnoses.map(diseaseOf).filter((d): d is Disease => d !== null));
  if (found.has("sle") && found.has("lymphoma")) return "overlap";
  if (found.has("myeloma")) return "myeloma";
  if (found.has("lymphoma")) return "lymphoma";
  if (found.has("sle")) return "sle";
  return null;
}

/** Indications whose tumour response is graded by Lugano 2014. */
export const hasLymphoma = (i: Indication | null) => i === "lymphoma" || i === "overlap";
/** Indications whose lupus remission is reported. */
export const hasLupus = (i: Indication | null) => i === "sle" || i === "overlap";
