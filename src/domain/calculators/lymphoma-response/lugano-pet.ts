/**
 * Lugano 2014 PET-CT (metabolic) response at patient level: CMR / PMR / NMR / PMD.
 *
 * Source: Cheson et al., J Clin Oncol 2014, Table 3 ("Revised criteria for response assessment",
 * PET-CT-based column), with the 5-point (Deauville) scale of Barrington et al., J Clin Oncol 2014.
 * The Deauville score of each site is assigned by the reader and entered here; it is never computed.
 *
 * Lugano Table 3 defines each category by component (nodes and extralymphatic sites, new lesions,
 * bone marrow). We grade each component and report the worst one (PMD > NMR > PMR > CMR), which is
 * the reading of the table where every component must qualify for a response category.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { BARRINGTON_2014, CHESON_2014, RULE_SET_LUGANO } from "./sources.ts";

export type MetabolicResponse = "CMR" | "PMR" | "NMR" | "PMD";

const RANK: Record<MetabolicResponse, number> = { CMR: 0, PMR: 1, NMR: 2, PMD: 3 };
const worst = (a: MetabolicResponse, b: MetabolicResponse): MetabolicResponse => (RANK[b] > RANK[a] ? b : a);

const UptakeVsBaseline = z
  .enum(["DECREASED", "NO_SIGNIFICANT_CHANGE", "INCREASED"])
  .describe("FDG uptake at this site compared with the baseline PET-CT, as judged by the reader");

const PetSite = z.strictObject({
  site: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Label of the site, e.g. 'left axillary nodes'"),
  kind: z.enum(["NODAL", "EXTRANODAL"]).describe("Nodal (lymph node) or extranodal (extralymphatic) site"),
  deauvilleScore: z
    .union([z.number().int().min(1).max(5), z.literal("X")])
    .describe(
      "Reader-assigned Deauville 5-point score (1–5), or 'X' for new uptake unlikely to be lymphoma " +
        "(Barrington 2014). Where physiologic uptake is high (Waldeyer's ring, activated marrow or " +
        "spleen), the reader scores against the surrounding normal tissue (Lugano 2014 Table 3 footnote).",
    ),
  uptakeVsBaseline: UptakeVsBaseline.optional().describe(
    "FDG uptake compared with baseline; required when the Deauville score is 4 or 5",
  ),
});

export const LuganoPetInput = z
  .strictObject({
    timepoint: z
      .enum(["INTERIM", "END_OF_TREATMENT"])
      .describe("When the scan was done: during treatment (interim) or at the end of treatment"),
    sites: z
      .array(PetSite)
      .min(1)
      .max(100)
      .describe(
        "Every nodal and extranodal site of (previous) disease with its reader-assigned Deauville score",
      ),
    newFdgAvidLesions: z
      .boolean()
      .describe(
        "New FDG-avid foci consistent with lymphoma (not attributed to infection or inflammation); " +
          "new uptake unlikely to be lymphoma is scored 'X' instead",
      ),
    boneMarrow: z
      .enum([
        "NO_FDG_AVID_DISEASE",
        "RESIDUAL_REDUCED",
        "NO_CHANGE_FROM_BASELINE",
        "NEW_OR_RECURRENT_FDG_AVID",
      ])
      .describe(
        "Bone marrow on PET: no FDG-avid disease; residual uptake above normal marrow but reduced from " +
          "baseline; no change from baseline; or new or recurrent FDG-avid foci",
      ),
  })
  .superRefine((input, ctx) => {
    input.sites.forEach((s, i) => {
      if ((s.deauvilleScore === 4 || s.deauvilleScore === 5) && s.uptakeVsBaseline === undefined)
        ruleIssue(
          ctx,
          ["sites", i, "uptakeVsBaseline"],
          `Deauville ${s.deauvilleScore} needs the uptake compared with baseline (decreased, no significant change or increased) to tell PMR, NMR and PMD apart`,
          "lugano_pet_uptake_required" satisfies LuganoPetCheck,
        );
    });
    if (input.sites.length > 0 && input.sites.every((s) => s.deauvilleScore === "X"))
      ruleIssue(
        ctx,
        ["sites"],
        "At least one site of disease needs a Deauville score of 1–5; 'X' marks uptake unlikely to be lymphoma",
        "lugano_pet_no_scored_site" satisfies LuganoPetCheck,
      );
  });

export type LuganoPetInput = z.output<typeof LuganoPetInput>;

const UPTAKE_TEXT = {
  DECREASED: "reduced uptake vs baseline",
  NO_SIGNIFICANT_CHANGE: "no significant change in uptake vs baseline",
  INCREASED: "increased uptake vs baseline",
} as const;

/**
 * The sentences of the Lugano PET-CT response (decision 0041); the web catalogues word them under
 * reasons.luganoPet.*. A site is quoted by the reader's label as typed, or by its number.
 */
