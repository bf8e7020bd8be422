/**
 * Lymphoma response: Lugano 2014 PET-CT (lugano-pet) and CT (lugano-ct) response, and LYRIC 2016
 * (lyric). Worked examples LUG-1..LUG-8 and LY-1..LY-3 come from shared/domain/clinical-rules.md §4.4
 * and §4.5; the expected values below are written from the published criteria, not from the code.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  luganoCt,
  luganoPet,
  lymphomaResponseCalculators,
  lyric,
} from "../../../src/domain/calculators/lymphoma-response/index.ts";
import { pathsOf } from "../../support/validation.ts";

const issuePaths = pathsOf;

describe("registry", () => {
  it("exports the three calculators under their registry names", () => {
    expect(lymphomaResponseCalculators.map((c) => c.name)).toEqual(["lugano-pet", "lugano-ct", "lyric"]);
    for (const c of lymphomaResponseCalculators) {
      expect(c.ruleSetVersion).toBe("1");
      expect(c.source).toMatch(/Cheson/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// lugano-pet
// ---------------------------------------------------------------------------------------------------

type Uptake = "DECREASED" | "NO_SIGNIFICANT_CHANGE" | "INCREASED";
type Marrow =
  | "NO_FDG_AVID_DISEASE"
  | "RESIDUAL_REDUCED"
  | "NO_CHANGE_FROM_BASELINE"
  | "NEW_OR_RECURRENT_FDG_AVID";
interface Site {
  kind: "NODAL" | "EXTRANODAL";
  deauvilleScore: number | "X";
  uptakeVsBaseline?: Uptake;
  site?: string;
}
const pet = (
  sites: Site[],
  o: { newFdgAvidLesions?: boolean; boneMarrow?: Marrow; timepoint?: "INTERIM" | "END_OF_TREATMENT" } = {},
) =>
  luganoPet.run({
    timepoint: o.timepoint ?? "INTERIM",
    sites,
    newFdgAvidLesions: o.newFdgAvidLesions ?? false,
    boneMarrow: o.boneMarrow ?? "NO_FDG_AVID_DISEASE",
  });
const node = (deauvilleScore: number | "X", uptakeVsBaseline?: Uptake): Site => ({
  kind: "NODAL",
  deauvilleScore,
  ...(uptakeVsBaseline ? { uptakeVsBaseline } : {}),
});

describe("lugano-pet: worked examples", () => {
  it("LUG-6: baseline Deauville 5, day +30 Deauville 3, no new lesions, marrow clear → CMR", () => {
    const r = pet([node(3)], { timepoint: "INTERIM" });
    expect(r.value).toBe("CMR");
    expect(r.details?.highestDeauvilleScore).toBe(3);
    expect(r.reasons.join(" ")).toMatch(/Deauville score 3/);
  });

  it("LUG-7: Deauville 4 with uptake lower than baseline, no new lesions → PMR", () => {
    const r = pet([node(4, "DECREASED")]);
    expect(r.value).toBe("PMR");
    expect(r.reasons.join(" ")).toMatch(/Deauville 4 with reduced uptake/);
  });

  it("LUG-8: otherwise improving, but a new FDG-avid lesion consistent with lymphoma → PMD", () => {
    const r = pet([node(3), node(4, "DECREASED")], { newFdgAvidLesions: true });
    expect(r.value).toBe("PMD");
    expect(r.reasons.join(" ")).toMatch(/New FDG-avid lesion\(s\) consistent with lymphoma → PMD/);
  });
});

describe("lugano-pet: Deauville bands", () => {
  it.each([1, 2, 3])("Deauville %i → CMR whatever the uptake comparison", (score) => {
    expect(pet([node(score)]).value).toBe("CMR");
    expect(pet([node(score, "INCREASED")]).value).toBe("CMR");
  });

  it.each([
    [4, "DECREASED", "PMR"],
    [4, "NO_SIGNIFICANT_CHANGE", "NMR"],
    [4, "INCREASED", "PMD"],
    [5, "DECREASED", "PMR"],
    [5, "NO_SIGNIFICANT_CHANGE", "NMR"],
    [5, "INCREASED", "PMD"],
  ] as const)("Deauville %i with uptake %s → %s", (score, uptake, expected) => {
    expect(pet([node(score, uptake)]).value).toBe(expected);
  });

  it("edge 3 | 4: score 3 is CMR, score 4 without significant change is NMR", () => {
    expect(pet([node(3, "NO_SIGNIFICANT_CHANGE")]).value).toBe("CMR");
    expect(pet([node(4, "NO_SIGNIFICANT_CHANGE")]).value).toBe("NMR");
  });

  it("the worst site decides: one site 4 with reduced uptake, another 5 with increased uptake → PMD", () => {
    expect(
      pet([node(4, "DECREASED"), { kind: "EXTRANODAL", deauvilleScore: 5, uptakeVsBaseline: "INCREASED" }])
        .value,
    ).toBe("PMD");
    expect(pet([node(2), node(5, "NO_SIGNIFICANT_CHANGE")]).value).toBe("NMR");
  });

  it("X sites (uptake unlikely to be lymphoma) are ignored", () => {
    const r = pet([node(2), node("X")]);
    expect(r.value).toBe("CMR");
    expect(r.reasons.join(" ")).toMatch(/Scored X/);
  });
});

describe("lugano-pet: bone marrow", () => {
  it.each([
    ["NO_FDG_AVID_DISEASE", "CMR"],
    ["RESIDUAL_REDUCED", "PMR"],
    ["NO_CHANGE_FROM_BASELINE", "NMR"],
    ["NEW_OR_RECURRENT_FDG_AVID", "PMD"],
  ] as const)("nodes Deauville 2, marrow %s → %s", (boneMarrow, expected) => {
    expect(pet([node(2)], { boneMarrow }).value).toBe(expected);
  });

  it("new marrow foci are PMD even when every node is Deauville 1", () => {
    expect(pet([node(1)], { boneMarrow: "NEW_OR_RECURRENT_FDG_AVID" }).value).toBe("PMD");
  });
});

describe("lugano-pet: interim vs end of treatment", () => {
  it("PMR at end of treatment means residual disease (Deauville 4 with reduced uptake)", () => {
    const r = pet([node(4, "DECREASED")], { timepoint: "END_OF_TREATMENT" });
    expect(r.value).toBe("PMR");
    expect(r.details?.interpretation).toBe("RESIDUAL_DISEASE");
    expect(r.label).toMatch(/residual disease/);
  });

  it("PMR at interim suggests responding disease", () => {
    const r = pet([node(4, "DECREASED")], { timepoint: "INTERIM" });
    expect(r.details?.interpretation).toBe("RESPONDING_DISEASE");
    expect(r.label).not.toMatch(/residual/);
  });

  it("an interim Deauville 3 is CMR, with the de-escalation caveat; at end of treatment no caveat", () => {
    expect(pet([node(3)], { timepoint: "INTERIM" }).reasons.join(" ")).toMatch(/de-escalation/);
    expect(pet([node(3)], { timepoint: "END_OF_TREATMENT" }).reasons.join(" ")).not.toMatch(/de-escalation/);
    expect(pet([node(2)], { timepoint: "INTERIM" }).reasons.join(" ")).not.toMatch(/de-escalation/);
  });
});

describe("lugano-pet: validation", () => {
  it("Deauville 4 or 5 without the uptake comparison names the field", () => {
    expect(issuePaths(() => pet([node(2), node(4)]))).toEqual(["/sites/1/uptakeVsBaseline"]);
    expect(issuePaths(() => pet([node(5)]))).toEqual(["/sites/0/uptakeVsBaseline"]);
  });

  it("Deauville scores outside 1–5 are refused", () => {
    expect(issuePaths(() => pet([node(0)]))).toEqual(["/sites/0/deauvilleScore"]);
    expect(issuePaths(() => pet([node(6, "DECREASED")]))).toEqual(["/sites/0/deauvilleScore"]);
    expect(issuePaths(() => pet([node(3.5)]))).toEqual(["/sites/0/deauvilleScore"]);
  });

  it("only X sites: no disease site is scored", () => {
    expect(issuePaths(() => pet([node("X")]))).toEqual(["/sites"]);
  });

  it("missing inputs are named, never defaulted", () => {
    expect(
      issuePaths(() => luganoPet.run({ timepoint: "INTERIM", sites: [node(2)], newFdgAvidLesions: false })),
    ).toEqual(["/boneMarrow"]);
    expect(
      issuePaths(() =>
        luganoPet.run({ sites: [node(2)], newFdgAvidLesions: false, boneMarrow: "NO_FDG_AVID_DISEASE" }),
      ),
    ).toEqual(["/timepoint"]);
    expect(issuePaths(() => pet([]))).toEqual(["/sites"]);
  });

  it("unknown fields are refused (a misspelt input is not silently dropped)", () => {
    expect(
      issuePaths(() =>
        luganoPet.run({
          timepoint: "INTERIM",
          sites: [node(2)],
          newFdgAvidLesion: true,
          newFdgAvidLesions: false,
          boneMarrow: "NO_FDG_AVID_DISEASE",
        }),
      ),
    ).toEqual([""]);
  });
});

describe("lugano-pet: properties", () => {
  const RANK = { CMR: 0, PMR: 1, NMR: 2, PMD: 3 } as const;
  const UPTAKE_RANK: Uptake[] = ["DECREASED", "NO_SIGNIFICANT_CHANGE", "INCREASED"];
  const MARROWS: Marrow[] = [
    "NO_FDG_AVID_DISEASE",
    "RESIDUAL_REDUCED",
    "NO_CHANGE_FROM_BASELINE",
    "NEW_OR_RECURRENT_FDG_AVID",
  ];
  const siteArb = fc.record({
    score: fc.integer({ min: 1, max: 5 }),
    uptake: fc.integer({ min: 0, max: 2 }),
  });
  const toSite = (s: { score: number; uptake: number }): Site => node(s.score, UPTAKE_RANK[s.uptake]);

  it("the response never improves when a site's score or uptake worsens", () => {
    fc.assert(
      fc.property(
        fc.array(siteArb, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (sites, pick, marrow, newLesions) => {
          const i = pick % sites.length;
          const worse = sites.map((s, j) =>
            j === i ? { score: Math.min(5, s.score + 1), uptake: Math.min(2, s.uptake + 1) } : s,
          );
          const o = { boneMarrow: MARROWS[marrow], newFdgAvidLesions: newLesions };
          const before = pet(sites.map(toSite), o).value as keyof typeof RANK;
          const after = pet(worse.map(toSite), o).value as keyof typeof RANK;
          expect(RANK[after]).toBeGreaterThanOrEqual(RANK[before]);
        },
      ),
    );
  });

  it("a new FDG-avid lesion always means PMD, and worse marrow never improves the response", () => {
    fc.assert(
      fc.property(
        fc.array(siteArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 2 }),
        (sites, m) => {
          const s = sites.map(toSite);
          expect(pet(s, { newFdgAvidLesions: true, boneMarrow: MARROWS[m] }).value).toBe("PMD");
          const a = pet(s, { boneMarrow: MARROWS[m] }).value as keyof typeof RANK;
          const b = pet(s, { boneMarrow: MARROWS[m + 1] }).value as keyof typeof RANK;
          expect(RANK[b]).toBeGreaterThanOrEqual(RANK[a]);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// lugano-ct
// ---------------------------------------------------------------------------------------------------

type Status = "MEASURED" | "TOO_SMALL_TO_MEASURE" | "NOT_VISIBLE";
interface Lesion {
  kind: "NODAL" | "EXTRANODAL";
  status: Status;
  ldiMm?: number;
  sdiMm?: number;
  nadirStatus: Status;
  nadirLdiMm?: number;
  nadirSdiMm?: number;
  site?: string;
}
/** A measured lesion: current LDi × SDi, nadir LDi × SDi (mm). */
const les = (
  ldi: number,
  sdi: number,
  nLdi: number,
  nSdi: number,
  kind: "NODAL" | "EXTRANODAL" = "NODAL",
): Lesion => ({
  kind,
  status: "MEASURED",
  ldiMm: ldi,
  sdiMm: sdi,
  nadirStatus: "MEASURED",
  nadirLdiMm: nLdi,
  nadirSdiMm: nSdi,
});
const gone = (nLdi: number, nSdi: number, kind: "NODAL" | "EXTRANODAL" = "NODAL"): Lesion => ({
  kind,
  status: "NOT_VISIBLE",
  nadirStatus: "MEASURED",
  nadirLdiMm: nLdi,
  nadirSdiMm: nSdi,
});
interface CtOpts {
  baselineSpdMm2?: number;
  nadirSpdMm2?: number;
  nonMeasuredLesions?: string;
  spleen?: { baselineLengthCm: number; lengthCm: number; nadirLengthCm?: number } | null;
  newLesions?: { kind: "NODAL" | "EXTRANODAL"; longestAxisMm: number; unequivocallyLymphoma: boolean }[];
  boneMarrow?: string;
}
const ct = (targetLesions: Lesion[], o: CtOpts = {}) =>
  luganoCt.run({
    targetLesions,
    baselineSpdMm2: o.baselineSpdMm2 ?? 2200,
    ...(o.nadirSpdMm2 !== undefined ? { nadirSpdMm2: o.nadirSpdMm2 } : {}),
    nonMeasuredLesions: o.nonMeasuredLesions ?? "ABSENT_OR_NORMAL",
    spleen: o.spleen === undefined ? { baselineLengthCm: 11, lengthCm: 11 } : o.spleen,
    newLesions: o.newLesions ?? [],
    boneMarrow: o.boneMarrow ?? "NORMAL",
  });

