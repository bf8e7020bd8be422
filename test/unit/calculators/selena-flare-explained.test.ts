/**
 * Classic SELENA-SLEDAI Flare Index (Petri M et al., N Engl J Med 2005;353:2550–2558, as tabulated
 * in the Ann Rheum Dis 2019 SLE-indices table; reference notes §5.2) explained: every reason and
 * detail for the notes' worked examples SFI-1..SFI-3 and for each criterion of the table at its
 * edge, written out by hand (SELENA-SLEDAI rise ≥ 3 / to > 12; PGA rise ≥ 1.0 / to > 2.5;
 * prednisone > 0.5 mg/kg/day or doubled; platelets < 60,000/µL; Hb < 7 g/dL or a fall > 3 g/dL;
 * the listed manifestations and treatments), and each input check's field and message.
 * Written for the mutation run (issue 16): the categories were already tested in lupus.test.ts.
 */
import { describe, expect, it } from "vitest";
import { selenaFlare } from "../../../src/domain/calculators/lupus/selena-flare.ts";
import { issuesOf } from "../../support/validation.ts";

const base = {
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
const sfi = (over: Record<string, unknown> = {}) => selenaFlare.run({ ...base, ...over });
const issues = (over: Record<string, unknown>) =>
  issuesOf(() => selenaFlare.run({ ...base, ...over })).map((i) => [i.path, i.message]);

const NO_FLARE = (sledai: string, pga: string) =>
  `No flare criterion met: SELENA-SLEDAI change ${sledai} (< 3), PGA change ${pga} (< 1), no new or worse ` +
  "SFI manifestation, no qualifying treatment change.";
const details = (sledai: number, pga: number, severe: number, mild: number) => ({
  selenaSledaiChange: sledai,
  pgaChange: pga,
  severeCriteriaMet: severe,
  mildModerateCriteriaMet: mild,
});

describe("SELENA-SLEDAI Flare Index explained (Petri 2005)", () => {
  it("no change: the changes quoted against the mild/moderate thresholds", () => {
    const r = sfi();
    expect(r.reasons).toEqual([NO_FLARE("0", "0")]);
    expect(r.details).toEqual(details(0, 0, 0, 0));
    expect(r.label).toBe("No flare");
  });

  it("falls and rises below the thresholds are quoted with their sign", () => {
    const fall = sfi({
      selenaSledaiPrevious: 16,
      selenaSledaiCurrent: 13,
      pgaPrevious: 1.2,
      pgaCurrent: 0.9,
    });
    expect(fall.reasons).toEqual([NO_FLARE("−3", "−0.3")]);
    expect(fall.details).toEqual(details(-3, -0.3, 0, 0));
    const rise = sfi({ selenaSledaiCurrent: 6, pgaCurrent: 1.49 });
    expect(rise.reasons).toEqual([NO_FLARE("+2", "+0.99")]);
    expect(rise.details).toEqual(details(2, 0.99, 0, 0));
  });

  it("SFI-1: SELENA-SLEDAI 4 → 8 (+4), PGA 0.5 → 1.0 (+0.5, not a criterion) → mild/moderate", () => {
    const r = sfi({ selenaSledaiCurrent: 8, pgaCurrent: 1.0 });
    expect(r.reasons).toEqual([
      "Mild/moderate flare: SELENA-SLEDAI rose by 4 (4 → 8; ≥ 3 points, not to > 12).",
    ]);
    expect(r.details).toEqual(details(4, 0.5, 0, 1));
    expect(r.label).toBe("Mild/moderate flare");
  });

  it("SFI-2: SELENA-SLEDAI 6 → 14 → severe", () => {
    const r = sfi({ selenaSledaiPrevious: 6, selenaSledaiCurrent: 14 });
    expect(r.reasons).toEqual(["Severe flare: SELENA-SLEDAI rose from 6 to 14 (to > 12)."]);
    expect(r.details).toEqual(details(8, 0, 1, 0));
    expect(r.label).toBe("Severe flare");
  });

  it("SELENA-SLEDAI edges: 9 → 12 mild/moderate; [D] 12 → 13 severe", () => {
    expect(sfi({ selenaSledaiPrevious: 9, selenaSledaiCurrent: 12 }).reasons).toEqual([
      "Mild/moderate flare: SELENA-SLEDAI rose by 3 (9 → 12; ≥ 3 points, not to > 12).",
    ]);
    expect(sfi({ selenaSledaiPrevious: 12, selenaSledaiCurrent: 13 }).reasons).toEqual([
      "Severe flare: SELENA-SLEDAI rose from 12 to 13 (to > 12).",
    ]);
  });

  it("SFI-3: prednisone 25 → 40 mg/day at 60 kg = 0.67 mg/kg/day (> 0.5), not doubled → severe", () => {
    const r = sfi({ prednisonePreviousMgPerDay: 25, prednisoneCurrentMgPerDay: 40, weightKg: 60 });
    expect(r.reasons).toEqual([
      "Severe flare: Prednisone raised from 25 to 40 mg/day = 0.67 mg/kg/day at 60 kg (> 0.5 mg/kg/day).",
    ]);
    expect(r.details).toEqual(details(0, 0, 1, 0));
  });

  it("prednisone 10 → 20 at 60 kg: doubled (0.33 mg/kg/day) → severe; 20 → 40: both criteria", () => {
    expect(
      sfi({ prednisonePreviousMgPerDay: 10, prednisoneCurrentMgPerDay: 20, weightKg: 60 }).reasons,
    ).toEqual(["Severe flare: Prednisone doubled: 10 → 20 mg/day (≥ 2 × previous dose)."]);
    const both = sfi({ prednisonePreviousMgPerDay: 20, prednisoneCurrentMgPerDay: 40, weightKg: 60 });
    expect(both.reasons).toEqual([
      "Severe flare: Prednisone raised from 20 to 40 mg/day = 0.67 mg/kg/day at 60 kg (> 0.5 mg/kg/day).",
      "Severe flare: Prednisone doubled: 20 → 40 mg/day (≥ 2 × previous dose).",
    ]);
    expect(both.details).toEqual(details(0, 0, 2, 0));
  });

  it("prednisone raised but neither above 0.5 mg/kg/day nor doubled → mild/moderate, with mg/kg", () => {
    expect(
      sfi({ prednisonePreviousMgPerDay: 10, prednisoneCurrentMgPerDay: 18, weightKg: 60 }).reasons,
    ).toEqual([
      "Mild/moderate flare: Prednisone raised from 10 to 18 mg/day (0.30 mg/kg/day, not > 0.5; not doubled).",
    ]);
    // exactly 0.5 mg/kg/day (30 mg/day at 60 kg) is not above it
    expect(
      sfi({ prednisonePreviousMgPerDay: 20, prednisoneCurrentMgPerDay: 30, weightKg: 60 }).reasons,
    ).toEqual([
      "Mild/moderate flare: Prednisone raised from 20 to 30 mg/day (0.50 mg/kg/day, not > 0.5; not doubled).",
    ]);
    // [D] starting from 0 is not a doubling
    const start = sfi({ prednisonePreviousMgPerDay: 0, prednisoneCurrentMgPerDay: 10, weightKg: 60 });
    expect(start.reasons).toEqual([
      "Mild/moderate flare: Prednisone raised from 0 to 10 mg/day (0.17 mg/kg/day, not > 0.5; not doubled).",
    ]);
    expect(start.details).toEqual(details(0, 0, 0, 1));
  });

  it("a lower dose with a weight given is no flare", () => {
    const r = sfi({ prednisonePreviousMgPerDay: 40, prednisoneCurrentMgPerDay: 10, weightKg: 60 });
    expect(r.reasons).toEqual([NO_FLARE("0", "0")]);
  });

  it("PGA: +1.0 mild/moderate (0.7 → 1.7 exact in hundredths); a rise to > 2.5 severe", () => {
    expect(sfi({ pgaCurrent: 1.5 }).reasons).toEqual([
      "Mild/moderate flare: PGA rose by 1 (0.5 → 1.5; ≥ 1, not to > 2.5).",
    ]);
    expect(sfi({ pgaPrevious: 0.7, pgaCurrent: 1.7 }).reasons).toEqual([
      "Mild/moderate flare: PGA rose by 1 (0.7 → 1.7; ≥ 1, not to > 2.5).",
    ]);
    expect(sfi({ pgaPrevious: 1.5, pgaCurrent: 2.5 }).reasons).toEqual([
      "Mild/moderate flare: PGA rose by 1 (1.5 → 2.5; ≥ 1, not to > 2.5).",
    ]);
    const severe = sfi({ pgaPrevious: 2.2, pgaCurrent: 2.51 });
    expect(severe.reasons).toEqual(["Severe flare: PGA rose from 2.2 to 2.51 (to > 2.5)."]);
    expect(severe.details).toEqual(details(0, 0.31, 1, 0));
    // staying above 2.5 is not a rise
    expect(sfi({ pgaPrevious: 2.8, pgaCurrent: 2.8 }).reasons).toEqual([NO_FLARE("0", "0")]);
  });

  it.each([
    ["CNS_SLE", "CNS lupus"],
    ["VASCULITIS", "vasculitis"],
    ["NEPHRITIS", "nephritis"],
    ["MYOSITIS", "myositis"],
  ])("severe manifestation %s is named as '%s'", (code, text) => {
    const r = sfi({ newOrWorseSevereManifestations: [code, code] });
    expect(r.reasons).toEqual([`Severe flare: New or worse ${text} (${code}).`]);
    expect(r.details).toEqual(details(0, 0, 1, 0));
  });

  it.each([
    ["DISCOID_LUPUS", "discoid lupus"],
    ["PHOTOSENSITIVE_LUPUS", "photosensitive lupus"],
    ["LUPUS_PROFUNDUS", "lupus profundus"],
    ["CUTANEOUS_VASCULITIS", "cutaneous vasculitis"],
    ["BULLOUS_LUPUS", "bullous lupus"],
    ["NASOPHARYNGEAL_ULCERS", "nasopharyngeal ulcers"],
    ["PLEURITIS", "pleuritis"],
    ["PERICARDITIS", "pericarditis"],
    ["ARTHRITIS", "arthritis"],
    ["SLE_FEVER", "fever due to SLE"],
  ])("mild/moderate manifestation %s is named as '%s' (once, however often listed)", (code, text) => {
    const r = sfi({ newOrWorseMildModerateManifestations: [code, code] });
    expect(r.reasons).toEqual([`Mild/moderate flare: New or worse ${text} (${code}).`]);
    expect(r.details).toEqual(details(0, 0, 0, 1));
  });

  it("platelets: 59,999/µL severe; 60,000/µL a note only; a count without the finding says nothing", () => {
    expect(sfi({ newOrWorseThrombocytopenia: true, plateletsPerUl: 59_999 }).reasons).toEqual([
      "Severe flare: New or worse thrombocytopenia: platelets 59999/µL (< 60000/µL).",
    ]);
    expect(sfi({ newOrWorseThrombocytopenia: true, plateletsPerUl: 60_000 }).reasons).toEqual([
      NO_FLARE("0", "0"),
      "Thrombocytopenia reported with platelets 60000/µL (not < 60000/µL): not an SFI criterion.",
    ]);
    expect(sfi({ newOrWorseThrombocytopenia: false, plateletsPerUl: 20_000 }).reasons).toEqual([
      NO_FLARE("0", "0"),
    ]);
  });

  it("haemolytic anaemia: Hb < 7 g/dL, or a fall > 3 g/dL; otherwise a note with both numbers", () => {
    expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 6.9, hemoglobinPreviousGdl: 10.5 }).reasons).toEqual([
      "Severe flare: New or worse haemolytic anaemia with Hb 6.9 g/dL (< 7 g/dL).",
    ]);
    expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 7.2, hemoglobinPreviousGdl: 10.3 }).reasons).toEqual([
      "Severe flare: New or worse haemolytic anaemia with Hb falling 3.1 g/dL (10.3 → 7.2; > 3 g/dL).",
    ]);
    expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 7.2, hemoglobinPreviousGdl: 10.2 }).reasons).toEqual([
      NO_FLARE("0", "0"),
      "Haemolytic anaemia reported with Hb 7.2 g/dL (not < 7) and a fall of 3 g/dL (not > 3): not an SFI criterion.",
    ]);
    expect(sfi({ hemolyticAnemia: true, hemoglobinGdl: 7.0, hemoglobinPreviousGdl: 9.0 }).reasons).toEqual([
      NO_FLARE("0", "0"),
      "Haemolytic anaemia reported with Hb 7 g/dL (not < 7) and a fall of 2 g/dL (not > 3): not an SFI criterion.",
    ]);
    expect(sfi({ hemolyticAnemia: false, hemoglobinGdl: 5, hemoglobinPreviousGdl: 12 }).reasons).toEqual([
      NO_FLARE("0", "0"),
    ]);
  });

  it("treatments: hospitalisation and each new immunosuppressive severe; NSAID or HCQ mild/moderate", () => {
    expect(sfi({ hospitalizationForSle: true }).reasons).toEqual([
      "Severe flare: Hospitalised for SLE activity.",
    ]);
    expect(
      sfi({ newImmunosuppressivesForSle: ["CYCLOPHOSPHAMIDE", "AZATHIOPRINE", "METHOTREXATE"] }).reasons,
    ).toEqual([
      "Severe flare: New cyclophosphamide for SLE.",
      "Severe flare: New azathioprine for SLE.",
      "Severe flare: New methotrexate for SLE.",
    ]);
    expect(sfi({ nsaidOrHydroxychloroquineAddedForSle: true }).reasons).toEqual([
      "Mild/moderate flare: NSAID or hydroxychloroquine added for SLE activity.",
    ]);
  });

  it("new mycophenolate: severe when the protocol counts it, otherwise a note", () => {
    expect(
      sfi({ newImmunosuppressivesForSle: ["MYCOPHENOLATE"], mycophenolateCountsAsSevere: true }).reasons,
    ).toEqual(["Severe flare: New mycophenolate for SLE."]);
    const not = sfi({ newImmunosuppressivesForSle: ["MYCOPHENOLATE"], mycophenolateCountsAsSevere: false });
    expect(not.value).toBe("NONE");
    expect(not.reasons).toEqual([
      NO_FLARE("0", "0"),
      "New mycophenolate not counted: the classic SFI lists cyclophosphamide, azathioprine and methotrexate only (protocol setting).",
    ]);
    // the protocol setting does not touch the other drugs
    expect(
      sfi({ newImmunosuppressivesForSle: ["AZATHIOPRINE"], mycophenolateCountsAsSevere: false }).reasons,
    ).toEqual(["Severe flare: New azathioprine for SLE."]);
  });

  it("severe first, then the mild/moderate criteria also met, then the notes", () => {
    const r = sfi({
      selenaSledaiCurrent: 8,
      pgaCurrent: 1.5,
      newOrWorseMildModerateManifestations: ["ARTHRITIS"],
      hospitalizationForSle: true,
      newOrWorseThrombocytopenia: true,
      plateletsPerUl: 80_000,
    });
    expect(r.value).toBe("SEVERE");
    expect(r.reasons).toEqual([
      "Severe flare: Hospitalised for SLE activity.",
      "Also met (mild/moderate): SELENA-SLEDAI rose by 4 (4 → 8; ≥ 3 points, not to > 12).",
      "Also met (mild/moderate): PGA rose by 1 (0.5 → 1.5; ≥ 1, not to > 2.5).",
      "Also met (mild/moderate): New or worse arthritis (ARTHRITIS).",
      "Thrombocytopenia reported with platelets 80000/µL (not < 60000/µL): not an SFI criterion.",
    ]);
    expect(r.details).toEqual(details(4, 1, 1, 3));
  });

  it("a mild/moderate flare lists its criteria in the table's order, then the notes", () => {
    const r = sfi({
      pgaCurrent: 1.5,
      nsaidOrHydroxychloroquineAddedForSle: true,
      hemolyticAnemia: true,
      hemoglobinGdl: 9,
      hemoglobinPreviousGdl: 10,
    });
    expect(r.reasons).toEqual([
      "Mild/moderate flare: PGA rose by 1 (0.5 → 1.5; ≥ 1, not to > 2.5).",
      "Mild/moderate flare: NSAID or hydroxychloroquine added for SLE activity.",
      "Haemolytic anaemia reported with Hb 9 g/dL (not < 7) and a fall of 1 g/dL (not > 3): not an SFI criterion.",
    ]);
  });

  it("an unchanged dose with a weight given is no prednisone criterion, even above 0.5 mg/kg/day", () => {
    // 40 → 40 mg/day at 60 kg is 0.67 mg/kg/day, but not raised: no flare
    expect(
      sfi({ prednisonePreviousMgPerDay: 40, prednisoneCurrentMgPerDay: 40, weightKg: 60 }).reasons,
    ).toEqual([NO_FLARE("0", "0")]);
    expect(sfi({ prednisonePreviousMgPerDay: 10, prednisoneCurrentMgPerDay: 10, weightKg: 60 }).value).toBe(
      "NONE",
    );
  });

  describe("input checks: each message at its field", () => {
    it("each cross-field issue carries its check's own code", () => {
      const codes = (over: Record<string, unknown>) =>
        issuesOf(() => selenaFlare.run({ ...base, ...over })).map((i) => i.code);
      expect(codes({ newOrWorseThrombocytopenia: true })).toEqual(["selena_platelets_required"]);
      expect(codes({ hemolyticAnemia: true })).toEqual([
        "selena_hemoglobin_required",
        "selena_hemoglobin_required",
      ]);
      expect(codes({ prednisoneCurrentMgPerDay: 10.5 })).toEqual(["selena_weight_required"]);
      expect(codes({ newImmunosuppressivesForSle: ["MYCOPHENOLATE"] })).toEqual([
        "selena_mycophenolate_setting_required",
      ]);
    });

    it("platelets with new thrombocytopenia", () => {
      expect(issues({ newOrWorseThrombocytopenia: true })).toEqual([
        [
          "/plateletsPerUl",
          "Give the platelet count (cells/µL) when a new or worse thrombocytopenia is recorded.",
        ],
      ]);
    });
    it("each haemoglobin value with haemolytic anaemia, and only the missing one", () => {
      expect(issues({ hemolyticAnemia: true })).toEqual([
        ["/hemoglobinGdl", "Give the current haemoglobin (g/dL) when haemolytic anaemia is recorded."],
        [
          "/hemoglobinPreviousGdl",
          "Give the previous haemoglobin (g/dL) when haemolytic anaemia is recorded.",
        ],
      ]);
      expect(issues({ hemolyticAnemia: true, hemoglobinGdl: 8 })).toEqual([
        [
          "/hemoglobinPreviousGdl",
          "Give the previous haemoglobin (g/dL) when haemolytic anaemia is recorded.",
        ],
      ]);
    });
    it("weight only when the dose rose", () => {
      expect(issues({ prednisoneCurrentMgPerDay: 10.5 })).toEqual([
        [
          "/weightKg",
          "Give the body weight (kg) when the prednisone dose rose: the severe threshold is 0.5 mg/kg/day",
        ],
      ]);
      expect(sfi({ prednisonePreviousMgPerDay: 10, prednisoneCurrentMgPerDay: 10 }).value).toBe("NONE");
    });
    it("the mycophenolate setting when mycophenolate is listed", () => {
      expect(issues({ newImmunosuppressivesForSle: ["MYCOPHENOLATE"] })).toEqual([
        [
          "/mycophenolateCountsAsSevere",
          "Say whether the protocol counts new mycophenolate as a severe flare (the classic SFI does not list it)",
        ],
      ]);
    });
  });
});
