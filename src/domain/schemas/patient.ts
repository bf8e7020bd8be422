import { z } from "zod";
import { DISEASES } from "../cohort/indication.ts";
import { SUBJECT_CODE_PATTERN } from "../subject-code.ts";
import { JOURNEY_STATES } from "../vein-to-vein/journey.ts";
import { CalendarDate, NonEmptyText, Reason, Sex, Uuid, Version } from "./common.ts";

export const IdentityInput = z.object({
  familyName: NonEmptyText(200),
  givenName: NonEmptyText(200),
  sex: Sex,
  birthDate: CalendarDate,
  phone: z.string().trim().max(50).nullish(),
  email: z.email().max(200).nullish(),
  address: z.string().trim().max(500).nullish(),
  homeRegion: z.string().trim().max(200).nullish(),
  nationalId: z.string().trim().max(50).nullish(),
});
export type IdentityInput = z.infer<typeof IdentityInput>;

export const PatientCreate = z
  .object({
    siteId: Uuid,
    /** Omit to let the site issue the next code (SZ-0001, SZ-0002…). */
    subjectCode: z.string().regex(SUBJECT_CODE_PATTERN, "Subject codes look like SZ-0001").optional(),
    birthYear: z.number().int().min(1900).max(2100),
    sex: Sex,
    identity: IdentityInput.optional(),
    isSynthetic: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.identity) {
      const year = Number(p.identity.birthDate.slice(0, 4));
      if (year !== p.birthYear)
        ctx.addIssue({
          code: "custom",
          path: ["birthYear"],
          message: `birthYear ${p.birthYear} contradicts identity.birthDate ${p.identity.birthDate}`,
        });
      if (p.identity.sex !== p.sex)
        ctx.addIssue({ code: "custom", path: ["sex"], message: "sex contradicts identity.sex" });
    }
  });
export type PatientCreate = z.infer<typeof PatientCreate>;

export const PatientUpdate = z.object({
  birthYear: z.number().int().min(1900).max(2100).optional(),
  sex: Sex.optional(),
  version: Version.optional(),
  reason: Reason,
});
export type PatientUpdate = z.infer<typeof PatientUpdate>;

export const IdentityUpdate = IdentityInput.partial().extend({ version: Version.optional(), reason: Reason });
export type IdentityUpdate = z.infer<typeof IdentityUpdate>;

export const PatientListQuery = z.object({
  siteId: Uuid.optional().describe("only this site; every site you may read when omitted"),
  subjectCode: z.string().max(20).optional().describe("exactly this subject code"),
  subjectCodeContains: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .optional()
    .describe("part of the subject code, any case"),
  studyId: Uuid.optional().describe("enrolled in this study"),
  disease: z.enum(DISEASES).optional().describe("with a diagnosis of lymphoma, myeloma or sle"),
  stage: z.enum(JOURNEY_STATES).optional().describe("with a journey in this state"),
});
export type PatientListQuery = z.infer<typeof PatientListQuery>;
