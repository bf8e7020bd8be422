/**
 * 2019 EULAR/ACR classification of SLE (Aringer M et al., Ann Rheum Dis 2019;78:1151–1159,
 * Figure 1 and Table 1) explained: every reason and detail the calculator gives for the reference
 * notes' worked examples EA-1..EA-5 and for the entry criterion's three ways (a HEp-2 titre ≥ 1:80,
 * an equivalent positive test, neither), written out by hand from Figure 1's domains and weights.
 * Written for the mutation run (issue 16): the classifications were already tested in lupus.test.ts.
 */
import { describe, expect, it } from "vitest";
import { eularAcr2019 } from "../../../src/domain/calculators/lupus/eular-acr-2019.ts";

const KEYS = [
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
  "lowC3",
  "lowC4",
  "antiDsDna",
  "antiSmith",
];
const eular = (titer: number | null, present: string[], equivalent = false) =>
  eularAcr2019.run({
    anaHep2TiterReciprocal: titer,
    anaEquivalentPositiveTest: equivalent,
    ...Object.fromEntries(KEYS.map((k) => [k, present.includes(k)])),
  });

const TOTAL = (total: number, clinical: number, immunological: number) =>
  `Total ${total} points (clinical ${clinical}, immunological ${immunological}); SLE needs ≥ 10 with ≥ 1 clinical criterion.`;
const NOT_MET = "and no equivalent positive ANA test; do not classify.";

