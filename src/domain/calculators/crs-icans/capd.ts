/**
 * Cornell Assessment of Pediatric Delirium (CAPD): eight observed behaviours, each rated over the
 * shift as never / rarely / sometimes / often / always and scored 0–4, total 0–32.
 *
 * Source: Traube C et al., Crit Care Med 2014;42(3):656–663. Items 1–4 (eye contact, purposeful
 * actions, awareness of surroundings, communicating needs and wants) are reverse-scored (never = 4 …
 * always = 0); items 5–8 (restless, inconsolable, underactive, slow to respond) are scored never = 0 …
 * always = 4. A total ≥ 9 is a positive delirium screen (the validated cut point, Traube 2014).
 * ICANS bands for children (Lee DW et al., Biol Blood Marrow Transplant 2019;25(4):625–638, pediatric
 * ICANS table, CAPD row): CAPD 1–8 → grade 1 (grade 2 only through the consciousness domain),
 * CAPD ≥ 9 → grade 3, unable to perform the CAPD → grade 4.
 */
import { z } from "zod";
import { reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { RULE_SET_CAPD, TRAUBE_2014 } from "./sources.ts";

export const CapdRating = z.enum(["NEVER", "RARELY", "SOMETIMES", "OFTEN", "ALWAYS"]);
export type CapdRating = z.infer<typeof CapdRating>;

/** Traube 2014: CAPD total ≥ 9 is a positive delirium screen. */
export const CAPD_POSITIVE_THRESHOLD = 9;
export const CAPD_MAX = 32;

const FORWARD: Record<CapdRating, number> = { NEVER: 0, RARELY: 1, SOMETIMES: 2, OFTEN: 3, ALWAYS: 4 };
const REVERSE: Record<CapdRating, number> = { NEVER: 4, RARELY: 3, SOMETIMES: 2, OFTEN: 1, ALWAYS: 0 };

const rev = (q: string) => CapdRating.describe(`${q} Reverse-scored: never = 4 … always = 0.`);
const fwd = (q: string) => CapdRating.describe(`${q} Scored never = 0 … always = 4.`);

/** The eight CAPD items, rated by frequency over the shift (Traube 2014). */
export const CapdItems = z.strictObject({
  eyeContact: rev("1. Does the child make eye contact with the caregiver?"),
  purposefulActions: rev("2. Are the child's actions purposeful?"),
  awareOfSurroundings: rev("3. Is the child aware of their surroundings?"),
  communicatesNeedsAndWants: rev("4. Does the child communicate needs and wants?"),
  restless: fwd("5. Is the child restless?"),
  inconsolable: fwd("6. Is the child inconsolable?"),
  underactive: fwd("7. Is the child underactive — very little movement while awake?"),
  slowToRespond: fwd("8. Does it take the child a long time to respond to interactions?"),
});
export type CapdItems = z.output<typeof CapdItems>;

const REVERSED_ITEMS = [
  "eyeContact",
  "purposefulActions",
  "awareOfSurroundings",
  "communicatesNeedsAndWants",
] as const;
const FORWARD_ITEMS = ["restless", "inconsolable", "underactive", "slowToRespond"] as const;

export interface CapdScore {
  total: number;
  itemPoints: Record<keyof CapdItems, number>;
  positiveScreen: boolean;
}

export function capdScore(items: CapdItems): CapdScore {
  const itemPoints = {} as Record<keyof CapdItems, number>;
  for (const k of REVERSED_ITEMS) itemPoints[k] = REVERSE[items[k]];
  for (const k of FORWARD_ITEMS) itemPoints[k] = FORWARD[items[k]];
  const total = Object.values(itemPoints).reduce((a, b) => a + b, 0);
  return { total, itemPoints, positiveScreen: total >= CAPD_POSITIVE_THRESHOLD };
}

/**
 * ICANS grade of the CAPD domain for a performed CAPD (Lee 2019, pediatric ICANS table):
 * 0 → 0, 1–8 → 1, ≥ 9 → 3.
 */
export function capdBandGrade(total: number): 0 | 1 | 3 {
  if (total >= CAPD_POSITIVE_THRESHOLD) return 3;
  if (total >= 1) return 1;
  return 0;
}

/** The sentences of the CAPD (decision 0041); the web catalogues word them under reasons.capd.*. */
export const CAPD_REASONS = reasonFamily("capd", {
  // The result's label, coded like the reasons (decision 0041).
  "label.positive": "CAPD {{total}}/{{max}} (positive screen)",
  "label.negative": "CAPD {{total}}/{{max}} (negative screen)",
  "items.reversed":
    "Items 1–4 (reverse-scored): eye contact {{eyeContact}}, purposeful actions {{purposefulActions}}, " +
    "awareness {{awareOfSurroundings}}, communicates needs {{communicatesNeedsAndWants}} = {{sum}}.",
  "items.forward":
    "Items 5–8: restless {{restless}}, inconsolable {{inconsolable}}, underactive {{underactive}}, " +
    "slow to respond {{slowToRespond}} = {{sum}}.",
  "screen.positive": "CAPD {{total}} ≥ {{threshold}}: positive delirium screen (Traube 2014).",
  "screen.negative": "CAPD {{total}} < {{threshold}}: negative delirium screen (Traube 2014).",
  "band.none": "CAPD 0: no ICANS from the CAPD domain (Lee 2019).",
  "band.grade":
    "For a child under 12, CAPD {{range}} is the ICANS grade {{grade}} band of the encephalopathy domain " +
    "(Lee 2019), if not attributable to another cause.",
});

export const capd = defineCalculator({
  name: "capd",
  title: "Cornell Assessment of Pediatric Delirium (CAPD)",
  source: TRAUBE_2014,
  ruleSet: RULE_SET_CAPD,
  ruleSetVersion: "1",
  input: CapdItems,
  evaluate(items) {
    const s = capdScore(items);
    const p = s.itemPoints;
    const reversed = REVERSED_ITEMS.reduce((a, k) => a + p[k], 0);
    const forward = FORWARD_ITEMS.reduce((a, k) => a + p[k], 0);
    const band = capdBandGrade(s.total);
    const R = CAPD_REASONS;
    const screen = { total: s.total, threshold: CAPD_POSITIVE_THRESHOLD };
    const reasons = [
      R.say("items.reversed", { ...p, sum: reversed }),
      R.say("items.forward", { ...p, sum: forward }),
      s.positiveScreen ? R.say("screen.positive", screen) : R.say("screen.negative", screen),
      band === 0
        ? R.say("band.none")
        : R.say("band.grade", { range: band === 3 ? `≥ ${CAPD_POSITIVE_THRESHOLD}` : "1–8", grade: band }),
    ];
    return {
      value: s.total,
      label: R.say(s.positiveScreen ? "label.positive" : "label.negative", { total: s.total, max: CAPD_MAX }),
      reasons,
      details: { itemPoints: s.itemPoints, positiveScreen: s.positiveScreen, icansBandGrade: band },
    };
  },
});
