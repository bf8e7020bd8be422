/**
 * Input schemas for the clinical record: conditions, observations, medications, clinical events.
 */
import { z } from "zod";
import { CODE_SYSTEMS, CONDITION_CODE_SYSTEMS, CONDITION_STATUSES } from "../code-systems.ts";
import { checkLoincCode } from "../loinc.ts";
import { CalendarDate, Instant, NonEmptyText, Reason, Uuid, Version } from "./common.ts";

export const ConditionCreate = z
  .object({
    patientId: Uuid,
    codeSystem: z.enum(CONDITION_CODE_SYSTEMS),
    code: NonEmptyText(20),
    display: NonEmptyText(300),
    onsetDate: CalendarDate.nullish(),
    abatementDate: CalendarDate.nullish(),
    clinicalStatus: z.enum(CONDITION_STATUSES),
    note: z.string().max(4000).nullish(),
  })
  .superRefine((c, ctx) => {
    if (c.onsetDate && c.abatementDate && c.abatementDate < c.onsetDate)
      ctx.addIssue({
        code: "custom",
        path: ["abatementDate"],
        message: "The abatement date is before the onset date",
        params: { code: "condition_abated_before_onset" },
      });
    if (c.codeSystem === CODE_SYSTEMS.snomed && !/^\d{6,18}$/.test(c.code))
      ctx.addIssue({
        code: "custom",
        path: ["code"],
        message: "A SNOMED CT concept id is 6–18 digits",
        params: { code: "condition_code_format" },
      });
    if (c.codeSystem !== CODE_SYSTEMS.snomed && !/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/.test(c.code))
      ctx.addIssue({
        code: "custom",
        path: ["code"],
        message: "An ICD-10 code looks like M32.9 or C83.3",
        params: { code: "condition_code_format" },
      });
  });
export type ConditionCreate = z.infer<typeof ConditionCreate>;

export const ConditionUpdate = z.object({
  display: NonEmptyText(300).optional(),
  onsetDate: CalendarDate.nullish(),
  abatementDate: CalendarDate.nullish(),
  clinicalStatus: z.enum(CONDITION_STATUSES).optional(),
  note: z.string().max(4000).nullish(),
  version: Version.optional(),
  reason: Reason,
});
export type ConditionUpdate = z.infer<typeof ConditionUpdate>;

/** UCUM codes are printable ASCII without spaces (UCUM §3–4). Full parsing arrives with unit normalisation. */
const UcumCode = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[!-~]+$/, "A UCUM unit code is printable ASCII without spaces, e.g. mg/dL, 10*3/uL, [IU]/mL");

/**
 * An observation's unit as entered: a UCUM code, or one of the laboratory spellings lab import
 * understands (°C, µg/L, x10^9/L, cells/uL…). observation-value.ts checks it against the LOINC
 * code and converts it to the code's canonical unit; the text as entered is kept.
 */
const EnteredUnit = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^\p{Cc}]+$/u, "A unit has no control characters")
  .describe(
    "UCUM unit (e.g. g/dL, 10*3/uL, Cel, [IU]/mL); stored converted to the LOINC code's canonical unit",
  );

export const OBSERVATION_STATUSES = [
  "preliminary",
  "final",
  "amended",
  "corrected",
  "entered-in-error",
] as const;

const observationShape = {
  patientId: Uuid,
  codeSystem: z.literal(CODE_SYSTEMS.loinc).default(CODE_SYSTEMS.loinc),
  code: z.string().max(10),
  display: z.string().max(300).nullish(),
  valueNumber: z.number().finite().nullish(),
  valueCode: z.string().min(1).max(100).nullish(),
  valueText: z.string().min(1).max(4000).nullish(),
  unit: EnteredUnit.nullish(),
  effectiveAt: Instant,
  specimen: z.string().max(100).nullish(),
  source: z.string().max(200).nullish(),
  status: z.enum(OBSERVATION_STATUSES).default("final"),
  note: z.string().max(4000).nullish(),
};