/** LUG-1/LUG-2 baseline: 4.0×3.0, 3.0×2.0, 2.0×2.0 cm → 1200 + 600 + 400 = 2200 mm² (first follow-up: nadir = baseline). */
describe("lugano-ct: worked examples", () => {
  it("LUG-1: follow-up 2.0×1.5, 1.5×1.0, not visible → SPD 450 mm², −79.5 % → PR (not CR: LDi 20 mm > 15 mm)", () => {
    const r = ct([les(20, 15, 40, 30), les(15, 10, 30, 20), gone(20, 20)]);
    expect(r.value).toBe("PR");
    expect(r.details?.spdMm2).toBe(450);
    expect(r.details?.spdChangeFromBaselinePercent).toBeCloseTo(-79.545, 2);
    expect(r.reasons.join(" ")).toMatch(/−79\.5 %/);
    expect(r.reasons.join(" ")).toMatch(/LDi 20 mm > 15 mm/);
  });

  it("LUG-2: follow-up 3.5×2.5, 2.5×2.0, 2.0×2.0 → SPD 1775 mm², −19.3 % → SD", () => {
    const r = ct([les(35, 25, 40, 30), les(25, 20, 30, 20), les(20, 20, 20, 20)]);
    expect(r.value).toBe("SD");
    expect(r.details?.spdMm2).toBe(1775);
    expect(r.reasons.join(" ")).toMatch(/−19\.3 %/);
  });

  it("LUG-3: nadir 1.8×1.2 (PPD 2.16), now 2.4×1.5 (PPD 3.60): LDi 2.4 > 1.5, PPD +66.7 %, LDi +0.6 ≥ 0.5 → PD", () => {
    const r = ct([les(24, 15, 18, 12)], { baselineSpdMm2: 1200 });
    expect(r.value).toBe("PD");
    expect(r.reasons.join(" ")).toMatch(/single-lesion PD rule met/);
    expect(r.reasons.join(" ")).toMatch(/\+66\.7 %/);
  });

  it("LUG-4: nadir 3.0×2.0 (PPD 6.0), now 3.8×2.4 (PPD 9.12): PPD +52 % but LDi +0.8, SDi +0.4 < 1.0 cm → not PD", () => {
    const r = ct([les(38, 24, 30, 20)], { baselineSpdMm2: 1200 });
    expect(r.value).not.toBe("PD");
    expect(r.value).toBe("SD"); // SPD 912 vs baseline 1200: −24 %
    expect((r.details!.lesions as { singleLesionPd: boolean }[])[0]?.singleLesionPd).toBe(false);
  });

  it("LUG-5: spleen 15 cm at baseline, now 16.5 cm; limit 15 + 0.5 × 2 = 16 cm → PD", () => {
    const r = ct([les(40, 30, 40, 30)], {
      baselineSpdMm2: 1200,
      spleen: { baselineLengthCm: 15, lengthCm: 16.5, nadirLengthCm: 15 },
    });
    expect(r.value).toBe("PD");
    expect(r.details?.spleenProgression).toBe(true);
    expect(r.reasons.join(" ")).toMatch(/limit 16 cm/);
  });
});

