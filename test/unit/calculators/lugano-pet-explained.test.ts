/**
 * Lugano 2014 PET-CT response (Cheson BD et al., J Clin Oncol 2014;32:3059–3068, Table 3,
 * PET-CT-based column; Deauville 5-point scale of Barrington SF et al., J Clin Oncol
 * 2014;32:3048–3058) explained: every reason, label and detail for the reference notes' worked
 * examples LUG-6..LUG-8 (clinical-rules.md §4.4) and for each row of Table 3 (Deauville 1–3 = CMR;
 * 4–5 with reduced / unchanged / increased uptake = PMR / NMR / PMD; new FDG-avid lesions = PMD;
 * each bone-marrow row; PMR at interim vs end of treatment), written out by hand; and each input
 * check's field and message. Written for the mutation run (issue 16): the categories were already
 * tested in lymphoma-response.test.ts.
 */
import { describe, expect, it } from "vitest";
import { luganoPet } from "../../../src/domain/calculators/lymphoma-response/lugano-pet.ts";
import { issuesOf } from "../../support/validation.ts";

type Site = {
  kind: "NODAL" | "EXTRANODAL";
  deauvilleScore: number | "X";
  uptakeVsBaseline?: string;
  site?: string;
};
const node = (deauvilleScore: number | "X", uptakeVsBaseline?: string): Site => ({
  kind: "NODAL",
  deauvilleScore,
  ...(uptakeVsBaseline ? { uptakeVsBaseline } : {}),
});
const pet = (
  sites: Site[],
  o: { newFdgAvidLesions?: boolean; boneMarrow?: string; timepoint?: "INTERIM" | "END_OF_TREATMENT" } = {},
) =>
  luganoPet.run({
    timepoint: o.timepoint ?? "INTERIM",
    sites,
    newFdgAvidLesions: o.newFdgAvidLesions ?? false,
    boneMarrow: o.boneMarrow ?? "NO_FDG_AVID_DISEASE",
  });
const issues = (input: unknown) => issuesOf(() => luganoPet.run(input)).map((i) => [i.path, i.message]);

const CMR_RULE =
  "scores 1–3, with or without a residual mass, count as complete metabolic response (Lugano 2014 Table 3).";
const SITE_RULE =
  "(score 4–5: reduced uptake = PMR, no significant change = NMR, increased = PMD; Lugano 2014 Table 3).";
const NO_NEW = "No new FDG-avid lesions (newFdgAvidLesions is false).";
const NEW = "New FDG-avid lesion(s) consistent with lymphoma → PMD (Lugano 2014 Table 3).";
const MARROW_CLEAR = "Bone marrow: no FDG-avid disease (consistent with CMR).";
const INTERIM_3 =
  "Deauville 3 at an interim scan counts as CMR by Lugano 2014; trials of treatment de-escalation may count it " +
  "as an inadequate response (Lugano 2014 Table 3 footnote) — check the protocol.";
const PMR_INTERIM =
  "Interim scan: a partial metabolic response suggests responding disease (Lugano 2014 Table 3).";
const PMR_EOT =
  "End of treatment: a partial metabolic response (Deauville 4–5 with reduced uptake) indicates residual " +
  "disease, not a response in progress (Lugano 2014 Table 3).";

