/**
 * The demo's reference patient (SZ-0001): a woman from Hubei with lupus for more than twenty years
 * who developed diffuse large B-cell lymphoma in 2019 and received a compound CD19/BCMA CAR-T in
 * Shenzhen in September 2019. The dated milestones follow the public account summarised in
 * shared/domain/reference-case.md (press story 2019–2020, Ann Rheum Dis 2024;83:1304–1314). Every
 * value, time and detail that the account does not give is invented, and the record says so: each
 * text names its source or says "synthetic", and invented numbers are plausible, not reported.
 *
 * CAR-T transgene copies: no LOINC code for copies per µg genomic DNA in blood could be verified,
 * and guessing one is worse than not coding it (the API checks check digits, and a valid-looking
 * wrong code would mean another test). Until a code is chosen they are recorded as clinical events
 * of category "note" whose title carries the number.
 * TODO(coding): record CAR-T copies as observations once a LOINC code is verified or a local code
 * system is agreed.
 */
import { addDays } from "../domain/calendar.ts";
import { drug, SNOMED } from "./codes.ts";
import { NO_SLEDAI_ITEMS } from "./graded-assessments.ts";
import {
  type AssessmentPlan,
  at,
  type EventPlan,
  type ObservationPlan,
  obs,
  type PatientPlan,
  panel,
} from "./plan.ts";

/** Study day 0: the infusion, "mid-September 2019" in the press account. */
export const REFERENCE_INFUSION_DATE = "2019-09-16";
/** Month 9, when the account reports her seronegative and medication-free. */
export const REFERENCE_MONTH_9 = "2020-06-16";

// Every text says where its facts come from (both sources are summarised in
// shared/domain/reference-case.md), so a reader can tell reported facts from invented ones.
const PRESS = "Source: hospital press account, 2019–2020.";
const TRIAL = "Source: Ann Rheum Dis 2024;83:1304–1314.";
const SYNTHETIC = "Synthetic detail: invented for the demo, not from a published source.";

const day = (n: number) => addDays(REFERENCE_INFUSION_DATE, n);

/** Follow-up visits on the monthly anniversaries of the infusion (study days 91, 182, 274, 366). */
const M3 = "2019-12-16";
const M6 = "2020-03-16";
const M9 = REFERENCE_MONTH_9;
const M12 = "2020-09-16";

/**
 * Blood counts around lymphodepletion (days −5 to −3) and infusion: the usual nadir in the first
 * week, recovery by day 28. Lymphocytes rise again from day 4 as the CAR-T cells expand.
 * [date, WBC, ANC, lymphocytes (10*3/uL), haemoglobin (g/dL), platelets (10*3/uL)]
 */
const BLOOD_COUNTS: [string, number, number, number, number, number][] = [
  [day(-27), 5.8, 3.9, 1.2, 11.2, 215],
  [day(-6), 5.4, 3.6, 1.1, 11.0, 204],
  [day(0), 2.1, 1.8, 0.15, 10.4, 168],
  [day(1), 1.8, 1.5, 0.12, 10.2, 152],
  [day(2), 1.4, 1.1, 0.14, 10.0, 131],
  [day(3), 1.0, 0.7, 0.18, 9.7, 112],
  [day(4), 0.8, 0.5, 0.21, 9.5, 96],
  [day(5), 0.7, 0.4, 0.26, 9.4, 88],
  [day(6), 0.9, 0.5, 0.34, 9.3, 84],
  [day(7), 1.2, 0.8, 0.4, 9.4, 86],
  [day(10), 2.3, 1.5, 0.62, 9.7, 102],
  [day(14), 3.4, 2.2, 0.85, 10.1, 131],
  [day(21), 4.1, 2.6, 1.05, 10.6, 158],
  [day(28), 4.6, 2.9, 1.2, 11.0, 176],
  [day(56), 5.2, 3.2, 1.45, 11.8, 198],
  [M3, 5.6, 3.4, 1.62, 12.3, 212],
  [M6, 5.9, 3.6, 1.7, 12.8, 224],
  [M9, 6.1, 3.7, 1.78, 13.0, 226],
  [M12, 6.0, 3.6, 1.8, 13.1, 230],
];

/**
 * Lupus serology: high anti-dsDNA and low complement before, anti-dsDNA negative (< 10 IU/mL) and
 * ANA negative from month 6, complement normal from month 3 (C3 90–180, C4 10–40 mg/dL).
 * [date, anti-dsDNA [IU]/mL, ANA, C3 mg/dL, C4 mg/dL]
 */
