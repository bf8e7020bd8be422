/**
 * Fludarabine/cyclophosphamide lymphodepletion: mg per day from mg/m²/day × BSA, with the
 * fludarabine renal adjustment by creatinine clearance (clinical-rules.md §6.3, §6.5).
 *
 * Renal rules for fludarabine (the protocol overrides; default US_LABEL as in §6.5 / §8):
 * - US_LABEL — US prescribing information for fludarabine phosphate injection, USP (Dosage and
 *   Administration, "Renal Insufficiency"; e.g. Pfizer/Hospira label, openFDA record): creatinine
 *   clearance 30–70 mL/min/1.73 m² → 20 % dose reduction; < 30 → do not administer.
 * - US_FLUDARA_LABEL — the US FLUDARA (brand) label, "Starting Dose Adjustment for Renal Impairment",
 *   CrCl by Cockcroft–Gault: ≥ 80 mL/min full dose (25 mg/m²); 50–79 → 20 mg/m² (−20 %);
 *   30–49 → 15 mg/m² (−40 %); < 30 → do not administer. Not in clinical-rules.md; added because US
 *   labels disagree (see README).
 * - EU_SMPC — EU SmPC (Fludara and generics, section 4.2): CrCl 30–70 mL/min → reduce "by up to
 *   50 %" (the reduction is the clinician's choice, so it is an input); < 30 → contraindicated (4.3).
 * - PROTOCOL — the protocol's own band table.
 * Cyclophosphamide has no CrCl band rule in these sources, so it is not adjusted here.
 */
import { z } from "zod";
import { ruleIssue } from "../../errors.ts";
import { type Phrase, type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { fmt } from "./format.ts";

export const LD_DRUGS = ["FLUDARABINE", "CYCLOPHOSPHAMIDE"] as const;
export type LdDrug = (typeof LD_DRUGS)[number];
const DRUG_NAMES: Record<LdDrug, string> = {
  FLUDARABINE: "Fludarabine",
  CYCLOPHOSPHAMIDE: "Cyclophosphamide",
};

/**
 * Plausibility ceilings in mg/m²/day [D], to catch mg-for-mg/m² slips. Published CAR-T lymphodepletion
 * uses fludarabine 25–30 (up to 40 in 2-day schedules) and cyclophosphamide 250–1000 mg/m²/day.
 */
export const MAX_MG_PER_M2_PER_DAY: Record<LdDrug, number> = { FLUDARABINE: 50, CYCLOPHOSPHAMIDE: 3000 };
/** Lymphodepletion days are before the infusion (day 0) and within two weeks of it [D]. */
export const EARLIEST_LD_DAY = -14;
export const BSA_M2_MIN = 0.2;
export const BSA_M2_MAX = 4;

export const CRCL_METHODS = ["COCKCROFT_GAULT", "MEASURED_URINE", "EGFR_NORMALISED", "OTHER"] as const;

const RegimenEntry = z.strictObject({
  drug: z.enum(LD_DRUGS).describe("Fludarabine or cyclophosphamide"),
  doseMgPerM2PerDay: z
    .number()
    .positive()
    .describe("Planned dose in mg/m² per day (before any renal adjustment)"),
  days: z
    .array(
      z
        .number()
        .int()
        .min(EARLIEST_LD_DAY, `Lymphodepletion days are within ${-EARLIEST_LD_DAY} days before infusion`)
        .max(-1, "Lymphodepletion is given before the infusion: days are negative (day 0 = CAR-T infusion)"),
    )
    .min(1, "Give at least one lymphodepletion day")
    .max(7, "At most 7 lymphodepletion days per drug")
    .describe("Days relative to CAR-T infusion (day 0), e.g. [-5, -4, -3]"),
});

const ProtocolBand = z.strictObject({
  fromCrClMlMin: z.number().min(0).describe("Lower bound of the band, mL/min, inclusive"),
  doseFactor: z
    .number()
    .min(0)
    .max(1)
    .describe("Fraction of the planned fludarabine dose to give in this band (1 = full, 0 = withhold)"),
});

export const FludarabineRenalRule = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("US_LABEL") }),
  z.strictObject({ kind: z.literal("US_FLUDARA_LABEL") }),
  z.strictObject({
    kind: z.literal("EU_SMPC"),
    reductionPercent: z
      .number()
      .gt(0)
      .max(50, "The EU SmPC allows a reduction of up to 50 %")
      .describe("Reduction chosen for CrCl 30–70 mL/min, in % (the SmPC says up to 50 %)"),
  }),
  z.strictObject({
    kind: z.literal("PROTOCOL"),
    protocolName: z.string().trim().min(1).max(200).describe("Protocol whose band table this is"),
    bands: z.array(ProtocolBand).min(1).max(10),
  }),
]);
export type FludarabineRenalRule = z.infer<typeof FludarabineRenalRule>;

