/**
 * SLE instruments (reference notes §5): SLEDAI-2K, classic SELENA-SLEDAI Flare Index, SRI-4,
 * DORIS 2021, LLDAS and EULAR/ACR 2019. Expected values come from the notes' worked examples and
 * from the published tables, written out here independently of the implementation's tables.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Calculator } from "../../../src/domain/calculators/calculator.ts";
import { lupusCalculators } from "../../../src/domain/calculators/lupus/index.ts";
import { SLEDAI_TERMS } from "../../../src/domain/calculators/lupus/sledai.ts";
import type { Issue } from "../../../src/domain/errors.ts";
import { issuesOf as runIssues } from "../../support/validation.ts";

const calc = (name: string): Calculator => {
  const c = lupusCalculators.find((x) => x.name === name);
  if (!c) throw new Error(`no calculator ${name}`);
  return c;
};
const SLEDAI = calc("sledai-2k");
const SFI = calc("selena-flare");
const SRI = calc("sri-4");
const DORIS = calc("doris");
const LLDAS = calc("lldas");
const EULAR = calc("eular-acr-2019");

const issuesOf = (c: Calculator, input: unknown): Issue[] => runIssues(() => c.run(input));
const paths = (issues: Issue[]) => issues.map((i) => i.path);

// ---------------------------------------------------------------------------------------------
// SLEDAI-2K weights as printed in Gladman 2002, Table 1 (written out here, not imported).
const GLADMAN_WEIGHTS: Record<string, number> = {
  seizure: 8,
  psychosis: 8,
  organicBrainSyndrome: 8,
  visualDisturbance: 8,
  cranialNerveDisorder: 8,
  lupusHeadache: 8,
  cva: 8,
  vasculitis: 8,
  arthritis: 4,
  myositis: 4,
  urinaryCasts: 4,
  hematuria: 4,
  proteinuria: 4,
  pyuria: 4,
  rash: 2,
  alopecia: 2,
  mucosalUlcers: 2,
  pleurisy: 2,
  pericarditis: 2,
  lowComplement: 2,
  increasedDnaBinding: 2,
  fever: 1,
  thrombocytopenia: 1,
  leukopenia: 1,
};
const ITEM_KEYS = Object.keys(GLADMAN_WEIGHTS);
const SEROLOGY = ["lowComplement", "increasedDnaBinding"];
const noItems = (): Record<string, boolean> => Object.fromEntries(ITEM_KEYS.map((k) => [k, false]));
const items = (...present: string[]) => ({
  ...noItems(),
  ...Object.fromEntries(present.map((k) => [k, true])),
});

describe("registry", () => {
  it("exports the six SLE calculators under their registry names", () => {
    expect(lupusCalculators.map((c) => c.name).sort()).toEqual(
      ["doris", "eular-acr-2019", "lldas", "selena-flare", "sledai-2k", "sri-4"].sort(),
    );
    for (const c of lupusCalculators) {
      expect(c.source.length).toBeGreaterThan(20);
      expect(c.ruleSetVersion).toBe("1");
    }
  });
});

describe("sledai-2k", () => {
  it("has 24 descriptors with total range 0–105", () => {
    expect(ITEM_KEYS).toHaveLength(24);
    expect(SLEDAI.run(noItems()).value).toBe(0);
    const all = SLEDAI.run(Object.fromEntries(ITEM_KEYS.map((k) => [k, true])));
    expect(all.value).toBe(105);
    expect(all.details?.clinicalSledai).toBe(101);
  });

  it.each(ITEM_KEYS)("%s alone scores its Gladman 2002 weight, with a reason naming it", (key) => {
    const r = SLEDAI.run(items(key));
    expect(r.value).toBe(GLADMAN_WEIGHTS[key]);
    expect(r.details?.clinicalSledai).toBe(SEROLOGY.includes(key) ? 0 : GLADMAN_WEIGHTS[key]);
    expect(
      r.reasons.some(
        (s) =>
          s.startsWith(`${SLEDAI_TERMS.sledaiDescriptor[key]} present:`) &&
          !s.includes(key) &&
          s.includes(`+${GLADMAN_WEIGHTS[key]}`),
      ),
    ).toBe(true);
  });

  it("SD-1: arthritis, rash, low C3, raised anti-dsDNA → 10, cSLEDAI 6", () => {
    const r = SLEDAI.run(items("arthritis", "rash", "lowComplement", "increasedDnaBinding"));
    expect(r.value).toBe(10);
    expect(r.details?.clinicalSledai).toBe(6);
    expect(r.label).toBe("SLEDAI-2K 10");
  });

  it("SD-2: persistent proteinuria, haematuria, low C3, anti-dsDNA, platelets 80 → 13, cSLEDAI 9", () => {
    const r = SLEDAI.run(
      items("proteinuria", "hematuria", "lowComplement", "increasedDnaBinding", "thrombocytopenia"),
    );
    expect(r.value).toBe(13);
    expect(r.details?.clinicalSledai).toBe(9);
  });

  it("SD-3: only persistent alopecia → 2 (2K scores persistent alopecia)", () => {
    expect(SLEDAI.run(items("alopecia")).value).toBe(2);
  });

  it("SD-4: only anti-dsDNA above normal → 2, cSLEDAI 0", () => {
    const r = SLEDAI.run(items("increasedDnaBinding"));
    expect(r.value).toBe(2);
    expect(r.details?.clinicalSledai).toBe(0);
  });

  it("SD-1 explained: each descriptor with its Gladman 2002 number and weight, then the totals", () => {
    const r = SLEDAI.run(items("arthritis", "rash", "lowComplement", "increasedDnaBinding"));
    expect(r.reasons).toEqual([
      "Arthritis present: +4 (SLEDAI-2K descriptor 9, weight 4).",
      "Rash present: +2 (SLEDAI-2K descriptor 15, weight 2).",
      "Low complement present: +2 (SLEDAI-2K descriptor 20, weight 2).",
      "Increased DNA binding present: +2 (SLEDAI-2K descriptor 21, weight 2).",
      "Total 10 of 105; clinical SLEDAI-2K 6 (total without low complement and increased DNA binding).",
    ]);
    expect(r.details).toEqual({
      clinicalSledai: 6,
      serologyPoints: 4,
      items: [
        { key: "arthritis", weight: 4 },
        { key: "rash", weight: 2 },
        { key: "lowComplement", weight: 2 },
        { key: "increasedDnaBinding", weight: 2 },
      ],
    });
  });

  it("nothing present: the reason says total 0, and no window is recorded unless given", () => {
    const r = SLEDAI.run(noItems());
    expect(r.reasons).toEqual([
      "No SLEDAI-2K descriptor present: total 0.",
      "Total 0 of 105; clinical SLEDAI-2K 0 (total without low complement and increased DNA binding).",
    ]);
    // strict: a window not given is no key at all, not a key holding undefined
    expect(r.details).toStrictEqual({ clinicalSledai: 0, serologyPoints: 0, items: [] });
    expect(r.label).toBe("SLEDAI-2K 0");
  });

  it("records the scoring window when given, and refuses one over 30 days", () => {
    expect(SLEDAI.run({ ...noItems(), windowDays: 30 }).details?.windowDays).toBe(30);
    expect(SLEDAI.run({ ...noItems(), windowDays: 10 }).details?.windowDays).toBe(10);
    expect(paths(issuesOf(SLEDAI, { ...noItems(), windowDays: 31 }))).toEqual(["/windowDays"]);
  });

  it("a missing descriptor is an error naming it, never a silent 'absent'", () => {
    const { arthritis: _, ...rest } = noItems();
    expect(paths(issuesOf(SLEDAI, rest))).toEqual(["/arthritis"]);
  });

  it("refuses non-boolean descriptors and unknown fields", () => {
    expect(paths(issuesOf(SLEDAI, { ...noItems(), fever: "yes" }))).toEqual(["/fever"]);
    const unknown = issuesOf(SLEDAI, { ...noItems(), lowCompliment: true });
    expect(unknown[0]?.message).toContain("lowCompliment");
  });

  it("property: total is the sum of the present weights; cSLEDAI drops only serology", () => {
    fc.assert(
      fc.property(fc.subarray(ITEM_KEYS), (present) => {
        const r = SLEDAI.run(items(...present));
        const expected = present.reduce((s, k) => s + GLADMAN_WEIGHTS[k]!, 0);
        const serology = present.filter((k) => SEROLOGY.includes(k)).length * 2;
        expect(r.value).toBe(expected);
        expect(r.details?.clinicalSledai).toBe(expected - serology);
      }),
    );
  });

  it("property: adding a descriptor never lowers the score", () => {
    fc.assert(
      fc.property(fc.subarray(ITEM_KEYS), fc.constantFrom(...ITEM_KEYS), (present, extra) => {
        const before = SLEDAI.run(items(...present)).value as number;
        const after = SLEDAI.run(items(...present, extra)).value as number;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
const sfiBase = {
  selenaSledaiPrevious: 4,
  selenaSledaiCurrent: 4,
  pgaPrevious: 0.5,
  pgaCurrent: 0.5,
  newOrWorseMildModerateManifestations: [] as string[],
  newOrWorseSevereManifestations: [] as string[],
  newOrWorseThrombocytopenia: false,
  hemolyticAnemia: false,
  prednisonePreviousMgPerDay: 10,
  prednisoneCurrentMgPerDay: 10,
  nsaidOrHydroxychloroquineAddedForSle: false,
  newImmunosuppressivesForSle: [] as string[],
  hospitalizationForSle: false,
};
const sfi = (over: Record<string, unknown>) => SFI.run({ ...sfiBase, ...over }).value;

describe("selena-flare", () => {
  it("no change → no flare", () => {
    const r = SFI.run(sfiBase);
    expect(r.value).toBe("NONE");
    expect(r.label).toBe("No flare");
  });

  it("SFI-1: SELENA-SLEDAI 4 → 8, PGA 0.5 → 1.0, no treatment change → mild/moderate", () => {
    const r = SFI.run({ ...sfiBase, selenaSledaiCurrent: 8, pgaCurrent: 1.0 });
    expect(r.value).toBe("MILD_MODERATE");
    expect(r.reasons.join(" ")).toContain("4 → 8");
  });

  it("SFI-2: SELENA-SLEDAI 6 → 14 → severe", () => {
    const r = SFI.run({ ...sfiBase, selenaSledaiPrevious: 6, selenaSledaiCurrent: 14 });
    expect(r.value).toBe("SEVERE");
    expect(r.reasons[0]).toContain("> 12");
  });

  it("SFI-3: same score, prednisone raised to 40 mg/day at 60 kg (0.67 mg/kg) → severe", () => {
    // 25 → 40 is not a doubling, so only the > 0.5 mg/kg/day rule can make it severe.
    const r = SFI.run({
      ...sfiBase,
      prednisonePreviousMgPerDay: 25,
      prednisoneCurrentMgPerDay: 40,
      weightKg: 60,
    });
    expect(r.value).toBe("SEVERE");
    expect(r.reasons[0]).toContain("0.67 mg/kg/day");
  });

  describe("SELENA-SLEDAI edges", () => {
    it("rise of 2 → none; rise of 3 → mild/moderate", () => {
      expect(sfi({ selenaSledaiCurrent: 6 })).toBe("NONE");
      expect(sfi({ selenaSledaiCurrent: 7 })).toBe("MILD_MODERATE");
    });
    it("rise to 12 → mild/moderate; rise to 13 → severe", () => {
      expect(sfi({ selenaSledaiPrevious: 9, selenaSledaiCurrent: 12 })).toBe("MILD_MODERATE");
      expect(sfi({ selenaSledaiPrevious: 10, selenaSledaiCurrent: 13 })).toBe("SEVERE");
    });
    it("[D] any rise that ends above 12 is severe; no rise is no flare", () => {
      expect(sfi({ selenaSledaiPrevious: 12, selenaSledaiCurrent: 13 })).toBe("SEVERE");
      expect(sfi({ selenaSledaiPrevious: 14, selenaSledaiCurrent: 14 })).toBe("NONE");
      expect(sfi({ selenaSledaiPrevious: 16, selenaSledaiCurrent: 13 })).toBe("NONE");
    });
  });

  describe("PGA edges", () => {
    it("rise of 0.99 → none; rise of 1.0 → mild/moderate (also 0.7 → 1.7 despite float arithmetic)", () => {
      expect(sfi({ pgaCurrent: 1.49 })).toBe("NONE");
      expect(sfi({ pgaCurrent: 1.5 })).toBe("MILD_MODERATE");
      expect(sfi({ pgaPrevious: 0.7, pgaCurrent: 1.7 })).toBe("MILD_MODERATE");
    });
    it("rise to 2.5 → mild/moderate; rise to 2.51 → severe", () => {
      expect(sfi({ pgaPrevious: 1.5, pgaCurrent: 2.5 })).toBe("MILD_MODERATE");
      expect(sfi({ pgaPrevious: 1.5, pgaCurrent: 2.51 })).toBe("SEVERE");
      expect(sfi({ pgaPrevious: 2.2, pgaCurrent: 2.6 })).toBe("SEVERE");
    });
    it("a PGA that stays above 2.5 without rising is no flare", () => {
      expect(sfi({ pgaPrevious: 2.8, pgaCurrent: 2.8 })).toBe("NONE");
    });
  });

  describe("prednisone edges (60 kg: 0.5 mg/kg/day = 30 mg/day)", () => {
    it("raised to exactly 30 mg/day (0.5 mg/kg, not doubled) → mild/moderate; to 30.5 → severe", () => {
      expect(sfi({ prednisonePreviousMgPerDay: 20, prednisoneCurrentMgPerDay: 30, weightKg: 60 })).toBe(
        "MILD_MODERATE",
      );
      expect(sfi({ prednisonePreviousMgPerDay: 20, prednisoneCurrentMgPerDay: 30.5, weightKg: 60 })).toBe(
        "SEVERE",
      );
    });
    it("10 → 19.5 → mild/moderate; 10 → 20 (doubled) → severe", () => {
      expect(sfi({ prednisonePreviousMgPerDay: 10, prednisoneCurrentMgPerDay: 19.5, weightKg: 60 })).toBe(
        "MILD_MODERATE",
      );
      const r = SFI.run({
        ...sfiBase,
        prednisonePreviousMgPerDay: 10,
        prednisoneCurrentMgPerDay: 20,
        weightKg: 60,
      });
      expect(r.value).toBe("SEVERE");
      expect(r.reasons[0]).toContain("doubled");
    });
    it("[D] starting prednisone from 0 is an increase, severe only above 0.5 mg/kg/day", () => {
      expect(sfi({ prednisonePreviousMgPerDay: 0, prednisoneCurrentMgPerDay: 10, weightKg: 60 })).toBe(
        "MILD_MODERATE",
      );
      expect(sfi({ prednisonePreviousMgPerDay: 0, prednisoneCurrentMgPerDay: 31, weightKg: 60 })).toBe(
        "SEVERE",
      );
    });
    it("a lower or unchanged dose is no flare and needs no weight", () => {
      expect(sfi({ prednisonePreviousMgPerDay: 20, prednisoneCurrentMgPerDay: 10 })).toBe("NONE");
    });
  });

  describe("manifestations and treatment", () => {
    it.each(["CNS_SLE", "VASCULITIS", "NEPHRITIS", "MYOSITIS"])("new or worse %s → severe", (m) => {
      expect(sfi({ newOrWorseSevereManifestations: [m] })).toBe("SEVERE");
    });
    it.each([
      "DISCOID_LUPUS",
      "PHOTOSENSITIVE_LUPUS",
      "LUPUS_PROFUNDUS",
      "CUTANEOUS_VASCULITIS",
      "BULLOUS_LUPUS",
      "NASOPHARYNGEAL_ULCERS",
      "PLEURITIS",
      "PERICARDITIS",
      "ARTHRITIS",
      "SLE_FEVER",
    ])("new or worse %s → mild/moderate", (m) => {
      expect(sfi({ newOrWorseMildModerateManifestations: [m] })).toBe("MILD_MODERATE");
    });
    it("platelets 60,000/µL → not a criterion; 59,999/µL → severe", () => {
      const r = SFI.run({ ...sfiBase, newOrWorseThrombocytopenia: true, plateletsPerUl: 60_000 });
      expect(r.value).toBe("NONE");
      expect(r.reasons.join(" ")).toContain("60000");
      expect(sfi({ newOrWorseThrombocytopenia: true, plateletsPerUl: 59_999 })).toBe("SEVERE");
    });
    it("haemolytic anaemia: Hb 7.0 → not a criterion; Hb 6.9 → severe", () => {
      expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 7.0, hemoglobinPreviousGdl: 9.0 })).toBe("NONE");
      expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 6.9, hemoglobinPreviousGdl: 9.0 })).toBe("SEVERE");
    });
    it("haemolytic anaemia: Hb fall of exactly 3.0 → not a criterion; 3.1 → severe", () => {
      expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 7.2, hemoglobinPreviousGdl: 10.2 })).toBe("NONE");
      expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 7.2, hemoglobinPreviousGdl: 10.3 })).toBe("SEVERE");
    });
    it("NSAID or hydroxychloroquine added → mild/moderate; hospitalisation → severe", () => {
      expect(sfi({ nsaidOrHydroxychloroquineAddedForSle: true })).toBe("MILD_MODERATE");
      expect(sfi({ hospitalizationForSle: true })).toBe("SEVERE");
    });
    it.each(["CYCLOPHOSPHAMIDE", "AZATHIOPRINE", "METHOTREXATE"])("new %s → severe", (d) => {
      expect(sfi({ newImmunosuppressivesForSle: [d] })).toBe("SEVERE");
    });
    it("new mycophenolate counts only when the protocol says so", () => {
      expect(sfi({ newImmunosuppressivesForSle: ["MYCOPHENOLATE"], mycophenolateCountsAsSevere: true })).toBe(
        "SEVERE",
      );
      expect(
        sfi({ newImmunosuppressivesForSle: ["MYCOPHENOLATE"], mycophenolateCountsAsSevere: false }),
      ).toBe("NONE");
    });
    it("severe takes precedence over mild/moderate, and both are reported", () => {
      const r = SFI.run({ ...sfiBase, selenaSledaiCurrent: 8, hospitalizationForSle: true });
      expect(r.value).toBe("SEVERE");
      expect(r.reasons.some((s) => s.startsWith("Also met (mild/moderate)"))).toBe(true);
    });
  });

  describe("validation", () => {
    it("weight is required when the prednisone dose rose", () => {
      const i = issuesOf(SFI, { ...sfiBase, prednisoneCurrentMgPerDay: 20 });
      expect(paths(i)).toEqual(["/weightKg"]);
    });
    it("platelet count is required with new thrombocytopenia", () => {
      expect(paths(issuesOf(SFI, { ...sfiBase, newOrWorseThrombocytopenia: true }))).toEqual([
        "/plateletsPerUl",
      ]);
    });
    it("both haemoglobin values are required with haemolytic anaemia", () => {
      expect(paths(issuesOf(SFI, { ...sfiBase, hemolyticAnemia: true })).sort()).toEqual([
        "/hemoglobinGdl",
        "/hemoglobinPreviousGdl",
      ]);
    });
    it("new mycophenolate needs the protocol setting", () => {
      expect(paths(issuesOf(SFI, { ...sfiBase, newImmunosuppressivesForSle: ["MYCOPHENOLATE"] }))).toEqual([
        "/mycophenolateCountsAsSevere",
      ]);
    });
    it("PGA outside 0–3 or with more than two decimals, and scores outside 0–105, are refused", () => {
      expect(paths(issuesOf(SFI, { ...sfiBase, pgaCurrent: 3.1 }))).toEqual(["/pgaCurrent"]);
      expect(paths(issuesOf(SFI, { ...sfiBase, pgaPrevious: 0.333 }))).toEqual(["/pgaPrevious"]);
      expect(paths(issuesOf(SFI, { ...sfiBase, selenaSledaiCurrent: 106 }))).toEqual([
        "/selenaSledaiCurrent",
      ]);
      expect(paths(issuesOf(SFI, { ...sfiBase, selenaSledaiPrevious: 4.5 }))).toEqual([
        "/selenaSledaiPrevious",
      ]);
    });
    it("an unknown manifestation code is refused", () => {
      expect(paths(issuesOf(SFI, { ...sfiBase, newOrWorseSevereManifestations: ["ALOPECIA"] }))).toEqual([
        "/newOrWorseSevereManifestations/0",
      ]);
    });
  });

  const RANK = { NONE: 0, MILD_MODERATE: 1, SEVERE: 2 } as const;
  const rank = (v: unknown) => RANK[v as keyof typeof RANK];

  it("property: a higher SELENA-SLEDAI at this visit never lowers the flare category", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 105 }),
        fc.integer({ min: 0, max: 104 }),
        fc.integer({ min: 1, max: 10 }),
        (prev, cur, step) => {
          const hi = Math.min(105, cur + step);
          expect(rank(sfi({ selenaSledaiPrevious: prev, selenaSledaiCurrent: hi }))).toBeGreaterThanOrEqual(
            rank(sfi({ selenaSledaiPrevious: prev, selenaSledaiCurrent: cur })),
          );
        },
      ),
    );
  });

  it("property: adding a flare finding never lowers the category", () => {
    const findings: Record<string, unknown>[] = [
      { newOrWorseMildModerateManifestations: ["ARTHRITIS"] },
      { newOrWorseSevereManifestations: ["NEPHRITIS"] },
      { nsaidOrHydroxychloroquineAddedForSle: true },
      { hospitalizationForSle: true },
      { newImmunosuppressivesForSle: ["AZATHIOPRINE"] },
      { selenaSledaiCurrent: 9 },
      { pgaCurrent: 1.8 },
    ];
    fc.assert(
      fc.property(fc.subarray(findings), fc.constantFrom(...findings), (chosen, extra) => {
        const before = Object.assign({}, ...chosen);
        expect(rank(sfi({ ...before, ...extra }))).toBeGreaterThanOrEqual(rank(sfi(before)));
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
const B2004 = [
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
const CLASSIC = [
  "general",
  "mucocutaneous",
  "neurological",
  "musculoskeletal",
  "cardiovascularRespiratory",
  "vasculitis",
  "renal",
  "hematological",
];
const bilag = (domains: string[], over: Record<string, string> = {}) => ({
  ...Object.fromEntries(domains.map((d) => [d, "E"])),
  ...over,
});
const sriBase = {
  sledaiVersion: "SELENA_SLEDAI",
  sledaiBaseline: 12,
  sledaiVisit: 6,
  pgaBaseline: 1.0,
  pgaVisit: 1.0,
  bilagVersion: "BILAG_2004",
  bilagBaseline: bilag(B2004, { musculoskeletal: "B", mucocutaneous: "B" }),
  bilagVisit: bilag(B2004, { musculoskeletal: "C", mucocutaneous: "C" }),
};
const sri = (over: Record<string, unknown>) => SRI.run({ ...sriBase, ...over }).value;

describe("sri-4", () => {
  it("SRI-1: SLEDAI 12 → 6, 0 new A, 1 new B, PGA 1.2 → 1.3 → responder", () => {
    const r = SRI.run({
      ...sriBase,
      pgaBaseline: 1.2,
      pgaVisit: 1.3,
      bilagVisit: bilag(B2004, { musculoskeletal: "C", mucocutaneous: "C", hematological: "B" }),
    });
    expect(r.value).toBe("RESPONDER");
    expect(r.details?.newBilagB).toEqual(["hematological"]);
  });

  it("SRI-2: SLEDAI 12 → 6, no new A or B, PGA 1.0 → 1.4 → non-responder (PGA +0.4)", () => {
    const r = SRI.run({ ...sriBase, pgaBaseline: 1.0, pgaVisit: 1.4 });
    expect(r.value).toBe("NON_RESPONDER");
    expect(r.reasons[2]).toContain("+0.4");
  });

  it("SRI-3: SLEDAI 10 → 7 → non-responder (only −3)", () => {
    const r = SRI.run({ ...sriBase, sledaiBaseline: 10, sledaiVisit: 7 });
    expect(r.value).toBe("NON_RESPONDER");
    expect(r.reasons[0]).toContain("reduction 3 < 4");
  });

  it("SRI-4: SLEDAI 14 → 4 with 1 new BILAG A → non-responder", () => {
    const r = SRI.run({
      ...sriBase,
      sledaiBaseline: 14,
      sledaiVisit: 4,
      bilagVisit: bilag(B2004, { musculoskeletal: "C", mucocutaneous: "C", renal: "A" }),
    });
    expect(r.value).toBe("NON_RESPONDER");
    expect(r.details?.newBilagA).toEqual(["renal"]);
  });

  // The reasons and details a trial's data manager reads, written out by hand (Furie 2009's three
  // SRI-4 criteria) for a responder and for a visit that fails all three.
  it("SRI-1 explained: each criterion met, with the numbers that met it", () => {
    const r = SRI.run({
      ...sriBase,
      pgaBaseline: 1.2,
      pgaVisit: 1.3,
      bilagVisit: bilag(B2004, { musculoskeletal: "C", mucocutaneous: "C", hematological: "B" }),
    });
    expect(r.label).toBe("SRI-4 responder");
    expect(r.reasons).toEqual([
      "SELENA-SLEDAI 12 → 6: reduction 6 ≥ 4 points.",
      "BILAG-2004: 0 new A (≤ 0 allowed) and 1 new B (hematological) (≤ 1 allowed).",
      "PGA 1.2 → 1.3: change +0.1 < +0.3 worsening.",
    ]);
    expect(r.details).toEqual({
      sledaiReduction: 6,
      newBilagA: [],
      newBilagB: ["hematological"],
      pgaChange: 0.1,
      criteria: { sledaiReduction: true, noNewBilagAOrTwoB: true, noPgaWorsening: true },
    });
  });

  it("every criterion failed: SLEDAI-2K −3, a new A and two new B (classic BILAG), PGA +0.5", () => {
    const r = SRI.run({
      ...sriBase,
      sledaiVersion: "SLEDAI_2K",
      sledaiBaseline: 10,
      sledaiVisit: 7,
      pgaBaseline: 1.0,
      pgaVisit: 1.5,
      bilagVersion: "CLASSIC",
      bilagBaseline: bilag(CLASSIC),
      bilagVisit: bilag(CLASSIC, { renal: "A", mucocutaneous: "B", musculoskeletal: "B" }),
    });
    expect(r.label).toBe("SRI-4 non-responder");
    expect(r.reasons).toEqual([
      "SLEDAI-2K 10 → 7: reduction 3 < 4 points (not met).",
      "Classic BILAG: 1 new A (renal) (≤ 0 allowed) and 2 new B (mucocutaneous, musculoskeletal) (≤ 1 allowed) (not met).",
      "PGA 1 → 1.5: change +0.5 ≥ +0.3 worsening (not met).",
    ]);
    expect(r.details).toEqual({
      sledaiReduction: 3,
      newBilagA: ["renal"],
      newBilagB: ["mucocutaneous", "musculoskeletal"],
      pgaChange: 0.5,
      criteria: { sledaiReduction: false, noNewBilagAOrTwoB: false, noPgaWorsening: false },
    });
  });

  it("a PGA that improves reads as a negative change, and one new A alone breaks the BILAG criterion", () => {
    const better = SRI.run({ ...sriBase, pgaBaseline: 2.0, pgaVisit: 0.5 });
    expect(better.reasons[2]).toBe("PGA 2 → 0.5: change −1.5 < +0.3 worsening.");
    expect(better.details).toMatchObject({ pgaChange: -1.5 });
    const oneA = SRI.run({
      ...sriBase,
      bilagVisit: bilag(B2004, { musculoskeletal: "C", mucocutaneous: "C", renal: "A" }),
    });
    expect(oneA.details).toMatchObject({
      criteria: { sledaiReduction: true, noNewBilagAOrTwoB: false, noPgaWorsening: true },
    });
  });

  it("SLEDAI reduction 3 → non-responder; 4 → responder", () => {
    expect(sri({ sledaiBaseline: 10, sledaiVisit: 7 })).toBe("NON_RESPONDER");
    expect(sri({ sledaiBaseline: 10, sledaiVisit: 6 })).toBe("RESPONDER");
  });

  it("one new B → responder; two new B → non-responder", () => {
    const visit = (over: Record<string, string>) =>
      bilag(B2004, { musculoskeletal: "C", mucocutaneous: "C", ...over });
    expect(sri({ bilagVisit: visit({ renal: "B" }) })).toBe("RESPONDER");
    expect(sri({ bilagVisit: visit({ renal: "B", hematological: "B" }) })).toBe("NON_RESPONDER");
  });

  it("PGA worsening +0.29 → responder; +0.3 → non-responder (also 2.7 → 3.0 despite float arithmetic)", () => {
    expect(sri({ pgaBaseline: 1.0, pgaVisit: 1.29 })).toBe("RESPONDER");
    expect(sri({ pgaBaseline: 1.0, pgaVisit: 1.3 })).toBe("NON_RESPONDER");
    expect(sri({ pgaBaseline: 2.7, pgaVisit: 3.0 })).toBe("NON_RESPONDER");
    expect(sri({ pgaBaseline: 2.0, pgaVisit: 0.5 })).toBe("RESPONDER");
  });

  it("what counts as new: A→A and A→B are not new; B→A is a new A; C/D/E→B is a new B; B→B is not", () => {
    const run = (base: string, visit: string) =>
      SRI.run({
        ...sriBase,
        bilagBaseline: bilag(B2004, { renal: base }),
        bilagVisit: bilag(B2004, { renal: visit }),
      }).details as { newBilagA: string[]; newBilagB: string[] };
    expect(run("A", "A").newBilagA).toEqual([]);
    expect(run("A", "B").newBilagB).toEqual([]);
    expect(run("B", "A").newBilagA).toEqual(["renal"]);
    expect(run("B", "B").newBilagB).toEqual([]);
    for (const from of ["C", "D", "E"]) expect(run(from, "B").newBilagB).toEqual(["renal"]);
  });

  it("accepts the classic BILAG (8 domains, as in Furie 2009)", () => {
    const r = SRI.run({
      ...sriBase,
      bilagVersion: "CLASSIC",
      bilagBaseline: bilag(CLASSIC, { musculoskeletal: "B" }),
      bilagVisit: bilag(CLASSIC, { vasculitis: "A" }),
    });
    expect(r.value).toBe("NON_RESPONDER");
    expect(r.details?.newBilagA).toEqual(["vasculitis"]);
  });

  describe("validation", () => {
    it("a missing BILAG domain is named", () => {
      const { renal: _, ...visit } = bilag(B2004);
      expect(paths(issuesOf(SRI, { ...sriBase, bilagVisit: visit }))).toEqual(["/bilagVisit/renal"]);
    });
    it("BILAG-2004 domains under the classic version are refused", () => {
      const p = paths(issuesOf(SRI, { ...sriBase, bilagVersion: "CLASSIC" }));
      expect(p).toContain("/bilagBaseline/general");
    });
    it("the BILAG version, the SLEDAI version and valid grades are required", () => {
      const { bilagVersion: _, ...noVersion } = sriBase;
      expect(paths(issuesOf(SRI, noVersion))).toEqual(["/bilagVersion"]);
      const { sledaiVersion: __, ...noSledaiVersion } = sriBase;
      expect(paths(issuesOf(SRI, noSledaiVersion))).toEqual(["/sledaiVersion"]);
      expect(paths(issuesOf(SRI, { ...sriBase, bilagBaseline: bilag(B2004, { renal: "F" }) }))).toEqual([
        "/bilagBaseline/renal",
      ]);
    });
    it("PGA must be on the 0–3 scale", () => {
      expect(paths(issuesOf(SRI, { ...sriBase, pgaVisit: -0.1 }))).toEqual(["/pgaVisit"]);
    });
  });

  it("property: a lower SLEDAI at the visit never turns a responder into a non-responder", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 105 }), fc.integer({ min: 0, max: 105 }), (baseline, visit) => {
        const lower = Math.max(0, visit - 1);
        if (sri({ sledaiBaseline: baseline, sledaiVisit: visit }) === "RESPONDER")
          expect(sri({ sledaiBaseline: baseline, sledaiVisit: lower })).toBe("RESPONDER");
      }),
    );
  });

  it("property: a PGA worsening of ≥ 0.3 is never a responder", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 270 }), fc.integer({ min: 30, max: 300 }), (b, d) => {
        const visit = Math.min(300, b + d);
        fc.pre(visit - b >= 30);
        expect(sri({ pgaBaseline: b / 100, pgaVisit: visit / 100 })).toBe("NON_RESPONDER");
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
const dorisBase = {
  sledai2k: noItems(),
  pga: 0.2,
  prednisoloneEquivalentMgPerDay: 0,
  antimalarial: "NONE",
  immunosuppressive: "NONE",
  biologic: "NONE",
};
const dorisRun = (over: Record<string, unknown>) =>
  DORIS.run({ ...dorisBase, ...over }).value as { remission: boolean; drugFree: boolean };

describe("doris", () => {
  it("DOR-1: cSLEDAI 0 (SLEDAI-2K 4 from anti-dsDNA + low C3), PGA 0.3, prednisolone 5, stable HCQ → remission", () => {
    const r = DORIS.run({
      ...dorisBase,
      sledai2k: items("increasedDnaBinding", "lowComplement"),
      pga: 0.3,
      prednisoloneEquivalentMgPerDay: 5,
      antimalarial: "STABLE",
    });
    expect(r.value).toEqual({ remission: true, drugFree: false });
    expect(r.details?.sledai2k).toBe(4);
    expect(r.details?.clinicalSledai).toBe(0);
    expect(r.label).toBe("DORIS remission");
  });

  it("DOR-2: cSLEDAI 0, PGA 0.5, no steroid → not remission (PGA must be < 0.5)", () => {
    const r = DORIS.run({ ...dorisBase, pga: 0.5 });
    expect(r.value).toEqual({ remission: false, drugFree: false });
    expect(r.reasons.join(" ")).toContain("PGA 0.5 ≥ 0.5");
  });

  it("DOR-3: cSLEDAI 0, PGA 0.2, prednisolone 7.5 → not remission (yet LLDAS can hold)", () => {
    expect(dorisRun({ prednisoloneEquivalentMgPerDay: 7.5 }).remission).toBe(false);
    const l = LLDAS.run({
      sledai2k: noItems(),
      hemolyticAnemia: false,
      gastrointestinalActivity: false,
      newActivitySincePreviousAssessment: false,
      pga: 0.2,
      prednisoloneEquivalentMgPerDay: 7.5,
      immunosuppressiveTherapy: "NONE",
      investigationalDrugCurrent: false,
    });
    expect(l.value).toBe("LLDAS");
  });

  it("DOR-4: cSLEDAI 2 (alopecia), PGA 0.2, no drugs → not remission", () => {
    const r = DORIS.run({ ...dorisBase, sledai2k: items("alopecia") });
    expect(r.value).toEqual({ remission: false, drugFree: false });
    expect(r.reasons[0]).toContain("Alopecia (2)");
  });

  it("PGA 0.49 → remission; 0.5 → not", () => {
    expect(dorisRun({ pga: 0.49 }).remission).toBe(true);
    expect(dorisRun({ pga: 0.5 }).remission).toBe(false);
  });

  it("prednisolone 5 mg/day → remission; 5.01 → not", () => {
    expect(dorisRun({ prednisoloneEquivalentMgPerDay: 5 }).remission).toBe(true);
    expect(dorisRun({ prednisoloneEquivalentMgPerDay: 5.01 }).remission).toBe(false);
  });

  it("the smallest clinical activity (fever, 1 point) breaks remission", () => {
    expect(dorisRun({ sledai2k: items("fever") }).remission).toBe(false);
  });

  it.each(["antimalarial", "immunosuppressive", "biologic"])(
    "%s at a stable dose is allowed; not stable is not",
    (k) => {
      expect(dorisRun({ [k]: "STABLE" })).toEqual({ remission: true, drugFree: false });
      expect(dorisRun({ [k]: "NOT_STABLE" }).remission).toBe(false);
    },
  );

  it("drug-free: remission with no glucocorticoid, antimalarial, immunosuppressive or biologic", () => {
    const r = DORIS.run(dorisBase);
    expect(r.value).toEqual({ remission: true, drugFree: true });
    expect(r.label).toBe("DORIS remission (drug-free)");
    expect(dorisRun({ prednisoloneEquivalentMgPerDay: 1 })).toEqual({ remission: true, drugFree: false });
    // positive serology does not break drug-free remission either
    expect(dorisRun({ sledai2k: items("increasedDnaBinding") })).toEqual({ remission: true, drugFree: true });
  });

  it("validation: a missing nested SLEDAI item and a bad drug status are named", () => {
    const { fever: _, ...rest } = noItems();
    expect(paths(issuesOf(DORIS, { ...dorisBase, sledai2k: rest }))).toEqual(["/sledai2k/fever"]);
    expect(paths(issuesOf(DORIS, { ...dorisBase, biologic: "YES" }))).toEqual(["/biologic"]);
    const { prednisoloneEquivalentMgPerDay: __, ...noPred } = dorisBase;
    expect(paths(issuesOf(DORIS, noPred))).toEqual(["/prednisoloneEquivalentMgPerDay"]);
  });

  // Every reason written out by hand from van Vollenhoven 2021's four criteria (clinical SLEDAI-2K
  // = 0 with serology ignored, PGA < 0.5, prednisolone ≤ 5 mg/day, other drugs only at stable doses)
  // and the notes' drug-free flag (§5.4 [D]).
  it("DOR-1 explained: serology's 4 points ignored, each criterion met with its number, not drug-free", () => {
    const r = DORIS.run({
      ...dorisBase,
      sledai2k: items("increasedDnaBinding", "lowComplement"),
      pga: 0.3,
      prednisoloneEquivalentMgPerDay: 5,
      antimalarial: "STABLE",
    });
    expect(r.reasons).toEqual([
      "Clinical SLEDAI-2K 0 (SLEDAI-2K 4; serology 4 point(s) ignored).",
      "PGA 0.3 < 0.5.",
      "Prednisolone-equivalent 5 mg/day ≤ 5 mg/day.",
      "Antimalarial, immunosuppressive and biologic: none or at stable doses.",
      "Not drug-free: still taking glucocorticoid, antimalarial.",
    ]);
    expect(r.details).toEqual({
      clinicalSledai: 0,
      sledai2k: 4,
      criteria: {
        clinicalSledaiZero: true,
        pgaBelow05: true,
        prednisoloneAtMost5: true,
        stableTherapy: true,
      },
    });
  });

  it("DOR-4 explained: alopecia's 2 clinical points named; no drug-free line without remission", () => {
    const r = DORIS.run({ ...dorisBase, sledai2k: items("alopecia") });
    expect(r.reasons).toEqual([
      "Clinical SLEDAI-2K 2 ≠ 0 (not met): Alopecia (2).",
      "PGA 0.2 < 0.5.",
      "Prednisolone-equivalent 0 mg/day ≤ 5 mg/day.",
      "Antimalarial, immunosuppressive and biologic: none or at stable doses.",
    ]);
    expect(r.label).toBe("Not in DORIS remission");
    expect(r.details).toMatchObject({ clinicalSledai: 2, sledai2k: 2 });
  });

  it("every criterion failed at once: only clinical descriptors listed, each unstable drug named", () => {
    const r = DORIS.run({
      sledai2k: items("fever", "lowComplement"),
      pga: 0.5,
      prednisoloneEquivalentMgPerDay: 7.5,
      antimalarial: "NOT_STABLE",
      immunosuppressive: "STABLE",
      biologic: "NOT_STABLE",
    });
    expect(r.value).toEqual({ remission: false, drugFree: false });
    expect(r.label).toBe("Not in DORIS remission");
    expect(r.reasons).toEqual([
      "Clinical SLEDAI-2K 1 ≠ 0 (not met): Fever (1).",
      "PGA 0.5 ≥ 0.5 (not met).",
      "Prednisolone-equivalent 7.5 mg/day > 5 mg/day (not met).",
      "Not at a stable dose (not met): antimalarial, biologic.",
    ]);
    expect(r.details).toEqual({
      clinicalSledai: 1,
      sledai2k: 3,
      criteria: {
        clinicalSledaiZero: false,
        pgaBelow05: false,
        prednisoloneAtMost5: false,
        stableTherapy: false,
      },
    });
  });

  it("drug-free explained: the last reason says so; a stable biologic alone is not drug-free", () => {
    expect(DORIS.run(dorisBase).reasons.at(-1)).toBe(
      "Drug-free: no glucocorticoid, antimalarial, immunosuppressive or biologic.",
    );
    const bio = DORIS.run({ ...dorisBase, biologic: "STABLE", immunosuppressive: "STABLE" });
    expect(bio.value).toEqual({ remission: true, drugFree: false });
    expect(bio.reasons.at(-1)).toBe("Not drug-free: still taking immunosuppressive, biologic.");
  });

  const drugStatus = fc.constantFrom("NONE", "STABLE", "NOT_STABLE");
  const dorisArb = fc.record({
    sledai2k: fc.subarray(ITEM_KEYS).map((p) => items(...p)),
    pga: fc.integer({ min: 0, max: 300 }).map((x) => x / 100),
    prednisoloneEquivalentMgPerDay: fc.constantFrom(0, 2.5, 5, 7.5, 10),
    antimalarial: drugStatus,
    immunosuppressive: drugStatus,
    biologic: drugStatus,
  });

  it("property: drug-free implies remission, and serology never changes the result", () => {
    fc.assert(
      fc.property(dorisArb, fc.boolean(), fc.boolean(), (input, c, d) => {
        const v = DORIS.run(input).value as { remission: boolean; drugFree: boolean };
        if (v.drugFree) expect(v.remission).toBe(true);
        const flipped = DORIS.run({
          ...input,
          sledai2k: { ...input.sledai2k, lowComplement: c, increasedDnaBinding: d },
        }).value;
        expect(flipped).toEqual(v);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
const lldasBase = {
  sledai2k: noItems(),
  hemolyticAnemia: false,
  gastrointestinalActivity: false,
  newActivitySincePreviousAssessment: false,
  pga: 0.5,
  prednisoloneEquivalentMgPerDay: 5,
  immunosuppressiveTherapy: "STANDARD_MAINTENANCE_WELL_TOLERATED",
  investigationalDrugCurrent: false,
};
const lldasRun = (over: Record<string, unknown>) => LLDAS.run({ ...lldasBase, ...over }).value;
// Franklyn 2016 major organ systems (renal, CNS, cardiopulmonary, vasculitis, fever) as SLEDAI-2K
// descriptors 1–8, 11–14, 18, 19, 22.
const MAJOR = [
  "seizure",
  "psychosis",
  "organicBrainSyndrome",
  "visualDisturbance",
  "cranialNerveDisorder",
  "lupusHeadache",
  "cva",
  "vasculitis",
  "urinaryCasts",
  "hematuria",
  "proteinuria",
  "pyuria",
  "pleurisy",
  "pericarditis",
  "fever",
];
const MINOR = ITEM_KEYS.filter((k) => !MAJOR.includes(k));

describe("lldas", () => {
  it("LL-1: SLEDAI-2K 4 from persistent arthritis, nothing new, PGA 0.8, prednisolone 5, MMF → LLDAS", () => {
    const r = LLDAS.run({ ...lldasBase, sledai2k: items("arthritis"), pga: 0.8 });
    expect(r.value).toBe("LLDAS");
    expect(r.label).toBe("LLDAS met");
  });

  it("LL-2: SLEDAI-2K 4 from proteinuria alone → not LLDAS (renal activity)", () => {
    const r = LLDAS.run({ ...lldasBase, sledai2k: items("proteinuria") });
    expect(r.value).toBe("NOT_LLDAS");
    expect(r.reasons[1]).toContain("Proteinuria (renal)");
  });

  it("LL-3: SLEDAI-2K 2 from a rash new since the last visit → not LLDAS (new activity)", () => {
    const r = LLDAS.run({ ...lldasBase, sledai2k: items("rash"), newActivitySincePreviousAssessment: true });
    expect(r.value).toBe("NOT_LLDAS");
    expect(r.reasons[2]).toContain("not met");
  });

  it("LL-4: SLEDAI-2K 2 (serology), PGA 0.5, prednisolone 10 → not LLDAS (prednisolone > 7.5)", () => {
    const r = LLDAS.run({
      ...lldasBase,
      sledai2k: items("increasedDnaBinding"),
      prednisoloneEquivalentMgPerDay: 10,
    });
    expect(r.value).toBe("NOT_LLDAS");
    expect(r.reasons[4]).toContain("10 mg/day > 7.5");
  });

  it("SLEDAI-2K 4 → LLDAS; 5 (arthritis + leukopenia) → not", () => {
    expect(lldasRun({ sledai2k: items("rash", "lowComplement") })).toBe("LLDAS");
    expect(lldasRun({ sledai2k: items("arthritis", "leukopenia") })).toBe("NOT_LLDAS");
  });

  it("PGA 1.0 → LLDAS; 1.01 → not", () => {
    expect(lldasRun({ pga: 1 })).toBe("LLDAS");
    expect(lldasRun({ pga: 1.01 })).toBe("NOT_LLDAS");
  });

  it("prednisolone 7.5 mg/day → LLDAS; 7.51 → not", () => {
    expect(lldasRun({ prednisoloneEquivalentMgPerDay: 7.5 })).toBe("LLDAS");
    expect(lldasRun({ prednisoloneEquivalentMgPerDay: 7.51 })).toBe("NOT_LLDAS");
  });

  it.each(MAJOR)("major-organ descriptor %s alone breaks LLDAS, even when the total is ≤ 4", (k) => {
    expect(lldasRun({ sledai2k: items(k) })).toBe("NOT_LLDAS");
  });

  it.each(MINOR)("non-major descriptor %s alone keeps LLDAS", (k) => {
    expect(lldasRun({ sledai2k: items(k) })).toBe("LLDAS");
  });

  it("haemolytic anaemia or gastrointestinal activity breaks LLDAS", () => {
    expect(lldasRun({ hemolyticAnemia: true })).toBe("NOT_LLDAS");
    expect(lldasRun({ gastrointestinalActivity: true })).toBe("NOT_LLDAS");
  });

  it("therapy: none or well-tolerated maintenance is allowed; non-standard or investigational is not", () => {
    expect(lldasRun({ immunosuppressiveTherapy: "NONE" })).toBe("LLDAS");
    expect(lldasRun({ immunosuppressiveTherapy: "NOT_STANDARD_OR_NOT_TOLERATED" })).toBe("NOT_LLDAS");
    expect(lldasRun({ investigationalDrugCurrent: true })).toBe("NOT_LLDAS");
  });

  // The reasons and criteria a clinician reads, written out by hand from Franklyn 2016's five
  // criteria for each case (they are what the record shows for an LLDAS visit).
  it("LL-1 explained: each of the five criteria met, in Franklyn 2016's order", () => {
    const r = LLDAS.run({ ...lldasBase, sledai2k: items("arthritis"), pga: 0.8 });
    expect(r.reasons).toEqual([
      "SLEDAI-2K 4 ≤ 4: Arthritis (4).",
      "No major-organ activity (renal, CNS, cardiopulmonary, vasculitis, fever), haemolytic anaemia or gastrointestinal activity.",
      "No new lupus activity since the previous assessment.",
      "PGA 0.8 ≤ 1.",
      "Prednisolone-equivalent 5 mg/day ≤ 7.5 mg/day.",
      "Immunosuppressive therapy: at standard maintenance doses, well tolerated; no investigational drug.",
    ]);
    expect(r.details).toEqual({
      sledai2k: 4,
      criteria: {
        sledaiAtMost4NoMajorOrgan: true,
        noNewActivity: true,
        pgaAtMost1: true,
        prednisoloneAtMost7_5: true,
        allowedTherapy: true,
      },
    });
  });

  it("every criterion failed at once: each named, with what broke it", () => {
    const r = LLDAS.run({
      sledai2k: items("arthritis", "proteinuria", "rash"),
      hemolyticAnemia: true,
      gastrointestinalActivity: true,
      newActivitySincePreviousAssessment: true,
      pga: 1.5,
      prednisoloneEquivalentMgPerDay: 10,
      immunosuppressiveTherapy: "NOT_STANDARD_OR_NOT_TOLERATED",
      investigationalDrugCurrent: true,
    });
    expect(r.value).toBe("NOT_LLDAS");
    expect(r.label).toBe("LLDAS not met");
    expect(r.reasons).toEqual([
      "SLEDAI-2K 10 > 4 (not met): Arthritis (4), Proteinuria (4), Rash (2).",
      "Major-organ, haemolytic or gastrointestinal activity (not met): Proteinuria (renal), Haemolytic anaemia, Gastrointestinal activity.",
      "New lupus activity since the previous assessment (newActivitySincePreviousAssessment; not met).",
      "PGA 1.5 > 1 (not met).",
      "Prednisolone-equivalent 10 mg/day > 7.5 mg/day (not met).",
      "Therapy not allowed (not met): immunosuppressives not at well-tolerated standard maintenance doses; investigational drug.",
    ]);
    expect(r.details).toEqual({
      sledai2k: 10,
      criteria: {
        sledaiAtMost4NoMajorOrgan: false,
        noNewActivity: false,
        pgaAtMost1: false,
        prednisoloneAtMost7_5: false,
        allowedTherapy: false,
      },
    });
  });

  it("one criterion at a time: only that criterion is false, and its reason says why", () => {
    const one = (over: Record<string, unknown>) => LLDAS.run({ ...lldasBase, ...over });
    const renal = one({ sledai2k: items("proteinuria") });
    expect(renal.reasons.slice(0, 2)).toEqual([
      "SLEDAI-2K 4 ≤ 4: Proteinuria (4).",
      "Major-organ, haemolytic or gastrointestinal activity (not met): Proteinuria (renal).",
    ]);
    expect(renal.details!.criteria).toEqual({
      sledaiAtMost4NoMajorOrgan: false,
      noNewActivity: true,
      pgaAtMost1: true,
      prednisoloneAtMost7_5: true,
      allowedTherapy: true,
    });
    expect(one({ hemolyticAnemia: true }).reasons[1]).toBe(
      "Major-organ, haemolytic or gastrointestinal activity (not met): Haemolytic anaemia.",
    );
    expect(one({ gastrointestinalActivity: true }).reasons[1]).toBe(
      "Major-organ, haemolytic or gastrointestinal activity (not met): Gastrointestinal activity.",
    );
    expect(one({ sledai2k: items("arthritis", "leukopenia") }).reasons[0]).toBe(
      "SLEDAI-2K 5 > 4 (not met): Arthritis (4), Leukopenia (1).",
    );
    expect(one({ investigationalDrugCurrent: true }).reasons[5]).toBe(
      "Therapy not allowed (not met): investigational drug.",
    );
    expect(one({ immunosuppressiveTherapy: "NOT_STANDARD_OR_NOT_TOLERATED" }).reasons[5]).toBe(
      "Therapy not allowed (not met): immunosuppressives not at well-tolerated standard maintenance doses.",
    );
    expect(one({ immunosuppressiveTherapy: "NONE" }).reasons[5]).toBe(
      "Immunosuppressive therapy: none; no investigational drug.",
    );
    const pga = one({ pga: 1.01 });
    expect(pga.reasons[3]).toBe("PGA 1.01 > 1 (not met).");
    expect(pga.details!.criteria).toMatchObject({ pgaAtMost1: false, sledaiAtMost4NoMajorOrgan: true });
    const pred = one({ prednisoloneEquivalentMgPerDay: 7.51 });
    expect(pred.reasons[4]).toBe("Prednisolone-equivalent 7.51 mg/day > 7.5 mg/day (not met).");
    expect(pred.details!.criteria).toMatchObject({ prednisoloneAtMost7_5: false, pgaAtMost1: true });
    const fresh = one({ newActivitySincePreviousAssessment: true });
    expect(fresh.details!.criteria).toMatchObject({ noNewActivity: false, allowedTherapy: true });
  });

  it("validation: every criterion input is required and named", () => {
    const { newActivitySincePreviousAssessment: _, ...rest } = lldasBase;
    expect(paths(issuesOf(LLDAS, rest))).toEqual(["/newActivitySincePreviousAssessment"]);
    expect(paths(issuesOf(LLDAS, { ...lldasBase, pga: 4 }))).toEqual(["/pga"]);
    expect(paths(issuesOf(LLDAS, { ...lldasBase, prednisoloneEquivalentMgPerDay: -1 }))).toEqual([
      "/prednisoloneEquivalentMgPerDay",
    ]);
  });

  it("property: removing a SLEDAI-2K descriptor never loses LLDAS", () => {
    fc.assert(
      fc.property(fc.subarray(ITEM_KEYS, { minLength: 1 }), fc.nat(), (present, i) => {
        const fewer = present.filter((_, j) => j !== i % present.length);
        if (lldasRun({ sledai2k: items(...present) }) === "LLDAS")
          expect(lldasRun({ sledai2k: items(...fewer) })).toBe("LLDAS");
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Aringer 2019, Figure 1 weights (written out here, not imported).
const EULAR_WEIGHTS: Record<string, number> = {
  fever: 2,
  leukopenia: 3,
  thrombocytopenia: 4,
  autoimmuneHemolysis: 4,
  delirium: 2,
  psychosis: 3,
  seizure: 5,
  nonScarringAlopecia: 2,
  oralUlcers: 2,
  subacuteCutaneousOrDiscoidLupus: 4,
  acuteCutaneousLupus: 6,
  pleuralOrPericardialEffusion: 5,
  acutePericarditis: 6,
  jointInvolvement: 6,
  proteinuria: 4,
  renalBiopsyClassIIorV: 8,
  renalBiopsyClassIIIorIV: 10,
  antiphospholipidAntibodies: 2,
  lowC3: 3,
  lowC4: 3,
  antiDsDna: 6,
  antiSmith: 6,
};
const CRITERIA_KEYS = Object.keys(EULAR_WEIGHTS);
const IMMUNOLOGICAL = ["antiphospholipidAntibodies", "lowC3", "lowC4", "antiDsDna", "antiSmith"];
const criteria = (...present: string[]) => ({
  ...Object.fromEntries(CRITERIA_KEYS.map((k) => [k, false])),
  ...Object.fromEntries(present.map((k) => [k, true])),
});
const eular = (titer: number | null, present: string[], equivalent = false) =>
  EULAR.run({
    anaHep2TiterReciprocal: titer,
    anaEquivalentPositiveTest: equivalent,
    ...criteria(...present),
  });
const points = (r: { details?: Record<string, unknown> }) => r.details?.totalPoints as number;

describe("eular-acr-2019", () => {
  it("EA-1: ANA 1:160, joint involvement, anti-dsDNA, low C3 only → 15, SLE", () => {
    const r = eular(160, ["jointInvolvement", "antiDsDna", "lowC3"]);
    expect(r.value).toBe("SLE");
    expect(points(r)).toBe(15);
    expect(r.label).toBe("SLE (15 points)");
  });

  it("EA-2: ANA 1:40 plus any criteria → not classifiable (entry not met)", () => {
    const r = eular(40, ["jointInvolvement", "antiDsDna", "renalBiopsyClassIIIorIV"]);
    expect(r.value).toBe("ENTRY_CRITERION_NOT_MET");
    expect(r.reasons[0]).toContain("1:40");
  });

  it("EA-3: ANA 1:320, anti-dsDNA, low C3 and low C4 → 10 but no clinical criterion → not SLE", () => {
    const r = eular(320, ["antiDsDna", "lowC3", "lowC4"]);
    expect(points(r)).toBe(10);
    expect(r.value).toBe("NOT_SLE");
    expect(r.details?.hasClinicalCriterion).toBe(false);
  });

  it("EA-4: ANA 1:80, oral ulcers and acute cutaneous lupus (same domain → 6), leukopenia → 9, not SLE", () => {
    const r = eular(80, ["oralUlcers", "acuteCutaneousLupus", "leukopenia"]);
    expect(points(r)).toBe(9);
    expect(r.value).toBe("NOT_SLE");
    expect(r.reasons.join(" ")).toContain("not added, lower in the same domain: Oral ulcers (2)");
  });

  it("EA-5: ANA 1:80, class IV nephritis alone → 10 with a clinical criterion → SLE", () => {
    const r = eular(80, ["renalBiopsyClassIIIorIV"]);
    expect(points(r)).toBe(10);
    expect(r.value).toBe("SLE");
  });

  it("ANA entry edge: 1:80 meets it; 1:79 does not; an equivalent positive test does", () => {
    expect(eular(80, ["renalBiopsyClassIIIorIV"]).value).toBe("SLE");
    expect(eular(79, ["renalBiopsyClassIIIorIV"]).value).toBe("ENTRY_CRITERION_NOT_MET");
    expect(eular(null, ["renalBiopsyClassIIIorIV"], true).value).toBe("SLE");
    expect(eular(0, ["renalBiopsyClassIIIorIV"], true).value).toBe("SLE");
    expect(eular(null, ["renalBiopsyClassIIIorIV"], false).value).toBe("ENTRY_CRITERION_NOT_MET");
  });

  it("classification edge: 9 points → not SLE; 10 → SLE", () => {
    expect(eular(160, ["jointInvolvement", "lowC3"]).value).toBe("NOT_SLE");
    const ten = eular(160, ["jointInvolvement", "thrombocytopenia"]);
    expect(points(ten)).toBe(10);
    expect(ten.value).toBe("SLE");
  });

  it.each(CRITERIA_KEYS)("%s alone counts its Aringer 2019 weight", (k) => {
    expect(points(eular(160, [k]))).toBe(EULAR_WEIGHTS[k]);
  });

  it("only the highest criterion within a domain counts", () => {
    expect(points(eular(160, ["proteinuria", "renalBiopsyClassIIorV", "renalBiopsyClassIIIorIV"]))).toBe(10);
    expect(points(eular(160, ["leukopenia", "thrombocytopenia", "autoimmuneHemolysis"]))).toBe(4);
    expect(points(eular(160, ["delirium", "psychosis", "seizure"]))).toBe(5);
    expect(points(eular(160, ["pleuralOrPericardialEffusion", "acutePericarditis"]))).toBe(6);
    expect(points(eular(160, ["antiDsDna", "antiSmith"]))).toBe(6);
  });

  it("complement: low C3 or low C4 → 3; both → 4", () => {
    expect(points(eular(160, ["lowC3"]))).toBe(3);
    expect(points(eular(160, ["lowC4"]))).toBe(3);
    expect(points(eular(160, ["lowC3", "lowC4"]))).toBe(4);
  });

  it("everything present → 51 (the highest of each of the 10 domains)", () => {
    expect(points(eular(160, CRITERIA_KEYS))).toBe(2 + 4 + 5 + 6 + 6 + 6 + 10 + 2 + 4 + 6);
  });

  it("validation: titre and criteria are required and checked", () => {
    const { fever: _, ...rest } = criteria();
    expect(
      paths(issuesOf(EULAR, { anaHep2TiterReciprocal: 160, anaEquivalentPositiveTest: false, ...rest })),
    ).toEqual(["/fever"]);
    expect(
      paths(
        issuesOf(EULAR, { anaHep2TiterReciprocal: -80, anaEquivalentPositiveTest: false, ...criteria() }),
      ),
    ).toEqual(["/anaHep2TiterReciprocal"]);
    expect(paths(issuesOf(EULAR, { anaEquivalentPositiveTest: false, ...criteria() }))).toEqual([
      "/anaHep2TiterReciprocal",
    ]);
  });

  it("property: adding a criterion never lowers the total or undoes an SLE classification", () => {
    fc.assert(
      fc.property(fc.subarray(CRITERIA_KEYS), fc.constantFrom(...CRITERIA_KEYS), (present, extra) => {
        const before = eular(160, present);
        const after = eular(160, [...present, extra]);
        expect(points(after)).toBeGreaterThanOrEqual(points(before));
        if (before.value === "SLE") expect(after.value).toBe("SLE");
      }),
    );
  });

  it("property: immunological criteria alone are never classified as SLE", () => {
    fc.assert(
      fc.property(fc.subarray(IMMUNOLOGICAL), (present) => {
        expect(eular(1280, present).value).toBe("NOT_SLE");
      }),
    );
  });
});
