/**
 * Classic SELENA-SLEDAI Flare Index (SFI): the visit is compared with the previous one; a flare is
 * mild/moderate or severe when any one criterion of that category is met, and severe takes
 * precedence. Criteria: Petri 2005 (SELENA trial) as tabulated in the ARD 2019 SLE-indices table
 * (reference notes §5.2). The treatment criteria tend to over-grade flares (Thanou 2014): use the
 * classic SFI only where the protocol asks for it.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { fmt, hundredths, PETRI_2005, Pga, PrednisoloneMgPerDay, signed } from "./sources.ts";

// Petri 2005 SFI, mild/moderate: "new/worse discoid, photosensitive, profundus, cutaneous
// vasculitis, bullous lupus; nasopharyngeal ulcers; pleuritis; pericarditis; arthritis; fever (SLE)".
const MILD_MODERATE_MANIFESTATIONS = {
  DISCOID_LUPUS: "discoid lupus",
  PHOTOSENSITIVE_LUPUS: "photosensitive lupus",
  LUPUS_PROFUNDUS: "lupus profundus",
  CUTANEOUS_VASCULITIS: "cutaneous vasculitis",
  BULLOUS_LUPUS: "bullous lupus",
  NASOPHARYNGEAL_ULCERS: "nasopharyngeal ulcers",
  PLEURITIS: "pleuritis",
  PERICARDITIS: "pericarditis",
  ARTHRITIS: "arthritis",
  SLE_FEVER: "fever due to SLE",
} as const;

// Petri 2005 SFI, severe: "new/worse CNS-SLE, vasculitis, nephritis, myositis" (platelets and
// haemolytic anaemia carry numeric thresholds and have their own fields below).
const SEVERE_MANIFESTATIONS = {
  CNS_SLE: "CNS lupus",
  VASCULITIS: "vasculitis",
  NEPHRITIS: "nephritis",
  MYOSITIS: "myositis",
} as const;

// Petri 2005 SFI, severe: "new cyclophosphamide, azathioprine, methotrexate" for SLE; some later
// trial versions add mycophenolate (reference notes §5.2), so that one needs the protocol's word.
const IMMUNOSUPPRESSIVES = ["CYCLOPHOSPHAMIDE", "AZATHIOPRINE", "METHOTREXATE", "MYCOPHENOLATE"] as const;

/** SELENA-SLEDAI above this is severe activity (Petri 2005: "... to > 12"). */
const SLEDAI_SEVERE_ABOVE = 12;
/** A rise of at least this many points is a mild/moderate flare (Petri 2005: "≥ 3 points"). */
const SLEDAI_RISE_MIN = 3;
/** PGA rise of at least 1.0 is mild/moderate (Petri 2005: "≥ 1.0 increase ... but not to > 2.5"). */
const PGA_RISE_MIN = 1.0;
/** PGA rising above 2.5 is severe (Petri 2005: "increase to > 2.5"). */
const PGA_SEVERE_ABOVE = 2.5;
/** Prednisone raised above 0.5 mg/kg/day is severe (Petri 2005). */
const PREDNISONE_SEVERE_MG_PER_KG = 0.5;
/** Platelets below 60,000/µL are severe (Petri 2005: "Plt < 60,000"). */
const PLATELETS_SEVERE_BELOW_PER_UL = 60_000;
/** Haemolytic anaemia is severe with Hb < 7 g/dL or a fall > 3 g/dL (Petri 2005). */
const HB_SEVERE_BELOW_GDL = 7;
const HB_SEVERE_FALL_ABOVE_GDL = 3;

const SledaiScore = (what: string) =>
  z.number().int().min(0).max(105).describe(`${what}: SELENA-SLEDAI total score (points, 0–105)`);

