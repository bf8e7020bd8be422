/**
 * ASTCT 2019 (Lee et al.) CRS and ICANS grading, the ICE score and the CAPD.
 * Expected values come from the reference notes' worked examples (CRS-1..7, ICANS-1..7, CAPD-1) and
 * from the published tables (Lee 2019; Traube 2014), not from the implementation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capd, capdBandGrade } from "../../../src/domain/calculators/crs-icans/capd.ts";
import { crs } from "../../../src/domain/calculators/crs-icans/crs.ts";
import { icans } from "../../../src/domain/calculators/crs-icans/icans.ts";
import { ice } from "../../../src/domain/calculators/crs-icans/ice.ts";
import { crsIcansCalculators } from "../../../src/domain/calculators/crs-icans/index.ts";
import { issuesOf, pathsOf } from "../../support/validation.ts";

describe("registry", () => {
  it("exports crs, ice, icans and capd with their rule sets", () => {
    expect(crsIcansCalculators.map((c) => c.name).sort()).toEqual(["capd", "crs", "icans", "ice"]);
    for (const c of crsIcansCalculators) {
      expect(c.ruleSetVersion).toBe("1");
      expect(c.source).toMatch(/2019|2014/);
    }
    expect(crs.run(CRS_AFEBRILE).ruleSet).toBe("ASTCT 2019 (Lee et al.)");
  });
});

// ───────────────────────────────────────── CRS ─────────────────────────────────────────

const CRS_AFEBRILE = {
  tempMaxC: 37.0,
  crsAlreadyDiagnosed: false,
  hypotension: "NONE",
  oxygenDevice: "NONE",
  deathDueToCrs: false,
} as const;
/** A febrile patient (fever not explained by another cause) with extra fields. */
const febrile = (extra: Record<string, unknown> = {}, t = 38.5) => ({
  ...CRS_AFEBRILE,
  tempMaxC: t,
  feverOtherCause: false,
  ...extra,
});
const crsGrade = (input: unknown) => crs.run(input).value;
const nc = (flow: number) => ({
  oxygenDevice: "NASAL_CANNULA",
  oxygenFlowLpm: flow,
  hypoxiaOtherCause: false,
});
const pressor = (h: string, vasopressors?: string[]) => ({
  hypotension: h,
  hypotensionOtherCause: false,
  ...(vasopressors ? { vasopressors } : {}),
});

describe("CRS explained at the edges the mutation run found (issue 16)", () => {
  const FEVER = "Fever: highest temperature 38.5 °C ≥ 38.0 °C, not attributed to another cause.";
  it("one sign alone: its sentence only, no 'more severe event' line", () => {
    expect(crs.run(febrile(nc(3))).reasons).toEqual([
      FEVER,
      "Grade 2: low-flow oxygen (nasal cannula at 3 L/min ≤ 6 L/min).",
    ]);
    expect(crs.run(febrile(pressor("NO_VASOPRESSOR"))).reasons).toEqual([
      FEVER,
      "Grade 2: hypotension not requiring vasopressors.",
    ]);
  });
  it("vasopressors needed but not named: the sentence without a list", () => {
    expect(crs.run(febrile(pressor("ONE_VASOPRESSOR"))).reasons).toEqual([
      FEVER,
      "Grade 3: hypotension requiring one vasopressor.",
    ]);
    expect(crs.run(febrile(pressor("MULTIPLE_VASOPRESSORS"))).reasons).toEqual([
      FEVER,
      "Grade 4: hypotension requiring multiple vasopressors, vasopressin excluded.",
    ]);
  });
  it("death due to CRS without CRS is refused in words at its field", () => {
    expect(
      issuesOf(() => crs.run({ ...CRS_AFEBRILE, deathDueToCrs: true })).map((i) => [i.path, i.message]),
    ).toEqual([
      [
        "/deathDueToCrs",
        "Death due to CRS is recorded, but CRS was never diagnosed and there is no CRS fever.",
      ],
    ]);
  });
});

describe("CRS worked examples (reference notes §1)", () => {
  it("CRS-1: T 38.6 °C, no hypotension, room air → 1", () => {
    const r = crs.run(febrile({}, 38.6));
    expect(r.value).toBe(1);
    expect(r.label).toBe("Grade 1");
  });
  it("CRS-2: T 39.1 °C, fluid-responsive hypotension, nasal cannula 6 L/min → 2 (6 L/min is low-flow)", () => {
    const r = crs.run(febrile({ ...pressor("NO_VASOPRESSOR"), ...nc(6) }, 39.1));
    expect(r.value).toBe(2);
    expect(r.reasons.join(" ")).toContain("6 L/min ≤ 6 L/min");
  });
  it("CRS-3: T 38.3 °C, no hypotension, nasal cannula 7 L/min → 3", () => {
    const r = crs.run(febrile(nc(7), 38.3));
    expect(r.value).toBe(3);
    expect(r.reasons).toContain("Grade 3: high-flow oxygen (nasal cannula at 7 L/min > 6 L/min).");
  });
  it("CRS-4: after tocilizumab, T 37.1 °C, norepinephrine + vasopressin, nasal cannula 2 L/min → 3", () => {
    const input = {
      ...CRS_AFEBRILE,
      tempMaxC: 37.1,
      crsAlreadyDiagnosed: true,
      feverMaskingTherapyGiven: true,
      ...pressor("ONE_VASOPRESSOR", ["NOREPINEPHRINE", "VASOPRESSIN"]),
      ...nc(2),
    };
    const r = crs.run(input);
    expect(r.value).toBe(3);
    expect(r.reasons.join(" ")).toContain("vasopressin is not counted as a second vasopressor");
    // the same patient entered as "multiple vasopressors" is refused: vasopressin is not a second pressor
    expect(pathsOf(() => crs.run({ ...input, hypotension: "MULTIPLE_VASOPRESSORS" }))).toEqual([
      "/hypotension",
    ]);
    // …in words, not the answers' codes (issue 11).
    expect(issuesOf(() => crs.run({ ...input, hypotension: "MULTIPLE_VASOPRESSORS" }))[0]!.message).toBe(
      "Hypotension is recorded as requiring multiple vasopressors, but the vasopressors listed (norepinephrine, vasopressin) mean requiring one vasopressor; vasopressin is not counted as a second vasopressor (Lee 2019).",
    );
    expect(
      issuesOf(() => crs.run({ ...input, hypotension: "ONE_VASOPRESSOR", vasopressors: [] }))[0]!.message,
    ).toBe(
      "Hypotension is recorded as requiring one vasopressor, but the vasopressors listed (none) mean not requiring vasopressors; vasopressin is not counted as a second vasopressor (Lee 2019).",
    );
  });
  it("CRS-5: T 38.9 °C, norepinephrine + phenylephrine, non-rebreather → 4", () => {
    const input = febrile(
      {
        ...pressor("MULTIPLE_VASOPRESSORS", ["NOREPINEPHRINE", "PHENYLEPHRINE"]),
        oxygenDevice: "NON_REBREATHER",
        hypoxiaOtherCause: false,
      },
      38.9,
    );
    expect(crsGrade(input)).toBe(4);
  });
  it("CRS-6: T 38.5 °C, no pressor, BiPAP → 4", () => {
    expect(crsGrade(febrile({ oxygenDevice: "BIPAP", hypoxiaOtherCause: false }))).toBe(4);
  });
  it("CRS-7: never febrile, no prior CRS, nasal cannula 3 L/min → 0 (not CRS)", () => {
    const r = crs.run({ ...CRS_AFEBRILE, tempMaxC: 36.8, ...nc(3) });
    expect(r.value).toBe(0);
    expect(r.reasons.join(" ")).toMatch(/not CRS/);
  });
});

