import { z } from "zod";
import { Instant, Reason, Uuid, Version } from "./common.ts";

export const AssessmentCreate = z.object({
  calculator: z.string().min(1).max(50),
  inputs: z.record(z.string(), z.unknown()),
  assessedAt: Instant,
  note: z.string().max(4000).nullish(),
  /** the protocol visit it was made at (e.g. a stored visit draft), a visit of the same patient */
  visitId: Uuid.nullish(),
});
export type AssessmentCreate = z.infer<typeof AssessmentCreate>;

export const AssessmentUpdate = z.object({
  status: z.enum(["final", "entered-in-error"]).optional(),
  note: z.string().max(4000).nullish(),
  version: Version.optional(),
  reason: Reason,
});