const SEROLOGY: [string, number, string, number, number][] = [
  [day(-27), 312, "positive", 52, 7],
  [day(-6), 286, "positive", 55, 8],
  [day(28), 121, "positive", 71, 11],
  [day(56), 38, "positive", 86, 14],
  [M3, 12, "positive", 98, 18],
  [M6, 8, "negative", 112, 22],
  [M9, 5, "negative", 118, 24],
  [M12, 4, "negative", 121, 25],
];

/**
 * Inflammation during CRS grade 1 (fever days 1–3): IL-6 peaks on day 2, CRP and ferritin follow.
 * [date, CRP mg/L, ferritin ng/mL, IL-6 pg/mL (undefined = not drawn)]
 */
const INFLAMMATION: [string, number, number, number | undefined][] = [
  [day(-27), 18, 420, 6.2],
  [day(-6), 12, 390, 5.8],
  [day(0), 8, 410, 7.1],
  [day(1), 36, 620, 48.5],
  [day(2), 64, 980, 112],
  [day(3), 48, 1150, 86.3],
  [day(4), 30, 1040, 34],
  [day(5), 19, 860, 18.2],
  [day(6), 12, 720, 11.5],
  [day(7), 9, 610, 8.4],
  [day(10), 6, 480, 6],
  [day(14), 4, 360, 4.5],
  [day(21), 3, 290, undefined],
  [day(28), 3, 240, undefined],
  [day(56), 2, 180, undefined],
  [M3, 2, 150, undefined],
];

/** CD19+ B cells /uL: undetectable from day 3, back between months 2 and 6 (the trial's finding). */
const B_CELLS: [string, number][] = [
  [day(-27), 142],
  [day(-6), 128],
  [day(0), 24],
  [day(3), 0],
  [day(7), 0],
  [day(14), 0],
  [day(21), 0],
  [day(28), 0],
  [day(56), 0],
  [M3, 36],
  [M6, 168],
  [M9, 214],
  [M12, 236],
];

/**
 * Serum IgG mg/dL: high with active lupus, falling while B cells are absent (nadir at month 3),
 * rising again as they return. Synthetic detail: the sources report no immunoglobulin values.
 */
const IGG: [string, number][] = [
  [day(-27), 1480],
  [day(-6), 1390],
  [day(28), 980],
  [day(56), 760],
  [M3, 640],
  [M6, 720],
  [M9, 860],
  [M12, 940],
];

/** LDH U/L (upper limit 250): raised by the lymphoma, normal from day 14. */
const LDH: [string, number][] = [
  [day(-27), 486],
  [day(-6), 452],
  [day(7), 318],
  [day(14), 246],
  [day(28), 205],
  [day(56), 188],
  [M3, 176],
  [M6, 172],
  [M9, 168],
  [M12, 170],
];

const CREATININE: [string, number][] = [
  [day(-27), 0.72],
  [day(-6), 0.7],
  [day(0), 0.71],
  [day(1), 0.74],
  [day(2), 0.78],
  [day(3), 0.76],
  [day(4), 0.73],
  [day(5), 0.72],
  [day(6), 0.7],
  [day(7), 0.7],
  [day(14), 0.69],
  [day(28), 0.68],
  [day(56), 0.68],
  [M3, 0.67],
  [M6, 0.66],
  [M9, 0.67],
  [M12, 0.68],
];

/** Daily maximum temperature (Cel), SpO2 (%) and systolic pressure (mm[Hg]), days 0–7. */
const VITALS: [number, number, number, number][] = [
  [0, 36.8, 98, 118],
  [1, 38.4, 97, 114],
  [2, 38.9, 96, 108],
  [3, 38.2, 97, 112],
  [4, 37.4, 98, 116],
  [5, 36.9, 98, 118],
  [6, 36.7, 99, 120],
  [7, 36.6, 98, 119],
];

/** ECOG: 3 in the wheelchair, 0 once walking and back to daily life. */
const ECOG: [string, number][] = [
  [day(-27), 3],
  [day(28), 2],
  [day(56), 1],
  [M3, 0],
  [M6, 0],
  [M9, 0],
];