export const LUGANO_PET_REASONS = reasonFamily(
  "luganoPet",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.CMR": "CMR (complete metabolic response)",
    "label.PMR": "PMR (partial metabolic response)",
    "label.NMR": "NMR (no metabolic response)",
    "label.PMD": "PMD (progressive metabolic disease)",
    "label.pmrResidual": "PMR (residual disease at end of treatment)",
    "highest.cmr":
      "Highest Deauville score {{highest}} ({{sites, phrases}}): scores 1–3, with or without a residual mass, count " +
      "as complete metabolic response (Lugano 2014 Table 3).",
    interimDeauville3:
      "Deauville 3 at an interim scan counts as CMR by Lugano 2014; trials of treatment de-escalation may count it " +
      "as an inadequate response (Lugano 2014 Table 3 footnote) — check the protocol.",
    "site.named":
      "{{kind, capterm}} site '{{site}}': Deauville {{score}} with {{uptake, term}} → {{response}} (score 4–5: " +
      "reduced uptake = PMR, no significant change = NMR, increased = PMD; Lugano 2014 Table 3).",
    "site.numbered":
      "{{kind, capterm}} site #{{n}}: Deauville {{score}} with {{uptake, term}} → {{response}} (score 4–5: " +
      "reduced uptake = PMR, no significant change = NMR, increased = PMD; Lugano 2014 Table 3).",
    scoredX: "Scored X (uptake unlikely to be lymphoma), not counted: {{sites, phrases}} (Barrington 2014).",
    "newLesions.yes": "New FDG-avid lesion(s) consistent with lymphoma → PMD (Lugano 2014 Table 3).",
    "newLesions.no": "No new FDG-avid lesions (newFdgAvidLesions is false).",
    "marrow.NO_FDG_AVID_DISEASE": "Bone marrow: no FDG-avid disease (consistent with CMR).",
    "marrow.RESIDUAL_REDUCED":
      "Bone marrow: residual uptake above normal marrow but reduced from baseline → at best PMR (Lugano 2014 Table 3).",
    "marrow.NO_CHANGE_FROM_BASELINE":
      "Bone marrow: no change from baseline → at best NMR (Lugano 2014 Table 3).",
    "marrow.NEW_OR_RECURRENT_FDG_AVID":
      "Bone marrow: new or recurrent FDG-avid foci → PMD (Lugano 2014 Table 3).",
    "pmr.endOfTreatment":
      "End of treatment: a partial metabolic response (Deauville 4–5 with reduced uptake) indicates residual " +
      "disease, not a response in progress (Lugano 2014 Table 3).",
    "pmr.interim":
      "Interim scan: a partial metabolic response suggests responding disease (Lugano 2014 Table 3).",
    "phrase.site.named": "{{kind, term}} site '{{site}}'",
    "phrase.site.numbered": "{{kind, term}} site #{{n}}",
  },
  { siteKind: { NODAL: "nodal", EXTRANODAL: "extranodal" }, petUptake: UPTAKE_TEXT },
);
const R = LUGANO_PET_REASONS;

const siteName = (s: z.output<typeof PetSite>, i: number): Phrase =>
  s.site
    ? R.phrase("phrase.site.named", { kind: `siteKind.${s.kind}`, site: s.site })
    : R.phrase("phrase.site.numbered", { kind: `siteKind.${s.kind}`, n: i + 1 });

/** One site's contribution (Lugano 2014 Table 3, "Lymph nodes and extralymphatic sites" rows). */
function siteResponse(s: z.output<typeof PetSite>): MetabolicResponse | null {
  if (s.deauvilleScore === "X") return null; // not lymphoma: ignored (Barrington 2014)
  // Score 1, 2 or 3, with or without a residual mass = CMR (Cheson 2014 Table 3).
  if (s.deauvilleScore <= 3) return "CMR";
  // Score 4 or 5: reduced uptake vs baseline = PMR; no significant change = NMR; increased = PMD
  // (Cheson 2014 Table 3). The schema guarantees uptakeVsBaseline is present here.
  switch (s.uptakeVsBaseline) {
    case "DECREASED":
      return "PMR";
    case "NO_SIGNIFICANT_CHANGE":
      return "NMR";
    default:
      return "PMD";
  }
}