const METHOD_NAMES: Record<(typeof CRCL_METHODS)[number], string> = {
  COCKCROFT_GAULT: "Cockcroft–Gault, mL/min",
  MEASURED_URINE: "measured urine collection",
  EGFR_NORMALISED: "eGFR, mL/min/1.73 m²",
  OTHER: "other method",
};

/**
 * The sentences of the lymphodepletion doses (decision 0041); the web catalogues word them under
 * reasons.lymphodepletion.*. The renal band applied is a phrase (`rule.*`) quoted by the fludarabine
 * sentence.
 */
export const LYMPHODEPLETION_REASONS = reasonFamily(
  "lymphodepletion",
  {
    // The result's label, coded like the reasons (decision 0041).
    label: "{{parts, clauses}}",
    "phrase.label.withheld": "{{drug, term}} withheld",
    "phrase.label.dose": "{{drug, term}} {{mg}} mg/day × {{days}}",
    "fludarabine.renal": "Fludarabine: creatinine clearance {{crcl}} ({{method, term}}) → {{rule, phrase}}.",
    "fludarabine.renalWithheld":
      "Fludarabine: creatinine clearance {{crcl}} ({{method, term}}) → {{rule, phrase}}; a physician must " +
      "decide on the regimen.",
    cockcroftGaultNote:
      "The US label states its bands in mL/min/1.73 m²; the Cockcroft–Gault clearance used is in mL/min (not " +
      "normalised).",
    withheld: "{{drug, term}} withheld: 0 mg on days {{days}}.",
    "dose.full.one":
      "{{drug, term}} {{dose}} mg/m²/day × BSA {{bsa}} m² = {{mgPerDay}} mg/day on day {{days}} ({{count}} day, " +
      "{{total}} mg total).",
    "dose.full.many":
      "{{drug, term}} {{dose}} mg/m²/day × BSA {{bsa}} m² = {{mgPerDay}} mg/day on days {{days}} ({{count}} days, " +
      "{{total}} mg total).",
    "dose.adjusted.one":
      "{{drug, term}} {{dose}} mg/m²/day × {{factor}} = {{adjusted}} mg/m²/day × BSA {{bsa}} m² = {{mgPerDay}} " +
      "mg/day on day {{days}} ({{count}} day, {{total}} mg total).",
    "dose.adjusted.many":
      "{{drug, term}} {{dose}} mg/m²/day × {{factor}} = {{adjusted}} mg/m²/day × BSA {{bsa}} m² = {{mgPerDay}} " +
      "mg/day on days {{days}} ({{count}} days, {{total}} mg total).",
    usLabelDefault: "Renal rule: US label bands (the default; a protocol table overrides it).",
    "rule.US_LABEL.withhold": "US label: CrCl < 30 mL/min, do not administer fludarabine",
    "rule.US_LABEL.reduce": "US label: CrCl 30–70 mL/min, reduce by 20 %",
    "rule.US_LABEL.full": "US label: CrCl > 70 mL/min, full dose",
    "rule.US_FLUDARA_LABEL.withhold": "US FLUDARA label: CrCl < 30 mL/min, do not administer fludarabine",
    "rule.US_FLUDARA_LABEL.reduce40": "US FLUDARA label: CrCl 30–49 mL/min, reduce by 40 %",
    "rule.US_FLUDARA_LABEL.reduce20": "US FLUDARA label: CrCl 50–79 mL/min, reduce by 20 %",
    "rule.US_FLUDARA_LABEL.full": "US FLUDARA label: CrCl ≥ 80 mL/min, full dose",
    "rule.EU_SMPC.withhold": "EU SmPC: CrCl < 30 mL/min, fludarabine contraindicated",
    "rule.EU_SMPC.reduce": "EU SmPC: CrCl 30–70 mL/min, reduce by {{percent}} % (up to 50 % allowed)",
    "rule.EU_SMPC.full": "EU SmPC: CrCl > 70 mL/min, full dose",
    "rule.PROTOCOL.withhold": "Protocol {{protocol}}: CrCl ≥ {{from}} mL/min band, withhold fludarabine",
    "rule.PROTOCOL.factor": "Protocol {{protocol}}: CrCl ≥ {{from}} mL/min band, dose factor {{factor}}",
  },
  { ldDrug: DRUG_NAMES, crclMethod: METHOD_NAMES },
);
const R = LYMPHODEPLETION_REASONS;

