/**
 * Coded reasons (decision 0041): every code and term the server can emit, enumerated from the
 * domain's families, is worded in both web catalogues with the same placeholders; the English
 * catalogue says exactly what the server says; and the web renderer, fed the codes of real
 * calculator runs, gives back the server's English and a Chinese sentence with the values filled in.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CalculatorResult } from "../../src/domain/calculators/calculator.ts";
import { capd } from "../../src/domain/calculators/crs-icans/capd.ts";
import { crs } from "../../src/domain/calculators/crs-icans/crs.ts";
import { icans } from "../../src/domain/calculators/crs-icans/icans.ts";
import { ice } from "../../src/domain/calculators/crs-icans/ice.ts";
import { bsaCalculator } from "../../src/domain/calculators/dosing-kinetics/bsa.ts";
import { carTDoseCalculator } from "../../src/domain/calculators/dosing-kinetics/car-t-dose.ts";
import { cellularKineticsCalculator } from "../../src/domain/calculators/dosing-kinetics/cellular-kinetics.ts";
import { creatinineClearanceCalculator } from "../../src/domain/calculators/dosing-kinetics/creatinine-clearance.ts";
import { lymphodepletionCalculator } from "../../src/domain/calculators/dosing-kinetics/lymphodepletion.ts";
import { carHematotox } from "../../src/domain/calculators/hematologic/car-hematotox.ts";
import { ctcaeHematology } from "../../src/domain/calculators/hematologic/ctcae.ts";
import { icaht } from "../../src/domain/calculators/hematologic/icaht.ts";
import { iecHs } from "../../src/domain/calculators/hematologic/iec-hs.ts";
import { doris } from "../../src/domain/calculators/lupus/doris.ts";
import { eularAcr2019 } from "../../src/domain/calculators/lupus/eular-acr-2019.ts";
import { lldas } from "../../src/domain/calculators/lupus/lldas.ts";
import { selenaFlare } from "../../src/domain/calculators/lupus/selena-flare.ts";
import { SLEDAI_2K_KEYS, SLEDAI_TERMS, sledai2k } from "../../src/domain/calculators/lupus/sledai.ts";
import { sri4 } from "../../src/domain/calculators/lupus/sri4.ts";
import { luganoCt } from "../../src/domain/calculators/lymphoma-response/lugano-ct.ts";
import { luganoPet } from "../../src/domain/calculators/lymphoma-response/lugano-pet.ts";
import { lyric } from "../../src/domain/calculators/lymphoma-response/lyric.ts";
import { allReasonTemplates, allReasonTerms, REASON_FAMILIES } from "../../src/domain/reason-codes.ts";
import { templatePlaceholders } from "../../src/domain/reasons.ts";
import {
  type DoseTarget,
  EXAMPLE_RELEASE_SPEC,
  evaluateRelease,
  type QcResult,
} from "../../src/domain/release-specs.ts";
import { en } from "../../web/src/i18n/en.ts";
import { showIn } from "../../web/src/i18n/index.ts";
import { reasonTexts } from "../../web/src/i18n/reasons.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";

const ROOT = resolve(import.meta.dirname, "../..");

function at(catalogue: object, path: string): unknown {
  let o: unknown = catalogue;
  for (const p of path.split("."))
    o = o && typeof o === "object" ? (o as Record<string, unknown>)[p] : undefined;
  return o;
}

function leafKeys(obj: object, prefix: string): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}.${k}`] : leafKeys(v as object, `${prefix}.${k}`),
  );
}

const shape = (t: string) =>
  templatePlaceholders(t)
    .map((p) => `${p.name},${p.format}`)
    .sort()
    .join(" ");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("every code the server can emit is in both catalogues", () => {
  const templates = allReasonTemplates();
  const terms = allReasonTerms();

  it("enumerates the codes from the domain's families, each family listed once", () => {
    // A family defined in src/ but not listed in reason-codes.ts would escape this test.
    const defined = sourceFiles(join(ROOT, "src"))
      .filter((f) => !f.endsWith("domain/reasons.ts"))
      .flatMap((f) => [...readFileSync(f, "utf8").matchAll(/reasonFamily\(\s*"([\w-]+)"/g)].map((m) => m[1]));
    expect(defined.sort()).toEqual(REASON_FAMILIES.map((f) => f.prefix).sort());
    expect(templates.size).toBeGreaterThan(20);
  });

  it("the English catalogue has each code's template word for word; the Chinese one has each code with the same placeholders", () => {
    const problems: string[] = [];
    for (const [code, template] of templates) {
      const english = at(en, `reasons.${code}`);
      const chinese = at(zhCN, `reasons.${code}`);
      if (english !== template) problems.push(`en reasons.${code}`);
      // A template that is only its parts ("{{parts, clauses}}") has no words of its own to translate.
      const words = typeof chinese === "string" ? chinese.replace(/\{\{[^}]*\}\}/g, "").trim() : "";
      if (typeof chinese !== "string" || (words !== "" && !/\p{Script=Han}/u.test(chinese)))
        problems.push(`zh-CN reasons.${code}`);
      else if (shape(chinese) !== shape(template)) problems.push(`zh-CN reasons.${code} placeholders`);
    }
    expect(problems).toEqual([]);
  });

  it("the Chinese SLEDAI-2K weights are the server's (the weight is part of the quoted term)", () => {
    const zhWeights = Object.fromEntries(
      Object.keys(SLEDAI_TERMS.sledaiWeighted).map((k) => [
        k,
        String(at(zhCN, `reasons.term.sledaiWeighted.${k}`)).match(/\d+/)?.[0],
      ]),
    );
    const weights = Object.fromEntries(
      Object.entries(SLEDAI_TERMS.sledaiWeighted).map(([k, t]) => [k, t.match(/\d+/)?.[0]]),
    );
    expect(zhWeights).toEqual(weights);
  });

  it("every term a sentence can quote is worded in both catalogues", () => {
    const problems: string[] = [];
    for (const [term, text] of terms) {
      if (at(en, `reasons.term.${term}`) !== text) problems.push(`en ${term}`);
      if (typeof at(zhCN, `reasons.term.${term}`) !== "string") problems.push(`zh-CN ${term}`);
    }
    expect(problems).toEqual([]);
  });

  it("the catalogues hold no code the server no longer emits", () => {
    const known = new Set([...[...templates.keys()], ...[...terms.keys()].map((t) => `term.${t}`)]);
    for (const catalogue of [en, zhCN])
      expect(
        leafKeys(catalogue.reasons, "")
          .map((k) => k.slice(1))
          .filter((k) => !known.has(k)),
      ).toEqual([]);
  });
});

/** Runs and the codes they emitted, across the CRS table (fever, hypotension, oxygen, other causes). */
function crsRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  const pressors: [string, string[] | undefined][] = [
    ["NONE", undefined],
    ["NO_VASOPRESSOR", undefined],
    ["ONE_VASOPRESSOR", undefined],
    ["ONE_VASOPRESSOR", ["NOREPINEPHRINE"]],
    ["ONE_VASOPRESSOR", ["NOREPINEPHRINE", "VASOPRESSIN"]],
    ["MULTIPLE_VASOPRESSORS", undefined],
    ["MULTIPLE_VASOPRESSORS", ["NOREPINEPHRINE", "EPINEPHRINE"]],
  ];
  const oxygen: [string, number | undefined][] = [
    ["NONE", undefined],
    ["NASAL_CANNULA", 4],
    ["NASAL_CANNULA", 8],
    ["BLOW_BY", undefined],
    ["FACEMASK", undefined],
    ["BIPAP", undefined],
  ];
  for (const [tempMaxC, feverOtherCause] of [
    [37.2, undefined],
    [38.6, false],
    [38.6, true],
  ] as const)
    for (const [crsAlreadyDiagnosed, feverMaskingTherapyGiven] of [
      [false, undefined],
      [true, true],
    ] as const)
      for (const [hypotension, vasopressors] of pressors)
        for (const [oxygenDevice, oxygenFlowLpm] of oxygen)
          for (const otherCause of [false, true])
            out.push(
              crs.run({
                tempMaxC,
                feverOtherCause,
                crsAlreadyDiagnosed,
                feverMaskingTherapyGiven,
                hypotension,
                vasopressors,
                hypotensionOtherCause: hypotension === "NONE" ? undefined : otherCause,
                oxygenDevice,
                oxygenFlowLpm,
                hypoxiaOtherCause: oxygenDevice === "NONE" ? undefined : otherCause,
                deathDueToCrs: false,
              }),
            );
  out.push(
    crs.run({
      tempMaxC: 39,
      feverOtherCause: false,
      crsAlreadyDiagnosed: true,
      feverMaskingTherapyGiven: false,
      hypotension: "NONE",
      oxygenDevice: "NONE",
      deathDueToCrs: true,
    }),
  );
  return out;
}

