/**
 * The lymphodepletion plan (issue 4): the study's (or arm's) regimen turned into daily doses for
 * one patient from the latest recorded height, weight and serum creatinine, dated from the planned
 * infusion (day 0). The arithmetic is the calculators' (BSA, Cockcroft–Gault, Flu/Cy with the
 * fludarabine renal rule, src/domain/calculators/dosing-kinetics/); this module picks the inputs,
 * says which observation each came from and when, and refuses with every missing input named.
 *
 * Regimens are part of the protocol: setting one needs `study:write` at the study's lead site.
 * Reading a plan needs `clinical:read` at the enrolment's site (it shows observations).
 *
 * Observation codes (LOINC, loinc.org; the first three are also used by the demo, src/demo/codes.ts):
 * 8302-2 Body height, 29463-7 Body weight, 2160-0 Creatinine [Mass/volume] in Serum or Plasma,
 * 14682-9 Creatinine [Moles/volume] in Serum or Plasma. Units are UCUM as stored on the observation;
 * only the units below are accepted, anything else is reported rather than guessed.
 */
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { BSA_FORMULAS, bsaCalculator } from "../domain/calculators/dosing-kinetics/bsa.ts";
import {
  creatinineClearanceCalculator,
  WEIGHT_BASES,
} from "../domain/calculators/dosing-kinetics/creatinine-clearance.ts";
import {
  FludarabineRenalRule,
  LymphodepletionInput,
  type LymphodepletionValue,
  lymphodepletionCalculator,
} from "../domain/calculators/dosing-kinetics/lymphodepletion.ts";
import { addDays } from "../domain/calendar.ts";
import { DomainError, type Issue, notFound } from "../domain/errors.ts";
import { CalendarDate, NonEmptyText, Version } from "../domain/schemas/common.ts";
import { localDate } from "../domain/study-day.ts";
import { latestNumericObservations } from "../store/clinical-records.ts";
import {
  findRegimen,
  insertRegimen,
  listRegimens,
  regimensForArm,
  replaceRegimen,
} from "../store/lymphodepletion-regimens.ts";
import type { Selectable } from "../store/schema.ts";
import type { LymphodepletionRegimensTable } from "../store/schema-scheduling.ts";
import { findSite } from "../store/sites.ts";
import { findById } from "../store/versioned.ts";
import { requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { loadStudyFor } from "./studies.ts";
import { parseInput, zodIssues } from "./validate.ts";

type RegimenRow = Selectable<LymphodepletionRegimensTable>;

export const LD_LOINC = {
  height: "8302-2",
  weight: "29463-7",
  creatinineMass: "2160-0",
  creatinineMoles: "14682-9",
} as const;

/** UCUM unit → factor to the calculator's unit (cm, kg); creatinine units map to the calculator's enum. */
const HEIGHT_TO_CM: Record<string, number> = { cm: 1, m: 100 };
const WEIGHT_TO_KG: Record<string, number> = { kg: 1, g: 0.001 };
const CREATININE_UNITS: Record<string, "MG_PER_DL" | "UMOL_PER_L"> = {
  "mg/dL": "MG_PER_DL",
  "umol/L": "UMOL_PER_L",
};

export const RegimenSet = z
  .object({
    armCode: z
      .string()
      .trim()
      .max(40)
      .default("")
      .describe("Arm the regimen is for; empty for the whole study"),
    name: NonEmptyText(200).describe("e.g. 'Flu/Cy 30/500 mg/m² days −5 to −3'"),
    regimen: LymphodepletionInput.shape.regimen,
    fludarabineRenalRule: FludarabineRenalRule.default({ kind: "US_LABEL" }),
    bsaFormula: z.enum(BSA_FORMULAS).default("MOSTELLER"),
    creatinineClearanceWeightBasis: z.enum(WEIGHT_BASES).default("ACTUAL"),
    version: Version.optional().describe("Required when replacing an existing regimen"),
    reason: z.string().trim().max(1000).optional(),
  })
  .strict();

export interface RegimenDto extends Record<string, unknown> {
  id: string;
  studyId: string;
  armCode: string;
  name: string;
  regimen: unknown;
  fludarabineRenalRule: unknown;
  bsaFormula: string;
  creatinineClearanceWeightBasis: string;
  version: number;
  updatedAt: string;
}

const regimenDto = (r: RegimenRow): RegimenDto => ({
  id: r.id,
  studyId: r.study_id,
  armCode: r.arm_code,
  name: r.name,
  regimen: r.regimen,
  fludarabineRenalRule: r.renal_rule,
  bsaFormula: r.bsa_formula,
  creatinineClearanceWeightBasis: r.crcl_weight_basis,
  version: r.version,
  updatedAt: r.updated_at.toISOString(),
});

/** Sets (or replaces, with its version) the study's or an arm's lymphodepletion regimen. */
export async function setLymphodepletionRegimen(
  ctx: ServiceContext,
  studyId: string,
  raw: unknown,
): Promise<RegimenDto> {
  const { study } = await loadStudyFor(ctx, studyId, "study:write");
  const parsed = RegimenSet.safeParse(raw);
  const issues: Issue[] = parsed.success ? [] : zodIssues(parsed.error);
  // The calculator's own cross-field checks (one entry per drug, plausible mg/m², no repeated day),
  // run now so a bad regimen is refused when it is set, not when a patient's plan is due. Every
  // problem is reported at once; one already named by the schema is not repeated.
  const given = (raw ?? {}) as { regimen?: unknown; fludarabineRenalRule?: unknown; armCode?: unknown };
  const probe = LymphodepletionInput.safeParse({
    bsaM2: 1.8,
    regimen: given.regimen,
    creatinineClearanceMlMin: 100,
    creatinineClearanceMethod: "COCKCROFT_GAULT",
    fludarabineRenalRule: given.fludarabineRenalRule ?? { kind: "US_LABEL" },
  });
  if (!probe.success)
    for (const i of zodIssues(probe.error)) if (!issues.some((j) => j.path === i.path)) issues.push(i);
  if (typeof given.armCode === "string" && given.armCode && !study.arms.some((a) => a.code === given.armCode))
    issues.push({ path: "/armCode", message: `The study has no arm ${given.armCode}` });
  if (issues.length || !parsed.success)
    throw new DomainError("validation", "The regimen has problems; nothing was written.", issues);
  const input = parsed.data;
  return inTransaction(ctx, async (db) => {
    const existing = await findRegimen(db, study.id, input.armCode);
    const now = ctx.now();
    const values = {
      name: input.name,
      regimen: JSON.stringify(input.regimen),
      renal_rule: JSON.stringify(input.fludarabineRenalRule),
      bsa_formula: input.bsaFormula,
      crcl_weight_basis: input.creatinineClearanceWeightBasis,
      updated_at: now,
    };
    if (!existing) {
      const row = await insertRegimen(db, {
        id: uuidv7(),
        study_id: study.id,
        arm_code: input.armCode,
        ...values,
        created_at: now,
        created_by: ctx.actor.userId,
      });
      await appendAudit(db, ctx, {
        action: "create",
        entityType: "lymphodepletion-regimen",
        entityId: row.id,
        siteId: study.lead_site_id,
        after: regimenDto(row),
      });
      return regimenDto(row);
    }
    if (input.version !== existing.version)
      throw new DomainError(
        input.version === undefined ? "precondition-required" : "conflict",
        `A regimen exists for this ${input.armCode ? "arm" : "study"} (version ${existing.version}); send that version to replace it.`,
        [{ path: "/version", message: `must be ${existing.version}` }],
        { currentVersion: existing.version },
      );
    const row = await replaceRegimen(db, existing.id, existing.version, values);
    if (!row)
      throw new DomainError("conflict", "The regimen changed while you were saving it; nothing was written.");
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "lymphodepletion-regimen",
      entityId: row.id,
      siteId: study.lead_site_id,
      before: regimenDto(existing),
      after: regimenDto(row),
      reason: input.reason ?? null,
    });
    return regimenDto(row);
  });
}