const SfiInput = z
  .strictObject({
    selenaSledaiPrevious: SledaiScore("Previous visit"),
    selenaSledaiCurrent: SledaiScore("This visit"),
    pgaPrevious: Pga("Previous visit"),
    pgaCurrent: Pga("This visit"),
    newOrWorseMildModerateManifestations: z
      .array(z.enum(Object.keys(MILD_MODERATE_MANIFESTATIONS) as [keyof typeof MILD_MODERATE_MANIFESTATIONS]))
      .describe(
        "Manifestations new or worse since the previous visit that the classic SFI counts as mild/moderate " +
          "(discoid, photosensitive, profundus or bullous lupus, cutaneous vasculitis, nasopharyngeal ulcers, " +
          "pleuritis, pericarditis, arthritis, SLE fever); [] when none",
      ),
    newOrWorseSevereManifestations: z
      .array(z.enum(Object.keys(SEVERE_MANIFESTATIONS) as [keyof typeof SEVERE_MANIFESTATIONS]))
      .describe(
        "Manifestations new or worse since the previous visit counted as severe (CNS-SLE, vasculitis, nephritis, myositis); [] when none",
      ),
    newOrWorseThrombocytopenia: z
      .boolean()
      .describe(
        "New or worse thrombocytopenia due to SLE since the previous visit (then plateletsPerUl is required)",
      ),
    plateletsPerUl: z
      .number()
      .min(0)
      .max(5_000_000)
      .optional()
      .describe(
        "Platelet count at this visit, cells/µL (60,000/µL = 60 × 10⁹/L); required when newOrWorseThrombocytopenia",
      ),
    hemolyticAnemia: z
      .boolean()
      .describe(
        "New or worse haemolytic anaemia due to SLE since the previous visit (then both haemoglobin values are required)",
      ),
    hemoglobinGdl: z
      .number()
      .min(0)
      .max(30)
      .optional()
      .describe("Haemoglobin at this visit, g/dL; required when hemolyticAnemia"),
    hemoglobinPreviousGdl: z
      .number()
      .min(0)
      .max(30)
      .optional()
      .describe("Haemoglobin at the previous visit, g/dL; required when hemolyticAnemia"),
    prednisonePreviousMgPerDay: PrednisoloneMgPerDay("Previous visit"),
    prednisoneCurrentMgPerDay: PrednisoloneMgPerDay("This visit"),
    weightKg: z
      .number()
      .positive()
      .max(400)
      .optional()
      .describe("Body weight, kg; required when the prednisone dose rose (the 0.5 mg/kg/day threshold)"),
    nsaidOrHydroxychloroquineAddedForSle: z
      .boolean()
      .describe("An NSAID or hydroxychloroquine was added for SLE activity since the previous visit"),
    newImmunosuppressivesForSle: z
      .array(z.enum(IMMUNOSUPPRESSIVES))
      .describe("Immunosuppressives newly started for SLE activity since the previous visit; [] when none"),
    mycophenolateCountsAsSevere: z
      .boolean()
      .optional()
      .describe(
        "Protocol setting, required when mycophenolate is listed: the classic SFI names only cyclophosphamide, " +
          "azathioprine and methotrexate; some later versions add mycophenolate",
      ),
    hospitalizationForSle: z.boolean().describe("Hospitalised for SLE activity since the previous visit"),
  })
  .superRefine((v, ctx) => {
    if (v.newOrWorseThrombocytopenia && v.plateletsPerUl === undefined)
      ruleIssue(
        ctx,
        ["plateletsPerUl"],
        "Give the platelet count (cells/µL) when a new or worse thrombocytopenia is recorded.",
        "selena_platelets_required" satisfies SelenaFlareCheck,
      );
    if (v.hemolyticAnemia) {
      for (const f of ["hemoglobinGdl", "hemoglobinPreviousGdl"] as const)
        if (v[f] === undefined)
          ruleIssue(
            ctx,
            [f],
            `Give the ${f === "hemoglobinGdl" ? "current" : "previous"} haemoglobin (g/dL) when haemolytic anaemia is recorded.`,
            "selena_hemoglobin_required" satisfies SelenaFlareCheck,
          );
    }
    if (v.prednisoneCurrentMgPerDay > v.prednisonePreviousMgPerDay && v.weightKg === undefined)
      ruleIssue(
        ctx,
        ["weightKg"],
        "Give the body weight (kg) when the prednisone dose rose: the severe threshold is 0.5 mg/kg/day",
        "selena_weight_required" satisfies SelenaFlareCheck,
      );
    if (
      v.newImmunosuppressivesForSle.includes("MYCOPHENOLATE") &&
      v.mycophenolateCountsAsSevere === undefined
    )
      ruleIssue(
        ctx,
        ["mycophenolateCountsAsSevere"],
        "Say whether the protocol counts new mycophenolate as a severe flare (the classic SFI does not list it)",
        "selena_mycophenolate_setting_required" satisfies SelenaFlareCheck,
      );
  });

