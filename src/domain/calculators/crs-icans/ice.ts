/**
 * Immune effector Cell-associated Encephalopathy (ICE) score, 0–10, from its ten items.
 *
 * Source: Lee DW et al., Biol Blood Marrow Transplant 2019;25(4):625–638, ICE table ("Encephalopathy
 * assessment tools for grading of ICANS"): orientation to year, month, city, hospital (1 point each,
 * 4 in all); naming three objects (1 each, 3 in all); following simple commands (1); writing a
 * standard sentence (1); attention — counting backwards from 100 by 10 (1). 10 is normal.
 * The ICANS bands quoted in the reasons (10 → 0, 7–9 → 1, 3–6 → 2, 0–2 → 3) are from the ICANS table
 * (Lee 2019, adult ICANS grading, ICE row).
 */
import { z } from "zod";
import { reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { LEE_2019, RULE_SET_ASTCT } from "./sources.ts";

const item = (what: string) => z.boolean().describe(`${what}: true = done correctly (1 point), false = 0`);

/** The ten ICE items, each worth 1 point when done correctly (Lee 2019, ICE table). */
export const IceItems = z.strictObject({
  orientationYear: item("Orientation: states the year"),
  orientationMonth: item("Orientation: states the month"),
  orientationCity: item("Orientation: states the city"),
  orientationHospital: item("Orientation: states the hospital"),
  namingObject1: item("Naming: names the first object shown (e.g. clock)"),
  namingObject2: item("Naming: names the second object shown (e.g. pen)"),
  namingObject3: item("Naming: names the third object shown (e.g. button)"),
  followsCommands: item('Follows simple commands (e.g. "show me 2 fingers")'),
  writesStandardSentence: item("Writes a standard sentence"),
  countsBackwardsBy10: item("Attention: counts backwards from 100 by 10"),
});
export type IceItems = z.output<typeof IceItems>;

/** English wording of each item, the term group "iceItem" of the coded reasons (decision 0041). */
export const ITEM_TEXT: Record<keyof IceItems, string> = {
  orientationYear: "orientation to year",
  orientationMonth: "orientation to month",
  orientationCity: "orientation to city",
  orientationHospital: "orientation to hospital",
  namingObject1: "naming object 1",
  namingObject2: "naming object 2",
  namingObject3: "naming object 3",
  followsCommands: "following commands",
  writesStandardSentence: "writing a standard sentence",
  countsBackwardsBy10: "counting backwards from 100 by 10",
};

export const ICE_MAX = 10;

export interface IceScore {
  score: number;
  orientation: number;
  naming: number;
  commands: number;
  writing: number;
  attention: number;
  missed: string[];
  /** the items missed, by field name, in the order of the table */
  missedItems: (keyof IceItems)[];
}

export function iceScore(items: IceItems): IceScore {
  const pts = (b: boolean) => (b ? 1 : 0);
  const orientation =
    pts(items.orientationYear) +
    pts(items.orientationMonth) +
    pts(items.orientationCity) +
    pts(items.orientationHospital);
  const naming = pts(items.namingObject1) + pts(items.namingObject2) + pts(items.namingObject3);
  const commands = pts(items.followsCommands);
  const writing = pts(items.writesStandardSentence);
  const attention = pts(items.countsBackwardsBy10);
  const missedItems = (Object.keys(ITEM_TEXT) as (keyof IceItems)[]).filter((k) => !items[k]);
  const missed = missedItems.map((k) => ITEM_TEXT[k]);
  return {
    score: orientation + naming + commands + writing + attention,
    orientation,
    naming,
    commands,
    writing,
    attention,
    missed,
    missedItems,
  };
}

/**
 * ICANS grade of the ICE domain for a performed ICE (Lee 2019, adult ICANS table, ICE row):
 * 10 → 0, 7–9 → 1, 3–6 → 2, 0–2 → 3. (Grade 4 needs an unarousable patient who cannot do the ICE.)
 */
export function iceBandGrade(score: number): 0 | 1 | 2 | 3 {
  if (score >= 10) return 0;
  if (score >= 7) return 1;
  if (score >= 3) return 2;
  return 3;
}

const BAND_TEXT = ["10 (normal)", "7–9", "3–6", "0–2"] as const;

/** The sentences of the ICE score (decision 0041); the web catalogues word them under reasons.ice.*. */
export const ICE_REASONS = reasonFamily(
  "ice",
  {
    label: "ICE {{score}}/{{max}}",
    score:
      "ICE {{score}}/{{max}}: orientation {{orientation}}/4, naming {{naming}}/3, commands {{commands}}/1, " +
      "writing {{writing}}/1, attention {{attention}}/1.",
    pointsLost: "Points lost: {{items, termlist}}.",
    normal: "ICE 10 is normal: no ICANS from the ICE domain.",
    band:
      "ICE {{band}} is the ICANS grade {{grade}} band of the ICE domain (Lee 2019), if not attributable to " +
      "another cause.",
  },
  { iceItem: ITEM_TEXT },
);

export const ice = defineCalculator({
  name: "ice",
  title: "ICE score (immune effector cell-associated encephalopathy, ASTCT 2019)",
  source: LEE_2019,
  ruleSet: RULE_SET_ASTCT,
  ruleSetVersion: "1",
  input: IceItems,
  evaluate(items) {
    const s = iceScore(items);
    const band = iceBandGrade(s.score);
    const R = ICE_REASONS;
    const { score, orientation, naming, commands, writing, attention } = s;
    const reasons = [
      R.say("score", { score, max: ICE_MAX, orientation, naming, commands, writing, attention }),
    ];
    if (s.missedItems.length > 0)
      reasons.push(R.say("pointsLost", { items: s.missedItems.map((k) => `iceItem.${k}`) }));
    reasons.push(band === 0 ? R.say("normal") : R.say("band", { band: BAND_TEXT[band], grade: band }));
    return {
      value: s.score,
      label: R.say("label", { score: s.score, max: ICE_MAX }),
      reasons,
      details: {
        orientation: s.orientation,
        naming: s.naming,
        commands: s.commands,
        writing: s.writing,
        attention: s.attention,
        icansBandGrade: band,
      },
    };
  },
});
