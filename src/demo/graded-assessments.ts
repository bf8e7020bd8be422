/**
 * Stored calculator assessments for the synthetic cohort: the CRS and ICANS gradings, Lugano
 * PET-CT responses and DORIS/LLDAS remission checks a program would record, so cohort results
 * (issue 12) have graded data for every treated patient and not only the reference case. Each
 * builder writes the calculator's INPUTS for a wanted result; the service computes the result, and
 * demo.test.ts checks that what is stored is what was meant. Inputs follow the calculators'
 * sources: ASTCT CRS/ICANS (Lee 2019), Lugano 2014 (Cheson 2014), DORIS 2021, LLDAS (Franklyn 2016).
 */
import {
  SLEDAI_2K_KEYS,
  type SledaiKey,
  sledai2k as sledai2kCalculator,
} from "../domain/calculators/lupus/sledai.ts";
import { type AssessmentPlan, at } from "./plan.ts";

/** SLEDAI-2K descriptors all absent; visits switch on the few that were present. */
export const NO_SLEDAI_ITEMS = Object.fromEntries(SLEDAI_2K_KEYS.map((k) => [k, false])) as Record<
  SledaiKey,
  boolean
>;

const SYNTHETIC = "Synthetic grading for the demo cohort.";

/**
 * The day's worst CRS signs for an ASTCT grade: 1 fever only; 2 fever with hypotension on fluids;
 * 3 with one vasopressor and high-flow oxygen (Lee 2019, Table 1). `diagnosed` is false on the
 * first day of fever (onset), true afterwards.
 */
export function crsGrading(date: string, grade: 0 | 1 | 2 | 3, diagnosed: boolean): AssessmentPlan {
  const signs = [
    { tempMaxC: 37.2, hypotension: "NONE", oxygenDevice: "NONE" },
    { tempMaxC: 38.6, hypotension: "NONE", oxygenDevice: "NONE" },
    { tempMaxC: 39.1, hypotension: "NO_VASOPRESSOR", oxygenDevice: "NONE" },
    { tempMaxC: 39.4, hypotension: "ONE_VASOPRESSOR", oxygenDevice: "HFNC", oxygenFlowLpm: 30 },
  ][grade]!;
  return {
    calculator: "crs",
    assessedAt: at(date, "20:00"),
    inputs: {
      ...signs,
      ...(signs.tempMaxC >= 38 ? { feverOtherCause: false } : {}),
      crsAlreadyDiagnosed: diagnosed,
      ...(diagnosed ? { feverMaskingTherapyGiven: false } : {}),
      ...(signs.hypotension !== "NONE" ? { hypotensionOtherCause: false } : {}),
      ...(signs.oxygenDevice !== "NONE" ? { hypoxiaOtherCause: false } : {}),
      deathDueToCrs: false,
    },
    note: SYNTHETIC,
  };
}

/** ICANS by the ICE score alone: 10 grade 0, 7–9 grade 1, 3–6 grade 2 (Lee 2019, Table 5). */
export function icansGrading(date: string, ice: number, ageYears: number): AssessmentPlan {
  return {
    calculator: "icans",
    assessedAt: at(date, "11:00"),
    inputs: {
      ageYears,
      ice,
      ...(ice < 10 ? { iceOtherCause: false } : {}),
      consciousness: "NORMAL",
      seizure: "NONE",
      motor: "NONE",
      icpEdema: "NONE",
      deathDueToIcans: false,
    },
    note: SYNTHETIC,
  };
}

export type PetReading = "CMR" | "PMR" | "PMD";

/**
 * A Lugano PET-CT read as the wanted metabolic response: CMR with Deauville 2 everywhere; PMR with
 * Deauville 4 and uptake decreased from baseline; PMD with a new FDG-avid lesion (Cheson 2014, Table 3).
 */
export function petResponse(date: string, reading: PetReading): AssessmentPlan {
  const sites =
    reading === "CMR"
      ? [{ site: "cervical nodes", kind: "NODAL", deauvilleScore: 2 }]
      : [{ site: "cervical nodes", kind: "NODAL", deauvilleScore: 4, uptakeVsBaseline: "DECREASED" }];
  return {
    calculator: "lugano-pet",
    assessedAt: at(date, "15:00"),
    inputs: {
      timepoint: "END_OF_TREATMENT",
      sites,
      newFdgAvidLesions: reading === "PMD",
      boneMarrow: "NO_FDG_AVID_DISEASE",
    },
    note: SYNTHETIC,
  };
}

/** A target node: where it is, and its longest and perpendicular diameters (LDi × SDi) in mm. */
export interface TargetNode {
  site: string;
  baseline: readonly [number, number];
}

/**
 * A Lugano CT read of the target nodes (Cheson 2014, Table 3), as the wanted CT-based response:
 * "CR" with every node ≤ 15 mm in LDi and nothing else left (non-measured lesions gone, spleen
 * normal, marrow normal); "PR" with the SPD at least 50 % below baseline and non-measured lesions
 * regressed. `now` and `nadir` give each node's LDi × SDi on this scan and at its smallest before
 * it (baseline included), in the order of `nodes`.
 */
export function ctResponse(
  date: string,
  reading: "CR" | "PR",
  nodes: readonly TargetNode[],
  now: readonly (readonly [number, number])[],
  nadir: readonly (readonly [number, number])[],
): AssessmentPlan {
  return {
    calculator: "lugano-ct",
    assessedAt: at(date, "14:30"),
    inputs: {
      targetLesions: nodes.map((n, i) => ({
        site: n.site,
        kind: "NODAL",
        status: "MEASURED",
        ldiMm: now[i]![0],
        sdiMm: now[i]![1],
        nadirStatus: "MEASURED",
        nadirLdiMm: nadir[i]![0],
        nadirSdiMm: nadir[i]![1],
      })),
      baselineSpdMm2: nodes.reduce((sum, n) => sum + n.baseline[0] * n.baseline[1], 0),
      nonMeasuredLesions: reading === "CR" ? "ABSENT_OR_NORMAL" : "REGRESSED",
      spleen: { baselineLengthCm: 11, lengthCm: 11 },
      newLesions: [],
      boneMarrow: "NORMAL",
    },
    note: SYNTHETIC,
  };
}