/** CAR transgene copies per µg genomic DNA (qPCR), peaking in the first two weeks. */
const CAR_COPIES: [number, string, string][] = [
  [1, day(1), "1,250"],
  [4, day(4), "18,600"],
  [7, day(7), "86,400"],
  [10, day(10), "124,000"],
  [14, day(14), "61,300"],
  [21, day(21), "19,800"],
  [28, day(28), "8,900"],
  [56, day(56), "1,640"],
  [91, M3, "420"],
  [182, M6, "96"],
  [274, M9, "below the limit of detection (< 50)"],
];

function referenceObservations(): ObservationPlan[] {
  const drawn = (date: string) => at(date, "07:30");
  const out: ObservationPlan[] = [];
  out.push(obs("height", at(day(-27), "09:00"), 158), obs("weight", at(day(-27), "09:00"), 56.2));
  out.push(obs("weight", at(M3, "09:00"), 57), obs("weight", at(M9, "09:00"), 58.4));
  for (const [date, wbc, neutrophils, lymphocytes, hemoglobin, platelets] of BLOOD_COUNTS)
    out.push(...panel(drawn(date), { wbc, neutrophils, lymphocytes, hemoglobin, platelets }));
  for (const [date, antiDsDna, ana, c3, c4] of SEROLOGY)
    out.push(...panel(drawn(date), { antiDsDna, ana, c3, c4 }));
  for (const [date, crp, ferritin, il6] of INFLAMMATION)
    out.push(...panel(drawn(date), { crp, ferritin, il6 }));
  for (const [date, value] of B_CELLS) out.push(obs("cd19Absolute", drawn(date), value));
  for (const [date, value] of IGG) out.push(obs("igg", drawn(date), value));
  for (const [date, value] of LDH) out.push(obs("ldh", drawn(date), value));
  for (const [date, value] of CREATININE) out.push(obs("creatinine", drawn(date), value));
  for (const [n, temperature, spo2, systolicBp] of VITALS)
    out.push(...panel(at(day(n), "14:00"), { temperature, spo2, systolicBp }));
  for (const [date, value] of ECOG) out.push(obs("ecog", at(date, "10:00"), value));
  return out;
}