describe("CRS bands and edges", () => {
  it("fever threshold 38.0 °C: 37.9 and 37.99 are not fever, 38.0 is", () => {
    expect(crsGrade({ ...CRS_AFEBRILE, tempMaxC: 37.9 })).toBe(0);
    expect(crsGrade({ ...CRS_AFEBRILE, tempMaxC: 37.99 })).toBe(0);
    expect(crsGrade(febrile({}, 38.0))).toBe(1);
  });
  it("fever explained by another cause is not CRS fever, even with hypotension", () => {
    expect(crsGrade(febrile({ feverOtherCause: true, ...pressor("ONE_VASOPRESSOR") }, 39.5))).toBe(0);
  });
  it("hypotension row: fluids → 2, one vasopressor → 3, multiple → 4", () => {
    expect(crsGrade(febrile(pressor("NO_VASOPRESSOR")))).toBe(2);
    expect(crsGrade(febrile(pressor("ONE_VASOPRESSOR")))).toBe(3);
    expect(crsGrade(febrile(pressor("MULTIPLE_VASOPRESSORS")))).toBe(4);
  });
  it("vasopressin never counts as a second vasopressor", () => {
    expect(crsGrade(febrile(pressor("ONE_VASOPRESSOR", ["NOREPINEPHRINE", "VASOPRESSIN"])))).toBe(3);
    expect(crsGrade(febrile(pressor("ONE_VASOPRESSOR", ["VASOPRESSIN"])))).toBe(3);
    expect(crsGrade(febrile(pressor("MULTIPLE_VASOPRESSORS", ["NOREPINEPHRINE", "EPINEPHRINE"])))).toBe(4);
    expect(
      crsGrade(febrile(pressor("MULTIPLE_VASOPRESSORS", ["NOREPINEPHRINE", "DOPAMINE", "VASOPRESSIN"]))),
    ).toBe(4);
    expect(
      pathsOf(() => crs.run(febrile(pressor("ONE_VASOPRESSOR", ["NOREPINEPHRINE", "PHENYLEPHRINE"])))),
    ).toEqual(["/hypotension"]);
    expect(pathsOf(() => crs.run(febrile(pressor("NO_VASOPRESSOR", ["NOREPINEPHRINE"]))))).toEqual([
      "/hypotension",
    ]);
    expect(crsGrade(febrile(pressor("NO_VASOPRESSOR", [])))).toBe(2);
  });
  it("low-flow boundary: nasal cannula 6 L/min → 2, 6.01 L/min → 3; 0.5 L/min → 2", () => {
    expect(crsGrade(febrile(nc(6)))).toBe(2);
    expect(crsGrade(febrile(nc(6.01)))).toBe(3);
    expect(crsGrade(febrile(nc(0.5)))).toBe(2);
  });
  it("hypoxia row by device", () => {
    const dev = (d: string) => crsGrade(febrile({ oxygenDevice: d, hypoxiaOtherCause: false }));
    expect(dev("BLOW_BY")).toBe(2);
    for (const d of ["HFNC", "FACEMASK", "NON_REBREATHER", "VENTURI"]) expect(dev(d)).toBe(3);
    for (const d of ["CPAP", "BIPAP", "INVASIVE_VENTILATION"]) expect(dev(d)).toBe(4);
    expect(crsGrade(febrile({ oxygenDevice: "HFNC", oxygenFlowLpm: 6.5, hypoxiaOtherCause: false }))).toBe(3);
  });
  it("the more severe of hypotension and hypoxia sets the grade (Lee 2019: T 39.5, one pressor, low-flow → 3)", () => {
    expect(crsGrade(febrile({ ...pressor("ONE_VASOPRESSOR"), ...nc(2) }, 39.5))).toBe(3);
    expect(
      crsGrade(febrile({ ...pressor("NO_VASOPRESSOR"), oxygenDevice: "CPAP", hypoxiaOtherCause: false })),
    ).toBe(4);
  });
  it("after fever-masking therapy fever is not required; without it, it is", () => {
    const masked = { ...CRS_AFEBRILE, crsAlreadyDiagnosed: true, feverMaskingTherapyGiven: true };
    expect(crsGrade({ ...masked, ...nc(4) })).toBe(2);
    expect(crsGrade({ ...masked, ...pressor("MULTIPLE_VASOPRESSORS") })).toBe(4);
    const notMasked = { ...CRS_AFEBRILE, crsAlreadyDiagnosed: true, feverMaskingTherapyGiven: false };
    expect(crsGrade({ ...notMasked, ...pressor("ONE_VASOPRESSOR") })).toBe(0);
  });
  it("after fever-masking therapy, no fever and no hypotension/hypoxia meets no grade (0, not 1)", () => {
    const r = crs.run({ ...CRS_AFEBRILE, crsAlreadyDiagnosed: true, feverMaskingTherapyGiven: true });
    expect(r.value).toBe(0);
    // but a fever that persists despite the therapy is still grade 1
    expect(crsGrade(febrile({ crsAlreadyDiagnosed: true, feverMaskingTherapyGiven: true }))).toBe(1);
  });
  it("hypotension or hypoxia attributable to another cause does not count", () => {
    expect(crsGrade(febrile({ ...pressor("ONE_VASOPRESSOR"), hypotensionOtherCause: true }))).toBe(1);
    expect(crsGrade(febrile({ ...nc(8), hypoxiaOtherCause: true, ...pressor("NO_VASOPRESSOR") }))).toBe(2);
  });
  it("death due to CRS → 5; without any CRS it is a contradiction", () => {
    expect(crsGrade(febrile({ deathDueToCrs: true, ...pressor("MULTIPLE_VASOPRESSORS") }))).toBe(5);
    expect(pathsOf(() => crs.run({ ...CRS_AFEBRILE, deathDueToCrs: true }))).toEqual(["/deathDueToCrs"]);
  });
  it("reasons name the inputs and thresholds", () => {
    const r = crs.run(febrile(nc(8), 38.4));
    expect(r.reasons).toContain(
      "Fever: highest temperature 38.4 °C ≥ 38.0 °C, not attributed to another cause.",
    );
    expect(r.reasons).toContain("Grade 3: high-flow oxygen (nasal cannula at 8 L/min > 6 L/min).");
    expect(r.details).toMatchObject({ crsFever: true, hypoxiaGrade: 3, hypotensionGrade: 0 });
  });
});