/**
 * ICANS runs across the encephalopathy tool (ICE performed, missed items, aphasia, unarousable; CAPD
 * for a child) and each other domain abnormal, counted or attributed elsewhere.
 */
function icansRuns(): CalculatorResult[] {
  const normal = {
    consciousness: "NORMAL",
    seizure: "NONE",
    motor: "NONE",
    icpEdema: "NONE",
    deathDueToIcans: false,
  };
  const allItems = {
    orientationYear: true,
    orientationMonth: true,
    orientationCity: true,
    orientationHospital: true,
    namingObject1: true,
    namingObject2: true,
    namingObject3: true,
    followsCommands: true,
    writesStandardSentence: true,
    countsBackwardsBy10: true,
  };
  const tools: Record<string, unknown>[] = [
    { ageYears: 40, ice: 10 },
    {
      ageYears: 40,
      iceItems: { ...allItems, orientationYear: false, namingObject2: false },
      iceOtherCause: false,
    },
    { ageYears: 40, ice: 5, iceOtherCause: true },
    { ageYears: 40, ice: 1, iceOtherCause: false },
    { ageYears: 40, awakeWithGlobalAphasia: true, iceOtherCause: false },
    { ageYears: 8, capd: 0 },
    { ageYears: 8, capd: 4, capdOtherCause: true },
    { ageYears: 8, capd: 4, capdOtherCause: false },
    { ageYears: 8, capd: 12, capdOtherCause: false },
  ];
  const others: Record<string, unknown>[] = [
    {},
    { consciousness: "AWAKENS_TO_VOICE", consciousnessOtherCause: false },
    { consciousness: "DEPRESSED_AWAKENS_SPONTANEOUSLY", consciousnessOtherCause: true },
    {
      seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
      seizureOtherCause: false,
    },
    { seizure: "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE", seizureOtherCause: true },
    { motor: "DEEP_FOCAL_WEAKNESS", motorOtherCause: false },
    { motor: "DEEP_FOCAL_WEAKNESS", motorOtherCause: true },
    { icpEdema: "FOCAL_LOCAL_EDEMA", icpEdemaOtherCause: false },
    {
      icpEdema: "DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD",
      icpEdemaOtherCause: true,
    },
    { tremorOrMyoclonus: true, intracranialHemorrhage: true },
  ];
  const out = tools.flatMap((tool) => others.map((o) => icans.run({ ...normal, ...tool, ...o })));
  const unarousable = { consciousness: "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA" };
  const tactile = { consciousness: "AWAKENS_ONLY_TO_TACTILE" };
  for (const consciousnessOtherCause of [false, true]) {
    out.push(
      icans.run({
        ...normal,
        ...unarousable,
        consciousnessOtherCause,
        ageYears: 40,
        iceNotPerformableBecauseUnarousable: true,
      }),
      icans.run({ ...normal, ...tactile, consciousnessOtherCause, ageYears: 8, capdNotPerformable: true }),
    );
  }
  out.push(icans.run({ ...normal, ageYears: 40, ice: 2, iceOtherCause: false, deathDueToIcans: true }));
  return out;
}

/** ICE runs: all items done, none done, and a few missed. */
function iceRuns(): CalculatorResult[] {
  const keys = [
    "orientationYear",
    "orientationMonth",
    "orientationCity",
    "orientationHospital",
    "namingObject1",
    "namingObject2",
    "namingObject3",
    "followsCommands",
    "writesStandardSentence",
    "countsBackwardsBy10",
  ];
  return [0, 1, 3, 5, 8, 10].map((done) => ice.run(Object.fromEntries(keys.map((k, i) => [k, i < done]))));
}

/** CAPD runs with totals 0, 1–8 and ≥ 9. */
function capdRuns(): CalculatorResult[] {
  const reversed = ["eyeContact", "purposefulActions", "awareOfSurroundings", "communicatesNeedsAndWants"];
  const forward = ["restless", "inconsolable", "underactive", "slowToRespond"];
  return (
    [
      ["ALWAYS", "NEVER"],
      ["ALWAYS", "RARELY"],
      ["OFTEN", "SOMETIMES"],
      ["NEVER", "ALWAYS"],
    ] as const
  ).map(([r, f]) =>
    capd.run(Object.fromEntries([...reversed.map((k) => [k, r]), ...forward.map((k) => [k, f])])),
  );
}

/** CTCAE runs through each count band, the anaemia rows and the febrile neutropenia criteria. */
function ctcaeRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  // CTCAE v5.0 grade 4/3/2 thresholds (cells/µL): a count in each band, then grade 1 and 0 by the LLN.
  for (const [key, g4, g3, g2] of [
    ["neutrophils", 500, 1000, 1500],
    ["platelets", 25_000, 50_000, 75_000],
    ["lymphocytes", 200, 500, 800],
    ["whiteBloodCells", 1000, 2000, 3000],
  ] as const)
    for (const [count, lln] of [
      [g4 / 2, undefined],
      [(g4 + g3) / 2, undefined],
      [(g3 + g2) / 2, undefined],
      [g2 * 1.1, g2 * 1.2],
      [g2 * 1.3, g2 * 1.2],
    ])
      out.push(ctcaeHematology.run({ [key]: { countCellsPerUL: count, llnCellsPerUL: lln } }));
  for (const anemia of [
    { hemoglobinGPerDL: 7.5 },
    { hemoglobinGPerDL: 9, transfusionIndicated: true, lifeThreateningConsequences: false, death: false },
    { hemoglobinGPerDL: 11, llnGPerDL: 12, lifeThreateningConsequences: true },
    { hemoglobinGPerDL: 13, llnGPerDL: 12, transfusionIndicated: false },
    { hemoglobinGPerDL: 12, transfusionIndicated: true },
    { hemoglobinGPerDL: 7, death: true },
  ])
    out.push(ctcaeHematology.run({ anemia }));
  for (const febrileNeutropenia of [
    { ancCellsPerUL: 400, maxTemperatureC: 38.6 },
    { ancCellsPerUL: 400, maxTemperatureC: 38.1, longestSpellAtOrAbove38CMinutes: 90 },
    { ancCellsPerUL: 400, maxTemperatureC: 38.1, longestSpellAtOrAbove38CMinutes: 30 },
    { ancCellsPerUL: 1400, maxTemperatureC: 37.5 },
    { ancCellsPerUL: 1400, maxTemperatureC: 38.9 },
    { ancCellsPerUL: 400, maxTemperatureC: 38.6, lifeThreateningConsequences: true, death: true },
  ])
    out.push(ctcaeHematology.run({ febrileNeutropenia }));
  return out;
}