function referenceEvents(): EventPlan[] {
  const events: EventPlan[] = [
    {
      occurredAt: at("2019-06-15", "10:00"),
      category: "functional-status",
      title: "Severe right-leg pain since June; now uses a wheelchair",
      text: `${PRESS} Exact date synthetic.`,
    },
    {
      occurredAt: at("2019-07-10", "10:00"),
      category: "diagnosis",
      title: "Diffuse large B-cell lymphoma diagnosed at the local hospital",
      text: `Aggressive, invasive tumour of the right leg. ${PRESS} Biopsy site and date synthetic.`,
    },
    {
      occurredAt: at("2019-07-18", "10:00"),
      category: "note",
      title: "Declines the chemotherapy offered locally",
      text: `Earlier bad experiences with drug side effects. ${PRESS}`,
    },
    {
      occurredAt: at("2019-08-15", "10:00"),
      category: "referral",
      title: "Referred to SZ hematology for the cCAR-19/BCMA trial",
      text: `Referred by a relative in mid-August 2019. ${PRESS}`,
    },
    {
      occurredAt: at("2019-08-22", "15:00"),
      category: "imaging",
      title: "Baseline PET-CT: Deauville 5",
      text: `FDG-avid mass of the right proximal femur with soft-tissue extension, SUVmax 18.6. ${SYNTHETIC}`,
    },
    {
      occurredAt: at("2019-08-22", "16:00"),
      category: "note",
      title: "SLEDAI-2K 10 at screening",
      text: `Arthritis 4, alopecia 2, low complement 2, raised anti-dsDNA 2. ${SYNTHETIC} The trial reports a mean of 10.6 at baseline. ${TRIAL}`,
    },
    {
      occurredAt: at("2019-08-28", "09:00"),
      category: "procedure",
      title: "Leukapheresis for CAR-T manufacturing",
      text: SYNTHETIC,
    },
    {
      occurredAt: at(day(-5), "09:00"),
      category: "procedure",
      title: "Lymphodepletion: fludarabine and cyclophosphamide, days −5 to −3",
      text: `All SLE medicines stopped beforehand, as in the trial. ${TRIAL}`,
    },
    {
      occurredAt: at(day(0), "10:00"),
      category: "procedure",
      title: "cCAR-19B infusion, 3 × 10^6 CAR+ cells/kg",
      text: `Compound CD19/BCMA CAR-T in mid-September 2019. ${PRESS} Dose as in the trial. ${TRIAL} Infusion time synthetic.`,
    },
    {
      occurredAt: at(day(1), "21:00"),
      category: "toxicity",
      title: "Cytokine release syndrome grade 1 (ASTCT)",
      text: `Fever from day 1, highest 38.9 °C on day 2; no hypotension, no hypoxia; paracetamol only; resolved on day 4. No ICANS. CRS was mild in the trial. ${TRIAL} The course shown is synthetic.`,
    },
    {
      occurredAt: at(day(30), "15:00"),
      category: "imaging",
      title: "PET-CT day 30: complete metabolic response (Deauville 2)",
      text: `About one month after infusion the lymphoma had vanished. ${PRESS} Deauville score synthetic.`,
    },
    {
      occurredAt: at(day(30), "16:00"),
      category: "response",
      title: "Lymphoma: complete response (Lugano 2014, complete metabolic response)",
      text: PRESS,
    },
    {
      occurredAt: at("2019-11-15", "10:00"),
      category: "functional-status",
      title: "Walks unaided; wheelchair no longer needed",
      text: `About two months after infusion. ${PRESS}`,
    },
    {
      occurredAt: at("2019-12-07", "09:00"),
      category: "note",
      title: "Case presented at the 61st ASH Annual Meeting",
      text: `December 2019. ${PRESS}`,
    },
    {
      occurredAt: at(M3, "11:00"),
      category: "note",
      title: "SLEDAI-2K 2 at month 3; no SLE medicines",
      text: `Only anti-dsDNA still slightly raised. ${SYNTHETIC}`,
    },
    {
      occurredAt: at(M6, "11:00"),
      category: "imaging",
      title: "PET-CT month 6: continued complete metabolic response",
      text: SYNTHETIC,
    },
    {
      occurredAt: at(M6, "11:30"),
      category: "note",
      title: "SLEDAI-2K 0 at month 6",
      text: SYNTHETIC,
    },
    {
      occurredAt: at(M9, "10:00"),
      category: "response",
      title: "Month 9: lymphoma in complete remission; lupus in medication-free remission",
      text: `Lupus antibodies negative, no medication at all, hair regrown. ${PRESS}`,
    },
    {
      occurredAt: at(M12, "10:00"),
      category: "response",
      title: "Month 12: continued complete remission of lymphoma and lupus",
      text: `${SYNTHETIC} The trial reports medication-free remission lasting up to 46 months. ${TRIAL}`,
    },
  ];
  for (const [studyDay, date, copies] of CAR_COPIES)
    events.push({
      occurredAt: at(date, "07:30"),
      category: "note",
      title: `CAR-T copies day ${studyDay}: ${copies} copies/µg gDNA (qPCR)`,
      text: `Recorded as a note until a LOINC code for CAR transgene copies is verified. Expansion peaking in the first two weeks follows the published course; the numbers are synthetic.`,
    });
  return events;
}