export async function listLymphodepletionRegimens(ctx: ServiceContext, studyId: string) {
  await loadStudyFor(ctx, studyId, "study:read");
  const rows = await listRegimens(ctx.db, studyId);
  return { items: rows.map(regimenDto) };
}

export const PlanQuery = z.object({
  infusionDate: CalendarDate.optional().describe(
    "Planned infusion (day 0); default the enrolment's infusion date",
  ),
});

export interface PlanInput {
  value: number;
  unit: string;
  observationId: string;
  effectiveAt: string;
  code: string;
}

export interface LymphodepletionPlan {
  enrolmentId: string;
  patientId: string;
  subjectCode: string;
  infusionDate: string;
  regimen: RegimenDto;
  inputs: {
    height: PlanInput;
    weight: PlanInput;
    serumCreatinine: PlanInput;
    ageYears: { value: number; basis: string };
    sex: "female" | "male";
  };
  bsa: { m2: number; formula: string; reasons: string[] };
  creatinineClearance: { mlPerMin: number; weightBasis: string; reasons: string[] };
  /** the fludarabine renal rule applied, with the band it chose (from the calculator's reasons) */
  renalRule: unknown;
  drugs: LymphodepletionValue["drugs"];
  days: { day: number; date: string; doses: { drug: string; mg: number }[] }[];
  fludarabineWithheld: boolean;
  reasons: string[];
  ruleSets: string[];
}

