/**
 * SLE Responder Index (SRI-4), Furie 2009 (abstract, Results): a responder has
 *   1. a ≥ 4-point reduction in SELENA-SLEDAI from baseline,
 *   2. no new BILAG A organ-domain score and no more than 1 new BILAG B score, and
 *   3. no deterioration in the Physician's Global Assessment by ≥ 0.3 points (0–3 scale).
 * Furie 2009 used the classic BILAG (8 organ domains, as in the BLISS trials); current trials use
 * BILAG-2004 (9 domains), so both are accepted and named. Trial rules such as "no treatment
 * failure or prohibited medication" are protocol additions [D], not part of the index.
 */
import { z } from "zod";
import { type Phrase, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { FURIE_2009, fmt, hundredths, Pga, signed } from "./sources.ts";

/** Reduction from baseline needed (Furie 2009: "≥ 4-point reduction"). */
const SLEDAI_REDUCTION_MIN = 4;
/** New BILAG A scores allowed (Furie 2009: "no new BILAG A"). */
const NEW_A_MAX = 0;
/** New BILAG B scores allowed (Furie 2009: "no more than 1 new BILAG B"). */
const NEW_B_MAX = 1;
/** PGA deterioration that fails the response (Furie 2009: "by ≥ 0.3 points"). */
const PGA_WORSENING_MIN = 0.3;

// BILAG-2004 organ domains (Isenberg 2005; BILAG-2004 index form, revision 2009).
const BILAG_2004_DOMAINS = [
  "constitutional",
  "mucocutaneous",
  "neuropsychiatric",
  "musculoskeletal",
  "cardiorespiratory",
  "gastrointestinal",
  "ophthalmic",
  "renal",
  "hematological",
] as const;
// Classic BILAG organ domains, as used for the SRI in the belimumab trials (Furie 2009; BLISS).
const BILAG_CLASSIC_DOMAINS = [
  "general",
  "mucocutaneous",
  "neurological",
  "musculoskeletal",
  "cardiovascularRespiratory",
  "vasculitis",
  "renal",
  "hematological",
] as const;

const BilagGrade = z.enum(["A", "B", "C", "D", "E"]);
const domains = <K extends string>(keys: readonly K[], when: string) =>
  z
    .strictObject(
      Object.fromEntries(
        keys.map((k) => [
          k,
          BilagGrade.describe(`BILAG ${k} domain score at ${when} (A most active … E never involved)`),
        ]),
      ) as Record<K, typeof BilagGrade>,
    )
    .describe(`BILAG organ-domain scores at ${when}, every domain required`);

const shared = {
  sledaiVersion: z
    .enum(["SELENA_SLEDAI", "SLEDAI_2K"])
    .describe(
      "Which SLEDAI both scores are (Furie 2009 used SELENA-SLEDAI; some trials use SLEDAI-2K); the same at both visits",
    ),
  sledaiBaseline: z.number().int().min(0).max(105).describe("SLEDAI total at baseline (points, 0–105)"),
  sledaiVisit: z.number().int().min(0).max(105).describe("SLEDAI total at this visit (points, 0–105)"),
  pgaBaseline: Pga("Baseline"),
  pgaVisit: Pga("This visit"),
};

const Sri4Input = z.discriminatedUnion("bilagVersion", [
  z.strictObject({
    ...shared,
    bilagVersion: z.literal("BILAG_2004").describe("BILAG-2004 index, 9 organ domains"),
    bilagBaseline: domains(BILAG_2004_DOMAINS, "baseline"),
    bilagVisit: domains(BILAG_2004_DOMAINS, "this visit"),
  }),
  z.strictObject({
    ...shared,
    bilagVersion: z.literal("CLASSIC").describe("Classic BILAG index, 8 organ domains (as in Furie 2009)"),
    bilagBaseline: domains(BILAG_CLASSIC_DOMAINS, "baseline"),
    bilagVisit: domains(BILAG_CLASSIC_DOMAINS, "this visit"),
  }),
]);

/** The sentences of the SRI-4 (decision 0041); the web catalogues word them under reasons.sri4.*. */
export const SRI4_REASONS = reasonFamily(
  "sri4",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.responder": "SRI-4 responder",
    "label.nonResponder": "SRI-4 non-responder",
    "sledai.met": "{{sledai, term}} {{baseline}} → {{visit}}: reduction {{reduction}} ≥ {{min}} points.",
    "sledai.notMet":
      "{{sledai, term}} {{baseline}} → {{visit}}: reduction {{reduction}} < {{min}} points (not met).",
    "bilag.met":
      "{{bilag, term}}: {{newA, phrase}} (≤ {{maxA}} allowed) and {{newB, phrase}} (≤ {{maxB}} allowed).",
    "bilag.notMet":
      "{{bilag, term}}: {{newA, phrase}} (≤ {{maxA}} allowed) and {{newB, phrase}} (≤ {{maxB}} allowed) (not met).",
    "pga.met": "PGA {{baseline}} → {{visit}}: change {{change}} < +{{min}} worsening.",
    "pga.notMet": "PGA {{baseline}} → {{visit}}: change {{change}} ≥ +{{min}} worsening (not met).",
    "phrase.newA": "{{count}} new A",
    "phrase.newAIn": "{{count}} new A ({{domains, termlist}})",
    "phrase.newB": "{{count}} new B",
    "phrase.newBIn": "{{count}} new B ({{domains, termlist}})",
  },
  {
    sledaiVersion: { SELENA_SLEDAI: "SELENA-SLEDAI", SLEDAI_2K: "SLEDAI-2K" },
    bilagVersion: { CLASSIC: "Classic BILAG", BILAG_2004: "BILAG-2004" },
    // The domain names in words (issue 11); the one two-word key spelled out.
    bilagDomain: Object.fromEntries(
      [...new Set([...BILAG_2004_DOMAINS, ...BILAG_CLASSIC_DOMAINS])].map((d) => [
        d,
        d === "cardiovascularRespiratory" ? "cardiovascular and respiratory" : d,
      ]),
    ),
  },
);