export function referenceCasePlan(): PatientPlan {
  return {
    label: "reference",
    siteCode: "SZ",
    birthYear: 1976,
    sex: "female",
    identity: {
      familyName: "Xu",
      givenName: "Lanying",
      sex: "female",
      birthDate: "1976-04-12",
      phone: "+86 000 0000 0001",
      email: "demo.patient.sz0001@example.invalid",
      address: "Synthetic address, Hubei",
      homeRegion: "Hubei",
    },
    adverseEvents: [
      {
        term: "Cytokine release syndrome",
        soc: "Immune system disorders",
        grade: 1,
        attribution: "definite",
        serious: false,
        seriousCriteria: [],
        onsetDate: day(1),
        resolvedDate: day(4),
        outcome: "RECOVERED/RESOLVED",
        note: `Fever from day 1 to day 3 only (ASTCT grade 1). CRS was mild in the trial. ${TRIAL} Dates synthetic.`,
      },
    ],
    conditions: [
      {
        ...SNOMED.sle,
        onsetDate: "1998-05-01",
        abatementDate: M9,
        clinicalStatus: "remission",
        note: `Lupus for more than 20 years, controlled with steroids and other drugs; medication-free remission by month 9 after CAR-T. ${PRESS} Onset date synthetic.`,
      },
      {
        ...SNOMED.dlbcl,
        onsetDate: "2019-06-01",
        abatementDate: day(30),
        clinicalStatus: "remission",
        note: `Right-leg pain from June 2019, diagnosed at the local hospital; gone about one month after CAR-T. ${PRESS} Diagnosis date and day-30 PET-CT synthetic.`,
      },
    ],
    enrolment: {
      armCode: "LYM",
      doseLevelCode: "DL2",
      consentDate: day(-27),
      consentVersion: "1.0",
      enrolledOn: "2019-08-27",
      infusionDate: REFERENCE_INFUSION_DATE,
      status: "follow-up",
    },
    medications: [
      {
        ...drug("prednisone"),
        doseValue: 30,
        doseUnit: "mg",
        route: "oral",
        frequency: "once daily",
        startDate: "1998-05-01",
        stopDate: "1998-10-31",
        indication: "Systemic lupus erythematosus",
        status: "completed",
        note: `Induction dose. ${SYNTHETIC}`,
      },
      {
        ...drug("prednisone"),
        doseValue: 10,
        doseUnit: "mg",
        route: "oral",
        frequency: "once daily",
        startDate: "1998-11-01",
        stopDate: "2019-08-19",
        indication: "Systemic lupus erythematosus",
        status: "completed",
        note: `Steroids for two decades. ${PRESS} Dose synthetic.`,
      },
      ...(
        [
          [7.5, "2019-08-20", "2019-08-29"],
          [5, "2019-08-30", "2019-09-05"],
          [2.5, "2019-09-06", "2019-09-09"],
        ] as const
      ).map(([dose, startDate, stopDate], i) => ({
        ...drug("prednisone"),
        doseValue: dose,
        doseUnit: "mg",
        route: "oral",
        frequency: "once daily",
        startDate,
        stopDate,
        indication: "Systemic lupus erythematosus",
        status: i === 2 ? ("stopped" as const) : ("completed" as const),
        note: `Tapered so that all SLE medicines are stopped before lymphodepletion. ${TRIAL} Steps synthetic.`,
      })),
      {
        ...drug("hydroxychloroquine"),
        doseValue: 200,
        doseUnit: "mg",
        route: "oral",
        frequency: "twice daily",
        startDate: "2001-03-01",
        stopDate: "2019-09-03",
        indication: "Systemic lupus erythematosus",
        status: "stopped",
        note: `Stopped before lymphodepletion. ${SYNTHETIC}`,
      },
      ...(["fludarabine", "cyclophosphamide"] as const).map((key) => ({
        ...drug(key),
        doseValue: key === "fludarabine" ? 30 : 300,
        doseUnit: "mg/m2",
        route: "intravenous",
        frequency: "once daily",
        startDate: day(-5),
        stopDate: day(-3),
        indication: "Lymphodepletion before CAR-T",
        status: "completed" as const,
      })),
      {
        ...drug("paracetamol"),
        doseValue: 500,
        doseUnit: "mg",
        route: "oral",
        frequency: "as needed",
        startDate: day(1),
        stopDate: day(3),
        indication: "Fever (CRS grade 1)",
        status: "completed",
      },
      {
        ...drug("aciclovir"),
        doseValue: 400,
        doseUnit: "mg",
        route: "oral",
        frequency: "twice daily",
        startDate: day(-5),
        stopDate: M6,
        indication: "Antiviral prophylaxis after CAR-T",
        status: "completed",
        note: SYNTHETIC,
      },
      {
        ...drug("cotrimoxazole"),
        doseValue: 960,
        doseUnit: "mg",
        route: "oral",
        frequency: "three times weekly",
        startDate: day(30),
        stopDate: M6,
        indication: "Pneumocystis prophylaxis after CAR-T",
        status: "completed",
        note: SYNTHETIC,
      },
    ],
    events: referenceEvents(),
    observations: referenceObservations(),
    assessments: referenceAssessments(),
  };
}

/**
 * Her graded story, stored through the calculators so each grade carries its inputs and reasons:
 * CRS grade 1 at most (fever only, days 1–3, as the published single-patient report describes),
 * complete metabolic response on the day-30 PET-CT, SLEDAI-2K 10 → 2 → 0 (the trial's mean fell
 * from 10.6 to 2.7 at 3 months), LLDAS from month 3, continued CMR on the month-6 PET-CT, DORIS
 * remission and drug-free remission at month 9 and still at month 12. The items
 * behind each score are synthetic; the course follows shared/domain/reference-case.md.
 */
