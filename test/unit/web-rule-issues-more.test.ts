/**
 * The other calculators' input checks by their own codes (issue 11: server errors translated by
 * their stable code), as web-rule-issues.test.ts does for CRS, ICANS, CTCAE and lymphodepletion:
 * each input raises its check's code; each code is worded in both catalogues, the English word for
 * word as the server's sentence unless that sentence quotes values entered; the inputs cover every
 * code of the calculator.
 */
import { describe, it } from "vitest";
import type { Calculator } from "../../src/domain/calculators/calculator.ts";
import { BSA_CHECKS, bsaCalculator as bsa } from "../../src/domain/calculators/dosing-kinetics/bsa.ts";
import {
  cellularKineticsCalculator,
  KINETICS_CHECKS,
} from "../../src/domain/calculators/dosing-kinetics/cellular-kinetics.ts";
import {
  CRCL_CHECKS,
  creatinineClearanceCalculator as creatinineClearance,
} from "../../src/domain/calculators/dosing-kinetics/creatinine-clearance.ts";
import { carHematotox, HEMATOTOX_CHECKS } from "../../src/domain/calculators/hematologic/car-hematotox.ts";
import { ICAHT_CHECKS, icaht } from "../../src/domain/calculators/hematologic/icaht.ts";
import { IEC_HS_CHECKS, iecHs } from "../../src/domain/calculators/hematologic/iec-hs.ts";
import { SELENA_FLARE_CHECKS, selenaFlare } from "../../src/domain/calculators/lupus/selena-flare.ts";
import { LUGANO_CT_CHECKS, luganoCt } from "../../src/domain/calculators/lymphoma-response/lugano-ct.ts";
import { LUGANO_PET_CHECKS, luganoPet } from "../../src/domain/calculators/lymphoma-response/lugano-pet.ts";
import { LYRIC_CHECKS, lyric } from "../../src/domain/calculators/lymphoma-response/lyric.ts";
import { expectChecksWorded } from "../support/rule-issues.ts";

/** As expectChecksWorded, each raising input laid over a valid `base`. */
const expectCalculatorChecks = (
  calc: Calculator,
  base: Record<string, unknown>,
  raising: Record<string, Record<string, unknown>>,
  checks: readonly string[],
  quoting: ReadonlySet<string>,
) => expectChecksWorded((input) => calc.run({ ...base, ...input }), raising, checks, quoting);

describe("dosing input checks by their codes", () => {
  it("BSA and creatinine clearance", () => {
    expectCalculatorChecks(
      bsa,
      { heightCm: 170, weightKg: 70, formula: "MOSTELLER" },
      { bsa_bmi_implausible: { heightCm: 120, weightKg: 200 } },
      BSA_CHECKS,
      new Set(["bsa_bmi_implausible"]),
    );
    expectCalculatorChecks(
      creatinineClearance,
      {
        ageYears: 50,
        sex: "female",
        weightKg: 60,
        serumCreatinine: 1.0,
        serumCreatinineUnit: "MG_PER_DL",
        weightBasis: "ACTUAL",
      },
      {
        crcl_height_required: { weightBasis: "IDEAL" },
        crcl_creatinine_implausible: { serumCreatinine: 90 },
      },
      CRCL_CHECKS,
      new Set(["crcl_height_required", "crcl_creatinine_implausible"]),
    );
  });

  it("cellular kinetics", () => {
    const car = (samples: object[], extra: object = {}) => ({
      carSeries: { unit: "COPIES_PER_UG_GDNA", lloq: 10, samples, ...extra },
    });
    const bCells = (samples: object[], extra: object = {}) => ({
      bCellSeries: { unit: "PERCENT_OF_LYMPHOCYTES", aplasiaThreshold: 1, samples, ...extra },
    });
    expectCalculatorChecks(
      cellularKineticsCalculator,
      {},
      {
        kinetics_value_required: car([{ day: 7 }]),
        kinetics_below_lloq_but_quantified: car([{ day: 7, value: 50, belowLloq: true }]),
        kinetics_quantified_but_below_lloq: car([{ day: 7, value: 5, belowLloq: false }]),
        kinetics_percent_threshold_max: bCells([{ day: 7, value: 5 }], { aplasiaThreshold: 150 }),
        kinetics_percent_value_max: bCells([{ day: 7, value: 150 }]),
        kinetics_day_twice: car([
          { day: 7, value: 50 },
          { day: 7, value: 60 },
        ]),
        kinetics_no_series: {},
      },
      KINETICS_CHECKS,
      new Set([
        "kinetics_below_lloq_but_quantified",
        "kinetics_quantified_but_below_lloq",
        "kinetics_day_twice",
      ]),
    );
  });
});