describe("Lugano PET-CT explained (Cheson 2014 Table 3)", () => {
  it("LUG-6: interim Deauville 3, no new lesions, marrow clear → CMR with the de-escalation caveat", () => {
    const r = pet([node(3)]);
    expect(r.reasons).toEqual([
      `Highest Deauville score 3 (nodal site #1): ${CMR_RULE}`,
      INTERIM_3,
      NO_NEW,
      MARROW_CLEAR,
    ]);
    expect(r.label).toBe("CMR (complete metabolic response)");
    // strict: no interpretation key outside PMR
    expect(r.details).toStrictEqual({
      timepoint: "INTERIM",
      highestDeauvilleScore: 3,
      components: { sites: "CMR", newLesions: "CMR", boneMarrow: "CMR" },
    });
  });

  it("Deauville 3 at the end of treatment, or 2 at interim: CMR without the caveat", () => {
    expect(pet([node(3)], { timepoint: "END_OF_TREATMENT" }).reasons).toEqual([
      `Highest Deauville score 3 (nodal site #1): ${CMR_RULE}`,
      NO_NEW,
      MARROW_CLEAR,
    ]);
    expect(pet([node(2)]).reasons[1]).toBe(NO_NEW);
  });

  it("the highest score's sites are named, by label or by number, in input order", () => {
    const r = pet([
      { kind: "NODAL", deauvilleScore: 2, site: "left axilla" },
      { kind: "EXTRANODAL", deauvilleScore: 2 },
      node(1),
    ]);
    expect(r.reasons[0]).toBe(
      `Highest Deauville score 2 (nodal site 'left axilla', extranodal site #2): ${CMR_RULE}`,
    );
    expect(r.details?.highestDeauvilleScore).toBe(2);
  });

  it("LUG-7: interim Deauville 4 with reduced uptake → PMR, responding disease", () => {
    const r = pet([node(4, "DECREASED")]);
    expect(r.reasons).toEqual([
      `Nodal site #1: Deauville 4 with reduced uptake vs baseline → PMR ${SITE_RULE}`,
      NO_NEW,
      MARROW_CLEAR,
      PMR_INTERIM,
    ]);
    expect(r.label).toBe("PMR (partial metabolic response)");
    expect(r.details).toStrictEqual({
      timepoint: "INTERIM",
      highestDeauvilleScore: 4,
      components: { sites: "PMR", newLesions: "CMR", boneMarrow: "CMR" },
      interpretation: "RESPONDING_DISEASE",
    });
  });

  it("the same PMR at the end of treatment is residual disease", () => {
    const r = pet([node(4, "DECREASED")], { timepoint: "END_OF_TREATMENT" });
    expect(r.reasons).toEqual([
      `Nodal site #1: Deauville 4 with reduced uptake vs baseline → PMR ${SITE_RULE}`,
      NO_NEW,
      MARROW_CLEAR,
      PMR_EOT,
    ]);
    expect(r.label).toBe("PMR (residual disease at end of treatment)");
    expect(r.details?.interpretation).toBe("RESIDUAL_DISEASE");
  });

  it("LUG-8: Deauville 3 and 4 (reduced), but a new FDG-avid lesion → PMD; only the 4–5 sites are listed", () => {
    const r = pet([node(3), node(4, "DECREASED")], { newFdgAvidLesions: true });
    expect(r.reasons).toEqual([
      `Nodal site #2: Deauville 4 with reduced uptake vs baseline → PMR ${SITE_RULE}`,
      NEW,
      MARROW_CLEAR,
    ]);
    expect(r.label).toBe("PMD (progressive metabolic disease)");
    expect(r.details).toStrictEqual({
      timepoint: "INTERIM",
      highestDeauvilleScore: 4,
      components: { sites: "PMR", newLesions: "PMD", boneMarrow: "CMR" },
    });
  });

  it("each 4–5 site with its uptake and response; a named site by its label; the worst decides", () => {
    const r = pet([
      node(5, "NO_SIGNIFICANT_CHANGE"),
      node(2),
      { kind: "EXTRANODAL", deauvilleScore: 5, uptakeVsBaseline: "INCREASED", site: "liver" },
      node(4, "DECREASED"),
    ]);
    expect(r.reasons).toEqual([
      `Nodal site #1: Deauville 5 with no significant change in uptake vs baseline → NMR ${SITE_RULE}`,
      `Extranodal site 'liver': Deauville 5 with increased uptake vs baseline → PMD ${SITE_RULE}`,
      `Nodal site #4: Deauville 4 with reduced uptake vs baseline → PMR ${SITE_RULE}`,
      NO_NEW,
      MARROW_CLEAR,
    ]);
    expect(r.value).toBe("PMD");
    expect(r.details?.components).toEqual({ sites: "PMD", newLesions: "CMR", boneMarrow: "CMR" });
    const nmr = pet([node(4, "NO_SIGNIFICANT_CHANGE"), node(4, "DECREASED")]);
    expect(nmr.value).toBe("NMR");
    expect(nmr.label).toBe("NMR (no metabolic response)");
  });

  it("X sites are listed as not counted and never raise the highest score", () => {
    const r = pet([node("X"), node(2), { kind: "EXTRANODAL", deauvilleScore: "X", site: "thymus" }]);
    expect(r.reasons).toEqual([
      `Highest Deauville score 2 (nodal site #2): ${CMR_RULE}`,
      "Scored X (uptake unlikely to be lymphoma), not counted: nodal site #1, extranodal site 'thymus' (Barrington 2014).",
      NO_NEW,
      MARROW_CLEAR,
    ]);
    expect(r.details?.highestDeauvilleScore).toBe(2);
  });

  it.each([
    [
      "RESIDUAL_REDUCED",
      "PMR",
      "Bone marrow: residual uptake above normal marrow but reduced from baseline → at best PMR (Lugano 2014 Table 3).",
    ],
    [
      "NO_CHANGE_FROM_BASELINE",
      "NMR",
      "Bone marrow: no change from baseline → at best NMR (Lugano 2014 Table 3).",
    ],
    [
      "NEW_OR_RECURRENT_FDG_AVID",
      "PMD",
      "Bone marrow: new or recurrent FDG-avid foci → PMD (Lugano 2014 Table 3).",
    ],
  ])("marrow %s with nodes Deauville 2 → %s, said in its own line", (boneMarrow, value, line) => {
    const r = pet([node(2)], { boneMarrow, timepoint: "END_OF_TREATMENT" });
    expect(r.value).toBe(value);
    expect(r.reasons.slice(0, 3)).toEqual([
      `Highest Deauville score 2 (nodal site #1): ${CMR_RULE}`,
      NO_NEW,
      line,
    ]);
    expect(r.details?.components).toEqual({ sites: "CMR", newLesions: "CMR", boneMarrow: value });
  });

  describe("input checks: each message at its field", () => {
    const input = (sites: Site[]) => ({
      timepoint: "INTERIM",
      sites,
      newFdgAvidLesions: false,
      boneMarrow: "NO_FDG_AVID_DISEASE",
    });
    it("Deauville 4 or 5 without the uptake comparison, at that site", () => {
      expect(issues(input([node(2), node(4), node(5)]))).toEqual([
        [
          "/sites/1/uptakeVsBaseline",
          "Deauville 4 needs the uptake compared with baseline (decreased, no significant change or increased) to tell PMR, NMR and PMD apart",
        ],
        [
          "/sites/2/uptakeVsBaseline",
          "Deauville 5 needs the uptake compared with baseline (decreased, no significant change or increased) to tell PMR, NMR and PMD apart",
        ],
      ]);
    });
    it("only X sites", () => {
      expect(issues(input([node("X"), node("X")]))).toEqual([
        [
          "/sites",
          "At least one site of disease needs a Deauville score of 1–5; 'X' marks uptake unlikely to be lymphoma",
        ],
      ]);
    });
    it("each cross-field issue carries its check's own code", () => {
      const codes = (sites: Site[]) => issuesOf(() => luganoPet.run(input(sites))).map((i) => i.code);
      expect(codes([node(4)])).toEqual(["lugano_pet_uptake_required"]);
      expect(codes([node("X")])).toEqual(["lugano_pet_no_scored_site"]);
    });
    it("no site at all is one issue at /sites", () => {
      expect(issues(input([])).map(([path]) => path)).toEqual(["/sites"]);
    });
  });
});