function referenceAssessments(): AssessmentPlan[] {
  const day = (n: number, time = "08:00") => at(addDays(REFERENCE_INFUSION_DATE, n), time);
  const crs = (n: number, tempMaxC: number) => ({
    calculator: "crs",
    assessedAt: day(n, "20:00"),
    inputs: {
      tempMaxC,
      feverOtherCause: false,
      crsAlreadyDiagnosed: n > 1,
      feverMaskingTherapyGiven: false,
      hypotension: "NONE",
      oxygenDevice: "NONE",
      deathDueToCrs: false,
    },
    note: "Daily worst values (synthetic).",
  });
  const lldas = (n: number, items: Partial<typeof NO_SLEDAI_ITEMS>, pga: number, note: string) => ({
    calculator: "lldas",
    assessedAt: day(n, "10:15"),
    inputs: {
      sledai2k: { ...NO_SLEDAI_ITEMS, ...items },
      hemolyticAnemia: false,
      gastrointestinalActivity: false,
      newActivitySincePreviousAssessment: false,
      pga,
      prednisoloneEquivalentMgPerDay: 0,
      immunosuppressiveTherapy: "NONE",
      investigationalDrugCurrent: false,
    },
    note,
  });
  const sledai = (n: number, items: Partial<typeof NO_SLEDAI_ITEMS>, note: string) => ({
    calculator: "sledai-2k",
    assessedAt: day(n, "10:00"),
    inputs: { ...NO_SLEDAI_ITEMS, ...items },
    note,
  });
  return [
    sledai(
      -25,
      { arthritis: true, rash: true, lowComplement: true, increasedDnaBinding: true },
      "Screening; items synthetic, total as published for the trial's first patients.",
    ),
    crs(1, 38.6),
    crs(2, 38.9),
    crs(3, 38.2),
    {
      calculator: "lugano-pet",
      assessedAt: day(30, "14:00"),
      inputs: {
        timepoint: "END_OF_TREATMENT",
        sites: [
          { site: "right femur and thigh soft tissue", kind: "EXTRANODAL", deauvilleScore: 2 },
          { site: "right inguinal nodes", kind: "NODAL", deauvilleScore: 2 },
        ],
        newFdgAvidLesions: false,
        boneMarrow: "NO_FDG_AVID_DISEASE",
      },
      note: "Day-30 PET-CT after a single CAR-T infusion, read as end of treatment (synthetic sites).",
    },
    sledai(
      91,
      { increasedDnaBinding: true },
      "Month 3: anti-dsDNA still above the cut-off; no SLE medicines.",
    ),
    lldas(91, { increasedDnaBinding: true }, 0.5, "Month 3: serology only, nothing new (synthetic)."),
    {
      calculator: "lugano-pet",
      assessedAt: day(182, "11:00"),
      inputs: {
        timepoint: "END_OF_TREATMENT",
        sites: [
          { site: "right femur and thigh soft tissue", kind: "EXTRANODAL", deauvilleScore: 1 },
          { site: "right inguinal nodes", kind: "NODAL", deauvilleScore: 1 },
        ],
        newFdgAvidLesions: false,
        boneMarrow: "NO_FDG_AVID_DISEASE",
      },
      note: "Month-6 PET-CT: continued complete metabolic response (synthetic sites and scores).",
    },
    lldas(182, {}, 0.2, "Month 6 (synthetic)."),
    sledai(182, {}, "Month 6."),
    sledai(274, {}, "Month 9: seronegative."),
    {
      calculator: "doris",
      assessedAt: day(274, "10:30"),
      inputs: {
        sledai2k: { ...NO_SLEDAI_ITEMS },
        pga: 0,
        prednisoloneEquivalentMgPerDay: 0,
        antimalarial: "NONE",
        immunosuppressive: "NONE",
        biologic: "NONE",
      },
      note: "Month 9: no medication at all (press account).",
    },
    {
      calculator: "doris",
      assessedAt: day(366, "10:30"),
      inputs: {
        sledai2k: { ...NO_SLEDAI_ITEMS },
        pga: 0,
        prednisoloneEquivalentMgPerDay: 0,
        antimalarial: "NONE",
        immunosuppressive: "NONE",
        biologic: "NONE",
      },
      note: "Month 12: still in medication-free remission (synthetic; the trial reports it lasting up to 46 months).",
    },
  ];
}
