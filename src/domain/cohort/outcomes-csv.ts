/**
 * A cohort's per-patient outcome rows as one flat CSV for R and SAS users (issue 13): one line per
 * infused patient with the facts the cohort results are computed from (TreatedPatient) and the
 * time-to-event pairs the summary uses (overall and progression-free survival, duration of
 * response, lupus relapse-free survival: days from infusion and an event flag 1/0), so a
 * statistician can redo any table in the summary from this file alone. Pseudonymous: subject codes
 * only. Column names are lower snake case, valid in R and SAS without quoting.
 */

import { addMonths } from "../calendar.ts";
import { type CsvValue, csvText } from "../cdisc/csv.ts";
import type { SurvivalTime } from "../statistics/kaplan-meier.ts";
import {
  durationOfResponse,
  lupusRelapseFreeSurvival,
  overallSurvival,
  progressionFreeSurvival,
  type ToxicityCourse,
  type TreatedPatient,
} from "./patient-outcome.ts";
import { REMISSION_MONTHS, sri4VisitNear } from "./summary.ts";

const flag = (x: boolean | null | undefined) => (x === null || x === undefined ? null : x ? 1 : 0);
const time = (name: string, t: SurvivalTime | null): [string, CsvValue][] => [
  [`${name}_days`, t?.time ?? null],
  [`${name}_event`, flag(t ? t.event : null)],
];
const toxicity = (name: string, t: ToxicityCourse): [string, CsvValue][] => [
  [`${name}_max_grade`, t.maxGrade],
  [`${name}_onset_date`, t.onsetDate],
  [`${name}_last_date`, t.lastDate],
];

/** One patient's columns in order; every patient yields the same names. */
export function outcomeColumns(p: TreatedPatient): [string, CsvValue][] {
  return [
    ["subject_code", p.subjectCode],
    ["site", p.siteCode],
    ["study", p.studyName],
    ["arm", p.arm],
    ["dose_level", p.doseLevel],
    ["products", p.products.join(";")],
    ["targets", p.targets.join(";")],
    ["indication", p.indication],
    ["infusion_date", p.infusionDate],
    ["last_contact_date", p.lastContactDate],
    ["death_date", p.deathDate],
    ["off_study_date", p.offStudyDate],
    ["off_study_reason", p.offStudyReason],
    ...time("os", overallSurvival(p)),
    ...time("pfs", progressionFreeSurvival(p)),
    ...time("dor", durationOfResponse(p)),
    ...time("lupus_rfs", lupusRelapseFreeSurvival(p)),
    ["best_response", p.lymphoma?.best ?? null],
    ["first_response_date", p.lymphoma?.firstResponseDate ?? null],
    ["first_complete_response_date", p.lymphoma?.firstCompleteResponseDate ?? null],
    ["progression_date", p.lymphoma?.progressionDate ?? null],
    ["last_response_assessment_date", p.lymphoma?.lastAssessmentDate ?? null],
    ["spd_baseline_mm2", p.lymphoma?.spdBaselineMm2 ?? null],
    ["spd_best_mm2", p.lymphoma?.spdBestMm2 ?? null],
    ["doris_date", p.lupus?.dorisDate ?? null],
    ["lldas_date", p.lupus?.lldasDate ?? null],
    ["drug_free_remission_date", p.lupus?.drugFreeDate ?? null],
    ["lupus_relapse_date", p.lupus?.relapseDate ?? null],
    ["sledai_baseline", p.lupus?.sledaiBaseline ?? null],
    ["sledai_best", p.lupus?.sledaiBest ?? null],
    // the SRI-4 response the remission table counts at each month (1/0; empty: no visit in the window)
    ...REMISSION_MONTHS.map((m): [string, CsvValue] => [
      `sri4_month_${m}`,
      p.lupus ? flag(sri4VisitNear(p.lupus.sri4, addMonths(p.infusionDate, m))?.responder) : null,
    ]),
    ...toxicity("crs", p.crs),
    ...toxicity("icans", p.icans),
    ...toxicity("icaht", p.icaht),
    ...toxicity("iec_hs", p.iecHs),
    ["tocilizumab", flag(p.tocilizumab)],
    ["systemic_steroids", flag(p.systemicSteroids)],
    ["car_cmax_copies_per_ug", p.carCmax],
    ["product_car_positive_cells", p.product?.carPositiveCells ?? null],
    ["product_car_positive_percent", p.product?.carPositivePercent ?? null],
    ["product_vector_copy_number", p.product?.vectorCopyNumber ?? null],
    ["product_viability_percent", p.product?.viabilityPercent ?? null],
    ["product_out_of_specification", flag(p.product ? p.product.outOfSpecification : null)],
    ["vein_to_vein_days", p.product?.veinToVeinDays ?? null],
  ];
}

export function cohortOutcomesCsv(patients: readonly TreatedPatient[]): string {
  const header = patients.length
    ? outcomeColumns(patients[0]!).map(([name]) => name)
    : outcomeColumns(EMPTY).map(([name]) => name);
  return csvText(
    header,
    patients.map((p) => outcomeColumns(p).map(([, v]) => v)),
  );
}

const NO_TOXICITY: ToxicityCourse = { maxGrade: null, onsetDate: null, lastDate: null };
/** Only for the header of an empty cohort: every column is named without a patient. */
const EMPTY: TreatedPatient = {
  patientId: "",
  subjectCode: "",
  siteCode: "",
  studyId: "",
  studyName: "",
  arm: "",
  doseLevel: null,
  products: [],
  targets: [],
  indication: null,
  infusionDate: "1970-01-01",
  lastContactDate: "1970-01-01",
  deathDate: null,
  offStudyDate: null,
  offStudyReason: null,
  lymphoma: null,
  lupus: null,
  crs: NO_TOXICITY,
  icans: NO_TOXICITY,
  icaht: NO_TOXICITY,
  iecHs: NO_TOXICITY,
  product: null,
  carCmax: null,
  tocilizumab: false,
  systemicSteroids: false,
  infections: [],
};