function checkObservation(
  o: {
    code: string;
    valueNumber?: number | null;
    valueCode?: string | null;
    valueText?: string | null;
    unit?: string | null;
  },
  ctx: z.RefinementCtx,
) {
  const problem = checkLoincCode(o.code);
  if (problem === "syntax")
    ctx.addIssue({
      code: "custom",
      path: ["code"],
      message: `"${o.code}" is not a LOINC code (digits-checkdigit)`,
    });
  if (problem === "check-digit")
    ctx.addIssue({ code: "custom", path: ["code"], message: `LOINC ${o.code} has a wrong check digit` });
  const given = [o.valueNumber, o.valueCode, o.valueText].filter((v) => v !== undefined && v !== null).length;
  if (given !== 1)
    ctx.addIssue({
      code: "custom",
      path: ["valueNumber"],
      message: "Give exactly one of valueNumber, valueCode, valueText",
    });
  if (o.valueNumber !== undefined && o.valueNumber !== null && !o.unit)
    ctx.addIssue({
      code: "custom",
      path: ["unit"],
      message: "A numeric value needs a UCUM unit (use 1 for unitless)",
    });
}

export const ObservationCreate = z.object(observationShape).superRefine(checkObservation);
export type ObservationCreate = z.infer<typeof ObservationCreate>;

export const MAX_OBSERVATION_BATCH = 5000;
export const ObservationBatch = z.object({
  observations: z.array(ObservationCreate).min(1).max(MAX_OBSERVATION_BATCH),
});

export const ObservationUpdate = z.object({
  valueNumber: z.number().finite().nullish(),
  valueCode: z.string().min(1).max(100).nullish(),
  valueText: z.string().min(1).max(4000).nullish(),
  unit: EnteredUnit.nullish(),
  effectiveAt: Instant.optional(),
  status: z.enum(OBSERVATION_STATUSES).optional(),
  note: z.string().max(4000).nullish(),
  version: Version.optional(),
  reason: Reason,
});
export type ObservationUpdate = z.infer<typeof ObservationUpdate>;

export const ObservationListQuery = z
  .object({
    patientId: Uuid.optional(),
    code: z.string().max(10).optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    includeErrors: z.enum(["true", "false"]).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && Date.parse(q.to) < Date.parse(q.from))
      ctx.addIssue({ code: "custom", path: ["to"], message: "to is before from" });
  });

export const MedicationCreate = z
  .object({
    patientId: Uuid,
    drug: NonEmptyText(200),
    drugCodeSystem: z.string().max(200).nullish(),
    drugCode: z.string().max(50).nullish(),
    doseValue: z.number().positive().finite().nullish(),
    doseUnit: UcumCode.nullish(),
    route: z.string().max(50).nullish(),
    frequency: z.string().max(50).nullish(),
    startDate: CalendarDate,
    stopDate: CalendarDate.nullish(),
    indication: z.string().max(300).nullish(),
    status: z.enum(["active", "completed", "stopped", "entered-in-error"]).default("active"),
    note: z.string().max(4000).nullish(),
  })
  .superRefine((m, ctx) => {
    if (m.stopDate && m.stopDate < m.startDate)
      ctx.addIssue({ code: "custom", path: ["stopDate"], message: "stopDate is before startDate" });
    if (m.doseValue != null && !m.doseUnit)
      ctx.addIssue({ code: "custom", path: ["doseUnit"], message: "A dose needs a unit" });
  });
export type MedicationCreate = z.infer<typeof MedicationCreate>;

export const MedicationUpdate = z.object({
  doseValue: z.number().positive().finite().nullish(),
  doseUnit: UcumCode.nullish(),
  route: z.string().max(50).nullish(),
  frequency: z.string().max(50).nullish(),
  stopDate: CalendarDate.nullish(),
  status: z.enum(["active", "completed", "stopped", "entered-in-error"]).optional(),
  note: z.string().max(4000).nullish(),
  version: Version.optional(),
  reason: Reason,
});
export type MedicationUpdate = z.infer<typeof MedicationUpdate>;

export const ClinicalEventCreate = z.object({
  patientId: Uuid,
  occurredAt: Instant,
  category: z.enum([
    "diagnosis",
    "referral",
    "procedure",
    "imaging",
    "response",
    "functional-status",
    "toxicity",
    "note",
    "other",
  ]),
  title: NonEmptyText(300),
  text: z.string().max(10000).nullish(),
});
export type ClinicalEventCreate = z.infer<typeof ClinicalEventCreate>;

export const ClinicalEventUpdate = z.object({
  occurredAt: Instant.optional(),
  title: NonEmptyText(300).optional(),
  text: z.string().max(10000).nullish(),
  status: z.enum(["final", "entered-in-error"]).optional(),
  version: Version.optional(),
  reason: Reason,
});
export type ClinicalEventUpdate = z.infer<typeof ClinicalEventUpdate>;

export const PatientScopedListQuery = z.object({ patientId: Uuid.optional() });