/** ICAHT runs: each early band from day counts and from series (joined runs, gaps, open window), each late rule. */
function icahtRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  for (const [d500, d100, neverRecovered] of [
    [31, 0, false],
    [20, 15, false],
    [3, 0, true],
    [20, 0, false],
    [10, 8, false],
    [9, 0, false],
    [3, 0, false],
    [0, 0, false],
  ] as const)
    out.push(
      icaht.run({ phase: "EARLY", daysAncAtOrBelow500: d500, daysAncAtOrBelow100: d100, neverRecovered }),
    );
  const days = (from: number, to: number, anc: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ studyDay: from + i, ancCellsPerUL: anc }));
  const early = (windowStatus: string, ...ancSeries: { studyDay: number; ancCellsPerUL: number }[][]) =>
    icaht.run({ phase: "EARLY", windowStatus, ancSeries: ancSeries.flat() });
  out.push(
    early("COMPLETE", days(0, 30, 1500)),
    early("COMPLETE", days(0, 2, 1200), days(3, 7, 300), days(8, 30, 1500)),
    early("COMPLETE", days(0, 4, 1200), days(5, 5, 80), days(6, 30, 1500)),
    // Runs joined across a 2-day recovery (Liang), and two values 4 days apart (interpolated).
    early(
      "COMPLETE",
      days(0, 0, 1000),
      days(1, 8, 300),
      days(9, 10, 700),
      days(11, 16, 50),
      days(17, 20, 1500),
      [
        { studyDay: 25, ancCellsPerUL: 1500 },
        { studyDay: 30, ancCellsPerUL: 1600 },
      ],
    ),
    early("COMPLETE", days(0, 1, 900), days(2, 30, 300)),
    early("ENDED_EARLY", days(0, 1, 900), days(2, 20, 300)),
    // An open window, and a 10-day gap left missing.
    early("ONGOING", days(0, 3, 900), days(4, 9, 300), days(20, 22, 1500)),
  );
  const late = (anc: [number, number][], extra: object = {}) =>
    icaht.run({
      phase: "LATE",
      neutropeniaExplainedByOtherCause: false,
      ancValues: anc.map(([studyDay, ancCellsPerUL]) => ({ studyDay, ancCellsPerUL })),
      ...extra,
    });
  for (const method of ["NADIR", "STRICT"])
    out.push(
      late([[40, 2000]], { method }),
      late([[40, 400]], { method }),
      late(
        [
          [40, 400],
          [60, 2000],
        ],
        { method },
      ),
      late(
        [
          [40, 400],
          [60, 1200],
          [120, 300],
        ],
        { method, censorStudyDay: 90 },
      ),
      late([[40, 2000]], { method, neutropeniaExplainedByOtherCause: true }),
      late([[120, 400]], { method }),
    );
  return out;
}

/** Lugano PET runs: Deauville 1–3, 4–5 by uptake (sites named and numbered), X, new lesions, marrow, timepoints. */
function luganoPetRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  const marrows = [
    "NO_FDG_AVID_DISEASE",
    "RESIDUAL_REDUCED",
    "NO_CHANGE_FROM_BASELINE",
    "NEW_OR_RECURRENT_FDG_AVID",
  ];
  const siteSets = [
    [
      { kind: "NODAL", deauvilleScore: 3, site: "左侧腋窝淋巴结" },
      { kind: "EXTRANODAL", deauvilleScore: 2 },
    ],
    [
      { kind: "NODAL", deauvilleScore: 4, uptakeVsBaseline: "DECREASED", site: "纵隔" },
      { kind: "EXTRANODAL", deauvilleScore: 5, uptakeVsBaseline: "NO_SIGNIFICANT_CHANGE" },
      { kind: "NODAL", deauvilleScore: 4, uptakeVsBaseline: "INCREASED" },
      { kind: "EXTRANODAL", deauvilleScore: "X", site: "胃" },
    ],
    [
      { kind: "NODAL", deauvilleScore: 4, uptakeVsBaseline: "DECREASED" },
      { kind: "NODAL", deauvilleScore: "X" },
    ],
  ];
  for (const timepoint of ["INTERIM", "END_OF_TREATMENT"])
    for (const [i, sites] of siteSets.entries())
      for (const boneMarrow of marrows)
        out.push(luganoPet.run({ timepoint, sites, newFdgAvidLesions: i === 1, boneMarrow }));
  return out;
}

/** CAR-HEMATOTOX runs through each band, both CRP units and each indication. */
/**
 * Lugano CT runs: CR (every kind of product, new lesions too small to count), PR and SD failing
 * every count, and PD on every criterion, each spleen rule and none.
 */