/** The decision with the band applied as a coded phrase. */
function renalDecision(
  crcl: number,
  rule: FludarabineRenalRule,
): { factor: number; withhold: boolean; phrase: Phrase } {
  switch (rule.kind) {
    case "US_LABEL":
      // US fludarabine phosphate injection label: 30–70 → −20 %; < 30 → do not administer.
      if (crcl < 30)
        return {
          factor: 0,
          withhold: true,
          phrase: R.phrase("rule.US_LABEL.withhold"),
        };
      if (crcl <= 70) return { factor: 0.8, withhold: false, phrase: R.phrase("rule.US_LABEL.reduce") };
      return { factor: 1, withhold: false, phrase: R.phrase("rule.US_LABEL.full") };
    case "US_FLUDARA_LABEL":
      // US FLUDARA label starting-dose table: ≥ 80 full; 50–79 → 20/25; 30–49 → 15/25; < 30 do not administer.
      if (crcl < 30)
        return {
          factor: 0,
          withhold: true,
          phrase: R.phrase("rule.US_FLUDARA_LABEL.withhold"),
        };
      if (crcl < 50)
        return { factor: 0.6, withhold: false, phrase: R.phrase("rule.US_FLUDARA_LABEL.reduce40") };
      if (crcl < 80)
        return { factor: 0.8, withhold: false, phrase: R.phrase("rule.US_FLUDARA_LABEL.reduce20") };
      return { factor: 1, withhold: false, phrase: R.phrase("rule.US_FLUDARA_LABEL.full") };
    case "EU_SMPC":
      // EU SmPC 4.2/4.3: 30–70 → reduce by up to 50 %; < 30 contraindicated.
      if (crcl < 30)
        return {
          factor: 0,
          withhold: true,
          phrase: R.phrase("rule.EU_SMPC.withhold"),
        };
      if (crcl <= 70)
        return {
          factor: 1 - rule.reductionPercent / 100,
          withhold: false,
          phrase: R.phrase("rule.EU_SMPC.reduce", { percent: rule.reductionPercent }),
        };
      return { factor: 1, withhold: false, phrase: R.phrase("rule.EU_SMPC.full") };
    case "PROTOCOL": {
      const band = [...rule.bands]
        .sort((a, b) => b.fromCrClMlMin - a.fromCrClMlMin)
        .find((b) => crcl >= b.fromCrClMlMin)!; // a band from 0 is guaranteed by the schema
      const withhold = band.doseFactor === 0;
      return {
        factor: band.doseFactor,
        withhold,
        phrase: withhold
          ? R.phrase("rule.PROTOCOL.withhold", { protocol: rule.protocolName, from: band.fromCrClMlMin })
          : R.phrase("rule.PROTOCOL.factor", {
              protocol: rule.protocolName,
              from: band.fromCrClMlMin,
              factor: band.doseFactor,
            }),
      };
    }
  }
}