export const luganoPet = defineCalculator({
  name: "lugano-pet",
  title: "Lugano 2014 PET-CT metabolic response (Deauville-based)",
  source: `${CHESON_2014}; ${BARRINGTON_2014}`,
  ruleSet: RULE_SET_LUGANO,
  ruleSetVersion: "1",
  input: LuganoPetInput,
  evaluate(input) {
    const reasons: ReasonEntry[] = [];

    // --- Nodes and extranodal sites: the worst site decides this component.
    let sites: MetabolicResponse = "CMR";
    let highest = 0;
    const ignored: Phrase[] = [];
    input.sites.forEach((s, i) => {
      const r = siteResponse(s);
      if (r === null) {
        ignored.push(siteName(s, i));
        return;
      }
      if (typeof s.deauvilleScore === "number") highest = Math.max(highest, s.deauvilleScore);
      sites = worst(sites, r);
    });
    const at = (score: number) =>
      input.sites
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => s.deauvilleScore === score)
        .map(({ s, i }) => siteName(s, i));
    if (highest <= 3) {
      reasons.push(R.say("highest.cmr", { highest, sites: at(highest) }));
      if (highest === 3 && input.timepoint === "INTERIM") reasons.push(R.say("interimDeauville3"));
    } else {
      input.sites.forEach((s, i) => {
        if (s.deauvilleScore !== 4 && s.deauvilleScore !== 5) return;
        const r = siteResponse(s)!;
        const finding = {
          kind: `siteKind.${s.kind}`,
          score: s.deauvilleScore,
          uptake: `petUptake.${s.uptakeVsBaseline!}`,
          response: r,
        };
        reasons.push(
          s.site
            ? R.say("site.named", { ...finding, site: s.site })
            : R.say("site.numbered", { ...finding, n: i + 1 }),
        );
      });
    }
    if (ignored.length > 0) reasons.push(R.say("scoredX", { sites: ignored }));

    // --- New lesions: any new FDG-avid focus consistent with lymphoma = PMD (Cheson 2014 Table 3).
    const newLesions: MetabolicResponse = input.newFdgAvidLesions ? "PMD" : "CMR";
    reasons.push(input.newFdgAvidLesions ? R.say("newLesions.yes") : R.say("newLesions.no"));

    // --- Bone marrow (Cheson 2014 Table 3, bone marrow rows of each category).
    const marrow: MetabolicResponse = {
      NO_FDG_AVID_DISEASE: "CMR",
      RESIDUAL_REDUCED: "PMR",
      NO_CHANGE_FROM_BASELINE: "NMR",
      NEW_OR_RECURRENT_FDG_AVID: "PMD",
    }[input.boneMarrow] as MetabolicResponse;
    reasons.push(R.say(`marrow.${input.boneMarrow}`));

    const value = worst(worst(sites, newLesions), marrow);

    // PMR means different things by timepoint (Cheson 2014 Table 3, PMR row): at interim it suggests
    // responding disease, at the end of treatment it indicates residual disease (a Deauville 4 or 5 left).
    let interpretation: "RESPONDING_DISEASE" | "RESIDUAL_DISEASE" | undefined;
    let label = R.say(`label.${value}`);
    if (value === "PMR") {
      interpretation = input.timepoint === "INTERIM" ? "RESPONDING_DISEASE" : "RESIDUAL_DISEASE";
      if (interpretation === "RESIDUAL_DISEASE") {
        label = R.say("label.pmrResidual");
        reasons.push(R.say("pmr.endOfTreatment"));
      } else reasons.push(R.say("pmr.interim"));
    }

    return {
      value,
      label,
      reasons,
      details: {
        timepoint: input.timepoint,
        highestDeauvilleScore: highest,
        components: { sites, newLesions, boneMarrow: marrow },
        ...(interpretation ? { interpretation } : {}),
      },
    };
  },
});

/** The codes of the lugano-pet input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const LUGANO_PET_CHECKS = ["lugano_pet_uptake_required", "lugano_pet_no_scored_site"] as const;
export type LuganoPetCheck = (typeof LUGANO_PET_CHECKS)[number];
