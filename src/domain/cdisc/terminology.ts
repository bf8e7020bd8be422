/**
 * CDISC controlled terminology the SDTM export uses, and the maps from what vein2vein records
 * (LOINC codes, UCUM units, our enums) to it. Terms are those of the SDTM Controlled Terminology
 * package 2024-03-29 published by NCI EVS (https://evs.nci.nih.gov/ftp1/CDISC/SDTM/); the NCI
 * codelist codes are given for the codelists the Define-XML names. The terms were written from
 * that package's codelists, not generated from the file, so a conformance check (CDISC CORE or
 * Pinnacle 21) is the next step before a submission (decision 0033).
 *
 * Where no CDISC term exists for something we record (Lugano sum of products, Deauville score,
 * CAR-T dose units, a Lugano PET category), the value is marked `extended`: Define-XML lists it
 * with def:ExtendedValue="Yes", the standard way to say "sponsor-defined".
 */

export const CT_PACKAGE = "SDTM Controlled Terminology 2024-03-29 (NCI EVS)";
export const SDTMIG_VERSION = "3.4";

export interface Term {
  value: string;
  decode?: string;
  /** not in the CDISC codelist: a sponsor extension */
  extended?: boolean;
}

export interface Codelist {
  name: string;
  /** NCI codelist code, when the codelist is CDISC's */
  nciCode?: string;
  extensible: boolean;
  /** a codelist of our own where CDISC has none: its values are not extensions of anything */
  sponsorDefined?: boolean;
  terms: Term[];
}

/** One lab or vital-sign test: its SDTM test code and name for a LOINC code we record. */
export interface FindingTest {
  loinc: string;
  testcd: string;
  test: string;
  category?: string;
  specimen?: string;
  extended?: boolean;
}

/** LB tests (LBTESTCD codelist C65047) for the LOINC codes vein2vein records (demo/codes.ts). */
export const LB_TESTS: readonly FindingTest[] = [
  { loinc: "718-7", testcd: "HGB", test: "Hemoglobin", category: "HEMATOLOGY", specimen: "BLOOD" },
  { loinc: "6690-2", testcd: "WBC", test: "Leukocytes", category: "HEMATOLOGY", specimen: "BLOOD" },
  { loinc: "751-8", testcd: "NEUT", test: "Neutrophils", category: "HEMATOLOGY", specimen: "BLOOD" },
  { loinc: "731-0", testcd: "LYM", test: "Lymphocytes", category: "HEMATOLOGY", specimen: "BLOOD" },
  { loinc: "777-3", testcd: "PLAT", test: "Platelets", category: "HEMATOLOGY", specimen: "BLOOD" },
  // CD19+ B cells counted by flow cytometry; no absolute-count test code was found for it.
  {
    loinc: "8116-6",
    testcd: "CD19",
    test: "CD19 Cells",
    category: "IMMUNOLOGY",
    specimen: "BLOOD",
    extended: true,
  },
  { loinc: "1988-5", testcd: "CRP", test: "C Reactive Protein", category: "CHEMISTRY", specimen: "SERUM" },
  { loinc: "2276-4", testcd: "FERRITIN", test: "Ferritin", category: "CHEMISTRY", specimen: "SERUM" },
  { loinc: "26881-3", testcd: "IL6", test: "Interleukin 6", category: "IMMUNOLOGY", specimen: "SERUM" },
  { loinc: "2532-0", testcd: "LDH", test: "Lactate Dehydrogenase", category: "CHEMISTRY", specimen: "SERUM" },
  { loinc: "2160-0", testcd: "CREAT", test: "Creatinine", category: "CHEMISTRY", specimen: "SERUM" },
  { loinc: "2465-3", testcd: "IGG", test: "Immunoglobulin G", category: "IMMUNOLOGY", specimen: "SERUM" },
  { loinc: "4485-9", testcd: "C3", test: "Complement C3", category: "IMMUNOLOGY", specimen: "SERUM" },
  { loinc: "4498-2", testcd: "C4", test: "Complement C4", category: "IMMUNOLOGY", specimen: "SERUM" },
  {
    loinc: "5130-0",
    testcd: "DSDNAAB",
    test: "Double-Stranded DNA Antibody",
    category: "IMMUNOLOGY",
    specimen: "SERUM",
  },
  {
    loinc: "8061-4",
    testcd: "ANA",
    test: "Antinuclear Antibodies",
    category: "IMMUNOLOGY",
    specimen: "SERUM",
  },
  {
    loinc: "2890-2",
    testcd: "PROTCRT",
    test: "Protein/Creatinine",
    category: "URINALYSIS",
    specimen: "URINE",
  },
];