/**
 * DORIS, LLDAS and SRI-4 on one visit. "remission": clinical SLEDAI-2K 0, PGA 0.2, no lupus drugs
 * (DORIS remission, drug-free, and LLDAS). "low-activity": rash (SLEDAI-2K 2) with PGA 0.8 — LLDAS
 * met (SLEDAI-2K ≤ 4, PGA ≤ 1) but not DORIS (clinical SLEDAI-2K must be 0). SRI-4 against the
 * screening visit (sri4Visit).
 */
export function lupusActivity(
  date: string,
  state: "remission" | "low-activity",
  nephritis: boolean,
): AssessmentPlan[] {
  const sledai2k = { ...NO_SLEDAI_ITEMS, ...(state === "low-activity" ? { rash: true } : {}) };
  const pga = state === "remission" ? 0.2 : 0.8;
  return [
    { calculator: "sledai-2k", assessedAt: at(date, "10:25"), inputs: sledai2k, note: SYNTHETIC },
    {
      calculator: "doris",
      assessedAt: at(date, "10:30"),
      inputs: {
        sledai2k,
        pga,
        prednisoloneEquivalentMgPerDay: 0,
        antimalarial: "NONE",
        immunosuppressive: "NONE",
        biologic: "NONE",
      },
      note: SYNTHETIC,
    },
    {
      calculator: "lldas",
      assessedAt: at(date, "10:35"),
      inputs: {
        sledai2k,
        hemolyticAnemia: false,
        gastrointestinalActivity: false,
        newActivitySincePreviousAssessment: false,
        pga,
        prednisoloneEquivalentMgPerDay: 0,
        immunosuppressiveTherapy: "NONE",
        investigationalDrugCurrent: false,
      },
      note: SYNTHETIC,
    },
    sri4Visit(date, state, nephritis, sledai2k, pga),
  ];
}

/**
 * The screening SLEDAI-2K (Gladman 2002 weights): lupus with arthritis, rash, alopecia, low
 * complement and raised anti-dsDNA scores 4 + 2 + 2 + 2 + 2 = 12; lupus nephritis with
 * proteinuria, urinary casts, rash, low complement and raised anti-dsDNA 4 + 4 + 2 + 2 + 2 = 14.
 * Both meet the ≥ 8 published for CAR-T eligibility (workflow-standards.md §1.2).
 */
export function screeningSledai(date: string, nephritis: boolean): AssessmentPlan {
  return {
    calculator: "sledai-2k",
    assessedAt: at(date, "10:00"),
    inputs: screeningItems(nephritis),
    note: `${SYNTHETIC} Screening.`,
  };
}

const screeningItems = (nephritis: boolean) => ({
  ...NO_SLEDAI_ITEMS,
  ...(nephritis
    ? { proteinuria: true, urinaryCasts: true, rash: true, lowComplement: true, increasedDnaBinding: true }
    : { arthritis: true, rash: true, alopecia: true, lowComplement: true, increasedDnaBinding: true }),
});

/** PGA at screening: markedly active lupus (SELENA-SLEDAI PGA 0–3, 2 = moderate-to-severe). */
const SCREENING_PGA = 2;

/**
 * BILAG-2004 at screening, consistent with the screening SLEDAI-2K items (Isenberg 2005 domain
 * definitions): arthritis → musculoskeletal B; rash and alopecia → mucocutaneous B; active
 * nephritis with proteinuria and casts → renal A; domains never involved E, cytopenia-free
 * haematology D (previously involved, now inactive).
 */
const screeningBilag = (nephritis: boolean) => ({
  constitutional: "D",
  mucocutaneous: "B",
  neuropsychiatric: "E",
  musculoskeletal: nephritis ? "E" : "B",
  cardiorespiratory: "E",
  gastrointestinal: "E",
  ophthalmic: "E",
  renal: nephritis ? "A" : "E",
  hematological: "D",
});

/**
 * SRI-4 (Furie 2009) at a follow-up visit against screening: SLEDAI-2K 12 or 14 → 0 or 2 (a
 * reduction of ≥ 4), no new BILAG A or B (active domains improve to D, a residual rash is
 * mucocutaneous C), PGA 2 → 0.2 or 0.8: a responder whichever state.
 */
function sri4Visit(
  date: string,
  state: "remission" | "low-activity",
  nephritis: boolean,
  visitItems: Record<SledaiKey, boolean>,
  pga: number,
): AssessmentPlan {
  const baseline = screeningBilag(nephritis);
  const visit = Object.fromEntries(
    Object.entries(baseline).map(([domain, grade]) => [domain, grade === "E" ? "E" : "D"]),
  );
  if (state === "low-activity") visit.mucocutaneous = "C";
  return {
    calculator: "sri-4",
    assessedAt: at(date, "10:40"),
    inputs: {
      sledaiVersion: "SLEDAI_2K",
      sledaiBaseline: sledai2kCalculator.run(screeningItems(nephritis)).value,
      sledaiVisit: sledai2kCalculator.run(visitItems).value,
      pgaBaseline: SCREENING_PGA,
      pgaVisit: pga,
      bilagVersion: "BILAG_2004",
      bilagBaseline: baseline,
      bilagVisit: visit,
    },
    note: SYNTHETIC,
  };
}