describe("lugano-ct: SPD", () => {
  it("computes products from LDi × SDi, with 5 × 5 mm for too small and 0 × 0 for not visible", () => {
    const r = ct(
      [
        les(20, 10, 40, 30),
        {
          kind: "NODAL",
          status: "TOO_SMALL_TO_MEASURE",
          nadirStatus: "MEASURED",
          nadirLdiMm: 30,
          nadirSdiMm: 20,
        },
        gone(20, 20),
      ],
      { baselineSpdMm2: 2200 },
    );
    expect(r.details?.spdMm2).toBe(200 + 25 + 0);
    expect((r.details!.lesions as { ppdMm2: number }[]).map((l) => l.ppdMm2)).toEqual([200, 25, 0]);
  });

  it("reports the change from the nadir SPD when given", () => {
    const r = ct([les(20, 15, 20, 15)], { baselineSpdMm2: 1200, nadirSpdMm2: 300 });
    expect(r.details?.spdChangeFromNadirPercent).toBe(0);
  });
});

describe("lugano-ct: PR threshold (≥ 50 % SPD decrease from baseline)", () => {
  it("exactly −50 % is PR; −48.75 % is SD", () => {
    expect(ct([les(40, 25, 50, 40)], { baselineSpdMm2: 2000 }).value).toBe("PR"); // 1000 / 2000
    expect(ct([les(41, 25, 50, 40)], { baselineSpdMm2: 2000 }).value).toBe("SD"); // 1025 / 2000
  });

  it("non-measured lesions: regressed allows PR; stable does not (→ SD); absent needed for CR", () => {
    expect(ct([les(30, 20, 50, 40)], { baselineSpdMm2: 2000, nonMeasuredLesions: "REGRESSED" }).value).toBe(
      "PR",
    );
    expect(ct([les(30, 20, 50, 40)], { baselineSpdMm2: 2000, nonMeasuredLesions: "STABLE" }).value).toBe(
      "SD",
    );
    expect(ct([les(15, 10, 50, 40)], { baselineSpdMm2: 2000, nonMeasuredLesions: "REGRESSED" }).value).toBe(
      "PR",
    );
    expect(
      ct([les(15, 10, 50, 40)], { baselineSpdMm2: 2000, nonMeasuredLesions: "ABSENT_OR_NORMAL" }).value,
    ).toBe("CR");
  });
});