export const LymphodepletionInput = z
  .strictObject({
    bsaM2: z
      .number()
      .min(BSA_M2_MIN, `BSA below ${BSA_M2_MIN} m² is not plausible`)
      .max(BSA_M2_MAX, `BSA above ${BSA_M2_MAX} m² is not plausible`)
      .describe("Body surface area in m² (from the bsa calculator, or capped per protocol)"),
    regimen: z
      .array(RegimenEntry)
      .min(1, "Give at least one drug of the regimen")
      .max(LD_DRUGS.length, "Give one entry per drug: fludarabine and cyclophosphamide at most")
      .describe("One entry per drug: drug, mg/m²/day and the days relative to infusion"),
    creatinineClearanceMlMin: z
      .number()
      .positive()
      .max(300)
      .optional()
      .describe("Creatinine clearance in mL/min; required when the regimen includes fludarabine"),
    creatinineClearanceMethod: z
      .enum(CRCL_METHODS)
      .optional()
      .describe(
        "How the clearance was obtained (COCKCROFT_GAULT, MEASURED_URINE, EGFR_NORMALISED, OTHER); required with fludarabine",
      ),
    fludarabineRenalRule: FludarabineRenalRule.default({ kind: "US_LABEL" }).describe(
      "Renal band table for fludarabine; default US_LABEL (30–70 mL/min −20 %, < 30 withhold). The protocol overrides.",
    ),
  })
  .superRefine((i, ctx) => {
    const seen = new Set<LdDrug>();
    i.regimen.forEach((entry, k) => {
      if (seen.has(entry.drug))
        ruleIssue(
          ctx,
          ["regimen", k, "drug"],
          `${DRUG_NAMES[entry.drug]} appears twice in the regimen; give one entry per drug`,
          "ld_drug_twice" satisfies LdCheck,
        );
      else seen.add(entry.drug);
      const max = MAX_MG_PER_M2_PER_DAY[entry.drug];
      if (entry.doseMgPerM2PerDay > max)
        ruleIssue(
          ctx,
          ["regimen", k, "doseMgPerM2PerDay"],
          `${DRUG_NAMES[entry.drug]} ${entry.doseMgPerM2PerDay} mg/m²/day is above the plausible ${max} mg/m²/day; is it mg/m² per day?`,
          "ld_dose_implausible" satisfies LdCheck,
        );
      const dup = entry.days.findIndex((d, j) => entry.days.indexOf(d) !== j);
      if (dup >= 0)
        ruleIssue(
          ctx,
          ["regimen", k, "days", dup],
          `Day ${entry.days[dup]} is listed twice for ${DRUG_NAMES[entry.drug].toLowerCase()}`,
          "ld_day_twice" satisfies LdCheck,
        );
    });
    if (seen.has("FLUDARABINE")) {
      if (i.creatinineClearanceMlMin === undefined)
        ruleIssue(
          ctx,
          ["creatinineClearanceMlMin"],
          "The creatinine clearance (mL/min) is required when the regimen includes fludarabine (renal dose adjustment)",
          "ld_crcl_required" satisfies LdCheck,
        );
      if (i.creatinineClearanceMethod === undefined)
        ruleIssue(
          ctx,
          ["creatinineClearanceMethod"],
          "Say how the creatinine clearance was obtained (Cockcroft–Gault, measured urine collection, normalised eGFR or other) when the regimen includes fludarabine.",
          "ld_crcl_method_required" satisfies LdCheck,
        );
    }
    const rule = i.fludarabineRenalRule;
    if (rule.kind === "PROTOCOL") {
      const froms = rule.bands.map((b) => b.fromCrClMlMin);
      if (!froms.includes(0))
        ruleIssue(
          ctx,
          ["fludarabineRenalRule", "bands"],
          "The protocol bands must start at 0 mL/min so that every clearance falls in a band",
          "ld_bands_from_zero" satisfies LdCheck,
        );
      const dup = froms.findIndex((f, j) => froms.indexOf(f) !== j);
      if (dup >= 0)
        ruleIssue(
          ctx,
          ["fludarabineRenalRule", "bands", dup, "fromCrClMlMin"],
          `Two bands start at ${froms[dup]} mL/min`,
          "ld_band_twice" satisfies LdCheck,
        );
    }
  });

/**
 * The codes of the lymphodepletion input checks (the problem's issue codes, errors.ts issueCode);
 * worded under issue.rule.* in the web catalogues (issue 11).
 */
export const LD_CHECKS = [
  "ld_drug_twice",
  "ld_dose_implausible",
  "ld_day_twice",
  "ld_crcl_required",
  "ld_crcl_method_required",
  "ld_bands_from_zero",
  "ld_band_twice",
] as const;
type LdCheck = (typeof LD_CHECKS)[number];

export interface LdDrugResult {
  drug: LdDrug;
  plannedMgPerM2PerDay: number;
  renalFactor: number;
  withheld: boolean;
  adjustedMgPerM2PerDay: number;
  mgPerDay: number;
  days: number[];
  totalMg: number;
}

export interface LymphodepletionValue {
  drugs: LdDrugResult[];
  schedule: { day: number; doses: { drug: LdDrug; mg: number }[] }[];
  fludarabineWithheld: boolean;
}