describe("CRS validation", () => {
  it("oxygenFlowLpm is required for a nasal cannula", () => {
    expect(
      pathsOf(() => crs.run(febrile({ oxygenDevice: "NASAL_CANNULA", hypoxiaOtherCause: false }))),
    ).toEqual(["/oxygenFlowLpm"]);
  });
  it("a flow with no oxygen device is a contradiction", () => {
    expect(pathsOf(() => crs.run(febrile({ oxygenFlowLpm: 2 })))).toEqual(["/oxygenFlowLpm"]);
  });
  it("HFNC at ≤ 6 L/min contradicts the ASTCT definition of high-flow", () => {
    expect(
      pathsOf(() => crs.run(febrile({ oxygenDevice: "HFNC", oxygenFlowLpm: 6, hypoxiaOtherCause: false }))),
    ).toEqual(["/oxygenFlowLpm"]);
  });
  it("feverOtherCause is required at ≥ 38.0 °C, not below", () => {
    expect(pathsOf(() => crs.run({ ...CRS_AFEBRILE, tempMaxC: 38.0 }))).toEqual(["/feverOtherCause"]);
    expect(crsGrade({ ...CRS_AFEBRILE, tempMaxC: 37.9 })).toBe(0);
  });
  it("feverMaskingTherapyGiven is required once CRS is diagnosed, and impossible before", () => {
    expect(pathsOf(() => crs.run({ ...CRS_AFEBRILE, crsAlreadyDiagnosed: true }))).toEqual([
      "/feverMaskingTherapyGiven",
    ]);
    expect(pathsOf(() => crs.run({ ...CRS_AFEBRILE, feverMaskingTherapyGiven: true }))).toEqual([
      "/feverMaskingTherapyGiven",
    ]);
  });
  it("attribution is required when hypotension or oxygen is recorded", () => {
    expect(
      pathsOf(() => crs.run(febrile({ hypotension: "NO_VASOPRESSOR", oxygenDevice: "FACEMASK" }))).sort(),
    ).toEqual(["/hypotensionOtherCause", "/hypoxiaOtherCause"]);
  });
  it("a vasopressor listed twice, or vasopressors with no hypotension, are refused", () => {
    expect(
      pathsOf(() => crs.run(febrile(pressor("ONE_VASOPRESSOR", ["NOREPINEPHRINE", "NOREPINEPHRINE"])))),
    ).toEqual(["/vasopressors"]);
    expect(pathsOf(() => crs.run(febrile({ vasopressors: ["NOREPINEPHRINE"] })))).toEqual(["/hypotension"]);
  });
  it("an empty vasopressor list agrees with no hypotension and with fluid-only hypotension", () => {
    // Lee 2019, Table 1: no vasopressor listed is grade 1 without hypotension, 2 with it; neither is refused.
    expect(crs.run(febrile({ hypotension: "NONE", vasopressors: [] })).value).toBe(1);
    expect(crs.run(febrile(pressor("NO_VASOPRESSOR", []))).value).toBe(2);
    // and an empty list cannot stand for a vasopressor requirement
    expect(pathsOf(() => crs.run(febrile(pressor("ONE_VASOPRESSOR", []))))).toEqual(["/hypotension"]);
  });
  it("Fahrenheit, missing and unknown fields are refused, never defaulted", () => {
    expect(pathsOf(() => crs.run(febrile({}, 101.2)))).toEqual(["/tempMaxC"]);
    const { deathDueToCrs: _, ...noDeath } = CRS_AFEBRILE;
    expect(pathsOf(() => crs.run(noDeath))).toEqual(["/deathDueToCrs"]);
    expect(pathsOf(() => crs.run({ ...CRS_AFEBRILE, oxygenDevice: "MASK" }))).toEqual(["/oxygenDevice"]);
    expect(issuesOf(() => crs.run({ ...CRS_AFEBRILE, oxygenFlowLPM: 3 }))[0]!.code).toBe("unrecognized_keys");
  });
});

const HYPO_ORDER = ["NONE", "NO_VASOPRESSOR", "ONE_VASOPRESSOR", "MULTIPLE_VASOPRESSORS"] as const;
const DEVICES = [
  "NONE",
  "NASAL_CANNULA",
  "BLOW_BY",
  "HFNC",
  "FACEMASK",
  "NON_REBREATHER",
  "VENTURI",
  "CPAP",
  "BIPAP",
  "INVASIVE_VENTILATION",
] as const;

/** Valid CRS inputs with every attribution false (so every sign counts). */
const crsArb = fc
  .record({
    tempMaxC: fc.double({ min: 35, max: 41.5, noNaN: true }),
    crsAlreadyDiagnosed: fc.boolean(),
    feverMaskingTherapyGiven: fc.boolean(),
    hypo: fc.integer({ min: 0, max: 3 }),
    device: fc.constantFrom(...DEVICES),
    flow: fc.double({ min: 0.25, max: 15, noNaN: true }),
  })
  .map((r) => ({
    tempMaxC: r.tempMaxC,
    feverOtherCause: false,
    crsAlreadyDiagnosed: r.crsAlreadyDiagnosed,
    ...(r.crsAlreadyDiagnosed ? { feverMaskingTherapyGiven: r.feverMaskingTherapyGiven } : {}),
    hypotension: HYPO_ORDER[r.hypo]!,
    hypotensionOtherCause: false,
    oxygenDevice: r.device,
    ...(r.device === "NASAL_CANNULA" ? { oxygenFlowLpm: r.flow } : {}),
    hypoxiaOtherCause: false,
    deathDueToCrs: false,
  }));

