/**
 * The codes the demo records under, in one table so a test can check them all at once. LOINC
 * codes and UCUM units come from shared/domain/workflow-standards.md §5.4 (verified there against
 * public mappings), the vital signs from the FHIR R4 vital-signs profile, and ECOG from the HL7
 * mCODE ECOG Performance Status profile. SNOMED CT codes come from §5.5.
 *
 * CAR-T transgene copies are deliberately absent: no LOINC code for "CAR transgene copies per µg
 * genomic DNA in blood" could be verified, and the API checks LOINC check digits, so a guessed code
 * would either be refused or, worse, silently mean something else. See reference-case.ts.
 */
import { CODE_SYSTEMS } from "../domain/code-systems.ts";

export interface LabCode {
  code: string;
  display: string;
  /** UCUM unit; null for coded results */
  unit: string | null;
}

export const LOINC = {
  antiDsDna: { code: "5130-0", display: "DNA double strand Ab [Units/volume] in Serum", unit: "[IU]/mL" },
  ana: { code: "8061-4", display: "Nuclear Ab [Presence] in Serum", unit: null },
  c3: { code: "4485-9", display: "Complement C3 [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  c4: { code: "4498-2", display: "Complement C4 [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  igg: { code: "2465-3", display: "IgG [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  urineProteinCreatinine: {
    code: "2890-2",
    display: "Protein/Creatinine [Mass Ratio] in Urine",
    unit: "mg/g",
  },
  cd19Absolute: { code: "8116-6", display: "CD19 cells [#/volume] in Blood", unit: "/uL" },
  wbc: { code: "6690-2", display: "Leukocytes [#/volume] in Blood by Automated count", unit: "10*3/uL" },
  neutrophils: {
    code: "751-8",
    display: "Neutrophils [#/volume] in Blood by Automated count",
    unit: "10*3/uL",
  },
  lymphocytes: {
    code: "731-0",
    display: "Lymphocytes [#/volume] in Blood by Automated count",
    unit: "10*3/uL",
  },
  hemoglobin: { code: "718-7", display: "Hemoglobin [Mass/volume] in Blood", unit: "g/dL" },
  platelets: { code: "777-3", display: "Platelets [#/volume] in Blood by Automated count", unit: "10*3/uL" },
  crp: { code: "1988-5", display: "C reactive protein [Mass/volume] in Serum or Plasma", unit: "mg/L" },
  ferritin: { code: "2276-4", display: "Ferritin [Mass/volume] in Serum or Plasma", unit: "ng/mL" },
  il6: { code: "26881-3", display: "Interleukin 6 [Mass/volume] in Serum or Plasma", unit: "pg/mL" },
  ldh: {
    code: "2532-0",
    display: "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma",
    unit: "U/L",
  },
  creatinine: { code: "2160-0", display: "Creatinine [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  temperature: { code: "8310-5", display: "Body temperature", unit: "Cel" },
  spo2: {
    code: "59408-5",
    display: "Oxygen saturation in Arterial blood by Pulse oximetry",
    unit: "%",
  },
  systolicBp: { code: "8480-6", display: "Systolic blood pressure", unit: "mm[Hg]" },
  weight: { code: "29463-7", display: "Body weight", unit: "kg" },
  height: { code: "8302-2", display: "Body height", unit: "cm" },
  ecog: { code: "89247-1", display: "ECOG Performance Status score", unit: "{score}" },
} as const satisfies Record<string, LabCode>;

export type LabKey = keyof typeof LOINC;

/** Every LOINC code the demo may record; the demo test checks each one's check digit. */
export const DEMO_LOINC_CODES: string[] = Object.values(LOINC).map((c) => c.code);

/**
 * The anti-dsDNA result below which the demo calls a sample negative. Cut-offs are assay-specific
 * (§5.4 notes); 10 IU/mL is a common one for ELISA kits and is used consistently here.
 */
export const ANTI_DSDNA_NEGATIVE_BELOW = 10;

export interface ConditionCode {
  codeSystem: string;
  code: string;
  display: string;
}

export const SNOMED = {
  sle: {
    codeSystem: CODE_SYSTEMS.snomed,
    code: "55464009",
    display: "Systemic lupus erythematosus",
  },
  lupusNephritis: {
    codeSystem: CODE_SYSTEMS.snomed,
    code: "68815009",
    display: "SLE glomerulonephritis syndrome (lupus nephritis)",
  },
  dlbcl: {
    codeSystem: CODE_SYSTEMS.snomed,
    code: "109969005",
    display: "Diffuse large B-cell lymphoma",
  },
  myeloma: { codeSystem: CODE_SYSTEMS.snomed, code: "109989006", display: "Multiple myeloma" },
} as const satisfies Record<string, ConditionCode>;

/**
 * The drugs the demo prescribes, with WHO ATC codes. Only long-stable codes are used; drugs whose
 * ATC code moved in recent revisions (several antibodies did in 2022–2024) are recorded uncoded.
 */
export const DRUGS = {
  prednisone: { name: "prednisone", atc: "H02AB07" },
  dexamethasone: { name: "dexamethasone", atc: "H02AB02" },
  hydroxychloroquine: { name: "hydroxychloroquine", atc: "P01BA02" },
  mycophenolate: { name: "mycophenolate mofetil", atc: "L04AA06" },
  fludarabine: { name: "fludarabine", atc: "L01BB05" },
  cyclophosphamide: { name: "cyclophosphamide", atc: "L01AA01" },
  paracetamol: { name: "paracetamol", atc: "N02BE01" },
  aciclovir: { name: "aciclovir", atc: "J05AB01" },
  cotrimoxazole: { name: "sulfamethoxazole-trimethoprim", atc: "J01EE01" },
  tocilizumab: { name: "tocilizumab", atc: "L04AC07" },
} as const;

export type DrugKey = keyof typeof DRUGS;

/** The drug fields of a medication record for one of the demo's drugs. */
export function drug(key: DrugKey): { drug: string; drugCodeSystem: string; drugCode: string } {
  return { drug: DRUGS[key].name, drugCodeSystem: CODE_SYSTEMS.atc, drugCode: DRUGS[key].atc };
}