describe("lugano-ct: CR", () => {
  it("target node LDi 15 mm is CR; 16 mm is not (PR here)", () => {
    expect(ct([les(15, 10, 50, 40)], { baselineSpdMm2: 2000 }).value).toBe("CR");
    expect(ct([les(16, 10, 50, 40)], { baselineSpdMm2: 2000 }).value).toBe("PR");
  });

  it("CR does not require a 50 % SPD decrease: nodes 16 × 16 → 15 × 15 mm is CR", () => {
    expect(ct([les(15, 15, 16, 16)], { baselineSpdMm2: 256 }).value).toBe("CR");
  });

  it("an extranodal target must have disappeared: too small to measure → not CR; not visible → CR", () => {
    const small: Lesion = {
      kind: "EXTRANODAL",
      status: "TOO_SMALL_TO_MEASURE",
      nadirStatus: "MEASURED",
      nadirLdiMm: 30,
      nadirSdiMm: 20,
    };
    expect(ct([les(10, 8, 40, 30), small], { baselineSpdMm2: 1800 }).value).toBe("PR");
    expect(ct([les(10, 8, 40, 30), gone(30, 20, "EXTRANODAL")], { baselineSpdMm2: 1800 }).value).toBe("CR");
  });

  it("bone marrow still involved blocks CR but not PR", () => {
    const r = ct([les(10, 8, 40, 30)], { baselineSpdMm2: 1200, boneMarrow: "PERSISTENT_INVOLVEMENT" });
    expect(r.value).toBe("PR");
    expect(r.reasons.join(" ")).toMatch(/marrow is still involved/);
  });

  it("a spleen still > 13 cm blocks CR", () => {
    const spleen = { baselineLengthCm: 16, lengthCm: 13.1, nadirLengthCm: 13.1 };
    expect(ct([les(10, 8, 40, 30)], { baselineSpdMm2: 1200, spleen }).value).toBe("PR");
    expect(
      ct([les(10, 8, 40, 30)], { baselineSpdMm2: 1200, spleen: { ...spleen, lengthCm: 13 } }).value,
    ).toBe("CR");
  });

  it("no spleen (splenectomy, null) is not held against CR", () => {
    expect(ct([les(10, 8, 40, 30)], { baselineSpdMm2: 1200, spleen: null }).value).toBe("CR");
  });
});