export type SfiCategory = "NONE" | "MILD_MODERATE" | "SEVERE";

/**
 * The sentences of the SFI (decision 0041); the web catalogues word them under reasons.selenaFlare.*.
 * Each criterion met is a phrase, quoted by the sentence that says which category it counts for.
 */
export const SELENA_FLARE_REASONS = reasonFamily(
  "selenaFlare",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.severe": "Severe flare",
    "label.mild": "Mild/moderate flare",
    "label.none": "No flare",
    severe: "Severe flare: {{criterion, phrase}}",
    alsoMild: "Also met (mild/moderate): {{criterion, phrase}}",
    mild: "Mild/moderate flare: {{criterion, phrase}}",
    none:
      "No flare criterion met: SELENA-SLEDAI change {{sledaiChange}} (< {{sledaiMin}}), PGA change {{pgaChange}} " +
      "(< {{pgaMin}}), no new or worse SFI manifestation, no qualifying treatment change.",
    "note.platelets":
      "Thrombocytopenia reported with platelets {{platelets}}/µL (not < {{below}}/µL): not an SFI criterion.",
    "note.haemolysis":
      "Haemolytic anaemia reported with Hb {{hb}} g/dL (not < {{below}}) and a fall of {{fall}} g/dL " +
      "(not > {{above}}): not an SFI criterion.",
    "note.mycophenolate":
      "New mycophenolate not counted: the classic SFI lists cyclophosphamide, azathioprine and methotrexate " +
      "only (protocol setting).",
    "phrase.sledai.severe": "SELENA-SLEDAI rose from {{previous}} to {{current}} (to > {{above}}).",
    "phrase.sledai.rise":
      "SELENA-SLEDAI rose by {{rise}} ({{previous}} → {{current}}; ≥ {{min}} points, not to > {{above}}).",
    "phrase.pga.severe": "PGA rose from {{previous}} to {{current}} (to > {{above}}).",
    "phrase.pga.rise": "PGA rose by {{rise}} ({{previous}} → {{current}}; ≥ {{min}}, not to > {{above}}).",
    "phrase.manifestation": "New or worse {{manifestation, term}}.",
    "phrase.platelets": "New or worse thrombocytopenia: platelets {{platelets}}/µL (< {{below}}/µL).",
    "phrase.haemolysis.low": "New or worse haemolytic anaemia with Hb {{hb}} g/dL (< {{below}} g/dL).",
    "phrase.haemolysis.fall":
      "New or worse haemolytic anaemia with Hb falling {{fall}} g/dL ({{previous}} → {{current}}; > {{above}} g/dL).",
    "phrase.prednisone.perKg":
      "Prednisone raised from {{previous}} to {{current}} mg/day = {{perKg}} mg/kg/day at {{weight}} kg " +
      "(> {{limit}} mg/kg/day).",
    "phrase.prednisone.doubled":
      "Prednisone doubled: {{previous}} → {{current}} mg/day (≥ 2 × previous dose).",
    "phrase.prednisone.raised":
      "Prednisone raised from {{previous}} to {{current}} mg/day ({{perKg}} mg/kg/day, not > {{limit}}; not doubled).",
    "phrase.hospitalised": "Hospitalised for SLE activity.",
    "phrase.immunosuppressive": "New {{drug, term}} for SLE.",
    "phrase.nsaidOrHydroxychloroquine": "NSAID or hydroxychloroquine added for SLE activity.",
  },
  {
    // The English quotes the finding with the input's code, e.g. "nephritis (NEPHRITIS)".
    sfiManifestation: Object.fromEntries(
      Object.entries({ ...MILD_MODERATE_MANIFESTATIONS, ...SEVERE_MANIFESTATIONS }).map(([code, text]) => [
        code,
        `${text} (${code})`,
      ]),
    ),
    sfiImmunosuppressive: Object.fromEntries(IMMUNOSUPPRESSIVES.map((d) => [d, d.toLowerCase()])),
  },
);
const R = SELENA_FLARE_REASONS;