describe("haematology input checks by their codes", () => {
  it("CAR-HEMATOTOX", () => {
    const { crpMgPerDL: _, ...noCrp } = {
      plateletsCellsPerUL: 200_000,
      ancCellsPerUL: 3000,
      hemoglobinGPerDL: 12,
      crpMgPerDL: 0.5,
      ferritinNgPerML: 300,
      indication: "LBCL",
    };
    expectCalculatorChecks(
      carHematotox,
      noCrp,
      { hematotox_crp_required: {}, hematotox_crp_twice: { crpMgPerDL: 0.5, crpMgPerL: 5 } },
      HEMATOTOX_CHECKS,
      new Set(),
    );
  });

  it("ICAHT", () => {
    const series = Array.from({ length: 31 }, (_, d) => ({ studyDay: d, ancCellsPerUL: 1500 }));
    expectCalculatorChecks(
      icaht,
      { phase: "EARLY" },
      {
        icaht_series_and_counts: { ancSeries: series, windowStatus: "COMPLETE", daysAncAtOrBelow500: 3 },
        icaht_series_or_counts_required: {},
        icaht_window_status_required: { ancSeries: series },
        icaht_window_not_ongoing: { ancSeries: series, windowStatus: "ONGOING" },
        icaht_count_required: { daysAncAtOrBelow500: 3 },
        icaht_count_not_allowed: {
          daysAncAtOrBelow500: 3,
          daysAncAtOrBelow100: 0,
          neverRecovered: false,
          windowStatus: "COMPLETE",
        },
        icaht_d100_exceeds_d500: { daysAncAtOrBelow500: 3, daysAncAtOrBelow100: 5, neverRecovered: false },
        icaht_never_recovered_without_d500: {
          daysAncAtOrBelow500: 0,
          daysAncAtOrBelow100: 0,
          neverRecovered: true,
        },
      },
      ICAHT_CHECKS,
      new Set(["icaht_count_required", "icaht_count_not_allowed", "icaht_d100_exceeds_d500"]),
    );
  });

  it("IEC-HS", () => {
    expectCalculatorChecks(
      iecHs,
      {
        ferritinNgPerML: 500,
        ferritinUlnNgPerML: 300,
        ferritinBaselineNgPerML: 250,
        ferritinRisingRapidly: false,
        onsetWithResolvingCrsOrWorseningAfterImprovement: false,
        cytopeniaNewOrWorsening: false,
        hemophagocytosis: "NOT_ASSESSED",
      },
      {
        iec_hs_ferritin_uln_required: { ferritinUlnNgPerML: undefined, ferritinBaselineNgPerML: undefined },
        iec_hs_ferritin_baseline_required: {
          ferritinUlnNgPerML: undefined,
          ferritinBaselineNgPerML: undefined,
        },
        iec_hs_ferritin_both: { ferritinRisingRapidly: true, ferritinBaselineNgPerML: undefined },
        iec_hs_fibrinogen_lln_required: { fibrinogen: { valueMgPerDL: 200 } },
        iec_hs_feature_twice: { supportiveFeatures: ["LDH_RAISED", "LDH_RAISED"] },
      },
      IEC_HS_CHECKS,
      new Set(["iec_hs_fibrinogen_lln_required"]),
    );
  });
});

