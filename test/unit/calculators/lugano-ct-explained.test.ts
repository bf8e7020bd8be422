/**
 * Lugano 2014 CT-based response (Cheson BD et al., J Clin Oncol 2014;32:3059–3068, Table 3,
 * CT-based column, and its measurement rules) explained: every reason, label and detail for the
 * reference notes' worked examples LUG-1..LUG-5 (clinical-rules.md §4.4) and for each row of the
 * table (the single-lesion PD rule, regrowth, the spleen rows, new lesions, non-measured lesions,
 * marrow; CR's and PR's conditions one by one), written out by hand with the arithmetic in the
 * comments; and each input check's field and message. Written for the mutation run (issue 16): the
 * categories were already tested in lymphoma-response.test.ts.
 */
import { describe, expect, it } from "vitest";
import { luganoCt } from "../../../src/domain/calculators/lymphoma-response/lugano-ct.ts";
import { issuesOf } from "../../support/validation.ts";

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
const les = (
  ldi: number,
  sdi: number,
  nLdi: number,
  nSdi: number,
  kind: Lesion["kind"] = "NODAL",
): Lesion => ({
  kind,
  status: "MEASURED",
  ldiMm: ldi,
  sdiMm: sdi,
  nadirStatus: "MEASURED",
  nadirLdiMm: nLdi,
  nadirSdiMm: nSdi,
});
const gone = (nLdi: number, nSdi: number, kind: Lesion["kind"] = "NODAL"): Lesion => ({
  kind,
  status: "NOT_VISIBLE",
  nadirStatus: "MEASURED",
  nadirLdiMm: nLdi,
  nadirSdiMm: nSdi,
});
interface Opts {
  baselineSpdMm2?: number;
  nadirSpdMm2?: number;
  nonMeasuredLesions?: string;
  spleen?: { baselineLengthCm: number; lengthCm: number; nadirLengthCm?: number } | null;
  newLesions?: {
    kind: "NODAL" | "EXTRANODAL";
    longestAxisMm: number;
    unequivocallyLymphoma: boolean;
    site?: string;
  }[];
  boneMarrow?: string;
}
const input = (targetLesions: Lesion[], o: Opts = {}) => ({
  targetLesions,
  baselineSpdMm2: o.baselineSpdMm2 ?? 2200,
  ...(o.nadirSpdMm2 !== undefined ? { nadirSpdMm2: o.nadirSpdMm2 } : {}),
  nonMeasuredLesions: o.nonMeasuredLesions ?? "ABSENT_OR_NORMAL",
  spleen: o.spleen === undefined ? { baselineLengthCm: 11, lengthCm: 11 } : o.spleen,
  newLesions: o.newLesions ?? [],
  boneMarrow: o.boneMarrow ?? "NORMAL",
});
const ct = (targetLesions: Lesion[], o: Opts = {}) => luganoCt.run(input(targetLesions, o));
const issues = (targetLesions: Lesion[], o: Opts = {}) =>
  issuesOf(() => luganoCt.run(input(targetLesions, o))).map((i) => [i.path, i.message]);

const T3 = "(Lugano 2014 Table 3)";
const PR_LINE = `A decrease of ≥ 50 % from baseline is a partial remission ${T3}.`;
const CR_LINE =
  "Every target node has LDi ≤ 15 mm, no extranodal target lesion is visible, non-measured lesions are absent, " +
  `the spleen is ≤ 13 cm, there are no new lesions and the marrow is normal ${T3}.`;
const lesionDetail = (ldiMm: number, sdiMm: number, nadirPpdMm2: number, extra: object = {}) => ({
  kind: "NODAL",
  ldiMm,
  sdiMm,
  ppdMm2: ldiMm * sdiMm,
  nadirPpdMm2,
  singleLesionPd: false,
  regrowth: false,
  ...extra,
});