describe("CRS properties", () => {
  it("the grade is 0–4 for a living patient, and 0 without CRS fever unless masked", () => {
    fc.assert(
      fc.property(crsArb, (input) => {
        const g = crsGrade(input);
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThanOrEqual(4);
        const masked = input.crsAlreadyDiagnosed && input.feverMaskingTherapyGiven === true;
        if (input.tempMaxC < 38 && !masked) expect(g).toBe(0);
        if (input.tempMaxC >= 38) expect(g).toBeGreaterThanOrEqual(1);
      }),
    );
  });
  it("the grade never decreases when hypotension worsens", () => {
    fc.assert(
      fc.property(crsArb, (input) => {
        const i = HYPO_ORDER.indexOf(input.hypotension);
        for (const worse of HYPO_ORDER.slice(i + 1))
          expect(crsGrade({ ...input, hypotension: worse })).toBeGreaterThanOrEqual(crsGrade(input));
      }),
    );
  });
  it("the grade never decreases when the oxygen flow rises or support escalates", () => {
    fc.assert(
      fc.property(crsArb, fc.double({ min: 0, max: 10, noNaN: true }), (input, more) => {
        const g = crsGrade(input);
        if (input.oxygenDevice === "NASAL_CANNULA")
          expect(crsGrade({ ...input, oxygenFlowLpm: input.oxygenFlowLpm! + more })).toBeGreaterThanOrEqual(
            g,
          );
        const { oxygenFlowLpm: _, ...noFlow } = input;
        expect(crsGrade({ ...noFlow, oxygenDevice: "INVASIVE_VENTILATION" })).toBeGreaterThanOrEqual(g);
      }),
    );
  });
  it("adding vasopressin to a vasopressor list never changes the grade", () => {
    const agents = fc.subarray(
      ["NOREPINEPHRINE", "EPINEPHRINE", "PHENYLEPHRINE", "DOPAMINE", "ANGIOTENSIN_II"],
      {
        minLength: 1,
      },
    );
    fc.assert(
      fc.property(agents, fc.double({ min: 38, max: 41, noNaN: true }), (list, t) => {
        const h = list.length >= 2 ? "MULTIPLE_VASOPRESSORS" : "ONE_VASOPRESSOR";
        expect(crsGrade(febrile(pressor(h, [...list, "VASOPRESSIN"]), t))).toBe(
          crsGrade(febrile(pressor(h, list), t)),
        );
      }),
    );
  });
});

// ───────────────────────────────────────── ICE ─────────────────────────────────────────

const ICE_ALL = {
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
} as const;
const ICE_KEYS = Object.keys(ICE_ALL) as (keyof typeof ICE_ALL)[];
const ICE_NONE = Object.fromEntries(ICE_KEYS.map((k) => [k, false])) as Record<keyof typeof ICE_ALL, boolean>;