export const lymphodepletionCalculator = defineCalculator({
  name: "lymphodepletion",
  title: "Fludarabine/cyclophosphamide lymphodepletion doses with fludarabine renal adjustment",
  source:
    "Fludarabine phosphate injection USP, US prescribing information (Renal Insufficiency); FLUDARA US label (renal starting-dose table); Fludara EU SmPC 4.2/4.3; CAR-T US labels for the regimens (clinical-rules.md §6.3).",
  ruleSet: "Flu/Cy lymphodepletion with fludarabine renal bands (US label default)",
  ruleSetVersion: "1",
  input: LymphodepletionInput,
  evaluate(i): {
    value: LymphodepletionValue;
    label: Reason;
    reasons: ReasonEntry[];
    details: Record<string, unknown>;
  } {
    const reasons: ReasonEntry[] = [];
    let fludarabineWithheld = false;
    const drugs = i.regimen.map((entry): LdDrugResult => {
      let factor = 1;
      let withheld = false;
      if (entry.drug === "FLUDARABINE") {
        const crcl = i.creatinineClearanceMlMin!; // required by the schema when fludarabine is present
        const d = renalDecision(crcl, i.fludarabineRenalRule);
        factor = d.factor;
        withheld = d.withhold;
        fludarabineWithheld = withheld;
        reasons.push(
          R.say(withheld ? "fludarabine.renalWithheld" : "fludarabine.renal", {
            crcl: fmt(crcl, 1),
            method: `crclMethod.${i.creatinineClearanceMethod!}`,
            rule: d.phrase,
          }),
        );
        if (i.creatinineClearanceMethod === "COCKCROFT_GAULT" && i.fludarabineRenalRule.kind === "US_LABEL")
          reasons.push(R.say("cockcroftGaultNote"));
      }
      const adjusted = entry.doseMgPerM2PerDay * factor;
      const mgPerDay = adjusted * i.bsaM2;
      const days = [...entry.days].sort((a, b) => a - b);
      const drug = `ldDrug.${entry.drug}`;
      if (withheld) reasons.push(R.say("withheld", { drug, days: days.join(", ") }));
      else {
        const params = {
          drug,
          dose: fmt(entry.doseMgPerM2PerDay, 2),
          bsa: fmt(i.bsaM2, 4),
          mgPerDay: fmt(mgPerDay, 1),
          days: days.join(", "),
          count: days.length,
          total: fmt(mgPerDay * days.length, 1),
        };
        const many = days.length > 1;
        reasons.push(
          factor !== 1
            ? R.say(many ? "dose.adjusted.many" : "dose.adjusted.one", {
                ...params,
                factor: fmt(factor, 3),
                adjusted: fmt(adjusted, 2),
              })
            : R.say(many ? "dose.full.many" : "dose.full.one", params),
        );
      }
      return {
        drug: entry.drug,
        plannedMgPerM2PerDay: entry.doseMgPerM2PerDay,
        renalFactor: factor,
        withheld,
        adjustedMgPerM2PerDay: adjusted,
        mgPerDay: withheld ? 0 : mgPerDay,
        days,
        totalMg: withheld ? 0 : mgPerDay * days.length,
      };
    });
    if (i.fludarabineRenalRule.kind === "US_LABEL" && drugs.some((d) => d.drug === "FLUDARABINE"))
      reasons.push(R.say("usLabelDefault"));

    const allDays = [...new Set(drugs.flatMap((d) => d.days))].sort((a, b) => a - b);
    const schedule = allDays.map((day) => ({
      day,
      doses: drugs
        .filter((d) => !d.withheld && d.days.includes(day))
        .map((d) => ({ drug: d.drug, mg: d.mgPerDay })),
    }));
    const label = R.say("label", {
      parts: drugs.map((d) =>
        d.withheld
          ? R.phrase("phrase.label.withheld", { drug: `ldDrug.${d.drug}` })
          : R.phrase("phrase.label.dose", {
              drug: `ldDrug.${d.drug}`,
              mg: fmt(d.mgPerDay, 1),
              days: d.days.length,
            }),
      ),
    });
    return {
      value: { drugs, schedule, fludarabineWithheld },
      label,
      reasons,
      details: {
        bsaM2: i.bsaM2,
        renalRule: i.fludarabineRenalRule,
        ...(i.creatinineClearanceMlMin !== undefined && {
          creatinineClearanceMlMin: i.creatinineClearanceMlMin,
          creatinineClearanceMethod: i.creatinineClearanceMethod,
        }),
      },
    };
  },
});
