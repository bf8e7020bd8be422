import { z } from "zod";
import { VECTOR_TYPES } from "../visit-schedule.ts";
import { CalendarDate, NonEmptyText, Reason, Uuid, Version } from "./common.ts";

/** Antigen targets seen in CAR-T constructs; extend as programs add constructs. */
export const CAR_TARGETS = [
  "CD19",
  "BCMA",
  "CD20",
  "CD22",
  "CD7",
  "CD5",
  "CD30",
  "CD70",
  "GPRC5D",
  "CD38",
] as const;

/** How a product presents its targets (a compound CAR is two CARs on one cell; co-infusion is two products). */
export const CAR_FORMATS = ["single", "compound", "tandem", "bicistronic", "co-infusion"] as const;

export const DoseLevel = z.object({
  code: NonEmptyText(20),
  label: NonEmptyText(100),
  dose: z.number().positive().finite(),
  unit: z.enum(["car-cells-per-kg", "car-cells"]),
});

export const StudyArm = z.object({
  code: NonEmptyText(20),
  name: NonEmptyText(200),
  doseLevels: z.array(DoseLevel).max(20).default([]),
});

export const STUDY_PHASES = [
  "early-phase-1",
  "phase-1",
  "phase-1-2",
  "phase-2",
  "phase-3",
  "phase-4",
  "not-applicable",
] as const;
/** FHIR R4 ResearchStudy.status codes. */
export const STUDY_STATUSES = [
  "in-review",
  "approved",
  "active",
  "temporarily-closed-to-accrual",
  "closed-to-accrual",
  "completed",
  "withdrawn",
] as const;

function uniqueCodes(arms: { code: string; doseLevels: { code: string }[] }[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  arms.forEach((a, i) => {
    if (seen.has(a.code))
      ctx.addIssue({ code: "custom", path: ["arms", i, "code"], message: `Duplicate arm ${a.code}` });
    seen.add(a.code);
    const levels = new Set<string>();
    a.doseLevels.forEach((d, j) => {
      if (levels.has(d.code))
        ctx.addIssue({
          code: "custom",
          path: ["arms", i, "doseLevels", j, "code"],
          message: `Duplicate dose level ${d.code}`,
        });
      levels.add(d.code);
    });
  });
}

export const StudyCreate = z
  .object({
    leadSiteId: Uuid,
    siteIds: z.array(Uuid).max(200).default([]),
    title: NonEmptyText(500),
    shortName: NonEmptyText(50),
    registryId: z.string().max(50).nullish(),
    phase: z.enum(STUDY_PHASES),
    status: z.enum(STUDY_STATUSES),
    arms: z.array(StudyArm).min(1).max(20),
    isSynthetic: z.boolean().default(false),
  })
  .superRefine((s, ctx) => uniqueCodes(s.arms, ctx));
export type StudyCreate = z.infer<typeof StudyCreate>;

export const StudyUpdate = z
  .object({
    title: NonEmptyText(500).optional(),
    registryId: z.string().max(50).nullish(),
    phase: z.enum(STUDY_PHASES).optional(),
    status: z.enum(STUDY_STATUSES).optional(),
    arms: z.array(StudyArm).min(1).max(20).optional(),
    version: Version.optional(),
    reason: Reason,
  })
  .superRefine((s, ctx) => s.arms && uniqueCodes(s.arms, ctx));
export type StudyUpdate = z.infer<typeof StudyUpdate>;

/** A site joining a running study (needs an admin or investigator of the lead site and of that site). */
export const StudySiteAdd = z.object({ siteId: Uuid, reason: Reason });

/**
 * How the CAR gene enters the cells, as a closed list (`vector` stays the free-text description).
 * It decides long-term follow-up: integrating vectors get 15 years (domain/visit-schedule.ts).
 */
export const VectorType = z
  .enum(VECTOR_TYPES)
  .describe("lentiviral, gammaretroviral, transposon, mrna or other-non-integrating");

export const CarProductCreate = z
  .object({
    studyId: Uuid,
    code: NonEmptyText(30),
    name: NonEmptyText(200),
    targets: z
      .array(z.enum(CAR_TARGETS))
      .min(1)
      .max(4)
      .refine((t) => new Set(t).size === t.length, "Targets must not repeat"),
    format: z.enum(CAR_FORMATS),
    costimulatoryDomain: NonEmptyText(50),
    vector: NonEmptyText(100),
    vectorType: VectorType.nullish(),
    doseUnit: z.enum(["car-cells-per-kg", "flat"]),
    manufacturer: z.string().max(200).nullish(),
  })
  .superRefine((p, ctx) => {
    // A single-target construct is "single"; every dual format needs at least two targets.
    if (p.format === "single" && p.targets.length !== 1)
      ctx.addIssue({ code: "custom", path: ["format"], message: "format single takes exactly one target" });
    if (p.format !== "single" && p.targets.length < 2)
      ctx.addIssue({
        code: "custom",
        path: ["targets"],
        message: `format ${p.format} needs at least two targets`,
      });
  });
export type CarProductCreate = z.infer<typeof CarProductCreate>;

export const CarProductUpdate = z.object({
  name: NonEmptyText(200).optional(),
  costimulatoryDomain: NonEmptyText(50).optional(),
  vector: NonEmptyText(100).optional(),
  vectorType: VectorType.nullish(),
  manufacturer: z.string().max(200).nullish(),
  version: Version.optional(),
  reason: Reason,
});
export type CarProductUpdate = z.infer<typeof CarProductUpdate>;

/** Enrolment status, coarse until the vein-to-vein state machine takes over. */
export const ENROLMENT_STATUSES = [
  "screening",
  "enrolled",
  "screen-failed",
  "on-treatment",
  "follow-up",
  "completed",
  "withdrawn",
  "died",
  "lost-to-follow-up",
] as const;

export const EnrolmentCreate = z
  .object({
    patientId: Uuid,
    studyId: Uuid,
    armCode: NonEmptyText(20),
    doseLevelCode: z.string().max(20).nullish(),
    consentDate: CalendarDate,
    consentVersion: NonEmptyText(50),
    enrolledOn: CalendarDate.nullish(),
    infusionDate: CalendarDate.nullish(),
    status: z.enum(ENROLMENT_STATUSES).default("screening"),
  })
  .superRefine((e, ctx) => {
    if (e.enrolledOn && e.enrolledOn < e.consentDate)
      ctx.addIssue({ code: "custom", path: ["enrolledOn"], message: "Enrolment cannot precede consent" });
    if (e.infusionDate && e.infusionDate < e.consentDate)
      ctx.addIssue({ code: "custom", path: ["infusionDate"], message: "Infusion cannot precede consent" });
  });
export type EnrolmentCreate = z.infer<typeof EnrolmentCreate>;

export const EnrolmentUpdate = z.object({
  armCode: NonEmptyText(20).optional(),
  doseLevelCode: z.string().max(20).nullish(),
  consentVersion: NonEmptyText(50).optional(),
  enrolledOn: CalendarDate.nullish(),
  infusionDate: CalendarDate.nullish(),
  status: z.enum(ENROLMENT_STATUSES).optional(),
  version: Version.optional(),
  reason: Reason,
});
export type EnrolmentUpdate = z.infer<typeof EnrolmentUpdate>;