describe("EULAR/ACR 2019 explained (Aringer 2019, Figure 1)", () => {
  it("EA-1: ANA 1:160, joint involvement 6, low C3 3, anti-dsDNA 6 → 15 with a clinical criterion → SLE", () => {
    const r = eular(160, ["jointInvolvement", "antiDsDna", "lowC3"]);
    expect(r.reasons).toEqual([
      "Entry criterion met: HEp-2 ANA 1:160 (≥ 1:80).",
      "musculoskeletal (clinical): Joint involvement (6).",
      "complement (immunological): Low C3 (3).",
      "SLE-specific antibodies (immunological): Anti-dsDNA antibody (6).",
      TOTAL(15, 6, 9),
    ]);
    expect(r.label).toBe("SLE (15 points)");
    expect(r.details).toEqual({
      entryCriterionMet: true,
      totalPoints: 15,
      clinicalPoints: 6,
      immunologicalPoints: 9,
      hasClinicalCriterion: true,
      domains: [
        { domain: "musculoskeletal", points: 6, counted: "Joint involvement (6)" },
        { domain: "complement", points: 3, counted: "Low C3 (3)" },
        { domain: "sleSpecificAntibodies", points: 6, counted: "Anti-dsDNA antibody (6)" },
      ],
    });
  });

  it("EA-2: ANA 1:40 → entry not met; the domains are still listed, and nothing is classified", () => {
    const r = eular(40, ["jointInvolvement", "antiDsDna", "renalBiopsyClassIIIorIV"]);
    expect(r.value).toBe("ENTRY_CRITERION_NOT_MET");
    expect(r.reasons).toEqual([
      `Entry criterion not met: HEp-2 ANA 1:40 (< 1:80) ${NOT_MET}`,
      "musculoskeletal (clinical): Joint involvement (6).",
      "renal (clinical): Renal biopsy class III or IV lupus nephritis (10).",
      "SLE-specific antibodies (immunological): Anti-dsDNA antibody (6).",
      TOTAL(22, 16, 6),
    ]);
    expect(r.label).toBe("Not classifiable (ANA entry criterion not met)");
    expect(r.details).toMatchObject({
      entryCriterionMet: false,
      totalPoints: 22,
      hasClinicalCriterion: true,
    });
  });

  it("EA-3: ANA 1:320, low C3 and low C4 (4), anti-dsDNA (6) → 10 but no clinical criterion → not SLE", () => {
    const r = eular(320, ["antiDsDna", "lowC3", "lowC4"]);
    expect(r.value).toBe("NOT_SLE");
    expect(r.reasons).toEqual([
      "Entry criterion met: HEp-2 ANA 1:320 (≥ 1:80).",
      "complement (immunological): Low C3 and low C4 (4).",
      "SLE-specific antibodies (immunological): Anti-dsDNA antibody (6).",
      TOTAL(10, 0, 10),
      "No clinical criterion: not classified as SLE.",
    ]);
    expect(r.label).toBe("Not SLE (10 points)");
    expect(r.details).toEqual({
      entryCriterionMet: true,
      totalPoints: 10,
      clinicalPoints: 0,
      immunologicalPoints: 10,
      hasClinicalCriterion: false,
      domains: [
        { domain: "complement", points: 4, counted: "Low C3 and low C4 (4)" },
        { domain: "sleSpecificAntibodies", points: 6, counted: "Anti-dsDNA antibody (6)" },
      ],
    });
  });

  it("EA-4: oral ulcers (2) under acute cutaneous lupus (6) not added, leukopenia 3 → 9: not SLE, no 'no clinical' line", () => {
    const r = eular(80, ["oralUlcers", "acuteCutaneousLupus", "leukopenia"]);
    expect(r.value).toBe("NOT_SLE");
    expect(r.reasons).toEqual([
      "Entry criterion met: HEp-2 ANA 1:80 (≥ 1:80).",
      "hematologic (clinical): Leukopenia (3).",
      "mucocutaneous (clinical): Acute cutaneous lupus (6); not added, lower in the same domain: Oral ulcers (2).",
      TOTAL(9, 9, 0),
    ]);
    expect(r.label).toBe("Not SLE (9 points)");
    expect(r.details).toMatchObject({
      clinicalPoints: 9,
      immunologicalPoints: 0,
      hasClinicalCriterion: true,
    });
  });

  it("EA-5: class IV nephritis alone → 10 with a clinical criterion → SLE", () => {
    const r = eular(80, ["renalBiopsyClassIIIorIV"]);
    expect(r.reasons).toEqual([
      "Entry criterion met: HEp-2 ANA 1:80 (≥ 1:80).",
      "renal (clinical): Renal biopsy class III or IV lupus nephritis (10).",
      TOTAL(10, 10, 0),
    ]);
    expect(r.label).toBe("SLE (10 points)");
  });

  it("all three renal criteria: class III/IV counts, class II/V and proteinuria listed highest first", () => {
    const r = eular(160, ["proteinuria", "renalBiopsyClassIIorV", "renalBiopsyClassIIIorIV"]);
    expect(r.reasons[1]).toBe(
      "renal (clinical): Renal biopsy class III or IV lupus nephritis (10); not added, lower in the same " +
        "domain: Renal biopsy class II or V lupus nephritis (8), Proteinuria (4).",
    );
    expect(r.details?.domains).toEqual([
      { domain: "renal", points: 10, counted: "Renal biopsy class III or IV lupus nephritis (10)" },
    ]);
  });

  it("low C4 alone is 'Low C4 (3)'; complement without C3 or C4 is not listed", () => {
    const r = eular(160, ["lowC4", "fever"]);
    expect(r.reasons).toEqual([
      "Entry criterion met: HEp-2 ANA 1:160 (≥ 1:80).",
      "constitutional (clinical): Fever (2).",
      "complement (immunological): Low C4 (3).",
      TOTAL(5, 2, 3),
    ]);
    expect(r.details?.domains).toEqual([
      { domain: "constitutional", points: 2, counted: "Fever (2)" },
      { domain: "complement", points: 3, counted: "Low C4 (3)" },
    ]);
  });

  it("nothing present: the entry line and a total of 0 only", () => {
    const r = eular(160, []);
    expect(r.reasons).toEqual(["Entry criterion met: HEp-2 ANA 1:160 (≥ 1:80).", TOTAL(0, 0, 0)]);
    expect(r.details).toEqual({
      entryCriterionMet: true,
      totalPoints: 0,
      clinicalPoints: 0,
      immunologicalPoints: 0,
      hasClinicalCriterion: false,
      domains: [],
    });
    expect(r.label).toBe("Not SLE (0 points)");
  });

  it("the entry criterion through an equivalent test, with no titre, a negative one or a low one", () => {
    const first = (titer: number | null, equivalent: boolean) =>
      eular(titer, ["renalBiopsyClassIIIorIV"], equivalent).reasons[0];
    expect(first(null, true)).toBe(
      "Entry criterion met: no HEp-2 titre, but an equivalent ANA test was positive.",
    );
    expect(first(0, true)).toBe(
      "Entry criterion met: HEp-2 ANA negative, but an equivalent ANA test was positive.",
    );
    expect(first(79, true)).toBe(
      "Entry criterion met: HEp-2 ANA 1:79, but an equivalent ANA test was positive.",
    );
    expect(first(null, false)).toBe(`Entry criterion not met: no HEp-2 titre (< 1:80) ${NOT_MET}`);
    expect(first(0, false)).toBe(`Entry criterion not met: HEp-2 ANA negative (< 1:80) ${NOT_MET}`);
    expect(eular(null, ["renalBiopsyClassIIIorIV"], true).details?.entryCriterionMet).toBe(true);
    // a titre of 1:80 or more is named as such even when an equivalent test was also positive
    expect(eular(80, [], true).reasons[0]).toBe("Entry criterion met: HEp-2 ANA 1:80 (≥ 1:80).");
  });

  it("an entry not met at 10 points or more adds no 'no clinical criterion' line", () => {
    const r = eular(40, ["antiDsDna", "lowC3", "lowC4"]);
    expect(r.value).toBe("ENTRY_CRITERION_NOT_MET");
    expect(r.reasons.at(-1)).toBe(TOTAL(10, 0, 10));
  });
});