describe("lugano-ct: single-lesion PD rule (both edges of each criterion)", () => {
  const one = (l: Lesion) => ct([l], { baselineSpdMm2: 2000 }).value;

  it("LDi must exceed 15 mm: nadir 10×10 → 15×10 (PPD +50 %, LDi +5) not PD; → 16×10 PD", () => {
    expect(one(les(15, 10, 10, 10))).not.toBe("PD");
    expect(one(les(16, 10, 10, 10))).toBe("PD");
  });

  it("PPD must rise ≥ 50 % from nadir: 20×10 → 30×10 (+50 %) PD; → 29×10 (+45 %) not PD", () => {
    expect(one(les(30, 10, 20, 10))).toBe("PD");
    expect(one(les(29, 10, 20, 10))).not.toBe("PD");
  });

  it("lesion ≤ 20 mm at nadir needs +5 mm: 20×10 → 25×13 PD; → 24×13 (+4, +3) not PD", () => {
    expect(one(les(25, 13, 20, 10))).toBe("PD");
    expect(one(les(24, 13, 20, 10))).not.toBe("PD");
  });

  it("lesion > 20 mm at nadir needs +10 mm: 21×10 → 31×15 PD; → 30×15 (+9, +5) not PD; 21×10 → 26×13 not PD", () => {
    expect(one(les(31, 15, 21, 10))).toBe("PD");
    expect(one(les(30, 15, 21, 10))).not.toBe("PD");
    expect(one(les(26, 13, 21, 10))).not.toBe("PD");
  });

  it("the SDi increase counts too: 30×10 → 30×20 (SDi +10) PD; → 30×19 (SDi +9) not PD", () => {
    expect(one(les(30, 20, 30, 10))).toBe("PD");
    expect(one(les(30, 19, 30, 10))).not.toBe("PD");
  });

  it("a lesion too small to measure at nadir (5 × 5 mm) that grows to 20 × 16 mm is PD", () => {
    expect(
      one({ kind: "NODAL", status: "MEASURED", ldiMm: 20, sdiMm: 16, nadirStatus: "TOO_SMALL_TO_MEASURE" }),
    ).toBe("PD");
  });

  it("regrowth of a resolved lesion (not visible at nadir, visible now) is PD", () => {
    const r = ct(
      [les(20, 15, 40, 30), { kind: "NODAL", status: "TOO_SMALL_TO_MEASURE", nadirStatus: "NOT_VISIBLE" }],
      {
        baselineSpdMm2: 2200,
      },
    );
    expect(r.value).toBe("PD");
    expect(r.reasons.join(" ")).toMatch(/regrowth/);
    expect(
      ct([les(20, 15, 40, 30), { kind: "NODAL", status: "NOT_VISIBLE", nadirStatus: "NOT_VISIBLE" }]).value,
    ).toBe("PR");
  });
});

describe("lugano-ct: spleen", () => {
  const t = [les(35, 25, 40, 30)]; // SPD 875 vs 1200: SD on its own
  const sp = (spleen: CtOpts["spleen"]) => ct(t, { baselineSpdMm2: 1200, spleen });

  it("with splenomegaly (15 cm): 16.0 cm is not PD, 16.1 cm is", () => {
    expect(sp({ baselineLengthCm: 15, lengthCm: 16, nadirLengthCm: 15 }).value).toBe("SD");
    expect(sp({ baselineLengthCm: 15, lengthCm: 16.1, nadirLengthCm: 15 }).value).toBe("PD");
  });

  it("without splenomegaly (11 cm): +1.9 cm is not PD, +2.0 cm is", () => {
    expect(sp({ baselineLengthCm: 11, lengthCm: 12.9 }).value).toBe("SD");
    expect(sp({ baselineLengthCm: 11, lengthCm: 13 }).value).toBe("PD");
  });

  it("new splenomegaly: 12.5 → 13.0 cm is not PD, 12.5 → 13.1 cm is", () => {
    expect(sp({ baselineLengthCm: 12.5, lengthCm: 13 }).value).toBe("SD");
    const r = sp({ baselineLengthCm: 12.5, lengthCm: 13.1 });
    expect(r.value).toBe("PD");
    expect(r.reasons.join(" ")).toMatch(/new splenomegaly/);
  });

  it("recurrent splenomegaly: 16 cm at baseline, back to 12 cm, now 13.5 cm → PD; never back to normal → not PD", () => {
    const r = sp({ baselineLengthCm: 16, lengthCm: 13.5, nadirLengthCm: 12 });
    expect(r.value).toBe("PD");
    expect(r.reasons.join(" ")).toMatch(/recurrent splenomegaly/);
    expect(sp({ baselineLengthCm: 16, lengthCm: 13.5, nadirLengthCm: 13.5 }).value).toBe("SD");
  });

  it("PR needs the spleen to regress by more than 50 % of its excess: 15 → 14.0 cm not enough, 13.9 cm enough", () => {
    const good = [les(30, 20, 40, 30)]; // SPD 600 vs 1200: −50 %
    expect(
      ct(good, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 15, lengthCm: 14, nadirLengthCm: 14 } })
        .value,
    ).toBe("SD");
    expect(
      ct(good, {
        baselineSpdMm2: 1200,
        spleen: { baselineLengthCm: 15, lengthCm: 13.9, nadirLengthCm: 13.9 },
      }).value,
    ).toBe("PR");
  });
});