function luganoCtRuns(): CalculatorResult[] {
  const measured = (ldiMm: number, sdiMm: number, nadir: [number, number] = [ldiMm, sdiMm]) => ({
    status: "MEASURED",
    ldiMm,
    sdiMm,
    nadirStatus: "MEASURED",
    nadirLdiMm: nadir[0],
    nadirSdiMm: nadir[1],
  });
  const none = {
    nonMeasuredLesions: "ABSENT_OR_NORMAL",
    spleen: { baselineLengthCm: 12, lengthCm: 12 },
    newLesions: [],
    boneMarrow: "NORMAL",
  };
  const small = [{ kind: "NODAL", site: "纵隔", ...measured(12, 10) }];
  // Lesions that are not CR: a node too large (named and numbered), extranodal lesions still seen.
  const notCrLesions = [
    { kind: "NODAL", site: "纵隔", ...measured(20, 10) },
    { kind: "NODAL", ...measured(18, 12) },
    { kind: "EXTRANODAL", site: "肝", ...measured(8, 6) },
    { kind: "EXTRANODAL", status: "TOO_SMALL_TO_MEASURE", nadirStatus: "TOO_SMALL_TO_MEASURE" },
  ];
  const inputs = [
    // CR, with every kind of product and two new lesions too small to count.
    {
      ...none,
      targetLesions: [
        ...small,
        { kind: "EXTRANODAL", status: "NOT_VISIBLE", nadirStatus: "NOT_VISIBLE" },
        { kind: "NODAL", status: "TOO_SMALL_TO_MEASURE", nadirStatus: "TOO_SMALL_TO_MEASURE" },
      ],
      baselineSpdMm2: 1000,
      newLesions: [
        { kind: "NODAL", longestAxisMm: 8, unequivocallyLymphoma: false },
        { kind: "EXTRANODAL", site: "胃", longestAxisMm: 6, unequivocallyLymphoma: false },
      ],
    },
    // PR, not CR on every count (nodes > 15 mm, extranodal lesions seen, non-measured regressed,
    // spleen 14 cm, marrow involved).
    {
      targetLesions: notCrLesions,
      baselineSpdMm2: 2000,
      nonMeasuredLesions: "REGRESSED",
      spleen: { baselineLengthCm: 17, lengthCm: 14, nadirLengthCm: 14 },
      newLesions: [],
      boneMarrow: "PERSISTENT_INVOLVEMENT",
    },
    // SD: SPD −18.5 %, non-measured stable, spleen regressed only 1 of its 2 cm excess.
    {
      targetLesions: notCrLesions,
      baselineSpdMm2: 600,
      nonMeasuredLesions: "STABLE",
      spleen: { baselineLengthCm: 15, lengthCm: 14, nadirLengthCm: 14 },
      newLesions: [],
      boneMarrow: "NORMAL",
    },
    // PD on every count: regrowth (measured, too small), the single-lesion rule (≤ 20 mm and
    // > 20 mm at nadir), spleen, non-measured lesions, new lesions, marrow.
    {
      targetLesions: [
        { kind: "NODAL", status: "MEASURED", ldiMm: 10, sdiMm: 8, nadirStatus: "NOT_VISIBLE" },
        { kind: "EXTRANODAL", site: "肺", status: "TOO_SMALL_TO_MEASURE", nadirStatus: "NOT_VISIBLE" },
        { kind: "NODAL", site: "左颈部", ...measured(18, 10, [12, 10]) },
        { kind: "NODAL", ...measured(35, 22, [25, 20]) },
      ],
      baselineSpdMm2: 3000,
      nonMeasuredLesions: "UNEQUIVOCAL_PROGRESSION",
      spleen: { baselineLengthCm: 15, lengthCm: 16.5, nadirLengthCm: 15 },
      newLesions: [
        { kind: "NODAL", site: "腹股沟", longestAxisMm: 16, unequivocallyLymphoma: false },
        { kind: "EXTRANODAL", longestAxisMm: 12, unequivocallyLymphoma: false },
        { kind: "NODAL", longestAxisMm: 8, unequivocallyLymphoma: true },
        { kind: "NODAL", longestAxisMm: 8, unequivocallyLymphoma: false },
        { kind: "EXTRANODAL", site: "胃", longestAxisMm: 6, unequivocallyLymphoma: false },
      ],
      boneMarrow: "NEW_OR_RECURRENT_INVOLVEMENT",
    },
    // The other spleen progressions: recurrent splenomegaly, growth ≥ 2 cm, new splenomegaly.
    ...[
      { baselineLengthCm: 15, lengthCm: 14, nadirLengthCm: 12 },
      { baselineLengthCm: 11, lengthCm: 13.5 },
      { baselineLengthCm: 12.5, lengthCm: 14 },
    ].map((spleen) => ({ ...none, targetLesions: small, baselineSpdMm2: 1000, spleen })),
    // No spleen.
    { ...none, targetLesions: small, baselineSpdMm2: 1000, spleen: null },
  ];
  return inputs.map((i) => luganoCt.run(i));
}

function hematotoxRuns(): CalculatorResult[] {
  const bands = [
    [200_000, 1500, 10, { crpMgPerDL: 1 }, 500],
    [100_000, 1000, 8, { crpMgPerL: 40 }, 1000],
    [50_000, 1000, 8, { crpMgPerDL: 4 }, 3000],
  ] as const;
  return ["LBCL", "MCL", "MULTIPLE_MYELOMA", "SLE", "OTHER"].flatMap((indication) =>
    bands.map(([plateletsCellsPerUL, ancCellsPerUL, hemoglobinGPerDL, crp, ferritinNgPerML]) =>
      carHematotox.run({
        plateletsCellsPerUL,
        ancCellsPerUL,
        hemoglobinGPerDL,
        ...crp,
        ferritinNgPerML,
        indication,
      }),
    ),
  );
}

/** LYRIC runs: not PD, other progression, IR1 and not IR1, IR2a/b, IR3, with and without deterioration. */
function lyricRuns(): CalculatorResult[] {
  const pd = (over: object) =>
    lyric.run({
      luganoResponse: "PD",
      daysSinceTherapyStart: 40,
      clinicalDeterioration: false,
      nadirSpdMm2: 1000,
      currentSpdMm2: 1200,
      newLesions: false,
      lesionPpdIncreaseAtLeast50Percent: false,
      fdgUptakeIncreased: false,
      otherProgression: false,
      ...over,
    });
  return [
    lyric.run({ luganoResponse: "PR" }),
    pd({ otherProgression: true }),
    pd({ currentSpdMm2: 1600 }),
    pd({ currentSpdMm2: 1600, clinicalDeterioration: true }),
    pd({ currentSpdMm2: 1600, daysSinceTherapyStart: 120 }),
    pd({ newLesions: true }),
    pd({ lesionPpdIncreaseAtLeast50Percent: true, clinicalDeterioration: true }),
    pd({ newLesions: true, lesionPpdIncreaseAtLeast50Percent: true }),
    pd({ fdgUptakeIncreased: true }),
    pd({ fdgUptakeIncreased: true, clinicalDeterioration: true }),
  ];
}

/** EULAR/ACR 2019 runs: each entry case, every criterion met (lower ones not added), complement, no clinical. */
function eularAcrRuns(): CalculatorResult[] {
  const criteria = [
    "fever",
    "leukopenia",
    "thrombocytopenia",
    "autoimmuneHemolysis",
    "delirium",
    "psychosis",
    "seizure",
    "nonScarringAlopecia",
    "oralUlcers",
    "subacuteCutaneousOrDiscoidLupus",
    "acuteCutaneousLupus",
    "pleuralOrPericardialEffusion",
    "acutePericarditis",
    "jointInvolvement",
    "proteinuria",
    "renalBiopsyClassIIorV",
    "renalBiopsyClassIIIorIV",
    "antiphospholipidAntibodies",
    "antiDsDna",
    "antiSmith",
  ];
  const run = (titer: number | null, equivalent: boolean, met: string[], lowC3: boolean, lowC4: boolean) =>
    eularAcr2019.run({
      anaHep2TiterReciprocal: titer,
      anaEquivalentPositiveTest: equivalent,
      ...Object.fromEntries(criteria.map((c) => [c, met.includes(c)])),
      lowC3,
      lowC4,
    });
  return [
    run(160, false, criteria, true, true),
    run(40, true, ["antiDsDna"], true, false),
    run(null, false, ["fever"], false, true),
    run(0, false, [], false, false),
    run(320, false, ["antiDsDna", "antiSmith", "antiphospholipidAntibodies"], false, true),
  ];
}

function bsaRuns(): CalculatorResult[] {
  return ["MOSTELLER", "DUBOIS"].map((formula) =>
    bsaCalculator.run({ formula, heightCm: 170, weightKg: 70 }),
  );
}

/** Cockcroft–Gault with each weight basis, both sexes, µmol/L, a short patient and one below the IBW. */
function crclRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  for (const sex of ["female", "male"])
    for (const weightBasis of ["ACTUAL", "IDEAL", "ADJUSTED"])
      for (const [heightCm, weightKg] of [
        [170, 90],
        [148, 40],
      ])
        out.push(
          creatinineClearanceCalculator.run({
            ageYears: 60,
            sex,
            weightKg,
            weightBasis,
            ...(weightBasis === "ACTUAL" ? {} : { heightCm }),
            serumCreatinine: sex === "female" ? 88 : 1.1,
            serumCreatinineUnit: sex === "female" ? "UMOL_PER_L" : "MG_PER_DL",
          }),
        );
  return out;
}

/** SLEDAI-2K items with the named descriptors present. */
const sledaiItems = (...present: string[]) =>
  Object.fromEntries(SLEDAI_2K_KEYS.map((k) => [k, present.includes(k)]));