/** VS tests (VSTESTCD codelist C66741). */
export const VS_TESTS: readonly FindingTest[] = [
  { loinc: "8310-5", testcd: "TEMP", test: "Temperature" },
  { loinc: "59408-5", testcd: "OXYSAT", test: "Oxygen Saturation" },
  { loinc: "8480-6", testcd: "SYSBP", test: "Systolic Blood Pressure" },
  { loinc: "8462-4", testcd: "DIABP", test: "Diastolic Blood Pressure" },
  { loinc: "8867-4", testcd: "HR", test: "Heart Rate" },
  { loinc: "9279-1", testcd: "RESP", test: "Respiratory Rate" },
  { loinc: "29463-7", testcd: "WEIGHT", test: "Weight" },
  { loinc: "8302-2", testcd: "HEIGHT", test: "Height" },
];

/** ECOG performance status (LOINC 89247-1) is a clinical classification: RS in SDTMIG 3.4. */
export const ECOG_LOINC = "89247-1";

/**
 * UCUM units as stored → CDISC UNIT codelist (C71620) submission values. A unit missing here is
 * written as stored and listed as an extended value.
 */
export const UNITS: Readonly<Record<string, string>> = {
  "g/dL": "g/dL",
  "g/L": "g/L",
  "mg/dL": "mg/dL",
  "mg/L": "mg/L",
  "ng/mL": "ng/mL",
  "pg/mL": "pg/mL",
  "U/L": "U/L",
  "[IU]/mL": "IU/mL",
  "mg/g": "mg/g",
  "10*3/uL": "10^3/uL",
  "10*9/L": "10^9/L",
  "/uL": "/uL",
  Cel: "C",
  "%": "%",
  "mm[Hg]": "mmHg",
  kg: "kg",
  cm: "cm",
  "/min": "beats/min",
  mg: "mg",
  "mg/kg": "mg/kg",
  "mg/m2": "mg/m2",
};

export function cdiscUnit(ucum: string | null): string | null {
  if (ucum === null) return null;
  return UNITS[ucum] ?? ucum;
}

/** Our patient sex (schemas/common.ts Sex) → SEX codelist C66731. */
export const SEX: Readonly<Record<string, string>> = {
  female: "F",
  male: "M",
  other: "UNDIFFERENTIATED",
  unknown: "U",
};

/** Medication routes as recorded → ROUTE codelist C66729. */
export const ROUTES: Readonly<Record<string, string>> = {
  oral: "ORAL",
  intravenous: "INTRAVENOUS",
  subcutaneous: "SUBCUTANEOUS",
  intramuscular: "INTRAMUSCULAR",
  topical: "TOPICAL",
  inhalation: "RESPIRATORY (INHALATION)",
};

/** Frequencies as recorded → FREQ codelist C71113; others stay in --DOSRGM as text. */
export const FREQUENCIES: Readonly<Record<string, string>> = {
  "once daily": "QD",
  "twice daily": "BID",
  "three times daily": "TID",
  "four times daily": "QID",
  "as needed": "PRN",
  once: "ONCE",
  "every 6 hours": "Q6H",
  "every 8 hours": "Q8H",
  "every 12 hours": "Q12H",
};

/** Journey events that are disposition events or protocol milestones, with their DSDECOD. */
export const DISPOSITIONS: Readonly<
  Record<string, { category: "DISPOSITION EVENT" | "PROTOCOL MILESTONE"; decod: string }>
> = {
  "sign-consent": { category: "PROTOCOL MILESTONE", decod: "INFORMED CONSENT OBTAINED" },
  "fail-screening": { category: "DISPOSITION EVENT", decod: "SCREEN FAILURE" },
  complete: { category: "DISPOSITION EVENT", decod: "COMPLETED" },
  die: { category: "DISPOSITION EVENT", decod: "DEATH" },
  withdraw: { category: "DISPOSITION EVENT", decod: "WITHDRAWAL BY SUBJECT" },
  "lose-to-follow-up": { category: "DISPOSITION EVENT", decod: "LOST TO FOLLOW-UP" },
  "stop-treatment": { category: "DISPOSITION EVENT", decod: "OTHER" },
};