describe("lugano-ct: new lesions, non-measured lesions, marrow", () => {
  const t = [les(20, 15, 40, 30)]; // SPD 300 vs 1200: PR on its own
  const withNew = (kind: "NODAL" | "EXTRANODAL", longestAxisMm: number, unequivocallyLymphoma = false) =>
    ct(t, { baselineSpdMm2: 1200, newLesions: [{ kind, longestAxisMm, unequivocallyLymphoma }] });

  it("new node: 15 mm not counted, 16 mm is PD", () => {
    const r = withNew("NODAL", 15);
    expect(r.value).toBe("PR");
    expect(r.reasons.join(" ")).toMatch(/not counted as a new lesion/);
    expect(withNew("NODAL", 16).value).toBe("PD");
  });

  it("new extranodal site: 10 mm not counted, 11 mm is PD; 8 mm unequivocally lymphoma is PD", () => {
    expect(withNew("EXTRANODAL", 10).value).toBe("PR");
    expect(withNew("EXTRANODAL", 11).value).toBe("PD");
    expect(withNew("EXTRANODAL", 8, true).value).toBe("PD");
    expect(withNew("NODAL", 10, true).value).toBe("PD");
  });

  it("unequivocal progression of non-measured lesions is PD", () => {
    expect(ct(t, { baselineSpdMm2: 1200, nonMeasuredLesions: "UNEQUIVOCAL_PROGRESSION" }).value).toBe("PD");
  });

  it("new or recurrent bone marrow involvement is PD", () => {
    expect(ct(t, { baselineSpdMm2: 1200, boneMarrow: "NEW_OR_RECURRENT_INVOLVEMENT" }).value).toBe("PD");
  });
});

describe("lugano-ct: validation", () => {
  it("more than 6 target lesions is an error", () => {
    const seven = Array.from({ length: 7 }, () => les(20, 10, 30, 20));
    expect(issuePaths(() => ct(seven, { baselineSpdMm2: 5000 }))).toEqual(["/targetLesions"]);
    const six = seven.slice(0, 6);
    expect(ct(six, { baselineSpdMm2: 5000 }).value).toBeDefined();
  });

  it("a perpendicular diameter larger than the longest diameter is a contradiction naming the field", () => {
    expect(issuePaths(() => ct([les(10, 15, 40, 30)]))).toEqual(["/targetLesions/0/sdiMm"]);
    expect(issuePaths(() => ct([les(20, 15, 40, 30), les(20, 15, 20, 25)]))).toEqual([
      "/targetLesions/1/nadirSdiMm",
    ]);
    expect(ct([les(15, 15, 40, 30)]).value).toBeDefined(); // equal diameters are fine
  });

  it("a measured lesion needs both diameters; a non-measured one takes none", () => {
    expect(
      issuePaths(() =>
        ct([
          {
            kind: "NODAL",
            status: "MEASURED",
            ldiMm: 20,
            nadirStatus: "MEASURED",
            nadirLdiMm: 40,
            nadirSdiMm: 30,
          },
        ]),
      ),
    ).toEqual(["/targetLesions/0/sdiMm"]);
    expect(
      issuePaths(() =>
        ct([
          {
            kind: "NODAL",
            status: "NOT_VISIBLE",
            ldiMm: 5,
            nadirStatus: "MEASURED",
            nadirLdiMm: 40,
            nadirSdiMm: 30,
          },
        ]),
      ),
    ).toEqual(["/targetLesions/0/ldiMm"]);
  });

  it("diameters must be positive numbers", () => {
    expect(issuePaths(() => ct([les(-20, 10, 40, 30)]))).toEqual(["/targetLesions/0/ldiMm"]);
    expect(issuePaths(() => ct([les(20, 10, 40, 30)], { baselineSpdMm2: 0 }))).toEqual(["/baselineSpdMm2"]);
  });

  it("nadirs that contradict the baseline are refused", () => {
    expect(issuePaths(() => ct([les(20, 10, 40, 30)], { baselineSpdMm2: 1200, nadirSpdMm2: 1300 }))).toEqual([
      "/nadirSpdMm2",
    ]);
    expect(issuePaths(() => ct([les(20, 10, 40, 30)], { baselineSpdMm2: 1000 }))).toEqual([
      "/baselineSpdMm2",
    ]);
    expect(issuePaths(() => ct([les(20, 10, 40, 30)], { baselineSpdMm2: 1200, nadirSpdMm2: 1000 }))).toEqual([
      "/nadirSpdMm2",
    ]);
  });

  it("spleen: the nadir is required to judge recurrence when enlarged at baseline and now; it cannot exceed baseline", () => {
    expect(
      issuePaths(() => ct([les(20, 10, 40, 30)], { spleen: { baselineLengthCm: 15, lengthCm: 14 } })),
    ).toEqual(["/spleen/nadirLengthCm"]);
    expect(
      issuePaths(() =>
        ct([les(20, 10, 40, 30)], { spleen: { baselineLengthCm: 12, lengthCm: 12, nadirLengthCm: 12.5 } }),
      ),
    ).toEqual(["/spleen/nadirLengthCm"]);
    expect(ct([les(20, 10, 40, 30)], { spleen: { baselineLengthCm: 15, lengthCm: 12 } }).value).toBeDefined();
  });

  it("missing inputs are named, never defaulted", () => {
    expect(
      issuePaths(() =>
        luganoCt.run({
          targetLesions: [les(20, 10, 40, 30)],
          baselineSpdMm2: 1200,
          nonMeasuredLesions: "ABSENT_OR_NORMAL",
          newLesions: [],
          boneMarrow: "NORMAL",
        }),
      ),
    ).toEqual(["/spleen"]);
  });
});