describe("ICE score", () => {
  it("all ten items → 10; none → 0", () => {
    expect(ice.run(ICE_ALL).value).toBe(10);
    expect(ice.run(ICE_ALL).label).toBe("ICE 10/10");
    expect(ice.run(ICE_NONE).value).toBe(0);
  });
  it("ICANS-1 items: missed the hospital and one object → 8, grade 1 band", () => {
    const r = ice.run({ ...ICE_ALL, orientationHospital: false, namingObject2: false });
    expect(r.value).toBe(8);
    expect(r.details).toMatchObject({ orientation: 3, naming: 2, icansBandGrade: 1 });
    expect(r.reasons.join(" ")).toContain("orientation to hospital");
  });
  it("the sections weigh 4 + 3 + 1 + 1 + 1", () => {
    const orientationOnly = {
      ...ICE_NONE,
      orientationYear: true,
      orientationMonth: true,
      orientationCity: true,
      orientationHospital: true,
    };
    expect(ice.run(orientationOnly).value).toBe(4);
    expect(
      ice.run({ ...ICE_NONE, namingObject1: true, namingObject2: true, namingObject3: true }).value,
    ).toBe(3);
    expect(ice.run({ ...ICE_NONE, followsCommands: true }).value).toBe(1);
    expect(ice.run({ ...ICE_NONE, writesStandardSentence: true }).value).toBe(1);
    expect(ice.run({ ...ICE_NONE, countsBackwardsBy10: true }).value).toBe(1);
  });
  it("every item is worth exactly one point (property)", () => {
    const items = fc.record(
      Object.fromEntries(ICE_KEYS.map((k) => [k, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>,
    );
    fc.assert(
      fc.property(items, fc.constantFrom(...ICE_KEYS), (it, key) => {
        const off = ice.run({ ...it, [key]: false }).value;
        expect(ice.run({ ...it, [key]: true }).value).toBe(off + 1);
        expect(ice.run(it).value).toBe(Object.values(it).filter(Boolean).length);
      }),
    );
  });
  it("a missing or non-boolean item is refused by name", () => {
    const { countsBackwardsBy10: _, ...missing } = ICE_ALL;
    expect(pathsOf(() => ice.run(missing))).toEqual(["/countsBackwardsBy10"]);
    expect(pathsOf(() => ice.run({ ...ICE_ALL, followsCommands: 1 }))).toEqual(["/followsCommands"]);
  });
});

// ───────────────────────────────────────── CAPD ─────────────────────────────────────────

const CAPD_BEST = {
  eyeContact: "ALWAYS",
  purposefulActions: "ALWAYS",
  awareOfSurroundings: "ALWAYS",
  communicatesNeedsAndWants: "ALWAYS",
  restless: "NEVER",
  inconsolable: "NEVER",
  underactive: "NEVER",
  slowToRespond: "NEVER",
} as const;
/** CAPD-1 of the reference notes. */
const CAPD_1 = {
  eyeContact: "SOMETIMES",
  purposefulActions: "OFTEN",
  awareOfSurroundings: "OFTEN",
  communicatesNeedsAndWants: "RARELY",
  restless: "SOMETIMES",
  inconsolable: "NEVER",
  underactive: "OFTEN",
  slowToRespond: "SOMETIMES",
} as const;

describe("CAPD", () => {
  it("CAPD-1: 2+1+1+3 + 2+0+3+2 = 14, positive screen", () => {
    const r = capd.run(CAPD_1);
    expect(r.value).toBe(14);
    expect(r.details).toMatchObject({ positiveScreen: true, icansBandGrade: 3 });
    expect(r.label).toBe("CAPD 14/32 (positive screen)");
  });
  it("best behaviour → 0, worst → 32 (items 1–4 are reverse-scored)", () => {
    expect(capd.run(CAPD_BEST).value).toBe(0);
    const worst = {
      eyeContact: "NEVER",
      purposefulActions: "NEVER",
      awareOfSurroundings: "NEVER",
      communicatesNeedsAndWants: "NEVER",
      restless: "ALWAYS",
      inconsolable: "ALWAYS",
      underactive: "ALWAYS",
      slowToRespond: "ALWAYS",
    };
    expect(capd.run(worst).value).toBe(32);
    expect(capd.run({ ...CAPD_BEST, eyeContact: "NEVER" }).value).toBe(4);
    expect(capd.run({ ...CAPD_BEST, eyeContact: "RARELY" }).value).toBe(3);
    expect(capd.run({ ...CAPD_BEST, restless: "ALWAYS" }).value).toBe(4);
    expect(capd.run({ ...CAPD_BEST, restless: "RARELY" }).value).toBe(1);
  });
  it("positive-screen threshold: 8 is negative, 9 is positive", () => {
    const eight = { ...CAPD_BEST, restless: "ALWAYS", inconsolable: "ALWAYS" };
    expect(capd.run(eight).value).toBe(8);
    expect(capd.run(eight).details).toMatchObject({ positiveScreen: false, icansBandGrade: 1 });
    const nine = { ...eight, underactive: "RARELY" };
    expect(capd.run(nine).value).toBe(9);
    expect(capd.run(nine).details).toMatchObject({ positiveScreen: true, icansBandGrade: 3 });
  });
  it("CAPD-1 explained: each item's points, both halves' sums, the screen and the ICANS band", () => {
    const r = capd.run(CAPD_1);
    expect(r.reasons).toEqual([
      "Items 1–4 (reverse-scored): eye contact 2, purposeful actions 1, awareness 1, communicates needs 3 = 7.",
      "Items 5–8: restless 2, inconsolable 0, underactive 3, slow to respond 2 = 7.",
      "CAPD 14 ≥ 9: positive delirium screen (Traube 2014).",
      "For a child under 12, CAPD ≥ 9 is the ICANS grade 3 band of the encephalopathy domain (Lee 2019), if not attributable to another cause.",
    ]);
    expect(r.details).toEqual({
      itemPoints: {
        eyeContact: 2,
        purposefulActions: 1,
        awareOfSurroundings: 1,
        communicatesNeedsAndWants: 3,
        restless: 2,
        inconsolable: 0,
        underactive: 3,
        slowToRespond: 2,
      },
      positiveScreen: true,
      icansBandGrade: 3,
    });
  });
  it("CAPD 0 and CAPD 8 explained: no ICANS from the domain, then the grade 1 band", () => {
    const best = capd.run(CAPD_BEST);
    expect(best.label).toBe("CAPD 0/32 (negative screen)");
    expect(best.reasons).toEqual([
      "Items 1–4 (reverse-scored): eye contact 0, purposeful actions 0, awareness 0, communicates needs 0 = 0.",
      "Items 5–8: restless 0, inconsolable 0, underactive 0, slow to respond 0 = 0.",
      "CAPD 0 < 9: negative delirium screen (Traube 2014).",
      "CAPD 0: no ICANS from the CAPD domain (Lee 2019).",
    ]);
    expect(best.details).toMatchObject({ positiveScreen: false, icansBandGrade: 0 });
    const eight = capd.run({ ...CAPD_BEST, restless: "ALWAYS", inconsolable: "ALWAYS" });
    expect(eight.label).toBe("CAPD 8/32 (negative screen)");
    expect(eight.reasons.slice(1)).toEqual([
      "Items 5–8: restless 4, inconsolable 4, underactive 0, slow to respond 0 = 8.",
      "CAPD 8 < 9: negative delirium screen (Traube 2014).",
      "For a child under 12, CAPD 1–8 is the ICANS grade 1 band of the encephalopathy domain (Lee 2019), if not attributable to another cause.",
    ]);
  });
  it("every rating of every item scores as Traube 2014's table (items 1–4 reversed)", () => {
    const ratings = ["NEVER", "RARELY", "SOMETIMES", "OFTEN", "ALWAYS"] as const;
    const reversed = ["eyeContact", "purposefulActions", "awareOfSurroundings", "communicatesNeedsAndWants"];
    const forward = ["restless", "inconsolable", "underactive", "slowToRespond"];
    // Start from the best behaviour and change one item: the total is that item's points.
    for (const item of reversed)
      expect(ratings.map((rating) => capd.run({ ...CAPD_BEST, [item]: rating }).value)).toEqual([
        4, 3, 2, 1, 0,
      ]);
    for (const item of forward)
      expect(ratings.map((rating) => capd.run({ ...CAPD_BEST, [item]: rating }).value)).toEqual([
        0, 1, 2, 3, 4,
      ]);
  });
  it("the ICANS band of a performed CAPD: 0 → 0, 1–8 → 1, ≥ 9 → 3 (Lee 2019, paediatric table)", () => {
    expect([0, 1, 8, 9, 32].map(capdBandGrade)).toEqual([0, 1, 1, 3, 3]);
  });
  it("a missing item or an unknown rating is refused by name", () => {
    expect(pathsOf(() => capd.run({ ...CAPD_BEST, eyeContact: "USUALLY" }))).toEqual(["/eyeContact"]);
    const { slowToRespond: _, ...missing } = CAPD_BEST;
    expect(pathsOf(() => capd.run(missing))).toEqual(["/slowToRespond"]);
    expect(pathsOf(() => capd.run({ ...CAPD_BEST, restless: 2 }))).toEqual(["/restless"]);
  });
});

// ───────────────────────────────────────── ICANS ─────────────────────────────────────────

const ADULT = {
  ageYears: 54,
  consciousness: "NORMAL",
  seizure: "NONE",
  motor: "NONE",
  icpEdema: "NONE",
  deathDueToIcans: false,
} as const;
const adultIce = (score: number, extra: Record<string, unknown> = {}) => ({
  ...ADULT,
  ice: score,
  ...(score < 10 ? { iceOtherCause: false } : {}),
  ...extra,
});
const CHILD = { ...ADULT, ageYears: 7 };
const childCapd = (score: number, extra: Record<string, unknown> = {}) => ({
  ...CHILD,
  capd: score,
  ...(score > 0 ? { capdOtherCause: false } : {}),
  ...extra,
});
const icansGrade = (input: unknown) => icans.run(input).value;

describe("ICANS worked examples (reference notes §2.5)", () => {
  it("ICANS-1: ICE 8 (missed the hospital name and one object), consciousness normal → 1", () => {
    expect(icansGrade(adultIce(8))).toBe(1);
    const items = { ...ICE_ALL, orientationHospital: false, namingObject3: false };
    const r = icans.run({ ...ADULT, iceItems: items, iceOtherCause: false });
    expect(r.value).toBe(1);
    expect(r.details).toMatchObject({ tool: "ICE", encephalopathyScore: 8 });
  });
  it("ICANS-2: ICE 5, awakens to voice → 2", () => {
    expect(
      icansGrade(adultIce(5, { consciousness: "AWAKENS_TO_VOICE", consciousnessOtherCause: false })),
    ).toBe(2);
  });
  it("ICANS-3: ICE 3, generalized seizure that resolved within a minute → 3", () => {
    const r = icans.run(
      adultIce(3, {
        seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
        seizureOtherCause: false,
      }),
    );
    expect(r.value).toBe(3);
    expect(r.reasons.at(-1)).toContain("seizure");
  });
  it("ICANS-4: ICE 0, awake but globally aphasic → 3 (not 4)", () => {
    expect(icansGrade(adultIce(0, { awakeWithGlobalAphasia: true }))).toBe(3);
    // the flag alone, without a number, is ICE 0
    expect(icansGrade({ ...ADULT, awakeWithGlobalAphasia: true, iceOtherCause: false })).toBe(3);
  });
  it("ICANS-5: unarousable, ICE not performable → 4", () => {
    const r = icans.run({
      ...ADULT,
      ice: null,
      iceNotPerformableBecauseUnarousable: true,
      consciousness: "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA",
      consciousnessOtherCause: false,
    });
    expect(r.value).toBe(4);
    expect(r.label).toBe("Grade 4");
  });
  it("ICANS-6: ICE 9, new hemiparesis → 4", () => {
    expect(icansGrade(adultIce(9, { motor: "DEEP_FOCAL_WEAKNESS", motorOtherCause: false }))).toBe(4);
  });
  it("ICANS-7: ICE 10, tremor only → 0 (tremor is graded with CTCAE)", () => {
    const r = icans.run(adultIce(10, { tremorOrMyoclonus: true }));
    expect(r.value).toBe(0);
    expect(r.reasons.join(" ")).toMatch(/Tremor.*CTCAE/);
  });
  it("CAPD-1: CAPD 14 in an awake 7-year-old → ICANS 3", () => {
    const r = icans.run({ ...CHILD, capdItems: CAPD_1, capdOtherCause: false });
    expect(r.value).toBe(3);
    expect(r.details).toMatchObject({ tool: "CAPD", encephalopathyScore: 14 });
    expect(icansGrade(childCapd(14))).toBe(3);
  });
});

describe("ICANS bands and edges", () => {
  it("ICE row: 10 → 0, 9 → 1, 7 → 1, 6 → 2, 3 → 2, 2 → 3, 0 → 3", () => {
    const expected: [number, number][] = [
      [10, 0],
      [9, 1],
      [7, 1],
      [6, 2],
      [3, 2],
      [2, 3],
      [0, 3],
    ];
    for (const [score, grade] of expected) expect(icansGrade(adultIce(score)), `ICE ${score}`).toBe(grade);
  });
  it("consciousness row: spontaneously → 1, voice → 2, tactile → 3, unarousable → 4", () => {
    const loc = (c: string) => icansGrade(adultIce(10, { consciousness: c, consciousnessOtherCause: false }));
    expect(loc("DEPRESSED_AWAKENS_SPONTANEOUSLY")).toBe(1);
    expect(loc("AWAKENS_TO_VOICE")).toBe(2);
    expect(loc("AWAKENS_ONLY_TO_TACTILE")).toBe(3);
    expect(loc("UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA")).toBe(4);
  });
  it("seizure, motor and ICP/edema rows", () => {
    const g = (extra: Record<string, unknown>) => icansGrade(adultIce(10, extra));
    expect(
      g({
        seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
        seizureOtherCause: false,
      }),
    ).toBe(3);
    expect(
      g({ seizure: "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE", seizureOtherCause: false }),
    ).toBe(4);
    expect(g({ motor: "DEEP_FOCAL_WEAKNESS", motorOtherCause: false })).toBe(4);
    expect(g({ icpEdema: "FOCAL_LOCAL_EDEMA", icpEdemaOtherCause: false })).toBe(3);
    expect(
      g({
        icpEdema: "DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD",
        icpEdemaOtherCause: false,
      }),
    ).toBe(4);
  });
  it("CAPD row for children: 0 → 0, 1 → 1, 8 → 1, 9 → 3, 32 → 3", () => {
    const expected: [number, number][] = [
      [0, 0],
      [1, 1],
      [8, 1],
      [9, 3],
      [32, 3],
    ];
    for (const [score, grade] of expected) expect(icansGrade(childCapd(score)), `CAPD ${score}`).toBe(grade);
  });
  it("children: CAPD 1–8 and awakening to voice is grade 2; unable to perform the CAPD is grade 4", () => {
    expect(
      icansGrade(childCapd(5, { consciousness: "AWAKENS_TO_VOICE", consciousnessOtherCause: false })),
    ).toBe(2);
    expect(
      icansGrade({
        ...CHILD,
        capdNotPerformable: true,
        consciousness: "AWAKENS_ONLY_TO_TACTILE",
        consciousnessOtherCause: false,
      }),
    ).toBe(4);
  });
  it("age cut: ICE from 12 years, CAPD under 12; at age 12 either; CAPD at 13+ only with developmental delay", () => {
    expect(pathsOf(() => icans.run(adultIce(8, { ageYears: 11.99 })))).toEqual(["/ice"]);
    expect(icansGrade(adultIce(8, { ageYears: 12 }))).toBe(1);
    expect(icansGrade(childCapd(4, { ageYears: 11.99 }))).toBe(1);
    expect(icansGrade(childCapd(4, { ageYears: 12 }))).toBe(1);
    expect(icansGrade(childCapd(4, { ageYears: 12.99 }))).toBe(1);
    expect(pathsOf(() => icans.run(childCapd(4, { ageYears: 13 })))).toEqual(["/capd"]);
    expect(icansGrade(childCapd(4, { ageYears: 30, baselineDevelopmentalDelay: true }))).toBe(1);
  });
  it("attribution: a finding attributable to another cause does not count", () => {
    expect(icansGrade(adultIce(5, { iceOtherCause: true }))).toBe(0);
    expect(
      icansGrade(
        adultIce(10, {
          seizure: "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE",
          seizureOtherCause: true,
        }),
      ),
    ).toBe(0);
    expect(icansGrade(childCapd(12, { capdOtherCause: true }))).toBe(0);
    // sedated and unarousable: neither consciousness nor the unperformable ICE counts, but edema still does
    const sedated = {
      ...ADULT,
      iceNotPerformableBecauseUnarousable: true,
      consciousness: "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA",
      consciousnessOtherCause: true,
    };
    expect(icansGrade(sedated)).toBe(0);
    expect(icansGrade({ ...sedated, icpEdema: "FOCAL_LOCAL_EDEMA", icpEdemaOtherCause: false })).toBe(3);
  });
  it("intracranial hemorrhage is recorded but excluded", () => {
    const r = icans.run(adultIce(10, { intracranialHemorrhage: true }));
    expect(r.value).toBe(0);
    expect(r.reasons.join(" ")).toMatch(/hemorrhage is excluded/);
  });
  it("death due to ICANS → 5", () => {
    expect(icansGrade(adultIce(0, { deathDueToIcans: true }))).toBe(5);
  });
});

describe("ICANS validation", () => {
  it("an ICE number that disagrees with its items is a contradiction; agreeing is fine", () => {
    const items = { ...ICE_ALL, orientationHospital: false };
    expect(pathsOf(() => icans.run({ ...ADULT, ice: 8, iceItems: items, iceOtherCause: false }))).toEqual([
      "/ice",
    ]);
    expect(icansGrade({ ...ADULT, ice: 9, iceItems: items, iceOtherCause: false })).toBe(1);
  });
  it("a CAPD number that disagrees with its items is a contradiction", () => {
    expect(
      pathsOf(() => icans.run({ ...CHILD, capd: 13, capdItems: CAPD_1, capdOtherCause: false })),
    ).toEqual(["/capd"]);
  });
  it("the encephalopathy screen is required, and only one tool at a time", () => {
    expect(pathsOf(() => icans.run(ADULT))).toEqual(["/ice"]);
    expect(pathsOf(() => icans.run({ ...ADULT, ice: null }))).toEqual(["/ice"]);
    expect(pathsOf(() => icans.run(CHILD))).toEqual(["/capd"]);
    expect(pathsOf(() => icans.run({ ...childCapd(3), ageYears: 12, ice: 9, iceOtherCause: false }))).toEqual(
      ["/capd"],
    );
  });
  it("unarousable ICE needs unarousable consciousness; aphasia contradicts unarousable and ICE > 0", () => {
    expect(pathsOf(() => icans.run({ ...ADULT, iceNotPerformableBecauseUnarousable: true }))).toEqual([
      "/consciousness",
    ]);
    expect(pathsOf(() => icans.run(adultIce(4, { awakeWithGlobalAphasia: true })))).toEqual(["/ice"]);
    expect(
      pathsOf(() =>
        icans.run({
          ...ADULT,
          awakeWithGlobalAphasia: true,
          iceOtherCause: false,
          consciousness: "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA",
          consciousnessOtherCause: false,
        }),
      ),
    ).toEqual(["/awakeWithGlobalAphasia"]);
    expect(
      pathsOf(() =>
        icans.run({
          ...CHILD,
          capdNotPerformable: true,
          consciousness: "AWAKENS_TO_VOICE",
          consciousnessOtherCause: false,
        }),
      ),
    ).toEqual(["/consciousness"]);
  });
  it("attribution is required for each abnormal domain", () => {
    const paths = pathsOf(() =>
      icans.run({
        ...ADULT,
        ice: 6,
        consciousness: "AWAKENS_TO_VOICE",
        seizure: "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
        motor: "DEEP_FOCAL_WEAKNESS",
        icpEdema: "FOCAL_LOCAL_EDEMA",
      }),
    );
    expect(paths.sort()).toEqual([
      "/consciousnessOtherCause",
      "/iceOtherCause",
      "/icpEdemaOtherCause",
      "/motorOtherCause",
      "/seizureOtherCause",
    ]);
    expect(pathsOf(() => icans.run({ ...CHILD, capd: 3 }))).toEqual(["/capdOtherCause"]);
  });
  it("out-of-range scores and missing fields are refused by name", () => {
    expect(pathsOf(() => icans.run(adultIce(11)))).toEqual(["/ice"]);
    expect(pathsOf(() => icans.run(childCapd(33)))).toEqual(["/capd"]);
    const { deathDueToIcans: _, ...noDeath } = adultIce(10);
    expect(pathsOf(() => icans.run(noDeath))).toEqual(["/deathDueToIcans"]);
  });
});

const LOC = [
  "NORMAL",
  "DEPRESSED_AWAKENS_SPONTANEOUSLY",
  "AWAKENS_TO_VOICE",
  "AWAKENS_ONLY_TO_TACTILE",
  "UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_STUPOR_COMA",
] as const;
const SEIZURES = [
  "NONE",
  "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION",
  "PROLONGED_GT_5MIN_OR_REPETITIVE_WITHOUT_RETURN_TO_BASELINE",
] as const;
const MOTOR = ["NONE", "DEEP_FOCAL_WEAKNESS"] as const;
const ICP = [
  "NONE",
  "FOCAL_LOCAL_EDEMA",
  "DIFFUSE_EDEMA_OR_POSTURING_OR_CN6_PALSY_OR_PAPILLEDEMA_OR_CUSHING_TRIAD",
] as const;

/** Adult ICANS inputs with every finding attributed to ICANS. */
const icansArb = fc
  .record({
    ice: fc.integer({ min: 0, max: 10 }),
    loc: fc.integer({ min: 0, max: 4 }),
    seizure: fc.integer({ min: 0, max: 2 }),
    motor: fc.integer({ min: 0, max: 1 }),
    icp: fc.integer({ min: 0, max: 2 }),
  })
  .map((r) => ({ r, input: icansInput(r) }));

function icansInput(r: { ice: number; loc: number; seizure: number; motor: number; icp: number }) {
  return {
    ...ADULT,
    ice: r.ice,
    iceOtherCause: false,
    consciousness: LOC[r.loc]!,
    consciousnessOtherCause: false,
    seizure: SEIZURES[r.seizure]!,
    seizureOtherCause: false,
    motor: MOTOR[r.motor]!,
    motorOtherCause: false,
    icpEdema: ICP[r.icp]!,
    icpEdemaOtherCause: false,
  };
}

describe("ICANS properties", () => {
  it("the grade is the maximum of the domain grades in Lee 2019's table", () => {
    // independent transcription of the table: ICE 7–9/3–6/0–2 → 1/2/3; LOC 1..4; seizure 3/4; motor 4; ICP 3/4
    const iceG = (s: number) => (s === 10 ? 0 : s >= 7 ? 1 : s >= 3 ? 2 : 3);
    fc.assert(
      fc.property(icansArb, ({ r, input }) => {
        const expected = Math.max(iceG(r.ice), r.loc, [0, 3, 4][r.seizure]!, r.motor * 4, [0, 3, 4][r.icp]!);
        expect(icansGrade(input)).toBe(expected);
      }),
    );
  });
  it("the grade never decreases when any domain worsens", () => {
    fc.assert(
      fc.property(icansArb, ({ r, input }) => {
        const g = icansGrade(input);
        if (r.ice > 0) expect(icansGrade({ ...input, ice: r.ice - 1 })).toBeGreaterThanOrEqual(g);
        if (r.loc < 4) expect(icansGrade(icansInput({ ...r, loc: r.loc + 1 }))).toBeGreaterThanOrEqual(g);
        if (r.seizure < 2)
          expect(icansGrade(icansInput({ ...r, seizure: r.seizure + 1 }))).toBeGreaterThanOrEqual(g);
        if (r.icp < 2) expect(icansGrade(icansInput({ ...r, icp: r.icp + 1 }))).toBeGreaterThanOrEqual(g);
        expect(icansGrade(icansInput({ ...r, motor: 1 }))).toBeGreaterThanOrEqual(g);
      }),
    );
  });
  it("ICE items and the ICE number grade identically", () => {
    const items = fc.record(
      Object.fromEntries(ICE_KEYS.map((k) => [k, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>,
    );
    fc.assert(
      fc.property(items, (it) => {
        const score = Object.values(it).filter(Boolean).length;
        expect(icansGrade({ ...ADULT, iceItems: it, iceOtherCause: false })).toBe(
          icansGrade(adultIce(score)),
        );
      }),
    );
  });
  it("a higher CAPD never lowers a child's grade", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31 }), (s) => {
        expect(icansGrade(childCapd(s + 1))).toBeGreaterThanOrEqual(icansGrade(childCapd(s)));
      }),
    );
  });
});

/*
 * The reasons are what a clinician reads at the bedside next to the grade; each case below is a
 * worked example with the explanation ASTCT (Lee 2019, Table 1 and its footnote) gives for it,
 * written out by hand.
 */
describe("CRS reasons name the criteria that set the grade", () => {
  const reasons = (input: unknown) => crs.run(input).reasons;

  it("fever alone: grade 1, and why", () => {
    expect(reasons(febrile({}, 38.6))).toEqual([
      "Fever: highest temperature 38.6 °C ≥ 38.0 °C, not attributed to another cause.",
      "Grade 1: fever without attributable hypotension or hypoxia.",
    ]);
  });

  it("hypotension on norepinephrine and vasopressin with blow-by oxygen: the more severe sets it", () => {
    const input = febrile({
      ...pressor("ONE_VASOPRESSOR", ["NOREPINEPHRINE", "VASOPRESSIN"]),
      oxygenDevice: "BLOW_BY",
      hypoxiaOtherCause: false,
    });
    expect(crs.run(input).value).toBe(3);
    expect(reasons(input)).toEqual([
      "Fever: highest temperature 38.5 °C ≥ 38.0 °C, not attributed to another cause.",
      "Grade 3: hypotension requiring one vasopressor (norepinephrine + vasopressin); vasopressin is not counted as a second vasopressor.",
      "Grade 2: low-flow oxygen (blow-by oxygen).",
      "The more severe event sets the grade: hypotension grade 3, hypoxia grade 2 → grade 3.",
    ]);
  });

  it("equal hypotension and hypoxia grades need no tie-break sentence", () => {
    const input = febrile({ ...pressor("NO_VASOPRESSOR"), ...nc(4) });
    expect(reasons(input)).toEqual([
      "Fever: highest temperature 38.5 °C ≥ 38.0 °C, not attributed to another cause.",
      "Grade 2: hypotension not requiring vasopressors.",
      "Grade 2: low-flow oxygen (nasal cannula at 4 L/min ≤ 6 L/min).",
    ]);
  });

  it("high-flow and positive pressure are named as such", () => {
    expect(reasons(febrile({ oxygenDevice: "FACEMASK", hypoxiaOtherCause: false }))[1]).toBe(
      "Grade 3: high-flow oxygen or mask (facemask).",
    );
    expect(reasons(febrile({ oxygenDevice: "BIPAP", hypoxiaOtherCause: false }))[1]).toBe(
      "Grade 4: positive-pressure support (BiPAP).",
    );
    expect(reasons(febrile(pressor("MULTIPLE_VASOPRESSORS", ["NOREPINEPHRINE", "EPINEPHRINE"])))[1]).toBe(
      "Grade 4: hypotension requiring multiple vasopressors, vasopressin excluded (norepinephrine + epinephrine).",
    );
  });

  it("signs without CRS fever: grade 0, naming the signs and what to look for", () => {
    const input = {
      ...CRS_AFEBRILE,
      ...pressor("NO_VASOPRESSOR"),
      oxygenDevice: "BLOW_BY",
      hypoxiaOtherCause: false,
    };
    expect(reasons(input)).toEqual([
      "No fever: highest temperature 37 °C < 38.0 °C.",
      "Grade 0: hypotension not requiring vasopressors and oxygen by blow-by oxygen without CRS fever is not CRS " +
        "(ASTCT grading requires fever ≥ 38.0 °C unless CRS was diagnosed and fever-masking therapy given); look for another cause.",
    ]);
    expect(reasons(CRS_AFEBRILE)).toEqual([
      "No fever: highest temperature 37 °C < 38.0 °C.",
      "Grade 0: no CRS fever.",
    ]);
  });

  it("after fever-masking therapy with neither sign: grade 0 with the footnote", () => {
    const input = { ...CRS_AFEBRILE, crsAlreadyDiagnosed: true, feverMaskingTherapyGiven: true };
    expect(reasons(input)).toEqual([
      "No fever: highest temperature 37 °C < 38.0 °C.",
      "CRS already diagnosed and fever-masking therapy given: fever is no longer required; the grade is driven by hypotension and hypoxia (Lee 2019, Table 1 footnote).",
      "Grade 0: no fever after fever-masking therapy and no attributable hypotension or hypoxia, so no grade criterion is met (Lee 2019, Table 1 footnote).",
    ]);
  });

  it("oxygen alone: its grade, with no tie-break sentence", () => {
    expect(reasons(febrile({ oxygenDevice: "VENTURI", hypoxiaOtherCause: false }))).toEqual([
      "Fever: highest temperature 38.5 °C ≥ 38.0 °C, not attributed to another cause.",
      "Grade 3: high-flow oxygen or mask (Venturi mask).",
    ]);
  });

  it("a fever or a sign attributed to another cause is named as not counting", () => {
    expect(reasons({ ...febrile({}, 39.2), feverOtherCause: true })).toEqual([
      "Highest temperature 39.2 °C ≥ 38.0 °C, but the fever is attributed to another cause: it does not count as CRS fever.",
      "Grade 0: no CRS fever.",
    ]);
    const input = febrile({
      hypotension: "NO_VASOPRESSOR",
      hypotensionOtherCause: true,
      oxygenDevice: "NON_REBREATHER",
      hypoxiaOtherCause: true,
    });
    expect(crs.run(input).value).toBe(1);
    expect(reasons(input)).toEqual([
      "Fever: highest temperature 38.5 °C ≥ 38.0 °C, not attributed to another cause.",
      "Hypotension (hypotension not requiring vasopressors) is attributed to another cause and does not count.",
      "Oxygen need (high-flow oxygen or mask (non-rebreather mask)) is attributed to another cause and does not count.",
      "Grade 1: fever without attributable hypotension or hypoxia.",
    ]);
  });

  it("death due to CRS: grade 5 and why", () => {
    expect(reasons(febrile({ deathDueToCrs: true }))).toEqual([
      "Fever: highest temperature 38.5 °C ≥ 38.0 °C, not attributed to another cause.",
      "Grade 5: death due to CRS with no other principal cause.",
    ]);
  });

  it("blow-by is low-flow whatever flow is written next to it (Lee 2019: blow-by counts as low-flow)", () => {
    expect(
      crs.run(febrile({ oxygenDevice: "BLOW_BY", oxygenFlowLpm: 10, hypoxiaOtherCause: false })).value,
    ).toBe(2);
  });
});