type ObsRow = {
  id: string;
  code: string;
  value_number: number | null;
  unit: string | null;
  effective_at: Date;
};

/** Computes the plan; refuses (422, rule V2V-LD-PLAN-MISSING-INPUTS) naming every missing input. */
export async function lymphodepletionPlan(
  ctx: ServiceContext,
  enrolmentId: string,
  rawQuery: unknown,
): Promise<LymphodepletionPlan> {
  const q = parseInput(PlanQuery, rawQuery ?? {});
  const db = ctx.db;
  const enrolment = await findById(db, "enrolments", enrolmentId);
  if (!enrolment) throw notFound("enrolment", enrolmentId);
  requireAt(ctx.actor, enrolment.site_id, "clinical:read", "enrolment", enrolmentId);
  const patient = (await findById(db, "patients", enrolment.patient_id))!;
  const missing: Issue[] = [];

  const regimens = await regimensForArm(db, enrolment.study_id, enrolment.arm_code);
  const regimen =
    regimens.find((r) => r.arm_code === enrolment.arm_code) ?? regimens.find((r) => r.arm_code === "");
  if (!regimen)
    missing.push({ path: "/regimen", message: "The study defines no lymphodepletion regimen for this arm." });
  const infusionDate = q.infusionDate ?? enrolment.infusion_date;
  if (!infusionDate)
    missing.push({
      path: "/infusionDate",
      message: "No planned infusion date: give infusionDate (YYYY-MM-DD).",
    });
  if (patient.sex !== "female" && patient.sex !== "male")
    missing.push({
      path: "/patient/sex",
      message: `Cockcroft–Gault needs sex female or male; the record says ${patient.sex}.`,
    });

  // Doses are set from the measurements available when lymphodepletion starts: the latest ones
  // up to the first regimen day (site calendar), never a weight taken after the infusion. Rows
  // are read up to 14 h past that day in UTC (the widest time-zone offset) and the site's
  // calendar date decides.
  const site = (await findSite(db, enrolment.site_id))!;
  const regimenDays = ((regimen?.regimen ?? []) as { days?: number[] }[]).flatMap((d) => d.days ?? []);
  const ldStart =
    infusionDate && regimenDays.length ? addDays(infusionDate, Math.min(...regimenDays)) : undefined;
  const now = ctx.now();
  const upper = ldStart ? new Date(Date.parse(`${addDays(ldStart, 1)}T14:00:00Z`)) : now;
  const latest = async (codes: string[]): Promise<ObsRow | undefined> => {
    const until = new Date(Math.min(upper.getTime(), now.getTime()));
    const rows = await latestNumericObservations(db, patient.id, codes, until, 50);
    return rows.find((r) => !ldStart || localDate(r.effective_at, site.time_zone) <= ldStart);
  };

  const pick = (
    row: ObsRow | undefined,
    name: string,
    path: string,
    codes: string,
    units: Record<string, unknown>,
  ): ObsRow | undefined => {
    if (!row) {
      missing.push({ path, message: `No ${name} recorded (LOINC ${codes}).` });
      return undefined;
    }
    if (row.unit === null || !(row.unit in units)) {
      missing.push({
        path,
        message: `The latest ${name} (${row.effective_at.toISOString()}) is in ${row.unit ?? "no unit"}; expected ${Object.keys(units).join(" or ")}.`,
      });
      return undefined;
    }
    return row;
  };
  const height = pick(
    await latest([LD_LOINC.height]),
    "body height",
    "/observations/height",
    LD_LOINC.height,
    HEIGHT_TO_CM,
  );
  const weight = pick(
    await latest([LD_LOINC.weight]),
    "body weight",
    "/observations/weight",
    LD_LOINC.weight,
    WEIGHT_TO_KG,
  );
  const creatinine = pick(
    await latest([LD_LOINC.creatinineMass, LD_LOINC.creatinineMoles]),
    "serum creatinine",
    "/observations/serumCreatinine",
    `${LD_LOINC.creatinineMass} or ${LD_LOINC.creatinineMoles}`,
    CREATININE_UNITS,
  );
  if (missing.length || !regimen || !infusionDate || !height || !weight || !creatinine)
    throw new DomainError(
      "rule-violation",
      `The lymphodepletion plan cannot be computed: ${missing.map((m) => m.message).join(" ")}`,
      missing,
      { rule: "V2V-LD-PLAN-MISSING-INPUTS", missing: missing.map((m) => m.path) },
    );

  const heightCm = height.value_number! * HEIGHT_TO_CM[height.unit!]!;
  const weightKg = weight.value_number! * WEIGHT_TO_KG[weight.unit!]!;
  // Only the birth year is stored: infusion year − birth year is the patient's age or one more,
  // so the clearance is never overestimated by the age term.
  const ageYears = Number(infusionDate.slice(0, 4)) - patient.birth_year;
  const sex = patient.sex as "female" | "male";

  const bsa = bsaCalculator.run({ heightCm, weightKg, formula: regimen.bsa_formula });
  const crcl = creatinineClearanceCalculator.run({
    ageYears,
    sex,
    weightKg,
    weightBasis: regimen.crcl_weight_basis,
    heightCm,
    serumCreatinine: creatinine.value_number!,
    serumCreatinineUnit: CREATININE_UNITS[creatinine.unit!]!,
  });
  const ld = lymphodepletionCalculator.run({
    bsaM2: bsa.value,
    regimen: regimen.regimen,
    creatinineClearanceMlMin: crcl.value,
    creatinineClearanceMethod: "COCKCROFT_GAULT",
    fludarabineRenalRule: regimen.renal_rule,
  });
  const input = (r: ObsRow): PlanInput => ({
    value: r.value_number!,
    unit: r.unit!,
    observationId: r.id,
    effectiveAt: r.effective_at.toISOString(),
    code: r.code,
  });
  return {
    enrolmentId,
    patientId: patient.id,
    subjectCode: patient.subject_code,
    infusionDate,
    regimen: regimenDto(regimen),
    inputs: {
      height: input(height),
      weight: input(weight),
      serumCreatinine: input(creatinine),
      ageYears: {
        value: ageYears,
        basis: `infusion year ${infusionDate.slice(0, 4)} − birth year ${patient.birth_year}`,
      },
      sex,
    },
    bsa: { m2: bsa.value as number, formula: regimen.bsa_formula, reasons: bsa.reasons },
    creatinineClearance: {
      mlPerMin: crcl.value as number,
      weightBasis: regimen.crcl_weight_basis,
      reasons: crcl.reasons,
    },
    renalRule: regimen.renal_rule,
    drugs: ld.value.drugs,
    days: ld.value.schedule.map((d) => ({ day: d.day, date: addDays(infusionDate, d.day), doses: d.doses })),
    fludarabineWithheld: ld.value.fludarabineWithheld,
    reasons: [...bsa.reasons, ...crcl.reasons, ...ld.reasons],
    ruleSets: [bsa.ruleSet, crcl.ruleSet, ld.ruleSet],
  };
}
