/**
 * The LOINC codes a lab file may carry, each with the one unit its numeric results are stored in.
 *
 * Canonical units are LOINC's example UCUM units for the code, as listed in
 * shared/domain/workflow-standards.md §5.4 (checked there against the NLM Lister Hill Center
 * LOINC/UCUM table [S46] and independent FHIR value sets [S47]); vital signs follow the FHIR R4
 * vital-signs profile (Cel, %, mm[Hg], kg, cm) and ECOG the HL7 mCODE ECOG profile ({score}).
 * The table covers every code in src/demo/codes.ts (a test checks that) and the §5.4 alternatives,
 * and the codes the services read beyond §5.4 (IgA 2458-8 and IgM 2472-9 for the immunoglobulin
 * nadirs, molar creatinine 14682-9 for the lymphodepletion plan, 24-hour urine protein 2889-4 for
 * the SLEDAI-2K prefill, inhaled oxygen flow 3151-8 for the derived CRS grade), with the names
 * public LOINC value sets give them (found by exact-string search, [S47]) and the units those
 * services already read. Each quantity code also has physiological limits (../plausibility.ts).
 *
 * Mass ↔ amount-of-substance conversion needs a molecular weight; it is given only where a
 * clinically agreed factor exists, with that factor cited. Everywhere else a molar result under a
 * mass code (or the reverse) is refused as incompatible: LOINC gives molar results their own
 * codes, and guessing a molecular weight would silently change a result.
 */

export type ResultKind = "quantity" | "coded";

export interface LabCodeEntry {
  display: string;
  kind: ResultKind;
  /** UCUM code results are stored in; null for coded results */
  canonicalUnit: string | null;
  /** g/mol, for mass ↔ molar conversions only */
  molecularWeight?: number;
}

/**
 * Haemoglobin: g/dL × 0.6206 = mmol/L, the conversion CTCAE v5.0 uses for its anaemia grades
 * (10.0 g/dL = 6.2 mmol/L, 8.0 g/dL = 4.9 mmol/L) and the one src/domain/lab-units.ts has used.
 * It counts haemoglobin per haem (monomer), so 1 g/dL = 10 g/L = 0.6206 mmol/L, i.e. a molecular
 * weight of 10 / 0.6206 kg/mol.
 */
export const HEMOGLOBIN_MMOL_PER_L_PER_G_PER_DL = 0.6206;
const HEMOGLOBIN_G_PER_MOL = 10_000 / HEMOGLOBIN_MMOL_PER_L_PER_G_PER_DL;

/**
 * Creatinine: 1 mg/dL = 88.4 µmol/L (KDIGO 2012 CKD guideline, units note), i.e. a molecular
 * weight of 10 mg/L ÷ 88.4 µmol/L = 113.1 g/mol.
 */
export const CREATININE_UMOL_PER_L_PER_MG_PER_DL = 88.4;
const CREATININE_G_PER_MOL = 10_000 / CREATININE_UMOL_PER_L_PER_MG_PER_DL;

const q = (display: string, canonicalUnit: string, molecularWeight?: number): LabCodeEntry => ({
  display,
  kind: "quantity",
  canonicalUnit,
  ...(molecularWeight === undefined ? {} : { molecularWeight }),
});
const coded = (display: string): LabCodeEntry => ({ display, kind: "coded", canonicalUnit: null });

export const LAB_CODES: Readonly<Record<string, LabCodeEntry>> = {
  // Autoantibodies and complement
  "5130-0": q("DNA double strand Ab [Units/volume] in Serum", "[IU]/mL"),
  "33800-4": q("DNA double strand IgG Ab [Units/volume] in Serum", "[IU]/mL"),
  "8061-4": coded("Nuclear Ab [Presence] in Serum"),
  "42254-3": coded("Nuclear Ab [Presence] in Serum by Immunofluorescence"),
  "27200-5": q("Nuclear Ab [Units/volume] in Serum", "[arb'U]/mL"),
  "4485-9": q("Complement C3 [Mass/volume] in Serum or Plasma", "mg/dL"),
  "4498-2": q("Complement C4 [Mass/volume] in Serum or Plasma", "mg/dL"),
  "2465-3": q("IgG [Mass/volume] in Serum or Plasma", "mg/dL"),
  "2458-8": q("IgA [Mass/volume] in Serum or Plasma", "mg/dL"),
  "2472-9": q("IgM [Mass/volume] in Serum or Plasma", "mg/dL"),
  // Inflammation and CRS
  "1988-5": q("C reactive protein [Mass/volume] in Serum or Plasma", "mg/L"),
  "30522-7": q("C reactive protein [Mass/volume] in Serum or Plasma by High sensitivity method", "mg/L"),
  "2276-4": q("Ferritin [Mass/volume] in Serum or Plasma", "ng/mL"),
  "26881-3": q("Interleukin 6 [Mass/volume] in Serum or Plasma", "pg/mL"),
  "2532-0": q("Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma", "U/L"),
  // Blood counts
  "6690-2": q("Leukocytes [#/volume] in Blood by Automated count", "10*3/uL"),
  "26464-8": q("Leukocytes [#/volume] in Blood", "10*3/uL"),
  "751-8": q("Neutrophils [#/volume] in Blood by Automated count", "10*3/uL"),
  "731-0": q("Lymphocytes [#/volume] in Blood by Automated count", "10*3/uL"),
  "26474-7": q("Lymphocytes [#/volume] in Blood", "10*3/uL"),
  "777-3": q("Platelets [#/volume] in Blood by Automated count", "10*3/uL"),
  "26515-7": q("Platelets [#/volume] in Blood", "10*3/uL"),
  "718-7": q("Hemoglobin [Mass/volume] in Blood", "g/dL", HEMOGLOBIN_G_PER_MOL),
  // B cells (§5.4: the NLM table's "#/mm3" is not UCUM; /uL is the same quantity)
  "8116-6": q("CD19 cells [#/volume] in Blood", "/uL"),
  "20593-0": q("CD19 cells/100 cells in Unspecified specimen", "%"),
  // Kidney
  "2160-0": q("Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", CREATININE_G_PER_MOL),
  "2890-2": q("Protein/Creatinine [Mass Ratio] in Urine", "mg/g"),
  "9318-7": q("Albumin/Creatinine [Mass Ratio] in Urine", "mg/g"),
  "14682-9": q("Creatinine [Moles/volume] in Serum or Plasma", "umol/L", CREATININE_G_PER_MOL),
  "2889-4": q("Protein [Mass/time] in 24 hour Urine", "g/(24.h)"),
  // Vital signs (FHIR R4 vital-signs profile units) and performance status
  "8310-5": q("Body temperature", "Cel"),
  "59408-5": q("Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
  "8480-6": q("Systolic blood pressure", "mm[Hg]"),
  "8462-4": q("Diastolic blood pressure", "mm[Hg]"),
  "8867-4": q("Heart rate", "/min"),
  // The device as a code of the CRS calculator's OxygenDevice list (domain/vital-signs.ts).
  "107117-4": coded("Method of oxygen delivery"),
  "29463-7": q("Body weight", "kg"),
  "8302-2": q("Body height", "cm"),
  "3151-8": q("Inhaled oxygen flow rate", "L/min"),
  "89247-1": q("ECOG Performance Status score", "{score}"),
};

export function labCode(loinc: string): LabCodeEntry | undefined {
  return Object.hasOwn(LAB_CODES, loinc) ? LAB_CODES[loinc] : undefined;
}