/** ISO 3166-1 alpha-2 → alpha-3, the form DM.COUNTRY takes (SDTMIG 3.4, DM). */
export const COUNTRY_ALPHA3: Readonly<Record<string, string>> = {
  CN: "CHN",
  US: "USA",
  DE: "DEU",
  FR: "FRA",
  GB: "GBR",
  IT: "ITA",
  ES: "ESP",
  NL: "NLD",
  JP: "JPN",
  KR: "KOR",
  CA: "CAN",
  AU: "AUS",
  CH: "CHE",
  BE: "BEL",
  SE: "SWE",
  AT: "AUT",
  IL: "ISR",
  SG: "SGP",
  HK: "HKG",
  TW: "TWN",
};

/** The codelists the Define-XML declares; terms of data-driven lists are added when built. */
export const CODELISTS: Readonly<Record<string, Omit<Codelist, "terms"> & { terms?: Term[] }>> = {
  SEX: { name: "Sex", nciCode: "C66731", extensible: false },
  NY: { name: "No Yes Response", nciCode: "C66742", extensible: false },
  AGEU: { name: "Age Unit", nciCode: "C66781", extensible: true },
  // SDTMIG 3.4 gives AEREL no CDISC codelist: causality terms are the sponsor's.
  AEREL: { name: "Causality (sponsor-defined)", extensible: false, sponsorDefined: true },
  TOXGR: { name: "Toxicity Grade", nciCode: "C66784", extensible: true },
  OUT: { name: "Outcome of Event", nciCode: "C66768", extensible: false },
  ROUTE: { name: "Route of Administration Response", nciCode: "C66729", extensible: true },
  FREQ: { name: "Frequency", nciCode: "C71113", extensible: true },
  UNIT: { name: "Unit", nciCode: "C71620", extensible: true },
  LBTESTCD: { name: "Laboratory Test Code", nciCode: "C65047", extensible: true },
  VSTESTCD: { name: "Vital Signs Test Code", nciCode: "C66741", extensible: true },
  DSCAT: { name: "Category for Disposition Event", nciCode: "C74558", extensible: true },
  DSDECOD: { name: "Completion/Reason for Non-Completion and Protocol Milestone", extensible: true },
  RSTESTCD: { name: "Disease Response and Clinical Classification Test Code", extensible: true },
  TRTESTCD: { name: "Tumor or Lesion Properties Test Code", extensible: true },
  TUTESTCD: { name: "Tumor or Lesion Identification Test Code", extensible: true },
};

/** Codelist terms that are CDISC's; any other value a codelist takes in the data is an extension. */
export const CDISC_TERMS: Readonly<Record<string, readonly string[]>> = {
  SEX: ["F", "M", "U", "UNDIFFERENTIATED"],
  NY: ["N", "Y"],
  AGEU: ["YEARS"],
  TOXGR: ["1", "2", "3", "4", "5"],
  OUT: [
    "FATAL",
    "NOT RECOVERED/NOT RESOLVED",
    "RECOVERED/RESOLVED",
    "RECOVERED/RESOLVED WITH SEQUELAE",
    "RECOVERING/RESOLVING",
    "UNKNOWN",
  ],
  ROUTE: Object.values(ROUTES),
  FREQ: Object.values(FREQUENCIES),
  UNIT: Object.values(UNITS),
  LBTESTCD: LB_TESTS.filter((t) => !t.extended).map((t) => t.testcd),
  VSTESTCD: VS_TESTS.map((t) => t.testcd),
  DSCAT: ["DISPOSITION EVENT", "PROTOCOL MILESTONE"],
  DSDECOD: [
    "INFORMED CONSENT OBTAINED",
    "SCREEN FAILURE",
    "COMPLETED",
    "DEATH",
    "WITHDRAWAL BY SUBJECT",
    "LOST TO FOLLOW-UP",
    "OTHER",
  ],
  RSTESTCD: ["OVRLRESP", "ECOG101"],
  TRTESTCD: ["LDIAM", "LPERP", "TUMSTATE"],
  TUTESTCD: ["TUMIDENT"],
};