/** Descriptor sets: none; serology only; mild; every descriptor (each term quoted at least once). */
const SLEDAI_SETS = [
  sledaiItems(),
  sledaiItems("lowComplement", "increasedDnaBinding"),
  sledaiItems("rash", "arthritis"),
  sledaiItems(...SLEDAI_2K_KEYS),
];

function sledaiRuns(): CalculatorResult[] {
  return SLEDAI_SETS.map((items) => sledai2k.run(items));
}

function dorisRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  for (const sledai2k of SLEDAI_SETS)
    for (const [pga, pred, use] of [
      [0.2, 0, "NONE"],
      [0.2, 5, "STABLE"],
      [0.5, 7.5, "NOT_STABLE"],
    ] as const)
      out.push(
        doris.run({
          sledai2k,
          pga,
          prednisoloneEquivalentMgPerDay: pred,
          antimalarial: use,
          immunosuppressive: use,
          biologic: use === "STABLE" ? "NONE" : use,
        }),
      );
  return out;
}

function lldasRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  const therapies = [
    ["NONE", false],
    ["STANDARD_MAINTENANCE_WELL_TOLERATED", true],
    ["NOT_STANDARD_OR_NOT_TOLERATED", false],
    ["NOT_STANDARD_OR_NOT_TOLERATED", true],
  ] as const;
  for (const sledai2k of SLEDAI_SETS)
    for (const [i, [immunosuppressiveTherapy, investigationalDrugCurrent]] of therapies.entries())
      out.push(
        lldas.run({
          sledai2k,
          hemolyticAnemia: i === 1,
          gastrointestinalActivity: i === 2,
          newActivitySincePreviousAssessment: i === 3,
          pga: i === 3 ? 1.5 : 0.5,
          prednisoloneEquivalentMgPerDay: i === 3 ? 10 : 5,
          immunosuppressiveTherapy,
          investigationalDrugCurrent,
        }),
      );
  return out;
}

function sri4Runs(): CalculatorResult[] {
  const domains2004 = [
    "constitutional",
    "mucocutaneous",
    "neuropsychiatric",
    "musculoskeletal",
    "cardiorespiratory",
    "gastrointestinal",
    "ophthalmic",
    "renal",
    "hematological",
  ];
  const classic = [
    "general",
    "mucocutaneous",
    "neurological",
    "musculoskeletal",
    "cardiovascularRespiratory",
    "vasculitis",
    "renal",
    "hematological",
  ];
  const all = (ds: string[], g: string) => Object.fromEntries(ds.map((d) => [d, g]));
  const out: CalculatorResult[] = [];
  for (const [bilagVersion, ds] of [
    ["BILAG_2004", domains2004],
    ["CLASSIC", classic],
  ] as const) {
    // Every domain turns A (all new A's, each domain quoted), or stays D with one new B.
    for (const [visit, sledaiVisit, pgaVisit] of [
      [all(ds, "A"), 10, 1.2],
      [{ ...all(ds, "D"), [ds[0]!]: "B" }, 4, 0.8],
      [all(ds, "D"), 6, 0.5],
    ] as const)
      out.push(
        sri4.run({
          sledaiVersion: bilagVersion === "CLASSIC" ? "SELENA_SLEDAI" : "SLEDAI_2K",
          sledaiBaseline: 10,
          sledaiVisit,
          pgaBaseline: 0.8,
          pgaVisit,
          bilagVersion,
          bilagBaseline: all(ds, "D"),
          bilagVisit: visit,
        }),
      );
  }
  return out;
}