describe("lugano-ct: properties", () => {
  const RANK = { CR: 0, PR: 1, SD: 2, PD: 3 } as const;
  const lesionArb = fc
    .record({
      nLdi: fc.integer({ min: 16, max: 80 }),
      nSdiFrac: fc.double({ min: 0.3, max: 1, noNaN: true }),
      ldi: fc.integer({ min: 1, max: 100 }),
      sdiFrac: fc.double({ min: 0.3, max: 1, noNaN: true }),
    })
    .map(({ nLdi, nSdiFrac, ldi, sdiFrac }) =>
      les(ldi, Math.max(1, Math.floor(ldi * sdiFrac)), nLdi, Math.max(1, Math.floor(nLdi * nSdiFrac))),
    );
  const baselineOf = (ls: Lesion[]) => ls.reduce((a, l) => a + l.nadirLdiMm! * l.nadirSdiMm!, 0);

  it("the response never improves when a target lesion grows", () => {
    fc.assert(
      fc.property(
        fc.array(lesionArb, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.integer({ min: 1, max: 30 }),
        (ls, pick, grow) => {
          const i = pick % ls.length;
          const bigger = ls.map((l, j) =>
            j === i ? { ...l, ldiMm: l.ldiMm! + grow, sdiMm: l.sdiMm! + Math.floor(grow / 2) } : l,
          );
          const b = baselineOf(ls);
          const before = ct(ls, { baselineSpdMm2: b }).value as keyof typeof RANK;
          const after = ct(bigger, { baselineSpdMm2: b }).value as keyof typeof RANK;
          expect(RANK[after]).toBeGreaterThanOrEqual(RANK[before]);
        },
      ),
    );
  });

  it("the response never improves when the spleen grows, and a qualifying new node is always PD", () => {
    fc.assert(
      fc.property(
        fc.array(lesionArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 80, max: 200 }),
        fc.integer({ min: 80, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (ls, base10, now10, grow10) => {
          const b = baselineOf(ls);
          const spleen = (len: number) => ({
            baselineLengthCm: base10 / 10,
            lengthCm: len,
            nadirLengthCm: Math.min(base10, now10) / 10,
          });
          const before = ct(ls, { baselineSpdMm2: b, spleen: spleen(now10 / 10) }).value as keyof typeof RANK;
          const after = ct(ls, { baselineSpdMm2: b, spleen: spleen((now10 + grow10) / 10) })
            .value as keyof typeof RANK;
          expect(RANK[after]).toBeGreaterThanOrEqual(RANK[before]);
          expect(
            ct(ls, {
              baselineSpdMm2: b,
              newLesions: [{ kind: "NODAL", longestAxisMm: 16, unequivocallyLymphoma: false }],
            }).value,
          ).toBe("PD");
        },
      ),
    );
  });

  it("any number of target lesions above 6 is refused", () => {
    fc.assert(
      fc.property(fc.array(lesionArb, { minLength: 7, maxLength: 12 }), (ls) => {
        expect(issuePaths(() => ct(ls, { baselineSpdMm2: baselineOf(ls) }))).toContain("/targetLesions");
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// lyric
// ---------------------------------------------------------------------------------------------------

interface PdFindings {
  luganoResponse?: string;
  daysSinceTherapyStart?: number;
  clinicalDeterioration?: boolean;
  nadirSpdMm2?: number;
  currentSpdMm2?: number;
  newLesions?: boolean;
  lesionPpdIncreaseAtLeast50Percent?: boolean;
  fdgUptakeIncreased?: boolean;
  otherProgression?: boolean;
}
const pd = (o: PdFindings) =>
  lyric.run({
    luganoResponse: "PD",
    daysSinceTherapyStart: 42,
    clinicalDeterioration: false,
    nadirSpdMm2: 1000,
    currentSpdMm2: 1000,
    newLesions: false,
    lesionPpdIncreaseAtLeast50Percent: false,
    fdgUptakeIncreased: false,
    otherProgression: false,
    ...o,
  });

describe("lyric: worked examples", () => {
  it("LY-1: week 6, SPD +60 % from baseline, clinically well → IR1 (Lugano alone: PD)", () => {
    const r = pd({ daysSinceTherapyStart: 42, nadirSpdMm2: 1000, currentSpdMm2: 1600 });
    expect(r.value).toBe("IR1");
    expect(r.reasons.join(" ")).toMatch(/\+60 %/);
  });

  it("LY-2: SPD −30 %, but a new 1.6 cm node → IR2", () => {
    const r = pd({ nadirSpdMm2: 1000, currentSpdMm2: 700, newLesions: true });
    expect(r.value).toBe("IR2");
    expect(r.details?.irSubtypes).toEqual(["IR2a"]);
  });

  it("LY-3: lesion SUV rises, no change in size, no new lesions → IR3", () => {
    const r = pd({ luganoResponse: "PMD", nadirSpdMm2: 1000, currentSpdMm2: 1000, fdgUptakeIncreased: true });
    expect(r.value).toBe("IR3");
  });
});

describe("lyric: edges", () => {
  it("IR1 window: day 84 (12 weeks) is IR1, day 85 stays PD", () => {
    expect(pd({ daysSinceTherapyStart: 84, currentSpdMm2: 1600 }).value).toBe("IR1");
    const r = pd({ daysSinceTherapyStart: 85, currentSpdMm2: 1600 });
    expect(r.value).toBe("PD");
    expect(r.reasons.join(" ")).toMatch(/after the first 12 weeks/);
  });

  it("SPD increase: exactly +50 % is IR1; +49.9 % with a new lesion is IR2", () => {
    expect(pd({ currentSpdMm2: 1500 }).value).toBe("IR1");
    expect(pd({ currentSpdMm2: 1499, newLesions: true }).value).toBe("IR2");
    // after 12 weeks, a < 50 % SPD increase with a new lesion is still IR2 ("at any time during treatment")
    expect(pd({ daysSinceTherapyStart: 200, currentSpdMm2: 1499, newLesions: true }).value).toBe("IR2");
  });

  it("IR2b: a ≥ 50 % PPD increase of a lesion or set of lesions with SPD < +50 %", () => {
    const r = pd({ currentSpdMm2: 1200, lesionPpdIncreaseAtLeast50Percent: true });
    expect(r.value).toBe("IR2");
    expect(r.details?.irSubtypes).toEqual(["IR2b"]);
  });

  it("clinical deterioration turns an early ≥ 50 % SPD increase into PD", () => {
    expect(pd({ currentSpdMm2: 1600, clinicalDeterioration: true }).value).toBe("PD");
  });

  it("progression outside the IR categories (marrow, spleen, non-measured lesions) stays PD", () => {
    expect(pd({ currentSpdMm2: 1600, otherProgression: true }).value).toBe("PD");
    expect(pd({ luganoResponse: "PMD", fdgUptakeIncreased: true, otherProgression: true }).value).toBe("PMD");
  });

  it("size increase meeting PD takes precedence over IR3: +60 % with FDG increase at week 20 → PD", () => {
    expect(pd({ daysSinceTherapyStart: 140, currentSpdMm2: 1600, fdgUptakeIncreased: true }).value).toBe(
      "PD",
    );
  });

  it("a Lugano response other than PD stands unchanged", () => {
    for (const r of ["CR", "PR", "SD", "CMR", "PMR", "NMR"])
      expect(lyric.run({ luganoResponse: r }).value).toBe(r);
  });
});

describe("lyric: validation", () => {
  it("for a PD every finding is required, and named", () => {
    expect(issuePaths(() => lyric.run({ luganoResponse: "PD" })).sort()).toEqual(
      [
        "/clinicalDeterioration",
        "/currentSpdMm2",
        "/daysSinceTherapyStart",
        "/fdgUptakeIncreased",
        "/lesionPpdIncreaseAtLeast50Percent",
        "/nadirSpdMm2",
        "/newLesions",
        "/otherProgression",
      ].sort(),
    );
  });

  it("a PD with no progression finding is a contradiction", () => {
    expect(issuePaths(() => pd({ currentSpdMm2: 1100 }))).toEqual(["/luganoResponse"]);
  });

  it("new lesions with a non-PD Lugano response contradict Lugano", () => {
    expect(issuePaths(() => lyric.run({ luganoResponse: "PR", newLesions: true }))).toEqual(["/newLesions"]);
  });

  it("a nadir SPD of 0 cannot give a percentage and is refused; negative days are refused", () => {
    expect(issuePaths(() => pd({ nadirSpdMm2: 0, newLesions: true }))).toEqual(["/nadirSpdMm2"]);
    expect(issuePaths(() => pd({ daysSinceTherapyStart: -1, newLesions: true }))).toEqual([
      "/daysSinceTherapyStart",
    ]);
    expect(issuePaths(() => pd({ luganoResponse: "IR1" }))).toEqual(["/luganoResponse"]);
  });
});

describe("lyric: properties", () => {
  it("IR1 only within 12 weeks, never with other progression, and only IR categories or PD come out of a PD", () => {
    fc.assert(
      fc.property(
        fc.record({
          daysSinceTherapyStart: fc.integer({ min: 0, max: 400 }),
          clinicalDeterioration: fc.boolean(),
          currentSpdMm2: fc.integer({ min: 0, max: 4000 }),
          newLesions: fc.boolean(),
          lesionPpdIncreaseAtLeast50Percent: fc.boolean(),
          otherProgression: fc.boolean(),
        }),
        (o) => {
          const r = pd({ ...o, fdgUptakeIncreased: true });
          expect(["IR1", "IR2", "IR3", "PD"]).toContain(r.value);
          if (r.value === "IR1") {
            expect(o.daysSinceTherapyStart).toBeLessThanOrEqual(84);
            expect(o.clinicalDeterioration).toBe(false);
            expect(o.currentSpdMm2).toBeGreaterThanOrEqual(1500);
          }
          if (o.otherProgression) expect(r.value).toBe("PD");
          if (o.currentSpdMm2 >= 1500 && o.daysSinceTherapyStart > 84) expect(r.value).toBe("PD");
        },
      ),
    );
  });
});