export const selenaFlare = defineCalculator({
  name: "selena-flare",
  title: "SELENA-SLEDAI Flare Index (classic SFI)",
  source: PETRI_2005,
  ruleSet: "Classic SELENA-SLEDAI Flare Index (Petri 2005)",
  ruleSetVersion: "1",
  input: SfiInput,
  evaluate(v) {
    const severe: Phrase[] = [];
    const mild: Phrase[] = [];
    const notes: ReasonEntry[] = [];

    // SELENA-SLEDAI score. [D] "Increase to > 12" is read as: the score rose and is now > 12 (a
    // patient already above 12 whose score rises still flares severely); a rise of ≥ 3 that stays
    // ≤ 12 is mild/moderate.
    const prevS = v.selenaSledaiPrevious;
    const curS = v.selenaSledaiCurrent;
    const dS = curS - prevS;
    if (dS > 0 && curS > SLEDAI_SEVERE_ABOVE)
      severe.push(
        R.phrase("phrase.sledai.severe", { previous: prevS, current: curS, above: SLEDAI_SEVERE_ABOVE }),
      );
    else if (dS >= SLEDAI_RISE_MIN)
      mild.push(
        R.phrase("phrase.sledai.rise", {
          rise: dS,
          previous: prevS,
          current: curS,
          min: SLEDAI_RISE_MIN,
          above: SLEDAI_SEVERE_ABOVE,
        }),
      );

    // PGA, compared in hundredths so that 0.7 → 1.7 is exactly +1.0.
    const dPga = hundredths(v.pgaCurrent) - hundredths(v.pgaPrevious);
    if (dPga > 0 && hundredths(v.pgaCurrent) > hundredths(PGA_SEVERE_ABOVE))
      severe.push(
        R.phrase("phrase.pga.severe", {
          previous: fmt(v.pgaPrevious),
          current: fmt(v.pgaCurrent),
          above: PGA_SEVERE_ABOVE,
        }),
      );
    else if (dPga >= hundredths(PGA_RISE_MIN))
      mild.push(
        R.phrase("phrase.pga.rise", {
          rise: fmt(dPga / 100),
          previous: fmt(v.pgaPrevious),
          current: fmt(v.pgaCurrent),
          min: fmt(PGA_RISE_MIN),
          above: PGA_SEVERE_ABOVE,
        }),
      );

    // Manifestations.
    for (const m of new Set(v.newOrWorseSevereManifestations))
      severe.push(R.phrase("phrase.manifestation", { manifestation: `sfiManifestation.${m}` }));
    for (const m of new Set(v.newOrWorseMildModerateManifestations))
      mild.push(R.phrase("phrase.manifestation", { manifestation: `sfiManifestation.${m}` }));
    if (v.newOrWorseThrombocytopenia && v.plateletsPerUl !== undefined) {
      if (v.plateletsPerUl < PLATELETS_SEVERE_BELOW_PER_UL)
        severe.push(
          R.phrase("phrase.platelets", { platelets: v.plateletsPerUl, below: PLATELETS_SEVERE_BELOW_PER_UL }),
        );
      else
        notes.push(
          R.say("note.platelets", { platelets: v.plateletsPerUl, below: PLATELETS_SEVERE_BELOW_PER_UL }),
        );
    }
    if (v.hemolyticAnemia && v.hemoglobinGdl !== undefined && v.hemoglobinPreviousGdl !== undefined) {
      const fall = hundredths(v.hemoglobinPreviousGdl) - hundredths(v.hemoglobinGdl);
      if (hundredths(v.hemoglobinGdl) < hundredths(HB_SEVERE_BELOW_GDL))
        severe.push(
          R.phrase("phrase.haemolysis.low", { hb: fmt(v.hemoglobinGdl), below: HB_SEVERE_BELOW_GDL }),
        );
      else if (fall > hundredths(HB_SEVERE_FALL_ABOVE_GDL))
        severe.push(
          R.phrase("phrase.haemolysis.fall", {
            fall: fmt(fall / 100),
            previous: fmt(v.hemoglobinPreviousGdl),
            current: fmt(v.hemoglobinGdl),
            above: HB_SEVERE_FALL_ABOVE_GDL,
          }),
        );
      else
        notes.push(
          R.say("note.haemolysis", {
            hb: fmt(v.hemoglobinGdl),
            below: HB_SEVERE_BELOW_GDL,
            fall: fmt(fall / 100),
            above: HB_SEVERE_FALL_ABOVE_GDL,
          }),
        );
    }

    // Prednisone. [D] "Doubling" needs a previous dose above 0 (starting prednisone is an increase,
    // severe only when it exceeds 0.5 mg/kg/day).
    const prevP = v.prednisonePreviousMgPerDay;
    const curP = v.prednisoneCurrentMgPerDay;
    if (curP > prevP && v.weightKg !== undefined) {
      const limit = PREDNISONE_SEVERE_MG_PER_KG * v.weightKg;
      const perKg = (curP / v.weightKg).toFixed(2);
      let severeDose = false;
      if (curP > limit) {
        severeDose = true;
        severe.push(
          R.phrase("phrase.prednisone.perKg", {
            previous: fmt(prevP),
            current: fmt(curP),
            perKg,
            weight: fmt(v.weightKg),
            limit: PREDNISONE_SEVERE_MG_PER_KG,
          }),
        );
      }
      if (prevP > 0 && curP >= 2 * prevP) {
        severeDose = true;
        severe.push(R.phrase("phrase.prednisone.doubled", { previous: fmt(prevP), current: fmt(curP) }));
      }
      if (!severeDose)
        mild.push(
          R.phrase("phrase.prednisone.raised", {
            previous: fmt(prevP),
            current: fmt(curP),
            perKg,
            limit: PREDNISONE_SEVERE_MG_PER_KG,
          }),
        );
    }

    // Other treatment.
    if (v.hospitalizationForSle) severe.push(R.phrase("phrase.hospitalised"));
    for (const drug of new Set(v.newImmunosuppressivesForSle)) {
      if (drug === "MYCOPHENOLATE" && v.mycophenolateCountsAsSevere !== true)
        notes.push(R.say("note.mycophenolate"));
      else severe.push(R.phrase("phrase.immunosuppressive", { drug: `sfiImmunosuppressive.${drug}` }));
    }
    if (v.nsaidOrHydroxychloroquineAddedForSle) mild.push(R.phrase("phrase.nsaidOrHydroxychloroquine"));

    const value: SfiCategory = severe.length > 0 ? "SEVERE" : mild.length > 0 ? "MILD_MODERATE" : "NONE";
    const reasons: ReasonEntry[] =
      value === "SEVERE"
        ? [
            ...severe.map((criterion) => R.say("severe", { criterion })),
            ...mild.map((criterion) => R.say("alsoMild", { criterion })),
          ]
        : value === "MILD_MODERATE"
          ? mild.map((criterion) => R.say("mild", { criterion }))
          : [
              R.say("none", {
                sledaiChange: signed(dS),
                sledaiMin: SLEDAI_RISE_MIN,
                pgaChange: signed(dPga / 100),
                pgaMin: fmt(PGA_RISE_MIN),
              }),
            ];
    reasons.push(...notes);
    return {
      value,
      label: R.say(
        value === "SEVERE" ? "label.severe" : value === "MILD_MODERATE" ? "label.mild" : "label.none",
      ),
      reasons,
      details: {
        selenaSledaiChange: dS,
        pgaChange: dPga / 100,
        severeCriteriaMet: severe.length,
        mildModerateCriteriaMet: mild.length,
      },
    };
  },
});

/** The codes of the selena-flare input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const SELENA_FLARE_CHECKS = [
  "selena_platelets_required",
  "selena_hemoglobin_required",
  "selena_weight_required",
  "selena_mycophenolate_setting_required",
] as const;
export type SelenaFlareCheck = (typeof SELENA_FLARE_CHECKS)[number];