/** SELENA flare runs: none (with the findings that are not criteria), severe on every criterion, mild on every one. */
function selenaFlareRuns(): CalculatorResult[] {
  const quiet = {
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
  const inputs = [
    // No flare, with the findings reported that are not SFI criteria.
    {
      ...quiet,
      selenaSledaiCurrent: 6,
      pgaCurrent: 0.2,
      newOrWorseThrombocytopenia: true,
      plateletsPerUl: 80000,
      hemolyticAnemia: true,
      hemoglobinPreviousGdl: 11,
      hemoglobinGdl: 9,
      newImmunosuppressivesForSle: ["MYCOPHENOLATE"],
      mycophenolateCountsAsSevere: false,
    },
    // Severe on every criterion, with a mild/moderate manifestation and NSAID also met.
    {
      ...quiet,
      selenaSledaiCurrent: 14,
      pgaPrevious: 1,
      pgaCurrent: 2.6,
      newOrWorseSevereManifestations: ["NEPHRITIS", "CNS_SLE"],
      newOrWorseMildModerateManifestations: ["ARTHRITIS"],
      newOrWorseThrombocytopenia: true,
      plateletsPerUl: 40000,
      hemolyticAnemia: true,
      hemoglobinPreviousGdl: 9,
      hemoglobinGdl: 6.5,
      prednisoneCurrentMgPerDay: 40,
      weightKg: 60,
      hospitalizationForSle: true,
      newImmunosuppressivesForSle: ["CYCLOPHOSPHAMIDE", "MYCOPHENOLATE"],
      mycophenolateCountsAsSevere: true,
      nsaidOrHydroxychloroquineAddedForSle: true,
    },
    // Severe: haemoglobin falling more than 3 g/dL.
    { ...quiet, hemolyticAnemia: true, hemoglobinPreviousGdl: 12, hemoglobinGdl: 8.5 },
    // Mild/moderate on every criterion.
    {
      ...quiet,
      selenaSledaiCurrent: 8,
      pgaCurrent: 1.5,
      newOrWorseMildModerateManifestations: ["SLE_FEVER", "DISCOID_LUPUS"],
      prednisoneCurrentMgPerDay: 15,
      weightKg: 60,
      nsaidOrHydroxychloroquineAddedForSle: true,
    },
  ];
  return inputs.map((i) => selenaFlare.run(i));
}

/** IEC-HS runs: positive and negative on every criterion, each ferritin and transaminase reference. */
function iecHsRuns(): CalculatorResult[] {
  const inputs = [
    // Positive on every feature (ALT > 5 × ULN; AST not > 5 × its raised baseline), graded 3.
    {
      ferritinNgPerML: 5000,
      ferritinUlnNgPerML: 300,
      ferritinBaselineNgPerML: 200,
      ferritinRisingRapidly: false,
      onsetWithResolvingCrsOrWorseningAfterImprovement: true,
      alt: { valueUPerL: 300, ulnUPerL: 40, baselineUPerL: 30 },
      ast: { valueUPerL: 150, ulnUPerL: 40, baselineUPerL: 60 },
      fibrinogen: { valueMgPerDL: 120 },
      cytopeniaNewOrWorsening: true,
      hemophagocytosis: "PRESENT",
      supportiveFeatures: ["SPLENOMEGALY", "LDH_RAISED"],
      clinicianGrade: 3,
    },
    // Negative on every criterion, graded 2 by the clinician anyway.
    {
      ferritinNgPerML: 500,
      ferritinUlnNgPerML: 300,
      ferritinBaselineNgPerML: 400,
      ferritinRisingRapidly: false,
      onsetWithResolvingCrsOrWorseningAfterImprovement: false,
      fibrinogen: { valueMgPerDL: 200, llnMgPerDL: 180 },
      cytopeniaNewOrWorsening: false,
      hemophagocytosis: "ABSENT",
      clinicianGrade: 2,
    },
    // Ferritin rising rapidly (no ratio), AST > 5 × its raised baseline, fibrinogen below the LLN.
    {
      ferritinNgPerML: 900,
      ferritinRisingRapidly: true,
      onsetWithResolvingCrsOrWorseningAfterImprovement: true,
      alt: { valueUPerL: 100, ulnUPerL: 40, baselineUPerL: 30 },
      ast: { valueUPerL: 400, ulnUPerL: 40, baselineUPerL: 60 },
      fibrinogen: { valueMgPerDL: 160, llnMgPerDL: 200 },
      cytopeniaNewOrWorsening: false,
      hemophagocytosis: "NOT_ASSESSED",
    },
    // Ferritin > 2 × its raised baseline and rising, but no organ feature.
    {
      ferritinNgPerML: 1000,
      ferritinUlnNgPerML: 300,
      ferritinBaselineNgPerML: 400,
      ferritinRisingRapidly: true,
      onsetWithResolvingCrsOrWorseningAfterImprovement: true,
      cytopeniaNewOrWorsening: false,
      hemophagocytosis: "ABSENT",
    },
    // Only the ferritin criterion missing.
    {
      ferritinNgPerML: 500,
      ferritinUlnNgPerML: 300,
      ferritinBaselineNgPerML: 100,
      ferritinRisingRapidly: false,
      onsetWithResolvingCrsOrWorseningAfterImprovement: true,
      cytopeniaNewOrWorsening: true,
      hemophagocytosis: "NOT_ASSESSED",
    },
  ];
  return inputs.map((i) => iecHs.run(i));
}

/** CAR-T dose runs: each dose basis and count basis, capped or not, the bag short, in and out of range. */
function carTDoseRuns(): CalculatorResult[] {
  const inputs = [
    // Per kg, capped at maxTotal; viable cells × CAR+ %; within a total range.
    {
      doseBasis: "PER_KG",
      dosePerKg: 2e6,
      refWeightKg: 120,
      maxTotal: 2e8,
      bag: { cellCountBasis: "VIABLE", totalCells: 5e8, volumeMl: 68, carPositivePercent: 60 },
      doseRange: { unit: "CELLS", lower: 1e8, upper: 2e8 },
    },
    // Per kg within maxTotal; total nucleated × viable × CAR+; the bag does not suffice; out of a per-kg range.
    {
      doseBasis: "PER_KG",
      dosePerKg: 2e6,
      refWeightKg: 70,
      maxTotal: 2e8,
      bag: {
        cellCountBasis: "TOTAL_NUCLEATED",
        concentrationCellsPerMl: 2e6,
        volumeMl: 50,
        viabilityPercent: 90,
        carPositivePercent: 50,
      },
      doseRange: { unit: "CELLS_PER_KG", lower: 2.5e6, upper: 5e6 },
    },
    // Flat dose, with the per-kg dose it gives.
    {
      doseBasis: "FLAT",
      flatDose: 1e8,
      refWeightKg: 80,
      bag: { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 1.5e8, volumeMl: 20 },
    },
    // Whole bag.
    {
      doseBasis: "WHOLE_BAG",
      refWeightKg: 60,
      bag: { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 1e8, concentrationCellsPerMl: 1e6 },
      doseRange: { unit: "CELLS", lower: 5e7, upper: 2e8 },
    },
  ];
  return inputs.map((i) => carTDoseCalculator.run(i));
}

/** Lymphodepletion runs: every band of every fludarabine renal rule, one day and several, cyclophosphamide alone. */
function lymphodepletionRuns(): CalculatorResult[] {
  const fluCy = (fluDays: number[], cyDays: number[]) => [
    { drug: "FLUDARABINE", doseMgPerM2PerDay: 30, days: fluDays },
    { drug: "CYCLOPHOSPHAMIDE", doseMgPerM2PerDay: 500, days: cyDays },
  ];
  const run = (
    crcl: number,
    method: string,
    rule: unknown,
    fluDays = [-5, -4, -3],
    cyDays = [-5, -4, -3],
  ) => ({
    bsaM2: 1.9,
    regimen: fluCy(fluDays, cyDays),
    creatinineClearanceMlMin: crcl,
    creatinineClearanceMethod: method,
    fludarabineRenalRule: rule,
  });
  const protocol = {
    kind: "PROTOCOL",
    protocolName: "ZUMA-7",
    bands: [
      { fromCrClMlMin: 0, doseFactor: 0 },
      { fromCrClMlMin: 40, doseFactor: 0.75 },
      { fromCrClMlMin: 70, doseFactor: 1 },
    ],
  };
  const inputs = [
    // US label (the default), each band; Cockcroft–Gault under the US label adds its note.
    run(60, "COCKCROFT_GAULT", { kind: "US_LABEL" }),
    run(25, "MEASURED_URINE", { kind: "US_LABEL" }, [-5, -4, -3], [-3]),
    run(90, "EGFR_NORMALISED", { kind: "US_LABEL" }, [-5]),
    // US FLUDARA label, each band; one day of a reduced dose.
    run(40, "OTHER", { kind: "US_FLUDARA_LABEL" }, [-4]),
    run(60, "OTHER", { kind: "US_FLUDARA_LABEL" }),
    run(20, "OTHER", { kind: "US_FLUDARA_LABEL" }),
    run(85, "OTHER", { kind: "US_FLUDARA_LABEL" }),
    // EU SmPC, each band.
    run(50, "MEASURED_URINE", { kind: "EU_SMPC", reductionPercent: 30 }),
    run(20, "MEASURED_URINE", { kind: "EU_SMPC", reductionPercent: 30 }),
    run(80, "MEASURED_URINE", { kind: "EU_SMPC", reductionPercent: 30 }),
    // A protocol's bands: a dose factor, and withholding.
    run(50, "COCKCROFT_GAULT", protocol),
    run(30, "COCKCROFT_GAULT", protocol),
    // Cyclophosphamide alone.
    { bsaM2: 1.75, regimen: [{ drug: "CYCLOPHOSPHAMIDE", doseMgPerM2PerDay: 300, days: [-5, -4, -3] }] },
  ];
  return inputs.map((i) => lymphodepletionCalculator.run(i));
}

/** Kinetics runs: each AUC case, each persistence case, each B-cell course (recovery, ongoing, none). */
function kineticsRuns(): CalculatorResult[] {
  const blq = (day: number) => ({ day, belowLloq: true });
  const inputs = [
    // Day-28 interpolated, loss of persistence confirmed; B-cell recovery with a censored value left
    // out and a low value after recovery.
    {
      carSeries: {
        unit: "COPIES_PER_UG_GDNA",
        lloq: 10,
        samples: [
          blq(0),
          { day: 7, value: 50000 },
          { day: 14, value: 20000 },
          { day: 21, value: 5000 },
          { day: 35, value: 500 },
          blq(60),
          blq(90),
        ],
      },
      bCellSeries: {
        unit: "CELLS_PER_UL",
        aplasiaThreshold: 20,
        samples: [
          { day: 0, value: 100 },
          { day: 7, value: 5 },
          { day: 14, comparator: "<", value: 10 },
          { day: 30, comparator: ">", value: 5 },
          { day: 60, value: 30 },
          { day: 90, value: 40 },
          { day: 120, value: 3 },
        ],
      },
    },
    // No day-0 sample, last sample before day 28 (partial AUC), persistence censored; aplasia
    // ongoing with one sample above the threshold.
    {
      carSeries: {
        unit: "CAR_POS_CELLS_PER_UL",
        lloq: 1,
        samples: [
          { day: 3, value: 20 },
          { day: 10, value: 40 },
          { day: 20, value: 5 },
        ],
      },
      bCellSeries: {
        unit: "PERCENT_OF_LYMPHOCYTES",
        aplasiaThreshold: 1,
        samples: [
          { day: 7, value: 0.5 },
          { day: 14, value: 2 },
        ],
      },
    },
    // Nothing quantifiable before day 28; no B-cell aplasia.
    {
      carSeries: { unit: "COPIES_PER_UG_GDNA", lloq: 10, samples: [blq(7), blq(14)] },
      bCellSeries: {
        unit: "CELLS_PER_UL",
        aplasiaThreshold: 20,
        samples: [
          { day: 7, value: 50 },
          { day: 14, value: 60 },
        ],
      },
    },
    // No sample inside days 1–28; one sample below the LLOQ after Tlast; aplasia ongoing.
    {
      carSeries: {
        unit: "COPIES_PER_UG_GDNA",
        lloq: 10,
        samples: [blq(0), { day: 60, value: 100 }, blq(90)],
      },
      bCellSeries: {
        unit: "CELLS_PER_UL",
        aplasiaThreshold: 20,
        samples: [
          { day: 7, value: 5 },
          { day: 14, value: 3 },
        ],
      },
    },
  ];
  return inputs.map((i) => cellularKineticsCalculator.run(i));
}

/**
 * Release evaluations (the QC results of a bag against its specification), as runs of their
 * attributes' reasons, every attribute included: the specification's units are terms, so the
 * vector copy number's "copies/transduced cell" is worded in Chinese too.
 */
function releaseRuns(): CalculatorResult[] {
  const ok: QcResult[] = [
    { attribute: "viability", valueNumber: 70, unit: "%" },
    { attribute: "car-positive", valueNumber: 20, unit: "%" },
    { attribute: "vector-copy-number", valueNumber: 10, unit: "copies/transduced cell" },
    { attribute: "sterility", valueCode: "negative" },
    { attribute: "mycoplasma", valueCode: "negative" },
    { attribute: "endotoxin", valueNumber: 0.5, unit: "EU/mL" },
    { attribute: "car-positive-viable-cells", valueNumber: 7e7, unit: "cells" },
  ];
  const bad: QcResult[] = [
    { attribute: "viability", valueNumber: 60, unit: "%" },
    { attribute: "car-positive", valueNumber: 20 },
    { attribute: "vector-copy-number", valueNumber: 10.5, unit: "copies/transduced cell" },
    { attribute: "sterility", valueCode: "positive" },
    { attribute: "mycoplasma", valueCode: "indeterminate" },
    { attribute: "endotoxin", valueNumber: 0.1, unit: "EU/kg" },
    { attribute: "car-positive-viable-cells", valueNumber: 6e7, unit: "cells" },
  ];
  const run = (results: QcResult[], dose: DoseTarget) => {
    const { attributes } = evaluateRelease(EXAMPLE_RELEASE_SPEC, results, dose);
    return {
      reasons: attributes.map((a) => a.reason),
      reasonCodes: attributes.map((a) => a.reasonCode ?? null),
    } as unknown as CalculatorResult;
  };
  const perKg: DoseTarget = { basis: "per-kg", dosePerKg: 1e6, weightKg: 70 };
  const flat: DoseTarget = { basis: "flat", cells: 7e7 };
  return [
    run(ok, perKg),
    run(ok, flat),
    run(bad, perKg),
    run(bad, flat),
    run([{ attribute: "endotoxin", valueText: "see report" } as QcResult], {
      basis: "unknown",
      why: "no-weight",
    }),
    run([{ attribute: "endotoxin", valueNumber: 0.2, unit: "EU/mL" }], {
      basis: "unknown",
      why: "no-dose-level",
    }),
    run([], perKg),
  ];
}

/** Every coded family with runs that should reach all of its codes. */
const FAMILY_RUNS: Record<string, () => CalculatorResult[]> = {
  release: releaseRuns,
  crs: crsRuns,
  icans: icansRuns,
  ice: iceRuns,
  capd: capdRuns,
  ctcae: ctcaeRuns,
  icaht: icahtRuns,
  iecHs: iecHsRuns,
  sledai: sledaiRuns,
  doris: dorisRuns,
  lldas: lldasRuns,
  sri4: sri4Runs,
  selenaFlare: selenaFlareRuns,
  luganoPet: luganoPetRuns,
  luganoCt: luganoCtRuns,
  bsa: bsaRuns,
  crcl: crclRuns,
  carTDose: carTDoseRuns,
  lymphodepletion: lymphodepletionRuns,
  kinetics: kineticsRuns,
  hematotox: hematotoxRuns,
  lyric: lyricRuns,
  eularAcr: eularAcrRuns,
};

/** Latin words a Chinese sentence may keep: names of sources and tables quoted as such. */
const KEPT_LATIN =
  /blow-by|Lee|Table|Traube|Liang|NADIR|STRICT|Lugano|Deauville|Barrington|Mosteller|DuBois|Devine|Cockcroft|Gault|Rejeski|Cheson/g;

describe("the web app words real results from their codes", () => {
  afterAll(() => showIn("en"));

  it("every coded family has runs here", () => {
    expect(Object.keys(FAMILY_RUNS).sort()).toEqual(REASON_FAMILIES.map((f) => f.prefix).sort());
  });

  describe.each(Object.entries(FAMILY_RUNS))("%s", (prefix, makeRuns) => {
    // A coded label is one more sentence of its family, checked like the reasons.
    const familyRuns = makeRuns().map((r) =>
      r.labelCode
        ? { ...r, reasons: [...r.reasons, r.label], reasonCodes: [...r.reasonCodes, r.labelCode] }
        : r,
    );

    it("its runs reach every code of the family, and every sentence is coded", () => {
      const emitted = new Set(familyRuns.flatMap((r) => r.reasonCodes.map((c) => c?.code)));
      const phrases = new Set(
        familyRuns.flatMap((r) =>
          r.reasonCodes.flatMap((c) =>
            Object.values(c?.params ?? {}).flatMap((p) =>
              (Array.isArray(p) ? p : [p]).flatMap((q) =>
                typeof q === "object" && q !== null && "code" in q ? [q.code] : [],
              ),
            ),
          ),
        ),
      );
      expect(emitted.has(undefined)).toBe(false);
      const codes = [...allReasonTemplates().keys()].filter((c) => c.startsWith(`${prefix}.`));
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.filter((c) => !emitted.has(c) && !phrases.has(c))).toEqual([]);
    });

    it("its results' labels are coded too (a release evaluation has none)", () => {
      if (prefix === "release") return;
      const uncoded = familyRuns.filter((r) => !r.labelCode).map((r) => r.label);
      expect(uncoded).toEqual([]);
    });

    it("in English, the catalogue gives back the server's sentence for every run", async () => {
      await showIn("en");
      const differing = familyRuns.flatMap((r) =>
        reasonTexts(r.reasons, r.reasonCodes).filter((text, i) => text !== r.reasons[i]),
      );
      expect(differing).toEqual([]);
    });

    it("in Chinese, every sentence is worded with its values and no English or placeholder left", async () => {
      await showIn("zh-CN");
      const bad = familyRuns.flatMap((r) =>
        reasonTexts(r.reasons, r.reasonCodes).filter(
          (t) => /\{\{|[a-z]{5,}/.test(t.replace(KEPT_LATIN, "")) || !/\p{Script=Han}/u.test(t),
        ),
      );
      expect(bad).toEqual([]);
    });
  });

  it("words an ICANS grade 3 (ICE 5 with a rapidly resolving seizure) in Chinese", async () => {
    const r = icans.run({
      ageYears: 54,
      iceItems: {
        orientationYear: false,
        orientationMonth: false,
        orientationCity: true,
        orientationHospital: true,
        namingObject1: true,
        namingObject2: true,
        namingObject3: false,
        followsCommands: true,
        writesStandardSentence: false,
        countsBackwardsBy10: false,
      },
      iceOtherCause: false,
      consciousness: "AWAKENS_TO_VOICE",
      consciousnessOtherCause: false,
      seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
      seizureOtherCause: false,
      motor: "NONE",
      icpEdema: "NONE",
      deathDueToIcans: false,
    });
    expect(r.value).toBe(3);
    await showIn("zh-CN");
    expect(reasonTexts(r.reasons, r.reasonCodes)).toEqual([
      "ICE 失分项目：年份定向、月份定向、命名第三个物品、书写一个标准句子、从 100 开始每次减 10 倒数。",
      "2 级：ICE 评分 5/10（ICE 3–6 分 → 2 级，Lee 2019）。",
      "2 级：呼唤可醒（意识水平）。",
      "3 级：迅速缓解的癫痫发作（或脑电图示非惊厥性发作经干预缓解）（癫痫发作）。",
      "3 级：由最严重的领域（癫痫发作）决定 ICANS 分级（Lee 2019）。",
    ]);
    await showIn("en");
    expect(reasonTexts(r.reasons, r.reasonCodes)[0]).toBe(
      "ICE items missed: orientation to year, orientation to month, naming object 3, writing a standard sentence, " +
        "counting backwards from 100 by 10.",
    );
  });

  it("words a grade 3 CRS (fever, norepinephrine plus vasopressin, nasal cannula 4 L/min) in Chinese", async () => {
    const r = crs.run({
      tempMaxC: 39.2,
      feverOtherCause: false,
      crsAlreadyDiagnosed: false,
      hypotension: "ONE_VASOPRESSOR",
      vasopressors: ["NOREPINEPHRINE", "VASOPRESSIN"],
      hypotensionOtherCause: false,
      oxygenDevice: "NASAL_CANNULA",
      oxygenFlowLpm: 4,
      hypoxiaOtherCause: false,
      deathDueToCrs: false,
    });
    expect(r.value).toBe(3);
    await showIn("zh-CN");
    expect(reasonTexts(r.reasons, r.reasonCodes)).toEqual([
      "发热：最高体温 39.2 °C ≥ 38.0 °C，且不能归因于其他原因。",
      "3 级：低血压，需要一种血管活性药物（去甲肾上腺素 + 血管加压素）；血管加压素不计为第二种血管活性药物。",
      "2 级：低流量吸氧（鼻导管 4 L/min ≤ 6 L/min）。",
      "按较重的事件分级：低血压 3 级，低氧 2 级 → 3 级。",
    ]);
  });

  it("words a Lugano CT stable disease (SPD −18.5 %, non-measured lesions stable, spleen 14 cm) in Chinese", async () => {
    const r = luganoCt.run({
      targetLesions: [
        {
          kind: "NODAL",
          site: "纵隔",
          status: "MEASURED",
          ldiMm: 20,
          sdiMm: 10,
          nadirStatus: "MEASURED",
          nadirLdiMm: 20,
          nadirSdiMm: 10,
        },
        { kind: "EXTRANODAL", status: "TOO_SMALL_TO_MEASURE", nadirStatus: "TOO_SMALL_TO_MEASURE" },
      ],
      baselineSpdMm2: 276,
      nonMeasuredLesions: "STABLE",
      spleen: { baselineLengthCm: 15, lengthCm: 14, nadirLengthCm: 14 },
      newLesions: [],
      boneMarrow: "NORMAL",
    });
    expect(r.value).toBe("SD");
    await showIn("zh-CN");
    expect(reasonTexts(r.reasons, r.reasonCodes)).toEqual([
      "SPD（垂直径乘积之和）225 mm²（径线 20 × 10 mm = 200 + 过小无法测量（5 × 5 mm）= 25），基线 276 mm²：−18.5 %。",
      "不符合任何疾病进展（PD）标准；未达部分缓解（PR）：SPD 较基线变化 −18.5 %，未达 −50 %；非测量病灶稳定，而非消失/正常或缩小；脾脏缩小 1 cm，未超过其超出 13 cm 部分 2 cm 的 50 %（Lugano 2014 表 3）。",
      "未达完全缓解（CR）：名为“纵隔”的目标淋巴结 LDi 20 mm > 15 mm；第 2 个目标结外病灶仍可见（完全缓解要求无结外病变）；非测量病灶稳定，而非消失；脾脏 14 cm（> 13 cm）。",
    ]);
  });

  it("words a positive IEC-HS screen (ferritin > 2 × ULN, ALT > 5 × ULN, fibrinogen < 150 mg/dL) in Chinese", async () => {
    // Hines 2023: ferritin 5000 > 2 × ULN 300 = 600 ng/mL, onset as CRS resolves, ALT 300 > 5 × ULN 40
    // = 200 U/L and fibrinogen 120 < 150 mg/dL: screen positive; the grade is the clinician's.
    const r = iecHs.run({
      ferritinNgPerML: 5000,
      ferritinUlnNgPerML: 300,
      ferritinBaselineNgPerML: 200,
      ferritinRisingRapidly: false,
      onsetWithResolvingCrsOrWorseningAfterImprovement: true,
      alt: { valueUPerL: 300, ulnUPerL: 40, baselineUPerL: 30 },
      fibrinogen: { valueMgPerDL: 120 },
      cytopeniaNewOrWorsening: false,
      hemophagocytosis: "NOT_ASSESSED",
      clinicianGrade: 3,
    });
    expect(r.value).toMatchObject({ screenPositive: true, grade: 3 });
    await showIn("zh-CN");
    expect(reasonTexts(r.reasons, r.reasonCodes)).toEqual([
      "IEC-HS（免疫效应细胞相关噬血细胞性淋巴组织细胞增生症样综合征）筛查阳性：符合铁蛋白标准、时间标准及转氨酶升高、低纤维蛋白原血症（Hines 2023；诊断需由临床医师在排除其他原因后判定）。",
      "符合铁蛋白标准：铁蛋白 5000 ng/mL > 600 ng/mL = 2 × 正常值上限 300（基线 200 ≤ 正常值上限）；未快速升高。",
      "符合时间标准：发生于 CRS 缓解之际，或炎症在初步好转后再次加重。",
      "转氨酶：ALT 300 U/L > 200 U/L = 5 × 正常值上限 40 U/L（基线 30 ≤ 正常值上限）。",
      "低纤维蛋白原血症：纤维蛋白原 120 mg/dL < 150 mg/dL。",
      "无新发或加重的血细胞减少。",
      "未评估噬血现象。",
      "临床医师判定为 3 级：严重或具有重要医学意义但不立即危及生命（如凝血功能障碍伴出血需输血，或因器官功能障碍住院）。",
    ]);
  });

  it("falls back to the server's English for an unknown code or a sentence not yet coded", async () => {
    await showIn("zh-CN");
    expect(
      reasonTexts(
        ["From a newer server.", "Not coded yet.", "Stored before codes."],
        [{ code: "crs.fromTheFuture", params: {} }, null],
      ),
    ).toEqual(["From a newer server.", "Not coded yet.", "Stored before codes."]);
  });
});