export const sri4 = defineCalculator({
  name: "sri-4",
  title: "SLE Responder Index (SRI-4)",
  source: FURIE_2009,
  ruleSet: "SRI-4 (Furie 2009)",
  ruleSetVersion: "1",
  input: Sri4Input,
  evaluate(v) {
    const atBaseline = v.bilagBaseline as Record<string, string>;
    const visit = v.bilagVisit as Record<string, string>;
    // A "new A" is an A at the visit in a domain that was not A at baseline; a "new B" is a B at
    // the visit in a domain that was C, D or E at baseline (an A improving to B is not new).
    const newA = Object.keys(visit).filter((d) => visit[d] === "A" && atBaseline[d] !== "A");
    const newB = Object.keys(visit).filter(
      (d) => visit[d] === "B" && ["C", "D", "E"].includes(atBaseline[d]!),
    );
    const reduction = v.sledaiBaseline - v.sledaiVisit;
    const dPga = hundredths(v.pgaVisit) - hundredths(v.pgaBaseline);

    const sledaiOk = reduction >= SLEDAI_REDUCTION_MIN;
    const bilagOk = newA.length <= NEW_A_MAX && newB.length <= NEW_B_MAX;
    const pgaOk = dPga < hundredths(PGA_WORSENING_MIN);
    const R = SRI4_REASONS;
    const newPhrase = (ds: string[], bare: "phrase.newA" | "phrase.newB"): Phrase =>
      ds.length === 0
        ? R.phrase(bare, { count: 0 })
        : R.phrase(`${bare}In`, { count: ds.length, domains: ds.map((d) => `bilagDomain.${d}`) });
    const sledai = {
      sledai: `sledaiVersion.${v.sledaiVersion}`,
      baseline: v.sledaiBaseline,
      visit: v.sledaiVisit,
      reduction,
      min: SLEDAI_REDUCTION_MIN,
    };
    const bilag = {
      bilag: `bilagVersion.${v.bilagVersion}`,
      newA: newPhrase(newA, "phrase.newA"),
      maxA: NEW_A_MAX,
      newB: newPhrase(newB, "phrase.newB"),
      maxB: NEW_B_MAX,
    };
    const pga = {
      baseline: fmt(v.pgaBaseline),
      visit: fmt(v.pgaVisit),
      change: signed(dPga / 100),
      min: PGA_WORSENING_MIN,
    };
    const reasons = [
      sledaiOk ? R.say("sledai.met", sledai) : R.say("sledai.notMet", sledai),
      bilagOk ? R.say("bilag.met", bilag) : R.say("bilag.notMet", bilag),
      pgaOk ? R.say("pga.met", pga) : R.say("pga.notMet", pga),
    ];
    const responder = sledaiOk && bilagOk && pgaOk;
    return {
      value: responder ? "RESPONDER" : "NON_RESPONDER",
      label: R.say(responder ? "label.responder" : "label.nonResponder"),
      reasons,
      details: {
        sledaiReduction: reduction,
        newBilagA: newA,
        newBilagB: newB,
        pgaChange: dPga / 100,
        criteria: { sledaiReduction: sledaiOk, noNewBilagAOrTwoB: bilagOk, noPgaWorsening: pgaOk },
      },
    };
  },
});