describe("lupus and lymphoma-response input checks by their codes", () => {
  it("SELENA flare index and the PGA", () => {
    const base = {
      selenaSledaiPrevious: 4,
      selenaSledaiCurrent: 4,
      pgaPrevious: 0.5,
      pgaCurrent: 0.5,
      newOrWorseMildModerateManifestations: [],
      newOrWorseSevereManifestations: [],
      newOrWorseThrombocytopenia: false,
      hemolyticAnemia: false,
      prednisonePreviousMgPerDay: 10,
      prednisoneCurrentMgPerDay: 10,
      nsaidOrHydroxychloroquineAddedForSle: false,
      newImmunosuppressivesForSle: [],
      hospitalizationForSle: false,
    };
    expectCalculatorChecks(
      selenaFlare,
      base,
      {
        selena_platelets_required: { newOrWorseThrombocytopenia: true },
        selena_hemoglobin_required: { hemolyticAnemia: true },
        selena_weight_required: { prednisoneCurrentMgPerDay: 40 },
        selena_mycophenolate_setting_required: { newImmunosuppressivesForSle: ["MYCOPHENOLATE"] },
        pga_two_decimals: { pgaCurrent: 0.555 },
      },
      [...SELENA_FLARE_CHECKS, "pga_two_decimals"],
      new Set(["selena_hemoglobin_required"]),
    );
  });

  it("Lugano PET-CT and LYRIC", () => {
    expectCalculatorChecks(
      luganoPet,
      { timepoint: "INTERIM", newFdgAvidLesions: false, boneMarrow: "NO_FDG_AVID_DISEASE" },
      {
        lugano_pet_uptake_required: { sites: [{ kind: "NODAL", deauvilleScore: 4 }] },
        lugano_pet_no_scored_site: { sites: [{ kind: "NODAL", deauvilleScore: "X" }] },
      },
      LUGANO_PET_CHECKS,
      new Set(["lugano_pet_uptake_required"]),
    );
    expectCalculatorChecks(
      lyric,
      {
        luganoResponse: "PD",
        daysSinceTherapyStart: 42,
        clinicalDeterioration: false,
        nadirSpdMm2: 1000,
        currentSpdMm2: 1000,
        newLesions: false,
        lesionPpdIncreaseAtLeast50Percent: false,
        fdgUptakeIncreased: false,
        otherProgression: false,
      },
      {
        lyric_pd_finding_required: { currentSpdMm2: undefined },
        lyric_new_lesions_not_pd: { luganoResponse: "PR", newLesions: true },
      },
      LYRIC_CHECKS,
      new Set(["lyric_pd_finding_required", "lyric_new_lesions_not_pd"]),
    );
  });

  it("Lugano CT", () => {
    const measured = {
      kind: "NODAL",
      status: "MEASURED",
      ldiMm: 30,
      sdiMm: 20,
      nadirStatus: "MEASURED",
      nadirLdiMm: 30,
      nadirSdiMm: 20,
    };
    const base = {
      targetLesions: [measured],
      baselineSpdMm2: 2200,
      nonMeasuredLesions: "ABSENT_OR_NORMAL",
      spleen: { baselineLengthCm: 11, lengthCm: 11 },
      newLesions: [],
      boneMarrow: "NORMAL",
    };
    expectCalculatorChecks(
      luganoCt,
      base,
      {
        lugano_ct_ldi_required: { targetLesions: [{ ...measured, ldiMm: undefined }] },
        lugano_ct_sdi_required: { targetLesions: [{ ...measured, sdiMm: undefined }] },
        lugano_ct_sdi_exceeds_ldi: { targetLesions: [{ ...measured, sdiMm: 40 }] },
        lugano_ct_diameter_not_allowed: { targetLesions: [{ ...measured, status: "NOT_VISIBLE" }] },
        lugano_ct_spleen_nadir_required: { spleen: { baselineLengthCm: 16, lengthCm: 15 } },
        lugano_ct_spleen_nadir_exceeds_baseline: {
          spleen: { baselineLengthCm: 16, lengthCm: 15, nadirLengthCm: 17 },
        },
        lugano_ct_lesion_nadirs_exceed_baseline: { baselineSpdMm2: 500 },
        lugano_ct_nadir_spd_exceeds_baseline: { nadirSpdMm2: 3000 },
        lugano_ct_lesion_nadirs_exceed_nadir_spd: { nadirSpdMm2: 500 },
      },
      LUGANO_CT_CHECKS,
      new Set([
        "lugano_ct_ldi_required",
        "lugano_ct_sdi_required",
        "lugano_ct_sdi_exceeds_ldi",
        "lugano_ct_diameter_not_allowed",
        "lugano_ct_spleen_nadir_exceeds_baseline",
        "lugano_ct_lesion_nadirs_exceed_baseline",
        "lugano_ct_nadir_spd_exceeds_baseline",
        "lugano_ct_lesion_nadirs_exceed_nadir_spd",
      ]),
    );
  });
});