describe("Lugano CT explained (Cheson 2014 Table 3)", () => {
  // LUG-1/LUG-2 baseline: 40×30, 30×20, 20×20 mm → 1200 + 600 + 400 = 2200 mm².
  it("LUG-1: 20×15 + 15×10 + not visible = 450 mm², −79.5 % → PR; not CR (LDi 20 mm)", () => {
    const r = ct([les(20, 15, 40, 30), les(15, 10, 30, 20), gone(20, 20)]);
    expect(r.reasons).toEqual([
      `SPD 450 mm² (20 × 15 mm = 300 + 15 × 10 mm = 150 + not visible (0 × 0) = 0) vs baseline 2200 mm²: −79.5 %. ${PR_LINE}`,
      "Not CR: target node #1 has LDi 20 mm > 15 mm.",
    ]);
    expect(r.label).toBe("PR (partial remission)");
    expect(r.details).toStrictEqual({
      spdMm2: 450,
      baselineSpdMm2: 2200,
      spdChangeFromBaselinePercent: expect.closeTo(-79.545, 3),
      lesions: [lesionDetail(20, 15, 1200), lesionDetail(15, 10, 600), lesionDetail(0, 0, 400)],
      spleenProgression: false,
    });
  });

  it("LUG-2: 35×25 + 25×20 + 20×20 = 1775 mm², −19.3 % → SD, with why not PR and why not CR", () => {
    const r = ct([les(35, 25, 40, 30), les(25, 20, 30, 20), les(20, 20, 20, 20)]);
    expect(r.reasons).toEqual([
      "SPD 1775 mm² (35 × 25 mm = 875 + 25 × 20 mm = 500 + 20 × 20 mm = 400) vs baseline 2200 mm²: −19.3 %.",
      `No PD criterion is met; not PR: the SPD decrease from baseline is −19.3 %, short of −50 % ${T3}.`,
      "Not CR: target node #1 has LDi 35 mm > 15 mm; target node #2 has LDi 25 mm > 15 mm; target node #3 has " +
        "LDi 20 mm > 15 mm.",
    ]);
    expect(r.label).toBe("SD (stable disease)");
  });

  it("LUG-3: nadir 18×12 (216) → 24×15 (360): LDi > 15, +66.7 %, LDi +6 ≥ 5 mm → single-lesion PD", () => {
    const r = ct([les(24, 15, 18, 12)], { baselineSpdMm2: 1200 });
    expect(r.reasons).toEqual([
      "target node #1: single-lesion PD rule met — LDi 24 mm > 15 mm; PPD 216 → 360 mm² (+66.7 % from nadir, " +
        "needs ≥ +50 %); LDi +6 mm, SDi +3 mm from nadir (needs ≥ 5 mm for a lesion ≤ 20 mm at nadir) " +
        `${T3}.`,
      "SPD 360 mm² (24 × 15 mm = 360) vs baseline 1200 mm²: −70 %.",
    ]);
    expect(r.label).toBe("PD (progressive disease)");
    expect(r.details?.lesions).toEqual([lesionDetail(24, 15, 216, { singleLesionPd: true })]);
  });

  it("LUG-4: nadir 30×20 → 38×24: +52 % but LDi +8, SDi +4 < 10 mm → not PD; SD at −24 %", () => {
    const r = ct([les(38, 24, 30, 20)], { baselineSpdMm2: 1200 });
    expect(r.value).toBe("SD");
    expect(r.reasons[0]).toBe("SPD 912 mm² (38 × 24 mm = 912) vs baseline 1200 mm²: −24 %.");
    expect(r.details?.lesions).toEqual([lesionDetail(38, 24, 600)]);
  });

  it("single-lesion PD of a lesion > 20 mm at nadir needs +10 mm; a shrinking SDi is shown with its minus", () => {
    // 21×10 (210) → 31×15 (465): +121.4 %, LDi +10 ≥ 10
    expect(ct([les(31, 15, 21, 10)], { baselineSpdMm2: 2000 }).reasons[0]).toBe(
      "target node #1: single-lesion PD rule met — LDi 31 mm > 15 mm; PPD 210 → 465 mm² (+121.4 % from nadir, " +
        "needs ≥ +50 %); LDi +10 mm, SDi +5 mm from nadir (needs ≥ 10 mm for a lesion > 20 mm at nadir) " +
        `${T3}.`,
    );
    // 20×10 (200) → 35×9 (315): +57.5 %, LDi +15, SDi −1
    expect(ct([les(35, 9, 20, 10)], { baselineSpdMm2: 2000 }).reasons[0]).toBe(
      "target node #1: single-lesion PD rule met — LDi 35 mm > 15 mm; PPD 200 → 315 mm² (+57.5 % from nadir, " +
        "needs ≥ +50 %); LDi +15 mm, SDi −1 mm from nadir (needs ≥ 5 mm for a lesion ≤ 20 mm at nadir) " +
        `${T3}.`,
    );
  });

  it("an unchanged diameter is shown as +0 mm", () => {
    // 30×10 (300) → 30×20 (600): +100 %, LDi +0, SDi +10 ≥ 10 (nadir LDi 30 > 20)
    expect(ct([les(30, 20, 30, 10)], { baselineSpdMm2: 2000 }).reasons[0]).toBe(
      "target node #1: single-lesion PD rule met — LDi 30 mm > 15 mm; PPD 300 → 600 mm² (+100 % from nadir, " +
        "needs ≥ +50 %); LDi +0 mm, SDi +10 mm from nadir (needs ≥ 10 mm for a lesion > 20 mm at nadir) " +
        `${T3}.`,
    );
    // 20×10 (200) → 30×10 (300): +50 %, LDi +10, SDi +0
    expect(ct([les(30, 10, 20, 10)], { baselineSpdMm2: 2000 }).reasons[0]).toBe(
      "target node #1: single-lesion PD rule met — LDi 30 mm > 15 mm; PPD 200 → 300 mm² (+50 % from nadir, " +
        "needs ≥ +50 %); LDi +10 mm, SDi +0 mm from nadir (needs ≥ 5 mm for a lesion ≤ 20 mm at nadir) " +
        `${T3}.`,
    );
  });

  it("a shrinking LDi in a lesion that meets the rule through its SDi is shown with its minus", () => {
    // 31×10 (310) → 30×20 (600): +93.5 %, LDi −1, SDi +10 ≥ 10 (nadir LDi 31 > 20)
    expect(ct([les(30, 20, 31, 10)], { baselineSpdMm2: 2000 }).reasons[0]).toBe(
      "target node #1: single-lesion PD rule met — LDi 30 mm > 15 mm; PPD 310 → 600 mm² (+93.5 % from nadir, " +
        "needs ≥ +50 %); LDi −1 mm, SDi +10 mm from nadir (needs ≥ 10 mm for a lesion > 20 mm at nadir) " +
        `${T3}.`,
    );
  });

  it("a new extranodal site above 15 mm is named as an extranodal site, not a node", () => {
    const r = ct([les(20, 15, 40, 30)], {
      baselineSpdMm2: 1200,
      newLesions: [{ kind: "EXTRANODAL", longestAxisMm: 20, unequivocallyLymphoma: false }],
    });
    expect(r.reasons[0]).toBe(
      `new extranodal site (20 mm): a new extranodal site > 10 mm in any axis is PD ${T3}.`,
    );
  });

  it("PR is not held back by a spleen that was never enlarged, or by no spleen", () => {
    // SPD 600 vs 1200: −50 %; a 12 → 12.5 cm spleen is neither PD (+0.5 cm, ≤ 13) nor a PR condition
    const t = [les(30, 20, 40, 30)];
    expect(ct(t, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 12, lengthCm: 12.5 } }).reasons).toEqual(
      [
        `SPD 600 mm² (30 × 20 mm = 600) vs baseline 1200 mm²: −50 %. ${PR_LINE}`,
        "Not CR: target node #1 has LDi 30 mm > 15 mm.",
      ],
    );
    expect(ct(t, { baselineSpdMm2: 1200, spleen: null }).value).toBe("PR");
    expect(ct([les(35, 25, 40, 30)], { baselineSpdMm2: 1200, spleen: null }).value).toBe("SD");
  });

  it("a lesion too small to measure at nadir counts as 5 × 5 mm (25 mm²)", () => {
    const r = ct(
      [{ kind: "NODAL", status: "MEASURED", ldiMm: 20, sdiMm: 16, nadirStatus: "TOO_SMALL_TO_MEASURE" }],
      {
        baselineSpdMm2: 2000,
      },
    );
    // 25 → 320 mm²: +1180 %; LDi +15, SDi +11
    expect(r.reasons[0]).toBe(
      "target node #1: single-lesion PD rule met — LDi 20 mm > 15 mm; PPD 25 → 320 mm² (+1180 % from nadir, " +
        "needs ≥ +50 %); LDi +15 mm, SDi +11 mm from nadir (needs ≥ 5 mm for a lesion ≤ 20 mm at nadir) " +
        `${T3}.`,
    );
  });

  it("regrowth of a resolved lesion, by number or by its label", () => {
    const r = ct([
      les(20, 15, 40, 30),
      { kind: "NODAL", status: "TOO_SMALL_TO_MEASURE", nadirStatus: "NOT_VISIBLE" },
    ]);
    expect(r.reasons).toEqual([
      "target node #2: not visible at nadir, now too small to measure (5 × 5 mm) — regrowth of a previously " +
        `resolved lesion is PD ${T3}.`,
      "SPD 325 mm² (20 × 15 mm = 300 + too small to measure (5 × 5 mm) = 25) vs baseline 2200 mm²: −85.2 %.",
    ]);
    expect(r.details?.lesions).toEqual([
      lesionDetail(20, 15, 1200),
      lesionDetail(5, 5, 0, { regrowth: true }),
    ]);
    const named = ct([
      les(20, 15, 40, 30),
      {
        kind: "EXTRANODAL",
        site: "left lung",
        status: "MEASURED",
        ldiMm: 12,
        sdiMm: 8,
        nadirStatus: "NOT_VISIBLE",
      },
    ]);
    expect(named.reasons[0]).toBe(
      "target extranodal lesion 'left lung': not visible at nadir, now 12 × 8 mm — regrowth of a previously " +
        `resolved lesion is PD ${T3}.`,
    );
    expect((named.details?.lesions as object[] | undefined)?.[1]).toEqual({
      site: "left lung",
      kind: "EXTRANODAL",
      ldiMm: 12,
      sdiMm: 8,
      ppdMm2: 96,
      nadirPpdMm2: 0,
      singleLesionPd: false,
      regrowth: true,
    });
  });

  describe("spleen (Table 3, organ enlargement)", () => {
    const t = [les(35, 25, 40, 30)]; // 875 mm² vs 1200: −27.1 %
    const sp = (spleen: Opts["spleen"]) => ct(t, { baselineSpdMm2: 1200, spleen });
    const SPD = "SPD 875 mm² (35 × 25 mm = 875) vs baseline 1200 mm²: −27.1 %.";

    it("LUG-5: 15 cm → 16.5 cm; limit 15 + 0.5 × 2 = 16 cm → PD", () => {
      const r = ct([les(40, 30, 40, 30)], {
        baselineSpdMm2: 1200,
        spleen: { baselineLengthCm: 15, lengthCm: 16.5, nadirLengthCm: 15 },
      });
      expect(r.reasons).toEqual([
        `Spleen 16.5 cm > limit 16 cm (baseline 15 cm + 50 % of its 2 cm excess over 13 cm) — splenic progression ${T3}.`,
        "SPD 1200 mm² (40 × 30 mm = 1200) vs baseline 1200 mm²: 0 %.",
      ]);
      expect(r.details?.spleenProgression).toBe(true);
    });

    it("the limit is shown to two decimals: 15.5 cm → limit 15.5 + 0.5 × 2.5 = 16.75 cm", () => {
      expect(sp({ baselineLengthCm: 15.5, lengthCm: 17, nadirLengthCm: 15.5 }).reasons[0]).toBe(
        `Spleen 17 cm > limit 16.75 cm (baseline 15.5 cm + 50 % of its 2.5 cm excess over 13 cm) — splenic progression ${T3}.`,
      );
    });

    it("recurrent splenomegaly: 16 cm, back to 12 cm, now 13.5 cm", () => {
      const r = sp({ baselineLengthCm: 16, lengthCm: 13.5, nadirLengthCm: 12 });
      expect(r.reasons).toEqual([
        `Spleen back to 12 cm (≤ 13 cm) at nadir, now 13.5 cm (> 13 cm) — recurrent splenomegaly ${T3}.`,
        SPD,
      ]);
      expect(r.details?.spleenProgression).toBe(true);
      // back to exactly 13 cm counts as back to normal
      expect(sp({ baselineLengthCm: 16, lengthCm: 13.5, nadirLengthCm: 13 }).value).toBe("PD");
    });

    it("without splenomegaly: +2 cm from baseline; or a new splenomegaly above 13 cm", () => {
      const plus2 = sp({ baselineLengthCm: 11, lengthCm: 13 });
      expect(plus2.reasons[0]).toBe(
        `Spleen 11 → 13 cm without prior splenomegaly: +2 cm ≥ 2 cm from baseline ${T3}.`,
      );
      expect(plus2.details?.spleenProgression).toBe(true);
      const r = sp({ baselineLengthCm: 12.5, lengthCm: 13.1 });
      expect(r.reasons[0]).toBe(`Spleen 12.5 → 13.1 cm: new splenomegaly (> 13 cm) ${T3}.`);
      expect(r.details?.spleenProgression).toBe(true);
      // a baseline of exactly 13 cm is not splenomegaly: 13 → 14.9 is new splenomegaly, 13 → 13 nothing
      expect(sp({ baselineLengthCm: 13, lengthCm: 14.9 }).reasons[0]).toBe(
        `Spleen 13 → 14.9 cm: new splenomegaly (> 13 cm) ${T3}.`,
      );
      const same = sp({ baselineLengthCm: 13, lengthCm: 13 });
      expect(same.value).toBe("SD");
      expect(same.details?.spleenProgression).toBe(false);
    });

    it("SD with every PR condition failed: SPD, stable non-measured lesions, the spleen's regression", () => {
      const r = ct(t, {
        baselineSpdMm2: 1200,
        nonMeasuredLesions: "STABLE",
        spleen: { baselineLengthCm: 15, lengthCm: 14, nadirLengthCm: 14 },
      });
      expect(r.reasons).toEqual([
        SPD,
        "No PD criterion is met; not PR: the SPD decrease from baseline is −27.1 %, short of −50 %; non-measured " +
          "lesions are stable, not absent/normal or regressed; the spleen regressed 1 cm, not more than 50 % of its " +
          `2 cm excess over 13 cm ${T3}.`,
        "Not CR: target node #1 has LDi 35 mm > 15 mm; non-measured lesions are stable, not absent; the spleen is " +
          "14 cm (> 13 cm).",
      ]);
    });
  });

  it("every other PD row in the table's order, then the SPD, then new lesions not counted", () => {
    const r = ct([les(20, 15, 40, 30)], {
      baselineSpdMm2: 1200,
      nonMeasuredLesions: "UNEQUIVOCAL_PROGRESSION",
      newLesions: [
        { kind: "NODAL", longestAxisMm: 16, unequivocallyLymphoma: false },
        { kind: "NODAL", longestAxisMm: 12, unequivocallyLymphoma: false },
        { kind: "EXTRANODAL", site: "liver", longestAxisMm: 11, unequivocallyLymphoma: false },
        { kind: "EXTRANODAL", longestAxisMm: 8, unequivocallyLymphoma: true },
        { kind: "EXTRANODAL", site: "bone", longestAxisMm: 10, unequivocallyLymphoma: false },
      ],
      boneMarrow: "NEW_OR_RECURRENT_INVOLVEMENT",
    });
    expect(r.reasons).toEqual([
      `Non-measured lesions: unequivocal progression ${T3}.`,
      `new node (16 mm): a new node > 15 mm in any axis is PD ${T3}.`,
      `new extranodal site 'liver' (11 mm): a new extranodal site > 10 mm in any axis is PD ${T3}.`,
      `new extranodal site (8 mm): smaller than the size limit but unequivocal and attributable to lymphoma, so PD ${T3}.`,
      `Bone marrow: new or recurrent involvement ${T3}.`,
      "SPD 300 mm² (20 × 15 mm = 300) vs baseline 1200 mm²: −75 %.",
      "new node (12 mm): below the size limit (node > 15 mm) and not unequivocally lymphoma, so not counted as a " +
        "new lesion — re-image or biopsy.",
      "new extranodal site 'bone' (10 mm): below the size limit (extranodal > 10 mm) and not unequivocally " +
        "lymphoma, so not counted as a new lesion — re-image or biopsy.",
    ]);
  });

  it("CR: the table's CR row, then the SPD, then a new lesion not counted", () => {
    const r = ct([les(15, 10, 50, 40)], {
      baselineSpdMm2: 2000,
      newLesions: [{ kind: "NODAL", longestAxisMm: 15, unequivocallyLymphoma: false }],
    });
    expect(r.reasons).toEqual([
      CR_LINE,
      "SPD 150 mm² (15 × 10 mm = 150) vs baseline 2000 mm²: −92.5 %.",
      "new node (15 mm): below the size limit (node > 15 mm) and not unequivocally lymphoma, so not counted as a " +
        "new lesion — re-image or biopsy.",
    ]);
    expect(r.label).toBe("CR (complete radiologic response)");
  });

  it("PR with every CR condition failed at once, each named", () => {
    const r = ct(
      [
        les(16, 10, 50, 40),
        {
          kind: "EXTRANODAL",
          site: "lung",
          status: "TOO_SMALL_TO_MEASURE",
          nadirStatus: "MEASURED",
          nadirLdiMm: 30,
          nadirSdiMm: 20,
        },
        les(17, 16, 40, 30, "EXTRANODAL"),
      ],
      {
        baselineSpdMm2: 3800,
        nonMeasuredLesions: "REGRESSED",
        spleen: { baselineLengthCm: 16, lengthCm: 13.1, nadirLengthCm: 13.1 },
        boneMarrow: "PERSISTENT_INVOLVEMENT",
      },
    );
    // SPD 160 + 25 + 272 = 457 vs 3800: −88 %; spleen regressed 2.9 cm > 1.5 cm (half its 3 cm excess)
    expect(r.reasons).toEqual([
      "SPD 457 mm² (16 × 10 mm = 160 + too small to measure (5 × 5 mm) = 25 + 17 × 16 mm = 272) vs baseline " +
        `3800 mm²: −88 %. ${PR_LINE}`,
      "Not CR: target node #1 has LDi 16 mm > 15 mm; target extranodal lesion 'lung' is still visible (CR needs no " +
        "extralymphatic disease); target extranodal lesion #3 is still visible (CR needs no extralymphatic disease); " +
        "non-measured lesions are regressed, not absent; the spleen is 13.1 cm (> 13 cm); the bone marrow is still involved.",
    ]);
  });

  it("the change from the nadir SPD is reported only for a nadir above 0", () => {
    expect(ct([les(20, 15, 20, 15)], { baselineSpdMm2: 1200, nadirSpdMm2: 400 }).details).toMatchObject({
      nadirSpdMm2: 400,
      spdChangeFromNadirPercent: -25,
    });
    const zero = ct([{ kind: "NODAL", status: "NOT_VISIBLE", nadirStatus: "NOT_VISIBLE" }], {
      baselineSpdMm2: 100,
      nadirSpdMm2: 0,
    });
    expect(zero.value).toBe("CR");
    expect(zero.details).toStrictEqual({
      spdMm2: 0,
      baselineSpdMm2: 100,
      spdChangeFromBaselinePercent: -100,
      lesions: [lesionDetail(0, 0, 0)],
      spleenProgression: false,
    });
  });

  describe("input checks: each message at its field", () => {
    const L = "/targetLesions/0";
    it("diameters required for a measured lesion, now and at nadir", () => {
      expect(issues([{ kind: "NODAL", status: "MEASURED", nadirStatus: "MEASURED" }])).toEqual([
        [`${L}/ldiMm`, "Give the longest diameter (LDi) on this scan: the lesion is measured there."],
        [`${L}/sdiMm`, "Give the perpendicular diameter (SDi) on this scan: the lesion is measured there."],
        [
          `${L}/nadirLdiMm`,
          "Give the longest diameter (LDi) at the lesion's nadir: the lesion is measured there.",
        ],
        [
          `${L}/nadirSdiMm`,
          "Give the perpendicular diameter (SDi) at the lesion's nadir: the lesion is measured there.",
        ],
      ]);
    });
    it("a perpendicular diameter above the longest, now and at nadir; equal is allowed", () => {
      expect(issues([les(15, 20, 31, 32)], { baselineSpdMm2: 2000 })).toEqual([
        [
          `${L}/sdiMm`,
          "The perpendicular diameter on this scan (SDi 20 mm) cannot be larger than the longest diameter (LDi 15 mm)",
        ],
        [
          `${L}/nadirSdiMm`,
          "The perpendicular diameter at the lesion's nadir (SDi 32 mm) cannot be larger than the longest diameter (LDi 31 mm)",
        ],
      ]);
      expect(ct([les(20, 20, 30, 30)], { baselineSpdMm2: 2000 }).value).toBe("PR");
    });
    it("an invalid diameter is reported alone, not compared with the other", () => {
      expect(issues([les(0, 5, 30, 20)]).map(([p]) => p)).toEqual([`${L}/ldiMm`]);
      expect(issues([les(-1, 5, 30, 20)]).map(([p]) => p)).toEqual([`${L}/ldiMm`]);
    });
    it("diameters given for a lesion not measured", () => {
      expect(
        issues([
          {
            kind: "NODAL",
            status: "NOT_VISIBLE",
            ldiMm: 10,
            nadirStatus: "TOO_SMALL_TO_MEASURE",
            nadirSdiMm: 4,
          },
        ]),
      ).toEqual([
        [
          `${L}/ldiMm`,
          "Leave the longest diameter (LDi) out on this scan: the lesion is not visible there (0 × 0 is used)",
        ],
        [
          `${L}/nadirSdiMm`,
          "Leave the perpendicular diameter (SDi) out at the lesion's nadir: the lesion is too small to measure there (5 mm × 5 mm is used)",
        ],
      ]);
      expect(
        issues([
          {
            kind: "NODAL",
            status: "TOO_SMALL_TO_MEASURE",
            sdiMm: 4,
            nadirStatus: "NOT_VISIBLE",
            nadirLdiMm: 3,
          },
        ]),
      ).toEqual([
        [
          `${L}/sdiMm`,
          "Leave the perpendicular diameter (SDi) out on this scan: the lesion is too small to measure there (5 mm × 5 mm is used)",
        ],
        [
          `${L}/nadirLdiMm`,
          "Leave the longest diameter (LDi) out at the lesion's nadir: the lesion is not visible there (0 × 0 is used)",
        ],
      ]);
    });
    it("each cross-field issue carries its check's own code", () => {
      const codes = (targetLesions: Lesion[], o: Opts = {}) =>
        issuesOf(() => luganoCt.run(input(targetLesions, o))).map((i) => i.code);
      expect(
        codes([{ kind: "NODAL", status: "MEASURED", nadirStatus: "NOT_VISIBLE", ldiMm: 10, sdiMm: 12 }]),
      ).toEqual(["lugano_ct_sdi_exceeds_ldi"]);
      expect(
        codes([{ kind: "NODAL", status: "MEASURED", nadirStatus: "NOT_VISIBLE", nadirLdiMm: 3 }]),
      ).toEqual(["lugano_ct_ldi_required", "lugano_ct_sdi_required", "lugano_ct_diameter_not_allowed"]);
      const t = [les(35, 25, 40, 30)];
      expect(codes(t, { baselineSpdMm2: 1000 })).toEqual(["lugano_ct_lesion_nadirs_exceed_baseline"]);
      expect(codes(t, { baselineSpdMm2: 1200, nadirSpdMm2: 1300 })).toEqual([
        "lugano_ct_nadir_spd_exceeds_baseline",
      ]);
      expect(codes(t, { baselineSpdMm2: 1500, nadirSpdMm2: 1000 })).toEqual([
        "lugano_ct_lesion_nadirs_exceed_nadir_spd",
      ]);
      expect(codes(t, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 15, lengthCm: 14 } })).toEqual([
        "lugano_ct_spleen_nadir_required",
      ]);
      expect(
        codes(t, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 15, lengthCm: 11, nadirLengthCm: 16 } }),
      ).toEqual(["lugano_ct_spleen_nadir_exceeds_baseline"]);
    });
    it("no target lesion, or more than six", () => {
      expect(issues([])).toEqual([["/targetLesions", "At least one target lesion is needed"]]);
      expect(
        issues(
          Array.from({ length: 7 }, () => les(10, 10, 10, 10)),
          { baselineSpdMm2: 1000 },
        ),
      ).toEqual([["/targetLesions", "Lugano 2014 allows at most 6 target lesions"]]);
    });
    it("the spleen's nadir: required when enlarged at baseline and now, and never above baseline", () => {
      const t = [les(35, 25, 40, 30)];
      expect(issues(t, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 15, lengthCm: 14 } })).toEqual([
        [
          "/spleen/nadirLengthCm",
          "Give the spleen's shortest length since baseline (its nadir) when it was > 13 cm at baseline and is > 13 cm now (did it return to " +
            "normal in between? recurrent splenomegaly is PD)",
        ],
      ]);
      // 13 cm is normal: no nadir needed, at baseline or now
      // (13 → 14 cm is new splenomegaly, PD, but needs no nadir)
      expect(ct(t, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 13, lengthCm: 14 } }).value).toBe(
        "PD",
      );
      expect(ct(t, { baselineSpdMm2: 1200, spleen: { baselineLengthCm: 15, lengthCm: 13 } }).value).toBe(
        "SD",
      );
      expect(
        issues(t, {
          baselineSpdMm2: 1200,
          spleen: { baselineLengthCm: 15, lengthCm: 14, nadirLengthCm: 16 },
        }),
      ).toEqual([
        [
          "/spleen/nadirLengthCm",
          "The nadir spleen length (16 cm) cannot exceed the baseline length (15 cm): the nadir includes baseline",
        ],
      ]);
    });
    it("the nadirs against the baseline and nadir SPDs", () => {
      const t = [les(35, 25, 40, 30)]; // nadir product 1200
      expect(issues(t, { baselineSpdMm2: 1000 })).toEqual([
        [
          "/baselineSpdMm2",
          "The lesions' nadir products add up to 1200 mm², more than the baseline SPD 1000 mm²: a nadir includes baseline",
        ],
      ]);
      expect(issues(t, { baselineSpdMm2: 1200, nadirSpdMm2: 1300 })).toEqual([
        [
          "/nadirSpdMm2",
          "The nadir SPD (1300 mm²) cannot exceed the baseline SPD (1200 mm²): the nadir includes baseline",
        ],
      ]);
      expect(issues(t, { baselineSpdMm2: 1500, nadirSpdMm2: 1000 })).toEqual([
        ["/nadirSpdMm2", "The lesions' nadir products add up to 1200 mm², more than the nadir SPD 1000 mm²"],
      ]);
      expect(ct(t, { baselineSpdMm2: 1200, nadirSpdMm2: 1200 }).value).toBe("SD");
    });
    it("an invalid baseline SPD or nadir diameter is reported alone, without the sums", () => {
      expect(issues([les(35, 25, 40, 30)], { baselineSpdMm2: -5 }).map(([p]) => p)).toEqual([
        "/baselineSpdMm2",
      ]);
      expect(issues([les(35, 25, 40, 30)], { baselineSpdMm2: 0 }).map(([p]) => p)).toEqual([
        "/baselineSpdMm2",
      ]);
      expect(issues([les(35, 25, -40, 30)], { baselineSpdMm2: 10 }).map(([p]) => p)).toEqual([
        `${L}/nadirLdiMm`,
      ]);
      expect(issues([les(35, 25, 40, -30)], { baselineSpdMm2: 10 }).map(([p]) => p)).toEqual([
        `${L}/nadirSdiMm`,
      ]);
    });
  });
});
